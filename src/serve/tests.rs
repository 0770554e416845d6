//! The preview end to end: a real server on a free port, asked over
//! TCP as a browser asks it, while its content folder is edited.

use super::http::{RELOAD_SCRIPT_TAG, SECURITY_HEADERS, html_escape};
use super::{Options, Server, StartError};
use crate::diagnostic::{self, Diagnostic, Format};
use crate::model::date::Date;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SITE_TOML: &str = "title = \"Test register\"\nbase_url = \"https://example.org\"\n";

fn request(title: &str) -> String {
    format!(
        "+++\nid = \"SCMR-2026-001\"\ntype = \"sc-modification\"\ntitle = \"{title}\"\n\
         classification = \"TLP:WHITE\"\nsubmitted = 2026-01-05\nreasons = [\"lessons-learned\"]\n\n\
         [proposer]\norganisation = \"Example Meters Ltd\"\n\n\
         [[history]]\ndate = 2026-01-05\nstage = \"submitted\"\n+++\n\n## Issue\n\nSomething.\n"
    )
}

fn tiny_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("requests")).unwrap();
    std::fs::write(content.join("site.toml"), SITE_TOML).unwrap();
    std::fs::write(
        content.join("requests/SCMR-2026-001.md"),
        request("First title"),
    )
    .unwrap();
    (dir, content)
}

struct Got {
    status: u16,
    head: String,
    body: String,
}

