//! The checks on everything a build would publish as text: every public
//! record's front-matter strings, body and attachments, and `site.toml`'s
//! published strings, each passed through one [`Screen`].
//!
//! Personal data and withheld ids are errors, not warnings: an error the
//! keeper can fix beats a leak nobody sees. Messages never repeat the
//! personal data they found (they may be read in a CI log): they say which
//! declared value of which record it is.

use crate::attachments::Content;
use crate::diagnostic::{Diagnostic, Message};
use crate::links::LinkPolicy;
use crate::markdown::{PageLinks, PublishedParts};
use crate::record::Origin;
use crate::screen::{DeclaredValue, Finding, Scope, Screen, scan_as_read};
use crate::site::{Settings, SiteText};
use crate::texts::{self, FieldText, FrontMatterText};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One record's text, and whether the one publication rule publishes it.
pub struct RecordText<'a> {
    /// The record file.
    pub origin: &'a Origin,
    /// Published, or not.
    pub public: bool,
    /// What its body publishes: the body without its withheld passages.
    pub body: &'a str,
    /// The page its body is shown on (where its relative links start).
    pub page: String,
    /// Its front matter's strings and declared personal data.
    pub front: &'a FrontMatterText,
    /// Its public attachments' contents.
    pub attachments: &'a [(PathBuf, Content)],
}

/// Every record's text, the ids of the withheld requests and the link rule
/// the pages will be rendered with.
#[derive(Default)]
pub struct Records<'a> {
    /// The records, public or not (withheld ones declare personal data too).
    pub records: Vec<RecordText<'a>>,
    /// Ids of requests that are not published.
    pub withheld_ids: Vec<String>,
    /// What links may point at, as the renderer will decide it.
    pub links: LinkPolicy,
}

/// Screens every public record's text and the site's own published strings,
/// adding an error for each finding.
pub fn screen(
    records: &Records<'_>,
    settings: &Settings,
    site: &SiteText,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let declared: Vec<DeclaredValue> = records
        .records
        .iter()
        .flat_map(|r| {
            r.front.declared.iter().map(|d| DeclaredValue {
                file: r.origin.path.clone(),
                table: d.table,
                key: d.key,
                value: d.value.clone(),
            })
        })
        .collect();
    let screen = Screen::new(
        records.withheld_ids.clone(),
        declared,
        &settings.public_contacts,
    );
    let links = Arc::new(records.links.clone());
    let found: Vec<Diagnostic> = records
        .records
        .par_iter()
        .filter(|r| r.public)
        .flat_map_iter(|r| screen_record(&screen, &links, r))
        .collect();
    diagnostics.extend(found);
    for field in &site.texts {
        diagnostics.extend(texts::marker_problems(&site.path, &site.text, field));
        let findings = scan_as_read(&screen, &field.text, Scope::ALL, false);
        diagnostics.extend(findings.iter().map(|f| {
            let at = texts::locate_in_value(&site.text, field.offset, &field.text, f.at());
            report(&screen, f, &site.path, None)
                .place(Diagnostic::error(&site.path, &site.text, at, ""))
        }));
    }
}

/// Every finding in one public record: its front-matter strings, its body
/// (what remains of it once its withheld passages are removed) and its
/// public attachments.
fn screen_record(screen: &Screen, links: &Arc<LinkPolicy>, r: &RecordText<'_>) -> Vec<Diagnostic> {
    let origin = r.origin;
    let mut out = Vec::new();
    for field in &r.front.texts {
        for f in scan_as_read(screen, &field.text, Scope::ALL, false) {
            out.push(field_diagnostic(screen, origin, field, &f));
        }
    }
    let body = origin.body();
    let public = r.body;
    let mut published = BodyParts::new(public, links, &r.page);
    for f in scan_as_read(screen, public, Scope::ALL, true) {
        if let Finding::WithheldId { at, id } = &f
            && !published.shows(*at, id)
        {
            continue;
        }
        let at = origin.body_offset + locate(body, public, f.at());
        let place = origin.error(at, "");
        out.push(report(screen, &f, &origin.path, None).place(place));
    }
    // A link that stays a link publishes its destination and title, which
    // may be written elsewhere (a reference definition).
    if let Some(parts) = &published.parts {
        for (start, kept) in &parts.kept {
            for f in screen.scan(
                kept,
                Scope {
                    ids: true,
                    contacts: false,
                },
            ) {
                if matches!(f, Finding::WithheldId { .. }) {
                    let at = origin.body_offset + locate(body, public, *start);
                    out.push(report(screen, &f, &origin.path, None).place(origin.error(at, "")));
                }
            }
        }
    }
    for (path, content) in r.attachments {
        out.extend(attachment_findings(screen, origin, path, content));
    }
    out
}

