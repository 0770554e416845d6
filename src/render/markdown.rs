//! Markdown to safe HTML, with links between records resolved against the
//! public register and bodies cut into their `##` sections.
//!
//! Bodies reach this module with withheld passages already removed (by the
//! filter). Here, links to anything that is not published lose their link
//! and keep their text (the rule is [`crate::render::links::LinkPolicy`]'s, for
//! Markdown links and raw-HTML attributes alike), and any raw HTML or
//! unusual URL sends the section through the `ammonia` sanitiser, so
//! content can never script a reader's browser. The plain text a page
//! gives the search index is read from the sanitised HTML, so the index
//! holds what the page shows and nothing the sanitiser dropped.

use crate::render::links::{LinkPolicy, Resolved};
use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use std::sync::{Arc, Mutex};

/// The links of one page: the site's policy, the page's own URL (which
/// relative links start from) and the request ids the page asked about.
#[derive(Debug)]
pub struct PageLinks {
    policy: Arc<LinkPolicy>,
    page: String,
    asked: Mutex<Vec<String>>,
}

impl PageLinks {
    /// The links of the page at `page` (root-relative, e.g. `/requests/A-1/`).
    pub fn new(policy: Arc<LinkPolicy>, page: impl Into<String>) -> Arc<PageLinks> {
        Arc::new(PageLinks {
            policy,
            page: page.into(),
            asked: Mutex::new(Vec::new()),
        })
    }

    /// Where a destination written on this page may point, or `None` when
    /// the link must render as its text alone.
    pub fn resolve(&self, dest: &str) -> Option<String> {
        let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        match self
            .policy
            .resolve(dest, &self.page, &mut |id| asked.push(id.to_string()))
        {
            Resolved::Link(url) => Some(url),
            Resolved::TextOnly => None,
        }
    }

    /// Every request id the page's links depended on so far.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Where an `@` link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordLink {
    /// `@ID`: a request's page.
    Request(String),
    /// `@ID/report`: its Modification Report.
    Report(String),
}

/// An `@` link destination that is neither `@ID` nor `@ID/report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotARecordLink;

/// Reads the destination of an `@` link (`@ID` or `@ID/report`).
pub fn parse_record_link(dest: &str) -> Result<RecordLink, NotARecordLink> {
    let rest = dest.strip_prefix('@').ok_or(NotARecordLink)?;
    let (id, report) = match rest.split_once('/') {
        Some((id, "report")) => (id, true),
        Some(_) => return Err(NotARecordLink),
        None => (rest, false),
    };
    if !crate::source::record::ID_PATTERN.is_match(id) {
        return Err(NotARecordLink);
    }
    Ok(if report {
        RecordLink::Report(id.to_string())
    } else {
        RecordLink::Request(id.to_string())
    })
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Where a body's text and code are in its source (not its link
/// destinations, nor its markup): to place what a page shows on the line
/// the keeper wrote it.
pub fn text_ranges(body: &str) -> Vec<std::ops::Range<usize>> {
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Text(_) | Event::Code(_)))
        .map(|(_, range)| range)
        .collect()
}

/// Every `@` link of a body: (byte offset in the body, destination), in
/// Markdown links and in raw-HTML `href` attributes alike.
pub fn record_links(body: &str) -> Vec<(usize, String)> {
    if !body.contains('@') && !body.contains('&') {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with('@') => {
                found.push((range.start, dest_url.to_string()));
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                for (at, dest) in raw_record_hrefs(&raw) {
                    found.push((range.start + at, dest));
                }
            }
            _ => {}
        }
    }
    found
}

/// Any `href` attribute of raw HTML, its value in one of three groups
/// (double-quoted, single-quoted, unquoted).
static RAW_HREF_ANY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?i)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"#)
        .expect("valid pattern")
});

/// The `@` links of raw HTML: `href` values that start with `@` once
/// their character references are decoded, as the sanitiser and a
/// browser decode them (`href="&#64;A-1"`, `&commat;A-1`), and where each
/// value is.
fn raw_record_hrefs(raw: &str) -> Vec<(usize, String)> {
    RAW_HREF_ANY
        .captures_iter(raw)
        .filter_map(|caps| {
            let m = caps
                .get(1)
                .or_else(|| caps.get(2))
                .or_else(|| caps.get(3))?;
            let decoded = crate::source::markup::decoded(m.as_str()).0;
            let dest = decoded.trim();
            dest.starts_with('@').then(|| (m.start(), dest.to_string()))
        })
        .collect()
}

