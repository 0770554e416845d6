//! Templates (section 2 of the format, docs/templates.md): a site's own
//! `templates/request.html` replaces the theme's for request pages only.
//!
//! The fixture `tests/fixtures/templates` has no `themes/` folder, so the
//! default theme built into the binary is used, with the site's
//! `templates/request.html` (a template that extends nothing) over it.

mod common;

use common::{NOW, build_fixture, build_ok, copy_fixture};

const MARKER: &str = "SITE-TEMPLATE-OVERRIDE-MARKER";

#[test]
fn site_request_template_overrides_the_theme_for_request_pages() {
    let built = build_fixture("templates", NOW);
    let page = built.page("/requests/TPL-APPROVED/");
    assert!(page.contains(MARKER), "{page}");
    // The variables of docs/templates.md reach the site's template.
    for expected in [
        r#"<html lang="en-GB">"#,
        "<title>TPL-APPROVED: Request TPL-APPROVED | Template override fixture</title>",
        r#"<meta name="generator" content="register "#,
        r#"<body data-kind="request">"#,
        r#"<a href="/">Register</a>"#,
        r#"<h1 data-id="TPL-APPROVED">Request TPL-APPROVED</h1>"#,
        r#"<p class="status" data-status="implemented">Implemented</p>"#,
        r#"<p class="type">sc-modification / SC Modification</p>"#,
        r#"<p class="devices">ESME,PPMID</p>"#,
        r#"<p class="outcome">approved / Approved / 3.1 / 2025-06-15 / urgent=true</p>"#,
        r#"<p class="url">/requests/TPL-APPROVED/</p>"#,
        r#"<p class="classification">TLP:CLEAR</p>"#,
        r#"<p class="org">Status Org</p>"#,
        r#"<p class="sponsor">Status Supplier</p>"#,
        "lessons-learned=Lessons learned;new-equipment=New equipment requirements;",
        r#"<p class="scs">DEV 3.2</p>"#,
        r#"<p class="extra">SSC-2025-07</p>"#,
        r#"<a href="/reports/TPL-APPROVED/">report</a>"#,
        r#"<li data-number="1" data-answer=""><p>The issue of TPL-APPROVED.</p>"#,
        r#"<li data-number="2" data-answer=""><p>Because.</p>"#,
        r#"<li data-number="3" data-answer=""><p>A fix.</p>"#,
        r#"<li data-number="4" data-answer="Yes"><p>Mitigations affected: DEV 3.2.</p>"#,
        "<p>The wording of DEV 3.2 is ambiguous.</p>",
        r#"<li data-number="5" data-answer="No">"#,
        r#"<li data-number="6" data-answer="Yes"><p>Evaluations are on hold.</p>"#,
        r#"<section id="background"><h2>Background</h2><p>A further section.</p>"#,
        r#"<li data-kind="stage">2025-02-06 Triage<p>Triage note.</p>"#,
        r#"<li data-kind="decision">2025-05-06 Final decision: Approved /reports/TPL-APPROVED/</li>"#,
        "<li>/requests/TPL-TRIAGE/ TPL-TRIAGE triage</li>",
        r#"<p class="built">2026-11-25</p>"#,
    ] {
        assert!(page.contains(expected), "{expected} missing from\n{page}");
    }
    assert!(
        !page.contains("Never Shown"),
        "personal data reached the template"
    );
    let triage = built.page("/requests/TPL-TRIAGE/");
    assert!(triage.contains(MARKER));
    for expected in [
        r#"data-status="triage""#,
        r#"<p class="classification">TLP:WHITE</p>"#,
        // Absent optional values are empty, never missing.
        r#"<p class="outcome"> /  /  /  / urgent=false</p>"#,
        r#"<p class="extra"></p>"#,
        "<li>/requests/TPL-TRIAGE/evidence.txt evidence.txt 9 bytes</li>",
    ] {
        assert!(
            triage.contains(expected),
            "{expected} missing from\n{triage}"
        );
    }
    assert!(!triage.contains(r#"class="report""#), "{triage}");
}

#[test]
fn pages_other_than_request_pages_still_use_the_theme() {
    let built = build_fixture("templates", NOW);
    // The same site without its templates/ folder: the theme alone.
    let plain_site = copy_fixture("templates");
    std::fs::remove_dir_all(plain_site.root.join("templates")).unwrap();
    let plain = build_ok(&plain_site.content(), NOW);

    let with = built.files();
    let without = plain.files();
    assert_eq!(
        with.keys().collect::<Vec<_>>(),
        without.keys().collect::<Vec<_>>(),
        "the override changed which files are written"
    );
    let mut request_pages = 0;
    for (path, bytes) in &with {
        let text = String::from_utf8_lossy(bytes);
        if path.starts_with("requests/") && path.ends_with("/index.html") {
            request_pages += 1;
            assert!(
                text.contains(MARKER),
                "{path} does not use the site template"
            );
            assert_ne!(bytes, &without[path], "{path} is the theme's page");
        } else {
            assert!(!text.contains(MARKER), "{path} uses the request template");
            assert_eq!(bytes, &without[path], "{path} differs from the theme's");
        }
    }
    assert_eq!(request_pages, 2);
    // And the theme really renders those pages: the report is a full page.
    let report = built.page("/reports/TPL-APPROVED/");
    assert!(
        report.contains("<main") && report.contains("TPL-APPROVED"),
        "{report}"
    );
    let theme_request = plain.page("/requests/TPL-APPROVED/");
    assert!(!theme_request.contains(MARKER));
}
