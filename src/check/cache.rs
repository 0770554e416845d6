//! What `check` keeps between runs (`register serve`): each record file's
//! own findings, taken again only while the file is provably unchanged.

use super::screening::PublicBody;
use crate::diagnostic::Diagnostic;
use crate::publish;
use crate::publish::passages::{self, WithheldPassage};
use crate::render::markdown::{self, NotARecordLink, RecordLink};
use crate::source::attachments::{self, Content};
use crate::source::folder::{self, FolderFile, FoundFile, Listed, SourceFile, Stamp, nanos};
use crate::source::record::{self, Decision, Origin, Record, Request, Unreadable};
use crate::source::site::Settings;
use crate::source::texts::FrontMatterText;
use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

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

    /// True when the cache is kept from one run to the next: what each
    /// public body's page shows is then worth keeping too.
    pub(super) fn keeps_renderings(&self) -> bool {
        self.kept
    }

    /// Looks at every record file of `content` (one `lstat` each), reading
    /// and parsing only those that changed, and keeps this run's files. A
    /// change of `settings` (devices are read against them) empties it.
    pub(super) fn refresh(&mut self, content: &Path, settings: &Settings) -> Listed<RefreshedFile> {
        if self.settings.as_ref() != Some(settings) {
            self.files.clear();
            self.settings = Some(settings.clone());
        }
        let trust_before = SystemTime::now()
            .checked_sub(TRUST_AFTER)
            .and_then(nanos)
            .unwrap_or(i128::MIN);
        let devices = &settings.devices;
        let known = &self.files;
        let listed = folder::find_each(content, |file| {
            let kept = known.get(file.file.path.as_os_str());
            refresh(file, kept, devices, trust_before)
        });
        self.keep(&listed.records);
        listed
    }

    /// Keeps this run's files.
    fn keep(&mut self, files: &[RefreshedFile]) {
        self.reread = files.iter().filter(|f| f.read_again).count();
        let still_there = files.iter().filter(|f| f.was_kept).count();
        if still_there == self.files.len() {
            // Every kept file is still there: only the re-read ones change.
            for f in files.iter().filter(|f| f.read_again) {
                let key = f.file.path.clone().into_os_string();
                self.files.insert(key, Arc::clone(&f.file));
            }
        } else {
            // Some are gone (removed or renamed): keep exactly this run's.
            self.files = files
                .iter()
                .map(|f| (f.file.path.clone().into_os_string(), Arc::clone(&f.file)))
                .collect();
        }
    }
}

/// A file's times only prove it unchanged once they are this old when it
/// is read: a change within the clock's granularity (coarse kernel ticks,
/// whole seconds on some file systems) could otherwise keep every field
/// of its metadata. A file changed more recently is read again next time.
pub const TRUST_AFTER: Duration = Duration::from_secs(2);

/// One record file as the cache keeps it: what it says on its own,
/// whatever the other files say.
pub(super) struct CachedFile {
    /// The path as shown.
    path: PathBuf,
    /// Its metadata before it was read; `None` when that cannot prove it
    /// unchanged (too recent, unavailable, or the read failed): read again.
    stamp: Option<Stamp>,
    /// A folder record's other files, whose stamps also prove it unchanged.
    folder: Option<Vec<FolderFile>>,
    /// Why the file could not be read (then there is nothing else).
    pub(super) read_error: Option<Diagnostic>,
    /// Problems with its front matter and fields.
    pub(super) diagnostics: Vec<Diagnostic>,
    /// What could be read of it.
    pub(super) found: FileRecord,
}

/// The stamp of a file's metadata, or `None` when it could not be read or
/// the file changed at or after `trust_before` (then it is read again).
fn trusted_stamp(meta: std::io::Result<std::fs::Metadata>, trust_before: i128) -> Option<Stamp> {
    let stamp = Stamp::of(&meta.ok()?)?;
    stamp.settled_before(trust_before).then_some(stamp)
}

