//! Hostile content (issue 3, part 2), built from real content folders with
//! the real `register` binary:
//!
//! - raw HTML and unsafe URLs in Markdown bodies are sanitised, ordinary
//!   Markdown formatting is kept;
//! - hostile titles, organisations, notes and site settings are escaped in
//!   every HTML page, `feed.xml` and `sitemap.xml` (which still parse as
//!   XML), `register.json` (which parses) and `register.csv` (formula cells
//!   defused with `'`);
//! - hostile paths: odd attachment names, symbolic links, `--output` onto
//!   the content folder;
//! - hostile files: invalid UTF-8, a BOM, CRLF line ends, empty, huge,
//!   unclosed front matter, binary files, deep nesting.
//!
//! Every failure must be a located error with exit code 1 (content) or 2
//! (usage), never a panic (101) or a crash.

mod support;

use std::path::{Path, PathBuf};
use support::{Files, Run, build_bin, check_bin, tree, unescape, write};
use tempfile::TempDir;

const NOW: &str = "2026-06-15";

/// A minimal valid public request, with `title`, `organisation` and
/// `body` as given (TOML strings are written as literal multi-line strings
/// where they hold quotes, so any text fits).
fn request(id: &str, title: &str, organisation: &str, body: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntype = \"sc-modification\"\ntitle = {}\nclassification = \"TLP:CLEAR\"\n\
         submitted = 2024-01-10\nreasons = [\"lessons-learned\"]\ndevices = [\"ESME\"]\n\n\
         [proposer]\norganisation = {}\n\n[sponsor]\nsec_party = \"Sponsor Ltd\"\n\n\
         [[history]]\ndate = 2024-01-10\nstage = \"submitted\"\n\n\
         [[history]]\ndate = 2024-02-01\nstage = \"triage\"\n+++\n{body}",
        toml_string(title),
        toml_string(organisation)
    )
}

/// Any single-line text as a TOML string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A site folder: `<tmp>/site/content`.
struct Site {
    tmp: TempDir,
}

impl Site {
    fn new() -> Site {
        let site = Site {
            tmp: tempfile::tempdir().expect("temp dir"),
        };
        write(
            &site.content(),
            "site.toml",
            "title = \"Hostile register\"\nbase_url = \"https://register.example.org\"\n",
        );
        site
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    fn content(&self) -> PathBuf {
        self.root().join("content")
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        write(&self.content(), rel, bytes)
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("public")
    }

    fn build(&self) -> Run {
        build_bin(&self.content(), &self.out(), NOW)
    }

    /// Builds and returns every output file; panics unless exit 0.
    fn build_ok(&self) -> Files {
        self.build().expect_code(0);
        tree(&self.out())
    }
}

fn text(files: &Files, path: &str) -> String {
    String::from_utf8_lossy(
        files
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing from the output")),
    )
    .into_owned()
}

fn html_pages(files: &Files) -> impl Iterator<Item = (&String, String)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8_lossy(b).into_owned()))
}

/// Asserts a failed build: exit `code`, no panic, and nothing written.
fn assert_refused(site: &Site, run: &Run, code: i32, what: &str) {
    assert_eq!(
        run.code, code,
        "{what}: expected exit {code}\n--- stderr\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "{what}: panicked\n{}",
        run.stderr
    );
    assert!(!site.out().exists(), "{what}: an output folder was written");
}

// ---------------------------------------------------------------------------
// Tags and attributes of an HTML page.

/// Every tag of `html` but comments (see `support::html_tags`).
fn tags(html: &str) -> Vec<support::html_tags::Tag> {
    support::html_tags::tags(html)
        .into_iter()
        .filter(|(name, _)| name != "!--")
        .collect()
}

/// Tags content may never bring in.
const BANNED_TAGS: &[&str] = &[
    "script", "iframe", "object", "embed", "style", "form", "meta", "base", "svg", "math", "link",
    "input", "button", "frame", "frameset", "applet", "img", "video", "audio", "source",
];

fn count_tags(html: &str) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for (name, _) in tags(html) {
        if BANNED_TAGS.contains(&name.as_str()) {
            *counts.entry(name).or_insert(0) += 1;
        }
    }
    counts
}

/// No event handler, style attribute or script URL in any tag; no banned
/// tag beyond those the theme itself has in the same page of `control`.
fn assert_safe_page(path: &str, html: &str, control: Option<&str>) {
    for (name, attrs) in tags(html) {
        for (attr, value) in attrs {
            assert!(
                !attr.starts_with("on"),
                "{path}: <{name} {attr}=...> survived"
            );
            assert_ne!(attr, "style", "{path}: a style attribute on <{name}>");
            let url_attribute = matches!(
                attr.as_str(),
                "href"
                    | "src"
                    | "action"
                    | "formaction"
                    | "xlink:href"
                    | "poster"
                    | "data"
                    | "srcset"
            );
            if !url_attribute {
                continue;
            }
            let v: String = unescape(&value)
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "data:", "vbscript:"] {
                assert!(
                    !v.starts_with(scheme),
                    "{path}: <{name} {attr}=\"{value}\"> survived"
                );
            }
        }
    }
    let counts = count_tags(html);
    let allowed = control.map(count_tags).unwrap_or_default();
    for (name, n) in &counts {
        let theirs = allowed.get(name).copied().unwrap_or(0);
        assert!(
            *n <= theirs,
            "{path}: {n} <{name}> tags, the theme alone has {theirs}"
        );
    }
}

