//! Step 5: write the site, all or nothing.
//!
//! The site is written into a new folder beside the output folder, marked
//! as ours, and swapped in only when complete: a failed build leaves the
//! previous site exactly as it was. A folder without our mark is never
//! replaced or deleted, and the output folder can never overlap a folder
//! the build reads (the content, the templates, the themes).
//!
//! The output folder may also hold the user's own files (the `.git/` of a
//! gh-pages checkout, `CNAME`, `.well-known/`): they are carried from the
//! old site into the new one at the swap, never written, scrubbed or
//! deleted. And no file is ever written in place: a file whose bytes change
//! is replaced by a new one, so a hard-linked snapshot of the output
//! (`cp -al`, `rsync --link-dest`) keeps its bytes.

pub mod progress;

use crate::render::OutputFile;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fs::File;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The file that marks a folder as written by `register`.
pub const MARKER: &str = ".register-output";

const MARKER_TEXT: &str =
    "This folder is written by `register build` and replaced on every build.\n";

/// Why the site could not be written.
#[derive(Debug)]
pub struct OutputError(String);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutputError {}

impl OutputError {
    /// The error, in words that name the path and what failed.
    pub fn new(message: impl Into<String>) -> Self {
        OutputError(message.into())
    }
}

fn io(context: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> OutputError {
    move |e| OutputError(format!("{context}: {e}"))
}

/// An absolute, normalised form of `path`: each part is resolved as far as
/// it exists (symbolic links followed, so two names for one folder compare
/// equal), and `..` after a part that does not exist is taken literally.
fn absolute(path: &Path) -> PathBuf {
    let base = std::env::current_dir().unwrap_or_default().join(path);
    let mut out = PathBuf::new();
    for c in base.components() {
        match c {
            // `out` is resolved wherever it exists, so its parent is the
            // real parent, not the folder a link sits in.
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => {
                out.push(c);
                if let Ok(resolved) = out.canonicalize() {
                    out = resolved;
                }
            }
        }
    }
    out
}

/// True when `dir` holds our marker as a regular file of its own: a
/// symbolic link named like the marker (to another site's marker, say)
/// does not make a folder ours, or a build would delete the user's files.
fn is_ours(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.file_type().is_file())
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// The folders a build reads, which its output may not overlap: writing
/// the site into any of them would overwrite the build's own input, and
/// swapping the output would move it away.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The site root (the folder that holds the content folder; and, when
    /// it is reached through a link, the folder that holds the link): the
    /// output may lie inside it (the usual `public/`), but may not be it
    /// or contain it.
    pub roots: Vec<PathBuf>,
    /// Folders the output may not be, contain or lie inside, each with
    /// what it is, for the error message. They count whether or not they
    /// exist yet: a `templates/` made later must not be the output.
    pub read: Vec<(PathBuf, &'static str)>,
}

/// How an output folder overlaps a folder the build reads.
fn overlap(out: &Path, read: &Path) -> Option<&'static str> {
    if out == read {
        Some("is")
    } else if read.starts_with(out) {
        Some("contains")
    } else if out.starts_with(read) {
        Some("lies inside")
    } else {
        None
    }
}

fn overlap_error(output: &Path, relation: &str, folder: &Path, what: &str) -> OutputError {
    OutputError(format!(
        "refusing to write the site to `{}`: it {relation} {what} (`{}`), which the build \
         reads. Choose another --output folder, outside the content, templates and themes \
         folders, e.g. `public` beside the content folder",
        output.display(),
        folder.display()
    ))
}

