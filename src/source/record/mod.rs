//! Step 2a: reading one record's fields into typed values.
//!
//! Front matter is parsed by toml into a table whose values keep their
//! places, then read key by key ([`fields`]) into a [`Request`] or a
//! [`Decision`], every mistake said in the keeper's words. Everything that
//! can be said about one record alone is said here; rules across records
//! live in `check`.

mod decision;
pub(crate) mod fields;
mod history;
mod listing;
mod reading;
mod request;

use fields::{Fields, Word};

/// True for a key of a record's top level, a request's or a decision's:
/// the keys the records are read by, so a new field is known the day it
/// is added.
pub fn is_record_key(key: &str) -> bool {
    request::KEYS.contains(&key) || decision::KEYS.contains(&key)
}
use reading::Reading;

use crate::diagnostic::{Diagnostic, Message};
use crate::model::classification::Tlp;
use crate::model::date::Date;
use crate::model::vocabulary::{DecisionKind, Outcome, Reason, RequestType, Stage};
use crate::source::attachments::Attachment;
use crate::source::folder::{FolderFile, RecordKind, SourceFile};
use crate::source::frontmatter;
use crate::source::texts::{self, FrontMatterText};
use regex::Regex;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::LazyLock;
use toml::Spanned;
use toml::de::DeTable;

/// The request id syntax of the format (section 3.1).
pub static ID_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$").expect("valid pattern"));
/// The longest id: it names a folder of the output, and file systems limit
/// names (to 255 bytes, and paths as a whole).
pub const MAX_ID_LEN: usize = 64;
static VERSION_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$").expect("valid pattern")
});

/// Where a record came from, kept for diagnostics about it later.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The file's path as shown to keepers.
    pub path: PathBuf,
    /// The file's whole text.
    pub text: String,
    /// Byte offset of the body in `text`.
    pub body_offset: usize,
    /// Byte offset of the front matter in `text`.
    pub toml_offset: usize,
}

impl Origin {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// An error at a byte offset of the whole file.
    pub fn error(&self, offset: usize, message: impl Into<Message>) -> Diagnostic {
        Diagnostic::error(&self.path, &self.text, offset, message)
    }

    /// A warning at a byte offset of the whole file.
    pub fn warning(&self, offset: usize, message: impl Into<Message>) -> Diagnostic {
        Diagnostic::warning(&self.path, &self.text, offset, message)
    }
}

/// A contact: the organisation is public, the person never is.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    /// The Proposer's organisation, or the sponsor's SEC Party.
    pub organisation: String,
    /// Personal data: never published.
    pub name: Option<String>,
    /// Personal data: never published.
    pub phone: Option<String>,
    /// Personal data: never published.
    pub email: Option<String>,
}

/// One dated stage of a request's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// When the request reached the stage.
    pub date: Date,
    /// The stage.
    pub stage: Stage,
    /// A short public note.
    pub note: Option<String>,
}

/// A request as its file says, checked on its own but not yet filtered.
#[derive(Debug, Clone)]
pub struct Request {
    /// Where it came from.
    pub origin: Origin,
    /// Byte offset of each front-matter value that later checks point at.
    pub spans: RequestSpans,
    /// Unique id, the URL segment.
    pub id: String,
    /// Modification or refurbishment use case.
    pub request_type: RequestType,
    /// The proposed title.
    pub title: String,
    /// The TLP label, `None` when unknown (and so withheld).
    pub classification: Option<Tlp>,
    /// Submission date.
    pub submitted: Date,
    /// Sources of modification.
    pub reasons: Vec<Reason>,
    /// Device kinds concerned.
    pub devices: Vec<String>,
    /// Mitigations affected (question 4).
    pub affected_scs: Vec<String>,
    /// Question 4's explanation.
    pub affected_scs_reason: Option<String>,
    /// Question 5.
    pub requires_new_sc: bool,
    /// Question 5's explanation.
    pub requires_new_sc_reason: Option<String>,
    /// Question 6.
    pub urgent: bool,
    /// Question 6's explanation.
    pub urgent_reason: Option<String>,
    /// Ids of related requests.
    pub related: Vec<String>,
    /// Ids of the requests this one supersedes (replaces).
    pub supersedes: Vec<String>,
    /// The Proposer.
    pub proposer: Contact,
    /// The supporting SEC Party.
    pub sponsor: Option<Contact>,
    /// Stages, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Never published when true.
    pub draft: bool,
    /// `[extra]`, passed to templates untouched.
    pub extra: toml::Table,
    /// The files a folder record lists, public or not.
    pub attachments: Vec<Attachment>,
}

