//! The publication rules of issue 9, content side (sections 3.3, 4, 5 and
//! 9 of `docs/register-format.md`), one test or more per rule, each with
//! the real `register` binary on a real content folder.
//!
//! Two kinds of content are used:
//!
//! - the fixture `tests/fixtures/publication-rules`, which builds: two
//!   public requests that link, every way the format allows, to withheld
//!   requests, to a report whose final decision is withheld and to
//!   attachments that are not published, beside hidden markup, public
//!   contact points and withheld material of every kind. Every withheld
//!   place says `CANARY` (in some case), so one search of every output
//!   byte and path finds any of it;
//! - small sites written by the tests into a temporary folder, one mistake
//!   each, where the point is the error: its exact `file:line:column`, the
//!   key words of its message and of its `help:` line, and that the build
//!   writes nothing.
//!
//! Locations are computed from the text the test wrote ([`position`]), as
//! an editor counts them: line 1 is the opening `+++`, columns count
//! characters.

mod common;

use common::{Built, NOW, Run, occurrences, tree};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tempfile::TempDir;

type Files = BTreeMap<String, Vec<u8>>;

// ---------------------------------------------------------------------------
// Sites written by the tests.

/// The `site.toml` of the written sites.
const SITE_TOML: &str = "title = \"Rules\"\nbase_url = \"https://rules.example.org\"\n";

/// A content folder in a temporary folder, written file by file, so each
/// test shows its one mistake in a few lines.
struct Site {
    tmp: TempDir,
}

impl Site {
    /// A site with the usual `site.toml`.
    fn new() -> Site {
        Site::with_settings(SITE_TOML)
    }

    /// A site whose `site.toml` says `settings`.
    fn with_settings(settings: &str) -> Site {
        let site = Site {
            tmp: tempfile::tempdir().expect("temp dir"),
        };
        site.write("site.toml", settings);
        site
    }

    /// The content folder, `<tmp>/content`.
    fn content(&self) -> PathBuf {
        self.tmp.path().join("content")
    }

    /// A path in the content folder, as diagnostics name it.
    fn path(&self, rel: &str) -> PathBuf {
        self.content().join(rel)
    }

    /// Where builds write, beside the content folder.
    fn out(&self) -> PathBuf {
        self.tmp.path().join("public")
    }

    /// Writes `bytes` to `content/rel`, creating folders on the way.
    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
        std::fs::write(&path, bytes).expect("write file");
    }

    /// `register check`, human format.
    fn check(&self) -> Run {
        common::check(&self.content(), "human")
    }

    /// `register build`, which must fail on the content (exit 1) and write
    /// nothing at all: a rule that only `check` enforced would not protect
    /// a build.
    fn refused(&self) -> Run {
        let run = common::build(&self.content(), &self.out(), NOW);
        run.expect_code(1);
        assert!(
            !self.out().exists(),
            "a failed build wrote {}",
            self.out().display()
        );
        run
    }

    /// `register build`, which must succeed; every file it wrote.
    fn built(&self) -> Files {
        common::build(&self.content(), &self.out(), NOW).expect_code(0);
        tree(&self.out())
    }
}

/// Any one-line text as a TOML basic string (quotes and backslashes
/// escaped, everything else as it is, so positions in it stay simple).
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A request's source built from the parts a test is about; the rest is a
/// minimal valid public request that publishes nothing else.
#[derive(Clone)]
struct Request {
    id: String,
    title: String,
    classification: String,
    /// Top-level lines after `reasons`.
    lines: String,
    /// Lines of `[proposer]` after its organisation.
    proposer: String,
    /// Tables between `[proposer]` and `[[history]]`.
    tables: String,
    /// Lines of the `submitted` history entry after its stage.
    history: String,
    /// Tables after the history (`[extra]`).
    after: String,
    /// Everything after the front matter.
    body: String,
}

/// A public (CLEAR) request `id` with a one-line body.
fn request(id: &str) -> Request {
    Request {
        id: id.to_string(),
        title: format!("Title of {id}"),
        classification: "TLP:CLEAR".to_string(),
        lines: String::new(),
        proposer: String::new(),
        tables: String::new(),
        history: String::new(),
        after: String::new(),
        body: "## Issue\n\nNothing to see.\n".to_string(),
    }
}

/// Each setter replaces or adds one part, so a test reads as the mistake
/// it writes.
impl Request {
    /// The title, any one-line text.
    fn title(mut self, title: &str) -> Request {
        self.title = title.to_string();
        self
    }

    /// The TLP label, written as given.
    fn classification(mut self, label: &str) -> Request {
        self.classification = label.to_string();
        self
    }

    /// A top-level front-matter line.
    fn line(mut self, line: &str) -> Request {
        self.lines.push_str(line);
        self.lines.push('\n');
        self
    }

    /// Lines of `[proposer]` (its personal data).
    fn proposer(mut self, lines: &str) -> Request {
        self.proposer.push_str(lines);
        self.proposer.push('\n');
        self
    }

    /// A table before the history (`[[attachments]]`, `[sponsor]`).
    fn table(mut self, table: &str) -> Request {
        self.tables.push_str(table);
        self.tables.push_str("\n\n");
        self
    }

    /// Lines of the `submitted` history entry (a `note`).
    fn history(mut self, lines: &str) -> Request {
        self.history.push_str(lines);
        self.history.push('\n');
        self
    }

    /// A table after the history (`[extra]`).
    fn after(mut self, table: &str) -> Request {
        self.after.push('\n');
        self.after.push_str(table);
        self.after.push('\n');
        self
    }

    /// The Markdown body.
    fn body(mut self, body: &str) -> Request {
        self.body = body.to_string();
        self
    }

    /// The file's text.
    fn text(&self) -> String {
        format!(
            "+++\nid = \"{}\"\ntype = \"sc-modification\"\ntitle = {}\nclassification = \"{}\"\n\
             submitted = 2025-01-10\nreasons = [\"lessons-learned\"]\n{}\n\
             [proposer]\norganisation = \"Org Ltd\"\n{}\n{}\
             [[history]]\ndate = 2025-01-10\nstage = \"submitted\"\n{}{}+++\n\n{}",
            self.id,
            toml_string(&self.title),
            self.classification,
            self.lines,
            self.proposer,
            self.tables,
            self.history,
            self.after,
            self.body
        )
    }
}

/// An interim decision (progressed) on `request`, public, with `extra`
/// front-matter lines and `body`.
fn interim_decision(request: &str, extra: &str, body: &str) -> String {
    format!(
        "+++\nrequest = \"{request}\"\nclassification = \"TLP:CLEAR\"\ndate = 2025-01-20\n\
         kind = \"interim\"\noutcome = \"progressed\"\n{extra}+++\n\n{body}"
    )
}

/// The proposer every written site declares: a name, a telephone number
/// and an e-mail address that may never be published.
const WILFRED: &str =
    "name = \"Wilfred Ashby\"\nphone = \"01632 960111\"\nemail = \"wilfred.ashby@example.net\"";

/// Words of [`WILFRED`]'s personal data, none of which may appear in a
/// message or an output.
const WILFRED_WORDS: &[&str] = &["wilfred", "ashby", "960111", "example.net"];

/// The line and column (1-based, in characters) of byte `at` of `text`:
/// where an editor shows it.
fn position_at(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Where the `n`th (from 0) `needle` starts in `text` (see [`position_at`]).
fn position_nth(text: &str, needle: &str, n: usize) -> (usize, usize) {
    let at = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} is not in the text:\n{text}"))
        .0;
    position_at(text, at)
}

/// Where the first `needle` starts in `text` (see [`position_nth`]).
fn position(text: &str, needle: &str) -> (usize, usize) {
    position_nth(text, needle, 0)
}

// ---------------------------------------------------------------------------
// Reports.

/// One diagnostic of a human report.
#[derive(Debug)]
struct Reported {
    /// `path:line:column`.
    place: String,
    /// `error` or `warning`.
    severity: String,
    message: String,
    /// The `help:` line after it, or "".
    help: String,
}

/// The diagnostics of a human report (`check`'s standard output, or a
/// failed build's standard error); other lines are left out.
fn reported(report: &str) -> Vec<Reported> {
    let mut found: Vec<Reported> = Vec::new();
    for line in report.lines() {
        if let Some(help) = line.strip_prefix("  help: ") {
            if let Some(last) = found.last_mut() {
                last.help = help.to_string();
            }
            continue;
        }
        for severity in ["error", "warning"] {
            if let Some((place, message)) = line.split_once(&format!(": {severity}: ")) {
                found.push(Reported {
                    place: place.to_string(),
                    severity: severity.to_string(),
                    message: message.to_string(),
                    help: String::new(),
                });
                break;
            }
        }
    }
    found
}

/// Asserts `report` has a diagnostic of `severity` at `file:line:column`
/// whose message holds every one of `message` and whose `help:` line holds
/// every one of `help`.
fn assert_reported(
    report: &str,
    severity: &str,
    file: &Path,
    (line, column): (usize, usize),
    message: &[&str],
    help: &[&str],
) {
    let place = format!("{}:{line}:{column}", file.display());
    let hit = reported(report).iter().any(|r| {
        r.severity == severity
            && r.place == place
            && message.iter().all(|m| r.message.contains(m))
            && help.iter().all(|h| r.help.contains(h))
    });
    assert!(
        hit,
        "no {severity} at {place}\n  with {message:?}\n  and help {help:?}\nreport:\n{report}"
    );
}

/// [`assert_reported`] for an error.
fn assert_error(report: &str, file: &Path, at: (usize, usize), message: &[&str], help: &[&str]) {
    assert_reported(report, "error", file, at, message, help);
}

/// How many diagnostics of `severity` the report holds.
fn count(report: &str, severity: &str) -> usize {
    reported(report)
        .iter()
        .filter(|r| r.severity == severity)
        .count()
}

/// Asserts no word of `words` is in what the keeper's terminal or a CI log
/// would show (both streams), in any case: personal data is named by its
/// record and key, never quoted.
fn assert_not_quoted(run: &Run, words: &[&str]) {
    let all = format!("{}\n{}", run.stdout, run.stderr).to_ascii_lowercase();
    for w in words {
        assert!(
            !all.contains(&w.to_ascii_lowercase()),
            "the report quotes `{w}`:\n{all}"
        );
    }
}

// ---------------------------------------------------------------------------
// Outputs.

/// Every place in the output (a path, a file's bytes, or its text with
/// character references decoded) that holds one of `needles`, in any case.
fn places(files: &Files, needles: &[&str]) -> Vec<String> {
    needles
        .iter()
        .flat_map(|n| {
            occurrences(files, n, true)
                .into_iter()
                .map(move |w| format!("`{n}` in {w}"))
        })
        .collect()
}

/// Asserts none of `needles` is anywhere in a real site's output.
fn assert_nowhere(files: &Files, needles: &[&str]) {
    assert!(
        files.len() > 10,
        "the site is nearly empty: {:?}",
        files.keys()
    );
    let found = places(files, needles);
    assert!(found.is_empty(), "published:\n{}", found.join("\n"));
}

/// The fixture `tests/fixtures/publication-rules`, built once for all the
/// tests that read it.
fn rules_site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| common::build_fixture("publication-rules", NOW))
}

/// The fixture's file `rel` in its content folder.
fn rules_file(rel: &str) -> PathBuf {
    common::fixture_content("publication-rules").join(rel)
}

/// Everything the fixture withholds says this, in some case.
const CANARY: &str = "canary";

/// The ids of the fixture's withheld requests, and the paths of its pages
/// and files that are not published.
const UNPUBLISHED_IN_RULES: &[&str] = &[
    "HID-2025",
    "%48ID",
    "reports/RUL-2025-002",
    "amber-canary-notes",
    "canary-hid-evidence",
];

/// Words of the personal data the fixture's records declare.
const PERSONAL_IN_RULES: &[&str] = &[
    "Wilfred",
    "Ashby",
    "Hester",
    "Quayle",
    "Ottilie",
    "Gideon",
    "Lavinia",
    "Ambrose",
    "1632",
    "960111",
    "example.net",
];

