//! `check::check_cached`, the incremental check `register serve` runs
//! on every change: whatever its cache holds, it returns exactly what a
//! fresh `check` returns for the folder as it is now (same records in the
//! same order, same diagnostics, same count of files read), and it reads
//! again only the files that changed.
//!
//! Each test copies the sample register into a temporary folder, checks
//! it, changes it (edits, additions, removals, renames, broken and mended
//! files, `site.toml`) and compares the cached check with a fresh one after
//! every step.

mod common;

use common::{copy_dir, manifest_dir};
use register::check::{CheckCache, Checked, TRUST_AFTER, check, check_cached};
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// What a check returned, in a form tests can compare and print.
#[derive(Debug, PartialEq)]
struct Outcome {
    /// Each diagnostic's severity, `file:line:column: message` and help.
    diagnostics: Vec<String>,
    /// Each request's file, id, title and whole text, in register order.
    requests: Vec<[String; 4]>,
    /// Each decision's file, request, date and whole text, in order.
    decisions: Vec<[String; 4]>,
    files_read: usize,
    /// Everything else: settings, every field of every record.
    everything: String,
}

impl Outcome {
    fn of(checked: &Checked) -> Outcome {
        let path = |p: &Path| p.display().to_string();
        Outcome {
            diagnostics: checked
                .diagnostics
                .iter()
                .map(|d| format!("{:?} {} (help: {:?})", d.severity, d.one_line(), d.help))
                .collect(),
            requests: checked
                .register
                .requests
                .iter()
                .map(|r| {
                    [
                        path(&r.origin.path),
                        r.id.clone(),
                        r.title.clone(),
                        r.origin.text.clone(),
                    ]
                })
                .collect(),
            decisions: checked
                .register
                .decisions
                .iter()
                .map(|d| {
                    [
                        path(&d.origin.path),
                        d.request.clone(),
                        d.date.to_string(),
                        d.origin.text.clone(),
                    ]
                })
                .collect(),
            files_read: checked.files_read,
            everything: format!(
                "{:#?}",
                (&checked.settings, &checked.register, &checked.diagnostics)
            ),
        }
    }

    fn errors(&self) -> Vec<&str> {
        self.diagnostics
            .iter()
            .filter(|d| d.starts_with("Error "))
            .map(String::as_str)
            .collect()
    }

    /// True when a diagnostic says all of `parts`.
    fn has(&self, parts: &[&str]) -> bool {
        self.diagnostics
            .iter()
            .any(|d| parts.iter().all(|p| d.contains(p)))
    }
}

/// The sample register, copied into a temporary folder.
struct Site {
    _tmp: TempDir,
    content: PathBuf,
}

impl Site {
    fn sample() -> Site {
        let tmp = tempfile::tempdir().expect("temp dir");
        let content = tmp.path().join("content");
        copy_dir(&manifest_dir().join("content"), &content);
        Site { _tmp: tmp, content }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.content.join(relative)
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).expect("read a content file")
    }

    fn write(&self, relative: &str, text: impl AsRef<[u8]>) {
        fs::write(self.path(relative), text).expect("write a content file");
    }

    fn remove(&self, relative: &str) {
        fs::remove_file(self.path(relative)).expect("remove a content file");
    }

    fn rename(&self, from: &str, to: &str) {
        fs::rename(self.path(from), self.path(to)).expect("rename a content file");
    }

    /// Replaces the first `from` in a file with `to`.
    fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} has no `{from}`");
        self.write(relative, text.replacen(from, to, 1));
    }

    /// Checks with the cache and afresh, asserts both agree, and returns
    /// what they found.
    fn same(&self, cache: &mut CheckCache, step: &str) -> Outcome {
        let cached = Outcome::of(&check_cached(&self.content, cache));
        let fresh = Outcome::of(&check(&self.content));
        // The readable parts first, so a failure says what differs.
        assert_eq!(cached.diagnostics, fresh.diagnostics, "{step}: diagnostics");
        assert_eq!(cached.requests, fresh.requests, "{step}: requests");
        assert_eq!(cached.decisions, fresh.decisions, "{step}: decisions");
        assert_eq!(cached.files_read, fresh.files_read, "{step}: files read");
        assert!(cached == fresh, "{step}: records or settings differ");
        cached
    }
}

