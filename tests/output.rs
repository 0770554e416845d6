//! Output safety and determinism (sections 7 and 8 of the format): the same
//! bytes for the same input and date whatever the thread count; a build
//! replaces only folders it wrote (marked `.register-output`); it never
//! writes over the content folder, the templates, the themes or the site
//! root; bad arguments exit 2 and write nothing. The user's own files in
//! the output are tested in `output_keep.rs`.

mod common;

use common::{
    NOW, assert_same_tree, build, build_fixture, copy_dir, copy_fixture, fixture_content, run, tree,
};
use std::path::Path;

const MARKER: &str = ".register-output";

fn build_threads(content: &Path, out: &Path, threads: &str) {
    run(common::register()
        .env("RAYON_NUM_THREADS", threads)
        .arg("build")
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(out)
        .arg("--now")
        .arg(NOW))
    .expect_code(0);
}

#[test]
fn building_twice_into_two_folders_gives_identical_trees() {
    let a = build_fixture("publication", NOW);
    let b = build_fixture("publication", NOW);
    let files = a.files();
    assert!(files.len() > 20, "{:?}", files.keys());
    assert_same_tree(&files, &b.files(), "two builds of the same input");
}

#[test]
fn thread_count_does_not_change_the_output() {
    // A snapshot of the sample register (many records), built from one copy
    // so concurrent edits of content/ cannot make the builds differ.
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("site").join("content");
    copy_dir(&common::manifest_dir().join("content"), &content);
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    let eight = tmp.path().join("eight");
    build_threads(&content, &one, "1");
    build_threads(&content, &two, "2");
    build_threads(&content, &eight, "8");
    let first = tree(&one);
    assert!(first.len() > 30, "{:?}", first.keys());
    assert_same_tree(&first, &tree(&two), "RAYON_NUM_THREADS=1 vs 2");
    assert_same_tree(&first, &tree(&eight), "RAYON_NUM_THREADS=1 vs 8");
}

#[test]
fn second_build_over_the_first_replaces_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture_content("publication"), &out, NOW).expect_code(0);
    assert!(out.join(MARKER).is_file(), "the output is not marked");
    let first = tree(&out);

    // The same input again: the same tree.
    build(&fixture_content("publication"), &out, NOW).expect_code(0);
    assert_same_tree(&first, &tree(&out), "rebuild of the same input");

    // Another site into the same folder: nothing of the first one is left.
    build(&fixture_content("status"), &out, NOW).expect_code(0);
    let second = tree(&out);
    assert!(second.contains_key(MARKER));
    assert!(second.contains_key("requests/ST-APPROVED/index.html"));
    let stale: Vec<&String> = second.keys().filter(|p| p.contains("PUB-2024")).collect();
    assert!(stale.is_empty(), "stale files: {stale:?}");
    // No staging or old copies were left beside the output (but a spare).
    assert_eq!(common::names_beside_output(tmp.path()), ["public"]);
}

#[test]
fn non_empty_output_without_the_marker_is_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("somebody-elses-folder");
    std::fs::create_dir_all(out.join("notes")).unwrap();
    std::fs::write(out.join("index.html"), "my own page\n").unwrap();
    std::fs::write(out.join("notes/todo.txt"), "keep me\n").unwrap();
    let before = tree(&out);

    let run = build(&fixture_content("status"), &out, NOW);
    run.expect_code(2);
    assert!(run.stderr.contains(MARKER), "{}", run.stderr);
    assert_same_tree(&before, &tree(&out), "a folder register did not write");
    let beside: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["somebody-elses-folder"]);
}

#[test]
fn output_equal_to_the_content_folder_is_refused() {
    let site = copy_fixture("status");
    let before = tree(&site.root);
    let run = build(&site.content(), &site.content(), NOW);
    run.expect_code(2);
    assert_same_tree(&before, &tree(&site.root), "the site after a refused build");
}

#[test]
fn output_equal_to_the_site_root_is_refused() {
    let site = copy_fixture("status");
    let before = tree(&site.root);
    let run = build(&site.content(), &site.root, NOW);
    run.expect_code(2);
    // With a trailing slash too.
    let with_slash = format!("{}/", site.root.display());
    build(&site.content(), Path::new(&with_slash), NOW).expect_code(2);
    assert_same_tree(&before, &tree(&site.root), "the site after a refused build");
    assert!(run.stderr.contains("refusing"), "{}", run.stderr);
}