/// Where `word` is in `html` as a whole word (not the start of a longer
/// one: `LINK-HTTP` is not found in `LINK-HTTPS`).
fn find_word(html: &str, word: &str) -> Option<usize> {
    html.match_indices(word).map(|(at, _)| at).find(|&at| {
        !html[at + word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// The opening tag of the link around `text` in `html`, if `text` is
/// inside one.
fn anchor_around<'a>(html: &'a str, text: &str) -> Option<&'a str> {
    let at = find_word(html, text).unwrap_or_else(|| panic!("`{text}` is not on the page"));
    let open = html[..at].rfind("<a ")?;
    let closed = html[..at].rfind("</a>").is_some_and(|c| c > open);
    (!closed).then(|| &html[open..open + html[open..].find('>').unwrap_or(0) + 1])
}

/// Every `href` value of a page (whose references are decoded).
fn hrefs(html: &str) -> Vec<&str> {
    html.split("href=")
        .skip(1)
        .filter_map(|rest| {
            let quote = rest.chars().next()?;
            let rest = &rest[1..];
            rest.find(quote).map(|end| &rest[..end])
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Rule 1: a folder record publishes only the files it lists (3.3, 4.5).

/// A public folder record `id` that lists `attachments` (TOML tables).
fn folder_record(id: &str, attachments: &[&str]) -> Request {
    attachments
        .iter()
        .fold(request(id).proposer(WILFRED), |r, a| r.table(a))
}

/// An `[[attachments]]` table.
fn listing(file: &str, title: &str, classification: &str) -> String {
    format!(
        "[[attachments]]\nfile = \"{file}\"\ntitle = \"{title}\"\nclassification = \"{classification}\""
    )
}

#[test]
fn an_unlisted_file_in_a_folder_record_is_an_error_naming_it() {
    let site = Site::new();
    let record = folder_record("ATT-1", &[&listing("notes.txt", "Notes", "TLP:CLEAR")]);
    site.write("requests/ATT-1/index.md", record.text());
    site.write("requests/ATT-1/notes.txt", "Public notes.\n");
    site.write("requests/ATT-1/draft-evidence.txt", "CANARY-UNLISTED\n");
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("requests/ATT-1/draft-evidence.txt"),
        (1, 1),
        &[
            "`draft-evidence.txt`",
            "not listed under [[attachments]]",
            "not published",
        ],
        &["list it in index.md", "classification"],
    );
    assert_eq!(count(&run.stdout, "error"), 1, "{}", run.stdout);
    let build = site.refused();
    assert!(build.stderr.contains("draft-evidence.txt:1:1: error:"));
}

#[test]
fn leftover_copies_and_stray_records_have_their_own_messages() {
    let site = Site::new();
    let record = folder_record("ATT-1", &[]);
    site.write("requests/ATT-1/index.md", record.text());
    let copy = record
        .clone()
        .body("CANARY-LEFTOVER withheld words.\n")
        .text();
    let leftover: (&[&str], &[&str]) = (
        &["looks like an editor's or a merge's leftover"],
        &["delete it", "never published"],
    );
    let record_like: (&[&str], &[&str]) = (
        &["looks like a record", "a folder record has one, `index.md`"],
        &["a record of its own in `requests/`", "never published"],
    );
    let cases = [
        ("index.md~", leftover),
        ("index.md.orig", leftover),
        ("index.md.bak", leftover),
        ("index.md.rej", leftover),
        ("#index.md#", leftover),
        ("notes.md", record_like),
    ];
    for (name, _) in cases {
        site.write(&format!("requests/ATT-1/{name}"), &copy);
    }
    let run = site.check();
    run.expect_code(1);
    for (name, (message, help)) in cases {
        let quoted = format!("`{name}`");
        let mut words = vec![quoted.as_str()];
        words.extend_from_slice(message);
        assert_error(
            &run.stdout,
            &site.path(&format!("requests/ATT-1/{name}")),
            (1, 1),
            &words,
            help,
        );
    }
    assert_eq!(count(&run.stdout, "error"), cases.len(), "{}", run.stdout);
    site.refused();
}

#[test]
fn an_editors_lock_file_is_a_warning_and_never_published() {
    let site = Site::new();
    site.write(
        "requests/ATT-1/index.md",
        folder_record("ATT-1", &[]).text(),
    );
    let lock = "requests/ATT-1/.~lock.index.md#";
    site.write(lock, "CANARY-LOCK,Wilfred Ashby,host,2025-01-10T10:00,\n");
    let run = site.check();
    run.expect_code(0);
    assert_reported(
        &run.stdout,
        "warning",
        &site.path(lock),
        (1, 1),
        &["editor's lock or swap file", "never published"],
        &["delete it if the editor has closed"],
    );
    assert_eq!(count(&run.stdout, "error"), 0, "{}", run.stdout);
    let files = site.built();
    assert!(files.contains_key("requests/ATT-1/index.html"));
    assert_nowhere(&files, &[".~lock", CANARY, "wilfred"]);
}

#[test]
fn listing_mistakes_are_errors_at_the_listing() {
    let site = Site::new();
    let record = folder_record(
        "ATT-1",
        &[
            &listing("listed.txt", "Listed", "TLP:CLEAR"),
            &listing("missing.txt", "Missing", "TLP:CLEAR"),
            &listing("listed.txt", "Listed again", "TLP:CLEAR"),
            "[[attachments]]\nfile = \"untitled.txt\"\nclassification = \"TLP:CLEAR\"",
            "[[attachments]]\nfile = \"unclassified.txt\"\ntitle = \"Unclassified\"",
        ],
    );
    let text = record.text();
    site.write("requests/ATT-1/index.md", &text);
    for name in ["listed.txt", "untitled.txt", "unclassified.txt"] {
        site.write(&format!("requests/ATT-1/{name}"), "Public words.\n");
    }
    let run = site.check();
    run.expect_code(1);
    let index = site.path("requests/ATT-1/index.md");
    // The entry's `[[attachments]]` line, for what the entry lacks.
    let entry_of = |file: &str| {
        let at = text.find(file).expect("listed");
        position_at(
            &text,
            text[..at].rfind("[[attachments]]").expect("an entry"),
        )
    };
    assert_error(
        &run.stdout,
        &index,
        position(&text, "\"missing.txt\""),
        &["`missing.txt`", "listed but is not in the record's folder"],
        &["put the file beside index.md"],
    );
    assert_error(
        &run.stdout,
        &index,
        position_nth(&text, "\"listed.txt\"", 1),
        &["`listed.txt`", "listed twice"],
        &["list each file once"],
    );
    assert_error(
        &run.stdout,
        &index,
        entry_of("untitled.txt"),
        &["`untitled.txt`", "has no `title`"],
        &["add title = \""],
    );
    assert_error(
        &run.stdout,
        &index,
        entry_of("unclassified.txt"),
        &["`unclassified.txt`", "has no `classification`", "withheld"],
        &["classification = \"TLP:CLEAR\""],
    );
    assert_eq!(count(&run.stdout, "error"), 4, "{}", run.stdout);
    site.refused();
}

#[test]
fn attachments_on_a_file_record_are_an_error() {
    let site = Site::new();
    let text = request("FILE-1")
        .table(&listing("evidence.txt", "Evidence", "TLP:CLEAR"))
        .text();
    site.write("requests/FILE-1.md", &text);
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("requests/FILE-1.md"),
        position(&text, "[[attachments]]"),
        &["only a folder record can have attachments"],
        &["requests/<id>/", "index.md"],
    );
    site.refused();
}

#[test]
fn a_text_attachment_is_checked_like_a_body_at_its_own_lines() {
    let site = Site::new();
    site.write(
        "requests/HID-1.md",
        request("HID-1")
            .classification("TLP:AMBER")
            .proposer("name = \"Gideon Parr\"\nphone = \"01632 960911\"")
            .text(),
    );
    site.write(
        "requests/ATT-2/index.md",
        folder_record(
            "ATT-2",
            &[
                &listing("notes.txt", "Notes", "TLP:CLEAR"),
                &listing("figures.csv", "Figures", "TLP:WHITE"),
            ],
        )
        .text(),
    );
    let notes = "Minutes of the meeting.\nSecond <!-- TLP:RED --> line.\n\
                 Taken by Wilfred  Ashby, as agreed.\n  Mail x.y@example.com for more.\n\
                 <!-- amber -->\n";
    site.write("requests/ATT-2/notes.txt", notes);
    let figures = "device,count\nGideon-Parr,01632 960911\n";
    site.write("requests/ATT-2/figures.csv", figures);
    let run = site.check();
    run.expect_code(1);
    let file = site.path("requests/ATT-2/notes.txt");
    let marker_help: &[&str] = &["remove the withheld passage", "colour that withholds it"];
    assert_error(
        &run.stdout,
        &file,
        position(notes, "<!-- TLP:RED -->"),
        &["published as it is", "cannot hold a TLP passage marker"],
        marker_help,
    );
    assert_error(
        &run.stdout,
        &file,
        position(notes, "<!-- amber -->"),
        &["published as it is", "cannot hold a TLP passage marker"],
        &["<!-- TLP:AMBER -->"],
    );
    assert_error(
        &run.stdout,
        &file,
        position(notes, "Wilfred"),
        &[
            "name declared under [proposer] in this record",
            "never published",
        ],
        &["remove it here"],
    );
    assert_error(
        &run.stdout,
        &file,
        position(notes, "x.y@"),
        &["an e-mail address", "personal data"],
        &["public_contacts"],
    );
    // A value another record declares, a withheld one at that.
    let figures_file = site.path("requests/ATT-2/figures.csv");
    let hid = site.path("requests/HID-1.md").display().to_string();
    for (needle, key) in [("Gideon", "name"), ("01632", "phone")] {
        assert_error(
            &run.stdout,
            &figures_file,
            position(figures, needle),
            &[&format!("{key} declared under [proposer] in `{hid}`")],
            &["remove it here"],
        );
    }
    assert_not_quoted(&run, &["wilfred", "ashby", "gideon", "parr", "960911"]);
    let build = site.refused();
    assert_not_quoted(&build, &["wilfred", "ashby", "gideon", "parr", "960911"]);
}

/// A few bytes of a PDF whose metadata names `author`, in ASCII and in
/// UTF-16 (how PDF and office files write names).
fn pdf_with_author(author: &str) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Author (".to_vec();
    bytes.extend_from_slice(author.as_bytes());
    bytes.extend_from_slice(b") /Producer <feff0041> >>\nendobj\n\x00\x01\x02\xff");
    bytes
}

/// `text` in UTF-16 little-endian after a byte-order mark.
fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn a_binary_attachment_with_the_proposers_name_in_its_bytes_is_an_error() {
    let site = Site::new();
    site.write(
        "requests/ATT-3/index.md",
        folder_record(
            "ATT-3",
            &[
                &listing("minutes.pdf", "Minutes", "TLP:CLEAR"),
                &listing("slides.pptx", "Slides", "TLP:CLEAR"),
                &listing("clean.pdf", "Clean", "TLP:CLEAR"),
            ],
        )
        .text(),
    );
    site.write(
        "requests/ATT-3/minutes.pdf",
        pdf_with_author("Wilfred Ashby"),
    );
    let mut slides = b"PK\x03\x04\x14\x00\x00\x00".to_vec();
    slides.extend(utf16le("last modified by WILFRED ASHBY"));
    site.write("requests/ATT-3/slides.pptx", slides);
    site.write("requests/ATT-3/clean.pdf", pdf_with_author("Org Ltd"));
    let run = site.check();
    run.expect_code(1);
    // (A UTF-16 name is read in both byte alignments, so it may be
    // reported twice at the same place: each file is asked for once.)
    for name in ["minutes.pdf", "slides.pptx"] {
        assert_error(
            &run.stdout,
            &site.path(&format!("requests/ATT-3/{name}")),
            (1, 1),
            &[
                "name declared under [proposer] in this record",
                "in the file's bytes",
            ],
            &["remove it here"],
        );
    }
    assert!(!run.stdout.contains("clean.pdf"), "{}", run.stdout);
    assert_not_quoted(&run, WILFRED_WORDS);
    site.refused();
}

#[test]
fn withheld_attachments_are_never_published_even_when_linked_by_path() {
    let built = rules_site();
    let files = built.files();
    // The AMBER attachment of a public record, the CLEAR attachment of a RED
    // record: no file, no name, no title, no content, no link.
    assert_nowhere(
        &files,
        &[
            "amber-canary-notes",
            "CANARY-AMBER-ATTACHMENT",
            "canary-hid-evidence",
            "CANARY-HID-ATTACHMENT",
            "CANARY-ATTACHMENT-TITLE-H2",
        ],
    );
    let in_folders: Vec<&String> = files
        .keys()
        .filter(|p| {
            p.starts_with("requests/") && !p.ends_with("/index.html") && !p.ends_with("/feed.xml")
        })
        .collect();
    assert_eq!(in_folders, ["requests/RUL-2025-001/public-notes-r1.txt"]);
    assert_eq!(
        files["requests/RUL-2025-001/public-notes-r1.txt"],
        std::fs::read(rules_file("requests/RUL-2025-001/public-notes-r1.txt")).expect("read")
    );
    let page = built.page("/requests/RUL-2025-001/");
    assert!(page.contains("PUBLIC-ATTACHMENT-TITLE-R1"), "{page}");
    // Linked by path from its own record and from another: text alone.
    for (url, text) in [
        ("/requests/RUL-2025-001/", "LINK-AMBER-ATTACHMENT"),
        (
            "/requests/RUL-2025-001/",
            "LINK-WITHHELD-RECORDS-ATTACHMENT",
        ),
        ("/requests/RUL-2025-002/", "LINK-OTHER-AMBER-ATTACHMENT"),
        (
            "/requests/RUL-2025-002/",
            "LINK-WITHHELD-RECORDS-ATTACHMENT-ROOT",
        ),
    ] {
        let html = built.page(url);
        assert_eq!(
            anchor_around(&html, text),
            None,
            "{text} is a link on {url}"
        );
    }
}

// ---------------------------------------------------------------------------
// Rule 2: every front-matter string is checked, markers included (4.6).

/// The help of an exact marker in a front-matter value.
const VALUE_MARKER_HELP: &[&str] = &["remove the marker", "`classification`"];

#[test]
fn passage_markers_in_front_matter_strings_are_errors_at_the_marker() {
    let site = Site::new();
    let text = request("FM-1")
        .title("Title <!-- TLP:AMBER --> CANARY-TITLE")
        .line("affected_scs = [\"DEV 3.2\"]")
        .line("affected_scs_reason = \"Unclear <!-- /TLP -->\"")
        .line("urgent = true")
        .line("urgent_reason = \"Soon <!-- TLP:RED --> CANARY-URGENT\"")
        .history("note = \"Noted <!-- TLP:GREEN --> CANARY-NOTE\"")
        .after(
            "[extra]\npanel = { summary = \"Deep <!-- TLP:AMBER+STRICT --> CANARY\" }\n\
             \"<!-- tlp:red -->\" = \"a key\"",
        )
        .text();
    site.write("requests/FM-1.md", &text);
    let decision = interim_decision(
        "FM-1",
        "\n[extra]\nminutes = [\"Agreed <!-- TLP:AMBER --> CANARY\"]\n",
        "## Summary\n\nProgressed.\n",
    );
    site.write("decisions/FM-1-interim.md", &decision);
    let run = site.check();
    run.expect_code(1);
    let file = site.path("requests/FM-1.md");
    for (field, marker) in [
        ("`title`", "<!-- TLP:AMBER -->"),
        ("`affected_scs_reason`", "<!-- /TLP -->"),
        ("`urgent_reason`", "<!-- TLP:RED -->"),
        ("`history[0].note`", "<!-- TLP:GREEN -->"),
        ("`extra.panel.summary`", "<!-- TLP:AMBER+STRICT -->"),
        ("`extra`", "<!-- tlp:red -->"),
    ] {
        assert_error(
            &run.stdout,
            &file,
            position(&text, marker),
            &[field, "holds a TLP passage marker", "published whole"],
            VALUE_MARKER_HELP,
        );
    }
    assert_error(
        &run.stdout,
        &site.path("decisions/FM-1-interim.md"),
        position(&decision, "<!--"),
        &["`extra.minutes[0]`", "holds a TLP passage marker"],
        VALUE_MARKER_HELP,
    );
    // Six in the request, one in the decision.
    assert_eq!(count(&run.stdout, "error"), 7, "{}", run.stdout);
    site.refused();
}

#[test]
fn marker_look_alikes_in_front_matter_strings_are_errors_naming_the_marker_meant() {
    let site = Site::new();
    let text = request("FM-2")
        .title("Title <!-- RED --> CANARY")
        .line("affected_scs = [\"DEV 3.2\"]")
        .line("affected_scs_reason = \"Unclear <!-- \u{422}LP:AMBER -->\"")
        .line("urgent = true")
        .line("urgent_reason = \"Soon <!-- \u{ff34}\u{ff2c}\u{ff30}:\u{ff32}\u{ff25}\u{ff24} -->\"")
        .history("note = \"Noted <!-- TLP:RED\u{200b} --> CANARY\"")
        .after("[extra]\npanel = { summary = \"Deep <!-- END RED -->\" }\n\"<!-- tlp amber -->\" = \"k\"")
        .text();
    site.write("requests/FM-2.md", &text);
    let run = site.check();
    run.expect_code(1);
    let file = site.path("requests/FM-2.md");
    for (field, look_alike, meant) in [
        ("`title`", "<!-- RED -->", "<!-- TLP:RED -->"),
        (
            "`affected_scs_reason`",
            "<!-- \u{422}LP:AMBER -->",
            "<!-- TLP:AMBER -->",
        ),
        (
            "`urgent_reason`",
            "<!-- \u{ff34}\u{ff2c}\u{ff30}",
            "<!-- TLP:RED -->",
        ),
        (
            "`history[0].note`",
            "<!-- TLP:RED\u{200b}",
            "<!-- TLP:RED -->",
        ),
        ("`extra.panel.summary`", "<!-- END RED -->", "<!-- /TLP -->"),
        ("`extra`", "<!-- tlp amber -->", "<!-- TLP:AMBER -->"),
    ] {
        assert_error(
            &run.stdout,
            &file,
            position(&text, look_alike),
            &[field, "reads like a TLP passage marker"],
            &[&format!("write exactly {meant} on a line of its own")],
        );
    }
    assert_eq!(count(&run.stdout, "error"), 6, "{}", run.stdout);
    site.refused();
}

#[test]
fn passage_markers_in_site_toml_strings_are_errors() {
    // Section 4, rule 6: site.toml's published strings "are checked the
    // same way", and a marker in a one-line value is an error. Today the
    // description below builds, and CANARY-SITE-SECRET is on every page.
    let settings = format!(
        "{SITE_TOML}description = \"Public part <!-- TLP:AMBER --> CANARY-SITE-SECRET <!-- /TLP -->\"\n\
         owner = \"Keepers <!-- RED -->\"\n\n[extra]\nfooter = \"Note <!-- TLP:RED --> CANARY\"\n"
    );
    let site = Site::with_settings(&settings);
    site.write("requests/ST-1.md", request("ST-1").text());
    let run = site.check();
    let file = site.path("site.toml");
    for marker in ["<!-- TLP:AMBER -->", "<!-- /TLP -->", "<!-- TLP:RED -->"] {
        assert_error(
            &run.stdout,
            &file,
            position(&settings, marker),
            &["holds a TLP passage marker"],
            &["remove the marker"],
        );
    }
    assert_error(
        &run.stdout,
        &file,
        position(&settings, "<!-- RED -->"),
        &["reads like a TLP passage marker"],
        &["<!-- TLP:RED -->"],
    );
    site.refused();
}

// ---------------------------------------------------------------------------
// Rule 3: personal data is an error wherever it is published (4.4).

#[test]
fn declared_personal_data_in_published_text_is_an_error_that_never_quotes_it() {
    let settings = format!("{SITE_TOML}description = \"A register kept by Wilfred Ashby\"\n");
    let site = Site::with_settings(&settings);
    // PD-1 declares it; it repeats it in its body and its attachment.
    let pd1 = request("PD-1")
        .proposer(WILFRED)
        .table(&listing("minutes.txt", "Minutes", "TLP:CLEAR"))
        .body("## Issue\n\nAsk wilfred-ashby about it.\n")
        .text();
    site.write("requests/PD-1/index.md", &pd1);
    let minutes = "Minutes.\nTaken by WILFRED_ASHBY.\n";
    site.write("requests/PD-1/minutes.txt", minutes);
    // Another record's title, a decision's body.
    let pd2 = request("PD-2")
        .title("Call 01632 960111 first")
        .body("## Issue\n\nAs Gideon Parr found.\n")
        .text();
    site.write("requests/PD-2.md", &pd2);
    let decision = interim_decision(
        "PD-2",
        "",
        "## Summary\n\nWrite to Wilfred.Ashby@example.net.\n",
    );
    site.write("decisions/PD-2-interim.md", &decision);
    // A withheld record's declared name counts too.
    site.write(
        "requests/PD-3.md",
        request("PD-3")
            .classification("TLP:RED")
            .proposer("name = \"Gideon Parr\"")
            .text(),
    );
    let run = site.check();
    run.expect_code(1);
    let declared_in = |key: &str, rel: &str| {
        format!(
            "the {key} declared under [proposer] in `{}`",
            site.path(rel).display()
        )
    };
    let help: &[&str] = &["remove it here", "[proposer], which is never published"];
    let pd1_file = site.path("requests/PD-1/index.md");
    let this = "the name declared under [proposer] in this record";
    assert_error(
        &run.stdout,
        &pd1_file,
        position(&pd1, "wilfred-ashby"),
        &[this],
        help,
    );
    assert_error(
        &run.stdout,
        &site.path("requests/PD-1/minutes.txt"),
        position(minutes, "WILFRED"),
        &[this],
        help,
    );
    let pd2_file = site.path("requests/PD-2.md");
    assert_error(
        &run.stdout,
        &pd2_file,
        position(&pd2, "01632"),
        &[
            "in `title`",
            &declared_in("phone", "requests/PD-1/index.md"),
        ],
        help,
    );
    assert_error(
        &run.stdout,
        &pd2_file,
        position(&pd2, "Gideon"),
        &[&declared_in("name", "requests/PD-3.md")],
        help,
    );
    assert_error(
        &run.stdout,
        &site.path("decisions/PD-2-interim.md"),
        position(&decision, "Wilfred"),
        &[&declared_in("email", "requests/PD-1/index.md")],
        help,
    );
    assert_error(
        &run.stdout,
        &site.path("site.toml"),
        position(&settings, "Wilfred"),
        &[&declared_in("name", "requests/PD-1/index.md")],
        help,
    );
    assert_not_quoted(
        &run,
        &[
            "wilfred",
            "ashby",
            "960111",
            "example.net",
            "gideon",
            "parr",
        ],
    );
    let build = site.refused();
    assert_not_quoted(
        &build,
        &[
            "wilfred",
            "ashby",
            "960111",
            "example.net",
            "gideon",
            "parr",
        ],
    );
}

#[test]
fn public_contacts_are_published_in_either_telephone_form() {
    // site.toml lists `ssc@example.org`, `+44 20 7946 0000` and
    // `0113 496 0999`; the body writes the numbers the other way round.
    let built = rules_site();
    let page = built.page("/requests/RUL-2025-001/");
    for contact in ["ssc@example.org", "020 7946 0000", "+44 113 496 0999"] {
        assert!(
            page.contains(contact),
            "{contact} is not published:\n{page}"
        );
    }
    let files = built.files();
    assert_nowhere(&files, PERSONAL_IN_RULES);
    // Without the list, the same words are three errors.
    let body =
        "## Issue\n\nWrite to ssc@example.org, or call\n020 7946 0000 or +44 113 496 0999.\n";
    let site = Site::new();
    site.write("requests/PC-1.md", request("PC-1").body(body).text());
    let run = site.check();
    let text = request("PC-1").body(body).text();
    let file = site.path("requests/PC-1.md");
    let help: &[&str] = &["site.toml `public_contacts`"];
    assert_error(
        &run.stdout,
        &file,
        position(&text, "ssc@"),
        &["an e-mail address"],
        help,
    );
    for number in ["020 7946", "+44 113"] {
        assert_error(
            &run.stdout,
            &file,
            position(&text, number),
            &["a telephone number", "contact details are personal data"],
            help,
        );
    }
    assert_eq!(count(&run.stdout, "error"), 3, "{}", run.stdout);
}

#[test]
fn a_personal_value_of_the_wrong_type_is_not_quoted_in_the_message() {
    // `phone = +441632960111` (no quotes) is a TOML integer: the error
    // must say so without the number, which a CI log would keep.
    let text = request("PT-1")
        .proposer("name = \"Wilfred Ashby\"\nphone = +441632960111")
        .text();
    let site = Site::new();
    site.write("requests/PT-1.md", &text);
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("requests/PT-1.md"),
        position(&text, "+4416"),
        &["`phone` must be text in quotes", "a number"],
        &[],
    );
    assert_not_quoted(&run, &["1632960111", "1632", "960111"]);
}

#[test]
fn a_telephone_number_in_any_usual_form_is_an_error() {
    // Section 4, rule 4: any telephone number in published text is an
    // error unless listed. These forms are published today.
    let body = "## Issue\n\nCall 0044 1632 960123 or 01632 96 01 23.\n";
    let text = request("PF-1").body(body).text();
    let site = Site::new();
    site.write("requests/PF-1.md", &text);
    let run = site.check();
    run.expect_code(1);
    for number in ["0044", "01632 96 01"] {
        assert_error(
            &run.stdout,
            &site.path("requests/PF-1.md"),
            position(&text, number),
            &["a telephone number"],
            &["public_contacts"],
        );
    }
}

#[test]
fn a_public_contact_with_the_trunk_zero_in_brackets_passes() {
    // The usual British way to write a +44 number; listed as
    // `+44 20 7946 0000`, it is the same contact point.
    let settings = format!("{SITE_TOML}public_contacts = [\"+44 20 7946 0000\"]\n");
    let site = Site::with_settings(&settings);
    let body = "## Issue\n\nCall +44 (0)20 7946 0000.\n";
    site.write("requests/PF-2.md", request("PF-2").body(body).text());
    let run = site.check();
    assert_eq!(count(&run.stdout, "error"), 0, "{}", run.stdout);
    let files = site.built();
    assert!(!places(&files, &["+44 (0)20 7946 0000"]).is_empty());
}

// ---------------------------------------------------------------------------
// Rule 4: marker look-alikes fail closed (4.7).

#[test]
fn marker_look_alikes_in_a_body_are_errors_naming_the_marker_meant() {
    let cases = [
        ("<!-- RED -->", "<!-- TLP:RED -->"),
        ("<!-- END RED -->", "<!-- /TLP -->"),
        ("<!-- \u{422}LP:RED -->", "<!-- TLP:RED -->"),
        (
            "<!-- \u{ff34}\u{ff2c}\u{ff30}:\u{ff21}\u{ff2d}\u{ff22}\u{ff25}\u{ff32} -->",
            "<!-- TLP:AMBER -->",
        ),
        ("<!-- TLP:RED\u{200b} -->", "<!-- TLP:RED -->"),
        ("<!-- tlp amber -->", "<!-- TLP:AMBER -->"),
    ];
    let mut body = String::from("## Issue\n\nPublic words.\n\n");
    for (look_alike, _) in &cases {
        body.push_str(&format!("{look_alike}\nCANARY after a look-alike.\n\n"));
    }
    body.push_str("<!-- an ordinary note to the other keepers -->\n\nThe end.\n");
    let text = request("LA-1").body(&body).text();
    let site = Site::new();
    site.write("requests/LA-1.md", &text);
    let run = site.check();
    run.expect_code(1);
    for (look_alike, meant) in &cases {
        assert_error(
            &run.stdout,
            &site.path("requests/LA-1.md"),
            position(&text, look_alike),
            &[
                "reads like a TLP marker but is not one",
                "this line is withheld",
            ],
            &[&format!("write exactly {meant} on a line of its own")],
        );
    }
    // The ordinary comment is not one of them.
    assert_eq!(count(&run.stdout, "error"), cases.len(), "{}", run.stdout);
    site.refused();
}

#[test]
fn an_ordinary_comment_passes_and_is_not_published() {
    // RUL-2025-001 holds `<!-- CANARY-ORDINARY-COMMENT: ... -->`.
    let run = common::check(&common::fixture_content("publication-rules"), "human");
    run.expect_code(0);
    assert_eq!(
        count(&run.stdout, "error") + count(&run.stdout, "warning"),
        0
    );
    let files = rules_site().files();
    assert_nowhere(
        &files,
        &["CANARY-ORDINARY-COMMENT", "a note to the other keepers"],
    );
    let page = rules_site().page("/requests/RUL-2025-001/");
    assert!(page.contains("PUBLIC-ISSUE-R1"), "{page}");
}

// ---------------------------------------------------------------------------
// Rule 5: links to what is not published are their text alone (5).

/// The link texts of RUL-2025-001 whose destination is not published.
const TEXT_ONLY_LINKS: &[&str] = &[
    "LINK-AT-ID",
    "LINK-ROOT-RELATIVE",
    "LINK-RELATIVE",
    "LINK-HTTPS",
    "LINK-HTTP",
    "LINK-WWW",
    "LINK-UPPER-HOST",
    "LINK-PERCENT",
    "LINK-RAW-AT",
    "LINK-RAW-REPORT",
    "LINK-REPORT-AT",
    "LINK-REPORT-PATH",
    "LINK-AMBER-ATTACHMENT",
    "LINK-WITHHELD-RECORDS-ATTACHMENT",
];

#[test]
fn links_to_pages_and_files_that_are_not_published_render_as_their_text_alone() {
    let built = rules_site();
    let page = built.page("/requests/RUL-2025-001/");
    for text in TEXT_ONLY_LINKS {
        // The text stays in its sentence; no link with a destination is
        // around it (raw HTML keeps an `<a>` without `href`).
        if let Some(tag) = anchor_around(&page, text) {
            assert!(!tag.contains("href"), "{text} is still a link: {tag}");
        }
    }
    let unpublished: Vec<&str> = hrefs(&page)
        .into_iter()
        .filter(|h| {
            let h = h.to_ascii_lowercase();
            ["hid-2025", "%48id", "reports/rul-2025-002", CANARY]
                .iter()
                .any(|n| h.contains(n))
        })
        .collect();
    assert!(unpublished.is_empty(), "links kept: {unpublished:?}");
    // The controls: a public request and a public attachment stay links.
    for (text, href) in [
        ("LINK-PUBLIC-REQUEST", "href=\"/requests/RUL-2025-002/\""),
        ("LINK-PUBLIC-ATTACHMENT", "href=\"public-notes-r1.txt\""),
    ] {
        let tag = anchor_around(&page, text).unwrap_or_else(|| panic!("{text} is not a link"));
        assert!(tag.contains(href), "{text}: {tag}");
    }
    let other = built.page("/requests/RUL-2025-002/");
    let tag = anchor_around(&other, "LINK-OTHER-PUBLIC-ATTACHMENT").expect("a link");
    assert!(
        tag.contains("href=\"/requests/RUL-2025-001/public-notes-r1.txt\""),
        "{tag}"
    );
}

#[test]
fn ids_and_paths_of_what_is_not_published_are_in_no_output_file() {
    let files = rules_site().files();
    assert_nowhere(&files, UNPUBLISHED_IN_RULES);
    assert_nowhere(&files, &[CANARY]);
    // What is published is there, so the site is not empty for nothing.
    for public in [
        "PUBLIC-TITLE-R1",
        "PUBLIC-TITLE-R2",
        "PUBLIC-INTERIM-R2",
        "LINK-AT-ID",
    ] {
        assert!(
            !places(&files, &[public]).is_empty(),
            "{public} is not published"
        );
    }
}

#[test]
fn a_raw_html_link_to_an_unknown_id_is_an_error_like_the_markdown_form() {
    let body = "## Issue\n\nRaw <a href=\"@UNKNOWN-1\">one</a>, <a href='@UNKNOWN-3'>three</a> \
                and [markdown](@UNKNOWN-2).\n";
    let text = request("LK-1").body(body).text();
    let site = Site::new();
    site.write("requests/LK-1.md", &text);
    let run = site.check();
    run.expect_code(1);
    let file = site.path("requests/LK-1.md");
    let help: &[&str] = &["use the id of a request in requests/"];
    for (id, at) in [
        ("UNKNOWN-1", "@UNKNOWN-1"),
        ("UNKNOWN-3", "@UNKNOWN-3"),
        ("UNKNOWN-2", "[markdown]"),
    ] {
        assert_error(
            &run.stdout,
            &file,
            position(&text, at),
            &[&format!("unknown request id `{id}` in a link")],
            help,
        );
    }
    assert_eq!(count(&run.stdout, "error"), 3, "{}", run.stdout);
    site.refused();
}

#[test]
fn a_withheld_id_written_as_text_is_an_error() {
    let site = Site::new();
    site.write(
        "requests/HID-1.md",
        request("HID-1").classification("TLP:AMBER").text(),
    );
    let text = request("LK-2")
        .title("Follows HID-1 closely")
        .body(
            "## Issue\n\nThe HID-1 request came first.\n\n[The other one](@HID-1) is a link \
             that goes, [unlike HID-1](@HID-1).\n",
        )
        .text();
    site.write("requests/LK-2.md", &text);
    let run = site.check();
    run.expect_code(1);
    let file = site.path("requests/LK-2.md");
    let help: &[&str] = &["remove the mention, or publish that request"];
    assert_error(
        &run.stdout,
        &file,
        position(&text, "HID-1 closely"),
        &["in `title` names `HID-1`", "a request that is withheld"],
        help,
    );
    for needle in ["HID-1 request", "HID-1]"] {
        assert_error(
            &run.stdout,
            &file,
            position(&text, needle),
            &["names `HID-1`", "a request that is withheld"],
            help,
        );
    }
    // `[The other one](@HID-1)` publishes nothing of HID-1: no error.
    assert_eq!(count(&run.stdout, "error"), 3, "{}", run.stdout);
    site.refused();
}

// ---------------------------------------------------------------------------
// Rule 6: the search index is read from the sanitised page (5).

#[test]
fn hidden_markup_reaches_neither_the_search_index_nor_the_page() {
    let built = rules_site();
    let index: serde_json::Value =
        serde_json::from_str(&built.text("search-index.json")).expect("the index is JSON");
    let entry = index
        .as_array()
        .expect("a list")
        .iter()
        .find(|e| e["id"] == "RUL-2025-001")
        .expect("RUL-2025-001 is indexed");
    // The page's distinct words, as a list (rule 4: no two side by side
    // in one string, where they could read as a name).
    let words: Vec<&str> = entry["text"]
        .as_array()
        .expect("a list of words")
        .iter()
        .map(|w| w.as_str().expect("a word"))
        .collect();
    let text = words.join(" ");
    assert!(text.contains("PUBLIC-AFTER-HIDDEN-R1"), "{text}");
    let page = built.page("/requests/RUL-2025-001/");
    assert!(page.contains("PUBLIC-AFTER-HIDDEN-R1"));
    for hidden in [
        "CANARY-TEMPLATE",
        "CANARY-STYLE",
        "CANARY-SVG-DESC",
        "CANARY-COMMENT",
    ] {
        assert!(!text.contains(hidden), "{hidden} in the search index");
        assert!(!page.contains(hidden), "{hidden} on the page");
        let raw = built.text("search-index.json");
        assert!(!raw.contains(hidden), "{hidden} in search-index.json");
    }
}

// ---------------------------------------------------------------------------
// Rule 7: top-level keys under `[extra]` are mistakes (3.1).

#[test]
fn top_level_keys_under_extra_are_errors_at_the_key() {
    let keys = "classification = \"TLP:RED\"\ndraft = true\nid = \"RK-9\"\ntitle = \"Other\"";
    let text = request("RK-1").after(&format!("[extra]\n{keys}")).text();
    let decision = interim_decision("RK-1", &format!("\n[extra]\n{keys}\n"), "Progressed.\n");
    let site = Site::new();
    site.write("requests/RK-1.md", &text);
    site.write("decisions/RK-1-interim.md", &decision);
    let run = site.check();
    run.expect_code(1);
    for (file, source) in [
        ("requests/RK-1.md", &text),
        ("decisions/RK-1-interim.md", &decision),
    ] {
        let extra = source.find("[extra]").expect("an [extra] table");
        for key in ["classification", "draft", "id", "title"] {
            let at = extra
                + source[extra..]
                    .find(&format!("\n{key} ="))
                    .expect("the key")
                + 1;
            assert_error(
                &run.stdout,
                &site.path(file),
                position_at(source, at),
                &[
                    &format!("`{key}` under [extra]"),
                    "top-level key",
                    "ignored",
                ],
                &[&format!("move `{key}` above the [extra] table")],
            );
        }
    }
    assert_eq!(count(&run.stdout, "error"), 8, "{}", run.stdout);
    site.refused();
}

// ---------------------------------------------------------------------------
// Rule 11: messages show the invisible; line numbers are an editor's (9).

#[test]
fn an_invisible_character_in_a_label_is_shown_escaped() {
    let text = request("INV-1").classification("TLP:WHITE\u{200b}").text();
    let site = Site::new();
    site.write("requests/INV-1.md", &text);
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("requests/INV-1.md"),
        position(&text, "\"TLP:WHITE"),
        &["unknown classification `TLP:WHITE\\u{200b}`", "withheld"],
        &["CLEAR, WHITE"],
    );
    assert!(!run.stdout.contains('\u{200b}'), "{}", run.stdout);
    let json = common::check(&site.content(), "json");
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let message = doc["diagnostics"][0]["message"]
        .as_str()
        .expect("a message");
    assert!(message.contains("`TLP:WHITE\\u{200b}`"), "{message}");
    site.refused();
}

#[test]
fn lone_cr_line_ends_give_the_line_an_editor_shows() {
    let text = request("CR-1")
        .history("note = \"Stage noted.\"")
        .table(&listing("notes.txt", "Notes", "TLP:CLEAR"))
        .body("## Issue\n\nLine one.\n<!-- TLP:RED -->\nCANARY never closed.\n")
        .text()
        .replace("stage = \"submitted\"", "stage = \"bogus\"");
    let notes = "First.\nSecond.\nWrite to someone@example.com.\n";
    let cr = |s: &str| s.replace('\n', "\r");
    let site = Site::new();
    site.write("requests/CR-1/index.md", cr(&text));
    site.write("requests/CR-1/notes.txt", cr(notes));
    let run = site.check();
    run.expect_code(1);
    let index = site.path("requests/CR-1/index.md");
    assert_error(
        &run.stdout,
        &index,
        position(&text, "\"bogus\""),
        &["`bogus` is not a stage"],
        &["A stage is one of submitted, triage"],
    );
    assert_error(
        &run.stdout,
        &index,
        position(&text, "<!-- TLP:RED -->"),
        &["never closed"],
        &["<!-- /TLP -->"],
    );
    // The fields could not be read, so the attachment is not; the same
    // file with a known stage checks it, at the attachment's own lines.
    let fixed = text
        .replace("\"bogus\"", "\"submitted\"")
        .replace("<!-- TLP:RED -->\nCANARY never closed.\n", "Closed.\n");
    site.write("requests/CR-1/index.md", cr(&fixed));
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("requests/CR-1/notes.txt"),
        position(notes, "someone@"),
        &["an e-mail address"],
        &["public_contacts"],
    );
    assert_eq!(count(&run.stdout, "error"), 1, "{}", run.stdout);
}

