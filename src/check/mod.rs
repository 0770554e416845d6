//! Step 2: load and check the whole content folder.
//!
//! Per-record checks run in parallel (`record::parse`); the rules across
//! records (unique ids, references, one final decision, `decided` if and
//! only if a final decision exists, links and passages in bodies) run here.
//! Every problem is collected; none stops the others from being found.
//!
//! What a file says on its own (its fields, their problems, what its body
//! holds) is kept in a [`CheckCache`], so `register serve` re-reads and
//! re-parses only the files that changed; the rules across records run
//! again every time, from what was kept. `check` is the same code with an
//! empty cache.

pub mod screen;
pub mod screening;
pub mod withheld;

use crate::check::screening::{PublicBody, RecordText, Screening};
use crate::check::withheld::{Kind as WithheldKind, Withheld};
use crate::diagnostic::{self, Diagnostic, Message};
use crate::model::vocabulary::{DecisionKind, Stage};
use crate::publish;
use crate::publish::passages::{self, WithheldPassage};
use crate::render::links::{LinkPolicy, PublicTarget};
use crate::render::markdown::{self, NotARecordLink, RecordLink};
use crate::source::attachments::{self, Content};
use crate::source::folder::{self, FolderFile, FoundFile, SourceFile, Stamp, nanos};
use crate::source::record::{self, Decision, Origin, Record, Request, Unreadable};
use crate::source::site::Settings;
use crate::source::texts::FrontMatterText;
use rayon::prelude::*;
use std::collections::hash_map::Entry;
// Keys are ids and paths from the content folder: a fast hash is enough.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

/// Every record of a content folder, read and checked, not yet filtered.
///
/// Records are shared (`Arc`) with the [`CheckCache`], so a rebuild hands
/// the filter the whole register without copying every record's text.
#[derive(Debug, Default)]
pub struct Register {
    /// Requests, sorted by id.
    pub requests: Vec<Arc<Request>>,
    /// Decisions, sorted by request, date and file.
    pub decisions: Vec<Arc<Decision>>,
}

/// The outcome of loading and checking a content folder.
#[derive(Debug)]
pub struct Checked {
    /// `site.toml`.
    pub settings: Settings,
    /// The records whose fields could be read.
    pub register: Register,
    /// Every problem, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many record files were read.
    pub files_read: usize,
    /// What a build would withhold, and why (for `check --withheld`).
    pub withheld: Vec<Withheld>,
    /// The screen and link rule the public bodies are rendered under.
    screening: Option<Arc<Screening>>,
    /// What each public record's body publishes, and its page, by file.
    bodies: PublicBodies,
}

/// What each public record's body publishes, and the page it is shown on,
/// by record file.
pub type PublicBodies = HashMap<PathBuf, (String, PublicBody)>;

impl Checked {
    /// True when any diagnostic is an error: nothing may be built.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The register, taken out, when no check found an error: the only way
    /// to get a [`Passed`], which is all the publication filter accepts. So
    /// nothing is published from content with an error, whoever calls it.
    pub fn take_passed(&mut self) -> Option<Passed> {
        if self.has_errors() {
            return None;
        }
        Some(Passed {
            register: std::mem::take(&mut self.register),
            screening: self.screening.take()?,
            bodies: std::mem::take(&mut self.bodies),
        })
    }

    /// Renders every public body as its page will and screens what the
    /// page shows, adding what is found to the diagnostics; the bodies are
    /// not kept. For `register check`, which renders no page but must find
    /// what a build would refuse.
    pub fn screen_bodies(&mut self) {
        let Some(screening) = &self.screening else {
            return;
        };
        let records: HashMap<&Path, &Origin> = self
            .register
            .requests
            .iter()
            .map(|r| (r.origin.path.as_path(), &r.origin))
            .chain(
                self.register
                    .decisions
                    .iter()
                    .map(|d| (d.origin.path.as_path(), &d.origin)),
            )
            .collect();
        let found: Vec<Diagnostic> = self
            .bodies
            .par_iter()
            .filter_map(|(path, (page, body))| Some((records.get(path.as_path())?, page, body)))
            .flat_map_iter(|(origin, page, body)| screening.body(origin, page, body).0)
            .collect();
        self.diagnostics.extend(found);
        diagnostic::sort(&mut self.diagnostics);
    }
}

