//! Step 3: the publication filter, and the only way to obtain the public
//! register.
//!
//! [`PublicRegister`] can be built by [`filter`] alone: its fields are
//! private and its records carry a private seal, so no other module can make
//! one up. Renderers take a `&PublicRegister`, so they cannot be handed a
//! withheld record, and the public types have no field for personal data, so
//! a template cannot print a name, phone or e-mail even by mistake.
//!
//! The rules (section 4 of the format), all fail-closed, each written once
//! here ([`request_is_public`], [`decision_is_public`],
//! [`attachment_is_public`]) and used by the filter, by `check` and by
//! `check --withheld` alike:
//! - a request is public only if it is CLEAR/WHITE, not a draft and, on
//!   the build date, submitted by then;
//! - a decision is public only if it and its request are public and, on
//!   the build date, it was taken by then;
//! - an attachment is public only if it and its request are public;
//! - bodies reach the public register as their pages show them: marked
//!   passages removed, rendered, sanitised and screened by `check` (see
//!   `published`), so a page publishes exactly the text that was screened;
//! - `related` keeps only public ids;
//! - status is derived from public decisions only, so a withheld final
//!   decision leaves a request `decided`;
//! - what is dated after the build date has not happened yet and waits for
//!   its day ([`has_happened`]; `check` warns about it): a request
//!   submitted later, a decision taken later and a stage reached later are
//!   left out of the public register, so no page, list, count, feed or
//!   export tells of them, and the status is what stands on the build date.

pub mod passages;
pub(crate) mod preview;

use crate::check::screening::Screening;
use crate::check::{Passed, PublicBodies, Register};
use crate::diagnostic::Diagnostic;
use crate::model::classification::Tlp;
use crate::model::date::Date;
use crate::model::status::{self, Status};
use crate::model::vocabulary::{DecisionKind, Outcome, Reason, RequestType, Stage};
use crate::render::markdown::RenderedBody;
use crate::source::attachments::{Attachment, CheckedBytes};
use crate::source::record::{Decision, Origin, Request};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// The one rule for requests: CLEAR or WHITE, not a draft, and, on the
/// build date `today` (none: any day), submitted by then.
pub fn request_is_public(r: &Request, today: Option<Date>) -> bool {
    !r.draft
        && r.classification.is_some_and(Tlp::is_public)
        && today.is_none_or(|t| has_happened(r.submitted, t))
}

/// The date rule: an event dated `date` is published from that day on.
pub fn has_happened(date: Date, today: Date) -> bool {
    date <= today
}

/// The one rule for decisions: CLEAR or WHITE, about a public request,
/// and, on the build date `today` (none: any day), taken by then.
pub fn decision_is_public(d: &Decision, request_public: bool, today: Option<Date>) -> bool {
    request_public
        && d.classification.is_some_and(Tlp::is_public)
        && today.is_none_or(|t| has_happened(d.date, t))
}

/// The one rule for attachments: listed CLEAR or WHITE, on a public request.
pub fn attachment_is_public(a: &Attachment, request_public: bool) -> bool {
    request_public && a.is_public()
}

/// A file published beside a public request's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicAttachment {
    /// The file name, its URL segment.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Its bytes, exactly as they were checked: what is published.
    pub bytes: CheckedBytes,
    /// Size in bytes.
    pub size: u64,
    _seal: Seal,
}

/// Keeps public types constructible in this module only.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seal;

/// One dated stage, as published.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicStage {
    /// When.
    pub date: Date,
    /// Which stage.
    pub stage: Stage,
    /// The keeper's public note.
    pub note: Option<String>,
}

/// A public decision about a public request.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicDecision {
    /// CLEAR or WHITE.
    pub classification: Tlp,
    /// Date of the SSC's decision.
    pub date: Date,
    /// Interim or final.
    pub kind: DecisionKind,
    /// What was decided.
    pub outcome: Outcome,
    /// SC version carrying an approved change.
    pub sc_version: Option<String>,
    /// When that version takes effect.
    pub implementation_date: Option<Date>,
    /// When the SEC Panel was notified.
    pub panel_notified: Option<Date>,
    /// The body as its page shows it (for a final decision, the
    /// Modification Report): withheld passages removed, rendered, screened.
    pub body: Arc<RenderedBody>,
    /// `[extra]`.
    pub extra: toml::Table,
    _seal: Seal,
}

