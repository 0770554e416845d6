//! The rules across records: unique ids, references that exist, one
//! final decision per request, `decided` if and only if it has one, and
//! the links of every body.

use super::Register;
use super::cache::TextFacts;
use super::record_texts::RecordTexts;
use crate::diagnostic::{Diagnostic, Message};
use crate::model::date::Date;
use crate::model::vocabulary::{DecisionKind, Stage};
use crate::publish;
use crate::render::markdown::{self, NotARecordLink, RecordLink};
use crate::source::record::{Decision, Origin, Request, Unreadable};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::hash_map::Entry;

/// Rules across records. `unreadable` records (fields broken) still count
/// as known ids and still have their bodies checked, so one mistake gives
/// one error, not a cascade.
pub(super) fn check_across(
    register: &Register,
    unreadable: &[&Unreadable],
    texts: &RecordTexts<'_>,
    today: Option<Date>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let bodies = texts.bodies();
    let by_id = unique_ids(register, diagnostics);
    let broken_ids: HashSet<&str> = unreadable.iter().filter_map(|u| u.id.as_deref()).collect();
    let finals = final_decisions(register, &by_id, &broken_ids, diagnostics);
    incomplete_records(unreadable, &by_id, &finals, diagnostics);
    let known = LinkTargets {
        requests: &by_id,
        broken: &broken_ids,
        finals: &finals,
    };
    let found: Vec<Diagnostic> = register
        .requests
        .par_iter()
        .flat_map_iter(|r| check_request(r, &known))
        .collect();
    diagnostics.extend(found);
    let found: Vec<Diagnostic> = bodies
        .par_iter()
        .flat_map_iter(|&(origin, facts)| check_body(origin, facts, &known))
        .collect();
    diagnostics.extend(found);
    diagnostics.extend(mitigation_pages(register, &broken_ids, today));
}

/// A public request's mitigation reference whose page name (`VER-7` for
/// `VER 7`, see `render::view::mitigation_slug`) is the id of a withheld
/// request, or of one that could not be read: the page's path would
/// publish the id.
fn mitigation_pages(
    register: &Register,
    broken_ids: &HashSet<&str>,
    today: Option<Date>,
) -> Vec<Diagnostic> {
    let withheld: HashSet<String> = register
        .requests
        .iter()
        .filter(|r| !publish::request_is_public(r, today))
        .map(|r| r.id.as_str())
        .chain(broken_ids.iter().copied())
        .map(str::to_ascii_uppercase)
        .collect();
    let mut found = Vec::new();
    let public = register
        .requests
        .iter()
        .filter(|r| publish::request_is_public(r, today));
    for r in public {
        for (sc, &at) in r.affected_scs.iter().zip(&r.spans.affected_scs) {
            let page = crate::render::view::mitigation_slug(sc).to_ascii_uppercase();
            if withheld.contains(&page) {
                let message = Message::new("the mitigation reference ")
                    .quote(sc)
                    .text(" has the page name ")
                    .quote(&page)
                    .text(", the id of a request that is withheld: the page's address would publish the id");
                found.push(r.origin.error(at, message).with_help(
                    "check the reference; if it is right, rename the withheld request's id",
                ));
            }
        }
    }
    found
}

/// The requests by id; a second request with an id is an error.
fn unique_ids<'r>(
    register: &'r Register,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<&'r str, &'r Request> {
    let mut by_id: HashMap<&str, &Request> =
        HashMap::with_capacity_and_hasher(register.requests.len(), Default::default());
    for r in &register.requests {
        match by_id.entry(&r.id) {
            Entry::Occupied(first) => diagnostics.push(
                r.origin
                    .error(r.spans.id, Message::new("duplicate id ").quote(&r.id))
                    .with_help(format!(
                        "ids are unique; `{}` already uses it",
                        first.get().origin.path.display()
                    )),
            ),
            Entry::Vacant(at) => {
                at.insert(r);
            }
        }
    }
    by_id
}