/// An `href` attribute whose value starts with `@`, in raw HTML.
static RAW_HREF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?i)\bhref\s*=\s*["']?\s*(@[^"'\s>]*)"#).expect("valid pattern")
});

/// A quick, over-inclusive scan for `[text](@…)` destinations, without
/// parsing the Markdown. Returns `None` when it cannot stand in for
/// [`record_links`] (reference-style definitions). Used to skip the full
/// parse when every candidate is fine; any doubtful candidate sends the
/// caller to the full parse, which alone decides and locates problems.
pub fn quick_record_links(body: &str) -> Option<Vec<&str>> {
    // Raw HTML may hold `href="@..."`, or `href="&#64;..."`: only the
    // parser can tell.
    let encoded = body.contains('&') && !raw_record_hrefs(body).is_empty();
    if encoded || RAW_HREF.is_match(body) {
        return None;
    }
    // No `@`, no record link.
    if !body.contains('@') {
        return Some(Vec::new());
    }
    // One pass over the `]`s (a byte search), not one search per pattern.
    let mut found = Vec::new();
    for (i, _) in body.match_indices(']') {
        let after = &body[i + 1..];
        if after.starts_with(':') {
            return None; // a reference definition: only the parser can tell
        }
        let Some(dest) = after.strip_prefix('(') else {
            continue;
        };
        if !dest.starts_with('@') {
            let trimmed = dest.trim_start_matches([' ', '\t', '\n', '\r']);
            if trimmed.starts_with('@') || trimmed.starts_with("<@") {
                return None; // `]( @X)`, `](<@X>)`: only the parser can tell
            }
            continue;
        }
        let end = dest
            .find(|c: char| c == ')' || c.is_whitespace())
            .unwrap_or(dest.len());
        found.push(&dest[..end]);
    }
    Some(found)
}

/// One `##` section of a body, rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The heading as plain text ("" for what comes before the first `##`).
    pub heading: String,
    /// A fragment id for the heading, unique in the body.
    pub id: String,
    /// The section's HTML without its heading, sanitised.
    pub html: String,
}

/// A body as its page shows it: rendered and sanitised once, in `check`,
/// where what it shows is screened for what may not be published, and
/// then carried by the public register to the pages. So the pages publish
/// exactly the text that was screened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedBody {
    /// Its `##` sections.
    pub sections: Vec<Section>,
    /// The distinct words its sections show, for the search index.
    pub search_text: String,
    /// Every request id its links asked about (its page depends on them).
    pub asked: Vec<String>,
}

/// Renders a body for the page at `links`' page; also gives everything the
/// page shows of it (see [`shown_html_into`]), made from the same rendering.
pub fn render_body(body: &str, links: &Arc<PageLinks>) -> (RenderedBody, String) {
    let mut texts = Texts::default();
    let sections = sections_of(body, links, Some(&mut texts));
    let rendered = RenderedBody {
        sections,
        search_text: crate::render::export::distinct_words(&texts.search),
        asked: links.asked(),
    };
    (rendered, texts.shown)
}

/// What [`sections_of`] collects besides the sections.
#[derive(Default)]
struct Texts {
    /// For the search index: words apart.
    search: String,
    /// For the screen: see [`shown_html_into`].
    shown: String,
}