// ---------------------------------------------------------------------------
// 1. Raw HTML in Markdown bodies.

const HOSTILE_HTML: &str = r#"[md js](javascript:alert('XSS-MDJS')) [md data](data:text/html,hello) [md vb](vbscript:msgbox(1))
[md js2](JAVASCRIPT:alert(1)) [md entity](javascript&#58;alert(1)) ![img](javascript:alert(1))
[md tab](java	script:alert(1)) <javascript:alert(1)> <data:text/html,x>

<script>alert('XSS-SCRIPT')</script>

<SCRIPT SRC=//evil.example/x.js></SCRIPT>

Inline <img src=x onerror="alert('XSS-ONERROR')"> and <b onclick="alert(1)">bold</b> and
<a href="javascript:alert('XSS-JSHREF')">js link</a> <a href="JaVaScRiPt:alert(1)">js2</a>
<a href="  javascript:alert(1)">js3</a> <a href="java&#x09;script:alert(1)">js4</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>
<a href="vbscript:msgbox(1)">vb link</a> <a href="https://example.org/ok" onfocus="x()">ok link</a>

<iframe src="https://evil.example/"></iframe>

<object data="x.swf"></object>

<embed src="x.swf">

<p style="color:red">styled</p>

<style>body{display:none}</style>

<form action="https://evil.example/"><input name=x><button formaction="javascript:alert(1)">go</button></form>

<meta http-equiv="refresh" content="0;url=https://evil.example/">

<base href="https://evil.example/">

<svg><script>alert(1)</script></svg>

<svg onload="alert(1)"><circle r="1"/></svg>

<math><mi xlink:href="javascript:alert(1)">x</mi></math>

<link rel="stylesheet" href="https://evil.example/x.css">

<div onmouseover="alert(1)">hover</div>

<details open ontoggle="alert(1)">d</details>

<video><source onerror="alert(1)"></video>

<a href="https://example.org/ok2" target="_blank">kept link</a>
"#;

const MARKDOWN_FORMATTING: &str = "| Col A | Col B |\n|---|---|\n| a1 | b1 |\n\n\
- item one\n- item two\n\n1. first\n2. second\n\n\
*emphasis* and **strong** and `code` and ~~struck~~ and [a link](https://example.org/fine).\n\n\
> quoted\n";

/// What ordinary Markdown must still produce.
const FORMATTING_KEPT: &[&str] = &[
    "<table>",
    "<th>Col A</th>",
    "<td>b1</td>",
    "<li>item one</li>",
    "<ol>",
    "<em>emphasis</em>",
    "<strong>strong</strong>",
    "<code>code</code>",
    "<del>struck</del>",
    "href=\"https://example.org/fine\"",
    "<blockquote>",
];

fn hostile_body(hostile: &str) -> String {
    format!(
        "## Issue\n\n{hostile}\n\n{MARKDOWN_FORMATTING}\n## Why it needs addressing\n\n{MARKDOWN_FORMATTING}\n\
         ## Proposed solution\n\nPlain.\n\n## Further notes\n\n{hostile}\n"
    )
}

/// The hostile site and a control site of the same shape with benign
/// bodies, so the theme's own `<script>`, `<meta>` and `<form>` tags can be
/// told apart from content's.
fn sanitiser_sites() -> (Files, Files) {
    let make = |hostile: &str| {
        let site = Site::new();
        site.write(
            "requests/HTML-1.md",
            request(
                "HTML-1",
                "Hostile bodies",
                "Org Ltd",
                &hostile_body(hostile),
            ),
        );
        let decided = request("HTML-2", "Decided", "Org Ltd", &hostile_body(hostile)).replace(
            "stage = \"triage\"\n+++",
            "stage = \"triage\"\n\n[[history]]\ndate = 2024-03-01\nstage = \"decided\"\n+++",
        );
        site.write("requests/HTML-2.md", decided);
        site.write(
            "decisions/HTML-2-interim.md",
            format!(
                "+++\nrequest = \"HTML-2\"\nclassification = \"TLP:WHITE\"\ndate = 2024-02-02\n\
                 kind = \"interim\"\noutcome = \"progressed\"\n+++\n## Summary\n\n{hostile}\n\n{MARKDOWN_FORMATTING}"
            ),
        );
        site.write(
            "decisions/HTML-2-final.md",
            format!(
                "+++\nrequest = \"HTML-2\"\nclassification = \"TLP:WHITE\"\ndate = 2024-03-01\n\
                 kind = \"final\"\noutcome = \"rejected\"\n+++\n## Summary\n\n{hostile}\n\n{MARKDOWN_FORMATTING}"
            ),
        );
        let files = site.build_ok();
        (site, files)
    };
    let (_h, hostile) = make(HOSTILE_HTML);
    let (_c, control) = make("Benign words.");
    (hostile, control)
}

#[test]
fn raw_html_in_bodies_is_sanitised_and_markdown_formatting_kept() {
    let (hostile, control) = sanitiser_sites();
    let pages: Vec<(&String, String)> = html_pages(&hostile).collect();
    assert!(pages.len() > 5);
    for (path, html) in &pages {
        let control_page = control
            .get(*path)
            .map(|b| String::from_utf8_lossy(b).into_owned());
        assert_safe_page(path, html, control_page.as_deref());
        let lower = html.to_ascii_lowercase();
        for gone in [
            "xss-script",
            "evil.example/x.js",
            "alert('xss-onerror')",
            "xss-jshref",
            "xss-mdjs",
            "phnjcmlwdd5hbgvydcgxktwvc2nyaxb0pg",
            "display:none",
            "http-equiv",
        ] {
            assert!(!lower.contains(gone), "{path}: `{gone}` survived");
        }
    }
    for page in [
        "requests/HTML-1/index.html",
        "requests/HTML-2/index.html",
        "reports/HTML-2/index.html",
    ] {
        let html = text(&hostile, page);
        for kept in FORMATTING_KEPT {
            assert!(html.contains(kept), "{page}: `{kept}` missing");
        }
        assert!(
            html.contains("href=\"https://example.org/ok2\""),
            "{page}: a plain link in a sanitised section was lost"
        );
    }
    // The search index holds text, not markup: parse it and look at words.
    let index: serde_json::Value =
        serde_json::from_slice(&hostile["search-index.json"]).expect("search index is JSON");
    assert!(index.as_array().is_some_and(|a| !a.is_empty()));
}

// ---------------------------------------------------------------------------
// 2. Hostile titles, organisations, notes and settings.

const HOSTILE_TITLE: &str = "<script>alert(\"T1\")</script> & \"quotes\" 'apos' ]]> <![CDATA[x]]> =HYPERLINK(\"https://evil.example\",\"x\")";

fn hostile_fields_site() -> (Site, Files) {
    let site = Site::new();
    site.write(
        "site.toml",
        "title = \"Register <script>alert('S1')</script> & co ]]>\"\n\
         description = \"Desc \\\"quoted\\\" <b>bold</b> & more\"\n\
         owner = \"Owner <i>x</i> & 'y'\"\n\
         base_url = \"https://register.example.org/r/a=1&b=<x>'\"\n",
    );
    let mut formula = request(
        "CSV-1",
        "=HYPERLINK(\"https://evil.example\",\"click\")",
        "=HYPERLINK(\"https://evil.example\")",
        "## Issue\n\nA formula title.\n",
    );
    formula = formula.replace("sec_party = \"Sponsor Ltd\"", "sec_party = \"+SUM(1+1)\"");
    site.write("requests/CSV-1.md", formula);
    site.write(
        "requests/CSV-2.md",
        request("CSV-2", "-2+3 minus", "@SUM(A1:A2)", "## Issue\n\nMinus.\n"),
    );
    site.write(
        "requests/CSV-3.md",
        request(
            "CSV-3",
            "@SUM(A1) at",
            "+cmd|' /C calc'!A0",
            "## Issue\n\nAt.\n",
        ),
    );
    let mut hostile = request(
        "ESC-1",
        HOSTILE_TITLE,
        "Org <b onmouseover=\"x()\">Bold</b> & \"Co\" ]]>",
        "## Issue\n\nHostile fields.\n",
    );
    hostile = hostile.replace(
        "stage = \"triage\"\n+++",
        "stage = \"triage\"\nnote = \"Note <script>alert('N1')</script> & ]]>\"\n+++",
    );
    hostile = hostile.replace(
        "devices = [\"ESME\"]",
        "devices = [\"ESME\"]\naffected_scs = [\"DEV 1.1\"]\naffected_scs_reason = \"<img src=x onerror=alert('R1')>\"\nrelated = [\"CSV-1\"]",
    );
    site.write("requests/ESC-1.md", hostile);
    let files = site.build_ok();
    (site, files)
}

#[test]
fn hostile_titles_and_organisations_are_escaped_in_every_html_page() {
    let (_site, files) = hostile_fields_site();
    let control = {
        let site = Site::new();
        for id in ["CSV-1", "CSV-2", "CSV-3", "ESC-1"] {
            site.write(
                &format!("requests/{id}.md"),
                request(id, "Plain", "Org", "## Issue\n\nPlain.\n").replace(
                    "devices = [\"ESME\"]",
                    if id == "ESC-1" {
                        "devices = [\"ESME\"]\naffected_scs = [\"DEV 1.1\"]\nrelated = [\"CSV-1\"]"
                    } else {
                        "devices = [\"ESME\"]"
                    },
                ),
            );
        }
        site.build_ok()
    };
    let mut seen_title = 0;
    for (path, html) in html_pages(&files) {
        let control_page = control
            .get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned());
        assert_safe_page(path, &html, control_page.as_deref());
        for raw in [
            "<script>alert(",
            "alert(\"T1\")",
            "<b onmouseover",
            "<img src=x",
            "<b>bold</b>",
            "<i>x</i>",
            "\"quotes\"",
            "<![CDATA[",
        ] {
            assert!(!html.contains(raw), "{path}: `{raw}` unescaped");
        }
        let decoded = unescape(&html);
        assert!(
            decoded.contains("Register <script>alert('S1')</script> & co ]]>"),
            "{path}: the site title is not shown as text"
        );
        if decoded.contains(HOSTILE_TITLE) {
            seen_title += 1;
        }
    }
    // The request page, the register, its status and device lists, and the
    // page of the request that relates to... at least three pages show it.
    assert!(
        seen_title >= 3,
        "the hostile title is shown on {seen_title} pages"
    );
    let page = unescape(&text(&files, "requests/ESC-1/index.html"));
    for shown in [
        "Org <b onmouseover=\"x()\">Bold</b> & \"Co\" ]]>",
        "Note <script>alert('N1')</script> & ]]>",
        "<img src=x onerror=alert('R1')>",
    ] {
        assert!(page.contains(shown), "`{shown}` is not shown as text");
    }
}

