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

use crate::check::screen::{DeclaredValue, Finding, Scope, Screen, scan_as_read};
use crate::diagnostic::{Diagnostic, Message};
use crate::render::links::{LinkPolicy, PublicTarget};
use crate::render::markdown::{self, PageLinks, RenderedBody};
use crate::source::attachments::Content;
use crate::source::record::Origin;
use crate::source::site::{Settings, SiteText};
use crate::source::texts::{self, FieldText, FrontMatterText};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What a body publishes before it is rendered: its text without its
/// withheld passages (when some were left out), where that text's lines
/// start in the body as written, and where its rendering is kept. Shared,
/// not copied: the check cache, the check and the filter all hold it.
#[derive(Debug, Clone, Default)]
pub struct PublicBody {
    /// The body without its withheld passages; `None` when that is the
    /// body itself.
    pub text: Option<Arc<str>>,
    /// Where each line of `text` starts in the written body:
    /// `(offset in text, offset in the written body)`.
    pub lines: Arc<[(usize, usize)]>,
    /// Its rendering, kept between rebuilds.
    pub slot: Arc<RenderSlot>,
}

impl PublicBody {
    /// The text that is rendered: `text`, or the written body itself.
    pub fn text<'a>(&'a self, origin: &'a Origin) -> &'a str {
        self.text.as_deref().unwrap_or(origin.body())
    }

    /// The offset in the written body of byte `at` of the public text.
    fn written_offset(&self, at: usize) -> usize {
        match self.lines.partition_point(|&(public, _)| public <= at) {
            0 => at,
            i => {
                let (public, written) = self.lines[i - 1];
                written + (at - public)
            }
        }
    }
}

/// One record's text, and whether the one publication rule publishes it.
pub struct RecordText<'a> {
    /// The record file.
    pub origin: &'a Origin,
    /// Published, or not.
    pub public: bool,
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
    /// Ids of requests that are published.
    pub public_ids: Vec<String>,
    /// Names of the attachments that are not published.
    pub withheld_files: Vec<String>,
    /// What links may point at, as the renderer will decide it.
    pub links: LinkPolicy,
}

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
            && k.targets
                .iter()
                .all(|(id, t)| links.target(id) == t.as_ref())
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
        if keep {
            *kept = Some(KeptBody {
                targets,
                body: Arc::clone(&body),
                shown: Arc::clone(&shown),
            });
        }
        (body, shown)
    }
}

/// The screen and the link rule of one check, which the publication filter
/// uses again for the bodies it renders.
#[derive(Debug)]
pub struct Screening {
    screen: Screen,
    links: Arc<LinkPolicy>,
    /// Whether renderings are kept for a next run (`register serve`).
    keep: bool,
}

impl Screening {
    /// The screening of `records` under `settings`.
    pub fn new(records: &Records<'_>, settings: &Settings, keep: bool) -> Screening {
        let screen = Screen::new(
            records.withheld_ids.clone(),
            declared_values(records),
            &settings.public_contacts,
        )
        .with_public_ids(&records.public_ids)
        .with_withheld_files(&records.withheld_files);
        Screening {
            screen,
            links: Arc::new(records.links.clone()),
            keep,
        }
    }

    /// Screens every public record's front-matter strings and attachments,
    /// and the site's own published strings. Bodies are screened as they
    /// are rendered ([`Screening::body`]).
    pub fn texts(
        &self,
        records: &Records<'_>,
        settings: &Settings,
        site: &SiteText,
    ) -> Vec<Diagnostic> {
        let mut found: Vec<Diagnostic> = records
            .records
            .par_iter()
            .filter(|r| r.public)
            .flat_map_iter(|r| self.record_texts(r))
            .collect();
        found.extend(screen_site(&self.screen, settings, site));
        found
    }

    fn record_texts(&self, r: &RecordText<'_>) -> Vec<Diagnostic> {
        let origin = r.origin;
        let mut out = Vec::new();
        for field in &r.front.texts {
            for f in scan_as_read(&self.screen, &field.text, Scope::ALL, false) {
                out.push(field_diagnostic(&self.screen, origin, field, &f));
            }
        }
        for (path, content) in r.attachments {
            out.extend(attachment_findings(&self.screen, origin, path, content));
        }
        out.truncate(MAX_FINDINGS);
        out
    }

