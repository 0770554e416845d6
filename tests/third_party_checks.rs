//! The sample register, built by the real binary, checked by tools nobody
//! here wrote:
//!
//! - the Nu HTML Checker (npm `vnu-jar`, run with Java) finds no error in
//!   any page (nor in the style sheet);
//! - axe-core in Debian's headless Chromium, driven by playwright-core,
//!   finds no WCAG 2.1 A/AA violation on the index, a request, a report,
//!   the versions page, search, a status and a device list, the
//!   mitigations, about and statistics pages, at desktop and mobile
//!   widths in the light and the dark colour scheme, with no console error (the pages are served with
//!   netlify.toml's Content-Security-Policy, so a CSP violation is one) and
//!   no failed request; the index's filter and sort work; screenshots of
//!   the index and a request page go to `target/site-checks/screenshots/`;
//! - internal links and anchors resolve, `feed.xml` parses in feedparser,
//!   `sitemap.xml` lists exactly the public pages, `register.json` and
//!   `register.csv` are sound (`tests/site_checks/site_check.py`).
//!
//! The tools are installed by `.ci/run` (`bash .ci/run --install-only`
//! installs them alone). When they are missing these tests fail, unless
//! `REGISTER_SKIP_BROWSER_TESTS=1` is set, for a developer without them;
//! CI never sets it.

mod common;

use common::{NOW, manifest_dir, register, run};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

const SKIP_VAR: &str = "REGISTER_SKIP_BROWSER_TESTS";
const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL_HINT: &str = "run the install step of .ci/run first (`bash .ci/run --install-only`, as root: \
     Debian's chromium and a Java runtime, `npm ci --ignore-scripts` in tests/site_checks, \
     feedparser in tests/site_checks/.venv), or set REGISTER_SKIP_BROWSER_TESTS=1 to skip \
     these tests on a machine without them";

/// What a check needs on the machine.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Need {
    Java,
    Node,
    Chromium,
    Python,
    OpenData,
}

fn checks_dir() -> PathBuf {
    manifest_dir().join("tests").join("site_checks")
}

/// `target/site-checks/`: the built site, screenshots and nothing else.
fn work_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("site-checks")
}

fn vnu_jar() -> PathBuf {
    checks_dir().join("node_modules/vnu-jar/build/dist/vnu.jar")
}

fn venv_python() -> PathBuf {
    checks_dir().join(".venv/bin/python")
}