/// The record a file holds, with what its text says.
pub(super) enum FileRecord {
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
pub(super) type LinkTarget = Result<RecordLink, NotARecordLink>;

/// What a record's text says on its own. Its links' validity and what it
/// publishes depend on the other records (which ids exist, which are
/// withheld, what personal data they declare): that is decided each run.
pub(super) struct TextFacts {
    /// Problems with its body's passage markers.
    pub(super) markers: Vec<Diagnostic>,
    /// The passages its body withholds.
    pub(super) withheld: Vec<WithheldPassage>,
    /// What its body publishes, before it is rendered.
    pub(super) body: PublicBody,
    /// The quick scan's link candidates, read; `None` when only the full
    /// parse can tell.
    pub(super) quick: Option<Vec<LinkTarget>>,
    /// Every `@` link by the full Markdown parse (offset in the body,
    /// destination, read), made the first time a run needs it.
    pub(super) links: OnceLock<Vec<(usize, String, LinkTarget)>>,
    /// Its front matter's strings and the personal data it declares.
    pub(super) front: FrontMatterText,
    /// What its public attachments hold (public requests only).
    pub(super) attachments: Vec<(PathBuf, Content)>,
    /// The files of its folder that it does not list (never published).
    pub(super) unlisted: Vec<PathBuf>,
}

/// A record file of this run.
pub(super) struct RefreshedFile {
    /// The cache had an entry for its path.
    was_kept: bool,
    /// It was read and parsed this run (not taken from the cache).
    read_again: bool,
    /// What it says on its own.
    pub(super) file: Arc<CachedFile>,
}

/// The cache's entry for `file`: `kept` when the file is provably as it
/// was, else what reading it again finds.
fn refresh(
    found: FoundFile,
    kept: Option<&Arc<CachedFile>>,
    devices: &[String],
    trust_before: i128,
) -> RefreshedFile {
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
        return RefreshedFile {
            was_kept: true,
            read_again: false,
            file: Arc::clone(kept),
        };
    }
    RefreshedFile {
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
                found: FileRecord::Nothing,
            };
        }
    };
    let parsed = record::parse(file, devices);
    let mut diagnostics = parsed.diagnostics;
    let found = found_in(
        parsed.record,
        parsed.unreadable,
        parsed.texts,
        &folder,
        &mut diagnostics,
    );
    CachedFile {
        path,
        stamp,
        folder,
        read_error: None,
        diagnostics,
        found,
    }
}

/// The record a parsed file holds, with what its text says; a public
/// request's public attachments are read (and their problems noted).
fn found_in(
    record: Option<Record>,
    unreadable: Option<Unreadable>,
    front: FrontMatterText,
    folder: &Option<Vec<FolderFile>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> FileRecord {
    match (record, unreadable) {
        (Some(Record::Request(mut r)), _) => {
            let mut facts = TextFacts::of(&r.origin, front);
            facts.unlisted = folder
                .iter()
                .flatten()
                .filter(|f| !r.attachments.iter().any(|a| a.name == f.name))
                .map(|f| f.source.clone())
                .collect();
            // Any day: an attachment is read once, whatever the build date.
            if publish::request_is_public(&r, None) {
                facts.attachments = read_attachments(&mut r, diagnostics);
            }
            FileRecord::Request(Arc::from(r), facts)
        }
        (Some(Record::Decision(d)), _) => {
            let facts = TextFacts::of(&d.origin, front);
            FileRecord::Decision(Arc::from(d), facts)
        }
        (None, Some(u)) => {
            let facts = TextFacts::of(&u.origin, front);
            FileRecord::Unreadable(u, facts)
        }
        (None, None) => FileRecord::Nothing,
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

impl TextFacts {
    /// Reads what `origin`'s body says on its own, beside its front
    /// matter's strings.
    pub(super) fn of(origin: &Origin, front: FrontMatterText) -> TextFacts {
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
