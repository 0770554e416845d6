//! Step 4: render the public register into the files of a site.
//!
//! Input: a [`PublicRegister`] (nothing else can be rendered), the site's
//! settings and theme. Output: a list of [`OutputFile`]s in memory, sorted
//! by path, ready for `output` to write. Rows for lists are built once and
//! shared by every list page; request pages render in parallel.

pub(crate) mod export;
mod feed;
pub mod links;
pub mod markdown;
pub mod view;

use crate::output::OutputError;
use crate::publish::PublicRegister;
use crate::publish::PublicRequest;
use crate::source::site::Settings;
use crate::source::theme::{Theme, ThemeError};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::Mutex;
use tera::{Context, Tera};
use view::{ReportView, RequestView, Row};

/// What goes into one output file: always bytes in memory. Nothing is
/// copied from a file when the site is written or served: an attachment's
/// bytes are the ones its check read, a theme's static file's the ones
/// read (and screened) with the theme, so what is published is what was
/// checked, whatever happens to the files meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// Bytes shared with what keeps them: an attachment's checked bytes, a
    /// static file's, or a page the preview server keeps between builds.
    Shared(Arc<[u8]>),
}

impl Contents {
    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Contents::Bytes(b) => b,
            Contents::Shared(b) => b,
        }
    }
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path in the site, `/`-separated, no leading slash.
    pub path: String,
    /// What it holds.
    pub contents: Contents,
}

/// Where rendered files go as soon as each is made: memory for the preview
/// server and tests, a staging folder for builds. Files arrive from many
/// threads in no particular order.
pub trait Sink: Sync {
    /// Takes one file of the site.
    fn put(&self, file: OutputFile) -> Result<(), OutputError>;
}

/// Keeps the site in memory.
#[derive(Debug, Default)]
pub struct MemorySink(std::sync::Mutex<Vec<OutputFile>>);

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), OutputError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    }
}

impl MemorySink {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// Passes files on to a sink, noting the HTML pages for the sitemap and
/// every path, so that no file replaces another.
struct Recorder<'a> {
    sink: &'a dyn Sink,
    pages: std::sync::Mutex<Vec<String>>,
    paths: std::sync::Mutex<HashSet<String>>,
    count: std::sync::atomic::AtomicUsize,
}

/// The files made after the theme's static files: a static file may not
/// have their paths either.
const MADE_LAST: &[&str] = &["sitemap.xml", "robots.txt"];

