//! `register serve`: a local preview that rebuilds on change (section 8).
//!
//! The site is rendered in memory with [`build::render_site_cached`],
//! which re-reads only the files that changed and re-renders only the pages
//! an edit affects, and served on 127.0.0.1 with the headers the published
//! site gets (netlify.toml). A background thread polls every file of the
//! content folder, the site's `templates/` and `themes/` (size, times,
//! inode and mode), and rebuilds when one changes. Every HTML page gets a
//! small script, served as a file
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
//!
//! One job per file: `http` answers requests, `watch` sees changes,
//! `rebuild` builds and tells the terminal and the browser how it went,
//! and `assets/` holds the script and style the pages load; this file
//! starts and stops them, around the `State` they share.
//!
//! [`Diagnostic::redacted`]: crate::diagnostic::Diagnostic::redacted

mod http;
mod rebuild;
#[cfg(test)]
mod tests;
mod watch;
mod withheld;

pub use withheld::LocalOnly;

use crate::build::{self, BuildOptions};
use crate::diagnostic::RedactedDiagnostic;
use crate::model::date::Date;
use crate::render::Contents;
use std::collections::HashMap;
use std::fmt;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Threads answering requests: a page asks for its stylesheet, scripts
/// and images at once, and the status poll of every open tab must not
/// wait behind them.
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
    /// Show withheld records, decisions, passages and attachments too,
    /// each with a banner, every page `noindex` (`serve --withheld`).
    pub withheld: bool,
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

/// One built site, path to contents: every file is served from here, as
/// the build that checked it made it, never read again from disk.
struct Site {
    /// A file's path in the site (`requests/X/index.html`) to its bytes.
    files: HashMap<String, Contents>,
}

/// What the request threads and the watcher share.
#[derive(Clone)]
struct State {
    /// The last good build, if any.
    site: Option<Arc<Site>>,
    /// Bumped by each successful build; 0 before the first.
    generation: u64,
    /// Errors of the last build when it failed, as a browser may see
    /// them; empty when it succeeded.
    errors: Vec<RedactedDiagnostic>,
}

/// Everything the threads of one server hold in common: the state they
/// serve and what the builder needs to build again.
struct Shared {
    /// What is served, replaced by each build.
    state: Mutex<State>,
    /// What the last build kept for the next; only the builder touches it.
    cache: Mutex<build::BuildCache>,
    /// What each build is asked to do: always the same.
    build: BuildOptions,
    /// The `Host` headers answered: see [`http::allowed_hosts`].
    hosts: [String; 3],
    /// Whether each build is reported on stderr (off in tests).
    log: bool,
    /// Whether withheld material is shown too (`--withheld`).
    withheld: bool,
}

impl Shared {
    /// Nothing built yet, for a server listening on `addr`.
    fn new(options: &Options, addr: SocketAddr) -> Shared {
        Shared {
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
            hosts: http::allowed_hosts(addr.port()),
            log: options.log,
            withheld: options.withheld,
        }
    }

    /// The state, even after a thread panicked holding it: what it holds
    /// is replaced whole by each build, so it is never half written.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running preview server.
pub struct Server {
    /// Where it listens: 127.0.0.1 and the port asked for (or picked).
    addr: SocketAddr,
    /// Set to ask every thread to stop.
    stop: Arc<AtomicBool>,
    /// The request threads and the watcher, joined on stopping.
    threads: Vec<JoinHandle<()>>,
    /// The listener, until stopped: dropping the last reference closes it.
    http: Option<Arc<tiny_http::Server>>,
}

impl Server {
    /// Binds 127.0.0.1:`port`, builds the site once and starts serving and
    /// watching in background threads.
    pub fn start(options: Options) -> Result<Server, StartError> {
        content_folder_exists(&options.content)?;
        let listener = listen(options.port)?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Io(format!("cannot listen: {e}")))?;
        let shared = Arc::new(Shared::new(&options, addr));
        // Looks before the first build, so no change made during it is missed.
        let watcher = watch::Watcher::new(&options.content);
        rebuild::rebuild(&shared);
        let http = Arc::new(
            tiny_http::Server::from_listener(listener, None)
                .map_err(|e| StartError::Io(format!("cannot serve: {e}")))?,
        );
        let stop = Arc::new(AtomicBool::new(false));
        let threads = spawn_threads(&http, &shared, &stop, watcher);
        Ok(Server {
            addr,
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

    /// Stops the threads, then waits (up to 2 s) until the port is free,
    /// so that a server started next on it does not find it busy.
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
    /// A server dropped without [`Server::stop`] stops all the same: no
    /// thread is left answering on the port.
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Refuses to start without a content folder: a keeper who ran the
/// command in the wrong folder is told so, not shown an empty site.
fn content_folder_exists(content: &Path) -> Result<(), StartError> {
    if content.is_dir() {
        return Ok(());
    }
    Err(StartError::Io(format!(
        "content folder `{}` not found: run in the site's folder or pass --content DIR",
        content.display()
    )))
}

/// Binds 127.0.0.1:`port` (never another address: the preview is for
/// this machine only), telling a busy port from other failures.
fn listen(port: u16) -> Result<TcpListener, StartError> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        if e.kind() == ErrorKind::AddrInUse {
            StartError::PortBusy(port)
        } else {
            StartError::Io(format!("cannot listen on 127.0.0.1:{port}: {e}"))
        }
    })
}

/// Starts the [`WORKERS`] request threads, then the watcher; each runs
/// until `stop` is set.
fn spawn_threads(
    http: &Arc<tiny_http::Server>,
    shared: &Arc<Shared>,
    stop: &Arc<AtomicBool>,
    watcher: watch::Watcher,
) -> Vec<JoinHandle<()>> {
    let mut threads = Vec::with_capacity(WORKERS + 1);
    for _ in 0..WORKERS {
        let (http, shared, stop) = (Arc::clone(http), Arc::clone(shared), Arc::clone(stop));
        threads.push(std::thread::spawn(move || {
            http::answer_until_stopped(&http, &shared, &stop)
        }));
    }
    let (shared, stop) = (Arc::clone(shared), Arc::clone(stop));
    threads.push(std::thread::spawn(move || watcher.run(&shared, &stop)));
    threads
}
