//! `register new decision REQUEST interim|final`: the next decision file for
//! a request, every field commented, withheld (TLP:AMBER) until a keeper
//! changes the label.

use super::{ScaffoldError, write_new};
use crate::model::date::Date;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Which decision, as `register new decision` names it (section 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DecisionKind {
    /// Triage, validity with NCSC, referral to a CPA Working Group, or a
    /// return to the Proposer.
    Interim,
    /// The SSC's decision on the final outcome; its body is the
    /// Modification Report.
    Final,
}

impl DecisionKind {
    fn slug(self) -> &'static str {
        match self {
            DecisionKind::Interim => "interim",
            DecisionKind::Final => "final",
        }
    }
}

/// Writes the next `kind` decision on `request` into `content/decisions/`
/// and returns its path: `<REQUEST>-final.md`, or `<REQUEST>-interim-<N>.md`
/// numbered after the highest one there.
pub fn create(
    content: &Path,
    request: &str,
    kind: DecisionKind,
    date: Date,
) -> Result<PathBuf, ScaffoldError> {
    if !content.is_dir() {
        return Err(super::no_content_folder(content));
    }
    let request = request.trim().to_ascii_uppercase();
    if !request_exists(&content.join("requests"), &request) {
        return Err(ScaffoldError::Refused(format!(
            "no request `{request}` in `{}`: give the id of an existing request \
             (`register new sc-modification \"Title\"` writes a new one)",
            content.join("requests").display()
        )));
    }
    let decisions = content.join("decisions");
    let name = match kind {
        DecisionKind::Final => format!("{request}-final.md"),
        DecisionKind::Interim => {
            let n = highest_interim(&decisions, &request).map_err(|source| ScaffoldError::Io {
                path: decisions.clone(),
                source,
            })?;
            format!("{request}-interim-{}.md", n + 1)
        }
    };
    let path = decisions.join(name);
    if kind == DecisionKind::Final && path.exists() {
        return Err(ScaffoldError::Refused(format!(
            "`{}` already exists: a request has at most one final decision; edit that file",
            path.display()
        )));
    }
    write_new(&path, &render(&request, kind, date))?;
    Ok(path)
}

/// True when `requests/` holds `<id>.md` or `<id>/index.md`.
fn request_exists(requests: &Path, id: &str) -> bool {
    requests.join(format!("{id}.md")).is_file() || requests.join(id).join("index.md").is_file()
}

/// The highest `N` of the `<request>-interim-<N>.md` files there are (0
/// when there is none).
fn highest_interim(decisions: &Path, request: &str) -> std::io::Result<u32> {
    if !decisions.is_dir() {
        return Ok(0);
    }
    let prefix = format!("{request}-interim-");
    let mut highest = 0;
    for entry in std::fs::read_dir(decisions)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let n = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".md"))
            .and_then(|n| n.parse::<u32>().ok());
        highest = highest.max(n.unwrap_or(0));
    }
    Ok(highest)
}

/// The text of a new decision file.
pub fn render(request: &str, kind: DecisionKind, date: Date) -> String {
    let mut t = String::new();
    let _ = write!(
        t,
        r#"+++
# A new {kind} decision on {request}, written by `register new decision` on
# {date}. Fill in the empty values, then run `register check`. The format is
# described in docs/register-format.md, section 3.2.

# The request this decision is about.
request = "{request}"
# TLP label (section 4). TLP:AMBER keeps this decision WITHHELD: nothing of
# it is published. Change it to "TLP:WHITE" (or "TLP:CLEAR") once the
# decision may be public; the request must be public too.
classification = "TLP:AMBER"
# The date of the SSC's decision (YYYY-MM-DD, unquoted).
date = {date}
kind = "{kind}"
{outcome}
"#,
        kind = kind.slug(),
        outcome = outcome_lines(kind),
    );
    t.push_str("+++\n\n");
    t.push_str(body(kind));
    t
}

/// The outcome and what goes with it, commented.
fn outcome_lines(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Interim => {
            r#"# "progressed" (on to the next stage), "returned" (to the Proposer) or
# "deferred".
outcome = """#
        }
        DecisionKind::Final => {
            r#"# "approved", "rejected" or "withdrawn".
outcome = ""
# For an approved change: the SC Sub-Version that carries it (e.g. "1.3")
# and the date the SSC set for it to take effect (NCSC publishes on it).
# Remove both for a rejected or withdrawn request.
# sc_version = ""
# implementation_date = YYYY-MM-DD
# When the SEC Panel was notified of the outcome (optional).
# panel_notified = YYYY-MM-DD"#
        }
    }
}

/// The body's headings: the Modification Report's for a final decision.
fn body(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Interim => {
            "## Decision and reasons\n\n<!-- What the SSC decided at this stage, and why. -->\n"
        }
        DecisionKind::Final => {
            "## Summary\n\n<!-- The modification in a paragraph. -->\n\n\
             ## CPA Working Group advice\n\n<!-- What the CPA Working Group advised. -->\n\n\
             ## NCSC view\n\n<!-- NCSC's view, as far as it may be published. -->\n\n\
             ## Decision and reasons\n\n<!-- The SSC's decision and its reasons. -->\n"
        }
    }
}