/// Output of a command that ran, or why it could not start.
fn probe(program: &Path, args: &[&str]) -> Result<String, String> {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => Ok(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Ok(out) => Err(format!(
            "`{} {}` exited with {}: {}",
            program.display(),
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(format!("`{}` cannot run: {e}", program.display())),
    }
}

/// True when the checks may run; false when the developer asked to skip
/// them. Panics, saying how to install them, when a tool is missing.
fn tools_ready(test: &str, needs: &[Need]) -> bool {
    if std::env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
        eprintln!("{test}: skipped because {SKIP_VAR}=1 (CI never sets it)");
        return false;
    }
    let mut missing = Vec::new();
    for need in needs {
        match need {
            Need::Java => {
                if let Err(e) = probe(Path::new("java"), &["-version"]) {
                    missing.push(format!("Java for the Nu HTML Checker: {e}"));
                }
                if !vnu_jar().is_file() {
                    missing.push(format!("{} (npm package vnu-jar)", vnu_jar().display()));
                }
            }
            Need::Node => {
                match probe(Path::new("node"), &["--version"]) {
                    Ok(v) => {
                        let major: u32 = v
                            .trim()
                            .trim_start_matches('v')
                            .split('.')
                            .next()
                            .and_then(|m| m.parse().ok())
                            .unwrap_or(0);
                        if major < 20 {
                            missing.push(format!(
                                "Node.js 20 or later for playwright-core (found {})",
                                v.trim()
                            ));
                        }
                    }
                    Err(e) => missing.push(format!("Node.js: {e}")),
                }
                for package in ["axe-core/axe.min.js", "playwright-core/package.json"] {
                    let p = checks_dir().join("node_modules").join(package);
                    if !p.is_file() {
                        missing.push(format!("{} (npm ci in tests/site_checks)", p.display()));
                    }
                }
            }
            Need::Chromium => {
                if !Path::new(CHROMIUM).is_file() {
                    missing.push(format!("{CHROMIUM} (Debian package chromium)"));
                }
            }
            Need::OpenData => {
                let probe_import = "import frictionless, jsonschema";
                if let Err(e) = probe(&venv_python(), &["-c", probe_import]) {
                    missing.push(format!(
                        "frictionless and jsonschema in tests/site_checks/.venv \
                         (pip install frictionless jsonschema): {e}"
                    ));
                }
            }
            Need::Python => {
                if let Err(e) = probe(&venv_python(), &["-c", "import feedparser"]) {
                    missing.push(format!("feedparser in tests/site_checks/.venv: {e}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{test}: missing tools:\n  - {}\n{INSTALL_HINT}",
        missing.join("\n  - ")
    );
    true
}

/// The sample register built once per test run into
/// `target/site-checks/public` by the real binary.
fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = work_dir().join("public");
        std::fs::create_dir_all(work_dir()).expect("create target/site-checks");
        let built = run(register()
            .arg("build")
            .arg("--content")
            .arg(manifest_dir().join("content"))
            .arg("--output")
            .arg(&out)
            .arg("--now")
            .arg(NOW));
        built.expect_code(0);
        assert!(
            out.join("index.html").is_file(),
            "no index.html in {}",
            out.display()
        );
        out
    })
}

/// Every file under `dir` whose name ends with one of `suffixes`, sorted.
fn files_with(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, suffixes: &[&str], into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read site folder") {
            let path = entry.expect("site entry").path();
            if path.is_dir() {
                walk(&path, suffixes, into);
            } else if suffixes.iter().any(|s| path.to_string_lossy().ends_with(s)) {
                into.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, suffixes, &mut found);
    found.sort();
    found
}

/// `/<folder>/<first sub-folder>/`, the first page of a kind.
fn first_page(site: &Path, folder: &str) -> String {
    let mut names: Vec<String> = std::fs::read_dir(site.join(folder))
        .unwrap_or_else(|e| panic!("read {folder}/ of the built site: {e}"))
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().join("index.html").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let first = names
        .first()
        .unwrap_or_else(|| panic!("the built site has no page under {folder}/"));
    format!("/{folder}/{first}/")
}

#[test]
fn nu_html_checker_finds_no_errors_in_any_page() {
    let test = "nu_html_checker_finds_no_errors_in_any_page";
    if !tools_ready(test, &[Need::Java]) {
        return;
    }
    let started = Instant::now();
    let site = site();
    let pages = files_with(site, &[".html"]);
    assert!(pages.len() >= 20, "only {} pages were built", pages.len());
    let sheets = files_with(site, &[".css"]);
    let out = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--format", "json", "--also-check-css"])
        .args(&pages)
        .args(&sheets)
        .output()
        .expect("run java");
    // The JSON report goes to standard error, after anything Java prints.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json = stderr
        .find("{\"")
        .map(|i| &stderr[i..])
        .unwrap_or_else(|| panic!("no JSON report from the Nu HTML Checker:\n{stderr}"));
    let report: serde_json::Value = serde_json::from_str(json.trim())
        .unwrap_or_else(|e| panic!("the Nu HTML Checker's report is not JSON ({e}):\n{stderr}"));
    let messages = report["messages"].as_array().expect("a messages list");
    let shown: Vec<String> = messages
        .iter()
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("?");
            let file = url
                .strip_prefix("file:")
                .and_then(|p| p.strip_prefix(site.to_str().unwrap_or("")))
                .unwrap_or(url);
            format!(
                "{file}:{}:{}: {}: {}\n    {}",
                m["lastLine"],
                m["firstColumn"]
                    .as_u64()
                    .or(m["lastColumn"].as_u64())
                    .unwrap_or(0),
                m["type"].as_str().unwrap_or("?"),
                m["message"].as_str().unwrap_or("?"),
                m["extract"].as_str().unwrap_or("").replace('\n', " ")
            )
        })
        .collect();
    assert!(
        messages.is_empty() && out.status.success(),
        "the Nu HTML Checker ({}) reports {} errors ({}):\n{}",
        report["version"].as_str().unwrap_or("?"),
        messages.len(),
        out.status,
        shown.join("\n")
    );
    eprintln!(
        "{test}: Nu HTML Checker {} found no errors in {} pages and {} style sheets in {:.1} s",
        report["version"].as_str().unwrap_or("?"),
        pages.len(),
        sheets.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn axe_core_in_chromium_finds_no_wcag_violations() {
    let test = "axe_core_in_chromium_finds_no_wcag_violations";
    if !tools_ready(test, &[Need::Node, Need::Chromium]) {
        return;
    }
    let started = Instant::now();
    let site = site();
    let request = first_page(site, "requests");
    let pages = [
        "/".to_string(),
        request.clone(),
        first_page(site, "reports"),
        "/versions/".to_string(),
        "/search/".to_string(),
        first_page(site, "status"),
        first_page(site, "devices"),
        "/mitigations/".to_string(),
        first_page(site, "mitigations"),
        "/about/".to_string(),
        "/statistics/".to_string(),
        first_page(site, "years"),
    ];
    let shots = work_dir().join("screenshots");
    if shots.exists() {
        std::fs::remove_dir_all(&shots).expect("clear old screenshots");
    }
    let out = Command::new("node")
        .arg(checks_dir().join("browser-check.mjs"))
        .arg("--site")
        .arg(site)
        .arg("--screenshots")
        .arg(&shots)
        .arg("--netlify-toml")
        .arg(manifest_dir().join("netlify.toml"))
        .args(["--shoot", "/", "--shoot", &request])
        .args(&pages)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "browser-check.mjs gave no summary ({e}; {}):\n{stdout}\n--- stderr\n{stderr}",
            out.status
        )
    });

    let mut problems = Vec::new();
    let mut notes = Vec::new();
    for page in summary["pages"].as_array().expect("pages") {
        let at = format!(
            "{} ({})",
            page["path"].as_str().unwrap_or("?"),
            page["viewport"].as_str().unwrap_or("?")
        );
        if page["status"] != 200 {
            problems.push(format!("{at}: HTTP status {}", page["status"]));
        }
        for v in page["violations"].as_array().into_iter().flatten() {
            problems.push(format!(
                "{at}: axe {} [{}]: {} ({})",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                v["help_url"].as_str().unwrap_or("")
            ));
            for n in v["nodes"].as_array().into_iter().flatten() {
                problems.push(format!(
                    "    at {}: {}\n      {}",
                    n["target"].as_str().unwrap_or("?"),
                    n["html"].as_str().unwrap_or(""),
                    n["summary"]
                        .as_str()
                        .unwrap_or("")
                        .replace('\n', "\n      ")
                ));
            }
        }
        for e in page["console_errors"].as_array().into_iter().flatten() {
            problems.push(format!(
                "{at}: console error: {}",
                e.as_str().unwrap_or("?")
            ));
        }
        for r in page["failed_requests"].as_array().into_iter().flatten() {
            problems.push(format!(
                "{at}: failed request: {}",
                r.as_str().unwrap_or("?")
            ));
        }
        let o = &page["overflow"];
        if o["scroll_width"].as_u64() > o["client_width"].as_u64() {
            let culprits: Vec<String> = o["elements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    format!(
                        "{} \"{}\"",
                        e["element"].as_str().unwrap_or("?"),
                        e["text"].as_str().unwrap_or("")
                    )
                })
                .collect();
            notes.push(format!(
                "{at}: the page scrolls sideways ({} px wide in a {} px viewport): {}",
                o["scroll_width"],
                o["client_width"],
                culprits.join(", ")
            ));
        }
    }
    let index = &summary["index_script"];
    if index["ok"] != true {
        problems.push("the index's filter and sort do not work:".to_string());
        for p in index["problems"].as_array().into_iter().flatten() {
            problems.push(format!("    {}", p.as_str().unwrap_or("?")));
        }
    }
    let questions = &summary["reader_questions"];
    if questions["ok"] != true {
        problems.push("the reader's four questions are not answered through the UI:".to_string());
        for p in questions["problems"].as_array().into_iter().flatten() {
            problems.push(format!("    {}", p.as_str().unwrap_or("?")));
        }
    }
    for step in questions["steps"].as_array().into_iter().flatten() {
        notes.push(format!("reader question: {}", step.as_str().unwrap_or("?")));
    }
    let search = &summary["search_script"];
    if search["ok"] == false {
        problems.push(format!("the search page's script finds nothing: {search}"));
    } else if search["enhanced"] == true {
        notes.push(format!(
            "/search/: searching for {} lists {} results",
            search["query"], search["results"]
        ));
    } else if search["enhanced"] == false {
        notes.push(format!(
            "/search/: {}",
            search["note"].as_str().unwrap_or("not enhanced")
        ));
    }
    for p in summary["screenshot_problems"]
        .as_array()
        .into_iter()
        .flatten()
    {
        problems.push(p.as_str().unwrap_or("?").to_string());
    }
    let mut expected_shots = Vec::new();
    for slug in [
        "index".to_string(),
        request.trim_matches('/').replace('/', "-"),
    ] {
        for width in ["desktop", "mobile"] {
            expected_shots.push(shots.join(format!("{slug}-{width}.png")));
        }
    }
    for shot in &expected_shots {
        let size = std::fs::metadata(shot).map(|m| m.len()).unwrap_or(0);
        if size < 1000 {
            problems.push(format!("no screenshot {} ({size} bytes)", shot.display()));
        }
    }
    for note in &notes {
        eprintln!("{test}: note: {note}");
    }
    assert!(
        problems.is_empty() && out.status.success(),
        "axe-core {} in Chromium {} ({}): {} problems\n{}\n--- browser-check.mjs stderr\n{stderr}",
        summary["axe_core"].as_str().unwrap_or("?"),
        summary["chromium"].as_str().unwrap_or("?"),
        out.status,
        problems.len(),
        problems.join("\n")
    );
    eprintln!(
        "{test}: axe-core {} in Chromium {}: no violations, console errors or failed requests on {} pages at 2 widths; \
         index filter and sort work; screenshots in {}; {:.1} s",
        summary["axe_core"].as_str().unwrap_or("?"),
        summary["chromium"].as_str().unwrap_or("?"),
        pages.len(),
        shots.display(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn links_feed_sitemap_and_data_files_are_sound() {
    let test = "links_feed_sitemap_and_data_files_are_sound";
    if !tools_ready(test, &[Need::Python]) {
        return;
    }
    let started = Instant::now();
    let site = site();
    let out = Command::new(venv_python())
        .arg(checks_dir().join("site_check.py"))
        .arg(site)
        .output()
        .expect("run the venv's python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "site_check.py ({}):\n{stdout}{stderr}",
        out.status
    );
    eprintln!(
        "{test}: {} in {:.1} s",
        stdout.lines().last().unwrap_or(""),
        started.elapsed().as_secs_f64()
    );
}

/// `datapackage.json` is a valid Frictionless Data package whose
/// `register.csv` passes `frictionless validate`, and `register.json`
/// validates against `register.schema.json` (JSON Schema 2020-12, formats
/// checked).
#[test]
fn open_data_validates_against_its_descriptions() {
    let test = "open_data_validates_against_its_descriptions";
    if !tools_ready(test, &[Need::OpenData]) {
        return;
    }
    let site = site();
    let frictionless = checks_dir().join(".venv/bin/frictionless");
    let out = Command::new(&frictionless)
        .arg("validate")
        .arg(site.join("datapackage.json"))
        .output()
        .expect("run frictionless");
    assert!(
        out.status.success(),
        "frictionless validate datapackage.json ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let script = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1])); data = json.load(open(sys.argv[2]))\n\
        jsonschema.Draft202012Validator.check_schema(schema)\n\
        v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())\n\
        errors = [f'{list(e.path)}: {e.message}' for e in v.iter_errors(data)]\n\
        print('\\n'.join(errors)); sys.exit(1 if errors else 0)\n";
    let out = Command::new(venv_python())
        .args(["-c", script])
        .arg(site.join("register.schema.json"))
        .arg(site.join("register.json"))
        .output()
        .expect("run the venv's python");
    assert!(
        out.status.success(),
        "register.json does not validate against register.schema.json:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{test}: frictionless and jsonschema find datapackage.json and register.json valid");
}
