//! What a build made public, as `register-manifest.json` beside the
//! pages, and what changed in the public view from one build to the next.
//!
//! The manifest is made from the [`PublicRegister`] alone, so it can only
//! list what the site publishes anyway: the ids of public requests, their
//! public decisions and attachments, and the passages of their public
//! bodies, each with a hash of what is shown (and a passage's place,
//! which the page shows too). A record never published is never in it, nor
//! is a count of what was withheld. Being public, it is published with the
//! site, so the previous release's manifest is at hand wherever the site is
//! (`--since DIR`, or the output folder itself, before a build replaces it).
//!
//! Hashes are 64-bit FNV-1a, written as 16 hex digits: they tell whether
//! something changed between two builds, and guard nothing.

use crate::publish::{PublicDecision, PublicRegister, PublicRequest};
use crate::render::markdown::{RenderedBody, html_text_into};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::hash::Hasher as _;
use std::path::{Path, PathBuf};

/// The manifest's file name, at the top of the site.
pub const FILE: &str = "register-manifest.json";
/// The manifest format's version: a reader refuses a newer one.
pub const VERSION: u32 = 2;

/// What one build made public.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`VERSION`].
    pub manifest_version: u32,
    /// The build date.
    pub build_date: String,
    /// Public requests by id.
    pub requests: BTreeMap<String, RecordEntry>,
}

/// One public request, or one public decision (which has no decisions or
/// attachments of its own).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordEntry {
    /// Hash of its public fields as `register.json` shows them.
    pub fields: String,
    /// Its body's passages: hash to the place (`section 2, block 3`).
    pub passages: BTreeMap<String, String>,
    /// Its public decisions, by kind and date (`final 2026-03-11`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub decisions: BTreeMap<String, RecordEntry>,
    /// Its public attachments: name to hash of the bytes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attachments: BTreeMap<String, String>,
}

/// 64-bit FNV-1a of `bytes`, as 16 hex digits.
fn hash(bytes: &[u8]) -> String {
    let mut h = fnv::FnvHasher::default();
    h.write(bytes);
    format!("{:016x}", h.finish())
}

/// [`hash`] of the words of `text` joined by one space, without joining
/// them; `None` when it has no words.
fn words_hash(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let mut h = fnv::FnvHasher::default();
    h.write(words.next()?.as_bytes());
    for word in words {
        h.write(b" ");
        h.write(word.as_bytes());
    }
    Some(format!("{:016x}", h.finish()))
}

impl Manifest {
    /// The manifest of what `register` publishes.
    pub fn of(register: &PublicRegister) -> Manifest {
        Manifest {
            manifest_version: VERSION,
            build_date: register.today().to_string(),
            requests: register
                .requests()
                .par_iter()
                .map(|r| (r.id.clone(), request_entry(r)))
                .collect::<Vec<_>>()
                .into_iter()
                .collect(),
        }
    }

    /// The manifest as its file holds it: sorted, pretty, one newline at
    /// the end; the same bytes for the same public register.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("plain data serialises");
        bytes.push(b'\n');
        bytes
    }

    /// The manifest in the site folder `dir`; `None` when it has none.
    pub fn read(dir: &Path) -> Result<Option<Manifest>, ManifestError> {
        let path = dir.join(FILE);
        let text = match read_bounded(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ManifestError::new(&path, format!("cannot be read: {e}"))),
        };
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| ManifestError::new(&path, format!("is not a manifest: {e}")))?;
        if manifest.manifest_version > VERSION {
            let message = format!(
                "is version {} of the manifest; this register reads up to {VERSION}: upgrade it",
                manifest.manifest_version
            );
            return Err(ManifestError::new(&path, message));
        }
        Ok(Some(manifest))
    }
}

/// The most a manifest is read of: one of 100,000 requests is about 90 MB.
const MAX_MANIFEST_BYTES: u64 = 256 << 20;

/// The text of the manifest at `path`, which must be a regular file (not a
/// device or a pipe, which could be read for ever) of at most
/// [`MAX_MANIFEST_BYTES`].
fn read_bounded(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    // Looked at before it is opened: opening a pipe waits for a writer.
    let meta = std::fs::metadata(path)?;
    let refuse = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string());
    if !meta.is_file() {
        return Err(refuse("it is not a regular file"));
    }
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(refuse(
            "it is larger than 256 MiB, more than any register makes",
        ));
    }
    let mut text = String::new();
    let file = std::fs::File::open(path)?;
    file.take(MAX_MANIFEST_BYTES).read_to_string(&mut text)?;
    Ok(text)
}