/// A register in which every check passed: every string and file that can
/// be published was checked, and none had a problem; with what the public
/// bodies publish and the screening they are rendered under, for the
/// filter to render and screen them.
pub struct Passed {
    register: Register,
    screening: Arc<Screening>,
    bodies: PublicBodies,
}

impl Passed {
    /// The screening the register passed, shared: for what a build
    /// publishes besides the register (a theme's static files).
    pub fn screening(&self) -> Arc<Screening> {
        Arc::clone(&self.screening)
    }

    /// The records, the screening and what each public body publishes.
    pub fn into_parts(self) -> (Register, Arc<Screening>, PublicBodies) {
        (self.register, self.screening, self.bodies)
    }
}

/// Loads `content` and checks every rule of the format, public bodies
/// rendered and screened as a build would.
pub fn check(content: &Path) -> Checked {
    let mut checked = check_cached(content, &mut CheckCache::default());
    checked.screen_bodies();
    checked
}

/// What `check` remembers between runs, so `register serve` re-reads and
/// re-parses only the files that changed.
///
/// For each record file it keeps what depends on that file alone (and on
/// `site.toml`): its text, fields, their diagnostics and its body's marked
/// passages, personal data and link candidates. A file is taken from the
/// cache only when its path, size, modification and change times (to the
/// nanosecond), inode and mode are as they were when it was read, and it
/// had not been changed just before that read (see [`TRUST_AFTER`]);
/// anything else is read again. A change to `site.toml` empties it.
#[derive(Default)]
pub struct CheckCache {
    /// The settings the kept files were read with.
    settings: Option<Settings>,
    /// Each record file seen by the last run, by its path as shown (as
    /// bytes: hashing a `Path` by its components is several times slower).
    files: HashMap<OsString, Arc<CachedFile>>,
    /// How many files the last run read and parsed.
    reread: usize,
    /// Kept from one run to the next (`register serve`), so worth keeping
    /// what the page of each body shows, to screen it again for nothing.
    kept: bool,
}

impl CheckCache {
    /// A cache kept from one run to the next (`register serve`'s).
    pub fn kept() -> CheckCache {
        CheckCache {
            kept: true,
            ..CheckCache::default()
        }
    }

    /// How many record files the last run read and parsed; the others were
    /// taken from the cache. For `register serve`'s log, and for tests
    /// that the cache is used at all.
    pub fn files_reread(&self) -> usize {
        self.reread
    }
}

/// A file's times only prove it unchanged once they are this old when it
/// is read: a change within the clock's granularity (coarse kernel ticks,
/// whole seconds on some file systems) could otherwise keep every field
/// of its metadata. A file changed more recently is read again next time.
pub const TRUST_AFTER: Duration = Duration::from_secs(2);

/// One record file as the cache keeps it: what it says on its own,
/// whatever the other files say.
struct CachedFile {
    /// The path as shown.
    path: PathBuf,
    /// Its metadata before it was read; `None` when that cannot prove it
    /// unchanged (too recent, unavailable, or the read failed): read again.
    stamp: Option<Stamp>,
    /// A folder record's other files, whose stamps also prove it unchanged.
    folder: Option<Vec<FolderFile>>,
    /// Why the file could not be read (then there is nothing else).
    read_error: Option<Diagnostic>,
    /// Problems with its front matter and fields.
    diagnostics: Vec<Diagnostic>,
    /// What could be read of it.
    found: Found,
}

/// The stamp of a file's metadata, or `None` when it could not be read or
/// the file changed at or after `trust_before` (then it is read again).
fn trusted_stamp(meta: std::io::Result<std::fs::Metadata>, trust_before: i128) -> Option<Stamp> {
    let stamp = Stamp::of(&meta.ok()?)?;
    stamp.settled_before(trust_before).then_some(stamp)
}

/// The record a file holds, with what its text says.
enum Found {
    /// No front matter to read.
    Nothing,
    /// A request whose fields could be read.
    Request(Arc<Request>, TextFacts),
    /// A decision whose fields could be read.
    Decision(Arc<Decision>, TextFacts),
    /// A record whose fields are broken.
    Unreadable(Unreadable, TextFacts),
}

/// An `@` link destination, read.
type LinkTarget = Result<RecordLink, NotARecordLink>;

