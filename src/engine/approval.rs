//! The per-phase "apply this plan?" question: the engine asks an [`Approver`] and does not know
//! who answers (the headless prompt, the TUI's dialog through [`ChannelApprover`], or
//! [`AutoApprove`]).

use futures::future::BoxFuture;

use super::Changes;
use crate::phases::Phase;

/// The answer to "apply phase N?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Apply,
    /// Stop the run here (later phases depend on this one).
    Stop,
}

pub trait Approver: Send + Sync {
    fn approve<'a>(&'a self, phase: &'a Phase, changes: Changes) -> BoxFuture<'a, Approval>;

    /// The phase's plan replaces or deletes resources holding data that the guard does not
    /// confirm: return the addresses the user confirms now (the TUI asks for each resource's
    /// name to be typed). Those left out stop the phase as `blocked`. By default none is
    /// confirmed: headless confirmations are flags, given before the run.
    fn confirm_destructive<'a>(
        &'a self,
        _phase: &'a Phase,
        _pending: &'a [super::impact::ResourceImpact],
    ) -> BoxFuture<'a, Vec<String>> {
        Box::pin(async { Vec::new() })
    }
}

/// Approves everything (`--auto-approve`, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct AutoApprove;

impl Approver for AutoApprove {
    fn approve<'a>(&'a self, _: &'a Phase, _: Changes) -> BoxFuture<'a, Approval> {
        Box::pin(async { Approval::Apply })
    }
}

/// One "apply phase N?" question sent to a UI by [`ChannelApprover`]; answer on `reply`.
#[derive(Debug)]
pub struct ApprovalRequest {
    pub phase: u8,
    pub title: String,
    pub changes: Changes,
    pub reply: tokio::sync::oneshot::Sender<Approval>,
}

/// Forwards each approval question over a channel (the TUI shows a dialog and replies).
/// A dropped receiver or reply counts as [`Approval::Stop`].
#[derive(Debug, Clone)]
pub struct ChannelApprover {
    tx: tokio::sync::mpsc::UnboundedSender<ApprovalRequest>,
}

impl ChannelApprover {
    pub fn new() -> (Self, tokio::sync::mpsc::UnboundedReceiver<ApprovalRequest>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (Self { tx }, rx)
    }
}

impl Approver for ChannelApprover {
    fn approve<'a>(&'a self, phase: &'a Phase, changes: Changes) -> BoxFuture<'a, Approval> {
        Box::pin(async move {
            let (reply, answer) = tokio::sync::oneshot::channel();
            let req = ApprovalRequest {
                phase: phase.number,
                title: phase.title.to_string(),
                changes,
                reply,
            };
            if self.tx.send(req).is_err() {
                return Approval::Stop;
            }
            answer.await.unwrap_or(Approval::Stop)
        })
    }
}
