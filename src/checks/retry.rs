//! Retries with a per-check budget and exponential backoff.
//!
//! A freshly applied platform converges for a while (DNS records propagate, certificates are
//! issued, pods pull images), so one failed probe proves little. Each check therefore retries until
//! its budget is spent, waiting a little longer after each failure so a slow target is not hammered.
//! Every attempt also has its own timeout, because a black-holed TCP connection would otherwise
//! swallow the whole budget in one attempt and leave no room for a retry.
//!
//! The policy ([`RetryPolicy`]) is pure data, so its schedule is tested as data; only
//! [`run_with_retry`] touches the clock.

use std::future::Future;
use std::time::{Duration, Instant};

/// How a probe attempt ended when it did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeError {
    /// Worth another attempt: connection refused, timeout, 5xx, not ready yet.
    Retry(String),
    /// Retrying cannot help (bad credentials, missing setting): fail at once.
    Fatal(String),
    /// The probe cannot run here (missing tool, option not requested).
    Skip(String),
}

impl ProbeError {
    pub fn retry(reason: impl Into<String>) -> Self {
        Self::Retry(reason.into())
    }
    pub fn fatal(reason: impl Into<String>) -> Self {
        Self::Fatal(reason.into())
    }
    pub fn skip(reason: impl Into<String>) -> Self {
        Self::Skip(reason.into())
    }
}

/// The waits of one check: how long in total, how long per attempt, and how the pause between
/// attempts grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Time the check may take, attempts and pauses included.
    pub budget: Duration,
    /// Longest a single attempt may take (cut to what is left of the budget).
    pub attempt_timeout: Duration,
    /// Pause after the first failure.
    pub first_backoff: Duration,
    /// Each pause is the previous one times this factor...
    pub factor: u32,
    /// ...but never longer than this.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// The default shape for a budget: 0.5 s, 1 s, 2 s, ... capped at 10 s; attempts of 15 s at most.
    pub fn with_budget(budget: Duration) -> Self {
        Self {
            budget,
            attempt_timeout: Duration::from_secs(15).min(budget),
            first_backoff: Duration::from_millis(500),
            factor: 2,
            max_backoff: Duration::from_secs(10),
        }
    }

    /// The pause after the `failures`-th failed attempt (1-based): exponential, capped.
    /// No jitter: one client probes each target, so there is no herd to spread out, and a
    /// deterministic schedule is easier to read in a report.
    pub fn backoff(&self, failures: u32) -> Duration {
        let exp = failures.saturating_sub(1).min(32);
        let mult = self.factor.max(1).saturating_pow(exp);
        self.first_backoff
            .checked_mul(mult)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The pause before the next attempt, or `None` when the budget would be spent before the
    /// next attempt could even start.
    pub fn next_delay(&self, failures: u32, elapsed: Duration) -> Option<Duration> {
        let delay = self.backoff(failures);
        if elapsed + delay >= self.budget {
            None
        } else {
            Some(delay)
        }
    }

    /// The pauses a check would make if every attempt failed instantly: the schedule as data.
    pub fn schedule(&self) -> Vec<Duration> {
        let mut out = Vec::new();
        let mut elapsed = Duration::ZERO;
        let mut failures = 1;
        while let Some(d) = self.next_delay(failures, elapsed) {
            out.push(d);
            elapsed += d;
            failures += 1;
        }
        out
    }

    /// The timeout of the next attempt: the per-attempt cap, cut to what is left of the budget.
    pub fn attempt_timeout(&self, elapsed: Duration) -> Duration {
        self.attempt_timeout
            .min(self.budget.saturating_sub(elapsed))
            .max(Duration::from_millis(100))
    }
}

/// What a retried probe ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub result: Result<String, ProbeError>,
    pub attempts: u32,
}

/// Runs `probe` until it passes, fails fatally, is skipped, or the budget is spent.
/// On a spent budget the last reason is kept, since that is the one the operator needs.
pub async fn run_with_retry<F, Fut>(policy: RetryPolicy, mut probe: F) -> Outcome
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<String, ProbeError>>,
{
    let start = Instant::now();
    let mut attempts = 0;
    // The last reason a probe gave itself: a later attempt cut short by the budget says less
    // ("timed out") than the refusal or error before it.
    let mut last_reason: Option<String> = None;
    loop {
        attempts += 1;
        let timeout = policy.attempt_timeout(start.elapsed());
        let reason = match tokio::time::timeout(timeout, probe()).await {
            Ok(Ok(detail)) => {
                return Outcome {
                    result: Ok(detail),
                    attempts,
                }
            }
            Ok(Err(ProbeError::Retry(reason))) => {
                last_reason = Some(reason.clone());
                reason
            }
            Ok(Err(other)) => {
                return Outcome {
                    result: Err(other),
                    attempts,
                }
            }
            Err(_) => {
                let timed_out = format!("attempt timed out after {:.1}s", timeout.as_secs_f64());
                match &last_reason {
                    Some(earlier) => format!("{earlier}; then {timed_out}"),
                    None => timed_out,
                }
            }
        };
        match policy.next_delay(attempts, start.elapsed()) {
            Some(delay) => tokio::time::sleep(delay).await,
            None => {
                return Outcome {
                    result: Err(ProbeError::Fatal(format!(
                        "{reason} (gave up after {attempts} attempt{} in {:.1}s)",
                        if attempts == 1 { "" } else { "s" },
                        start.elapsed().as_secs_f64()
                    ))),
                    attempts,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn backoff_doubles_then_caps() {
        let p = RetryPolicy::with_budget(Duration::from_secs(120));
        let got: Vec<_> = (1..=8).map(|n| p.backoff(n)).collect();
        assert_eq!(
            got,
            vec![
                ms(500),
                ms(1000),
                ms(2000),
                ms(4000),
                ms(8000),
                ms(10_000),
                ms(10_000),
                ms(10_000)
            ]
        );
    }

    #[test]
    fn schedule_stays_within_budget() {
        let p = RetryPolicy::with_budget(Duration::from_secs(10));
        assert_eq!(p.schedule(), vec![ms(500), ms(1000), ms(2000), ms(4000)]);
        let total: Duration = p.schedule().iter().sum();
        assert!(total < p.budget);
    }

    #[test]
    fn tiny_budget_means_one_attempt() {
        let p = RetryPolicy::with_budget(ms(400));
        assert!(p.schedule().is_empty());
        assert_eq!(p.attempt_timeout, ms(400));
    }

    #[test]
    fn attempt_timeout_shrinks_with_the_budget() {
        let p = RetryPolicy::with_budget(Duration::from_secs(20));
        assert_eq!(p.attempt_timeout(Duration::ZERO), Duration::from_secs(15));
        assert_eq!(
            p.attempt_timeout(Duration::from_secs(18)),
            Duration::from_secs(2)
        );
        assert_eq!(p.attempt_timeout(Duration::from_secs(25)), ms(100));
    }

    #[test]
    fn huge_failure_counts_do_not_overflow() {
        let p = RetryPolicy::with_budget(Duration::from_secs(5));
        assert_eq!(p.backoff(u32::MAX), p.max_backoff);
    }
}
