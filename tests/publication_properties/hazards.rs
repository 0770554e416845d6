//! The hazard cases of the publication properties.
//!
//! A generated site that builds is given one *hazard*: a public text (a
//! body, a front-matter string at any depth, an attachment's title, text
//! or binary bytes, a decision's body, `site.toml`'s `description`)
//! repeats a value some request declares as personal data, holds an
//! e-mail address or telephone number that `site.toml` does not list as a
//! public contact, names a withheld request, or holds a passage marker or
//! a look-alike of one; or a folder record holds a file it does not list
//! (an editor's leftover copy of the record, say); or `[extra]` holds a
//! key of the record's top level. Each is a content error: the build
//! exits 1 (`BuildError::Content` in process), the output it would have
//! replaced stays byte for byte as the build without the hazard left it,
//! `register check --format json` places an error in the right file on
//! the right line, and no message repeats the personal data it found.
//!
//! Some hazards are allowed, and checked to build: a public contact point
//! in public text (published, where the theme prints the field), and any
//! text hazard inside withheld text (a withheld request, attachment,
//! decision or passage), which must then appear nowhere.

use super::*;
use register::build::BuildError;
use std::path::Path;

/// Where in a site a hazard goes. Text hazards go in the *host* request
/// (its first note, attachment or interim decision where there are
/// several), or in `site.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    Body,
    Title,
    AffectedReason,
    NewScReason,
    UrgentReason,
    Note,
    Organisation,
    SecParty,
    /// A value nested in `[extra]`.
    ExtraValue,
    /// A key of `[extra]`.
    ExtraKey,
    AttachmentTitle,
    AttachmentText,
    /// The printable bytes of a binary attachment.
    AttachmentBinary,
    DecisionBody,
    SiteDescription,
    /// A file in the host's folder that it does not list.
    Unlisted,
    /// A top-level key under the host's `[extra]`.
    ReservedKey,
    /// A top-level key under its first interim decision's `[extra]`.
    DecisionReservedKey,
}

const CARRIERS: [Carrier; 18] = [
    Carrier::Body,
    Carrier::Title,
    Carrier::AffectedReason,
    Carrier::NewScReason,
    Carrier::UrgentReason,
    Carrier::Note,
    Carrier::Organisation,
    Carrier::SecParty,
    Carrier::ExtraValue,
    Carrier::ExtraKey,
    Carrier::AttachmentTitle,
    Carrier::AttachmentText,
    Carrier::AttachmentBinary,
    Carrier::DecisionBody,
    Carrier::SiteDescription,
    Carrier::Unlisted,
    Carrier::ReservedKey,
    Carrier::DecisionReservedKey,
];

impl Carrier {
    /// The hazard is a file or a key, whatever its text: always an error.
    fn structural(self) -> bool {
        matches!(
            self,
            Carrier::Unlisted | Carrier::ReservedKey | Carrier::DecisionReservedKey
        )
    }

    /// A public request can hold the text withheld: in a passage, a
    /// withheld attachment or a withheld decision.
    fn hides_locally(self) -> bool {
        matches!(
            self,
            Carrier::Body
                | Carrier::DecisionBody
                | Carrier::AttachmentTitle
                | Carrier::AttachmentText
                | Carrier::AttachmentBinary
                | Carrier::DecisionReservedKey
        )
    }

    /// The default theme prints it (not `[extra]`).
    fn printed(self) -> bool {
        !self.structural() && !matches!(self, Carrier::ExtraValue | Carrier::ExtraKey)
    }

    /// Read as Markdown, where character references are decoded.
    fn markdown(self) -> bool {
        matches!(self, Carrier::Body | Carrier::DecisionBody)
    }
}

/// What a text hazard says.
#[derive(Debug, Clone)]
pub enum Payload {
    /// The `key`th value request `source` declares as personal data.
    Declared { source: usize, key: usize },
    /// An e-mail address that is not a public contact.
    Email,
    /// A telephone number that is not a public contact.
    Phone,
    /// The id of request `target`, made withheld.
    WithheldId { target: usize },
    /// A passage marker or a look-alike.
    Marker,
    /// A contact point `site.toml` lists as public: allowed.
    PublicContact,
}