/// What a record's text says on its own. Its links' validity and what it
/// publishes depend on the other records (which ids exist, which are
/// withheld, what personal data they declare): that is decided each run.
struct TextFacts {
    /// Problems with its body's passage markers.
    markers: Vec<Diagnostic>,
    /// The passages its body withholds.
    withheld: Vec<WithheldPassage>,
    /// What its body publishes, before it is rendered.
    body: PublicBody,
    /// The quick scan's link candidates, read; `None` when only the full
    /// parse can tell.
    quick: Option<Vec<LinkTarget>>,
    /// Every `@` link by the full Markdown parse (offset in the body,
    /// destination, read), made the first time a run needs it.
    links: OnceLock<Vec<(usize, String, LinkTarget)>>,
    /// Its front matter's strings and the personal data it declares.
    front: FrontMatterText,
    /// What its public attachments hold (public requests only).
    attachments: Vec<(PathBuf, Content)>,
    /// The files of its folder that it does not list (never published).
    unlisted: Vec<PathBuf>,
}

/// Loads `content` and checks every rule of the format, reading and
/// parsing only the record files that changed since `cache` last saw them.
/// Returns exactly what [`check`] returns for the folder as it is now,
/// whatever the cache held, and leaves in `cache` what this run found.
pub fn check_cached(content: &Path, cache: &mut CheckCache) -> Checked {
    check_cached_at(content, cache, None)
}

/// [`check_cached`] for a site published at `base_url` rather than the
/// `base_url` of `site.toml` (a deploy preview, the local preview server):
/// links are judged, and bodies rendered, as that site will show them.
pub fn check_cached_at(content: &Path, cache: &mut CheckCache, base_url: Option<&str>) -> Checked {
    let mut diagnostics = Vec::new();
    let (mut settings, site_text) = Settings::load(content, &mut diagnostics);
    if let Some(url) = base_url {
        let configured = std::mem::replace(
            &mut settings.base_url,
            url.trim_end_matches('/').to_string(),
        );
        settings.other_base_urls.push(configured);
    }
    if cache.settings.as_ref() != Some(&settings) {
        cache.files.clear();
        cache.settings = Some(settings.clone());
    }
    let trust_before = SystemTime::now()
        .checked_sub(TRUST_AFTER)
        .and_then(nanos)
        .unwrap_or(i128::MIN);
    let devices = &settings.devices;
    let known = &cache.files;
    // Every file is looked at (one `lstat`); only changed ones are read.
    let listed = folder::find_each(content, |file| {
        let kept = known.get(file.file.path.as_os_str());
        refresh(file, kept, devices, trust_before)
    });
    let files = listed.records;
    diagnostics.extend(listed.diagnostics);
    cache.reread = files.iter().filter(|f| f.read_again).count();
    let still_there = files.iter().filter(|f| f.was_kept).count();
    if still_there == cache.files.len() {
        // Every kept file is still there: only the re-read ones change.
        for f in files.iter().filter(|f| f.read_again) {
            let key = f.file.path.clone().into_os_string();
            cache.files.insert(key, Arc::clone(&f.file));
        }
    } else {
        // Some are gone (removed or renamed): keep exactly this run's files.
        cache.files = files
            .iter()
            .map(|f| (f.file.path.clone().into_os_string(), Arc::clone(&f.file)))
            .collect();
    }
    // One pass over the files: each is a separate allocation, so every
    // pass over all of them costs a cache miss each. (Read errors and field
    // problems are never about the same file, so their order is the sort's.)
    let mut files_read = 0;
    let mut requests = Vec::with_capacity(files.len());
    let mut decisions = Vec::with_capacity(files.len());
    let mut unreadable = Vec::new();
    for f in files.iter().map(|f| &*f.file) {
        match &f.read_error {
            Some(e) => diagnostics.push(e.clone()),
            None => files_read += 1,
        }
        diagnostics.extend(f.diagnostics.iter().cloned());
        match &f.found {
            Found::Nothing => {}
            Found::Request(r, body) => requests.push((r.id.as_str(), r, body)),
            Found::Decision(d, body) => {
                let key = (d.request.as_str(), d.date, d.origin.path.as_path());
                decisions.push((key, d, body));
            }
            Found::Unreadable(u, body) => unreadable.push((u, body)),
        }
    }
    // Sorted by keys taken out above, not looked up at each comparison.
    requests.sort_by_key(|&(id, ..)| id);
    decisions.sort_by_key(|&(key, ..)| key);
    let register = Register {
        requests: requests.iter().map(|(_, r, _)| Arc::clone(r)).collect(),
        decisions: decisions.iter().map(|(_, d, _)| Arc::clone(d)).collect(),
    };
    let broken: Vec<&Unreadable> = unreadable.iter().map(|(u, _)| *u).collect();
    let texts = RecordTexts {
        requests: requests.iter().map(|(_, r, f)| (&***r, *f)).collect(),
        decisions: decisions.iter().map(|(_, d, f)| (&***d, *f)).collect(),
        unreadable: unreadable.iter().map(|(u, f)| (*u, *f)).collect(),
    };
    check_across(&register, &broken, &texts, &mut diagnostics);
    let mut base_urls = vec![settings.base_url.as_str()];
    base_urls.extend(settings.other_base_urls.iter().map(String::as_str));
    let published = texts.published(&base_urls);
    let screening = Screening::new(&published, &settings, cache.kept);
    diagnostics.extend(screening.texts(&published, &settings, &site_text));
    let bodies = texts.public_bodies(&published);
    let mut withheld = texts.withheld();
    withheld.extend(listed.hidden.into_iter().map(|file| Withheld {
        file,
        line: 1,
        column: 1,
        kind: WithheldKind::File,
        request: None,
        reason: "a hidden file".to_string(),
    }));
    withheld.sort();
    diagnostic::sort(&mut diagnostics);
    Checked {
        settings,
        register,
        diagnostics,
        files_read,
        withheld,
        screening: Some(Arc::new(screening)),
        bodies,
    }
}

