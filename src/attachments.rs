//! Attachments: the files of a folder record that its front matter lists.
//!
//! A folder record publishes exactly the files listed under
//! `[[attachments]]`, each with a title and a TLP classification of its
//! own; any other file in the folder is an error, never guessed to be an
//! attachment. The usual unlisted file is an editor's or a merge's
//! leftover copy of the record itself (`index.md.orig`, `index.md~`), which
//! holds everything the record withholds, personal data included.
//!
//! A listed attachment is published as it is, byte for byte, so its text
//! is checked like a body before it is: passage markers (which cannot work
//! in a file published whole) and personal data. A binary file (a PDF, an
//! image, an office document) cannot be read as text; only its printable
//! runs are searched for the personal data records declare (which finds a
//! PDF's author metadata, not compressed text), and classifying it CLEAR
//! or WHITE is the keeper's statement that it may be published.

use crate::classification::Tlp;
use crate::diagnostic::{Diagnostic, Message};
use crate::load::FolderFile;
use std::path::{Path, PathBuf};

/// A file a folder record lists, present in its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name, which becomes its URL segment.
    pub name: String,
    /// Its title, as readers see it.
    pub title: String,
    /// Its own classification; `None` when unknown (and so withheld).
    pub classification: Option<Tlp>,
    /// Where to copy it from.
    pub source: PathBuf,
    /// Size in bytes.
    pub size: u64,
}

impl Attachment {
    /// True when the attachment itself may be published (its record must be
    /// public too).
    pub fn is_public(&self) -> bool {
        self.classification.is_some_and(Tlp::is_public)
    }
}

/// Text attachments larger than this cannot be checked, so are refused.
pub const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;
/// Binary attachments are searched for declared personal data up to this
/// size; a larger one is refused rather than published unchecked.
pub const MAX_BINARY_BYTES: u64 = 256 * 1024 * 1024;

/// Extensions of files read and checked as text.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "csv", "tsv", "md", "markdown", "json", "xml", "html", "htm", "xhtml", "svg", "yaml",
    "yml", "toml", "log", "ics", "vtt", "srt", "rtf", "eml",
];
/// Extensions of files that are not text: searched for printable runs.
const BINARY_EXTENSIONS: &[&str] = &[
    "pdf", "png", "jpg", "jpeg", "gif", "webp", "avif", "tif", "tiff", "bmp", "ico", "zip", "gz",
    "7z", "docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt", "mp3", "mp4", "wav",
    "mov", "webm",
];

/// True for names an editor or a merge leaves beside a file it works on:
/// backups, merge leftovers, swap and lock files, autosaves.
pub fn is_leftover(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with('~')
        || (lower.starts_with('#') && lower.ends_with('#'))
        || is_editor_lock(&lower)
        || [
            ".orig", ".bak", ".rej", ".swp", ".swo", ".tmp", ".old", ".save",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || lower.contains(".md.")
}

/// True for an editor's lock or swap file (hidden: `.~lock.index.md#`,
/// `.index.md.swp`, Emacs's `.#index.md`).
pub fn is_editor_lock(name: &str) -> bool {
    name.starts_with(".~lock.")
        || name.starts_with(".#")
        || (name.starts_with('.') && (name.ends_with(".swp") || name.ends_with(".swo")))
}

/// True when the name is a record's: `*.md`, which belongs in `requests/`.
/// True when the name is a record's, or a copy of one (`index.md~`,
/// `index.md.orig`): `*.md`, which belongs in `requests/`.
fn looks_like_a_record(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md")
        || lower.contains(".md.")
        || lower.contains(".md~")
        || lower.ends_with(".md#")
}

/// The error for a file in a record's folder that the record does not
/// list: it is not published, and the keeper should know why.
pub fn unlisted(file: &FolderFile) -> Diagnostic {
    let name = &file.name;
    let (message, help) = if looks_like_a_record(name) && is_leftover(name) {
        (
            "looks like an editor's or a merge's leftover copy of a record",
            "delete it (it may hold everything the record withholds); it is never published",
        )
    } else if is_leftover(name) {
        (
            "looks like an editor's or a merge's leftover (a backup, a merge remainder, a swap file)",
            "delete it or move it out of the content folder; it is never published",
        )
    } else if looks_like_a_record(name) {
        (
            "looks like a record, but a folder record has one, `index.md`",
            "make it a record of its own in `requests/`, or delete it; it is never published",
        )
    } else {
        (
            "is in a folder record but not listed under [[attachments]], so it is not published",
            "list it in index.md: [[attachments]] file = \"<name>\", title = \"...\", \
             classification = \"TLP:CLEAR\"; or move it out of the content folder",
        )
    };
    Diagnostic::file_error(
        &file.source,
        Message::new("").quote(name).text(" ").text(message),
    )
    .with_help(help)
}

/// The passage markers in a text attachment, and anything that reads like
/// one: each an error, since the file is published byte for byte.
pub fn marker_problems(path: &Path, text: &str) -> Vec<Diagnostic> {
    crate::passages::markers_in(text)
        .into_iter()
        .map(|found| {
            let help = match found.comment {
                crate::passages::Comment::LookAlike(meant) => {
                    crate::passages::look_alike_help(meant)
                }
                _ => Message::new(
                    "remove the withheld passage from the file, or classify the attachment with \
                     a colour that withholds it",
                ),
            };
            Diagnostic::error(
                path,
                text,
                found.offset,
                "an attachment is published as it is, so it cannot hold a TLP passage marker \
                 or anything that reads like one",
            )
            .with_help(help)
        })
        .collect()
}

/// What an attachment holds, for the checks on published text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A text file, whole.
    Text(String),
    /// A binary file's printable runs, one per line: searched for the
    /// declared personal data only.
    Printable(String),
}

