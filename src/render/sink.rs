//! Where the files of a site go as they are made, and the record of what
//! was made (every path, so that no file replaces another; the pages, for
//! the sitemap).

use crate::output::OutputError;
use rustc_hash::FxHashSet as HashSet;
use std::sync::Arc;

/// What goes into one output file: always bytes in memory. Nothing is
/// copied from a file when the site is written or served: an attachment's
/// bytes are the ones its check read, a theme's static file's the ones
/// read (and screened) with the theme, so what is published is what was
/// checked, whatever happens to the files meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// Bytes shared with what keeps them: an attachment's checked bytes, a
    /// static file's, or a page the preview server keeps between builds.
    Shared(Arc<[u8]>),
}

impl Contents {
    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Contents::Bytes(b) => b,
            Contents::Shared(b) => b,
        }
    }
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path in the site, `/`-separated, no leading slash.
    pub path: String,
    /// What it holds.
    pub contents: Contents,
}

/// Where rendered files go as soon as each is made: memory for the preview
/// server and tests, a staging folder for builds. Files arrive from many
/// threads in no particular order.
pub trait Sink: Sync {
    /// Takes one file of the site.
    fn put(&self, file: OutputFile) -> Result<(), OutputError>;
}

/// Keeps the site in memory.
#[derive(Debug, Default)]
pub struct MemorySink(std::sync::Mutex<Vec<OutputFile>>);

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), OutputError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    }
}

impl MemorySink {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// Drops every file: `register check` renders the whole site as a build
/// would, so that a template error is found before a release, and writes
/// nothing.
#[derive(Debug, Default)]
pub struct DiscardSink;

impl Sink for DiscardSink {
    fn put(&self, _file: OutputFile) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Passes files on to a sink, noting the HTML pages for the sitemap and
/// every path, so that no file replaces another.
pub(super) struct Recorder<'a> {
    sink: &'a dyn Sink,
    pages: std::sync::Mutex<Vec<String>>,
    paths: std::sync::Mutex<HashSet<String>>,
    count: std::sync::atomic::AtomicUsize,
}

/// The files made after the theme's static files: a static file may not
/// have their paths either.
/// (`register-manifest.json` is put by `build` beside the render.)
pub(super) const MADE_LAST: &[&str] = &["sitemap.xml", "robots.txt", "register-manifest.json"];

impl<'a> Recorder<'a> {
    /// A record of what goes to `sink`.
    pub(super) fn new(sink: &'a dyn Sink) -> Self {
        Recorder {
            sink,
            pages: Default::default(),
            paths: Default::default(),
            count: Default::default(),
        }
    }

    /// How many files were put.
    pub(super) fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The HTML pages put so far, sorted, taken out of the record.
    pub(super) fn take_pages(&self) -> Vec<String> {
        let mut pages = std::mem::take(&mut *lock(&self.pages));
        pages.sort();
        pages
    }

    /// True when a file was put at `path`.
    pub(super) fn has(&self, path: &str) -> bool {
        lock(&self.paths).contains(path)
    }

    /// Passes `file` on to the sink, noting it.
    pub(super) fn put(&self, file: OutputFile) -> Result<(), OutputError> {
        lock(&self.paths).insert(file.path.clone());
        if file.path.ends_with("index.html") {
            self.pages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(file.path.clone());
        }
        self.count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.sink.put(file)
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
