//! `register serve`: a local preview that rebuilds on change (section 8).
//!
//! The site is rendered in memory with [`build::render_site_cached`],
//! which re-reads only the files that changed and re-renders only the pages
//! an edit affects, and served on 127.0.0.1 with the headers the published
//! site gets (netlify.toml). A background thread polls the modification
//! times of every file of the content folder, the site's `templates/` and
//! `themes/`, and rebuilds when one changes. Every HTML page gets a small script, served as a file
//! because the Content-Security-Policy forbids inline scripts, that polls
//! `/__register/status`: it reloads the page when a rebuild succeeded, and
//! shows the errors over the page when one failed (the last good build
//! stays served).
//!
//! The preview talks only to this machine. The socket is bound to
//! 127.0.0.1, and every request must name it in its `Host` header: a page
//! elsewhere can point its own host name at 127.0.0.1 (DNS rebinding) and
//! read whatever the browser fetches from there, but its requests carry
//! its own name, and get 421 and nothing else. What a browser is told
//! about a failed build comes from [`Diagnostic::redacted`] only: where
//! each problem is and how to fix it, never a value quoted from the
//! content. The terminal gets the whole report.

use crate::build::{self, BuildError, BuildOptions};
use crate::diagnostic::{self, Diagnostic, Format, Message, RedactedDiagnostic};
use crate::model::date::Date;
use crate::render::{Contents, OutputFile};
use crate::source::folder::Stamp;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// The tag added before `</body>` of every HTML response.
pub const RELOAD_SCRIPT_TAG: &str = r#"<script src="/__register/reload.js" defer></script>"#;

/// The headers every response gets: the same as the published site's
/// (netlify.toml, `for = "/*"`), plus no caching.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
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

const RELOAD_JS: &str = r#"// register serve: reloads the page after a rebuild, shows failed rebuilds.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="register-generation"]');
  var seen = meta ? Number(meta.getAttribute("content")) : null;
  var box = null;
  var shownKey = "";
  var hiddenKey = null;

  function addStyle() {
    if (document.getElementById("register-serve-style")) return;
    var link = document.createElement("link");
    link.id = "register-serve-style";
    link.rel = "stylesheet";
    link.href = "/__register/reload.css";
    (document.head || document.documentElement).appendChild(link);
  }

  function hide() {
    if (box) box.remove();
    box = null;
    shownKey = "";
  }

  // Each error is {at, help}: where it is and what is wrong, and how to
  // fix it, with every value quoted from the content already replaced by
  // the server (the page may be open on a shared screen).
  function show(errors) {
    var key = JSON.stringify(errors);
    if (key === hiddenKey || (box && key === shownKey)) return;
    hide();
    addStyle();
    box = document.createElement("section");
    box.id = "register-serve-errors";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "register-serve-errors-title");
    var h = document.createElement("h2");
    h.id = "register-serve-errors-title";
    h.textContent = "The last rebuild failed: " + errors.length +
      (errors.length === 1 ? " error" : " errors");
    var p = document.createElement("p");
    p.textContent = "This page is from the last good build. Fix the problems " +
      "and save: the page reloads by itself.";
    var list = document.createElement("ul");
    errors.forEach(function (e) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = String(e.at);
      item.appendChild(code);
      if (e.help) {
        var help = document.createElement("code");
        help.className = "register-serve-help";
        help.textContent = "help: " + e.help;
        item.appendChild(help);
      }
      list.appendChild(item);
    });
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Hide";
    button.addEventListener("click", function () {
      hiddenKey = key;
      hide();
    });
    box.appendChild(h);
    box.appendChild(p);
    box.appendChild(list);
    box.appendChild(button);
    document.body.appendChild(box);
    shownKey = key;
  }

  function poll() {
    fetch("/__register/status", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        if (seen === null) seen = s.generation;
        if (s.generation !== seen) {
          window.location.reload();
          return;
        }
        if (s.errors && s.errors.length) {
          show(s.errors);
        } else {
          hiddenKey = null;
          hide();
        }
      })
      .catch(function () { /* the server is stopped or restarting: try again */ });
  }

  poll();
  window.setInterval(poll, 1000);
})();
"#;

