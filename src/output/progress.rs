//! A progress bar for builds that take more than a moment.
//!
//! Drawn on standard error only when it is a terminal, and only once the
//! build has run for [`DELAY`], so quick builds, CI logs and pipes see
//! nothing but the one-line summary.

use crate::render::{OutputFile, Sink};
use std::io::{IsTerminal as _, Write as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a build runs before the bar appears.
pub const DELAY: Duration = Duration::from_millis(400);

struct Shared {
    done: AtomicUsize,
    finished: AtomicBool,
}

/// Counts files as they are written and draws the bar.
pub struct Progress {
    shared: Arc<Shared>,
    drawer: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts counting towards `total` files; draws only on a terminal.
    pub fn start(total: usize) -> Progress {
        let shared = Arc::new(Shared {
            done: AtomicUsize::new(0),
            finished: AtomicBool::new(false),
        });
        let drawer = std::io::stderr().is_terminal().then(|| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || draw(&shared, total))
        });
        Progress { shared, drawer }
    }

    /// Wraps `sink` so each file it takes is counted.
    pub fn counting<'a>(&'a self, sink: &'a dyn Sink) -> Counting<'a> {
        Counting {
            sink,
            done: &self.shared.done,
        }
    }

    /// Stops drawing and clears the bar.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.finished.store(true, Ordering::Relaxed);
        if let Some(handle) = self.drawer.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A sink that counts what passes through it.
pub struct Counting<'a> {
    sink: &'a dyn Sink,
    done: &'a AtomicUsize,
}

impl Sink for Counting<'_> {
    fn put(&self, file: OutputFile) -> Result<(), crate::output::OutputError> {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.sink.put(file)
    }
}

fn draw(shared: &Shared, total: usize) {
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while waited < DELAY {
        if shared.finished.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(step);
        waited += step;
    }
    let mut stderr = std::io::stderr();
    while !shared.finished.load(Ordering::Relaxed) {
        let done = shared.done.load(Ordering::Relaxed).min(total.max(1));
        let width = 30;
        let filled = done * width / total.max(1);
        let _ = write!(
            stderr,
            "\r  writing [{}{}] {done}/{total} files",
            "=".repeat(filled),
            " ".repeat(width - filled)
        );
        let _ = stderr.flush();
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = write!(stderr, "\r{}\r", " ".repeat(60));
    let _ = stderr.flush();
}
