//! The register's rows: one per public request, made and rendered once
//! and shared by the index and every list that shows the request.

use super::cache::Reuse;
use super::templates::tera_error;
use super::view::Row;
use super::{RenderError, theme_error};
use crate::publish::PublicRegister;
use crate::source::site::Settings;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use tera::{Context, Tera};

/// Every public request's row, in the register's order, and its HTML.
pub(super) struct Rows {
    /// The rows.
    pub(super) rows: Vec<Arc<Row>>,
    /// Each row rendered by `_register_row.html`.
    pub(super) html: Vec<Arc<str>>,
    /// The rows' positions, newest submission first (then by id): the
    /// order of every list.
    pub(super) newest_first: Vec<usize>,
}

impl Rows {
    /// The rows of `register`, taking from the last build what `reuse`
    /// allows, and noting in it which rows changed.
    pub(super) fn make(
        register: &PublicRegister,
        settings: &Settings,
        tera: &Tera,
        reuse: &mut Reuse<'_>,
    ) -> Result<Rows, RenderError> {
        let rows: Vec<Arc<Row>> = register
            .requests()
            .par_iter()
            .zip(&reuse.same)
            .map(|(r, same)| match same {
                Some((row, _)) => Arc::clone(row),
                None => Arc::new(Row::of(r, settings)),
            })
            .collect();
        let old: Vec<Option<Arc<str>>> = (0..rows.len())
            .map(|i| reuse.row_html(i, &rows[i]).map(Arc::clone))
            .collect();
        let fresh: Vec<bool> = old.iter().map(Option::is_some).collect();
        reuse.note_changes(&rows, &fresh, register);
        let html = rows
            .par_iter()
            .zip(old)
            .map(|(row, old)| match old {
                Some(html) => Ok(html),
                None => render_row(tera, row),
            })
            .collect::<Result<Vec<Arc<str>>, RenderError>>()?;
        let newest_first = newest_first(&rows);
        Ok(Rows {
            rows,
            html,
            newest_first,
        })
    }

    /// The row of each request id.
    pub(super) fn by_id(&self) -> HashMap<&str, &Row> {
        self.rows
            .iter()
            .map(|r| (r.id.as_str(), r.as_ref()))
            .collect()
    }

    /// The position of each request id.
    pub(super) fn position(&self) -> HashMap<&str, usize> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect()
    }

    /// The rendered rows at `members`, in that order.
    pub(super) fn html_of(&self, members: &[usize]) -> Vec<&str> {
        members.iter().map(|&i| self.html[i].as_ref()).collect()
    }
}

fn render_row(tera: &Tera, row: &Row) -> Result<Arc<str>, RenderError> {
    let mut c = Context::new();
    c.insert("row", row);
    tera.render("_register_row.html", &c)
        .map(Arc::from)
        .map_err(|e| theme_error(format!("rendering _register_row.html: {}", tera_error(&e))))
}

/// Positions of `rows`, newest submission first, then by id.
fn newest_first(rows: &[Arc<Row>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&rows[a], &rows[b]);
        b.submitted.cmp(&a.submitted).then_with(|| a.id.cmp(&b.id))
    });
    order
}
