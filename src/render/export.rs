//! Open data: `/register.json`, `/register.csv` and the search index.

use super::view::{Row, report_url, request_url};
use super::{Contents, OutputFile, RenderError};
use crate::publish::{PublicRegister, PublicRequest};
use crate::source::site::Settings;
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
    supersedes: &'a [String],
    superseded_by: &'a [String],
    last_updated: String,
    proposer_organisation: &'a str,
    sponsor_sec_party: Option<&'a str>,
    history: Vec<JsonStage<'a>>,
    final_decision: Option<JsonDecision<'a>>,
    decisions: Vec<JsonDecision<'a>>,
}

#[derive(Serialize)]
struct JsonHeader<'a> {
    schema_version: u32,
    title: &'a str,
    base_url: &'a str,
    build_date: String,
}

/// One request of `/register.json`, pretty-printed and indented for its
/// place in the `requests` array. Made per request, in parallel with its
/// page, and joined by [`json`].
pub fn json_fragment(r: &PublicRequest, base: &str) -> Vec<u8> {
    let decision = |d| json_decision(d, base, &r.id);
    let request = JsonRequest {
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
        supersedes: &r.supersedes,
        superseded_by: &r.superseded_by,
        last_updated: crate::render::standing::last_updated(r).to_string(),
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
    };
    let pretty = serde_json::to_vec_pretty(&request).expect("plain data serialises");
    // The array sits two levels deep: every line gets four more spaces.
    // JSON strings never hold a raw newline, so this only touches layout.
    let mut out = Vec::with_capacity(pretty.len() + pretty.len() / 8);
    out.extend_from_slice(b"    ");
    for &b in &pretty {
        out.push(b);
        if b == b'\n' {
            out.extend_from_slice(b"    ");
        }
    }
    out
}

/// `/register.json`: every public request with its history and decisions,
/// from the fragments of [`json_fragment`] in register order.
/// `size` is the fragments' total length, or a guess: the file is made in
/// one allocation when it is right.
pub fn json<F: AsRef<[u8]>>(
    register: &PublicRegister,
    settings: &Settings,
    fragments: impl ExactSizeIterator<Item = F>,
    size: usize,
) -> OutputFile {
    let header = JsonHeader {
        schema_version: SCHEMA_VERSION,
        title: &settings.title,
        base_url: &settings.base_url,
        build_date: register.today().to_string(),
    };
    let mut bytes = Vec::with_capacity(size + 2 * fragments.len() + 256);
    serde_json::to_writer_pretty(&mut bytes, &header).expect("plain data serialises");
    // Reopen the object to add the requests array as its last member.
    bytes.truncate(bytes.len() - 2);
    if fragments.len() == 0 {
        bytes.extend_from_slice(b",\n  \"requests\": []\n}\n");
    } else {
        bytes.extend_from_slice(b",\n  \"requests\": [\n");
        for (i, f) in fragments.enumerate() {
            if i > 0 {
                bytes.extend_from_slice(b",\n");
            }
            bytes.extend_from_slice(f.as_ref());
        }
        bytes.extend_from_slice(b"\n  ]\n}\n");
    }
    OutputFile {
        path: "register.json".into(),
        contents: Contents::Bytes(bytes),
    }
}

fn json_decision<'a>(
    d: &'a crate::publish::PublicDecision,
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
        report_url: (d.kind == crate::model::vocabulary::DecisionKind::Final)
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

/// One row of `/register.csv`, made per request beside its page and
/// joined by [`csv`]. CSV quoting is per record, so rows join as they are.
pub fn csv_row(r: &PublicRequest, row: &Row, base: &str) -> Result<Vec<u8>, RenderError> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(256));
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
        format!("{base}{}", row.url),
    ];
    w.write_record(cells.iter().map(|c| spreadsheet_safe(c)))
        .map_err(|e| {
            RenderError::Theme(crate::source::theme::ThemeError::new(format!(
                "register.csv: {e}"
            )))
        })?;
    w.into_inner().map_err(|e| {
        RenderError::Theme(crate::source::theme::ThemeError::new(format!(
            "register.csv: {e}"
        )))
    })
}