const LINKED: &str = "requests/SCMR-2019-002.md";
const LINKING: &str = "decisions/SCMR-2019-001-final.md";

#[test]
fn every_kind_of_change_gives_what_a_fresh_check_gives() {
    let site = Site::sample();
    let mut cache = CheckCache::default();
    let start = site.same(&mut cache, "first check");
    assert!(start.errors().is_empty(), "{:#?}", start.errors());
    assert!(site.read(LINKING).contains("(@SCMR-2019-002)"));

    // A same-size edit, straight after the check.
    let title = "title = \"Update SMETS2";
    assert!(site.read(LINKED).contains(title));
    site.edit(LINKED, title, "title = \"Updata SMETS2");
    let now = site.same(&mut cache, "same-size edit");
    assert!(
        now.requests
            .iter()
            .any(|r| r[2].starts_with("Updata SMETS2"))
    );

    // Deleting a request makes the links to it errors; restoring clears them.
    let linked = site.read(LINKED);
    site.remove(LINKED);
    let now = site.same(&mut cache, "request removed");
    let in_link = "unknown request id `SCMR-2019-002` in a link";
    assert!(
        now.has(&[LINKING, ":17:", in_link]),
        "{:#?}",
        now.diagnostics
    );
    assert!(now.has(&[
        "SCMR-2019-002-final.md",
        "unknown request id `SCMR-2019-002` in `request`"
    ]));
    site.write(LINKED, &linked);
    let now = site.same(&mut cache, "request restored");
    assert!(now.errors().is_empty(), "{:#?}", now.errors());

    // A record whose id changes: what refers to the old id is an error.
    site.edit(
        "requests/SCMR-2021-002.md",
        "id = \"SCMR-2021-002\"",
        "id = \"SCMR-2021-092\"",
    );
    let now = site.same(&mut cache, "id changed");
    assert!(now.has(&["unknown request id `SCMR-2021-002` in `related`"]));
    site.edit(
        "requests/SCMR-2021-002.md",
        "id = \"SCMR-2021-092\"",
        "id = \"SCMR-2021-002\"",
    );
    assert!(site.same(&mut cache, "id back").errors().is_empty());

    // A file turning unreadable (broken front matter) and readable again:
    // its id still counts while it is broken.
    let text = site.read("requests/SCMR-2019-001.md");
    site.write(
        "requests/SCMR-2019-001.md",
        text.replacen("+++\n", "+++\nbogus =\n", 1),
    );
    let now = site.same(&mut cache, "front matter broken");
    assert_eq!(now.errors().len(), 1, "{:#?}", now.errors());
    site.write("requests/SCMR-2019-001.md", &text);
    assert!(
        site.same(&mut cache, "front matter mended")
            .errors()
            .is_empty()
    );

    // Not UTF-8, then mended.
    site.write("requests/SCMR-2019-001.md", b"+++\n\xff\xfe\n+++\n");
    let now = site.same(&mut cache, "not UTF-8");
    assert!(now.has(&["SCMR-2019-001.md:2:1:", "not valid UTF-8"]));
    site.write("requests/SCMR-2019-001.md", &text);
    site.same(&mut cache, "UTF-8 again");

    // Renamed: same record, another path; then back.
    site.rename("requests/SCMR-2020-001.md", "requests/renamed.md");
    let now = site.same(&mut cache, "renamed");
    assert!(now.requests.iter().any(|r| r[0].ends_with("renamed.md")));
    site.rename("requests/renamed.md", "requests/SCMR-2020-001.md");
    site.same(&mut cache, "renamed back");

    // A new request linking to one that does not exist, then that one.
    let new = site
        .read("requests/SCMR-2026-004.md")
        .replacen("SCMR-2026-004", "SCMR-2026-009", 1)
        + "\nSee [the next one](@SCMR-2026-010).\n";
    site.write("requests/SCMR-2026-009.md", &new);
    let now = site.same(&mut cache, "request added");
    assert!(now.has(&["unknown request id `SCMR-2026-010` in a link"]));
    let newer =
        site.read("requests/SCMR-2026-004.md")
            .replacen("SCMR-2026-004", "SCMR-2026-010", 1);
    site.write("requests/SCMR-2026-010.md", &newer);
    assert!(
        site.same(&mut cache, "linked request added")
            .errors()
            .is_empty()
    );

    // Hidden files are skipped, but a hidden record (never read, so its
    // personal data never screened), other files and links are errors.
    site.write("requests/.draft.md", "not a record");
    site.write("requests/.DS_Store", "not a record");
    site.write("requests/notes.txt", "not a record");
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.path(LINKED), site.path("requests/link.md"))
        .expect("make a symbolic link");
    let now = site.same(&mut cache, "hidden file, text file and link added");
    assert!(now.has(&["notes.txt:1:1: `requests/` holds records only"]));
    assert!(now.has(&[".draft.md:1:1: a hidden record file is never read"]));
    assert!(!now.has(&[".DS_Store"]));
    #[cfg(unix)]
    assert!(now.has(&["link.md:1:1: symbolic links are not followed"]));
    for extra in [
        "requests/.draft.md",
        "requests/.DS_Store",
        "requests/notes.txt",
    ] {
        site.remove(extra);
    }
    #[cfg(unix)]
    site.remove("requests/link.md");
    site.same(&mut cache, "extra files removed");

    // A file added to a folder record: an error until the record lists it.
    site.write("requests/URC-2020-002/added.txt", "evidence");
    let now = site.same(&mut cache, "unlisted file added");
    assert!(now.has(&["added.txt:1:1: `added.txt` is in a folder record but not listed"]));
    site.edit(
        "requests/URC-2020-002/index.md",
        "[[attachments]]",
        "[[attachments]]\nfile = \"added.txt\"\ntitle = \"Added\"\nclassification = \"TLP:CLEAR\"\n\n[[attachments]]",
    );
    let checked = check_cached(&site.content, &mut cache);
    let folder = checked
        .register
        .requests
        .iter()
        .find(|r| r.id == "URC-2020-002")
        .expect("the folder record");
    assert!(folder.attachments.iter().any(|a| a.name == "added.txt"));
    site.same(&mut cache, "attachment listed");
    // Its text is checked like a body: an e-mail address in it is an error.
    site.write(
        "requests/URC-2020-002/added.txt",
        "write to a.person@example.com",
    );
    let now = site.same(&mut cache, "attachment edited");
    assert!(now.has(&["added.txt:1:10: published text holds an e-mail address"]));
    site.write("requests/URC-2020-002/added.txt", "evidence");
    site.same(&mut cache, "attachment mended");

    // A decision's date, which orders the decisions.
    site.edit(
        "decisions/SCMR-2024-003-interim-2.md",
        "date = 20",
        "date = 19",
    );
    site.same(&mut cache, "decision redated");

    // site.toml: the devices list decides which devices a request may name.
    let settings = site.read("site.toml");
    site.write("site.toml", settings.replace("devices = [\"IHD\"]", ""));
    let now = site.same(&mut cache, "device removed from site.toml");
    assert!(now.has(&["SCMR-2024-003.md", "IHD"]), "{:#?}", now.errors());
    site.write("site.toml", &settings);
    site.same(&mut cache, "device back in site.toml");

    // The whole decisions folder gone, then back.
    let decisions = site.content.join("decisions");
    let saved = site._tmp.path().join("decisions-saved");
    fs::rename(&decisions, &saved).expect("move decisions away");
    site.same(&mut cache, "no decisions");
    fs::rename(&saved, &decisions).expect("move decisions back");
    site.same(&mut cache, "decisions back");

    // The same cache on another folder altogether, and back.
    let other = Site::sample();
    other.remove(LINKED);
    other.same(&mut cache, "another folder");
    site.same(&mut cache, "first folder again");
}

