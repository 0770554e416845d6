//! Reading a request's front matter (section 3.1) into a [`Request`].

use super::fields::{At, Fields};
use super::reading::Reading;
use super::{Contact, HistoryEntry, ID_PATTERN, MAX_ID_LEN, Origin, Request, RequestSpans};
use crate::diagnostic::Message;
use crate::model::vocabulary::{BUILT_IN_DEVICES, MITIGATION_PREFIXES, RequestType, Stage};
use crate::source::folder::FolderFile;
use regex::Regex;
use std::sync::LazyLock;

/// Every key of a request's front matter.
pub const KEYS: &[&str] = &[
    "id",
    "type",
    "title",
    "classification",
    "submitted",
    "reasons",
    "devices",
    "affected_scs",
    "affected_scs_reason",
    "requires_new_sc",
    "requires_new_sc_reason",
    "urgent",
    "urgent_reason",
    "related",
    "supersedes",
    "proposer",
    "sponsor",
    "history",
    "attachments",
    "draft",
    "extra",
];

/// A mitigation reference: a prefix, a space and a dotted number of at
/// most four parts of at most four digits, without leading zeros. Each
/// reference is a page (`/mitigations/DEV-3.2/`): `DEV 03.2` beside
/// `DEV 3.2` would be two names of one mitigation, and a reference of any
/// length a file name the system refuses.
static SC_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(DEV|VER|DEP) (0|[1-9][0-9]{0,3})(\.(0|[1-9][0-9]{0,3})){0,3}$")
        .expect("valid pattern")
});

/// Reads a request from its front matter. `None` when a value it cannot do
/// without (its id, type, title, submission date, Proposer or history) is
/// missing or wrong: that is reported, and the record counts as unreadable.
pub fn read(
    r: &mut Reading,
    mut f: Fields,
    folder: Option<Vec<FolderFile>>,
    extra_devices: &[String],
) -> Option<Request> {
    f.expect(r, KEYS);
    let classification = super::classification(r, &mut f);
    let draft = f.flag(r, "draft").is_some_and(|d| d.value);
    // Only a record withheld on purpose may be incomplete: one whose label
    // is missing or unknown is an error already.
    r.withheld(draft || classification.is_some_and(|c| !c.is_public()));
    let attachments = super::listing::read(r, &mut f, folder);
    let mut spans = RequestSpans::default();
    let id = id(r, &mut f, &mut spans);
    let request_type = request_type(r, &mut f);
    let title = title(r, &mut f);
    let submitted = submitted(r, &mut f);
    let reasons = reasons(r, &mut f, request_type.as_ref().map(|t| t.value));
    let devices = devices(r, &mut f, extra_devices);
    let affected_scs = affected_scs(r, &mut f, &mut spans);
    let requires_new_sc = f.flag(r, "requires_new_sc").is_some_and(|x| x.value);
    let (urgent, urgent_reason) = urgency(r, &mut f);
    let related = related(r, &mut f, &mut spans);
    let supersedes = supersedes(r, &mut f, &mut spans);
    let proposer = proposer(r, &mut f);
    let sponsor = sponsor(r, &mut f);
    let submitted_on = submitted.as_ref().map(|s| s.value);
    let history = super::history::read(r, &mut f, submitted_on, &mut spans);
    if let Some(history) = &history {
        let has_sponsor = sponsor.is_some() || f.has("sponsor");
        needs_sponsor(r, history, has_sponsor, spans.history_table);
    }
    let affected_scs_reason = text(r, &mut f, "affected_scs_reason");
    let requires_new_sc_reason = text(r, &mut f, "requires_new_sc_reason");
    let extra = f.extra(r);
    f.unknown(r, KEYS);
    Some(Request {
        origin: Origin::default(),
        spans,
        id: id?,
        request_type: request_type?.value,
        title: title?,
        classification,
        submitted: submitted?.value,
        reasons,
        devices,
        affected_scs,
        affected_scs_reason,
        requires_new_sc,
        requires_new_sc_reason,
        urgent,
        urgent_reason,
        related,
        supersedes,
        proposer: proposer?,
        sponsor,
        history: history?,
        draft,
        extra,
        attachments,
    })
}

/// The request's type, required.
fn request_type(r: &mut Reading, f: &mut Fields) -> Option<At<RequestType>> {
    let request_type = f.word::<RequestType>(r, "type");
    if request_type.is_none() {
        r.missing(
            "type",
            "add type = \"sc-modification\" or type = \"refurbishment-use-case\"",
        );
    }
    request_type
}