#[test]
fn hostile_fields_are_escaped_in_feed_sitemap_and_json_which_still_parse() {
    let (_site, files) = hostile_fields_site();
    for xml in ["feed.xml", "sitemap.xml"] {
        let text = text(&files, xml);
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{xml} does not parse: {e}\n{text}"));
        if xml == "feed.xml" {
            let titles: Vec<String> = doc
                .descendants()
                .filter(|n| n.has_tag_name("title"))
                .filter_map(|n| n.text().map(str::to_string))
                .collect();
            assert!(
                titles
                    .iter()
                    .any(|t| t == "Register <script>alert('S1')</script> & co ]]>"),
                "{titles:?}"
            );
            assert!(
                titles.iter().any(|t| t.ends_with(HOSTILE_TITLE)),
                "the hostile title does not round-trip: {titles:?}"
            );
            let summaries: Vec<&str> = doc
                .descendants()
                .filter(|n| n.has_tag_name("summary"))
                .filter_map(|n| n.text())
                .collect();
            assert!(
                summaries
                    .iter()
                    .any(|s| s.contains("Note <script>alert('N1')</script> & ]]>")),
                "{summaries:?}"
            );
        }
    }
    let json: serde_json::Value =
        serde_json::from_slice(&files["register.json"]).expect("register.json parses");
    let esc = json["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .find(|r| r["id"] == "ESC-1")
        .expect("ESC-1 in register.json");
    assert_eq!(esc["title"], HOSTILE_TITLE);
    assert_eq!(
        json["title"],
        "Register <script>alert('S1')</script> & co ]]>"
    );
    let index: serde_json::Value =
        serde_json::from_slice(&files["search-index.json"]).expect("search index parses");
    assert!(
        index
            .as_array()
            .expect("a list")
            .iter()
            .any(|d| d["title"] == HOSTILE_TITLE)
    );
    // The base URL (with `&`, `<` and `'`) round-trips through the XML.
    let sitemap = text(&files, "sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap parses");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.contains(&"https://register.example.org/r/a=1&b=<x>'/requests/ESC-1/"),
        "{locs:?}"
    );
    assert_eq!(
        json["base_url"],
        "https://register.example.org/r/a=1&b=<x>'"
    );
}