// ---------------------------------------------------------------------------
// Rule 12: `register check --withheld` (9).

/// `register check --withheld --format <format>` on `content`.
fn check_withheld(content: &Path, format: &str) -> Run {
    common::run(
        common::register()
            .arg("check")
            .arg("--content")
            .arg(content)
            .arg("--withheld")
            .arg("--format")
            .arg(format),
    )
}

/// What `check --withheld` lists for the publication fixture: every
/// withheld request, decision and passage, and nothing public.
const PUBLICATION_WITHHELD: &[(&str, &str, &str)] = &[
    (
        "decisions/PUB-2024-001-final.md:16:1",
        "passage (PUB-2024-001)",
        "TLP:RED",
    ),
    (
        "decisions/PUB-2024-002-final.md:5:8",
        "decision (PUB-2024-002)",
        "TLP:AMBER",
    ),
    (
        "decisions/PUB-2024-002-interim-1.md:11:1",
        "passage (PUB-2024-002)",
        "TLP:AMBER",
    ),
    (
        "decisions/PUB-2024-002-interim-2.md:5:8",
        "decision (PUB-2024-002)",
        "TLP:GREEN",
    ),
    (
        "decisions/SCMR-2099-901-final.md:5:8",
        "decision (SCMR-2099-901)",
        "its request is withheld",
    ),
    (
        "decisions/SCMR-2099-904-final.md:5:8",
        "decision (SCMR-2099-904)",
        "TLP:RED",
    ),
    (
        "decisions/SCMR-2099-905-interim-1.md:5:8",
        "decision (SCMR-2099-905)",
        "its request is withheld",
    ),
    (
        "requests/PUB-2024-001.md:46:1",
        "passage (PUB-2024-001)",
        "TLP:AMBER",
    ),
    (
        "requests/PUB-2024-001.md:52:1",
        "passage (PUB-2024-001)",
        "TLP:RED",
    ),
    (
        "requests/PUB-2024-001.md:56:1",
        "passage (PUB-2024-001)",
        "TLP:GREEN",
    ),
    (
        "requests/PUB-2024-001.md:60:1",
        "passage (PUB-2024-001)",
        "TLP:AMBER",
    ),
    (
        "requests/PUB-2024-001.md:69:3",
        "passage (PUB-2024-001)",
        "TLP:AMBER",
    ),
    (
        "requests/PUB-2024-001.md:76:1",
        "passage (PUB-2024-001)",
        "TLP:AMBER+STRICT",
    ),
    (
        "requests/PUB-2024-001.md:79:1",
        "passage (PUB-2024-001)",
        "TLP:RED",
    ),
    (
        "requests/PUB-2024-003/.keeper-notes-canary.txt:1:1",
        "file",
        "a hidden file",
    ),
    (
        "requests/SCMR-2099-901.md:2:6",
        "request (SCMR-2099-901)",
        "TLP:GREEN",
    ),
    (
        "requests/SCMR-2099-902.md:2:6",
        "request (SCMR-2099-902)",
        "TLP:AMBER",
    ),
    (
        "requests/SCMR-2099-903.md:2:6",
        "request (SCMR-2099-903)",
        "TLP:AMBER+STRICT",
    ),
    (
        "requests/SCMR-2099-904/canary-withheld-evidence-w4.txt:1:1",
        "attachment (SCMR-2099-904)",
        "its request is withheld",
    ),
    (
        "requests/SCMR-2099-904/index.md:2:6",
        "request (SCMR-2099-904)",
        "TLP:RED",
    ),
    (
        "requests/SCMR-2099-905.md:2:6",
        "request (SCMR-2099-905)",
        "a draft",
    ),
];

