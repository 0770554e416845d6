//! Markup attachments (HTML, SVG, XML) read as a browser shows them, and
//! refused where that cannot be told from the source.
//!
//! A browser decodes every HTML5 named character reference (2,231 of
//! them, `&NonBreakingSpace;`, several without their `;`: `&nbsp`),
//! numeric ones with or without `;`, shows a CDATA section's text as
//! text, and drops tags (`Wil<tspan>fred</tspan>` is one word). [`shown`]
//! reads the file that way, for the screen. What the screen cannot read
//! in the order a reader will, [`refused`] refuses: entities a document
//! declares itself (`<!ENTITY`), stylesheets that may rewrite or reorder
//! the text (`<?xml-stylesheet`, CSS `content:`, `direction`,
//! `unicode-bidi`, `*-reverse`, `order`), direction overrides (`<bdo>`,
//! `dir="rtl"`), and SVG text positioned out of its written order. And
//! anything a browser runs (see [`active`]): served from the register's
//! own origin, it would act as the register.

use regex::Regex;
use std::sync::LazyLock;

/// The character reference at the start of `text` (which starts with
/// `&`), decoded as a browser would, and the bytes it takes: numeric
/// (`&#64;`, `&#x40`) with or without `;`, and every HTML5 named
/// reference, with its `;` or without (the longest name that is one,
/// which is what browsers do for the legacy ones and fails closed for the
/// others). `None` when it is no reference.
pub fn reference_at(text: &str) -> Option<(String, usize)> {
    let rest = text.strip_prefix('&')?;
    if let Some(number) = rest.strip_prefix('#') {
        let (hex, digits) = match number.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, number),
        };
        let len = digits
            .bytes()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        if len == 0 {
            return None;
        }
        let code = u32::from_str_radix(&digits[..len.min(8)], if hex { 16 } else { 10 })
            .ok()
            .filter(|_| len <= 8);
        let c = code
            .and_then(char::from_u32)
            .filter(|&c| c != '\0')
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c.to_string(), 2 + usize::from(hex) + len + semicolon));
    }
    let name_len = rest
        .bytes()
        .take(40)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    if name_len == 0 {
        return None;
    }
    let name = &rest[..name_len];
    if rest[name_len..].starts_with(';')
        && let Some(decoded) = entity(&rest[..=name_len])
    {
        return Some((decoded, name_len + 2));
    }
    // Without its `;`: the longest name that is a reference.
    (2..=name_len).rev().find_map(|n| {
        let with = format!("{};", &name[..n]);
        entity(&with).map(|decoded| (decoded, n + 1))
    })
}

/// A named reference (`nbsp;`), decoded.
fn entity(key: &str) -> Option<String> {
    let &(a, b) = web_atoms::NAMED_ENTITIES.get(key)?;
    if a == 0 {
        return None;
    }
    let mut out = String::new();
    out.extend(char::from_u32(a));
    if b != 0 {
        out.extend(char::from_u32(b));
    }
    Some(out)
}

/// `text` with every character reference decoded (see [`reference_at`]),
/// and for each byte of the result the byte of `text` it came from.
pub fn decoded(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let next = memchr::memchr(b'&', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i);
        push_from(&mut out, &mut from, &text[at..next], at);
        at = next;
        if at >= text.len() {
            break;
        }
        match reference_at(&text[at..]) {
            Some((c, len)) => {
                out.push_str(&c);
                from.extend(std::iter::repeat_n(at, c.len()));
                at += len;
            }
            None => {
                out.push('&');
                from.push(at);
                at += 1;
            }
        }
    }
    (out, from)
}

fn push_from(out: &mut String, from: &mut Vec<usize>, part: &str, start: usize) {
    out.push_str(part);
    from.extend(start..start + part.len());
}

/// Elements (without a prefix) whose content a browser never shows:
/// read as nothing between the words around them.
const CONTENT_NOT_SHOWN: &[&str] = &[
    "style", "title", "script", "desc", "metadata", "template", "rt", "rp", "noscript",
];