#[test]
fn formula_cells_in_register_csv_are_prefixed_with_a_quote() {
    let (_site, files) = hostile_fields_site();
    let mut reader = csv::Reader::from_reader(&files["register.csv"][..]);
    let headers = reader.headers().expect("a header row").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (id, title, org, party) = (
        col("id"),
        col("title"),
        col("proposer_organisation"),
        col("sponsor_sec_party"),
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("a well-formed row"))
        .collect();
    assert_eq!(rows.len(), 4);
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell: {cell:?} in {row:?}"
            );
        }
    }
    let row = |wanted: &str| {
        rows.iter()
            .find(|r| &r[id] == wanted)
            .unwrap_or_else(|| panic!("{wanted} has no row"))
    };
    assert_eq!(
        &row("CSV-1")[title],
        "'=HYPERLINK(\"https://evil.example\",\"click\")"
    );
    assert_eq!(&row("CSV-1")[org], "'=HYPERLINK(\"https://evil.example\")");
    assert_eq!(&row("CSV-1")[party], "'+SUM(1+1)");
    assert_eq!(&row("CSV-2")[title], "'-2+3 minus");
    assert_eq!(&row("CSV-2")[org], "'@SUM(A1:A2)");
    assert_eq!(&row("CSV-3")[title], "'@SUM(A1) at");
    assert_eq!(&row("CSV-3")[org], "'+cmd|' /C calc'!A0");
    assert_eq!(&row("ESC-1")[title], HOSTILE_TITLE);
}

#[test]
fn hostile_ids_are_refused_with_a_located_error() {
    for (n, id) in [
        "<script>",
        "A-1\"><script>alert(1)</script>",
        "../../etc",
        "A-1/../../x",
        "a-1",
        "A-1 ",
        "=A-1",
    ]
    .iter()
    .enumerate()
    {
        let site = Site::new();
        let file = format!("requests/R{n}.md");
        site.write(
            &file,
            request("PLACEHOLDER-1", "T", "O", "## Issue\n\nx\n")
                .replace("\"PLACEHOLDER-1\"", &toml_string(id)),
        );
        let run = site.build();
        assert_refused(&site, &run, 1, id);
        assert!(
            run.stderr.contains(&format!("R{n}.md:2:6: error:"))
                && run.stderr.contains("is not a valid id"),
            "{id}: no located error\n{}",
            run.stderr
        );
    }
}