/// The lines `check --withheld` prints for `expected`, in `content`.
fn withheld_lines(content: &Path, expected: &[(&str, &str, &str)]) -> Vec<String> {
    expected
        .iter()
        .map(|(at, what, why)| format!("{}: withheld {what}: {why}", content.join(at).display()))
        .collect()
}

#[test]
fn check_withheld_lists_everything_withheld_with_its_reason_and_nothing_public() {
    let content = common::fixture_content("publication");
    let run = check_withheld(&content, "human");
    run.expect_code(0);
    let listed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains(": withheld "))
        .collect();
    assert_eq!(listed, withheld_lines(&content, PUBLICATION_WITHHELD));
    assert_eq!(listed.len(), run.stdout.lines().count(), "{}", run.stdout);
    // Nothing public: no public request, its public decisions and files.
    for public in [
        "requests/PUB-2024-001.md:2:",
        "PUB-2024-001-final.md:5:",
        "public-evidence-p3.txt",
        "withheld request (PUB-",
    ] {
        assert!(!run.stdout.contains(public), "{public}:\n{}", run.stdout);
    }
    assert!(
        run.stderr
            .contains("0 errors, 0 warnings; 21 things withheld, listed above"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_withheld_as_json_lists_the_same_entries() {
    let content = common::fixture_content("publication");
    let run = check_withheld(&content, "json");
    run.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["errors"], 0);
    let listed: Vec<String> = doc["withheld"]
        .as_array()
        .expect("a withheld list")
        .iter()
        .map(|w| {
            // A hidden file belongs to no request.
            let request = w["request"]
                .as_str()
                .map_or(String::new(), |id| format!(" ({id})"));
            format!(
                "{}:{}:{}: withheld {}{request}: {}",
                w["file"].as_str().expect("file"),
                w["line"],
                w["column"],
                w["kind"].as_str().expect("kind"),
                w["reason"].as_str().expect("reason"),
            )
        })
        .collect();
    assert_eq!(listed, withheld_lines(&content, PUBLICATION_WITHHELD));
}

#[test]
fn check_withheld_lists_withheld_attachments_and_unlisted_files() {
    let site = common::copy_fixture("publication-rules");
    let content = site.content();
    std::fs::write(
        content.join("requests/RUL-2025-001/stray-canary.txt"),
        "CANARY-STRAY\n",
    )
    .expect("write");
    let run = check_withheld(&content, "human");
    // The unlisted file is an error, and the list is still complete.
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &content.join("requests/RUL-2025-001/stray-canary.txt"),
        (1, 1),
        &["not listed under [[attachments]]"],
        &["list it in index.md"],
    );
    let expected: &[(&str, &str, &str)] = &[
        (
            "decisions/HID-2025-901-interim-1.md:5:8",
            "decision (HID-2025-901)",
            "its request is withheld",
        ),
        (
            "decisions/RUL-2025-002-final.md:5:8",
            "decision (RUL-2025-002)",
            "TLP:AMBER",
        ),
        (
            "decisions/RUL-2025-002-interim-1.md:13:1",
            "passage (RUL-2025-002)",
            "TLP:RED",
        ),
        (
            "requests/HID-2025-901.md:2:6",
            "request (HID-2025-901)",
            "TLP:AMBER",
        ),
        (
            "requests/HID-2025-902/canary-hid-evidence.txt:1:1",
            "attachment (HID-2025-902)",
            "its request is withheld",
        ),
        (
            "requests/HID-2025-902/index.md:2:6",
            "request (HID-2025-902)",
            "TLP:RED",
        ),
        (
            "requests/HID-2025-903.md:2:6",
            "request (HID-2025-903)",
            "a draft",
        ),
        (
            "requests/RUL-2025-001/amber-canary-notes.txt:1:1",
            "attachment (RUL-2025-001)",
            "TLP:AMBER",
        ),
        (
            "requests/RUL-2025-001/index.md:45:1",
            "passage (RUL-2025-001)",
            "TLP:AMBER",
        ),
        (
            "requests/RUL-2025-001/stray-canary.txt:1:1",
            "file (RUL-2025-001)",
            "not listed under [[attachments]]",
        ),
    ];
    let listed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains(": withheld "))
        .collect();
    assert_eq!(listed, withheld_lines(&content, expected));
    assert!(
        run.stderr
            .contains("1 error, 0 warnings; 10 things withheld"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------
// The preview server: an attachment withheld while a page links to it.

#[test]
fn a_cached_rebuild_drops_a_link_to_an_attachment_withheld_since() {
    use register::build::{BuildCache, BuildOptions, render_site, render_site_cached};
    use register::model::date::Date;
    let site = common::copy_fixture("publication-rules");
    let options = BuildOptions {
        content: site.content(),
        today: Date::parse(NOW).expect("a date"),
        base_url: None,
    };
    let files = |rendered: register::build::Rendered| -> Files {
        rendered
            .files
            .into_iter()
            .map(|f| (f.path, common::contents_bytes(f.contents)))
            .collect()
    };
    let mut cache = BuildCache::default();
    let rebuild = |cache: &mut BuildCache, what: &str| -> Files {
        let cached = files(render_site_cached(&options, cache).expect("the cached build"));
        let mut full = files(render_site(&options).expect("the full build"));
        // The manifest is for releases: the preview server does not make it.
        full.remove("register-manifest.json")
            .expect("a build makes its manifest");
        common::assert_same_tree(&full, &cached, what);
        cached
    };
    let link = "href=\"/requests/RUL-2025-001/public-notes-r1.txt\"";
    let page = "requests/RUL-2025-002/index.html";
    let before = rebuild(&mut cache, "first build");
    assert!(String::from_utf8_lossy(&before[page]).contains(link));
    assert!(before.contains_key("requests/RUL-2025-001/public-notes-r1.txt"));

    let record = site.content().join("requests/RUL-2025-001/index.md");
    let text = std::fs::read_to_string(&record).expect("read");
    let listed = "file = \"public-notes-r1.txt\"\ntitle = \"PUBLIC-ATTACHMENT-TITLE-R1\"\n\
                  classification = \"TLP:CLEAR\"";
    assert!(text.contains(listed));
    std::fs::write(
        &record,
        text.replace(listed, &listed.replace("TLP:CLEAR", "TLP:AMBER")),
    )
    .expect("write");
    let after = rebuild(&mut cache, "the attachment withheld");
    let html = String::from_utf8_lossy(&after[page]).into_owned();
    assert!(!html.contains("public-notes-r1.txt"), "{html}");
    assert!(html.contains("LINK-OTHER-PUBLIC-ATTACHMENT"), "{html}");
    assert_nowhere(&after, &["public-notes-r1", "PUBLIC-ATTACHMENT-TITLE-R1"]);
}

// ---------------------------------------------------------------------------
// Round 3: what a hostile or careless keeper tried after the rules above
// (the attack report's findings F3, F5, F6, F8, F9, F10, F13).

#[test]
fn an_unresolved_merge_conflict_is_an_error_at_its_markers() {
    let body = "## Issue\n\n<<<<<<< HEAD\n<!-- TLP:AMBER -->\nThe bypass in the firmware.\n\
                <!-- /TLP -->\n=======\nThe bypass in the firmware (draft).\n>>>>>>> review\n";
    let text = request("MC-1").body(body).text();
    let site = Site::new();
    site.write("requests/MC-1.md", &text);
    let run = site.check();
    run.expect_code(1);
    let file = site.path("requests/MC-1.md");
    for marker in ["<<<<<<< HEAD", ">>>>>>> review"] {
        assert_error(
            &run.stdout,
            &file,
            position(&text, marker),
            &["an unresolved merge conflict"],
            &["resolve the conflict"],
        );
    }
    site.refused();
}

#[test]
fn text_shown_in_another_order_than_written_is_refused() {
    // `<bdo dir="rtl">1-DIH</bdo>` and U+202E before `1-DIH` both show
    // `HID-1`, the id of a withheld request, to a reader.
    let site = Site::new();
    site.write(
        "requests/HID-1.md",
        request("HID-1").classification("TLP:AMBER").text(),
    );
    let text = request("RO-1")
        .title("Follows \u{202e}1-DIH\u{202c} closely")
        .text();
    site.write("requests/RO-1.md", &text);
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("requests/RO-1.md"),
        position(&text, "\u{202e}"),
        &["in `title` holds a direction override"],
        &["remove it"],
    );
    site.refused();
    // The element is dropped by the sanitiser, its text kept in order.
    site.write(
        "requests/RO-1.md",
        request("RO-1")
            .body("## Issue\n\nA <bdo dir=\"rtl\">ybhsA</bdo> B.\n")
            .text(),
    );
    let files = site.built();
    assert!(places(&files, &["<bdo", "dir=\"rtl\""]).is_empty());
    assert!(!places(&files, &["ybhsA"]).is_empty());
}

#[test]
fn a_declared_name_is_found_without_its_title_note_or_order() {
    let cases = [
        ("Dr Wilfred Ashby", "By Wilfred Ashby."),
        ("Wilfred Ashby (CTO)", "By Wilfred Ashby."),
        ("Ashby, Wilfred", "By Wilfred Ashby."),
        ("Wilfred Ashby", "Minutes: Ashby, Wilfred; others."),
        ("Siobhan O\u{2019}Brien", "By Siobhan O'Brien."),
        ("Mary Smith-Jones", "By Mary Smith\u{2010}Jones."),
        ("Wilfred Ashby.", "By Wilfred Ashby today."),
        (
            "Wilfred Ashby",
            "By Wilfred.Ashby and Wilfred\u{3164} Ashby\u{3164}.",
        ),
    ];
    for (name, prose) in cases {
        let site = Site::new();
        let body = format!("## Issue\n\n{prose}\n");
        let text = request("NF-1")
            .proposer(&format!("name = {}", toml_string(name)))
            .body(&body)
            .text();
        site.write("requests/NF-1.md", &text);
        let run = site.check();
        run.expect_code(1);
        assert!(
            run.stdout
                .contains("holds the name declared under [proposer]"),
            "{name} / {prose}:\n{}",
            run.stdout
        );
        assert_not_quoted(&run, &["wilfred", "ashby", "siobhan", "smith"]);
        site.refused();
    }
}

#[test]
fn e_mail_addresses_and_numbers_in_more_forms_are_errors() {
    for (prose, what) in [
        (
            "Write to jo.bloggs @ example.com today.",
            "an e-mail address",
        ),
        (
            "Write to jo.bloggs{at}example.com today.",
            "an e-mail address",
        ),
        (
            "Write to jo.bloggs at example dot com.",
            "an e-mail address",
        ),
        ("Write to jo@ex\u{e4}mple.com today.", "an e-mail address"),
        ("Write to jo\u{ff20}example.com today.", "an e-mail address"),
        ("Call 07700 \u{2013} 900123 today.", "a telephone number"),
        ("Call\u{a0}07700 900123 today.", "a telephone number"),
        ("Call 07700_900123 today.", "a telephone number"),
        (
            "Call \u{ff10}\u{ff17}\u{ff17}\u{ff10}\u{ff10} 900123.",
            "a telephone number",
        ),
    ] {
        let site = Site::new();
        let text = request("CF-1")
            .body(&format!("## Issue\n\n{prose}\n"))
            .text();
        site.write("requests/CF-1.md", &text);
        let run = site.check();
        run.expect_code(1);
        assert!(run.stdout.contains(what), "{prose}:\n{}", run.stdout);
        site.refused();
    }
}

#[test]
fn links_written_as_a_browser_reads_them_are_judged_like_any_other() {
    let site = Site::new();
    site.write(
        "requests/HID-1.md",
        request("HID-1").classification("TLP:AMBER").text(),
    );
    let body = "## Issue\n\n[a](///rules.example.org/requests/%48ID-1/) \
                [b](https://rules.example.org:/requests/%48ID-1/) \
                [c](https://rules%2Eexample.org/requests/%48ID-1/) \
                <a href=\"https:\\\\rules.example.org/requests/%48ID-1/\">d</a> \
                [e](https://\u{ff52}ules.example.org/requests/%48ID-1/)\n";
    site.write("requests/BL-1.md", request("BL-1").body(body).text());
    let files = site.built();
    let page = String::from_utf8_lossy(&files["requests/BL-1/index.html"]).into_owned();
    for text in ["a", "b", "c", "d", "e"] {
        assert_eq!(anchor_around(&page, text), None, "`{text}` stayed a link");
    }
    assert_nowhere(&files, &["%48ID", "HID-1"]);
}

#[test]
fn a_base_url_with_a_password_or_a_bad_language_tag_is_refused() {
    let settings = "title = \"Rules\"\nbase_url = \"https://staging:S3cret@rules.example.org\"\n\
                    language = \"en\\\" data-x=\\\"y\"\n";
    let site = Site::with_settings(settings);
    site.write("requests/BU-1.md", request("BU-1").text());
    let run = site.check();
    run.expect_code(1);
    let file = site.path("site.toml");
    assert_error(
        &run.stdout,
        &file,
        position(settings, "base_url"),
        &["base_url holds a user name or password"],
        &[],
    );
    assert_error(
        &run.stdout,
        &file,
        position(settings, "language"),
        &["language is not a language tag"],
        &["en-GB"],
    );
    assert_not_quoted(&run, &["S3cret"]);
    site.refused();
    // The same address given on the command line: refused before anything
    // is read, without repeating it.
    let good = Site::new();
    good.write("requests/BU-1.md", request("BU-1").text());
    let run = common::run(
        common::register()
            .args(["build", "--now", NOW, "--base-url"])
            .arg("https://staging:S3cret@preview.example.org")
            .arg("--content")
            .arg(good.content())
            .arg("--output")
            .arg(good.out()),
    );
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("--base-url holds a user name or password")
    );
    assert_not_quoted(&run, &["S3cret"]);
    assert!(!good.out().exists());
}

#[test]
fn records_the_build_would_not_read_are_errors() {
    let site = Site::new();
    site.write("requests/PB-1.md", request("PB-1").text());
    let parked = request("HID-1").proposer("name = \"Gideon Marsh\"").text();
    for rel in [
        "drafts/HID-1.md",
        "HID-2.md",
        "requests/.HID-3.md",
        "decisions/.HID-4.md",
    ] {
        site.write(rel, &parked);
    }
    site.write("requests/.DS_Store", "Finder's");
    let run = site.check();
    run.expect_code(1);
    assert_eq!(count(&run.stdout, "error"), 4, "{}", run.stdout);
    for (rel, message) in [
        (
            "drafts",
            "the content folder holds site.toml, requests/ and decisions/ only",
        ),
        (
            "HID-2.md",
            "the content folder holds site.toml, requests/ and decisions/ only",
        ),
        ("requests/.HID-3.md", "a hidden record file is never read"),
        ("decisions/.HID-4.md", "a hidden record file is never read"),
    ] {
        assert_error(&run.stdout, &site.path(rel), (1, 1), &[message], &[]);
    }
    site.refused();
}

// ---------------------------------------------------------------------------
// Attachments are read by their bytes, and published as checked (section
// 3.3): the hostile keeper's findings F4, F11 and F12.

/// A withheld request `HID-1` whose proposer is `name`.
fn withheld_with_name(name: &str) -> String {
    request("HID-1")
        .classification("TLP:AMBER")
        .proposer(&format!("name = \"{name}\""))
        .text()
}

#[test]
fn an_attachment_is_text_by_its_bytes_whatever_its_name() {
    let site = Site::new();
    let names = ["notes.pdf", "notes.dat", "memo", "call.bin"];
    let listings: Vec<String> = names
        .iter()
        .map(|n| listing(n, "Notes", "TLP:CLEAR"))
        .collect();
    let refs: Vec<&str> = listings.iter().map(String::as_str).collect();
    site.write(
        "requests/ATT-4/index.md",
        folder_record("ATT-4", &refs).text(),
    );
    let text = "Call jo.bloggs@example.com\n<!-- TLP:RED -->\nred text\n<!-- /TLP -->\n";
    site.write("requests/ATT-4/notes.pdf", text);
    site.write("requests/ATT-4/notes.dat", format!("{text}\0"));
    site.write("requests/ATT-4/memo", format!("\u{feff}{text}"));
    site.write("requests/ATT-4/call.bin", utf16le(text));
    let run = site.check();
    run.expect_code(1);
    for name in names {
        let file = site.path(&format!("requests/ATT-4/{name}"));
        assert_error(
            &run.stdout,
            &file,
            (1, 6),
            &["an e-mail address", "personal data"],
            &["public_contacts"],
        );
        assert_error(
            &run.stdout,
            &file,
            (2, 1),
            &["published as it is", "cannot hold a TLP passage marker"],
            &["remove the withheld passage"],
        );
    }
    let build = site.refused();
    assert_not_quoted(&build, &["jo.bloggs"]);
}

#[test]
fn a_binary_attachment_is_read_as_latin_1_for_declared_names() {
    let site = Site::new();
    site.write("requests/HID-1.md", withheld_with_name("Zoë Müller"));
    let record = folder_record(
        "ATT-5",
        &[
            &listing("settings.cfg", "Settings", "TLP:CLEAR"),
            &listing("scan.png", "Scan", "TLP:CLEAR"),
            &listing("slides.pptx", "Slides", "TLP:CLEAR"),
        ],
    );
    site.write("requests/ATT-5/index.md", record.text());
    // One byte each: `ü` and `ë` in Latin-1 (and so in Windows-1252).
    site.write(
        "requests/ATT-5/settings.cfg",
        b"owner: Zo\xeb M\xfcller\n\xff",
    );
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x1ctEXtAuthor\0".to_vec();
    png.extend_from_slice(b"ZO\xcb M\xdcLLER\0\0IEND\xaeB`\x82");
    site.write("requests/ATT-5/scan.png", png);
    // UTF-16 without a byte-order mark, inside a binary file.
    let mut slides = b"PK\x03\x04\x14\x00\x00\x00".to_vec();
    slides.extend("by Zoë Müller".encode_utf16().flat_map(u16::to_le_bytes));
    slides.extend_from_slice(b"\x01\x02");
    site.write("requests/ATT-5/slides.pptx", slides);
    let run = site.check();
    run.expect_code(1);
    let hid = site.path("requests/HID-1.md").display().to_string();
    for name in ["settings.cfg", "scan.png", "slides.pptx"] {
        assert_error(
            &run.stdout,
            &site.path(&format!("requests/ATT-5/{name}")),
            (1, 1),
            &[
                &format!("name declared under [proposer] in `{hid}`"),
                "in the file's bytes",
            ],
            &["remove it here"],
        );
    }
    let build = site.refused();
    assert_not_quoted(&build, &["zoë", "müller", "muller"]);
}

