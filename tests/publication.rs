//! Publication (section 4 of the format): the fixture
//! `tests/fixtures/publication` holds four public requests beside withheld
//! material of every kind, each withheld place carrying a unique canary
//! (every withheld canary contains `CANARY`, in some case). After a build,
//! every byte of every output file and every output path is searched: no
//! withheld canary, id, date or version may appear, and every public canary
//! must, so the filter cannot pass by publishing nothing.

mod common;

use common::{Built, NOW, build_fixture, occurrences};

fn site() -> Built {
    build_fixture("publication", NOW)
}

const PUBLIC_IDS: &[&str] = &[
    "PUB-2024-001",
    "PUB-2024-002",
    "PUB-2024-003",
    "PUB-2024-004",
];

/// Withheld requests: GREEN, AMBER, AMBER+STRICT, RED (folder record with
/// an attachment) and a WHITE draft.
const WITHHELD_IDS: &[&str] = &[
    "SCMR-2099-901",
    "SCMR-2099-902",
    "SCMR-2099-903",
    "SCMR-2099-904",
    "SCMR-2099-905",
];

/// One canary from every withheld place of the fixture.
const WITHHELD_CANARIES: &[&str] = &[
    // Titles, bodies, organisations, notes, [extra] of withheld requests.
    "CANARY-TITLE-GREEN-W1",
    "CANARY-BODY-GREEN-W1",
    "CANARY-SCS-REASON-W1",
    "CANARY-ORG-W1",
    "CANARY-PARTY-W1",
    "CANARY-EXTRA-W1",
    "CANARY-HISTORY-NOTE-W1",
    "CANARY-TITLE-AMBER-W2",
    "CANARY-BODY-AMBER-W2",
    "CANARY-ORG-W2",
    "CANARY-TITLE-AMBER-STRICT-W3",
    "CANARY-BODY-AMBER-STRICT-W3",
    "CANARY-TITLE-RED-W4",
    "CANARY-BODY-RED-W4",
    "CANARY-PARTY-W4",
    "CANARY-FINAL-BODY-RED-W4",
    "CANARY-TITLE-DRAFT-W5",
    "CANARY-BODY-DRAFT-W5",
    // A public (CLEAR) decision on a withheld request, on a draft.
    "CANARY-CLEAR-DECISION-ON-WITHHELD-W1",
    "CANARY-CLEAR-INTERIM-ON-DRAFT-W5",
    // Withheld decisions on a public request.
    "CANARY-WITHHELD-FINAL-BODY-P2",
    "CANARY-WITHHELD-INTERIM-BODY-P2",
    // Marked passages in public bodies.
    "CANARY-PASSAGE-AMBER-P1",
    "CANARY-PASSAGE-RED-P1",
    "CANARY-PASSAGE-GREEN-P1",
    "CANARY-PASSAGE-LOWERCASE-P1",
    "canary.passage.p1@example.com",
    "CANARY-PASSAGE-IN-LIST-P1",
    "CANARY-PASSAGE-ADJACENT-ONE-P1",
    "CANARY-PASSAGE-ADJACENT-TWO-P1",
    "CANARY-REPORT-PASSAGE-P1",
    "CANARY-INTERIM-PASSAGE-P2",
    // Attachments: a withheld record's file (name and content), a public
    // record's hidden file.
    "CANARY-ATTACHMENT-CONTENT-W4",
    "canary-withheld-evidence-w4",
    "CANARY-HIDDEN-FILE-P3",
    "keeper-notes-canary",
];

/// Personal data of every request, public ones included.
const PERSONAL_DATA: &[&str] = &[
    "CANARY-NAME-PROPOSER-P1",
    "canary.proposer.p1@example.com",
    "+44 1632 960101",
    "CANARY-NAME-SPONSOR-P1",
    "canary.sponsor.p1@example.com",
    "01632 960102",
    "CANARY-NAME-PROPOSER-P2",
    "canary.proposer.p2@example.com",
    "01632 960201",
    "CANARY-NAME-SPONSOR-P2",
    "canary.sponsor.p2@example.com",
    "01632 960202",
    "CANARY-NAME-PROPOSER-P3",
    "canary.proposer.p3@example.com",
    "01632 960301",
    "CANARY-NAME-SPONSOR-P3",
    "canary.sponsor.p3@example.com",
    "01632 960302",
    "CANARY-NAME-PROPOSER-P4",
    "canary.proposer.p4@example.com",
    "01632 960401",
    "CANARY-NAME-PROPOSER-W1",
    "CANARY-NAME-SPONSOR-W1",
    "01632 960901",
    "01632 960902",
    "CANARY-NAME-PROPOSER-W2",
    "CANARY-NAME-PROPOSER-W3",
    "CANARY-NAME-PROPOSER-W4",
    "CANARY-NAME-PROPOSER-W5",
    "canary.proposer.w5@example.com",
];