/// A record file of this run.
struct Looked {
    /// The cache had an entry for its path.
    was_kept: bool,
    /// It was read and parsed this run (not taken from the cache).
    read_again: bool,
    /// What it says on its own.
    file: Arc<CachedFile>,
}

/// The cache's entry for `file`: `kept` when the file is provably as it
/// was, else what reading it again finds.
fn refresh(
    found: FoundFile,
    kept: Option<&Arc<CachedFile>>,
    devices: &[String],
    trust_before: i128,
) -> Looked {
    // The stamp is taken before reading: a change during the read leaves
    // a stale stamp, which only makes the next run read the file again.
    let stamp = trusted_stamp(found.metadata(), trust_before);
    let file = found.file;
    let folder_settled = file
        .folder
        .iter()
        .flatten()
        .all(|f| f.stamp.settled_before(trust_before));
    if let Some(kept) = kept
        && stamp.is_some()
        && kept.stamp == stamp
        && kept.folder == file.folder
        && folder_settled
    {
        return Looked {
            was_kept: true,
            read_again: false,
            file: Arc::clone(kept),
        };
    }
    Looked {
        was_kept: kept.is_some(),
        read_again: true,
        // An entry read while its record or a file of its folder was still
        // changing cannot be trusted next time: read again then.
        file: Arc::new(read_file(file, stamp.filter(|_| folder_settled), devices)),
    }
}

/// Reads and parses one record file and checks what its text says alone.
fn read_file(mut file: SourceFile, stamp: Option<Stamp>, devices: &[String]) -> CachedFile {
    let path = file.path.clone();
    let folder = file.folder.clone();
    file.text = match folder::read_record(&file.path) {
        Ok(text) => text,
        Err(e) => {
            // Read again next time: the error may be passing.
            return CachedFile {
                path,
                stamp: None,
                folder,
                read_error: Some(*e),
                diagnostics: Vec::new(),
                found: Found::Nothing,
            };
        }
    };
    let parsed = record::parse(file, devices);
    let mut diagnostics = parsed.diagnostics;
    let front = parsed.texts;
    let found = match (parsed.record, parsed.unreadable) {
        (Some(Record::Request(mut r)), _) => {
            let mut facts = TextFacts::of(&r.origin, front);
            facts.unlisted = folder
                .iter()
                .flatten()
                .filter(|f| !r.attachments.iter().any(|a| a.name == f.name))
                .map(|f| f.source.clone())
                .collect();
            if publish::request_is_public(&r) {
                facts.attachments = read_attachments(&mut r, &mut diagnostics);
            }
            Found::Request(Arc::from(r), facts)
        }
        (Some(Record::Decision(d)), _) => {
            let facts = TextFacts::of(&d.origin, front);
            Found::Decision(Arc::from(d), facts)
        }
        (None, Some(u)) => {
            let facts = TextFacts::of(&u.origin, front);
            Found::Unreadable(u, facts)
        }
        (None, None) => Found::Nothing,
    };
    CachedFile {
        path,
        stamp,
        folder,
        read_error: None,
        diagnostics,
        found,
    }
}

