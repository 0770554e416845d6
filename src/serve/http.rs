//! Answering requests: the `Host` check (DNS rebinding gets 421), the
//! site's files from memory with the published site's headers, the
//! preview's own files under `/__register/`, and the page shown while no
//! build has succeeded.

use super::{Shared, Site, State};
use crate::diagnostic::RedactedDiagnostic;
use crate::render::Contents;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The tag added before `</body>` of every HTML response.
pub(super) const RELOAD_SCRIPT_TAG: &str = r#"<script src="/__register/reload.js" defer></script>"#;

/// The headers every response gets: the same as the published site's
/// (netlify.toml, `for = "/*"`), plus no caching.
pub(super) const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
         form-action 'self'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
    ("Strict-Transport-Security", "max-age=31536000"),
];

/// The script every page loads: it polls the status, reloads the page
/// after a rebuild and shows a failed one over the page. A file, not
/// inline, because the Content-Security-Policy forbids inline scripts.
const RELOAD_JS: &str = include_str!("assets/reload.js");

/// The style of the box that shows a failed rebuild, loaded by the script
/// only when there is one to show.
const RELOAD_CSS: &str = include_str!("assets/overlay.css");

/// Takes the next request, waiting no longer than this, so that a thread
/// sees `stop` soon after it is set.
const RECEIVE_WAIT: Duration = Duration::from_millis(100);

/// The pause after the listener failed, so that a broken socket does not
/// keep a thread spinning.
const RECEIVE_RETRY: Duration = Duration::from_millis(50);

/// One request thread: answers requests until `stop` is set.
pub(super) fn answer_until_stopped(http: &tiny_http::Server, shared: &Shared, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match http.recv_timeout(RECEIVE_WAIT) {
            Ok(Some(request)) => answer(shared, request),
            Ok(None) => {}
            Err(_) => std::thread::sleep(RECEIVE_RETRY),
        }
    }
}

/// A response before it is sent.
#[derive(Debug)]
struct Reply {
    /// The HTTP status code.
    status: u16,
    /// The `Content-Type` header.
    content_type: &'static str,
    /// What is sent (the whole of it: HEAD gets it too, as tiny_http
    /// leaves it out).
    body: Vec<u8>,
    /// The `Location` header of a redirect.
    location: Option<String>,
}

impl Reply {
    /// A short message in plain text: errors, refusals, redirects.
    fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
            location: None,
        }
    }

    /// One of the preview's own files (200), with its type.
    fn own(content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body,
            location: None,
        }
    }

    /// A folder asked for without its final `/` (`raw`, as the request
    /// wrote it): sent to the folder, so that its relative links work.
    fn moved(raw: &str) -> Reply {
        Reply {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            body: format!("moved to {raw}/\n").into_bytes(),
            location: Some(format!("{raw}/")),
        }
    }
}

