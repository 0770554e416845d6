//! Step 2: load and check the whole content folder.
//!
//! Per-record checks run in parallel (`record::parse`); the rules across
//! records (unique ids, references, one final decision, `decided` if and
//! only if a final decision exists, links and passages in bodies) run here.
//! Every problem is collected; none stops the others from being found.

use crate::diagnostic::{self, Diagnostic};
use crate::load;
use crate::markdown::{self, RecordLink};
use crate::passages;
use crate::record::{self, Decision, Origin, Record, Request};
use crate::site::Settings;
use crate::vocabulary::{DecisionKind, Stage};
use rayon::prelude::*;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

/// Every record of a content folder, read and checked, not yet filtered.
#[derive(Debug, Default)]
pub struct Register {
    /// Requests, sorted by id.
    pub requests: Vec<Request>,
    /// Decisions, sorted by request, date and file.
    pub decisions: Vec<Decision>,
}

/// The outcome of loading and checking a content folder.
#[derive(Debug)]
pub struct Checked {
    /// `site.toml`.
    pub settings: Settings,
    /// The records whose fields could be read.
    pub register: Register,
    /// Every problem, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many record files were read.
    pub files_read: usize,
}

impl Checked {
    /// True when any diagnostic is an error: nothing may be built.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads `content` and checks every rule of the format.
pub fn check(content: &Path) -> Checked {
    let mut diagnostics = Vec::new();
    let settings = Settings::load(content, &mut diagnostics);
    let loaded = load::load(content);
    diagnostics.extend(loaded.diagnostics);
    let files_read = loaded.files.len();
    let parsed: Vec<record::Parsed> = loaded
        .files
        .into_par_iter()
        .map(|f| record::parse(f, &settings.devices))
        .collect();
    let mut register = Register::default();
    let mut unreadable = Vec::new();
    for p in parsed {
        diagnostics.extend(p.diagnostics);
        match p.record {
            Some(Record::Request(r)) => register.requests.push(*r),
            Some(Record::Decision(d)) => register.decisions.push(*d),
            None => unreadable.extend(p.unreadable),
        }
    }
    register.requests.sort_by(|a, b| a.id.cmp(&b.id));
    register.decisions.sort_by(|a, b| {
        (&a.request, a.date, &a.origin.path).cmp(&(&b.request, b.date, &b.origin.path))
    });
    check_across(&register, &unreadable, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    Checked {
        settings,
        register,
        diagnostics,
        files_read,
    }
}

/// Rules across records. `unreadable` records (fields broken) still count
/// as known ids and still have their bodies checked, so one mistake gives
/// one error, not a cascade.
fn check_across(
    register: &Register,
    unreadable: &[record::Unreadable],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_id: HashMap<&str, &Request> = HashMap::new();
    let broken_ids: HashSet<&str> = unreadable.iter().filter_map(|u| u.id.as_deref()).collect();
    for r in &register.requests {
        if let Some(first) = by_id.get(r.id.as_str()) {
            diagnostics.push(
                r.origin
                    .error(r.spans.id, format!("duplicate id `{}`", r.id))
                    .with_help(format!(
                        "ids are unique; `{}` already uses it",
                        first.origin.path.display()
                    )),
            );
        } else {
            by_id.insert(&r.id, r);
        }
    }
    for r in &register.requests {
        for (id, &at) in r.related.iter().zip(&r.spans.related) {
            if id == &r.id {
                diagnostics.push(
                    r.origin
                        .error(at, "a request cannot be related to itself")
                        .with_help("remove its own id from `related`"),
                );
            } else if !by_id.contains_key(id.as_str()) && !broken_ids.contains(id.as_str()) {
                diagnostics.push(unknown_id(&r.origin, at, id, "in `related`"));
            }
        }
    }
    let mut finals: HashMap<&str, &Decision> = HashMap::new();
    for d in &register.decisions {
        let Some(request) = by_id.get(d.request.as_str()) else {
            if !broken_ids.contains(d.request.as_str()) {
                let e = unknown_id(&d.origin, d.request_span, &d.request, "in `request`");
                diagnostics.push(e);
            }
            continue;
        };
        if d.date < request.submitted {
            diagnostics.push(
                d.origin
                    .error(
                        d.date_span,
                        format!(
                            "the decision ({}) is dated before the request was submitted ({})",
                            d.date, request.submitted
                        ),
                    )
                    .with_help("correct the decision's `date`"),
            );
        }
        if d.kind == DecisionKind::Final {
            if let Some(first) = finals.get(d.request.as_str()) {
                diagnostics.push(
                    d.origin
                        .error(
                            d.kind_span,
                            format!("`{}` already has a final decision", d.request),
                        )
                        .with_help(format!(
                            "a request has at most one final decision; see `{}`",
                            first.origin.path.display()
                        )),
                );
            } else {
                finals.insert(&d.request, d);
            }
        }
    }
    for r in &register.requests {
        let decided = r.history.iter().position(|h| h.stage == Stage::Decided);
        match (decided, finals.get(r.id.as_str())) {
            (Some(i), None) => diagnostics.push(
                r.origin
                    .error(
                        r.spans.history.get(i).copied().unwrap_or(r.spans.history_table),
                        "the request is `decided` but has no final decision",
                    )
                    .with_help(format!(
                        "add decisions/{}-final.md with kind = \"final\", or remove the `decided` entry",
                        r.id
                    )),
            ),
            (None, Some(d)) => diagnostics.push(
                d.origin
                    .error(
                        d.kind_span,
                        format!("a final decision for `{}`, whose history is not `decided`", r.id),
                    )
                    .with_help(format!(
                        "add a [[history]] entry with stage = \"decided\" and date = {} to the request",
                        d.date
                    )),
            ),
            _ => {}
        }
    }
    let bodies = register
        .requests
        .iter()
        .map(|r| {
            (
                &r.origin,
                r.classification.is_some_and(|c| c.is_public()) && !r.draft,
            )
        })
        .chain(register.decisions.iter().map(|d| {
            let public = d.classification.is_some_and(|c| c.is_public());
            (&d.origin, public)
        }))
        .chain(unreadable.iter().map(|u| (&u.origin, false)));
    let known = Known {
        requests: &by_id,
        broken: &broken_ids,
        finals: &finals,
    };
    let found: Vec<Diagnostic> = bodies
        .collect::<Vec<_>>()
        .into_par_iter()
        .flat_map_iter(|(origin, public)| check_body(origin, public, &known))
        .collect();
    diagnostics.extend(found);
}

fn unknown_id(origin: &Origin, at: usize, id: &str, place: &str) -> Diagnostic {
    origin
        .error(at, format!("unknown request id `{id}` {place}"))
        .with_help("use the id of a request in requests/ (ids are case-sensitive)")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("valid pattern")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\+44\s?\(?0?\)?\s?|\b0)[1-9][0-9]{2,4}[\s-]?[0-9]{3}[\s-]?[0-9]{3,4}\b")
        .expect("valid pattern")
});

