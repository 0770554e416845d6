//! Open data: `/register.json`, `/register.csv` and the search index.

use super::view::{Row, report_url, request_url};
use super::{Contents, OutputFile, RenderError};
use crate::public::{PublicRegister, PublicRequest};
use crate::site::Settings;
use serde::Serialize;

/// Bumped whenever a field of `register.json` changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonDecision<'a> {
    date: String,
    kind: &'static str,
    outcome: &'static str,
    sc_version: Option<&'a str>,
    implementation_date: Option<String>,
    panel_notified: Option<String>,
    report_url: Option<String>,
}

#[derive(Serialize)]
struct JsonStage<'a> {
    date: String,
    stage: &'static str,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRequest<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(rename = "type")]
    request_type: &'static str,
    status: &'static str,
    submitted: String,
    url: String,
    classification: String,
    reasons: Vec<&'static str>,
    devices: &'a [String],
    affected_scs: &'a [String],
    requires_new_sc: bool,
    urgent: bool,
    related: &'a [String],
    proposer_organisation: &'a str,
    sponsor_sec_party: Option<&'a str>,
    history: Vec<JsonStage<'a>>,
    final_decision: Option<JsonDecision<'a>>,
    decisions: Vec<JsonDecision<'a>>,
}

#[derive(Serialize)]
struct JsonRegister<'a> {
    schema_version: u32,
    title: &'a str,
    base_url: &'a str,
    build_date: String,
    requests: Vec<JsonRequest<'a>>,
}

/// `/register.json`: every public request with its history and decisions.
pub fn json(register: &PublicRegister, settings: &Settings) -> OutputFile {
    let base = &settings.base_url;
    let requests = register
        .requests()
        .iter()
        .map(|r| {
            let decision = |d| json_decision(d, base, &r.id);
            JsonRequest {
                id: &r.id,
                title: &r.title,
                request_type: r.request_type.slug(),
                status: r.status.slug(),
                submitted: r.submitted.to_string(),
                url: format!("{base}{}", request_url(&r.id)),
                classification: r.classification.to_string(),
                reasons: r.reasons.iter().map(|x| x.slug()).collect(),
                devices: &r.devices,
                affected_scs: &r.affected_scs,
                requires_new_sc: r.requires_new_sc,
                urgent: r.urgent,
                related: &r.related,
                proposer_organisation: &r.proposer_organisation,
                sponsor_sec_party: r.sponsor_sec_party.as_deref(),
                history: r
                    .history
                    .iter()
                    .map(|h| JsonStage {
                        date: h.date.to_string(),
                        stage: h.stage.slug(),
                        note: h.note.as_deref(),
                    })
                    .collect(),
                final_decision: r.final_decision().map(decision),
                decisions: r.decisions.iter().map(decision).collect(),
            }
        })
        .collect();
    let doc = JsonRegister {
        schema_version: SCHEMA_VERSION,
        title: &settings.title,
        base_url: base,
        build_date: register.today().to_string(),
        requests,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("plain data serialises");
    bytes.push(b'\n');
    OutputFile {
        path: "register.json".into(),
        contents: Contents::Bytes(bytes),
    }
}

fn json_decision<'a>(
    d: &'a crate::public::PublicDecision,
    base: &str,
    id: &str,
) -> JsonDecision<'a> {
    JsonDecision {
        date: d.date.to_string(),
        kind: d.kind.slug(),
        outcome: d.outcome.slug(),
        sc_version: d.sc_version.as_deref(),
        implementation_date: d.implementation_date.map(|x| x.to_string()),
        panel_notified: d.panel_notified.map(|x| x.to_string()),
        report_url: (d.kind == crate::vocabulary::DecisionKind::Final)
            .then(|| format!("{base}{}", report_url(id))),
    }
}

/// Makes a cell safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`,
/// tab or carriage return would start a formula, so it gets a `'` first.
pub fn spreadsheet_safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// The columns of `register.csv`, documented in the README.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "title",
    "type",
    "status",
    "submitted",
    "devices",
    "reasons",
    "affected_scs",
    "requires_new_sc",
    "urgent",
    "proposer_organisation",
    "sponsor_sec_party",
    "outcome",
    "decision_date",
    "sc_version",
    "implementation_date",
    "url",
];

/// `/register.csv`: one row per public request.
pub fn csv(rows: &[Row], register: &PublicRegister) -> Result<OutputFile, RenderError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| RenderError(format!("register.csv: {e}"));
    w.write_record(CSV_COLUMNS).map_err(err)?;
    for (r, row) in register.requests().iter().zip(rows) {
        let fin = r.final_decision();
        let reasons: Vec<&str> = r.reasons.iter().map(|x| x.slug()).collect();
        let cells = [
            r.id.clone(),
            r.title.clone(),
            row.request_type.to_string(),
            row.status.to_string(),
            row.submitted.clone(),
            r.devices.join(";"),
            reasons.join(";"),
            r.affected_scs.join(";"),
            r.requires_new_sc.to_string(),
            r.urgent.to_string(),
            r.proposer_organisation.clone(),
            r.sponsor_sec_party.clone().unwrap_or_default(),
            row.outcome.to_string(),
            fin.map(|d| d.date.to_string()).unwrap_or_default(),
            row.sc_version.clone(),
            row.implementation_date.clone(),
            row.url.clone(),
        ];
        w.write_record(cells.iter().map(|c| spreadsheet_safe(c)))
            .map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| RenderError(format!("register.csv: {e}")))?;
    Ok(OutputFile {
        path: "register.csv".into(),
        contents: Contents::Bytes(bytes),
    })
}

/// One document of the search index: a public request or Modification
/// Report, with the distinct words of its public text.
#[derive(Debug, Serialize)]
pub struct SearchDoc<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    status: &'static str,
    kind: &'static str,
    text: String,
}

impl<'a> SearchDoc<'a> {
    /// The document of a request's page (`report: false`) or its report,
    /// from the plain text the page's rendering collected.
    pub fn of(r: &'a PublicRequest, report: bool, plain_text: &str) -> SearchDoc<'a> {
        SearchDoc {
            id: &r.id,
            title: &r.title,
            url: if report {
                report_url(&r.id)
            } else {
                request_url(&r.id)
            },
            status: r.status.label(),
            kind: if report {
                "Modification Report"
            } else {
                r.request_type.label()
            },
            text: distinct_words(plain_text),
        }
    }
}

/// `/search-index.json`: one document per public request and per public
/// Modification Report, for the theme's client-side search, made from the
/// pages' own text (so from the public register alone: no withheld text),
/// sorted by URL so the file is the same whatever the thread count.
pub fn search_index(mut docs: Vec<SearchDoc<'_>>) -> OutputFile {
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    let mut bytes = serde_json::to_vec(&docs).expect("plain data serialises");
    bytes.push(b'\n');
    OutputFile {
        path: "search-index.json".into(),
        contents: Contents::Bytes(bytes),
    }
}

/// The distinct words of a plain text, sorted: a search index needs each
/// word once, not the prose's order. Words are compared as written (the
/// client's search folds case).
fn distinct_words(text: &str) -> String {
    let mut words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '.' && c != '-')
        .map(|w| w.trim_matches(|c: char| c == '.' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_distinct_words_without_link_targets() {
        let text = distinct_words("Issue The key, the KEY and DEV 3.2 v1.2.");
        assert_eq!(text, "3.2 DEV Issue KEY The and key the v1.2");
    }

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(1)"), "'@SUM(1)");
        assert_eq!(spreadsheet_safe("Plain"), "Plain");
    }
}
