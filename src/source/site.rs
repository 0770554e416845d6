//! `site.toml`: the register's name, address and local vocabulary.

use crate::diagnostic::{Diagnostic, Message};
use crate::source::texts::FieldText;
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
    /// Full names of device kinds, by kind (`HCALCS = "HAN Connected
    /// Auxiliary Load Control Switch"`): pages show each abbreviation with
    /// its name. The built-in kinds have names already; these win.
    #[serde(default)]
    pub device_names: std::collections::BTreeMap<String, String>,
    /// Whether each request gets its own feed (`requests/<id>/feed.xml`):
    /// one more file per request, so a large register may leave it off;
    /// the lists' feeds and the site's are always made.
    #[serde(default)]
    pub request_feeds: bool,
    /// E-mail addresses and telephone numbers that may be published (a
    /// committee's functional mailbox): any other in published text is an
    /// error, since it is almost always someone's personal data.
    #[serde(default)]
    pub public_contacts: Vec<String>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: toml::Table,
    /// Other addresses the site is known by: `base_url` from `site.toml`
    /// when a build is given another (a deploy preview, the local preview
    /// server). Links written with any of them are links into the site.
    #[serde(skip)]
    pub other_base_urls: Vec<String>,
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
            // By its place in the list, never its words: messages are read
            // in CI logs and `register serve`'s status.
            let message = format!("output_keep entry {} {problem}", i + 1);
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

/// The strings of `site.toml` that reach the output (title, description,
/// owner, `[extra]`...), to be checked like any published text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteText {
    /// `site.toml`'s path.
    pub path: std::path::PathBuf,
    /// Its whole text.
    pub text: String,
    /// Its published strings.
    pub texts: Vec<FieldText>,
}

/// Keys of `site.toml` whose values are settings, not published text.
const NOT_PUBLISHED: &[&str] = &["theme", "public_contacts", "output_keep"];

/// Why `url` cannot be the site's address, when it cannot. The address
/// is published in every URL of the feed, the sitemap and the open data,
/// so a user name or password (`https://user:secret@host`) must never be
/// in it; links are judged against its host, so it needs one.
pub fn base_url_problem(url: &str) -> Option<&'static str> {
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return Some("is not an address: write it like https://register.example.org");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some("must start with https:// or http://");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some("has no host: write it like https://register.example.org");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("holds a user name or password, which every page would publish: remove it");
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Some("may not hold `?` or `#`: write the address of the site's home page");
    }
    if url.contains('%') {
        return Some(
            "may not hold `%` escapes, which a browser shows decoded (`%48ID-1` is `HID-1`) and \
             which would be published in every URL: write the address as it is shown",
        );
    }
    None
}

/// True for a language tag as `<html lang>` takes it (`en`, `en-GB`,
/// `cy-GB`): letters, then parts of letters and digits after hyphens.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `base_url` and `language` are read by programs (feed readers, screen
/// readers), not only people: each must be what they expect.
fn check_address(s: &Settings, path: &Path, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    let at = |key: &str| {
        text.match_indices(key)
            .find(|&(i, _)| i == 0 || text[..i].ends_with('\n'))
            .map_or(0, |(i, _)| i)
    };
    if let Some(problem) = base_url_problem(&s.base_url) {
        diagnostics.push(
            Diagnostic::error(path, text, at("base_url"), format!("base_url {problem}"))
                .with_help("base_url is the address the site is published at"),
        );
    }
    if !is_language_tag(&s.language) {
        diagnostics.push(
            Diagnostic::error(path, text, at("language"), "language is not a language tag")
                .with_help("write a tag like en or en-GB"),
        );
    }
}

/// What a keeper should type into a new `site.toml`.
const SITE_TOML_FIX: &str = "write content/site.toml with at least:\n  \
     title = \"CPA Security Characteristics: Modification Register\"\n  \
     base_url = \"https://register.example.org\"\n  \
     owner = \"SEC Security Sub-Committee\"\n  \
     (`register init` in an empty folder writes one with every key commented)";