const RELOAD_CSS: &str = r#"/* register serve: the box that shows a failed rebuild. */
#register-serve-errors {
  position: fixed;
  left: 1rem;
  right: 1rem;
  bottom: 1rem;
  z-index: 2147483647;
  box-sizing: border-box;
  max-height: 50vh;
  overflow: auto;
  margin: 0;
  padding: 1rem 1.25rem;
  background: #ffffff;
  color: #1b1b1b;
  border: 3px solid #b3261e;
  border-radius: 6px;
  box-shadow: 0 4px 24px rgba(0, 0, 0, 0.35);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  text-align: left;
}
#register-serve-errors h2 {
  margin: 0 0 0.5rem;
  font-size: 1.125rem;
  color: #8c1d18;
}
#register-serve-errors p {
  margin: 0 0 0.5rem;
}
#register-serve-errors ul {
  margin: 0 0 0.75rem;
  padding-left: 1.25rem;
}
#register-serve-errors code {
  font: 0.9375rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  color: inherit;
  background: none;
}
#register-serve-errors .register-serve-help {
  display: block;
  padding-left: 1.5rem;
}
#register-serve-errors button {
  font: inherit;
  padding: 0.25rem 0.75rem;
  border: 2px solid #8c1d18;
  border-radius: 4px;
  background: #ffffff;
  color: #8c1d18;
  cursor: pointer;
}
#register-serve-errors button:focus-visible {
  outline: 3px solid #1a5fb4;
  outline-offset: 2px;
}
"#;

/// mimalloc's `mi_option_purge_delay`, as numbered in the `mimalloc.h` that
/// libmimalloc-sys bundles (the crate does not name it); a test checks it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc (the `register` binary's allocator) to keep the memory
/// a rebuild frees for the next one. Rebuilds come seconds apart, after an
/// edit; by default freed memory goes back to the system after a second
/// and is faulted in and zeroed again by the next rebuild, which cost
/// about a fifth of its time. Harmless when mimalloc is not the allocator.
pub fn keep_freed_memory() {
    // SAFETY: sets one integer option of the allocator, which reads it
    // whenever it considers purging; no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// How often the watched folders are scanned.
const POLL: Duration = Duration::from_millis(300);
/// Threads answering requests.
const WORKERS: usize = 4;

/// What `register serve` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The content folder.
    pub content: PathBuf,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The build date.
    pub today: Date,
    /// Print a line per rebuild (and its errors) on stderr.
    pub log: bool,
}

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// Another program listens on the port.
    PortBusy(u16),
    /// Anything else: no content folder, no socket.
    Io(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::PortBusy(port) => write!(
                f,
                "port {port} on 127.0.0.1 is busy (another `register serve`?): stop it or pass --port N"
            ),
            StartError::Io(e) => f.write_str(e),
        }
    }
}

/// One built site, path to contents.
struct Site {
    files: HashMap<String, Contents>,
}

/// What the request threads and the watcher share.
struct State {
    /// The last good build, if any.
    site: Option<Arc<Site>>,
    /// Bumped by each successful build; 0 before the first.
    generation: u64,
    /// Errors of the last build when it failed, as a browser may see
    /// them; empty when it succeeded.
    errors: Vec<RedactedDiagnostic>,
}

struct Shared {
    state: Mutex<State>,
    /// What the last build kept for the next; only the builder touches it.
    cache: Mutex<build::BuildCache>,
    build: BuildOptions,
    watched: Vec<PathBuf>,
    /// The `Host` headers answered: see [`allowed_hosts`].
    hosts: [String; 3],
    log: bool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running preview server.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    http: Option<Arc<tiny_http::Server>>,
}