/// Reads a public request's public attachments for the checks on
/// published text, keeping each one's bytes with it (they are what is
/// published); a text attachment's passage markers are errors here, since
/// it is published as it is.
fn read_attachments(r: &mut Request, diagnostics: &mut Vec<Diagnostic>) -> Vec<(PathBuf, Content)> {
    let mut read = Vec::new();
    for a in r.attachments.iter_mut().filter(|a| a.is_public()) {
        match attachments::read(a) {
            Ok(attachments::Read { bytes, content }) => {
                if let Some(text) = &content.text {
                    let what = "an attachment";
                    diagnostics.extend(attachments::marker_problems(&a.source, text, what));
                }
                a.checked = Some(bytes);
                read.push((a.source.clone(), content));
            }
            Err(e) => diagnostics.push(*e),
        }
    }
    read
}

fn record<'a>(origin: &'a Origin, public: bool, page: String, f: &'a TextFacts) -> RecordText<'a> {
    RecordText {
        origin,
        public,
        page,
        front: &f.front,
        attachments: &f.attachments,
    }
}

/// Why a request is withheld, in words.
fn request_reason(r: &Request) -> String {
    let colour = match r.classification {
        Some(c) if c.is_public() => None,
        Some(c) => Some(c.to_string()),
        None => Some("no known classification".to_string()),
    };
    match (colour, r.draft) {
        (Some(c), true) => format!("{c}, and a draft"),
        (Some(c), false) => c,
        (None, _) => "a draft".to_string(),
    }
}

/// Every record's text facts, in register order, for the rules across
/// records and for the screen of published text.
struct RecordTexts<'a> {
    requests: Vec<(&'a Request, &'a TextFacts)>,
    decisions: Vec<(&'a Decision, &'a TextFacts)>,
    unreadable: Vec<(&'a Unreadable, &'a TextFacts)>,
}

