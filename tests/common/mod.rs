//! Helpers shared by the integration tests: run the real `register` binary
//! on fixture sites and read back everything it wrote.
//!
//! Every build passes `--now` (or sets `SOURCE_DATE_EPOCH` on purpose), and
//! every command starts with `SOURCE_DATE_EPOCH` and `RAYON_NUM_THREADS`
//! removed, so no test depends on the wall clock or the caller's environment.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The build date most tests use.
pub const NOW: &str = "2026-11-25";

/// The folder of this crate.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site's root: `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests").join("fixtures").join(name)
}

/// A fixture site's content folder: `tests/fixtures/<name>/content`.
pub fn fixture_content(name: &str) -> PathBuf {
    fixture(name).join("content")
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Panics unless the exit code is `code`, showing both streams.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

/// The `register` binary with a clean environment for dates and threads.
pub fn register() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_register"));
    c.env_remove("SOURCE_DATE_EPOCH")
        .env_remove("RAYON_NUM_THREADS");
    c
}

/// Runs a command to completion.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run the register binary");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `register build --content <content> --output <output> --now <now>`.
pub fn build(content: &Path, output: &Path, now: &str) -> Run {
    run(register()
        .arg("build")
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(output)
        .arg("--now")
        .arg(now))
}

/// `register build` without `--now`, with extra environment variables.
pub fn build_with_env(content: &Path, output: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = register();
    cmd.arg("build")
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(output);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// `register check --content <content> --format <format>`.
pub fn check(content: &Path, format: &str) -> Run {
    run(register()
        .arg("check")
        .arg("--content")
        .arg(content)
        .arg("--format")
        .arg(format))
}

/// Copies a folder recursively, hidden files included.
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("create copy folder");
    let mut entries: Vec<_> = std::fs::read_dir(src)
        .expect("read fixture folder")
        .map(|e| e.expect("fixture entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let from = entry.path();
        let to = dst.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            copy_dir(&from, &to);
        } else if kind.is_file() {
            std::fs::copy(&from, &to).expect("copy fixture file");
        }
    }
}

/// A fixture copied into a fresh temporary folder, for tests that change it
/// or build next to it. The site's root is `root`, its content `root/content`.
pub struct SiteCopy {
    /// Keeps the temporary folder alive.
    pub tmp: TempDir,
    /// The copied site's root.
    pub root: PathBuf,
}

impl SiteCopy {
    /// The copied content folder.
    pub fn content(&self) -> PathBuf {
        self.root.join("content")
    }

    /// A path beside the site, inside the temporary folder.
    pub fn beside(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
}

/// Copies `tests/fixtures/<name>` into a temporary folder.
pub fn copy_fixture(name: &str) -> SiteCopy {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join(name);
    copy_dir(&fixture(name), &root);
    SiteCopy { tmp, root }
}

/// A site built into a temporary folder.
pub struct Built {
    /// Keeps the temporary folder alive.
    pub tmp: TempDir,
    /// The output folder.
    pub out: PathBuf,
    /// The build's output.
    pub run: Run,
}

impl Built {
    /// Every file of the output: path relative to the output (with `/`) to bytes.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.out)
    }

    /// A file of the output as text; panics if it is missing.
    pub fn text(&self, path: &str) -> String {
        let p = self.out.join(path);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    /// The HTML page at a root-relative URL such as `/requests/X/`, with
    /// character references decoded (see [`unescape`]).
    pub fn page(&self, url: &str) -> String {
        let rel = url.trim_start_matches('/');
        unescape(&self.text(&format!("{rel}index.html")))
    }

    /// True when the file exists in the output.
    pub fn has(&self, path: &str) -> bool {
        self.out.join(path).is_file()
    }

    /// `/register.json`, parsed.
    pub fn register_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text("register.json")).expect("register.json is JSON")
    }

    /// The requests of `/register.json`.
    pub fn json_requests(&self) -> Vec<serde_json::Value> {
        self.register_json()["requests"]
            .as_array()
            .expect("register.json has a requests list")
            .clone()
    }

    /// One request of `/register.json` by id; panics if absent.
    pub fn json_request(&self, id: &str) -> serde_json::Value {
        self.json_requests()
            .into_iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} is not in register.json"))
    }

    /// Id to status, from `/register.json`.
    pub fn statuses(&self) -> BTreeMap<String, String> {
        self.json_requests()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().expect("id").to_string(),
                    r["status"].as_str().expect("status").to_string(),
                )
            })
            .collect()
    }
}