/// Offsets of a request's values in its file.
#[derive(Debug, Clone, Default)]
pub struct RequestSpans {
    /// `id`.
    pub id: usize,
    /// Each `related` entry.
    pub related: Vec<usize>,
    /// Each `supersedes` entry.
    pub supersedes: Vec<usize>,
    /// Each `affected_scs` entry kept.
    pub affected_scs: Vec<usize>,
    /// Each history entry.
    pub history: Vec<usize>,
    /// Each history entry's `date` value, for messages about the date
    /// itself (one in the future of the build date).
    pub history_dates: Vec<usize>,
    /// `history` as a whole.
    pub history_table: usize,
}

/// A decision as its file says, checked on its own.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Where it came from.
    pub origin: Origin,
    /// The request it is about.
    pub request: String,
    /// Offset of the `request` value.
    pub request_span: usize,
    /// The TLP label, `None` when unknown (and so withheld).
    pub classification: Option<Tlp>,
    /// Date of the SSC's decision.
    pub date: Date,
    /// Offset of the `date` value.
    pub date_span: usize,
    /// Interim or final.
    pub kind: DecisionKind,
    /// Offset of the `kind` value.
    pub kind_span: usize,
    /// What was decided.
    pub outcome: Outcome,
    /// The SC version carrying an approved change.
    pub sc_version: Option<String>,
    /// When that version takes effect.
    pub implementation_date: Option<Date>,
    /// When the SEC Panel was notified.
    pub panel_notified: Option<Date>,
    /// `[extra]`, passed to templates untouched.
    pub extra: toml::Table,
}

/// A record of either kind.
#[derive(Debug, Clone)]
pub enum Record {
    /// A request.
    Request(Box<Request>),
    /// A decision.
    Decision(Box<Decision>),
}

/// A record whose fields could not all be read: what is still known of it,
/// so that references to its id are not reported as unknown and its body
/// is still checked in the same run.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Its id, where the front matter says one (requests only).
    pub id: Option<String>,
    /// Where its `id` line's value is, when it has one.
    pub id_at: usize,
    /// A decision's (`decisions/`), not a request's.
    pub decision: bool,
    /// A decision's `request`, where its front matter says one, and where.
    pub request: Option<(String, usize)>,
    /// A decision whose front matter says `kind = "final"`.
    pub is_final: bool,
    /// A request without an `id` line: the id its file name gives
    /// (`requests/A-1.md`, `requests/A-1/index.md`), searched for in
    /// published text as a withheld id (the id `register new` gave it).
    pub named_id: Option<String>,
    /// The file.
    pub origin: Origin,
}

/// What reading one file gave.
#[derive(Debug)]
pub struct Parsed {
    /// The record, when every field could be read.
    pub record: Option<Record>,
    /// What is known of it otherwise (front matter present but broken).
    pub unreadable: Option<Unreadable>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// Every string of the front matter that can reach an output, and the
    /// personal data it declares.
    pub texts: FrontMatterText,
}

static ID_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^[ \t]*id[ \t]*=[ \t]*"([^"\n]*)""#).expect("valid pattern")
});

static REQUEST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^[ \t]*request[ \t]*=[ \t]*"([^"\n]*)""#).expect("valid pattern")
});

static FINAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?mi)^[ \t]*kind[ \t]*=[ \t]*"[ \t]*final[ \t]*""#).expect("valid pattern")
});