impl Recorder<'_> {
    /// True when a file was put at `path`.
    fn has(&self, path: &str) -> bool {
        lock(&self.paths).contains(path)
    }

    fn put(&self, file: OutputFile) -> Result<(), RenderError> {
        lock(&self.paths).insert(file.path.clone());
        if file.path.ends_with("index.html") {
            self.pages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(file.path.clone());
        }
        self.count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(self.sink.put(file)?)
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Puts the theme's static files, as they were read with the theme; one at
/// the path of a file the build makes is an error naming both, since one
/// would silently replace the other.
fn put_statics(out: &Recorder<'_>, theme: &Theme) -> Result<(), RenderError> {
    for (name, source) in &theme.statics {
        if out.has(name) || MADE_LAST.contains(&name.as_str()) {
            return Err(theme_error(format!(
                "the theme's static file `{name}` ({}) would replace the file the build makes at \
                 `/{name}`: rename or remove the static file",
                source.describe()
            )));
        }
        let contents = match source {
            crate::source::theme::Source::Embedded(b) => Contents::Bytes(b.to_vec()),
            crate::source::theme::Source::Loaded(_, b) => Contents::Shared(Arc::clone(b)),
            // Static files are read, and screened, with the theme: one
            // that was not is never published.
            crate::source::theme::Source::Disk(p) => {
                return Err(theme_error(format!(
                    "the static file `{}` was not read with the theme",
                    p.display()
                )));
            }
        };
        out.put(OutputFile {
            path: name.clone(),
            contents,
        })?;
    }
    Ok(())
}

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

fn tera_error(e: &tera::Error) -> RenderError {
    // Syntax and rendering errors come as a report: `error: <what>`, then
    // the template, line and column. Our callers say `error:` themselves.
    let report = e.to_string();
    let mut message = report
        .strip_prefix("error: ")
        .unwrap_or(&report)
        .to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    theme_error(message)
}

/// A theme's templates, loaded, and a hash of their text: when the hash
/// changes, no page `register serve` kept can be reused.
pub struct Templates {
    /// The templates, ready to render.
    pub tera: Tera,
    /// A hash of every template's name and text, as loaded into `tera`.
    pub key: u64,
}

/// Loads the theme's templates into Tera, the site's overrides winning.
pub fn templates(theme: &Theme) -> Result<Templates, RenderError> {
    let mut tera = Tera::default();
    // Exactly these five, as pages have always been escaped. (Tera 1's own
    // escaping also turned `/` into `&#x2F;`, which bloated every URL;
    // Tera 2's own escapes the same five, but writes one byte at a time.)
    tera.set_escape_fn(escape_html);
    let mut sources = Vec::new();
    for (name, source) in &theme.templates {
        let bytes = source
            .read()
            .map_err(|e| theme_error(format!("template {name}: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| theme_error(format!("template {name} is not UTF-8")))?;
        sources.push((name.clone(), text));
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    sources.hash(&mut h);
    tera.add_raw_templates(sources)
        .map_err(|e| tera_error(&e))?;
    Ok(Templates {
        tera,
        key: h.finish(),
    })
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and quoted attributes,
/// writing the text between them in one piece.
pub fn escape_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    crate::render::markdown::html_escape_with(text, |run| out.write_all(run.as_bytes()))
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    owner: &'a str,
    language: &'a str,
    base_url: &'a str,
    build_date: String,
    generator: String,
}

#[derive(Serialize)]
struct NavLink {
    url: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    url: &'a str,
    kind: &'static str,
}

const NAV: &[NavLink] = &[
    NavLink {
        url: "/",
        label: "Register",
    },
    NavLink {
        url: "/versions/",
        label: "SC versions",
    },
    NavLink {
        url: "/search/",
        label: "Search",
    },
    NavLink {
        url: "/feed.xml",
        label: "Feed",
    },
];

struct Renderer<'a> {
    tera: &'a Tera,
    base: Context,
}

impl Renderer<'_> {
    fn page(
        &self,
        template: &str,
        path: String,
        kind: &'static str,
        title: &str,
        fill: impl FnOnce(&mut Context),
    ) -> Result<OutputFile, RenderError> {
        let mut ctx = self.base.clone();
        let url = format!("/{}", path.trim_end_matches("index.html"));
        ctx.insert(
            "page",
            &PageView {
                title,
                url: &url,
                kind,
            },
        );
        fill(&mut ctx);
        let html = self.tera.render(template, &ctx).map_err(|e| {
            theme_error(format!(
                "rendering {path} with {template}: {}",
                tera_error(&e)
            ))
        })?;
        Ok(OutputFile {
            path,
            contents: Contents::Bytes(html.into_bytes()),
        })
    }

    /// Like [`Renderer::page`] for a page with a register table: the
    /// template gets `{rows_html, count}` with a placeholder for the rows,
    /// which are spliced into the rendered page, so a table of thousands of
    /// rows is copied once, not three times through Tera.
    fn page_with_rows(
        &self,
        template: &str,
        path: String,
        kind: &'static str,
        title: &str,
        rows: &[&str],
        fill: impl FnOnce(&mut Context, Table),
    ) -> Result<OutputFile, RenderError> {
        let table = Table {
            rows_html: ROWS_PLACEHOLDER,
            count: rows.len(),
        };
        let file = self.page(template, path, kind, title, |c| fill(c, table))?;
        let html = file.contents.bytes();
        Ok(OutputFile {
            contents: Contents::Bytes(splice_rows(html, rows)),
            path: file.path,
        })
    }
}

/// Stands for a table's rows in a rendered page. Text from content is
/// always escaped, so no record can contain `<register-rows>` as markup.
const ROWS_PLACEHOLDER: &str = "<register-rows>";

/// Replaces each placeholder in `html` with the rows, in one allocation.
fn splice_rows(html: &[u8], rows: &[&str]) -> Vec<u8> {
    let marker = ROWS_PLACEHOLDER.as_bytes();
    let places: Vec<usize> = html
        .windows(marker.len())
        .enumerate()
        .filter(|(_, w)| *w == marker)
        .map(|(i, _)| i)
        .collect();
    let rows_len: usize = rows.iter().map(|r| r.len()).sum();
    let mut out = Vec::with_capacity(html.len() + places.len() * rows_len);
    let mut from = 0;
    for at in places {
        out.extend_from_slice(&html[from..at]);
        for row in rows {
            out.extend_from_slice(row.as_bytes());
        }
        from = at + marker.len();
    }
    out.extend_from_slice(&html[from..]);
    out
}

/// A register table as templates see it: `rows_html` stands for the rows
/// (rendered once each by `_register_row.html` and spliced in by
/// [`splice_rows`]), so list templates never loop over thousands of rows.
#[derive(Serialize)]
struct Table {
    rows_html: &'static str,
    count: usize,
}

/// A list page before its table is built.
struct ListSpec<'a> {
    path: String,
    kind: &'static str,
    heading: String,
    intro: String,
    members: Vec<usize>,
    version: Option<&'a view::VersionView>,
}

#[derive(Serialize)]
struct ListView<'a> {
    kind: &'static str,
    heading: &'a str,
    intro: &'a str,
    table: Table,
    version: Option<view::VersionSummary<'a>>,
}

/// Page bytes kept by the preview server and shared with the site it serves.
type SharedBytes = Arc<[u8]>;

/// An export kept by the preview server: its path and bytes.
type KeptPage = (String, SharedBytes);

/// A site-wide page kept by the preview server, with what it was made
/// from: the rows it shows, in order, and a summary of anything else.
#[derive(Clone)]
struct SitePage {
    sig: String,
    members: Vec<Arc<Row>>,
    bytes: SharedBytes,
}

/// What one public request adds to the site besides its row: its pages,
/// its search documents and its lines of the open-data exports.
struct RequestUnit {
    /// Ids of the requests whose rows or links the pages show: the unit is
    /// stale when any of them changes.
    deps: Vec<String>,
    /// The request's page and its Modification Report; kept only by the
    /// preview server, a build writes them out at once.
    pages: Option<(SharedBytes, Option<SharedBytes>)>,
    /// Search documents, `(url, json)`.
    search: Vec<(String, Vec<u8>)>,
    /// Its entry in `register.json`; kept only by the preview server (a
    /// build writes `register.json` straight from the register, beside the
    /// pages, rather than hold every entry twice).
    json: Vec<u8>,
    /// Its line in `register.csv`.
    csv: Vec<u8>,
}

/// What `register serve` keeps from one build to the next, so that an edit
/// re-renders only the pages it affects, when the theme, settings and
/// build date are the same: a request's pages are reused when the request
/// is unchanged (compared field by field with the last build's public
/// register), as are the rows of every request they show or link to; a
/// site-wide page when it shows the same rows and nothing else of it
/// changed; an export when none of its entries changed. The feed, the
/// search index and the sitemap are put together again each time.
#[derive(Default)]
pub struct RenderCache {
    key: u64,
    register: Option<PublicRegister>,
    rows: HashMap<String, (Arc<Row>, Arc<str>)>,
    units: HashMap<String, Arc<RequestUnit>>,
    /// The index, list, versions, search and 404 pages.
    site_pages: Vec<(String, SitePage)>,
    /// `register.json`, `register.csv` and the search index.
    exports: Vec<KeptPage>,
    rendered: usize,
}

impl RenderCache {
    /// How many requests the last build rendered afresh (the others'
    /// pages were reused).
    pub fn rendered_last(&self) -> usize {
        self.rendered
    }
}

/// The settings, build date and templates, hashed: when any changes, no
/// page of the last build can be reused.
fn site_key(settings: &Settings, templates: &Templates, register: &PublicRegister) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{settings:?}").hash(&mut h);
    register.today().hash(&mut h);
    templates.key.hash(&mut h);
    h.finish()
}