/// The text and attribute values of sanitised HTML, as a reader or a
/// program that reads the page sees it: tags left out, entities decoded
/// (so `Wil<em>fred</em>` reads `Wilfred`), and the value of every
/// attribute (`href`, `title`, `id`, `class`...), entities and `%`-escapes
/// decoded, one a line.
fn shown_html_into(html: &str, out: &mut String) {
    let mut attributes = String::new();
    let bytes = html.as_bytes();
    let mut from = 0;
    let text_start = out.len();
    let mut joins = Vec::new();
    while let Some(found) = memchr::memchr(b'<', &bytes[from..]) {
        let at = from + found;
        decode_references_into(&html[from..at], out);
        let rest = &html[at..];
        let tag = &rest[..rest.len() - skip_tag(rest).len()];
        if memchr::memchr(b'"', tag.as_bytes()).is_some() {
            for value in tag.split('"').skip(1).step_by(2) {
                decode_references_into(&percent_decoded(value), &mut attributes);
                attributes.push('\n');
            }
        }
        // A block ends a line; inline markup joins what it splits.
        if is_block_tag(tag.as_bytes()) {
            out.push('\n');
        } else {
            joins.push(out.len());
        }
        from = at + tag.len().max(1);
    }
    decode_references_into(&html[from..], out);
    out.push('\n');
    append_split_at_joins(out, text_start, &joins);
    out.push_str(&attributes);
}

/// Appends again the lines of `out` (from `from`) in which inline markup
/// joins two letters or digits, with a space at each such join: a reader
/// sees `HID-1<sup>1</sup>` as `HID-1` and a footnote mark, and
/// `Wil<em>fred</em>` as `Wilfred`, so the screen reads both the joined and
/// the split text. Such joins are rare, and so are the lines copied.
fn append_split_at_joins(out: &mut String, from: usize, joins: &[usize]) {
    let alnum_at = |j: usize| {
        out[..j]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
            && out[j..].chars().next().is_some_and(char::is_alphanumeric)
    };
    let joins: Vec<usize> = joins.iter().copied().filter(|&j| alnum_at(j)).collect();
    let mut copies = String::new();
    let mut i = 0;
    while i < joins.len() {
        let j = joins[i];
        let line_start = out[from..j].rfind('\n').map_or(from, |p| from + p + 1);
        let line_end = out[j..].find('\n').map_or(out.len(), |p| j + p);
        let mut prev = line_start;
        copies.push('\n');
        while i < joins.len() && joins[i] <= line_end {
            copies.push_str(&out[prev..joins[i]]);
            copies.push(' ');
            prev = joins[i];
            i += 1;
        }
        copies.push_str(&out[prev..line_end]);
        copies.push('\n');
    }
    out.push_str(&copies);
}

/// True for a tag (`<p>`, `</td>`) that ends a line of text as it is read.
fn is_block_tag(tag: &[u8]) -> bool {
    let name_start = if tag.get(1) == Some(&b'/') { 2 } else { 1 };
    let name = &tag[name_start.min(tag.len())..];
    let len = name
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    matches!(
        &name[..len],
        b"p" | b"div"
            | b"li"
            | b"ul"
            | b"ol"
            | b"td"
            | b"th"
            | b"tr"
            | b"table"
            | b"thead"
            | b"tbody"
            | b"blockquote"
            | b"pre"
            | b"br"
            | b"hr"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"dt"
            | b"dd"
            | b"dl"
            | b"section"
            | b"details"
            | b"summary"
            | b"figure"
            | b"figcaption"
    )
}

fn decode_references_into(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'&', &bytes[from..]) {
        let at = from + found;
        out.push_str(&text[from..at]);
        match character_reference(&text[at..]) {
            Some((c, len)) => {
                out.push(c);
                from = at + len;
            }
            None => {
                out.push('&');
                from = at + 1;
            }
        }
    }
    out.push_str(&text[from..]);
}