/// A public request: what may be shown of it, and nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicRequest {
    /// Unique id, the URL segment.
    pub id: String,
    /// Modification or refurbishment use case.
    pub request_type: RequestType,
    /// The proposed title.
    pub title: String,
    /// CLEAR or WHITE.
    pub classification: Tlp,
    /// Submission date.
    pub submitted: Date,
    /// Sources of modification.
    pub reasons: Vec<Reason>,
    /// Device kinds concerned.
    pub devices: Vec<String>,
    /// Mitigations affected (question 4).
    pub affected_scs: Vec<String>,
    /// Question 4's explanation.
    pub affected_scs_reason: Option<String>,
    /// Question 5.
    pub requires_new_sc: bool,
    /// Question 5's explanation.
    pub requires_new_sc_reason: Option<String>,
    /// Question 6.
    pub urgent: bool,
    /// Question 6's explanation.
    pub urgent_reason: Option<String>,
    /// Related requests that are public themselves.
    pub related: Vec<String>,
    /// The public requests this one supersedes.
    pub supersedes: Vec<String>,
    /// The public requests that supersede this one: worked out from the
    /// public requests' `supersedes`, so a withheld request never shows
    /// here.
    pub superseded_by: Vec<String>,
    /// The Proposer's organisation (never the person).
    pub proposer_organisation: String,
    /// The supporting SEC Party (never the person).
    pub sponsor_sec_party: Option<String>,
    /// Stages, oldest first.
    pub history: Vec<PublicStage>,
    /// Public decisions, oldest first.
    pub decisions: Vec<PublicDecision>,
    /// The derived status on the build date.
    pub status: Status,
    /// The body as its page shows it: withheld passages removed, rendered,
    /// screened.
    pub body: Arc<RenderedBody>,
    /// Attachments to copy: the public ones its record lists.
    pub attachments: Vec<PublicAttachment>,
    /// `[extra]`.
    pub extra: toml::Table,
    _seal: Seal,
}

impl PublicRequest {
    /// The public final decision, if any.
    pub fn final_decision(&self) -> Option<&PublicDecision> {
        self.decisions
            .iter()
            .find(|d| d.kind == DecisionKind::Final)
    }

    /// The latest stage reached.
    pub fn latest_stage(&self) -> Stage {
        self.history.last().map_or(Stage::Submitted, |h| h.stage)
    }
}

/// The public register: the only input renderers get.
#[derive(Debug, Clone)]
pub struct PublicRegister {
    requests: Vec<PublicRequest>,
    index: HashMap<String, usize>,
    today: Date,
}

impl PublicRegister {
    /// Public requests, sorted by id.
    pub fn requests(&self) -> &[PublicRequest] {
        &self.requests
    }

    /// A public request by id; `None` for withheld and unknown ids alike.
    pub fn get(&self, id: &str) -> Option<&PublicRequest> {
        self.index.get(id).map(|&i| &self.requests[i])
    }

    /// The build date the statuses were derived on.
    pub fn today(&self) -> Date {
        self.today
    }
}

/// What the filter kept and left out, for the build summary only (counts of
/// withheld records never reach an output file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilterSummary {
    /// Requests published.
    pub requests_published: usize,
    /// Requests withheld (not CLEAR/WHITE, or drafts).
    pub requests_withheld: usize,
    /// Decisions published.
    pub decisions_published: usize,
    /// Decisions withheld (themselves, or through their request).
    pub decisions_withheld: usize,
}

impl FilterSummary {
    /// "published 1 request and 2 decisions, withheld 0 requests and 0
    /// decisions": the terminal's words for it.
    pub fn published_and_withheld(&self) -> String {
        use crate::diagnostic::counted;
        format!(
            "published {} and {}, withheld {} and {}",
            counted(self.requests_published, "request"),
            counted(self.decisions_published, "decision"),
            counted(self.requests_withheld, "request"),
            counted(self.decisions_withheld, "decision"),
        )
    }
}

