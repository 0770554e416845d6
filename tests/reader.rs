//! What a reader gets from the sample register (issue 11): decisions and
//! dates in every list, where a request stands and since when, key facts,
//! supersession both ways, a page per mitigation, the guide and the
//! statistics, feeds beside lists and requests, and the open data's
//! descriptions. Each new page or file is also searched for what the
//! sample withholds: none of it may show.

mod common;

use common::{Built, build_ok, manifest_dir};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The sample's build date in these tests.
const NOW: &str = "2026-12-02";

/// Ids the sample withholds (non-public colours, a draft).
const WITHHELD_IDS: &[&str] = &[
    "SCMR-2019-003",
    "SCMR-2023-006",
    "SCMR-2025-002",
    "SCMR-2026-001",
    "SCMR-2026-004",
    "URC-2025-002",
];

/// Words only withheld decisions hold: the interim deferral of
/// SCMR-2024-003 (AMBER) and the final decision on SCMR-2021-003 (AMBER).
const WITHHELD_TEXT: &[&str] = &[
    "Lanthorn LD-40",
    "readout protection level 1",
    "three production units",
];

fn sample() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build_ok(&manifest_dir().join("content"), NOW))
}

/// The text of one table row of the index, by request id.
fn index_row(built: &Built, id: &str) -> String {
    let index = built.page("/");
    let at = index
        .find(&format!("<th scope=\"row\" class=\"col-id\">{id}</th>"))
        .unwrap_or_else(|| panic!("no row for {id}"));
    let start = index[..at].rfind("<tr").expect("row start");
    let end = at + index[at..].find("</tr>").expect("row end");
    index[start..end].to_string()
}

#[test]
fn lists_show_decided_takes_effect_and_last_updated() {
    let built = sample();
    let index = built.page("/");
    for column in ["Submitted", "Decided", "Takes effect", "Last updated"] {
        assert!(
            index.contains(&format!(">{column}</th>")),
            "no {column} column"
        );
    }
    // An approved change: decided, takes effect in its version.
    let row = index_row(built, "SCMR-2019-004");
    let fin = &built.json_request("SCMR-2019-004")["final_decision"];
    let decided = fin["date"].as_str().unwrap();
    let effect = fin["implementation_date"].as_str().unwrap();
    assert!(
        row.contains(&format!("<time datetime=\"{decided}\">")),
        "{row}"
    );
    assert!(
        row.contains(&format!("<time datetime=\"{effect}\">")),
        "{row}"
    );
    assert!(
        row.contains(&format!("(SC {})", fin["sc_version"].as_str().unwrap())),
        "{row}"
    );
    // Dates read as people write them.
    assert!(index.contains(">15 January 2025</time>"), "long dates");
    // Every status tag says what the status means.
    assert!(row.contains("href=\"/about/#status-"), "{row}");
}

#[test]
fn a_deferred_request_says_so_with_its_stage_and_since_when() {
    let built = sample();
    let row = index_row(built, "SCMR-2025-001");
    assert!(
        row.contains("NCSC review") && row.contains(">Deferred<"),
        "{row}"
    );
    assert!(
        row.contains("since <time datetime=\"2025-09-10\">10 September 2025</time>"),
        "{row}"
    );
    let page = built.page("/requests/SCMR-2025-001/");
    assert!(page.contains("class=\"key-facts\""), "key facts banner");
    assert!(page.contains("NCSC review, deferred"), "stands at");
    // A withheld interim deferral shows nowhere.
    let other = index_row(built, "SCMR-2024-003");
    assert!(!other.contains("Deferred"), "{other}");
    assert!(
        !built
            .page("/requests/SCMR-2024-003/")
            .contains("tag-paused")
    );
}

