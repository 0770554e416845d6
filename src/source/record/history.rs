//! Reading a request's `[[history]]`: dated stages, oldest first.

use super::fields::{At, Fields};
use super::reading::Reading;
use super::{HistoryEntry, RequestSpans};
use crate::diagnostic::Message;
use crate::model::date::Date;
use crate::model::vocabulary::Stage;

/// The keys of a history entry.
const KEYS: &[&str] = &["date", "stage", "note"];

/// Reads `[[history]]`: `None` when it is missing, empty or an entry could
/// not be read (each reported).
pub fn read(
    r: &mut Reading,
    f: &mut Fields,
    submitted: Option<Date>,
    spans: &mut RequestSpans,
) -> Option<Vec<HistoryEntry>> {
    let Some(tables) = f.tables(r, "history") else {
        r.missing(
            "history",
            "add a [[history]] entry: date = <the submitted date>, stage = \"submitted\"",
        );
        return None;
    };
    spans.history_table = tables.at;
    if tables.value.is_empty() {
        r.incomplete(
            tables.at,
            "the history is empty",
            "add a [[history]] entry with stage = \"submitted\"",
        );
        return None;
    }
    let mut entries: Vec<HistoryEntry> = Vec::new();
    let mut complete = true;
    for (i, table) in tables.value.into_iter().enumerate() {
        spans.history.push(table.at);
        match entry(r, table) {
            Some((date, stage, note)) => {
                in_order(r, &entries, i == 0, &date, &stage, submitted);
                spans.history_dates.push(date.at);
                entries.push(HistoryEntry {
                    date: date.value,
                    stage: stage.value,
                    note,
                });
            }
            None => complete = false,
        }
    }
    complete.then_some(entries)
}

type Entry = (At<Date>, At<Stage>, Option<String>);

/// One entry's values, when its date and stage could be read.
fn entry(r: &mut Reading, mut t: Fields) -> Option<Entry> {
    t.expect(r, KEYS);
    let date = t.date(r, "date");
    if date.is_none() {
        r.missing_in(
            t.at,
            "a [[history]] entry",
            "date",
            "add date = YYYY-MM-DD, the day the request reached the stage",
        );
    }
    let stage = t.word::<Stage>(r, "stage");
    if stage.is_none() {
        r.missing_in(
            t.at,
            "a [[history]] entry",
            "stage",
            "add stage = \"submitted\" (or the stage it reached)",
        );
    }
    let note = super::request::text(r, &mut t, "note");
    t.unknown(r, KEYS);
    Some((date?, stage?, note))
}

/// The order rules: submitted first, stages and dates never going back,
/// nothing before the submission, one `decided`.
fn in_order(
    r: &mut Reading,
    before: &[HistoryEntry],
    first: bool,
    date: &At<Date>,
    stage: &At<Stage>,
    submitted: Option<Date>,
) {
    match before.last() {
        Some(prev) => after_previous(r, prev, date, stage),
        None if first && stage.value != Stage::Submitted => r.error(
            stage.at,
            "the first history entry must be stage `submitted`",
            "start the history with the submission: stage = \"submitted\"",
        ),
        None => {}
    }
    if let Some(submitted) = submitted.filter(|&s| date.value < s) {
        r.error(
            date.at,
            Message::new("date ")
                .quote_raw(&date.value.to_string())
                .text(" is before the request was submitted (")
                .quote_raw(&submitted.to_string())
                .text(")"),
            "correct the date or the `submitted` key",
        );
    }
    if stage.value == Stage::Decided && before.iter().any(|h| h.stage == Stage::Decided) {
        r.error(
            stage.at,
            "the request is `decided` twice",
            "a request has one final outcome; remove the second `decided` entry",
        );
    }
}

fn after_previous(r: &mut Reading, prev: &HistoryEntry, date: &At<Date>, stage: &At<Stage>) {
    if stage.value < prev.stage {
        r.error(
            stage.at,
            format!(
                "stage `{}` goes backwards after `{}`",
                stage.value.slug(),
                prev.stage.slug()
            ),
            "stages run submitted, triage, ncsc-review, refinement, decided; list them oldest first",
        );
    }
    if date.value < prev.date {
        r.error(
            date.at,
            Message::new("date ")
                .quote_raw(&date.value.to_string())
                .text(" is before the previous entry's ")
                .quote_raw(&prev.date.to_string()),
            "list history entries oldest first",
        );
    }
}
