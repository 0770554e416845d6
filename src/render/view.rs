//! What templates receive: small, serialisable views of the public register,
//! built once each and shared (see docs/templates.md).
//!
//! Every view is made from `public` types only, so nothing here can reach a
//! withheld record or personal data.

use crate::model::date::Date;
use crate::model::status::Status;
use crate::model::vocabulary::{DecisionKind, Outcome, RequestType, Stage};
use crate::publish::{PublicDecision, PublicRegister, PublicRequest};
use crate::render::markdown::{self, Section};
use crate::render::standing;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// A request in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Page URL.
    pub url: String,
    /// Type slug.
    #[serde(rename = "type")]
    pub request_type: &'static str,
    /// Type label.
    pub type_label: &'static str,
    /// Status slug.
    pub status: &'static str,
    /// Status label.
    pub status_label: &'static str,
    /// Submission date.
    pub submitted: String,
    /// Device kinds.
    pub devices: Vec<String>,
    /// Public final outcome slug or "".
    pub outcome: &'static str,
    /// Public final outcome label or "".
    pub outcome_label: &'static str,
    /// SC version or "".
    pub sc_version: String,
    /// Implementation date or "".
    pub implementation_date: String,
    /// Urgent?
    pub urgent: bool,
    /// Modification Report URL or "".
    pub report_url: String,
    /// Each device with its list page: `{name, url}`.
    pub device_links: Vec<DeviceLink>,
    /// The SC version's page or "".
    pub version_url: String,
    /// Date of the public final decision or "".
    pub decided: String,
    /// The latest dated event published about the request.
    pub last_updated: String,
    /// Still being considered (not finally decided)?
    pub open: bool,
    /// For an open request: since when it has stood where it stands, or "".
    pub since: String,
    /// An interim decision holding an open request up: its outcome slug
    /// (`deferred`, `returned`) or "".
    pub pause: &'static str,
    /// Its label, or "".
    pub pause_label: &'static str,
    /// The final decision exists but is not published (status `decided`).
    pub decision_withheld: bool,
    /// Public requests superseding this one.
    pub superseded_by: Vec<String>,
    /// The mitigations affected, each with its page.
    pub mitigations: Vec<MitigationLink>,
}

/// A mitigation and its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MitigationLink {
    /// E.g. `DEV 3.2`.
    pub name: String,
    /// E.g. `/mitigations/DEV-3.2/`.
    pub url: String,
}

/// The URL segment of a mitigation: `DEV 3.2` is `DEV-3.2`.
pub fn mitigation_slug(reference: &str) -> String {
    reference.replace(' ', "-")
}

/// The link to a mitigation's page.
pub fn mitigation_link(reference: &str) -> MitigationLink {
    MitigationLink {
        name: reference.to_string(),
        url: format!("/mitigations/{}/", mitigation_slug(reference)),
    }
}

/// A device kind and its list page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceLink {
    /// E.g. `ESME`.
    pub name: String,
    /// E.g. `Electricity Smart Metering Equipment`, or "" when unknown.
    pub full_name: String,
    /// E.g. `/devices/esme/`.
    pub url: String,
}

/// The URL of a request's page.
pub fn request_url(id: &str) -> String {
    format!("/requests/{id}/")
}

/// The URL of a request's Modification Report.
pub fn report_url(id: &str) -> String {
    format!("/reports/{id}/")
}

/// The URL segment of a device kind.
pub fn device_slug(device: &str) -> String {
    device.to_ascii_lowercase()
}

/// Device kinds' full names, from `site.toml` and the built-in ones.
pub type DeviceNames<'a> = &'a crate::source::site::Settings;

/// A device kind with its list page and full name.
pub fn device_link(kind: &str, names: DeviceNames<'_>) -> DeviceLink {
    DeviceLink {
        name: kind.to_string(),
        full_name: names.device_name(kind).unwrap_or_default().to_string(),
        url: format!("/devices/{}/", device_slug(kind)),
    }
}

