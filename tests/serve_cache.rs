//! `register serve` rebuilds from what it kept of the last build
//! (`build::render_site_cached`). After every kind of edit, the site it
//! serves must be byte for byte the site a full build makes, and an edit to
//! one request must re-render only that request.

mod common;

use register::build::{BuildCache, BuildOptions, render_site, render_site_cached};
use register::model::date::Date;
use std::collections::BTreeMap;
use std::path::Path;

type Files = BTreeMap<String, Vec<u8>>;

fn files(rendered: register::build::Rendered) -> Files {
    rendered
        .files
        .into_iter()
        .map(|f| (f.path, common::contents_bytes(f.contents)))
        .collect()
}

fn options(content: &Path, today: &str) -> BuildOptions {
    BuildOptions {
        content: content.to_path_buf(),
        today: Date::parse(today).expect("a date"),
        base_url: None,
    }
}

/// Rebuilds with the cache and checks the result against a full build.
fn rebuild_matches(cache: &mut BuildCache, options: &BuildOptions, what: &str) -> Files {
    let cached = files(render_site_cached(options, cache).expect("the cached build succeeds"));
    let mut full = files(render_site(options).expect("the full build succeeds"));
    // The manifest is for releases: the preview server does not make it.
    full.remove("register-manifest.json")
        .expect("a build makes its manifest");
    common::assert_same_tree(&full, &cached, what);
    cached
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn cached_rebuilds_equal_full_builds_after_every_kind_of_edit() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let content = tmp.path().join("content");
    common::copy_dir(&common::manifest_dir().join("content"), &content);
    let today = options(&content, "2026-11-25");
    let mut cache = BuildCache::default();
    let first = rebuild_matches(&mut cache, &today, "first build");
    let requests = first
        .keys()
        .filter(|p| p.starts_with("requests/") && p.ends_with("/index.html"))
        .count();
    assert!(requests > 10, "the sample has public requests");
    assert_eq!(
        cache.requests_rendered(),
        requests,
        "the first build renders every request"
    );

    rebuild_matches(&mut cache, &today, "nothing changed");
    assert_eq!(
        cache.requests_rendered(),
        0,
        "nothing changed, nothing re-rendered"
    );

    let one = content.join("requests/SCMR-2019-001.md");
    let two = content.join("requests/SCMR-2019-002.md");
    std::fs::write(
        &one,
        std::fs::read_to_string(&one).expect("read") + "\nA sentence added in the preview.\n",
    )
    .expect("write");
    let after = rebuild_matches(&mut cache, &today, "a body edited");
    assert_eq!(
        cache.requests_rendered(),
        1,
        "only the edited request re-renders"
    );
    assert!(
        String::from_utf8_lossy(&after["requests/SCMR-2019-001/index.html"])
            .contains("A sentence added in the preview.")
    );

    // SCMR-2019-002 shows SCMR-2019-001 as related and links to it.
    edit(&one, "title = \"Adopt", "title = \"Retitled: adopt");
    let after = rebuild_matches(&mut cache, &today, "a title edited");
    assert!(
        String::from_utf8_lossy(&after["requests/SCMR-2019-002/index.html"])
            .contains("Retitled: adopt"),
        "the related request's page shows the new title"
    );
    assert!(String::from_utf8_lossy(&after["index.html"]).contains("Retitled: adopt"));

    // Withheld: gone from every page, links to it become text.
    edit(
        &one,
        "classification = \"WHITE\"",
        "classification = \"TLP:AMBER\"",
    );
    let after = rebuild_matches(&mut cache, &today, "a request withheld");
    assert!(!after.keys().any(|p| p.contains("SCMR-2019-001/")));
    assert!(
        !String::from_utf8_lossy(&after["requests/SCMR-2019-002/index.html"])
            .contains("/requests/SCMR-2019-001/")
    );
    edit(
        &one,
        "classification = \"TLP:AMBER\"",
        "classification = \"WHITE\"",
    );
    rebuild_matches(&mut cache, &today, "the request published again");

    edit(&two, "related = [\"SCMR-2019-001\"]", "related = []");
    rebuild_matches(&mut cache, &today, "a relation removed");

    let interim = content.join("decisions/SCMR-2019-004-interim-1.md");
    edit(
        &interim,
        "## Summary",
        "## Summary\n\nAn interim note edited.",
    );
    rebuild_matches(&mut cache, &today, "an interim decision edited");
    std::fs::remove_file(&interim).expect("remove");
    rebuild_matches(&mut cache, &today, "an interim decision removed");

    let fin = content.join("decisions/SCMR-2019-001-final.md");
    let text = std::fs::read_to_string(&fin).expect("read");
    std::fs::write(
        &fin,
        text.replacen("+++\n\n", "+++\n\nA first line of the report.\n\n", 1),
    )
    .expect("write");
    rebuild_matches(&mut cache, &today, "a Modification Report edited");

    // A broken build keeps nothing wrong for the next one.
    std::fs::write(&one, "+++\nid = \n").expect("write");
    assert!(render_site_cached(&today, &mut cache).is_err());
    std::fs::write(
        &one,
        std::fs::read(common::manifest_dir().join("content/requests/SCMR-2019-001.md"))
            .expect("read"),
    )
    .expect("write");
    rebuild_matches(&mut cache, &today, "the broken request fixed");

    edit(
        &content.join("site.toml"),
        "title = \"CPA",
        "title = \"The CPA",
    );
    rebuild_matches(&mut cache, &today, "site.toml edited");

    rebuild_matches(
        &mut cache,
        &options(&content, "2030-01-01"),
        "a later build date",
    );
}
