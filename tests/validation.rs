//! Validation (sections 3 and 5 of the format): `register check` on the
//! fixture `tests/fixtures/invalid`, where each record file holds one
//! deliberate error (or one group of missing fields), reports every error in
//! one run, each at the right file, line and column of the whole file, with
//! a `help:` line.
//!
//! Lines and columns below were counted in the fixture files by hand: line 1
//! is the opening `+++`, so front matter starts on line 2. Missing fields
//! and an unclosed front matter point at the opening `+++` (1:1).

mod common;

use common::{Run, check, copy_fixture, fixture_content};
use std::path::Path;
use std::sync::OnceLock;

/// One diagnostic the fixture must produce.
struct Expected {
    /// Path under the content folder.
    file: &'static str,
    line: usize,
    column: usize,
    /// A part of the message that names the problem.
    message: &'static str,
}

const fn e(file: &'static str, line: usize, column: usize, message: &'static str) -> Expected {
    Expected {
        file,
        line,
        column,
        message,
    }
}

/// Every error of the invalid fixture, and nothing else.
const EXPECTED: &[Expected] = &[
    e(
        "requests/02-bad-id.md",
        2,
        6,
        "`scmr-2020-1` is not a valid id",
    ),
    e(
        "requests/03-duplicate-id.md",
        2,
        6,
        "duplicate id `VALID-1`",
    ),
    e(
        "requests/04-missing-reasons.md",
        1,
        1,
        "missing required key `reasons`",
    ),
    e(
        "requests/05-missing-fields.md",
        1,
        1,
        "missing required key `id`",
    ),
    e(
        "requests/05-missing-fields.md",
        1,
        1,
        "missing required key `type`",
    ),
    e(
        "requests/05-missing-fields.md",
        1,
        1,
        "missing required key `title`",
    ),
    e(
        "requests/05-missing-fields.md",
        1,
        1,
        "missing required key `classification`",
    ),
    e(
        "requests/05-missing-fields.md",
        1,
        1,
        "missing required key `submitted`",
    ),
    e(
        "requests/05-missing-fields.md",
        1,
        1,
        "missing required key `proposer`",
    ),
    e(
        "requests/05-missing-fields.md",
        1,
        1,
        "missing required key `history`",
    ),
    e("requests/06-unknown-key.md", 4, 1, "unknown key `titel`"),
    e(
        "requests/07-unknown-type.md",
        3,
        8,
        "`sc-modifcation` is not a request type",
    ),
    e(
        "requests/08-unknown-stage.md",
        20,
        9,
        "`review` is not a stage",
    ),
    e(
        "requests/09-unknown-classification.md",
        5,
        18,
        "unknown classification `TLP:PURPLE`",
    ),
    e(
        "requests/10-stage-backwards.md",
        24,
        9,
        "stage `triage` goes backwards after `ncsc-review`",
    ),
    e(
        "requests/11-dates-decreasing.md",
        23,
        8,
        "date 2020-04-01 is before the previous entry's 2020-05-01",
    ),
    e("requests/12-no-sponsor.md", 11, 1, "without a sponsor"),
    e(
        "requests/13-decided-without-final.md",
        18,
        1,
        "`decided` but has no final decision",
    ),
    e("requests/18-urgent.md", 7, 10, "`urgent_reason`"),
    e(
        "requests/19-related-unknown.md",
        7,
        23,
        "unknown request id `NO-SUCH-1` in `related`",
    ),
    e(
        "requests/20-link-unknown.md",
        19,
        13,
        "unknown request id `NO-SUCH-3` in a link",
    ),
    e("requests/21-unclosed-tlp.md", 20, 1, "never closed"),
    e(
        "requests/22-no-closing-fence.md",
        1,
        1,
        "front matter opened here is never closed",
    ),
    e("requests/23-not-utf8.md", 18, 8, "not valid UTF-8"),
    e(
        "decisions/APPROVED-INCOMPLETE-final.md",
        1,
        1,
        "missing required key `sc_version`",
    ),
    e(
        "decisions/APPROVED-INCOMPLETE-final.md",
        1,
        1,
        "missing required key `implementation_date`",
    ),
    e(
        "decisions/FINAL-NOT-DECIDED-final.md",
        5,
        8,
        "whose history is not `decided`",
    ),
    e(
        "decisions/TWO-FINALS-final-2.md",
        5,
        8,
        "`TWO-FINALS` already has a final decision",
    ),
    e(
        "decisions/VALID-1-interim-1.md",
        6,
        11,
        "outcome `rejected` does not fit",
    ),
    e(
        "decisions/missing-fields.md",
        1,
        1,
        "missing required key `request`",
    ),
    e(
        "decisions/missing-fields.md",
        1,
        1,
        "missing required key `classification`",
    ),
    e(
        "decisions/missing-fields.md",
        1,
        1,
        "missing required key `date`",
    ),
    e(
        "decisions/missing-fields.md",
        1,
        1,
        "missing required key `kind`",
    ),
    e(
        "decisions/missing-fields.md",
        1,
        1,
        "missing required key `outcome`",
    ),
    e(
        "decisions/unknown-outcome.md",
        6,
        11,
        "`accepted` is not an outcome",
    ),
    e(
        "decisions/unknown-request.md",
        2,
        11,
        "unknown request id `NO-SUCH-2` in `request`",
    ),
];

