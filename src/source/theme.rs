//! Finding the templates and static files a site is rendered with.
//!
//! Order of precedence, per template name: the site's own `templates/`,
//! then `themes/<theme>/templates/` beside the content folder, then (for
//! the default theme only) the copy built into the binary.
//!
//! A theme's `static/` files are published as they are. They are read
//! when the theme is found, and those bytes are screened (see
//! `screening::Screening::theme_files`) and published: never read again.
//! A theme's `static/` or `templates/` folder that is a symbolic link is
//! refused, since following it could publish any folder (the content
//! folder, withheld records and all); links inside them are skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on disk (a template, read when the templates are loaded).
    Disk(PathBuf),
    /// A file built into the binary.
    Embedded(&'static [u8]),
    /// A file read from disk when the theme was found (a static file):
    /// where it was, and its bytes, which are what is published.
    Loaded(PathBuf, Arc<[u8]>),
}

impl Source {
    /// Reads the bytes.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Source::Disk(p) => std::fs::read(p),
            Source::Embedded(b) => Ok(b.to_vec()),
            Source::Loaded(_, b) => Ok(b.to_vec()),
        }
    }

    /// Where the file is, for messages: its path, or that it is built in.
    pub fn describe(&self) -> String {
        match self {
            Source::Disk(p) | Source::Loaded(p, _) => format!("`{}`", p.display()),
            Source::Embedded(_) => "built into the default theme".to_string(),
        }
    }
}

/// The templates and static files of one build.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (e.g. `request.html`) to its source.
    pub templates: BTreeMap<String, Source>,
    /// Static file path (e.g. `style.css`) to its source.
    pub statics: BTreeMap<String, Source>,
}

/// Why a theme cannot be used: it is missing, one of its templates does
/// not load, compile or render, or one of its static files cannot be
/// published. The keeper's to fix (exit 1).
#[derive(Debug)]
pub struct ThemeError(String);

impl ThemeError {
    /// The error, in words that say what to fix.
    pub fn new(message: impl Into<String>) -> Self {
        ThemeError(message.into())
    }
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ThemeError {}

/// The site's own templates, which override the theme's: `templates/`
/// beside the content folder.
fn overrides_folder(site_root: &Path) -> PathBuf {
    site_root.join("templates")
}

/// Where the themes other than the built-in default are: `themes/` beside
/// the content folder, one folder per theme.
fn themes_folder(site_root: &Path) -> PathBuf {
    site_root.join("themes")
}

/// The folders every theme of the site whose root holds `content/` is
/// found in ([`find`] reads nothing else), whether they exist yet or not:
/// the site's `templates/` and `themes/`. `serve` watches them, so that
/// a template edited, a theme added or a folder created is rebuilt.
pub fn folders(site_root: &Path) -> [PathBuf; 2] {
    [overrides_folder(site_root), themes_folder(site_root)]
}

/// Finds the theme `name` for the site whose root holds `content/`.
pub fn find(site_root: &Path, name: &str) -> Result<Theme, ThemeError> {
    let mut theme = Theme::default();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ThemeError::new(format!(
            "theme `{name}` is not a folder name: use letters, digits, `-` and `_`"
        )));
    }
    let dir = themes_folder(site_root).join(name);
    if dir.is_dir() {
        // Templates are read now too, once: the text the screen reads is
        // the text rendered (see `build::template_texts`).
        collect(&dir.join("templates"), &mut theme.templates, true)?;
        collect(&dir.join("static"), &mut theme.statics, true)?;
    } else if name == "default" {
        for (path, bytes) in DEFAULT_THEME {
            if let Some(t) = path.strip_prefix("templates/") {
                theme
                    .templates
                    .insert(t.to_string(), Source::Embedded(bytes));
            } else if let Some(s) = path.strip_prefix("static/") {
                theme.statics.insert(s.to_string(), Source::Embedded(bytes));
            }
        }
    } else {
        return Err(ThemeError::new(format!(
            "theme `{name}` not found: expected a folder {}",
            dir.display()
        )));
    }
    let overrides = overrides_folder(site_root);
    if overrides.is_dir() {
        // The site's own overrides may be a link (kept elsewhere, say):
        // they are read as templates only, never published as they are.
        collect_from(&overrides, &mut theme.templates, true, true)?;
    }
    Ok(theme)
}

/// Adds the files under a theme's `dir` (`static/` or `templates/`) to
/// `into` (see [`collect_from`]). A `dir` that is itself a link is an
/// error: its target could be any folder, the content folder included.
fn collect(dir: &Path, into: &mut BTreeMap<String, Source>, load: bool) -> Result<(), ThemeError> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(ThemeError::new(format!(
            "`{}` is a symbolic link, which is never followed: its files would be published \
             or used as templates wherever it points. Replace the link with the folder itself",
            dir.display()
        )));
    }
    // Not followed even if it became a link since it was looked at.
    collect_from(dir, into, load, false)
}

/// Adds the files under `dir` (not hidden, not links) to `into`, by their
/// path under it; with `load`, read now (static files). `dir` itself is
/// followed when it is a link only with `follow_root`.
fn collect_from(
    dir: &Path,
    into: &mut BTreeMap<String, Source>,
    load: bool,
    follow_root: bool,
) -> Result<(), ThemeError> {
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(follow_root)
        .sort_by_file_name();
    for entry in walk.into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.split('/').any(|part| part.starts_with('.')) {
            continue;
        }
        let path = entry.path().to_path_buf();
        let source = if load {
            let bytes = std::fs::read(&path).map_err(|e| {
                ThemeError::new(format!(
                    "cannot read the theme file `{}`: {e}",
                    path.display()
                ))
            })?;
            Source::Loaded(path, Arc::from(bytes))
        } else {
            Source::Disk(path)
        };
        into.insert(rel, source);
    }
    Ok(())
}
