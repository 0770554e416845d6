//! What a keeper meets before a release (issue 12): events dated after the
//! build date, templates that only a render finds broken, a site without
//! its settings.

mod common;

use common::{build, copy_dir, manifest_dir, register, run};
use std::path::Path;

/// The sample register copied into a temporary site root.
fn sample_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    copy_dir(&manifest_dir().join("content"), &root.join("content"));
    (tmp, root)
}

/// `register check --content <content> --now <now>`.
fn check_on(content: &Path, now: &str) -> common::Run {
    run(register()
        .arg("check")
        .arg("--content")
        .arg(content)
        .arg("--now")
        .arg(now))
}

#[test]
fn a_stage_and_a_decision_after_the_build_date_are_warnings_at_their_dates() {
    let content = manifest_dir().join("content");
    let run = check_on(&content, "2026-09-01");
    run.expect_code(0);
    let out = &run.stdout;
    let stage = "URC-2025-001.md:43:8: warning: the `decided` stage is dated 2026-09-09, \
                 after the build date 2026-09-01";
    assert!(out.contains(stage), "{out}");
    let decision = "URC-2025-001-final.md:4:8: warning: the final decision is dated \
                    2026-09-09, after the build date 2026-09-01";
    assert!(out.contains(decision), "{out}");
    assert!(out.contains("pass --now YYYY-MM-DD"), "{out}");
    // The day itself is not in the future.
    let on_the_day = check_on(&content, "2026-09-09");
    assert!(
        !on_the_day.stdout.contains("URC-2025-001"),
        "{}",
        on_the_day.stdout
    );
}

