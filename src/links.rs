//! Which links in published text may stay links.
//!
//! A link whose destination is a page or a file of this site is kept only
//! when that page or file is published: a link to a withheld request, to
//! the Modification Report of a request whose final decision is withheld,
//! or to an attachment that is not published renders as its text alone,
//! however the destination is written: `@ID`, `@ID/report`, a relative
//! URL (`../ID/`), a root-relative one (`/requests/ID/`) or an absolute
//! one on the site's address, in any case, with `%`-escapes, `./` and
//! `../`, a query or a fragment. Raw-HTML attributes get the same rule.
//!
//! The policy knows public targets only, so the renderer that holds it
//! cannot tell a withheld id from a mistyped one, and needs not.

use crate::markdown::{RecordLink, parse_record_link};
use rustc_hash::FxHashMap as HashMap;

/// What may be linked to of one public request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicTarget {
    /// Its id as the register writes it.
    pub id: String,
    /// It has a public final decision, so a Modification Report page.
    pub report: bool,
    /// The names of its published attachments.
    pub attachments: Vec<String>,
}

/// The pages and files of the site that links may point at.
#[derive(Debug, Clone, Default)]
pub struct LinkPolicy {
    /// Public requests, by id in upper case.
    targets: HashMap<String, PublicTarget>,
    /// The site's addresses (`base_url`, and the one a build was given),
    /// as `host/path-prefix` in lower case, without a trailing slash.
    sites: Vec<(String, String)>,
}

/// What a destination is, once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Keep the link, with this destination.
    Link(String),
    /// Render the text alone: the destination is not published.
    TextOnly,
}

impl LinkPolicy {
    /// A policy for the public `targets`, on a site published at any of
    /// `base_urls` (e.g. `https://register.example.org`).
    pub fn new(targets: impl IntoIterator<Item = PublicTarget>, base_urls: &[&str]) -> LinkPolicy {
        LinkPolicy {
            targets: targets
                .into_iter()
                .map(|t| (t.id.to_ascii_uppercase(), t))
                .collect(),
            sites: base_urls.iter().filter_map(|u| site_of(u)).collect(),
        }
    }

    /// The public request `id` names, whatever its case; `None` for a
    /// withheld or unknown one.
    pub fn target(&self, id: &str) -> Option<&PublicTarget> {
        self.targets.get(&id.to_ascii_uppercase())
    }

    /// Resolves `dest`, written on the page at `page` (a root-relative URL
    /// such as `/requests/A-1/`). `asked` hears every request id the
    /// answer depended on (for the preview server's cache).
    pub fn resolve(&self, dest: &str, page: &str, asked: &mut dyn FnMut(&str)) -> Resolved {
        let dest = dest.trim();
        if dest.starts_with('@') {
            return self.record_link(dest, asked);
        }
        let Some(path) = self.site_path(dest, page) else {
            return Resolved::Link(dest.to_string());
        };
        match self.path_allowed(&path, asked) {
            true => Resolved::Link(dest.to_string()),
            false => Resolved::TextOnly,
        }
    }

    fn record_link(&self, dest: &str, asked: &mut dyn FnMut(&str)) -> Resolved {
        let link = match parse_record_link(dest) {
            Ok(link) => link,
            Err(_) => return Resolved::TextOnly,
        };
        let (RecordLink::Request(id) | RecordLink::Report(id)) = &link;
        asked(id);
        match (self.targets.get(id.as_str()), link) {
            (Some(t), RecordLink::Request(_)) => Resolved::Link(format!("/requests/{}/", t.id)),
            (Some(t), RecordLink::Report(_)) if t.report => {
                Resolved::Link(format!("/reports/{}/", t.id))
            }
            _ => Resolved::TextOnly,
        }
    }

