//! The wizard's background impact plans: one at a time, debounced, superseded gracefully.
//!
//! Why a worker of its own rather than a task aborted at the next edit: aborting the task drops
//! the Terraform child, and `kill_on_drop` kills it, so a plan against a real backend (which
//! takes the state lock, as issue 10 requires) could leave the lock behind for the next apply
//! to trip on. Here the next edit *interrupts* the plan under way through the job's own
//! [`Interrupt`]: Terraform gets the two SIGINTs that make it exit at once
//! ([`crate::terraform::TfCommand::cancel_outright`]; after a single one it would finish the
//! plan) and releases the lock on its way out; the next job waits for that before it renders
//! into the same scratch copy and plans, so two impact plans never overlap.
//!
//! The debounce keeps a half-typed value from starting a plan; committing the field (Enter,
//! Tab, Esc) says the value is final, so [`ImpactWorker::start_now`] cuts the wait short.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;

use super::update::Action;
use crate::engine::impact::{self, ImpactRequest};
use crate::terraform::Interrupt;

/// Quiet time after the last edit before the impact plan starts (an edit within it supersedes).
pub const IMPACT_DEBOUNCE: Duration = Duration::from_millis(300);

/// A submitted plan: its generation, its own stop button, its debounce shortcut, its task.
struct Job {
    generation: u64,
    interrupt: Interrupt,
    start_now: Arc<Notify>,
    handle: JoinHandle<()>,
}

/// Runs the impact plans the wizard asks for; see the module doc.
pub struct ImpactWorker {
    current: Option<Job>,
    debounce: Duration,
}

impl Default for ImpactWorker {
    fn default() -> Self {
        Self::new()
    }
}

impl ImpactWorker {
    pub fn new() -> Self {
        Self::with_debounce(IMPACT_DEBOUNCE)
    }

    /// A worker with another quiet time (tests use a long one to see what skips it).
    pub fn with_debounce(debounce: Duration) -> Self {
        Self {
            current: None,
            debounce,
        }
    }

    /// Plans `request` for `generation` after the debounce, [`IMPACT_DEBOUNCE`] (or at
    /// [`ImpactWorker::start_now`]) and sends the result as [`Action::ImpactReady`]; an `Err`
    /// request (no Terraform binary, no credentials) is sent as the result as it is. The job
    /// under way is interrupted (a plan under way gets SIGINT) and this one starts only once it
    /// has stopped. A superseded job sends nothing. Must be called inside a tokio runtime.
    pub fn submit(
        &mut self,
        generation: u64,
        request: Result<ImpactRequest, String>,
        tx: &mpsc::UnboundedSender<Action>,
    ) {
        let previous = self.current.take().map(|j| {
            j.interrupt.request();
            j.handle
        });
        let interrupt = Interrupt::new();
        let start_now = Arc::new(Notify::new());
        let handle = tokio::spawn(run_job(
            self.debounce,
            generation,
            request,
            previous,
            interrupt.clone(),
            start_now.clone(),
            tx.clone(),
        ));
        self.current = Some(Job {
            generation,
            interrupt,
            start_now,
            handle,
        });
    }

    /// The answers of `generation` are final (the field was committed): skip the rest of its
    /// debounce. A job for another generation is left alone.
    pub fn start_now(&self, generation: u64) {
        if let Some(j) = self.current.as_ref().filter(|j| j.generation == generation) {
            // Stores a permit if the job is not waiting yet, so an early call is not lost.
            j.start_now.notify_one();
        }
    }

    /// Is a job (waiting or planning) still running?
    pub fn busy(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|j| !j.handle.is_finished())
    }

    /// Stops the job under way so its Terraform can release the state lock, and waits for it,
    /// at most `wait` (then it is left to the runtime's shutdown, which kills it).
    pub async fn shutdown(&mut self, wait: Duration) {
        if let Some(j) = self.current.take() {
            j.interrupt.request();
            let _ = tokio::time::timeout(wait, j.handle).await;
        }
    }
}