/// Markup's text as a browser shows it: tags and comments left out, CDATA
/// sections read as their text, character references decoded (outside
/// CDATA), the content of elements never shown (`<style>`, `<title>`,
/// `<template>`, `<rt>`...) left out; and for each byte of it the byte of
/// `text` it came from.
pub fn shown(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    let mut at = 0;
    while at < text.len() {
        let next = memchr::memchr(b'<', &bytes[at..]).map_or(text.len(), |i| at + i);
        let (part, part_from) = decoded(&text[at..next]);
        out.push_str(&part);
        from.extend(part_from.into_iter().map(|i| i + at));
        at = next;
        if at >= text.len() {
            break;
        }
        let rest = &text[at..];
        if let Some(inner) = rest.strip_prefix("<![CDATA[") {
            let end = inner.find("]]>").unwrap_or(inner.len());
            push_from(&mut out, &mut from, &inner[..end], at + 9);
            at += 9 + (end + 3).min(inner.len());
        } else if let Some(comment) = rest.strip_prefix("<!--") {
            at += comment.find("-->").map_or(rest.len(), |e| e + 7);
        } else {
            // A tag, a declaration or a processing instruction: to its `>`
            // outside quotes (a `>` in an attribute value does not end it).
            let len = tag_end(rest);
            let name_len = rest[1..]
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .map_or(rest.len() - 1, |e| e);
            let name = &lower[at + 1..at + 1 + name_len];
            let self_closing = rest[..len].ends_with("/>");
            at += len;
            if !self_closing && CONTENT_NOT_SHOWN.contains(&name) {
                let close = format!("</{name}");
                at = lower[at..].find(&close).map_or(text.len(), |e| at + e);
            }
        }
    }
    (out, from)
}

/// The length of the tag at the start of `text` (which starts with `<`),
/// its `>` included: quoted attribute values may hold `>`.
fn tag_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') if i > 1 && matches!(bytes[i - 1], b'=' | b' ' | b'\t') => {
                quote = Some(b)
            }
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// One start tag: its local name (after any prefix, in lower case), its
/// attributes (local names in lower case, values with references
/// decoded), and where it starts.
#[derive(Debug)]
struct Tag {
    at: usize,
    name: String,
    attributes: Vec<(String, String)>,
}

impl Tag {
    fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The local name of a name that may have a prefix (`é:script`,
/// `xlink:href`), in lower case.
fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_lowercase()
}

/// The start tags of `text`, read as a tolerant browser would.
fn tags(text: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'<', &bytes[at..]) {
        at += i;
        let rest = &text[at..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            at += comment.find("-->").map_or(rest.len(), |e| e + 7);
            continue;
        }
        if let Some(inner) = rest.strip_prefix("<![CDATA[") {
            at += 9 + inner.find("]]>").map_or(inner.len(), |e| e + 3);
            continue;
        }
        let len = tag_end(rest);
        // Without its `>` when it has one (a tag never closed has none).
        let inner_end = if rest.as_bytes().get(len - 1) == Some(&b'>') && len > 1 {
            len - 1
        } else {
            len
        };
        let inner = &rest[1..inner_end];
        if let Some(tag) = parse_tag(inner, at) {
            out.push(tag);
        }
        at += len.max(1);
    }
    out
}

fn parse_tag(inner: &str, at: usize) -> Option<Tag> {
    let inner = inner.trim_start();
    let first = inner.chars().next()?;
    if first == '/' || first == '!' || first == '?' {
        return None;
    }
    let name_end = inner
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(inner.len());
    let name = local(&inner[..name_end]);
    let mut attributes = Vec::new();
    let mut rest = &inner[name_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/' || c == '>')
            .unwrap_or(rest.len())
            .max(rest.chars().next().map_or(1, char::len_utf8));
        let attr = local(&rest[..end]);
        rest = rest[end..].trim_start();
        let value = if let Some(v) = rest.strip_prefix('=') {
            let v = v.trim_start();
            let (value, after) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = v[1..].find(q).map_or(v.len(), |e| e + 1);
                    (&v[1..close], v.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let e = v.find(char::is_whitespace).unwrap_or(v.len());
                    (&v[..e], &v[e..])
                }
            };
            rest = after;
            decoded(value).0
        } else {
            String::new()
        };
        attributes.push((attr, value));
    }
    Some(Tag {
        at,
        name,
        attributes,
    })
}

