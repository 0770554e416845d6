//! One render of the site: what every part needs, gathered once, and a
//! method per part (a request's pages, the site-wide pages, the exports,
//! the theme's files, the sitemap).
//!
//! A build writes each file as it is made. The preview server also keeps
//! each page's bytes, with what it was made from, so its next render can
//! reuse them ([`Reuse`]); [`Mode`] is the one place that differs.

use super::cache::{KeptPage, RequestUnit, Reuse, SharedBytes, SitePage};
use super::lists::{Facets, ListSpec, Lists};
use super::rows::Rows;
use super::sink::{MADE_LAST, Recorder};
use super::templates::Renderer;
use super::view::{self, ReportView, RequestView, Row};
use super::{Contents, OutputFile, RenderError, export, feed, theme_error};
use crate::model::vocabulary::DecisionKind;
use crate::publish::{PublicRegister, PublicRequest};
use crate::source::site::Settings;
use crate::source::theme::{Source, Theme};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Whether the pages made are kept for the next render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `register build`: every file is written as it is made, and dropped.
    Build,
    /// `register serve`: every page is also kept, with what it shows.
    Preview,
}

/// What a render leaves for the next one (see [`super::RenderCache`]).
pub(super) struct Made {
    pub(super) site_pages: Vec<(String, SitePage)>,
    pub(super) exports: Vec<KeptPage>,
    pub(super) units: Vec<Arc<RequestUnit>>,
    pub(super) rendered: usize,
    pub(super) files: usize,
}

/// One render of the site.
pub(super) struct RenderJob<'a> {
    pub(super) register: &'a PublicRegister,
    pub(super) settings: &'a Settings,
    pub(super) theme: &'a Theme,
    pub(super) renderer: Renderer<'a>,
    pub(super) out: Recorder<'a>,
    pub(super) reuse: &'a Reuse<'a>,
    pub(super) mode: Mode,
    pub(super) rows: &'a Rows,
    pub(super) by_id: &'a HashMap<&'a str, &'a Row>,
    pub(super) position: &'a HashMap<&'a str, usize>,
    /// Requests whose pages were made afresh.
    pub(super) rendered: AtomicUsize,
}

