//! The `register` command line: build, check, serve and new (section 8).

use clap::{Parser, Subcommand};

/// The build allocates many short-lived strings on several threads; glibc's
/// allocator spent a quarter of a large build's time on them (perf), and
/// mimalloc does the same work in a fraction of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Option 15 of mimalloc: `mi_option_purge_delay`, how long (in ms) freed
/// memory is kept before it goes back to the system; 1000 by default, -1
/// for never. libmimalloc-sys does not name it, so it is numbered here as
/// the `mimalloc.h` the crate bundles numbers it; a test checks it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc (this binary's allocator) to keep the memory a
/// rebuild of `register serve` frees for the next one. Rebuilds come
/// seconds apart, after an edit; by default freed memory goes back to the
/// system after a second and is faulted in and zeroed again by the next
/// rebuild, which cost about a fifth of its time. Here, not in `serve`,
/// because the allocator is chosen here.
fn keep_freed_memory() {
    // SAFETY: sets one integer option of the allocator, which reads it
    // whenever it considers purging; no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

use register::build::{self, Baseline, BuildError, BuildOptions};
use register::diagnostic::{self, Format};
use register::error::{EXIT_CONTENT, EXIT_USAGE_OR_IO};
use register::model::date::Date;
use register::render::manifest::{self, Manifest, PublicationDiff};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "register",
    version,
    about = "Publishes a public register of requests and their decisions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the public site from the content folder.
    Build {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Where to write the site.
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// The build date (YYYY-MM-DD); default SOURCE_DATE_EPOCH, else today.
        #[arg(long)]
        now: Option<String>,
        /// Overrides base_url from site.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// A previous build's output folder (or a folder holding a copy of
        /// the published site's register-manifest.json): list what this
        /// build makes public, stops publishing and changes. Default: the
        /// output folder, when a build wrote it.
        #[arg(long, value_name = "DIR")]
        since: Option<PathBuf>,
        /// How to print the publication diff (on standard output).
        #[arg(long, value_enum, default_value = "human")]
        format: DiffFormat,
    },
    /// Check the content and report every problem; writes nothing.
    Check {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// How to print problems.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Also list everything a build would withhold, and why: requests,
        /// decisions, passages, attachments and unlisted files.
        #[arg(long)]
        withheld: bool,
        /// The build date (YYYY-MM-DD) events are judged against; default
        /// SOURCE_DATE_EPOCH, else today.
        #[arg(long)]
        now: Option<String>,
        /// A previous build's output folder: also list what a build would
        /// make public, stop publishing and change. Default: `public`
        /// beside the content folder, when a build wrote it.
        #[arg(long, value_name = "DIR")]
        since: Option<PathBuf>,
    },
    /// Preview the site on 127.0.0.1; rebuilds and reloads on change.
    Serve {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// The port on 127.0.0.1.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The build date (YYYY-MM-DD); default SOURCE_DATE_EPOCH, else today.
        #[arg(long)]
        now: Option<String>,
        /// Also show what a build withholds (records, decisions, passages,
        /// attachments), each with a banner naming its classification;
        /// every page noindex. On this machine only: `build` has no such
        /// switch.
        #[arg(long)]
        withheld: bool,
    },
    /// Start a new register: a site root with a commented site.toml, empty
    /// requests/ and decisions/, .gitignore, netlify.toml and a CI workflow.
    Init {
        /// The site root to write (made if missing); its content/ must be
        /// empty or absent.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Write a new record, withheld (TLP:AMBER) until a keeper changes it.
    New {
        #[command(subcommand)]
        record: NewRecord,
    },
}

/// How `build` prints the publication diff.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// A heading and a line per change.
    Human,
    /// One JSON document: `since`, `becomes_public`, `stops_being_public`
    /// and `changed`, each a list of `{kind, request, what}`.
    Json,
}

/// What `register new` writes.
#[derive(Subcommand)]
enum NewRecord {
    /// A new SC Modification Request with the next free id.
    ScModification(NewRequest),
    /// A new Use Case for Guidance on Device Refurbishment with the next
    /// free id.
    RefurbishmentUseCase(NewRequest),
    /// The next decision on a request: interim, or final (with the
    /// Modification Report's headings).
    Decision {
        /// The request's id.
        request: String,
        /// Which decision.
        #[arg(value_enum)]
        kind: register::scaffold::decision::DecisionKind,
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// The decision date (YYYY-MM-DD); default SOURCE_DATE_EPOCH, else today.
        #[arg(long)]
        now: Option<String>,
    },
}

/// The arguments of a new request.
#[derive(clap::Args)]
struct NewRequest {
    /// The proposed title.
    title: String,
    /// The content folder.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The submission date and id year (YYYY-MM-DD); default SOURCE_DATE_EPOCH, else today.
    #[arg(long)]
    now: Option<String>,
}

/// The build date, or the exit code after saying why it is not one.
fn build_date_or_exit(now: Option<&str>) -> Result<Date, ExitCode> {
    build_date(now).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_USAGE_OR_IO)
    })
}