#[test]
fn the_timeline_lists_each_event_once_and_when_it_takes_effect() {
    let built = sample();
    let page = built.page("/requests/SCMR-2025-001/");
    let timeline = &page[page.find("timeline-heading").unwrap()..];
    let timeline = &timeline[..timeline.find("</ol>").unwrap()];
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in timeline.split("<li class=\"timeline-").skip(1) {
        let date = entry
            .split("datetime=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        *seen.entry(date).or_default() += 1;
    }
    assert_eq!(seen.get("2025-09-10"), Some(&1), "{seen:?}");
    assert_eq!(seen.get("2025-02-12"), Some(&1), "{seen:?}");
    let approved = built.page("/requests/SCMR-2019-004/");
    assert!(approved.contains("timeline-effect"), "a takes-effect entry");
    assert!(approved.contains("Takes effect in SC version"));
}

#[test]
fn a_withheld_final_decision_reads_decision_not_published() {
    let built = sample();
    assert_eq!(built.statuses()["SCMR-2021-003"], "decided");
    let page = built.page("/requests/SCMR-2021-003/");
    assert!(
        page.contains("Decision not published"),
        "key facts and details"
    );
    assert!(!page.contains("Not yet assigned") && !page.contains("Not yet set"));
    // Its version and date stay withheld.
    assert!(!page.contains("/versions/2.1/") && !page.contains("1 October 2024"));
    assert!(index_row(built, "SCMR-2021-003").contains("Decision not published"));
}

#[test]
fn supersession_shows_both_ways_and_never_through_a_withheld_request() {
    let built = sample();
    let newer = built.page("/requests/SCMR-2026-002/");
    assert!(newer.contains("This request supersedes <a href=\"/requests/SCMR-2019-001/\">"));
    let older = built.page("/requests/SCMR-2019-001/");
    assert!(older.contains("superseded by <a href=\"/requests/SCMR-2026-002/\">"));
    assert!(index_row(built, "SCMR-2019-001").contains("tag-superseded"));
    // SCMR-2023-006 (RED) supersedes SCMR-2019-004: not a word of it.
    assert!(!index_row(built, "SCMR-2019-004").contains("tag-superseded"));
    assert!(
        !built
            .page("/requests/SCMR-2019-004/")
            .contains("superseded")
    );
    assert_eq!(
        built.json_request("SCMR-2019-004")["superseded_by"],
        serde_json::json!([])
    );
}

#[test]
fn each_mitigation_has_a_page_and_the_index_groups_them() {
    let built = sample();
    let page = built.page("/mitigations/DEV-7.3/");
    assert!(
        page.contains("SCMR-2025-004"),
        "the request affecting DEV 7.3"
    );
    let all = built.page("/mitigations/");
    for group in [
        "Development mitigations (DEV)",
        "Verification mitigations (VER)",
        "Deployment mitigations (DEP)",
    ] {
        assert!(all.contains(group), "{group}");
    }
    let versions = built.page("/versions/");
    assert!(
        versions.contains("href=\"/mitigations/"),
        "versions name mitigations"
    );
    assert!(versions.contains("Devices: "), "versions name devices");
}

#[test]
fn device_names_are_spelled_out() {
    let built = sample();
    let page = built.page("/requests/SCMR-2025-001/");
    assert!(
        page.contains("<abbr title=\"HAN Connected Auxiliary Load Control Switch\">HCALCS</abbr>")
    );
    assert!(
        built.page("/devices/ihd/").contains("In-Home Display"),
        "from site.toml"
    );
}

#[test]
fn about_defines_every_status_the_tags_link_to() {
    let built = sample();
    let about = built.page("/about/");
    for status in built.statuses().values() {
        assert!(
            about.contains(&format!("id=\"status-{status}\"")),
            "{status}"
        );
    }
    for step in [
        "Triage",
        "NCSC review",
        "Working Group",
        "Modification Report",
        "implementation date",
        "Sub-Version",
    ] {
        assert!(about.contains(step), "{step}");
    }
}

#[test]
fn statistics_are_svg_charts_with_their_figures_in_tables() {
    let built = sample();
    let stats = built.page("/statistics/");
    assert_eq!(stats.matches("<svg").count(), 3, "three charts");
    assert_eq!(stats.matches("<desc id=").count(), 3);
    assert!(stats.matches("<table class=\"figures\">").count() >= 3);
    for svg in stats.split("<svg").skip(1) {
        let svg = &svg[..svg.find("</svg>").expect("closed")];
        assert!(
            svg.contains("<title id=") && !svg.contains("<script"),
            "{svg}"
        );
    }
    assert!(stats.contains("Decision not published"));
}

#[test]
fn lists_and_requests_have_feeds_linked_as_alternates() {
    let built = sample();
    let files = built.files();
    for page in [
        "status/open/",
        "status/implemented/",
        "devices/esme/",
        "requests/SCMR-2025-001/",
    ] {
        let feed = String::from_utf8(files[&format!("{page}feed.xml")].clone()).unwrap();
        let doc = roxmltree::Document::parse(&feed).expect("a feed is XML");
        let entries = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .count();
        assert!(entries >= 1, "{page}feed.xml is empty");
        let html = built.page(&format!("/{page}"));
        assert!(
            html.contains(&format!(
                "rel=\"alternate\" type=\"application/atom+xml\" href=\"/{page}feed.xml\""
            )),
            "{page} links its feed"
        );
    }
}

#[test]
fn the_open_data_is_described_and_its_urls_are_absolute() {
    let built = sample();
    let package: serde_json::Value = serde_json::from_str(&built.text("datapackage.json")).unwrap();
    let schema = &package["resources"][0]["schema"];
    assert_eq!(schema["primaryKey"], serde_json::json!(["id"]));
    let status = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "status")
        .unwrap();
    assert!(
        status["constraints"]["enum"]
            .as_array()
            .unwrap()
            .contains(&"decided".into())
    );
    let json_schema: serde_json::Value =
        serde_json::from_str(&built.text("register.schema.json")).unwrap();
    assert_eq!(
        json_schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let csv = built.text("register.csv");
    for line in csv.lines().skip(1) {
        assert!(line.ends_with('/') && line.contains(",https://"), "{line}");
    }
}

#[test]
fn nothing_withheld_reaches_the_new_pages_and_files() {
    let built = sample();
    let new_parts = [
        "about/",
        "statistics/",
        "mitigations/",
        "types/",
        "years/",
        "status/open/",
        "status/closed/",
        "datapackage.json",
        "register.schema.json",
        "print.css",
        "search-index.json",
    ];
    for (path, bytes) in built.files() {
        let new = new_parts.iter().any(|p| path.starts_with(p)) || path.ends_with("feed.xml");
        let text = String::from_utf8_lossy(&bytes);
        let looked_at = new || path.ends_with(".html") || path.ends_with(".json");
        if !looked_at {
            continue;
        }
        for id in WITHHELD_IDS {
            assert!(!text.contains(id), "{path} names withheld {id}");
        }
        for words in WITHHELD_TEXT {
            assert!(
                !text.contains(words),
                "{path} holds withheld text {words:?}"
            );
        }
    }
}

#[test]
fn the_new_pages_are_the_same_bytes_on_every_build() {
    let again = build_ok(&manifest_dir().join("content"), NOW);
    common::assert_same_tree(
        &sample().files(),
        &again.files(),
        "two builds of the sample",
    );
}
