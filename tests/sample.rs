//! The sample register in `content/` checks without errors and builds into
//! every path of section 7 of the format. What is expected is read from the
//! build's own `register.json`, so the test follows edits of the sample
//! while still requiring each kind of page to exist.

mod common;

use common::{NOW, build_ok, check, manifest_dir};
use std::collections::BTreeSet;

#[test]
fn sample_register_checks_with_zero_errors() {
    let run = check(&manifest_dir().join("content"), "json");
    run.expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["errors"], 0, "{doc:#}");
}

#[test]
fn sample_register_builds_every_path_of_section_7() {
    let built = build_ok(&manifest_dir().join("content"), NOW);
    assert!(built.run.stderr.contains("built "), "{}", built.run.stderr);
    assert!(!built.run.stderr.contains("error"), "{}", built.run.stderr);
    let requests = built.json_requests();
    assert!(
        requests.len() >= 10,
        "the sample publishes {} requests",
        requests.len()
    );

    let mut expected: BTreeSet<String> = [
        "index.html",
        "versions/index.html",
        "feed.xml",
        "register.json",
        "register.csv",
        "sitemap.xml",
        "404.html",
        "search/index.html",
        "search-index.json",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let mut statuses = BTreeSet::new();
    let mut devices = BTreeSet::new();
    let mut versions = BTreeSet::new();
    let mut reports = 0;
    for r in &requests {
        let id = r["id"].as_str().unwrap();
        expected.insert(format!("requests/{id}/index.html"));
        statuses.insert(r["status"].as_str().unwrap().to_string());
        for d in r["devices"].as_array().unwrap() {
            devices.insert(d.as_str().unwrap().to_ascii_lowercase());
        }
        let fin = &r["final_decision"];
        if !fin.is_null() {
            reports += 1;
            expected.insert(format!("reports/{id}/index.html"));
            if fin["outcome"] == "approved" {
                versions.insert(fin["sc_version"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(reports > 0 && !devices.is_empty() && !versions.is_empty());
    assert!(statuses.len() >= 3, "{statuses:?}");
    for s in &statuses {
        expected.insert(format!("status/{s}/index.html"));
    }
    for d in &devices {
        expected.insert(format!("devices/{d}/index.html"));
    }
    for v in &versions {
        expected.insert(format!("versions/{v}/index.html"));
    }
    let files = built.files();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|p| !files.contains_key(*p))
        .collect();
    assert!(missing.is_empty(), "missing from the site: {missing:?}");

    // The open data and the feed are well formed and complete.
    let csv = built.text("register.csv");
    assert_eq!(csv.lines().count(), requests.len() + 1, "{csv}");
    let feed = built.text("feed.xml");
    assert!(feed.starts_with("<?xml") && feed.contains("<feed") && feed.contains("<entry>"));
    let search: serde_json::Value =
        serde_json::from_str(&built.text("search-index.json")).expect("search index is JSON");
    assert!(search.as_array().is_some_and(|a| a.len() >= requests.len()));
    assert!(built.text("404.html").contains("<html"));
}

#[test]
fn sample_sitemap_lists_exactly_the_html_pages_but_404() {
    let built = build_ok(&manifest_dir().join("content"), NOW);
    let base = built.register_json()["base_url"]
        .as_str()
        .unwrap()
        .to_string();
    let sitemap = built.text("sitemap.xml");
    let locs: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .map(|u| {
            u.strip_prefix(&base)
                .unwrap_or_else(|| panic!("{u} is not under {base}"))
                .to_string()
        })
        .collect();
    let pages: BTreeSet<String> = common::page_urls(&built.files()).into_iter().collect();
    assert_eq!(locs, pages);
    assert!(!sitemap.contains("404.html"));
}