/// The public requests whose report or attachments came or went since the
/// last build: a page linking to them may have to drop or gain a link.
fn link_targets_changed<'a>(
    previous: &RenderCache,
    register: &'a PublicRegister,
) -> impl Iterator<Item = &'a str> {
    let old = previous.register.as_ref();
    fn target(r: &PublicRequest) -> (bool, Vec<&str>) {
        let names = r.attachments.iter().map(|a| a.name.as_str()).collect();
        (r.final_decision().is_some(), names)
    }
    register.requests().iter().filter_map(move |r| {
        let before = old?.get(&r.id)?;
        (target(before) != target(r)).then_some(r.id.as_str())
    })
}

/// What a render leaves for the cache.
struct Built {
    site_pages: Vec<(String, SitePage)>,
    exports: Vec<KeptPage>,
    rows: Vec<Arc<Row>>,
    row_html: Vec<Arc<str>>,
    units: Vec<Arc<RequestUnit>>,
    rendered: usize,
    files: usize,
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
    render_with(
        register,
        settings,
        theme,
        &templates.tera,
        sink,
        None,
        false,
    )
    .map(|b| b.files)
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
    let key = site_key(settings, templates, &register);
    let previous = (cache.key == key && cache.register.is_some()).then_some(&*cache);
    let tera = &templates.tera;
    let built = render_with(&register, settings, theme, tera, sink, previous, true)?;
    cache.key = key;
    cache.rendered = built.rendered;
    cache.site_pages = built.site_pages;
    cache.exports = built.exports;
    cache.units = register
        .requests()
        .iter()
        .map(|r| r.id.clone())
        .zip(built.units)
        .collect();
    cache.rows = built
        .rows
        .into_iter()
        .zip(built.row_html)
        .map(|(row, html)| (row.id.clone(), (row, html)))
        .collect();
    cache.register = Some(register);
    Ok(built.files)
}

