//! Reading `[[attachments]]` and matching it with the files of a folder
//! record (section 3.3): only listed files are ever published.

use super::fields::Fields;
use super::reading::Reading;
use crate::diagnostic::Message;
use crate::source::attachments::{self, Attachment};
use crate::source::folder::FolderFile;

/// The keys of an attachment's listing.
const KEYS: &[&str] = &["file", "title", "classification", "checked_by_keeper"];

/// Matches the `[[attachments]]` a record lists with the files of its
/// folder: listed files that are missing, unsafe names and missing titles
/// or classifications are errors at the listing; files the listing leaves
/// out are errors at the file.
pub fn read(r: &mut Reading, f: &mut Fields, folder: Option<Vec<FolderFile>>) -> Vec<Attachment> {
    let listed = f.tables(r, "attachments");
    let Some(mut files) = folder else {
        if let Some(list) = listed.filter(|l| !l.value.is_empty()) {
            r.error(
                list.at,
                "only a folder record can have attachments",
                "make a folder requests/<id>/ holding this file as index.md and the \
                 attachments beside it",
            );
        }
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in listed.map(|l| l.value).unwrap_or_default() {
        if let Some(a) = attachment(r, entry, &mut files, &found) {
            found.push(a);
        }
    }
    for file in &files {
        r.diagnostics.push(attachments::unlisted(file));
    }
    found
}

/// One listed attachment, taken out of `files` when it is there.
fn attachment(
    r: &mut Reading,
    mut e: Fields,
    files: &mut Vec<FolderFile>,
    found: &[Attachment],
) -> Option<Attachment> {
    let at = e.at;
    e.expect(r, KEYS);
    let name = e.text(r, "file");
    let title = e.text(r, "title");
    let label = name.as_ref().map_or("", |n| n.value.as_str());
    let classification = super::attachment_classification(r, &mut e, label);
    let checked_by_keeper = e.flag(r, "checked_by_keeper").is_some_and(|f| f.value);
    e.unknown(r, KEYS);
    let Some(name) = name else {
        r.missing_in(
            at,
            "an [[attachments]] entry",
            "file",
            "add file = \"...\", the file's name in the record's folder",
        );
        return None;
    };
    let file = folder_file(r, &name.value, name.at, files, found)?;
    let title = match title {
        Some(t) if !t.value.trim().is_empty() => t.value.trim().to_string(),
        _ => {
            r.error(
                at,
                Message::new("the attachment ")
                    .quote(&name.value)
                    .text(" has no `title`"),
                "add title = \"...\": what readers see in the list of attachments",
            );
            return None;
        }
    };
    Some(Attachment {
        name: name.value,
        title,
        classification,
        size: file.stamp.len,
        checked_by_keeper,
        source: file.source,
        checked: None,
    })
}

/// The folder's file a listing names, taken out of `files`; `None` (and an
/// error) when the name cannot be published, is listed twice or is not
/// there.
fn folder_file(
    r: &mut Reading,
    name: &str,
    at: usize,
    files: &mut Vec<FolderFile>,
    found: &[Attachment],
) -> Option<FolderFile> {
    // `index.html` and `feed.xml` are the request's page and feed.
    let made_here = ["index.html", "feed.xml"];
    if !crate::source::folder::is_safe_file_name(name)
        || made_here.iter().any(|m| name.eq_ignore_ascii_case(m))
    {
        r.error(
            at,
            Message::new("")
                .quote(name)
                .text(" cannot be published under this name: attachment names become URLs"),
            "rename the file with letters, digits, `.`, `-` and `_` only (not index.html or feed.xml), \
             e.g. `triage-notes.pdf`",
        );
        return None;
    }
    if let Some(why) = attachments::refused_name(name) {
        // Not reported again as an unlisted file.
        files.retain(|f| f.name != name);
        r.error(
            at,
            Message::new("")
                .quote(name)
                .text(" cannot be an attachment: it ")
                .text(why)
                .text(", which usually holds everything the record withholds"),
            "rename the file (e.g. `notes-v2.txt`) if it really is an attachment, or remove it \
             and its [[attachments]] entry",
        );
        return None;
    }
    if found.iter().any(|a| a.name == name) {
        r.error(
            at,
            Message::new("").quote(name).text(" is listed twice"),
            "list each file once",
        );
        return None;
    }
    let Some(i) = files.iter().position(|f| f.name == name) else {
        r.error(
            at,
            Message::new("")
                .quote(name)
                .text(" is listed but is not in the record's folder"),
            "put the file beside index.md, or correct the name (names are case-sensitive)",
        );
        return None;
    };
    Some(files.remove(i))
}
