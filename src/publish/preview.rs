//! The preview of everything, withheld material included, for `register
//! serve --withheld` on the keeper's own machine.
//!
//! A [`PreviewRegister`] is not a [`PublicRegister`] and cannot be used as
//! one: `build` renders only what [`super::filter`] makes, and nothing
//! here is reachable from it. It is made by [`preview`] alone, which needs
//! a [`LocalOnly`] that only the preview server can make (after binding
//! 127.0.0.1), and it is rendered by `render::render_preview` alone, into
//! memory only. Every withheld record, decision, passage and attachment it
//! holds carries a banner naming why it is withheld ("WITHHELD: TLP:AMBER,
//! not published"); the server marks every page `noindex` and with the
//! site-wide banner "Preview including withheld material".

use super::{
    PublicAttachment, PublicDecision, PublicRegister, PublicRequest, Seal, attachment_is_public,
    decision_is_public, public_decision, public_request, request_is_public,
};
use crate::check::{Passed, Register};
use crate::model::classification::Tlp;
use crate::model::date::Date;
use crate::model::vocabulary::DecisionKind;
use crate::publish::passages::{Comment, classify};
use crate::render::links::{LinkPolicy, PublicTarget};
use crate::render::markdown::{PageLinks, render_body};
use crate::source::attachments::{Attachment, CheckedBytes};
use crate::source::record::{Decision, Request};
use crate::source::site::Settings;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::sync::Arc;

pub use crate::serve::LocalOnly;

/// Everything in the content folder, as the preview shows it, with the
/// banner of each page that shows something withheld.
#[derive(Debug)]
pub struct PreviewRegister {
    register: PublicRegister,
    banners: BTreeMap<String, String>,
    withheld: usize,
}

impl PreviewRegister {
    /// Page path (`requests/X/index.html`) to the banner that page carries
    /// because what it shows is withheld.
    pub fn banners(&self) -> &BTreeMap<String, String> {
        &self.banners
    }

    /// How many records, decisions and attachments shown are withheld.
    pub fn withheld(&self) -> usize {
        self.withheld
    }

    /// The register as the renderer takes it. Only `render::render_preview`
    /// calls this, and it renders into memory only.
    pub(crate) fn for_preview_render(&self) -> &PublicRegister {
        &self.register
    }
}

/// The banner of something withheld: its own label, or why else.
fn banner(label: Option<Tlp>, draft: bool, parent_withheld: bool) -> String {
    match label {
        _ if draft => "WITHHELD: draft, not published".to_string(),
        Some(tlp) if !tlp.is_public() => format!("WITHHELD: {tlp}, not published"),
        None => "WITHHELD: no known classification, not published".to_string(),
        Some(_) if parent_withheld => {
            "WITHHELD: its request is withheld, not published".to_string()
        }
        Some(_) => String::new(),
    }
}

/// Makes the preview of `passed`: every request, decision and attachment,
/// and every body with its withheld passages shown between banners.
pub fn preview(
    passed: Passed,
    settings: &Settings,
    today: Date,
    _local: LocalOnly,
) -> PreviewRegister {
    let (register, _, _) = passed.into_parts();
    // Records too incomplete to read have no page to preview: `check
    // --withheld` lists them.
    let Register {
        requests,
        decisions,
        incomplete: _,
    } = register;
    let policy = Arc::new(link_policy(&requests, &decisions, settings));
    let public_ids: HashSet<String> = requests
        .iter()
        .filter(|r| request_is_public(r, Some(today)))
        .map(|r| r.id.clone())
        .collect();
    let mut made = Made::default();
    let mut by_request: HashMap<String, Vec<PublicDecision>> = HashMap::default();
    for d in &decisions {
        let request_public = public_ids.contains(&d.request);
        let decision = made.decision(d, request_public, &policy, today);
        by_request
            .entry(d.request.clone())
            .or_default()
            .push(decision);
    }
    let all_ids: HashSet<String> = requests.iter().map(|r| r.id.clone()).collect();
    let mut shown: Vec<PublicRequest> = Vec::with_capacity(requests.len());
    for r in &requests {
        if shown.last().is_some_and(|p| p.id == r.id) {
            continue;
        }
        let ds = by_request.remove(&r.id).unwrap_or_default();
        shown.push(made.request(r, ds, &policy, &all_ids, today));
    }
    let index = shown
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    PreviewRegister {
        register: PublicRegister {
            requests: shown,
            index,
            today,
        },
        banners: made.banners,
        withheld: made.withheld,
    }
}

/// Every request may be linked to in the preview.
fn link_policy(requests: &[Arc<Request>], decisions: &[Arc<Decision>], s: &Settings) -> LinkPolicy {
    let finals: HashSet<&str> = decisions
        .iter()
        .filter(|d| d.kind == DecisionKind::Final)
        .map(|d| d.request.as_str())
        .collect();
    let targets = requests.iter().map(|r| PublicTarget {
        id: r.id.clone(),
        report: finals.contains(r.id.as_str()),
        attachments: r.attachments.iter().map(|a| a.name.clone()).collect(),
    });
    let mut base_urls = vec![s.base_url.as_str()];
    base_urls.extend(s.other_base_urls.iter().map(String::as_str));
    LinkPolicy::new(targets, &base_urls)
}

/// The banners found so far, and how many things are withheld.
#[derive(Default)]
struct Made {
    banners: BTreeMap<String, String>,
    withheld: usize,
}