/// Why a markup file cannot be published: something a browser runs, or
/// text a reader sees otherwise than it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A script element, an element that runs or embeds a document
    /// (`iframe`, `object`, `foreignObject`...), an event handler, a
    /// `srcdoc`, or an address with a scheme a browser runs.
    Script,
    /// An entity the document declares (`<!ENTITY`, a DOCTYPE's internal
    /// subset): text the screen cannot read where it is used.
    Entity,
    /// A stylesheet that may write or reorder text: `<?xml-stylesheet`,
    /// CSS `content:`, `order`, `*-reverse`.
    Stylesheet,
    /// A direction override or embedding: `<bdo>`, `dir=` other than
    /// `ltr`, CSS or SVG `direction` / `unicode-bidi`.
    Direction,
    /// SVG text drawn out of its written order: a list of positions, a
    /// backwards `dx`, text on a path, or a chunk placed left of the one
    /// before it on the same line.
    Position,
    /// Text a browser does not show (`hidden`, `display:none`,
    /// `visibility:hidden`, a zero size or opacity, `<template>`, ruby
    /// annotations): it separates, for the screen, words a reader sees
    /// joined.
    Hidden,
}

impl Refusal {
    /// The keeper's words: what was found, and why it is refused.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Script => {
                "the file holds a script (`<script>` however prefixed, an `iframe`, `object`, \
                 `embed` or `foreignObject`, an `on...=` event handler, a `srcdoc`, or an \
                 address such as `javascript:` or `data:`): served from the register's own \
                 site, it would run as the register"
            }
            Refusal::Entity => {
                "the file declares its own entities (`<!ENTITY`, a DOCTYPE with `[...]`): \
                 the text they stand for cannot be checked where it is shown"
            }
            Refusal::Stylesheet => {
                "the file has a stylesheet that can write, move or reorder its text \
                 (`<?xml-stylesheet`, CSS `content:`, `order`, `row-reverse`, `float`, \
                 `position`, `transform`, grid placement): what a reader sees cannot be checked"
            }
            Refusal::Direction => {
                "the file changes the direction text is shown in (`<bdo>`, `dir=\"rtl\"`, \
                 `direction`, `unicode-bidi`): `1-DIH` can show as `HID-1`, which no check of \
                 the written text can see"
            }
            Refusal::Position => {
                "the file places SVG text out of its written order (a list of `x`/`y`/`dx` \
                 positions, a negative `dx`, `textPath`, `<use>`, a `transform`, a nested \
                 `<svg>`, or text placed left of the text before it): what a reader sees \
                 cannot be checked"
            }
            Refusal::Hidden => {
                "the file holds text a browser does not show (`hidden`, `display:none`, \
                 `visibility:hidden`, a zero `font-size` or `opacity`, `<template>`, ruby \
                 annotations `<rt>`/`<rp>`): it can separate words a reader sees joined, so \
                 what a reader sees cannot be checked"
            }
        }
    }

    /// How to fix it.
    pub fn help(self) -> &'static str {
        match self {
            Refusal::Script => {
                "remove it from the file, publish the file as PDF or as an image, or classify \
                 it with a colour that withholds it"
            }
            Refusal::Hidden => {
                "remove the hidden text from the file, or publish the file as PDF or as an \
                 image, or classify it with a colour that withholds it"
            }
            _ => {
                "write the text plainly, in the order it is read; or publish the file as PDF \
                 or as an image, or classify it with a colour that withholds it"
            }
        }
    }
}

/// Elements that run, or embed, what the screen cannot see.
const RUNNING: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "foreignobject",
    "handler",
    "listener",
    "portal",
    "base",
    "import",
    "fencedframe",
];

/// Attributes whose value is an address a browser follows or loads.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "codebase",
    "lowsrc",
    "dynsrc",
    "ping",
    "longdesc",
    "manifest",
    "icon",
    "srcset",
    "imagesrcset",
    "from",
    "to",
    "values",
    "by",
];