#[test]
fn scripts_and_markup_that_runs_them_are_never_published() {
    let site = Site::new();
    let names = [
        "app.js",
        "module.mjs",
        "code.wasm",
        "diagram.svg",
        "page.html",
    ];
    let mut listings: Vec<String> = names
        .iter()
        .map(|n| listing(n, "File", "TLP:CLEAR"))
        .collect();
    listings.push(listing("clean.svg", "Clean", "TLP:CLEAR"));
    listings.push(listing("latin.xml", "Latin", "TLP:CLEAR"));
    let refs: Vec<&str> = listings.iter().map(String::as_str).collect();
    site.write(
        "requests/ATT-6/index.md",
        folder_record("ATT-6", &refs).text(),
    );
    site.write("requests/ATT-6/app.js", "fetch('/register.json')\n");
    site.write("requests/ATT-6/module.mjs", "export default 1;\n");
    site.write("requests/ATT-6/code.wasm", b"\0asm\x01\0\0\0");
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<rect/><g onload=\"x()\"/></svg>\n";
    site.write("requests/ATT-6/diagram.svg", svg);
    let html = "<p>See\n<a href=\"java&#x09;script&colon;x()\">this</a></p>\n";
    site.write("requests/ATT-6/page.html", html);
    site.write(
        "requests/ATT-6/clean.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>A diagram</text></svg>\n",
    );
    site.write("requests/ATT-6/latin.xml", b"<x>caf\xe9</x>\n");
    let run = site.check();
    run.expect_code(1);
    for name in ["app.js", "module.mjs", "code.wasm"] {
        assert_error(
            &run.stdout,
            &site.path(&format!("requests/ATT-6/{name}")),
            (1, 1),
            &["a script", "cannot be published as an attachment"],
            &["withholds it"],
        );
    }
    let script_words: &[&str] = &["holds a script", "would run as the register"];
    let at = svg.find(" onload").expect("handler");
    assert_error(
        &run.stdout,
        &site.path("requests/ATT-6/diagram.svg"),
        position_at(svg, at),
        script_words,
        &["remove the script"],
    );
    assert_error(
        &run.stdout,
        &site.path("requests/ATT-6/page.html"),
        position(html, "java&"),
        script_words,
        &["remove the script"],
    );
    assert_error(
        &run.stdout,
        &site.path("requests/ATT-6/latin.xml"),
        (1, 7),
        &["not valid UTF-8"],
        &["save the file as UTF-8"],
    );
    assert!(!run.stdout.contains("clean.svg"), "{}", run.stdout);
    assert_eq!(count(&run.stdout, "error"), 6, "{}", run.stdout);
    site.refused();
}

#[test]
fn a_markup_attachment_is_screened_as_a_browser_shows_it() {
    let site = Site::new();
    site.write("requests/HID-1.md", withheld_with_name("Gideon Parr"));
    let record = folder_record(
        "ATT-7",
        &[
            &listing("notes.html", "Notes", "TLP:CLEAR"),
            &listing("figure.svg", "Figure", "TLP:CLEAR"),
        ],
    );
    site.write("requests/ATT-7/index.md", record.text());
    let html = "<p>Minutes by Wil<b>fred</b> Ashby.</p>\n<p>See HID&#45;1.</p>\n";
    site.write("requests/ATT-7/notes.html", html);
    let svg = "<svg><text>Drawn by Gid<tspan>eon</tspan>&nbsp;Parr</text></svg>\n";
    site.write("requests/ATT-7/figure.svg", svg);
    let run = site.check();
    run.expect_code(1);
    let notes = site.path("requests/ATT-7/notes.html");
    assert_error(
        &run.stdout,
        &notes,
        position(html, "Wil<b>"),
        &["name declared under [proposer] in this record"],
        &["remove it here"],
    );
    assert_error(
        &run.stdout,
        &notes,
        position(html, "HID&"),
        &["names `HID-1`", "withheld"],
        &["remove the mention"],
    );
    assert_error(
        &run.stdout,
        &site.path("requests/ATT-7/figure.svg"),
        position(svg, "Gid<"),
        &["name declared under [proposer]"],
        &["remove it here"],
    );
    let build = site.refused();
    assert_not_quoted(&build, &["wilfred", "gideon"]);
}

#[test]
fn a_leftover_or_a_record_listed_as_an_attachment_is_refused() {
    let site = Site::new();
    let names = ["index.md.bak", "notes.md", "draft.orig", "old.rej"];
    let listings = [
        listing(names[0], "Backup", "TLP:CLEAR"),
        listing(names[1], "Notes", "TLP:CLEAR"),
        listing(names[2], "Draft", "TLP:AMBER"),
        listing(names[3], "Old", "TLP:WHITE"),
    ];
    let refs: Vec<&str> = listings.iter().map(String::as_str).collect();
    let text = folder_record("ATT-8", &refs).text();
    site.write("requests/ATT-8/index.md", &text);
    for name in names {
        site.write(&format!("requests/ATT-8/{name}"), "CANARY-LEFTOVER copy\n");
    }
    let run = site.check();
    run.expect_code(1);
    let index = site.path("requests/ATT-8/index.md");
    for name in names {
        assert_error(
            &run.stdout,
            &index,
            position(&text, &format!("\"{name}\"")),
            &[&format!("`{name}` cannot be an attachment"), "withholds"],
            &["rename the file", "remove it"],
        );
    }
    // Reported once each, at the listing: not again as unlisted files.
    assert_eq!(count(&run.stdout, "error"), names.len(), "{}", run.stdout);
    site.refused();
}

/// The bytes a build writes for an attachment are the bytes its check
/// read: a file changed after the check (or replaced by a link to a
/// withheld record) between the check and the writing is not published.
#[cfg(unix)]
#[test]
fn a_build_writes_the_attachment_bytes_it_checked() {
    use register::{build, check, output, publish, render, source::theme};
    let site = Site::new();
    site.write("requests/HID-1.md", withheld_with_name("Gideon Parr"));
    let record = folder_record("ATT-9", &[&listing("n.txt", "Notes", "TLP:CLEAR")]);
    site.write("requests/ATT-9/index.md", record.text());
    site.write("requests/ATT-9/n.txt", "clean\n");
    let mut checked = check::check(&site.content());
    let passed = checked.take_passed().expect("the content passes");
    // After the check: dirty bytes, then a link to the withheld record.
    let notes = site.path("requests/ATT-9/n.txt");
    std::fs::write(&notes, "CANARY-DIRTY Gideon Parr 01632 960999\n").expect("write");
    std::fs::remove_file(&notes).expect("remove");
    std::os::unix::fs::symlink(site.path("requests/HID-1.md"), &notes).expect("link");
    let today = register::model::date::Date::parse(NOW).expect("a date");
    let (register, _) = publish::filter(passed, today).expect("the filter");
    let root = build::site_root(&site.content());
    let theme = theme::find(&root, &checked.settings.theme).expect("the theme");
    let templates = render::templates(&theme).expect("the templates");
    let inputs = output::Inputs {
        roots: vec![root],
        read: vec![(site.content(), "the content folder")],
    };
    let staging = output::Staging::prepare(&site.out(), &inputs, &[]).expect("staging");
    render::render(&register, &checked.settings, &theme, &templates, &staging).expect("render");
    staging.commit().expect("commit");
    let written = std::fs::read(site.out().join("requests/ATT-9/n.txt")).expect("written");
    assert_eq!(written, b"clean\n");
    assert_nowhere(&tree(&site.out()), &["gideon", CANARY, "960999"]);
}

// ---------------------------------------------------------------------------
// Rule 4, as a reader sees the text: the hostile keeper's second round
// (N1-N18 of ATTACK-ROUND2), one test per finding.

/// A site with a withheld `HID-1` whose proposer is `Gideon Parr`, and a
/// public `PUB-1` whose proposer is `Wilfred Ashby` and whose body is
/// `body`: the usual scene of a leak.
fn scene(body: &str) -> (Site, String) {
    let site = Site::new();
    site.write("requests/HID-1.md", withheld_with_name("Gideon Parr"));
    let text = request("PUB-1")
        .proposer("name = \"Wilfred Ashby\"")
        .body(&format!("## Issue\n\n{body}\n"))
        .text();
    site.write("requests/PUB-1.md", &text);
    (site, text)
}

/// Asserts the scene with `body` is refused by `check` and `build` with a
/// message holding `what`, quoting none of `secret`.
fn scene_refused(body: &str, what: &str) -> Run {
    let (site, _) = scene(body);
    let run = site.check();
    run.expect_code(1);
    assert!(
        run.stdout.contains(what),
        "{body:?}: no `{what}` in:\n{}",
        run.stdout
    );
    assert_not_quoted(&run, &["gideon", "wilfred", "ashby"]);
    site.refused();
    run
}

const NAMES_ID: &str = "names `HID-1`";
const HOLDS_NAME: &str = "holds the name declared under [proposer]";

#[test]
fn n1_a_footnote_mark_glued_to_an_id_or_a_name_does_not_hide_it() {
    for (body, what) in [
        ("As in HID-1<sup>1</sup> and so on.", NAMES_ID),
        ("As in HID-1*1* and so on.", NAMES_ID),
        ("As noted in HID-1\u{b9} today.", NAMES_ID),
        ("As noted in HID-1\u{2460} today.", NAMES_ID),
        ("As noted in HID-1\u{2122} today.", NAMES_ID),
        ("As noted in \u{2bc}HID-1\u{2bc} today.", NAMES_ID),
        ("As noted in HID-1\u{5d0} today.", NAMES_ID),
        ("By Gideon Parr\u{b2} today.", HOLDS_NAME),
        ("By Gideon Parr<sup>2</sup> today.", HOLDS_NAME),
        ("By Gideon Parr\u{1d43} today.", HOLDS_NAME),
        ("By Gideon Parr\u{301} today.", HOLDS_NAME),
    ] {
        scene_refused(body, what);
    }
    // The error is placed where the id is written.
    let (site, text) = scene("As in HID-1<sup>1</sup> and so on.");
    let run = site.check();
    assert_error(
        &run.stdout,
        &site.path("requests/PUB-1.md"),
        position(&text, "HID-1<sup>"),
        &[NAMES_ID, "withheld"],
        &["remove the mention"],
    );
    // Words that only start like an id or a name are not them.
    let (site, _) = scene("See HID-12, HID-1a, Parrot and Gideonite notes.");
    site.built();
}

#[test]
fn n2_declared_names_in_more_forms_are_found() {
    for (name, prose) in [
        ("Wilfred Ashby, CTO", "By Wilfred Ashby."),
        (
            "Wilfred Ashby - Chief Technology Officer",
            "By Wilfred Ashby.",
        ),
        ("Wilfred J. Ashby", "By Wilfred Ashby."),
        ("Wilfred Ashby", "By Wilfred J. Ashby."),
        ("Cllr Wilfred Ashby MBE", "By Wilfred Ashby."),
        ("Rev Wilfred Ashby PhD", "By Wilfred Ashby."),
        ("Wilfred Ashby Jr.", "By Wilfred Ashby."),
        ("Mr and Mrs Wilfred Ashby", "By Wilfred Ashby."),
        ("Wilfred Ashby <wilfred@example.net>", "By Wilfred Ashby."),
        ("Wilfred Ashby and Ann Other", "Spoke to Ann Other."),
        ("Wilfred Ashby & Ann Other", "Spoke to Ann Other."),
        ("Wilfred Ashby / Ann Other", "Spoke to Ann Other."),
        ("Wilfred Ashby; Ann Other", "Spoke to Ann Other."),
        ("Wilfred Ashby, Ann Other", "Spoke to Ann Other."),
        ("Ashby, Wilfred (CTO)", "By Wilfred Ashby."),
    ] {
        let site = Site::new();
        let text = request("NF-2")
            .proposer(&format!("name = {}", toml_string(name)))
            .body(&format!("## Issue\n\n{prose}\n"))
            .text();
        site.write("requests/NF-2.md", &text);
        let run = site.check();
        run.expect_code(1);
        assert!(
            run.stdout.contains(HOLDS_NAME),
            "{name} / {prose}:\n{}",
            run.stdout
        );
        assert_not_quoted(&run, &["wilfred", "ashby", "ann other"]);
        site.refused();
    }
    // A role, a title or letters alone are not the person.
    for (name, prose) in [
        ("Wilfred Ashby, CTO", "The CTO of Org Ltd agreed."),
        ("Mr and Mrs Wilfred Ashby", "Mr Smith and Mrs Jones agreed."),
        (
            "Wilfred Ashby, Head of Security",
            "The Head of Security agreed.",
        ),
        ("Wilfred Ashby MBE", "An MBE was awarded."),
    ] {
        let site = Site::new();
        let text = request("NF-3")
            .proposer(&format!("name = {}", toml_string(name)))
            .body(&format!("## Issue\n\n{prose}\n"))
            .text();
        site.write("requests/NF-3.md", &text);
        site.built();
    }
}

#[test]
fn n3_contact_details_in_more_forms_are_errors() {
    const EMAIL: &str = "an e-mail address";
    const PHONE: &str = "a telephone number";
    for (body, what) in [
        ("Call 07700\n900123 today.", PHONE),
        ("Call 07700\t900123 today.", PHONE),
        ("Call 01632 960123 / 960124 today.", PHONE),
        ("Ref 1 2 3 4 5 6 07700 900123 today.", PHONE),
        ("Mail jo.bloggs\n@ example.com today.", EMAIL),
        ("Mail jo.bloggs [at] example [dot] com today.", EMAIL),
        ("Mail jo.bloggs (at) example (dot) com today.", EMAIL),
        ("Mail jo.bloggs at example.com today.", EMAIL),
        ("Mail jo.bloggs%40example.com today.", EMAIL),
        ("Mail jo.bloggs@example\u{3002}com today.", EMAIL),
    ] {
        scene_refused(body, what);
    }
    // A history note with a line break in it.
    let site = Site::new();
    let text = request("CF-2")
        .history("note = \"Call 07700\\n900123 or jo.bloggs\\n@ example.com\"")
        .text();
    site.write("requests/CF-2.md", &text);
    let run = site.check();
    run.expect_code(1);
    assert!(
        run.stdout.contains(PHONE) && run.stdout.contains(EMAIL),
        "{}",
        run.stdout
    );
    assert_not_quoted(&run, &["900123", "jo.bloggs"]);
    site.refused();
    // Ordinary prose and tables of small numbers are not contact details.
    let (site, _) = scene(
        "Look at example.com, e.g. at www.example.org.\n\n\
         | a | b |\n|---|---|\n| 0 | 1 |\n| 0 | 2 |\n| 0 | 3 |\n| 0 | 4 |\n| 0 | 5 |\n| 0 | 6 |\n\n\
         - 01\n- 02\n- 03\n- 04\n- 05\n- 06\n",
    );
    site.built();
}

#[test]
fn n5_a_long_declared_name_does_not_switch_the_name_search_off() {
    let (site, text) = scene("Body mentions Wilfred Ashby here.");
    let blob = format!("{} Marsh", "Qz".repeat(750_000));
    site.write(
        "requests/HID-2.md",
        withheld_with_name(&blob).replace("\"HID-1\"", "\"HID-2\""),
    );
    let started = std::time::Instant::now();
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("requests/PUB-1.md"),
        position(&text, "Wilfred Ashby here"),
        &["holds the name declared under [proposer] in this record"],
        &["remove it here"],
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    site.refused();
}

#[test]
fn n7_unicode_dashes_format_characters_and_apostrophes_do_not_hide_ids_or_names() {
    for dash in [
        '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2212}', '\u{58a}',
        '\u{5be}', '\u{2e3a}', '\u{30a0}', '\u{fe63}', '\u{ff0d}',
    ] {
        scene_refused(&format!("See HID{dash}1 today."), NAMES_ID);
    }
    for glue in [
        '\u{fff9}',
        '\u{fffa}',
        '\u{fffb}',
        '\u{58a}',
        '\u{60c}',
        '\u{589}',
        '\u{f0b}',
        '\u{ab}',
        '\u{2192}',
        '\u{1f642}',
        '\u{110bd}',
        '\u{13430}',
    ] {
        scene_refused(&format!("By Gideon{glue}Parr today."), HOLDS_NAME);
    }
    // Apostrophes, either way round.
    for (name, prose) in [
        ("Siobhan O\u{2bc}Brien", "By Siobhan O'Brien."),
        ("Siobhan O\u{b4}Brien", "By Siobhan O\u{2019}Brien."),
        ("Siobhan O'Brien", "By Siobhan O\u{2bc}Brien."),
        ("Siobhan O'Brien", "By Siobhan O\u{a78c}Brien."),
        ("Siobhan O'Brien", "By Siobhan O\u{55a}Brien."),
        ("Siobhan O'Brien", "By Siobhan O\u{1fbd}Brien."),
    ] {
        let site = Site::new();
        let text = request("AP-1")
            .proposer(&format!("name = {}", toml_string(name)))
            .body(&format!("## Issue\n\n{prose}\n"))
            .text();
        site.write("requests/AP-1.md", &text);
        let run = site.check();
        run.expect_code(1);
        assert!(
            run.stdout.contains(HOLDS_NAME),
            "{name} / {prose}:\n{}",
            run.stdout
        );
        site.refused();
    }
}

#[test]
fn n8_direction_marks_are_refused_and_bdi_is_not_published() {
    for body in [
        "See <bdi>\u{200f}1-DIH</bdi> now.",
        "See <bdi>\u{61c}1-DIH</bdi> now.",
        "Mail <bdi>\u{200f}example.com \u{200f}@\u{200f} jo.bloggs</bdi> now.",
        "Call <bdi>\u{200e}900123 07700</bdi> now.",
    ] {
        scene_refused(body, "holds a direction override");
    }
    // `<bdi>` is dropped by the sanitiser, its text kept in order.
    let (site, _) = scene("See <bdi>ybhsA</bdi> now.");
    let files = site.built();
    assert!(places(&files, &["<bdi"]).is_empty());
    assert!(!places(&files, &["ybhsA"]).is_empty());
}