/// A warning when `site.toml` is missing, or says no `base_url` and the
/// build is given none: the site would be built, silently, for
/// `http://localhost` ("Published by ." in every footer), which is never
/// what a keeper means to publish. `site_text` is what
/// [`Settings::load`] read (its path is empty when there was no file).
pub fn unset(content: &Path, site_text: &SiteText, base_url_given: bool) -> Option<Diagnostic> {
    let path = content.join("site.toml");
    if !path.exists() {
        let message = "there is no site.toml: the site is built as \"Modification Register\" \
                       at http://localhost, with no owner";
        return Some(
            Diagnostic::file_error(&path, message)
                .as_warning()
                .with_help(SITE_TOML_FIX),
        );
    }
    let says_base_url = toml::from_str::<toml::Table>(&site_text.text)
        .map(|t| t.contains_key("base_url"))
        // An unreadable file is an error of its own.
        .unwrap_or(true);
    if base_url_given || says_base_url || site_text.path.as_os_str().is_empty() {
        return None;
    }
    let message = "site.toml has no base_url: every URL of the feed, the sitemap and the open \
                   data would start with http://localhost";
    Some(
        Diagnostic::file_error(&path, message)
            .as_warning()
            .with_help("add the address the site is published at: base_url = \"https://register.example.org\" (or pass --base-url to build)"),
    )
}

impl Settings {
    /// The full name of a device kind: `site.toml`'s, else the built-in
    /// one, else `None` (the abbreviation is all there is).
    pub fn device_name(&self, kind: &str) -> Option<&str> {
        self.device_names.get(kind).map(String::as_str).or_else(|| {
            crate::model::vocabulary::BUILT_IN_DEVICE_NAMES
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, name)| *name)
        })
    }

    /// Reads `<content>/site.toml`; a missing file gives the defaults.
    pub fn load(content: &Path, diagnostics: &mut Vec<Diagnostic>) -> (Settings, SiteText) {
        let path = content.join("site.toml");
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Settings::default(), SiteText::default());
            }
            Err(e) => {
                diagnostics.push(Diagnostic::file_error(&path, format!("cannot read: {e}")));
                return (Settings::default(), SiteText::default());
            }
        };
        let Some(text) = crate::source::folder::decode(&path, bytes, diagnostics) else {
            return (Settings::default(), SiteText::default());
        };
        let settings = Settings::read(&path, &text, diagnostics);
        let texts = match toml::de::DeTable::parse(&text) {
            Ok(table) => crate::source::texts::walk(&table, 0)
                .texts
                .into_iter()
                .filter(|t| {
                    let top = t.field.split(['.', '[']).next().unwrap_or("");
                    !NOT_PUBLISHED.contains(&top)
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        (settings, SiteText { path, text, texts })
    }

    fn read(path: &Path, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Settings {
        let path = path.to_path_buf();
        match toml::from_str::<Settings>(text) {
            Ok(mut s) => {
                s.base_url = s.base_url.trim_end_matches('/').to_string();
                check_address(&s, &path, text, diagnostics);
                check_output_keep(&s.output_keep, &path, diagnostics);
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
                    } else if let Some(same) = crate::model::vocabulary::BUILT_IN_DEVICES
                        .iter()
                        .map(|b| b.to_string())
                        .chain(s.devices[..i].iter().cloned())
                        .find(|other| other.eq_ignore_ascii_case(d))
                    {
                        // Both would make one page, `/devices/<lower case>/`,
                        // which could list only one of them.
                        diagnostics.push(
                            Diagnostic::file_error(
                                &path,
                                Message::new(format!("device {} (", i + 1))
                                    .quote(d)
                                    .text(") differs from ")
                                    .quote(&same)
                                    .text(
                                        " only in case: both would be listed on one page, \
                                         /devices/<name in lower case>/",
                                    ),
                            )
                            .with_help(
                                "write the device one way: remove this entry from site.toml \
                                 `devices` and use the other spelling in every record",
                            ),
                        );
                    }
                }
                s
            }
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                diagnostics.push(
                    Diagnostic::error(&path, text, offset, Message::new("site.toml: ").quote_raw(&crate::diagnostic::without_values(e.message().trim())))
                        .with_help("keys are title, base_url, description, owner, language, theme, devices, [device_names], request_feeds, public_contacts, output_keep and [extra]"),
                );
                Settings::default()
            }
        }
    }
}