impl RenderJob<'_> {
    /// Makes every file of the site.
    pub(super) fn run(self) -> Result<Made, RenderError> {
        let facets = Facets::of(self.register, self.settings, self.rows, self.by_id);
        let lists = Lists::of(&facets, self.register, self.rows, self.position);
        let (units, (site_pages, json)) = rayon::join(
            || self.request_units(),
            || rayon::join(|| self.site_pages(&lists), || self.built_json()),
        );
        json?;
        let units = units?;
        let site_pages = site_pages?;
        let exports = self.exports(&units)?;
        self.statics()?;
        self.sitemap_and_robots()?;
        Ok(Made {
            site_pages,
            exports,
            units,
            rendered: self.rendered.into_inner(),
            files: self.out.count(),
        })
    }

    /// Every public request's pages and parts of the exports, in the
    /// register's order.
    fn request_units(&self) -> Result<Vec<Arc<RequestUnit>>, RenderError> {
        self.register
            .requests()
            .par_iter()
            .zip(self.rows.rows.par_iter())
            .enumerate()
            .map(|(i, (r, row))| self.request_unit(i, r, row))
            .collect()
    }

    /// One request's attachments, pages (the last build's, when nothing
    /// they show changed) and parts of the exports.
    fn request_unit(
        &self,
        i: usize,
        r: &PublicRequest,
        row: &Row,
    ) -> Result<Arc<RequestUnit>, RenderError> {
        for a in &r.attachments {
            self.out.put(OutputFile {
                path: format!("requests/{}/{}", r.id, a.name),
                contents: Contents::Shared(Arc::clone(&a.bytes.0)),
            })?;
        }
        if self.settings.request_feeds {
            self.out.put(feed::atom_of(
                self.register,
                self.settings,
                &feed::FeedScope {
                    path: format!("requests/{}/feed.xml", r.id),
                    title: format!("{}: {}", r.id, r.title),
                    page: view::request_url(&r.id),
                    members: Some(&[i]),
                },
            ))?;
        }
        if let Some(unit) = self.reuse.unit(i, &r.id) {
            self.put_kept_pages(r, &unit)?;
            return Ok(unit);
        }
        self.rendered.fetch_add(1, Ordering::Relaxed);
        let (page, report) = self.request_pages(r, row)?;
        let pages = self.put_request_pages(page, report)?;
        Ok(Arc::new(RequestUnit {
            deps: depends_on(r),
            pages,
            search: search_docs(r),
            json: match self.mode {
                Mode::Preview => export::json_fragment(r, &self.settings.base_url),
                Mode::Build => Vec::new(),
            },
            csv: export::csv_row(r, row, &self.settings.base_url)?,
        }))
    }

    /// The pages of a request the last build made, put again.
    fn put_kept_pages(&self, r: &PublicRequest, unit: &RequestUnit) -> Result<(), RenderError> {
        let Some((page, report)) = &unit.pages else {
            return Ok(());
        };
        self.put_shared(request_path(r), page)?;
        if let Some(report) = report {
            self.put_shared(report_path(r), report)?;
        }
        Ok(())
    }

    /// A request's page and, when its final decision is public, its
    /// Modification Report.
    fn request_pages(
        &self,
        r: &PublicRequest,
        row: &Row,
    ) -> Result<(OutputFile, Option<OutputFile>), RenderError> {
        let request = RequestView::of(r, self.by_id, self.register.today());
        let title = format!("{}: {}", r.id, r.title);
        let page = self
            .renderer
            .page("request.html", request_path(r), "request", &title, |c| {
                c.insert("row", row);
                c.insert("request", &request);
            })?;
        drop(request);
        let Some(d) = r.final_decision() else {
            return Ok((page, None));
        };
        let report = ReportView::of(d);
        let title = format!("Modification Report: {}", r.id);
        let report = self
            .renderer
            .page("report.html", report_path(r), "report", &title, |c| {
                c.insert("row", row);
                c.insert("report", &report);
            })?;
        Ok((page, Some(report)))
    }

    /// Puts a request's pages; in the preview, keeps their bytes too.
    fn put_request_pages(
        &self,
        page: OutputFile,
        report: Option<OutputFile>,
    ) -> Result<Option<(SharedBytes, Option<SharedBytes>)>, RenderError> {
        if self.mode == Mode::Build {
            self.out.put(page)?;
            if let Some(report) = report {
                self.out.put(report)?;
            }
            return Ok(None);
        }
        let page = self.share(page)?;
        let report = report.map(|r| self.share(r)).transpose()?;
        Ok(Some((page, report)))
    }

    /// Puts `file`, keeping its bytes.
    fn share(&self, file: OutputFile) -> Result<SharedBytes, RenderError> {
        let bytes: SharedBytes = Arc::from(file.contents.bytes());
        self.put_shared(file.path, &bytes)?;
        Ok(bytes)
    }

    fn put_shared(&self, path: String, bytes: &SharedBytes) -> Result<(), RenderError> {
        self.out.put(OutputFile {
            path,
            contents: Contents::Shared(Arc::clone(bytes)),
        })?;
        Ok(())
    }

    /// The feed, the index, every list, the versions, search and 404
    /// pages; with, in the preview, what each shows.
    fn site_pages(&self, lists: &Lists<'_>) -> Result<Vec<(String, SitePage)>, RenderError> {
        self.out.put(feed::atom(self.register, self.settings))?;
        let kept = Mutex::new(Vec::new());
        self.index(lists, &kept)?;
        lists
            .specs
            .par_iter()
            .try_for_each(|spec| self.list(spec, &kept))?;
        self.versions_page(lists, &kept)?;
        self.guide_pages(lists, &kept)?;
        for (path, template, kind, title) in [
            ("search/index.html", "search.html", "search", "Search"),
            ("404.html", "404.html", "not-found", "Page not found"),
        ] {
            self.site_page(path, String::new(), &[], &kept, &|| {
                self.renderer
                    .page(template, path.into(), kind, title, |_| {})
            })?;
        }
        Ok(kept.into_inner().unwrap_or_else(|e| e.into_inner()))
    }

    /// The register's front page: every public request, newest first.
    fn index(
        &self,
        lists: &Lists<'_>,
        kept: &Mutex<Vec<(String, SitePage)>>,
    ) -> Result<(), RenderError> {
        let members = &self.rows.newest_first;
        self.site_page("index.html", String::new(), members, kept, &|| {
            self.renderer.page_with_rows(
                "index.html",
                "index.html".into(),
                "index",
                "Register",
                &self.rows.html_of(members),
                |c, table| {
                    c.insert("table", &table);
                    c.insert("statuses", &lists.statuses);
                    c.insert("devices", &lists.devices);
                    c.insert("versions", &lists.summaries);
                    c.insert("types", &lists.types);
                    c.insert("groups", &lists.groups);
                    c.insert("years", &lists.years);
                    c.insert("year_options", &view::year_options(&self.rows.rows));
                },
            )
        })
    }

    /// One list page (a status, a device, an SC version).
    fn list(
        &self,
        spec: &ListSpec<'_>,
        kept: &Mutex<Vec<(String, SitePage)>>,
    ) -> Result<(), RenderError> {
        if matches!(spec.kind, "status" | "device") {
            self.out.put(feed::atom_of(
                self.register,
                self.settings,
                &feed::FeedScope {
                    path: spec.path.replace("index.html", "feed.xml"),
                    title: format!("{}: {}", self.settings.title, spec.heading),
                    page: format!("/{}", spec.path.trim_end_matches("index.html")),
                    members: Some(&spec.members),
                },
            ))?;
        }
        let version = spec.version.map(view::VersionView::summary);
        let shows = format!("{}\n{}\n{version:?}", spec.heading, spec.intro);
        self.site_page(&spec.path, shows, &spec.members, kept, &|| {
            self.renderer.page_with_rows(
                "list.html",
                spec.path.clone(),
                spec.kind,
                &spec.heading,
                &self.rows.html_of(&spec.members),
                |c, table| c.insert("list", &spec.view(table, version.clone())),
            )
        })
    }

    /// `/versions/`: every SC version and which is current.
    fn versions_page(
        &self,
        lists: &Lists<'_>,
        kept: &Mutex<Vec<(String, SitePage)>>,
    ) -> Result<(), RenderError> {
        let shows = format!("{}\n{:?}", lists.current, lists.summaries);
        self.site_page(
            "versions/index.html",
            shows,
            &lists.in_versions,
            kept,
            &|| {
                self.renderer.page(
                    "versions.html",
                    "versions/index.html".into(),
                    "versions",
                    "SC versions",
                    |c| {
                        c.insert("versions", &lists.versions);
                        c.insert("current", &lists.current);
                    },
                )
            },
        )
    }

    /// Puts a site-wide page that shows the rows at `members` and
    /// `shows` besides: in the preview, the last build's page when it
    /// showed the same, and kept for the next.
    pub(super) fn site_page(
        &self,
        path: &str,
        shows: String,
        members: &[usize],
        kept: &Mutex<Vec<(String, SitePage)>>,
        make: &dyn Fn() -> Result<OutputFile, RenderError>,
    ) -> Result<(), RenderError> {
        if self.mode == Mode::Build {
            self.out.put(make()?)?;
            return Ok(());
        }
        let members: Vec<Arc<Row>> = members
            .iter()
            .map(|&i| Arc::clone(&self.rows.rows[i]))
            .collect();
        let bytes = match self.reuse.site_page(path, &shows, &members) {
            Some(bytes) => bytes,
            None => Arc::from(make()?.contents.bytes()),
        };
        let page = SitePage {
            shows,
            members,
            bytes: Arc::clone(&bytes),
        };
        kept.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), page));
        self.put_shared(path.to_string(), &bytes)
    }

    /// `register.json` in a build, made beside the pages from each
    /// request's entry as it comes (none is kept: the preview server's
    /// comes from the entries it keeps, in [`RenderJob::exports`]).
    fn built_json(&self) -> Result<(), RenderError> {
        if self.mode == Mode::Preview {
            return Ok(());
        }
        let entries = self
            .register
            .requests()
            .iter()
            .map(|r| export::json_fragment(r, &self.settings.base_url));
        let guess = self.register.requests().len() * 1536;
        self.out
            .put(export::json(self.register, self.settings, entries, guess))?;
        Ok(())
    }

    /// The exports made from every request's parts, one at a time so at
    /// most one is in memory beside the parts; in the preview, each is the
    /// last build's when none of its parts changed.
    fn exports(&self, units: &[Arc<RequestUnit>]) -> Result<Vec<KeptPage>, RenderError> {
        let mut kept = Vec::new();
        if self.mode == Mode::Preview {
            self.export(
                "register.json",
                units,
                Some(|u| &u.json),
                &mut kept,
                &|| {
                    let entries = units.iter().map(|u| u.json.as_slice());
                    let size = units.iter().map(|u| u.json.len()).sum();
                    Ok(export::json(self.register, self.settings, entries, size))
                },
            )?;
        }
        self.export("register.csv", units, Some(|u| &u.csv), &mut kept, &|| {
            export::csv(units.iter().map(|u| u.csv.as_slice()))
        })?;
        self.export("search-index.json", units, None, &mut kept, &|| {
            Ok(export::search_index(units.iter().flat_map(|u| &u.search)))
        })?;
        Ok(kept)
    }

    /// Puts one export; `part` is each request's part of it, by which the
    /// preview tells whether the last build's may be reused (`None`: never).
    fn export(
        &self,
        path: &str,
        units: &[Arc<RequestUnit>],
        part: Option<fn(&RequestUnit) -> &[u8]>,
        kept: &mut Vec<KeptPage>,
        make: &dyn Fn() -> Result<OutputFile, RenderError>,
    ) -> Result<(), RenderError> {
        if self.mode == Mode::Build {
            self.out.put(make()?)?;
            return Ok(());
        }
        let old = part.and_then(|part| self.reuse.export(path, self.register, units, part));
        let bytes = match old {
            Some(bytes) => bytes,
            None => Arc::from(make()?.contents.bytes()),
        };
        kept.push((path.to_string(), Arc::clone(&bytes)));
        self.put_shared(path.to_string(), &bytes)
    }

    /// Puts the theme's static files, as they were read with the theme; one
    /// at the path of a file the build makes is an error naming both, since
    /// one would silently replace the other.
    fn statics(&self) -> Result<(), RenderError> {
        for (name, source) in &self.theme.statics {
            if self.out.has(name) || MADE_LAST.contains(&name.as_str()) {
                return Err(theme_error(format!(
                    "the theme's static file `{name}` ({}) would replace the file the build \
                     makes at `/{name}`: rename or remove the static file",
                    source.describe()
                )));
            }
            let contents = match source {
                Source::Embedded(b) => Contents::Bytes(b.to_vec()),
                Source::Loaded(_, b) => Contents::Shared(Arc::clone(b)),
                // Static files are read, and screened, with the theme: one
                // that was not is never published.
                Source::Disk(p) => {
                    return Err(theme_error(format!(
                        "the static file `{}` was not read with the theme",
                        p.display()
                    )));
                }
            };
            self.out.put(OutputFile {
                path: name.clone(),
                contents,
            })?;
        }
        Ok(())
    }

    /// The sitemap of every page made, and `robots.txt` pointing at it.
    fn sitemap_and_robots(&self) -> Result<(), RenderError> {
        let pages = self.out.take_pages();
        self.out.put(feed::sitemap(&pages, self.settings))?;
        let robots = format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
            self.settings.base_url
        );
        self.out.put(OutputFile {
            path: "robots.txt".into(),
            contents: Contents::Bytes(robots.into_bytes()),
        })?;
        Ok(())
    }
}