// ---------------------------------------------------------------------------
// 3. Hostile paths.

#[test]
fn attachment_names_with_spaces_or_unicode_are_refused_with_a_located_error() {
    for name in [
        "my file.txt",
        "résumé.pdf",
        "a;b.txt",
        "x%2F..%2Fy.txt",
        "quote\".txt",
        "new\nline.txt",
        "tab\t.txt",
        "back\\slash.txt",
        "ünï.txt",
    ] {
        // Not listed: never published, and an error that names the file.
        let site = Site::new();
        site.write(
            "requests/ATT-1/index.md",
            request("ATT-1", "Attachments", "Org", "## Issue\n\nx\n"),
        );
        site.write(&format!("requests/ATT-1/{name}"), "attachment\n");
        let run = site.build();
        assert_refused(&site, &run, 1, name);
        assert!(
            run.stderr.contains("not listed under [[attachments]]")
                && run.stderr.contains("requests/ATT-1/"),
            "{name:?}: no located error\n{}",
            run.stderr
        );
        // Listed: refused where it is listed.
        let site = Site::new();
        site.write(
            "requests/ATT-1/index.md",
            listing_attachment(
                &request("ATT-1", "Attachments", "Org", "## Issue\n\nx\n"),
                name,
            ),
        );
        site.write(&format!("requests/ATT-1/{name}"), "attachment\n");
        let run = site.build();
        assert_refused(&site, &run, 1, name);
        assert!(
            run.stderr.contains("cannot be published under this name")
                && run.stderr.contains("requests/ATT-1/index.md:"),
            "{name:?}: no located error\n{}",
            run.stderr
        );
    }
}

/// A request's text with `name` listed as a public attachment.
fn listing_attachment(request: &str, name: &str) -> String {
    let listing = format!(
        "[[attachments]]\nfile = {}\ntitle = \"Attachment\"\nclassification = \"TLP:CLEAR\"\n\n[[history]]",
        toml::Value::String(name.to_string())
    );
    request.replacen("[[history]]", &listing, 1)
}

#[test]
fn an_attachment_cannot_replace_a_page_of_the_site() {
    // `index.html` is a safe file name, but beside `index.md` it would be
    // published at /requests/<id>/index.html: the request's own page (the
    // attachment was written over the page, script and all). Upper case
    // too: on a case-insensitive disk it is the same file.
    for name in ["index.html", "INDEX.HTML"] {
        let site = Site::new();
        let text = request(
            "ATT-2",
            "Attachment named like the page",
            "Org",
            "## Issue\n\nx\n",
        );
        site.write("requests/ATT-2/index.md", listing_attachment(&text, name));
        site.write(
            &format!("requests/ATT-2/{name}"),
            "<script>alert('ATTACHED-PAGE')</script>\n",
        );
        let run = site.build();
        let listed_at = line_of(&listing_attachment(&text, name), "file = ");
        assert_located(
            &site,
            &run,
            "requests/ATT-2/index.md",
            &format!("{listed_at}:8"),
            "cannot be published under this name",
        );
    }
}

/// Changes a fresh site for one case of a test.
#[cfg(unix)]
type Setup<'a> = Box<dyn Fn(&Site) + 'a>;

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed_and_give_an_error() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = write(
        outside.path(),
        "SECRET-1.md",
        request(
            "SECRET-1",
            "CANARY-SYMLINK-TITLE",
            "Org",
            "## Issue\n\nCANARY-SYMLINK-BODY\n",
        ),
    );
    let secret_dir = outside.path().join("SECRET-2");
    write(
        &secret_dir,
        "index.md",
        request("SECRET-2", "CANARY-SYMLINK-DIR", "Org", "## Issue\n\nx\n"),
    );
    write(
        outside.path(),
        "evidence.txt",
        "CANARY-SYMLINK-ATTACHMENT\n",
    );
    let cases: Vec<(&str, Setup)> = vec![
        (
            "a record file",
            Box::new(|s: &Site| {
                symlink(&secret, s.content().join("requests/SECRET-1.md")).expect("symlink");
            }),
        ),
        (
            "a folder record",
            Box::new(|s: &Site| {
                symlink(&secret_dir, s.content().join("requests/SECRET-2")).expect("symlink");
            }),
        ),
        (
            "an attachment",
            Box::new(|s: &Site| {
                s.write(
                    "requests/ATT-3/index.md",
                    request("ATT-3", "Attachments", "Org", "## Issue\n\nx\n"),
                );
                symlink(
                    outside.path().join("evidence.txt"),
                    s.content().join("requests/ATT-3/evidence.txt"),
                )
                .expect("symlink");
            }),
        ),
        (
            "a folder record's index.md",
            Box::new(|s: &Site| {
                std::fs::create_dir_all(s.content().join("requests/SECRET-4")).expect("mkdir");
                symlink(&secret, s.content().join("requests/SECRET-4/index.md")).expect("symlink");
            }),
        ),
        (
            "a decision",
            Box::new(|s: &Site| {
                std::fs::create_dir_all(s.content().join("decisions")).expect("mkdir");
                symlink(&secret, s.content().join("decisions/SECRET-1.md")).expect("symlink");
            }),
        ),
        (
            "the requests folder",
            Box::new(|s: &Site| {
                let elsewhere = outside.path().join("requests-elsewhere");
                write(
                    &elsewhere,
                    "SECRET-3.md",
                    request("SECRET-3", "CANARY-SYMLINK-FOLDER", "Org", "x\n"),
                );
                std::fs::remove_dir_all(s.content().join("requests")).expect("rm");
                symlink(&elsewhere, s.content().join("requests")).expect("symlink");
            }),
        ),
        (
            "the decisions folder",
            Box::new(|s: &Site| {
                let elsewhere = outside.path().join("decisions-elsewhere");
                std::fs::create_dir_all(&elsewhere).expect("mkdir");
                symlink(&elsewhere, s.content().join("decisions")).expect("symlink");
            }),
        ),
    ];
    for (what, make) in cases {
        let site = Site::new();
        site.write(
            "requests/OK-1.md",
            request("OK-1", "Fine", "Org", "## Issue\n\nx\n"),
        );
        make(&site);
        let run = site.build();
        assert_refused(&site, &run, 1, what);
        assert!(
            run.stderr.contains("symbolic link"),
            "{what}: the error does not say why\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("CANARY"), "{what}: {}", run.stderr);
        let check = check_bin(&site.content());
        assert_eq!(check.code, 1, "{what}: check\n{}", check.stderr);
    }
}