/// Refuses output folders that overlap what the build reads (see
/// [`Inputs`]), that are not folders, or that hold files we did not write.
pub fn check_output_folder(output: &Path, inputs: &Inputs) -> Result<(), OutputError> {
    let out = absolute(output);
    if out.parent().is_none() {
        return Err(OutputError(format!(
            "refusing to write the site to `{}`",
            output.display()
        )));
    }
    for (folder, what) in &inputs.read {
        let folder = absolute(folder);
        if let Some(relation) = overlap(&out, &folder) {
            return Err(overlap_error(output, relation, &folder, what));
        }
    }
    for root in &inputs.roots {
        let root = absolute(root);
        if let Some(relation @ ("is" | "contains")) = overlap(&out, &root) {
            return Err(overlap_error(
                output,
                relation,
                &root,
                "the site root (the folder that holds the content folder)",
            ));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(OutputError(format!(
            "`{}` exists and is not a folder",
            output.display()
        )));
    }
    if out.is_dir() && !is_ours(&out) && !is_empty_dir(&out) {
        return Err(OutputError(format!(
            "refusing to replace `{}`: it is not empty and was not written by register \
             (no `{MARKER}` file). Remove it yourself or choose another --output folder",
            output.display()
        )));
    }
    Ok(())
}

fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// What is wrong with `path` as an `output_keep` entry, if anything: it
/// must be a plain relative path inside the output folder, `/`-separated,
/// and not our marker.
pub fn keep_path_problem(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path.split('/').collect();
    Some(if path.is_empty() {
        "is empty"
    } else if path.starts_with('/') || path.contains('\\') {
        "must be relative to the output folder, with `/` between its parts"
    } else if parts.iter().any(|p| p.is_empty()) {
        "has an empty part (`//` or a `/` at the end)"
    } else if parts.iter().any(|p| *p == "." || *p == "..") {
        "may not contain `.` or `..` parts"
    } else if path == MARKER {
        "is the marker the build writes"
    } else {
        return None;
    })
}

/// True for a top-level entry of the output that is the user's because of
/// its name: a dot-entry (`.git`, `.nojekyll`, `.well-known`), but not our
/// marker. Only top-level ones: a dot-file deeper down sits in a folder
/// the build made, which may be named after a record withheld since, and
/// keeping the file would keep that name published.
fn is_dot_entry(rel: &str) -> bool {
    rel.starts_with('.') && !rel.contains('/') && rel != MARKER
}

/// What in the output folder is the user's, not the build's: top-level
/// dot-entries, and the paths `site.toml` lists in `output_keep`. Kept
/// entries are moved from the old site into the new one at the swap, as
/// they are (files, folders, links), and the build never looks inside
/// them, writes them, scrubs them or counts them as stale.
#[derive(Debug, Clone, Default)]
struct Keep {
    /// The listed paths, `/`-separated, relative to the output folder.
    paths: Vec<String>,
}

impl Keep {
    /// Keeps top-level dot-entries and `paths` (`output_keep`). Paths that
    /// could leave the output folder are ignored here; `site.toml`'s
    /// checks report them as errors before any build gets this far.
    fn new(paths: &[String]) -> Keep {
        let mut paths: Vec<String> = paths
            .iter()
            .filter(|p| keep_path_problem(p).is_none())
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        // Outer paths first, so a kept folder moves before anything listed
        // inside it (which then moves with it).
        paths.sort_by_key(|p| p.matches('/').count());
        Keep { paths }
    }

    /// True when `rel`, a path the build writes, is, holds or lies inside
    /// a listed path.
    fn claims(&self, rel: &str) -> bool {
        self.paths.iter().any(|k| paths_overlap(k, rel))
    }

    /// True when `rel` is a kept entry itself.
    fn is_kept(&self, rel: &str) -> bool {
        is_dot_entry(rel) || self.paths.iter().any(|k| k == rel)
    }

    /// True when the walked `entry` under `root` is a kept entry.
    fn skips(&self, root: &Path, entry: &walkdir::DirEntry) -> bool {
        if entry.depth() == 1 && entry.file_name() == MARKER {
            return false;
        }
        if entry.depth() == 1 && entry.file_name().as_encoded_bytes().starts_with(b".") {
            return true;
        }
        !self.paths.is_empty() && self.is_kept(&relative(root, entry.path()))
    }

    /// The kept entries present in `dir`, outer before inner: its top-level
    /// dot-entries, then the listed paths that are there, reached through
    /// real folders (never through a link, which could lead out of `dir`).
    fn present_in(&self, dir: &Path) -> Result<Vec<String>, OutputError> {
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .map_err(io(format!("reading {}", dir.display())))?
            .filter_map(|e| e.ok().and_then(|e| e.file_name().into_string().ok()))
            .filter(|name| is_dot_entry(name))
            .collect();
        found.sort();
        for path in &self.paths {
            let inside_found = found
                .iter()
                .any(|f| path == f || path.starts_with(&format!("{f}/")));
            if !inside_found
                && reached_through_folders(dir, path)
                && std::fs::symlink_metadata(dir.join(path)).is_ok()
            {
                found.push(path.clone());
            }
        }
        Ok(found)
    }

    /// One message for each listed path that clashes with the site: one
    /// the build also writes (the path itself, a file inside it, or a file
    /// where one of its folders would be), where the kept file or the
    /// generated one would be lost; or one inside a folder the build writes
    /// into (`requests/X/notes.pdf`), which would keep that folder's name,
    /// maybe a record's, published after the build stops writing there.
    fn clashes(&self, written: &[String]) -> Vec<String> {
        // An entry is quoted only when it is a plain path (messages are
        // read in CI logs and `register serve`'s status); the generated
        // path it meets is public.
        self.paths
            .iter()
            .filter_map(|k| {
                let n = plain_path_words(k);
                if let Some(w) = written.iter().filter(|w| paths_overlap(k, w)).min() {
                    let relation = if k == w { "is" } else { "overlaps" };
                    return Some(format!(
                        "output_keep entry {n} {relation} `{w}`, which the build writes: a \
                         kept file may not replace a generated one, nor be replaced by one"
                    ));
                }
                let (top, _) = k.split_once('/')?;
                let w = written.iter().filter(|w| paths_overlap(top, w)).min()?;
                Some(format!(
                    "output_keep entry {n} lies in `{top}/`, a folder the build writes into \
                     (`{w}`): a kept file there would keep its folder's name, maybe a record's, \
                     published after the build stops writing it"
                ))
            })
            .collect()
    }
}

/// An `output_keep` entry as a message names it: quoted when it is a plain
/// path (ASCII letters, digits, `.`, `_` and `-`, short parts), else
/// not at all, since it is the keeper's own words.
fn plain_path_words(path: &str) -> String {
    let plain = path.split('/').all(|part| {
        (1..=40).contains(&part.len())
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    });
    if plain {
        format!("`{path}`")
    } else {
        "(not quoted: it is not a plain path)".to_string()
    }
}

/// True when one of two `/`-separated relative paths is, or is inside,
/// the other.
fn paths_overlap(a: &str, b: &str) -> bool {
    let inside = |x: &str, y: &str| x.strip_prefix(y).is_some_and(|r| r.starts_with('/'));
    a == b || inside(a, b) || inside(b, a)
}

/// True when every folder on the way from `root` to `rel` is a real folder,
/// not a link.
fn reached_through_folders(root: &Path, rel: &str) -> bool {
    let mut at = root.to_path_buf();
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts.into_iter().all(|part| {
        at.push(part);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_dir())
    })
}