/// Sets a file's modification time.
fn set_modified(path: &Path, time: std::time::SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .expect("set the modification time");
}

#[test]
fn unchanged_files_come_from_the_cache_and_every_change_is_seen() {
    let site = Site::sample();
    // Until a file is older than TRUST_AFTER its times prove nothing and it
    // is read every time: wait, so that the cache is trusted.
    std::thread::sleep(TRUST_AFTER + std::time::Duration::from_millis(200));
    let mut cache = CheckCache::default();
    let all = site.same(&mut cache, "first check").files_read;
    assert!(all > 40, "{all}");
    assert_eq!(cache.files_reread(), all);
    site.same(&mut cache, "nothing changed");
    assert_eq!(cache.files_reread(), 0, "nothing changed, nothing read");

    // A file added beside an unchanged index.md.
    site.write("requests/URC-2020-002/added.txt", "evidence");
    site.same(&mut cache, "file added");
    assert_eq!(cache.files_reread(), 1, "the folder record alone");
    // The new file's times prove nothing yet: its record is read again
    // until they do, then taken from the cache.
    site.same(&mut cache, "file still recent");
    assert_eq!(cache.files_reread(), 1, "the folder record alone");
    std::thread::sleep(TRUST_AFTER + std::time::Duration::from_millis(200));
    site.same(&mut cache, "file settled");
    assert_eq!(cache.files_reread(), 1, "read once more, now trusted");
    site.same(&mut cache, "nothing changed since");
    assert_eq!(cache.files_reread(), 0);
    site.remove("requests/URC-2020-002/added.txt");
    site.same(&mut cache, "file removed");
    assert_eq!(cache.files_reread(), 1, "the folder record alone");

    // A same-size edit whose modification time is put back, checked at
    // once (its times are too recent to prove anything: it is read again).
    let modified = fs::metadata(site.path(LINKED))
        .and_then(|m| m.modified())
        .expect("modification time");
    site.edit(LINKED, "title = \"Update SMETS2", "title = \"Updata SMETS2");
    set_modified(&site.path(LINKED), modified);
    let now = site.same(&mut cache, "same-size edit, same mtime");
    assert_eq!(cache.files_reread(), 1);
    assert!(
        now.requests
            .iter()
            .any(|r| r[2].starts_with("Updata SMETS2"))
    );

    // The same again, checked only once the edit is old: size and
    // modification time are as before, the change time is not.
    site.edit(LINKED, "title = \"Updata SMETS2", "title = \"Update SMETS2");
    set_modified(&site.path(LINKED), modified);
    std::thread::sleep(TRUST_AFTER + std::time::Duration::from_millis(200));
    let now = site.same(&mut cache, "old same-size edit, same mtime");
    assert_eq!(cache.files_reread(), 1);
    assert!(
        now.requests
            .iter()
            .any(|r| r[2].starts_with("Update SMETS2"))
    );

    // Deleting a request re-reads nothing, yet the links to it now fail.
    let linked = site.read(LINKED);
    site.remove(LINKED);
    let now = site.same(&mut cache, "request removed");
    assert!(now.has(&[LINKING, "unknown request id `SCMR-2019-002` in a link"]));
    assert_eq!(cache.files_reread(), 0);
    site.write(LINKED, &linked);
    assert!(
        site.same(&mut cache, "request restored")
            .errors()
            .is_empty()
    );
    assert_eq!(cache.files_reread(), 1);

    // Any change to site.toml reads everything again.
    site.edit("site.toml", "language = \"en-GB\"", "language = \"en-US\"");
    let now = site.same(&mut cache, "site.toml changed");
    assert_eq!(cache.files_reread(), now.files_read);
}
