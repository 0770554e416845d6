//! Seeing a change: the watched folders are polled, every file's stamp
//! compared with the last look, and the site rebuilt when one differs.
//! Polling rather than the system's notifications: it works the same on
//! every system and file system, and a few hundred milliseconds is quick
//! enough for someone saving a file.

use super::Shared;
use super::rebuild::rebuild;
use crate::build;
use crate::source::folder::Stamp;
use crate::source::theme;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often the watched folders are scanned.
const POLL: Duration = Duration::from_millis(300);

/// How often, while waiting for the next scan, the watcher looks whether
/// it is asked to stop.
const STOP_CHECK: Duration = Duration::from_millis(50);

/// The wait after a change is seen, to let an editor finish writing
/// before reading what it wrote.
const SETTLE: Duration = Duration::from_millis(60);

/// Every watched file with the metadata that changes when its content may
/// have (see [`Stamp`]): size, modification and status-change times,
/// inode and mode. The modification time alone misses an edit that keeps
/// the size and sets the time back (`touch -d`, an editor or a tool that
/// restores times); the status-change time cannot be set back, and a file
/// replaced by renaming has a new inode.
type Snapshot = BTreeMap<PathBuf, Stamp>;

/// Every file under `roots` (not hidden, links not followed) and its
/// stamp. A root that does not exist yet has no files: when it is made,
/// its files are a change.
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

/// The folders a build reads: the content folder, and the folders beside
/// it that the theme comes from ([`theme::folders`]).
fn watched_folders(content: &Path) -> Vec<PathBuf> {
    let mut folders = vec![content.to_path_buf()];
    folders.extend(theme::folders(&build::site_root(content)));
    folders
}

/// The watcher of one server: what it watches, and what it saw last.
pub(super) struct Watcher {
    folders: Vec<PathBuf>,
    last: Snapshot,
}

impl Watcher {
    /// Looks at the folders of the site whose content folder is `content`
    /// now: a change made after this is seen.
    pub(super) fn new(content: &Path) -> Watcher {
        let folders = watched_folders(content);
        let last = snapshot(&folders);
        Watcher { folders, last }
    }

    /// Rebuilds after each change, until `stop` is set.
    pub(super) fn run(mut self, shared: &Shared, stop: &AtomicBool) {
        while wait_for_next_scan(stop) {
            if snapshot(&self.folders) == self.last {
                continue;
            }
            std::thread::sleep(SETTLE);
            self.last = snapshot(&self.folders);
            rebuild(shared);
        }
    }
}

/// Waits [`POLL`], looking at `stop` as it goes: true when the time is
/// up, false as soon as the watcher is asked to stop.
fn wait_for_next_scan(stop: &AtomicBool) -> bool {
    if stop.load(Ordering::Relaxed) {
        return false;
    }
    let started = Instant::now();
    while started.elapsed() < POLL {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        std::thread::sleep(STOP_CHECK);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