fn render_with(
    register: &PublicRegister,
    settings: &Settings,
    theme: &Theme,
    tera: &Tera,
    sink: &dyn Sink,
    previous: Option<&RenderCache>,
    keep: bool,
) -> Result<Built, RenderError> {
    let out = Recorder {
        sink,
        pages: Default::default(),
        paths: Default::default(),
        count: Default::default(),
    };
    // Which requests are exactly as in the last build, field by field:
    // their rows and rendered rows are reused as they are.
    let kept = |r: &PublicRequest| -> Option<&(Arc<Row>, Arc<str>)> {
        let previous = previous?;
        let old = previous.register.as_ref()?.get(&r.id)?;
        (old == r).then(|| previous.rows.get(&r.id)).flatten()
    };
    let same: Vec<Option<&(Arc<Row>, Arc<str>)>> =
        register.requests().par_iter().map(kept).collect();
    let rows: Vec<Arc<Row>> = register
        .requests()
        .par_iter()
        .zip(&same)
        .map(|(r, same)| match same {
            Some((row, _)) => Arc::clone(row),
            None => Arc::new(Row::of(r)),
        })
        .collect();
    let by_id: HashMap<&str, &Row> = rows.iter().map(|r| (r.id.as_str(), r.as_ref())).collect();
    // Each row's rendering from the last build, where the row is the same
    // (its request may have changed elsewhere, in its body say).
    let old_html: Vec<Option<&Arc<str>>> = rows
        .par_iter()
        .zip(&same)
        .map(|(row, same)| match same {
            Some((_, html)) => Some(html),
            None => previous
                .and_then(|p| p.rows.get(&row.id))
                .filter(|(old, _)| old == row)
                .map(|(_, html)| html),
        })
        .collect();
    // The ids whose rows differ from the last build's (new, changed or
    // gone): a page that shows or links to one of them is stale.
    let changed: HashSet<&str> = match previous {
        None => Default::default(),
        Some(previous) => rows
            .iter()
            .zip(&old_html)
            .filter(|(_, old)| old.is_none())
            .map(|(row, _)| row.id.as_str())
            .chain(
                previous
                    .rows
                    .keys()
                    .filter(|id| !by_id.contains_key(id.as_str()))
                    .map(String::as_str),
            )
            .chain(link_targets_changed(previous, register))
            .collect(),
    };
    let mut newest_first: Vec<usize> = (0..rows.len()).collect();
    newest_first.sort_by(|&a, &b| {
        let (a, b) = (&rows[a], &rows[b]);
        b.submitted.cmp(&a.submitted).then_with(|| a.id.cmp(&b.id))
    });
    let row_html = rows
        .par_iter()
        .zip(&old_html)
        .map(|(row, old)| {
            if let Some(html) = old {
                return Ok(Arc::clone(html));
            }
            let mut c = Context::new();
            c.insert("row", row.as_ref());
            tera.render("_register_row.html", &c)
                .map(Arc::from)
                .map_err(|e| {
                    theme_error(format!("rendering _register_row.html: {}", tera_error(&e)))
                })
        })
        .collect::<Result<Vec<Arc<str>>, RenderError>>()?;
    let position: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();

    let mut base = Context::new();
    base.insert(
        "site",
        &SiteView {
            title: &settings.title,
            description: &settings.description,
            owner: &settings.owner,
            language: &settings.language,
            base_url: &settings.base_url,
            build_date: register.today().to_string(),
            generator: format!("register {}", env!("CARGO_PKG_VERSION")),
        },
    );
    base.insert("nav", NAV);
    base.insert("site_extra", &settings.extra);
    let renderer = Renderer { tera, base };

    let statuses = view::status_facets(&rows);
    let devices = view::device_facets(&rows);
    let (versions, current) = view::versions(register, &by_id);

    // A request's unit from the last build, if nothing it shows changed.
    let reusable = |i: usize| -> Option<Arc<RequestUnit>> {
        same[i]?;
        let unit = previous?.units.get(&rows[i].id)?;
        unit.pages.as_ref()?;
        let fresh = unit.deps.iter().all(|id| !changed.contains(id.as_str()));
        fresh.then(|| Arc::clone(unit))
    };
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    let unit_of =
        |i: usize, r: &PublicRequest, row: &Row| -> Result<Arc<RequestUnit>, RenderError> {
            for a in &r.attachments {
                out.put(OutputFile {
                    path: format!("requests/{}/{}", r.id, a.name),
                    contents: Contents::Shared(Arc::clone(&a.bytes.0)),
                })?;
            }
            let request_path = || format!("requests/{}/index.html", r.id);
            let report_path = || format!("reports/{}/index.html", r.id);
            if let Some(unit) = reusable(i) {
                if let Some((page, report)) = &unit.pages {
                    out.put(OutputFile {
                        path: request_path(),
                        contents: Contents::Shared(Arc::clone(page)),
                    })?;
                    if let Some(report) = report {
                        out.put(OutputFile {
                            path: report_path(),
                            contents: Contents::Shared(Arc::clone(report)),
                        })?;
                    }
                }
                return Ok(unit);
            }
            rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // Every id the pages ask about is noted: they depend on its row.
            let request = RequestView::of(r, &by_id);
            let text = &r.body.search_text;
            let mut search = vec![export::SearchDoc::of(r, false, text).fragment()];
            let title = format!("{}: {}", r.id, r.title);
            let page = renderer.page("request.html", request_path(), "request", &title, |c| {
                c.insert("row", row);
                c.insert("request", &request);
            })?;
            drop(request);
            let report = match r.final_decision() {
                Some(d) => {
                    let report = ReportView::of(d);
                    let text = &d.body.search_text;
                    search.push(export::SearchDoc::of(r, true, text).fragment());
                    Some(renderer.page(
                        "report.html",
                        report_path(),
                        "report",
                        &format!("Modification Report: {}", r.id),
                        |c| {
                            c.insert("row", row);
                            c.insert("report", &report);
                        },
                    )?)
                }
                None => None,
            };
            let pages = if keep {
                let share = |file: OutputFile| -> Result<Arc<[u8]>, RenderError> {
                    let bytes: Arc<[u8]> = Arc::from(file.contents.bytes());
                    out.put(OutputFile {
                        path: file.path,
                        contents: Contents::Shared(Arc::clone(&bytes)),
                    })?;
                    Ok(bytes)
                };
                let page = share(page)?;
                let report = report.map(share).transpose()?;
                Some((page, report))
            } else {
                out.put(page)?;
                if let Some(report) = report {
                    out.put(report)?;
                }
                None
            };
            // Every id the pages' links asked about: they depend on it.
            let mut deps = r.related.clone();
            deps.extend(r.body.asked.iter().cloned());
            for d in &r.decisions {
                deps.extend(d.body.asked.iter().cloned());
            }
            deps.sort_unstable();
            deps.dedup();
            Ok(Arc::new(RequestUnit {
                deps,
                pages,
                search,
                json: if keep {
                    export::json_fragment(r, &settings.base_url)
                } else {
                    Vec::new()
                },
                csv: export::csv_row(r, row)?,
            }))
        };

    // The site-wide pages show rows only: when no row changed since the
    // last build, they are the last build's pages.
    // A site-wide page is the last build's when the rows it shows are the
    // same rows (same requests, same order, same fields) and what else it
    // shows (`sig`) is the same.
    let site_wide = || -> Result<Vec<(String, SitePage)>, RenderError> {
        out.put(feed::atom(register, settings))?;
        let kept = Mutex::new(Vec::new());
        let put = |path: &str,
                   sig: String,
                   members: &[usize],
                   make: &dyn Fn() -> Result<OutputFile, RenderError>|
         -> Result<(), RenderError> {
            if !keep {
                return out.put(make()?);
            }
            let members: Vec<Arc<Row>> = members.iter().map(|&i| Arc::clone(&rows[i])).collect();
            let old = previous.and_then(|p| {
                p.site_pages.iter().find(|(at, page)| {
                    at == path
                        && page.sig == sig
                        && page.members.len() == members.len()
                        && page
                            .members
                            .iter()
                            .zip(&members)
                            .all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
                })
            });
            let bytes = match old {
                Some((_, page)) => Arc::clone(&page.bytes),
                None => Arc::from(make()?.contents.bytes()),
            };
            kept.lock().unwrap_or_else(|e| e.into_inner()).push((
                path.to_string(),
                SitePage {
                    sig,
                    members,
                    bytes: Arc::clone(&bytes),
                },
            ));
            out.put(OutputFile {
                path: path.to_string(),
                contents: Contents::Shared(bytes),
            })
        };
        // Lists are specified by their members' positions and their tables
        // built one at a time as each page renders, so at most a few large
        // tables are in memory at once.
        let mut lists: Vec<ListSpec> = Vec::new();
        for s in &statuses {
            lists.push(ListSpec {
                path: format!("status/{}/index.html", s.slug),
                kind: "status",
                heading: format!("Status: {}", s.label),
                intro: format!(
                    "Requests whose status is {} on {}.",
                    s.label.to_lowercase(),
                    register.today()
                ),
                members: newest_first
                    .iter()
                    .copied()
                    .filter(|&i| rows[i].status == s.slug)
                    .collect(),
                version: None,
            });
        }
        for d in &devices {
            lists.push(ListSpec {
                path: format!("devices/{}/index.html", d.slug),
                kind: "device",
                heading: format!("Device: {}", d.name),
                intro: format!("Requests concerning {}.", d.name),
                members: newest_first
                    .iter()
                    .copied()
                    .filter(|&i| rows[i].devices.iter().any(|x| x == &d.name))
                    .collect(),
                version: None,
            });
        }
        for v in &versions {
            lists.push(ListSpec {
                path: format!("versions/{}/index.html", v.version),
                kind: "version",
                heading: format!("SC version {}", v.version),
                intro: format!(
                    "Approved modifications carried by SC version {}, implemented from {}.",
                    v.version, v.implementation_date
                ),
                members: v
                    .requests
                    .iter()
                    .filter_map(|r| position.get(r.id.as_str()).copied())
                    .collect(),
                version: Some(v),
            });
        }
        let rows_of = |members: &[usize]| -> Vec<&str> {
            members.iter().map(|&i| row_html[i].as_ref()).collect()
        };
        let summaries: Vec<view::VersionSummary> =
            versions.iter().map(view::VersionView::summary).collect();
        put("index.html", String::new(), &newest_first, &|| {
            renderer.page_with_rows(
                "index.html",
                "index.html".into(),
                "index",
                "Register",
                &rows_of(&newest_first),
                |c, table| {
                    c.insert("table", &table);
                    c.insert("statuses", &statuses);
                    c.insert("devices", &devices);
                    c.insert("versions", &summaries);
                    c.insert("types", &view::type_facets(&rows));
                },
            )
        })?;
        lists.par_iter().try_for_each(|spec| {
            let version = spec.version.map(view::VersionView::summary);
            let sig = format!("{}\n{}\n{version:?}", spec.heading, spec.intro);
            put(&spec.path, sig, &spec.members, &|| {
                renderer.page_with_rows(
                    "list.html",
                    spec.path.clone(),
                    spec.kind,
                    &spec.heading,
                    &rows_of(&spec.members),
                    |c, table| {
                        c.insert(
                            "list",
                            &ListView {
                                kind: spec.kind,
                                heading: &spec.heading,
                                intro: &spec.intro,
                                table,
                                version: version.clone(),
                            },
                        )
                    },
                )
            })
        })?;
        let in_versions: Vec<usize> = versions
            .iter()
            .flat_map(|v| &v.requests)
            .filter_map(|r| position.get(r.id.as_str()).copied())
            .collect();
        put(
            "versions/index.html",
            format!("{current}\n{summaries:?}"),
            &in_versions,
            &|| {
                renderer.page(
                    "versions.html",
                    "versions/index.html".into(),
                    "versions",
                    "SC versions",
                    |c| {
                        c.insert("versions", &versions);
                        c.insert("current", &current);
                    },
                )
            },
        )?;
        put("search/index.html", String::new(), &[], &|| {
            renderer.page(
                "search.html",
                "search/index.html".into(),
                "search",
                "Search",
                |_| {},
            )
        })?;
        put("404.html", String::new(), &[], &|| {
            renderer.page(
                "404.html",
                "404.html".into(),
                "not-found",
                "Page not found",
                |_| {},
            )
        })?;
        Ok(kept.into_inner().unwrap_or_else(|e| e.into_inner()))
    };
    let json = || -> Result<(), RenderError> {
        if keep {
            return Ok(());
        }
        let fragments = register
            .requests()
            .iter()
            .map(|r| export::json_fragment(r, &settings.base_url));
        let guess = register.requests().len() * 1536;
        out.put(export::json(register, settings, fragments, guess))
    };
    let (units, (site_pages, json)) = rayon::join(
        || {
            register
                .requests()
                .par_iter()
                .zip(rows.par_iter())
                .enumerate()
                .map(|(i, (r, row))| unit_of(i, r, row))
                .collect::<Result<Vec<Arc<RequestUnit>>, RenderError>>()
        },
        || rayon::join(site_wide, json),
    );
    json?;
    let units = units?;
    let site_pages = site_pages?;

    // One export at a time, so at most one is in memory beside the units.
    // The preview server reuses an export whose every part is unchanged.
    let unchanged = |part: fn(&RequestUnit) -> &[u8]| {
        previous.is_some_and(|p| {
            p.units.len() == units.len()
                && register.requests().iter().zip(&units).all(|(r, unit)| {
                    p.units
                        .get(&r.id)
                        .is_some_and(|old| Arc::ptr_eq(old, unit) || part(old) == part(unit))
                })
        })
    };
    let kept = |path: &str, part: fn(&RequestUnit) -> &[u8]| -> Option<SharedBytes> {
        let (_, bytes) = previous?.exports.iter().find(|(p, _)| p == path)?;
        unchanged(part).then(|| Arc::clone(bytes))
    };
    let mut exports = Vec::new();
    let mut export = |path: &str,
                      kept: Option<SharedBytes>,
                      make: &dyn Fn() -> Result<OutputFile, RenderError>|
     -> Result<(), RenderError> {
        if !keep {
            return out.put(make()?);
        }
        let bytes = match kept {
            Some(bytes) => bytes,
            None => Arc::from(make()?.contents.bytes()),
        };
        exports.push((path.to_string(), Arc::clone(&bytes)));
        out.put(OutputFile {
            path: path.to_string(),
            contents: Contents::Shared(bytes),
        })
    };
    if keep {
        export("register.json", kept("register.json", |u| &u.json), &|| {
            Ok(export::json(
                register,
                settings,
                units.iter().map(|u| u.json.as_slice()),
                units.iter().map(|u| u.json.len()).sum(),
            ))
        })?;
    }
    export("register.csv", kept("register.csv", |u| &u.csv), &|| {
        export::csv(units.iter().map(|u| u.csv.as_slice()))
    })?;
    export("search-index.json", None, &|| {
        Ok(export::search_index(units.iter().flat_map(|u| &u.search)))
    })?;

    put_statics(&out, theme)?;
    let mut pages = std::mem::take(&mut *out.pages.lock().unwrap_or_else(|e| e.into_inner()));
    pages.sort();
    out.put(feed::sitemap(&pages, settings))?;
    out.put(OutputFile {
        path: "robots.txt".into(),
        contents: Contents::Bytes(
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
                settings.base_url
            )
            .into_bytes(),
        ),
    })?;
    Ok(Built {
        site_pages,
        exports,
        rows,
        row_html,
        units,
        rendered: rendered.into_inner(),
        files: out.count.load(std::sync::atomic::Ordering::Relaxed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
