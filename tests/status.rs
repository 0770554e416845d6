//! Status derivation (section 3.3 of the format) on the fixture
//! `tests/fixtures/status`: one request per stage and per final outcome.
//! ST-APPROVED is approved for SC version 3.1 from 2025-06-15.

mod common;

use common::{Built, build_fixture, build_ok, build_with_env, fixture_content};
use std::collections::BTreeMap;

const DAY_BEFORE: &str = "2025-06-14";
const IMPLEMENTATION_DAY: &str = "2025-06-15";

/// 2025-06-15T00:00:00Z in seconds since the epoch.
const IMPLEMENTATION_EPOCH: i64 = 1_749_945_600;

/// Asserts the status of `id` in register.json, and that `/status/<s>/`
/// lists it and no other status page does.
fn assert_status(built: &Built, id: &str, status: &str) {
    let statuses = built.statuses();
    assert_eq!(
        statuses.get(id).map(String::as_str),
        Some(status),
        "status of {id} in register.json: {statuses:?}"
    );
    let link = format!("/requests/{id}/");
    let page = built.page(&format!("/status/{status}/"));
    assert!(page.contains(&link), "/status/{status}/ does not list {id}");
    for other in statuses.values().filter(|s| s.as_str() != status) {
        let other_page = built.page(&format!("/status/{other}/"));
        assert!(
            !other_page.contains(&link),
            "/status/{other}/ lists {id} too"
        );
    }
}

#[test]
fn approved_request_is_scheduled_the_day_before_its_implementation_date() {
    let built = build_fixture("status", DAY_BEFORE);
    assert_status(&built, "ST-APPROVED", "scheduled");
    assert!(!built.has("status/implemented/index.html"));
    let r = built.json_request("ST-APPROVED");
    assert_eq!(
        r["final_decision"]["implementation_date"],
        IMPLEMENTATION_DAY
    );
}

#[test]
fn approved_request_is_implemented_on_its_implementation_date() {
    let built = build_fixture("status", IMPLEMENTATION_DAY);
    assert_status(&built, "ST-APPROVED", "implemented");
    assert!(!built.has("status/scheduled/index.html"));
}

#[test]
fn approved_request_stays_implemented_after_its_implementation_date() {
    let built = build_fixture("status", "2031-01-01");
    assert_status(&built, "ST-APPROVED", "implemented");
}

#[test]
fn rejected_and_withdrawn_requests_show_their_final_outcome() {
    let built = build_fixture("status", IMPLEMENTATION_DAY);
    assert_status(&built, "ST-REJECTED", "rejected");
    assert_status(&built, "ST-WITHDRAWN", "withdrawn");
    assert_eq!(
        built.json_request("ST-REJECTED")["final_decision"]["outcome"],
        "rejected"
    );
}

#[test]
fn in_progress_requests_show_their_latest_stage() {
    let built = build_fixture("status", IMPLEMENTATION_DAY);
    for (id, status) in [
        ("ST-SUBMITTED", "submitted"),
        ("ST-TRIAGE", "triage"),
        ("ST-NCSC-REVIEW", "ncsc-review"),
        ("ST-REFINEMENT", "refinement"),
    ] {
        assert_status(&built, id, status);
    }
}

#[test]
fn decided_request_whose_final_decision_is_withheld_shows_decided() {
    let built = build_fixture("status", IMPLEMENTATION_DAY);
    assert_status(&built, "ST-DECIDED-WITHHELD", "decided");
    assert!(built.json_request("ST-DECIDED-WITHHELD")["final_decision"].is_null());
    assert!(!built.has("reports/ST-DECIDED-WITHHELD/index.html"));
}

#[test]
fn every_status_is_derived_on_the_build_date() {
    let built = build_fixture("status", DAY_BEFORE);
    let got = built.statuses();
    let expected: BTreeMap<String, String> = [
        ("ST-APPROVED", "scheduled"),
        ("ST-DECIDED-WITHHELD", "decided"),
        ("ST-NCSC-REVIEW", "ncsc-review"),
        ("ST-REFINEMENT", "refinement"),
        ("ST-REJECTED", "rejected"),
        ("ST-SUBMITTED", "submitted"),
        ("ST-TRIAGE", "triage"),
        ("ST-WITHDRAWN", "withdrawn"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, expected);
    assert_eq!(built.register_json()["build_date"], DAY_BEFORE);
    // "approved" is never a status of its own.
    assert!(!built.has("status/approved/index.html"));
}

#[test]
fn versions_page_shows_the_version_current_on_the_build_date() {
    let before = build_fixture("status", DAY_BEFORE);
    let on = build_fixture("status", IMPLEMENTATION_DAY);
    assert!(
        before
            .page("/versions/3.1/")
            .contains("/requests/ST-APPROVED/")
    );
    // The day before, 3.1 is scheduled and no version is current; on the
    // day, 3.1 is the current version.
    let before = before.page("/versions/");
    let on = on.page("/versions/");
    assert!(before.contains("3.1") && on.contains("3.1"));
    assert!(before.contains("Scheduled"), "{before}");
    assert!(!before.contains("Current"), "{before}");
    assert!(on.contains("Current"), "{on}");
    assert!(!on.contains("Scheduled"), "{on}");
}

fn build_with_epoch(epoch: i64) -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let seconds = epoch.to_string();
    let run = build_with_env(
        &fixture_content("status"),
        &out,
        &[("SOURCE_DATE_EPOCH", &seconds)],
    );
    run.expect_code(0);
    Built { tmp, out, run }
}

#[test]
fn source_date_epoch_sets_the_build_date_when_now_is_absent() {
    // The last second of 2025-06-14 (UTC): still the day before.
    let before = build_with_epoch(IMPLEMENTATION_EPOCH - 1);
    assert_eq!(before.register_json()["build_date"], DAY_BEFORE);
    assert_status(&before, "ST-APPROVED", "scheduled");
    // Midnight starting 2025-06-15.
    let on = build_with_epoch(IMPLEMENTATION_EPOCH);
    assert_eq!(on.register_json()["build_date"], IMPLEMENTATION_DAY);
    assert_status(&on, "ST-APPROVED", "implemented");
    // Same date by either route: the same bytes.
    let by_now = build_ok(&fixture_content("status"), IMPLEMENTATION_DAY);
    common::assert_same_tree(&on.files(), &by_now.files(), "SOURCE_DATE_EPOCH vs --now");
}

#[test]
fn now_takes_precedence_over_source_date_epoch() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = common::run(
        common::register()
            .env("SOURCE_DATE_EPOCH", IMPLEMENTATION_EPOCH.to_string())
            .args(["build", "--now", DAY_BEFORE, "--content"])
            .arg(fixture_content("status"))
            .arg("--output")
            .arg(&out),
    );
    run.expect_code(0);
    let built = Built { tmp, out, run };
    assert_eq!(built.register_json()["build_date"], DAY_BEFORE);
    assert_status(&built, "ST-APPROVED", "scheduled");
}

#[test]
fn source_date_epoch_that_is_not_a_number_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = build_with_env(
        &fixture_content("status"),
        &out,
        &[("SOURCE_DATE_EPOCH", "yesterday")],
    );
    run.expect_code(2);
    assert!(!out.exists());
}