impl Server {
    /// Binds 127.0.0.1:`port`, builds the site once and starts serving and
    /// watching in background threads.
    pub fn start(options: Options) -> Result<Server, StartError> {
        if !options.content.is_dir() {
            return Err(StartError::Io(format!(
                "content folder `{}` not found: run in the site's folder or pass --content DIR",
                options.content.display()
            )));
        }
        let listener = TcpListener::bind(("127.0.0.1", options.port)).map_err(|e| {
            if e.kind() == ErrorKind::AddrInUse {
                StartError::PortBusy(options.port)
            } else {
                StartError::Io(format!("cannot listen on 127.0.0.1:{}: {e}", options.port))
            }
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Io(format!("cannot listen: {e}")))?;
        let root = build::site_root(&options.content);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                site: None,
                generation: 0,
                errors: Vec::new(),
            }),
            cache: Mutex::new(build::BuildCache::default()),
            build: BuildOptions {
                content: options.content.clone(),
                today: options.today,
                // Links that use the base URL stay on the preview.
                base_url: Some(format!("http://{addr}")),
            },
            watched: vec![
                options.content.clone(),
                root.join("templates"),
                root.join("themes"),
            ],
            hosts: allowed_hosts(addr.port()),
            log: options.log,
        });
        // Taken before the first build, so no change made during it is missed.
        let before = snapshot(&shared.watched);
        rebuild(&shared);
        let http = Arc::new(
            tiny_http::Server::from_listener(listener, None)
                .map_err(|e| StartError::Io(format!("cannot serve: {e}")))?,
        );
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for _ in 0..WORKERS {
            let (http, shared, stop) = (Arc::clone(&http), Arc::clone(&shared), Arc::clone(&stop));
            threads.push(std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match http.recv_timeout(Duration::from_millis(100)) {
                        Ok(Some(request)) => answer(&shared, request),
                        Ok(None) => {}
                        Err(_) => std::thread::sleep(Duration::from_millis(50)),
                    }
                }
            }));
        }
        let (watch_shared, watch_stop) = (Arc::clone(&shared), Arc::clone(&stop));
        threads.push(std::thread::spawn(move || {
            watch(&watch_shared, &watch_stop, before)
        }));
        Ok(Server {
            addr,
            shared,
            stop,
            threads,
            http: Some(http),
        })
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's address, e.g. `http://127.0.0.1:1111/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The number of successful builds so far.
    pub fn generation(&self) -> u64 {
        self.shared.state().generation
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Stops serving and watching, and frees the port.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        // The last reference: dropping it tells tiny_http's accept thread to
        // close the listening socket, which it does a moment later.
        if self.http.take().is_some() {
            let started = Instant::now();
            while TcpListener::bind(self.addr).is_err()
                && started.elapsed() < Duration::from_secs(2)
            {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Every watched file with the metadata that changes when its content may
/// have (see [`Stamp`]): size, modification and status-change times,
/// inode and mode. The modification time alone misses an edit that keeps
/// the size and sets the time back (`touch -d`, an editor or a tool that
/// restores times); the status-change time cannot be set back, and a file
/// replaced by renaming has a new inode.
type Snapshot = BTreeMap<PathBuf, Stamp>;

fn snapshot(roots: &[PathBuf]) -> Snapshot {
    let mut files = Snapshot::new();
    for root in roots {
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker.flatten() {
            if entry.file_type().is_dir() {
                continue;
            }
            let stamp = entry.metadata().ok().as_ref().and_then(Stamp::of);
            files.insert(entry.into_path(), stamp.unwrap_or_default());
        }
    }
    files
}

fn watch(shared: &Shared, stop: &AtomicBool, mut last: Snapshot) {
    let step = Duration::from_millis(50);
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        while started.elapsed() < POLL {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(step);
        }
        if snapshot(&shared.watched) == last {
            continue;
        }
        // Let an editor finish writing before reading what it wrote.
        std::thread::sleep(Duration::from_millis(60));
        last = snapshot(&shared.watched);
        rebuild(shared);
    }
}

/// `HH:MM:SS` UTC, for the log.
fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Builds the site; on success it is served from now on, on failure the
/// last good build stays and the errors are reported.
fn rebuild(shared: &Shared) {
    let started = Instant::now();
    let mut cache = shared.cache.lock().unwrap_or_else(|e| e.into_inner());
    match build::render_site_cached(&shared.build, &mut cache) {
        Ok(rendered) => {
            let count = rendered.files.len();
            let files = rendered
                .files
                .into_iter()
                .map(|OutputFile { path, contents }| (path, contents))
                .collect();
            let generation = {
                let mut state = shared.state();
                state.site = Some(Arc::new(Site { files }));
                state.generation += 1;
                state.errors.clear();
                state.generation
            };
            if shared.log {
                eprint!("{}", diagnostic::format(&rendered.warnings, Format::Human));
                let s = rendered.summary;
                eprintln!(
                    "[{} UTC] build {generation}: {count} files in {:.3} s ({} requests rendered afresh); \
                     published {} requests and {} decisions, withheld {} requests and {} decisions",
                    clock(),
                    started.elapsed().as_secs_f64(),
                    cache.requests_rendered(),
                    s.requests_published,
                    s.decisions_published,
                    s.requests_withheld,
                    s.decisions_withheld,
                );
            }
        }
        Err(e) => {
            let (errors, report) = failure(&shared.build.content, e);
            let count = errors.len();
            let had_site = {
                let mut state = shared.state();
                state.errors = errors;
                state.site.is_some()
            };
            if shared.log {
                eprint!("{report}");
                eprintln!(
                    "[{} UTC] build failed: {count} {}; {}",
                    clock(),
                    if count == 1 { "error" } else { "errors" },
                    if had_site {
                        "still serving the last good build"
                    } else {
                        "no site to serve until the errors are fixed"
                    }
                );
            }
        }
    }
}

/// The fix of a failure whose details only the terminal shows.
const SEE_TERMINAL: &str =
    "the terminal running `register serve` says where and why; fix it and save";

/// A failed build as the keeper's terminal gets it (the whole report) and
/// as a browser may get it: its errors, each through
/// [`Diagnostic::redacted`], so no value quoted from the content leaves
/// the terminal.
fn failure(content: &Path, error: BuildError) -> (Vec<RedactedDiagnostic>, String) {
    let (diagnostics, report) = match error {
        BuildError::Content(diagnostics) => {
            let report = diagnostic::format(&diagnostics, Format::Human);
            (diagnostics, report)
        }
        BuildError::Theme(_) => (
            vec![other_failure(
                "templates",
                "the theme or one of its templates could not be used",
            )],
            format!("error: {error}\n"),
        ),
        BuildError::Output(_) | BuildError::NoContent(_) => (
            vec![other_failure(
                content,
                "the content folder could not be read",
            )],
            format!("error: {error}\n"),
        ),
    };
    let mut errors: Vec<RedactedDiagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(Diagnostic::redacted)
        .collect();
    if errors.is_empty() {
        errors.push(other_failure(content, "the build failed").redacted());
    }
    (errors, report)
}

/// A failure that is not a problem in one record (a theme that does not
/// load or render, a folder that cannot be read), in the generator's own
/// words only: the underlying message is Tera's or the system's, free text
/// that may quote a page's values or a record's path, so it stays on the
/// terminal.
fn other_failure(file: impl AsRef<Path>, what: &str) -> Diagnostic {
    Diagnostic::file_error(file.as_ref(), Message::new(what)).with_help(SEE_TERMINAL)
}

/// A response before it is sent.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

impl Reply {
    fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
            location: None,
        }
    }
}