fn build_date(now: Option<&str>) -> Result<Date, String> {
    if let Some(now) = now {
        return Date::parse(now)
            .ok_or_else(|| format!("--now `{now}` is not a date: write YYYY-MM-DD"));
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .map(Date::from_unix_seconds)
            .map_err(|_| format!("SOURCE_DATE_EPOCH `{v}` is not a number of seconds")),
        _ => Ok(Date::today_utc()),
    }
}

/// A command whose output is piped into `head` or a closed pager stops
/// quietly, as a Unix tool does, instead of panicking on the write (Rust
/// ignores SIGPIPE, so `println!` would panic with exit 101). Not for
/// `serve`: a browser closing its connection must never stop the server.
fn stop_quietly_on_a_closed_pipe(command: &Command) {
    #[cfg(unix)]
    if !matches!(command, Command::Serve { .. }) {
        // SAFETY: called once, at the start of `main`, before any thread
        // exists; SIG_DFL is a valid disposition for SIGPIPE.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    stop_quietly_on_a_closed_pipe(&cli.command);
    match cli.command {
        Command::Build {
            content,
            output,
            now,
            base_url,
            since,
            format,
        } => build(content, output, now, base_url, (since, format)),
        Command::Check {
            content,
            format,
            withheld,
            now,
            since,
        } => check(content, format, withheld, now, since),
        Command::Serve {
            content,
            port,
            now,
            withheld,
        } => serve(content, port, now, withheld),
        Command::Init { dir } => init(&dir),
        Command::New { record } => new(record),
    }
}

fn serve(content: PathBuf, port: u16, now: Option<String>, withheld: bool) -> ExitCode {
    keep_freed_memory();
    let today = match build_date_or_exit(now.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let options = register::serve::Options {
        content,
        port,
        today,
        log: true,
        withheld,
    };
    match register::serve::Server::start(options) {
        Ok(server) => {
            if withheld {
                eprintln!(
                    "preview including withheld material: on this machine only, never publish it"
                );
            }
            eprintln!("serving {} (Ctrl-C to stop)", server.url());
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE_OR_IO)
        }
    }
}

fn new(record: NewRecord) -> ExitCode {
    use register::scaffold::{self, Kind};
    let (now, made) = match record {
        NewRecord::ScModification(r) => (r.now, (Kind::ScModification, r.title, r.content)),
        NewRecord::RefurbishmentUseCase(r) => {
            (r.now, (Kind::RefurbishmentUseCase, r.title, r.content))
        }
        NewRecord::Decision {
            request,
            kind,
            content,
            now,
        } => {
            let today = match build_date_or_exit(now.as_deref()) {
                Ok(d) => d,
                Err(code) => return code,
            };
            return wrote(scaffold::decision::create(&content, &request, kind, today));
        }
    };
    let today = match build_date_or_exit(now.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let (kind, title, content) = made;
    wrote(scaffold::create(&content, kind, &title, today))
}

/// Prints the path of a new file, or why it could not be written.
fn wrote(result: Result<PathBuf, register::scaffold::ScaffoldError>) -> ExitCode {
    match result {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE_OR_IO)
        }
    }
}

fn init(dir: &std::path::Path) -> ExitCode {
    match register::scaffold::site::init(dir) {
        Ok(done) => {
            for path in &done.written {
                println!("wrote {}", path.display());
            }
            for path in &done.kept {
                println!("kept  {} (it was there already)", path.display());
            }
            let cd = match dir == std::path::Path::new(".") {
                true => String::new(),
                false => format!("cd {} && ", dir.display()),
            };
            println!(
                "\nNext: edit content/site.toml (title, base_url, owner), then\n  \
                 {cd}register new sc-modification \"The proposed title\"\n  \
                 register serve    # preview on http://127.0.0.1:1111\n  \
                 register build    # the site, in public/"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE_OR_IO)
        }
    }
}

/// Prints the publication diff of a build, when there is one.
fn print_diff(diff: Option<&PublicationDiff>, format: DiffFormat) {
    let Some(diff) = diff else {
        return;
    };
    match format {
        DiffFormat::Human => emit(&diff.human()),
        DiffFormat::Json => {
            let mut json = serde_json::to_string_pretty(diff).unwrap_or_default();
            json.push('\n');
            emit(&json);
        }
    }
}

/// Writes a report to standard output. A reader that stops reading (`|
/// head`) is no error: the rest is not wanted, so the program just ends.
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing the report: {e}");
        std::process::exit(i32::from(EXIT_USAGE_OR_IO));
    }
}