impl Row {
    /// The row of one public request; `names` spell out its devices.
    pub fn of(r: &PublicRequest, names: DeviceNames<'_>) -> Row {
        let fin = r.final_decision();
        let outcome = fin.map(|d| d.outcome);
        let pause = standing::pause(r).map(|d| d.outcome);
        Row {
            id: r.id.clone(),
            title: r.title.clone(),
            url: request_url(&r.id),
            request_type: r.request_type.slug(),
            type_label: r.request_type.label(),
            status: r.status.slug(),
            status_label: r.status.label(),
            submitted: r.submitted.to_string(),
            devices: r.devices.clone(),
            outcome: outcome.map_or("", Outcome::slug),
            outcome_label: outcome.map_or("", Outcome::label),
            sc_version: fin.and_then(|d| d.sc_version.clone()).unwrap_or_default(),
            implementation_date: fin
                .and_then(|d| d.implementation_date)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            urgent: r.urgent,
            report_url: fin.map(|_| report_url(&r.id)).unwrap_or_default(),
            device_links: r.devices.iter().map(|d| device_link(d, names)).collect(),
            version_url: fin
                .filter(|d| d.outcome == Outcome::Approved)
                .and_then(|d| d.sc_version.as_ref())
                .map(|v| format!("/versions/{v}/"))
                .unwrap_or_default(),
            decided: date_or_empty(standing::decided(r)),
            last_updated: standing::last_updated(r).to_string(),
            open: r.status.is_open(),
            since: date_or_empty(standing::since(r)),
            pause: pause.map_or("", Outcome::slug),
            pause_label: pause.map_or("", Outcome::label),
            decision_withheld: standing::decision_withheld(r),
            superseded_by: r.superseded_by.clone(),
            mitigations: r.affected_scs.iter().map(|m| mitigation_link(m)).collect(),
        }
    }
}

/// `{slug, label}`.
#[derive(Debug, Clone, Serialize)]
pub struct Labelled {
    /// Slug.
    pub slug: &'static str,
    /// Label.
    pub label: &'static str,
}

/// One of the six questions of Appendix 2.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// 1 to 6.
    pub number: u8,
    /// The question as the template asks it.
    pub question: &'static str,
    /// "Yes"/"No" for 4-6, "" for 1-3.
    pub answer: &'static str,
    /// The answer or explanation, sanitised HTML.
    pub answer_html: String,
}

/// A body section after the three answers.
#[derive(Debug, Clone, Serialize)]
pub struct FurtherSection {
    /// Heading text.
    pub heading: String,
    /// Fragment id.
    pub id: String,
    /// Sanitised HTML.
    pub html: String,
}

/// One line of a request's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// Date.
    pub date: String,
    /// `stage` or `decision`.
    pub kind: &'static str,
    /// What happened.
    pub label: String,
    /// A note or an interim decision's text, sanitised HTML.
    pub note_html: String,
    /// A decision's outcome slug or "".
    pub outcome: &'static str,
    /// A decision's outcome label or "".
    pub outcome_label: &'static str,
    /// For a final decision: the report URL, else "".
    pub report_url: String,
    /// For a decision: its fragment id (`decision-<n>`), which the search
    /// index links interim decisions to; else "".
    pub anchor: String,
}

/// An attachment link.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentLink {
    /// File name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// URL.
    pub url: String,
    /// Human-readable size.
    pub size: String,
}

/// A request's page.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    /// "TLP:CLEAR" or "TLP:WHITE".
    pub classification: String,
    /// Sources of modification.
    pub reasons: Vec<Labelled>,
    /// The six questions.
    pub questions: Vec<Question>,
    /// Affected mitigations.
    pub affected_scs: Vec<String>,
    /// The Proposer's organisation.
    pub proposer_organisation: String,
    /// The sponsoring SEC Party or "".
    pub sponsor_sec_party: String,
    /// Sections after the answers.
    pub further_sections: Vec<FurtherSection>,
    /// Stages and decisions, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Rows of related public requests.
    pub related: Vec<Row>,
    /// Rows of the public requests this one supersedes.
    pub supersedes: Vec<Row>,
    /// Rows of the public requests superseding this one.
    pub superseded_by: Vec<Row>,
    /// For an open request: how long it has stood where it stands, in
    /// days up to the build date ("" when closed).
    pub days_since: String,
    /// Attachments.
    pub attachments: Vec<AttachmentLink>,
    /// `[extra]`.
    pub extra: toml::Table,
}

