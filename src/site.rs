//! `site.toml`: the register's name, address and local vocabulary.

use crate::diagnostic::{Diagnostic, Message};
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
                for (i, d) in s.devices.iter().enumerate() {
                    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        diagnostics.push(
                            Diagnostic::file_error(
                                &path,
                                Message::new(format!("device {} (", i + 1))
                                    .quote(d)
                                    .text(") must be letters and digits"),
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
                    Diagnostic::error(&path, &text, offset, Message::new("site.toml: ").quote_raw(e.message().trim()))
                        .with_help("keys are title, base_url, description, owner, language, theme, devices and [extra]"),
                );
                Settings::default()
            }
        }
    }
}
