//! Step 4: render the public register into the files of a site.
//!
//! Input: a [`PublicRegister`] (nothing else can be rendered), the site's
//! settings and theme. Output: every file of the site, handed to a
//! [`Sink`] as it is made. The rows of the register are made once and
//! shared by every list ([`rows`]); one render is a [`job::RenderJob`]
//! with a method per part of the site; [`cache`] is what `register
//! serve` keeps from one render to the next. Bodies arrive rendered and
//! screened by the publication filter ([`markdown`], [`links`]).

mod cache;
pub(crate) mod export;
mod feed;
mod job;
pub(crate) mod links;
mod lists;
pub mod manifest;
pub(crate) mod markdown;
mod opendata;
mod pages;
mod rows;
mod sink;
pub(crate) mod standing;
mod stats;
mod templates;
pub(crate) mod view;

pub use cache::RenderCache;
pub use sink::{Contents, DiscardSink, MemorySink, OutputFile, Sink};
pub use templates::{Templates, escape_html, templates};

use crate::output::OutputError;
use crate::publish::PublicRegister;
use crate::publish::preview::PreviewRegister;
use crate::source::site::Settings;
use crate::source::theme::{Theme, ThemeError};
use cache::Reuse;
use job::{Made, Mode, RenderJob};
use rows::Rows;
use sink::Recorder;

/// Why a site could not be rendered: the theme (a template that does not
/// load, compile or render; a static file that cannot be published) or
/// the sink the files go to.
#[derive(Debug)]
pub enum RenderError {
    /// The theme or one of its templates: the keeper's to fix.
    Theme(ThemeError),
    /// Writing a file failed.
    Output(OutputError),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Theme(e) => e.fmt(f),
            RenderError::Output(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RenderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RenderError::Theme(e) => Some(e),
            RenderError::Output(e) => Some(e),
        }
    }
}

impl From<OutputError> for RenderError {
    fn from(e: OutputError) -> Self {
        RenderError::Output(e)
    }
}

/// A theme problem, in words.
fn theme_error(message: String) -> RenderError {
    RenderError::Theme(ThemeError::new(message))
}

/// Renders every file of the site from the public register into `sink`.
/// Returns how many files were made.
pub fn render(
    register: &PublicRegister,
    settings: &Settings,
    theme: &Theme,
    templates: &Templates,
    sink: &dyn Sink,
) -> Result<usize, RenderError> {
    let mut reuse = Reuse::nothing(register);
    let (made, _) = render_with(
        register,
        settings,
        theme,
        templates,
        sink,
        &mut reuse,
        Mode::Build,
    )?;
    Ok(made.files)
}

/// [`render`] for the preview server: reuses what `cache` kept from the
/// last build where nothing it shows has changed, and keeps this build's
/// pages for the next. The cache is left as it was if rendering fails.
pub fn render_cached(
    register: PublicRegister,
    settings: &Settings,
    theme: &Theme,
    templates: &Templates,
    sink: &dyn Sink,
    cache: &mut RenderCache,
) -> Result<usize, RenderError> {
    let key = cache::site_key(settings, templates, &register);
    let reusable = cache.key == key && cache.register.is_some();
    let (made, rows) = {
        let mut reuse = match reusable {
            true => Reuse::of(cache, &register),
            false => Reuse::nothing(&register),
        };
        render_with(
            &register,
            settings,
            theme,
            templates,
            sink,
            &mut reuse,
            Mode::Preview,
        )?
    };
    let files = made.files;
    cache.keep(key, register, made, rows);
    Ok(files)
}

/// Renders the preview of everything, withheld material included, into
/// memory only (a [`MemorySink`], never a folder): for `register serve
/// --withheld`. A build cannot get a [`PreviewRegister`]; see
/// `publish::preview`.
pub fn render_preview(
    preview: &PreviewRegister,
    settings: &Settings,
    theme: &Theme,
    templates: &Templates,
    sink: &MemorySink,
) -> Result<usize, RenderError> {
    let register = preview.for_preview_render();
    let mut reuse = Reuse::nothing(register);
    let (made, _) = render_with(
        register,
        settings,
        theme,
        templates,
        sink,
        &mut reuse,
        Mode::Preview,
    )?;
    Ok(made.files)
}

/// One render: the rows first (every list shows them), then the job.
fn render_with(
    register: &PublicRegister,
    settings: &Settings,
    theme: &Theme,
    templates: &Templates,
    sink: &dyn Sink,
    reuse: &mut Reuse<'_>,
    mode: Mode,
) -> Result<(Made, Rows), RenderError> {
    let rows = Rows::make(register, settings, &templates.tera, reuse)?;
    let by_id = rows.by_id();
    let position = rows.position();
    let job = RenderJob {
        register,
        settings,
        theme,
        renderer: templates::Renderer::new(&templates.tera, settings, register),
        out: Recorder::new(sink),
        reuse,
        mode,
        rows: &rows,
        by_id: &by_id,
        position: &position,
        rendered: Default::default(),
    };
    let made = job.run()?;
    drop((by_id, position));
    Ok((made, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Context;

    #[test]
    fn pages_escape_exactly_five_characters() {
        let mut theme = Theme::default();
        theme.templates.insert(
            "t.html".into(),
            crate::source::theme::Source::Embedded(b"<p title=\"{{ x }}\">{{ x }}</p>"),
        );
        let tera = templates(&theme).unwrap().tera;
        let mut c = Context::new();
        c.insert("x", "a<b>&\"c'/d=é");
        let escaped = "a&lt;b&gt;&amp;&quot;c&#39;/d=é";
        assert_eq!(
            tera.render("t.html", &c).unwrap(),
            format!("<p title=\"{escaped}\">{escaped}</p>")
        );
    }

    /// A table such as `site_extra` iterates in key order, the same on
    /// every build (Tera 2 without `preserve_order` would change it each run).
    #[test]
    fn tables_iterate_in_key_order() {
        let mut theme = Theme::default();
        theme.templates.insert(
            "t.html".into(),
            crate::source::theme::Source::Embedded(
                b"{% for k, v in m %}{{ k }}={{ v }};{% endfor %}",
            ),
        );
        let tera = templates(&theme).unwrap().tera;
        let table: toml::Table =
            toml::from_str("h = 8\nc = 3\na = 1\ng = 7\nb = 2\nf = 6\ne = 5\nd = 4\n").unwrap();
        let mut c = Context::new();
        c.insert("m", &table);
        assert_eq!(
            tera.render("t.html", &c).unwrap(),
            "a=1;b=2;c=3;d=4;e=5;f=6;g=7;h=8;"
        );
    }
}