/// `/register.csv`: the header, then one row per public request from
/// [`csv_row`], in register order.
pub fn csv<'a>(rows: impl Iterator<Item = &'a [u8]>) -> Result<OutputFile, RenderError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS).map_err(|e| {
        RenderError::Theme(crate::source::theme::ThemeError::new(format!(
            "register.csv: {e}"
        )))
    })?;
    let mut bytes = w.into_inner().map_err(|e| {
        RenderError::Theme(crate::source::theme::ThemeError::new(format!(
            "register.csv: {e}"
        )))
    })?;
    for row in rows {
        bytes.extend_from_slice(row);
    }
    Ok(OutputFile {
        path: "register.csv".into(),
        contents: Contents::Bytes(bytes),
    })
}

/// One document of the search index: a public request, Modification
/// Report or interim decision, with the distinct words of its public text,
/// the mitigations it names (matched before loose words) and the opening
/// of the text its page shows, for a snippet.
#[derive(Debug, Serialize)]
pub struct SearchDoc<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    status: &'static str,
    kind: &'static str,
    mitigations: &'a [String],
    /// The page's distinct words, one string each: a list, not a text, so
    /// that no two of them read as one phrase (a name) that the page does
    /// not show. Named `text` for the theme's search (`search.js`).
    #[serde(rename = "text")]
    words: Vec<&'a str>,
    snippet: String,
}

/// Which page of a request a search document stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPage {
    /// The request's page.
    Request,
    /// Its Modification Report.
    Report,
    /// Its `i`-th decision (an interim one), on the request's page.
    Interim(usize),
}

/// How much of a page's text a snippet may show.
const SNIPPET_CHARS: usize = 280;

impl<'a> SearchDoc<'a> {
    /// The document of one of a request's pages, from the plain text the
    /// page's rendering collected and the sections it shows.
    pub fn of(
        r: &'a PublicRequest,
        page: SearchPage,
        body: &'a crate::render::markdown::RenderedBody,
    ) -> SearchDoc<'a> {
        let (url, kind) = match page {
            SearchPage::Request => (request_url(&r.id), r.request_type.label()),
            SearchPage::Report => (report_url(&r.id), "Modification Report"),
            SearchPage::Interim(i) => (
                format!("{}#decision-{}", request_url(&r.id), i + 1),
                "Interim decision",
            ),
        };
        SearchDoc {
            id: &r.id,
            title: &r.title,
            url,
            status: r.status.label(),
            kind,
            mitigations: &r.affected_scs,
            words: body
                .search_text
                .split(';')
                .filter(|w| !w.is_empty())
                .collect(),
            snippet: snippet(body),
        }
    }
}

/// Inline elements: text on either side of one reads on as one line, as
/// the screen reads it. Any other tag (a paragraph, a cell, a `<summary>`,
/// a `<br>`) ends a block.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// The blocks of text of a piece of sanitised HTML, as plain text, each
/// with its whitespace folded: split at every tag that is not [`INLINE`].
fn blocks_of(html: &str) -> impl Iterator<Item = String> + '_ {
    let mut rest = html;
    std::iter::from_fn(move || {
        while !rest.is_empty() {
            let mut block = String::new();
            loop {
                let Some(open) = rest.find('<') else {
                    decode_into(rest, &mut block);
                    rest = "";
                    break;
                };
                decode_into(&rest[..open], &mut block);
                let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
                let tag = &rest[open..close];
                rest = &rest[close..];
                let name: String = tag
                    .trim_start_matches(['<', '/'])
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if !INLINE.contains(&name.as_str()) {
                    break;
                }
                block.push(' ');
            }
            let block = block.split_whitespace().collect::<Vec<_>>().join(" ");
            if !block.is_empty() {
                return Some(block);
            }
        }
        None
    })
}