impl Payload {
    fn name(&self) -> &'static str {
        match self {
            Payload::Declared { .. } => "declared personal data",
            Payload::Email => "an e-mail address",
            Payload::Phone => "a telephone number",
            Payload::WithheldId { .. } => "a withheld id",
            Payload::Marker => "a marker or look-alike",
            Payload::PublicContact => "a public contact",
        }
    }
}

/// One hazard, before it is fitted to a site.
#[derive(Debug, Clone)]
pub struct Hazard {
    /// The host request (modulo their number).
    host: usize,
    carrier: Carrier,
    payload: Payload,
    /// Which spelling of the payload (or which file name or reserved key).
    spelling: u8,
    /// 0: in published text; 1: the host is withheld; 2: hidden inside a
    /// public host (a withheld passage, attachment or decision).
    hide: u8,
}

/// A hazard's text resolved for one site, waiting for its place.
#[derive(Debug, Clone)]
pub struct Injection {
    pub host: usize,
    pub carrier: Carrier,
    /// What the writer writes, as it writes it.
    pub text: String,
    /// For a binary attachment: 0 the text as ASCII, 1 as UTF-16
    /// big-endian, 2 little-endian (as PDF metadata writes names).
    pub utf16: u8,
    /// Where it was written.
    pub placed: Option<Place>,
}

/// A file (relative to the content folder) and a line of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
}

/// Passage markers and look-alikes: a Cyrillic `Т`, a zero-width space,
/// full-width letters, markers written as text.
const MARKERS: [&str; 9] = [
    "<!-- TLP:RED -->",
    "<!-- /TLP -->",
    "<!-- \u{422}LP:RED -->",
    "<!-- END RED -->",
    "<!-- TLP:RED\u{200b} -->",
    "<!- TLP:AMBER ->",
    "&lt;!-- TLP:AMBER --&gt;",
    "<!-- \u{ff34}\u{ff2c}\u{ff30}:AMBER -->",
    "<!-- amber -->",
];

/// Files a folder record may hold without listing them: leftovers of
/// editors and merges (holding the record's text), and strays.
const UNLISTED: [&str; 9] = [
    "index.md.orig",
    "index.md~",
    "#index.md#",
    "index.md.bak",
    "index.md.rej",
    "index.md.2024-01-05",
    "notes.txt",
    "old-copy.md",
    "scan.pdf",
];

/// Top-level keys written under `[extra]` by mistake.
const RESERVED: [&str; 5] = [
    "classification = \"TLP:CLEAR\"",
    "classification = \"TLP:RED\"",
    "draft = false",
    "title = \"Another title\"",
    "request = \"PB-9-ZZZZZZ\"",
];

/// The spellings of the public contacts of [`PUBLIC_CONTACTS`].
const PUBLIC_SPELLINGS: [&str; 4] = [
    "ssc@example.org",
    "SSC@Example.org",
    "020 7946 0000",
    "+44 20 7946 0000",
];

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        3 => (0..8usize, 0..6usize).prop_map(|(source, key)| Payload::Declared { source, key }),
        2 => Just(Payload::Email),
        2 => Just(Payload::Phone),
        2 => (0..8usize).prop_map(|target| Payload::WithheldId { target }),
        2 => Just(Payload::Marker),
        1 => Just(Payload::PublicContact),
    ]
}