impl RecordTexts<'_> {
    /// What each public record's body publishes, and its page.
    fn public_bodies(&self, published: &crate::check::screening::Records<'_>) -> PublicBodies {
        let facts: HashMap<&Path, &TextFacts> = self
            .bodies()
            .into_iter()
            .map(|(origin, f)| (origin.path.as_path(), f))
            .collect();
        published
            .records
            .iter()
            .filter(|r| r.public)
            .filter_map(|r| {
                let f = facts.get(r.origin.path.as_path())?;
                Some((r.origin.path.clone(), (r.page.clone(), f.body.clone())))
            })
            .collect()
    }

    /// Every body, with its facts.
    fn bodies(&self) -> Vec<(&Origin, &TextFacts)> {
        self.requests
            .iter()
            .map(|(r, f)| (&r.origin, *f))
            .chain(self.decisions.iter().map(|(d, f)| (&d.origin, *f)))
            .chain(self.unreadable.iter().map(|(u, f)| (&u.origin, *f)))
            .collect()
    }

    /// What each record would publish, marked public or not by the one
    /// publication rule, with the ids of the withheld requests and the
    /// link rule its pages will be rendered with.
    fn published(&self, base_urls: &[&str]) -> crate::check::screening::Records<'_> {
        let mut records = crate::check::screening::Records::default();
        let mut targets: HashMap<&str, PublicTarget> = HashMap::default();
        for (r, f) in &self.requests {
            let public = publish::request_is_public(r);
            if public {
                let attachments = r
                    .attachments
                    .iter()
                    .filter(|a| publish::attachment_is_public(a, true));
                targets.insert(
                    &r.id,
                    PublicTarget {
                        id: r.id.clone(),
                        report: false,
                        attachments: attachments.map(|a| a.name.clone()).collect(),
                    },
                );
                records.public_ids.push(r.id.clone());
            } else {
                records.withheld_ids.push(r.id.clone());
            }
            let withheld_files = r
                .attachments
                .iter()
                .filter(|a| !publish::attachment_is_public(a, public));
            records
                .withheld_files
                .extend(withheld_files.map(|a| a.name.clone()));
            records
                .records
                .push(record(&r.origin, public, format!("/requests/{}/", r.id), f));
        }
        for (d, f) in &self.decisions {
            let public = publish::decision_is_public(d, targets.contains_key(d.request.as_str()));
            let is_final = d.kind == DecisionKind::Final;
            if public
                && is_final
                && let Some(t) = targets.get_mut(d.request.as_str())
            {
                t.report = true;
            }
            let section = if is_final { "reports" } else { "requests" };
            let page = format!("/{section}/{}/", d.request);
            records.records.push(record(&d.origin, public, page, f));
        }
        for (u, f) in &self.unreadable {
            records.withheld_ids.extend(u.id.clone());
            records
                .records
                .push(record(&u.origin, false, String::new(), f));
        }
        records.links = LinkPolicy::new(targets.into_values(), base_urls);
        records
    }

    /// Everything a build would withhold, by the one publication rule,
    /// with the reason.
    fn withheld(&self) -> Vec<Withheld> {
        let mut out = Vec::new();
        let public_ids: HashSet<&str> = self
            .requests
            .iter()
            .filter(|(r, _)| publish::request_is_public(r))
            .map(|(r, _)| r.id.as_str())
            .collect();
        for (r, f) in &self.requests {
            let public = public_ids.contains(r.id.as_str());
            let entry = |kind, file: &Path, line, column, reason: String| Withheld {
                file: file.to_path_buf(),
                line,
                column,
                kind,
                request: Some(r.id.clone()),
                reason,
            };
            if !public {
                let (line, column) = diagnostic::line_column(&r.origin.text, r.spans.id);
                out.push(entry(
                    WithheldKind::Request,
                    &r.origin.path,
                    line,
                    column,
                    request_reason(r),
                ));
            }
            for a in &r.attachments {
                if !publish::attachment_is_public(a, public) {
                    let reason = match a.classification {
                        Some(c) if !c.is_public() => c.to_string(),
                        Some(_) => "its request is withheld".to_string(),
                        None => "no known classification".to_string(),
                    };
                    out.push(entry(WithheldKind::Attachment, &a.source, 1, 1, reason));
                }
            }
            for file in &f.unlisted {
                let reason = "not listed under [[attachments]]".to_string();
                out.push(entry(WithheldKind::File, file, 1, 1, reason));
            }
        }
        for (d, _) in &self.decisions {
            let request_public = public_ids.contains(d.request.as_str());
            if !publish::decision_is_public(d, request_public) {
                let reason = match d.classification {
                    Some(c) if !c.is_public() => c.to_string(),
                    None => "no known classification".to_string(),
                    Some(_) => "its request is withheld".to_string(),
                };
                let (line, column) = diagnostic::line_column(&d.origin.text, d.kind_span);
                out.push(Withheld {
                    file: d.origin.path.clone(),
                    line,
                    column,
                    kind: WithheldKind::Decision,
                    request: Some(d.request.clone()),
                    reason,
                });
            }
        }
        let bodies = self
            .requests
            .iter()
            .map(|(r, f)| (&r.origin, Some(&r.id), *f))
            .chain(
                self.decisions
                    .iter()
                    .map(|(d, f)| (&d.origin, Some(&d.request), *f)),
            )
            .chain(
                self.unreadable
                    .iter()
                    .map(|(u, f)| (&u.origin, u.id.as_ref(), *f)),
            );
        for (origin, id, f) in bodies {
            for p in &f.withheld {
                let (line, column) =
                    diagnostic::line_column(&origin.text, origin.body_offset + p.offset);
                out.push(Withheld {
                    file: origin.path.clone(),
                    line,
                    column,
                    kind: WithheldKind::Passage,
                    request: id.cloned(),
                    reason: p.reason.clone(),
                });
            }
        }
        out.sort();
        out
    }
}