/// `register check` (human format) on the invalid fixture, run once.
fn human() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| check(&fixture_content("invalid"), "human"))
}

/// The `path:line:column: ` prefix of a diagnostic about `file`.
fn prefix(file: &str, line: usize, column: usize) -> String {
    format!(
        "{}:{line}:{column}: ",
        fixture_content("invalid").join(file).display()
    )
}

/// Asserts some line of `run`'s output is an error at
/// `content/file:line:column` whose message contains `message`.
fn assert_error_at(run: &Run, content: &Path, file: &str, at: (usize, usize), message: &str) {
    let want = format!(
        "{}:{}:{}: error: ",
        content.join(file).display(),
        at.0,
        at.1
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with(&want) && l.contains(message)),
        "expected {want}... {message}\n{}",
        run.stdout
    );
}

/// The `error:` lines of the human output.
fn error_lines(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect()
}

/// Asserts `check` exited 1 and reported `message` at `file:line:column`
/// as an error, followed by a non-empty `  help: ` line.
fn assert_reported(file: &str, line: usize, column: usize, message: &str) {
    let run = human();
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let want = format!("{}error: ", prefix(file, line, column));
    let at = lines
        .iter()
        .position(|l| l.starts_with(&want) && l.contains(message))
        .unwrap_or_else(|| {
            let about: Vec<_> = lines.iter().filter(|l| l.contains(file)).collect();
            panic!(
                "no error `{message}` at {file}:{line}:{column}; diagnostics about {file}: {about:#?}"
            )
        });
    let help = lines.get(at + 1).copied().unwrap_or("");
    assert!(
        help.starts_with("  help: ") && help.len() > "  help: ".len() + 3,
        "the error at {file}:{line}:{column} has no help line; next line: {help:?}"
    );
}

/// Asserts the only errors about `file` are the `expected` messages.
fn assert_only_errors(file: &str, expected: &[&str]) {
    let path = format!("{}:", fixture_content("invalid").join(file).display());
    let about: Vec<&str> = error_lines(human())
        .into_iter()
        .filter(|l| l.starts_with(&path))
        .collect();
    assert_eq!(
        about.len(),
        expected.len(),
        "errors about {file}: {about:#?}"
    );
    for m in expected {
        assert!(
            about.iter().any(|l| l.contains(m)),
            "{m} missing from {about:#?}"
        );
    }
}

#[test]
fn bad_id_syntax_is_reported_at_the_id_value() {
    assert_reported(
        "requests/02-bad-id.md",
        2,
        6,
        "`scmr-2020-1` is not a valid id",
    );
}

#[test]
fn duplicate_id_is_reported_on_the_second_file_and_names_the_first() {
    assert_reported(
        "requests/03-duplicate-id.md",
        2,
        6,
        "duplicate id `VALID-1`",
    );
    assert!(
        human().stdout.contains("01-valid.md` already uses it"),
        "the help should name the first file:\n{}",
        human().stdout
    );
    assert_only_errors("requests/01-valid.md", &[]);
}

