//! The whole build, load to write, as one function the command line, the
//! preview server and the tests share.

use crate::check;
use crate::diagnostic::Diagnostic;
use crate::model::date::Date;
use crate::output;
use crate::publish::{self, FilterSummary};
use crate::render::manifest::{self, Manifest, PublicationDiff};
use crate::render::{self, OutputFile};
use crate::source::theme;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a build is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The content folder.
    pub content: PathBuf,
    /// The build date: "today" for statuses and versions.
    pub today: Date,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
}

pub use crate::error::BuildError;

/// A site rendered in memory, not yet written, and what the build did.
#[derive(Debug)]
pub struct Rendered {
    /// Every file of the site, sorted by path.
    pub files: Vec<OutputFile>,
    /// What the build did (its `files_written` counts the files made).
    pub report: Report,
}

/// The site's root: the folder that really holds the content folder.
///
/// The content path is resolved first (links followed, `..` and `.`
/// taken as the file system takes them), so `--content content/requests/..`
/// or a link to the content folder give the real root: a root taken from
/// the path as written would look for the wrong `templates/` and
/// `themes/`, and let `--output` overwrite the real ones.
pub fn site_root(content: &Path) -> PathBuf {
    let real = resolved(content);
    real.parent().map(Path::to_path_buf).unwrap_or(real)
}

/// `path` made absolute, and resolved (canonical) when it exists.
fn resolved(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    abs.canonicalize().unwrap_or(abs)
}

/// The folders that may be taken for the site's root: the real one
/// ([`site_root`]) and, when the content folder is reached through a link,
/// the folder that holds the link (resolved), where a keeper may expect
/// `templates/` and `themes/` too. A build's output may overlap neither's.
fn site_roots(content: &Path) -> Vec<PathBuf> {
    let mut roots = vec![site_root(content)];
    let written = std::path::absolute(content).unwrap_or_else(|_| content.to_path_buf());
    let last_is_a_name = matches!(
        written.components().next_back(),
        Some(std::path::Component::Normal(_))
    );
    if last_is_a_name && let Some(parent) = written.parent() {
        let holder = resolved(parent);
        if !roots.contains(&holder) {
            roots.push(holder);
        }
    }
    roots
}

/// What a build did, for its one-line summary.
#[derive(Debug)]
pub struct Report {
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// Record files read.
    pub files_read: usize,
    /// What the filter kept and withheld.
    pub summary: FilterSummary,
    /// Files of the site made.
    pub files_written: usize,
    /// When the build started.
    pub started: Instant,
    /// What changed in the public view, when a previous manifest was given.
    pub publication: Option<PublicationDiff>,
}

/// The public register with what it is rendered with: the settings, the
/// theme and its compiled templates, and the tally of the build so far.
struct PublicSite {
    register: publish::PublicRegister,
    settings: crate::source::site::Settings,
    theme: theme::Theme,
    templates: render::Templates,
    tally: Tally,
}

/// What a build has found and done before it renders, for its [`Report`].
struct Tally {
    warnings: Vec<Diagnostic>,
    files_read: usize,
    summary: FilterSummary,
    started: Instant,
}

impl Tally {
    /// The report of a build that made `files_written` files.
    fn report(self, files_written: usize) -> Report {
        Report {
            warnings: self.warnings,
            files_read: self.files_read,
            summary: self.summary,
            files_written,
            started: self.started,
            publication: None,
        }
    }
}

fn timings() -> bool {
    std::env::var_os("REGISTER_TIMINGS").is_some()
}

/// With `REGISTER_TIMINGS` set, prints how long a phase took and the
/// process's memory (resident now, and at its peak so far, where the
/// system says: Linux's /proc).
fn report_phase(name: &str, since: Instant) {
    if !timings() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(String::new(), |kib| {
                format!(", {} {} MiB", &key[2..key.len() - 1], kib / 1024)
            })
    };
    eprintln!(
        "timing: {name}: {:.3} s{}{}",
        since.elapsed().as_secs_f64(),
        field("VmRSS:"),
        field("VmHWM:")
    );
}

