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

use crate::render::markdown::{RecordLink, parse_record_link};
use rustc_hash::FxHashMap as HashMap;
use url::Url;

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
    /// The site's addresses (`base_url`, and the one a build was given).
    sites: Vec<Site>,
}

/// Where a link's destination points.
enum Destination {
    /// Another site, or a scheme that is not the web's.
    Elsewhere,
    /// A path on this site, read from each address that serves it.
    OnSite(Vec<String>),
    /// Nothing a browser would agree on.
    Unreadable,
}

/// One address of the site: its host (as a browser writes it: lower case,
/// international names in ASCII), port and path prefix (without a
/// trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Site {
    host: String,
    port: Option<u16>,
    prefix: String,
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
        match self.site_path(dest, page) {
            Destination::Elsewhere => Resolved::Link(dest.to_string()),
            Destination::OnSite(paths) if paths.iter().all(|p| self.path_allowed(p, asked)) => {
                Resolved::Link(dest.to_string())
            }
            Destination::OnSite(_) | Destination::Unreadable => Resolved::TextOnly,
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

    /// Where `dest` points: a path on this site (decoded and without dot
    /// segments), elsewhere, or nowhere a reader could be sure of. The
    /// destination is resolved against the page as a browser resolves it
    /// (the WHATWG URL rules of the `url` crate): backslashes, tabs, an
    /// empty port, `%`-escaped or full-width host names all come out as the
    /// browser would go. A run of three or more slashes is read as two,
    /// as browsers do; what still does not parse is withheld as a link.
    fn site_path(&self, dest: &str, page: &str) -> Destination {
        let unknown = [Site::unknown()];
        let sites = match self.sites.is_empty() {
            true => &unknown[..],
            false => &self.sites[..],
        };
        let site = &sites[0];
        let base = Url::parse(&format!("https://{}{}", site.authority(), site.prefix))
            .and_then(|b| b.join(page.trim_start_matches('/')));
        let Ok(base) = base else {
            return Destination::Elsewhere;
        };
        let slashes = dest.len() - dest.trim_start_matches(['/', '\\']).len();
        let dest = match slashes {
            3.. => format!("//{}", &dest[slashes..]),
            _ => dest.to_string(),
        };
        let Ok(url) = base.join(&dest) else {
            return Destination::Unreadable;
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Destination::Elsewhere;
        }
        let host = url.host_str().unwrap_or("").trim_end_matches('.');
        let path = url.path();
        let on: Vec<&Site> = sites
            .iter()
            .filter(|s| s.is_host(host, url.port()))
            .collect();
        if on.is_empty() {
            return Destination::Elsewhere;
        }
        let mut paths: Vec<String> = on
            .iter()
            .filter_map(|s| s.below_prefix(path))
            .map(normalise_path)
            .collect();
        // The site may be served from its host's root whatever `base_url`
        // says: the path from the root is judged too.
        paths.push(normalise_path(path));
        paths.dedup();
        Destination::OnSite(paths)
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

/// The address of a base URL, read as a browser reads it.
fn site_of(base_url: &str) -> Option<Site> {
    let url = Url::parse(base_url.trim()).ok()?;
    Some(Site {
        host: url.host_str()?.trim_end_matches('.').to_string(),
        port: url.port(),
        prefix: url.path().trim_end_matches('/').to_string(),
    })
}

impl Site {
    /// The address relative links are resolved against when the site has
    /// no readable `base_url` (check reports that; links are judged anyway).
    fn unknown() -> Site {
        Site {
            host: "register.invalid".to_string(),
            port: None,
            prefix: String::new(),
        }
    }

    /// `host[:port]`, as a URL writes it.
    fn authority(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// True when `host` and `port` are this address's, with or without
    /// `www.` (a port the address does not name is any port a scheme takes
    /// by default).
    fn is_host(&self, host: &str, port: Option<u16>) -> bool {
        let same_host = host == self.host
            || host.strip_prefix("www.") == Some(&self.host)
            || self.host.strip_prefix("www.") == Some(host);
        same_host && (port.is_none() || port == self.port)
    }

    /// `path` without this address's prefix, when it starts with it.
    fn below_prefix<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rest = path.strip_prefix(self.prefix.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }
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

/// `text` with its `%`-escapes decoded; bytes that are not UTF-8 become
/// U+FFFD, so the path compared is the one a browser would ask for.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
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
            // As a browser reads them (a hostile keeper's spellings).
            "///register.example.org/requests/%48ID-1/",
            "https://register.example.org:/requests/%48ID-1/",
            "https://register%2Eexample.org/requests/%48ID-1/",
            "https:\\\\register.example.org/requests/%48ID-1/",
            "https://\u{ff52}\u{ff45}\u{ff47}\u{ff49}\u{ff53}\u{ff54}\u{ff45}\u{ff52}.example.org/requests/HID-1/",
            "https://register\u{3002}example\u{3002}org/requests/HID-1/",
            "/requests/\tHID-1/",
            "///register.example.org/requests/PUB-1/secret.pdf",
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
    fn withheld_pages_are_judged_from_the_root_and_from_the_prefix() {
        for base in [
            &["https://example.org/register/"][..],
            &[][..],
            &["not a url"][..],
        ] {
            let policy = LinkPolicy::new(std::iter::empty(), base);
            for dest in [
                "/requests/HID-1/",
                "/register/requests/HID-1/",
                "../../requests/HID-1/",
                "https://example.org/register/requests/HID-1/",
            ] {
                let r = policy.resolve(dest, "/register/requests/A-1/", &mut |_| {});
                // Without a readable base_url, the prefix is not known.
                let unknown = base.is_empty() || base[0] == "not a url";
                let elsewhere = unknown && !dest.starts_with("/requests");
                assert_eq!(matches!(r, Resolved::Link(_)), elsewhere, "{base:?} {dest}");
            }
        }
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