/// The first thing in markup that a browser runs, or that shows the text
/// otherwise than it is written; `None` for none. Offsets are in `text`.
pub fn refused(text: &str) -> Option<(usize, Refusal)> {
    let mut found: Vec<(usize, Refusal)> = Vec::new();
    let lower = text.to_ascii_lowercase();
    static DECLARATIONS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)<!\s*entity\b|<!doctype[^>\[]*\[").expect("valid pattern")
    });
    if let Some(m) = DECLARATIONS.find(text) {
        found.push((m.start(), Refusal::Entity));
    }
    if let Some(i) = lower.find("<?xml-stylesheet") {
        found.push((i, Refusal::Stylesheet));
    }
    let tags = tags(text);
    found.extend(running(&tags));
    // CSS: in `<style>` elements and `style=` attributes, references
    // decoded, comments out.
    let (read, read_from) = decoded(text);
    let read_lower = read.to_ascii_lowercase();
    let mut styles: Vec<(usize, String)> = tags
        .iter()
        .filter_map(|t| t.get("style").map(|s| (t.at, s.to_lowercase())))
        .collect();
    for (start, _) in read_lower.match_indices("<style") {
        let end = read_lower[start..]
            .find("</style")
            .map_or(read_lower.len(), |e| start + e);
        styles.push((read_from[start], read_lower[start..end].to_string()));
    }
    for (at, css) in styles {
        if let Some(r) = css_refusal(&css) {
            found.push((at, r));
        }
    }
    for t in &tags {
        let direction = t.name == "bdo"
            || t.get("dir")
                .is_some_and(|d| !d.trim().eq_ignore_ascii_case("ltr"))
            || t.get("direction").is_some()
            || t.get("unicode-bidi").is_some()
            || t.get("writing-mode").is_some();
        if direction {
            found.push((t.at, Refusal::Direction));
        }
    }
    found.extend(positions(&tags));
    found.extend(hidden(&tags));
    found.into_iter().min_by_key(|&(at, _)| at)
}

/// Elements whose text a browser does not show.
const NOT_SHOWN: &[&str] = &["template", "rt", "rp", "noscript", "noembed", "noframes"];

/// Text a browser does not show, and stylesheets loaded from elsewhere.
fn hidden(tags: &[Tag]) -> Vec<(usize, Refusal)> {
    let zero = |v: &str| {
        let v = v
            .trim()
            .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
        v.parse::<f64>().is_ok_and(|n| n == 0.0)
    };
    let mut out = Vec::new();
    for t in tags {
        let stylesheet = t.name == "link"
            && t.get("rel")
                .is_some_and(|r| r.to_ascii_lowercase().contains("stylesheet"));
        if stylesheet {
            out.push((t.at, Refusal::Stylesheet));
        }
        let attribute_hides = t.get("hidden").is_some()
            || t.get("display")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("none"))
            || t.get("visibility").is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "hidden" || v == "collapse"
            })
            || ["font-size", "opacity", "fill-opacity"]
                .iter()
                .any(|a| t.get(a).is_some_and(zero))
            || (matches!(t.name.as_str(), "text" | "tspan")
                && t.get("fill").is_some_and(|v| {
                    let v = v.trim().to_ascii_lowercase();
                    v == "none" || v == "transparent"
                }));
        if attribute_hides || NOT_SHOWN.contains(&t.name.as_str()) {
            out.push((t.at, Refusal::Hidden));
        }
    }
    out
}

/// What CSS does that the screen cannot read: writes text, or shows it in
/// another order or direction.
pub fn css_refusal(css: &str) -> Option<Refusal> {
    static HIDDEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:^|[^a-z-])(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|content-visibility\s*:\s*hidden|(?:font-size|opacity|fill-opacity)\s*:\s*[+]?[0.]+(?:[a-z%]+)?\s*(?:[;}!]|$)|font\s*:\s*[0.]+(?:[a-z%]+)?[\s/])",
        )
        .expect("valid pattern")
    });
    static CSS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:^|[^a-z-])(content|order|direction|unicode-bidi|writing-mode|float|transform|grid-area|grid-row|grid-column|grid-template-areas)\s*:|(?:^|[^a-z-])position\s*:\s*(?:absolute|fixed|relative|sticky)|-reverse\b|\\",
        )
        .expect("valid pattern")
    });
    let css: String = css
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .to_lowercase();
    if HIDDEN.is_match(&css) {
        return Some(Refusal::Hidden);
    }
    // Stylesheets and fonts loaded from elsewhere: unchecked text, glyphs.
    if css.contains("@import") || css.contains("@font-face") {
        return Some(Refusal::Stylesheet);
    }
    let caps = CSS.captures(&css)?;
    Some(match caps.get(1).map(|m| m.as_str()) {
        Some("direction" | "unicode-bidi" | "writing-mode") => Refusal::Direction,
        // `content:`, `order:`, `-reverse`, and a CSS escape (`\63 ontent`).
        _ => Refusal::Stylesheet,
    })
}

