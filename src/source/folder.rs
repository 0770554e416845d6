//! Step 1 of the pipeline: read every record file under the content folder.
//!
//! Loading only reads bytes and turns them into text; it knows nothing of
//! fields. Problems with files themselves (not UTF-8, too large, symlinks,
//! files in the wrong place) become diagnostics here.

use crate::diagnostic::Diagnostic;
use rayon::prelude::*;
use std::fs::{DirEntry, FileType, Metadata};
use std::path::{Path, PathBuf};

/// Records larger than this are refused: a register entry is prose, and a
/// file this big is almost certainly a mistake (or an attack on the build).
pub const MAX_RECORD_BYTES: u64 = 4 * 1024 * 1024;

/// Which folder a record came from, and so what it must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A file under `requests/`, or `requests/<id>/index.md`.
    Request,
    /// A file under `decisions/`.
    Decision,
}

/// A file beside a folder record's `index.md`. It is published only if the
/// record lists it under `[[attachments]]` (see `attachments`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderFile {
    /// The file name.
    pub name: String,
    /// Its path.
    pub source: PathBuf,
    /// Its metadata when it was listed: a change to the file changes it,
    /// so the check cache reads the record and its attachments again.
    pub stamp: Stamp,
}

/// The metadata that changes whenever a file's content may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified: i128,
    /// Status change time (the modification time where there is none).
    pub changed: i128,
    /// The device and inode (0 where there are none).
    pub device: u64,
    /// The inode.
    pub inode: u64,
    /// Permissions and type.
    pub mode: u32,
}

impl Stamp {
    /// The stamp of a file's metadata (links not followed).
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt as _;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(Stamp {
            len: meta.len(),
            modified: ns(meta.mtime(), meta.mtime_nsec()),
            changed: ns(meta.ctime(), meta.ctime_nsec()),
            device: meta.dev(),
            inode: meta.ino(),
            mode: meta.mode(),
        })
    }

    /// The stamp of a file's metadata (links not followed).
    #[cfg(not(unix))]
    pub fn of(meta: &Metadata) -> Option<Stamp> {
        let modified = nanos(meta.modified().ok()?)?;
        Some(Stamp {
            len: meta.len(),
            modified,
            changed: modified,
            device: 0,
            inode: 0,
            mode: u32::from(meta.permissions().readonly()),
        })
    }

    /// True when neither time is at or after `cut_off` (nanoseconds since
    /// the epoch): only then do the times prove the content unchanged.
    pub fn settled_before(&self, cut_off: i128) -> bool {
        self.modified < cut_off && self.changed < cut_off
    }
}

/// Nanoseconds since the epoch (negative before it).
pub fn nanos(t: std::time::SystemTime) -> Option<i128> {
    match t.duration_since(std::time::SystemTime::UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_nanos()).ok(),
        Err(e) => i128::try_from(e.duration().as_nanos()).ok().map(|n| -n),
    }
}

/// A record file's text, before its fields are read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as it is shown in diagnostics (content folder joined).
    pub path: PathBuf,
    /// Request or decision.
    pub kind: RecordKind,
    /// The whole text, BOM removed and CRLF turned into LF.
    pub text: String,
    /// For folder records: the other files of the folder, sorted by name
    /// (hidden ones left out); `None` for a record that is a file.
    pub folder: Option<Vec<FolderFile>>,
}

/// A record file found by [`find_each`], not yet read.
#[derive(Debug)]
pub struct FoundFile {
    /// The file, its `text` still empty.
    pub file: SourceFile,
    /// Its entry in the folder listing, when that gave it: its metadata is
    /// cheaper to look up through it than by path.
    entry: Option<DirEntry>,
}

impl FoundFile {
    /// The file's metadata, links not followed (as `symlink_metadata`), so
    /// that `check::check_cached` can tell whether it changed.
    pub fn metadata(&self) -> std::io::Result<Metadata> {
        match &self.entry {
            Some(entry) => entry.metadata(),
            None => std::fs::symlink_metadata(&self.file.path),
        }
    }
}

