//! Step 4: render the public register into the files of a site.
//!
//! Input: a [`PublicRegister`] (nothing else can be rendered), the site's
//! settings and theme. Output: a list of [`OutputFile`]s in memory, sorted
//! by path, ready for `output` to write. Rows for lists are built once and
//! shared by every list page; request pages render in parallel.

mod export;
mod feed;
pub mod view;

use crate::public::PublicRegister;
use crate::site::Settings;
use crate::theme::Theme;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tera::{Context, Tera};
use view::{ReportView, RequestView, Row};

/// What goes into one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// A file copied as it is (static files, attachments).
    Copy(PathBuf),
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
    fn put(&self, file: OutputFile) -> Result<(), RenderError>;
}

/// Keeps the site in memory.
#[derive(Debug, Default)]
pub struct MemorySink(std::sync::Mutex<Vec<OutputFile>>);

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), RenderError> {
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

/// Passes files on to a sink, noting the HTML pages for the sitemap.
struct Recorder<'a> {
    sink: &'a dyn Sink,
    pages: std::sync::Mutex<Vec<String>>,
    count: std::sync::atomic::AtomicUsize,
}

impl Recorder<'_> {
    fn put(&self, file: OutputFile) -> Result<(), RenderError> {
        if file.path.ends_with("index.html") {
            self.pages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(file.path.clone());
        }
        self.count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.sink.put(file)
    }
}

/// A theme that could not be used.
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn tera_error(e: &tera::Error) -> RenderError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    RenderError(message)
}

/// Loads the theme's templates into Tera, the site's overrides winning.
pub fn templates(theme: &Theme) -> Result<Tera, RenderError> {
    let mut tera = Tera::default();
    // Tera's own escaping also turns `/` into `&#x2F;`, which bloats every
    // URL; escaping these five is enough for text and quoted attributes.
    tera.set_escape_fn(escape_html);
    let mut sources = Vec::new();
    for (name, source) in &theme.templates {
        let bytes = source
            .read()
            .map_err(|e| RenderError(format!("template {name}: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| RenderError(format!("template {name} is not UTF-8")))?;
        sources.push((name.clone(), text));
    }
    tera.add_raw_templates(sources)
        .map_err(|e| tera_error(&e))?;
    Ok(tera)
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    crate::markdown::html_escape_into(text, &mut out);
    out
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
            RenderError(format!(
                "rendering {path} with {template}: {}",
                tera_error(&e)
            ))
        })?;
        Ok(OutputFile {
            path,
            contents: Contents::Bytes(html.into_bytes()),
        })
    }
}

/// A register table: its rows rendered once each by `_register_row.html`
/// and concatenated, so list templates never loop over thousands of rows.
#[derive(Serialize)]
struct Table {
    rows_html: String,
    count: usize,
}

impl Table {
    fn of(row_html: &[String], rows: impl Iterator<Item = usize>) -> Table {
        let mut rows_html = String::new();
        let mut count = 0;
        for i in rows {
            rows_html.push_str(&row_html[i]);
            count += 1;
        }
        Table { rows_html, count }
    }
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
    version: Option<&'a view::VersionView>,
}