/// `path` relative to `root`, `/`-separated.
fn relative<'a>(root: &Path, path: &'a Path) -> Cow<'a, str> {
    let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy();
    if rel.contains('\\') {
        Cow::Owned(rel.replace('\\', "/"))
    } else {
        rel
    }
}

/// A folder the next site is written into, swapped in by [`Staging::commit`].
///
/// Creating and deleting a whole tree of files on every build is what makes
/// a safe swap slow on real disks, so builds keep a hidden *spare* folder
/// beside the output (`.<name>.register-spare`) and write into it, leaving
/// alone every file whose bytes are already right.
///
/// The spare never holds anything that is not published: after each swap
/// the previous site, now the spare, is scrubbed of every file whose bytes
/// differ from the new site's and of every file the new site does not have
/// (both unlinked). So a record withheld since the last build leaves
/// neither a page, nor a line, nor a file name behind, and an ordinary
/// rebuild rewrites only the files that changed.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    spare: PathBuf,
    swap: PathBuf,
    /// The user's entries, carried across the swap.
    keep: Keep,
    /// Files the spare held before this build (relative paths).
    existing: HashSet<String>,
    /// Files the published site held before this build.
    published: HashSet<String>,
    /// Symbolic links found in the published site (relative paths).
    published_links: Vec<PathBuf>,
    /// Files this build wrote.
    written: Mutex<Vec<String>>,
    /// Files whose new bytes differ from the published site's.
    changed: Mutex<Vec<String>>,
    /// The lock on the output, held until the build ends (see [`BuildLock`]).
    _lock: BuildLock,
}

