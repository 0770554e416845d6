//! Every record's text facts together: what each would publish (marked
//! public or not by the one publication rule), what the screen searches
//! for, and what `check --withheld` lists.

use super::PublicBodies;
use super::cache::TextFacts;
use super::screening::{RecordText, Records};
use super::withheld::{Kind as WithheldKind, Withheld};
use crate::diagnostic;
use crate::model::date::Date;
use crate::model::vocabulary::DecisionKind;
use crate::publish;
use crate::render::links::{LinkPolicy, PublicTarget};
use crate::source::record::{Decision, Origin, Request, Unreadable};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};

fn record<'a>(origin: &'a Origin, public: bool, page: String, f: &'a TextFacts) -> RecordText<'a> {
    RecordText {
        origin,
        public,
        page,
        front: &f.front,
        attachments: &f.attachments,
    }
}

/// What of a public request may be linked to: its page and its public
/// attachments (its report once a public final decision is found).
fn link_target(r: &Request) -> PublicTarget {
    let attachments = r
        .attachments
        .iter()
        .filter(|a| publish::attachment_is_public(a, true));
    PublicTarget {
        id: r.id.clone(),
        report: false,
        attachments: attachments.map(|a| a.name.clone()).collect(),
    }
}

/// Why a request is withheld, in words.
fn request_reason(r: &Request) -> String {
    let colour = match r.classification {
        Some(c) if c.is_public() => None,
        Some(c) => Some(c.to_string()),
        None => Some("no known classification".to_string()),
    };
    match (colour, r.draft) {
        (Some(c), true) => format!("{c}, and a draft"),
        (Some(c), false) => c,
        (None, true) => "a draft".to_string(),
        (None, false) => format!("submitted {}, after the build date", r.submitted),
    }
}

/// Every record's text facts, in register order, for the rules across
/// records and for the screen of published text.
pub(super) struct RecordTexts<'a> {
    pub(super) requests: Vec<(&'a Request, &'a TextFacts)>,
    pub(super) decisions: Vec<(&'a Decision, &'a TextFacts)>,
    pub(super) unreadable: Vec<(&'a Unreadable, &'a TextFacts)>,
}