/// The record files of one folder, found but not read.
#[derive(Debug, Default)]
struct FolderListing {
    /// Record files, sorted by path.
    files: Vec<FoundFile>,
    /// Problems with folders and files.
    diagnostics: Vec<Diagnostic>,
    /// Hidden files, never read nor published.
    hidden: Vec<PathBuf>,
}

/// What [`find_each`] found: what `each` made of every record file, the
/// problems with folders and files, and the hidden files left alone.
#[derive(Debug)]
pub struct Listed<T> {
    /// For each record file, sorted by path, requests first.
    pub records: Vec<T>,
    /// Problems with folders and files.
    pub diagnostics: Vec<Diagnostic>,
    /// Hidden files (`.name`), never read nor published.
    pub hidden: Vec<PathBuf>,
}

/// Walks `content/requests/` and `content/decisions/`, handing each record
/// file to `each` in parallel as soon as its folder is listed (both folders
/// are listed at once, and the files of one are looked at while the other
/// is still being listed), with the problems of the folders and files
/// themselves. Results come sorted by path, requests first. `check::check_cached` looks at every
/// file's metadata this way, to read only the files that changed.
pub fn find_each<T: Send>(content: &Path, each: impl Fn(FoundFile) -> T + Sync) -> Listed<T> {
    let in_folder = |folder: &str, kind: RecordKind| {
        let mut found = FolderListing::default();
        load_folder(content, folder, kind, &mut found);
        Listed {
            records: found.files.into_par_iter().map(&each).collect(),
            diagnostics: found.diagnostics,
            hidden: found.hidden,
        }
    };
    let (mut requests, decisions) = rayon::join(
        || in_folder("requests", RecordKind::Request),
        || in_folder("decisions", RecordKind::Decision),
    );
    requests.records.extend(decisions.records);
    requests.diagnostics.extend(strays(content));
    requests.diagnostics.extend(decisions.diagnostics);
    requests.hidden.extend(decisions.hidden);
    requests
}

/// An entry directly in a folder, links not followed.
struct Child {
    entry: DirEntry,
    path: PathBuf,
    file_type: FileType,
}

/// Why a folder, or an entry of it, could not be read; shown in the words
/// of `walkdir`, which listed folders before.
struct ListError {
    path: Option<PathBuf>,
    error: std::io::Error,
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(path) => write!(
                f,
                "IO error for operation on {}: {}",
                path.display(),
                self.error
            ),
            None => self.error.fmt(f),
        }
    }
}

/// The entries directly in `dir` (links not followed), sorted by name,
/// problems first.
fn children(dir: &Path) -> Vec<Result<Child, ListError>> {
    let list = match std::fs::read_dir(dir) {
        Ok(list) => list,
        Err(error) => {
            let path = Some(dir.to_path_buf());
            return vec![Err(ListError { path, error })];
        }
    };
    let mut entries: Vec<Result<Child, ListError>> = list
        .map(|entry| {
            let entry = entry.map_err(|error| ListError { path: None, error })?;
            let path = entry.path();
            match entry.file_type() {
                Ok(file_type) => Ok(Child {
                    entry,
                    path,
                    file_type,
                }),
                Err(error) => Err(ListError {
                    path: Some(path),
                    error,
                }),
            }
        })
        .collect();
    // Every path is `dir` joined with the entry's name, so comparing paths
    // as bytes compares names (comparing `Path`s, or taking each name out
    // of its path, took longer than reading a folder of 10,000 records).
    entries.sort_by(|a, b| match (a, b) {
        (Ok(a), Ok(b)) => a.path.as_os_str().cmp(b.path.as_os_str()),
        _ => a.is_ok().cmp(&b.is_ok()),
    });
    entries
}