/// An exclusive lock on one output folder, so two builds never write its
/// spare or swap it at once (each would move the other's files about). It
/// is a file beside the output, `.<name>.register-lock`, locked with the
/// system's advisory file lock: the system releases it when the build
/// ends, however it ends, so a killed build never leaves it stuck. The
/// file itself stays; it holds the process id of the last build that took
/// it, which a build that finds it locked names in its error.
#[derive(Debug)]
pub struct BuildLock {
    _file: File,
}

impl BuildLock {
    /// Takes the lock on `out` (an absolute path whose parent exists), or
    /// says which build holds it.
    pub fn take(out: &Path) -> Result<BuildLock, OutputError> {
        let path = hidden_sibling(out, "lock");
        let mut file = open_lock_file(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = std::io::Read::read_to_string(&mut file, &mut holder);
                return Err(busy(out, &path, holder.trim()));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(OutputError(format!("locking {}: {e}", path.display())));
            }
        }
        // Ours now: say who holds it, for a build that finds it locked.
        let _ = file.set_len(0);
        let _ = writeln!(file, "{}", std::process::id());
        Ok(BuildLock { _file: file })
    }
}

/// Opens (or makes) the lock file at `path`, never through a link: a link
/// planted there would have the build truncate the file it points to. A
/// link is refused before the open, the open does not follow one, and the
/// file opened must be the regular file at the path before a byte of it
/// is written.
fn open_lock_file(path: &Path) -> Result<File, OutputError> {
    let not_a_file = || {
        OutputError(format!(
            "the lock file {} is not a regular file (a symbolic link, say): the build \
             never writes through a link. Remove it (the build makes its own) and build again",
            path.display()
        ))
    };
    let is_not_a_file = || std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file());
    if is_not_a_file() {
        return Err(not_a_file());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let opening = || io(format!("opening the lock file {}", path.display()));
    let file = match options.open(path) {
        Ok(file) => file,
        Err(_) if is_not_a_file() => return Err(not_a_file()),
        Err(e) => return Err(opening()(e)),
    };
    let opened = file.metadata().map_err(opening())?;
    let looked = std::fs::symlink_metadata(path).map_err(opening())?;
    if !looked.file_type().is_file() || !same_regular_file(&looked, &opened) {
        return Err(not_a_file());
    }
    Ok(file)
}

/// True when two metadata are of the same regular file.
#[cfg(unix)]
fn same_regular_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    b.file_type().is_file() && a.dev() == b.dev() && a.ino() == b.ino()
}

/// True when two metadata are of the same regular file (as far as can be
/// told here).
#[cfg(not(unix))]
fn same_regular_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    b.file_type().is_file() && a.len() == b.len()
}

/// The error for an output another build is writing.
fn busy(out: &Path, lock: &Path, holder: &str) -> OutputError {
    let who = if holder.is_empty() {
        "another `register build`".to_string()
    } else {
        format!("another `register build` (process {holder})")
    };
    OutputError(format!(
        "{who} is writing the site to `{}` (it holds `{}`): wait for it to finish and build \
         again, or choose another --output folder",
        out.display(),
        lock.display()
    ))
}

fn hidden_sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.register-{suffix}"))
}

/// What a folder of ours holds: its files and, separately, any symbolic
/// links someone put there (relative paths, `/`-separated, marker and
/// kept entries excluded). The build never writes links, so it never
/// writes or deletes through one either: links are removed instead.
#[derive(Debug, Default)]
struct Listing {
    files: HashSet<String>,
    links: Vec<PathBuf>,
}

/// Everything under `root` but the kept entries and what they hold.
fn walk_outside_kept<'a>(
    root: &'a Path,
    keep: &'a Keep,
) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> + 'a {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .filter_entry(move |e| !keep.skips(root, e))
}

fn files_under(dir: &Path, keep: &Keep) -> Result<Listing, OutputError> {
    let mut listing = Listing::default();
    if !dir.is_dir() {
        return Ok(listing);
    }
    for entry in walk_outside_kept(dir, keep) {
        let entry = entry.map_err(|e| OutputError(format!("reading {}: {e}", dir.display())))?;
        if entry.file_type().is_symlink() {
            listing.links.push(entry.path().to_path_buf());
        } else if !entry.file_type().is_dir() {
            listing
                .files
                .insert(relative(dir, entry.path()).into_owned());
        }
    }
    listing.files.remove(MARKER);
    Ok(listing)
}

