//! Markdown to safe HTML, with links between records resolved against the
//! public register and bodies cut into their `##` sections.
//!
//! Bodies reach this module with withheld passages already removed (by the
//! filter). Here, record links to anything that is not public lose their
//! link and keep their text, and any raw HTML or unusual URL sends the
//! section through the `ammonia` sanitiser, so content can never script a
//! reader's browser.

use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use std::sync::LazyLock;

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
    if !crate::record::ID_PATTERN.is_match(id) {
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

/// Every `@` link of a body: (byte offset in the body, destination).
pub fn record_links(body: &str) -> Vec<(usize, String)> {
    if !body.contains("(@") && !body.contains("]: @") {
        return Vec::new();
    }
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with('@') => {
                Some((range.start, dest_url.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// A quick, over-inclusive scan for `[text](@…)` destinations, without
/// parsing the Markdown. Returns `None` when it cannot stand in for
/// [`record_links`] (reference-style definitions). Used to skip the full
/// parse when every candidate is fine; any doubtful candidate sends the
/// caller to the full parse, which alone decides and locates problems.
pub fn quick_record_links(body: &str) -> Option<Vec<&str>> {
    // One pass over the `]`s (a byte search), not one search per pattern.
    let mut found = Vec::new();
    for (i, _) in body.match_indices(']') {
        let after = &body[i + 1..];
        if after.starts_with(": @") {
            return None; // a reference definition: only the parser can tell
        }
        let Some(dest) = after.strip_prefix('(') else {
            continue;
        };
        if dest.starts_with("<@") {
            return None;
        }
        if !dest.starts_with('@') {
            if dest
                .trim_start_matches([' ', '\t', '\n', '\r'])
                .starts_with('@')
            {
                return None; // `]( @X)`: whitespace before the destination
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

/// Renders `body` into sections. `resolve` gives the URL of a record link
/// when its target is public, and `None` to render the link's text alone.
pub fn render_sections(
    body: &str,
    resolve: &dyn Fn(&RecordLink) -> Option<String>,
) -> Vec<Section> {
    render_sections_and_text(body, resolve).0
}

/// [`render_sections`], also giving the body's plain text (headings, text
/// and code, never link targets) for the search index, from the same parse.
pub fn render_sections_and_text(
    body: &str,
    resolve: &dyn Fn(&RecordLink) -> Option<String>,
) -> (Vec<Section>, String) {
    let mut text = String::with_capacity(body.len());
    let mut sections: Vec<(String, Vec<Event<'_>>)> = vec![(String::new(), Vec::new())];
    let mut depth = 0usize;
    let mut in_h2 = false;
    let mut dropped_links: Vec<bool> = Vec::new();
    for event in Parser::new_ext(body, options()) {
        if let Event::Text(t) | Event::Code(t) = &event {
            text.push_str(t);
            text.push(' ');
        }
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) if depth == 0 => {
                sections.push((String::new(), Vec::new()));
                in_h2 = true;
                depth += 1;
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) if in_h2 && depth == 1 => {
                in_h2 = false;
                depth -= 1;
            }
            _ if in_h2 => {
                if let Event::Text(t) | Event::Code(t) = &event {
                    let heading = &mut sections.last_mut().expect("one section").0;
                    heading.push_str(t);
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                depth += 1;
                let dest = if dest_url.starts_with('@') {
                    parse_record_link(&dest_url).ok().and_then(|l| resolve(&l))
                } else {
                    Some(dest_url.to_string())
                };
                let events = &mut sections.last_mut().expect("one section").1;
                match dest {
                    Some(url) => {
                        dropped_links.push(false);
                        events.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url: CowStr::from(url),
                            title,
                            id,
                        }));
                    }
                    None => dropped_links.push(true),
                }
            }
            Event::End(TagEnd::Link) => {
                depth = depth.saturating_sub(1);
                if !dropped_links.pop().unwrap_or(false) {
                    sections.last_mut().expect("one section").1.push(event);
                }
            }
            other => {
                match &other {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth = depth.saturating_sub(1),
                    _ => {}
                }
                sections.last_mut().expect("one section").1.push(other);
            }
        }
    }
    let mut used: Vec<String> = Vec::new();
    let sections = sections
        .into_iter()
        .enumerate()
        .filter(|(i, (_, events))| *i > 0 || !events.is_empty())
        .map(|(_, (heading, events))| {
            let heading = heading.trim().to_string();
            let id = unique_slug(&heading, &mut used);
            Section {
                heading,
                id,
                html: to_safe_html(events),
            }
        })
        .collect();
    (sections, text)
}

/// Renders a whole body, its `##` headings included, as one HTML string.
pub fn render(body: &str, resolve: &dyn Fn(&RecordLink) -> Option<String>) -> String {
    join_sections(&render_sections(body, resolve), 2, "")
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

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .rm_tags(["img"]);
    b
});

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

fn to_safe_html(events: Vec<Event<'_>>) -> String {
    let needs_sanitiser = events.iter().any(|e| match e {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Link { dest_url, .. }) => !is_plain_url(dest_url),
        Event::Start(Tag::Image { .. }) => true,
        _ => false,
    });
    if needs_sanitiser && nesting_depth(&events) > MAX_SANITISED_DEPTH {
        return plain_text_html(&events);
    }
    // Column alignment would come out as `style` attributes, which the
    // site's Content-Security-Policy (`style-src 'self'`) refuses and the
    // sanitiser removes: leave it out everywhere.
    let events = events.into_iter().map(|e| match e {
        Event::Start(Tag::Table(aligns)) => {
            Event::Start(Tag::Table(vec![Alignment::None; aligns.len()]))
        }
        e => e,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    if needs_sanitiser {
        SANITISER.clean(&out).to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public_only(link: &RecordLink) -> Option<String> {
        match link {
            RecordLink::Request(id) if id == "PUB-1" => Some("/requests/PUB-1/".into()),
            _ => None,
        }
    }

    #[test]
    fn record_links_resolve_or_become_text() {
        let html = render("See [one](@PUB-1) and [two](@HID-2).", &public_only);
        assert!(
            html.contains("<a href=\"/requests/PUB-1/\">one</a>"),
            "{html}"
        );
        assert!(html.contains("and two."), "{html}");
        assert!(!html.contains("HID-2"), "{html}");
    }

    #[test]
    fn sections_split_at_top_level_h2_only() {
        let s = render_sections(
            "intro\n\n## Issue\n\nA\n\n- ## not\n\n## Why it needs `x`\n\nB\n",
            &public_only,
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
            &public_only,
        );
        for bad in ["<script", "javascript:", "onerror", "onclick", "<img"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(
            html.contains("<table>") && html.contains("<b>b</b>"),
            "{html}"
        );
        // Aligned columns give no inline style (the CSP forbids them).
        let html = render("| a | b |\n|--:|:-:|\n| 1 | 2 |\n", &public_only);
        assert!(
            html.contains("<th>a</th>") && !html.contains("style"),
            "{html}"
        );
    }

    #[test]
    fn deeply_nested_sections_are_published_as_text_quickly() {
        let started = std::time::Instant::now();
        let deep = format!("{}x <b onclick=\"a()\">y</b>\n", "> ".repeat(200_000));
        let html = render(&deep, &public_only);
        assert_eq!(html, "<p>x y </p>\n");
        let divs = format!("{}x{}\n", "<div>".repeat(100_000), "</div>".repeat(100_000));
        // Raw HTML is left out altogether.
        assert_eq!(render(&divs, &public_only), "<p> </p>\n");
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        // Ordinary nesting is still sanitised tag by tag.
        let html = render("> > <b onclick=\"a()\">y</b>\n", &public_only);
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