#[test]
fn sc_modification_without_reasons_is_an_error() {
    assert_reported(
        "requests/04-missing-reasons.md",
        1,
        1,
        "missing required key `reasons`",
    );
    // A refurbishment use case needs no reasons: 13-decided-without-final.md
    // has none and is reported for its own error only.
    assert_only_errors(
        "requests/13-decided-without-final.md",
        &["no final decision"],
    );
}

#[test]
fn request_without_required_fields_reports_each_missing_field() {
    let fields = [
        "id",
        "type",
        "title",
        "classification",
        "submitted",
        "proposer",
        "history",
    ];
    let messages: Vec<String> = fields
        .iter()
        .map(|f| format!("missing required key `{f}`"))
        .collect();
    for m in &messages {
        assert_reported("requests/05-missing-fields.md", 1, 1, m);
    }
    let refs: Vec<&str> = messages.iter().map(String::as_str).collect();
    assert_only_errors("requests/05-missing-fields.md", &refs);
}

#[test]
fn decision_without_required_fields_reports_each_missing_field() {
    for f in ["request", "classification", "date", "kind", "outcome"] {
        assert_reported(
            "decisions/missing-fields.md",
            1,
            1,
            &format!("missing required key `{f}`"),
        );
    }
}

#[test]
fn unknown_front_matter_key_is_an_error_but_keys_under_extra_are_allowed() {
    assert_reported("requests/06-unknown-key.md", 4, 1, "unknown key `titel`");
    // 01-valid.md has free-form keys (and a nested table) under [extra].
    assert_only_errors("requests/01-valid.md", &[]);
}

#[test]
fn unknown_request_type_is_an_error() {
    assert_reported(
        "requests/07-unknown-type.md",
        3,
        8,
        "`sc-modifcation` is not a request type",
    );
}

#[test]
fn unknown_history_stage_is_an_error() {
    assert_reported(
        "requests/08-unknown-stage.md",
        20,
        9,
        "`review` is not a stage",
    );
}

#[test]
fn unknown_decision_outcome_is_an_error() {
    assert_reported(
        "decisions/unknown-outcome.md",
        6,
        11,
        "`accepted` is not an outcome",
    );
}

#[test]
fn unknown_classification_label_is_an_error() {
    assert_reported(
        "requests/09-unknown-classification.md",
        5,
        18,
        "unknown classification `TLP:PURPLE`",
    );
}

#[test]
fn history_stage_going_backwards_is_an_error() {
    assert_reported(
        "requests/10-stage-backwards.md",
        24,
        9,
        "stage `triage` goes backwards after `ncsc-review`",
    );
}

#[test]
fn history_dates_decreasing_is_an_error() {
    assert_reported(
        "requests/11-dates-decreasing.md",
        23,
        8,
        "date 2020-04-01 is before the previous entry's 2020-05-01",
    );
    assert_only_errors("requests/11-dates-decreasing.md", &["before the previous"]);
}

#[test]
fn sponsor_is_required_once_past_submitted() {
    assert_reported("requests/12-no-sponsor.md", 11, 1, "without a sponsor");
    // Requests still at `submitted` need no sponsor (e.g. 18-urgent.md).
    assert_only_errors("requests/18-urgent.md", &["urgent_reason"]);
}

#[test]
fn decided_without_final_decision_is_an_error() {
    assert_reported(
        "requests/13-decided-without-final.md",
        18,
        1,
        "the request is `decided` but has no final decision",
    );
}

#[test]
fn final_decision_without_decided_stage_is_an_error() {
    assert_reported(
        "decisions/FINAL-NOT-DECIDED-final.md",
        5,
        8,
        "a final decision for `FINAL-NOT-DECIDED`, whose history is not `decided`",
    );
}

#[test]
fn second_final_decision_is_an_error() {
    assert_reported(
        "decisions/TWO-FINALS-final-2.md",
        5,
        8,
        "`TWO-FINALS` already has a final decision",
    );
    assert_only_errors("decisions/TWO-FINALS-final-1.md", &[]);
}

#[test]
fn approved_final_decision_needs_sc_version_and_implementation_date() {
    assert_reported(
        "decisions/APPROVED-INCOMPLETE-final.md",
        1,
        1,
        "missing required key `sc_version`",
    );
    assert_reported(
        "decisions/APPROVED-INCOMPLETE-final.md",
        1,
        1,
        "missing required key `implementation_date`",
    );
}