/// Elements and attributes a browser runs.
fn running(tags: &[Tag]) -> Vec<(usize, Refusal)> {
    let mut out = Vec::new();
    for t in tags {
        let meta_refresh = t.name == "meta" && t.get("http-equiv").is_some();
        if RUNNING.contains(&t.name.as_str()) || meta_refresh {
            out.push((t.at, Refusal::Script));
            continue;
        }
        for (name, value) in &t.attributes {
            let handler = name.starts_with("on") && name.len() > 2;
            let sets_handler = name == "attributename" && {
                let v = value.trim().to_lowercase();
                let v = local(&v);
                v.starts_with("on") || v == "href" || v == "src"
            };
            let runs_address = URL_ATTRIBUTES.contains(&name.as_str()) && !safe_address(value);
            if handler || sets_handler || name == "srcdoc" || runs_address {
                out.push((t.at, Refusal::Script));
            }
        }
    }
    out
}

/// True for an address a browser does not run: relative, a fragment, or
/// `http:`, `https:`, `mailto:` (white space and control characters,
/// which browsers drop inside a scheme, dropped first).
fn safe_address(value: &str) -> bool {
    value.split([';', ',']).all(|v| {
        let squeezed: String = v
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control() && !is_invisible(*c))
            .collect::<String>()
            .to_lowercase();
        match squeezed.find(':') {
            None => true,
            Some(colon) => {
                let scheme = &squeezed[..colon];
                let is_scheme = scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
                // `a/b:c`, `?x=y:z`, `#p:1` are paths, not schemes.
                !is_scheme || matches!(scheme, "http" | "https" | "mailto")
            }
        }
    })
}

/// Characters browsers may drop from an address.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
}

/// SVG text out of its written order: position lists, backwards `dx`,
/// `textPath`, and absolutely placed text left of the text before it on
/// the same line.
fn positions(tags: &[Tag]) -> Vec<(usize, Refusal)> {
    let mut out = moved_text(tags);
    // The last absolute position of text, (x, y).
    let mut last: Option<(f64, f64)> = None;
    for t in tags {
        let refused = match t.name.as_str() {
            "textpath" | "tref" | "altglyph" => true,
            // Both looked at: `goes_back` notes where the text is now.
            "text" | "tspan" => odd_placement(t) | goes_back(t, &mut last),
            _ => false,
        };
        if refused {
            out.push((t.at, Refusal::Position));
        }
    }
    out
}

/// Text placed other than by its own `x` and `y`: drawn again by `<use>`,
/// moved by a `transform`, or inside a nested `<svg>`.
fn moved_text(tags: &[Tag]) -> Vec<(usize, Refusal)> {
    let mut out = Vec::new();
    if !tags.iter().any(|t| t.name == "text") {
        return out;
    }
    let mut svgs = 0;
    for t in tags {
        svgs += usize::from(t.name == "svg");
        let moved = t.name == "use"
            || (t.name == "svg" && svgs > 1)
            || t.get("transform").is_some()
            || t.get("style").is_some_and(|s| s.contains("transform"));
        if moved {
            out.push((t.at, Refusal::Position));
        }
    }
    out
}

/// The numbers of attribute `name` of `t` (units dropped; `NaN` for what
/// is not a number); `None` when it has no such attribute.
fn numbers(t: &Tag, name: &str) -> Option<Vec<f64>> {
    t.get(name).map(|v| {
        v.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                let s = s.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
                s.parse::<f64>().unwrap_or(f64::NAN)
            })
            .collect()
    })
}

/// A text element placed in a way that can reorder what it shows: a list
/// of positions (one per character), a position that is not a number, a
/// backwards `dx`, or a transform that scales, skews or turns it.
fn odd_placement(t: &Tag) -> bool {
    let mut odd = ["x", "y", "dx", "dy", "rotate"]
        .into_iter()
        .filter_map(|name| numbers(t, name))
        .any(|l| l.len() > 1 || l.iter().any(|n| n.is_nan()));
    odd |= numbers(t, "dx").is_some_and(|l| l.iter().any(|&n| n < 0.0));
    odd |= t
        .get("transform")
        .is_some_and(|v| v.contains("scale") || v.contains("matrix") || v.contains("rotate"));
    odd
}