pub fn hazard() -> impl Strategy<Value = Hazard> {
    (
        0..8usize,
        prop::sample::select(CARRIERS.to_vec()),
        payload(),
        0..18u8,
        prop_oneof![4 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
    )
        .prop_map(|(host, carrier, payload, spelling, hide)| Hazard {
            host,
            carrier,
            payload,
            spelling,
            hide,
        })
}

/// `text` as bytes: ASCII, or UTF-16 in either byte order.
pub fn encode(text: &str, utf16: u8) -> Vec<u8> {
    let units = text.encode_utf16();
    match utf16 {
        1 => units.flat_map(u16::to_be_bytes).collect(),
        2 => units.flat_map(u16::to_le_bytes).collect(),
        _ => text.as_bytes().to_vec(),
    }
}

/// Makes a request withheld by its label.
fn withhold(r: &mut RequestPlan) {
    r.label.colour = 2 + r.label.colour % 4;
}

/// Makes a request public: CLEAR or WHITE, not a draft.
fn publish(r: &mut RequestPlan) {
    r.label.colour %= 2;
    r.draft = false;
}

impl Hazard {
    /// Fits the hazard to what the product checks where (a binary file's
    /// bytes are searched for declared data and withheld ids only; a
    /// marker is a hazard in published text only), and the plan to the
    /// hazard (the host has what the carrier needs, the payload's source
    /// declares personal data, its target is withheld).
    fn prepare(&mut self, plan: &mut SitePlan) {
        self.fit_payload();
        if matches!(self.payload, Payload::WithheldId { .. }) && plan.requests.len() == 1 {
            plan.requests.push(plan.requests[0].clone());
        }
        let n = plan.requests.len();
        self.host %= n;
        if self.carrier == Carrier::SiteDescription {
            self.host = 0;
        }
        self.fit_host(&mut plan.requests[self.host]);
        match &mut self.payload {
            Payload::Declared { source, .. } => {
                *source %= n;
                let s = &mut plan.requests[*source];
                s.personal = [s.personal[0], true, true, true, true];
                s.sponsor = true;
            }
            Payload::WithheldId { target } => {
                *target %= n;
                if *target == self.host {
                    *target = (self.host + 1) % n;
                }
                withhold(&mut plan.requests[*target]);
            }
            _ => {}
        }
    }

    /// Moves a payload the product does not look for in its carrier (a
    /// marker or a contact in a binary file's bytes, a marker in
    /// `site.toml` while that is a known bug) to a carrier where it is an
    /// error, and `hide` to what the carrier can do.
    fn fit_payload(&mut self) {
        let binary = self.carrier == Carrier::AttachmentBinary;
        match self.payload {
            Payload::Marker => {
                self.hide = 0;
                if binary {
                    self.carrier = Carrier::AttachmentText;
                }
            }
            Payload::Email | Payload::Phone if binary => self.carrier = Carrier::AttachmentText,
            _ => {}
        }
        if self.carrier == Carrier::SiteDescription {
            self.hide = 0;
        }
        if self.hide == 2 && !self.carrier.hides_locally() {
            self.hide = 1;
        }
    }

    /// The host: withheld or public as `hide` says, with the note,
    /// reason, sponsor, attachment or interim decision the carrier needs.
    fn fit_host(&self, r: &mut RequestPlan) {
        if self.hide == 1 {
            withhold(r);
        } else {
            publish(r);
        }
        let local = if self.hide == 2 { 3 } else { 0 };
        match self.carrier {
            Carrier::Note => r.notes = true,
            Carrier::UrgentReason => r.urgent = true,
            Carrier::SecParty => r.sponsor = true,
            Carrier::Unlisted => {
                r.folder.get_or_insert_with(Vec::new);
            }
            Carrier::AttachmentTitle | Carrier::AttachmentText | Carrier::AttachmentBinary => {
                let kind = if self.carrier == Carrier::AttachmentBinary {
                    3
                } else {
                    0
                };
                let folder = r.folder.get_or_insert_with(Vec::new);
                if folder.is_empty() {
                    folder.push(AttachmentPlan {
                        label: r.label.clone(),
                        kind,
                    });
                }
                folder[0].kind = kind;
                folder[0].label.colour = local;
            }
            Carrier::DecisionBody | Carrier::DecisionReservedKey => {
                if r.interims.is_empty() {
                    r.interims.push(r.final_decision.clone());
                }
                r.interims[0].label.colour = local;
            }
            _ => {}
        }
    }

    /// True when the build must refuse the site.
    fn is_error(&self) -> bool {
        self.carrier.structural()
            || (self.hide == 0 && !matches!(self.payload, Payload::PublicContact))
    }

    /// The payload, spelled as this hazard spells it.
    fn payload_text(&self, known: &[Known], seed: u64) -> String {
        let n = seed % 1000;
        let s = usize::from(self.spelling);
        match &self.payload {
            Payload::Declared { source, key } => {
                let p = &known[*source].personal;
                spell_declared(&p[key % p.len()].value, self.spelling, self.carrier)
            }
            Payload::Email => [
                format!("jo.bloggs{n}@example.com"),
                format!("JO.BLOGGS{n}@EXAMPLE.COM"),
                format!("jo.bloggs{n} [at] example.com"),
                format!("jo_bloggs+{n}@mail.example.co.uk"),
            ][s % 4]
                .clone(),
            Payload::Phone => [
                format!("0161 496 0{n:03}"),
                format!("+44 161 496 0{n:03}"),
                format!("(0161) 496 0{n:03}"),
                format!("0161-496-0{n:03}"),
            ][s % 4]
                .clone(),
            Payload::WithheldId { target } => spell_id(&known[*target].id, s),
            Payload::Marker => MARKERS[s % MARKERS.len()].to_string(),
            Payload::PublicContact => PUBLIC_SPELLINGS[s % 4].to_string(),
        }
    }

    /// The personal value a message must never repeat, if any.
    fn secret(&self, known: &[Known], seed: u64) -> Option<String> {
        match &self.payload {
            Payload::Declared { source, key } => {
                let p = &known[*source].personal;
                Some(p[key % p.len()].value.clone())
            }
            Payload::Email | Payload::Phone => Some(self.payload_text(known, seed)),
            _ => None,
        }
    }

    /// False when a binary attachment holds the payload as UTF-16, where
    /// a search of the output's bytes for it cannot find it.
    fn plain_bytes(&self) -> bool {
        self.utf16() == 0
    }

    /// How a binary attachment holds the payload: see [`Injection::utf16`].
    fn utf16(&self) -> u8 {
        match (self.carrier, self.spelling % 6) {
            (Carrier::AttachmentBinary, 4) => 1,
            (Carrier::AttachmentBinary, 5) => 2,
            _ => 0,
        }
    }

    /// The text to write for this hazard in a site whose requests are
    /// `known`.
    pub fn injection(&self, known: &[Known], seed: u64) -> Injection {
        let s = usize::from(self.spelling);
        let payload = self.payload_text(known, seed);
        let text = match self.carrier {
            Carrier::Body | Carrier::DecisionBody => self.paragraph(&payload),
            Carrier::ExtraValue => format!("hazard = {{ deep = [\"Note {payload}\"] }}"),
            Carrier::ExtraKey => format!("\"{payload}\" = \"x\""),
            Carrier::AttachmentText | Carrier::AttachmentBinary => payload,
            Carrier::Unlisted => UNLISTED[s % UNLISTED.len()].to_string(),
            Carrier::ReservedKey | Carrier::DecisionReservedKey => {
                RESERVED[s % RESERVED.len()].to_string()
            }
            // Appended to a front-matter string.
            _ => format!(" {payload}"),
        };
        Injection {
            host: self.host,
            carrier: self.carrier,
            text,
            utf16: self.utf16(),
            placed: None,
        }
    }

    /// The payload as a paragraph of a body: alone when it is a marker;
    /// hidden in a request's body, in a withheld passage (a decision's is
    /// hidden by the decision's label).
    fn paragraph(&self, payload: &str) -> String {
        let line = match self.payload {
            Payload::Marker => payload.to_string(),
            _ => format!("Note {payload} here."),
        };
        if self.hide == 2 && self.carrier == Carrier::Body {
            format!("<!-- TLP:AMBER -->\n{line}\n<!-- /TLP -->")
        } else {
            line
        }
    }

    /// The kinds this case counts as, for the tally.
    fn kinds(&self) -> Vec<String> {
        if self.carrier.structural() {
            let what = match self.carrier {
                Carrier::Unlisted => {
                    let name = UNLISTED[usize::from(self.spelling) % UNLISTED.len()];
                    format!("hazard: unlisted file `{name}`")
                }
                Carrier::ReservedKey => "hazard: reserved key under a request's [extra]".into(),
                _ => "hazard: reserved key under a decision's [extra]".into(),
            };
            let whose = if self.hide == 0 { "public" } else { "withheld" };
            return vec![what, format!("hazard: structural, on a {whose} record")];
        }
        if !self.is_error() {
            let why = match (&self.payload, self.hide) {
                (_, 1) => "in a withheld request",
                (_, 2) => "hidden in a public request",
                _ => "a public contact in public text",
            };
            return vec![
                format!("allowed: {why}"),
                format!("allowed: {}", self.payload.name()),
            ];
        }
        vec![
            format!("hazard: {}", self.payload.name()),
            format!("hazard in: {:?}", self.carrier),
        ]
    }
}

/// How a declared value is spelled: as declared, in another case, with
/// other separators, with an invisible character, with `&nbsp;` (in
/// Markdown); a binary file's bytes take it as it is (or in UTF-16).
fn spell_declared(value: &str, spelling: u8, carrier: Carrier) -> String {
    match spelling % 6 {
        1 => value.to_ascii_lowercase(),
        2 => value.to_ascii_uppercase(),
        3 => value.replace(' ', "-"),
        4 if carrier != Carrier::AttachmentBinary => {
            let mut chars = value.chars();
            let first: String = chars.next().into_iter().collect();
            format!("{first}\u{200b}{}", chars.as_str())
        }
        5 if carrier.markdown() => value.replacen(' ', "&nbsp;", 1),
        _ => value.to_string(),
    }
}

/// How a withheld id is written as visible text: bare, in lower case, as
/// code, as a link's text, emphasised, in brackets.
fn spell_id(id: &str, spelling: usize) -> String {
    match spelling % 6 {
        1 => id.to_ascii_lowercase(),
        2 => format!("`{id}`"),
        3 => format!("[{id}](@{id})"),
        4 => format!("*{id}*"),
        5 => format!("({id})"),
        _ => id.to_string(),
    }
}

/// `register check --content <content> --format json`.
fn check_json(content: &Path) -> support::Run {
    support::run(
        support::register()
            .arg("check")
            .arg("--content")
            .arg(content)
            .arg("--format")
            .arg("json"),
    )
}

/// True when `file`, as a diagnostic names it, is `place`'s file.
fn same_file(file: &Path, place: &Place) -> bool {
    file.ends_with(Path::new("content").join(&place.file))
}

/// Fails when `text` repeats the personal value `secret`.
fn keeps_secret(text: &str, secret: Option<&str>, what: &str) -> Result<(), TestCaseError> {
    match secret {
        Some(s) if text.to_ascii_lowercase().contains(&s.to_ascii_lowercase()) => fail(format!(
            "{what} repeats the personal data it found:\n{text}"
        )),
        _ => Ok(()),
    }
}

/// The in-process build refuses the site with a content error at `place`.
fn refused_in_process(
    content: &Path,
    place: &Place,
    secret: Option<&str>,
) -> Result<(), TestCaseError> {
    let diagnostics = match support::try_build_in_process(content, today()) {
        Err(BuildError::Content(d)) => d,
        Ok(_) => return fail(format!("in process: the hazard at {place:?} built")),
        Err(e) => return fail(format!("in process: not a content error: {e:?}")),
    };
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.one_line())
        .collect();
    let located = diagnostics
        .iter()
        .any(|d| d.is_error() && same_file(&d.file, place) && d.line == place.line);
    if !located {
        return fail(format!(
            "in process: no error at {place:?}; errors:\n{}",
            errors.join("\n")
        ));
    }
    keeps_secret(&errors.join("\n"), secret, "an in-process message")
}

