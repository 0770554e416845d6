//! Step 2a: reading one record's fields into typed values.
//!
//! Front matter is decoded by serde + toml into `*Fields` structs whose
//! values keep their spans, then checked field by field into [`Request`] or
//! [`Decision`]. Everything that can be said about one record alone is said
//! here; rules across records live in `validate`.

use crate::attachments::{self, Attachment};
use crate::classification::Tlp;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Message};
use crate::frontmatter;
use crate::load::{FolderFile, RecordKind, SourceFile};
use crate::texts::{self, FrontMatterText};
use crate::vocabulary::{DecisionKind, MITIGATION_PREFIXES, Outcome, Reason, RequestType, Stage};
use regex::Regex;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::LazyLock;
use toml::Spanned;
use toml::de::DeTable;
use toml::value::Datetime;

/// The request id syntax of the format (section 3.1).
pub static ID_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$").expect("valid pattern"));
static SC_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(DEV|VER|DEP) [0-9]+(\.[0-9]+)*$").expect("valid pattern"));
static VERSION_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,3}\.[0-9]{1,3}$").expect("valid pattern"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestFields {
    id: Option<Spanned<String>>,
    #[serde(rename = "type")]
    request_type: Option<Spanned<RequestType>>,
    title: Option<Spanned<String>>,
    classification: Option<Spanned<String>>,
    submitted: Option<Spanned<Datetime>>,
    reasons: Option<Spanned<Vec<Reason>>>,
    #[serde(default)]
    devices: Vec<Spanned<String>>,
    #[serde(default)]
    affected_scs: Vec<Spanned<String>>,
    affected_scs_reason: Option<String>,
    #[serde(default)]
    requires_new_sc: bool,
    requires_new_sc_reason: Option<String>,
    #[serde(default)]
    urgent: Option<Spanned<bool>>,
    urgent_reason: Option<String>,
    #[serde(default)]
    related: Vec<Spanned<String>>,
    proposer: Option<Spanned<ContactFields>>,
    sponsor: Option<Spanned<ContactFields>>,
    history: Option<Spanned<Vec<Spanned<HistoryFields>>>>,
    attachments: Option<Spanned<Vec<Spanned<AttachmentFields>>>>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    extra: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactFields {
    organisation: Option<Spanned<String>>,
    sec_party: Option<Spanned<String>>,
    name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttachmentFields {
    file: Spanned<String>,
    title: Option<Spanned<String>>,
    classification: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryFields {
    date: Spanned<Datetime>,
    stage: Spanned<Stage>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionFields {
    request: Option<Spanned<String>>,
    classification: Option<Spanned<String>>,
    date: Option<Spanned<Datetime>>,
    kind: Option<Spanned<DecisionKind>>,
    outcome: Option<Spanned<Outcome>>,
    sc_version: Option<Spanned<String>>,
    implementation_date: Option<Spanned<Datetime>>,
    panel_notified: Option<Spanned<Datetime>>,
    #[serde(default)]
    extra: toml::Table,
}

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
    /// Each history entry.
    pub history: Vec<usize>,
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
    let (toml_offset, body_offset) = (split.toml_offset, split.body_offset);
    let toml_end = toml_offset + split.toml.len();
    let origin = Origin {
        path: file.path,
        text: file.text,
        body_offset,
        toml_offset,
    };
    let toml_text = &origin.text[toml_offset..toml_end];
    let mut ctx = Checker {
        origin: &origin,
        diagnostics: &mut diagnostics,
    };
    let mut front = FrontMatterText::default();
    let record = match ctx.front_matter(toml_text) {
        None => None,
        Some(table) => {
            front = texts::walk(&table, toml_offset);
            ctx.front_matter_text(&table, &front);
            match file.kind {
                RecordKind::Request => {
                    match RequestFields::deserialize(toml::de::Deserializer::from(table)) {
                        Ok(fields) => ctx
                            .request(fields, file.folder, extra_devices)
                            .map(|r| Record::Request(Box::new(r))),
                        Err(e) => {
                            ctx.toml_error(&e);
                            None
                        }
                    }
                }
                RecordKind::Decision => {
                    match DecisionFields::deserialize(toml::de::Deserializer::from(table)) {
                        Ok(fields) => ctx.decision(fields).map(|d| Record::Decision(Box::new(d))),
                        Err(e) => {
                            ctx.toml_error(&e);
                            None
                        }
                    }
                }
            }
        }
    };
    // The record gets its origin now that the checks are done with it:
    // moved, not copied (it holds the whole file's text).
    let (record, unreadable) = match record {
        Some(Record::Request(mut r)) => {
            r.origin = origin;
            (Some(Record::Request(r)), None)
        }
        Some(Record::Decision(mut d)) => {
            d.origin = origin;
            (Some(Record::Decision(d)), None)
        }
        None => {
            let id = (file.kind == RecordKind::Request)
                .then(|| ID_LINE.captures(toml_text))
                .flatten()
                .map(|c| c[1].to_string());
            (None, Some(Unreadable { id, origin }))
        }
    };
    Parsed {
        record,
        unreadable,
        diagnostics,
        texts: front,
    }
}

struct Checker<'a> {
    origin: &'a Origin,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn at<T>(&self, value: &Spanned<T>) -> usize {
        self.origin.toml_offset + value.span().start
    }

    fn error(&mut self, offset: usize, message: impl Into<Message>, help: impl Into<Message>) {
        let d = self.origin.error(offset, message).with_help(help);
        self.diagnostics.push(d);
    }

    fn toml_error(&mut self, e: &toml::de::Error) {
        let offset = self.origin.toml_offset + e.span().map_or(0, |s| s.start);
        let message = crate::diagnostic::without_values(&e.message().trim().replace('\n', " "));
        let help = if message.contains("unknown field") {
            "check the spelling against the format; free-form keys go under [extra]"
        } else if message.contains("unknown variant") {
            "use one of the values listed"
        } else {
            "fix the TOML at this place"
        };
        self.error(
            offset,
            Message::new("front matter: ").quote_raw(&message),
            help,
        );
    }

    /// The front matter parsed, keeping every value's place; every syntax
    /// error the parser can find is reported, and then nothing is read.
    fn front_matter<'t>(&mut self, toml_text: &'t str) -> Option<Spanned<DeTable<'t>>> {
        let (table, errors) = DeTable::parse_recoverable(toml_text);
        for e in &errors {
            self.toml_error(e);
        }
        errors.is_empty().then_some(table)
    }

    /// Checks every string of the front matter for passage markers, and
    /// `[extra]` for keys that belong at the top level.
    fn front_matter_text(&mut self, table: &Spanned<DeTable<'_>>, front: &FrontMatterText) {
        for field in &front.texts {
            let found = texts::marker_problems(&self.origin.path, &self.origin.text, field);
            self.diagnostics.extend(found);
        }
        for (at, key) in texts::reserved_keys_in_extra(table, self.origin.toml_offset) {
            self.error(
                at,
                Message::new("").quote(&key).text(
                    " under [extra] is a top-level key of a record: there it would be ignored",
                ),
                Message::new("move ")
                    .quote(&key)
                    .text(" above the [extra] table (keys after a [table] line belong to it)"),
            );
        }
    }

    fn missing(&mut self, field: &str, help: &str) {
        let offset = self.origin.toml_offset.saturating_sub(4);
        self.error(offset, format!("missing required field `{field}`"), help);
    }

    fn date(&mut self, value: &Spanned<Datetime>, field: &str) -> Option<Date> {
        let dt = value.get_ref();
        let date = match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Date::new(i32::from(d.year), d.month, d.day),
            _ => None,
        };
        if date.is_none() {
            self.error(
                self.at(value),
                format!("`{field}` must be a date without a time, e.g. 2019-03-14"),
                "write the date as YYYY-MM-DD, unquoted",
            );
        }
        date
    }

    fn classification(&mut self, value: &Option<Spanned<String>>) -> Option<Tlp> {
        let Some(value) = value else {
            self.missing(
                "classification",
                "add `classification = \"TLP:WHITE\"` (public) or a TLP colour that withholds it",
            );
            return None;
        };
        let tlp = Tlp::parse(value.get_ref());
        if tlp.is_none() {
            self.error(
                self.at(value),
                Message::new("unknown classification ")
                    .quote(value.get_ref())
                    .text(": the record is withheld"),
                "use a TLP label: CLEAR, WHITE, GREEN, AMBER, AMBER+STRICT or RED",
            );
        }
        tlp
    }

    fn request(
        &mut self,
        f: RequestFields,
        folder: Option<Vec<FolderFile>>,
        extra_devices: &[String],
    ) -> Option<Request> {
        let attachments = self.attachments(f.attachments.as_ref(), folder);
        let classification = self.classification(&f.classification);
        let mut spans = RequestSpans::default();
        let id = match &f.id {
            Some(id) => {
                spans.id = self.at(id);
                if !ID_PATTERN.is_match(id.get_ref()) {
                    self.error(
                        spans.id,
                        Message::new("")
                            .quote(id.get_ref())
                            .text(" is not a valid id"),
                        "ids are upper-case letters, digits and hyphens, e.g. SCMR-2019-004",
                    );
                }
                Some(id.get_ref().clone())
            }
            None => {
                self.missing("id", "add `id = \"SCMR-2019-004\"`");
                None
            }
        };
        let request_type = f.request_type.as_ref().map(|t| *t.get_ref());
        if request_type.is_none() {
            self.missing(
                "type",
                "add `type = \"sc-modification\"` or `type = \"refurbishment-use-case\"`",
            );
        }
        let title = match &f.title {
            Some(t) if t.get_ref().trim().is_empty() => {
                self.error(self.at(t), "the title is empty", "give the proposed title");
                None
            }
            Some(t) => Some(t.get_ref().trim().to_string()),
            None => {
                self.missing("title", "add `title = \"...\"` (the proposed title)");
                None
            }
        };
        let submitted = match &f.submitted {
            Some(d) => self.date(d, "submitted"),
            None => {
                self.missing("submitted", "add `submitted = 2019-03-14`");
                None
            }
        };
        let reasons = f
            .reasons
            .as_ref()
            .map(|r| r.get_ref().clone())
            .unwrap_or_default();
        if request_type == Some(RequestType::ScModification) && reasons.is_empty() {
            match &f.reasons {
                Some(r) => self.error(
                    self.at(r),
                    "an SC Modification Request needs at least one reason",
                    "list sources of modification, e.g. reasons = [\"lessons-learned\"]",
                ),
                None => self.missing(
                    "reasons",
                    "add e.g. `reasons = [\"lessons-learned\"]` (section 5 of the methodology)",
                ),
            }
        }
        let mut devices = Vec::new();
        for d in &f.devices {
            let name = d.get_ref();
            let known = crate::vocabulary::BUILT_IN_DEVICES.contains(&name.as_str())
                || extra_devices.iter().any(|e| e == name);
            if !known {
                self.error(
                    self.at(d),
                    Message::new("unknown device ").quote(name),
                    "use ESME, GSME, CH, HCALCS or PPMID, or list the device in site.toml `devices`",
                );
            } else if !devices.contains(name) {
                devices.push(name.clone());
            }
        }
        let mut affected_scs = Vec::new();
        for sc in &f.affected_scs {
            if SC_PATTERN.is_match(sc.get_ref()) {
                affected_scs.push(sc.get_ref().clone());
            } else {
                self.error(
                    self.at(sc),
                    Message::new("")
                        .quote(sc.get_ref())
                        .text(" is not a mitigation reference"),
                    format!(
                        "write a prefix ({}) a space and a number, e.g. \"DEV 3.2\"",
                        MITIGATION_PREFIXES.join(", ")
                    ),
                );
            }
        }
        let urgent = f.urgent.as_ref().is_some_and(|u| *u.get_ref());
        let urgent_reason = non_empty(f.urgent_reason);
        if urgent && urgent_reason.is_none() {
            let offset = f.urgent.as_ref().map_or(0, |u| self.at(u));
            self.error(
                offset,
                "an urgent request needs `urgent_reason`",
                "add `urgent_reason = \"...\"` explaining the urgent business need (question 6)",
            );
        }
        let mut related = Vec::new();
        for r in &f.related {
            spans.related.push(self.at(r));
            related.push(r.get_ref().clone());
        }
        let proposer = match &f.proposer {
            Some(p) => {
                let at = self.at(p);
                let p = p.get_ref();
                if p.sec_party.is_some() {
                    self.error(
                        at,
                        "`sec_party` belongs to [sponsor]",
                        "name the Proposer's `organisation`",
                    );
                }
                match &p.organisation {
                    Some(o) if !o.get_ref().trim().is_empty() => Some(contact(p, o.get_ref())),
                    _ => {
                        self.error(
                            at,
                            "[proposer] needs `organisation`",
                            "add `organisation = \"...\"` under [proposer]",
                        );
                        None
                    }
                }
            }
            None => {
                self.missing(
                    "proposer",
                    "add a [proposer] table with at least `organisation`",
                );
                None
            }
        };
        let sponsor = match &f.sponsor {
            Some(s) => {
                let at = self.at(s);
                let s = s.get_ref();
                if s.organisation.is_some() {
                    self.error(
                        at,
                        "[sponsor] names its `sec_party`, not an `organisation`",
                        "rename `organisation` to `sec_party`",
                    );
                }
                match &s.sec_party {
                    Some(o) if !o.get_ref().trim().is_empty() => Some(contact(s, o.get_ref())),
                    _ => {
                        self.error(
                            at,
                            "[sponsor] needs `sec_party`",
                            "add `sec_party = \"...\"`: the SEC Party supporting the request",
                        );
                        None
                    }
                }
            }
            None => None,
        };
        let history = self.history(&f.history, submitted, &mut spans);
        if let (Some(history), Some(fh)) = (&history, &f.history) {
            let past_submitted = history.iter().any(|h| h.stage > Stage::Submitted);
            if past_submitted && f.sponsor.is_none() {
                self.error(
                    self.at(fh),
                    "the request has gone past `submitted` without a sponsor",
                    "add a [sponsor] table with the supporting SEC Party's `sec_party`: \
                     the SSC progresses only requests a SEC Party supports",
                );
            }
        }
        Some(Request {
            // Moved in by `parse` once the checks are done.
            origin: Origin::default(),
            spans,
            id: id?,
            request_type: request_type?,
            title: title?,
            classification,
            submitted: submitted?,
            reasons,
            devices,
            affected_scs,
            affected_scs_reason: non_empty(f.affected_scs_reason),
            requires_new_sc: f.requires_new_sc,
            requires_new_sc_reason: non_empty(f.requires_new_sc_reason),
            urgent,
            urgent_reason,
            related,
            proposer: proposer?,
            sponsor,
            history: history?,
            draft: f.draft,
            extra: f.extra,
            attachments,
        })
    }

    /// Matches the `[[attachments]]` a record lists with the files of its
    /// folder: listed files that are missing, unsafe names and missing
    /// titles or classifications are errors at the listing; files the
    /// listing leaves out are errors at the file.
    fn attachments(
        &mut self,
        listed: Option<&Spanned<Vec<Spanned<AttachmentFields>>>>,
        folder: Option<Vec<FolderFile>>,
    ) -> Vec<Attachment> {
        let entries = listed.map_or(&[][..], |l| l.get_ref().as_slice());
        let Some(mut files) = folder else {
            if let Some(list) = listed.filter(|l| !l.get_ref().is_empty()) {
                self.error(
                    self.at(list),
                    "only a folder record can have attachments",
                    "make a folder requests/<id>/ holding this file as index.md and the \
                     attachments beside it",
                );
            }
            return Vec::new();
        };
        let mut found = Vec::new();
        for entry in entries {
            let e = entry.get_ref();
            let name = e.file.get_ref();
            let at = self.at(&e.file);
            if !crate::load::is_safe_file_name(name) || name.eq_ignore_ascii_case("index.html") {
                self.error(
                    at,
                    Message::new("")
                        .quote(name)
                        .text(" cannot be published under this name: attachment names become URLs"),
                    "rename the file with letters, digits, `.`, `-` and `_` only (not index.html), \
                     e.g. `triage-notes.pdf`",
                );
                continue;
            }
            if let Some(why) = attachments::refused_name(name) {
                // Not reported again as an unlisted file.
                files.retain(|f| &f.name != name);
                self.error(
                    at,
                    Message::new("")
                        .quote(name)
                        .text(" cannot be an attachment: it ")
                        .text(why)
                        .text(", which usually holds everything the record withholds"),
                    "rename the file (e.g. `notes-v2.txt`) if it really is an attachment, or \
                     remove it and its [[attachments]] entry",
                );
                continue;
            }
            if found.iter().any(|a: &Attachment| &a.name == name) {
                self.error(
                    at,
                    Message::new("").quote(name).text(" is listed twice"),
                    "list each file once",
                );
                continue;
            }
            let Some(i) = files.iter().position(|f| &f.name == name) else {
                self.error(
                    at,
                    Message::new("")
                        .quote(name)
                        .text(" is listed but is not in the record's folder"),
                    "put the file beside index.md, or correct the name (names are case-sensitive)",
                );
                continue;
            };
            let file = files.remove(i);
            let title = match &e.title {
                Some(t) if !t.get_ref().trim().is_empty() => t.get_ref().trim().to_string(),
                _ => {
                    self.error(
                        self.at(entry),
                        Message::new("the attachment ")
                            .quote(name)
                            .text(" has no `title`"),
                        "add `title = \"...\"`: what readers see in the list of attachments",
                    );
                    continue;
                }
            };
            let classification = match &e.classification {
                Some(c) => self.classification(&Some(c.clone())),
                None => {
                    self.error(
                        self.at(entry),
                        Message::new("the attachment ")
                            .quote(name)
                            .text(" has no `classification`: it is withheld"),
                        "add `classification = \"TLP:CLEAR\"` when it may be published, or a TLP \
                         colour that withholds it",
                    );
                    None
                }
            };
            found.push(Attachment {
                name: name.clone(),
                title,
                classification,
                size: file.stamp.len,
                source: file.source,
                checked: None,
            });
        }
        for file in &files {
            self.diagnostics.push(attachments::unlisted(file));
        }
        found
    }

    fn history(
        &mut self,
        history: &Option<Spanned<Vec<Spanned<HistoryFields>>>>,
        submitted: Option<Date>,
        spans: &mut RequestSpans,
    ) -> Option<Vec<HistoryEntry>> {
        let Some(history) = history else {
            self.missing(
                "history",
                "add at least one [[history]] entry: date = <submitted date>, stage = \"submitted\"",
            );
            return None;
        };
        spans.history_table = self.at(history);
        if history.get_ref().is_empty() {
            self.error(
                spans.history_table,
                "the history is empty",
                "add a [[history]] entry with stage = \"submitted\"",
            );
            return None;
        }
        let mut entries: Vec<HistoryEntry> = Vec::new();
        let mut ok = true;
        for entry in history.get_ref() {
            let at = self.at(entry);
            spans.history.push(at);
            let e = entry.get_ref();
            let Some(date) = self.date(&e.date, "date") else {
                ok = false;
                continue;
            };
            let stage = *e.stage.get_ref();
            if let Some(prev) = entries.last() {
                if stage < prev.stage {
                    self.error(
                        self.at(&e.stage),
                        format!(
                            "stage `{}` goes backwards after `{}`",
                            stage.slug(),
                            prev.stage.slug()
                        ),
                        "stages run submitted, triage, ncsc-review, refinement, decided; \
                         list them oldest first",
                    );
                }
                if date < prev.date {
                    self.error(
                        self.at(&e.date),
                        Message::new("date ")
                            .quote_raw(&date.to_string())
                            .text(" is before the previous entry's ")
                            .quote_raw(&prev.date.to_string()),
                        "list history entries oldest first",
                    );
                }
            } else if stage != Stage::Submitted {
                self.error(
                    self.at(&e.stage),
                    "the first history entry must be stage `submitted`",
                    "start the history with the submission: stage = \"submitted\"",
                );
            }
            if let Some(submitted) = submitted.filter(|&s| date < s) {
                self.error(
                    self.at(&e.date),
                    Message::new("date ")
                        .quote_raw(&date.to_string())
                        .text(" is before the request was submitted (")
                        .quote_raw(&submitted.to_string())
                        .text(")"),
                    "correct the date or the `submitted` field",
                );
            }
            if stage == Stage::Decided && entries.iter().any(|h| h.stage == Stage::Decided) {
                self.error(
                    self.at(&e.stage),
                    "the request is `decided` twice",
                    "a request has one final outcome; remove the second `decided` entry",
                );
            }
            entries.push(HistoryEntry {
                date,
                stage,
                note: non_empty(e.note.clone()),
            });
        }
        ok.then_some(entries)
    }

    fn decision(&mut self, f: DecisionFields) -> Option<Decision> {
        let classification = self.classification(&f.classification);
        let request = f
            .request
            .as_ref()
            .map(|r| (r.get_ref().clone(), self.at(r)));
        if request.is_none() {
            self.missing(
                "request",
                "add `request = \"<id>\"`: the request this decides",
            );
        }
        let date = match &f.date {
            Some(d) => self.date(d, "date").map(|x| (x, self.at(d))),
            None => {
                self.missing(
                    "date",
                    "add `date = 2019-09-18`: the date of the SSC's decision",
                );
                None
            }
        };
        let kind = f.kind.as_ref().map(|k| (*k.get_ref(), self.at(k)));
        if kind.is_none() {
            self.missing("kind", "add `kind = \"interim\"` or `kind = \"final\"`");
        }
        let outcome = f.outcome.as_ref().map(|o| *o.get_ref());
        match (&kind, &f.outcome) {
            (_, None) => self.missing(
                "outcome",
                "add `outcome`: interim progressed/returned/deferred, final approved/rejected/withdrawn",
            ),
            (Some((k, _)), Some(o)) if o.get_ref().kind() != *k => {
                let allowed = if *k == DecisionKind::Final {
                    "approved, rejected or withdrawn"
                } else {
                    "progressed, returned or deferred"
                };
                self.error(
                    self.at(o),
                    format!(
                        "outcome `{}` does not fit {} {} decision",
                        o.get_ref().slug(),
                        if *k == DecisionKind::Interim { "an" } else { "a" },
                        k.slug()
                    ),
                    format!("a {} decision's outcome is {allowed}", k.slug()),
                );
            }
            _ => {}
        }
        let approved = outcome == Some(Outcome::Approved);
        let sc_version = match &f.sc_version {
            Some(v) if !approved => {
                self.error(
                    self.at(v),
                    "`sc_version` is only for approved final decisions",
                    "remove it, or correct the outcome",
                );
                None
            }
            Some(v) if !VERSION_PATTERN.is_match(v.get_ref()) => {
                self.error(
                    self.at(v),
                    Message::new("")
                        .quote(v.get_ref())
                        .text(" is not an SC version"),
                    "write Principal Version and Sub-Version, e.g. \"1.3\"",
                );
                None
            }
            Some(v) => Some(v.get_ref().clone()),
            None if approved => {
                self.missing(
                    "sc_version",
                    "an approved change needs `sc_version`, e.g. \"1.3\": the SC version carrying it",
                );
                None
            }
            None => None,
        };
        let implementation_date = match &f.implementation_date {
            Some(d) if !approved => {
                self.error(
                    self.at(d),
                    "`implementation_date` is only for approved final decisions",
                    "remove it, or correct the outcome",
                );
                None
            }
            Some(d) => self.date(d, "implementation_date"),
            None if approved => {
                self.missing(
                    "implementation_date",
                    "an approved change needs the `implementation_date` the SSC set",
                );
                None
            }
            None => None,
        };
        let panel_notified = match &f.panel_notified {
            Some(d) => self.date(d, "panel_notified"),
            None => None,
        };
        if let (Some((d, _)), Some(i)) = (&date, &f.implementation_date)
            && implementation_date.is_some_and(|x| x < *d)
        {
            self.error(
                self.at(i),
                "the implementation date is before the decision",
                "correct `implementation_date` or `date`",
            );
        }
        let (date, date_span) = date?;
        let (kind, kind_span) = kind?;
        let (request, request_span) = request?;
        Some(Decision {
            // Moved in by `parse` once the checks are done.
            origin: Origin::default(),
            request,
            request_span,
            classification,
            date,
            date_span,
            kind,
            kind_span,
            outcome: outcome?,
            sc_version,
            implementation_date,
            panel_notified,
            extra: f.extra,
        })
    }
}

fn contact(c: &ContactFields, organisation: &str) -> Contact {
    Contact {
        organisation: organisation.trim().to_string(),
        name: c.name.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}