/// True when the file at `path` holds exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

impl Staging {
    /// Checks `output` and gets its spare folder ready to be written;
    /// `keep` is `site.toml`'s `output_keep`.
    pub fn prepare(
        output: &Path,
        inputs: &Inputs,
        keep: &[String],
    ) -> Result<Staging, OutputError> {
        check_output_folder(output, inputs)?;
        let keep = Keep::new(keep);
        let out = absolute(output);
        let spare = hidden_sibling(&out, "spare");
        let swap = hidden_sibling(&out, "swap");
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .map_err(io(format!("creating {}", parent.display())))?;
        }
        let lock = BuildLock::take(&out)?;
        recover_interrupted_swap(&out, &swap)?;
        if spare.exists() && !is_ours(&spare) {
            return Err(OutputError(format!(
                "`{}` is in the way and was not written by register; remove it",
                spare.display()
            )));
        }
        // Kept entries found in the spare were being carried into the new
        // site when a build stopped: they stay, and go live with the next.
        let in_spare = files_under(&spare, &keep)?;
        for link in &in_spare.links {
            std::fs::remove_file(link).map_err(io(format!("removing {}", link.display())))?;
        }
        let in_out = files_under(&out, &keep)?;
        let published_links = in_out
            .links
            .iter()
            .filter_map(|l| l.strip_prefix(&out).ok().map(Path::to_path_buf))
            .collect();
        std::fs::create_dir_all(&spare).map_err(io(format!("creating {}", spare.display())))?;
        // Private while it is written: a build that fails leaves it behind
        // holding part of the new site (`commit` opens it up at the swap).
        restrict(&spare);
        mark(&spare).map_err(io("writing the output marker"))?;
        Ok(Staging {
            out,
            spare,
            swap,
            keep,
            existing: in_spare.files,
            published: in_out.files,
            published_links,
            written: Mutex::new(Vec::new()),
            changed: Mutex::new(Vec::new()),
            _lock: lock,
        })
    }

    /// Writes one file into the spare folder, unless it already holds
    /// these bytes, and notes whether they differ from the published site.
    pub fn write(&self, file: &OutputFile) -> Result<(), OutputError> {
        check_site_path(&file.path)?;
        if self.keep.claims(&file.path) {
            // Not written, so a kept file left in the spare is never
            // replaced; noted, so the build stops before the swap.
            lock(&self.written).push(file.path.clone());
            return Ok(());
        }
        let target = self.spare.join(&file.path);
        let was_there = self.existing.contains(&file.path);
        let bytes = file.contents.bytes();
        let result = if was_there && holds(&target, bytes) {
            Ok(())
        } else {
            put_file(&target, was_there, &|f| f.write_all(bytes))
        };
        let changed =
            !(self.published.contains(&file.path) && holds(&self.out.join(&file.path), bytes));
        result.map_err(io(format!("output: writing {}", file.path)))?;
        lock(&self.written).push(file.path.clone());
        if changed {
            lock(&self.changed).push(file.path.clone());
        }
        Ok(())
    }

    /// One message for each `output_keep` path that this build also
    /// writes (so far): such a build may not be swapped in.
    pub fn keep_clashes(&self) -> Vec<String> {
        self.keep.clashes(&lock(&self.written))
    }

    /// Removes what the spare had and this build did not make, carries the
    /// user's kept entries over from the published site, swaps the spare
    /// in, and scrubs the previous site (now the spare) of everything that
    /// differs from the new one. Returns the number of files written.
    pub fn commit(self) -> Result<usize, OutputError> {
        let written = std::mem::take(&mut *lock(&self.written));
        let clashes = self.keep.clashes(&written);
        if !clashes.is_empty() {
            return Err(OutputError(format!(
                "{}\nRemove those paths from output_keep in site.toml",
                clashes.join("\n")
            )));
        }
        let written: HashSet<String> = written.into_iter().collect();
        let changed = std::mem::take(&mut *lock(&self.changed));
        self.remove_stale(&written)?;
        self.open_up_spare();
        if self.out.exists() {
            let moved = self.carry_kept_entries()?;
            self.swap_in(&moved)?;
            // Private before it is scrubbed: until then it still holds the
            // old site, withheld pages and all.
            restrict(&self.spare);
            for link in &self.published_links {
                let path = self.spare.join(link);
                std::fs::remove_file(&path).map_err(io(format!("removing {}", path.display())))?;
            }
            let gone: Vec<&String> = self.published.difference(&written).collect();
            scrub(&self.spare, &gone, &changed, &self.keep)?;
        } else {
            std::fs::rename(&self.spare, &self.out)
                .map_err(io(format!("moving the site into {}", self.out.display())))?;
        }
        Ok(written.len())
    }

    /// Removes the files the spare had and this build did not write.
    fn remove_stale(&self, written: &HashSet<String>) -> Result<(), OutputError> {
        let stale: Vec<&String> = self.existing.difference(written).collect();
        for path in &stale {
            let path = self.spare.join(path);
            std::fs::remove_file(&path)
                .map_err(io(format!("removing stale {}", path.display())))?;
        }
        if !stale.is_empty() {
            remove_empty_folders(&self.spare, &self.keep);
        }
        Ok(())
    }

    /// The spare is kept private between builds; the site it becomes
    /// takes the published folder's permissions (or the usual ones).
    fn open_up_spare(&self) {
        let permissions = std::fs::metadata(&self.out)
            .map(|m| m.permissions())
            .or_else(|_| {
                std::fs::metadata(self.spare.parent().unwrap_or(&self.spare))
                    .map(|m| m.permissions())
            });
        if let Ok(p) = permissions {
            let _ = std::fs::set_permissions(&self.spare, p);
        }
    }

    /// Moves the user's kept entries from the published site into the
    /// spare, so the swap publishes them with the new site. On failure the
    /// ones already moved go back, leaving the output as it was.
    fn carry_kept_entries(&self) -> Result<Vec<String>, OutputError> {
        let mut moved = Vec::new();
        for rel in self.keep.present_in(&self.out)? {
            if let Err(e) = move_entry(&self.out, &self.spare, &rel) {
                return Err(OutputError(format!("{e}{}", self.put_back(&moved))));
            }
            moved.push(rel);
        }
        Ok(moved)
    }

    /// Moves kept entries back from the spare into the output after a
    /// failed swap; says where any that could not be moved are.
    fn put_back(&self, moved: &[String]) -> String {
        let stuck: Vec<&String> = moved
            .iter()
            .rev()
            .filter(|rel| move_entry(&self.spare, &self.out, rel).is_err())
            .collect();
        if stuck.is_empty() {
            return String::new();
        }
        format!(
            "; your files {stuck:?} are in `{}`, and the next build puts them back",
            self.spare.display()
        )
    }

    /// Renames the spare into the output's place and the old site into
    /// the spare's. If the new site cannot go in, the old one and the
    /// user's entries go back where they were.
    fn swap_in(&self, moved: &[String]) -> Result<(), OutputError> {
        if let Err(e) = std::fs::rename(&self.out, &self.swap) {
            return Err(OutputError(format!(
                "moving the old site {} aside: {e}{}",
                self.out.display(),
                self.put_back(moved)
            )));
        }
        if let Err(e) = std::fs::rename(&self.spare, &self.out) {
            let note = match std::fs::rename(&self.swap, &self.out) {
                Ok(()) => self.put_back(moved),
                Err(_) => String::new(),
            };
            return Err(OutputError(format!("swapping in the new site: {e}{note}")));
        }
        std::fs::rename(&self.swap, &self.spare).map_err(io(format!(
            "keeping the old site as {}",
            self.spare.display()
        )))
    }
}