/// The date the SSC received the request, required.
fn submitted(r: &mut Reading, f: &mut Fields) -> Option<At<crate::model::date::Date>> {
    let submitted = f.date(r, "submitted");
    if submitted.is_none() {
        r.missing(
            "submitted",
            "add the date the SSC received it: submitted = 2019-03-14",
        );
    }
    submitted
}

/// An optional text, trimmed; `None` when empty.
pub(super) fn text(r: &mut Reading, f: &mut Fields, key: &str) -> Option<String> {
    let value = f.text(r, key)?.value;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn id(r: &mut Reading, f: &mut Fields, spans: &mut RequestSpans) -> Option<String> {
    let Some(id) = f.text(r, "id") else {
        r.missing("id", "add the request's id, e.g. id = \"SCMR-2019-004\"");
        return None;
    };
    spans.id = id.at;
    if !ID_PATTERN.is_match(&id.value) {
        r.error(
            id.at,
            Message::new("").quote(&id.value).text(" is not a valid id"),
            "ids are upper-case letters, digits and hyphens, e.g. SCMR-2019-004",
        );
    } else if id.value.len() > MAX_ID_LEN {
        r.error(
            id.at,
            format!("an id is at most {MAX_ID_LEN} characters"),
            "shorten it: it is the page's address and a file name",
        );
    }
    Some(id.value)
}

fn title(r: &mut Reading, f: &mut Fields) -> Option<String> {
    match f.text(r, "title") {
        Some(t) if t.value.trim().is_empty() => {
            r.incomplete(t.at, "the title is empty", "give the proposed title");
            r.is_withheld().then(String::new)
        }
        Some(t) => Some(t.value.trim().to_string()),
        None => {
            r.missing("title", "add the proposed title: title = \"...\"");
            None
        }
    }
}

fn reasons(
    r: &mut Reading,
    f: &mut Fields,
    request_type: Option<RequestType>,
) -> Vec<crate::model::vocabulary::Reason> {
    let list = f.words(r, "reasons");
    let reasons: Vec<_> = list
        .iter()
        .flat_map(|l| l.value.iter().map(|w| w.value))
        .collect();
    if request_type == Some(RequestType::ScModification) && reasons.is_empty() {
        let help = "list the sources of modification (section 5 of the methodology), e.g. \
                    reasons = [\"lessons-learned\"]";
        match &list {
            Some(l) => r.incomplete(
                l.at,
                "an SC Modification Request needs at least one reason",
                help,
            ),
            None => r.missing("reasons", help),
        }
    }
    reasons
}

fn devices(r: &mut Reading, f: &mut Fields, extra_devices: &[String]) -> Vec<String> {
    let mut devices: Vec<String> = Vec::new();
    for d in f.texts(r, "devices").map(|l| l.value).unwrap_or_default() {
        let known =
            BUILT_IN_DEVICES.contains(&d.value.as_str()) || extra_devices.contains(&d.value);
        if !known {
            let mut all: Vec<&str> = BUILT_IN_DEVICES.to_vec();
            all.extend(extra_devices.iter().map(String::as_str));
            let help = match super::fields::closest(&d.value, &all) {
                Some(meant) => Message::new("did you mean ")
                    .quote(meant)
                    .text("? Other device kinds can be listed in site.toml `devices`"),
                None => Message::new(format!(
                    "use {}, or list the device kind in site.toml `devices`",
                    super::fields::list_words(&all)
                )),
            };
            r.error(d.at, Message::new("unknown device ").quote(&d.value), help);
        } else if !devices.contains(&d.value) {
            devices.push(d.value);
        }
    }
    devices
}

fn affected_scs(r: &mut Reading, f: &mut Fields, spans: &mut RequestSpans) -> Vec<String> {
    let mut scs = Vec::new();
    for sc in f
        .texts(r, "affected_scs")
        .map(|l| l.value)
        .unwrap_or_default()
    {
        if SC_PATTERN.is_match(&sc.value) {
            scs.push(sc.value);
            spans.affected_scs.push(sc.at);
        } else {
            r.error(
                sc.at,
                Message::new("")
                    .quote(&sc.value)
                    .text(" is not a mitigation reference"),
                format!(
                    "write a prefix ({}), a space and a dotted number without leading zeros \
                     (up to four parts of up to four digits), e.g. \"DEV 3.2\"",
                    MITIGATION_PREFIXES.join(", ")
                ),
            );
        }
    }
    scs
}

fn urgency(r: &mut Reading, f: &mut Fields) -> (bool, Option<String>) {
    let urgent = f.flag(r, "urgent");
    let reason = text(r, f, "urgent_reason");
    if let Some(u) = urgent.as_ref().filter(|u| u.value && reason.is_none()) {
        r.incomplete(
            u.at,
            "an urgent request needs `urgent_reason`",
            "add urgent_reason = \"...\", explaining the urgent business need (question 6)",
        );
    }
    (urgent.is_some_and(|u| u.value), reason)
}

fn related(r: &mut Reading, f: &mut Fields, spans: &mut RequestSpans) -> Vec<String> {
    let list = f.texts(r, "related").map(|l| l.value).unwrap_or_default();
    list.into_iter()
        .map(|At { value, at }| {
            spans.related.push(at);
            value
        })
        .collect()
}

/// `supersedes`: the requests this one replaces, read like `related`.
fn supersedes(r: &mut Reading, f: &mut Fields, spans: &mut RequestSpans) -> Vec<String> {
    let list = f
        .texts(r, "supersedes")
        .map(|l| l.value)
        .unwrap_or_default();
    list.into_iter()
        .map(|At { value, at }| {
            spans.supersedes.push(at);
            value
        })
        .collect()
}

/// `[proposer]`: its `organisation` is required and published; the person
/// never is.
fn proposer(r: &mut Reading, f: &mut Fields) -> Option<Contact> {
    let Some(mut t) = f.table(r, "proposer") else {
        r.missing(
            "proposer",
            "add a [proposer] table with at least organisation = \"...\"",
        );
        return None;
    };
    if let Some(wrong) = t.text(r, "sec_party") {
        r.error(
            wrong.at,
            "`sec_party` belongs to [sponsor]; the Proposer has an `organisation`",
            "rename it organisation, or move it under a [sponsor] table",
        );
    }
    t.expect(r, &["organisation", "name", "phone", "email"]);
    let organisation = named(r, &mut t, "organisation", "the Proposer's organisation");
    let contact = person(r, t, organisation?);
    Some(contact)
}

/// `[sponsor]`: the SEC Party supporting the request.
fn sponsor(r: &mut Reading, f: &mut Fields) -> Option<Contact> {
    let mut t = f.table(r, "sponsor")?;
    if let Some(wrong) = t.text(r, "organisation") {
        r.error(
            wrong.at,
            "[sponsor] names its `sec_party`, not an `organisation`",
            "rename organisation to sec_party",
        );
    }
    let party = named(
        r,
        &mut t,
        "sec_party",
        "the SEC Party supporting the request",
    );
    Some(person(r, t, party?))
}

/// The required public name of a contact table (`organisation`,
/// `sec_party`); `Some("")` in a withheld record that leaves it empty.
fn named(r: &mut Reading, t: &mut Fields, key: &str, what: &str) -> Option<String> {
    let value = t.text(r, key);
    let help = format!("add {key} = \"...\" under {}: {what}", t.name);
    match value {
        Some(v) if !v.value.trim().is_empty() => return Some(v.value.trim().to_string()),
        Some(v) => r.incomplete(v.at, format!("`{key}` in {} is empty", t.name), help),
        None => r.missing_in(t.at, &t.name, key, help),
    }
    r.is_withheld().then(String::new)
}

/// The person of a contact table: personal data, never published.
fn person(r: &mut Reading, mut t: Fields, organisation: String) -> Contact {
    let contact = Contact {
        organisation,
        name: text(r, &mut t, "name"),
        phone: text(r, &mut t, "phone"),
        email: text(r, &mut t, "email"),
    };
    let known: &[&str] = match t.name.as_str() {
        "[sponsor]" => &["sec_party", "name", "phone", "email"],
        _ => &["organisation", "name", "phone", "email"],
    };
    t.unknown(r, known);
    contact
}

/// A request past `submitted` needs a sponsor: the SSC progresses only
/// requests a SEC Party supports.
fn needs_sponsor(r: &mut Reading, history: &[HistoryEntry], sponsored: bool, at: usize) {
    if !sponsored && history.iter().any(|h| h.stage > Stage::Submitted) {
        r.incomplete(
            at,
            "the request has gone past `submitted` without a sponsor",
            "add a [sponsor] table with the supporting SEC Party's sec_party: the SSC \
             progresses only requests a SEC Party supports",
        );
    }
}
