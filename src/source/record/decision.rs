//! Reading a decision's front matter (section 3.2) into a [`Decision`].

use super::fields::{At, Fields};
use super::reading::Reading;
use super::{Decision, Origin, VERSION_PATTERN};
use crate::diagnostic::Message;
use crate::model::date::Date;
use crate::model::vocabulary::{DecisionKind, Outcome};

/// Every key of a decision's front matter.
pub const KEYS: &[&str] = &[
    "request",
    "classification",
    "date",
    "kind",
    "outcome",
    "sc_version",
    "implementation_date",
    "panel_notified",
    "extra",
];

/// Reads a decision from its front matter. `None` when its request, date,
/// kind or outcome is missing or wrong (reported).
pub fn read(r: &mut Reading, mut f: Fields) -> Option<Decision> {
    f.expect(r, KEYS);
    let classification = super::classification(r, &mut f);
    r.withheld(classification.is_some_and(|c| !c.is_public()));
    let request = f.text(r, "request");
    if request.is_none() {
        r.missing(
            "request",
            "add the id of the request this decides: request = \"SCMR-2019-004\"",
        );
    }
    let date = f.date(r, "date");
    if date.is_none() {
        r.missing(
            "date",
            "add the date of the SSC's decision: date = 2019-09-18",
        );
    }
    let kind = f.word::<DecisionKind>(r, "kind");
    if kind.is_none() {
        r.missing("kind", "add kind = \"interim\" or kind = \"final\"");
    }
    let outcome = outcome(r, &mut f, kind.as_ref().map(|k| k.value));
    // Only an approved *final* decision carries a version and a date.
    let approved = outcome
        .as_ref()
        .is_some_and(|o| o.value == Outcome::Approved)
        && kind
            .as_ref()
            .is_some_and(|k| k.value == DecisionKind::Final);
    let sc_version = sc_version(r, &mut f, approved);
    let implementation_date = implementation_date(r, &mut f, approved, date.as_ref());
    let panel_notified = f.date(r, "panel_notified").map(|d| d.value);
    let extra = f.extra(r);
    f.unknown(r, KEYS);
    let (request, date, kind) = (request?, date?, kind?);
    Some(Decision {
        origin: Origin::default(),
        request: request.value,
        request_span: request.at,
        classification,
        date: date.value,
        date_span: date.at,
        kind: kind.value,
        kind_span: kind.at,
        outcome: outcome?.value,
        sc_version,
        implementation_date,
        panel_notified,
        extra,
    })
}

/// The outcome, which must fit the kind of decision.
fn outcome(r: &mut Reading, f: &mut Fields, kind: Option<DecisionKind>) -> Option<At<Outcome>> {
    let help = match kind {
        Some(DecisionKind::Interim) => "an interim decision is progressed, returned or deferred",
        Some(DecisionKind::Final) => "a final decision is approved, rejected or withdrawn",
        None => {
            "an interim decision is progressed, returned or deferred; a final one approved, \
             rejected or withdrawn"
        }
    };
    if f.has("outcome") && matches!(f.peek_text("outcome"), Some("")) {
        let at = f.text(r, "outcome").map_or(0, |o| o.at);
        r.incomplete(
            at,
            "the outcome is empty",
            Message::new(format!("write what was decided: {help}")),
        );
        return None;
    }
    let Some(outcome) = f.word::<Outcome>(r, "outcome") else {
        r.missing(
            "outcome",
            Message::new(format!("add outcome = \"...\": {help}")),
        );
        return None;
    };
    let Some(kind) = kind.filter(|&k| outcome.value.kind() != k) else {
        return Some(outcome);
    };
    let (article, allowed) = match kind {
        DecisionKind::Interim => ("an", "progressed, returned or deferred"),
        DecisionKind::Final => ("a", "approved, rejected or withdrawn"),
    };
    r.error(
        outcome.at,
        format!(
            "outcome `{}` does not fit {article} {} decision",
            outcome.value.slug(),
            kind.slug()
        ),
        format!(
            "{} {} decision's outcome is {allowed}; or correct `kind`",
            capital(article),
            kind.slug()
        ),
    );
    None
}

fn capital(article: &str) -> &'static str {
    match article {
        "an" => "An",
        _ => "A",
    }
}

/// `sc_version`: required for an approved final decision, and only there.
fn sc_version(r: &mut Reading, f: &mut Fields, approved: bool) -> Option<String> {
    let version = f.text(r, "sc_version");
    match version {
        Some(v) if !approved => {
            r.error(
                v.at,
                "`sc_version` is only for approved final decisions",
                "remove it, or correct the outcome",
            );
            None
        }
        Some(v) if !VERSION_PATTERN.is_match(&v.value) => {
            r.error(
                v.at,
                Message::new("")
                    .quote(&v.value)
                    .text(" is not an SC version"),
                "write Principal Version and Sub-Version without leading zeros, e.g. \"1.3\"",
            );
            None
        }
        Some(v) => Some(v.value),
        None if approved => {
            r.missing(
                "sc_version",
                "an approved change needs the SC version carrying it: sc_version = \"1.3\"",
            );
            None
        }
        None => None,
    }
}

/// `implementation_date`: required for an approved final decision, and
/// only there; never before the decision.
fn implementation_date(
    r: &mut Reading,
    f: &mut Fields,
    approved: bool,
    decided: Option<&At<Date>>,
) -> Option<Date> {
    let date = f.date(r, "implementation_date");
    match date {
        Some(d) if !approved => {
            r.error(
                d.at,
                "`implementation_date` is only for approved final decisions",
                "remove it, or correct the outcome",
            );
            None
        }
        Some(d) if decided.is_some_and(|decided| d.value < decided.value) => {
            r.error(
                d.at,
                "the implementation date is before the decision",
                "correct implementation_date or date",
            );
            Some(d.value)
        }
        Some(d) => Some(d.value),
        None if approved => {
            r.missing("implementation_date", "an approved change needs the date the SSC set for it: implementation_date = 2020-01-06");
            None
        }
        None => None,
    }
}