    /// A public record's body rendered for its `page`, and the findings in
    /// what the page shows of it, placed in the written body.
    pub fn body(
        &self,
        origin: &Origin,
        page: &str,
        body: &PublicBody,
    ) -> (Vec<Diagnostic>, Arc<RenderedBody>) {
        let text = body.text(origin);
        let (rendered, shown) = body.slot.get(text, page, &self.links, self.keep);
        // The search index's words, screened as neighbours against this
        // screen (a kept rendering may predate a name declared since).
        let words = self.screen.index_words(&rendered.search_text);
        let rendered = if words == rendered.search_text {
            rendered
        } else {
            Arc::new(RenderedBody {
                search_text: words,
                ..(*rendered).clone()
            })
        };
        let mut findings = scan_as_read(&self.screen, &shown, Scope::ALL, false);
        if findings.is_empty() {
            return (Vec::new(), rendered);
        }
        // Placed one by one, so never more than are reported.
        findings.truncate(MAX_FINDINGS);
        let written = Written::of(text);
        let mut out: Vec<Diagnostic> = Vec::with_capacity(findings.len());
        for f in &findings {
            let at = origin.body_offset + source_of(&written, body, &shown, f, &self.screen);
            let d = report(&self.screen, f, &origin.path, None).place(origin.error(at, ""));
            // A line the page shows joined and apart (see
            // `markdown::append_split_at_joins`) is read twice: one report.
            if !out.contains(&d) {
                out.push(d);
            }
        }
        (out, rendered)
    }
}

impl Screening {
    /// Hides, in the messages of `diagnostics`, every quoted value that
    /// holds personal data (a declared name, phone or e-mail, or any
    /// address or number): a value typed into the wrong field fails that
    /// field's own check, and its message would otherwise echo it into
    /// the terminal and a CI log. The place still says where it is.
    pub fn redact_messages(&self, diagnostics: &mut [Diagnostic]) {
        let hides = |quoted: &str| {
            scan_as_read(&self.screen, quoted, Scope::ALL, false)
                .iter()
                .any(|f| {
                    matches!(
                        f,
                        Finding::Declared { .. } | Finding::Email { .. } | Finding::Phone { .. }
                    )
                })
        };
        for d in diagnostics {
            d.message = d.message.hiding(hides);
            d.help = d.help.as_ref().map(|h| h.hiding(hides));
        }
    }
}

/// A file a theme publishes as it is: where it is (for messages), its
/// path in the site and its bytes.
pub type ThemeFile<'a> = (PathBuf, &'a str, &'a [u8]);