/// The id a request file's name gives (`A-1.md`, `A-1/index.md`), when
/// it is one.
fn id_of_file_name(path: &std::path::Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let stem = if stem == "index" {
        path.parent()?.file_name()?.to_str()?
    } else {
        stem
    };
    ID_PATTERN.is_match(stem).then(|| stem.to_string())
}

/// Reads one file's fields. Returns the record when its fields could be
/// read (even if some checks failed: those are in the diagnostics), so that
/// checks across records still run and report everything at once.
pub fn parse(file: SourceFile, extra_devices: &[String]) -> Parsed {
    let mut diagnostics = Vec::new();
    let split = match frontmatter::split(&file.text) {
        Ok(s) => s,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(&file.path, &file.text, e.offset, e.message).with_help(e.help),
            );
            return Parsed {
                record: None,
                unreadable: None,
                diagnostics,
                texts: FrontMatterText::default(),
            };
        }
    };
    let toml = split.toml_offset..split.toml_offset + split.toml.len();
    let body_offset = split.body_offset;
    let origin = Origin {
        path: file.path,
        text: file.text,
        body_offset,
        toml_offset: toml.start,
    };
    let (record, texts) = {
        let mut reading = Reading::new(&origin, &mut diagnostics);
        let toml_text = &origin.text[toml.clone()];
        let table = front_matter(&mut reading, toml_text);
        let kind = (file.kind, file.folder);
        table.map_or((None, FrontMatterText::default()), |table| {
            read_fields(&mut reading, table, toml.start, kind, extra_devices)
        })
    };
    let (record, unreadable) = placed(record, origin, file.kind, toml);
    Parsed {
        record,
        unreadable,
        diagnostics,
        texts,
    }
}

/// A record's typed fields, read from its parsed front matter, and every
/// string the front matter holds; no record when a field is unusable.
fn read_fields(
    reading: &mut Reading,
    table: Spanned<DeTable<'_>>,
    toml_offset: usize,
    (kind, folder): (RecordKind, Option<Vec<FolderFile>>),
    extra_devices: &[String],
) -> (Option<Record>, FrontMatterText) {
    let front = texts::walk(&table, toml_offset);
    front_matter_text(reading, &table, &front);
    let fields = Fields::new(table.get_ref(), toml_offset, toml_offset, "");
    let record = match kind {
        RecordKind::Request => request::read(reading, fields, folder, extra_devices)
            .map(|r| Record::Request(Box::new(r))),
        RecordKind::Decision => {
            decision::read(reading, fields).map(|d| Record::Decision(Box::new(d)))
        }
    };
    (record, front)
}

/// The record given its origin now that the checks are done with it
/// (moved, not copied: it holds the whole file's text); or, when it could
/// not be read, what is known of it: its file and, for a request, the id
/// its front matter seems to give.
fn placed(
    record: Option<Record>,
    origin: Origin,
    kind: RecordKind,
    toml: Range<usize>,
) -> (Option<Record>, Option<Unreadable>) {
    match record {
        Some(Record::Request(mut r)) => {
            r.origin = origin;
            (Some(Record::Request(r)), None)
        }
        Some(Record::Decision(mut d)) => {
            d.origin = origin;
            (Some(Record::Decision(d)), None)
        }
        None => (None, Some(unreadable(origin, kind, toml))),
    }
}

/// What is known of a record that could not be read, for the rules across
/// records and for `check --withheld`: its file, and what its front matter
/// seems to say (id, request, whether it is a final decision), read line by
/// line since the fields could not be.
fn unreadable(origin: Origin, kind: RecordKind, toml: Range<usize>) -> Unreadable {
    let request = kind == RecordKind::Request;
    let toml_text = &origin.text[toml.clone()];
    let toml_offset = toml.start;
    let id_caps = request.then(|| ID_LINE.captures(toml_text)).flatten();
    let id = id_caps.as_ref().map(|c| c[1].to_string());
    let id_at = id_caps
        .as_ref()
        .and_then(|c| c.get(1))
        .map_or(0, |m| toml_offset + m.start());
    let request_line = (!request)
        .then(|| REQUEST_LINE.captures(toml_text))
        .flatten()
        .and_then(|c| c.get(1))
        .map(|m| (m.as_str().to_string(), toml_offset + m.start()));
    let is_final = !request && FINAL_LINE.is_match(toml_text);
    let named_id = (request && id.is_none())
        .then(|| id_of_file_name(&origin.path))
        .flatten();
    Unreadable {
        id,
        id_at,
        decision: !request,
        request: request_line,
        is_final,
        named_id,
        origin,
    }
}