/// Sends `request` as it is and reads the whole answer.
fn send(addr: SocketAddr, request: &str) -> Got {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Got {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// A GET as a browser on this machine sends it.
fn get(addr: SocketAddr, path: &str) -> Got {
    send(
        addr,
        &format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n"),
    )
}

/// The generation and each error's `at`.
fn status(addr: SocketAddr) -> (u64, Vec<String>) {
    let v = status_json(addr);
    let errors = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["at"].as_str().unwrap().to_string())
        .collect();
    (v["generation"].as_u64().unwrap(), errors)
}

fn status_json(addr: SocketAddr) -> serde_json::Value {
    serde_json::from_str(&get(addr, "/__register/status").body).unwrap()
}

fn wait_for(
    addr: SocketAddr,
    what: &str,
    done: impl Fn(u64, &[String]) -> bool,
) -> (u64, Vec<String>) {
    let started = Instant::now();
    loop {
        let (generation, errors) = status(addr);
        if done(generation, &errors) {
            return (generation, errors);
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_rebuilds_and_reports_errors() {
    let (_dir, content) = tiny_site();
    let server = Server::start(Options {
        content: content.clone(),
        port: 0,
        today: Date::parse("2026-03-01").unwrap(),
        log: false,
        withheld: false,
    })
    .unwrap();
    let addr = server.addr();

    let home = get(addr, "/");
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.head.contains("content-type: text/html; charset=utf-8"));
    assert!(
        home.head
            .contains("content-security-policy: default-src 'self'")
    );
    assert!(home.head.contains("x-frame-options: deny"));
    assert!(home.body.contains(RELOAD_SCRIPT_TAG));
    let tag_at = home.body.find(RELOAD_SCRIPT_TAG).unwrap();
    assert!(home.body[tag_at..].to_ascii_lowercase().contains("</body>"));
    assert!(home.body.contains("First title"));
    assert_eq!(status(addr), (1, vec![]));

    let page = get(addr, "/requests/SCMR-2026-001/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("First title"));
    let moved = get(addr, "/requests/SCMR-2026-001?x=1");
    assert_eq!(moved.status, 301);
    assert!(moved.head.contains("location: /requests/scmr-2026-001/"));

    let missing = get(addr, "/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains(RELOAD_SCRIPT_TAG));
    for bad in [
        "/../Cargo.toml",
        "/requests/%2e%2e/%2e%2e/x",
        "/%zz",
        "relative",
        "/a\\..\\b",
    ] {
        assert_eq!(get(addr, bad).status, 400, "{bad}");
    }
    let js = get(addr, "/__register/reload.js");
    assert_eq!(js.status, 200);
    assert!(js.head.contains("content-type: text/javascript"));
    assert!(js.body.contains("/__register/status"));
    let json = get(addr, "/register.json");
    assert_eq!(json.status, 200);
    assert!(json.head.contains("content-type: application/json"));

    // An edit is rebuilt and served.
    let record = content.join("requests/SCMR-2026-001.md");
    std::fs::write(&record, request("Second, longer title")).unwrap();
    let (generation, errors) = wait_for(addr, "a rebuild", |g, _| g >= 2);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(get(addr, "/").body.contains("Second, longer title"));

    // A broken edit: errors reported, the last good build still served.
    std::fs::write(&record, "+++\nid = \"SCMR-2026-001\"\ntitle = [\n+++\n").unwrap();
    let (after, errors) = wait_for(addr, "a failed rebuild", |_, e| !e.is_empty());
    assert_eq!(after, generation);
    assert!(
        errors.iter().any(|e| e.contains("SCMR-2026-001.md:")),
        "{errors:?}"
    );
    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Second, longer title"));

    // Fixed again: a new generation and no errors.
    std::fs::write(&record, request("Third title, fixed")).unwrap();
    wait_for(addr, "a fixed rebuild", |g, e| {
        g > generation && e.is_empty()
    });
    assert!(get(addr, "/").body.contains("Third title, fixed"));

    // The port is taken while the server runs, and freed when it stops.
    let busy = Server::start(Options {
        content: content.clone(),
        port: addr.port(),
        today: Date::parse("2026-03-01").unwrap(),
        log: false,
        withheld: false,
    });
    assert!(matches!(busy, Err(StartError::PortBusy(p)) if p == addr.port()));
    server.stop();
    assert!(TcpListener::bind(addr).is_ok(), "the port is free again");
}

/// While an edit to an attachment fails its checks, the last good
/// build is served from memory: its attachment's bytes as they were
/// checked, never the file as it is now, nor what a link put in its
/// place points at.
#[cfg(unix)]
#[test]
fn an_attachment_failing_its_checks_is_never_served_from_disk() {
    let (_dir, content) = tiny_site();
    let folder = content.join("requests/SCMR-2026-002");
    std::fs::create_dir_all(&folder).unwrap();
    let record = request("With notes")
        .replace("SCMR-2026-001", "SCMR-2026-002")
        .replace(
            "[[history]]",
            "[[attachments]]\nfile = \"notes.txt\"\ntitle = \"Notes\"\n\
             classification = \"TLP:CLEAR\"\n\n[[history]]",
        );
    std::fs::write(folder.join("index.md"), record).unwrap();
    let notes = folder.join("notes.txt");
    std::fs::write(&notes, "plain notes\n").unwrap();
    let withheld = content.join("requests/HID-2026-009.md");
    let hidden = request("Hidden").replace("SCMR-2026-001", "HID-2026-009");
    std::fs::write(&withheld, hidden.replace("TLP:WHITE", "TLP:AMBER")).unwrap();
    let server = Server::start(Options {
        content,
        port: 0,
        today: Date::parse("2026-03-01").unwrap(),
        log: false,
        withheld: false,
    })
    .unwrap();
    let addr = server.addr();
    let url = "/requests/SCMR-2026-002/notes.txt";
    assert_eq!(get(addr, url).body, "plain notes\n");
    std::fs::write(
        &notes,
        "plain\n<!-- TLP:RED -->\nRED SECRET\n<!-- /TLP -->\n",
    )
    .unwrap();
    wait_for(addr, "a failed rebuild", |_, e| !e.is_empty());
    let got = get(addr, url);
    assert_eq!((got.status, got.body.as_str()), (200, "plain notes\n"));
    std::fs::remove_file(&notes).unwrap();
    std::os::unix::fs::symlink(&withheld, &notes).unwrap();
    wait_for(addr, "a failed rebuild", |_, e| {
        e.iter().any(|e| e.contains("symbolic links"))
    });
    let got = get(addr, url);
    assert_eq!((got.status, got.body.as_str()), (200, "plain notes\n"));
    server.stop();
}

#[test]
fn a_site_that_never_built_shows_its_errors() {
    let (_dir, content) = tiny_site();
    std::fs::write(
        content.join("requests/SCMR-2026-001.md"),
        "no front matter\n",
    )
    .unwrap();
    let server = Server::start(Options {
        content,
        port: 0,
        today: Date::parse("2026-03-01").unwrap(),
        log: false,
        withheld: false,
    })
    .unwrap();
    let (generation, errors) = status(server.addr());
    assert_eq!(generation, 0);
    assert!(!errors.is_empty());
    let home = get(server.addr(), "/");
    assert_eq!(home.status, 503);
    assert!(home.body.contains(RELOAD_SCRIPT_TAG));
    assert!(home.body.contains("SCMR-2026-001.md:"));
    server.stop();
}

fn start(content: PathBuf) -> Server {
    Server::start(Options {
        content,
        port: 0,
        today: Date::parse("2026-03-01").unwrap(),
        log: false,
        withheld: false,
    })
    .unwrap()
}

/// A site page, a request page, a redirect, a 404 and the server's own
/// files: a request for another host gets none of them.
const GUARDED: &[&str] = &[
    "/",
    "/requests/SCMR-2026-001/",
    "/requests/SCMR-2026-001",
    "/no/such/page.html",
    "/__register/status",
    "/__register/reload.js",
    "/__register/reload.css",
];

/// `GET path` with these header lines (each ending `\r\n`).
fn get_with(addr: SocketAddr, version: &str, path: &str, headers: &str) -> Got {
    send(
        addr,
        &format!("GET {path} HTTP/{version}\r\n{headers}Connection: close\r\n\r\n"),
    )
}

#[test]
fn requests_for_any_other_host_get_421_and_nothing_of_the_site() {
    let (_dir, content) = tiny_site();
    let server = start(content);
    let addr = server.addr();
    let port = addr.port();
    let other = port.checked_add(1).unwrap_or(port - 1);
    let refusal = format!(
        "421 Misdirected Request: register serve answers only to \
         127.0.0.1:{port}, localhost:{port}, [::1]:{port}\n"
    );
    let foreign = [
        ("1.1", "Host: evil.example\r\n".to_string()),
        ("1.1", format!("Host: evil.example:{port}\r\n")),
        ("1.1", "Host: 127.0.0.1\r\n".to_string()),
        ("1.1", format!("Host: 127.0.0.1:{other}\r\n")),
        ("1.1", format!("Host: localhost.:{port}\r\n")),
        ("1.1", format!("Host: 127.0.0.1:{port}.evil.example\r\n")),
        ("1.0", String::new()),
        ("1.1", String::new()),
        (
            "1.1",
            format!("Host: 127.0.0.1:{port}\r\nHost: 127.0.0.1:{port}\r\n"),
        ),
        (
            "1.1",
            format!("Host: 127.0.0.1:{port}\r\nHost: evil.example\r\n"),
        ),
        (
            "1.0",
            format!("Host: evil.example\r\nHost: 127.0.0.1:{port}\r\n"),
        ),
    ];
    for (version, headers) in &foreign {
        for path in GUARDED {
            let got = get_with(addr, version, path, headers);
            let what = format!("GET {path} HTTP/{version} with {headers:?}");
            assert_eq!(got.status, 421, "{what}: {}", got.body);
            assert_eq!(got.body, refusal, "{what}");
            assert!(got.head.contains("content-type: text/plain"), "{what}");
            assert!(!got.head.contains("location:"), "{what}");
            for (name, value) in SECURITY_HEADERS {
                let line = format!("{name}: {value}").to_ascii_lowercase();
                assert!(got.head.contains(&line), "{what}: no {name}");
            }
        }
    }
    // Refused before the method is looked at.
    let post = send(
        addr,
        "POST / HTTP/1.0\r\nHost: evil.example\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(post.status, 421);

    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        for (path, expected) in GUARDED.iter().zip([200, 200, 301, 404, 200, 200, 200]) {
            let got = get_with(addr, "1.1", path, &format!("Host: {host}\r\n"));
            assert_eq!(got.status, expected, "GET {path} for {host}: {}", got.body);
        }
        let home = get_with(addr, "1.0", "/", &format!("Host: {host}\r\n"));
        assert!(home.body.contains("First title"), "{host}");
    }
    server.stop();
}

/// A request whose errors quote its values, each a canary: the
/// classification, a device, a related id and a passage label.
const CANARY_REQUEST: &str = "+++\nid = \"SCMR-2026-001\"\ntype = \"sc-modification\"\n\
    title = \"First title\"\nclassification = \"CANARY-CLASS-7f3a\"\nsubmitted = 2026-01-05\n\
    reasons = [\"lessons-learned\"]\ndevices = [\"CANARYDEV\"]\nrelated = [\"CANARY-9-9\"]\n\n\
    [proposer]\norganisation = \"Example Meters Ltd\"\n\n\
    [[history]]\ndate = 2026-01-05\nstage = \"submitted\"\n+++\n\n## Issue\n\n\
    <!-- TLP:CANARYMARK -->\nSomething.\n<!-- /TLP -->\n";

/// A request whose TOML has a key the format does not know: the
/// parser's message quotes the key. (A value of the wrong type is no
/// longer quoted, even on the terminal: it may be personal data.)
const CANARY_TOML: &str = "+++\nid = \"SCMR-2026-002\"\ntype = \"sc-modification\"\n\
    title = \"Second\"\nclassification = \"TLP:WHITE\"\nsubmitted = 2026-01-05\nCANARY-TOML = 1\n\
    reasons = [\"lessons-learned\"]\n\n[proposer]\norganisation = \"Example Meters Ltd\"\n\n\
    [[history]]\ndate = 2026-01-05\nstage = \"submitted\"\n+++\n\n## Issue\n\nSomething.\n";

#[test]
fn a_browser_learns_where_each_error_is_and_its_fix_but_no_value_from_the_content() {
    let (_dir, content) = tiny_site();
    std::fs::write(content.join("requests/SCMR-2026-001.md"), CANARY_REQUEST).unwrap();
    std::fs::write(content.join("requests/SCMR-2026-002.md"), CANARY_TOML).unwrap();
    // The terminal's report quotes every canary, so their absence
    // below is the redaction's doing.
    let checked = crate::check::check(&content);
    let report = diagnostic::format(&checked.diagnostics, Format::Human);
    for canary in [
        "CANARY-CLASS-7f3a",
        "CANARYDEV",
        "CANARY-9-9",
        "CANARYMARK",
        "CANARY-TOML",
    ] {
        assert!(report.contains(canary), "{canary} not in:\n{report}");
    }
    let expected: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(expected.len(), 5, "{report}");

    let server = start(content);
    let addr = server.addr();
    let status = get(addr, "/__register/status");
    let page = get(addr, "/");
    assert_eq!(page.status, 503);
    for got in [&status, &page] {
        let all = format!("{}\n{}", got.head, got.body).to_ascii_lowercase();
        assert!(
            !all.contains("canary"),
            "a canary reached the browser:\n{all}"
        );
    }
    let doc: serde_json::Value = serde_json::from_str(&status.body).unwrap();
    let sent = doc["errors"].as_array().unwrap();
    assert_eq!(sent.len(), expected.len(), "{}", status.body);
    for d in expected {
        let place = format!("{}:{}:{}: error: ", d.file.display(), d.line, d.column);
        let help = d
            .help
            .as_ref()
            .expect("every canary error has a fix")
            .redacted();
        let error = sent
            .iter()
            .find(|e| e["at"].as_str().unwrap().starts_with(&place))
            .unwrap_or_else(|| panic!("no {place} in {}", status.body));
        assert_eq!(error["help"].as_str(), Some(help.as_str()), "{place}");
        assert!(page.body.contains(&html_escape(&place)), "{place}");
        let help_line = format!("<code>help: {}</code>", html_escape(&help));
        assert!(page.body.contains(&help_line), "{help_line}");
    }
    server.stop();
}

/// A withheld request and a public one with a withheld passage, each
/// holding a word found nowhere else.
fn site_with_withheld() -> (tempfile::TempDir, PathBuf) {
    let (dir, content) = tiny_site();
    let public = request("First title").replace(
        "Something.\n",
        "Something.\n\n<!-- TLP:AMBER -->\nCANARYPASSAGE details.\n<!-- /TLP -->\n",
    );
    std::fs::write(content.join("requests/SCMR-2026-001.md"), public).unwrap();
    let withheld = request("CANARYTITLE of a withheld request")
        .replace("SCMR-2026-001", "SCMR-2026-002")
        .replace("TLP:WHITE", "TLP:AMBER");
    std::fs::write(content.join("requests/SCMR-2026-002.md"), withheld).unwrap();
    (dir, content)
}

fn start_withheld(content: PathBuf, withheld: bool) -> Server {
    Server::start(Options {
        content,
        port: 0,
        today: Date::parse("2026-03-01").unwrap(),
        log: false,
        withheld,
    })
    .unwrap()
}

#[test]
fn serve_withheld_shows_withheld_material_with_banners_and_noindex_and_nothing_else_does() {
    let (dir, content) = site_with_withheld();
    let noindex = "<meta name=\"robots\" content=\"noindex\">";
    let preview = start_withheld(content.clone(), true);
    let page = get(preview.addr(), "/requests/SCMR-2026-002/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("CANARYTITLE"), "{}", page.body);
    assert!(page.body.contains("WITHHELD: TLP:AMBER, not published"));
    assert!(page.body.contains("Preview including withheld material"));
    assert!(page.body.contains(noindex));
    let public = get(preview.addr(), "/requests/SCMR-2026-001/");
    assert!(public.body.contains("CANARYPASSAGE"), "{}", public.body);
    assert!(
        public
            .body
            .contains("WITHHELD: TLP:AMBER, not published; the passage follows")
    );
    for path in ["/", "/search/", "/versions/", "/no/such/page"] {
        let got = get(preview.addr(), path);
        assert!(got.body.contains(noindex), "{path}");
        assert!(
            got.body.contains("Preview including withheld material"),
            "{path}"
        );
    }
    assert!(get(preview.addr(), "/").body.contains("CANARYTITLE"));
    assert!(
        get(preview.addr(), "/robots.txt")
            .body
            .contains("Disallow: /")
    );
    // Attack round 4, B6: another site's page cannot load the preview's
    // pages (their success would tell it a withheld request exists); the
    // keeper's own pages and typed addresses can.
    let addr = preview.addr();
    let asked_by = |site: &str| {
        let headers = format!("Host: {addr}\r\nSec-Fetch-Site: {site}\r\n");
        get_with(addr, "1.1", "/requests/SCMR-2026-002/", &headers)
    };
    for site in ["cross-site", "same-site"] {
        let got = asked_by(site);
        assert_eq!(got.status, 403, "{site}");
        assert!(!got.body.contains("CANARY"), "{site}: {}", got.body);
    }
    for site in ["same-origin", "none"] {
        assert_eq!(asked_by(site).status, 200, "{site}");
    }
    preview.stop();

    let plain = start_withheld(content.clone(), false);
    for path in ["/", "/requests/SCMR-2026-002/", "/requests/SCMR-2026-001/"] {
        let got = get(plain.addr(), path);
        assert!(!got.body.contains("CANARY"), "{path}: {}", got.body);
        assert!(!got.body.contains(noindex), "{path}");
    }
    assert_eq!(get(plain.addr(), "/requests/SCMR-2026-002/").status, 404);
    plain.stop();

    let out = dir.path().join("public");
    let options = crate::build::BuildOptions {
        content,
        today: Date::parse("2026-03-01").unwrap(),
        base_url: None,
    };
    crate::build::build_site(&options, &out).unwrap();
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            seen += 1;
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for word in [
                "CANARY",
                "WITHHELD",
                "SCMR-2026-002",
                "noindex",
                "Preview including",
            ] {
                assert!(!text.contains(word), "{word} in {}", entry.path().display());
            }
        }
    }
    assert!(seen > 5, "the build wrote the site");
}

#[test]
fn serve_withheld_marks_a_withheld_decision_and_attachment_of_the_sample() {
    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
    let preview = start_withheld(content.clone(), true);
    let report = get(preview.addr(), "/reports/SCMR-2021-003/");
    assert_eq!(report.status, 200);
    assert!(
        report.body.contains("WITHHELD: TLP:AMBER, not published"),
        "{}",
        report.body
    );
    let page = get(preview.addr(), "/requests/URC-2025-002/");
    assert!(
        page.body.contains("(WITHHELD: TLP:AMBER, not published)"),
        "{}",
        page.body
    );
    let file = "/requests/URC-2025-002/seal-inspection-log.txt";
    assert_eq!(get(preview.addr(), file).status, 200);
    preview.stop();
    let plain = start_withheld(content, false);
    assert_eq!(get(plain.addr(), file).status, 404);
    let report = get(plain.addr(), "/reports/SCMR-2021-003/");
    assert!(!report.body.contains("WITHHELD"), "{}", report.body);
    plain.stop();
}