/// What the content folder holds beside `site.toml`, `requests/` and
/// `decisions/` (hidden entries such as `.git` aside): an error each. A
/// record parked there (`content/drafts/`) is never read, so the personal
/// data it declares would not be kept out of the published text.
fn strays(content: &Path) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for entry in children(content).into_iter().flatten() {
        let name = entry.path.file_name().unwrap_or_default().to_string_lossy();
        let known = matches!(name.as_ref(), "site.toml" | "requests" | "decisions");
        if is_hidden(&name) && entry.file_type.is_dir() {
            found.extend(hidden_folder(&entry.path));
            continue;
        }
        if known || (is_hidden(&name) && !name.ends_with(".md")) {
            continue;
        }
        found.push(
            Diagnostic::file_error(
                &entry.path,
                "the content folder holds site.toml, requests/ and decisions/ only: this is \
                 never read, so personal data it declares is not kept out of published text",
            )
            .with_help(
                "move it out of the content folder, or into requests/ or decisions/ (with \
                 draft = true or a TLP:AMBER label to keep it unpublished)",
            ),
        );
    }
    found
}

/// A hidden record file (`requests/.A-1.md`): an error, for the same
/// reason as [`strays`].
fn hidden_record(path: &Path) -> Diagnostic {
    Diagnostic::file_error(
        path,
        "a hidden record file is never read, so personal data it declares is not kept out \
         of published text",
    )
    .with_help(
        "remove the leading `.`; to keep the record unpublished, write draft = true or a \
         TLP:AMBER label",
    )
}

/// A hidden folder (`requests/.archive/`, `content/.drafts/`) that holds a
/// record, at any depth: an error naming the folder, for the same reason
/// as [`strays`]. A record is a `.md` file that starts with front matter
/// (`+++`), so a `.github/` folder of notes is left alone; `.git` holds
/// git's files, not the keeper's, and is not searched. Links are not
/// followed.
fn hidden_folder(folder: &Path) -> Option<Diagnostic> {
    if folder.file_name().is_some_and(|n| n == ".git") {
        return None;
    }
    let holds_record = walkdir::WalkDir::new(folder)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .to_ascii_lowercase()
                .ends_with(".md")
        })
        .any(|e| starts_with_front_matter(e.path()));
    holds_record.then(|| {
        Diagnostic::file_error(
            folder,
            "a hidden folder that holds a record file: it is never read, so the personal data \
             and the withheld ids it declares would not be kept out of published text",
        )
        .with_help(
            "move the record out of the hidden folder into requests/ or decisions/ (with \
             draft = true or a TLP:AMBER label to keep it unpublished), or delete it",
        )
    })
}

/// True when the file's first line is `+++` (a record's front matter).
fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 8];
    let Ok(mut file) = std::fs::File::open(path) else {
        // Unreadable: counted as a record, to fail closed.
        return true;
    };
    let n = file.read(&mut head).unwrap_or(0);
    let head = head[..n]
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&head[..n]);
    head.starts_with(b"+++")
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// True when `path` itself is a symbolic link (not followed).
fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn load_folder(content: &Path, folder: &str, kind: RecordKind, loaded: &mut FolderListing) {
    let root = content.join(folder);
    // Listing a root that is a link would follow it: refuse it here, or
    // records from outside the content folder would be read (and published).
    if is_symlink(&root) {
        loaded.diagnostics.push(
            Diagnostic::file_error(&root, "symbolic links are not followed").with_help(format!(
                "replace the link with the `{folder}/` folder itself"
            )),
        );
        return;
    }
    if !root.is_dir() {
        return;
    }
    for entry in children(&root) {
        match entry {
            Ok(child) => load_child(child, folder, kind, loaded),
            Err(e) => {
                let path = e.path.clone().unwrap_or_else(|| root.clone());
                loaded
                    .diagnostics
                    .push(Diagnostic::file_error(&path, format!("cannot read: {e}")));
            }
        }
    }
}