/// A Modification Report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// Decision date.
    pub date: String,
    /// Outcome slug.
    pub outcome: &'static str,
    /// Outcome label.
    pub outcome_label: &'static str,
    /// SC version or "".
    pub sc_version: String,
    /// Implementation date or "".
    pub implementation_date: String,
    /// Panel notification date or "".
    pub panel_notified: String,
    /// The whole report, sanitised HTML.
    pub body_html: String,
    /// Its `##` sections for a table of contents.
    pub sections: Vec<FurtherSection>,
    /// `[extra]`.
    pub extra: toml::Table,
}

const QUESTIONS: [&str; 6] = [
    "What issue is the request looking to address?",
    "Why does this issue need to be addressed? (Why is doing nothing not an option?)",
    "What is the proposed solution?",
    "Does this affect an existing SC?",
    "Does this require a new SC?",
    "Is this proposal considered to be an urgent business need?",
];

/// Which question (1-3) a body heading answers, if any.
fn question_of(heading: &str) -> Option<usize> {
    let h = heading.trim().to_ascii_lowercase();
    let h = h.trim_end_matches(['?', ':', '.']);
    match h {
        "issue" | "the issue" | "what issue are you looking to address" => Some(0),
        "why it needs addressing"
        | "why it needs to be addressed"
        | "why does this issue need to be addressed" => Some(1),
        "proposed solution" | "the proposed solution" | "what is your proposed solution" => Some(2),
        _ => None,
    }
}

