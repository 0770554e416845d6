//! `register::markdown` on arbitrary bodies: never panics, and no script,
//! event handler, style or `javascript:`/`data:`/`vbscript:` URL survives
//! into the HTML, whatever the body holds. Links to pages that are not
//! published (any request but PUB-1 and PUB-2, written as `@ID`, as a path,
//! relative or absolute on the site's address, in Markdown or raw HTML)
//! keep their text and lose their target.

#![no_main]

use libfuzzer_sys::fuzz_target;
use register::fuzzing::{LinkPolicy, PublicTarget};
use register::fuzzing::{PageLinks, record_links, render};
use std::sync::{Arc, LazyLock};

static POLICY: LazyLock<Arc<LinkPolicy>> = LazyLock::new(|| {
    let target = |id: &str, report| PublicTarget {
        id: id.to_string(),
        report,
        attachments: vec!["a.pdf".to_string()],
    };
    Arc::new(LinkPolicy::new(
        [target("PUB-1", true), target("PUB-2", false)],
        &["https://register.example.org"],
    ))
});

/// The request id a site URL points into, read independently of
/// `register::links`: decoded, lower case, dot segments dropped.
fn request_in(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let path = if let Some(rest) = lower.strip_prefix("https://register.example.org") {
        rest.to_string()
    } else if lower.contains("://") || lower.starts_with("//") || lower.starts_with("mailto:") {
        return None;
    } else if lower.starts_with('/') {
        lower
    } else {
        format!("/requests/pub-2/{lower}")
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path).replace('\\', "/");
    let mut segments: Vec<&str> = Vec::new();
    for s in decoded.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    match segments.as_slice() {
        ["requests" | "reports", id, ..] => Some(id.to_string()),
        _ => None,
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = |x: u8| char::from(x).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const BANNED_TAGS: &[&str] = &[
    "script", "iframe", "object", "embed", "style", "form", "meta", "base", "img", "svg", "link",
    "frame", "frameset", "applet", "input", "button", "textarea", "math",
];

#[path = "../../tests/support/html_tags.rs"]
mod html_tags;
use html_tags::tags;

fuzz_target!(|body: &str| {
    let _ = record_links(body);
    let html = render(body, &PageLinks::new(Arc::clone(&POLICY), "/requests/PUB-2/"));
    for (name, attrs) in tags(&html) {
        assert!(name != "!--", "a comment survived: {html:?}");
        assert!(
            !BANNED_TAGS.contains(&name.as_str()),
            "<{name}> survived: {html:?}"
        );
        for (attr, value) in attrs {
            assert!(
                !attr.starts_with("on"),
                "{attr} on <{name}> survived: {html:?}"
            );
            assert!(attr != "style", "a style attribute survived: {html:?}");
            if matches!(
                attr.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "cite"
            ) {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    assert!(
                        !v.starts_with(scheme),
                        "{attr}={value:?} survived: {html:?}"
                    );
                }
                // Unknown and withheld record ids never become link targets,
                // in Markdown or raw HTML.
                assert!(!v.starts_with('@'), "an @ link survived: {html:?}");
                if let Some(id) = request_in(&v) {
                    assert!(
                        id == "pub-1" || id == "pub-2",
                        "{attr}={value:?} points at {id}: {html:?}"
                    );
                }
            }
        }
    }
});