impl crate::render::Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), OutputError> {
        self.write(&file)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Refuses a path outside the site, our marker, and a top-level
/// dot-entry: those are the user's (see [`Keep`]), so a generated one
/// would be taken for the user's on the next build.
fn check_site_path(path: &str) -> Result<(), OutputError> {
    if !safe_relative(path) || path == MARKER {
        return Err(OutputError(format!(
            "refusing to write outside the site: `{path}`"
        )));
    }
    if path.starts_with('.') {
        return Err(OutputError(format!(
            "output: refusing to write `{path}`: names starting with `.` at the top of the \
             output folder are kept for the user's own files (e.g. `.git`, `.well-known`)"
        )));
    }
    Ok(())
}

/// Finishes a swap a killed build left half done: the swap folder is the
/// old site, or, when the output is missing, the only site there is.
fn recover_interrupted_swap(out: &Path, swap: &Path) -> Result<(), OutputError> {
    if !swap.exists() {
        return Ok(());
    }
    if !is_ours(swap) {
        return Err(OutputError(format!(
            "`{}` is in the way and was not written by register; remove it",
            swap.display()
        )));
    }
    if out.exists() {
        std::fs::remove_dir_all(swap).map_err(io(format!("removing {}", swap.display())))
    } else {
        std::fs::rename(swap, out).map_err(io("restoring the interrupted swap"))
    }
}

/// Moves the entry `rel` (file, folder or link, as it is) from one root to
/// the other, never onto something already there.
fn move_entry(from: &Path, to: &Path, rel: &str) -> Result<(), String> {
    let source = from.join(rel);
    let target = to.join(rel);
    if std::fs::symlink_metadata(&target).is_ok() {
        return Err(format!(
            "`{}` and `{}` both exist (a build was stopped while moving it): keep the one \
             you want, remove the other and build again",
            source.display(),
            target.display()
        ));
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("creating {}: {e}", parent.display()))?;
    }
    std::fs::rename(&source, &target)
        .map_err(|e| format!("moving your `{}` into the new site: {e}", source.display()))
}

