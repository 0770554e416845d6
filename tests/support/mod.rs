//! Helpers for the publication-safety tests (`publication_properties.rs`,
//! `hostile_input.rs`): write content folders, build them in process or with
//! the real binary, and search every output byte and path for canaries.
//!
//! Running the binary and reading trees back are `tests/common/`'s helpers,
//! re-exported here.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

pub mod html_tags;

use register::build::{BuildError, BuildOptions, render_site};
use register::model::date::Date;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// The binary-running helpers are the other integration tests' own.
#[path = "../common/mod.rs"]
mod common;
pub use common::build as build_bin;
pub use common::{Run, register, run, tree, unescape};

/// `register check --content <content>`.
pub fn check_bin(content: &Path) -> Run {
    run(register().arg("check").arg("--content").arg(content))
}

/// Writes `text` to `root/rel`, creating folders on the way.
pub fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(&path, bytes).expect("write file");
    path
}

/// A site's files as (path in the site, bytes), whatever made them.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Builds `content` in memory on `today`, as `register build` would, and
/// returns every file with copied files (attachments, static files) read
/// from their source, or why the build failed.
pub fn try_build_in_process(content: &Path, today: Date) -> Result<Files, BuildError> {
    let options = BuildOptions {
        content: content.to_path_buf(),
        today,
        base_url: None,
    };
    render_site(&options).map(|rendered| {
        rendered
            .files
            .into_iter()
            .map(|f| (f.path, common::contents_bytes(f.contents)))
            .collect()
    })
}

/// Builds `content` in memory on `today`, as `register build` would, and
/// returns every file with copied files (attachments, static files) read
/// from their source. Panics with the diagnostics if the build fails.
pub fn build_in_process(content: &Path, today: Date) -> Files {
    match try_build_in_process(content, today) {
        Ok(files) => files,
        Err(BuildError::Content(diagnostics)) => {
            let text: Vec<String> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.one_line())
                .collect();
            panic!(
                "the generated content does not validate:\n{}",
                text.join("\n")
            )
        }
        Err(e) => panic!("build failed: {e:?}"),
    }
}

/// A site's paths and contents prepared for searching: lower-cased, raw and
/// with character references decoded, and (for JSON) with `\uXXXX` escapes
/// decoded, each file kept apart so a hit can be named.
pub struct Haystack {
    /// (what, lower-cased text).
    parts: Vec<(String, String)>,
    /// Every part joined, for one fast search per needle.
    all: String,
}

impl Haystack {
    /// Prepares `files` for searching.
    pub fn new(files: &Files) -> Haystack {
        let mut parts = Vec::new();
        for (path, bytes) in files {
            parts.push((format!("path {path}"), path.to_ascii_lowercase()));
            let raw = String::from_utf8_lossy(bytes);
            let decoded = unescape(&raw);
            let mut text = raw.to_ascii_lowercase();
            if decoded != raw {
                text.push('\u{0}');
                text.push_str(&decoded.to_ascii_lowercase());
            }
            if path.ends_with(".json") && raw.contains("\\u") {
                text.push('\u{0}');
                text.push_str(&json_unescape(&raw).to_ascii_lowercase());
            }
            parts.push((format!("content of {path}"), text));
        }
        let all = parts
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\u{0}");
        Haystack { parts, all }
    }

    /// Where `needle` occurs, case-insensitively (ASCII); empty when nowhere.
    pub fn find(&self, needle: &str) -> Vec<String> {
        let needle = needle.to_ascii_lowercase();
        if !self.all.contains(&needle) {
            return Vec::new();
        }
        self.parts
            .iter()
            .filter(|(_, t)| t.contains(&needle))
            .map(|(w, _)| w.clone())
            .collect()
    }

    /// True when `needle` occurs anywhere.
    pub fn contains(&self, needle: &str) -> bool {
        self.all.contains(&needle.to_ascii_lowercase())
    }
}

fn json_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("\\u") {
        out.push_str(&rest[..i]);
        let hex = rest
            .get(i + 2..i + 6)
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        match hex.and_then(char::from_u32) {
            Some(c) => {
                out.push(c);
                rest = &rest[i + 6..];
            }
            None => {
                out.push_str("\\u");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every `(needle, where)` of `needles` found in `hay`.
pub fn leaks<'a>(hay: &Haystack, needles: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    needles
        .into_iter()
        .flat_map(|n| hay.find(n).into_iter().map(move |w| format!("{n} in {w}")))
        .collect()
}
