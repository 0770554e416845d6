//! Step 5: write the site, all or nothing.
//!
//! The site is written into a new folder beside the output folder, marked
//! as ours, and swapped in only when complete: a failed build leaves the
//! previous site exactly as it was. A folder without our mark is never
//! replaced or deleted, and the output folder can never be the content
//! folder or one that contains it.

use crate::render::{Contents, OutputFile};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The file that marks a folder as written by `register`.
pub const MARKER: &str = ".register-output";

const MARKER_TEXT: &str =
    "This folder is written by `register build` and replaced on every build.\n";

/// Why the site could not be written.
#[derive(Debug)]
pub struct OutputError(pub String);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn io(context: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> OutputError {
    move |e| OutputError(format!("{context}: {e}"))
}

/// An absolute, normalised form of `path`, resolving what exists of it.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let base = std::env::current_dir().unwrap_or_default().join(path);
    let mut out = PathBuf::new();
    for c in base.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    match (out.parent(), out.file_name()) {
        (Some(parent), Some(name)) => parent.canonicalize().map_or(out.clone(), |p| p.join(name)),
        _ => out,
    }
}

fn is_ours(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Refuses output folders that would overwrite what the build reads: the
/// output may not be or contain any `protected` folder (the content folder,
/// the site root), nor lie inside the first one (the content folder).
pub fn check_output_folder(output: &Path, protected: &[&Path]) -> Result<(), OutputError> {
    let out = absolute(output);
    if out.parent().is_none() {
        return Err(OutputError(format!(
            "refusing to write the site to `{}`",
            output.display()
        )));
    }
    for (i, p) in protected.iter().enumerate() {
        let p = absolute(p);
        if p.starts_with(&out) || (i == 0 && out.starts_with(&p)) {
            return Err(OutputError(format!(
                "refusing to write the site to `{}`: it overlaps `{}`, which the build reads. \
                 Choose another --output folder, e.g. `public`",
                output.display(),
                p.display()
            )));
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

/// A folder the next site is written into, swapped in by [`Staging::commit`].
///
/// Creating and deleting a whole tree of files on every build is what makes
/// a safe swap slow on real disks, so builds keep a hidden *spare* folder
/// beside the output (`.<name>.register-spare`) and write into it in place,
/// leaving alone every file whose bytes are already right.
///
/// The spare never holds anything that is not published: after each swap
/// the previous site, now the spare, is scrubbed of every file whose bytes
/// differ from the new site's (truncated to zero) and of every file the new
/// site does not have (deleted). So a record withheld since the last build
/// leaves neither a page, nor a line, nor a file name behind, and an
/// ordinary rebuild rewrites only the files that changed.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    spare: PathBuf,
    swap: PathBuf,
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
}

fn hidden_sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.register-{suffix}"))
}

/// What a folder of ours holds: its files and, separately, any symbolic
/// links someone put there (relative paths, `/`-separated, marker excluded).
/// The build never writes links, so it never writes or truncates through
/// one either: links are removed instead.
#[derive(Debug, Default)]
struct Listing {
    files: HashSet<String>,
    links: Vec<PathBuf>,
}

fn files_under(dir: &Path) -> Result<Listing, OutputError> {
    let mut listing = Listing::default();
    if !dir.is_dir() {
        return Ok(listing);
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false) {
        let entry = entry.map_err(|e| OutputError(format!("reading {}: {e}", dir.display())))?;
        if entry.file_type().is_symlink() {
            listing.links.push(entry.path().to_path_buf());
        } else if !entry.file_type().is_dir()
            && let Ok(rel) = entry.path().strip_prefix(dir)
        {
            listing
                .files
                .insert(rel.to_string_lossy().replace('\\', "/"));
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
    /// Checks `output` and gets its spare folder ready to be written.
    pub fn prepare(output: &Path, protected: &[&Path]) -> Result<Staging, OutputError> {
        check_output_folder(output, protected)?;
        let out = absolute(output);
        let spare = hidden_sibling(&out, "spare");
        let swap = hidden_sibling(&out, "swap");
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .map_err(io(format!("creating {}", parent.display())))?;
        }
        // A swap folder is left only by a build killed while swapping.
        if swap.exists() {
            if !is_ours(&swap) {
                return Err(OutputError(format!(
                    "`{}` is in the way and was not written by register; remove it",
                    swap.display()
                )));
            }
            if out.exists() {
                std::fs::remove_dir_all(&swap)
                    .map_err(io(format!("removing {}", swap.display())))?;
            } else {
                std::fs::rename(&swap, &out).map_err(io("restoring the interrupted swap"))?;
            }
        }
        if spare.exists() && !is_ours(&spare) {
            return Err(OutputError(format!(
                "`{}` is in the way and was not written by register; remove it",
                spare.display()
            )));
        }
        let in_spare = files_under(&spare)?;
        for link in &in_spare.links {
            std::fs::remove_file(link).map_err(io(format!("removing {}", link.display())))?;
        }
        let existing = in_spare.files;
        let in_out = files_under(&out)?;
        let published = in_out.files;
        let published_links = in_out
            .links
            .iter()
            .filter_map(|l| l.strip_prefix(&out).ok().map(Path::to_path_buf))
            .collect();
        std::fs::create_dir_all(&spare).map_err(io(format!("creating {}", spare.display())))?;
        std::fs::write(spare.join(MARKER), MARKER_TEXT).map_err(io("writing the output marker"))?;
        Ok(Staging {
            out,
            spare,
            swap,
            existing,
            published,
            published_links,
            written: Mutex::new(Vec::new()),
            changed: Mutex::new(Vec::new()),
        })
    }

    /// Writes one file into the spare folder, unless it already holds
    /// these bytes, and notes whether they differ from the published site.
    pub fn write(&self, file: &OutputFile) -> Result<(), OutputError> {
        if !safe_relative(&file.path) || file.path == MARKER {
            return Err(OutputError(format!(
                "refusing to write outside the site: `{}`",
                file.path
            )));
        }
        let target = self.spare.join(&file.path);
        let (result, changed) = match &file.contents {
            Contents::Bytes(_) | Contents::Shared(_) => {
                let bytes = file.contents.bytes().unwrap_or_default();
                let in_place = self.existing.contains(&file.path) && holds(&target, bytes);
                let result = if in_place {
                    Ok(())
                } else {
                    write_creating_parents(&target, bytes)
                };
                let unchanged =
                    self.published.contains(&file.path) && holds(&self.out.join(&file.path), bytes);
                (result, !unchanged)
            }
            Contents::Copy(source) => {
                if let Some(parent) = target.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                (std::fs::copy(source, &target).map(|_| ()), true)
            }
        };
        result.map_err(io(format!("output: writing {}", file.path)))?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file.path.clone());
        if changed {
            self.changed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(file.path.clone());
        }
        Ok(())
    }

    /// Removes what the spare had and this build did not make, swaps the
    /// spare in, and scrubs the previous site (now the spare) of everything
    /// that differs from the new one. Returns the number of files written.
    pub fn commit(self) -> Result<usize, OutputError> {
        let written: HashSet<String> = self
            .written
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        let changed: Vec<String> = self.changed.into_inner().unwrap_or_else(|e| e.into_inner());
        let stale: Vec<&String> = self.existing.difference(&written).collect();
        for path in &stale {
            let path = self.spare.join(path);
            std::fs::remove_file(&path)
                .map_err(io(format!("removing stale {}", path.display())))?;
        }
        if !stale.is_empty() {
            remove_empty_folders(&self.spare);
        }
        // The spare is kept private between builds; the site it becomes
        // takes the published folder's permissions (or the usual ones).
        let permissions = std::fs::metadata(&self.out)
            .map(|m| m.permissions())
            .or_else(|_| {
                std::fs::metadata(self.spare.parent().unwrap_or(&self.spare))
                    .map(|m| m.permissions())
            });
        if let Ok(p) = permissions {
            let _ = std::fs::set_permissions(&self.spare, p);
        }
        if self.out.exists() {
            std::fs::rename(&self.out, &self.swap).map_err(io(format!(
                "moving the old site {} aside",
                self.out.display()
            )))?;
            if let Err(e) = std::fs::rename(&self.spare, &self.out) {
                let _ = std::fs::rename(&self.swap, &self.out);
                return Err(OutputError(format!("swapping in the new site: {e}")));
            }
            std::fs::rename(&self.swap, &self.spare).map_err(io(format!(
                "keeping the old site as {}",
                self.spare.display()
            )))?;
            // Private before it is scrubbed: until then it still holds the
            // old site, withheld pages and all.
            restrict(&self.spare);
            for link in &self.published_links {
                let path = self.spare.join(link);
                std::fs::remove_file(&path).map_err(io(format!("removing {}", path.display())))?;
            }
            let gone: Vec<&String> = self.published.difference(&written).collect();
            scrub(&self.spare, &gone, &changed)?;
        } else {
            std::fs::rename(&self.spare, &self.out)
                .map_err(io(format!("moving the site into {}", self.out.display())))?;
        }
        Ok(written.len())
    }
}

impl crate::render::Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), crate::render::RenderError> {
        self.write(&file)
            .map_err(|e| crate::render::RenderError(e.0))
    }
}

/// Scrubs the previous site, now the spare: files the new site does not
/// have (`gone`) are deleted, files whose bytes changed are truncated, so
/// what remains is byte for byte part of the published site.
fn scrub(spare: &Path, gone: &[&String], changed: &[String]) -> Result<(), OutputError> {
    gone.par_iter().try_for_each(|rel| {
        let path = spare.join(rel);
        std::fs::remove_file(&path).map_err(io(format!("emptying {}", path.display())))
    })?;
    changed.par_iter().try_for_each(|rel| {
        let path = spare.join(rel);
        match std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
        {
            Ok(_) => Ok(()),
            // New in this build: the previous site never had it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(OutputError(format!("emptying {}: {e}", path.display()))),
        }
    })?;
    if !gone.is_empty() {
        remove_empty_folders(spare);
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

fn write_creating_parents(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::write(target, bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, bytes)
        }
        other => other,
    }
}

/// Removes folders left empty under `root` (deepest first).
fn remove_empty_folders(root: &Path) {
    let mut folders: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
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
/// [`Staging`]). Returns how many files were written.
pub fn write_site(
    output: &Path,
    files: &[OutputFile],
    protected: &[&Path],
) -> Result<usize, OutputError> {
    let staging = Staging::prepare(output, protected)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
}