/// Rules across records. `unreadable` records (fields broken) still count
/// as known ids and still have their bodies checked, so one mistake gives
/// one error, not a cascade.
fn check_across(
    register: &Register,
    unreadable: &[&Unreadable],
    texts: &RecordTexts<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let bodies = texts.bodies();
    let mut by_id: HashMap<&str, &Request> =
        HashMap::with_capacity_and_hasher(register.requests.len(), Default::default());
    let broken_ids: HashSet<&str> = unreadable.iter().filter_map(|u| u.id.as_deref()).collect();
    for r in &register.requests {
        match by_id.entry(&r.id) {
            Entry::Occupied(first) => diagnostics.push(
                r.origin
                    .error(r.spans.id, Message::new("duplicate id ").quote(&r.id))
                    .with_help(format!(
                        "ids are unique; `{}` already uses it",
                        first.get().origin.path.display()
                    )),
            ),
            Entry::Vacant(at) => {
                at.insert(r);
            }
        }
    }
    let mut finals: HashMap<&str, &Decision> =
        HashMap::with_capacity_and_hasher(register.decisions.len(), Default::default());
    for d in &register.decisions {
        let Some(request) = by_id.get(d.request.as_str()) else {
            if !broken_ids.contains(d.request.as_str()) {
                let e = unknown_id(&d.origin, d.request_span, &d.request, "in `request`");
                diagnostics.push(e);
            }
            continue;
        };
        if d.date < request.submitted {
            diagnostics.push(
                d.origin
                    .error(
                        d.date_span,
                        Message::new("the decision (")
                            .quote_raw(&d.date.to_string())
                            .text(") is dated before the request was submitted (")
                            .quote_raw(&request.submitted.to_string())
                            .text(")"),
                    )
                    .with_help("correct the decision's `date`"),
            );
        }
        if d.kind == DecisionKind::Final {
            match finals.entry(&d.request) {
                Entry::Occupied(first) => diagnostics.push(
                    d.origin
                        .error(
                            d.kind_span,
                            Message::new("")
                                .quote(&d.request)
                                .text(" already has a final decision"),
                        )
                        .with_help(format!(
                            "a request has at most one final decision; see `{}`",
                            first.get().origin.path.display()
                        )),
                ),
                Entry::Vacant(at) => {
                    at.insert(d);
                }
            }
        }
    }
    let known = Known {
        requests: &by_id,
        broken: &broken_ids,
        finals: &finals,
    };
    let found: Vec<Diagnostic> = register
        .requests
        .par_iter()
        .flat_map_iter(|r| check_request(r, &known))
        .collect();
    diagnostics.extend(found);
    let found: Vec<Diagnostic> = bodies
        .par_iter()
        .flat_map_iter(|&(origin, facts)| check_body(origin, facts, &known))
        .collect();
    diagnostics.extend(found);
}

/// The rules on one request that need the others: its `related` ids, and
/// `decided` if and only if it has a final decision.
fn check_request(r: &Request, known: &Known<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (id, &at) in r.related.iter().zip(&r.spans.related) {
        if id == &r.id {
            found.push(
                r.origin
                    .error(at, "a request cannot be related to itself")
                    .with_help("remove its own id from `related`"),
            );
        } else if !known.exists(id) {
            found.push(unknown_id(&r.origin, at, id, "in `related`"));
        }
    }
    let decided = r.history.iter().position(|h| h.stage == Stage::Decided);
    match (decided, known.finals.get(r.id.as_str())) {
        (Some(i), None) => found.push(
            r.origin
                .error(
                    r.spans
                        .history
                        .get(i)
                        .copied()
                        .unwrap_or(r.spans.history_table),
                    "the request is `decided` but has no final decision",
                )
                .with_help(
                    Message::new("add ")
                        .quote(&format!("decisions/{}-final.md", r.id))
                        .text(" with kind = \"final\", or remove the `decided` entry"),
                ),
        ),
        (None, Some(d)) => found.push(
            d.origin
                .error(
                    d.kind_span,
                    Message::new("a final decision for ")
                        .quote(&r.id)
                        .text(", whose history is not `decided`"),
                )
                .with_help(
                    Message::new("add a [[history]] entry with stage = \"decided\" and date = ")
                        .quote_raw(&d.date.to_string())
                        .text(" to the request"),
                ),
        ),
        _ => {}
    }
    found
}

fn unknown_id(origin: &Origin, at: usize, id: &str, place: &str) -> Diagnostic {
    origin
        .error(
            at,
            Message::new("unknown request id ")
                .quote(id)
                .text(" ")
                .text(place),
        )
        .with_help("use the id of a request in requests/ (ids are case-sensitive)")
}

