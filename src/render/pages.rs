//! The reader's guides: `/mitigations/` (every mitigation affected, in
//! its group), `/about/` (the process in plain words, every status
//! defined) and `/statistics/` (figures and charts). Each is made from
//! the public register's rows only, like every other page; beside them
//! the open data's descriptions and the print style's site address.

use super::cache::SitePage;
use super::job::RenderJob;
use super::lists::Lists;
use super::opendata;
use super::stats;
use super::view;
use super::{Contents, OutputFile, RenderError};
use crate::model::status::Status;
use serde::Serialize;
use std::sync::Mutex;

/// A status as `/about/` defines it.
#[derive(Debug, Clone, Serialize)]
pub struct StatusDefinition {
    /// Slug, the anchor `#status-<slug>` every status tag links to.
    pub slug: &'static str,
    /// Label.
    pub label: &'static str,
    /// Still being considered?
    pub open: bool,
    /// What it means.
    pub definition: &'static str,
}

/// Every status, in process order, defined.
pub fn status_definitions() -> Vec<StatusDefinition> {
    Status::ALL
        .iter()
        .map(|s| StatusDefinition {
            slug: s.slug(),
            label: s.label(),
            open: s.is_open(),
            definition: s.definition(),
        })
        .collect()
}

type Kept = Mutex<Vec<(String, SitePage)>>;

impl RenderJob<'_> {
    /// The guides: mitigations, about and statistics.
    pub(super) fn guide_pages(&self, lists: &Lists<'_>, kept: &Kept) -> Result<(), RenderError> {
        self.mitigations_page(lists, kept)?;
        self.about_page(kept)?;
        self.statistics_page(kept)?;
        self.out.put(opendata::datapackage(self.settings))?;
        self.out.put(opendata::json_schema(self.settings))?;
        self.print_css()
    }

    /// `/print.css`: the site's address for printed links, which print in
    /// full (`style.css` reads it as `--base-url`).
    fn print_css(&self) -> Result<(), RenderError> {
        let base = self
            .settings
            .base_url
            .replace('\\', "\\\\")
            .replace('"', "\\\"");
        let css = format!(":root {{ --base-url: \"{base}\"; }}\n");
        self.out.put(OutputFile {
            path: "print.css".into(),
            contents: Contents::Bytes(css.into_bytes()),
        })?;
        Ok(())
    }

    /// `/mitigations/`: every mitigation affected, grouped DEV, VER, DEP.
    fn mitigations_page(&self, lists: &Lists<'_>, kept: &Kept) -> Result<(), RenderError> {
        let path = "mitigations/index.html";
        let shows = format!("{:?}", lists.mitigations);
        self.site_page(path, shows, &[], kept, &|| {
            self.renderer.page(
                "mitigations.html",
                path.into(),
                "mitigations",
                "Mitigations",
                |c| {
                    c.insert("groups", &view::mitigation_groups(lists.mitigations));
                },
            )
        })
    }

    /// `/about/`: how the register works; shows no request.
    fn about_page(&self, kept: &Kept) -> Result<(), RenderError> {
        let path = "about/index.html";
        self.site_page(path, String::new(), &[], kept, &|| {
            self.renderer.page(
                "about.html",
                path.into(),
                "about",
                "How the register works",
                |c| c.insert("statuses", &status_definitions()),
            )
        })
    }

    /// `/statistics/`: made from every row, so shown again when any
    /// row changes.
    fn statistics_page(&self, kept: &Kept) -> Result<(), RenderError> {
        let path = "statistics/index.html";
        let all: Vec<usize> = (0..self.rows.rows.len()).collect();
        self.site_page(path, String::new(), &all, kept, &|| {
            let figures = stats::Statistics::of(&self.rows.rows);
            self.renderer.page(
                "statistics.html",
                path.into(),
                "statistics",
                "Statistics",
                |c| {
                    c.insert("stats", &figures);
                },
            )
        })
    }
}