fn date_or_empty(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn escaped_paragraph(text: &str) -> String {
    let mut out = String::from("<p>");
    markdown::html_escape_into(text, &mut out);
    out.push_str("</p>\n");
    out
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

impl RequestView {
    /// The page view of one public request (its body comes rendered and
    /// screened); `rows` are the shared rows.
    pub fn of(r: &PublicRequest, rows: &HashMap<&str, &Row>, today: Date) -> RequestView {
        let (answers, further_sections) = answers_and_sections(r);
        let rows_of = |ids: &[String]| -> Vec<Row> {
            ids.iter()
                .filter_map(|id| rows.get(id.as_str()).map(|row| (*row).clone()))
                .collect()
        };
        RequestView {
            classification: r.classification.to_string(),
            reasons: r
                .reasons
                .iter()
                .map(|x| Labelled {
                    slug: x.slug(),
                    label: x.label(),
                })
                .collect(),
            questions: questions(r, answers),
            affected_scs: r.affected_scs.clone(),
            proposer_organisation: r.proposer_organisation.clone(),
            sponsor_sec_party: opt(&r.sponsor_sec_party),
            further_sections,
            timeline: timeline(r),
            related: rows_of(&r.related),
            supersedes: rows_of(&r.supersedes),
            superseded_by: rows_of(&r.superseded_by),
            days_since: standing::since(r)
                .map(|d| d.days_until(today).to_string())
                .unwrap_or_default(),
            attachments: r
                .attachments
                .iter()
                .map(|a| attachment_link(r, a))
                .collect(),
            extra: r.extra.clone(),
        }
    }
}

/// The body's answers to questions 1 to 3 (the sections whose headings
/// ask them, first of each), and its other sections.
fn answers_and_sections(r: &PublicRequest) -> ([Option<String>; 3], Vec<FurtherSection>) {
    let mut answers: [Option<String>; 3] = [None, None, None];
    let mut further_sections = Vec::new();
    for Section { heading, id, html } in r.body.sections.iter().cloned() {
        match question_of(&heading) {
            Some(i) if answers[i].is_none() => answers[i] = Some(html),
            _ => further_sections.push(FurtherSection {
                heading: if heading.is_empty() {
                    "Notes".to_string()
                } else {
                    heading
                },
                id: if id == "section" {
                    "notes".to_string()
                } else {
                    id
                },
                html,
            }),
        }
    }
    (answers, further_sections)
}

/// The six questions of the request template (Appendix 2), answered.
fn questions(r: &PublicRequest, answers: [Option<String>; 3]) -> Vec<Question> {
    let yes_no = |b: bool| if b { "Yes" } else { "No" };
    let prose = |a: &Option<String>| a.as_deref().map(escaped_paragraph).unwrap_or_default();
    let [a1, a2, a3] = answers;
    let body = |n: u8, html: Option<String>| Question {
        number: n + 1,
        question: QUESTIONS[usize::from(n)],
        answer: "",
        answer_html: html.unwrap_or_default(),
    };
    let yes_no_question = |n: u8, yes: bool, html: String| Question {
        number: n + 1,
        question: QUESTIONS[usize::from(n)],
        answer: yes_no(yes),
        answer_html: html,
    };
    vec![
        body(0, a1),
        body(1, a2),
        body(2, a3),
        yes_no_question(3, !r.affected_scs.is_empty(), mitigations_answer(r)),
        yes_no_question(4, r.requires_new_sc, prose(&r.requires_new_sc_reason)),
        yes_no_question(5, r.urgent, prose(&r.urgent_reason)),
    ]
}

/// Question 4's answer: the mitigations affected and why.
fn mitigations_answer(r: &PublicRequest) -> String {
    let mut q4 = String::new();
    if !r.affected_scs.is_empty() {
        q4.push_str(&escaped_paragraph(&format!(
            "Mitigations affected: {}.",
            r.affected_scs.join(", ")
        )));
    }
    if let Some(reason) = &r.affected_scs_reason {
        q4.push_str(&escaped_paragraph(reason));
    }
    q4
}

fn attachment_link(r: &PublicRequest, a: &crate::publish::PublicAttachment) -> AttachmentLink {
    AttachmentLink {
        name: a.name.clone(),
        title: a.title.clone(),
        url: format!("{}{}", request_url(&r.id), a.name),
        size: human_size(a.size),
    }
}

/// A request's timeline, oldest first: its stages, its public decisions
/// and, for an approved change, the day it takes effect. A stage entry
/// dated the day of a decision is the same meeting: it is folded into
/// the decision's entry (its note first; its stage named in the label
/// when the request reached it that day), so one event is listed once.
fn timeline(r: &PublicRequest) -> Vec<TimelineEntry> {
    let mut entries: Vec<(Date, u8, TimelineEntry)> = Vec::new();
    let mut folded: Vec<(Date, String, Option<Stage>)> = Vec::new();
    for (i, h) in r.history.iter().enumerate() {
        let note = h.note.as_deref().map(escaped_paragraph).unwrap_or_default();
        if !r.decisions.iter().any(|d| d.date == h.date) {
            entries.push((h.date, 0, stage_entry(h, note)));
            continue;
        }
        let reached = i == 0 || r.history[i - 1].stage != h.stage;
        let named = (reached && h.stage != Stage::Decided).then_some(h.stage);
        folded.push((h.date, note, named));
    }
    for (i, d) in r.decisions.iter().enumerate() {
        let mut e = decision_entry(r, i, d);
        while let Some(at) = folded.iter().position(|(date, _, _)| *date == d.date) {
            let (_, note, stage) = folded.remove(at);
            e.note_html = note + &e.note_html;
            if let Some(stage) = stage {
                e.label = format!("{}; {}", stage.label(), e.label);
            }
        }
        entries.push((d.date, 1, e));
    }
    if let Some((date, version)) = standing::takes_effect(r) {
        entries.push((date, 2, effect_entry(date, version)));
    }
    entries.sort_by_key(|e| (e.0, e.1));
    entries.into_iter().map(|(_, _, e)| e).collect()
}

fn stage_entry(h: &crate::publish::PublicStage, note_html: String) -> TimelineEntry {
    TimelineEntry {
        date: h.date.to_string(),
        kind: "stage",
        label: h.stage.label().to_string(),
        note_html,
        outcome: "",
        outcome_label: "",
        report_url: String::new(),
        anchor: String::new(),
    }
}

/// The entry of a request's `i`-th public decision: an interim decision
/// shows its text; a final one links to its Modification Report.
fn decision_entry(r: &PublicRequest, i: usize, d: &PublicDecision) -> TimelineEntry {
    let is_final = d.kind == DecisionKind::Final;
    TimelineEntry {
        date: d.date.to_string(),
        kind: "decision",
        label: format!("{}: {}", d.kind.label(), d.outcome.label()),
        note_html: if is_final {
            String::new()
        } else {
            let prefix = format!("decision-{}-", i + 1);
            markdown::join_sections(&d.body.sections, 3, &prefix)
        },
        outcome: d.outcome.slug(),
        outcome_label: d.outcome.label(),
        report_url: if is_final {
            report_url(&r.id)
        } else {
            String::new()
        },
        anchor: format!("decision-{}", i + 1),
    }
}

fn effect_entry(date: Date, version: &str) -> TimelineEntry {
    TimelineEntry {
        date: date.to_string(),
        kind: "effect",
        label: format!("Takes effect in SC version {version}"),
        note_html: String::new(),
        outcome: "",
        outcome_label: "",
        report_url: String::new(),
        anchor: String::new(),
    }
}

impl ReportView {
    /// The Modification Report view of a public final decision (its body
    /// comes rendered and screened).
    pub fn of(d: &PublicDecision) -> ReportView {
        let sections = &d.body.sections;
        ReportView {
            date: d.date.to_string(),
            outcome: d.outcome.slug(),
            outcome_label: d.outcome.label(),
            sc_version: opt(&d.sc_version),
            implementation_date: d
                .implementation_date
                .map(|x| x.to_string())
                .unwrap_or_default(),
            panel_notified: d.panel_notified.map(|x| x.to_string()).unwrap_or_default(),
            body_html: markdown::join_sections(sections, 2, ""),
            sections: sections
                .iter()
                .filter(|s| !s.heading.is_empty())
                .map(|s| FurtherSection {
                    heading: s.heading.clone(),
                    id: s.id.clone(),
                    html: String::new(),
                })
                .collect(),
            extra: d.extra.clone(),
        }
    }
}

/// A status, device, version or type with its count, for navigation.
#[derive(Debug, Clone, Serialize)]
pub struct Facet {
    /// Slug (status, device slug, version).
    pub slug: String,
    /// Label.
    pub label: String,
    /// Name (devices) or version.
    pub name: String,
    /// Requests.
    pub count: usize,
    /// List page URL.
    pub url: String,
    /// For a status: `open` or `closed`; else "".
    pub group: &'static str,
}

/// An SC version and the modifications it carries.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    /// E.g. "1.3".
    pub version: String,
    /// `/versions/1.3/`.
    pub url: String,
    /// The earliest implementation date of its changes.
    pub implementation_date: String,
    /// `current`, `scheduled` or `superseded`.
    pub state: &'static str,
    /// Label of the state.
    pub state_label: String,
    /// Rows of the requests it carries.
    pub requests: Vec<Row>,
    /// How many.
    pub count: usize,
    /// The device kinds its modifications concern, by name.
    pub devices: Vec<DeviceLink>,
    /// The mitigations its modifications affect, in reference order.
    pub mitigations: Vec<MitigationLink>,
}

/// An SC version without its requests, for pages that only name it (the
/// index, a version's list page): their rows would be copied into every
/// such page's context for nothing.
#[derive(Debug, Clone, Serialize)]
pub struct VersionSummary<'a> {
    /// E.g. "1.3".
    pub version: &'a str,
    /// `/versions/1.3/`.
    pub url: &'a str,
    /// The earliest implementation date of its changes.
    pub implementation_date: &'a str,
    /// `current`, `scheduled` or `superseded`.
    pub state: &'static str,
    /// Label of the state.
    pub state_label: &'a str,
    /// How many requests it carries.
    pub count: usize,
    /// The device kinds its modifications concern.
    pub devices: &'a [DeviceLink],
    /// The mitigations its modifications affect.
    pub mitigations: &'a [MitigationLink],
}