/// `text` with its `%`-escapes decoded where they make UTF-8.
pub fn percent_decoded(text: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

/// Renders `body` into sections; `links` decides which links stay links.
pub fn render_sections(body: &str, links: &Arc<PageLinks>) -> Vec<Section> {
    sections_of(body, links, None)
}

/// The sections of `body`; with `texts`, what each publishes is added to
/// them as well (see [`Texts`]).
fn sections_of(body: &str, links: &Arc<PageLinks>, mut texts: Option<&mut Texts>) -> Vec<Section> {
    let mut splitter = SectionSplitter::new(links);
    for event in Parser::new_ext(body, options()) {
        splitter.take(event);
    }
    let mut used: Vec<String> = Vec::new();
    splitter
        .sections
        .into_iter()
        .enumerate()
        .filter(|(i, (_, events))| *i > 0 || !events.is_empty())
        .map(|(_, (heading, events))| {
            let heading = heading.trim().to_string();
            let id = unique_slug(&heading, &mut used);
            let (html, sanitised) = to_safe_html(&events, links);
            if let Some(texts) = texts.as_deref_mut() {
                texts.search.push_str(&heading);
                texts.search.push(' ');
                published_text_into(&events, &html, sanitised, &mut texts.search);
                shown_into(&heading, &id, &events, &html, sanitised, &mut texts.shown);
            }
            Section { heading, id, html }
        })
        .collect()
}

/// Cuts a body's Markdown events into `##` sections as they come: each
/// section's heading text and the events under it, with every link's
/// destination resolved (a link [`PageLinks`] refuses loses its start and
/// end, keeping its text).
struct SectionSplitter<'a, 'l> {
    links: &'l PageLinks,
    /// Heading text and events; the first has no heading (what comes
    /// before the first `##`).
    sections: Vec<(String, Vec<Event<'a>>)>,
    /// How deep in open tags the next event is: a `##` counts only at the
    /// top level.
    depth: usize,
    /// Inside a `##` heading, whose text goes to the heading, not events.
    in_h2: bool,
    /// For each open link, whether it was dropped.
    dropped_links: Vec<bool>,
}

impl<'a, 'l> SectionSplitter<'a, 'l> {
    fn new(links: &'l PageLinks) -> Self {
        SectionSplitter {
            links,
            sections: vec![(String::new(), Vec::new())],
            depth: 0,
            in_h2: false,
            dropped_links: Vec::new(),
        }
    }

    /// The events of the section being made.
    fn events(&mut self) -> &mut Vec<Event<'a>> {
        &mut self.sections.last_mut().expect("one section").1
    }

    fn take(&mut self, event: Event<'a>) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) if self.depth == 0 => {
                self.sections.push((String::new(), Vec::new()));
                self.in_h2 = true;
                self.depth += 1;
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) if self.in_h2 && self.depth == 1 => {
                self.in_h2 = false;
                self.depth -= 1;
            }
            _ if self.in_h2 => {
                if let Event::Text(t) | Event::Code(t) = &event {
                    self.sections.last_mut().expect("one section").0.push_str(t);
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.depth += 1;
                match self.links.resolve(&dest_url) {
                    Some(url) => {
                        self.dropped_links.push(false);
                        self.events().push(Event::Start(Tag::Link {
                            link_type,
                            dest_url: CowStr::from(url),
                            title,
                            id,
                        }));
                    }
                    None => self.dropped_links.push(true),
                }
            }
            Event::End(TagEnd::Link) => {
                self.depth = self.depth.saturating_sub(1);
                if !self.dropped_links.pop().unwrap_or(false) {
                    self.events().push(event);
                }
            }
            other => {
                match &other {
                    Event::Start(_) => self.depth += 1,
                    Event::End(_) => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                }
                self.events().push(other);
            }
        }
    }
}