async fn run_job(
    debounce: Duration,
    generation: u64,
    request: Result<ImpactRequest, String>,
    previous: Option<JoinHandle<()>>,
    interrupt: Interrupt,
    start_now: Arc<Notify>,
    tx: mpsc::UnboundedSender<Action>,
) {
    tokio::select! {
        () = tokio::time::sleep(debounce) => {}
        () = start_now.notified() => {}
        () = interrupt.requested() => {}
    }
    // Whatever happens next, the previous plan has stopped first: it holds the scratch copy
    // and, against a real backend, the state lock.
    if let Some(p) = previous {
        let _ = p.await;
    }
    if interrupt.is_requested() {
        return;
    }
    let result = match request {
        Err(e) => Err(e),
        Ok(req) => impact::compute(&req, &interrupt)
            .await
            .map_err(|e| e.to_string()),
    };
    if !interrupt.is_requested() {
        let _ = tx.send(Action::ImpactReady { generation, result });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each test's jobs carry an `Err` request: the worker's own logic (debounce, superseding,
    /// start-now) without a plan. The plan path itself is held by `it impact::*`.
    fn unavailable(why: &str) -> Result<ImpactRequest, String> {
        Err(why.to_string())
    }

    fn ready(a: Option<Action>) -> (u64, String) {
        match a {
            Some(Action::ImpactReady { generation, result }) => {
                (generation, result.err().unwrap_or_default())
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    /// No answer within `wait`.
    async fn silent(rx: &mut mpsc::UnboundedReceiver<Action>, wait: Duration) -> bool {
        tokio::time::timeout(wait, rx.recv()).await.is_err()
    }

    const LONG: Duration = Duration::from_secs(3600);
    const SHORT: Duration = Duration::from_millis(200);

    #[tokio::test]
    async fn a_job_waits_out_its_debounce_unless_started_now() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = ImpactWorker::with_debounce(LONG);
        w.submit(1, unavailable("one"), &tx);
        assert!(silent(&mut rx, SHORT).await, "answered inside the debounce");
        w.start_now(1);
        assert_eq!(ready(rx.recv().await), (1, "one".into()));

        // Started before the job even waits: the permit is kept.
        w.submit(2, unavailable("two"), &tx);
        w.start_now(2);
        assert_eq!(ready(rx.recv().await), (2, "two".into()));
    }

    #[tokio::test]
    async fn the_debounce_ends_on_its_own() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = ImpactWorker::with_debounce(Duration::from_millis(10));
        w.submit(7, unavailable("seven"), &tx);
        assert_eq!(ready(rx.recv().await), (7, "seven".into()));
    }

    #[tokio::test]
    async fn start_now_for_another_generation_changes_nothing() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = ImpactWorker::with_debounce(LONG);
        w.submit(5, unavailable("five"), &tx);
        w.start_now(4);
        assert!(
            silent(&mut rx, SHORT).await,
            "a stale start_now started the job"
        );
        w.shutdown(Duration::from_secs(5)).await;
        assert!(!w.busy());
    }

    #[tokio::test]
    async fn a_superseded_job_sends_nothing_and_the_next_one_answers() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = ImpactWorker::with_debounce(LONG);
        w.submit(1, unavailable("one"), &tx);
        w.submit(2, unavailable("two"), &tx);
        w.start_now(2);
        assert_eq!(ready(rx.recv().await), (2, "two".into()));
        w.shutdown(Duration::from_secs(5)).await;
        drop(tx);
        assert!(rx.recv().await.is_none(), "the superseded job answered");
    }

    #[tokio::test]
    async fn shutdown_stops_a_waiting_job_without_an_answer() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = ImpactWorker::with_debounce(LONG);
        w.submit(3, unavailable("three"), &tx);
        w.shutdown(Duration::from_secs(5)).await;
        assert!(!w.busy());
        drop(tx);
        assert!(rx.recv().await.is_none(), "a shut down job answered");
    }
}