/// Each request's final decision. A decision about no request, or dated
/// before its request, or a second final decision, is an error.
fn final_decisions<'r>(
    register: &'r Register,
    by_id: &HashMap<&str, &Request>,
    broken_ids: &HashSet<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<&'r str, &'r Decision> {
    let mut finals: HashMap<&str, &Decision> =
        HashMap::with_capacity_and_hasher(register.decisions.len(), Default::default());
    for d in &register.decisions {
        let Some(request) = by_id.get(d.request.as_str()) else {
            if !broken_ids.contains(d.request.as_str()) {
                let e = unknown_id(&d.origin, d.request_span, &d.request, "in `request`");
                diagnostics.push(e);
            }
            continue;
        };
        if d.date < request.submitted {
            diagnostics.push(dated_before_request(d, request));
        }
        if d.kind == DecisionKind::Final {
            match finals.entry(&d.request) {
                Entry::Occupied(first) => diagnostics.push(second_final(d, first.get())),
                Entry::Vacant(at) => {
                    at.insert(d);
                }
            }
        }
    }
    finals
}

/// The rules across records for records that cannot be read in full (a
/// withheld record may be incomplete): their ids are unique too, and a
/// final decision among them is a request's second when it has one. A
/// withheld final decision that says `withdrawn` while a public one says
/// `approved` would otherwise leave the register publishing the wrong
/// outcome without a word.
fn incomplete_records(
    unreadable: &[&Unreadable],
    by_id: &HashMap<&str, &Request>,
    finals: &HashMap<&str, &Decision>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut ids: HashMap<&str, &Unreadable> = HashMap::default();
    let mut broken_finals: HashMap<&str, &Unreadable> = HashMap::default();
    for u in unreadable {
        if let Some(id) = u.id.as_deref() {
            let first = by_id
                .get(id)
                .map(|r| r.origin.path.clone())
                .or_else(|| ids.get(id).map(|f| f.origin.path.clone()));
            match first {
                Some(first) => diagnostics.push(incomplete_duplicate_id(u, id, &first)),
                None => {
                    ids.insert(id, u);
                }
            }
        }
        if u.is_final
            && let Some((request, at)) = &u.request
        {
            let first = finals
                .get(request.as_str())
                .map(|d| d.origin.path.clone())
                .or_else(|| {
                    broken_finals
                        .get(request.as_str())
                        .map(|f| f.origin.path.clone())
                });
            match first {
                Some(first) => diagnostics.push(incomplete_second_final(u, request, *at, &first)),
                None => {
                    broken_finals.insert(request, u);
                }
            }
        }
    }
}

/// An incomplete record that takes an id `first` already uses.
fn incomplete_duplicate_id(u: &Unreadable, id: &str, first: &std::path::Path) -> Diagnostic {
    u.origin
        .error(u.id_at, Message::new("duplicate id ").quote(id))
        .with_help(format!(
            "ids are unique, incomplete records' too; `{}` already uses it",
            first.display()
        ))
}

/// An incomplete final decision for a request that has one in `first`.
fn incomplete_second_final(
    u: &Unreadable,
    request: &str,
    at: usize,
    first: &std::path::Path,
) -> Diagnostic {
    u.origin
        .error(
            at,
            Message::new("")
                .quote(request)
                .text(" already has a final decision; this one (incomplete) is a second"),
        )
        .with_help(format!(
            "a request has at most one final decision: `{}` is the other; \
             make one of them `kind = \"interim\"`, or delete one",
            first.display()
        ))
}

fn dated_before_request(d: &Decision, request: &Request) -> Diagnostic {
    d.origin
        .error(
            d.date_span,
            Message::new("the decision (")
                .quote_raw(&d.date.to_string())
                .text(") is dated before the request was submitted (")
                .quote_raw(&request.submitted.to_string())
                .text(")"),
        )
        .with_help("correct the decision's `date`")
}

fn second_final(d: &Decision, first: &Decision) -> Diagnostic {
    d.origin
        .error(
            d.kind_span,
            Message::new("")
                .quote(&d.request)
                .text(" already has a final decision"),
        )
        .with_help(format!(
            "a request has at most one final decision; see `{}`",
            first.origin.path.display()
        ))
}

/// The rules on one request that need the others: its `related` ids, and
/// `decided` if and only if it has a final decision.
fn check_request(r: &Request, known: &LinkTargets<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (id, &at) in r.related.iter().zip(&r.spans.related) {
        if id == &r.id {
            found.push(
                r.origin
                    .error(at, "a request cannot be related to itself")
                    .with_help("remove its own id from `related`"),
            );
        } else if !known.exists(id) {
            found.push(unknown_id(&r.origin, at, id, "in `related`"));
        }
    }
    for (id, &at) in r.supersedes.iter().zip(&r.spans.supersedes) {
        if id == &r.id {
            found.push(
                r.origin
                    .error(at, "a request cannot supersede itself")
                    .with_help("remove its own id from `supersedes`"),
            );
        } else if !known.exists(id) {
            found.push(unknown_id(&r.origin, at, id, "in `supersedes`"));
        }
    }
    found.extend(decided_rule(r, known));
    found
}