/// What `register serve` keeps from one build to the next: the record
/// files read and the pages rendered, so that a rebuild after an edit
/// costs about what the edit changes, not the whole register.
pub struct BuildCache {
    check: check::CheckCache,
    render: render::RenderCache,
}

impl Default for BuildCache {
    fn default() -> BuildCache {
        BuildCache {
            check: check::CheckCache::kept(),
            render: render::RenderCache::default(),
        }
    }
}

impl BuildCache {
    /// How many requests the last build rendered afresh.
    pub fn requests_rendered(&self) -> usize {
        self.render.rendered_last()
    }
}

/// Loads, checks and filters; finds the theme. Writes nothing. With a
/// `cache` (the preview server), unchanged files are not read again;
/// without one, every record is dropped as soon as it has been filtered.
fn prepare(
    options: &BuildOptions,
    cache: Option<&mut check::CheckCache>,
) -> Result<PublicSite, BuildError> {
    let started = Instant::now();
    if !options.content.is_dir() {
        return Err(BuildError::NoContent(options.content.clone()));
    }
    let base_url = options.base_url.as_deref();
    let today = Some(options.today);
    let mut checked = match cache {
        Some(cache) => check::check_cached_at(&options.content, cache, base_url, today),
        None => check::check_cached_at(&options.content, &mut Default::default(), base_url, today),
    };
    report_phase("load and validate", started);
    add_dated_warnings(&mut checked, options.today);
    ready(checked, options, started)
}

/// Adds a warning for each event dated after the build date (see
/// [`check::future`]): the same in `check`, `build` and `serve`.
fn add_dated_warnings(checked: &mut check::Checked, today: Date) {
    let found = check::future::warnings(&checked.register, today);
    if !found.is_empty() {
        checked.diagnostics.extend(found);
        crate::diagnostic::sort(&mut checked.diagnostics);
    }
}

/// A checked register filtered, with its theme found and its templates
/// compiled: what [`prepare`] and [`check_site`] share.
fn ready(
    mut checked: check::Checked,
    options: &BuildOptions,
    started: Instant,
) -> Result<PublicSite, BuildError> {
    let Some(passed) = checked.take_passed() else {
        return Err(BuildError::Content(checked.diagnostics));
    };
    let settings = checked.settings;
    let screening = passed.screening();
    // The warnings stand with the errors the filter's screen may find.
    let with_warnings = |mut found: Vec<Diagnostic>| {
        found.extend(checked.diagnostics.iter().cloned());
        crate::diagnostic::sort(&mut found);
        BuildError::Content(found)
    };
    let t = Instant::now();
    let (register, summary) = publish::filter(passed, options.today).map_err(with_warnings)?;
    report_phase("filter", t);
    let t = Instant::now();
    let theme =
        theme::find(&site_root(&options.content), &settings.theme).map_err(BuildError::from)?;
    let mut found = screening.theme_files(&theme_files(&theme));
    found.extend(screening.templates(&template_texts(&theme)));
    if found.iter().any(Diagnostic::is_error) {
        return Err(with_warnings(found));
    }
    let templates = render::templates(&theme).map_err(BuildError::from)?;
    report_phase("theme", t);
    Ok(PublicSite {
        register,
        settings,
        theme,
        templates,
        tally: Tally {
            warnings: checked.diagnostics,
            files_read: checked.files_read,
            summary,
            started,
        },
    })
}

/// What `register check` found: every problem a build would report, the
/// content's and the templates', and what a build would withhold.
#[derive(Debug)]
pub struct SiteCheck {
    /// Every problem with the content, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// What a build would withhold, and why.
    pub withheld: Vec<check::withheld::Withheld>,
    /// Record files read.
    pub files_read: usize,
    /// Why a build would stop besides the content: the theme or one of its
    /// templates, worded as the build words it.
    pub failure: Option<BuildError>,
    /// What a build would change in the public view, when a previous
    /// manifest was given and the site could be rendered.
    pub publication: Option<PublicationDiff>,
}

/// A previous build's manifest, and how to name it in the diff.
pub type Baseline = (Manifest, String);

