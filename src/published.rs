//! The checks on everything a build would publish as text: every public
//! record's front-matter strings, its body as its page shows it, its
//! attachments, and `site.toml`'s published strings, each passed through
//! one [`Screen`].
//!
//! A body is screened as *rendered*, not as written: the renderer joins
//! what markup splits (`Wil<em>fred</em> Ashby`), decodes every character
//! reference, drops links to what is not published (and their destinations
//! with them) and moves text about as HTML parsers do, so only the page's
//! own text can say what the page publishes. The rendered bodies are kept
//! and handed to the pages, which publish exactly what was screened.
//!
//! Personal data and withheld ids are errors, not warnings: an error the
//! keeper can fix beats a leak nobody sees. Messages never repeat the
//! personal data they found (they may be read in a CI log): they say which
//! declared value of which record it is.

use crate::attachments::Content;
use crate::diagnostic::{Diagnostic, Message};
use crate::links::{LinkPolicy, PublicTarget};
use crate::markdown::{self, PageLinks, RenderedBody};
use crate::record::Origin;
use crate::screen::{DeclaredValue, Finding, Scope, Screen, scan_as_read};
use crate::site::{Settings, SiteText};
use crate::texts::{self, FieldText, FrontMatterText};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One record's text, and whether the one publication rule publishes it.
pub struct RecordText<'a> {
    /// The record file.
    pub origin: &'a Origin,
    /// Published, or not.
    pub public: bool,
    /// What its body publishes: the body without its withheld passages.
    pub body: &'a str,
    /// Where each line of `body` starts in the body as written, when some
    /// were left out: `(offset in body, offset in the written body)`.
    pub lines: &'a [(usize, usize)],
    /// The page its body is shown on (where its relative links start).
    pub page: String,
    /// Its front matter's strings and declared personal data.
    pub front: &'a FrontMatterText,
    /// Its public attachments' contents.
    pub attachments: &'a [(PathBuf, Content)],
    /// Where its rendered body is kept between rebuilds.
    pub rendered: &'a RenderSlot,
}

/// Every record's text, the ids of the withheld requests and the link rule
/// the pages will be rendered with.
#[derive(Default)]
pub struct Records<'a> {
    /// The records, public or not (withheld ones declare personal data too).
    pub records: Vec<RecordText<'a>>,
    /// Ids of requests that are not published.
    pub withheld_ids: Vec<String>,
    /// Ids of requests that are published.
    pub public_ids: Vec<String>,
    /// Names of the attachments that are not published.
    pub withheld_files: Vec<String>,
    /// What links may point at, as the renderer will decide it.
    pub links: LinkPolicy,
}

/// The rendered bodies of the public records, by record file.
pub type RenderedBodies = HashMap<PathBuf, Arc<RenderedBody>>;

/// A record's body as rendered for its page, kept with the record file so
/// that `register serve` renders it again only when it must: when the file
/// changed (a new slot), or when a request its links asked about is no
/// longer the same link target (published or not, report, attachments).
#[derive(Debug, Default)]
pub struct RenderSlot(Mutex<Option<KeptBody>>);

/// A rendered body, what its page shows of it, and the targets it was
/// rendered against.
#[derive(Debug)]
struct KeptBody {
    targets: Vec<(String, Option<PublicTarget>)>,
    body: Arc<RenderedBody>,
    shown: Arc<str>,
}

impl RenderSlot {
    /// The body rendered for `page` under `links`, and what the page shows
    /// of it: the kept ones when every target it asked about is as it was.
    /// They are kept for the next run only when there is one (`keep`).
    fn get(
        &self,
        body: &str,
        page: &str,
        links: &Arc<LinkPolicy>,
        keep: bool,
    ) -> (Arc<RenderedBody>, Arc<str>) {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(k) = kept.as_ref()
            && k.targets.iter().all(|(id, t)| links.target(id) == t.as_ref())
        {
            return (Arc::clone(&k.body), Arc::clone(&k.shown));
        }
        let (rendered, shown) =
            markdown::render_body(body, &PageLinks::new(Arc::clone(links), page.to_string()));
        let targets = rendered
            .asked
            .iter()
            .map(|id| (id.clone(), links.target(id).cloned()))
            .collect();
        let (body, shown) = (Arc::new(rendered), Arc::<str>::from(shown));
        if !keep {
            return (body, shown);
        }
        *kept = Some(KeptBody {
            targets,
            body: Arc::clone(&body),
            shown: Arc::clone(&shown),
        });
        (body, shown)
    }
}