/// Scrubs the previous site, now the spare: files the new site does not
/// have (`gone`) and files whose bytes changed are unlinked, so what
/// remains is byte for byte part of the published site. Unlinked, not
/// truncated: a hard-linked snapshot of that site shares these files.
fn scrub(
    spare: &Path,
    gone: &[&String],
    changed: &[String],
    keep: &Keep,
) -> Result<(), OutputError> {
    let remove = |rel: &str| {
        let path = spare.join(rel);
        match std::fs::remove_file(&path) {
            // New in this build, or removed by hand since the last one.
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(OutputError(format!("emptying {}: {e}", path.display())))
            }
            _ => Ok(()),
        }
    };
    gone.par_iter().try_for_each(|rel| remove(rel))?;
    changed.par_iter().try_for_each(|rel| remove(rel))?;
    if !gone.is_empty() || !changed.is_empty() {
        remove_empty_folders(spare, keep);
    }
    Ok(())
}

/// Makes a folder readable by its owner only (defence in depth: the spare
/// is empty, but nobody else needs to list it).
fn restrict(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Marks `dir` as ours, leaving a marker that is already right alone.
fn mark(dir: &Path) -> std::io::Result<()> {
    let marker = dir.join(MARKER);
    if holds(&marker, MARKER_TEXT.as_bytes()) {
        return Ok(());
    }
    put_file(&marker, true, &|f| f.write_all(MARKER_TEXT.as_bytes()))
}

/// Puts a file at `target` whose bytes `fill` writes, without ever opening
/// a file that is already there for writing: it may be a hard link shared
/// with a snapshot of the site (`cp -al`, `rsync --link-dest`), which must
/// keep its bytes, or a link planted to a file elsewhere. A file not there
/// yet (`may_exist` false) is created exclusively, the fast way; one that
/// is there is replaced by renaming a new temporary file over it.
fn put_file(
    target: &Path,
    may_exist: bool,
    fill: &dyn Fn(&mut File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if !may_exist {
        match create_new(target) {
            Ok(mut file) => {
                let result = fill(&mut file);
                if result.is_err() {
                    let _ = std::fs::remove_file(target);
                }
                return result;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    replace(target, fill)
}

/// Creates `target` (and its folders), failing if anything is there.
fn create_new(target: &Path) -> std::io::Result<File> {
    let open = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target)
    };
    match open() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            open()
        }
        other => other,
    }
}

/// Writes a temporary file beside `target` and renames it over `target`;
/// the temporary file is removed if anything fails.
fn replace(target: &Path, fill: &dyn Fn(&mut File) -> std::io::Result<()>) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let (temporary, mut file) = temporary_file(dir)?;
    let written = fill(&mut file);
    drop(file);
    let result = written.and_then(|()| std::fs::rename(&temporary, target));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Numbers temporary files, so threads never pick the same name.
static TEMPORARY: AtomicU64 = AtomicU64::new(0);

/// A new, empty file in `dir` named `~register-tmp-<process>-<n>`: `~`
/// is in no name the build makes, so it cannot collide with a page, and
/// with no leading dot one that a killed build leaves in the spare is a
/// stale file the next build removes, not a user's entry it keeps.
fn temporary_file(dir: &Path) -> std::io::Result<(PathBuf, File)> {
    let mut last = None;
    for _ in 0..64 {
        let n = TEMPORARY.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("~register-tmp-{}-{n}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary file name")))
}