/// The manifest to compare with: the one in `--since DIR` (which must
/// hold one), else the one in `fallback` when a build left one there.
fn baseline(since: Option<&Path>, fallback: &Path) -> Result<Option<Baseline>, ExitCode> {
    let (dir, required) = match since {
        Some(dir) => (dir, true),
        None => (fallback, false),
    };
    let named = dir.join(manifest::FILE).display().to_string();
    match Manifest::read(dir) {
        Ok(Some(found)) => Ok(Some((found, named))),
        Ok(None) if required => {
            eprintln!(
                "error: `{named}` not found: give --since the output folder of a previous build, \
                 or a folder holding a copy of the published site's /{}",
                manifest::FILE
            );
            Err(ExitCode::from(EXIT_USAGE_OR_IO))
        }
        Ok(None) => Ok(None),
        Err(e) if required => {
            eprintln!("error: {e}");
            Err(ExitCode::from(EXIT_USAGE_OR_IO))
        }
        Err(e) => {
            eprintln!("warning: {e}; no publication diff this time");
            Ok(None)
        }
    }
}

fn check(
    content: PathBuf,
    format: Format,
    list_withheld: bool,
    now: Option<String>,
    since: Option<PathBuf>,
) -> ExitCode {
    if !content.is_dir() {
        eprintln!(
            "error: content folder `{}` not found: pass --content DIR",
            content.display()
        );
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    let today = match build_date_or_exit(now.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let options = BuildOptions {
        content,
        today,
        base_url: None,
    };
    let fallback = build::site_root(&options.content).join("public");
    let baseline = match baseline(since.as_deref(), &fallback) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let checked = build::check_site(&options, baseline.as_ref());
    let withheld = if list_withheld {
        checked.withheld.as_slice()
    } else {
        &[]
    };
    report_check(&checked, format, list_withheld, withheld);
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    if let Some(failure) = &checked.failure {
        eprintln!("error: {failure}");
        return ExitCode::from(failure.exit_code());
    }
    if errors > 0 {
        ExitCode::from(EXIT_CONTENT)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints what `check` found in `format`, and the one-line count.
fn report_check(
    checked: &build::SiteCheck,
    format: Format,
    list_withheld: bool,
    withheld: &[register::check::withheld::Withheld],
) {
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    match format {
        Format::Json if list_withheld || checked.publication.is_some() => {
            let mut doc = serde_json::json!({
                "errors": errors,
                "warnings": checked.diagnostics.len() - errors,
                "diagnostics": checked.diagnostics,
            });
            if list_withheld {
                doc["withheld"] = serde_json::json!(withheld);
            }
            if let Some(diff) = &checked.publication {
                doc["publication"] = serde_json::json!(diff);
            }
            let mut json = serde_json::to_string_pretty(&doc).unwrap_or_default();
            json.push('\n');
            emit(&json);
        }
        Format::Github => {
            emit(&diagnostic::format(&checked.diagnostics, format));
            emit(&register::check::withheld::github(withheld));
        }
        _ => {
            emit(&diagnostic::format(&checked.diagnostics, format));
            emit(&register::check::withheld::human(withheld));
        }
    }
    if format != Format::Json
        && let Some(diff) = &checked.publication
    {
        emit(&diff.human());
    }
    if format == Format::Human {
        let listed = if list_withheld {
            let things = diagnostic::counted(withheld.len(), "thing");
            format!("; {things} withheld, listed above")
        } else {
            String::new()
        };
        eprintln!(
            "{} checked: {}, {}{listed}",
            diagnostic::counted(checked.files_read, "record file"),
            diagnostic::counted(errors, "error"),
            diagnostic::counted(checked.diagnostics.len() - errors, "warning")
        );
    }
}

fn build(
    content: PathBuf,
    output: PathBuf,
    now: Option<String>,
    base_url: Option<String>,
    (since, format): (Option<PathBuf>, DiffFormat),
) -> ExitCode {
    let today = match build_date_or_exit(now.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    if let Some(problem) = base_url
        .as_deref()
        .and_then(register::source::site::base_url_problem)
    {
        eprintln!("error: --base-url {problem}");
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    let options = BuildOptions {
        content,
        today,
        base_url,
    };
    let baseline = match baseline(since.as_deref(), &output) {
        Ok(b) => b,
        Err(code) => return code,
    };
    match build::build_site_since(&options, &output, baseline.as_ref()) {
        Ok(report) => {
            report_built(&report, &output, today, format);
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(diagnostics)) => {
            eprint!("{}", diagnostic::format(&diagnostics, Format::Human));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "error: {errors} content errors; `{}` was left as it was",
                output.display()
            );
            ExitCode::from(EXIT_CONTENT)
        }
        Err(e) => {
            eprintln!("error: {e}\n`{}` was left as it was", output.display());
            ExitCode::from(e.exit_code())
        }
    }
}

/// Prints a successful build's publication diff (standard output), its
/// warnings and its one-line summary (standard error).
fn report_built(report: &build::Report, output: &Path, today: Date, format: DiffFormat) {
    print_diff(report.publication.as_ref(), format);
    eprint!("{}", diagnostic::format(&report.warnings, Format::Human));
    let s = report.summary;
    eprintln!(
        "built {} on {today}: {} read; {}; {} written in {:.2} s",
        output.display(),
        diagnostic::counted(report.files_read, "record file"),
        s.published_and_withheld(),
        diagnostic::counted(report.files_written, "file"),
        report.started.elapsed().as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