/// Every file under `dir` with its bytes, for "nothing was deleted".
fn snapshot(dir: &Path) -> Files {
    tree(dir)
}

#[test]
fn output_onto_the_content_folder_its_parent_or_dot_is_refused() {
    let site = Site::new();
    site.write(
        "requests/OUT-1.md",
        request("OUT-1", "Output", "Org", "## Issue\n\nx\n"),
    );
    std::fs::write(site.root().join("keep-me.txt"), "precious\n").expect("write");
    let root = site.root();
    let before = snapshot(site.tmp.path());
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.content(), site.tmp.path().join("content-link"))
        .expect("symlink");
    let attempts: Vec<(String, PathBuf, PathBuf)> = vec![
        // (what, current folder, --output)
        ("the content folder".into(), root.clone(), "content".into()),
        (
            "the content folder, absolute".into(),
            root.clone(),
            site.content(),
        ),
        (
            "the site root (content's parent)".into(),
            root.clone(),
            root.clone(),
        ),
        ("`.` in the site root".into(), root.clone(), ".".into()),
        (
            "`.` in the content folder".into(),
            site.content(),
            ".".into(),
        ),
        (
            "`..` from the content folder".into(),
            site.content(),
            "..".into(),
        ),
        (
            "content/../content".into(),
            root.clone(),
            "content/../content".into(),
        ),
        (
            "a folder inside content".into(),
            root.clone(),
            "content/public".into(),
        ),
        (
            "the grandparent".into(),
            root.clone(),
            site.tmp.path().to_path_buf(),
        ),
        #[cfg(unix)]
        (
            "a symbolic link to the content folder".into(),
            root.clone(),
            site.tmp.path().join("content-link"),
        ),
    ];
    for (what, cwd, output) in attempts {
        let content = site.content();
        let run = support::run(
            support::register()
                .current_dir(&cwd)
                .arg("build")
                .arg("--content")
                .arg(&content)
                .arg("--output")
                .arg(&output)
                .arg("--now")
                .arg(NOW),
        );
        assert_eq!(run.code, 2, "{what}: expected exit 2\n{}", run.stderr);
        assert!(run.stderr.contains("refusing"), "{what}: {}", run.stderr);
        let mut after = snapshot(site.tmp.path());
        after.remove("content-link");
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{what}: files changed"
        );
        assert_eq!(before, after, "{what}: bytes changed");
    }
    // A relative --content seen from the site root is protected the same way.
    let run = support::run(support::register().current_dir(&root).args([
        "build",
        "--content",
        "content",
        "--output",
        ".",
        "--now",
        NOW,
    ]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    // And a proper output folder still works.
    let run = support::run(support::register().current_dir(&root).args([
        "build",
        "--content",
        "content",
        "--output",
        "public",
        "--now",
        NOW,
    ]));
    run.expect_code(0);
    assert!(root.join("public/requests/OUT-1/index.html").is_file());
}

// ---------------------------------------------------------------------------
// 4. Hostile files.

/// Builds a site whose only request file holds `bytes`, under `name`.
fn build_with_file(name: &str, bytes: &[u8]) -> (Site, Run) {
    let site = Site::new();
    site.write(
        "requests/OK-1.md",
        request("OK-1", "Fine", "Org", "## Issue\n\nx\n"),
    );
    site.write(name, bytes);
    let run = site.build();
    (site, run)
}

/// The 1-based line of the first `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}

/// Asserts exit 1 with a located error naming `file` and saying `message`;
/// `line_col` is `line:column` or `line:` alone.
fn assert_located(site: &Site, run: &Run, file: &str, line_col: &str, message: &str) {
    assert_refused(site, run, 1, file);
    let wanted = if line_col.ends_with(':') {
        format!("{file}:{line_col}")
    } else {
        format!("{file}:{line_col}: error:")
    };
    assert!(
        run.stderr.contains(&wanted) && run.stderr.contains(message),
        "expected `{wanted}` and `{message}` in\n{}",
        run.stderr
    );
}

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0a, b'I', b'D', b'A', b'T',
    0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, b'I', b'E', b'N',
    b'D', 0xae, 0x42, 0x60, 0x82,
];