#[test]
fn output_inside_the_content_folder_is_refused() {
    let site = copy_fixture("status");
    let before = tree(&site.root);
    build(&site.content(), &site.content().join("public"), NOW).expect_code(2);
    build(&site.content(), &site.content().join("requests"), NOW).expect_code(2);
    assert_same_tree(&before, &tree(&site.root), "the site after a refused build");
}

#[test]
fn invalid_now_date_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    for bad in ["2026-13-01", "2026-02-30", "26-11-25", "tomorrow"] {
        let run = build(&fixture_content("status"), &out, bad);
        run.expect_code(2);
        assert!(run.stderr.contains(bad), "{}", run.stderr);
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn missing_content_folder_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&tmp.path().join("no-such-content"), &out, NOW).expect_code(2);
    common::check(&tmp.path().join("no-such-content"), "human").expect_code(2);
    assert!(!out.exists());
}

#[test]
fn build_failing_in_a_template_exits_1_and_leaves_the_previous_output_untouched() {
    let site = copy_fixture("templates");
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(0);
    let before = tree(&out);
    // The site's request template now names a variable no page has.
    std::fs::write(
        site.root.join("templates/request.html"),
        "<p>{{ no_such_variable.anywhere }}</p>\n",
    )
    .unwrap();
    let run = build(&site.content(), &out, "2030-01-01");
    run.expect_code(1);
    assert!(run.stderr.contains("request.html"), "{}", run.stderr);
    assert_same_tree(&before, &tree(&out), "output after a failed render");
    assert_eq!(
        common::names_beside_output(site.tmp.path()),
        ["public", "templates"]
    );
}

#[cfg(unix)]
#[test]
fn rebuilds_keep_the_output_readable_and_the_spare_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let content = fixture_content("publication");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    build(&content, &out, NOW).expect_code(0);
    let first = mode(&out);
    assert_ne!(
        first & 0o005,
        0,
        "the first build's output is not world-readable"
    );
    // Three rebuilds: each swaps the (private) spare in as the output.
    for _ in 0..3 {
        build(&content, &out, NOW).expect_code(0);
        assert_eq!(
            mode(&out),
            first,
            "a rebuild changed the output's permissions"
        );
        let spare = tmp.path().join(".public.register-spare");
        assert_eq!(mode(&spare), 0o700, "the spare is readable by others");
    }
}

#[test]
fn a_rebuild_of_unchanged_content_leaves_unchanged_files_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let content = fixture_content("publication");
    build(&content, &out, NOW).expect_code(0);
    build(&content, &out, NOW).expect_code(0);
    let before = std::fs::metadata(out.join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    // The third build writes into the spare left by the first: same bytes,
    // so the file is not rewritten.
    build(&content, &out, NOW).expect_code(0);
    build(&content, &out, NOW).expect_code(0);
    let after = std::fs::metadata(out.join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "an unchanged page was rewritten");
}

#[cfg(unix)]
#[test]
fn a_link_planted_in_the_output_is_removed_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let content = fixture_content("publication");
    build(&content, &out, NOW).expect_code(0);
    // Someone replaces a page and adds a file with links to a file outside.
    std::fs::remove_file(out.join("index.html")).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("index.html")).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("extra.txt")).unwrap();
    for _ in 0..3 {
        build(&content, &out, NOW).expect_code(0);
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let spare = tmp.path().join(".public.register-spare");
    for dir in [&out, &spare] {
        for entry in walk(dir) {
            let meta = std::fs::symlink_metadata(&entry).unwrap();
            assert!(
                !meta.file_type().is_symlink(),
                "{} is still a link",
                entry.display()
            );
        }
    }
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("<html")
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}

/// Builds `site` into each of `outputs` and asserts every build is refused
/// with exit 2, naming `what`, and that nothing beside the site changed.
fn assert_refused(site: &common::SiteCopy, outputs: &[std::path::PathBuf], what: &str) {
    let before = tree(site.tmp.path());
    for output in outputs {
        let run = build(&site.content(), output, NOW);
        run.expect_code(2);
        assert!(
            run.stderr.contains("refusing") && run.stderr.contains(what),
            "{}: {}",
            output.display(),
            run.stderr
        );
        assert!(run.stderr.contains("--output"), "{}", run.stderr);
        assert_same_tree(&before, &tree(site.tmp.path()), "beside a refused build");
    }
}