fn request_path(r: &PublicRequest) -> String {
    format!("requests/{}/index.html", r.id)
}

fn report_path(r: &PublicRequest) -> String {
    format!("reports/{}/index.html", r.id)
}

/// The ids whose rows or pages a request's pages show or link to: the
/// pages are stale when one of them changes.
fn depends_on(r: &PublicRequest) -> Vec<String> {
    let mut deps = r.related.clone();
    deps.extend(r.supersedes.iter().cloned());
    deps.extend(r.superseded_by.iter().cloned());
    deps.extend(r.body.asked.iter().cloned());
    for d in &r.decisions {
        deps.extend(d.body.asked.iter().cloned());
    }
    deps.sort_unstable();
    deps.dedup();
    deps
}

/// A request's search documents: its page, its report when public, and
/// each public interim decision (found on the request's page).
fn search_docs(r: &PublicRequest) -> Vec<(String, Vec<u8>)> {
    use export::{SearchDoc, SearchPage};
    let mut search = vec![SearchDoc::of(r, SearchPage::Request, &r.body).fragment()];
    for (i, d) in r.decisions.iter().enumerate() {
        let page = match d.kind {
            DecisionKind::Final => SearchPage::Report,
            DecisionKind::Interim => SearchPage::Interim(i),
        };
        search.push(SearchDoc::of(r, page, &d.body).fragment());
    }
    search
}