/// Filters the checked register down to what may be published on `today`,
/// rendering each public body for its page and screening what the page
/// shows (a content error stops the build: see `published`).
/// Takes the register by value and copies out only what is published: the
/// records themselves are shared with the check cache of `register serve`
/// (which renders from the public register alone); in `register build`
/// the filter holds the last reference, so what is withheld is dropped
/// here, not kept in memory while the site is rendered.
pub fn filter(
    passed: Passed,
    today: Date,
) -> Result<(PublicRegister, FilterSummary), Vec<Diagnostic>> {
    let mut summary = FilterSummary::default();
    let (register, screening, bodies) = passed.into_parts();
    // Records that could not be read in full are withheld too.
    summary.requests_withheld += register.incomplete.0;
    summary.decisions_withheld += register.incomplete.1;
    let Register {
        requests: all_requests,
        decisions: all_decisions,
        incomplete: _,
    } = register;
    let public_ids: HashSet<String> = all_requests
        .iter()
        .filter(|r| request_is_public(r, Some(today)))
        .map(|r| r.id.clone())
        .collect();
    let filtering = Filtering {
        screening: &screening,
        bodies: &bodies,
        public_ids: &public_ids,
        today,
    };
    let mut found = Vec::new();
    let decisions = filtering.public_decisions(all_decisions, &mut summary, &mut found);
    let requests = filtering.public_requests(all_requests, decisions, &mut summary, &mut found);
    if found.iter().any(Diagnostic::is_error) {
        return Err(found);
    }
    summary.requests_published = requests.len();
    let mut requests = requests;
    note_superseded_by(&mut requests);
    let index = requests
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let register = PublicRegister {
        requests,
        index,
        today,
    };
    Ok((register, summary))
}

/// Fills each public request's `superseded_by` from the others' public
/// `supersedes` lists (in id order, as the requests are).
fn note_superseded_by(requests: &mut [PublicRequest]) {
    let mut by: HashMap<String, Vec<String>> = HashMap::default();
    for r in requests.iter() {
        for old in &r.supersedes {
            by.entry(old.clone()).or_default().push(r.id.clone());
        }
    }
    for r in requests.iter_mut() {
        if let Some(newer) = by.remove(&r.id) {
            r.superseded_by = newer;
        }
    }
}

/// What the filter works with: the screen every public body passes as it
/// is rendered, what each body publishes, the ids of the public requests
/// and the build date.
struct Filtering<'a> {
    screening: &'a Screening,
    bodies: &'a PublicBodies,
    public_ids: &'a HashSet<String>,
    today: Date,
}

impl Filtering<'_> {
    /// The public decisions, rendered, by request id. Records are taken by
    /// value and dropped one by one: in `register build` each one's text is
    /// freed as soon as it has been filtered.
    fn public_decisions(
        &self,
        all: Vec<Arc<Decision>>,
        summary: &mut FilterSummary,
        found: &mut Vec<Diagnostic>,
    ) -> HashMap<String, Vec<PublicDecision>> {
        let mut published = Vec::new();
        for d in all {
            let request_public = self.public_ids.contains(d.request.as_str());
            match d.classification {
                Some(c) if decision_is_public(&d, request_public, Some(self.today)) => {
                    published.push((d, c));
                }
                _ => summary.decisions_withheld += 1,
            }
        }
        summary.decisions_published = published.len();
        let made: Vec<(String, PublicDecision, Vec<Diagnostic>)> = published
            .into_par_iter()
            .map(|(d, classification)| {
                let (problems, body) = render(self.screening, self.bodies, &d.origin);
                (
                    d.request.clone(),
                    public_decision(&d, classification, body),
                    problems,
                )
            })
            .collect();
        let mut decisions: HashMap<String, Vec<PublicDecision>> = HashMap::default();
        for (request, decision, problems) in made {
            found.extend(problems);
            decisions.entry(request).or_default().push(decision);
        }
        decisions
    }

    /// The public requests, rendered, with their public `decisions`. First
    /// which requests are published, one at a time (withheld ones are
    /// dropped here); then their public forms, in parallel.
    fn public_requests(
        &self,
        all: Vec<Arc<Request>>,
        mut decisions: HashMap<String, Vec<PublicDecision>>,
        summary: &mut FilterSummary,
        found: &mut Vec<Diagnostic>,
    ) -> Vec<PublicRequest> {
        let mut published: Vec<(Arc<Request>, Tlp, Vec<PublicDecision>)> =
            Vec::with_capacity(self.public_ids.len());
        for r in all {
            let public = request_is_public(&r, Some(self.today));
            let Some(classification) = r.classification.filter(|_| public) else {
                summary.requests_withheld += 1;
                continue;
            };
            if published.last().is_some_and(|(p, _, _)| p.id == r.id) {
                // A duplicate id is an error upstream; never publish either twice.
                continue;
            }
            let decisions = decisions.remove(r.id.as_str()).unwrap_or_default();
            published.push((r, classification, decisions));
        }
        let made: Vec<(PublicRequest, Vec<Diagnostic>)> = published
            .into_par_iter()
            .map(|(r, classification, decisions)| {
                let (mut problems, body) = render(self.screening, self.bodies, &r.origin);
                problems.extend(unchecked(&r));
                let public = public_request(
                    &r,
                    classification,
                    decisions,
                    body,
                    self.public_ids,
                    self.today,
                );
                (public, problems)
            })
            .collect();
        let mut requests = Vec::with_capacity(made.len());
        for (request, problems) in made {
            found.extend(problems);
            requests.push(request);
        }
        requests
    }
}

