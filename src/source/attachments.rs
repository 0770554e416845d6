//! Attachments: the files of a folder record that its front matter lists.
//!
//! A folder record publishes exactly the files listed under
//! `[[attachments]]`, each with a title and a TLP classification of its
//! own; any other file in the folder is an error, never guessed to be an
//! attachment. The usual unlisted file is an editor's or a merge's
//! leftover copy of the record itself (`index.md.orig`, `index.md~`), which
//! holds everything the record withholds, personal data included.
//!
//! A listed attachment is published as it is, byte for byte, so it is
//! checked like a body before it is. Whether it is text is decided by its
//! bytes, not its name: any file that is UTF-8 (or UTF-16 with a
//! byte-order mark) is read as text, whatever its extension, and may hold
//! no passage marker (which cannot work in a file published whole), no
//! personal data, no contact detail and no withheld id. Any other file is
//! binary: its printable runs (as ASCII, Windows-1252 and UTF-16) are
//! searched for the personal data records declare and for withheld ids
//! (which finds a PDF's author metadata, not compressed text), and
//! classifying it CLEAR or WHITE is the keeper's statement that it may be
//! published. Scripts are never published, nor is markup that holds one:
//! served from the register's own site, they would act as the register.
//!
//! The bytes checked are the bytes published: they are kept, with the
//! record, from the check to the output (see [`CheckedBytes`]).

use crate::diagnostic::{Diagnostic, Message};
use crate::model::classification::Tlp;
use crate::source::folder::FolderFile;
use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

/// A file a folder record lists, present in its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name, which becomes its URL segment.
    pub name: String,
    /// Its title, as readers see it.
    pub title: String,
    /// Its own classification; `None` when unknown (and so withheld).
    pub classification: Option<Tlp>,
    /// Where it is in the content folder (read once, when it is checked).
    pub source: PathBuf,
    /// Size in bytes, when the folder was listed.
    pub size: u64,
    /// `checked_by_keeper = true`: the keeper's statement that the parts
    /// of a binary file the generator cannot read (a PDF stream in a
    /// compression it does not know, an encrypted PDF, a compressed
    /// archive) were checked by a person. Without it such a file is an
    /// error, never published unscreened.
    pub checked_by_keeper: bool,
    /// Its bytes as they were checked, for a public attachment of a public
    /// request once it passed its checks: what is published, never the
    /// file as it may be by the time the site is written.
    pub checked: Option<CheckedBytes>,
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

/// Extensions of files that must be text (UTF-8, or UTF-16 with a
/// byte-order mark): one that is not is an error, not read as binary. Any
/// other file is read as text too when its bytes are text.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "csv", "tsv", "md", "markdown", "json", "xml", "html", "htm", "xhtml", "svg", "yaml",
    "yml", "toml", "log", "ics", "vtt", "srt", "rtf", "eml", "css",
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

/// The passage markers in a file published byte for byte (`what`: an
/// attachment, a theme's static file), and anything that reads like one:
/// each an error, since a marker cannot withhold part of a whole file.
pub fn marker_problems(path: &Path, text: &str, what: &str) -> Vec<Diagnostic> {
    crate::publish::passages::markers_in(text)
        .into_iter()
        .map(|found| {
            let help = match found.comment {
                crate::publish::passages::Comment::LookAlike(meant) => {
                    crate::publish::passages::look_alike_help(meant)
                }
                _ => Message::new(
                    "remove the withheld passage from the file, or (an attachment) classify it \
                     with a colour that withholds it",
                ),
            };
            Diagnostic::error(
                path,
                text,
                found.offset,
                format!(
                    "{what} is published as it is, so it cannot hold a TLP passage marker or \
                     anything that reads like one"
                ),
            )
            .with_help(help)
        })
        .collect()
}

/// What an attachment holds, for the checks on published text.
///
/// Whether a file is text is decided by its bytes, never by its name: a
/// `.pdf` or `.dat` that is really UTF-8 text is read, and checked, as
/// text, since that is what a reader who opens it sees.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Content {
    /// The file's text, when its bytes are text: UTF-8 (a byte-order mark
    /// dropped) or UTF-16 after a byte-order mark; line ends read as LF.
    /// Checked like a body: markers, personal data, contacts, withheld ids.
    pub text: Option<String>,
    /// The printable runs of a file that is not UTF-8 (see
    /// [`printable_runs`]), one per line: searched for the declared
    /// personal data and withheld ids. A UTF-16 file has both: bytes that
    /// only start like UTF-16 may hold single-byte text after the mark.
    pub runs: Option<String>,
    /// The strings of a PDF (its literal `(...)` and hex `<...>` strings,
    /// escapes and encodings decoded, in its streams too once inflated),
    /// one per line: text a reader or a PDF reader's "Properties" shows,
    /// screened like a body (contact details too).
    pub strings: Option<String>,
    /// What the generator could not read in a binary file, when anything:
    /// such a file is refused unless its listing says
    /// `checked_by_keeper = true`.
    pub unreadable: Option<String>,
}