/// `register check --format json` exits 1 with an error at `place`.
fn located_by_check(
    content: &Path,
    place: &Place,
    secret: Option<&str>,
) -> Result<(), TestCaseError> {
    let run = check_json(content);
    if run.code != 1 {
        return fail(format!(
            "register check exited {}, not 1:\n{}{}",
            run.code, run.stdout, run.stderr
        ));
    }
    let json: serde_json::Value = serde_json::from_str(&run.stdout)
        .map_err(|e| TestCaseError::fail(format!("check --format json: {e}")))?;
    let located = json["diagnostics"].as_array().is_some_and(|all| {
        all.iter().any(|d| {
            d["severity"] == "error"
                && d["file"]
                    .as_str()
                    .is_some_and(|f| same_file(Path::new(f), place))
                && d["line"] == place.line
        })
    });
    if !located {
        return fail(format!(
            "register check placed no error at {place:?}:\n{}",
            run.stdout
        ));
    }
    keeps_secret(&run.stdout, secret, "register check")
}

/// A site with a hazard that is an error: refused in process, by the
/// binary (which leaves `before` as it was in `out`) and by `check`.
fn refused(
    content: &Path,
    out: &Path,
    before: &Files,
    place: &Place,
    secret: Option<&str>,
) -> Result<(), TestCaseError> {
    refused_in_process(content, place, secret)?;
    let run = build_bin(content, out, TODAY);
    if run.code != 1 {
        return fail(format!(
            "register build exited {}, not 1, with the hazard at {place:?}:\n{}",
            run.code, run.stderr
        ));
    }
    keeps_secret(&run.stderr, secret, "register build")?;
    if &tree(out) != before {
        return fail(format!(
            "the failed build changed the output (hazard at {place:?})"
        ));
    }
    located_by_check(content, place, secret)
}

