//! Times `check::check_cached` on a content folder, as `register serve`
//! uses it: cold (empty cache), warm with nothing changed, then warm after
//! appending a line to one request, RUNS times. Prints wall and CPU time
//! (user + system, all threads): on a shared machine the CPU time says
//! more about the code than the wall time. Edits the folder: run it on a
//! copy.
//!
//!     cp -a BENCH/corpus-10000 /dev/shm/copy
//!     cargo run --release --example check_cache -- /dev/shm/copy [RUNS]

use register::check::{CheckCache, check_cached};
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// As in the `register` binary, whose speed this measures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Seconds of CPU used by this process so far, all threads.
fn cpu_seconds() -> f64 {
    // SAFETY: rusage is plain data, zero-initialised, filled by getrusage.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to our own rusage.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    s(usage.ru_utime) + s(usage.ru_stime)
}

/// Runs `f`, returning its result and (wall, CPU) milliseconds.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    let out = f();
    let ms = |s: f64| s * 1e3;
    (
        out,
        ms(wall.elapsed().as_secs_f64()),
        ms(cpu_seconds() - cpu),
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let content = PathBuf::from(args.next().expect("usage: check_cache CONTENT [RUNS]"));
    let runs: usize = args
        .next()
        .map_or(10, |n| n.parse().expect("RUNS is a number"));
    let mut cache = CheckCache::default();
    let (cold, wall, cpu) = timed(|| check_cached(&content, &mut cache));
    println!(
        "cold: {wall:.1} ms wall, {cpu:.1} ms CPU ({} files, {} diagnostics)",
        cold.files_read,
        cold.diagnostics.len()
    );
    let (_, wall, cpu) = timed(|| check_cached(&content, &mut cache));
    println!(
        "warm, nothing changed: {wall:.1} ms wall, {cpu:.1} ms CPU ({} files read again)",
        cache.files_reread()
    );
    let edited = cold.register.requests[cold.register.requests.len() / 2]
        .origin
        .path
        .clone();
    drop(cold);
    let mut walls = Vec::new();
    for run in 1..=runs {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&edited)
            .expect("open a request to edit");
        writeln!(f, "\nEdited, run {run}.").expect("append");
        drop(f);
        let (warm, wall, cpu) = timed(|| check_cached(&content, &mut cache));
        println!(
            "warm, one request edited: {wall:.1} ms wall, {cpu:.1} ms CPU ({} files read again, {} diagnostics)",
            cache.files_reread(),
            warm.diagnostics.len()
        );
        walls.push(wall);
    }
    walls.sort_by(f64::total_cmp);
    if let (Some(min), Some(median)) = (walls.first(), walls.get(walls.len() / 2)) {
        println!("warm, one request edited: min {min:.1} ms, median {median:.1} ms wall");
    }
}