/// The bytes of an attachment exactly as they were checked: what a build
/// writes and `register serve` serves, so nothing that changes the file
/// between the check and the copy (an edit, a rename, a link put in its
/// place) is ever published. Shared, not copied.
#[derive(Clone, Default)]
pub struct CheckedBytes(pub Arc<[u8]>);

impl PartialEq for CheckedBytes {
    fn eq(&self, other: &CheckedBytes) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for CheckedBytes {}

impl std::fmt::Debug for CheckedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CheckedBytes({} bytes)", self.0.len())
    }
}

/// An attachment read for checking: its bytes and what they hold.
#[derive(Debug, Clone)]
pub struct Read {
    /// The bytes, as checked.
    pub bytes: CheckedBytes,
    /// What they hold.
    pub content: Content,
}

/// Extensions of files a browser runs as code when the site serves them
/// (scripts, WebAssembly, compressed SVG that cannot be read for scripts):
/// served from the register's own origin, they could act as the register.
const ACTIVE_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsm", "wasm", "svgz"];
/// Extensions of files a browser renders as markup, running any script
/// they hold: they must be text, and hold no script.
const MARKUP_EXTENSIONS: &[&str] = &[
    "html", "htm", "xhtml", "xht", "shtml", "svg", "xml", "xsl", "xslt", "rss", "atom", "mht",
    "mhtml",
];

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// True for a file a browser reads as markup (decoding character
/// references, `Wilfred&nbsp;Ashby`, and running scripts).
pub fn is_markup(name: &str) -> bool {
    MARKUP_EXTENSIONS.contains(&extension(name).as_str())
}

/// Why a file listed under `[[attachments]]` can never be one, by its
/// name: an editor's or a merge's leftover, or a record (`*.md`). Such a
/// file is usually a copy of the record, with everything it withholds.
pub fn refused_name(name: &str) -> Option<&'static str> {
    if looks_like_a_record(name) {
        Some("is named like a record or a copy of one (`*.md`, `index.md.bak`)")
    } else if is_leftover(name) {
        Some(
            "is named like an editor's or a merge's leftover (a backup, a merge remainder, a swap file)",
        )
    } else {
        None
    }
}

/// Reads a listed, public attachment for checking: its bytes (a regular
/// file, at most [`MAX_BINARY_BYTES`]), as text when they are text (at
/// most [`MAX_TEXT_BYTES`]), else as their printable runs. Scripts are
/// refused, and so is markup that is not text or holds a script.
pub fn read(a: &Attachment) -> Result<Read, Box<Diagnostic>> {
    let ext = extension(&a.name);
    if ACTIVE_EXTENSIONS.contains(&ext.as_str()) {
        return Err(Box::new(active_file(&a.source)));
    }
    let bytes = read_regular(&a.source, MAX_BINARY_BYTES)?;
    let named_as_text = is_markup(&a.name) || TEXT_EXTENSIONS.contains(&ext.as_str());
    let content = content_of(a, &bytes, named_as_text)?;
    if let Some(what) = &content.unreadable
        && !a.checked_by_keeper
    {
        return Err(Box::new(unreadable_parts(&a.source, what)));
    }
    if is_markup(&a.name)
        && let Some(text) = &content.text
    {
        refuse_markup(a, text)?;
    }
    // A stylesheet is markup's style read alone: markup that links it
    // shows what it writes.
    if ext == "css"
        && let Some(text) = &content.text
        && let Some(why) = crate::source::markup::css_refusal(text)
        && !a.checked_by_keeper
    {
        return Err(Box::new(refused_stylesheet(&a.source, why.message())));
    }
    Ok(Read {
        bytes: CheckedBytes(Arc::from(bytes)),
        content,
    })
}

