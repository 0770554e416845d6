//! Rebuilding after a change: the new site is served from then on, or,
//! when the build failed, the last good one stays and the errors are
//! reported: whole on the terminal, redacted for the browser.

use super::{Shared, Site};
use crate::build::{self, BuildCache, BuildError, Rendered};
use crate::diagnostic::{self, Diagnostic, Format, Message, RedactedDiagnostic};
use crate::publish::FilterSummary;
use crate::render::OutputFile;
use std::path::Path;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// The fix of a failure whose details only the terminal shows.
const SEE_TERMINAL: &str =
    "the terminal running `register serve` says where and why; fix it and save";

/// Builds the site; on success it is served from now on, on failure the
/// last good build stays and the errors are reported.
///
/// A panic inside the build (a bug in the generator, never the keeper's
/// fault) is caught here: the cache it may have left half-made is thrown
/// away, the failure is reported like any other, and the watcher goes on,
/// so the next save rebuilds from scratch instead of nothing ever again.
pub(super) fn rebuild(shared: &Shared) {
    let started = Instant::now();
    let mut cache = shared.cache.lock().unwrap_or_else(|e| e.into_inner());
    let attempt =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match shared.withheld {
            true => preview_withheld(shared),
            false => build::render_site_cached(&shared.build, &mut cache),
        }));
    match attempt {
        Ok(Ok(rendered)) => built(shared, rendered, &cache, started),
        Ok(Err(error)) => failed(shared, error),
        Err(_) => {
            *cache = BuildCache::default();
            drop(cache);
            crashed(shared);
        }
    }
}

/// Reports a build that panicked: the last good site stays, the browser
/// learns that the generator itself failed (no detail: a panic message may
/// quote content), and the terminal asks for a bug report.
fn crashed(shared: &Shared) {
    let error = other_failure(
        &shared.build.content,
        "the generator failed unexpectedly while rebuilding (a bug in register, not in your content)",
    );
    shared.state().errors = vec![error.redacted()];
    if shared.log {
        eprintln!(
            "[{}] error: the rebuild stopped on an internal error (a bug in register, \
             reported above); the last good site is still served",
            clock()
        );
    }
}

/// The preview of everything, withheld material included, every page
/// marked (see `withheld`). Never cached: each rebuild renders it whole.
fn preview_withheld(shared: &Shared) -> Result<Rendered, BuildError> {
    let local = super::withheld::LocalOnly::new();
    let (mut rendered, banners) = build::render_withheld_preview(&shared.build, local)?;
    rendered.files = super::withheld::mark_pages(rendered.files, &banners);
    Ok(rendered)
}

/// Serves a successful build from now on, in place of the last one, and
/// clears the errors: open pages see the new generation and reload.
fn built(shared: &Shared, rendered: Rendered, cache: &BuildCache, started: Instant) {
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
        eprint!(
            "{}",
            diagnostic::format(&rendered.report.warnings, Format::Human)
        );
        if shared.withheld {
            let s = &rendered.report.summary;
            eprintln!(
                "[{} UTC] build {generation}: {count} files in {:.3} s; preview including \
                 withheld material: {} requests shown, {} withheld things marked",
                clock(),
                started.elapsed().as_secs_f64(),
                s.requests_published,
                s.requests_withheld,
            );
            return;
        }
        log_built(generation, count, started, cache, &rendered.report.summary);
    }
}

/// The terminal's line for a successful build: how many files, how long,
/// how much was rendered afresh, and what was published and withheld.
fn log_built(
    generation: u64,
    count: usize,
    started: Instant,
    cache: &BuildCache,
    s: &FilterSummary,
) {
    eprintln!(
        "[{} UTC] build {generation}: {} in {:.3} s ({} rendered afresh); {}",
        clock(),
        diagnostic::counted(count, "file"),
        started.elapsed().as_secs_f64(),
        diagnostic::counted(cache.requests_rendered(), "request"),
        s.published_and_withheld(),
    );
}

/// Keeps serving the last good build, if any, and hands the errors to
/// the browser (redacted) and the terminal (whole).
fn failed(shared: &Shared, error: BuildError) {
    let (errors, report) = failure(&shared.build.content, error);
    let count = errors.len();
    let had_site = {
        let mut state = shared.state();
        state.errors = errors;
        state.site.is_some()
    };
    if shared.log {
        eprint!("{report}");
        log_failed(count, had_site);
    }
}

/// The terminal's line for a failed build: how many errors, and whether
/// the browser still has a site to show.
fn log_failed(count: usize, had_site: bool) {
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

/// `HH:MM:SS` UTC, for the log.
fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