/// One entry of `requests/` or `decisions/`: a record file, a folder
/// record (requests only), or something reported (hidden, a link, a file
/// that is no record).
fn load_child(child: Child, folder: &str, kind: RecordKind, loaded: &mut FolderListing) {
    let Child {
        entry,
        path,
        file_type,
    } = child;
    // Taken from the path, which ends with it, to save two copies.
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if is_hidden(&name) {
        if name.ends_with(".md") && !file_type.is_dir() {
            loaded.diagnostics.push(hidden_record(&path));
        } else if file_type.is_dir() {
            loaded.diagnostics.extend(hidden_folder(&path));
        }
        loaded.hidden.push(path);
        return;
    }
    let md = name.ends_with(".md");
    if file_type.is_symlink() {
        loaded.diagnostics.push(
            Diagnostic::file_error(&path, "symbolic links are not followed")
                .with_help("replace the link with the file or folder itself"),
        );
    } else if file_type.is_dir() && kind == RecordKind::Request {
        load_folder_record(&path, loaded);
    } else if file_type.is_file() && md {
        loaded.files.push(FoundFile {
            file: SourceFile {
                path,
                kind,
                text: String::new(),
                folder: None,
            },
            entry: Some(entry),
        });
    } else {
        loaded.diagnostics.push(not_a_record(&path, folder, kind));
    }
}

/// A file in `requests/` or `decisions/` that is not a `.md` record.
fn not_a_record(path: &Path, folder: &str, kind: RecordKind) -> Diagnostic {
    Diagnostic::file_error(
        path,
        format!("`{folder}/` holds records only, and this is not a `.md` file"),
    )
    .with_help(if kind == RecordKind::Request {
        "attachments go in a folder record: requests/<id>/index.md beside the files"
    } else {
        "move the file out of the content folder, or give it a `.md` name"
    })
}

fn load_folder_record(folder: &Path, loaded: &mut FolderListing) {
    let mut files = Vec::new();
    let mut index = None;
    for entry in children(folder) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                loaded
                    .diagnostics
                    .push(Diagnostic::file_error(folder, format!("cannot read: {e}")));
                continue;
            }
        };
        let name = entry.entry.file_name().to_string_lossy().into_owned();
        if name == "index.md" {
            index = Some(entry);
        } else if is_hidden(&name) {
            hidden_in_folder_record(&entry, &name, loaded);
        } else if entry.file_type.is_symlink() {
            loaded.diagnostics.push(
                Diagnostic::file_error(&entry.path, "symbolic links are not followed")
                    .with_help("put the attachment itself in the record's folder"),
            );
        } else if !entry.file_type.is_file() {
            loaded.diagnostics.push(
                Diagnostic::file_error(&entry.path, "a folder record's attachments must be files")
                    .with_help("move nested folders out of the record's folder"),
            );
        } else {
            match entry.entry.metadata().ok().as_ref().and_then(Stamp::of) {
                Some(stamp) => files.push(FolderFile {
                    name,
                    source: entry.path,
                    stamp,
                }),
                None => loaded.diagnostics.push(Diagnostic::file_error(
                    &entry.path,
                    "cannot read the file's metadata",
                )),
            }
        }
    }
    folder_record_index(folder, index, files, loaded);
}

/// A hidden entry in a folder record: never published, never read; a
/// hidden folder that holds records is an error, and an editor's lock
/// file is worth a word, since the keeper may be editing the record now.
fn hidden_in_folder_record(entry: &Child, name: &str, loaded: &mut FolderListing) {
    loaded.hidden.push(entry.path.clone());
    if entry.file_type.is_dir() {
        loaded.diagnostics.extend(hidden_folder(&entry.path));
    }
    if crate::source::attachments::is_editor_lock(name) {
        loaded.diagnostics.push(
            Diagnostic::file_error(
                &entry.path,
                "an editor's lock or swap file: it is never published",
            )
            .as_warning()
            .with_help("nothing to do while the file is open; delete it if the editor has closed"),
        );
    }
}