/// Checks `options.content` as a build would, all of it, writing nothing:
/// loads and checks every record, filters the register, then compiles the
/// templates (the site's overrides and the theme) and renders every page
/// into a sink that drops them. So a broken template fails `check` with the
/// error `build` would give. Content with errors is not rendered, but its
/// templates are still compiled.
pub fn check_site(options: &BuildOptions, baseline: Option<&Baseline>) -> SiteCheck {
    let started = Instant::now();
    let today = Some(options.today);
    let mut checked =
        check::check_cached_at(&options.content, &mut Default::default(), None, today);
    add_dated_warnings(&mut checked, options.today);
    let withheld = std::mem::take(&mut checked.withheld);
    let files_read = checked.files_read;
    if checked.has_errors() {
        checked.screen_bodies();
        let failure = compile_templates(&options.content, &checked.settings.theme).err();
        return SiteCheck {
            diagnostics: checked.diagnostics,
            withheld,
            files_read,
            failure,
            publication: None,
        };
    }
    let warnings = checked.diagnostics.clone();
    let rendered = ready(checked, options, started)
        .and_then(|ready| ready.render_published(&render::DiscardSink))
        .map(|published| published.manifest);
    let (diagnostics, failure, made) = match rendered {
        Ok(made) => (warnings, None, Some(made)),
        Err(BuildError::Content(found)) => (found, None, None),
        Err(e) => (warnings, Some(e), None),
    };
    SiteCheck {
        diagnostics,
        withheld,
        files_read,
        failure,
        publication: made
            .zip(baseline)
            .map(|(new, (old, since))| manifest::diff(old, &new, since)),
    }
}

/// Finds the theme and compiles its templates, for content that cannot be
/// rendered: their errors are reported in the same run.
fn compile_templates(content: &Path, theme_name: &str) -> Result<(), BuildError> {
    let theme = theme::find(&site_root(content), theme_name)?;
    render::templates(&theme)?;
    Ok(())
}

/// The templates read from disk (the site's overrides, a theme's), with
/// their text, for the screen: the bytes read when the theme was found,
/// which are the bytes rendered. One that is not UTF-8 is left to the
/// loading of the templates, which reports it.
fn template_texts(theme: &theme::Theme) -> Vec<(PathBuf, String)> {
    theme
        .templates
        .values()
        .filter_map(|source| match source {
            theme::Source::Loaded(path, bytes) => {
                let text = std::str::from_utf8(bytes).ok()?;
                Some((path.clone(), text.to_string()))
            }
            theme::Source::Disk(path) => {
                let text = std::fs::read_to_string(path).ok()?;
                Some((path.clone(), text))
            }
            theme::Source::Embedded(_) => None,
        })
        .collect()
}

/// The files a theme publishes as they are, for the screen: where each
/// is, its path in the site, its bytes.
fn theme_files(theme: &theme::Theme) -> Vec<crate::check::screening::ThemeFile<'_>> {
    theme
        .statics
        .iter()
        .filter_map(|(name, source)| {
            let (shown, bytes): (PathBuf, &[u8]) = match source {
                theme::Source::Loaded(path, bytes) => (path.clone(), bytes),
                theme::Source::Embedded(bytes) => (Path::new("static").join(name), bytes),
                // Never a static file's (they are read with the theme).
                theme::Source::Disk(_) => return None,
            };
            Some((shown, name.as_str(), bytes))
        })
        .collect()
}

impl PublicSite {
    /// About how many files the site will have, for the progress bar.
    fn expected_files(&self) -> usize {
        let requests = self.register.requests();
        let pages: usize = requests
            .iter()
            .map(|r| 1 + usize::from(r.final_decision().is_some()) + r.attachments.len())
            .sum();
        pages + self.theme.statics.len() + 40
    }

    /// Renders into `sink` and makes the manifest of what it publishes (and
    /// its file), side by side: the manifest's serial parts overlap the
    /// rendering.
    fn render_published(self, sink: &dyn render::Sink) -> Result<Published, BuildError> {
        let t = Instant::now();
        let (made, rendered) = rayon::join(
            || {
                let made = Manifest::of(&self.register);
                let file = manifest_file(&made);
                (made, file)
            },
            || {
                render::render(
                    &self.register,
                    &self.settings,
                    &self.theme,
                    &self.templates,
                    sink,
                )
            },
        );
        let files_written = rendered?;
        report_phase("render and write", t);
        drop_aside(self.register);
        Ok(Published {
            report: self.tally.report(files_written),
            manifest: made.0,
            manifest_file: made.1,
        })
    }