/// The opening of what a body's page shows, as plain text, cut at a word:
/// from its first block of text only (a paragraph, a list item, a cell),
/// since two blocks joined would be text no page shows (a number split
/// over two table cells, an id over two paragraphs), which the screen,
/// reading blocks apart, never saw as one.
fn snippet(body: &crate::render::markdown::RenderedBody) -> String {
    let first_block = body
        .sections
        .iter()
        .find_map(|s| blocks_of(&s.html).next())
        .unwrap_or_default();
    if first_block.chars().count() <= SNIPPET_CHARS {
        return first_block;
    }
    let cut: String = first_block.chars().take(SNIPPET_CHARS + 1).collect();
    let at = cut.rfind(' ').unwrap_or(0);
    format!("{}…", &cut[..at])
}

fn decode_into(text: &str, out: &mut String) {
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    out.push_str(&decoded);
}

impl SearchDoc<'_> {
    /// The document as JSON, keyed by its URL for [`search_index`].
    pub fn fragment(&self) -> (String, Vec<u8>) {
        let bytes = serde_json::to_vec(self).expect("plain data serialises");
        (self.url.clone(), bytes)
    }
}

/// `/search-index.json`: one document per public request and per public
/// Modification Report, for the theme's client-side search, made from the
/// pages' own text (so from the public register alone: no withheld text),
/// sorted by URL so the file is the same whatever the thread count.
pub fn search_index<'a>(docs: impl Iterator<Item = &'a (String, Vec<u8>)>) -> OutputFile {
    let mut docs: Vec<&(String, Vec<u8>)> = docs.collect();
    docs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let total: usize = docs.iter().map(|d| d.1.len() + 1).sum();
    let mut bytes = Vec::with_capacity(total + 3);
    bytes.push(b'[');
    for (i, (_, doc)) in docs.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(doc);
    }
    bytes.extend_from_slice(b"]\n");
    OutputFile {
        path: "search-index.json".into(),
        contents: Contents::Bytes(bytes),
    }
}

/// The distinct words of a plain text, sorted: a search index needs each
/// word once, not the prose's order. Words are runs of letters, digits,
/// `.` and `-`, trimmed of `.` and `-`, compared as written (the client's
/// search folds case).
pub fn distinct_words<'t>(text: &'t str) -> String {
    // About one distinct word in eight bytes of prose: room enough that
    // the set seldom grows.
    let mut seen: rustc_hash::FxHashSet<&'t str> =
        rustc_hash::FxHashSet::with_capacity_and_hasher(text.len() / 8, Default::default());
    let mut start = None;
    let mut note = |word: &'t str| {
        let w = word.trim_matches(['.', '-']);
        if !w.is_empty() {
            seen.insert(w);
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII is settled by the byte; anything else by its character.
        let (inside, width) = match bytes[i] {
            b if b.is_ascii() => (b.is_ascii_alphanumeric() || b == b'.' || b == b'-', 1),
            _ => text[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        };
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                note(&text[s..i]);
                start = None;
            }
            _ => {}
        }
        i += width;
    }
    if let Some(s) = start {
        note(&text[s..]);
    }
    let mut words: Vec<&str> = seen.into_iter().collect();
    words.sort_unstable();
    // Joined by `;` (which no word holds) to be kept as one string; the
    // search index publishes them as a list (see [`SearchDoc`]), from which
    // the screening has left out any word that makes a name or a number
    // with its neighbour (see `Screen::index_words`).
    let mut out = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_distinct_words_without_link_targets() {
        let text = distinct_words("Issue The key, the KEY and DEV 3.2 v1.2.");
        assert_eq!(text, "3.2;DEV;Issue;KEY;The;and;key;the;v1.2");
    }

    #[test]
    fn a_snippet_never_joins_two_blocks() {
        let blocks = |html| blocks_of(html).collect::<Vec<_>>();
        assert_eq!(
            blocks("<details><summary>07700</summary>900123</details>"),
            ["07700", "900123"]
        );
        assert_eq!(
            blocks("<table><tr><td>07700</td><td>900123</td></tr></table>"),
            ["07700", "900123"]
        );
        assert_eq!(blocks("<p>One<br>two</p>"), ["One", "two"]);
        assert_eq!(
            blocks("<p>See <em>the</em> &amp; report</p><p>Next</p>"),
            ["See the & report", "Next"]
        );
    }

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(1)"), "'@SUM(1)");
        assert_eq!(spreadsheet_safe("Plain"), "Plain");
    }
}