/// The ids a body may link to.
struct Known<'a> {
    requests: &'a HashMap<&'a str, &'a Request>,
    broken: &'a HashSet<&'a str>,
    finals: &'a HashMap<&'a str, &'a Decision>,
}

impl Known<'_> {
    fn exists(&self, id: &str) -> bool {
        self.requests.contains_key(id) || self.broken.contains(id)
    }
}

impl TextFacts {
    /// Reads what `origin`'s body says on its own, beside its front
    /// matter's strings.
    fn of(origin: &Origin, front: FrontMatterText) -> TextFacts {
        let body = origin.body();
        let base = origin.body_offset;
        let marked = passages::strip(body);
        let markers = marked
            .problems
            .iter()
            .map(|p| {
                origin
                    .error(base + p.offset, p.message.clone())
                    .with_help(p.help.clone())
            })
            .collect();
        let quick = markdown::quick_record_links(body)
            .map(|found| found.into_iter().map(markdown::parse_record_link).collect());
        let text = match marked.public {
            std::borrow::Cow::Owned(public) => Some(Arc::from(public)),
            std::borrow::Cow::Borrowed(_) => None,
        };
        TextFacts {
            markers,
            withheld: marked.withheld,
            body: PublicBody {
                text,
                lines: marked.lines.into(),
                slot: Arc::default(),
            },
            quick,
            links: OnceLock::new(),
            front,
            attachments: Vec::new(),
            unlisted: Vec::new(),
        }
    }
}

/// A body's problems: its own (kept in `facts`) and its links' against the
/// records that exist now.
fn check_body(origin: &Origin, facts: &TextFacts, known: &Known<'_>) -> Vec<Diagnostic> {
    let mut found = facts.markers.clone();
    let base = origin.body_offset;
    // Most bodies link only to ids that exist: the quick scan's candidates
    // prove it and save a full parse; anything doubtful is parsed (once,
    // then kept) and located.
    let all_fine = facts.quick.as_ref().is_some_and(|candidates| {
        candidates.iter().all(|link| match link {
            Ok(RecordLink::Request(id)) => known.exists(id),
            Ok(RecordLink::Report(id)) => known.finals.contains_key(id.as_str()),
            Err(_) => false,
        })
    });
    if !all_fine {
        let links = facts.links.get_or_init(|| {
            markdown::record_links(origin.body())
                .into_iter()
                .map(|(at, dest)| {
                    let link = markdown::parse_record_link(&dest);
                    (at, dest, link)
                })
                .collect()
        });
        for (at, dest, link) in links {
            let at = *at;
            match link {
                Err(NotARecordLink) => found.push(
                    origin
                        .error(base + at, Message::new("").quote(dest).text(" is not a record link"))
                        .with_help("write (@SCMR-2019-001) for a request or (@SCMR-2019-001/report) for its report"),
                ),
                Ok(RecordLink::Request(id)) if !known.exists(id) => {
                    found.push(unknown_id(origin, base + at, id, "in a link"));
                }
                Ok(RecordLink::Report(id)) => {
                    if !known.exists(id) {
                        found.push(unknown_id(origin, base + at, id, "in a link"));
                    } else if known.requests.contains_key(id.as_str()) && !known.finals.contains_key(id.as_str()) {
                        found.push(
                            origin
                                .error(base + at, Message::new("").quote(id).text(" has no final decision, so no report"))
                                .with_help(Message::new("link to the request instead: ").quote(&format!("(@{id})"))),
                        );
                    }
                }
                Ok(_) => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_recently_is_not_trusted_by_its_times() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "text").expect("write");
        let meta = || std::fs::symlink_metadata(&path);
        let now = nanos(SystemTime::now()).expect("a clock after 1970");
        let second = 1_000_000_000;
        // Changed after the cut-off (just now): read again next time.
        assert_eq!(trusted_stamp(meta(), now - 2 * second), None);
        // Changed before it: the stamp stands for the content.
        let stamp = trusted_stamp(meta(), now + second).expect("a stamp");
        assert_eq!(stamp.len, 4);
        assert_eq!(trusted_stamp(meta(), now + second), Some(stamp));
        // No metadata, no stamp.
        let gone = std::fs::symlink_metadata(dir.path().join("gone.md"));
        assert_eq!(trusted_stamp(gone, now + second), None);
    }
}
