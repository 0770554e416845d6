//! Finding the templates and static files a site is rendered with.
//!
//! Order of precedence, per template name: the site's own `templates/`,
//! then `themes/<theme>/templates/` beside the content folder, then (for
//! the default theme only) the copy built into the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on disk.
    Disk(PathBuf),
    /// A file built into the binary.
    Embedded(&'static [u8]),
}

impl Source {
    /// Reads the bytes.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Source::Disk(p) => std::fs::read(p),
            Source::Embedded(b) => Ok(b.to_vec()),
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
    /// Folders to watch for changes (for `serve`).
    pub folders: Vec<PathBuf>,
}

/// Errors finding a theme.
#[derive(Debug)]
pub struct ThemeError(pub String);

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Finds the theme `name` for the site whose root holds `content/`.
pub fn find(site_root: &Path, name: &str) -> Result<Theme, ThemeError> {
    let mut theme = Theme::default();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ThemeError(format!(
            "theme `{name}` is not a folder name: use letters, digits, `-` and `_`"
        )));
    }
    let dir = site_root.join("themes").join(name);
    if dir.is_dir() {
        collect(&dir.join("templates"), &mut theme.templates);
        collect(&dir.join("static"), &mut theme.statics);
        theme.folders.push(dir);
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
        return Err(ThemeError(format!(
            "theme `{name}` not found: expected a folder {}",
            dir.display()
        )));
    }
    let overrides = site_root.join("templates");
    if overrides.is_dir() {
        collect(&overrides, &mut theme.templates);
        theme.folders.push(overrides);
    }
    Ok(theme)
}

fn collect(dir: &Path, into: &mut BTreeMap<String, Source>) {
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(dir) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !rel.split('/').any(|part| part.starts_with('.')) {
                into.insert(rel, Source::Disk(entry.path().to_path_buf()));
            }
        }
    }
}
