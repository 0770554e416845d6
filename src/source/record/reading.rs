//! Where one record's problems are collected while it is read, and how
//! serious each is: a value that is wrong is an error; a value still to be
//! filled in is an error in a record that would be published, and a
//! warning in a withheld one (TLP:AMBER, or `draft = true`), so that a
//! keeper can commit and preview a request or decision in progress. Such
//! a record is never published, so nothing is lost by letting it build.

use super::Origin;
use crate::diagnostic::{Diagnostic, Message};
use toml::Spanned;

/// The problems of one record being read.
pub struct Reading<'a> {
    /// The file.
    pub origin: &'a Origin,
    /// Problems found so far.
    pub diagnostics: &'a mut Vec<Diagnostic>,
    /// True when the record is withheld whatever else it says.
    withheld: bool,
    /// Keys whose value could not be read, with the offset of their table:
    /// never reported missing too.
    unread: Vec<(usize, String)>,
}

impl<'a> Reading<'a> {
    /// Reading `origin`, whose problems go to `diagnostics`.
    pub fn new(origin: &'a Origin, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Reading {
            origin,
            diagnostics,
            withheld: false,
            unread: Vec::new(),
        }
    }

    /// Marks the record withheld whatever else it says (its label withholds
    /// it, or it is a draft): what is still to fill in is a warning.
    pub fn withheld(&mut self, withheld: bool) {
        self.withheld = withheld;
    }

    /// The offset in the file of a value of the front matter.
    pub fn offset<T>(&self, value: &Spanned<T>) -> usize {
        self.origin.toml_offset + value.span().start
    }

    /// The offset of the front matter in the file.
    pub fn base(&self) -> usize {
        self.origin.toml_offset
    }

    /// An error at `offset`.
    pub fn error(&mut self, offset: usize, message: impl Into<Message>, help: impl Into<Message>) {
        let d = self.origin.error(offset, message).with_help(help);
        self.diagnostics.push(d);
    }

    /// A value still to be filled in: an error, or a warning in a record
    /// that is withheld anyway.
    pub fn incomplete(
        &mut self,
        offset: usize,
        message: impl Into<Message>,
        help: impl Into<Message>,
    ) {
        let d = self.origin.error(offset, message).with_help(help);
        self.diagnostics.push(match self.withheld {
            true => d.as_warning(),
            false => d,
        });
    }

    /// Notes that `key`'s value, in the table at `table`, was wrong (and
    /// reported).
    pub fn unread(&mut self, table: usize, key: &str) {
        self.unread.push((table, key.to_string()));
    }

    /// A required key that is not there (and was not reported as wrong),
    /// reported at the front matter's first line.
    pub fn missing(&mut self, key: &str, help: impl Into<Message>) {
        if self.unread.iter().any(|(_, k)| k == key) {
            return;
        }
        let offset = self.origin.toml_offset.saturating_sub(4);
        self.incomplete(offset, format!("missing required key `{key}`"), help);
    }

    /// A key of a table that is not there, reported at the table.
    pub fn missing_in(&mut self, at: usize, table: &str, key: &str, help: impl Into<Message>) {
        if self.unread.iter().any(|(t, k)| *t == at && k == key) {
            return;
        }
        self.incomplete(at, format!("{table} needs `{key}`"), help);
    }

    /// True when the record is withheld whatever else it says.
    pub fn is_withheld(&self) -> bool {
        self.withheld
    }
}