impl RecordTexts<'_> {
    /// What each public record's body publishes, and its page.
    pub(super) fn public_bodies(&self, published: &Records<'_>) -> PublicBodies {
        let facts: HashMap<&Path, &TextFacts> = self
            .bodies()
            .into_iter()
            .map(|(origin, f)| (origin.path.as_path(), f))
            .collect();
        published
            .records
            .iter()
            .filter(|r| r.public)
            .filter_map(|r| {
                let f = facts.get(r.origin.path.as_path())?;
                Some((r.origin.path.clone(), (r.page.clone(), f.body.clone())))
            })
            .collect()
    }

    /// Every body, with its facts.
    pub(super) fn bodies(&self) -> Vec<(&Origin, &TextFacts)> {
        self.requests
            .iter()
            .map(|(r, f)| (&r.origin, *f))
            .chain(self.decisions.iter().map(|(d, f)| (&d.origin, *f)))
            .chain(self.unreadable.iter().map(|(u, f)| (&u.origin, *f)))
            .collect()
    }

    /// What each record would publish, marked public or not by the one
    /// publication rule, with the ids of the withheld requests and the
    /// link rule its pages will be rendered with.
    pub(super) fn published(&self, base_urls: &[&str], today: Option<Date>) -> Records<'_> {
        let mut records = Records::default();
        let mut targets: HashMap<&str, PublicTarget> = HashMap::default();
        for (r, f) in &self.requests {
            let public = publish::request_is_public(r, today);
            if public {
                targets.insert(&r.id, link_target(r));
                records.public_ids.push(r.id.clone());
            } else {
                records.withheld_ids.push(r.id.clone());
            }
            let withheld_files = r
                .attachments
                .iter()
                .filter(|a| !publish::attachment_is_public(a, public));
            records
                .withheld_files
                .extend(withheld_files.map(|a| a.name.clone()));
            records
                .records
                .push(record(&r.origin, public, format!("/requests/{}/", r.id), f));
        }
        for (d, f) in &self.decisions {
            let request_public = targets.contains_key(d.request.as_str());
            let public = publish::decision_is_public(d, request_public, today);
            let is_final = d.kind == DecisionKind::Final;
            if public
                && is_final
                && let Some(t) = targets.get_mut(d.request.as_str())
            {
                t.report = true;
            }
            let section = if is_final { "reports" } else { "requests" };
            let page = format!("/{section}/{}/", d.request);
            records.records.push(record(&d.origin, public, page, f));
        }
        for (u, f) in &self.unreadable {
            records.withheld_ids.extend(u.id.clone());
            records.withheld_ids.extend(u.named_id.clone());
            records
                .records
                .push(record(&u.origin, false, String::new(), f));
        }
        records.links = LinkPolicy::new(targets.into_values(), base_urls);
        records
    }

    /// Everything a build would withhold, by the one publication rule,
    /// with the reason; and the `hidden` files, which are never read.
    pub(super) fn withheld_with_hidden(
        &self,
        hidden: Vec<PathBuf>,
        today: Option<Date>,
    ) -> Vec<Withheld> {
        let public_ids: HashSet<&str> = self
            .requests
            .iter()
            .filter(|(r, _)| publish::request_is_public(r, today))
            .map(|(r, _)| r.id.as_str())
            .collect();
        let mut out = Vec::new();
        for (r, f) in &self.requests {
            withheld_of_request(r, f, public_ids.contains(r.id.as_str()), &mut out);
        }
        for (d, _) in &self.decisions {
            out.extend(withheld_decision(
                d,
                public_ids.contains(d.request.as_str()),
                today,
            ));
        }
        for (u, _) in &self.unreadable {
            let (line, column) = diagnostic::line_column(&u.origin.text, u.id_at);
            out.push(Withheld {
                file: u.origin.path.clone(),
                line,
                column,
                kind: if u.decision {
                    WithheldKind::Decision
                } else {
                    WithheldKind::Request
                },
                request: if u.decision {
                    u.request.as_ref().map(|(r, _)| r.clone())
                } else {
                    u.id.clone().or_else(|| u.named_id.clone())
                },
                reason: "its front matter is incomplete or cannot be read, so it is withheld \
                         whatever its label"
                    .to_string(),
            });
        }
        self.withheld_passages(&mut out);
        out.extend(hidden.into_iter().map(|file| Withheld {
            file,
            line: 1,
            column: 1,
            kind: WithheldKind::File,
            request: None,
            reason: "a hidden file".to_string(),
        }));
        out.sort();
        out
    }

    /// The passages every body withholds.
    fn withheld_passages(&self, out: &mut Vec<Withheld>) {
        let bodies = self
            .requests
            .iter()
            .map(|(r, f)| (&r.origin, Some(&r.id), *f))
            .chain(
                self.decisions
                    .iter()
                    .map(|(d, f)| (&d.origin, Some(&d.request), *f)),
            )
            .chain(
                self.unreadable
                    .iter()
                    .map(|(u, f)| (&u.origin, u.id.as_ref(), *f)),
            );
        for (origin, id, f) in bodies {
            for p in &f.withheld {
                let (line, column) =
                    diagnostic::line_column(&origin.text, origin.body_offset + p.offset);
                out.push(Withheld {
                    file: origin.path.clone(),
                    line,
                    column,
                    kind: WithheldKind::Passage,
                    request: id.cloned(),
                    reason: p.reason.clone(),
                });
            }
        }
    }
}

/// What a request withholds: itself (unless `public`), its attachments
/// that are not published, and the files of its folder it does not list.
fn withheld_of_request(r: &Request, f: &TextFacts, public: bool, out: &mut Vec<Withheld>) {
    let entry = |kind, file: &Path, line, column, reason: String| Withheld {
        file: file.to_path_buf(),
        line,
        column,
        kind,
        request: Some(r.id.clone()),
        reason,
    };
    if !public {
        let (line, column) = diagnostic::line_column(&r.origin.text, r.spans.id);
        let reason = request_reason(r);
        out.push(entry(
            WithheldKind::Request,
            &r.origin.path,
            line,
            column,
            reason,
        ));
    }
    for a in &r.attachments {
        if !publish::attachment_is_public(a, public) {
            let reason = match a.classification {
                Some(c) if !c.is_public() => c.to_string(),
                Some(_) => "its request is withheld".to_string(),
                None => "no known classification".to_string(),
            };
            out.push(entry(WithheldKind::Attachment, &a.source, 1, 1, reason));
        }
    }
    for file in &f.unlisted {
        let reason = "not listed under [[attachments]]".to_string();
        out.push(entry(WithheldKind::File, file, 1, 1, reason));
    }
}

/// A decision, when it is withheld.
fn withheld_decision(d: &Decision, request_public: bool, today: Option<Date>) -> Option<Withheld> {
    if publish::decision_is_public(d, request_public, today) {
        return None;
    }
    let reason = match d.classification {
        Some(c) if !c.is_public() => c.to_string(),
        None => "no known classification".to_string(),
        Some(_) if !request_public => "its request is withheld".to_string(),
        Some(_) => format!("dated {}, after the build date", d.date),
    };
    let (line, column) = diagnostic::line_column(&d.origin.text, d.kind_span);
    Some(Withheld {
        file: d.origin.path.clone(),
        line,
        column,
        kind: WithheldKind::Decision,
        request: Some(d.request.clone()),
        reason,
    })
}
