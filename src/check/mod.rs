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

mod across;
mod cache;
pub(crate) mod future;
mod record_texts;
pub(crate) mod screen;
pub(crate) mod screening;
pub mod withheld;

pub use cache::{CheckCache, TRUST_AFTER};

use crate::check::screening::{PublicBody, Screening};
use crate::check::withheld::Withheld;
use crate::diagnostic::{self, Diagnostic};
use crate::model::date::Date;
use crate::source::record::{Decision, Origin, Request, Unreadable};
use crate::source::site::{Settings, SiteText};
use cache::{CachedFile, FileRecord, TextFacts};
use rayon::prelude::*;
// Keys are ids and paths from the content folder: a fast hash is enough.
use record_texts::RecordTexts;
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Records that could not be read in full, never published: requests
    /// and decisions, for the build's count of what it withheld.
    pub incomplete: (usize, usize),
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

/// Loads `content` and checks every rule of the format, reading and
/// parsing only the record files that changed since `cache` last saw them.
/// Returns exactly what [`check`] returns for the folder as it is now,
/// whatever the cache held, and leaves in `cache` what this run found.
pub fn check_cached(content: &Path, cache: &mut CheckCache) -> Checked {
    check_cached_at(content, cache, None, None)
}

/// [`check_cached`] for a site published at `base_url` rather than the
/// `base_url` of `site.toml` (a deploy preview, the local preview server):
/// links are judged, and bodies rendered, as that site will show them.
pub fn check_cached_at(
    content: &Path,
    cache: &mut CheckCache,
    base_url: Option<&str>,
    today: Option<Date>,
) -> Checked {
    let mut diagnostics = Vec::new();
    let (settings, site_text) = settings_at(content, base_url, &mut diagnostics);
    let listed = cache.refresh(content, &settings);
    diagnostics.extend(listed.diagnostics);
    let files: Vec<&CachedFile> = listed.records.iter().map(|f| &*f.file).collect();
    let gathered = Gathered::of(&files, &mut diagnostics);
    let mut register = gathered.register();
    let broken = gathered.broken();
    let decisions = broken.iter().filter(|u| u.decision).count();
    register.incomplete = (broken.len() - decisions, decisions);
    let texts = gathered.texts();
    across::check_across(
        &register,
        &gathered.broken(),
        &texts,
        today,
        &mut diagnostics,
    );
    let mut base_urls = vec![settings.base_url.as_str()];
    base_urls.extend(settings.other_base_urls.iter().map(String::as_str));
    let published = texts.published(&base_urls, today);
    let screening = Screening::new(&published, &settings, cache.keeps_renderings());
    // Side by side: the screen's first search builds its automata on one
    // thread while the other gathers the bodies and what is withheld.
    let (found, (bodies, withheld)) = rayon::join(
        || screening.texts(&published, &settings, &site_text),
        || {
            (
                texts.public_bodies(&published),
                texts.withheld_with_hidden(listed.hidden, today),
            )
        },
    );
    diagnostics.extend(found);
    screening.redact_messages(&mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    Checked {
        settings,
        register,
        diagnostics,
        files_read: gathered.files_read,
        withheld,
        screening: Some(Arc::new(screening)),
        bodies,
    }
}

/// `site.toml`, with `base_url` as a build is given it (the configured one
/// is then another address of the site).
fn settings_at(
    content: &Path,
    base_url: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Settings, SiteText) {
    let (mut settings, site_text) = Settings::load(content, diagnostics);
    diagnostics.extend(crate::source::site::unset(
        content,
        &site_text,
        base_url.is_some(),
    ));
    if let Some(url) = base_url {
        let configured = std::mem::replace(
            &mut settings.base_url,
            url.trim_end_matches('/').to_string(),
        );
        settings.other_base_urls.push(configured);
    }
    (settings, site_text)
}

/// How decisions are sorted: by request, date and file.
type DecisionKey<'a> = (&'a str, Date, &'a Path);

/// The records of this run's files, sorted: requests by id, decisions by
/// request, date and file.
struct Gathered<'a> {
    requests: Vec<(&'a str, &'a Arc<Request>, &'a TextFacts)>,
    decisions: Vec<(DecisionKey<'a>, &'a Arc<Decision>, &'a TextFacts)>,
    unreadable: Vec<(&'a Unreadable, &'a TextFacts)>,
    /// Record files read.
    files_read: usize,
}

impl<'a> Gathered<'a> {
    /// Gathers `files`, adding their own problems to `diagnostics`. One
    /// pass over the files: each is a separate allocation, so every pass
    /// over all of them costs a cache miss each. (Read errors and field
    /// problems are never about the same file, so their order is the
    /// sort's.)
    fn of(files: &[&'a CachedFile], diagnostics: &mut Vec<Diagnostic>) -> Gathered<'a> {
        let mut g = Gathered {
            requests: Vec::with_capacity(files.len()),
            decisions: Vec::with_capacity(files.len()),
            unreadable: Vec::new(),
            files_read: 0,
        };
        for f in files {
            match &f.read_error {
                Some(e) => diagnostics.push(e.clone()),
                None => g.files_read += 1,
            }
            diagnostics.extend(f.diagnostics.iter().cloned());
            g.add(&f.found);
        }
        // Sorted by keys taken out above, not looked up at each comparison.
        g.requests.sort_by_key(|&(id, ..)| id);
        g.decisions.sort_by_key(|&(key, ..)| key);
        g
    }

    fn add(&mut self, found: &'a FileRecord) {
        match found {
            FileRecord::Nothing => {}
            FileRecord::Request(r, body) => self.requests.push((r.id.as_str(), r, body)),
            FileRecord::Decision(d, body) => {
                let key = (d.request.as_str(), d.date, d.origin.path.as_path());
                self.decisions.push((key, d, body));
            }
            FileRecord::Unreadable(u, body) => self.unreadable.push((u, body)),
        }
    }

    /// The register: every record whose fields could be read, shared.
    fn register(&self) -> Register {
        Register {
            requests: self
                .requests
                .iter()
                .map(|(_, r, _)| Arc::clone(r))
                .collect(),
            decisions: self
                .decisions
                .iter()
                .map(|(_, d, _)| Arc::clone(d))
                .collect(),
            incomplete: (0, 0),
        }
    }

    /// Every record's text facts, in register order.
    fn texts(&self) -> RecordTexts<'a> {
        RecordTexts {
            requests: self.requests.iter().map(|(_, r, f)| (&***r, *f)).collect(),
            decisions: self.decisions.iter().map(|(_, d, f)| (&***d, *f)).collect(),
            unreadable: self.unreadable.clone(),
        }
    }

    /// The records whose fields are broken.
    fn broken(&self) -> Vec<&'a Unreadable> {
        self.unreadable.iter().map(|(u, _)| *u).collect()
    }
}
