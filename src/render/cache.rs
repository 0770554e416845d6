//! What `register serve` keeps of a render for the next one, and how the
//! next one knows what it may reuse.

use super::job::Made;
use super::rows::Rows;
use super::templates::Templates;
use super::view::Row;
use crate::publish::{PublicRegister, PublicRequest};
use crate::source::site::Settings;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Page bytes kept by the preview server and shared with the site it serves.
pub(super) type SharedBytes = Arc<[u8]>;

/// An export kept by the preview server: its path and bytes.
pub(super) type KeptPage = (String, SharedBytes);

/// A site-wide page kept by the preview server, with what it was made
/// from: the rows it shows, in order, and a summary of anything else.
#[derive(Clone)]
pub(super) struct SitePage {
    /// What the page shows besides its rows, in words (its heading and
    /// introduction, the versions it lists).
    pub(super) shows: String,
    /// The rows it shows, in order.
    pub(super) members: Vec<Arc<Row>>,
    /// The page.
    pub(super) bytes: SharedBytes,
}

/// What one public request adds to the site besides its row: its pages,
/// its search documents and its lines of the open-data exports.
pub(super) struct RequestUnit {
    /// Ids of the requests whose rows or links the pages show: the unit is
    /// stale when any of them changes.
    pub(super) deps: Vec<String>,
    /// The request's page and its Modification Report; kept only by the
    /// preview server, a build writes them out at once.
    pub(super) pages: Option<(SharedBytes, Option<SharedBytes>)>,
    /// Search documents, `(url, json)`.
    pub(super) search: Vec<(String, Vec<u8>)>,
    /// Its entry in `register.json`; kept only by the preview server (a
    /// build writes `register.json` straight from the register, beside the
    /// pages, rather than hold every entry twice).
    pub(super) json: Vec<u8>,
    /// Its line in `register.csv`.
    pub(super) csv: Vec<u8>,
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
    pub(super) key: u64,
    pub(super) register: Option<PublicRegister>,
    pub(super) rows: HashMap<String, (Arc<Row>, Arc<str>)>,
    pub(super) units: HashMap<String, Arc<RequestUnit>>,
    /// The index, list, versions, search and 404 pages.
    pub(super) site_pages: Vec<(String, SitePage)>,
    /// `register.json`, `register.csv` and the search index.
    pub(super) exports: Vec<KeptPage>,
    pub(super) rendered: usize,
}

impl RenderCache {
    /// How many requests the last build rendered afresh (the others'
    /// pages were reused).
    pub fn rendered_last(&self) -> usize {
        self.rendered
    }

    /// Keeps what the render of `register` (under `key`) made, for the next.
    pub(super) fn keep(&mut self, key: u64, register: PublicRegister, made: Made, rows: Rows) {
        self.key = key;
        self.rendered = made.rendered;
        self.site_pages = made.site_pages;
        self.exports = made.exports;
        let ids = register.requests().iter().map(|r| r.id.clone());
        self.units = ids.zip(made.units).collect();
        self.rows = rows
            .rows
            .into_iter()
            .zip(rows.html)
            .map(|(row, html)| (row.id.clone(), (row, html)))
            .collect();
        self.register = Some(register);
    }
}

/// The settings, build date and templates, hashed: when any changes, no
/// page of the last build can be reused.
pub(super) fn site_key(
    settings: &Settings,
    templates: &Templates,
    register: &PublicRegister,
) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{settings:?}").hash(&mut h);
    register.today().hash(&mut h);
    templates.key.hash(&mut h);
    h.finish()
}

/// The public requests whose report or attachments came or went since the
/// last build: a page linking to them may have to drop or gain a link.
pub(super) fn link_targets_changed<'a>(
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

/// What a render may take from the last one: for each request (in the
/// register's order) its row and rendered row when the request is exactly
/// as it was, and the ids whose rows changed, came or went (a page that
/// shows or links to one of them is stale).
pub(super) struct Reuse<'c> {
    previous: Option<&'c RenderCache>,
    /// Per request: the last build's row and rendered row, when the
    /// request is the same, field by field.
    pub(super) same: Vec<Option<&'c (Arc<Row>, Arc<str>)>>,
    changed: HashSet<String>,
}

