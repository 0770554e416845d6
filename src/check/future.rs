//! Events dated after the build date: a stage reached, or a decision
//! taken, "tomorrow" is almost always a mistyped year or month. Each is a
//! warning (the keeper may be preparing a release), and none counts as
//! happened for the status until its day comes (see `publish`).
//!
//! An approved change's `implementation_date` is not among them: a date
//! in the future is what it is for, and the request is `scheduled` until it.

use super::Register;
use crate::diagnostic::{Diagnostic, Message};
use crate::model::date::Date;

/// A warning for every history entry and decision of `register` (withheld
/// ones too: the keeper's file is wrong either way) dated after `today`,
/// at the date's own place.
pub fn warnings(register: &Register, today: Date) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for r in &register.requests {
        for (i, h) in r.history.iter().enumerate() {
            if h.date > today {
                let at = r.spans.history_dates.get(i).copied();
                let at = at.unwrap_or(r.spans.history_table);
                let what = format!("the `{}` stage", h.stage.slug());
                found.push(warning(&r.origin, at, &what, h.date, today));
            }
        }
    }
    for d in &register.decisions {
        if d.date > today {
            let what = format!("the {} decision", d.kind.slug());
            found.push(warning(&d.origin, d.date_span, &what, d.date, today));
        }
    }
    found
}

/// "the `triage` stage is dated 2027-01-05, after the build date".
fn warning(
    origin: &crate::source::record::Origin,
    at: usize,
    what: &str,
    date: Date,
    today: Date,
) -> Diagnostic {
    origin
        .warning(
            at,
            Message::new(format!(
                "{what} is dated {date}, after the build date {today}: it does not count \
                 for the status until then"
            )),
        )
        .with_help(format!(
            "if the year or month is mistyped, correct it (date = {today} is the build date); \
             to build as of another day, pass --now YYYY-MM-DD"
        ))
}