#[test]
fn invalid_utf8_is_a_located_error() {
    let text = request(
        "BAD-1",
        "Bad",
        "Org",
        "## Issue\n\nfine line\nbad BADBYTE byte\n",
    );
    let line = line_of(&text, "BADBYTE");
    let at = text.find("BADBYTE").expect("placeholder");
    let mut bytes = text.into_bytes();
    bytes.splice(at..at + "BADBYTE".len(), [0xff]);
    let (site, run) = build_with_file("requests/BAD-1.md", &bytes);
    assert_located(
        &site,
        &run,
        "requests/BAD-1.md",
        &format!("{line}:5"),
        "not valid UTF-8",
    );
}

#[test]
fn a_utf8_bom_builds_fine() {
    let mut bytes = vec![0xef, 0xbb, 0xbf];
    bytes.extend(request("BOM-1", "With a BOM", "Org", "## Issue\n\nBOM body.\n").into_bytes());
    let (site, run) = build_with_file("requests/BOM-1.md", &bytes);
    run.expect_code(0);
    let files = tree(&site.out());
    let page = text(&files, "requests/BOM-1/index.html");
    assert!(page.contains("With a BOM") && page.contains("BOM body."));
    for (path, bytes) in &files {
        if [".html", ".json", ".xml", ".csv"]
            .iter()
            .any(|e| path.ends_with(e))
        {
            assert!(
                !bytes.windows(3).any(|w| w == [0xef, 0xbb, 0xbf]),
                "a BOM in {path}"
            );
        }
    }
}

#[test]
fn crlf_line_ends_build_fine_and_errors_give_the_right_line() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let body = "## Issue\n\nLine one.\n<!-- TLP:RED -->\nCANARY-CRLF-RED\n<!-- /TLP -->\nAfter.\n";
    let (site, run) = build_with_file(
        "requests/CRLF-1.md",
        crlf(&request("CRLF-1", "CRLF title", "Org", body)).as_bytes(),
    );
    run.expect_code(0);
    let files = tree(&site.out());
    let page = text(&files, "requests/CRLF-1/index.html");
    assert!(page.contains("CRLF title") && page.contains("After."));
    assert!(
        !files
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("CANARY"))
    );
    assert!(!page.contains('\r'));

    // An unknown stage, and an unclosed passage: their lines are counted
    // as the keeper's editor counts them.
    let bad = request(
        "CRLF-2",
        "CRLF errors",
        "Org",
        "## Issue\n\nx\n<!-- TLP:AMBER -->\nsecret\n",
    )
    .replace("stage = \"triage\"", "stage = \"bogus\"");
    let stage_line = line_of(&bad, "\"bogus\"");
    let passage_line = line_of(&bad, "<!-- TLP:AMBER -->");
    let (site, run) = build_with_file("requests/CRLF-2.md", crlf(&bad).as_bytes());
    assert_located(
        &site,
        &run,
        "requests/CRLF-2.md",
        &format!("{stage_line}:9"),
        "`bogus` is not a stage",
    );
    assert!(
        run.stderr
            .contains(&format!("requests/CRLF-2.md:{passage_line}:1: error:")),
        "the passage error is not on line {passage_line}\n{}",
        run.stderr
    );
    // `register check` says the same.
    let check = check_bin(&site.content());
    assert!(
        check
            .stdout
            .contains(&format!("requests/CRLF-2.md:{stage_line}:9: error:")),
        "{}",
        check.stdout
    );
}

#[test]
fn mistyped_passage_markers_are_errors_not_leaks() {
    for (open, close) in [
        ("<!-- TLP_RED -->", "<!-- /TLP_RED -->"),
        ("<!-- [TLP:RED] -->", "<!-- [/TLP] -->"),
        ("<!-- TLP RED -->", "<!-- END TLP -->"),
        ("<!-- TLP:RED", "-->"),
        ("<!-- TLP:PURPLE -->", "<!-- /TLP -->"),
    ] {
        let body = format!("## Issue\n\nPublic.\n\n{open}\nCANARY-MISTYPED\n{close}\n\nAfter.\n");
        let text = request("TYPO-1", "Typo", "Org", &body);
        let line = line_of(&text, open);
        let (site, run) = build_with_file("requests/TYPO-1.md", text.as_bytes());
        assert_located(&site, &run, "requests/TYPO-1.md", &format!("{line}:"), "");
        assert!(!run.stderr.contains("CANARY"), "{}", run.stderr);
    }
}