#[test]
fn n11_the_search_index_never_puts_two_words_side_by_side() {
    for (name, prose, pairs) in [
        (
            "Wilfred Ashby",
            "Wilfred went to Ashby.",
            [("ashby", "wilfred"), ("wilfred", "ashby")],
        ),
        (
            "Zoe Abbott",
            "Zoe Wanamaker acted; later abbott.",
            [("zoe", "abbott"), ("abbott", "zoe")],
        ),
    ] {
        let site = Site::new();
        site.write(
            "requests/SI-1.md",
            request("SI-1")
                .proposer(&format!("name = {}", toml_string(name)))
                .body(&format!("## Issue\n\n{prose}\n"))
                .text(),
        );
        let files = site.built();
        let raw = String::from_utf8_lossy(&files["search-index.json"]).to_lowercase();
        // Read as rule 4 reads any text: words apart by anything that is
        // not a letter or a digit.
        let words: Vec<&str> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for (a, b) in pairs {
            assert!(
                !words.windows(2).any(|w| w[0] == a && w[1] == b),
                "`{a} {b}` in search-index.json: {raw}"
            );
        }
        let index: serde_json::Value = serde_json::from_str(&raw).expect("JSON");
        assert!(index[0]["text"].is_array(), "{raw}");
    }
}

#[test]
fn n12_percent_escapes_are_decoded_before_screening_and_refused_in_base_url() {
    for (body, what) in [
        ("See HID%2D1 today.", NAMES_ID),
        ("See %48ID-1 today.", NAMES_ID),
        ("By Gideon%20Parr today.", HOLDS_NAME),
    ] {
        scene_refused(body, what);
    }
    let settings =
        "title = \"Rules\"\nbase_url = \"https://rules.example.org/%48ID-1/Wilfred%20Ashby/\"\n";
    let site = Site::with_settings(settings);
    site.write("requests/HID-1.md", withheld_with_name("Gideon Parr"));
    site.write("requests/BU-2.md", request("BU-2").text());
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("site.toml"),
        position(settings, "base_url"),
        &["base_url may not hold `%` escapes"],
        &[],
    );
    site.refused();
    let good = Site::new();
    good.write("requests/BU-2.md", request("BU-2").text());
    let run = common::run(
        common::register()
            .args(["build", "--now", NOW, "--base-url"])
            .arg("https://rules.example.org/%48%49%44-1/")
            .arg("--content")
            .arg(good.content())
            .arg("--output")
            .arg(good.out()),
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("--base-url may not hold `%` escapes"),
        "{}",
        run.stderr
    );
    assert!(!good.out().exists());
}

#[test]
fn n13_messages_never_quote_extra_keys_or_output_keep_entries() {
    let site = Site::with_settings(&format!(
        "{SITE_TOML}output_keep = [\"../Gideon Marsh SECRETKEEP\"]\n\
         [extra.\"Gideon Marsh 07700 900999\"]\nx = \"a <!-- TLP:RED --> b\"\n"
    ));
    let text = request("MK-1")
        .after("[extra.\"Gideon Marsh 07700 900999\"]\nnote = \"see <!-- TLP:RED --> here\"")
        .text();
    site.write("requests/MK-1.md", &text);
    for format in ["human", "github"] {
        let run = common::check(&site.content(), format);
        run.expect_code(1);
        // The key is the keeper's words: named by its place alone.
        assert!(
            run.stdout
                .contains("`extra.\u{2026}.note` holds a TLP passage marker")
                && run
                    .stdout
                    .contains("`extra.\u{2026}.x` holds a TLP passage marker"),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("output_keep entry 1"), "{}", run.stdout);
        assert_not_quoted(&run, &["gideon", "07700", "secretkeep"]);
    }
    let run = site.check();
    assert_error(
        &run.stdout,
        &site.path("requests/MK-1.md"),
        position(&text, "<!-- TLP:RED"),
        &["`extra.\u{2026}.note` holds a TLP passage marker"],
        &["remove the marker"],
    );
    assert_not_quoted(&site.refused(), &["gideon", "07700", "secretkeep"]);
}

