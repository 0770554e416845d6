//! What a build will not publish, and why: for `register check --withheld`,
//! so a keeper can review before a release what stays out, not only that
//! the build passed.
//!
//! Every entry is decided by the same rules as the filter (`public`'s
//! `*_is_public`), so the list cannot disagree with what is published.

use crate::diagnostic::{github_escape_data, github_escape_property};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// What kind of thing is withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A whole request.
    Request,
    /// A decision.
    Decision,
    /// A marked passage of a body.
    Passage,
    /// An attachment a record lists.
    Attachment,
    /// A file in a record's folder that the record does not list.
    File,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Decision => "decision",
            Kind::Passage => "passage",
            Kind::Attachment => "attachment",
            Kind::File => "file",
        }
    }
}

/// One thing withheld.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Withheld {
    /// The file it is in (or is).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What it is.
    pub kind: Kind,
    /// The request it belongs to, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// Why it is withheld, in words: its colour, `draft`, ...
    pub reason: String,
}

/// The list as people read it, one line each.
pub fn human(withheld: &[Withheld]) -> String {
    let mut out = String::new();
    for w in withheld {
        let _ = write!(
            out,
            "{}:{}:{}: withheld {}",
            crate::diagnostic::shown_path(&w.file),
            w.line,
            w.column,
            w.kind.label()
        );
        if let Some(id) = &w.request {
            let _ = write!(out, " ({})", crate::diagnostic::shown(id));
        }
        let _ = writeln!(out, ": {}", crate::diagnostic::shown(&w.reason));
    }
    out
}

/// The list as GitHub Actions notices.
pub fn github(withheld: &[Withheld]) -> String {
    let mut out = String::new();
    for w in withheld {
        let _ = writeln!(
            out,
            "::notice file={},line={},col={}::{}",
            github_escape_property(&w.file.display().to_string()),
            w.line,
            w.column,
            github_escape_data(&format!("withheld {}: {}", w.kind.label(), w.reason))
        );
    }
    out
}