/// Renders every file of the site from the public register into `sink`.
/// Returns how many files were made.
pub fn render(
    register: &PublicRegister,
    settings: &Settings,
    theme: &Theme,
    tera: &Tera,
    sink: &dyn Sink,
) -> Result<usize, RenderError> {
    let out = Recorder {
        sink,
        pages: Default::default(),
        count: Default::default(),
    };
    let rows: Vec<Row> = register.requests().iter().map(Row::of).collect();
    let by_id: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut newest_first: Vec<usize> = (0..rows.len()).collect();
    newest_first.sort_by(|&a, &b| {
        let (a, b) = (&rows[a], &rows[b]);
        b.submitted.cmp(&a.submitted).then_with(|| a.id.cmp(&b.id))
    });
    let row_html = rows
        .par_iter()
        .map(|row| {
            let mut c = Context::new();
            c.insert("row", row);
            tera.render("_register_row.html", &c).map_err(|e| {
                RenderError(format!("rendering _register_row.html: {}", tera_error(&e)))
            })
        })
        .collect::<Result<Vec<String>, RenderError>>()?;
    let position: BTreeMap<&str, usize> = rows
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

    out.put(renderer.page(
        "index.html",
        "index.html".into(),
        "index",
        "Register",
        |c| {
            c.insert("table", &Table::of(&row_html, newest_first.iter().copied()));
            c.insert("statuses", &statuses);
            c.insert("devices", &devices);
            c.insert("versions", &versions);
            c.insert("types", &view::type_facets(&rows));
        },
    )?)?;

    let search_docs: std::sync::Mutex<Vec<export::SearchDoc>> = Default::default();
    let pages_and_exports = || -> Result<(), RenderError> {
        register
            .requests()
            .par_iter()
            .zip(rows.par_iter())
            .map(|(r, row)| {
                let mut request = RequestView::of(r, register, &by_id);
                let text = std::mem::take(&mut request.search_text);
                search_docs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(export::SearchDoc::of(r, false, &text));
                let title = format!("{}: {}", r.id, r.title);
                out.put(renderer.page(
                    "request.html",
                    format!("requests/{}/index.html", r.id),
                    "request",
                    &title,
                    |c| {
                        c.insert("row", row);
                        c.insert("request", &request);
                    },
                )?)?;
                if let Some(d) = r.final_decision() {
                    let mut report = ReportView::of(d, register);
                    let text = std::mem::take(&mut report.search_text);
                    search_docs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(export::SearchDoc::of(r, true, &text));
                    out.put(renderer.page(
                        "report.html",
                        format!("reports/{}/index.html", r.id),
                        "report",
                        &format!("Modification Report: {}", r.id),
                        |c| {
                            c.insert("row", row);
                            c.insert("report", &report);
                        },
                    )?)?;
                }
                for a in &r.attachments {
                    out.put(OutputFile {
                        path: format!("requests/{}/{}", r.id, a.name),
                        contents: Contents::Copy(a.source.clone()),
                    })?;
                }
                Ok(())
            })
            .collect::<Result<(), RenderError>>()
    };
    let exports = || -> Result<(), RenderError> {
        let (a, b) = rayon::join(
            || -> Result<(), RenderError> {
                out.put(export::json(register, settings))?;
                out.put(export::csv(&rows, register)?)
            },
            || -> Result<(), RenderError> { out.put(feed::atom(register, settings)) },
        );
        a.and(b)
    };
    let (pages, exported) = rayon::join(pages_and_exports, exports);
    pages?;
    exported?;
    let docs = std::mem::take(&mut *search_docs.lock().unwrap_or_else(|e| e.into_inner()));
    out.put(export::search_index(docs))?;

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
    lists.par_iter().try_for_each(|spec| {
        let list = ListView {
            kind: spec.kind,
            heading: &spec.heading,
            intro: &spec.intro,
            table: Table::of(&row_html, spec.members.iter().copied()),
            version: spec.version,
        };
        out.put(renderer.page(
            "list.html",
            spec.path.clone(),
            spec.kind,
            &spec.heading,
            |c| c.insert("list", &list),
        )?)
    })?;

    out.put(renderer.page(
        "versions.html",
        "versions/index.html".into(),
        "versions",
        "SC versions",
        |c| {
            c.insert("versions", &versions);
            c.insert("current", &current);
        },
    )?)?;
    out.put(renderer.page(
        "search.html",
        "search/index.html".into(),
        "search",
        "Search",
        |_| {},
    )?)?;
    out.put(renderer.page(
        "404.html",
        "404.html".into(),
        "not-found",
        "Page not found",
        |_| {},
    )?)?;

    for (name, source) in &theme.statics {
        out.put(OutputFile {
            path: name.clone(),
            contents: match source {
                crate::theme::Source::Disk(p) => Contents::Copy(p.clone()),
                crate::theme::Source::Embedded(b) => Contents::Bytes(b.to_vec()),
            },
        })?;
    }
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
    Ok(out.count.load(std::sync::atomic::Ordering::Relaxed))
}