/// The text a section's HTML shows. Read from the HTML itself when the
/// sanitiser changed it; otherwise that HTML is exactly what the Markdown
/// parser made of `events`, whose text is its text and not worth parsing
/// back out of the HTML.
fn published_text_into(events: &[Event<'_>], html: &str, sanitised: bool, out: &mut String) {
    if sanitised {
        return html_text_into(html, out);
    }
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => {
                out.push_str(t);
                out.push(' ');
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
}

/// What a section shows (see [`shown_html_into`]): read from its HTML when the
/// sanitiser made it, else from the events that made it (the same text
/// and attributes, without parsing HTML back).
fn shown_into(
    heading: &str,
    id: &str,
    events: &[Event<'_>],
    html: &str,
    sanitised: bool,
    out: &mut String,
) {
    out.push_str(heading);
    out.push('\n');
    out.push_str(id);
    out.push('\n');
    if sanitised {
        shown_html_into(html, out);
        return out.push('\n');
    }
    let text_start = out.len();
    let mut joins = Vec::new();
    let mut attributes = String::new();
    let mut attribute = |value: &str| {
        attributes.push_str(&percent_decoded(value));
        attributes.push('\n');
    };
    for e in events {
        match e {
            Event::Text(t) => out.push_str(t),
            Event::Code(t) => {
                joins.push(out.len());
                out.push_str(t);
                joins.push(out.len());
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            // A block ends a line, and is a blank line apart from the next
            // (a telephone number runs over one line break, as a soft
            // break shows as a space, but not from one cell to the next);
            // inline markup joins what it splits.
            Event::End(end) if ends_block(end) => out.push_str("\n\n"),
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                joins.push(out.len());
                attribute(dest_url);
                attribute(title);
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))) => {
                attribute(info)
            }
            Event::Start(Tag::FootnoteDefinition(label)) | Event::FootnoteReference(label) => {
                joins.push(out.len());
                attribute(label);
            }
            Event::Start(_) | Event::End(_) => joins.push(out.len()),
            _ => {}
        }
    }
    out.push('\n');
    append_split_at_joins(out, text_start, &joins);
    out.push_str(&attributes);
}

/// True for the end of a block (a paragraph, an item, a cell...), which
/// ends a line of text as it is read.
fn ends_block(end: &TagEnd) -> bool {
    !matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Renders a whole body, its `##` headings included, as one HTML string.
pub fn render(body: &str, links: &Arc<PageLinks>) -> String {
    join_sections(&render_sections(body, links), 2, "")
}

/// Appends the text of sanitised HTML: tags left out, entities decoded,
/// a space where a tag was (so words in two cells stay two words).
pub fn html_text_into(html: &str, out: &mut String) {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(found) = memchr::memchr2(b'<', b'&', &bytes[from..]) {
        let at = from + found;
        out.push_str(&html[from..at]);
        let rest = &html[at..];
        from = if bytes[at] == b'<' {
            out.push(' ');
            html.len() - skip_tag(rest).len()
        } else if let Some((c, len)) = character_reference(rest) {
            out.push(c);
            at + len
        } else {
            out.push('&');
            at + 1
        };
    }
    out.push_str(&html[from..]);
}

/// The text after the tag `html` starts with, quoted attribute values
/// (which may hold `>`) included in the tag.
fn skip_tag(html: &str) -> &str {
    let bytes = html.as_bytes();
    let mut i = 1;
    while let Some(found) = memchr::memchr3(b'>', b'"', b'\'', &bytes[i..]) {
        let at = i + found;
        match bytes[at] {
            b'>' => return &html[at + 1..],
            quote => match memchr::memchr(quote, &bytes[at + 1..]) {
                Some(end) => i = at + 1 + end + 1,
                None => return "",
            },
        }
    }
    ""
}

/// The character an HTML character reference at the start of `text`
/// (`&amp;`, `&#87;`, `&#x57;`) stands for, and its length.
pub fn character_reference(text: &str) -> Option<(char, usize)> {
    let after = text.strip_prefix('&')?;
    let end = after.find(';').filter(|&e| e <= 10)?;
    entity(&after[..end]).map(|c| (c, end + 2))
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        "shy" => Some('\u{ad}'),
        "ensp" => Some('\u{2002}'),
        "emsp" => Some('\u{2003}'),
        "thinsp" => Some('\u{2009}'),
        "zwj" => Some('\u{200d}'),
        "zwnj" => Some('\u{200c}'),
        "commat" => Some('@'),
        "period" => Some('.'),
        "hyphen" | "dash" => Some('-'),
        "lowbar" => Some('_'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Puts sections back together, their headings at `level` with ids
/// prefixed by `id_prefix` (so two bodies on one page never share an id).
pub fn join_sections(sections: &[Section], level: u8, id_prefix: &str) -> String {
    let mut out = String::new();
    for s in sections {
        if !s.heading.is_empty() {
            out.push_str(&format!("<h{level} id=\"{id_prefix}"));
            out.push_str(&s.id);
            out.push_str("\">");
            html_escape_into(&s.heading, &mut out);
            out.push_str(&format!("</h{level}>\n"));
        }
        out.push_str(&s.html);
    }
    out
}

/// Escapes text for HTML content and attribute values.
pub fn html_escape_into(text: &str, out: &mut String) {
    let _ = html_escape_with(text, |run| {
        out.push_str(run);
        Ok::<(), std::convert::Infallible>(())
    });
}

/// The escaping rule every HTML output shares (`&`, `<`, `>`, `"`, `'`):
/// hands `emit` the text between special characters in one piece, and the
/// entity for each special character, in order.
pub fn html_escape_with<E>(
    text: &str,
    mut emit: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The special bytes are ASCII, so `i` is always a char boundary.
        emit(&text[start..i])?;
        emit(entity)?;
        start = i + 1;
    }
    emit(&text[start..])
}

/// A fragment id from a heading: lower-case ASCII words joined by hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        trimmed.to_string()
    }
}

fn unique_slug(heading: &str, used: &mut Vec<String>) -> String {
    let base = slug(heading);
    let mut id = base.clone();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.push(id.clone());
    id
}

/// The sanitiser for one section: the usual safe subset of HTML, and
/// every URL in an attribute put to the page's link rule (an `href` to a
/// page that is not published is dropped, and an `<a>` without `href` is
/// its text alone; `href="@ID"` resolves as `[text](@ID)` does).
fn sanitiser(links: &Arc<PageLinks>) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    let links = Arc::clone(links);
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        // `<bdo dir="rtl">1-DIH</bdo>` shows `HID-1`: text the screen
        // could not read as a reader does.
        // `<bdi>` likewise: its direction is its first strong character's,
        // and an invisible right-to-left mark turns `1-HID` round.
        // Ruby annotations (`HI<ruby>D<rt>zz</rt></ruby>-1` shows `HID-1`
        // with `zz` above): the tags go, all their text stays, in order,
        // so the page shows exactly the text screened (`HIDzz-1`).
        .rm_tags(["img", "bdo", "bdi", "ruby", "rt", "rp", "rb", "rtc"])
        .attribute_filter(move |_element, attribute, value| {
            if is_url_attribute(attribute) {
                links.resolve(value).map(std::borrow::Cow::Owned)
            } else {
                Some(std::borrow::Cow::Borrowed(value))
            }
        });
    b
}

