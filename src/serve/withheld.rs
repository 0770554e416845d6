//! `register serve --withheld`: the preview of everything, withheld
//! material included, on this machine only. The register is made by
//! `publish::preview` (which takes a [`LocalOnly`], made here alone, by a
//! server bound to 127.0.0.1) and rendered into memory; here every page is
//! marked: `noindex`, the site-wide banner "Preview including withheld
//! material", and, on a page that shows something withheld, the banner
//! naming its classification.

use super::http::html_escape;
use crate::render::{Contents, OutputFile};
use std::collections::BTreeMap;

/// Proof that the caller is the preview server, bound to 127.0.0.1:
/// `publish::preview::preview` takes one, and only this module makes one.
#[derive(Debug)]
pub struct LocalOnly {
    _private: (),
}

impl LocalOnly {
    /// Made by the server only.
    pub(super) fn new() -> LocalOnly {
        LocalOnly { _private: () }
    }
}

/// The site-wide banner of a preview that shows withheld material.
pub const SITE_BANNER: &str = "Preview including withheld material";

/// What every page of the preview gets in its `<head>`: never indexed, and
/// the preview's stylesheet for the banners.
const HEAD: &str = "<meta name=\"robots\" content=\"noindex\">\
                    <link rel=\"stylesheet\" href=\"/__register/reload.css\">";

/// Marks every page of a preview: `noindex` and the banners; `robots.txt`
/// disallows everything.
pub(super) fn mark_pages(
    files: Vec<OutputFile>,
    banners: &BTreeMap<String, String>,
) -> Vec<OutputFile> {
    files
        .into_iter()
        .map(|f| {
            if f.path == "robots.txt" {
                let robots = b"User-agent: *\nDisallow: /\n".to_vec();
                return OutputFile {
                    path: f.path,
                    contents: Contents::Bytes(robots),
                };
            }
            if !f.path.ends_with(".html") {
                return f;
            }
            let page = mark_page(f.contents.bytes(), banners.get(&f.path).map(String::as_str));
            OutputFile {
                path: f.path,
                contents: Contents::Bytes(page),
            }
        })
        .collect()
}

/// One page marked: [`HEAD`] before `</head>`, the banners just inside
/// `<body>` (or first, when the page has neither).
pub fn mark_page(html: &[u8], banner: Option<&str>) -> Vec<u8> {
    let lower = html.to_ascii_lowercase();
    let head = find(&lower, b"</head>").unwrap_or(0);
    let body = find(&lower[head..], b"<body")
        .and_then(|at| find(&lower[head + at..], b">").map(|end| head + at + end + 1))
        .unwrap_or(head);
    let mut banners = format!(
        "<div id=\"register-preview-banner\" role=\"note\">{}</div>",
        SITE_BANNER
    );
    if let Some(text) = banner {
        banners.push_str(&format!(
            "<div class=\"register-withheld\" role=\"note\">{}</div>",
            html_escape(text)
        ));
    }
    let mut out = Vec::with_capacity(html.len() + HEAD.len() + banners.len());
    out.extend_from_slice(&html[..head]);
    out.extend_from_slice(HEAD.as_bytes());
    out.extend_from_slice(&html[head..body]);
    out.extend_from_slice(banners.as_bytes());
    out.extend_from_slice(&html[body..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gets_noindex_and_its_banners_in_place() {
        let page = mark_page(
            b"<html><head><title>x</title></head><body class=\"a\"><p>b</p></body></html>",
            Some("WITHHELD: TLP:AMBER, not published"),
        );
        let page = String::from_utf8(page).unwrap();
        assert_eq!(
            page,
            format!(
                "<html><head><title>x</title>{HEAD}</head><body class=\"a\">\
                 <div id=\"register-preview-banner\" role=\"note\">{SITE_BANNER}</div>\
                 <div class=\"register-withheld\" role=\"note\">WITHHELD: TLP:AMBER, not published</div>\
                 <p>b</p></body></html>"
            )
        );
    }
}