#[test]
fn n16_a_direction_override_in_a_body_is_an_error_not_a_crash() {
    for body in [
        "See \u{202e}1-DIH\u{202c} here.",
        "See \u{2066}x\u{2069} here.",
        "See &#8238;1-DIH here.",
        "See &#x202e;1-DIH here.",
        "See <em>\u{202e}1-DIH</em> here.",
    ] {
        let run = scene_refused(body, "holds a direction override");
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    let (site, text) = scene("See \u{202e}1-DIH\u{202c} here.");
    let run = site.check();
    assert_error(
        &run.stdout,
        &site.path("requests/PUB-1.md"),
        position(&text, "\u{202e}"),
        &["holds a direction override"],
        &["remove it"],
    );
}

#[test]
fn n18_long_hyphenated_words_and_digit_runs_are_screened_in_linear_time() {
    for body in ["a-".repeat(80_000) + "a", "0 ".repeat(80_000)] {
        let (site, _) = scene(&body);
        let started = std::time::Instant::now();
        let run = site.check();
        let took = started.elapsed();
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        assert!(
            took < std::time::Duration::from_secs(10),
            "{} bytes took {took:?}",
            body.len()
        );
    }
}

#[test]
fn r8_words_written_wholly_in_enclosed_or_superscript_characters_are_read() {
    const PHONE: &str = "a telephone number";
    for (body, what) in [
        // Ⓦⓘⓛⓕⓡⓔⓓ Ⓐⓢⓗⓑⓨ, ⒽⒾⒹ-①, ᴴᴵᴰ⁻¹, 🄷🄸🄳-1
        (
            "By \u{24cc}\u{24d8}\u{24db}\u{24d5}\u{24e1}\u{24d4}\u{24d3} \
             \u{24b6}\u{24e2}\u{24d7}\u{24d1}\u{24e8} here.",
            HOLDS_NAME,
        ),
        ("See \u{24bd}\u{24be}\u{24b9}-\u{2460} here.", NAMES_ID),
        ("See \u{1d34}\u{1d35}\u{1d30}\u{207b}\u{b9} here.", NAMES_ID),
        ("See \u{1f137}\u{1f138}\u{1f133}-1 here.", NAMES_ID),
        // ⓪⑦⑦⓪⓪ ⑨⓪⓪①②③, ⁰⁷⁷⁰⁰ ⁹⁰⁰¹²³, 07700 9001²³
        (
            "Call \u{24ea}\u{2466}\u{2466}\u{24ea}\u{24ea} \
             \u{2468}\u{24ea}\u{24ea}\u{2460}\u{2461}\u{2462} now.",
            PHONE,
        ),
        (
            "Call \u{2070}\u{2077}\u{2077}\u{2070}\u{2070} \
             \u{2079}\u{2070}\u{2070}\u{b9}\u{b2}\u{b3} now.",
            PHONE,
        ),
        ("Call 07700 9001\u{b2}\u{b3} now.", PHONE),
        // A mark beside a name or an id is still read apart from it.
        ("By Wilfred Ashby\u{b2} today.", HOLDS_NAME),
        ("As noted in HID-1\u{b9} today.", NAMES_ID),
    ] {
        scene_refused(body, what);
    }
    // Footnote marks in ordinary prose are not contact details or names.
    let (site, _) =
        scene("In 2019\u{b9} the rate rose to 3 m\u{b2}, see note \u{2460} and HID-12\u{b2}.");
    site.built();
}

#[test]
fn r14_digits_on_lines_of_their_own_are_screened_in_linear_time() {
    let body = "0\n".repeat(200_000);
    let (site, _) = scene(&body);
    let started = std::time::Instant::now();
    let run = site.check();
    let took = started.elapsed();
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(
        took < std::time::Duration::from_secs(10),
        "{} bytes took {took:?}",
        body.len()
    );
}

#[test]
fn r15_date_ranges_and_references_are_not_telephone_numbers() {
    let (site, _) = scene(
        "The consultation ran 01/02/2024 - 03/04/2024, then 01.02.2024 \u{2013} 03.04.2024, \
         01/02/2024-03/04/2024 and 2024-01-02 - 2024-03-04.\n\n\
         Valid 01/02/24 - 31/12/25. Ofgem ref 0123/2024/0456, device ID 0123-4567-8901.",
    );
    site.built();
    for body in [
        "Call 01632 960123 today.",
        "Call 07700 900123 today.",
        "Call +44 7700 900123 today.",
        "Call (01632) 960 123 today.",
        "On 01/02/2024 call 07700 900123 today.",
        "Ran 01/02/2024 - 03/04/2024, call 07700 900123.",
    ] {
        scene_refused(body, "a telephone number");
    }
}

#[test]
fn r9_contact_details_in_still_more_forms_are_errors() {
    const EMAIL: &str = "an e-mail address";
    const PHONE: &str = "a telephone number";
    for (body, what) in [
        ("Mail jo.bloggs @ example . com now.", EMAIL),
        ("Mail jo.bloggs@example com now.", EMAIL),
        ("Mail jo.bloggs[@]example.com now.", EMAIL),
        ("Mail jo.bloggs@example[.]com now.", EMAIL),
        ("Mail jo.bloggs [at] example[.]com now.", EMAIL),
        ("Mail jo.bloggs(@)example(.)com now.", EMAIL),
        ("Mail jo.bloggs -at- example -dot- com now.", EMAIL),
        ("Mail jo.bloggs@example\u{b7}com now.", EMAIL),
        ("Mail jo.bloggs@example\u{2027}com now.", EMAIL),
        ("Call 07700\u{b7}900123 now.", PHONE),
        ("Call 07700\u{2022}900\u{2022}123 now.", PHONE),
        ("Call 07700~900123 now.", PHONE),
        ("Call O7700 900123 now.", PHONE),
        (
            "Call \u{660}\u{667}\u{667}\u{660}\u{660} \u{669}\u{660}\u{660}\u{661}\u{662}\u{663} now.",
            PHONE,
        ),
        (
            "Call \u{966}\u{96d}\u{96d}\u{966}\u{966} \u{96f}\u{966}\u{966}\u{967}\u{968}\u{969} now.",
            PHONE,
        ),
    ] {
        scene_refused(body, what);
    }
    // Ordinary prose with `at`, `@`, dots, bullets and the letter O.
    let (site, _) = scene(
        "Look at example.com, e.g. at www.example.org. We met @ home. Then left.\n\n\
         A stay-at-home plan \u{b7} Orbit O2 and OK 0800 \u{2022} Office 365 [.] notes (@) end.\n\n\
         Ask @jo about it. Score 3 . 5 out of 10.",
    );
    site.built();
}

#[test]
fn r10_declared_names_with_roles_before_middle_names_and_nicknames_are_found() {
    for (name, prose) in [
        ("CTO Wilfred Ashby", "By Wilfred Ashby here."),
        ("Head of Security: Wilfred Ashby", "By Wilfred Ashby here."),
        ("Security lead - Wilfred Ashby", "By Wilfred Ashby here."),
        ("Wilfred Ashby", "By CTO Wilfred Ashby here."),
        ("Wilfred Ashby", "By Wilfred James Ashby here."),
        ("William (Bill) Ashby", "By Bill Ashby here."),
        ("William (Bill) Ashby", "By William Ashby here."),
        ("Wilfred Ashby with Ann Other", "By Ann Other here."),
        ("Wilfred Ashby plus Ann Other", "By Ann Other here."),
    ] {
        let site = Site::new();
        let text = request("NF-4")
            .proposer(&format!("name = {}", toml_string(name)))
            .body(&format!("## Issue\n\n{prose}\n"))
            .text();
        site.write("requests/NF-4.md", &text);
        let run = site.check();
        run.expect_code(1);
        assert!(
            run.stdout.contains(HOLDS_NAME),
            "{name} / {prose}:\n{}",
            run.stdout
        );
        assert_not_quoted(&run, &["wilfred", "ashby", "ann other", "bill"]);
        site.refused();
    }
    // Roles, and words between a given name and another name, are not
    // the person.
    for (name, prose) in [
        ("CTO Wilfred Ashby", "The CTO agreed with Security."),
        (
            "Head of Security: Wilfred Ashby",
            "The Head of Security agreed.",
        ),
        (
            "Wilfred Ashby",
            "Wilfred went to Ashby and Wilfred Anne met.",
        ),
        (
            "Wilfred Ashby",
            "Ask Wilfred at Ashby Road, or Wilfred Street, Ashby.",
        ),
        ("William (Bill) Ashby", "The Bill was passed."),
        (
            "Wilfred Ashby with Ann Other",
            "We met with Ann and Other people.",
        ),
    ] {
        let site = Site::new();
        let text = request("NF-5")
            .proposer(&format!("name = {}", toml_string(name)))
            .body(&format!("## Issue\n\n{prose}\n"))
            .text();
        site.write("requests/NF-5.md", &text);
        site.built();
    }
}

// ---------------------------------------------------------------------------
// Attack round 2: attachments, files and folders.

/// A public folder record `ATT-9` that lists each of `files` (name, bytes)
/// as CLEAR, and a withheld request `HID-9` that declares Gideon Marsh.
fn site_with_attachments(files: &[(&str, Vec<u8>)]) -> Site {
    let site = Site::new();
    let listings: Vec<String> = files
        .iter()
        .map(|(name, _)| listing(name, "Notes", "TLP:CLEAR"))
        .collect();
    let listings: Vec<&str> = listings.iter().map(String::as_str).collect();
    site.write(
        "requests/ATT-9/index.md",
        folder_record("ATT-9", &listings).text(),
    );
    for (name, bytes) in files {
        site.write(&format!("requests/ATT-9/{name}"), bytes);
    }
    site.write(
        "requests/HID-9.md",
        request("HID-9")
            .classification("TLP:AMBER")
            .proposer("name = \"Gideon Marsh\"")
            .text(),
    );
    site
}

/// Asserts the report has an error for each of `names` (attachments of
/// `ATT-9`) whose message holds `message`.
fn assert_each_refused(site: &Site, run: &Run, names: &[&str], message: &str) {
    let all = reported(&run.stdout);
    for name in names {
        let path = site.path(&format!("requests/ATT-9/{name}"));
        let place = format!("{}:", path.display());
        assert!(
            all.iter().any(|r| r.severity == "error"
                && r.place.starts_with(&place)
                && r.message.contains(message)),
            "no error `{message}` for {name}:\n{}",
            run.stdout
        );
    }
}

/// Markup is read as a browser shows it (N9): every HTML5 named reference,
/// with or without its `;`, and CDATA sections as text. What the screen
/// cannot read in the reader's order is refused: declared entities,
/// direction overrides, CSS that writes or reorders text, SVG text placed
/// out of order.
#[test]
fn markup_attachments_are_read_as_a_browser_shows_them() {
    let found: &[(&str, &str)] = &[
        ("nosemi.html", "<p>By Wilfred&nbspAshby</p>\n"),
        ("named.html", "<p>By Wilfred&NonBreakingSpace;Ashby</p>\n"),
        ("tab.html", "<p>By Wilfred&Tab;Ashby</p>\n"),
        ("mail.html", "<p>Mail jo.bloggs&#64example.com</p>\n"),
        (
            "cdata.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text y=\"20\">HID<![CDATA[-9]]> by</text></svg>\n",
        ),
        (
            "cdata-name.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text y=\"20\">Gideon <![CDATA[Marsh]]></text></svg>\n",
        ),
        ("title.html", "<p title=\"Gideon&NewLine;Marsh\">x</p>\n"),
    ];
    let refused: &[(&str, &str, &str)] = &[
        (
            "bdo.html",
            "<p>See <bdo dir=\"rtl\">9-DIH</bdo></p>\n",
            "direction",
        ),
        ("dir.html", "<p dir=\"rtl\">9-DIH</p>\n", "direction"),
        (
            "bidi.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text direction=\"rtl\" unicode-bidi=\"bidi-override\">9-DIH</text></svg>\n",
            "direction",
        ),
        (
            "entity.svg",
            "<!DOCTYPE svg [<!ENTITY h \"HID\">]><svg xmlns=\"http://www.w3.org/2000/svg\"><text>&h;-9</text></svg>\n",
            "declares its own entities",
        ),
        (
            "content.html",
            "<html><style>p::after{content:\"\\48 ID-9\"}</style><p>x</p></html>\n",
            "stylesheet",
        ),
        (
            "tspan.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text y=\"40\"><tspan x=\"62\">-9</tspan><tspan x=\"0\">HID</tspan></text></svg>\n",
            "out of its written order",
        ),
        (
            "xslt.xml",
            "<?xml-stylesheet type=\"text/xsl\" href=\"t.xsl\"?><r>9-DIH</r>\n",
            "stylesheet",
        ),
    ];
    let mut files: Vec<(&str, Vec<u8>)> = found
        .iter()
        .map(|(n, t)| (*n, t.as_bytes().to_vec()))
        .collect();
    files.extend(refused.iter().map(|(n, t, _)| (*n, t.as_bytes().to_vec())));
    let site = site_with_attachments(&files);
    let run = site.check();
    run.expect_code(1);
    for (name, _) in found {
        let path = site.path(&format!("requests/ATT-9/{name}"));
        assert!(
            run.stdout.contains(&format!("{}:1:", path.display())),
            "{name} passed:\n{}",
            run.stdout
        );
    }
    for (name, _, message) in refused {
        assert_each_refused(&site, &run, &[name], message);
    }
    assert_not_quoted(&run, &["wilfred", "gideon", "bloggs"]);
    site.refused();
}

/// Ordinary markup still passes: multi-line SVG text, links to the web
/// and to mail, `dir="ltr"`, plain CSS.
#[test]
fn ordinary_markup_attachments_are_published() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><style>text{fill:#333;font:12px serif}</style>\
               <text x=\"10\" y=\"20\">Line one</text><text x=\"10\" y=\"40\">Line two &amp; more</text>\
               <a href=\"https://example.org/a:b\"><text x=\"10\" y=\"60\"><tspan x=\"10\" dy=\"1.2em\">x</tspan></text></a></svg>\n";
    let html = "<html dir=\"ltr\"><p style=\"border: 1px solid\">See <a href=\"mailto:?subject=SCMR\">the SSC</a> \
                and <a href=\"notes.pdf#page:2\">notes</a> &copy; 2025</p></html>\n";
    let site = site_with_attachments(&[
        ("plain.svg", svg.as_bytes().to_vec()),
        ("plain.html", html.as_bytes().to_vec()),
    ]);
    let files = site.built();
    assert!(files.contains_key("requests/ATT-9/plain.svg"));
    assert!(files.contains_key("requests/ATT-9/plain.html"));
}

/// Scripts in markup are found however they are written (N15): any
/// namespace prefix, references a browser decodes in attribute values,
/// `srcdoc`, and addresses with a scheme other than http, https, mailto.
#[test]
fn scripts_in_markup_attachments_are_found_however_written() {
    let cases: &[(&str, &str)] = &[
        (
            "prefixed.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:é=\"http://www.w3.org/2000/svg\"><é:script>alert(1)</é:script></svg>\n",
        ),
        (
            "srcdoc.html",
            "<iframe srcdoc=\"&LT;script&GT;alert(1)&LT;/script&GT;\"></iframe>\n",
        ),
        (
            "tab.html",
            "<a href=\"java&Tab;script:alert(1)\">click</a>\n",
        ),
        (
            "data.html",
            "<a href=\"data:text/html,&lt;b&gt;x\">click</a>\n",
        ),
        (
            "foreign.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject><p>x</p></foreignObject></svg>\n",
        ),
        ("handler.html", "<p\nOnPointerOver=\"x()\">x</p>\n"),
    ];
    let site = site_with_attachments(
        &cases
            .iter()
            .map(|(n, t)| (*n, t.as_bytes().to_vec()))
            .collect::<Vec<_>>(),
    );
    let run = site.check();
    run.expect_code(1);
    let names: Vec<&str> = cases.iter().map(|(n, _)| *n).collect();
    assert_each_refused(&site, &run, &names, "script");
    site.refused();
}

/// A record in a hidden folder (`requests/.archive/`, `content/.drafts/`)
/// is never read, so its personal data would not be searched for (N6):
/// an error naming the folder. A hidden folder of notes without records
/// (`.github/`) is left alone.
#[test]
fn a_record_in_a_hidden_folder_is_an_error_naming_the_folder() {
    for folder in ["requests/.archive", ".drafts", "requests/ATT-1/.old"] {
        let site = Site::new();
        site.write(
            "requests/ATT-1/index.md",
            request("ATT-1")
                .proposer(WILFRED)
                .body("Spoke to Gideon Marsh.\n")
                .text(),
        );
        site.write(
            &format!("{folder}/HID-9.md"),
            request("HID-9")
                .classification("TLP:AMBER")
                .proposer("name = \"Gideon Marsh\"")
                .text(),
        );
        site.write(".github/README.md", "# Notes\n\nNothing here.\n");
        let run = site.check();
        run.expect_code(1);
        assert_error(
            &run.stdout,
            &site.path(folder),
            (1, 1),
            &["hidden folder that holds a record file", "never read"],
            &["move the record out of the hidden folder"],
        );
        assert_not_quoted(&run, &["gideon", "marsh"]);
        site.refused();
    }
    // Notes alone in hidden folders pass.
    let site = Site::new();
    site.write("requests/ATT-1.md", request("ATT-1").text());
    site.write(".github/README.md", "# Notes\n");
    site.write("requests/.notes/todo.md", "- review ATT-1\n");
    site.built();
}

/// Two devices of `site.toml` that differ only in case would share one
/// page, `/devices/<lower case>/`, listing only one's requests: an error.
#[test]
fn devices_that_differ_only_in_case_are_an_error() {
    for devices in ["[\"IHD\", \"ihd\"]", "[\"esme\"]"] {
        let site = Site::with_settings(&format!("{SITE_TOML}devices = {devices}\n"));
        site.write("requests/ATT-1.md", request("ATT-1").text());
        let run = site.check();
        run.expect_code(1);
        assert!(
            reported(&run.stdout)
                .iter()
                .any(|r| r.message.contains("only in case") && r.place.contains("site.toml")),
            "{}",
            run.stdout
        );
        site.refused();
    }
}

/// `data` compressed as a PDF's FlateDecode stream (zlib).
fn zlib(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// A binary attachment's text is read in every encoding a file writes
/// names in (N4): UTF-8 (XMP metadata), PDF hex and literal strings,
/// UTF-16 beyond Latin-1, UTF-32, single-byte text (a Latin-1 vCard,
/// whose contact details are searched for too), and a PDF's streams
/// compressed with FlateDecode. Parts it cannot read (another
/// compression) are refused unless the keeper says they were checked.
#[test]
fn binary_attachments_are_read_in_every_encoding_they_write_text_in() {
    let hex = |text: &[u8]| -> String { text.iter().map(|b| format!("{b:02X}")).collect() };
    let utf16be = |text: &str| -> Vec<u8> {
        let mut v = vec![0xfe, 0xff];
        v.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        v
    };
    let mut xmp =
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Metadata/Subtype/XML>>stream\n".to_vec();
    xmp.extend("<dc:creator><rdf:li>Zoë Marsh</rdf:li></dc:creator>".as_bytes());
    xmp.extend(b"\nendstream\n");
    let hex_pdf = format!(
        "%PDF-1.7\n%\u{e2}\n1 0 obj<</Author <{}> /Subject <{}>>>\nendobj\n",
        hex(&utf16be("Wilfred Ashby")),
        hex(b"HID-9")
    );
    let mut czech = b"%PDF-1.7\n\x00\x01".to_vec();
    czech.extend(utf16be("Tomáš Dvořák"));
    czech.extend(b"\x00\x02");
    let mut utf32 = vec![0xff, 0xfe, 0, 0];
    for c in "Meeting with Gideon Marsh about HID-9.\n".chars() {
        utf32.extend(u32::from(c).to_le_bytes());
    }
    let vcard = b"BEGIN:VCARD\nFN:Jos\xe9 Garc\xeda\nTEL:07700 900123\nEND:VCARD\n".to_vec();
    let stream = zlib(b"BT /F1 12 Tf [(Gid) -20 (eon) -400 (Marsh)] TJ ET");
    let mut flate = format!(
        "%PDF-1.7\n%\u{e2}\n2 0 obj<</Length {} /Filter /FlateDecode>>stream\n",
        stream.len()
    )
    .into_bytes();
    flate.extend(&stream);
    flate.extend(b"\nendstream\nendobj\n");
    let lzw =
        b"%PDF-1.4\n%\xe2\n3 0 obj<</Filter/LZWDecode/Length 3>>stream\nabc\nendstream\n".to_vec();
    let site = site_with_attachments(&[
        ("xmp.pdf", xmp),
        ("hex.pdf", hex_pdf.into_bytes()),
        ("czech.pdf", czech),
        ("notes.dat", utf32),
        ("contact.vcf", vcard),
        ("flate.pdf", flate),
        ("lzw.pdf", lzw.clone()),
    ]);
    // The names the files hold, declared by records.
    site.write(
        "requests/HID-8.md",
        request("HID-8")
            .classification("TLP:AMBER")
            .proposer("name = \"Zoë Marsh\"")
            .table("[sponsor]\nsec_party = \"Org\"\nname = \"Tomáš Dvořák\"")
            .text(),
    );
    let run = site.check();
    run.expect_code(1);
    for name in [
        "xmp.pdf",
        "hex.pdf",
        "czech.pdf",
        "notes.dat",
        "contact.vcf",
        "flate.pdf",
    ] {
        let path = site.path(&format!("requests/ATT-9/{name}"));
        assert!(
            reported(&run.stdout).iter().any(|r| r.severity == "error"
                && r.place.starts_with(&format!("{}:", path.display()))
                && (r.message.contains("declared under")
                    || r.message.contains("withheld")
                    || r.message.contains("telephone"))),
            "{name} passed:\n{}",
            run.stdout
        );
    }
    assert_each_refused(
        &site,
        &run,
        &["lzw.pdf"],
        "cannot read (a PDF stream compressed with LZWDecode)",
    );
    assert_not_quoted(&run, &["wilfred", "gideon", "dvořák", "zoë", "900123"]);
    site.refused();

    // The keeper's statement that a person checked what cannot be read.
    let site = site_with_attachments(&[]);
    site.write(
        "requests/ATT-9/index.md",
        folder_record(
            "ATT-9",
            &[&format!(
                "{}\nchecked_by_keeper = true",
                listing("lzw.pdf", "Notes", "TLP:CLEAR")
            )],
        )
        .text(),
    );
    site.write("requests/ATT-9/lzw.pdf", &lzw);
    let files = site.built();
    assert_eq!(files.get("requests/ATT-9/lzw.pdf"), Some(&lzw));
}

/// A withheld record that cannot be read in full (a required key missing,
/// a warning only) still takes part in the rules across records (N14):
/// a second final decision and a duplicate id are errors. And it is
/// counted and listed as withheld (N20), and a request without its `id`
/// line keeps the id of its file name out of published text.
#[test]
fn incomplete_withheld_records_take_part_in_the_rules_across_records() {
    let decided = request("PUB-1")
        .table("[sponsor]\nsec_party = \"Supplier\"")
        .history("\n[[history]]\ndate = 2025-02-01\nstage = \"decided\"");
    let final_decision = "+++\nrequest = \"PUB-1\"\nclassification = \"TLP:CLEAR\"\ndate = 2025-02-01\n\
                          kind = \"final\"\noutcome = \"approved\"\nsc_version = \"1.3\"\n\
                          implementation_date = 2025-03-01\n+++\n\nReport.\n";
    // A second final decision, withheld and without its date.
    let site = Site::new();
    site.write("requests/PUB-1.md", decided.text());
    site.write("decisions/PUB-1-final.md", final_decision);
    common::build(&site.content(), &site.out(), NOW).expect_code(0);
    std::fs::remove_dir_all(site.out()).unwrap();
    site.write(
        "decisions/PUB-1-final-b.md",
        "+++\nrequest = \"PUB-1\"\nclassification = \"TLP:AMBER\"\nkind = \"final\"\n\
         outcome = \"withdrawn\"\n+++\n\nActually withdrawn.\n",
    );
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("decisions/PUB-1-final-b.md"),
        (2, 12),
        &["already has a final decision"],
        &["at most one final decision"],
    );
    assert_not_quoted(&run, &["withdrawn"]);
    site.refused();

    // A withheld copy of a public request's id, without its title.
    let site = Site::new();
    site.write("requests/PUB-1.md", request("PUB-1").text());
    let copy = request("PUB-1")
        .classification("TLP:AMBER")
        .text()
        .replace("title = \"Title of PUB-1\"\n", "");
    site.write("requests/PUB-1-copy.md", &copy);
    let run = site.check();
    run.expect_code(1);
    assert_error(
        &run.stdout,
        &site.path("requests/PUB-1-copy.md"),
        (2, 7),
        &["duplicate id"],
        &["ids are unique"],
    );

    // Counted and listed, with the reason; its file name's id withheld.
    let site = Site::new();
    site.write(
        "requests/PUB-1.md",
        request("PUB-1").body("Compare HID-7 here.\n").text(),
    );
    let no_title = request("HID-6")
        .classification("TLP:AMBER")
        .text()
        .replace("title = \"Title of HID-6\"\n", "");
    site.write("requests/HID-6.md", &no_title);
    let no_id = request("HID-7")
        .classification("TLP:AMBER")
        .text()
        .replace("id = \"HID-7\"\n", "");
    site.write("requests/HID-7.md", &no_id);
    let run = site.check();
    run.expect_code(1);
    assert!(
        run.stdout.contains("HID-7") && run.stdout.contains("a request that is withheld"),
        "{}",
        run.stdout
    );
    site.write("requests/PUB-1.md", request("PUB-1").text());
    let listed = check_withheld(&site.content(), "human");
    for file in ["requests/HID-6.md", "requests/HID-7.md"] {
        assert!(
            listed
                .stdout
                .lines()
                .any(|l| l.starts_with(&site.path(file).display().to_string())
                    && l.contains("withheld request")
                    && l.contains("incomplete")),
            "{file} is not listed:\n{}",
            listed.stdout
        );
    }
    let build = common::build(&site.content(), &site.out(), NOW);
    build.expect_code(0);
    assert!(
        build.stderr.contains("withheld 2 requests"),
        "{}",
        build.stderr
    );
}

/// An `href` of raw HTML is read with its character references decoded,
/// as the sanitiser reads it: `&#64;NOPE-1` is the link `@NOPE-1`, an
/// unknown id (N19).
#[test]
fn a_record_link_spelt_with_character_references_is_resolved() {
    let site = Site::new();
    site.write(
        "requests/PUB-1.md",
        request("PUB-1")
            .body("See <a href=\"&#64;NOPE-1\">x</a> and <a href='&commat;NOPE-2'>y</a>.\n")
            .text(),
    );
    let run = site.check();
    run.expect_code(1);
    let file = site.path("requests/PUB-1.md");
    let text = std::fs::read_to_string(&file).unwrap();
    for (id, needle) in [("NOPE-1", "&#64;NOPE-1"), ("NOPE-2", "&commat;NOPE-2")] {
        assert_error(
            &run.stdout,
            &file,
            position(&text, needle),
            &["unknown request id", id],
            &["use the id of a request"],
        );
    }
}

/// A withheld attachment's name is searched for as a file name, its
/// extension after a `.`: prose that says "its triage notes (PDF)" is no
/// mention of `triage-notes.pdf` (a false positive of round 2), while
/// the name written as a file name still is.
#[test]
fn prose_that_reads_like_a_withheld_file_name_is_no_mention_of_it() {
    let write = |body: &str| {
        let site = Site::new();
        site.write(
            "requests/HID-5/index.md",
            folder_record("HID-5", &[&listing("triage-notes.pdf", "N", "TLP:AMBER")])
                .classification("TLP:AMBER")
                .text(),
        );
        site.write("requests/HID-5/triage-notes.pdf", "%PDF-1.4 secret\n");
        site.write("requests/PUB-1.md", request("PUB-1").body(body).text());
        site
    };
    write("The SSC published its triage notes (PDF) today.\n").built();
    for body in [
        "See triage-notes.pdf today.\n",
        "See Triage Notes.PDF today.\n",
    ] {
        let site = write(body);
        let run = site.check();
        run.expect_code(1);
        assert!(
            run.stdout
                .contains("names an attachment that is not published"),
            "{body}: {}",
            run.stdout
        );
    }
}

// ---------------------------------------------------------------------------
// Attack round 3: attachments that hide text from the screen.

/// A ZIP file of `entries` (name, bytes, deflated?), as office documents
/// are written (CRCs left at zero: the generator does not need them).
fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, data, deflated) in entries {
        let stored = if *deflated {
            miniz_oxide::deflate::compress_to_vec(data, 1)
        } else {
            data.to_vec()
        };
        let method: u16 = if *deflated { 8 } else { 0 };
        let offset = out.len() as u32;
        let mut common = Vec::new();
        common.extend(20u16.to_le_bytes()); // version needed
        common.extend(0u16.to_le_bytes()); // flags
        common.extend(method.to_le_bytes());
        common.extend([0; 4]); // time, date
        common.extend([0; 4]); // crc
        common.extend((stored.len() as u32).to_le_bytes());
        common.extend((data.len() as u32).to_le_bytes());
        common.extend((name.len() as u16).to_le_bytes());
        common.extend(0u16.to_le_bytes()); // extra
        out.extend(b"PK\x03\x04");
        out.extend(&common);
        out.extend(name.as_bytes());
        out.extend(&stored);
        directory.extend(b"PK\x01\x02\x14\x00");
        directory.extend(&common);
        directory.extend([0; 6]); // comment, disk, internal attributes
        directory.extend([0; 4]); // external attributes
        directory.extend(offset.to_le_bytes());
        directory.extend(name.as_bytes());
    }
    let at = out.len() as u32;
    let count = entries.len() as u16;
    out.extend(&directory);
    out.extend(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend((directory.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend([0, 0]);
    out
}

/// A PNG of `chunks` (type, data), CRCs left at zero.
fn png_of(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in chunks {
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(*kind);
        out.extend(data);
        out.extend([0; 4]);
    }
    out
}

/// A PDF with one content stream: `dict` (its filters) and `data`.
fn pdf_with_stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut pdf = format!(
        "%PDF-1.7\n%\u{e2}\n2 0 obj<</Length {} {dict}>>stream\n",
        data.len()
    )
    .into_bytes();
    pdf.extend(data);
    pdf.extend(b"\nendstream\nendobj\n");
    pdf
}

/// A Word document whose `word/document.xml` holds `body` (runs).
fn docx_of(body: &str, more: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let xml = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body><w:p>{body}</w:p></w:body></w:document>"
    );
    let mut entries: Vec<(&str, &[u8], bool)> = vec![("word/document.xml", xml.as_bytes(), true)];
    entries.extend_from_slice(more);
    zip_of(&entries)
}

/// Asserts the report has, for each of `names`, an error that finds the
/// declared name or the withheld id in it.
fn assert_each_found(site: &Site, run: &Run, names: &[&str]) {
    for name in names {
        let path = site.path(&format!("requests/ATT-9/{name}"));
        assert!(
            reported(&run.stdout).iter().any(|r| r.severity == "error"
                && r.place.starts_with(&format!("{}:", path.display()))
                && (r.message.contains("declared under") || r.message.contains("withheld"))),
            "{name} passed:\n{}",
            run.stdout
        );
    }
}

/// Decompression bombs (R13): a file that inflates past 32 MiB is a part
/// the generator cannot read, refused in well under a second, never a
/// build that takes gigabytes of memory.
#[test]
fn decompression_bombs_are_refused_quickly() {
    let big = vec![b' '; 40 << 20];
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend(zlib(&big));
    let site = site_with_attachments(&[
        (
            "bomb.docx",
            zip_of(&[("word/document.xml", big.as_slice(), true)]),
        ),
        (
            "bomb.pdf",
            pdf_with_stream("/Filter /FlateDecode", &zlib(&big)),
        ),
        ("bomb.png", png_of(&[(b"zTXt", ztxt)])),
    ]);
    drop(big);
    let started = std::time::Instant::now();
    let run = site.check();
    run.expect_code(1);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_each_refused(
        &site,
        &run,
        &["bomb.docx", "bomb.pdf", "bomb.png"],
        "inflates to more than the generator reads",
    );
    site.refused();
}