/// The `Host` headers a request may carry: this server's address as a
/// browser on this machine writes it. Any other name is a page elsewhere
/// that pointed its own host name at 127.0.0.1 (DNS rebinding), and an
/// address without the port may be another server's.
pub(super) fn allowed_hosts(port: u16) -> [String; 3] {
    [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
}

/// True when the request has exactly one `Host` header and it is one of
/// `allowed` (case aside). None, or several, fail closed: HTTP/1.0 does
/// not require the header, and which of two a proxy would believe is
/// anyone's guess.
fn host_allowed(headers: &[tiny_http::Header], allowed: &[String]) -> bool {
    let mut hosts = headers.iter().filter(|h| h.field.equiv("Host"));
    match (hosts.next(), hosts.next()) {
        (Some(host), None) => allowed
            .iter()
            .any(|a| a.eq_ignore_ascii_case(host.value.as_str())),
        _ => false,
    }
}

/// The answer to a request for another host: which hosts are served, and
/// nothing of the site.
fn misdirected(allowed: &[String]) -> Reply {
    Reply::text(
        421,
        &format!(
            "421 Misdirected Request: register serve answers only to {}\n",
            allowed.join(", ")
        ),
    )
}

/// False when the browser says another site made the request
/// (`Sec-Fetch-Site` other than `same-origin` or `none`): a page elsewhere
/// that loads `/requests/HID-7/` from the keeper's preview of withheld
/// material learns from its success or failure whether `HID-7` exists.
/// A request without the header (not from a browser that sends it, such as
/// `curl`) is taken as the keeper's own.
fn from_this_site(headers: &[tiny_http::Header]) -> bool {
    headers
        .iter()
        .filter(|h| h.field.equiv("Sec-Fetch-Site"))
        .all(|h| matches!(h.value.as_str(), "same-origin" | "none"))
}

/// The answer to a request another site made of the preview of withheld
/// material: nothing of the site, whatever the path.
fn cross_site() -> Reply {
    Reply::text(
        403,
        "403 Forbidden: the preview of withheld material answers only its own pages \
         and addresses typed into the browser\n",
    )
}

/// Answers one request: the `Host` is checked before anything else,
/// the method included.
fn answer(shared: &Shared, request: tiny_http::Request) {
    let method = request.method().clone();
    let reply = if !host_allowed(request.headers(), &shared.hosts) {
        misdirected(&shared.hosts)
    } else if shared.withheld && !from_this_site(request.headers()) {
        cross_site()
    } else {
        respond(shared, &method, request.url())
    };
    // The client may have gone away: nothing to do about it.
    let _ = request.respond(response(reply));
}

/// A reply as it is sent: with the published site's headers, never
/// cached, and the headers its status calls for.
fn response(reply: Reply) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers: Vec<(&str, &str)> = vec![
        ("Content-Type", reply.content_type),
        ("Cache-Control", "no-store"),
        // No other site may load what this server sends (an image, a
        // script or a prefetch from a page elsewhere fails either way).
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ];
    headers.extend_from_slice(SECURITY_HEADERS);
    if reply.status == 405 {
        headers.push(("Allow", "GET, HEAD"));
    }
    if let Some(location) = &reply.location {
        headers.push(("Location", location));
    }
    for (name, value) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    response
}

/// Decodes `%XX` escapes; `None` when they are malformed (a `%` not
/// followed by two hexadecimal digits) or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let well_formed = s.match_indices('%').all(|(i, _)| {
        s.as_bytes()
            .get(i + 1..i + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    well_formed.then(|| decoded.into_owned())
}

/// The Content-Type of a site file.
fn content_type(path: &str) -> &'static str {
    if path == "feed.xml" || path.ends_with("/feed.xml") {
        return "application/atom+xml; charset=utf-8";
    }
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// `s` as HTML text: the page shown while no build has succeeded holds
/// the errors' places and fixes.
pub(super) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::render::markdown::html_escape_into(s, &mut out);
    out
}

/// Where `needle` is in `haystack`: its first place, or with `last` its
/// last.
fn find(haystack: &[u8], needle: &[u8], last: bool) -> Option<usize> {
    let mut windows = haystack.windows(needle.len());
    if last {
        windows.rposition(|w| w == needle)
    } else {
        windows.position(|w| w == needle)
    }
}

/// Adds the generation (before `</head>`) and the reload script (before
/// `</body>`, or at the end) to an HTML page.
fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let lower = html.to_ascii_lowercase();
    let body = find(&lower, b"</body>", true).unwrap_or(html.len());
    let head = find(&lower[..body], b"</head>", false);
    let meta = format!(r#"<meta name="register-generation" content="{generation}">"#);
    let mut out = Vec::with_capacity(html.len() + meta.len() + RELOAD_SCRIPT_TAG.len());
    match head {
        Some(h) => {
            out.extend_from_slice(&html[..h]);
            out.extend_from_slice(meta.as_bytes());
            out.extend_from_slice(&html[h..body]);
        }
        None => out.extend_from_slice(&html[..body]),
    }
    out.extend_from_slice(RELOAD_SCRIPT_TAG.as_bytes());
    out.extend_from_slice(&html[body..]);
    out
}

/// An HTML page, with the generation and the reload script added so that
/// it reloads after the next rebuild.
fn html_reply(status: u16, html: &[u8], generation: u64) -> Reply {
    Reply {
        status,
        content_type: "text/html; charset=utf-8",
        body: inject(html, generation),
        location: None,
    }
}

/// A file of the site, from the last good build's bytes in memory (an
/// attachment's are the bytes its check read): nothing is read from the
/// content folder when a page is asked for, so a file changed since (and
/// maybe failing its checks) is never served.
fn file_reply(status: u16, path: &str, contents: &Contents, generation: u64) -> Reply {
    let bytes = contents.bytes();
    let content_type = content_type(path);
    if content_type.starts_with("text/html") {
        return html_reply(status, bytes, generation);
    }
    Reply {
        status,
        content_type,
        body: bytes.to_vec(),
        location: None,
    }
}