impl<'c> Reuse<'c> {
    /// Nothing to reuse: a build.
    pub(super) fn nothing(register: &PublicRegister) -> Reuse<'c> {
        Reuse {
            previous: None,
            same: vec![None; register.requests().len()],
            changed: HashSet::default(),
        }
    }

    /// What `register` may reuse of `previous`.
    pub(super) fn of(previous: &'c RenderCache, register: &'c PublicRegister) -> Reuse<'c> {
        use rayon::prelude::*;
        let same: Vec<_> = register
            .requests()
            .par_iter()
            .map(|r| {
                let old = previous.register.as_ref()?.get(&r.id)?;
                (old == r).then(|| previous.rows.get(&r.id)).flatten()
            })
            .collect();
        Reuse {
            previous: Some(previous),
            same,
            changed: HashSet::default(),
        }
    }

    /// The last build's rendering of `row`, when `row` is the same (its
    /// request may have changed elsewhere, in its body say).
    pub(super) fn row_html(&self, i: usize, row: &Row) -> Option<&'c Arc<str>> {
        match self.same[i] {
            Some((_, html)) => Some(html),
            None => self
                .previous?
                .rows
                .get(&row.id)
                .filter(|(old, _)| old.as_ref() == row)
                .map(|(_, html)| html),
        }
    }

    /// Notes the ids whose rows differ from the last build's: `fresh`
    /// tells, per row, whether its rendering was reused.
    pub(super) fn note_changes(
        &mut self,
        rows: &[Arc<Row>],
        fresh: &[bool],
        register: &PublicRegister,
    ) {
        let Some(previous) = self.previous else {
            return;
        };
        let now: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let changed = rows
            .iter()
            .zip(fresh)
            .filter(|(_, f)| !**f)
            .map(|(r, _)| r.id.as_str());
        let gone = previous
            .rows
            .keys()
            .map(String::as_str)
            .filter(|id| !now.contains(id));
        self.changed = changed
            .chain(gone)
            .chain(link_targets_changed(previous, register))
            .map(str::to_string)
            .collect();
    }

    /// The last build's unit of request `i` (`id`), when nothing its pages
    /// show has changed.
    pub(super) fn unit(&self, i: usize, id: &str) -> Option<Arc<RequestUnit>> {
        self.same[i]?;
        let unit = self.previous?.units.get(id)?;
        unit.pages.as_ref()?;
        let fresh = unit.deps.iter().all(|d| !self.changed.contains(d));
        fresh.then(|| Arc::clone(unit))
    }

    /// The last build's site-wide page at `path`, when it showed the same
    /// `members` and the same other things (`shows`).
    pub(super) fn site_page(
        &self,
        path: &str,
        shows: &str,
        members: &[Arc<Row>],
    ) -> Option<SharedBytes> {
        let pages = &self.previous?.site_pages;
        let (_, page) = pages.iter().find(|(at, page)| {
            at == path
                && page.shows == shows
                && page.members.len() == members.len()
                && page
                    .members
                    .iter()
                    .zip(members)
                    .all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
        })?;
        Some(Arc::clone(&page.bytes))
    }

    /// The last build's export at `path`, when every request's part of it
    /// (`part`) is unchanged.
    pub(super) fn export(
        &self,
        path: &str,
        register: &PublicRegister,
        units: &[Arc<RequestUnit>],
        part: fn(&RequestUnit) -> &[u8],
    ) -> Option<SharedBytes> {
        let previous = self.previous?;
        let (_, bytes) = previous.exports.iter().find(|(p, _)| p == path)?;
        let unchanged = previous.units.len() == units.len()
            && register.requests().iter().zip(units).all(|(r, unit)| {
                previous
                    .units
                    .get(&r.id)
                    .is_some_and(|old| Arc::ptr_eq(old, unit) || part(old) == part(unit))
            });
        unchanged.then(|| Arc::clone(bytes))
    }
}