/// A manifest that could not be read, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    /// The manifest's path.
    pub path: PathBuf,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl ManifestError {
    fn new(path: &Path, message: String) -> ManifestError {
        ManifestError {
            path: path.to_path_buf(),
            message,
        }
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ManifestError {}

/// A public request's entry.
fn request_entry(r: &PublicRequest) -> RecordEntry {
    let mut decisions = BTreeMap::new();
    for d in &r.decisions {
        let mut key = format!("{} {}", d.kind.slug(), d.date);
        let mut n = 1;
        while decisions.contains_key(&key) {
            n += 1;
            key = format!("{} {} #{n}", d.kind.slug(), d.date);
        }
        decisions.insert(key, decision_entry(d));
    }
    // The address is left out: a deploy preview's is not a change.
    let fields = crate::render::export::json_fragment(r, "");
    RecordEntry {
        fields: hash(&fields),
        passages: passages(&r.body),
        decisions,
        attachments: r
            .attachments
            .iter()
            .map(|a| (a.name.clone(), hash(&a.bytes.0)))
            .collect(),
    }
}

/// A public decision's entry.
fn decision_entry(d: &PublicDecision) -> RecordEntry {
    let fields = format!(
        "{}\n{}\n{}\n{:?}\n{:?}\n{:?}\n{:?}",
        d.classification,
        d.outcome.slug(),
        d.kind.slug(),
        d.sc_version,
        d.implementation_date.map(|x| x.to_string()),
        d.panel_notified.map(|x| x.to_string()),
        d.extra
    );
    RecordEntry {
        fields: hash(fields.as_bytes()),
        passages: passages(&d.body),
        ..RecordEntry::default()
    }
}

/// Where a block of HTML ends: a paragraph, a list item, a heading...
static BLOCK_END: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)</(p|li|h[1-6]|pre|blockquote|dt|dd|tr|caption)>")
        .expect("valid pattern")
});

/// A body's passages as its page shows them: each block of text of each
/// section (a paragraph, a list item, a heading, a table row), hash to
/// where it is (`section 2, block 3`). Where, not what: a block's text
/// joined or cut for the manifest would be text no page shows (two table
/// cells read as one number, `HID-12` cut to `HID-1`), and the diff is
/// printed into CI logs, which may be public.
fn passages(body: &RenderedBody) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut text = String::new();
    for (number, section) in body.sections.iter().enumerate() {
        let blocks =
            std::iter::once(section.heading.as_str()).chain(BLOCK_END.split(&section.html));
        for (block, line) in blocks.enumerate() {
            text.clear();
            html_text_into(line, &mut text);
            if let Some(hash) = words_hash(&text) {
                found.insert(hash, place(number, block));
            }
        }
    }
    found
}

/// Where a block is: its section by number (the text before the first
/// heading, when there is any, being the first) and its place in the
/// section, the heading being block 0.
fn place(section: usize, block: usize) -> String {
    match block {
        0 => format!("section {}, heading", section + 1),
        n => format!("section {}, block {n}", section + 1),
    }
}

/// One thing whose publication changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `request`, `decision`, `attachment` or `passage`.
    pub kind: &'static str,
    /// The request it is or belongs to.
    pub request: String,
    /// The decision (`final 2026-03-11`), the attachment's name or the
    /// passage's place; empty for a request.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub what: String,
}

/// What a build changes in the public view, against a previous one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PublicationDiff {
    /// The manifest compared with.
    pub since: String,
    /// Public now, and not before.
    pub becomes_public: Vec<Change>,
    /// Public before, and not now.
    pub stops_being_public: Vec<Change>,
    /// Public in both, shown differently.
    pub changed: Vec<Change>,
}

/// The diff of what `new` publishes against what `old` did.
pub fn diff(old: &Manifest, new: &Manifest, since: &str) -> PublicationDiff {
    let mut d = PublicationDiff {
        since: since.to_string(),
        ..PublicationDiff::default()
    };
    for (id, entry) in &new.requests {
        match old.requests.get(id) {
            None => whole(&mut d.becomes_public, id, entry),
            Some(before) => d.record("request", id, String::new(), before, entry),
        }
    }
    for (id, entry) in &old.requests {
        if !new.requests.contains_key(id) {
            whole(&mut d.stops_being_public, id, entry);
        }
    }
    d
}

/// A request that appears or goes, with its decisions and attachments.
fn whole(list: &mut Vec<Change>, id: &str, entry: &RecordEntry) {
    let change = |kind, what: &String| Change {
        kind,
        request: id.to_string(),
        what: what.clone(),
    };
    list.push(change("request", &String::new()));
    list.extend(entry.decisions.keys().map(|k| change("decision", k)));
    list.extend(entry.attachments.keys().map(|k| change("attachment", k)));
}