impl Screening {
    /// Screens the files a theme publishes as they are (its `static/`
    /// folder), as the site's own text is: each path in the site for
    /// withheld ids and names (a stale `requests/<id>/` page), and each
    /// text file (UTF-8, or UTF-16 with a byte-order mark) for passage
    /// markers, withheld ids and the personal data records declare. Other
    /// e-mail addresses and numbers are not looked for: a theme's scripts
    /// and licences carry their authors' addresses.
    pub fn theme_files(&self, files: &[ThemeFile<'_>]) -> Vec<Diagnostic> {
        files
            .par_iter()
            .flat_map_iter(|(path, name, bytes)| {
                let mut out = Vec::new();
                for f in scan_as_read(&self.screen, name, Scope::DECLARED, false) {
                    let place = Diagnostic::file_error(path, "");
                    out.push(
                        report(&self.screen, &f, path, None)
                            .of_site_path()
                            .place(place),
                    );
                }
                if let Some((text, _)) = crate::source::attachments::as_text(bytes) {
                    let what = "a theme's static file";
                    out.extend(crate::source::attachments::marker_problems(
                        path, &text, what,
                    ));
                    for f in whole_file_findings(&self.screen, path, &text, Scope::DECLARED) {
                        let place = Diagnostic::error(path, &text, f.at(), "");
                        out.push(report(&self.screen, &f, path, None).place(place));
                    }
                } else {
                    // A binary (an image, a font): its text in any encoding
                    // (a PNG's `tEXt Author`), as a binary attachment's.
                    let binary = crate::source::binary::read(bytes);
                    for text in [&binary.runs, &binary.strings] {
                        for f in scan_as_read(&self.screen, text, Scope::DECLARED, false) {
                            let place = Diagnostic::file_error(path, "");
                            out.push(
                                report(&self.screen, &f, path, None)
                                    .inside_binary()
                                    .place(place),
                            );
                        }
                    }
                }
                out.truncate(MAX_FINDINGS);
                out
            })
            .collect()
    }
}

impl Screening {
    /// Screens the templates a site is rendered with from disk (the
    /// site's `templates/` overrides, a theme's `templates/`): their
    /// literal text is published on every page they make, so it is
    /// screened as a text attachment is, passage markers, contact details
    /// and all. `files`: where each is, and its text.
    pub fn templates(&self, files: &[(PathBuf, String)]) -> Vec<Diagnostic> {
        files
            .par_iter()
            .flat_map_iter(|(path, text)| {
                let mut out = crate::source::attachments::marker_problems(path, text, "a template");
                for f in whole_file_findings(&self.screen, path, text, Scope::ALL) {
                    let place = Diagnostic::error(path, text, f.at(), "");
                    out.push(report(&self.screen, &f, path, None).place(place));
                }
                out.truncate(MAX_FINDINGS);
                out
            })
            .collect()
    }
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
    // The user's own files a build keeps in the output are in the site
    // the output is published as: their names are published text too.
    for kept in &settings.output_keep {
        for f in scan_as_read(screen, kept, Scope::ALL, false) {
            let place = Diagnostic::file_error(&site.path, "");
            out.push(report(screen, &f, &site.path, Some("output_keep")).place(place));
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

/// Findings reported for one record at most: the keeper fixes the first
/// and runs again, and a hostile file cannot make a report of millions.
const MAX_FINDINGS: usize = 100;

/// Where in the written body a finding of the rendered page most likely
/// comes from: the first written occurrence of what was found (its first
/// word, for a name the markup split), else the body's start.
fn source_of(
    written: &Written,
    body: &PublicBody,
    shown: &str,
    f: &Finding,
    screen: &Screen,
) -> usize {
    let (whole, part) = match f {
        Finding::WithheldId { id, .. } => {
            (id.clone(), id.split('-').next().unwrap_or(id).to_string())
        }
        Finding::WithheldFile { name, .. } => (name.clone(), name.clone()),
        Finding::Declared { value, .. } => (
            screen.declared(*value).value.clone(),
            screen.first_word(*value),
        ),
        Finding::Reordered { at } => {
            // Invisible, so not in what the screen reads: the k-th time it
            // is written, or (written as a character reference) the start.
            let c = shown[*at..].chars().next().unwrap_or(' ');
            let k = shown[..*at].matches(c).count();
            let raw = written.raw.match_indices(c).map(|(i, _)| i);
            let at = raw.filter(|&i| written.is_text(i)).nth(k);
            return at.map_or(0, |at| body.written_offset(at));
        }
        Finding::Email { at } | Finding::Phone { at } => {
            let word = shown[*at..]
                .split(|c: char| c.is_whitespace() || c == '@')
                .next()
                .unwrap_or("")
                .to_string();
            (word.clone(), word)
        }
    };
    // What was found as it is written, else its first part (markup may
    // have split it where it is written).
    let at = [whole, part]
        .iter()
        .filter(|needle| !needle.is_empty())
        .find_map(|needle| written.kth(shown, f.at(), needle));
    at.map_or(0, |at| body.written_offset(at))
}

/// A body as written, prepared once for placing every finding of it.
struct Written {
    /// The body as written.
    raw: String,
    /// The ranges of the body that are text (not link destinations),
    /// sorted and merged, so that a byte is looked up in them by a binary
    /// search (a body of 200 000 lines has as many ranges).
    ranges: Vec<std::ops::Range<usize>>,
    /// The body read as the screen reads it, in lower case.
    read: String,
    /// For each byte of `read`, the byte of the body it came from.
    from: Vec<usize>,
}

impl Written {
    fn of(text: &str) -> Written {
        // Read as the screen reads (invisible characters left out...),
        // with each byte's place in what is written.
        let (read, from) = crate::check::screen::as_read(text, false)
            .unwrap_or_else(|| (text.to_string(), (0..text.len()).collect()));
        Written {
            raw: text.to_string(),
            ranges: merged(markdown::text_ranges(text)),
            read: read.to_ascii_lowercase(),
            from,
        }
    }

    /// Whether byte `i` of the body is text (in one of `ranges`).
    fn is_text(&self, i: usize) -> bool {
        let after = self.ranges.partition_point(|r| r.start <= i);
        after > 0 && self.ranges[after - 1].contains(&i)
    }

    /// Where `needle` is written as text (not in a link's destination) for
    /// the time the page shows it at `at`: the page shows the written text
    /// in order, so the k-th time it shows it is most likely the k-th time
    /// it is written. `None` when it is not written as text.
    fn kth(&self, shown: &str, at: usize, needle: &str) -> Option<usize> {
        let needle = crate::check::screen::normalised(needle).to_ascii_lowercase();
        if needle.is_empty() {
            return None;
        }
        let k = shown[..at].to_ascii_lowercase().matches(&needle).count();
        let mut as_text = self
            .read
            .match_indices(&needle)
            .filter_map(|(i, _)| self.from.get(i).copied())
            .filter(|&i| self.is_text(i));
        let mut last = None;
        for (n, i) in as_text.by_ref().enumerate() {
            if n == k {
                return Some(i);
            }
            last = Some(i);
        }
        last
    }
}

/// `ranges` sorted by their start, overlapping ones made one.
fn merged(mut ranges: Vec<std::ops::Range<usize>>) -> Vec<std::ops::Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
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
    let mut out = Vec::new();
    if let Some(text) = &content.text {
        let read = crate::source::attachments::without_pdf_offsets(text);
        let found = whole_file_findings(screen, path, &read, Scope::ALL);
        for f in found.into_iter().take(MAX_FINDINGS) {
            let place = Diagnostic::error(path, text, f.at(), "");
            out.push(report(screen, &f, &origin.path, None).place(place));
        }
    }
    if let Some(strings) = &content.strings {
        // A PDF's strings, an office document's text: read like a body.
        let read = without_pdf_offsets_in_strings(strings);
        let found = scan_as_read(screen, &read, Scope::ALL, false);
        for f in found.into_iter().take(MAX_FINDINGS) {
            let place = Diagnostic::file_error(path, "");
            out.push(
                report(screen, &f, &origin.path, None)
                    .inside_binary()
                    .place(place),
            );
        }
    }
    if let Some(runs) = &content.runs {
        let found = scan_as_read(screen, runs, Scope::DECLARED, false);
        for f in found.into_iter().take(MAX_FINDINGS) {
            let place = Diagnostic::file_error(path, "");
            out.push(
                report(screen, &f, &origin.path, None)
                    .inside_binary()
                    .place(place),
            );
        }
    }
    out
}

/// A binary file's strings without the ten-digit offsets of a PDF's
/// cross-reference table, which are no telephone numbers.
fn without_pdf_offsets_in_strings(strings: &str) -> std::borrow::Cow<'_, str> {
    static ENTRY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[0-9]{10} [0-9]{5} [nf]").expect("valid pattern")
    });
    ENTRY.replace_all(strings, "                  ")
}