/// A site with an allowed hazard: it builds, in process and with the
/// binary over the previous output, every canary checked; `payload` is
/// published when `shown`, nowhere when hidden.
fn allowed(
    content: &Path,
    out: &Path,
    site: &Written,
    payload: &str,
    shown: Option<bool>,
) -> Result<(), TestCaseError> {
    let files = match support::try_build_in_process(content, today()) {
        Ok(files) => files,
        Err(BuildError::Content(d)) => {
            let errors: Vec<String> = d.iter().map(|d| d.one_line()).collect();
            return fail(format!(
                "an allowed hazard ({payload:?}) was refused:\n{}",
                errors.join("\n")
            ));
        }
        Err(e) => return fail(format!("build failed: {e:?}")),
    };
    check_files(&files, site, "allowed hazard, in process")?;
    let hay = Haystack::new(&files);
    match shown {
        Some(true) if !hay.contains(payload) => {
            return fail(format!("the public contact {payload:?} is not published"));
        }
        Some(false) if hay.contains(payload) => {
            return fail(format!(
                "hidden {payload:?} published in {:?}",
                hay.find(payload)
            ));
        }
        _ => {}
    }
    let run = build_bin(content, out, TODAY);
    if run.code != 0 {
        return fail(format!(
            "register build exited {}: {}",
            run.code, run.stderr
        ));
    }
    same_files(&output_files(out)?, &files)?;
    let run = check_json(content);
    if run.code != 0 {
        return fail(format!(
            "register check exited {}: {}",
            run.code, run.stdout
        ));
    }
    Ok(())
}