/// The public form of a public decision.
fn public_decision(d: &Decision, classification: Tlp, body: Arc<RenderedBody>) -> PublicDecision {
    PublicDecision {
        classification,
        date: d.date,
        kind: d.kind,
        outcome: d.outcome,
        sc_version: d.sc_version.clone(),
        implementation_date: d.implementation_date,
        panel_notified: d.panel_notified,
        body,
        extra: d.extra.clone(),
        _seal: Seal,
    }
}

/// A public request's stages.
fn public_history(r: &Request, today: Date) -> Vec<PublicStage> {
    r.history
        .iter()
        .filter(|h| has_happened(h.date, today))
        .map(|h| PublicStage {
            date: h.date,
            stage: h.stage,
            note: h.note.clone(),
        })
        .collect()
}

/// A public request's public attachments, with the bytes their check read.
fn public_attachments(r: &Request) -> Vec<PublicAttachment> {
    r.attachments
        .iter()
        .filter(|a| attachment_is_public(a, true))
        .filter_map(|a| {
            // Every public attachment was checked (see `unchecked`).
            let bytes = a.checked.clone()?;
            Some(PublicAttachment {
                name: a.name.clone(),
                title: a.title.clone(),
                size: bytes.0.len() as u64,
                bytes,
                _seal: Seal,
            })
        })
        .collect()
}

/// An error for each public attachment of a public request whose bytes
/// were not kept when it was checked: it is never published unchecked.
/// (The check keeps them for every one it passes, so this only guards
/// against a register built some other way.)
fn unchecked(r: &Request) -> Vec<Diagnostic> {
    r.attachments
        .iter()
        .filter(|a| attachment_is_public(a, true) && a.checked.is_none())
        .map(|a| {
            Diagnostic::file_error(
                &a.source,
                "the attachment was not checked, so it is not published",
            )
            .with_help("run the build again; report a bug if this stays")
        })
        .collect()
}

/// A public record's body rendered for its page and screened: what `check`
/// found it publishes, and the problems the page would have.
fn render(
    screening: &Screening,
    bodies: &PublicBodies,
    origin: &Origin,
) -> (Vec<Diagnostic>, Arc<RenderedBody>) {
    match bodies.get(&origin.path) {
        Some((page, body)) => screening.body(origin, page, body),
        // Every public record has one; were one missing, nothing of the
        // body would be published.
        None => (Vec::new(), Arc::default()),
    }
}

/// The public form of a public request: what may be shown of it.
fn public_request(
    r: &Request,
    classification: Tlp,
    decisions: Vec<PublicDecision>,
    body: Arc<RenderedBody>,
    public_ids: &HashSet<String>,
    today: Date,
) -> PublicRequest {
    // What stands on the build date: a stage or decision dated later has
    // not happened yet (`check` warns about it).
    let public_final = decisions
        .iter()
        .find(|d| d.kind == DecisionKind::Final && d.date <= today)
        .map(|d| (d.outcome, d.implementation_date));
    let latest = r
        .history
        .iter()
        .rev()
        .find(|h| h.date <= today)
        .map_or(Stage::Submitted, |h| h.stage);
    PublicRequest {
        related: r
            .related
            .iter()
            .filter(|id| public_ids.contains(id.as_str()))
            .cloned()
            .collect(),
        supersedes: r
            .supersedes
            .iter()
            .filter(|id| public_ids.contains(id.as_str()))
            .cloned()
            .collect(),
        superseded_by: Vec::new(),
        proposer_organisation: r.proposer.organisation.clone(),
        sponsor_sec_party: r.sponsor.as_ref().map(|s| s.organisation.clone()),
        history: public_history(r, today),
        status: status::derive(latest, public_final, today),
        decisions,
        body,
        id: r.id.clone(),
        request_type: r.request_type,
        title: r.title.clone(),
        classification,
        submitted: r.submitted,
        reasons: r.reasons.clone(),
        devices: r.devices.clone(),
        affected_scs: r.affected_scs.clone(),
        affected_scs_reason: r.affected_scs_reason.clone(),
        requires_new_sc: r.requires_new_sc,
        requires_new_sc_reason: r.requires_new_sc_reason.clone(),
        urgent: r.urgent,
        urgent_reason: r.urgent_reason.clone(),
        attachments: public_attachments(r),
        extra: r.extra.clone(),
        _seal: Seal,
    }
}
