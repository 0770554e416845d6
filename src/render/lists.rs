//! The list pages (one per status, device and SC version) and what the
//! index and `/versions/` say about them, worked out once per render.

use super::rows::Rows;
use super::templates::Table;
use super::view::{self, Facet, Row, VersionSummary, VersionView};
use crate::publish::PublicRegister;
use crate::source::site::Settings;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

/// The statuses, devices and SC versions of the public register.
pub(super) struct Facets {
    pub(super) statuses: Vec<Facet>,
    /// `open` and `closed`, the two groups of statuses, when not empty.
    pub(super) groups: Vec<Facet>,
    pub(super) devices: Vec<Facet>,
    pub(super) types: Vec<Facet>,
    /// Years of submission, newest first.
    pub(super) years: Vec<Facet>,
    /// Mitigations affected, in the SCs' order.
    pub(super) mitigations: Vec<Facet>,
    pub(super) versions: Vec<VersionView>,
    /// The SC version current on the build date.
    pub(super) current: String,
}

impl Facets {
    /// The facets of `register`, whose rows are `rows`.
    pub(super) fn of(
        register: &PublicRegister,
        settings: &Settings,
        rows: &Rows,
        by_id: &HashMap<&str, &Row>,
    ) -> Facets {
        let (versions, current) = view::versions(register, by_id);
        Facets {
            statuses: view::status_facets(&rows.rows),
            groups: view::group_facets(&rows.rows),
            devices: view::device_facets(&rows.rows, settings),
            types: view::type_facets(&rows.rows),
            years: view::year_facets(&rows.rows),
            mitigations: view::mitigation_facets(&rows.rows),
            versions,
            current,
        }
    }
}

/// The list pages to make, and what the index and `/versions/` show.
pub(super) struct Lists<'f> {
    pub(super) statuses: &'f [Facet],
    pub(super) groups: &'f [Facet],
    pub(super) devices: &'f [Facet],
    pub(super) types: &'f [Facet],
    pub(super) years: &'f [Facet],
    pub(super) mitigations: &'f [Facet],
    pub(super) versions: &'f [VersionView],
    pub(super) current: &'f str,
    /// Every SC version without its requests.
    pub(super) summaries: Vec<VersionSummary<'f>>,
    /// One per status, device and SC version.
    pub(super) specs: Vec<ListSpec<'f>>,
    /// The rows `/versions/` shows, in its order.
    pub(super) in_versions: Vec<usize>,
}

impl<'f> Lists<'f> {
    /// The lists of `facets`; `rows` in the register's order, `position`
    /// of each id in it.
    pub(super) fn of(
        facets: &'f Facets,
        register: &PublicRegister,
        rows: &Rows,
        position: &HashMap<&str, usize>,
    ) -> Lists<'f> {
        let mut specs: Vec<ListSpec<'f>> = Vec::new();
        specs.extend(
            facets
                .statuses
                .iter()
                .map(|s| status_list(s, register, rows)),
        );
        specs.extend(facets.groups.iter().map(|g| group_list(g, register, rows)));
        specs.extend(facets.devices.iter().map(|d| device_list(d, rows)));
        specs.extend(facets.types.iter().map(|t| type_list(t, rows)));
        specs.extend(facets.years.iter().map(|y| year_list(y, rows)));
        specs.extend(facets.mitigations.iter().map(|m| mitigation_list(m, rows)));
        specs.extend(facets.versions.iter().map(|v| version_list(v, position)));
        let in_versions = facets
            .versions
            .iter()
            .flat_map(|v| &v.requests)
            .filter_map(|r| position.get(r.id.as_str()).copied())
            .collect();
        Lists {
            statuses: &facets.statuses,
            groups: &facets.groups,
            devices: &facets.devices,
            types: &facets.types,
            years: &facets.years,
            mitigations: &facets.mitigations,
            versions: &facets.versions,
            current: &facets.current,
            summaries: facets.versions.iter().map(VersionView::summary).collect(),
            specs,
            in_versions,
        }
    }
}