/// `decided` if and only if the request has a final decision.
fn decided_rule(r: &Request, known: &LinkTargets<'_>) -> Option<Diagnostic> {
    let decided = r.history.iter().position(|h| h.stage == Stage::Decided);
    match (decided, known.finals.get(r.id.as_str())) {
        (Some(i), None) => Some(
            r.origin
                .error(
                    r.spans
                        .history
                        .get(i)
                        .copied()
                        .unwrap_or(r.spans.history_table),
                    "the request is `decided` but has no final decision",
                )
                .with_help(
                    Message::new("add ")
                        .quote(&format!("decisions/{}-final.md", r.id))
                        .text(" with kind = \"final\", or remove the `decided` entry"),
                ),
        ),
        (None, Some(d)) => Some(
            d.origin
                .error(
                    d.kind_span,
                    Message::new("a final decision for ")
                        .quote(&r.id)
                        .text(", whose history is not `decided`"),
                )
                .with_help(
                    Message::new("add a [[history]] entry with stage = \"decided\" and date = ")
                        .quote_raw(&d.date.to_string())
                        .text(" to the request"),
                ),
        ),
        _ => None,
    }
}

fn unknown_id(origin: &Origin, at: usize, id: &str, place: &str) -> Diagnostic {
    origin
        .error(
            at,
            Message::new("unknown request id ")
                .quote(id)
                .text(" ")
                .text(place),
        )
        .with_help("use the id of a request in requests/ (ids are case-sensitive)")
}

/// The ids a body may link to.
struct LinkTargets<'a> {
    requests: &'a HashMap<&'a str, &'a Request>,
    broken: &'a HashSet<&'a str>,
    finals: &'a HashMap<&'a str, &'a Decision>,
}

impl LinkTargets<'_> {
    fn exists(&self, id: &str) -> bool {
        self.requests.contains_key(id) || self.broken.contains(id)
    }
}

/// A body's problems: its own (kept in `facts`) and its links' against the
/// records that exist now.
fn check_body(origin: &Origin, facts: &TextFacts, known: &LinkTargets<'_>) -> Vec<Diagnostic> {
    let mut found = facts.markers.clone();
    // Most bodies link only to ids that exist: the quick scan's candidates
    // prove it and save a full parse; anything doubtful is parsed (once,
    // then kept) and located.
    let all_fine = facts.quick.as_ref().is_some_and(|candidates| {
        candidates.iter().all(|link| match link {
            Ok(RecordLink::Request(id)) => known.exists(id),
            Ok(RecordLink::Report(id)) => known.finals.contains_key(id.as_str()),
            Err(_) => false,
        })
    });
    if all_fine {
        return found;
    }
    let links = facts.links.get_or_init(|| {
        markdown::record_links(origin.body())
            .into_iter()
            .map(|(at, dest)| {
                let link = markdown::parse_record_link(&dest);
                (at, dest, link)
            })
            .collect()
    });
    for (at, dest, link) in links {
        found.extend(link_problem(
            origin,
            origin.body_offset + at,
            dest,
            link,
            known,
        ));
    }
    found
}

/// What is wrong with one `@` link of a body, at `at` in its file.
fn link_problem(
    origin: &Origin,
    at: usize,
    dest: &str,
    link: &Result<RecordLink, NotARecordLink>,
    known: &LinkTargets<'_>,
) -> Option<Diagnostic> {
    match link {
        Err(NotARecordLink) => Some(
            origin
                .error(at, Message::new("").quote(dest).text(" is not a record link"))
                .with_help(
                    "write (@SCMR-2019-001) for a request or (@SCMR-2019-001/report) for its report",
                ),
        ),
        Ok(RecordLink::Request(id) | RecordLink::Report(id)) if !known.exists(id) => {
            Some(unknown_id(origin, at, id, "in a link"))
        }
        Ok(RecordLink::Report(id))
            if known.requests.contains_key(id.as_str())
                && !known.finals.contains_key(id.as_str()) =>
        {
            Some(
                origin
                    .error(at, Message::new("").quote(id).text(" has no final decision, so no report"))
                    .with_help(Message::new("link to the request instead: ").quote(&format!("(@{id})"))),
            )
        }
        Ok(_) => None,
    }
}