/// One hazard case: the site without it builds with the binary; then the
/// hazard is written into the same content folder and the site rebuilt
/// over that output.
pub fn check(
    mut plan: SitePlan,
    mut hazard: Hazard,
    tally: &mut Tally,
) -> Result<(), TestCaseError> {
    hazard.prepare(&mut plan);
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let content = root.join("content");
    let out = tmp.path().join("public");
    write_site(&plan, &root, None);
    let first = build_bin(&content, &out, TODAY);
    if first.code != 0 {
        return fail(format!(
            "the site without the hazard exited {}: {}",
            first.code, first.stderr
        ));
    }
    let before = tree(&out);
    std::fs::remove_dir_all(&content).expect("remove the content folder");
    let site = write_site(&plan, &root, Some(&hazard));
    let place = site.hazard.clone().expect("the hazard was placed");
    let payload = hazard.payload_text(&site.known, plan.seed);
    let secret = hazard.secret(&site.known, plan.seed);
    if hazard.is_error() {
        refused(&content, &out, &before, &place, secret.as_deref())?;
    } else {
        let shown = match hazard.hide {
            0 => (hazard.carrier.printed() && hazard.plain_bytes()).then_some(true),
            _ => Some(false),
        };
        allowed(&content, &out, &site, &payload, shown)?;
    }
    tally.cases += 1;
    let kinds: BTreeMap<String, usize> = hazard.kinds().into_iter().map(|k| (k, 1)).collect();
    tally.add_kinds(&kinds);
    Ok(())
}