#[test]
fn a_build_warns_too_and_counts_only_what_stands_on_the_build_date() {
    let content = manifest_dir().join("content");
    let tmp = tempfile::tempdir().expect("temp dir");
    let before = build(&content, &tmp.path().join("before"), "2026-09-01");
    before.expect_code(0);
    assert!(
        before
            .stderr
            .contains("URC-2025-001.md:43:8: warning: the `decided` stage is dated 2026-09-09"),
        "{}",
        before.stderr
    );
    let status = |out: &str| {
        let json = std::fs::read_to_string(tmp.path().join(out).join("register.json")).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let r = doc["requests"].as_array().unwrap().iter();
        let r = r.clone().find(|r| r["id"] == "URC-2025-001").cloned();
        r.unwrap()["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status("before"), "refinement");
    build(&content, &tmp.path().join("after"), "2026-09-09").expect_code(0);
    assert_eq!(status("after"), "scheduled");
}

#[test]
fn a_feed_tells_an_event_dated_after_the_build_date_only_from_its_day() {
    let content = manifest_dir().join("content");
    let tmp = tempfile::tempdir().expect("temp dir");
    let feeds = |out: &str| -> Vec<String> {
        let site = tmp.path().join(out);
        ["feed.xml", "requests/URC-2025-001/feed.xml"]
            .iter()
            .map(|f| std::fs::read_to_string(site.join(f)).expect("the feed"))
            .collect()
    };
    build(&content, &tmp.path().join("before"), "2026-09-01").expect_code(0);
    for feed in feeds("before") {
        assert!(feed.contains("URC-2025-001"), "{feed}");
        assert!(
            !feed.contains("2026-09-09"),
            "an event before its day: {feed}"
        );
    }
    build(&content, &tmp.path().join("after"), "2026-09-09").expect_code(0);
    for feed in feeds("after") {
        assert!(feed.contains("2026-09-09"), "the event on its day: {feed}");
    }
}

/// Attack round 4 (W1-W5): what is dated after the build date waits for
/// its day everywhere, not in the status alone: no stage, decision,
/// outcome or "last updated" from the future, and no request submitted
/// later, in any page or export.
#[test]
fn nothing_dated_after_the_build_date_is_published_before_its_day() {
    let content = manifest_dir().join("content");
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("site");
    let run = build(&content, &out, "2025-06-01");
    run.expect_code(0);
    let json = std::fs::read_to_string(out.join("register.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let requests = doc["requests"].as_array().unwrap();
    let mut dates = Vec::new();
    for r in requests {
        dates.push(r["submitted"].clone());
        dates.push(r["last_updated"].clone());
        for h in r["history"].as_array().unwrap() {
            dates.push(h["date"].clone());
        }
        for d in r["decisions"].as_array().unwrap() {
            dates.push(d["date"].clone());
        }
    }
    for date in dates {
        let date = date.as_str().unwrap_or_default();
        assert!(date <= "2025-06-01", "{date} published on 2025-06-01");
    }
    // Submitted on 2025-08-06: not yet a request on 2025-06-01.
    assert!(!out.join("requests/SCMR-2025-004").exists());
    assert!(!json.contains("SCMR-2025-004"));
    // On its day it is.
    let later = tmp.path().join("later");
    build(&content, &later, "2026-12-02").expect_code(0);
    assert!(later.join("requests/SCMR-2025-004/index.html").exists());
}

#[test]
fn check_fails_with_the_error_build_gives_for_a_broken_override_template() {
    let (tmp, root) = sample_copy();
    let templates = root.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    // Compiles, but fails as it renders: only a render finds it.
    std::fs::write(
        templates.join("request.html"),
        "<p>{{ request.nothing_here.x }}</p>\n",
    )
    .unwrap();
    let built = build(
        &root.join("content"),
        &tmp.path().join("public"),
        "2026-11-25",
    );
    built.expect_code(1);
    // Pages render in parallel: which request's page fails first may vary.
    let error_of = |stderr: &str| {
        let line = stderr.lines().find(|l| l.starts_with("error: "));
        let line = line.expect("an error line").to_string();
        line[line.find(" with ").expect("names the template")..].to_string()
    };
    let error = error_of(&built.stderr);
    assert!(
        error.contains("request.html: Field `nothing_here` is not defined"),
        "{error}"
    );
    assert!(
        built.stderr.contains("--> request.html:1:15"),
        "{}",
        built.stderr
    );
    let checked = check_on(&root.join("content"), "2026-11-25");
    checked.expect_code(1);
    assert_eq!(error_of(&checked.stderr), error, "{}", checked.stderr);
    assert!(
        checked.stderr.contains("--> request.html:1:15"),
        "{}",
        checked.stderr
    );
    assert!(!tmp.path().join("public").exists(), "neither wrote a site");
}

#[test]
fn a_template_that_does_not_compile_fails_check_even_with_content_errors() {
    let (_tmp, root) = sample_copy();
    let templates = root.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("request.html"), "{% if %}\n").unwrap();
    let site = root.join("content/site.toml");
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(
        &site,
        text.replace("language = \"en-GB\"", "language = \"x\""),
    )
    .unwrap();
    let checked = check_on(&root.join("content"), "2026-11-25");
    checked.expect_code(1);
    assert!(
        checked.stdout.contains("language is not a language tag"),
        "{}",
        checked.stdout
    );
    assert!(
        checked.stderr.contains("request.html"),
        "{}",
        checked.stderr
    );
}

#[test]
fn a_missing_site_toml_is_a_warning_with_the_keys_to_type() {
    let (tmp, root) = sample_copy();
    let content = root.join("content");
    let text = std::fs::read_to_string(content.join("site.toml")).unwrap();
    let devices: String = text.lines().filter(|l| l.starts_with("devices")).collect();
    std::fs::write(content.join("site.toml"), format!("{devices}\n")).unwrap();
    let checked = check_on(&content, "2026-11-25");
    checked.expect_code(0);
    let warning = "site.toml:1:1: warning: site.toml has no base_url";
    assert!(checked.stdout.contains(warning), "{}", checked.stdout);
    assert!(
        checked
            .stdout
            .contains("help: add the address the site is published at: base_url = \"https://"),
        "{}",
        checked.stdout
    );
    let built = build(&content, &tmp.path().join("public"), "2026-11-25");
    built.expect_code(0);
    assert!(built.stderr.contains(warning), "{}", built.stderr);
    // Given on the command line, base_url is set.
    let given = run(register()
        .args([
            "build",
            "--now",
            "2026-11-25",
            "--base-url",
            "https://r.example.org",
        ])
        .arg("--content")
        .arg(&content)
        .arg("--output")
        .arg(tmp.path().join("given")));
    given.expect_code(0);
    assert!(!given.stderr.contains("no base_url"), "{}", given.stderr);

    std::fs::remove_file(content.join("site.toml")).unwrap();
    let checked = check_on(&content, "2026-11-25");
    let missing = "site.toml:1:1: warning: there is no site.toml";
    assert!(checked.stdout.contains(missing), "{}", checked.stdout);
    assert!(
        checked
            .stdout
            .contains("base_url = \"https://register.example.org\"")
    );
    let built = build(&content, &tmp.path().join("bare"), "2026-11-25");
    assert!(built.stderr.contains(missing), "{}", built.stderr);
}

#[test]
fn build_has_no_withheld_switch() {
    let refused = run(register().args(["build", "--withheld"]));
    refused.expect_code(2);
    assert!(refused.stderr.contains("--withheld"), "{}", refused.stderr);
    let help = run(register().args(["serve", "--help"]));
    assert!(help.stdout.contains("--withheld"), "{}", help.stdout);
}

/// Builds `content` into `out` on the sample's date, exit 0.
fn build_into(content: &Path, out: &Path) -> common::Run {
    let run = build(content, out, "2026-11-25");
    run.expect_code(0);
    run
}

/// Rewrites one file of the content folder.
fn edit(content: &Path, rel: &str, from: &str, to: &str) {
    let path = content.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} holds {from}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

/// `check --since <dir> --format json`'s publication diff.
fn diff_since(content: &Path, since: &Path) -> serde_json::Value {
    let run = run(register()
        .args([
            "check",
            "--now",
            "2026-11-25",
            "--format",
            "json",
            "--content",
        ])
        .arg(content)
        .arg("--since")
        .arg(since));
    run.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    doc["publication"].clone()
}

/// `kind` changes of request `id` in one list of a diff.
fn listed(diff: &serde_json::Value, list: &str, kind: &str, id: &str) -> Vec<String> {
    let items = diff[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list}: {diff:#}"));
    items
        .iter()
        .filter(|c| c["kind"] == kind && c["request"] == id)
        .map(|c| c["what"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn the_diff_lists_a_record_that_goes_from_amber_to_clear() {
    let (tmp, root) = sample_copy();
    let content = root.join("content");
    let out = tmp.path().join("public");
    build_into(&content, &out);
    let manifest = std::fs::read_to_string(out.join("register-manifest.json")).unwrap();
    for withheld in ["SCMR-2019-003", "SCMR-2023-006", "SCMR-2025-002"] {
        assert!(!manifest.contains(withheld), "{withheld} in the manifest");
    }
    assert_eq!(
        diff_since(&content, &out)["becomes_public"],
        serde_json::json!([])
    );
    edit(
        &content,
        "requests/SCMR-2019-003.md",
        "TLP:AMBER",
        "TLP:CLEAR",
    );
    let diff = diff_since(&content, &out);
    assert_eq!(
        listed(&diff, "becomes_public", "request", "SCMR-2019-003"),
        [""]
    );
    assert_eq!(
        diff["stops_being_public"],
        serde_json::json!([]),
        "{diff:#}"
    );
    // The build compares with the output it replaces, by default.
    let built = build_into(&content, &out);
    assert!(
        built
            .stdout
            .contains("becomes public (1):\n    request SCMR-2019-003\n"),
        "{}",
        built.stdout
    );
    let manifest = std::fs::read_to_string(out.join("register-manifest.json")).unwrap();
    assert!(manifest.contains("\"SCMR-2019-003\""));
}

#[test]
fn the_diff_lists_a_passage_that_is_unmarked() {
    let (tmp, root) = sample_copy();
    let content = root.join("content");
    let out = tmp.path().join("public");
    build_into(&content, &out);
    let file = "requests/SCMR-2020-003.md";
    edit(&content, file, "<!-- TLP:AMBER -->\n", "");
    edit(&content, file, "<!-- /TLP -->\n", "");
    let diff = diff_since(&content, &out);
    let passages = listed(&diff, "becomes_public", "passage", "SCMR-2020-003");
    assert_eq!(passages.len(), 1, "{diff:#}");
    // Where the passage is, never its text: the diff is printed in CI
    // logs, and a manifest's excerpt could join or cut what the page shows.
    assert_eq!(passages[0], "section 1, block 2", "{passages:?}");
    assert!(!diff.to_string().contains("On two models"), "{diff:#}");
    assert!(listed(&diff, "becomes_public", "request", "SCMR-2020-003").is_empty());
    assert!(
        listed(&diff, "changed", "request", "SCMR-2020-003").is_empty(),
        "{diff:#}"
    );
    let human = run(register()
        .args(["check", "--now", "2026-11-25", "--content"])
        .arg(&content)
        .arg("--since")
        .arg(&out));
    assert!(
        human
            .stdout
            .contains("passage in SCMR-2020-003: \"section 1, block 2\""),
        "{}",
        human.stdout
    );
}

#[test]
fn the_diff_lists_a_record_withdrawn_from_publication() {
    let (tmp, root) = sample_copy();
    let content = root.join("content");
    let out = tmp.path().join("public");
    build_into(&content, &out);
    edit(
        &content,
        "requests/SCMR-2019-001.md",
        "classification = \"WHITE\"",
        "classification = \"TLP:AMBER\"",
    );
    let diff = diff_since(&content, &out);
    assert_eq!(
        listed(&diff, "stops_being_public", "request", "SCMR-2019-001"),
        [""]
    );
    let decisions = listed(&diff, "stops_being_public", "decision", "SCMR-2019-001");
    assert_eq!(decisions.len(), 1, "{diff:#}");
    assert!(decisions[0].starts_with("final "), "{decisions:?}");
    // Links to it elsewhere become plain text: passages of other records
    // change, but no record, decision or attachment becomes public.
    let becomes = diff["becomes_public"].as_array().unwrap();
    assert!(becomes.iter().all(|c| c["kind"] == "passage"), "{diff:#}");
    let changed = diff["changed"].as_array().unwrap();
    assert!(
        changed.iter().all(|c| c["request"] != "SCMR-2019-001"),
        "{diff:#}"
    );
    let json = run(register()
        .args([
            "build",
            "--now",
            "2026-11-25",
            "--format",
            "json",
            "--content",
        ])
        .arg(&content)
        .arg("--output")
        .arg(tmp.path().join("next"))
        .arg("--since")
        .arg(&out));
    json.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(
        listed(&doc, "stops_being_public", "request", "SCMR-2019-001"),
        [""]
    );
    let next = std::fs::read_to_string(tmp.path().join("next/register-manifest.json")).unwrap();
    assert!(
        !next.contains("SCMR-2019-001"),
        "the withdrawn record left the manifest"
    );
}

#[test]
fn since_a_folder_without_a_manifest_is_refused_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run(register()
        .args(["check", "--content"])
        .arg(manifest_dir().join("content"))
        .arg("--since")
        .arg(tmp.path()));
    run.expect_code(2);
    assert!(
        run.stderr.contains("register-manifest.json` not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("output folder of a previous build"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_then_new_records_check_with_warnings_only_and_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("reg");
    run(register().arg("init").arg(&root)).expect_code(0);
    let content = root.join("content");
    let clean = check_on(&content, "2026-12-02");
    clean.expect_code(0);
    assert!(
        clean.stderr.contains("0 errors, 0 warnings"),
        "{}",
        clean.stderr
    );
    let workflow = std::fs::read_to_string(root.join(".github/workflows/register.yml")).unwrap();
    assert!(
        workflow.contains("--since \"$RUNNER_TEMP/base\""),
        "{workflow}"
    );
    // Attack round 4, B5: CI logs are read by more people than the
    // content is; the list of what is withheld stays on the keeper's
    // machine.
    assert!(
        !workflow.contains("run: register check --withheld"),
        "{workflow}"
    );
    let new = |args: &[&str]| {
        let r = run(register()
            .arg("new")
            .args(args)
            .arg("--content")
            .arg(&content)
            .args(["--now", "2026-12-02"]));
        r.expect_code(0);
    };
    new(&["sc-modification", "A first request"]);
    // One record, and the summary's words agree with it.
    let one = check_on(&content, "2026-12-02");
    assert!(
        one.stderr
            .contains("1 record file checked: 0 errors, 3 warnings"),
        "{}",
        one.stderr
    );
    new(&["decision", "SCMR-2026-001", "final"]);
    let drafted = check_on(&content, "2026-12-02");
    drafted.expect_code(0);
    assert!(drafted.stdout.contains("warning"), "{}", drafted.stdout);
    assert!(!drafted.stdout.contains(": error:"), "{}", drafted.stdout);
    let built = build(&content, &root.join("public"), "2026-12-02");
    built.expect_code(0);
    assert!(
        built.stderr.contains(
            "2 record files read; published 0 requests and 0 decisions, \
             withheld 1 request and 1 decision;"
        ),
        "{}",
        built.stderr
    );
    let manifest = std::fs::read_to_string(root.join("public/register-manifest.json")).unwrap();
    assert!(
        !manifest.contains("SCMR-2026-001"),
        "a new record is withheld"
    );
}