/// Compressed data inside an attachment is opened or refused (R1, R7):
/// an office document embedded in another is read, a PNG's ICC profile
/// is read, a PDF stream's predictor is undone; raw zlib data, an LZMA
/// file and a tar archive are parts the generator cannot read.
#[test]
fn compressed_data_inside_an_attachment_is_read_or_refused() {
    let inner = docx_of("<w:r><w:t>See Gideon Marsh</w:t></w:r>", &[]);
    let embedded = docx_of(
        "<w:r><w:t>Embedded.</w:t></w:r>",
        &[("word/embeddings/Microsoft_Word_Document.docx", &inner, true)],
    );
    let stored = docx_of(
        "<w:r><w:t>Embedded.</w:t></w:r>",
        &[(
            "word/embeddings/Microsoft_Word_Document.docx",
            &inner,
            false,
        )],
    );
    let mut iccp = b"icc\0\0".to_vec();
    iccp.extend(zlib(
        b"\0\0\x02\x0cdesc\0\0\0\0\0\0\0\x10See HID-9 profile\0",
    ));
    // PNG predictor (12, "Up") over rows of 8 bytes.
    let text = b"BT (See HID-9 by Gideon Marsh) Tj ET    ";
    let mut predicted = Vec::new();
    let mut prev = [0u8; 8];
    for row in text.chunks(8) {
        predicted.push(2);
        for (i, &b) in row.iter().enumerate() {
            predicted.push(b.wrapping_sub(prev[i]));
            prev[i] = b;
        }
    }
    let mut tar = vec![0u8; 512];
    tar[..9].copy_from_slice(b"a.txt.gz\0");
    tar[257..262].copy_from_slice(b"ustar");
    tar.extend(b"\x1f\x8b\x08\x00");
    let mut lzma = b"\x5d\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff".to_vec();
    lzma.extend([0x00, 0x24, 0x12, 0x49, 0x03, 0xa7, 0x2b]);
    let site = site_with_attachments(&[
        ("embedded.docx", embedded),
        ("stored.docx", stored),
        ("profile.png", png_of(&[(b"iCCP", iccp)])),
        (
            "predicted.pdf",
            pdf_with_stream(
                "/Filter /FlateDecode /DecodeParms <</Predictor 12 /Columns 8>>",
                &zlib(&predicted),
            ),
        ),
        ("notes.dat", zlib(b"See HID-9 by Gideon Marsh")),
        ("notes.lzma", lzma),
        ("notes.tar", tar),
    ]);
    let run = site.check();
    run.expect_code(1);
    assert_each_found(
        &site,
        &run,
        &[
            "embedded.docx",
            "stored.docx",
            "profile.png",
            "predicted.pdf",
        ],
    );
    assert_each_refused(&site, &run, &["notes.dat"], "raw zlib-compressed data");
    assert_each_refused(&site, &run, &["notes.lzma"], "an LZMA archive");
    assert_each_refused(&site, &run, &["notes.tar"], "a tar archive");
    assert!(
        run.stdout.contains("add checked_by_keeper = true"),
        "{}",
        run.stdout
    );
    assert_not_quoted(&run, &["gideon"]);
    site.refused();
}

/// Text a reader does not see, which would separate for the screen words
/// the reader sees joined (R3, R4, R5, R6): hidden markup, SVG text moved
/// by `<use>`, a `transform` or a nested `<svg>`, a Word document's hidden
/// runs, a spreadsheet's number formats that write text or padding, and a
/// stylesheet that writes text are all refused.
#[test]
fn text_shown_otherwise_than_written_in_attachments_is_refused() {
    let svg = |inner: &str| {
        format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\">{inner}</svg>\n")
    };
    let hidden: Vec<(&str, String)> = vec![
        (
            "hidden.html",
            "<p>See HID<span hidden>zz</span>-9.</p>\n".into(),
        ),
        (
            "none.html",
            "<p>See HID<span style=\"display: none\">zz</span>-9.</p>\n".into(),
        ),
        (
            "size.html",
            "<p>See HID<span style=\"font-size:0\">zz</span>-9.</p>\n".into(),
        ),
        (
            "template.html",
            "<p>See HID<template>zz</template>-9.</p>\n".into(),
        ),
        (
            "ruby.html",
            "<p>See HI<ruby>D<rt>z</rt></ruby>-9.</p>\n".into(),
        ),
        (
            "none.svg",
            svg("<text y=\"20\">HID<tspan display=\"none\">zz</tspan>-9</text>"),
        ),
        (
            "opacity.svg",
            svg("<text y=\"20\">HID<tspan opacity=\"0\">zz</tspan>-9</text>"),
        ),
    ];
    let moved: Vec<(&str, String)> = vec![
        (
            "use.svg",
            svg(
                "<defs><text id=\"a\">-9</text><text id=\"b\">HID</text></defs><use href=\"#b\" x=\"0\" y=\"20\"/><use href=\"#a\" x=\"31\" y=\"20\"/>",
            ),
        ),
        (
            "group.svg",
            svg(
                "<g transform=\"translate(31,0)\"><text y=\"20\">-9</text></g><text x=\"0\" y=\"20\">HID</text>",
            ),
        ),
        (
            "nested.svg",
            svg("<svg x=\"31\"><text y=\"20\">-9</text></svg><text y=\"20\">HID</text>"),
        ),
    ];
    let styles: Vec<(&str, String)> = vec![
        ("escapes.css", "p::after{content:\" \\48 ID-9\"}\n".into()),
        ("joined.css", "p::after{content:\"HI\" \"D-9\"}\n".into()),
        (
            "linked.html",
            "<link rel=\"stylesheet\" href=\"escapes.css\"><p>See</p>\n".into(),
        ),
    ];
    let vanish = docx_of(
        "<w:r><w:t>HI</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>zz</w:t></w:r><w:r><w:t>D-9</w:t></w:r>",
        &[],
    );
    let styles_xml = "<?xml version=\"1.0\"?><styleSheet><numFmts count=\"2\">\
        <numFmt numFmtId=\"164\" formatCode=\"00000 000000\"/>\
        <numFmt numFmtId=\"165\" formatCode=\"&quot;HID-&quot;0\"/></numFmts></styleSheet>";
    let xlsx = zip_of(&[
        ("xl/styles.xml", styles_xml.as_bytes(), true),
        (
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"><v>9</v></c></row></sheetData></worksheet>",
            true,
        ),
    ]);
    let mut files: Vec<(&str, Vec<u8>)> = hidden
        .iter()
        .chain(&moved)
        .chain(&styles)
        .map(|(n, t)| (*n, t.as_bytes().to_vec()))
        .collect();
    files.push(("vanish.docx", vanish));
    files.push((
        "deleted.docx",
        docx_of(
            "<w:r><w:t>HI</w:t></w:r><w:del><w:r><w:delText>zz</w:delText></w:r></w:del><w:r><w:t>D-9</w:t></w:r>",
            &[],
        ),
    ));
    files.push(("formats.xlsx", xlsx));
    let site = site_with_attachments(&files);
    let run = site.check();
    run.expect_code(1);
    let names = |list: &[(&'static str, String)]| -> Vec<&'static str> {
        list.iter().map(|(n, _)| *n).collect()
    };
    assert_each_refused(&site, &run, &names(&hidden), "text a browser does not show");
    assert_each_refused(&site, &run, &names(&moved), "out of its written order");
    assert_each_refused(
        &site,
        &run,
        &["escapes.css", "joined.css"],
        "the stylesheet can write",
    );
    assert_each_refused(&site, &run, &["linked.html"], "stylesheet");
    assert_each_refused(
        &site,
        &run,
        &["vanish.docx"],
        "hidden text in a Word document",
    );
    assert_each_refused(&site, &run, &["formats.xlsx"], "number format");
    site.refused();

    // A person who read the file as shown may say so.
    let site = site_with_attachments(&[]);
    site.write(
        "requests/ATT-9/index.md",
        folder_record(
            "ATT-9",
            &[&format!(
                "{}\nchecked_by_keeper = true",
                listing("chart.svg", "Notes", "TLP:CLEAR")
            )],
        )
        .text(),
    );
    let chart =
        svg("<g transform=\"translate(10,10)\"><text y=\"20\">Requests per year</text></g>");
    site.write("requests/ATT-9/chart.svg", &chart);
    let files = site.built();
    assert_eq!(
        files.get("requests/ATT-9/chart.svg"),
        Some(&chart.into_bytes())
    );
}

/// Ruby annotations in a body (R11): `HI<ruby>D<rt>zz</rt></ruby>-9`
/// shows `HID-9` with `zz` above; the page keeps their text, in order,
/// without the tags, so it shows exactly the text screened.
#[test]
fn ruby_annotations_in_a_body_are_shown_as_the_text_screened() {
    let site = Site::new();
    site.write(
        "requests/PUB-1.md",
        request("PUB-1")
            .body("Shown as AB<ruby>CD<rp>(</rp><rt>EF</rt><rp>)</rp></ruby>GH here.\n")
            .text(),
    );
    let files = site.built();
    let page = String::from_utf8_lossy(&files["requests/PUB-1/index.html"]).into_owned();
    assert!(page.contains("ABCD(EF)GH"), "{page}");
    for tag in ["<ruby", "<rt", "<rp"] {
        assert!(!page.contains(tag), "{tag} in {page}");
    }
}

/// Found by the property tests' hazards: a declared telephone number
/// written as UTF-16 in a binary file (a PDF's `/Author`, no byte-order
/// mark) is read from the file's runs by its digits, whatever stands
/// between them; national and `+44` forms alike.
#[test]
fn a_declared_telephone_number_in_utf16_inside_a_binary_is_refused() {
    let utf16 = |text: &str, big_endian: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    for (written, big_endian) in [
        ("020 7946 0001", true),
        ("020-7946-0001", false),
        ("+44 20 7946 0001", true),
    ] {
        let mut pdf =
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Title (Notes) >>\nendobj\n".to_vec();
        pdf.extend_from_slice(b"/Author (");
        pdf.extend_from_slice(&utf16(written, big_endian));
        pdf.extend_from_slice(b")\n\xff\x00%%EOF\n");
        let site = site_with_attachments(&[("n.pdf", pdf)]);
        site.write(
            "requests/HID-9.md",
            request("HID-9")
                .classification("TLP:AMBER")
                .proposer("name = \"Gideon Marsh\"\nphone = \"020 7946 0001\"")
                .text(),
        );
        let run = site.refused();
        assert!(
            run.stdout.contains("phone declared") || run.stderr.contains("phone declared"),
            "{written}: {}{}",
            run.stdout,
            run.stderr
        );
    }
}

/// Found by fuzzing the screen: a number whose last group runs into a
/// word (`2nd`, `0A`) was read as one longer run glued to the word, and
/// not as a number at all.
#[test]
fn a_telephone_number_before_a_word_that_starts_with_digits_is_an_error() {
    for body in [
        "Ring 01632 960123 2nd line.",
        "Ring 01632 960123 0A.",
        "Ring 07700 900123 3rd floor.",
    ] {
        scene_refused(body, "a telephone number");
    }
    let (site, _) = scene("Items 1 2 3rd and 2024 2025 4th.");
    site.built();
}

// ---------------------------------------------------------------------------
// Attack round 4 (docs/attacks/round-4.md): mitigation pages and the
// theme's own files.

/// L1: `VER 7` is the page `/mitigations/VER-7/`; when `VER-7` is the id
/// of a withheld request, that path would publish it.
#[test]
fn a_mitigation_reference_whose_page_is_named_by_a_withheld_id_is_an_error() {
    let site = Site::new();
    site.write(
        "requests/VER-7.md",
        request("VER-7").classification("TLP:AMBER").text(),
    );
    let text = request("PUB-1").line("affected_scs = [\"VER 7\"]").text();
    site.write("requests/PUB-1.md", &text);
    let run = site.refused();
    assert_reported(
        &run.stderr,
        "error",
        &site.path("requests/PUB-1.md"),
        position(&text, "\"VER 7\""),
        &["has the page name", "withheld"],
        &["rename the withheld request's id"],
    );
    // A reference that names no withheld request is a page like any other.
    site.write(
        "requests/PUB-1.md",
        request("PUB-1").line("affected_scs = [\"VER 8\"]").text(),
    );
    let files = site.built();
    assert!(files.contains_key("mitigations/VER-8/index.html"));
    assert_nowhere(&files, &["VER-7"]);
}

/// M1, M2: a reference with leading zeros would be a second name of one
/// mitigation (and a second page, or a link to none); one of any length
/// a file name the system refuses (exit 2, with no place to fix).
#[test]
fn a_mitigation_reference_has_no_leading_zeros_and_a_bounded_length() {
    let long = format!("DEV {}", vec!["1"; 150].join("."));
    for reference in [
        "DEV 01.2",
        "DEV 1.02",
        "DEV 1.2.3.4.5",
        "DEV 12345",
        long.as_str(),
    ] {
        let site = Site::new();
        let text = request("PUB-1")
            .line(&format!("affected_scs = [\"{reference}\"]"))
            .text();
        site.write("requests/PUB-1.md", &text);
        let run = site.refused();
        assert_reported(
            &run.stderr,
            "error",
            &site.path("requests/PUB-1.md"),
            position(&text, &format!("\"{reference}\"")),
            &["is not a mitigation reference"],
            &["without leading zeros"],
        );
    }
    let site = Site::new();
    site.write(
        "requests/PUB-1.md",
        request("PUB-1")
            .line("affected_scs = [\"DEV 1.2\", \"VER 10.0.3\", \"DEP 0.1\"]")
            .text(),
    );
    let files = site.built();
    for page in ["DEV-1.2", "VER-10.0.3", "DEP-0.1"] {
        assert!(
            files.contains_key(&format!("mitigations/{page}/index.html")),
            "{page}"
        );
    }
}

/// P1: the built-in theme's files are screened like any published text, so
/// they may hold no example id: a register that withholds the request the
/// format's own examples name still builds.
#[test]
fn the_built_in_theme_names_no_request_a_register_may_withhold() {
    for id in ["SCMR-2019-004", "URC-2020-002", "DEV-3", "SCMR-2019-001"] {
        let site = Site::new();
        site.write(
            &format!("requests/{id}.md"),
            request(id).classification("TLP:AMBER").text(),
        );
        site.write("requests/PUB-1.md", request("PUB-1").text());
        let files = site.built();
        assert_nowhere(&files, &[id]);
    }
}

/// B1: a declared name, phone or e-mail typed into a field that fails its
/// own check (an unknown device, a reference, a related id) is not echoed
/// by the message about it: `check`'s report goes to a CI log. The place
/// still points at it.
#[test]
fn a_message_never_echoes_personal_data_typed_into_the_wrong_field() {
    let site = Site::new();
    site.write(
        "requests/HID-1.md",
        withheld_with_name("Wolfgang Hiddenperson"),
    );
    let text = request("PUB-1")
        .proposer("name = \"Zebedee Canarybname\"\nemail = \"zeb.canary@example.net\"")
        .line("devices = [\"Zebedee Canarybname\", \"Wolfgang Hiddenperson\"]")
        .line("affected_scs = [\"zeb.canary@example.net\"]")
        .line("related = [\"01632 960111\"]")
        .text();
    site.write("requests/PUB-1.md", &text);
    for run in [
        site.check(),
        common::check(&site.content(), "json"),
        site.refused(),
    ] {
        let report = format!("{}{}", run.stdout, run.stderr);
        for value in [
            "Zebedee",
            "Canarybname",
            "Hiddenperson",
            "zeb.canary",
            "960111",
        ] {
            assert!(!report.contains(value), "{value} echoed:\n{report}");
        }
    }
    let run = site.check();
    assert_reported(
        &run.stdout,
        "error",
        &site.path("requests/PUB-1.md"),
        position(&text, "\"Zebedee Canarybname\", "),
        &["unknown device `…`"],
        &[],
    );
}

/// B7: the user's files a build keeps are in the published site too: an
/// `output_keep` entry that names a withheld request or declared personal
/// data is an error.
#[test]
fn an_output_keep_entry_that_names_withheld_material_is_an_error() {
    for kept in ["HID-1/notes.pdf", "Gideon-Parr.pdf"] {
        let site = Site::new();
        site.write("requests/HID-1.md", withheld_with_name("Gideon Parr"));
        site.write("requests/PUB-1.md", request("PUB-1").text());
        site.write(
            "site.toml",
            format!(
                "title = \"T\"\nbase_url = \"https://r.example.org\"\noutput_keep = [\"{kept}\"]\n"
            ),
        );
        let run = site.refused();
        assert!(run.stderr.contains("output_keep"), "{kept}: {}", run.stderr);
    }
}

/// Found by fuzzing the screen (after the screen's split into files): a
/// telephone number followed by more groups of digits made one run too
/// long for a number, and was not read as a number at all.
#[test]
fn a_telephone_number_followed_by_more_digits_is_an_error() {
    for body in [
        "Ring 01632 960123 111111.",
        "Ring 07700 900123 2024 2025.",
        "Ring +44 1632 960123 5555 5555.",
        "Codes 0108592901085929537/333333 01632 960123 3/3333/2 end.",
    ] {
        scene_refused(body, "a telephone number");
    }
    let (site, _) = scene("Releases 1.2 1.3 2024 2025 and build 20240101 20250101.");
    site.built();
}

/// The date rule is part of the one publication rule, in `check` as in the
/// filter: a request submitted after the build date is withheld until
/// then, so a link to it is its text alone, public text that names it is
/// an error, and `check --withheld` says why it is withheld.
#[test]
fn a_request_submitted_after_the_build_date_is_withheld_by_check_and_build_alike() {
    let before = "2025-01-09";
    let site = Site::new();
    site.write("requests/FUT-1.md", request("FUT-1").text());
    let earlier = |body: &str| {
        request("PUB-1")
            .body(body)
            .text()
            .replace("2025-01-10", "2024-06-01")
    };
    site.write(
        "requests/PUB-1.md",
        earlier("## Issue\n\nSee [the next one](@FUT-1).\n"),
    );
    common::build(&site.content(), &site.out(), before).expect_code(0);
    let files = tree(&site.out());
    assert_nowhere(&files, &["FUT-1"]);
    let page = String::from_utf8_lossy(&files["requests/PUB-1/index.html"]).to_string();
    assert!(page.contains("the next one"), "{page}");

    let listed = common::run(
        common::register()
            .args(["check", "--withheld", "--now", before, "--content"])
            .arg(site.content()),
    );
    assert!(
        listed
            .stdout
            .contains("withheld request (FUT-1): submitted 2025-01-10, after the build date"),
        "{}",
        listed.stdout
    );

    site.write("requests/PUB-1.md", earlier("## Issue\n\nSee FUT-1.\n"));
    let refused = common::build(&site.content(), &site.out(), before);
    refused.expect_code(1);
    assert!(
        refused.stderr.contains("a request that is withheld"),
        "{}",
        refused.stderr
    );
}
