//! Where a public request stands, in the reader's terms: since when it has
//! been at its stage, whether an interim decision has paused it, when it
//! was decided and last changed. Worked out from the public register only
//! (its history and its public decisions), so nothing withheld shows.

use crate::model::date::Date;
use crate::model::vocabulary::{DecisionKind, Outcome};
use crate::publish::{PublicDecision, PublicRequest};

/// An open request held up by an interim decision: deferred, or returned
/// to the Proposer, with nothing recorded since.
pub fn pause(r: &PublicRequest) -> Option<&PublicDecision> {
    if !r.status.is_open() {
        return None;
    }
    let last = r
        .decisions
        .iter()
        .filter(|d| d.kind == DecisionKind::Interim)
        .max_by_key(|d| d.date)?;
    let holds = matches!(last.outcome, Outcome::Deferred | Outcome::Returned);
    let moved_on = r.history.iter().any(|h| h.date > last.date);
    (holds && !moved_on).then_some(last)
}

/// Since when an open request has stood where it stands: the date of its
/// pause, else the date its current stage was first reached (a stage
/// repeated, as triage with the Proposer, does not restart the clock).
pub fn since(r: &PublicRequest) -> Option<Date> {
    if !r.status.is_open() {
        return None;
    }
    if let Some(d) = pause(r) {
        return Some(d.date);
    }
    let stage = r.latest_stage();
    r.history
        .iter()
        .rev()
        .take_while(|h| h.stage == stage)
        .last()
        .map(|h| h.date)
}

/// The date of the public final decision.
pub fn decided(r: &PublicRequest) -> Option<Date> {
    r.final_decision().map(|d| d.date)
}

/// The latest dated event the register publishes about the request: a
/// stage or a public decision (never a withheld one).
pub fn last_updated(r: &PublicRequest) -> Date {
    let stages = r.history.iter().map(|h| h.date);
    let decisions = r.decisions.iter().map(|d| d.date);
    stages.chain(decisions).max().unwrap_or(r.submitted)
}

/// When the change takes effect: the implementation date of a public
/// approved final decision.
pub fn takes_effect(r: &PublicRequest) -> Option<(Date, &str)> {
    let d = r.final_decision()?;
    if d.outcome != Outcome::Approved {
        return None;
    }
    Some((d.implementation_date?, d.sc_version.as_deref()?))
}

/// True when the request's final decision exists but is withheld: the
/// filter publishes exactly this fact, as the status `decided` (section 9
/// of the format), and nothing more about the decision.
pub fn decision_withheld(r: &PublicRequest) -> bool {
    r.status == crate::model::status::Status::Decided
}