/// How a file is read for checking, by its name.
enum Kind {
    Text,
    Binary,
    Unknown,
}

fn kind(name: &str) -> Kind {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if TEXT_EXTENSIONS.contains(&ext.as_str()) {
        Kind::Text
    } else if BINARY_EXTENSIONS.contains(&ext.as_str()) {
        Kind::Binary
    } else {
        Kind::Unknown
    }
}

/// Reads a listed attachment for checking: a text file as text (it must be
/// UTF-8), a binary one as its printable runs; a file of no known kind is
/// read as text when its bytes are text.
pub fn read(a: &Attachment) -> Result<Content, Box<Diagnostic>> {
    match kind(&a.name) {
        Kind::Text => read_text(&a.source).map(Content::Text),
        Kind::Binary => read_printable(&a.source).map(Content::Printable),
        Kind::Unknown => {
            let bytes = read_bytes(&a.source, MAX_BINARY_BYTES)?;
            if is_text(&bytes) {
                read_text(&a.source).map(Content::Text)
            } else {
                Ok(Content::Printable(printable_runs(&bytes)))
            }
        }
    }
}

fn read_text(path: &Path) -> Result<String, Box<Diagnostic>> {
    crate::load::read_text(
        path,
        MAX_TEXT_BYTES,
        "a text attachment, which is checked before it is published",
        "split it, or publish it in a format that is not text, e.g. PDF",
    )
}

fn read_printable(path: &Path) -> Result<String, Box<Diagnostic>> {
    read_bytes(path, MAX_BINARY_BYTES).map(|b| printable_runs(&b))
}

fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, Box<Diagnostic>> {
    use std::io::Read as _;
    let cannot =
        |e: std::io::Error| Box::new(Diagnostic::file_error(path, format!("cannot read: {e}")));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(Box::new(
            Diagnostic::file_error(
                path,
                format!("the attachment is larger than {limit} bytes, too large to check"),
            )
            .with_help("publish it elsewhere and link to it, or split it"),
        ));
    }
    Ok(bytes)
}

/// True when bytes are UTF-8 text without NUL bytes.
fn is_text(bytes: &[u8]) -> bool {
    !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

/// The runs of four or more printable ASCII characters in binary bytes,
/// read as single bytes and as UTF-16 in either byte order (how PDF
/// metadata writes names), one run per line.
pub fn printable_runs(bytes: &[u8]) -> String {
    let printable = |b: u8| b == b' ' || b.is_ascii_graphic();
    let mut runs: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push_runs = |units: &mut dyn Iterator<Item = Option<u8>>| {
        let mut run = String::new();
        for unit in units.chain(std::iter::once(None)) {
            match unit {
                Some(b) if printable(b) => run.push(char::from(b)),
                // Read from either byte, UTF-16 text comes out twice: once
                // is enough.
                _ if run.len() >= 4 && seen.insert(run.clone()) => {
                    runs.push(std::mem::take(&mut run))
                }
                _ => run.clear(),
            }
        }
    };
    push_runs(&mut bytes.iter().map(|&b| Some(b)));
    for offset in [0, 1] {
        // UTF-16: an ASCII character is a zero byte beside its byte.
        let pairs = bytes.get(offset..).unwrap_or_default().chunks_exact(2);
        push_runs(&mut pairs.map(|p| match (p[0], p[1]) {
            (0, b) | (b, 0) if b != 0 => Some(b),
            _ => None,
        }));
    }
    runs.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_and_records_are_told_apart() {
        for name in [
            "index.md~",
            "index.md.orig",
            "index.md.bak",
            "index.md.rej",
            "index.md.swp",
            "#index.md#",
            "index.md.2024-01-05",
            "notes.txt.old",
        ] {
            assert!(is_leftover(name), "{name}");
        }
        for name in ["triage-notes.pdf", "index.html", "log.txt", "index.md"] {
            assert!(!is_leftover(name), "{name}");
        }
        for name in [".~lock.index.md#", ".index.md.swp", ".#index.md"] {
            assert!(is_editor_lock(name), "{name}");
        }
        assert!(!is_editor_lock(".DS_Store"));
    }

    #[test]
    fn printable_runs_find_ascii_and_utf16_text() {
        let mut pdf = b"%PDF-1.7\x00\x01\x02/Author (Wilfred Ashby)\xff\xfe".to_vec();
        // "Gideon" in UTF-16 big-endian, after a byte-order mark.
        pdf.extend_from_slice(b"\xfe\xff\x00G\x00i\x00d\x00e\x00o\x00n\x01");
        let runs = printable_runs(&pdf);
        assert!(runs.contains("/Author (Wilfred Ashby)"), "{runs}");
        assert!(runs.contains("Gideon"), "{runs}");
        assert!(!runs.contains('\u{0}'));
    }

    #[test]
    fn text_is_sniffed_from_bytes() {
        assert!(is_text("plain é\n".as_bytes()));
        assert!(!is_text(b"a\x00b"));
        assert!(!is_text(b"\xff\xfe"));
    }
}