/// What the screen finds in a whole file's `text` as a reader sees it: for
/// markup (by its name), with character references decoded and, read
/// again, with its tags left out (`Wil<tspan>fred</tspan> Ashby` shows as
/// one name). Offsets are in `text`.
fn whole_file_findings(screen: &Screen, path: &Path, text: &str, scope: Scope) -> Vec<Finding> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if !crate::source::attachments::is_markup(&name) {
        return scan_as_read(screen, text, scope, false);
    }
    // As written with every character reference decoded (attribute
    // values are shown too: a title, a tooltip), and as shown: tags left
    // out, CDATA read as text (see `markup::shown`).
    let mut found = Vec::new();
    for (read, from) in [
        crate::source::markup::decoded(text),
        crate::source::markup::shown(text),
    ] {
        for f in scan_as_read(screen, &read, scope, false) {
            let at = from.get(f.at()).copied().unwrap_or(0);
            let f = f.moved_to(at);
            if !found.contains(&f) {
                found.push(f);
            }
        }
    }
    found.sort_by_key(Finding::at);
    found
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

    /// Said of a file's path in the site, not of its text.
    fn of_site_path(mut self) -> Report {
        self.message = self.message.text(" (in the file's path in the site)");
        self
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
        Finding::WithheldId { id, .. } => withheld_id_report(id, &within),
        Finding::WithheldFile { .. } => Report {
            message: Message::new(format!(
                "published text{within} names an attachment that is not published"
            )),
            help: Message::new("remove the mention, or publish the attachment"),
        },
        Finding::Declared { value, .. } => declared_report(screen, *value, file, &within),
        Finding::Reordered { .. } => Report {
            message: Message::new(format!(
                "published text{within} holds a direction override, which shows the text \
                 after it in another order than it is written"
            )),
            help: Message::new(
                "remove it (it is invisible: an editor that shows control characters finds \
                 it); what a reader would see cannot be checked",
            ),
        },
        Finding::Email { .. } => contact_report("an e-mail address", &within),
        Finding::Phone { .. } => contact_report("a telephone number", &within),
    }
}

/// The report of a withheld request's id in published text.
fn withheld_id_report(id: &str, within: &str) -> Report {
    Report {
        message: Message::new("published text")
            .text(within)
            .text(" names ")
            .quote(id)
            .text(", a request that is withheld: its id would be published"),
        help: Message::new(
            "remove the mention, or publish that request; `related` entries and links \
             to withheld requests are left out for you",
        ),
    }
}

/// The report of a declared name, phone or e-mail in published text: which
/// kind, declared where (never the value itself).
fn declared_report(screen: &Screen, value: usize, file: &Path, within: &str) -> Report {
    let d = screen.declared(value);
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

/// The report of an e-mail address or telephone number in published text.
fn contact_report(what: &str, within: &str) -> Report {
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

/// A field's name for a message: as the format names it, but a place
/// under `[extra]` only as such, since its keys are the keeper's words.
fn field_words(field: &str) -> String {
    if field == "extra" || field.starts_with("extra.") || field.starts_with("extra[") {
        "a key or value of [extra]".to_string()
    } else {
        format!("`{field}`")
    }
}