    /// Renders into `sink`, reusing what `cache` kept (the preview server).
    fn render_cached(
        self,
        sink: &dyn render::Sink,
        cache: &mut render::RenderCache,
    ) -> Result<Report, BuildError> {
        let t = Instant::now();
        let files_written = render::render_cached(
            self.register,
            &self.settings,
            &self.theme,
            &self.templates,
            sink,
            cache,
        )?;
        report_phase("render and write", t);
        Ok(self.tally.report(files_written))
    }
}

/// Frees `value` on a thread of its own: the public register of a large
/// site is hundreds of thousands of allocations, and freeing them one by
/// one need not hold up the writing of the manifest and the swap. (The
/// command line may exit before the thread is done; the system then
/// takes the memory back at once.)
fn drop_aside<T: Send + 'static>(value: T) {
    let spawned = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
    // Detached. When no thread can be had, the failed spawn has freed
    // `value` itself.
    drop(spawned);
}

/// A site rendered, with the manifest of what it publishes.
struct Published {
    report: Report,
    manifest: Manifest,
    /// The manifest as its file, not yet put anywhere.
    manifest_file: render::OutputFile,
}

/// Loads, checks, filters and renders into memory; writes nothing.
pub fn render_site(options: &BuildOptions) -> Result<Rendered, BuildError> {
    render_in_memory(options, None)
}

/// The manifest as a file of the site. A build writes it, and so does
/// [`render_site`] (which must give the files a build writes); the preview
/// server's [`render_site_cached`] does not: it serves no release.
fn manifest_file(made: &Manifest) -> render::OutputFile {
    render::OutputFile {
        path: manifest::FILE.to_string(),
        contents: render::Contents::Bytes(made.to_json()),
    }
}

/// [`render_site`] for the preview server: re-reads only the record files
/// that changed and re-renders only the pages an edit affects, keeping
/// what it needs for the next time in `cache`.
pub fn render_site_cached(
    options: &BuildOptions,
    cache: &mut BuildCache,
) -> Result<Rendered, BuildError> {
    render_in_memory(options, Some(cache))
}

fn render_in_memory(
    options: &BuildOptions,
    cache: Option<&mut BuildCache>,
) -> Result<Rendered, BuildError> {
    let sink = render::MemorySink::default();
    let report = match cache {
        Some(cache) => {
            prepare(options, Some(&mut cache.check))?.render_cached(&sink, &mut cache.render)?
        }
        None => {
            let mut published = prepare(options, None)?.render_published(&sink)?;
            render::Sink::put(&sink, published.manifest_file)?;
            published.report.files_written += 1;
            published.report
        }
    };
    Ok(Rendered {
        files: sink.into_files(),
        report,
    })
}

/// The preview of everything for `register serve --withheld`: checks as
/// a build does (an error stops it the same way), then renders withheld
/// records, decisions, passages and attachments too, with their banners,
/// into memory. Returns the files and, by page, the banner of what it
/// shows withheld. Only the server can call it (it alone makes a
/// [`LocalOnly`](crate::serve::LocalOnly)); `build_site` never does.
pub fn render_withheld_preview(
    options: &BuildOptions,
    local: crate::serve::LocalOnly,
) -> Result<(Rendered, std::collections::BTreeMap<String, String>), BuildError> {
    let started = Instant::now();
    if !options.content.is_dir() {
        return Err(BuildError::NoContent(options.content.clone()));
    }
    let base_url = options.base_url.as_deref();
    let today = Some(options.today);
    let mut checked =
        check::check_cached_at(&options.content, &mut Default::default(), base_url, today);
    add_dated_warnings(&mut checked, options.today);
    checked.screen_bodies();
    let Some(passed) = checked.take_passed() else {
        return Err(BuildError::Content(checked.diagnostics));
    };
    let settings = checked.settings;
    let preview = publish::preview::preview(passed, &settings, options.today, local);
    let theme = theme::find(&site_root(&options.content), &settings.theme)?;
    let templates = render::templates(&theme)?;
    let sink = render::MemorySink::default();
    render::render_preview(&preview, &settings, &theme, &templates, &sink)?;
    let summary = FilterSummary {
        requests_published: preview.for_preview_render().requests().len(),
        requests_withheld: preview.withheld(),
        ..FilterSummary::default()
    };
    let files = sink.into_files();
    let tally = Tally {
        warnings: checked.diagnostics,
        files_read: checked.files_read,
        summary,
        started,
    };
    let rendered = Rendered {
        report: tally.report(files.len()),
        files,
    };
    Ok((rendered, preview.banners().clone()))
}