/// The sanitised HTML with every `<a>` that lost its `href` (a link to
/// something not published) replaced by its text alone, as a Markdown
/// link is: its `title` could describe what is withheld.
fn unwrap_dead_links(html: &str) -> String {
    static A_TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        // The serialiser writes attributes as ` name="value"`, `"` escaped.
        regex::Regex::new(r#"<a((?:\s+[^\s=>]+="[^"]*")*)\s*>|</a>"#).expect("valid pattern")
    });
    if !html.contains("<a") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    let mut dead = false;
    for caps in A_TAG.captures_iter(html) {
        let tag = caps.get(0).expect("a match");
        out.push_str(&html[from..tag.start()]);
        from = tag.end();
        let keep = match caps.get(1) {
            Some(attributes) => {
                dead = !attributes.as_str().contains(" href=");
                !dead
            }
            // `<a>` cannot nest: this closes the last one opened.
            None if tag.as_str() == "</a>" => !std::mem::take(&mut dead),
            None => {
                dead = true;
                false
            }
        };
        if keep {
            out.push_str(tag.as_str());
        }
    }
    out.push_str(&html[from..]);
    out
}

/// Attributes whose value is a URL, in any element the sanitiser keeps.
fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "href"
            | "src"
            | "cite"
            | "action"
            | "formaction"
            | "data"
            | "poster"
            | "ping"
            | "longdesc"
            | "background"
            | "xlink:href"
            | "srcset"
    )
}

/// True when a URL is plainly safe: relative, or http(s) or mailto.
fn is_plain_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return true;
    }
    // A relative URL has no scheme: no ':' before the first '/', '?' or '#'.
    let head = lower.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':') && !lower.starts_with("//") && !lower.contains('\\')
}

/// Sections nested deeper than this are not sanitised tag by tag but
/// published as plain text: the sanitiser's HTML tree builder takes time
/// quadratic in the nesting depth, so a hostile body (a million `> `, or
/// `<div>`s) would otherwise stall the build for hours.
const MAX_SANITISED_DEPTH: usize = 1000;