#[test]
fn outcome_must_fit_the_decision_kind() {
    assert_reported(
        "decisions/VALID-1-interim-1.md",
        6,
        11,
        "outcome `rejected` does not fit",
    );
}

#[test]
fn urgent_request_needs_urgent_reason() {
    assert_reported(
        "requests/18-urgent.md",
        7,
        10,
        "an urgent request needs `urgent_reason`",
    );
}

#[test]
fn related_id_must_exist() {
    assert_reported(
        "requests/19-related-unknown.md",
        7,
        23,
        "unknown request id `NO-SUCH-1` in `related`",
    );
    // VALID-1, listed first, exists: one error only.
    assert_only_errors("requests/19-related-unknown.md", &["NO-SUCH-1"]);
}

#[test]
fn decision_request_id_must_exist() {
    assert_reported(
        "decisions/unknown-request.md",
        2,
        11,
        "unknown request id `NO-SUCH-2` in `request`",
    );
}

#[test]
fn record_link_to_unknown_id_is_an_error() {
    assert_reported(
        "requests/20-link-unknown.md",
        19,
        13,
        "unknown request id `NO-SUCH-3` in a link",
    );
    // The link to VALID-1 on line 18 is fine.
    assert_only_errors("requests/20-link-unknown.md", &["NO-SUCH-3"]);
}

#[test]
fn unclosed_passage_marker_is_an_error() {
    assert_reported(
        "requests/21-unclosed-tlp.md",
        20,
        1,
        "this passage is never closed",
    );
}

#[test]
fn missing_closing_front_matter_fence_is_an_error() {
    assert_reported(
        "requests/22-no-closing-fence.md",
        1,
        1,
        "the front matter opened here is never closed",
    );
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    // Line 18 is `The caf\xe9 on the corner.`: the bad byte is character 8.
    assert_reported("requests/23-not-utf8.md", 18, 8, "not valid UTF-8");
}

#[test]
fn check_reports_every_error_of_the_folder_in_one_run() {
    let run = human();
    run.expect_code(1);
    let mut got: Vec<&str> = error_lines(run);
    for want in EXPECTED {
        let p = format!("{}error: ", prefix(want.file, want.line, want.column));
        let i = got
            .iter()
            .position(|l| l.starts_with(&p) && l.contains(want.message))
            .unwrap_or_else(|| {
                panic!(
                    "missing {}:{}:{} {}",
                    want.file, want.line, want.column, want.message
                )
            });
        got.remove(i);
    }
    assert!(got.is_empty(), "unexpected errors: {got:#?}");
    assert!(
        run.stderr
            .contains(&format!("{} errors, 0 warnings", EXPECTED.len())),
        "summary on stderr: {}",
        run.stderr
    );
}

#[test]
fn every_error_line_has_the_human_format_and_a_help_line() {
    let run = human();
    let lines: Vec<&str> = run.stdout.lines().collect();
    let mut errors = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("  help: ") {
            continue;
        }
        errors += 1;
        // path:line:column: error: message
        let (head, message) = l
            .split_once(": error: ")
            .unwrap_or_else(|| panic!("not `path:line:column: error: message`: {l:?}"));
        assert!(!message.trim().is_empty(), "{l}");
        let mut parts = head.rsplitn(3, ':');
        let column: usize = parts.next().and_then(|c| c.parse().ok()).expect(l);
        let line: usize = parts.next().and_then(|c| c.parse().ok()).expect(l);
        let path = parts.next().expect(l);
        assert!(line >= 1 && column >= 1, "{l}");
        assert!(
            std::path::Path::new(path).is_file(),
            "the diagnostic names a file that does not exist: {l}"
        );
        assert!(
            lines.get(i + 1).is_some_and(|h| h.starts_with("  help: ")),
            "no help after {l}"
        );
    }
    assert_eq!(errors, EXPECTED.len());
}