/// The `Host` headers a request may carry: this server's address as a
/// browser on this machine writes it. Any other name is a page elsewhere
/// that pointed its own host name at 127.0.0.1 (DNS rebinding), and an
/// address without the port may be another server's.
fn allowed_hosts(port: u16) -> [String; 3] {
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

fn answer(shared: &Shared, request: tiny_http::Request) {
    let method = request.method().clone();
    let reply = if host_allowed(request.headers(), &shared.hosts) {
        respond(shared, &method, request.url())
    } else {
        misdirected(&shared.hosts)
    };
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers: Vec<(&str, &str)> = vec![
        ("Content-Type", reply.content_type),
        ("Cache-Control", "no-store"),
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
    // The client may have gone away: nothing to do about it.
    let _ = request.respond(response);
}

/// Decodes `%XX` escapes; `None` when they are malformed or not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::render::markdown::html_escape_into(s, &mut out);
    out
}

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

fn respond(shared: &Shared, method: &tiny_http::Method, url: &str) -> Reply {
    if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
        return Reply::text(405, "only GET and HEAD are served\n");
    }
    let raw = url.split(['?', '#']).next().unwrap_or("");
    let Some(path) = percent_decode(raw) else {
        return Reply::text(400, "bad request: malformed path\n");
    };
    if !path.starts_with('/') || path.contains("..") || path.contains(['\\', '\0']) {
        return Reply::text(400, "bad request: path not allowed\n");
    }
    let (site, generation, errors) = {
        let state = shared.state();
        (state.site.clone(), state.generation, state.errors.clone())
    };
    match path.as_str() {
        "/__register/reload.js" => {
            return Reply {
                status: 200,
                content_type: "text/javascript; charset=utf-8",
                body: RELOAD_JS.as_bytes().to_vec(),
                location: None,
            };
        }
        "/__register/reload.css" => {
            return Reply {
                status: 200,
                content_type: "text/css; charset=utf-8",
                body: RELOAD_CSS.as_bytes().to_vec(),
                location: None,
            };
        }
        "/__register/status" => {
            let doc = serde_json::json!({ "generation": generation, "errors": errors });
            return Reply {
                status: 200,
                content_type: "application/json",
                body: doc.to_string().into_bytes(),
                location: None,
            };
        }
        _ => {}
    }
    let Some(site) = site else {
        return html_reply(503, no_site_page(&errors).as_bytes(), generation);
    };
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
        return Reply {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            body: format!("moved to {raw}/\n").into_bytes(),
            location: Some(format!("{raw}/")),
        };
    }
    match site.files.get("404.html") {
        Some(contents) => file_reply(404, "404.html", contents, generation),
        None => Reply::text(404, "not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::path::Path;

    const SITE_TOML: &str = "title = \"Test register\"\nbase_url = \"https://example.org\"\n";

    fn request(title: &str) -> String {
        format!(
            "+++\nid = \"SCMR-2026-001\"\ntype = \"sc-modification\"\ntitle = \"{title}\"\n\
             classification = \"TLP:WHITE\"\nsubmitted = 2026-01-05\nreasons = [\"lessons-learned\"]\n\n\
             [proposer]\norganisation = \"Example Meters Ltd\"\n\n\
             [[history]]\ndate = 2026-01-05\nstage = \"submitted\"\n+++\n\n## Issue\n\nSomething.\n"
        )
    }

    fn tiny_site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("requests")).unwrap();
        std::fs::write(content.join("site.toml"), SITE_TOML).unwrap();
        std::fs::write(
            content.join("requests/SCMR-2026-001.md"),
            request("First title"),
        )
        .unwrap();
        (dir, content)
    }

    struct Got {
        status: u16,
        head: String,
        body: String,
    }

    /// Sends `request` as it is and reads the whole answer.
    fn send(addr: SocketAddr, request: &str) -> Got {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Got {
            status,
            head: head.to_ascii_lowercase(),
            body: body.to_string(),
        }
    }

    /// A GET as a browser on this machine sends it.
    fn get(addr: SocketAddr, path: &str) -> Got {
        send(
            addr,
            &format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n"),
        )
    }

    /// The generation and each error's `at`.
    fn status(addr: SocketAddr) -> (u64, Vec<String>) {
        let v = status_json(addr);
        let errors = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["at"].as_str().unwrap().to_string())
            .collect();
        (v["generation"].as_u64().unwrap(), errors)
    }

    fn status_json(addr: SocketAddr) -> serde_json::Value {
        serde_json::from_str(&get(addr, "/__register/status").body).unwrap()
    }

    fn wait_for(
        addr: SocketAddr,
        what: &str,
        done: impl Fn(u64, &[String]) -> bool,
    ) -> (u64, Vec<String>) {
        let started = Instant::now();
        loop {
            let (generation, errors) = status(addr);
            if done(generation, &errors) {
                return (generation, errors);
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    #[test]
    fn serves_rebuilds_and_reports_errors() {
        let (_dir, content) = tiny_site();
        let server = Server::start(Options {
            content: content.clone(),
            port: 0,
            today: Date::parse("2026-03-01").unwrap(),
            log: false,
        })
        .unwrap();
        let addr = server.addr();

        let home = get(addr, "/");
        assert_eq!(home.status, 200, "{}", home.body);
        assert!(home.head.contains("content-type: text/html; charset=utf-8"));
        assert!(
            home.head
                .contains("content-security-policy: default-src 'self'")
        );
        assert!(home.head.contains("x-frame-options: deny"));
        assert!(home.body.contains(RELOAD_SCRIPT_TAG));
        let tag_at = home.body.find(RELOAD_SCRIPT_TAG).unwrap();
        assert!(home.body[tag_at..].to_ascii_lowercase().contains("</body>"));
        assert!(home.body.contains("First title"));
        assert_eq!(status(addr), (1, vec![]));

        let page = get(addr, "/requests/SCMR-2026-001/");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("First title"));
        let moved = get(addr, "/requests/SCMR-2026-001?x=1");
        assert_eq!(moved.status, 301);
        assert!(moved.head.contains("location: /requests/scmr-2026-001/"));

        let missing = get(addr, "/no/such/page.html");
        assert_eq!(missing.status, 404);
        assert!(missing.body.contains(RELOAD_SCRIPT_TAG));
        for bad in [
            "/../Cargo.toml",
            "/requests/%2e%2e/%2e%2e/x",
            "/%zz",
            "relative",
            "/a\\..\\b",
        ] {
            assert_eq!(get(addr, bad).status, 400, "{bad}");
        }
        let js = get(addr, "/__register/reload.js");
        assert_eq!(js.status, 200);
        assert!(js.head.contains("content-type: text/javascript"));
        assert!(js.body.contains("/__register/status"));
        let json = get(addr, "/register.json");
        assert_eq!(json.status, 200);
        assert!(json.head.contains("content-type: application/json"));

        // An edit is rebuilt and served.
        let record = content.join("requests/SCMR-2026-001.md");
        std::fs::write(&record, request("Second, longer title")).unwrap();
        let (generation, errors) = wait_for(addr, "a rebuild", |g, _| g >= 2);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(get(addr, "/").body.contains("Second, longer title"));

        // A broken edit: errors reported, the last good build still served.
        std::fs::write(&record, "+++\nid = \"SCMR-2026-001\"\ntitle = [\n+++\n").unwrap();
        let (after, errors) = wait_for(addr, "a failed rebuild", |_, e| !e.is_empty());
        assert_eq!(after, generation);
        assert!(
            errors.iter().any(|e| e.contains("SCMR-2026-001.md:")),
            "{errors:?}"
        );
        let home = get(addr, "/");
        assert_eq!(home.status, 200);
        assert!(home.body.contains("Second, longer title"));

        // Fixed again: a new generation and no errors.
        std::fs::write(&record, request("Third title, fixed")).unwrap();
        wait_for(addr, "a fixed rebuild", |g, e| {
            g > generation && e.is_empty()
        });
        assert!(get(addr, "/").body.contains("Third title, fixed"));

        // The port is taken while the server runs, and freed when it stops.
        let busy = Server::start(Options {
            content: content.clone(),
            port: addr.port(),
            today: Date::parse("2026-03-01").unwrap(),
            log: false,
        });
        assert!(matches!(busy, Err(StartError::PortBusy(p)) if p == addr.port()));
        server.stop();
        assert!(TcpListener::bind(addr).is_ok(), "the port is free again");
    }

    /// While an edit to an attachment fails its checks, the last good
    /// build is served from memory: its attachment's bytes as they were
    /// checked, never the file as it is now, nor what a link put in its
    /// place points at.
    #[cfg(unix)]
    #[test]
    fn an_attachment_failing_its_checks_is_never_served_from_disk() {
        let (_dir, content) = tiny_site();
        let folder = content.join("requests/SCMR-2026-002");
        std::fs::create_dir_all(&folder).unwrap();
        let record = request("With notes")
            .replace("SCMR-2026-001", "SCMR-2026-002")
            .replace(
                "[[history]]",
                "[[attachments]]\nfile = \"notes.txt\"\ntitle = \"Notes\"\n\
                 classification = \"TLP:CLEAR\"\n\n[[history]]",
            );
        std::fs::write(folder.join("index.md"), record).unwrap();
        let notes = folder.join("notes.txt");
        std::fs::write(&notes, "plain notes\n").unwrap();
        let withheld = content.join("requests/HID-2026-009.md");
        let hidden = request("Hidden").replace("SCMR-2026-001", "HID-2026-009");
        std::fs::write(&withheld, hidden.replace("TLP:WHITE", "TLP:AMBER")).unwrap();
        let server = Server::start(Options {
            content,
            port: 0,
            today: Date::parse("2026-03-01").unwrap(),
            log: false,
        })
        .unwrap();
        let addr = server.addr();
        let url = "/requests/SCMR-2026-002/notes.txt";
        assert_eq!(get(addr, url).body, "plain notes\n");
        std::fs::write(
            &notes,
            "plain\n<!-- TLP:RED -->\nRED SECRET\n<!-- /TLP -->\n",
        )
        .unwrap();
        wait_for(addr, "a failed rebuild", |_, e| !e.is_empty());
        let got = get(addr, url);
        assert_eq!((got.status, got.body.as_str()), (200, "plain notes\n"));
        std::fs::remove_file(&notes).unwrap();
        std::os::unix::fs::symlink(&withheld, &notes).unwrap();
        wait_for(addr, "a failed rebuild", |_, e| {
            e.iter().any(|e| e.contains("symbolic links"))
        });
        let got = get(addr, url);
        assert_eq!((got.status, got.body.as_str()), (200, "plain notes\n"));
        server.stop();
    }

    #[test]
    fn a_site_that_never_built_shows_its_errors() {
        let (_dir, content) = tiny_site();
        std::fs::write(
            content.join("requests/SCMR-2026-001.md"),
            "no front matter\n",
        )
        .unwrap();
        let server = Server::start(Options {
            content,
            port: 0,
            today: Date::parse("2026-03-01").unwrap(),
            log: false,
        })
        .unwrap();
        let (generation, errors) = status(server.addr());
        assert_eq!(generation, 0);
        assert!(!errors.is_empty());
        let home = get(server.addr(), "/");
        assert_eq!(home.status, 503);
        assert!(home.body.contains(RELOAD_SCRIPT_TAG));
        assert!(home.body.contains("SCMR-2026-001.md:"));
        server.stop();
    }

    fn start(content: PathBuf) -> Server {
        Server::start(Options {
            content,
            port: 0,
            today: Date::parse("2026-03-01").unwrap(),
            log: false,
        })
        .unwrap()
    }

    /// A site page, a request page, a redirect, a 404 and the server's own
    /// files: a request for another host gets none of them.
    const GUARDED: &[&str] = &[
        "/",
        "/requests/SCMR-2026-001/",
        "/requests/SCMR-2026-001",
        "/no/such/page.html",
        "/__register/status",
        "/__register/reload.js",
        "/__register/reload.css",
    ];

    /// `GET path` with these header lines (each ending `\r\n`).
    fn get_with(addr: SocketAddr, version: &str, path: &str, headers: &str) -> Got {
        send(
            addr,
            &format!("GET {path} HTTP/{version}\r\n{headers}Connection: close\r\n\r\n"),
        )
    }

    #[test]
    fn requests_for_any_other_host_get_421_and_nothing_of_the_site() {
        let (_dir, content) = tiny_site();
        let server = start(content);
        let addr = server.addr();
        let port = addr.port();
        let other = port.checked_add(1).unwrap_or(port - 1);
        let refusal = format!(
            "421 Misdirected Request: register serve answers only to \
             127.0.0.1:{port}, localhost:{port}, [::1]:{port}\n"
        );
        let foreign = [
            ("1.1", "Host: evil.example\r\n".to_string()),
            ("1.1", format!("Host: evil.example:{port}\r\n")),
            ("1.1", "Host: 127.0.0.1\r\n".to_string()),
            ("1.1", format!("Host: 127.0.0.1:{other}\r\n")),
            ("1.1", format!("Host: localhost.:{port}\r\n")),
            ("1.1", format!("Host: 127.0.0.1:{port}.evil.example\r\n")),
            ("1.0", String::new()),
            ("1.1", String::new()),
            (
                "1.1",
                format!("Host: 127.0.0.1:{port}\r\nHost: 127.0.0.1:{port}\r\n"),
            ),
            (
                "1.1",
                format!("Host: 127.0.0.1:{port}\r\nHost: evil.example\r\n"),
            ),
            (
                "1.0",
                format!("Host: evil.example\r\nHost: 127.0.0.1:{port}\r\n"),
            ),
        ];
        for (version, headers) in &foreign {
            for path in GUARDED {
                let got = get_with(addr, version, path, headers);
                let what = format!("GET {path} HTTP/{version} with {headers:?}");
                assert_eq!(got.status, 421, "{what}: {}", got.body);
                assert_eq!(got.body, refusal, "{what}");
                assert!(got.head.contains("content-type: text/plain"), "{what}");
                assert!(!got.head.contains("location:"), "{what}");
                for (name, value) in SECURITY_HEADERS {
                    let line = format!("{name}: {value}").to_ascii_lowercase();
                    assert!(got.head.contains(&line), "{what}: no {name}");
                }
            }
        }
        // Refused before the method is looked at.
        let post = send(
            addr,
            "POST / HTTP/1.0\r\nHost: evil.example\r\nContent-Length: 0\r\n\r\n",
        );
        assert_eq!(post.status, 421);

        for host in [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("LOCALHOST:{port}"),
            format!("[::1]:{port}"),
        ] {
            for (path, expected) in GUARDED.iter().zip([200, 200, 301, 404, 200, 200, 200]) {
                let got = get_with(addr, "1.1", path, &format!("Host: {host}\r\n"));
                assert_eq!(got.status, expected, "GET {path} for {host}: {}", got.body);
            }
            let home = get_with(addr, "1.0", "/", &format!("Host: {host}\r\n"));
            assert!(home.body.contains("First title"), "{host}");
        }
        server.stop();
    }

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

    /// A request whose errors quote its values, each a canary: the
    /// classification, a device, a related id and a passage label.
    const CANARY_REQUEST: &str = "+++\nid = \"SCMR-2026-001\"\ntype = \"sc-modification\"\n\
        title = \"First title\"\nclassification = \"CANARY-CLASS-7f3a\"\nsubmitted = 2026-01-05\n\
        reasons = [\"lessons-learned\"]\ndevices = [\"CANARYDEV\"]\nrelated = [\"CANARY-9-9\"]\n\n\
        [proposer]\norganisation = \"Example Meters Ltd\"\n\n\
        [[history]]\ndate = 2026-01-05\nstage = \"submitted\"\n+++\n\n## Issue\n\n\
        <!-- TLP:CANARYMARK -->\nSomething.\n<!-- /TLP -->\n";

    /// A request whose TOML has a key the format does not know: the
    /// parser's message quotes the key. (A value of the wrong type is no
    /// longer quoted, even on the terminal: it may be personal data.)
    const CANARY_TOML: &str = "+++\nid = \"SCMR-2026-002\"\ntype = \"sc-modification\"\n\
        title = \"Second\"\nclassification = \"TLP:WHITE\"\nsubmitted = 2026-01-05\nCANARY-TOML = 1\n\
        reasons = [\"lessons-learned\"]\n\n[proposer]\norganisation = \"Example Meters Ltd\"\n\n\
        [[history]]\ndate = 2026-01-05\nstage = \"submitted\"\n+++\n\n## Issue\n\nSomething.\n";

    #[test]
    fn a_browser_learns_where_each_error_is_and_its_fix_but_no_value_from_the_content() {
        let (_dir, content) = tiny_site();
        std::fs::write(content.join("requests/SCMR-2026-001.md"), CANARY_REQUEST).unwrap();
        std::fs::write(content.join("requests/SCMR-2026-002.md"), CANARY_TOML).unwrap();
        // The terminal's report quotes every canary, so their absence
        // below is the redaction's doing.
        let checked = crate::check::check(&content);
        let report = diagnostic::format(&checked.diagnostics, Format::Human);
        for canary in [
            "CANARY-CLASS-7f3a",
            "CANARYDEV",
            "CANARY-9-9",
            "CANARYMARK",
            "CANARY-TOML",
        ] {
            assert!(report.contains(canary), "{canary} not in:\n{report}");
        }
        let expected: Vec<&Diagnostic> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert_eq!(expected.len(), 5, "{report}");

        let server = start(content);
        let addr = server.addr();
        let status = get(addr, "/__register/status");
        let page = get(addr, "/");
        assert_eq!(page.status, 503);
        for got in [&status, &page] {
            let all = format!("{}\n{}", got.head, got.body).to_ascii_lowercase();
            assert!(
                !all.contains("canary"),
                "a canary reached the browser:\n{all}"
            );
        }
        let doc: serde_json::Value = serde_json::from_str(&status.body).unwrap();
        let sent = doc["errors"].as_array().unwrap();
        assert_eq!(sent.len(), expected.len(), "{}", status.body);
        for d in expected {
            let place = format!("{}:{}:{}: error: ", d.file.display(), d.line, d.column);
            let help = d
                .help
                .as_ref()
                .expect("every canary error has a fix")
                .redacted();
            let error = sent
                .iter()
                .find(|e| e["at"].as_str().unwrap().starts_with(&place))
                .unwrap_or_else(|| panic!("no {place} in {}", status.body));
            assert_eq!(error["help"].as_str(), Some(help.as_str()), "{place}");
            assert!(page.body.contains(&html_escape(&place)), "{place}");
            let help_line = format!("<code>help: {}</code>", html_escape(&help));
            assert!(page.body.contains(&help_line), "{help_line}");
        }
        server.stop();
    }

    #[test]
    fn theme_and_folder_failures_reach_the_browser_in_the_generators_words_only() {
        let tera = "rendering requests/CANARY-1/index.html with request.html: \
                    Value `CANARY-VALUE` is out of range for `u8`";
        let theme = BuildError::Theme(crate::source::theme::ThemeError::new(tera));
        let output = BuildError::Output(crate::output::OutputError::new(tera));
        for error in [theme, output] {
            let (errors, report) = failure(Path::new("content"), error);
            assert!(report.contains("CANARY-VALUE"), "the terminal gets it all");
            assert_eq!(errors.len(), 1);
            let sent = serde_json::to_string(&errors).unwrap();
            assert!(!sent.contains("CANARY"), "{sent}");
            assert_eq!(errors[0].help.as_deref(), Some(SEE_TERMINAL));
        }
        let (errors, _) = failure(Path::new("content"), BuildError::Content(vec![]));
        assert_eq!(errors[0].at, "content:1:1: error: the build failed");
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
    fn the_purge_delay_option_is_numbered_as_mimalloc_numbers_it() {
        // SAFETY: reads integer options of the allocator.
        let (delay, before) = unsafe {
            (
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY - 1),
            )
        };
        // The purge delay's default is 1000 (ms) in the bundled options.c;
        // the option before it defaults to another value.
        assert_eq!(delay, 1000);
        assert_ne!(before, 1000);
    }

    /// An edit that keeps the size and sets the modification time back is
    /// still seen: the status-change time moved.
    #[test]
    fn the_watcher_sees_an_edit_that_keeps_size_and_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("PUB-1.md");
        std::fs::write(&file, "classification = \"TLP:WHITE\"\n").unwrap();
        let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
        let before = snapshot(&[dir.path().to_path_buf()]);
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&file, "classification = \"TLP:AMBER\"\n").unwrap();
        let f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
        f.set_modified(modified).unwrap();
        drop(f);
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            modified
        );
        assert_ne!(snapshot(&[dir.path().to_path_buf()]), before);
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