/// How deep elements nest in a section, raw HTML tags included (counted
/// roughly: start tags that are not void open, end tags close).
fn nesting_depth(events: &[Event<'_>]) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    let (mut depth, mut max) = (0usize, 0usize);
    for e in events {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(raw) | Event::InlineHtml(raw) => {
                for (i, _) in raw.match_indices('<') {
                    let tag = &raw[i + 1..];
                    if tag.starts_with('/') {
                        depth = depth.saturating_sub(1);
                    } else if tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
                        let name: String = tag
                            .chars()
                            .take_while(char::is_ascii_alphanumeric)
                            .collect::<String>()
                            .to_ascii_lowercase();
                        let self_closing = tag.split('>').next().is_some_and(|t| t.ends_with('/'));
                        if !VOID.contains(&name.as_str()) && !self_closing {
                            depth += 1;
                        }
                    }
                    max = max.max(depth);
                }
            }
            _ => {}
        }
        max = max.max(depth);
    }
    max
}

/// A section's words alone, escaped: what is published of a section too
/// deeply nested to sanitise.
fn plain_text_html(events: &[Event<'_>]) -> String {
    let mut out = String::from("<p>");
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => html_escape_into(t, &mut out),
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') => {
                out.push(' ');
            }
            _ => {}
        }
    }
    out.push_str("</p>\n");
    out
}