/// What the screen reads of an attachment's bytes: its text when it is
/// text (a PDF written as text read as a PDF too), else its runs and
/// strings in every encoding, and what of it could not be read.
fn content_of(
    a: &Attachment,
    bytes: &[u8],
    named_as_text: bool,
) -> Result<Content, Box<Diagnostic>> {
    let content = match as_text(bytes) {
        Some((text, _)) if text.len() as u64 > MAX_TEXT_BYTES => {
            return Err(Box::new(too_large_text(&a.source)));
        }
        // A PDF written as text still hides text in its hex strings and
        // compressed streams: read as a PDF too.
        Some((text, _)) if crate::source::binary::is_pdf(bytes) => {
            let binary = crate::source::binary::read(bytes);
            Content {
                text: Some(text),
                runs: Some(binary.runs),
                strings: Some(binary.strings).filter(|s| !s.is_empty()),
                unreadable: binary.unreadable,
            }
        }
        Some((text, wide)) => Content {
            runs: wide.then(|| printable_runs(bytes)),
            text: Some(text),
            ..Content::default()
        },
        None if named_as_text => {
            return Err(Box::new(not_text(&a.source, bytes)));
        }
        None => binary_content(bytes),
    };
    Ok(content)
}

/// What the screen reads of a binary attachment.
fn binary_content(bytes: &[u8]) -> Content {
    let mut binary = crate::source::binary::read(bytes);
    // A file of single-byte text (a vCard, a CSV from an old tool): its
    // text read as Windows-1252 is screened like a body, contact details
    // included (not a PDF's, whose tables of numbers are no telephone
    // numbers).
    if !crate::source::binary::is_pdf(bytes)
        && let Some((text, _)) = windows_1252_text(bytes)
    {
        binary.strings.push('\n');
        binary.strings.push_str(&text);
    }
    Content {
        text: None,
        runs: Some(binary.runs),
        strings: Some(binary.strings).filter(|s| !s.is_empty()),
        unreadable: binary.unreadable,
    }
}

/// Refuses markup that runs a script, or that hides or places its text
/// otherwise than written (the latter unless a person read it as shown).
fn refuse_markup(a: &Attachment, text: &str) -> Result<(), Box<Diagnostic>> {
    if let Some(at) = active_markup(text) {
        return Err(Box::new(scripted_markup(&a.source, text, at)));
    }
    let Some((at, why)) = crate::source::markup::refused(text) else {
        return Ok(());
    };
    use crate::source::markup::Refusal;
    // Text hidden or placed otherwise: a person may read the file as
    // shown and say so; a script never.
    let keeper_may = matches!(why, Refusal::Hidden | Refusal::Position);
    if keeper_may && a.checked_by_keeper {
        return Ok(());
    }
    let help = if keeper_may {
        format!(
            "{}; or, once a person has read the file as a browser shows it, add \
             checked_by_keeper = true to its [[attachments]] entry",
            why.help()
        )
    } else {
        why.help().to_string()
    };
    Err(Box::new(
        Diagnostic::error(&a.source, text, at, why.message()).with_help(help),
    ))
}

/// An attachment with parts the generator cannot read (`what`).
fn unreadable_parts(path: &Path, what: &str) -> Diagnostic {
    Diagnostic::file_error(
        path,
        format!(
            "the file holds parts the generator cannot read ({what}): their text \
             cannot be checked for personal data or withheld ids"
        ),
    )
    .with_help(
        "save it again without them (a PDF with ordinary compression, an archive \
         unpacked), or, once a person has read every part of it, add \
         checked_by_keeper = true to its [[attachments]] entry",
    )
}

/// A stylesheet that can write, hide or move a page's text.
fn refused_stylesheet(path: &Path, why: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::file_error(
        path,
        format!(
            "the stylesheet can write, hide, move or reorder the text of a page that \
             uses it (CSS `content:`, a `\\` escape, `@import`, `@font-face`, \
             `display:none`...): {why}"
        ),
    )
    .with_help(
        "remove those rules from the file, or, once a person has checked every page \
         that can use it, add checked_by_keeper = true to its [[attachments]] entry",
    )
}

fn active_file(path: &Path) -> Diagnostic {
    Diagnostic::file_error(
        path,
        "a script (or a file a browser runs as code) cannot be published as an attachment: \
         served from the register's own site, it would act as the register",
    )
    .with_help(
        "publish it in an archive (`.zip`) or as text (`.txt`), or classify it with a colour \
         that withholds it",
    )
}