/// Builds `content` into `<new temp dir>/public` on `now`; asserts exit 0.
pub fn build_ok(content: &Path, now: &str) -> Built {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    let run = build(content, &out, now);
    run.expect_code(0);
    Built { tmp, out, run }
}

/// Builds the fixture `name` (in place: it is only read) on `now`.
pub fn build_fixture(name: &str, now: &str) -> Built {
    build_ok(&fixture_content(name), now)
}

/// Every file under `dir`, hidden ones included: relative path to bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read output folder") {
            let entry = entry.expect("output entry");
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                walk(root, &path, into);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = if kind.is_symlink() {
                    format!(
                        "symlink -> {}",
                        std::fs::read_link(&path).expect("link").display()
                    )
                    .into_bytes()
                } else {
                    std::fs::read(&path).expect("read output file")
                };
                into.insert(rel, bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// Asserts two trees hold the same paths with the same bytes, naming the
/// paths that differ.
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let differ: Vec<_> = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && differ.is_empty(),
        "{what}: only in first {only_a:?}; only in second {only_b:?}; different bytes {differ:?}"
    );
}

/// Finds `needle` (case-insensitively when `ignore_case`) in any file path
/// or file body of `files`; returns where it was found.
pub fn occurrences(
    files: &BTreeMap<String, Vec<u8>>,
    needle: &str,
    ignore_case: bool,
) -> Vec<String> {
    let fold = |b: &[u8]| -> Vec<u8> {
        if ignore_case {
            b.to_ascii_lowercase()
        } else {
            b.to_vec()
        }
    };
    let needle = fold(needle.as_bytes());
    let mut found = Vec::new();
    for (path, bytes) in files {
        if contains(&fold(path.as_bytes()), &needle) {
            found.push(format!("path {path}"));
        }
        // Raw bytes, and the text with HTML/XML character references decoded
        // (Tera writes `/` as `&#x2F;`), so an escaped leak is found too.
        let decoded = unescape(&String::from_utf8_lossy(bytes));
        if contains(&fold(bytes), &needle) || contains(&fold(decoded.as_bytes()), &needle) {
            found.push(format!("content of {path}"));
        }
    }
    found
}

/// Decodes the character references Tera, the Markdown renderer and the
/// XML writers produce (`&#x2F;`, `&#47;`, `&amp;`, ...), for comparing
/// page text with plain strings.
pub fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let n = if let Some(h) =
                        name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                    {
                        u32::from_str_radix(h, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    n.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Byte-substring search.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Root-relative URLs of the HTML pages in the output (`/`, `/requests/X/`, ...).
pub fn page_urls(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    files
        .keys()
        .filter_map(|p| p.strip_suffix("index.html"))
        .map(|p| format!("/{p}"))
        .collect()
}

/// The names in `dir`, sorted, leaving out the hidden spare folder and lock
/// file a build keeps beside its output (`.<output name>.register-spare`,
/// `.<output name>.register-lock`).
pub fn names_beside_output(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| {
            !(n.starts_with('.')
                && (n.ends_with(".register-spare") || n.ends_with(".register-lock")))
        })
        .collect();
    names.sort();
    names
}

/// The bytes of one file of a site rendered in memory.
pub fn contents_bytes(contents: register::render::Contents) -> Vec<u8> {
    contents.bytes().to_vec()
}