impl VersionView {
    /// This version without its requests.
    pub fn summary(&self) -> VersionSummary<'_> {
        VersionSummary {
            version: &self.version,
            url: &self.url,
            implementation_date: &self.implementation_date,
            state: self.state,
            state_label: &self.state_label,
            count: self.count,
            devices: &self.devices,
            mitigations: &self.mitigations,
        }
    }
}

fn version_key(v: &str) -> (u32, u32) {
    let (a, b) = v.split_once('.').unwrap_or((v, "0"));
    (a.parse().unwrap_or(0), b.parse().unwrap_or(0))
}

/// The SC versions carrying public approved changes, newest first, with the
/// current one on the register's build date.
pub fn versions(
    register: &PublicRegister,
    rows: &HashMap<&str, &Row>,
) -> (Vec<VersionView>, String) {
    let mut by_version: BTreeMap<(u32, u32), (String, crate::model::date::Date, Vec<Row>)> =
        BTreeMap::new();
    for r in register.requests() {
        let Some(d) = r.final_decision() else {
            continue;
        };
        let (Some(v), Some(date)) = (&d.sc_version, d.implementation_date) else {
            continue;
        };
        if d.outcome != Outcome::Approved {
            continue;
        }
        let entry = by_version
            .entry(version_key(v))
            .or_insert_with(|| (v.clone(), date, Vec::new()));
        entry.1 = entry.1.min(date);
        if let Some(row) = rows.get(r.id.as_str()) {
            entry.2.push((*row).clone());
        }
    }
    let today = register.today();
    let current = by_version
        .values()
        .filter(|(_, date, _)| *date <= today)
        .map(|(v, _, _)| v.clone())
        .next_back()
        .unwrap_or_default();
    let views = by_version
        .into_values()
        .rev()
        .map(|(version, date, requests)| {
            let (state, state_label) = if version == current {
                ("current", "Current".to_string())
            } else if date > today {
                ("scheduled", format!("Scheduled (from {date})"))
            } else {
                ("superseded", "Superseded".to_string())
            };
            let (devices, mitigations) = touched(&requests);
            VersionView {
                devices,
                mitigations,
                url: format!("/versions/{version}/"),
                version,
                implementation_date: date.to_string(),
                state,
                state_label,
                count: requests.len(),
                requests,
            }
        })
        .collect();
    (views, current)
}