#[test]
fn output_at_or_inside_the_templates_or_themes_folder_is_refused_even_before_they_exist() {
    let site = copy_fixture("status");
    let root = &site.root;
    assert!(!root.join("templates").exists() && !root.join("themes").exists());
    assert_refused(
        &site,
        &[
            root.join("templates"),
            root.join("templates/public"),
            root.join("content/../templates"),
            root.join("public/../templates/"),
        ],
        "templates",
    );
    assert_refused(
        &site,
        &[
            root.join("themes"),
            root.join("themes/default"),
            root.join("themes/default/public"),
        ],
        "themes",
    );
    // The site's `templates/` as it is in the fixture that has one.
    let with_templates = copy_fixture("templates");
    let templates = with_templates.root.join("templates");
    assert_refused(
        &with_templates,
        &[templates.clone(), templates.join("public")],
        &templates.display().to_string(),
    );
}

#[cfg(unix)]
#[test]
fn output_overlapping_a_linked_content_templates_or_theme_folder_is_refused() {
    let site = copy_fixture("templates");
    let root = &site.root;
    let link = |target: &Path, at: &Path| {
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::rename(at, target).unwrap();
        std::os::unix::fs::symlink(target, at).unwrap();
    };
    // The templates live elsewhere, linked into the site. (A linked
    // content folder moves the site's root: see
    // `a_linked_content_folder_gives_the_real_site_root`.)
    let elsewhere = site.beside("elsewhere");
    link(&elsewhere.join("templates"), &root.join("templates"));
    // And so does the theme named in site.toml: `themes/` itself is a
    // real folder, so only the theme's own folder protects its target.
    let store = site.beside("theme-store");
    copy_dir(
        &common::manifest_dir().join("themes/default"),
        &store.join("linked"),
    );
    std::fs::create_dir_all(root.join("themes")).unwrap();
    std::os::unix::fs::symlink(store.join("linked"), root.join("themes/linked")).unwrap();
    let toml = root.join("content/site.toml");
    let settings = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{settings}theme = \"linked\"\n")).unwrap();
    build(&site.content(), &site.beside("public"), NOW).expect_code(0);
    std::fs::remove_dir_all(site.beside("public")).unwrap();
    std::fs::remove_dir_all(site.beside(".public.register-spare")).unwrap_or(());

    assert_refused(&site, &[elsewhere.join("templates/public")], "lies inside");
    assert_refused(&site, std::slice::from_ref(&elsewhere), "contains");
    assert_refused(
        &site,
        &[
            store.clone(),
            store.join("linked"),
            store.join("linked/public"),
        ],
        "the theme folder named in site.toml",
    );
}

/// A folder with a link named like the marker, pointing at another site's
/// marker, is not ours: the build refuses it and deletes nothing.
#[cfg(unix)]
#[test]
fn a_linked_marker_does_not_make_a_folder_ours() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content("publication");
    let public = tmp.path().join("public");
    build(&content, &public, NOW).expect_code(0);
    let victim = tmp.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("precious.txt"), "keep me\n").unwrap();
    std::os::unix::fs::symlink(public.join(MARKER), victim.join(MARKER)).unwrap();
    let before = tree(&victim);
    let run = build(&content, &victim, NOW);
    run.expect_code(2);
    assert!(
        run.stderr.contains("refusing to replace") && run.stderr.contains(MARKER),
        "{}",
        run.stderr
    );
    assert_same_tree(&before, &tree(&victim), "a folder with a linked marker");
    assert!(victim.join("precious.txt").is_file());
}

/// A first build that fails while rendering leaves its spare folder behind,
/// holding part of the new site: readable by its owner only.
#[cfg(unix)]
#[test]
fn the_spare_a_failed_render_leaves_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = copy_fixture("templates");
    std::fs::write(
        site.root.join("templates/request.html"),
        "<p>{{ no_such_variable.anywhere }}</p>\n",
    )
    .unwrap();
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(1);
    assert!(!out.exists());
    let spare = site.beside(".public.register-spare");
    let mode = std::fs::metadata(&spare).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the spare left by a failed build is {mode:o}");
}