/// A section's HTML, and whether the sanitiser (or the plain-text fallback)
/// made it rather than the Markdown renderer alone.
fn to_safe_html(events: &[Event<'_>], links: &Arc<PageLinks>) -> (String, bool) {
    let needs_sanitiser = events.iter().any(|e| match e {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Link { dest_url, .. }) => !is_plain_url(dest_url),
        Event::Start(Tag::Image { .. }) => true,
        _ => false,
    });
    if needs_sanitiser && nesting_depth(events) > MAX_SANITISED_DEPTH {
        return (plain_text_html(events), true);
    }
    // Column alignment would come out as `style` attributes, which the
    // site's Content-Security-Policy (`style-src 'self'`) refuses and the
    // sanitiser removes: leave it out everywhere.
    let events = events.iter().cloned().map(|e| match e {
        Event::Start(Tag::Table(aligns)) => {
            Event::Start(Tag::Table(vec![Alignment::None; aligns.len()]))
        }
        e => e,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    if needs_sanitiser {
        (
            unwrap_dead_links(&sanitiser(links).clean(&out).to_string()),
            true,
        )
    } else {
        (out, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public_only() -> Arc<PageLinks> {
        let target = crate::render::links::PublicTarget {
            id: "PUB-1".into(),
            report: false,
            attachments: vec![],
        };
        let policy = LinkPolicy::new([target], &["https://register.example.org"]);
        PageLinks::new(Arc::new(policy), "/requests/PUB-9/")
    }

    #[test]
    fn record_links_resolve_or_become_text() {
        let html = render("See [one](@PUB-1) and [two](@HID-2).", &public_only());
        assert!(
            html.contains("<a href=\"/requests/PUB-1/\">one</a>"),
            "{html}"
        );
        assert!(html.contains("and two."), "{html}");
        assert!(!html.contains("HID-2"), "{html}");
    }

    #[test]
    fn raw_html_links_follow_the_same_rule() {
        let html = render(
            "<a href=\"@PUB-1\">one</a> <a href=\"@HID-2\">two</a> \
             <a href='/requests/HID-2/'>three</a> <a href=\"https://register.example.org/reports/HID-2/\">four</a> \
             <q cite=\"../HID-2/\">five</q>",
            &public_only(),
        );
        assert!(html.contains("<a href=\"/requests/PUB-1/\""), "{html}");
        assert!(!html.contains("HID-2"), "{html}");
        for word in ["two", "three", "four", "five"] {
            assert!(html.contains(word), "{html}");
        }
        // A dead link keeps neither its title nor its element.
        let html = render(
            "<a href=\"@HID-2\" title=\"what the other is\">two</a> <b>x</b>",
            &public_only(),
        );
        assert_eq!(html, "<p>two <b>x</b></p>\n");
        let links = public_only();
        let _ = render("[a](../HID-3/) [b](@PUB-1)", &links);
        assert_eq!(links.asked(), ["HID-3", "PUB-1"]);
    }

    #[test]
    fn search_text_is_what_the_sanitised_page_shows() {
        let (rendered, _) = render_body(
            "## Issue\n\nSeen &amp; <b>bold</b> [link](https://x.example/a?b>c)\n\n\
             <template>\n\nHIDDEN-TEMPLATE\n\n</template>\n\n<style>HIDDEN-STYLE</style>\n\n\
             <svg><desc>HIDDEN-DESC</desc></svg>\n\n<!-- HIDDEN-COMMENT -->\n\nend\n",
            &public_only(),
        );
        let text = rendered.search_text;
        for word in ["Issue", "Seen", "bold", "link", "end"] {
            assert!(text.split(';').any(|w| w == word), "{word}: {text}");
        }
        for hidden in ["HIDDEN", "x.example", "<"] {
            assert!(!text.contains(hidden), "{hidden}: {text}");
        }
    }

    #[test]
    fn sections_split_at_top_level_h2_only() {
        let s = render_sections(
            "intro\n\n## Issue\n\nA\n\n- ## not\n\n## Why it needs `x`\n\nB\n",
            &public_only(),
        );
        let headings: Vec<_> = s.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["", "Issue", "Why it needs x"]);
        assert_eq!(s[2].id, "why-it-needs-x");
        assert!(s[1].html.contains("<h2>not</h2>"));
    }

    #[test]
    fn hostile_html_is_sanitised_and_plain_markdown_kept() {
        let html = render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> <b onclick=\"a()\">b</b>\n\n| a |\n|---|\n| 1 |\n",
            &public_only(),
        );
        for bad in ["<script", "javascript:", "onerror", "onclick", "<img"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(
            html.contains("<table>") && html.contains("<b>b</b>"),
            "{html}"
        );
        // Aligned columns give no inline style (the CSP forbids them).
        let html = render("| a | b |\n|--:|:-:|\n| 1 | 2 |\n", &public_only());
        assert!(
            html.contains("<th>a</th>") && !html.contains("style"),
            "{html}"
        );
    }

    #[test]
    fn deeply_nested_sections_are_published_as_text_quickly() {
        let started = std::time::Instant::now();
        let deep = format!("{}x <b onclick=\"a()\">y</b>\n", "> ".repeat(200_000));
        let html = render(&deep, &public_only());
        assert_eq!(html, "<p>x y </p>\n");
        let divs = format!("{}x{}\n", "<div>".repeat(100_000), "</div>".repeat(100_000));
        // Raw HTML is left out altogether.
        assert_eq!(render(&divs, &public_only()), "<p> </p>\n");
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        // Ordinary nesting is still sanitised tag by tag.
        let html = render("> > <b onclick=\"a()\">y</b>\n", &public_only());
        assert!(
            html.contains("<blockquote>") && html.contains("<b>y</b>"),
            "{html}"
        );
        assert!(!html.contains("onclick"), "{html}");
    }

    #[test]
    fn escapes_the_five_specials_and_keeps_the_rest() {
        let mut out = String::new();
        html_escape_into("a<b>&\"c'é", &mut out);
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&#39;é");
    }

    #[test]
    fn quick_scan_finds_inline_record_links_and_defers_references() {
        assert_eq!(
            quick_record_links("a [x](@A-1) b [y](@B-2/report \"t\") [z](http://e)"),
            Some(vec!["@A-1", "@B-2/report"])
        );
        assert_eq!(quick_record_links("[x][r]\n\n[r]: @A-1\n"), None);
        assert_eq!(quick_record_links("[x]( @A-1)"), None);
        for body in [
            "[x]( <@A-1>)",
            "[r]:  @A-1",
            "[r]:\n@A-1",
            "[r]:\t@A-1",
            "[r]:  <@A-1>",
        ] {
            assert_eq!(quick_record_links(body), None, "{body}");
        }
    }

    #[test]
    fn parses_link_destinations() {
        assert_eq!(
            parse_record_link("@A-1"),
            Ok(RecordLink::Request("A-1".into()))
        );
        assert_eq!(
            parse_record_link("@A-1/report"),
            Ok(RecordLink::Report("A-1".into()))
        );
        assert!(parse_record_link("@A-1/x").is_err());
        assert!(parse_record_link("@../x").is_err());
    }
}
