//! The whole build, load to write, as one function the command line, the
//! preview server and the tests share.

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::public::{self, FilterSummary};
use crate::render::{self, OutputFile};
use crate::theme;
use crate::validate;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a build is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The content folder.
    pub content: PathBuf,
    /// The build date: "today" for statuses and versions.
    pub today: Date,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
}

/// Why a build produced no site.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors (exit 1): here they are, with the warnings.
    Content(Vec<Diagnostic>),
    /// The theme or its templates are broken (exit 1).
    Theme(String),
    /// Reading or writing failed (exit 2).
    Io(String),
}

/// A site rendered in memory, not yet written.
#[derive(Debug)]
pub struct Rendered {
    /// Every file of the site, sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// Record files read.
    pub files_read: usize,
    /// What the filter kept and withheld.
    pub summary: FilterSummary,
    /// When the build started.
    pub started: Instant,
}

/// The site's root: the folder that holds the content folder.
pub fn site_root(content: &Path) -> PathBuf {
    let abs = if content.is_absolute() {
        content.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(content)
    };
    abs.parent().map(Path::to_path_buf).unwrap_or(abs)
}

/// Loads, checks, filters and renders; writes nothing.
pub fn render_site(options: &BuildOptions) -> Result<Rendered, BuildError> {
    let started = Instant::now();
    if !options.content.is_dir() {
        return Err(BuildError::Io(format!(
            "content folder `{}` not found: run in the site's folder or pass --content DIR",
            options.content.display()
        )));
    }
    let timings = std::env::var_os("REGISTER_TIMINGS").is_some();
    let phase = |name: &str, since: Instant| {
        if timings {
            eprintln!("timing: {name}: {:.3} s", since.elapsed().as_secs_f64());
        }
        Instant::now()
    };
    let checked = validate::check(&options.content);
    let t = phase("load and validate", started);
    if checked.has_errors() {
        return Err(BuildError::Content(checked.diagnostics));
    }
    let mut settings = checked.settings;
    if let Some(url) = &options.base_url {
        settings.base_url = url.trim_end_matches('/').to_string();
    }
    let (register, summary) = public::filter(&checked.register, options.today);
    let t = phase("filter", t);
    let theme = theme::find(&site_root(&options.content), &settings.theme)
        .map_err(|e| BuildError::Theme(e.0))?;
    let tera = render::templates(&theme).map_err(|e| BuildError::Theme(e.0))?;
    let t = phase("theme", t);
    let files =
        render::render(&register, &settings, &theme, &tera).map_err(|e| BuildError::Theme(e.0))?;
    phase("render", t);
    Ok(Rendered {
        files,
        warnings: checked.diagnostics,
        files_read: checked.files_read,
        summary,
        started,
    })
}