/// The devices and mitigations a set of requests touch, each once, in
/// order (devices by name, mitigations by prefix and number).
fn touched(requests: &[Row]) -> (Vec<DeviceLink>, Vec<MitigationLink>) {
    let mut devices: BTreeMap<&str, &DeviceLink> = BTreeMap::new();
    let mut mitigations: BTreeMap<(usize, Vec<u32>), &MitigationLink> = BTreeMap::new();
    for r in requests {
        for d in &r.device_links {
            devices.entry(&d.name).or_insert(d);
        }
        for m in &r.mitigations {
            mitigations.entry(mitigation_order(&m.name)).or_insert(m);
        }
    }
    (
        devices.into_values().cloned().collect(),
        mitigations.into_values().cloned().collect(),
    )
}

/// Sorts mitigations as the SCs list them: DEV, VER, DEP, then by number
/// part by part (`DEV 3.10` after `DEV 3.9`).
pub fn mitigation_order(reference: &str) -> (usize, Vec<u32>) {
    let (prefix, number) = reference.split_once(' ').unwrap_or((reference, ""));
    let group = crate::model::vocabulary::MITIGATION_PREFIXES
        .iter()
        .position(|p| *p == prefix)
        .unwrap_or(usize::MAX);
    let parts = number.split('.').map(|n| n.parse().unwrap_or(0)).collect();
    (group, parts)
}

/// Statuses with requests, in process order.
pub fn status_facets(rows: &[std::sync::Arc<Row>]) -> Vec<Facet> {
    Status::ALL
        .iter()
        .filter_map(|s| {
            let count = rows.iter().filter(|r| r.status == s.slug()).count();
            (count > 0).then(|| Facet {
                slug: s.slug().to_string(),
                label: s.label().to_string(),
                name: s.label().to_string(),
                count,
                url: format!("/status/{}/", s.slug()),
                group: if s.is_open() { "open" } else { "closed" },
            })
        })
        .collect()
}

/// The open and closed groups of statuses, those with requests.
pub fn group_facets(rows: &[std::sync::Arc<Row>]) -> Vec<Facet> {
    [(true, "open", "Open"), (false, "closed", "Closed")]
        .into_iter()
        .filter_map(|(open, slug, label)| {
            let count = rows.iter().filter(|r| r.open == open).count();
            (count > 0).then(|| Facet {
                slug: slug.to_string(),
                label: label.to_string(),
                name: label.to_string(),
                count,
                url: format!("/status/{slug}/"),
                group: "",
            })
        })
        .collect()
}

