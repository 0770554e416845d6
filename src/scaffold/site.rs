//! `register init [DIR]`: a new site root that checks and builds clean at
//! once: `content/` with a commented `site.toml` and empty `requests/` and
//! `decisions/`, a `.gitignore`, a `netlify.toml` and a CI workflow.

use super::{ScaffoldError, write_new};
use std::path::{Path, PathBuf};

/// What `init` wrote, and what it found already there and left alone.
#[derive(Debug, Default)]
pub struct Initialised {
    /// Files written, in the order written.
    pub written: Vec<PathBuf>,
    /// Files that were there already (a `.gitignore` of the repository):
    /// kept as they were.
    pub kept: Vec<PathBuf>,
}

/// Writes a new site root in `root` (made if missing). Refuses a folder
/// whose `content/` already holds anything: a register is never started
/// over another one.
pub fn init(root: &Path) -> Result<Initialised, ScaffoldError> {
    let content = root.join("content");
    if has_entries(&content) {
        return Err(ScaffoldError::Refused(format!(
            "`{}` already holds a content folder: nothing was written; run `register init` in \
             an empty folder, or `register check` to check this one",
            root.display()
        )));
    }
    let mut done = Initialised::default();
    for (rel, text) in FILES {
        let path = root.join(rel);
        if path.exists() {
            done.kept.push(path);
            continue;
        }
        write_new(&path, text)?;
        done.written.push(path);
    }
    Ok(done)
}

/// True for a folder with anything in it (or a file in its place).
fn has_entries(path: &Path) -> bool {
    match std::fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => path.exists(),
    }
}

/// Every file of a new site root, by path from the root.
const FILES: [(&str, &str); 6] = [
    ("content/site.toml", SITE_TOML),
    ("content/requests/.gitkeep", ""),
    ("content/decisions/.gitkeep", ""),
    (".gitignore", GITIGNORE),
    ("netlify.toml", NETLIFY_TOML),
    (".github/workflows/register.yml", WORKFLOW),
];

const SITE_TOML: &str = r#"# The register's settings: docs/register-format.md, section 6.
# Every string here except theme, public_contacts and output_keep is
# published, and checked like a record's text.

# The register's name, in every page's title.
title = "CPA Security Characteristics: Modification Register"
# The address the site is published at (https://, a host, nothing after the
# path). Every URL of the feed, the sitemap and the open data starts with it.
base_url = "https://register.example.org"
# One sentence on what the register holds, under the title of every page.
description = "SC Modification Requests and Device refurbishment use cases, and the SSC's decisions"
# Who keeps the register, named in every page's footer.
owner = "SEC Security Sub-Committee"
# The language of the content, as a language tag.
language = "en-GB"

# The theme, a folder under themes/ beside content/ (the default theme is
# built in; copy it there to change it).
# theme = "default"

# Device kinds beyond ESME, GSME, CH, HCALCS and PPMID, letters and digits.
# devices = ["IHD"]

# E-mail addresses and telephone numbers that may be published, such as a
# committee's mailbox. Any other in published text is an error: it is almost
# always someone's personal data.
# public_contacts = ["ssc@example.org"]

# Your own files in the output folder that builds keep (dot-files such as
# .git are always kept).
# output_keep = ["CNAME"]

# Values of your own for templates, e.g. a line for the footer.
# [extra]
# footer = "..."
"#;

const GITIGNORE: &str =
    "# What `register build` writes: rebuilt from content/ at every deploy.\n/public/\n";

const NETLIFY_TOML: &str = r#"# Netlify builds the register from this repository and publishes public/.
# REGISTER_GIT is where your team keeps the source of the `register`
# generator; Netlify's build image has rustup, and installs it once per build
# image (cached between builds).

[build]
  command = "cargo install --locked --root .register --git \"$REGISTER_GIT\" register && .register/bin/register build --base-url \"$URL\""
  publish = "public"

[build.environment]
  REGISTER_GIT = "https://example.org/your-team/register.git"

# Deploy previews get their own address in feeds and sitemaps.
[context.deploy-preview]
  command = "cargo install --locked --root .register --git \"$REGISTER_GIT\" register && .register/bin/register build --base-url \"$DEPLOY_PRIME_URL\""

[[headers]]
  for = "/*"
  [headers.values]
    Content-Security-Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    X-Content-Type-Options = "nosniff"
    Referrer-Policy = "strict-origin-when-cross-origin"
    X-Frame-Options = "DENY"
    Strict-Transport-Security = "max-age=31536000"
"#;

const WORKFLOW: &str = r#"# Checks the register on every push and pull request, and builds it: a
# content error fails the run with the file, line and column. On a pull
# request it also says what merging would change in the public view: what
# becomes public, what stops being public and what changed, against the
# register as the base branch builds it.
name: register
on: [push, pull_request]
env:
  # Where your team keeps the source of the `register` generator.
  REGISTER_GIT: https://example.org/your-team/register.git
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - run: cargo install --locked --git "$REGISTER_GIT" register
      # Not `check --withheld`: it names every withheld request and file,
      # and CI logs are read by more people than the content is. Run it on
      # your own machine before a release.
      - run: register check --format github
      - run: register build
      # The base branch's site, built with the same build date, then the
      # difference this pull request makes to what is published.
      - name: What this pull request publishes
        if: github.event_name == 'pull_request'
        run: |
          NOW=$(date -u +%F)
          git worktree add ../base "origin/$GITHUB_BASE_REF"
          (cd ../base && register build --now "$NOW" --output "$RUNNER_TEMP/base")
          register check --now "$NOW" --since "$RUNNER_TEMP/base" | tee diff.txt
          { echo '### What this pull request publishes'; echo '```'; \
            sed -n '/^publication diff/,$p' diff.txt; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
"#;