#[test]
fn an_empty_file_is_a_located_error() {
    let (site, run) = build_with_file("requests/EMPTY-1.md", b"");
    assert_located(&site, &run, "requests/EMPTY-1.md", "1:1", "+++");
    let (site, run) = build_with_file("decisions/EMPTY-2.md", b"");
    assert_located(&site, &run, "decisions/EMPTY-2.md", "1:1", "+++");
}

#[test]
fn a_50_mb_file_is_refused_quickly_without_a_panic() {
    let mut bytes = request("BIG-1", "Big", "Org", "## Issue\n\n").into_bytes();
    let line = b"All work and no play makes a very long record indeed.\n";
    while bytes.len() < 50 * 1024 * 1024 {
        bytes.extend_from_slice(line);
    }
    let started = std::time::Instant::now();
    let (site, run) = build_with_file("requests/BIG-1.md", &bytes);
    let took = started.elapsed();
    assert_located(&site, &run, "requests/BIG-1.md", "1:1", "larger than");
    assert!(took.as_secs() < 20, "took {took:?}");
}

#[test]
fn a_missing_closing_fence_is_a_located_error() {
    let text =
        request("OPEN-1", "Open", "Org", "## Issue\n\nx\n").replace("+++\n## Issue", "## Issue");
    let (site, run) = build_with_file("requests/OPEN-1.md", text.as_bytes());
    assert_located(&site, &run, "requests/OPEN-1.md", "1:1", "never closed");
}

#[test]
fn binary_files_in_requests_are_errors() {
    let (site, run) = build_with_file("requests/IMAGE-1.md", PNG);
    assert_located(&site, &run, "requests/IMAGE-1.md", "1:1", "not valid UTF-8");
    let (site, run) = build_with_file("requests/image.png", PNG);
    assert_located(&site, &run, "requests/image.png", "1:1", "not a `.md` file");
    let (site, run) = build_with_file("decisions/image.png", PNG);
    assert_located(
        &site,
        &run,
        "decisions/image.png",
        "1:1",
        "not a `.md` file",
    );
    // Valid UTF-8 with a NUL byte: a binary file too.
    let (site, run) = build_with_file("requests/NUL-1.md", b"+++\nid = \"NUL-1\"\0\n+++\n");
    assert_located(&site, &run, "requests/NUL-1.md", "2:13", "NUL");
}

#[test]
fn deeply_nested_content_is_an_error_or_builds_but_never_crashes() {
    let depth = 50_000;
    let nested_toml = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let cases: Vec<(&str, String)> = vec![
        (
            "nested TOML arrays",
            request("DEEP-1", "Deep", "Org", "x\n").replace(
                "stage = \"triage\"\n+++",
                &format!("stage = \"triage\"\n\n[extra]\ndeep = {nested_toml}\n+++"),
            ),
        ),
        (
            "nested TOML inline tables",
            request("DEEP-2", "Deep", "Org", "x\n").replace(
                "stage = \"triage\"\n+++",
                &format!(
                    "stage = \"triage\"\n\n[extra]\ndeep = {}1{}\n+++",
                    "{a = ".repeat(depth),
                    "}".repeat(depth)
                ),
            ),
        ),
        (
            "nested block quotes",
            request(
                "DEEP-3",
                "Deep",
                "Org",
                &format!("## Issue\n\n{}x\n", "> ".repeat(depth)),
            ),
        ),
        (
            "nested block quotes that need the sanitiser",
            request(
                "DEEP-7",
                "Deep",
                "Org",
                &format!(
                    "## Issue\n\n{}x ![i](y.png) <b onclick=\"alert(1)\">b</b>\n",
                    "> ".repeat(depth)
                ),
            ),
        ),
        (
            "nested lists",
            request(
                "DEEP-4",
                "Deep",
                "Org",
                &format!(
                    "## Issue\n\n{}",
                    (0..2_000)
                        .map(|i| format!("{}- item\n", "  ".repeat(i)))
                        .collect::<String>()
                ),
            ),
        ),
        (
            "nested HTML",
            request(
                "DEEP-5",
                "Deep",
                "Org",
                &format!(
                    "## Issue\n\n{}x{}\n",
                    "<div>".repeat(depth),
                    "</div>".repeat(depth)
                ),
            ),
        ),
        (
            "nested emphasis and links",
            request(
                "DEEP-6",
                "Deep",
                "Org",
                &format!(
                    "## Issue\n\n{}x{}\n",
                    "*[".repeat(depth),
                    "](/a)*".repeat(depth)
                ),
            ),
        ),
    ];
    for (what, text) in cases {
        let started = std::time::Instant::now();
        let (site, run) = build_with_file("requests/DEEP.md", text.as_bytes());
        assert!(
            run.code == 0 || run.code == 1,
            "{what}: exit {} (a crash?)\n{}",
            run.code,
            &run.stderr[..run.stderr.len().min(2000)]
        );
        assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
        if run.code == 1 {
            assert!(
                run.stderr.contains("requests/DEEP.md:"),
                "{what}: {}",
                run.stderr
            );
            assert!(!site.out().exists());
        }
        if run.code == 0 {
            for (path, html) in html_pages(&tree(&site.out())) {
                assert!(!html.contains("onclick"), "{what}: onclick in {path}");
            }
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "{what}: took {:?}",
            started.elapsed()
        );
    }
}