fn too_large_text(path: &Path) -> Diagnostic {
    Diagnostic::file_error(
        path,
        format!(
            "the file is text larger than {MAX_TEXT_BYTES} bytes, the limit for a text \
             attachment, which is checked before it is published"
        ),
    )
    .with_help("split it, or publish it in a format that is not text, e.g. PDF")
}

/// The error for a file named as text or markup whose bytes are neither
/// UTF-8 nor UTF-16: placed where the UTF-8 stops.
fn not_text(path: &Path, bytes: &[u8]) -> Diagnostic {
    let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
    let prefix = String::from_utf8_lossy(&bytes[..valid]);
    Diagnostic::error(
        path,
        &prefix,
        valid,
        "the file is not valid UTF-8 (a binary file, or another encoding): a text or markup \
         attachment is checked as text before it is published",
    )
    .with_help("save the file as UTF-8 text")
}

fn scripted_markup(path: &Path, text: &str, at: usize) -> Diagnostic {
    Diagnostic::error(
        path,
        text,
        at,
        "the file holds a script (`<script>`, an `on...=` event handler or a `javascript:` \
         address): served from the register's own site, it would run as the register",
    )
    .with_help(
        "remove the script from the file, publish it as PDF or as an image, or classify it \
         with a colour that withholds it",
    )
}