/// Dates and values that occur only in withheld records or decisions (the
/// withheld final decision on PUB-2024-002 is approved for SC version
/// 97.531 from 2033-03-03).
const WITHHELD_VALUES: &[&str] = &[
    "97.531",
    "2033-03-03",
    "2024-09-17",
    "2024-09-29",
    "2024-07-23",
    "2023-01-11",
    "2023-02-12",
    "2023-03-13",
    "2023-03-14",
    "2023-04-15",
    "2023-05-16",
    "2023-06-17",
    "2023-06-27",
    "2023-06-28",
    "2023-07-18",
    "2023-07-19",
];

/// One canary from every public place that must be published.
const PUBLIC_CANARIES: &[&str] = &[
    "PUBLIC-TITLE-P1",
    "PUBLIC-TITLE-P2",
    "PUBLIC-TITLE-P3",
    "PUBLIC-TITLE-P4",
    "PUBLIC-ISSUE-P1",
    "PUBLIC-AFTER-AMBER-P1",
    "PUBLIC-LIST-ITEM-ONE-P1",
    "PUBLIC-LIST-ITEM-TWO-P1",
    "PUBLIC-LIST-ITEM-THREE-P1",
    "PUBLIC-AFTER-ADJACENT-P1",
    "PUBLIC-CLEAR-PASSAGE-P1",
    "PUBLIC-WHITE-PASSAGE-P1",
    "PUBLIC-LINKTEXT-WITHHELD-P1",
    "PUBLIC-LINKTEXT-REPORT-P1",
    "PUBLIC-LINKTEXT-GOOD-P1",
    "PUBLIC-FURTHER-SECTION-P1",
    "PUBLIC-SCS-REASON-P1",
    "PUBLIC-NEW-SC-REASON-P1",
    "PUBLIC-HISTORY-NOTE-P1",
    "PUBLIC-PROPOSER-ORG-P1",
    "PUBLIC-SPONSOR-PARTY-P1",
    "PUBLIC-REPORT-SUMMARY-P1",
    "PUBLIC-REPORT-REASONS-P1",
    "PUBLIC-ISSUE-P2",
    "PUBLIC-PROPOSER-ORG-P2",
    "PUBLIC-SPONSOR-PARTY-P2",
    "PUBLIC-INTERIM-BODY-P2",
    "PUBLIC-ISSUE-P3",
    "PUBLIC-PROPOSER-ORG-P3",
    "PUBLIC-SPONSOR-PARTY-P3",
    "PUBLIC-ATTACHMENT-CONTENT-P3",
    "public-evidence-p3.txt",
    "PUBLIC-ISSUE-P4",
    "PUBLIC-PROPOSER-ORG-P4",
    "PUBLIC-URGENT-REASON-P4",
    "PUBLIC-LINKTEXT-DRAFT-P4",
    "PUBLIC-LINKTEXT-RED-P4",
];