/// Every year a request was submitted, decided or takes effect in,
/// newest first: the choices of the index's year filter.
pub fn year_options(rows: &[std::sync::Arc<Row>]) -> Vec<String> {
    let mut years = std::collections::BTreeSet::new();
    for r in rows {
        for date in [&r.submitted, &r.decided, &r.implementation_date] {
            if let Some(year) = date.get(..4) {
                years.insert(year.to_string());
            }
        }
    }
    years.into_iter().rev().collect()
}

/// Years of submission with requests, newest first.
pub fn year_facets(rows: &[std::sync::Arc<Row>]) -> Vec<Facet> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *counts
            .entry(r.submitted.get(..4).unwrap_or(""))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .rev()
        .filter(|(year, _)| !year.is_empty())
        .map(|(year, count)| Facet {
            slug: year.to_string(),
            label: year.to_string(),
            name: year.to_string(),
            count,
            url: format!("/years/{year}/"),
            group: "",
        })
        .collect()
}

/// Device kinds with requests, by name; `label` is the full name or "".
pub fn device_facets(rows: &[std::sync::Arc<Row>], names: DeviceNames<'_>) -> Vec<Facet> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        for d in &r.devices {
            *counts.entry(d).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(name, count)| Facet {
            slug: device_slug(name),
            label: names.device_name(name).unwrap_or_default().to_string(),
            name: name.to_string(),
            count,
            url: format!("/devices/{}/", device_slug(name)),
            group: "",
        })
        .collect()
}

/// Mitigations affected by public requests, in the SCs' order; `group`
/// is the prefix (`DEV`, `VER`, `DEP`).
pub fn mitigation_facets(rows: &[std::sync::Arc<Row>]) -> Vec<Facet> {
    let mut counts: BTreeMap<(usize, Vec<u32>), (&str, usize)> = BTreeMap::new();
    for r in rows {
        for m in &r.mitigations {
            counts
                .entry(mitigation_order(&m.name))
                .or_insert((&m.name, 0))
                .1 += 1;
        }
    }
    counts
        .into_values()
        .map(|(name, count)| {
            let link = mitigation_link(name);
            Facet {
                slug: mitigation_slug(name),
                label: name.to_string(),
                name: name.to_string(),
                count,
                url: link.url,
                group: crate::model::vocabulary::MITIGATION_PREFIXES
                    .iter()
                    .find(|p| name.starts_with(*p))
                    .copied()
                    .unwrap_or(""),
            }
        })
        .collect()
}

/// Mitigations grouped by prefix, for `/mitigations/`: each group with
/// what it covers and its mitigations.
#[derive(Debug, Clone, Serialize)]
pub struct MitigationGroup {
    /// `DEV`, `VER` or `DEP`.
    pub prefix: &'static str,
    /// E.g. "Development mitigations".
    pub label: &'static str,
    /// Its mitigations with their counts.
    pub mitigations: Vec<Facet>,
}

/// The mitigations in their three groups, empty groups left out.
pub fn mitigation_groups(facets: &[Facet]) -> Vec<MitigationGroup> {
    crate::model::vocabulary::MITIGATION_GROUPS
        .iter()
        .map(|(prefix, label)| MitigationGroup {
            prefix,
            label,
            mitigations: facets
                .iter()
                .filter(|f| f.group == *prefix)
                .cloned()
                .collect(),
        })
        .filter(|g| !g.mitigations.is_empty())
        .collect()
}

/// Request types with requests.
pub fn type_facets(rows: &[std::sync::Arc<Row>]) -> Vec<Facet> {
    RequestType::ALL
        .iter()
        .filter_map(|t| {
            let count = rows.iter().filter(|r| r.request_type == t.slug()).count();
            (count > 0).then(|| Facet {
                slug: t.slug().to_string(),
                label: t.label().to_string(),
                name: t.label().to_string(),
                count,
                url: format!("/types/{}/", t.slug()),
                group: "",
            })
        })
        .collect()
}