impl PublicationDiff {
    /// Compares one record public in both builds, and (for a request) its
    /// decisions and attachments.
    fn record(
        &mut self,
        kind: &'static str,
        id: &str,
        what: String,
        old: &RecordEntry,
        new: &RecordEntry,
    ) {
        let change = |kind, what: &str| Change {
            kind,
            request: id.to_string(),
            what: what.to_string(),
        };
        if old.fields != new.fields {
            self.changed.push(change(kind, &what));
        }
        for (h, excerpt) in &new.passages {
            if !old.passages.contains_key(h) {
                self.becomes_public.push(change("passage", excerpt));
            }
        }
        for (h, excerpt) in &old.passages {
            if !new.passages.contains_key(h) {
                self.stops_being_public.push(change("passage", excerpt));
            }
        }
        self.members("decision", id, &old.decisions, &new.decisions);
        self.members("attachment", id, &old.attachments, &new.attachments);
    }

    /// Compares a request's decisions or attachments, by key.
    fn members<T: Member>(
        &mut self,
        kind: &'static str,
        id: &str,
        old: &BTreeMap<String, T>,
        new: &BTreeMap<String, T>,
    ) {
        let change = |what: &String| Change {
            kind,
            request: id.to_string(),
            what: what.clone(),
        };
        for (key, entry) in new {
            match old.get(key) {
                None => self.becomes_public.push(change(key)),
                Some(before) => before.compare(self, kind, id, key, entry),
            }
        }
        for key in old.keys().filter(|k| !new.contains_key(*k)) {
            self.stops_being_public.push(change(key));
        }
    }

    /// True when the public view is the same.
    pub fn is_empty(&self) -> bool {
        self.becomes_public.is_empty()
            && self.stops_being_public.is_empty()
            && self.changed.is_empty()
    }

    /// The diff for people: a heading, then one line per change.
    pub fn human(&self) -> String {
        let mut out = format!(
            "publication diff against {}:\n",
            crate::diagnostic::shown(&self.since)
        );
        if self.is_empty() {
            out.push_str("  nothing changes in the public view\n");
            return out;
        }
        for (heading, list) in [
            ("becomes public", &self.becomes_public),
            ("stops being public", &self.stops_being_public),
            ("changed", &self.changed),
        ] {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("  {heading} ({}):\n", list.len()));
            for c in list {
                out.push_str(&format!("    {}\n", c.line()));
            }
        }
        out
    }
}

impl Change {
    /// `request SCMR-2026-001`, `passage in SCMR-2026-001: "..."`.
    /// Ids and names come from manifests, and a previous one may be any
    /// file: each is [`shown`](crate::diagnostic::shown), so none writes a
    /// line or an escape of its own into a CI log.
    fn line(&self) -> String {
        let (request, what) = (
            crate::diagnostic::shown(&self.request),
            crate::diagnostic::shown(&self.what),
        );
        match self.kind {
            "request" => format!("request {request}"),
            "passage" => format!("passage in {request}: \"{what}\""),
            kind => format!("{kind} {what} of {request}"),
        }
    }
}

/// A decision's entry or an attachment's hash, compared when both builds
/// publish it.
trait Member {
    fn compare(&self, d: &mut PublicationDiff, kind: &'static str, id: &str, key: &str, new: &Self);
}

impl Member for RecordEntry {
    fn compare(
        &self,
        d: &mut PublicationDiff,
        kind: &'static str,
        id: &str,
        key: &str,
        new: &Self,
    ) {
        d.record(kind, id, key.to_string(), self, new);
    }
}

impl Member for String {
    fn compare(
        &self,
        d: &mut PublicationDiff,
        kind: &'static str,
        id: &str,
        key: &str,
        new: &Self,
    ) {
        if self != new {
            d.changed.push(Change {
                kind,
                request: id.to_string(),
                what: key.to_string(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_previous_manifest_cannot_write_lines_of_its_own_into_the_diff() {
        let change = Change {
            kind: "attachment",
            request: "A-1\n::error::forged".to_string(),
            what: "x\u{1b}]0;title\u{7}".to_string(),
        };
        let line = change.line();
        assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line:?}");
    }

    #[test]
    fn a_manifest_that_is_no_regular_file_or_too_large_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let file = std::fs::File::create(dir.path().join(FILE)).unwrap();
        file.set_len(MAX_MANIFEST_BYTES + 1).unwrap();
        let e = Manifest::read(dir.path()).unwrap_err();
        assert!(e.message.contains("larger than 256 MiB"), "{}", e.message);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(FILE)).unwrap();
        let e = Manifest::read(dir.path()).unwrap_err();
        assert!(e.message.contains("not a regular file"), "{}", e.message);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // The FNV-1a test vectors.
        assert_eq!(hash(b""), "cbf29ce484222325");
        assert_eq!(hash(b"a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn a_passage_hash_is_the_hash_of_its_words_joined_by_one_space() {
        let text = "  SC\tversion 1.3\n\n takes  effect ";
        assert_eq!(words_hash(text), Some(hash(b"SC version 1.3 takes effect")));
        assert_eq!(words_hash("one"), Some(hash(b"one")));
        assert_eq!(words_hash(" \n\t "), None);
    }
}