/// A list page before its table is built: its members are positions in
/// the register's rows, and its table is made as the page renders, so at
/// most a few large tables are in memory at once.
pub(super) struct ListSpec<'a> {
    pub(super) path: String,
    pub(super) kind: &'static str,
    pub(super) heading: String,
    pub(super) intro: String,
    pub(super) members: Vec<usize>,
    pub(super) version: Option<&'a VersionView>,
}

/// A list page as `list.html` sees it.
#[derive(Serialize)]
pub(super) struct ListView<'a> {
    kind: &'static str,
    heading: &'a str,
    intro: &'a str,
    table: Table,
    version: Option<VersionSummary<'a>>,
}

impl ListSpec<'_> {
    /// The page's view, with its table.
    pub(super) fn view<'s>(
        &'s self,
        table: Table,
        version: Option<VersionSummary<'s>>,
    ) -> ListView<'s> {
        ListView {
            kind: self.kind,
            heading: &self.heading,
            intro: &self.intro,
            table,
            version,
        }
    }
}

fn status_list<'a>(s: &Facet, register: &PublicRegister, rows: &Rows) -> ListSpec<'a> {
    ListSpec {
        path: format!("status/{}/index.html", s.slug),
        kind: "status",
        heading: format!("Status: {}", s.label),
        intro: format!(
            "Requests whose status is {} on {}.",
            s.label.to_lowercase(),
            register.today().long()
        ),
        members: members(rows, |row| row.status == s.slug),
        version: None,
    }
}

/// `/status/open/` or `/status/closed/`: every status of the group.
fn group_list<'a>(g: &Facet, register: &PublicRegister, rows: &Rows) -> ListSpec<'a> {
    let open = g.slug == "open";
    ListSpec {
        path: format!("status/{}/index.html", g.slug),
        kind: "status",
        heading: format!("{} requests", g.label),
        intro: format!(
            "Requests {} on {}.",
            if open {
                "still being considered (no final decision)"
            } else {
                "with a final decision, published or not,"
            },
            register.today().long()
        ),
        members: members(rows, |row| row.open == open),
        version: None,
    }
}

fn device_list<'a>(d: &Facet, rows: &Rows) -> ListSpec<'a> {
    let named = match d.label.as_str() {
        "" => d.name.clone(),
        full => format!("{} ({full})", d.name),
    };
    ListSpec {
        path: format!("devices/{}/index.html", d.slug),
        kind: "device",
        heading: format!("Device: {}", d.name),
        intro: format!("Requests concerning {named}."),
        members: members(rows, |row| row.devices.iter().any(|x| x == &d.name)),
        version: None,
    }
}

fn type_list<'a>(t: &Facet, rows: &Rows) -> ListSpec<'a> {
    ListSpec {
        path: format!("types/{}/index.html", t.slug),
        kind: "type",
        heading: t.label.clone(),
        intro: format!("Every public {}.", t.label),
        members: members(rows, |row| row.request_type == t.slug),
        version: None,
    }
}

fn year_list<'a>(y: &Facet, rows: &Rows) -> ListSpec<'a> {
    ListSpec {
        path: format!("years/{}/index.html", y.slug),
        kind: "year",
        heading: format!("Submitted in {}", y.slug),
        intro: format!(
            "Requests submitted in {}, whenever they were decided.",
            y.slug
        ),
        members: members(rows, |row| row.submitted.starts_with(&y.slug)),
        version: None,
    }
}

fn mitigation_list<'a>(m: &Facet, rows: &Rows) -> ListSpec<'a> {
    ListSpec {
        path: format!("mitigations/{}/index.html", m.slug),
        kind: "mitigation",
        heading: format!("Mitigation {}", m.name),
        intro: format!(
            "Every public request that affects mitigation {}, with its outcome and the SC \
             version that carries the change.",
            m.name
        ),
        members: members(rows, |row| row.mitigations.iter().any(|x| x.name == m.name)),
        version: None,
    }
}

fn version_list<'a>(v: &'a VersionView, position: &HashMap<&str, usize>) -> ListSpec<'a> {
    ListSpec {
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
    }
}

/// The rows, newest first, that `keep` keeps.
fn members(rows: &Rows, keep: impl Fn(&Row) -> bool) -> Vec<usize> {
    rows.newest_first
        .iter()
        .copied()
        .filter(|&i| keep(&rows.rows[i]))
        .collect()
}