#[test]
fn check_json_format_parses_and_counts_errors() {
    let run = check(&fixture_content("invalid"), "json");
    run.expect_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("check --format json is not JSON ({e}):\n{}", run.stdout));
    assert_eq!(doc["errors"], EXPECTED.len(), "{doc:#}");
    assert_eq!(doc["warnings"], 0, "{doc:#}");
    let diagnostics = doc["diagnostics"].as_array().expect("diagnostics list");
    assert_eq!(diagnostics.len(), EXPECTED.len());
    let bad_id = diagnostics
        .iter()
        .find(|d| {
            d["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("requests/02-bad-id.md"))
        })
        .expect("the bad id diagnostic");
    assert_eq!(bad_id["line"], 2);
    assert_eq!(bad_id["column"], 6);
    assert_eq!(bad_id["severity"], "error");
    assert!(
        bad_id["message"]
            .as_str()
            .unwrap()
            .contains("not a valid id")
    );
    assert!(!bad_id["help"].as_str().unwrap_or("").is_empty());
}

#[test]
fn check_github_format_prints_one_error_command_per_error() {
    let run = check(&fixture_content("invalid"), "github");
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), EXPECTED.len(), "{}", run.stdout);
    for l in &lines {
        assert!(l.starts_with("::error file="), "{l}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("10-stage-backwards.md,line=24,col=9::")),
        "{}",
        run.stdout
    );
}

#[test]
fn check_exits_0_on_valid_content() {
    let run = check(&fixture_content("status"), "json");
    run.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["errors"], 0, "{doc:#}");
}

#[test]
fn build_with_content_errors_exits_1_and_leaves_the_previous_output_untouched() {
    let site = copy_fixture("status");
    let out = site.beside("public");
    common::build(&site.content(), &out, common::NOW).expect_code(0);
    let before = common::tree(&out);
    assert!(before.contains_key("index.html"));

    // Break the content: one bad id, one unclosed passage.
    let invalid = fixture_content("invalid").join("requests");
    for f in ["02-bad-id.md", "21-unclosed-tlp.md"] {
        std::fs::copy(invalid.join(f), site.content().join("requests").join(f)).unwrap();
    }
    let run = common::build(&site.content(), &out, "2030-01-01");
    run.expect_code(1);
    assert!(
        run.stderr.contains("02-bad-id.md:2:6: error:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("21-unclosed-tlp.md:20:1: error:"),
        "{}",
        run.stderr
    );
    common::assert_same_tree(&before, &common::tree(&out), "output after a failed build");
    // Nothing was left beside the output either (but a spare).
    assert_eq!(
        common::names_beside_output(site.tmp.path()),
        ["public", "status"]
    );
}

#[test]
fn unclosed_passage_marker_inside_a_list_is_located_at_the_marker() {
    // tests/fixtures/unclosed-in-list: line 20 is `    <!-- TLP:RED -->`.
    let content = fixture_content("unclosed-in-list");
    let run = check(&content, "human");
    run.expect_code(1);
    assert_error_at(
        &run,
        &content,
        "requests/LIST-1.md",
        (20, 5),
        "never closed",
    );
}

/// `register check` on `tests/fixtures/dropped-record`: DROPPED-1 has one
/// bad field (`submitted = 2020-01-10T10:00:00`, line 6) and a passage
/// marker on line 20 that is never closed; OTHER-1 (`related`, line 7, and
/// a link, line 19) and an interim decision (line 2) refer to DROPPED-1.
fn dropped_record_check() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| check(&fixture_content("dropped-record"), "human"))
}

#[test]
fn a_field_error_is_reported_where_it_is() {
    let content = fixture_content("dropped-record");
    let run = dropped_record_check();
    run.expect_code(1);
    let file = "requests/DROPPED-1.md";
    assert_error_at(run, &content, file, (6, 13), "`submitted` must be a date");
}

#[test]
fn references_to_a_request_with_a_field_error_are_not_reported_as_unknown() {
    let run = dropped_record_check();
    let wrong: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("unknown request id `DROPPED-1`"))
        .collect();
    assert!(wrong.is_empty(), "misleading errors: {wrong:#?}");
}

#[test]
fn body_of_a_request_with_a_field_error_is_still_checked() {
    let content = fixture_content("dropped-record");
    let run = dropped_record_check();
    assert_error_at(
        run,
        &content,
        "requests/DROPPED-1.md",
        (20, 1),
        "never closed",
    );
}
