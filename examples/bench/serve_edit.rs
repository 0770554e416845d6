//! The preview server's rebuild after a one-file edit, timed in process
//! with the same function `register serve` calls on every change
//! (`build::render_site_cached`), so neither the HTTP server nor the
//! polling interval is in the figure. Each edit follows a pause of 1.5 s,
//! as edits do, and the allocator is set up as `register serve` sets it.

use super::median;
use register::build::{self, BuildCache, BuildOptions};
use register::model::date::Date;
use std::path::Path;
use std::time::{Duration, Instant};

/// The pause before each edit.
const PAUSE: Duration = Duration::from_millis(1500);

/// mimalloc's `mi_option_purge_delay` (option 15): a copy of the one in
/// src/main.rs, where a test checks the number.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps the memory a rebuild frees for the next one, as `register serve`
/// does (see `keep_freed_memory` in src/main.rs): without it, each timed
/// rebuild would fault in and zero again what the last one gave back.
fn keep_freed_memory() {
    // SAFETY: sets one integer option of the allocator (this example's
    // global allocator is mimalloc); no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// `min–max` of the timings.
fn range(xs: &[f64]) -> String {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(0.0, f64::max);
    format!("{lo:.3}–{hi:.3}")
}

/// Builds once, then edits `runs` request files one at a time (a sentence
/// added to the body, then a new title, which every list shows) and times
/// each rebuild. Prints a Markdown table.
pub fn run(content: &Path, runs: usize) {
    keep_freed_memory();
    let options = BuildOptions {
        content: content.to_path_buf(),
        today: Date::parse("2026-11-25").expect("a date"),
        base_url: None,
    };
    // Files changed within the last two seconds are never trusted by the
    // cache (see check::TRUST_AFTER): let the new corpus settle first.
    std::thread::sleep(Duration::from_millis(2100));
    let mut cache = BuildCache::default();
    let t = Instant::now();
    let first = build::render_site_cached(&options, &mut cache).expect("the corpus builds");
    let cold = t.elapsed().as_secs_f64();
    let files = first.files.len();
    drop(first);
    let t = Instant::now();
    build::render_site_cached(&options, &mut cache).expect("the corpus builds");
    let unchanged = t.elapsed().as_secs_f64();
    let mut requests: Vec<_> = std::fs::read_dir(content.join("requests"))
        .expect("requests/")
        .flatten()
        .map(|e| e.path())
        .collect();
    requests.sort();
    let public: Vec<_> = requests
        .iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            text.contains("\"TLP:WHITE\"") && text.contains("draft = false")
        })
        .collect();
    let (mut body, mut title, mut rendered) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..runs {
        let path = public[(k * 997) % public.len()];
        let text = std::fs::read_to_string(path).expect("read a request");
        // An editor's pause, as between edits in `register serve`: the
        // rebuild starts from an idle process, not a warm loop.
        std::thread::sleep(PAUSE);
        std::fs::write(path, format!("{text}\nA sentence added by edit {k}.\n")).expect("edit");
        let t = Instant::now();
        build::render_site_cached(&options, &mut cache).expect("the edit builds");
        body.push(t.elapsed().as_secs_f64());
        rendered.push(cache.requests_rendered() as f64);
        let text = std::fs::read_to_string(path).expect("read a request");
        let retitled = text.replacen("title = \"", &format!("title = \"Retitled {k} "), 1);
        std::thread::sleep(PAUSE);
        std::fs::write(path, retitled).expect("edit");
        let t = Instant::now();
        build::render_site_cached(&options, &mut cache).expect("the edit builds");
        title.push(t.elapsed().as_secs_f64());
    }
    println!("corpus: {} ({files} files)", content.display());
    println!("| rebuild | seconds (median) | range |");
    println!("|---|---:|---:|");
    println!("| first build (nothing cached) | {cold:.3} | |");
    println!("| nothing changed | {unchanged:.3} | |");
    println!(
        "| one body edited (median of {runs}; {} requests re-rendered) | {:.3} | {} |",
        median(rendered),
        median(body.clone()),
        range(&body)
    );
    println!(
        "| one title edited (median of {runs}) | {:.3} | {} |",
        median(title.clone()),
        range(&title)
    );
}
