//! Build benchmark: generates synthetic registers of N requests and builds
//! them with the release binary, cold (into a new folder) and as a rebuild
//! (over the previous output), reporting wall time, pages per second and
//! peak memory (max RSS of the build process).
//!
//!     cargo build --release && cargo run --release --example bench -- [--sizes 1000,10000] [--dir DIR] [--runs N]
//!     cargo run --release --example bench -- --generate DIR N    # only write a corpus
//!     cargo run --release --example bench -- --serve N [--dir DIR] [--runs N]
//!         # `register serve`'s rebuild after one-file edits, on a fresh copy
//!
//! DIR defaults to /dev/shm/register-bench (tmpfs) when it exists.

// The same allocator as the `register` binary, for the in-process timings.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod corpus;
mod serve_edit;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Run {
    seconds: f64,
    max_rss_kib: i64,
    pages: usize,
}

fn build(bin: &Path, content: &Path, output: &Path) -> Run {
    let start = Instant::now();
    #[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its rusage
    let child = Command::new(bin)
        .args(["build", "--now", "2026-11-25", "--content"])
        .arg(content)
        .arg("--output")
        .arg(output)
        // The summary (stderr) and a rebuild's publication diff (stdout)
        // would break the table.
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the register binary");
    let mut status = 0;
    // SAFETY: rusage is plain data, zero-initialised, filled by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; status and usage are valid pointers.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "build failed"
    );
    let pages = walkdir_count(output);
    Run {
        seconds,
        max_rss_kib: usage.ru_maxrss,
        pages,
    }
}

fn walkdir_count(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                n += 1;
            }
        }
    }
    n
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn main() {
    let mut sizes = vec![1_000usize, 10_000, 100_000];
    let mut dir = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm/register-bench")
    } else {
        std::env::temp_dir().join("register-bench")
    };
    let mut runs = 3;
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--generate") {
        let (Some(dir), Some(n)) = (args.get(1), args.get(2)) else {
            panic!("usage: bench --generate DIR N");
        };
        let (r, d) =
            corpus::generate(Path::new(dir), n.parse().expect("a number")).expect("write corpus");
        println!("wrote {r} requests and {d} decisions to {dir}");
        return;
    }
    let mut serve = None;
    let mut i = 0;
    while i < args.len() {
        match (args[i].as_str(), args.get(i + 1)) {
            ("--sizes", Some(v)) => {
                sizes = v.split(',').map(|s| s.parse().expect("a number")).collect()
            }
            ("--dir", Some(v)) => dir = PathBuf::from(v),
            ("--runs", Some(v)) => runs = v.parse().expect("a number"),
            ("--serve", Some(v)) => serve = Some(v.parse::<usize>().expect("a number")),
            _ => panic!("usage: bench [--sizes 1000,10000] [--dir DIR] [--runs N] [--serve N]"),
        }
        i += 2;
    }
    if let Some(n) = serve {
        // A fresh corpus each time: the edits change it.
        let content = dir.join(format!("serve-{n}"));
        if content.exists() {
            std::fs::remove_dir_all(&content).expect("remove old corpus");
        }
        corpus::generate(&content, n).expect("write corpus");
        serve_edit::run(&content, runs.max(5));
        return;
    }
    let bin = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent()?.parent().map(|d| d.join("register")))
        .filter(|p| p.is_file())
        .expect("build the release binary first: cargo build --release");
    println!(
        "binary: {}\ncorpus and output under: {}\n",
        bin.display(),
        dir.display()
    );
    println!(
        "| requests | decisions | pages | cold build (s) | rebuild (s) | pages/s (cold) | peak RSS (MiB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for &n in &sizes {
        let content = dir.join(format!("corpus-{n}"));
        if content.exists() {
            std::fs::remove_dir_all(&content).expect("remove old corpus");
        }
        let (requests, decisions) = corpus::generate(&content, n).expect("write corpus");
        let output = dir.join(format!("public-{n}"));
        let (mut cold, mut warm, mut rss, mut pages) = (Vec::new(), Vec::new(), 0, 0);
        for _ in 0..runs {
            // Cold: no output and no spare folder left by an earlier build.
            let spare = dir.join(format!(".public-{n}.register-spare"));
            for old in [&output, &spare] {
                if old.exists() {
                    std::fs::remove_dir_all(old).expect("remove old output");
                }
            }
            let c = build(&bin, &content, &output);
            let w = build(&bin, &content, &output);
            cold.push(c.seconds);
            warm.push(w.seconds);
            rss = rss.max(c.max_rss_kib).max(w.max_rss_kib);
            pages = c.pages;
        }
        let (c, w) = (median(cold), median(warm));
        println!(
            "| {requests} | {decisions} | {pages} | {c:.3} | {w:.3} | {:.0} | {:.0} |",
            pages as f64 / c,
            rss as f64 / 1024.0
        );
    }
}