/// Screens every public record's text and the site's own published strings,
/// adding an error for each finding; returns the public bodies rendered.
pub fn screen(
    records: &Records<'_>,
    settings: &Settings,
    site: &SiteText,
    kept: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> RenderedBodies {
    let screen = Screen::new(
        records.withheld_ids.clone(),
        declared_values(records),
        &settings.public_contacts,
    )
    .with_public_ids(&records.public_ids)
    .with_withheld_files(&records.withheld_files);
    let links = Arc::new(records.links.clone());
    let screened: Vec<(Vec<Diagnostic>, (PathBuf, Arc<RenderedBody>))> = records
        .records
        .par_iter()
        .filter(|r| r.public)
        .map(|r| screen_record(&screen, &links, r, kept))
        .collect();
    let mut rendered = RenderedBodies::default();
    for (found, (path, body)) in screened {
        diagnostics.extend(found);
        rendered.insert(path, body);
    }
    diagnostics.extend(screen_site(&screen, settings, site));
    rendered
}

/// The personal data every record declares, withheld records' included.
fn declared_values(records: &Records<'_>) -> Vec<DeclaredValue> {
    records
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
        .collect()
}

/// `site.toml`'s published strings: markers and the screen.
fn screen_site(screen: &Screen, settings: &Settings, site: &SiteText) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for field in &site.texts {
        out.extend(texts::marker_problems(&site.path, &site.text, field));
        for f in scan_as_read(screen, &field.text, Scope::ALL, false) {
            let at = texts::locate_in_value(&site.text, field.offset, &field.text, f.at());
            let place = Diagnostic::error(&site.path, &site.text, at, "");
            out.push(report(screen, &f, &site.path, None).place(place));
        }
    }
    // The address a build publishes in every URL: one `--base-url` gives
    // is screened as it is written, with no place in a file.
    if !settings.other_base_urls.is_empty() {
        for f in scan_as_read(screen, &settings.base_url, Scope::ALL, false) {
            let place = Diagnostic::file_error(&site.path, "");
            out.push(report(screen, &f, &site.path, Some("--base-url")).place(place));
        }
    }
    out
}

/// Every finding in one public record: its front-matter strings, its body
/// as its page shows it, and its public attachments; and the body rendered.
fn screen_record(
    screen: &Screen,
    links: &Arc<LinkPolicy>,
    r: &RecordText<'_>,
    kept: bool,
) -> (Vec<Diagnostic>, (PathBuf, Arc<RenderedBody>)) {
    let origin = r.origin;
    let mut out = Vec::new();
    for field in &r.front.texts {
        for f in scan_as_read(screen, &field.text, Scope::ALL, false) {
            out.push(field_diagnostic(screen, origin, field, &f));
        }
    }
    let (rendered, shown) = r.rendered.get(r.body, &r.page, links, kept);
    for f in scan_as_read(screen, &shown, Scope::ALL, false) {
        let at = origin.body_offset + source_of(r, &shown, &f, screen);
        out.push(report(screen, &f, &origin.path, None).place(origin.error(at, "")));
    }
    for (path, content) in r.attachments {
        out.extend(attachment_findings(screen, origin, path, content));
    }
    out.truncate(MAX_FINDINGS);
    (out, (origin.path.clone(), rendered))
}

/// Findings reported for one record at most: the keeper fixes the first
/// and runs again, and a hostile file cannot make a report of millions.
const MAX_FINDINGS: usize = 100;

/// Where in the written body a finding of the rendered page most likely
/// comes from: the first written occurrence of what was found (its first
/// word, for a name the markup split), else the body's start.
fn source_of(r: &RecordText<'_>, shown: &str, f: &Finding, screen: &Screen) -> usize {
    let needle = match f {
        Finding::WithheldId { id, .. } => id.split('-').next().unwrap_or(id).to_string(),
        Finding::WithheldFile { name, .. } => name.clone(),
        Finding::Declared { value, .. } => screen.first_word(*value),
        Finding::Email { at } | Finding::Phone { at } => shown[*at..]
            .split(|c: char| c.is_whitespace() || c == '@')
            .next()
            .unwrap_or("")
            .to_string(),
    };
    let lower = r.body.to_ascii_lowercase();
    let found = (!needle.is_empty())
        .then(|| lower.find(&needle.to_ascii_lowercase()))
        .flatten();
    found.map_or(0, |at| written_offset(r, at))
}

/// The offset in the written body of byte `at` of its public text.
fn written_offset(r: &RecordText<'_>, at: usize) -> usize {
    match r.lines.partition_point(|&(public, _)| public <= at) {
        0 => at,
        i => {
            let (public, written) = r.lines[i - 1];
            written + (at - public)
        }
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
        Content::Text(text) => scan_as_read(screen, text, Scope::ALL, is_markup(path))
            .iter()
            .map(|f| {
                report(screen, f, &origin.path, None)
                    .place(Diagnostic::error(path, text, f.at(), ""))
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

/// True for a file a browser reads as markup, decoding character
/// references (`Wilfred&nbsp;Ashby`).
fn is_markup(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "html" | "htm" | "xhtml" | "svg" | "xml")
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
/// never repeated, and neither is a field's name when the keeper wrote it
/// (a key of `[extra]` can be the very name found).
fn report(screen: &Screen, f: &Finding, file: &Path, field: Option<&str>) -> Report {
    let within = field.map_or(String::new(), |f| format!(" in {}", field_words(f)));
    match f {
        Finding::WithheldId { id, .. } => Report {
            message: Message::new("published text")
                .text(&within)
                .text(" names ")
                .quote(id)
                .text(", a request that is withheld: its id would be published"),
            help: Message::new(
                "remove the mention, or publish that request; `related` entries and links \
                 to withheld requests are left out for you",
            ),
        },
        Finding::WithheldFile { .. } => Report {
            message: Message::new(format!(
                "published text{within} names an attachment that is not published"
            )),
            help: Message::new("remove the mention, or publish the attachment"),
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

/// A field's name for a message: as the format names it, but a place
/// under `[extra]` only as such, since its keys are the keeper's words.
fn field_words(field: &str) -> String {
    if field == "extra" || field.starts_with("extra.") || field.starts_with("extra[") {
        "a key or value of [extra]".to_string()
    } else {
        format!("`{field}`")
    }
}