/// While one build holds the output's lock, another fails at once (exit 2)
/// naming the build that holds it, and changes nothing.
#[test]
fn a_second_build_into_the_same_output_fails_naming_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content("publication");
    let out = tmp.path().join("public");
    build(&content, &out, NOW).expect_code(0);
    let before = tree(&out);
    let lock = register::output::BuildLock::take(&out).expect("the lock is free");
    let run = build(&content, &out, NOW);
    run.expect_code(2);
    let me = format!("process {}", std::process::id());
    assert!(
        run.stderr.contains("another `register build`")
            && run.stderr.contains(&me)
            && run.stderr.contains(".public.register-lock"),
        "{}",
        run.stderr
    );
    assert_same_tree(&before, &tree(&out), "the output while another build runs");
    drop(lock);
    build(&content, &out, NOW).expect_code(0);
}

/// `--content content/requests/..` names the content folder: the site root
/// is the folder that really holds it, so the real `templates/` is
/// protected from `--output` (and used), not a `templates/` inside
/// `content/requests/`.
#[test]
fn a_content_path_through_dot_dot_gives_the_real_site_root() {
    let site = copy_fixture("status");
    let dotted = site.content().join("requests/..");
    let before = tree(site.tmp.path());
    for output in [site.root.join("templates"), site.root.join("themes/x")] {
        let run = build(&dotted, &output, NOW);
        run.expect_code(2);
        assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    }
    assert_same_tree(&before, &tree(site.tmp.path()), "beside refused builds");
    // The site's own template overrides are used through that path too.
    let with_templates = copy_fixture("templates");
    let dotted = with_templates.content().join("requests/..");
    let plain = build_fixture_at(&with_templates.content(), &with_templates.beside("a"));
    let through = build_fixture_at(&dotted, &with_templates.beside("b"));
    assert_same_tree(&plain, &through, "the site built through `requests/..`");
}

fn build_fixture_at(content: &Path, out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    build(content, out, NOW).expect_code(0);
    tree(out)
}

/// A content folder reached through a link: the root is the folder that
/// holds the real one, so its `templates/` cannot be the output (nor can
/// the `templates/` beside the link, where a keeper may look for it), and
/// its template overrides are the ones used.
#[cfg(unix)]
#[test]
fn a_linked_content_folder_gives_the_real_site_root() {
    let site = copy_fixture("templates");
    let elsewhere = site.beside("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let link = elsewhere.join("c");
    std::os::unix::fs::symlink(site.content(), &link).unwrap();
    let before = tree(site.tmp.path());
    for (output, what) in [
        (site.root.join("templates"), "templates"),
        (site.root.join("templates/public"), "templates"),
        (elsewhere.join("templates"), "templates"),
        (elsewhere.join("themes/default"), "themes"),
        (site.root.clone(), "the content folder"),
        (site.content().join("public"), "the content folder"),
        (elsewhere.clone(), "contains"),
    ] {
        let run = build(&link, &output, NOW);
        run.expect_code(2);
        assert!(
            run.stderr.contains("refusing") && run.stderr.contains(what),
            "{}: {}",
            output.display(),
            run.stderr
        );
    }
    assert_same_tree(&before, &tree(site.tmp.path()), "beside refused builds");
    let plain = build_fixture_at(&site.content(), &site.beside("a"));
    let linked = build_fixture_at(&link, &site.beside("b"));
    assert_same_tree(
        &plain,
        &linked,
        "the site built through a linked content folder",
    );
}

/// A symbolic link planted where the build's lock file goes is never
/// written through: the file it points to keeps its bytes, and the build
/// refuses, naming the lock file (attack round 2, N17).
#[cfg(unix)]
#[test]
fn a_linked_lock_file_is_refused_and_its_target_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content("publication");
    let out = tmp.path().join("public");
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "precious data\n").unwrap();
    std::os::unix::fs::symlink(&victim, tmp.path().join(".public.register-lock")).unwrap();
    let run = build(&content, &out, NOW);
    run.expect_code(2);
    assert!(
        run.stderr.contains(".public.register-lock") && run.stderr.contains("not a regular file"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious data\n");
    assert!(!out.exists(), "nothing is written");
    // A lock that is a folder is refused too, and left alone.
    std::fs::remove_file(tmp.path().join(".public.register-lock")).unwrap();
    std::fs::create_dir(tmp.path().join(".public.register-lock")).unwrap();
    build(&content, &out, NOW).expect_code(2);
    std::fs::remove_dir(tmp.path().join(".public.register-lock")).unwrap();
    build(&content, &out, NOW).expect_code(0);
}