/// Removes folders left empty under `root` (deepest first), never inside
/// or at a kept entry.
fn remove_empty_folders(root: &Path, keep: &Keep) {
    let mut folders: Vec<PathBuf> = walk_outside_kept(root, keep)
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    folders.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    for f in folders {
        let _ = std::fs::remove_dir(f);
    }
}

/// Writes `files` as the new content of `output`, atomically (see
/// [`Staging`]), keeping the user's entries (`keep`: `output_keep`).
/// Returns how many files were written.
pub fn write_site(
    output: &Path,
    files: &[OutputFile],
    inputs: &Inputs,
    keep: &[String],
) -> Result<usize, OutputError> {
    let staging = Staging::prepare(output, inputs, keep)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_top_level_dot_entries_but_the_marker_are_the_users() {
        assert!(is_dot_entry(".git"));
        assert!(is_dot_entry(".well-known"));
        assert!(!is_dot_entry(MARKER));
        assert!(!is_dot_entry("requests/X/.DS_Store"));
        assert!(!is_dot_entry("index.html"));
    }

    #[test]
    fn listed_paths_clash_with_what_the_build_writes_in_or_under_them() {
        let listed = [
            "index.html",
            "requests",
            "requests/Y/a.pdf",
            "CNAME",
            "dl/a.zip",
        ];
        let keep = Keep::new(&listed.map(String::from));
        let written: Vec<String> = ["index.html", "requests/X/index.html", "feed.xml"]
            .into_iter()
            .map(String::from)
            .collect();
        let clashes = keep.clashes(&written);
        assert_eq!(clashes.len(), 3, "{clashes:?}");
        assert!(clashes[0].contains("`index.html` is `index.html`"));
        assert!(clashes[1].contains("`requests/X/index.html`"));
        assert!(clashes[2].contains("lies in `requests/`"), "{clashes:?}");
        assert!(paths_overlap("a/b", "a"));
        assert!(!paths_overlap("ab", "a"));
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_replaced_never_written_through_a_hard_link() {
        let tmp = tempfile::tempdir().unwrap();
        let page = tmp.path().join("page.html");
        let snapshot = tmp.path().join("snapshot.html");
        std::fs::write(&page, "old").unwrap();
        std::fs::hard_link(&page, &snapshot).unwrap();
        put_file(&page, true, &|f| f.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&page).unwrap(), b"new");
        assert_eq!(std::fs::read(&snapshot).unwrap(), b"old");
        // Told it is not there when it is: still replaced, not opened.
        put_file(&page, false, &|f| f.write_all(b"newer")).unwrap();
        assert_eq!(std::fs::read(&snapshot).unwrap(), b"old");
        assert_eq!(names_in(tmp.path()), ["page.html", "snapshot.html"]);
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_or_partial_file() {
        let tmp = tempfile::tempdir().unwrap();
        let page = tmp.path().join("page.html");
        std::fs::write(&page, "old").unwrap();
        let failing = |f: &mut File| {
            f.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        };
        assert!(put_file(&page, true, &failing).is_err());
        assert_eq!(std::fs::read(&page).unwrap(), b"old");
        let new = tmp.path().join("sub/new.html");
        assert!(put_file(&new, false, &failing).is_err());
        assert!(!new.exists());
        assert_eq!(names_in(tmp.path()), ["page.html", "sub"]);
    }

    #[test]
    fn the_build_never_writes_a_top_level_dot_entry() {
        assert!(check_site_path(".well-known/security.txt").is_err());
        assert!(check_site_path(".nojekyll").is_err());
        assert!(check_site_path(MARKER).is_err());
        assert!(check_site_path("requests/X/.hidden").is_ok());
    }
}