/// Reads `path` when it is a regular file of at most `limit` bytes. The
/// file opened must be the one looked at (same device and inode): a file
/// replaced by a link between the listing and the read is never followed.
fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Box<Diagnostic>> {
    use std::io::Read as _;
    let cannot =
        |e: std::io::Error| Box::new(Diagnostic::file_error(path, format!("cannot read: {e}")));
    let looked = std::fs::symlink_metadata(path).map_err(cannot)?;
    let file = std::fs::File::open(path).map_err(cannot)?;
    let opened = file.metadata().map_err(cannot)?;
    if !looked.file_type().is_file() || !same_file(&looked, &opened) {
        return Err(Box::new(
            Diagnostic::file_error(
                path,
                "the attachment is not a regular file, or was replaced while it was read",
            )
            .with_help(
                "put the file itself in the record's folder (links are never followed), and \
                 build again once it is no longer being changed",
            ),
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
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

/// True when two metadata are of the same regular file.
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    b.file_type().is_file() && a.dev() == b.dev() && a.ino() == b.ino()
}

/// True when two metadata are of the same regular file (as far as can be
/// told here).
#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    b.file_type().is_file() && a.len() == b.len()
}

/// The text of `bytes` when they are text, and whether it was UTF-16:
/// UTF-8 (a byte-order mark dropped), or UTF-16 in either byte order after
/// a byte-order mark (a unit that is not a character read as U+FFFD).
/// Line ends are read as LF, so positions match an editor's.
pub fn as_text(bytes: &[u8]) -> Option<(String, bool)> {
    let utf8 = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(utf8) {
        return Some((line_ends(text), false));
    }
    // UTF-32 after a byte-order mark (before UTF-16: `FF FE 00 00` starts
    // like UTF-16 little-endian).
    let utf32 = match bytes {
        [0xff, 0xfe, 0, 0, rest @ ..] => Some((false, rest)),
        [0, 0, 0xfe, 0xff, rest @ ..] => Some((true, rest)),
        _ => None,
    };
    if let Some((big_endian, rest)) = utf32
        && rest.len() % 4 == 0
    {
        let text: String = rest
            .chunks_exact(4)
            .map(|q| {
                let q = [q[0], q[1], q[2], q[3]];
                let unit = if big_endian {
                    u32::from_be_bytes(q)
                } else {
                    u32::from_le_bytes(q)
                };
                char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect();
        return Some((line_ends(&text), true));
    }
    let (big_endian, rest) = match bytes {
        [0xfe, 0xff, rest @ ..] => (true, rest),
        [0xff, 0xfe, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = rest.chunks_exact(2).map(|p| {
        let pair = [p[0], p[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some((line_ends(&text), true))
}

/// Single-byte text: every byte a printable Windows-1252 character, a
/// tab or a line end, and at least one beyond ASCII (else it is UTF-8).
fn windows_1252_text(bytes: &[u8]) -> Option<(String, bool)> {
    let printable = |b: u8| {
        matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)
            || (0x20..0x7f).contains(&b)
            || (b >= 0x80 && windows_1252(b) != '\u{fffd}')
            || b >= 0xa0
    };
    if bytes.is_empty() || !bytes.iter().all(|&b| printable(b)) {
        return None;
    }
    let text: String = bytes.iter().map(|&b| windows_1252(b)).collect();
    Some((line_ends(&text), true))
}

/// `text` as the screen reads it for contact details: a PDF written as
/// plain text (`%PDF-`, no binary bytes) keeps its cross-reference table
/// of ten-digit offsets (`0000000009 00000 n`), which is no telephone
/// number and never shown to a reader, blanked out (same length, so
/// offsets stay). Anything else is `text` itself.
pub fn without_pdf_offsets(text: &str) -> std::borrow::Cow<'_, str> {
    static ENTRY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^[0-9]{10} [0-9]{5} [nf]").expect("valid pattern"));
    if !text.starts_with("%PDF-") || !ENTRY.is_match(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    ENTRY.replace_all(text, "                  ")
}

fn line_ends(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

/// Where markup holds something a browser runs: a `<script>` element
/// (namespaced too, `<html:script>`), an event handler attribute
/// (`onload=`), an animation that sets one, or a `javascript:` (or
/// `vbscript:`) address, however spelt (character references, white space
/// or control characters inside the scheme, any case). `None` for none.
pub fn active_markup(text: &str) -> Option<usize> {
    static TAGS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)<\s*(?:[^\s<>/:]+:)?script\b|[\s/"'\x00]on[a-z]{2,}\s*=|attributename\s*=\s*["']?\s*on"#,
        )
        .expect("valid pattern")
    });
    let (read, from) = crate::source::markup::decoded(text);
    let from = Some(from);
    let place = |at: usize| from.as_ref().and_then(|f| f.get(at).copied()).unwrap_or(at);
    let tag = TAGS.find(&read).map(|m| place(m.start()));
    let (squeezed, at) = squeezed(&read);
    let scheme = ["javascript", "vbscript"]
        .iter()
        .flat_map(|s| squeezed.match_indices(s).map(|(i, s)| (i, i + s.len())))
        // A colon, or a reference the reading above did not know (`&colon;`).
        .filter(|&(_, end)| squeezed[end..].starts_with([':', '&']))
        .map(|(i, _)| place(at[i]))
        .min();
    tag.into_iter().chain(scheme).min()
}

/// `text` in lower case without white space or control characters (which
/// browsers drop inside an address's scheme), numeric character
/// references decoded with or without their `;` (as browsers decode them
/// in attributes), and for each byte the byte of `text` it came from.
fn squeezed(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let decoded = (c == '&')
            .then(|| crate::source::markup::reference_at(&text[i..]))
            .flatten();
        let decoded = match decoded {
            Some((decoded, len)) => {
                while chars.peek().is_some_and(|&(j, _)| j < i + len) {
                    chars.next();
                }
                decoded
            }
            None => c.to_string(),
        };
        for c in decoded.chars() {
            if !c.is_whitespace() && !c.is_control() {
                let c = c.to_ascii_lowercase();
                out.push(c);
                from.extend(std::iter::repeat_n(i, c.len_utf8()));
            }
        }
    }
    (out, from)
}

/// The printable runs of binary bytes, one per line: runs of four or more
/// printable ASCII characters read as single bytes; runs that hold a
/// letter beyond ASCII read as Windows-1252 (which is Latin-1 for
/// letters: `M\xfcller`, a PDF's `Zo\xeb`); and runs read as UTF-16 in
/// either byte order and alignment (how PDF and office files write
/// names), Latin-1 letters included. The declared names are searched for
/// in these, so a name in a file's metadata is found in any of them.
pub fn printable_runs(bytes: &[u8]) -> String {
    let mut runs = Runs::default();
    let ascii = bytes
        .iter()
        .map(|&b| Some(char::from(b)).filter(char::is_ascii));
    runs.push_all(ascii, false);
    // Its ASCII runs are the ASCII pass's: only the others are new.
    runs.push_all(bytes.iter().map(|&b| Some(windows_1252(b))), true);
    for offset in [0, 1] {
        let pairs = bytes.get(offset..).unwrap_or_default().chunks_exact(2);
        // UTF-16 of a Latin-1 character: a zero byte beside its byte.
        let units = pairs.map(|p| match (p[0], p[1]) {
            (0, b) | (b, 0) if b != 0 => Some(char::from(b)),
            _ => None,
        });
        runs.push_all(units, false);
    }
    runs.out.join("\n")
}

/// The runs found so far, each once (read from either byte, UTF-16 text
/// comes out twice).
#[derive(Default)]
struct Runs {
    out: Vec<String>,
    seen: std::collections::HashSet<String>,
}

impl Runs {
    /// Adds the runs of four or more printable characters among `units`
    /// (`None`, or a character that is not printable, ends a run); with
    /// `only_wide`, only the runs that hold a character beyond ASCII.
    fn push_all(&mut self, units: impl Iterator<Item = Option<char>>, only_wide: bool) {
        let mut run = String::new();
        let mut count = 0;
        for unit in units.map(Some).chain(std::iter::once(None)) {
            match unit.flatten().filter(|&c| is_printable(c)) {
                Some(c) => {
                    run.push(c);
                    count += 1;
                }
                None => {
                    let wide = !only_wide || !run.is_ascii();
                    if count >= 4 && wide && self.seen.insert(run.clone()) {
                        self.out.push(std::mem::take(&mut run));
                    }
                    run.clear();
                    count = 0;
                }
            }
        }
    }
}

/// True for a character that can be part of a name or an id in a file's
/// metadata: printable ASCII, a letter beyond it, a no-break space, and
/// the typographic apostrophes, quotes and dashes names are written with.
pub(crate) fn is_printable(c: char) -> bool {
    c == ' '
        || c.is_ascii_graphic()
        || (!c.is_ascii()
            && (c.is_alphabetic()
                || matches!(
                    c,
                    '\u{a0}' | '\u{2018}'..='\u{201d}' | '\u{2013}' | '\u{2014}'
                )))
}

/// A byte as Windows-1252 reads it (Latin-1, but for the printable
/// characters it puts in 0x80-0x9F); `None`-like U+FFFD for the five
/// bytes it leaves undefined.
pub(crate) fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž',
        '\u{fffd}', '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{fffd}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
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
    fn printable_runs_read_latin_1_and_windows_1252_names() {
        let bytes = b"\x00\x01M\xfcller\x00\x02/Author (Zo\xeb Ashby)\x01Siobhan O\x92Brien\x03";
        let runs = printable_runs(bytes);
        assert!(runs.contains("Müller"), "{runs}");
        assert!(runs.contains("/Author (Zoë Ashby)"), "{runs}");
        assert!(runs.contains("Siobhan O’Brien"), "{runs}");
        // UTF-16 with a Latin-1 letter: "Zoë" little-endian.
        let runs = printable_runs(b"\x01\x02Z\x00o\x00\xeb\x00 \x00A\x00s\x00h\x00\x01\x03");
        assert!(runs.contains("Zoë Ash"), "{runs}");
    }

    #[test]
    fn text_is_decided_by_the_bytes() {
        assert_eq!(
            as_text("plain é\r\n".as_bytes()),
            Some(("plain é\n".into(), false))
        );
        assert_eq!(
            as_text(b"\xef\xbb\xbfa\x00b"),
            Some(("a\u{0}b".into(), false))
        );
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(
            "Call x@example.com"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(as_text(&utf16), Some(("Call x@example.com".into(), true)));
        let mut be = vec![0xfe, 0xff];
        be.extend("Zoë".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(as_text(&be), Some(("Zoë".into(), true)));
        assert_eq!(as_text(b"M\xfcller"), None);
        assert_eq!(as_text(b"%PDF\xe2\xe3\xcf\xd3"), None);
    }

    #[test]
    fn scripts_in_markup_are_found_however_spelt() {
        for text in [
            "<svg><script>x()</script></svg>",
            "<svg><SCRIPT >x()</SCRIPT></svg>",
            "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">",
            "<svg onload=alert(1)>",
            "<svg/onload=alert(1)>",
            "<img src=x onerror = \"y\">",
            "<a href=\"javascript:alert(1)\">",
            "<a href=\"JaVa\tScRiPt:alert(1)\">",
            "<a href=\"java&#x09;script&colon;alert(1)\">",
            "<a href=\"&#106;avascript:x\">",
            "<a href=\"&#106avascript&#58x\">",
            "<a href=\"&#x6A;ava&#x0A;script:x\">",
            "<set attributeName=\"onmouseover\" to=\"x()\"/>",
        ] {
            assert!(active_markup(text).is_some(), "{text}");
        }
        let at = active_markup("<p>fine</p>\n<script>").unwrap();
        assert_eq!(at, 12);
        for text in [
            "<svg><text>Scripts are described on page 2.</text></svg>",
            "<p>Based on evidence; JavaScript is not needed</p>",
            "<p>Condition=1, json=2</p>",
        ] {
            assert_eq!(active_markup(text), None, "{text}");
        }
    }
}