/// A folder record's `index.md`, found with the other `files` of its
/// folder; the listing already says what it is, so no need to ask again.
fn folder_record_index(
    folder: &Path,
    index: Option<Child>,
    files: Vec<FolderFile>,
    loaded: &mut FolderListing,
) {
    match index {
        Some(index) if index.file_type.is_symlink() => loaded.diagnostics.push(
            Diagnostic::file_error(&index.path, "symbolic links are not followed")
                .with_help("replace the link with the record file itself"),
        ),
        Some(index) if index.file_type.is_file() => loaded.files.push(FoundFile {
            file: SourceFile {
                path: index.path,
                kind: RecordKind::Request,
                text: String::new(),
                folder: Some(files),
            },
            entry: Some(index.entry),
        }),
        _ => loaded.diagnostics.push(
            Diagnostic::file_error(folder, "a folder record needs an `index.md`")
                .with_help("add index.md with the request's front matter and body"),
        ),
    }
}

/// True for names that are safe as a URL segment and a file name anywhere.
pub fn is_safe_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Reads one record file found by [`find_each`]: size limit, UTF-8, BOM
/// and line ends handled here, for `check::check_cached`.
pub fn read_record(path: &Path) -> Result<String, Box<Diagnostic>> {
    read_text(
        path,
        MAX_RECORD_BYTES,
        "a record",
        "move large material into an attachment of a folder record",
    )
}

/// Reads a text file of at most `limit` bytes as [`decode`] does; `what`
/// names the kind of file and `help` says what to do with one over the limit.
pub fn read_text(
    path: &Path,
    limit: u64,
    what: &str,
    help: &str,
) -> Result<String, Box<Diagnostic>> {
    use std::io::Read as _;
    let cannot =
        |e: std::io::Error| Box::new(Diagnostic::file_error(path, format!("cannot read: {e}")));
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Room for the whole file as its size says (and the byte that tells
    // the end), so it is read in one go.
    let size = file.metadata().map_or(0, |m| m.len()).min(limit) + 1;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // Read one byte past the limit to know it was passed, never more.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(Box::new(
            Diagnostic::file_error(
                path,
                format!("the file is larger than {limit} bytes, the limit for {what}"),
            )
            .with_help(help),
        ));
    }
    let mut diagnostics = Vec::new();
    decode(path, bytes, &mut diagnostics).ok_or_else(|| {
        Box::new(
            diagnostics
                .pop()
                .unwrap_or_else(|| Diagnostic::file_error(path, "cannot read")),
        )
    })
}

/// Turns a record's bytes into text: UTF-8 only, without BOM, LF line ends.
pub fn decode(path: &Path, bytes: Vec<u8>, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            diagnostics.push(
                Diagnostic::error(
                    path,
                    &prefix,
                    valid,
                    "the file is not valid UTF-8 (a binary file, or another encoding)",
                )
                .with_help("save the file as UTF-8 text"),
            );
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.contains('\0') {
        let at = text.find('\0').unwrap_or(0);
        diagnostics.push(
            Diagnostic::error(
                path,
                text,
                at,
                "the file contains a NUL byte (a binary file?)",
            )
            .with_help("records are Markdown text; put binary files in a folder record"),
        );
        return None;
    }
    // A lone CR ends a line in every editor (and in Markdown): read as LF
    // too, so line numbers in diagnostics match what the keeper sees.
    Some(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_crlf_and_rejects_binary() {
        let p = Path::new("x.md");
        let mut d = Vec::new();
        assert_eq!(
            decode(p, b"\xef\xbb\xbf+++\r\n+++\r\n".to_vec(), &mut d).unwrap(),
            "+++\n+++\n"
        );
        // A lone CR is a line end, as an editor shows it.
        assert_eq!(
            decode(p, b"+++\rid = 1\r+++\r\nx".to_vec(), &mut d).unwrap(),
            "+++\nid = 1\n+++\nx"
        );
        assert!(decode(p, b"+++\nab\xff".to_vec(), &mut d).is_none());
        assert_eq!((d[0].line, d[0].column), (2, 3));
        assert!(decode(p, b"ab\0".to_vec(), &mut d).is_none());
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn safe_file_names() {
        assert!(is_safe_file_name("triage-notes_v2.pdf"));
        for bad in ["", "..", ".hidden", "a/b", "a\\b", "é.pdf", "a b.pdf"] {
            assert!(!is_safe_file_name(bad), "{bad}");
        }
    }
}