/// The front matter parsed, keeping every value's place; every syntax
/// error the parser can find is reported, and then nothing is read.
fn front_matter<'t>(r: &mut Reading, toml_text: &'t str) -> Option<Spanned<DeTable<'t>>> {
    let (table, errors) = DeTable::parse_recoverable(toml_text);
    for e in &errors {
        toml_error(r, e);
    }
    errors.is_empty().then_some(table)
}

/// A TOML syntax error, in the parser's words without the values it quotes.
fn toml_error(r: &mut Reading, e: &toml::de::Error) {
    let offset = r.base() + e.span().map_or(0, |s| s.start);
    let message = crate::diagnostic::without_values(&e.message().trim().replace('\n', " "));
    r.error(
        offset,
        Message::new("front matter: ").quote_raw(&message),
        "fix the TOML at this place: text in \"double quotes\", dates as 2019-03-14, lists in \
         [brackets]",
    );
}

/// Checks every string of the front matter for passage markers, and
/// `[extra]` for keys that belong at the top level.
fn front_matter_text(r: &mut Reading, table: &Spanned<DeTable<'_>>, front: &FrontMatterText) {
    for field in &front.texts {
        let found = texts::marker_problems(&r.origin.path, &r.origin.text, field);
        r.diagnostics.extend(found);
    }
    for (at, key) in texts::reserved_keys_in_extra(table, r.base()) {
        r.error(
            at,
            Message::new("")
                .quote(&key)
                .text(" under [extra] is a top-level key of a record: there it would be ignored"),
            Message::new("move ")
                .quote(&key)
                .text(" above the [extra] table (keys after a [table] line belong to it)"),
        );
    }
}

/// A record's `classification`: required, and a known TLP label.
fn classification(r: &mut Reading, f: &mut Fields) -> Option<Tlp> {
    let Some(value) = f.text(r, "classification") else {
        r.missing(
            "classification",
            "add classification = \"TLP:WHITE\" (public) or a TLP colour that withholds it, \
             e.g. \"TLP:AMBER\"",
        );
        return None;
    };
    label(r, &value)
}

/// A TLP label; unknown ones are errors (and withhold).
fn label(r: &mut Reading, value: &fields::At<String>) -> Option<Tlp> {
    let tlp = Tlp::parse(&value.value);
    if tlp.is_none() {
        r.error(
            value.at,
            Message::new("unknown classification ")
                .quote(&value.value)
                .text(": the record is withheld"),
            "use a TLP label: CLEAR, WHITE, GREEN, AMBER, AMBER+STRICT or RED",
        );
    }
    tlp
}

/// An attachment's `classification`: required (a file without one is
/// withheld, and the keeper told so).
fn attachment_classification(r: &mut Reading, f: &mut Fields, name: &str) -> Option<Tlp> {
    match f.text(r, "classification") {
        Some(value) => label(r, &value),
        None => {
            r.error(
                f.at,
                Message::new("the attachment ")
                    .quote(name)
                    .text(" has no `classification`: it is withheld"),
                "add classification = \"TLP:CLEAR\" when it may be published, or a TLP colour \
                 that withholds it",
            );
            None
        }
    }
}

macro_rules! words {
    ($($type:ty => $what:literal),+ $(,)?) => {
        $(impl Word for $type {
            const ALL: &'static [Self] = <$type>::ALL;
            const WHAT: &'static str = $what;
            fn slug(self) -> &'static str {
                <$type>::slug(self)
            }
        })+
    };
}

words! {
    RequestType => "a request type",
    Reason => "a source of modification",
    Stage => "a stage",
    DecisionKind => "a kind of decision",
    Outcome => "an outcome",
}
