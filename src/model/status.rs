//! A request's public status, derived and never typed by hand (section 3.3).

use crate::model::date::Date;
use crate::model::vocabulary::{Outcome, Stage};
use serde::Serialize;

/// What a reader is told about where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Received by the SSC.
    Submitted,
    /// In SSC triage.
    Triage,
    /// With the SSC and NCSC.
    NcscReview,
    /// With a CPA Working Group.
    Refinement,
    /// Decided, but the decision is not public.
    Decided,
    /// Approved; the SC version takes effect on a later date.
    Scheduled,
    /// Approved, and the SC version is in effect.
    Implemented,
    /// Rejected.
    Rejected,
    /// Withdrawn by the Proposer.
    Withdrawn,
}

impl Status {
    /// Every status, in process order.
    pub const ALL: &'static [Status] = &[
        Status::Submitted,
        Status::Triage,
        Status::NcscReview,
        Status::Refinement,
        Status::Decided,
        Status::Scheduled,
        Status::Implemented,
        Status::Rejected,
        Status::Withdrawn,
    ];

    /// As URLs and data exports write it.
    pub fn slug(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Triage => "triage",
            Status::NcscReview => "ncsc-review",
            Status::Refinement => "refinement",
            Status::Decided => "decided",
            Status::Scheduled => "scheduled",
            Status::Implemented => "implemented",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }

    /// As readers see it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "Submitted",
            Status::Triage => "Triage",
            Status::NcscReview => "NCSC review",
            Status::Refinement => "Refinement",
            Status::Decided => "Decided",
            Status::Scheduled => "Scheduled",
            Status::Implemented => "Implemented",
            Status::Rejected => "Rejected",
            Status::Withdrawn => "Withdrawn",
        }
    }
}

impl Status {
    /// Whether a request with this status is still being considered
    /// (open) or has a final decision, public or not (closed): the two
    /// groups readers filter by.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Submitted | Status::Triage | Status::NcscReview | Status::Refinement
        )
    }

    /// What the status means, in plain words, for `/about/`. `Decided`
    /// says only that a final decision exists: that is all the status
    /// itself publishes (section 9 of the format).
    pub fn definition(self) -> &'static str {
        match self {
            Status::Submitted => {
                "The SSC has received the request and has not yet started to triage it."
            }
            Status::Triage => {
                "The SSC is checking that the business need is clearly explained, possibly going \
                 back to the Proposer more than once."
            }
            Status::NcscReview => {
                "The SSC and NCSC are considering whether the change is valid and merits further \
                 work. A request deferred or returned at this stage shows it beside its status."
            }
            Status::Refinement => {
                "One or more CPA Working Groups are refining the proposal, and industry is being \
                 consulted."
            }
            Status::Decided => {
                "The SSC has decided the final outcome, but the decision is not published on this \
                 register: the page says \"Decision not published\"."
            }
            Status::Scheduled => {
                "Approved. The SC version carrying the change has an implementation date that has \
                 not yet come."
            }
            Status::Implemented => {
                "Approved, and the SC version carrying the change applies from its implementation \
                 date, which has passed."
            }
            Status::Rejected => "The SSC decided not to make the change.",
            Status::Withdrawn => "The Proposer withdrew the request before it was decided.",
        }
    }
}

/// The status of a request whose latest stage is `latest`, given its
/// *public* final decision (outcome and implementation date), on `today`.
///
/// A decided request whose final decision is withheld stays `Decided`: a
/// withheld decision's outcome is not public either.
pub fn derive(latest: Stage, public_final: Option<(Outcome, Option<Date>)>, today: Date) -> Status {
    match latest {
        Stage::Submitted => Status::Submitted,
        Stage::Triage => Status::Triage,
        Stage::NcscReview => Status::NcscReview,
        Stage::Refinement => Status::Refinement,
        Stage::Decided => match public_final {
            Some((Outcome::Approved, Some(from))) if today >= from => Status::Implemented,
            Some((Outcome::Approved, _)) => Status::Scheduled,
            Some((Outcome::Rejected, _)) => Status::Rejected,
            Some((Outcome::Withdrawn, _)) => Status::Withdrawn,
            _ => Status::Decided,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approved_is_scheduled_until_the_implementation_date() {
        let from = Date::parse("2020-01-06").unwrap();
        let approved = Some((Outcome::Approved, Some(from)));
        let day = |s| Date::parse(s).unwrap();
        assert_eq!(
            derive(Stage::Decided, approved, day("2020-01-05")),
            Status::Scheduled
        );
        assert_eq!(
            derive(Stage::Decided, approved, day("2020-01-06")),
            Status::Implemented
        );
        assert_eq!(
            derive(Stage::Decided, None, day("2030-01-01")),
            Status::Decided
        );
        assert_eq!(
            derive(Stage::Decided, Some((Outcome::Rejected, None)), from),
            Status::Rejected
        );
        assert_eq!(derive(Stage::NcscReview, None, from), Status::NcscReview);
    }
}