    /// The path on this site that `dest` points at, decoded and without
    /// dot segments, or `None` when it points elsewhere.
    fn site_path(&self, dest: &str, page: &str) -> Option<String> {
        let dest = dest.split(['#', '?']).next().unwrap_or("");
        let lower = dest.to_ascii_lowercase();
        let raw = if let Some(rest) = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .or_else(|| lower.strip_prefix("//"))
        {
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = host.rsplit('@').next().unwrap_or(host);
            let offset = dest.len() - path.len();
            self.on_site(host, &format!("/{}", &dest[offset..]))?
        } else if has_scheme(&lower) {
            return None;
        } else if dest.starts_with('/') {
            dest.to_string()
        } else if dest.is_empty() {
            return None;
        } else {
            let dir = &page[..page.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{dest}")
        };
        Some(normalise_path(&raw))
    }

    /// The site path of `path` on `host` when that is this site.
    fn on_site(&self, host: &str, path: &str) -> Option<String> {
        let host = host.trim_end_matches('.');
        let host = host
            .strip_suffix(":443")
            .or(host.strip_suffix(":80"))
            .unwrap_or(host);
        let lower_path = path.to_ascii_lowercase();
        self.sites.iter().find_map(|(site_host, prefix)| {
            let same_host = host == site_host
                || host.strip_prefix("www.") == Some(site_host)
                || site_host.strip_prefix("www.") == Some(host);
            if !same_host {
                return None;
            }
            let rest = lower_path.strip_prefix(prefix.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then(|| path[prefix.len()..].to_string())
        })
    }

    /// True when a site path may be linked to: anything but a page or a
    /// file of a request, report or attachment that is not published.
    fn path_allowed(&self, path: &str, asked: &mut dyn FnMut(&str)) -> bool {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let (section, id, rest) = match segments.as_slice() {
            [section, id, rest @ ..] => (section.to_ascii_lowercase(), *id, rest),
            _ => return true,
        };
        if section != "requests" && section != "reports" {
            return true;
        }
        let Some(target) = self.target(id) else {
            asked(id);
            return false;
        };
        asked(&target.id);
        let page =
            rest.is_empty() || (rest.len() == 1 && rest[0].eq_ignore_ascii_case("index.html"));
        match section.as_str() {
            "reports" => target.report && page,
            _ => page || (rest.len() == 1 && target.attachments.iter().any(|a| a == rest[0])),
        }
    }
}

/// `host` and path prefix of a base URL, in lower case.
fn site_of(base_url: &str) -> Option<(String, String)> {
    let lower = base_url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host
        .strip_suffix(":443")
        .or(host.strip_suffix(":80"))
        .unwrap_or(host);
    let prefix = format!("/{}", path.trim_matches('/'));
    Some((host.to_string(), prefix.trim_end_matches('/').to_string()))
}

/// True when a URL starts with a scheme (`mailto:`, `ftp:`): before any
/// `/`, `?` or `#`, a `:`.
fn has_scheme(url: &str) -> bool {
    let head = url.split(['/', '?', '#']).next().unwrap_or("");
    head.contains(':')
}

/// A path with `%`-escapes decoded (any that do not decode are left) and
/// `.` and `..` segments resolved.
fn normalise_path(path: &str) -> String {
    let decoded = percent_decode(path);
    let mut out: Vec<&str> = Vec::new();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let trailing = decoded.ends_with('/') || decoded.ends_with("/.") || decoded.ends_with("/..");
    let mut joined = format!("/{}", out.join("/"));
    if trailing && !joined.ends_with('/') {
        joined.push('/');
    }
    joined
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> LinkPolicy {
        LinkPolicy::new(
            [
                PublicTarget {
                    id: "PUB-1".into(),
                    report: true,
                    attachments: vec!["notes.pdf".into()],
                },
                PublicTarget {
                    id: "PUB-2".into(),
                    report: false,
                    attachments: vec![],
                },
            ],
            &["https://register.example.org", "http://127.0.0.1:1111"],
        )
    }

    fn kept(dest: &str) -> bool {
        let mut asked = Vec::new();
        let r = policy().resolve(dest, "/requests/PUB-2/", &mut |id| {
            asked.push(id.to_string())
        });
        matches!(r, Resolved::Link(_))
    }

    #[test]
    fn links_to_withheld_pages_become_text_however_written() {
        for dest in [
            "@HID-1",
            "@HID-1/report",
            "@PUB-2/report",
            "/requests/HID-1/",
            "/requests/HID-1",
            "/requests/hid-1/index.html",
            "/REQUESTS/HID-1/",
            "/requests/%48ID-1/",
            "/requests/PUB-1/../HID-1/",
            "/requests/./HID-1/?x=1#y",
            "../HID-1/",
            "../../reports/HID-1/",
            "https://register.example.org/requests/HID-1/",
            "HTTPS://Register.Example.ORG./requests/HID-1/",
            "https://www.register.example.org/reports/HID-1/",
            "http://register.example.org:80/requests/HID-1/",
            "//register.example.org/requests/HID-1/",
            "http://127.0.0.1:1111/requests/HID-1/",
            "/reports/PUB-2/",
            "/requests/PUB-1/secret.pdf",
            "../PUB-1/secret.pdf",
            "/requests\\HID-1/",
        ] {
            assert!(!kept(dest), "{dest} stayed a link");
        }
    }

    #[test]
    fn links_to_public_pages_and_elsewhere_stay() {
        for dest in [
            "@PUB-1",
            "@PUB-1/report",
            "/requests/PUB-1/",
            "/reports/PUB-1/",
            "/requests/PUB-1/notes.pdf",
            "../PUB-1/notes.pdf",
            "../PUB-1/",
            "https://register.example.org/requests/pub-1/",
            "/versions/1.3/",
            "/",
            "#issue",
            "https://example.com/requests/HID-1/",
            "mailto:ssc@example.org",
            "https://register.example.org.evil/requests/HID-1/",
        ] {
            assert!(kept(dest), "{dest} lost its link");
        }
        let r = policy().resolve("@PUB-1", "/x/", &mut |_| {});
        assert_eq!(r, Resolved::Link("/requests/PUB-1/".into()));
    }

    #[test]
    fn the_ids_asked_about_are_heard() {
        let mut asked = Vec::new();
        for dest in ["@PUB-1", "/requests/HID-9/", "../PUB-2/", "/versions/"] {
            policy().resolve(dest, "/requests/PUB-2/", &mut |id| {
                asked.push(id.to_string())
            });
        }
        assert_eq!(asked, ["PUB-1", "HID-9", "PUB-2"]);
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise_path("/a/./b/../c/"), "/a/c/");
        assert_eq!(normalise_path("/a/%2e%2e/b"), "/b");
        assert_eq!(normalise_path("/requests/%zz/"), "/requests/%zz/");
    }
}