/// What of a body reaches its page, worked out only when a withheld id is
/// found in it (rarely): a mention inside a link that renders as its text
/// alone is no mention.
struct BodyParts<'a> {
    body: &'a str,
    links: &'a Arc<LinkPolicy>,
    page: &'a str,
    parts: Option<PublishedParts>,
}

impl<'a> BodyParts<'a> {
    fn new(body: &'a str, links: &'a Arc<LinkPolicy>, page: &'a str) -> BodyParts<'a> {
        BodyParts {
            body,
            links,
            page,
            parts: None,
        }
    }

    fn page_links(&self) -> Arc<PageLinks> {
        PageLinks::new(Arc::clone(self.links), self.page.to_string())
    }

    /// True when the mention of `id` at byte `at` reaches the page.
    fn shows(&mut self, at: usize, id: &str) -> bool {
        let links = self.page_links();
        let parts = self
            .parts
            .get_or_insert_with(|| PublishedParts::of(self.body, &links));
        if parts.in_text(at) {
            return true;
        }
        parts
            .html_at(self.body, at, &links)
            .is_some_and(|html| html.to_ascii_uppercase().contains(&id.to_ascii_uppercase()))
    }
}

fn field_diagnostic(
    screen: &Screen,
    origin: &Origin,
    field: &FieldText,
    f: &Finding,
) -> Diagnostic {
    let at = texts::locate_in_value(&origin.text, field.offset, &field.text, f.at());
    report(screen, f, &origin.path, Some(&field.field)).place(origin.error(at, ""))
}

fn attachment_findings(
    screen: &Screen,
    origin: &Origin,
    path: &Path,
    content: &Content,
) -> Vec<Diagnostic> {
    match content {
        Content::Text(text) => scan_as_read(screen, text, Scope::ALL, false)
            .iter()
            .map(|f| {
                report(screen, f, &origin.path, None).place(Diagnostic::error(
                    path,
                    text,
                    f.at(),
                    "",
                ))
            })
            .collect(),
        Content::Printable(runs) => screen
            .scan(
                runs,
                Scope {
                    ids: true,
                    contacts: false,
                },
            )
            .iter()
            .map(|f| {
                report(screen, f, &origin.path, None)
                    .inside_binary()
                    .place(Diagnostic::file_error(path, ""))
            })
            .collect(),
    }
}

/// What a finding is, in words, before it is placed in a file.
struct Report {
    message: Message,
    help: Message,
}

impl Report {
    /// The report at the place `at` (whose own message is replaced).
    fn place(self, mut at: Diagnostic) -> Diagnostic {
        at.message = self.message;
        at.with_help(self.help)
    }

    /// Said of a binary attachment, where only its printable bytes were read.
    fn inside_binary(mut self) -> Report {
        self.message = self
            .message
            .text(" (in the file's bytes: its metadata, say an author's name)");
        self
    }
}

/// The words for a finding in text published by the record in `file`,
/// in `field` when it is a front-matter value. The personal data found is
/// never repeated.
fn report(screen: &Screen, f: &Finding, file: &Path, field: Option<&str>) -> Report {
    let within = field.map_or(String::new(), |f| format!(" in `{f}`"));
    match f {
        Finding::WithheldId { id, .. } => Report {
            message: Message::new("published text")
                .text(&within)
                .text(" names ")
                .quote(id)
                .text(", a request that is withheld: its id would be published"),
            help: Message::new(
                "remove the mention, or publish that request; `related` entries and `@ID` links \
                 to withheld requests are left out for you",
            ),
        },
        Finding::Declared { value, .. } => {
            let d = screen.declared(*value);
            let whose = if d.file == file {
                "this record".to_string()
            } else {
                format!("`{}`", d.file.display())
            };
            Report {
                message: Message::new(format!(
                    "published text{within} holds the {} declared under [{}] in {whose}: \
                     personal data is never published",
                    d.key, d.table
                )),
                help: Message::new(format!(
                    "remove it here; it stays in [{}], which is never published",
                    d.table
                )),
            }
        }
        Finding::Email { .. } | Finding::Phone { .. } => {
            let what = if matches!(f, Finding::Email { .. }) {
                "an e-mail address"
            } else {
                "a telephone number"
            };
            Report {
                message: Message::new(format!(
                    "published text{within} holds {what}: contact details are personal data"
                )),
                help: Message::new(
                    "remove it; a public contact point (a committee's mailbox) may be listed in \
                     site.toml `public_contacts`",
                ),
            }
        }
    }
}

/// Finds where the public text's line at `offset` sits in the original
/// body (the public text is the body with some lines left out).
pub fn locate(body: &str, public: &str, offset: usize) -> usize {
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