fn assert_absent(built: &Built, needles: &[&str], ignore_case: bool) {
    let files = built.files();
    assert!(
        files.len() > 10,
        "the site is nearly empty: {:?}",
        files.keys()
    );
    let leaks: Vec<String> = needles
        .iter()
        .flat_map(|n| {
            occurrences(&files, n, ignore_case)
                .into_iter()
                .map(move |w| format!("{n} in {w}"))
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "withheld material published:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn no_withheld_canary_appears_in_any_output_file_or_path() {
    let built = site();
    assert_absent(&built, WITHHELD_CANARIES, false);
    // Every withheld place says CANARY in some case; no public place does.
    assert_absent(&built, &["canary"], true);
}

#[test]
fn no_withheld_id_appears_in_any_output_file_or_path() {
    let built = site();
    assert_absent(&built, WITHHELD_IDS, false);
    assert_absent(&built, &["SCMR-2099"], true);
}

#[test]
fn no_withheld_date_or_version_appears_anywhere() {
    let built = site();
    assert_absent(&built, WITHHELD_VALUES, false);
    assert!(!built.has("versions/97.531/index.html"));
}

#[test]
fn personal_data_of_proposers_and_sponsors_never_appears() {
    let built = site();
    assert_absent(&built, PERSONAL_DATA, false);
    // Every telephone number of the fixture is in the 01632 960xxx range.
    assert_absent(&built, &["1632 960", "1632960", "@example.com"], false);
}

#[test]
fn every_public_canary_appears_in_the_output() {
    let built = site();
    let files = built.files();
    let missing: Vec<&&str> = PUBLIC_CANARIES
        .iter()
        .filter(|c| occurrences(&files, c, false).is_empty())
        .collect();
    assert!(
        missing.is_empty(),
        "public material not published: {missing:?}"
    );
    for id in PUBLIC_IDS {
        assert!(
            built.has(&format!("requests/{id}/index.html")),
            "{id} has no page"
        );
    }
}

#[test]
fn only_public_requests_are_in_the_open_data_and_sitemap() {
    let built = site();
    let ids: Vec<String> = built
        .json_requests()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, PUBLIC_IDS);

    let csv = built.text("register.csv");
    let csv_ids: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(csv_ids, PUBLIC_IDS, "{csv}");

    let search: serde_json::Value =
        serde_json::from_str(&built.text("search-index.json")).expect("search index is JSON");
    for doc in search.as_array().expect("search index is a list") {
        let id = doc["id"].as_str().unwrap();
        assert!(PUBLIC_IDS.contains(&id), "{id} in the search index");
    }

    let sitemap = built.text("sitemap.xml");
    let request_locs = sitemap.matches("/requests/").count();
    assert_eq!(request_locs, PUBLIC_IDS.len(), "{sitemap}");
    let feed = built.text("feed.xml");
    for id in PUBLIC_IDS {
        assert!(feed.contains(id), "{id} missing from the feed");
    }
}

#[test]
fn tlp_labels_are_read_in_any_case_with_or_without_prefix() {
    // PUB-2024-002 says `tlp:White`, PUB-2024-003 `Clear`, PUB-2024-004
    // `white`: all public, and the label is shown normalised.
    let built = site();
    let class = |id: &str| {
        built.json_request(id)["classification"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(class("PUB-2024-001"), "TLP:CLEAR");
    assert_eq!(class("PUB-2024-002"), "TLP:WHITE");
    assert_eq!(class("PUB-2024-003"), "TLP:CLEAR");
    assert_eq!(class("PUB-2024-004"), "TLP:WHITE");
    // `Tlp:Green`, `AMBER`, `amber+strict` and `TLP:RED` withhold: no page.
    for id in WITHHELD_IDS {
        assert!(
            !built.has(&format!("requests/{id}/index.html")),
            "{id} published"
        );
    }
}

#[test]
fn marked_passages_are_removed_and_clear_ones_kept() {
    let built = site();
    let page = built.page("/requests/PUB-2024-001/");
    for kept in [
        "PUBLIC-ISSUE-P1",
        "PUBLIC-AFTER-AMBER-P1",
        "PUBLIC-AFTER-ADJACENT-P1",
        "PUBLIC-CLEAR-PASSAGE-P1 is kept.",
        "PUBLIC-WHITE-PASSAGE-P1 is kept too.",
        "<li>PUBLIC-LIST-ITEM-ONE-P1</li>",
        "PUBLIC-LIST-ITEM-THREE-P1</li>",
    ] {
        assert!(page.contains(kept), "{kept} missing from the request page");
    }
    // The list survives the passage removed from inside it: three items in
    // one list, in order.
    let one = page.find("PUBLIC-LIST-ITEM-ONE-P1").unwrap();
    let two = page.find("PUBLIC-LIST-ITEM-TWO-P1").unwrap();
    let three = page.find("PUBLIC-LIST-ITEM-THREE-P1").unwrap();
    assert!(one < two && two < three);
    assert!(!page[one..three].contains("</ul>"), "the list was split");
    let report = built.page("/reports/PUB-2024-001/");
    assert!(report.contains("PUBLIC-REPORT-SUMMARY-P1"));
    assert!(report.contains("PUBLIC-REPORT-REASONS-P1"));
    // No marker line, public or not, reaches any file.
    let files = built.files();
    for marker in ["<!-- tlp", "<!--tlp", "<!-- /tlp", "/tlp -->"] {
        let found = occurrences(&files, marker, true);
        assert!(found.is_empty(), "{marker} in {found:?}");
    }
}

#[test]
fn request_with_a_withheld_final_decision_stays_decided() {
    let built = site();
    let r = built.json_request("PUB-2024-002");
    assert_eq!(r["status"], "decided", "{r:#}");
    assert!(r["final_decision"].is_null(), "{r:#}");
    let decisions = r["decisions"].as_array().expect("decisions list");
    assert_eq!(
        decisions.len(),
        1,
        "only the public interim decision: {r:#}"
    );
    assert_eq!(decisions[0]["outcome"], "progressed");

    let page = built.page("/requests/PUB-2024-002/");
    assert!(page.contains("Decided"), "status missing from the page");
    for word in [
        "Approved",
        "Scheduled",
        "Implemented",
        "97.531",
        "Modification Report",
    ] {
        assert!(
            !page.contains(word),
            "{word} on the page of a request whose decision is withheld"
        );
    }
    assert!(!built.has("reports/PUB-2024-002/index.html"));
    assert_absent(&built, &["reports/PUB-2024-002"], false);

    let csv = built.text("register.csv");
    let row = csv
        .lines()
        .find(|l| l.starts_with("PUB-2024-002,"))
        .expect("csv row");
    assert!(row.contains(",decided,"), "{row}");
    assert!(!row.contains("approved"), "{row}");
    // The status list shows it as decided too.
    assert!(
        built
            .page("/status/decided/")
            .contains("/requests/PUB-2024-002/")
    );
}

#[test]
fn withheld_interim_decision_is_left_out_of_the_timeline() {
    let built = site();
    let page = built.page("/requests/PUB-2024-002/");
    assert!(
        page.contains("PUBLIC-INTERIM-BODY-P2"),
        "the public interim decision is missing"
    );
    assert!(
        !page.contains("Deferred"),
        "the withheld (deferred) interim decision shows"
    );
    assert!(!page.contains("CANARY"));
}

#[test]
fn public_decision_on_a_withheld_request_is_not_published() {
    let built = site();
    assert!(!built.has("reports/SCMR-2099-901/index.html"));
    assert_absent(&built, &["CANARY-CLEAR-DECISION-ON-WITHHELD-W1"], false);
    // Its outcome (rejected) is counted nowhere: no public request is rejected.
    for r in built.json_requests() {
        assert_ne!(r["status"], "rejected", "{r:#}");
    }
    assert!(!built.has("status/rejected/index.html"));
}

#[test]
fn public_attachments_are_copied_and_withheld_ones_are_not() {
    let built = site();
    let copied = std::fs::read(
        built
            .out
            .join("requests/PUB-2024-003/public-evidence-p3.txt"),
    )
    .expect("the public attachment is copied");
    let source = std::fs::read(
        common::fixture_content("publication").join("requests/PUB-2024-003/public-evidence-p3.txt"),
    )
    .unwrap();
    assert_eq!(copied, source);
    let page = built.page("/requests/PUB-2024-003/");
    assert!(
        page.contains("public-evidence-p3.txt"),
        "no link to the attachment"
    );
    // The folder record's index.md (front matter with personal data) and
    // hidden files are not attachments.
    let files = built.files();
    let in_folder: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("requests/PUB-2024-003/"))
        .collect();
    assert_eq!(
        in_folder,
        [
            "requests/PUB-2024-003/index.html",
            "requests/PUB-2024-003/public-evidence-p3.txt"
        ]
    );
    // The withheld (RED) folder record: no folder, no file, no content.
    assert!(!built.out.join("requests/SCMR-2099-904").exists());
    assert!(files.keys().all(|p| !p.contains("withheld-evidence")));
    assert_absent(&built, &["CANARY-ATTACHMENT-CONTENT-W4"], false);
}

#[test]
fn link_to_a_withheld_id_renders_as_its_text_alone() {
    let built = site();
    let page = built.page("/requests/PUB-2024-001/");
    // The text stays in its sentence, with no anchor around it.
    assert!(
        page.contains("Compare with the PUBLIC-LINKTEXT-WITHHELD-P1 proposal"),
        "{page}"
    );
    // A link to the report of a request whose final decision is withheld.
    assert!(
        page.contains("the PUBLIC-LINKTEXT-REPORT-P1 later"),
        "{page}"
    );
    // The control: a link to a public request is a link.
    assert!(
        page.contains(r#"<a href="/requests/PUB-2024-003/">PUBLIC-LINKTEXT-GOOD-P1</a>"#),
        "{page}"
    );
    let p4 = built.page("/requests/PUB-2024-004/");
    assert!(p4.contains("see PUBLIC-LINKTEXT-DRAFT-P4 and"), "{p4}");
    assert!(p4.contains("PUBLIC-LINKTEXT-RED-P4."), "{p4}");
    for (html, text) in [
        (&page, "PUBLIC-LINKTEXT-WITHHELD-P1"),
        (&page, "PUBLIC-LINKTEXT-REPORT-P1"),
        (&p4, "PUBLIC-LINKTEXT-DRAFT-P4"),
        (&p4, "PUBLIC-LINKTEXT-RED-P4"),
    ] {
        assert!(
            !html.contains(&format!("{text}</a>")),
            "{text} is still a link"
        );
    }
}

#[test]
fn related_lists_only_public_requests() {
    let built = site();
    assert_eq!(
        built.json_request("PUB-2024-001")["related"],
        serde_json::json!(["PUB-2024-002"])
    );
    assert_eq!(
        built.json_request("PUB-2024-004")["related"],
        serde_json::json!(["PUB-2024-001"])
    );
    let page = built.page("/requests/PUB-2024-001/");
    assert!(
        page.contains("/requests/PUB-2024-002/"),
        "the public related request is missing"
    );
}

#[test]
fn public_request_statuses_and_report_are_published() {
    let built = site();
    let statuses = built.statuses();
    let expected: Vec<(&str, &str)> = vec![
        ("PUB-2024-001", "implemented"),
        ("PUB-2024-002", "decided"),
        ("PUB-2024-003", "triage"),
        ("PUB-2024-004", "submitted"),
    ];
    let got: Vec<(&str, &str)> = statuses
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, expected);
    assert!(built.has("reports/PUB-2024-001/index.html"));
    assert!(built.has("versions/4.2/index.html"));
    let build = &built.run.stderr;
    assert!(build.contains("published 4 requests"), "{build}");
}

#[test]
fn a_request_withheld_after_publication_leaves_no_copy_beside_the_output() {
    // The keeper published PUB-2024-004 by mistake, reclassifies it AMBER
    // and rebuilds: no file the generator keeps may still hold it.
    let site = common::copy_fixture("publication");
    let out = site.beside("public");
    common::build(&site.content(), &out, NOW).expect_code(0);
    assert!(out.join("requests/PUB-2024-004/index.html").is_file());
    let record = site.content().join("requests/PUB-2024-004.md");
    let text = std::fs::read_to_string(&record).unwrap();
    let withheld = text.replace(
        "classification = \"white\"",
        "classification = \"TLP:AMBER\"",
    );
    assert_ne!(text, withheld);
    std::fs::write(&record, withheld).unwrap();
    common::build(&site.content(), &out, NOW).expect_code(0);

    let mut leaks = Vec::new();
    for entry in std::fs::read_dir(site.tmp.path()).unwrap() {
        let path = entry.unwrap().path();
        if path == site.root {
            continue;
        }
        // The lock file beside the output is a file (it holds a process id).
        let files = if path.is_dir() {
            common::tree(&path)
        } else {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            std::collections::BTreeMap::from([(name, std::fs::read(&path).unwrap())])
        };
        for needle in ["PUB-2024-004", "PUBLIC-TITLE-P4", "PUBLIC-URGENT-REASON-P4"] {
            for w in occurrences(&files, needle, false) {
                leaks.push(format!("{needle} in {} {w}", path.display()));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "withheld request still on disk:\n{}",
        leaks.join("\n")
    );
}