/// One error of the page served while no build has succeeded yet: where
/// it is and what is wrong, then the fix, both already redacted.
fn no_site_item(error: &RedactedDiagnostic) -> String {
    let help = error.help.as_deref().map_or(String::new(), |h| {
        format!("<br><code>help: {}</code>", html_escape(h))
    });
    format!("<li><code>{}</code>{help}</li>", html_escape(&error.at))
}

/// The page served while no build has succeeded yet.
fn no_site_page(errors: &[RedactedDiagnostic]) -> String {
    let items: String = errors.iter().map(no_site_item).collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>The site could not be built</title></head><body><main>\
         <h1>The site could not be built</h1>\
         <p>Fix the problems below and save: this page reloads by itself.</p>\
         <ul>{items}</ul></main></body></html>\n"
    )
}

/// The reply to a request for this host: only GET and HEAD, only paths
/// that stay inside the site; the preview's own files, else the site's
/// (or, before any build succeeded, the page of errors).
fn respond(shared: &Shared, method: &tiny_http::Method, url: &str) -> Reply {
    if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
        return Reply::text(405, "only GET and HEAD are served\n");
    }
    let raw = url.split(['?', '#']).next().unwrap_or("");
    let path = match site_path(raw) {
        Ok(path) => path,
        Err(refused) => return refused,
    };
    // One look, so the site, its generation and the errors agree.
    let state = shared.state().clone();
    if let Some(own) = own_file(&path, &state) {
        return own;
    }
    match &state.site {
        Some(site) => site_file(site, raw, &path, state.generation),
        None => html_reply(
            503,
            no_site_page(&state.errors).as_bytes(),
            state.generation,
        ),
    }
}

/// The path asked for (`raw`, without query or fragment), decoded; a 400
/// when it is malformed or could lead out of the site (`..`, `\`, NUL).
fn site_path(raw: &str) -> Result<String, Reply> {
    let Some(path) = percent_decode(raw) else {
        return Err(Reply::text(400, "bad request: malformed path\n"));
    };
    if !path.starts_with('/') || path.contains("..") || path.contains(['\\', '\0']) {
        return Err(Reply::text(400, "bad request: path not allowed\n"));
    }
    Ok(path)
}

/// The preview's own files, whether or not a build succeeded: the reload
/// script, its stylesheet and the status they poll (the generation and
/// the last build's errors, already redacted). `None` for any other path.
fn own_file(path: &str, state: &State) -> Option<Reply> {
    match path {
        "/__register/reload.js" => Some(Reply::own(
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes().to_vec(),
        )),
        "/__register/reload.css" => Some(Reply::own(
            "text/css; charset=utf-8",
            RELOAD_CSS.as_bytes().to_vec(),
        )),
        "/__register/status" => {
            let doc = serde_json::json!({ "generation": state.generation, "errors": state.errors });
            Some(Reply::own("application/json", doc.to_string().into_bytes()))
        }
        _ => None,
    }
}