/// The ids a body may link to.
struct Known<'a> {
    requests: &'a HashMap<&'a str, &'a Request>,
    broken: &'a HashSet<&'a str>,
    finals: &'a HashMap<&'a str, &'a Decision>,
}

impl Known<'_> {
    fn exists(&self, id: &str) -> bool {
        self.requests.contains_key(id) || self.broken.contains(id)
    }
}

fn check_body(origin: &Origin, public: bool, known: &Known<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let body = origin.body();
    let base = origin.body_offset;
    let marked = passages::strip(body);
    for p in &marked.problems {
        found.push(
            origin
                .error(base + p.offset, p.message.clone())
                .with_help(p.help),
        );
    }
    // Most bodies link only to ids that exist: a quick scan proves it and
    // saves a full parse; anything doubtful is parsed and located.
    let all_fine = markdown::quick_record_links(body).is_some_and(|candidates| {
        candidates
            .iter()
            .all(|dest| match markdown::parse_record_link(dest) {
                Ok(RecordLink::Request(id)) => known.exists(&id),
                Ok(RecordLink::Report(id)) => known.finals.contains_key(id.as_str()),
                Err(_) => false,
            })
    });
    let links = if all_fine {
        Vec::new()
    } else {
        markdown::record_links(body)
    };
    for (at, dest) in links {
        match markdown::parse_record_link(&dest) {
            Err(markdown::NotARecordLink) => found.push(
                origin
                    .error(base + at, format!("`{dest}` is not a record link"))
                    .with_help("write (@SCMR-2019-001) for a request or (@SCMR-2019-001/report) for its report"),
            ),
            Ok(RecordLink::Request(id)) if !known.exists(&id) => {
                found.push(unknown_id(origin, base + at, &id, "in a link"));
            }
            Ok(RecordLink::Report(id)) => {
                if !known.exists(&id) {
                    found.push(unknown_id(origin, base + at, &id, "in a link"));
                } else if known.requests.contains_key(id.as_str()) && !known.finals.contains_key(id.as_str()) {
                    found.push(
                        origin
                            .error(base + at, format!("`{id}` has no final decision, so no report"))
                            .with_help(format!("link to the request instead: (@{id})")),
                    );
                }
            }
            Ok(_) => {}
        }
    }
    if public {
        // Personal data in what would be published: say so, without echoing it.
        for m in EMAIL.find_iter(&marked.public).take(5) {
            let at = locate(body, &marked.public, m.start());
            found.push(
                origin
                    .warning(base + at, "an e-mail address in a public body")
                    .with_help("personal data belongs in [proposer] or [sponsor], which are never published"),
            );
        }
        for m in PHONE.find_iter(&marked.public).take(5) {
            let at = locate(body, &marked.public, m.start());
            found.push(
                origin
                    .warning(base + at, "a telephone number in a public body")
                    .with_help("personal data belongs in [proposer] or [sponsor], which are never published"),
            );
        }
    }
    found
}

/// Finds where the public text's line at `offset` sits in the original body.
fn locate(body: &str, public: &str, offset: usize) -> usize {
    let line_start = public[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = public[offset..]
        .find('\n')
        .map_or(public.len(), |i| offset + i);
    let line = &public[line_start..line_end];
    match body.find(line) {
        Some(i) if !line.is_empty() => i + (offset - line_start),
        _ => 0,
    }
}