impl Made {
    /// A decision as the preview shows it, its banner first in its body.
    fn decision(
        &mut self,
        d: &Decision,
        request_public: bool,
        policy: &Arc<LinkPolicy>,
        today: Date,
    ) -> PublicDecision {
        let mark = banner(d.classification, false, !request_public);
        if !decision_is_public(d, request_public, Some(today)) {
            self.withheld += 1;
            if d.kind == DecisionKind::Final {
                let page = format!("reports/{}/index.html", d.request);
                self.banners.insert(page, mark.clone());
            }
        }
        let page = format!("/reports/{}/", d.request);
        let body = body(d.origin.body(), &mark, policy, page);
        let label = d.classification.unwrap_or(Tlp::Red);
        public_decision(d, label, body)
    }

    /// A request as the preview shows it: every stage, decision and
    /// attachment, its banner on its page and first in its body.
    fn request(
        &mut self,
        r: &Request,
        decisions: Vec<PublicDecision>,
        policy: &Arc<LinkPolicy>,
        all_ids: &HashSet<String>,
        today: Date,
    ) -> PublicRequest {
        let public = request_is_public(r, Some(today));
        let mark = banner(r.classification, r.draft, false);
        if !public {
            self.withheld += 1;
            let page = format!("requests/{}/index.html", r.id);
            self.banners.insert(page, mark.clone());
        }
        let page = format!("/requests/{}/", r.id);
        let body = body(r.origin.body(), &mark, policy, page);
        let label = r.classification.unwrap_or(Tlp::Red);
        let mut shown = public_request(r, label, decisions, body, all_ids, today);
        shown.attachments = self.attachments(r, public);
        shown
    }

    /// Every attachment a request lists, a withheld one titled with its
    /// banner; read from the content folder when it was not checked (a
    /// withheld one never is). One that cannot be read is left out.
    fn attachments(&mut self, r: &Request, request_public: bool) -> Vec<PublicAttachment> {
        r.attachments
            .iter()
            .filter_map(|a| {
                let bytes = bytes_of(a)?;
                let mut title = a.title.clone();
                if !attachment_is_public(a, request_public) {
                    self.withheld += 1;
                    let mark = banner(a.classification, false, !request_public);
                    title = format!("{title} ({mark})");
                }
                Some(PublicAttachment {
                    name: a.name.clone(),
                    title,
                    size: bytes.0.len() as u64,
                    bytes,
                    _seal: Seal,
                })
            })
            .collect()
    }
}

/// An attachment's bytes: as checked, else as they are on disk.
fn bytes_of(a: &Attachment) -> Option<CheckedBytes> {
    if let Some(bytes) = &a.checked {
        return Some(bytes.clone());
    }
    let read = std::fs::read(&a.source).ok()?;
    Some(CheckedBytes(Arc::from(read)))
}

/// A body rendered for the preview: `mark` first when it is withheld, and
/// each withheld passage between banners.
fn body(
    text: &str,
    mark: &str,
    policy: &Arc<LinkPolicy>,
    page: String,
) -> Arc<crate::render::markdown::RenderedBody> {
    let mut shown = String::with_capacity(text.len() + 128);
    if !mark.is_empty() {
        shown.push_str(&format!("**{mark}.**\n\n"));
    }
    shown.push_str(&mark_passages(text));
    let links = PageLinks::new(Arc::clone(policy), page);
    Arc::new(render_body(&shown, &links).0)
}

/// `text` with each withheld passage's markers replaced by banners that
/// name its label, so the preview shows where it starts and ends.
pub fn mark_passages(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut open: Vec<bool> = Vec::new();
    for line in text.split_inclusive('\n') {
        let inner = line
            .trim()
            .strip_prefix("<!--")
            .and_then(|l| l.strip_suffix("-->"));
        match inner.map(classify) {
            Some(Comment::Open(label)) => {
                let withheld = !Tlp::parse(label.trim()).is_some_and(Tlp::is_public);
                if withheld {
                    let tlp = Tlp::parse(label.trim()).map_or(label.clone(), |t| t.to_string());
                    let start = format!("WITHHELD: {tlp}, not published; the passage follows");
                    out.push_str(&format!("\n**{start}.**\n\n"));
                }
                open.push(withheld);
            }
            Some(Comment::Close) if open.pop().unwrap_or(false) => {
                out.push_str("\n**End of the withheld passage.**\n\n");
            }
            Some(Comment::Close) => {}
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withheld_passages_are_shown_between_banners_and_public_ones_plainly() {
        let text = "Before.\n\n<!-- TLP:AMBER -->\nThe attack path.\n<!-- /TLP -->\n\n\
                    <!-- TLP:CLEAR -->\nKept.\n<!-- /TLP -->\nAfter.\n";
        let shown = mark_passages(text);
        assert!(shown.contains(
            "**WITHHELD: TLP:AMBER, not published; the passage follows.**\n\nThe attack path.\n\n\
             **End of the withheld passage.**"
        ));
        assert!(shown.contains("Kept.\nAfter."), "{shown}");
        assert!(!shown.contains("<!--"), "{shown}");
    }

    #[test]
    fn banners_name_why() {
        assert_eq!(
            banner(Some(Tlp::Amber), false, false),
            "WITHHELD: TLP:AMBER, not published"
        );
        assert_eq!(
            banner(Some(Tlp::Clear), true, false),
            "WITHHELD: draft, not published"
        );
        assert_eq!(
            banner(Some(Tlp::Clear), false, true),
            "WITHHELD: its request is withheld, not published"
        );
        assert_eq!(banner(Some(Tlp::White), false, false), "");
    }
}