/// A file of the last good build: `path` itself, or its folder's
/// `index.html`; a folder asked for without its `/` is sent there; else
/// the site's 404 page, or a plain 404 when it has none.
fn site_file(site: &Site, raw: &str, path: &str, generation: u64) -> Reply {
    let rel = &path[1..];
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(contents) = site.files.get(&key) {
        return file_reply(200, &key, contents, generation);
    }
    if !rel.is_empty()
        && !rel.ends_with('/')
        && site.files.contains_key(&format!("{rel}/index.html"))
    {
        return Reply::moved(raw);
    }
    match site.files.get("404.html") {
        Some(contents) => file_reply(404, "404.html", contents, generation),
        None => Reply::text(404, "not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::Path;

    #[test]
    fn host_names_are_compared_whole_and_case_aside() {
        let allowed = allowed_hosts(8080);
        let host = |value: &str| -> tiny_http::Header { format!("Host: {value}").parse().unwrap() };
        let accept = |values: &[&str]| {
            let headers: Vec<tiny_http::Header> = values.iter().map(|v| host(v)).collect();
            host_allowed(&headers, &allowed)
        };
        assert!(accept(&["127.0.0.1:8080"]));
        assert!(accept(&["LocalHost:8080"]));
        assert!(accept(&["[::1]:8080"]));
        assert!(!accept(&[]));
        assert!(!accept(&["localhost:8080", "localhost:8080"]));
        assert!(!accept(&["localhost"]));
        assert!(!accept(&["localhost:80800"]));
        assert!(!accept(&["localhost:08080"]));
        assert!(!accept(&["localhost.:8080"]));
        assert!(!accept(&["[::1]"]));
        assert!(!accept(&["::1:8080"]));
        assert!(!accept(&["user@localhost:8080"]));
    }

    /// Runs [`RELOAD_JS`] in Node.js against a stand-in for the page and a
    /// status with `errors`, and returns, per error shown, each line's
    /// class and text.
    fn overlay(errors: serde_json::Value) -> serde_json::Value {
        const PAGE: &str = r#"
            function el(tag) {
              return { tagName: tag, children: [], className: "", textContent: "",
                setAttribute() {}, addEventListener() {},
                appendChild(c) { this.children.push(c); c.parent = this; return c; },
                remove() { this.parent.children.splice(this.parent.children.indexOf(this), 1); } };
            }
            const body = el("body");
            globalThis.document = { querySelector: () => null, getElementById: () => null,
              createElement: el, head: el("head"), body };
            globalThis.window = { setInterval() {}, location: { reload() {} } };
            globalThis.fetch = () => Promise.resolve({ ok: true,
              json: () => Promise.resolve(JSON.parse(process.env.STATUS)) });
            (0, eval)(process.env.SCRIPT);
            setTimeout(() => {
              const box = body.children.find((c) => c.id === "register-serve-errors");
              const list = box.children.find((c) => c.tagName === "ul");
              console.log(JSON.stringify(list.children.map((li) =>
                li.children.map((c) => [c.className, c.textContent]))));
            }, 50);
        "#;
        let status = serde_json::json!({ "generation": 1, "errors": errors });
        let out = match std::process::Command::new("node")
            .args(["-e", PAGE])
            .env("STATUS", status.to_string())
            .env("SCRIPT", RELOAD_JS)
            .output()
        {
            Ok(out) => out,
            Err(e) if std::env::var("REGISTER_SKIP_BROWSER_TESTS").is_ok_and(|v| v == "1") => {
                eprintln!("overlay test skipped: node cannot run ({e})");
                return serde_json::Value::Null;
            }
            Err(e) => panic!("this test needs Node.js 20+ (`node`): {e}"),
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    #[test]
    fn the_overlay_shows_each_error_with_its_help_below() {
        let shown = overlay(serde_json::json!([
            { "at": "a.md:2:1: error: bad `…`", "help": "write `…` again" },
            { "at": "b.md:1:1: error: no fix known" },
        ]));
        if shown.is_null() {
            return;
        }
        assert_eq!(
            shown,
            serde_json::json!([
                [
                    ["", "a.md:2:1: error: bad `…`"],
                    ["register-serve-help", "help: write `…` again"]
                ],
                [["", "b.md:1:1: error: no fix known"]],
            ])
        );
    }

    #[test]
    fn inject_places_meta_and_script() {
        let out = inject(
            b"<html><head><title>x</title></head><body><p>a</p></BODY></html>",
            7,
        );
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            format!(
                "<html><head><title>x</title><meta name=\"register-generation\" content=\"7\"></head>\
                 <body><p>a</p>{RELOAD_SCRIPT_TAG}</BODY></html>"
            )
        );
        let bare = String::from_utf8(inject(b"<p>no body</p>", 1)).unwrap();
        assert_eq!(bare, format!("<p>no body</p>{RELOAD_SCRIPT_TAG}"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("register.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(
            content_type("feed.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(content_type("register.json"), "application/json");
        assert_eq!(content_type("register.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("requests/X/notes.PDF"), "application/pdf");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("blob"), "application/octet-stream");
    }

    #[test]
    fn percent_decoding_refuses_malformed_escapes() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/%2E%2e").as_deref(), Some("/.."));
        assert_eq!(percent_decode("/%2"), None);
        assert_eq!(percent_decode("/%+1"), None);
        assert_eq!(percent_decode("/%ff"), None);
        assert_eq!(percent_decode("/%é1"), None);
    }

    #[test]
    fn security_headers_match_netlify_toml() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("netlify.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        let doc: toml::Table = toml::from_str(&text).unwrap();
        let all = doc["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["for"].as_str() == Some("/*"))
            .unwrap();
        let expected: BTreeMap<&str, &str> = all["values"]
            .as_table()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        let ours: BTreeMap<&str, &str> = SECURITY_HEADERS.iter().copied().collect();
        assert_eq!(ours, expected);
    }
}