/// Whether `t`, placed by its own `x`, starts left of the text before it
/// on the same line; notes in `last` where text now is.
fn goes_back(t: &Tag, last: &mut Option<(f64, f64)>) -> bool {
    let x = numbers(t, "x").and_then(|l| l.first().copied());
    let y = numbers(t, "y").and_then(|l| l.first().copied());
    let mut back = false;
    if let Some(x) = x {
        let y = y.or(last.map(|(_, y)| y)).unwrap_or(0.0);
        if let Some((lx, ly)) = *last
            && (y - ly).abs() < f64::EPSILON
            && x < lx
        {
            back = true;
        }
        *last = Some((x, y));
    } else if let Some(y) = y {
        *last = Some((last.map_or(0.0, |(x, _)| x), y));
    }
    back
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_decoded_as_a_browser_would() {
        assert_eq!(decoded("Wilfred&nbspAshby").0, "Wilfred\u{a0}Ashby");
        assert_eq!(
            decoded("Wilfred&NonBreakingSpace;Ashby").0,
            "Wilfred\u{a0}Ashby"
        );
        assert_eq!(decoded("Wilfred&Tab;Ashby").0, "Wilfred\tAshby");
        assert_eq!(decoded("jo&#64example.com").0, "jo@example.com");
        assert_eq!(decoded("&LT;script&GT;").0, "<script>");
        assert_eq!(decoded("a &amp b &notit; c").0, "a & b ¬it; c");
        assert_eq!(decoded("AT&T &").0, "AT&T &");
    }

    #[test]
    fn shown_text_reads_cdata_and_leaves_tags_out() {
        let (s, _) =
            shown("<text>HID<![CDATA[-1]]> by Wil<tspan>fred</tspan> <!-- x -->A&nbsp;B</text>");
        assert_eq!(s, "HID-1 by Wilfred A\u{a0}B");
    }

    #[test]
    fn scripts_are_found_however_written() {
        for text in [
            "<svg xmlns:é=\"x\"><é:script>alert(1)</é:script></svg>",
            "<iframe srcdoc=\"&LT;script&GT;x&LT;/script&GT;\"></iframe>",
            "<a href=\"java&Tab;script:alert(1)\">x</a>",
            "<a href=\"data:text/html,x\">x</a>",
            "<svg><foreignObject><p>x</p></foreignObject></svg>",
            "<object data=\"x.swf\"></object>",
            "<p ONCLICK=\"x\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:x\">",
            "<animate attributeName=\"href\" values=\"javascript:x\"/>",
        ] {
            assert_eq!(refused(text).map(|r| r.1), Some(Refusal::Script), "{text}");
        }
        for text in [
            "<a href=\"https://example.org/a:b\">x</a>",
            "<a href=\"mailto:ssc@example.org\">x</a>",
            "<a href=\"notes/a.pdf#p:1\">x</a>",
            "<svg><text x=\"10\" y=\"20\">Ok</text><text x=\"10\" y=\"40\">Ok</text></svg>",
            "<p style=\"color: red; border: 1px\">x</p>",
            "<p dir=\"ltr\">x</p>",
        ] {
            assert_eq!(refused(text), None, "{text}");
        }
    }

    #[test]
    fn unclosed_tags_and_wide_characters_never_panic() {
        for text in [
            "<é",
            "<",
            "<a title=\"é",
            "<![CDATA[é",
            "<!--é",
            "&#x",
            "&é",
            "<p é=é>",
        ] {
            let _ = shown(text);
            let _ = refused(text);
            let _ = decoded(text);
        }
    }

    #[test]
    fn text_shown_out_of_order_is_refused() {
        for (text, why) in [
            (
                "<!DOCTYPE svg [<!ENTITY h \"HID\">]><svg/>",
                Refusal::Entity,
            ),
            (
                "<p>See <bdo dir=\"rtl\">1-DIH</bdo></p>",
                Refusal::Direction,
            ),
            ("<p dir=rtl>x</p>", Refusal::Direction),
            (
                "<svg><text direction=\"rtl\" unicode-bidi=\"bidi-override\">1-DIH</text></svg>",
                Refusal::Direction,
            ),
            (
                "<style>p::after{content:\"x\"}</style>",
                Refusal::Stylesheet,
            ),
            (
                "<p style=\"unicode-bidi:bidi-override\">x</p>",
                Refusal::Direction,
            ),
            (
                "<div style=\"display:flex;flex-direction:row-reverse\">",
                Refusal::Stylesheet,
            ),
            (
                "<svg><text y=\"9\"><tspan x=\"62\">-1</tspan><tspan x=\"0\">HID</tspan></text></svg>",
                Refusal::Position,
            ),
            (
                "<svg><text x=\"30 20 10\">abc</text></svg>",
                Refusal::Position,
            ),
            (
                "<?xml-stylesheet href=\"a.xsl\" type=\"text/xsl\"?><r/>",
                Refusal::Stylesheet,
            ),
        ] {
            assert_eq!(refused(text).map(|r| r.1), Some(why), "{text}");
        }
    }
}