/// The folders a build reads, which its output may not overlap: the
/// content folder, the site's `templates/` and `themes/`, and the theme
/// named in site.toml (`themes/<theme>/`, which a link could put anywhere),
/// beside each folder that may be taken for the site's root.
fn inputs(content: &Path, theme: &str) -> output::Inputs {
    let roots = site_roots(content);
    let mut read = vec![(content.to_path_buf(), "the content folder")];
    // A name that is not one folder is an error the theme lookup reports.
    let theme = match *Path::new(theme).components().collect::<Vec<_>>().as_slice() {
        [std::path::Component::Normal(name)] => Some(name),
        _ => None,
    };
    for root in &roots {
        read.push((root.join("templates"), "the site's templates folder"));
        if let Some(name) = theme {
            read.push((
                root.join("themes").join(name),
                "the theme folder named in site.toml",
            ));
        }
        read.push((root.join("themes"), "the site's themes folder"));
    }
    output::Inputs { roots, read }
}

/// Refuses a site about to be swapped in when the build wrote a path that
/// `output_keep` says is the user's: a mistake in site.toml, so reported
/// against it, like the content errors (exit 1).
fn refuse_kept_and_written(
    staging: &output::Staging,
    options: &BuildOptions,
) -> Result<(), BuildError> {
    let site_toml = options.content.join("site.toml");
    let errors: Vec<Diagnostic> = staging
        .keep_clashes()
        .into_iter()
        .map(|message| {
            Diagnostic::file_error(&site_toml, message)
                .with_help("remove it from output_keep, or keep your file at another path")
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(BuildError::Content(errors))
    }
}

/// The whole build: renders straight into a staging folder beside
/// `output` and swaps it in only when every file is written. On any error
/// the previous site in `output` is left exactly as it was. The output is
/// checked before anything is read, so a bad `--output` is reported first.
pub fn build_site(options: &BuildOptions, output: &Path) -> Result<Report, BuildError> {
    build_site_since(options, output, None)
}

/// [`build_site`], writing the manifest of what it publishes
/// (`register-manifest.json`, see `render::manifest`) with the site and,
/// given a previous one, reporting what changes in the public view.
pub fn build_site_since(
    options: &BuildOptions,
    output: &Path,
    baseline: Option<&Baseline>,
) -> Result<Report, BuildError> {
    // The theme's name, read ahead of the checks (which report any error
    // in site.toml), so that a bad --output is reported first (exit 2).
    let theme = crate::source::site::Settings::load(&options.content, &mut Vec::new())
        .0
        .theme;
    output::check_output_folder(output, &inputs(&options.content, &theme))?;
    let ready = prepare(options, None)?;
    let inputs = inputs(&options.content, &ready.settings.theme);
    let staging = output::Staging::prepare(output, &inputs, &ready.settings.output_keep)?;
    let progress = crate::output::progress::Progress::start(ready.expected_files());
    let published = ready.render_published(&progress.counting(&staging));
    progress.finish();
    let Published {
        mut report,
        manifest: made,
        manifest_file,
    } = published?;
    render::Sink::put(&staging, manifest_file)?;
    report.files_written += 1;
    report.publication = baseline.map(|(old, since)| manifest::diff(old, &made, since));
    drop_aside(made);
    refuse_kept_and_written(&staging, options)?;
    let t = Instant::now();
    staging.commit()?;
    report_phase("swap", t);
    Ok(report)
}
