//! `site.toml`: the register's name, address and local vocabulary.

use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The settings of one register site. `PartialEq` lets the check cache see
/// that they changed (record fields are read against `devices`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The register's name, in every page title.
    #[serde(default = "default_title")]
    pub title: String,
    /// Where the site is published, for the feed, sitemap and canonical links.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// One sentence on what the register holds.
    #[serde(default)]
    pub description: String,
    /// Who keeps the register.
    #[serde(default)]
    pub owner: String,
    /// The language of the content, e.g. `en-GB`.
    #[serde(default = "default_language")]
    pub language: String,
    /// The theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// The user's own files in the output folder that builds keep (e.g.
    /// `CNAME`), as paths relative to it; top-level dot-entries are kept
    /// anyway (section 9 of docs/register-format.md).
    #[serde(default)]
    pub output_keep: Vec<String>,
    /// Device kinds beyond the built-in ESME, GSME, CH, HCALCS and PPMID.
    #[serde(default)]
    pub devices: Vec<String>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: toml::Table,
}

fn default_title() -> String {
    "Modification Register".to_string()
}
fn default_base_url() -> String {
    "http://localhost".to_string()
}
fn default_language() -> String {
    "en-GB".to_string()
}
fn default_theme() -> String {
    "default".to_string()
}

/// Reports `output_keep` entries that do not name a path inside the
/// output folder: such an entry could tell builds to keep the whole output,
/// or something outside it.
fn check_output_keep(paths: &[String], file: &Path, diagnostics: &mut Vec<Diagnostic>) {
    for (i, path) in paths.iter().enumerate() {
        if let Some(problem) = crate::output::keep_path_problem(path) {
            let message = format!("output_keep entry {} (`{path}`) {problem}", i + 1);
            diagnostics.push(Diagnostic::file_error(file, message).with_help(
                "list paths inside the output folder, e.g. `CNAME` or `downloads/big.zip`",
            ));
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        toml::from_str("").expect("defaults deserialize")
    }
}

impl Settings {
    /// Reads `<content>/site.toml`; a missing file gives the defaults.
    pub fn load(content: &Path, diagnostics: &mut Vec<Diagnostic>) -> Settings {
        let path = content.join("site.toml");
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Settings::default(),
            Err(e) => {
                diagnostics.push(Diagnostic::file_error(&path, format!("cannot read: {e}")));
                return Settings::default();
            }
        };
        let Some(text) = crate::load::decode(&path, bytes, diagnostics) else {
            return Settings::default();
        };
        match toml::from_str::<Settings>(&text) {
            Ok(mut s) => {
                s.base_url = s.base_url.trim_end_matches('/').to_string();
                check_output_keep(&s.output_keep, &path, diagnostics);
                for (i, d) in s.devices.iter().enumerate() {
                    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        diagnostics.push(
                            Diagnostic::file_error(
                                &path,
                                format!("device {} (`{d}`) must be letters and digits", i + 1),
                            )
                            .with_help("name devices like ESME or IHD"),
                        );
                    }
                }
                s
            }
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                diagnostics.push(
                    Diagnostic::error(&path, &text, offset, format!("site.toml: {}", e.message().trim()))
                        .with_help("keys are title, base_url, description, owner, language, theme, devices and [extra]"),
                );
                Settings::default()
            }
        }
    }
}
