//! The theme's templates, loaded once, and the one way a page is made
//! from them: the site-wide context every page gets, the page's own, and
//! a register table's rows spliced in rather than copied through Tera.

use super::{Contents, OutputFile, RenderError, theme_error};
use crate::publish::PublicRegister;
use crate::source::site::Settings;
use crate::source::theme::Theme;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use tera::{Context, Tera};

pub(super) fn tera_error(e: &tera::Error) -> RenderError {
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
    tera.register_filter("long_date", long_date);
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

/// The `long_date` filter: an ISO date as people read it ("6 April
/// 2026"), for the text of a `<time datetime>` whose attribute keeps ISO.
/// Anything that is not a date is left as it is.
fn long_date(x: &str, _: tera::Kwargs, _: &tera::State) -> String {
    crate::model::date::Date::parse(x).map_or_else(|| x.to_string(), |d| d.long())
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
    /// Whether each request has its own feed.
    request_feeds: bool,
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
        url: "/mitigations/",
        label: "Mitigations",
    },
    NavLink {
        url: "/statistics/",
        label: "Statistics",
    },
    NavLink {
        url: "/search/",
        label: "Search",
    },
    NavLink {
        url: "/about/",
        label: "About",
    },
    NavLink {
        url: "/feed.xml",
        label: "Feed",
    },
];

/// Makes pages: the templates and what every page is given.
pub(super) struct Renderer<'a> {
    /// The templates.
    pub(super) tera: &'a Tera,
    base: Context,
}

impl<'a> Renderer<'a> {
    /// A renderer for the site `settings` describe, on the register's day.
    pub(super) fn new(tera: &'a Tera, settings: &Settings, register: &PublicRegister) -> Self {
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
                request_feeds: settings.request_feeds,
            },
        );
        base.insert("nav", NAV);
        base.insert("site_extra", &settings.extra);
        Renderer { tera, base }
    }

    /// The page at `path` (in the site) made with `template`, given what
    /// `fill` adds to the context.
    pub(super) fn page(
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
    pub(super) fn page_with_rows(
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
pub(super) struct Table {
    rows_html: &'static str,
    count: usize,
}
