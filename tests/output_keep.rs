//! The user's own files in the output folder (section 9 of the format,
//! "Output"): top-level dot-entries and the paths `site.toml` lists in
//! `output_keep` survive every rebuild byte for byte, and nothing else
//! does; a hard-linked snapshot of the output keeps its bytes, because no
//! file is ever written in place.

mod common;

use common::{NOW, SiteCopy, assert_same_tree, build, copy_fixture, tree};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A public request of the `publication` fixture, to withhold.
const WITHHELD: &str = "PUB-2024-004";

fn spare_of(site: &SiteCopy) -> PathBuf {
    site.beside(".public.register-spare")
}

/// Appends a line to the site's `site.toml`.
fn add_setting(site: &SiteCopy, line: &str) {
    let path = site.content().join("site.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(line);
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

/// Replaces `from` by `to` in one content file.
fn edit(site: &SiteCopy, file: &str, from: &str, to: &str) {
    let path = site.content().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn withhold(site: &SiteCopy, file: &str, classification: &str) {
    edit(
        site,
        file,
        &format!("classification = \"{classification}\""),
        "classification = \"TLP:AMBER\"",
    );
}

/// Writes the user's files into the output, as a gh-pages checkout has
/// them: a nested `.git/`, `CNAME`, `.nojekyll`, `.well-known/`.
fn put_users_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let files: BTreeMap<String, Vec<u8>> = [
        (".git/HEAD", b"ref: refs/heads/gh-pages\n".to_vec()),
        (".git/config", b"[core]\n\tbare = false\n".to_vec()),
        (".git/refs/heads/gh-pages", b"0123456789abcdef\n".to_vec()),
        (
            ".git/objects/ab/cdef0123456789",
            vec![0x78, 0x01, 0, 0xff, 7],
        ),
        ("CNAME", b"register.example.org\n".to_vec()),
        (".nojekyll", Vec::new()),
        (
            ".well-known/security.txt",
            b"Contact: mailto:a@b.example\n".to_vec(),
        ),
    ]
    .into_iter()
    .map(|(p, b)| (p.to_string(), b))
    .collect();
    for (rel, bytes) in &files {
        let path = out.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    files
}

/// Panics unless every one of the user's files is in `out` with its bytes.
fn assert_users_files(out: &Path, files: &BTreeMap<String, Vec<u8>>, when: &str) {
    for (rel, bytes) in files {
        let found = std::fs::read(out.join(rel));
        assert!(
            found.as_ref().is_ok_and(|b| b == bytes),
            "{when}: the user's `{rel}` is {found:?}"
        );
    }
}

/// Every path (files and folders) under `dir`, relative, `/`-separated.
fn all_paths(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                stack.push(path.clone());
            }
            let rel = path.strip_prefix(dir).unwrap();
            found.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    found.sort();
    found
}

/// No temporary file of the build is left in the output or the spare.
fn assert_no_temporaries(site: &SiteCopy) {
    for dir in [site.beside("public"), spare_of(site)] {
        let left: Vec<String> = all_paths(&dir)
            .into_iter()
            .filter(|p| p.contains("register-tmp"))
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
    }
}

#[test]
fn users_files_in_the_output_survive_rebuilds_byte_for_byte() {
    let site = copy_fixture("publication");
    // Listed twice, and inside a dot-entry kept anyway: both harmless.
    add_setting(
        &site,
        r#"output_keep = ["downloads/big.zip", "CNAME", "CNAME", ".well-known/security.txt"]"#,
    );
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(0);
    let mut users = put_users_files(&out);
    std::fs::create_dir_all(out.join("downloads")).unwrap();
    std::fs::write(out.join("downloads/big.zip"), [0x50, 0x4b, 3, 4]).unwrap();
    users.insert("downloads/big.zip".into(), vec![0x50, 0x4b, 3, 4]);
    let page = out.join(format!("requests/{WITHHELD}/index.html"));

    // A rebuild of the same content.
    build(&site.content(), &out, NOW).expect_code(0);
    assert_users_files(&out, &users, "after a plain rebuild");
    assert!(page.is_file());

    // A rebuild after a public request became TLP:AMBER.
    withhold(&site, &format!("requests/{WITHHELD}.md"), "white");
    build(&site.content(), &out, NOW).expect_code(0);
    assert_users_files(&out, &users, "after withholding a request");
    assert!(!page.exists(), "the withheld request's page is still there");
    assert!(out.join("index.html").is_file());

    // A rebuild that fails on a content error leaves everything as it was.
    let before = tree(&out);
    std::fs::write(
        site.content().join("requests/BROKEN-1.md"),
        "no front matter\n",
    )
    .unwrap();
    build(&site.content(), &out, NOW).expect_code(1);
    assert_same_tree(&before, &tree(&out), "the output after a failed build");

    // And the next good build still carries them.
    std::fs::remove_file(site.content().join("requests/BROKEN-1.md")).unwrap();
    build(&site.content(), &out, NOW).expect_code(0);
    assert_users_files(&out, &users, "after a good build following a failed one");
    // They live in the output only: never in the spare, never scrubbed.
    let spare = all_paths(&spare_of(&site));
    for rel in users.keys() {
        assert!(!spare.contains(rel), "the user's `{rel}` is in the spare");
    }
    assert_no_temporaries(&site);
}

#[test]
fn files_the_user_did_not_ask_to_keep_do_not_survive() {
    let site = copy_fixture("publication");
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(0);
    std::fs::write(out.join("CNAME"), "not listed in output_keep\n").unwrap();
    std::fs::write(out.join("requests/notes.txt"), "mine\n").unwrap();
    build(&site.content(), &out, NOW).expect_code(0);
    assert!(!out.join("CNAME").exists());
    assert!(!out.join("requests/notes.txt").exists());
}

/// Hard-links every file under `from` into a new tree at `to`, as
/// `cp -al from to` does.
fn hard_link_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            hard_link_tree(&entry.path(), &target);
        } else {
            std::fs::hard_link(entry.path(), target).unwrap();
        }
    }
}

/// Every file's bytes and modification time under `dir`.
fn bytes_and_times(dir: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    tree(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let time = std::fs::metadata(dir.join(&rel))
                .unwrap()
                .modified()
                .unwrap();
            (rel, (bytes, time))
        })
        .collect()
}

#[test]
fn a_hard_linked_snapshot_of_the_output_keeps_its_bytes_across_rebuilds() {
    let site = copy_fixture("publication");
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(0);
    // Each step changes pages; the last one withholds a request.
    let steps: [&dyn Fn(); 3] = [
        &|| {
            edit(
                &site,
                "requests/PUB-2024-001.md",
                "title = \"",
                "title = \"Renamed ",
            )
        },
        &|| {
            edit(
                &site,
                "requests/PUB-2024-003/index.md",
                "title = \"",
                "title = \"Renamed ",
            );
            std::fs::write(
                site.content()
                    .join("requests/PUB-2024-003/public-evidence-p3.txt"),
                "new evidence\n",
            )
            .unwrap();
        },
        &|| withhold(&site, &format!("requests/{WITHHELD}.md"), "white"),
    ];
    let mut snapshots = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let snapshot = site.beside(&format!("snapshot-{i}"));
        hard_link_tree(&out, &snapshot);
        snapshots.push((snapshot.clone(), bytes_and_times(&snapshot)));
        let before = tree(&out);
        // Coarse file clocks: a write through a link must show in the time.
        std::thread::sleep(std::time::Duration::from_millis(30));
        step();
        build(&site.content(), &out, NOW).expect_code(0);
        assert_ne!(before, tree(&out), "step {i} changed no page");
        for (snapshot, taken) in &snapshots {
            let now = bytes_and_times(snapshot);
            let differ: Vec<&String> = taken
                .iter()
                .filter(|(rel, was)| now.get(*rel) != Some(*was))
                .map(|(rel, _)| rel)
                .collect();
            assert!(
                differ.is_empty() && now.len() == taken.len(),
                "after build {}: {} changed: {differ:?}",
                i + 2,
                snapshot.display()
            );
        }
    }
    assert!(!out.join(format!("requests/{WITHHELD}")).exists());
    assert_no_temporaries(&site);
}

#[test]
fn a_dot_file_deep_in_the_output_does_not_keep_a_withheld_request_alive() {
    let site = copy_fixture("publication");
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(0);
    let folder = out.join(format!("requests/{WITHHELD}"));
    std::fs::write(folder.join(".DS_Store"), "Finder was here").unwrap();
    std::fs::create_dir_all(folder.join(".thumbnails")).unwrap();
    std::fs::write(folder.join(".thumbnails/a.png"), "png").unwrap();
    withhold(&site, &format!("requests/{WITHHELD}.md"), "white");
    // Twice: the second build reuses the spare the first one scrubbed.
    for build_number in 1..=2 {
        build(&site.content(), &out, NOW).expect_code(0);
        for dir in [out.clone(), spare_of(&site)] {
            let named: Vec<String> = all_paths(&dir)
                .into_iter()
                .filter(|p| p.contains(WITHHELD))
                .collect();
            assert!(
                named.is_empty(),
                "build {build_number}: {} still names the withheld request: {named:?}",
                dir.display()
            );
        }
    }
}

#[test]
fn output_keep_paths_the_build_writes_are_errors_and_the_output_is_untouched() {
    let site = copy_fixture("publication");
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(0);
    std::fs::write(out.join("CNAME"), "register.example.org\n").unwrap();
    let before = tree(&out);
    let settings = std::fs::read_to_string(site.content().join("site.toml")).unwrap();
    for (keep, clash) in [
        ("index.html", "index.html"),
        ("requests", "requests/"),
        (
            "requests/PUB-2024-001/index.html/x",
            "requests/PUB-2024-001/index.html",
        ),
        // Inside a folder the build writes: it would keep the name of a
        // request withheld later.
        ("requests/PUB-2024-001/notes.pdf", "requests/"),
    ] {
        std::fs::write(
            site.content().join("site.toml"),
            format!("{settings}output_keep = [\"CNAME\", \"{keep}\"]\n"),
        )
        .unwrap();
        let run = build(&site.content(), &out, NOW);
        run.expect_code(1);
        assert!(
            run.stderr.contains(&format!("output_keep entry `{keep}`"))
                && run.stderr.contains(&format!(" `{clash}"))
                && run.stderr.contains("the build writes")
                && run.stderr.contains("site.toml"),
            "{keep}: {}",
            run.stderr
        );
        assert_same_tree(&before, &tree(&out), keep);
    }
}

#[test]
fn invalid_output_keep_entries_are_errors_and_the_output_is_untouched() {
    let site = copy_fixture("publication");
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(0);
    let before = tree(&out);
    let settings = std::fs::read_to_string(site.content().join("site.toml")).unwrap();
    for bad in [
        "../outside",
        "downloads/../../x",
        "/etc/passwd",
        "a//b",
        "downloads/",
        "",
        "./CNAME",
        "a\\\\b",
        ".register-output",
    ] {
        std::fs::write(
            site.content().join("site.toml"),
            format!("{settings}output_keep = [\"CNAME\", \"{bad}\"]\n"),
        )
        .unwrap();
        let run = build(&site.content(), &out, NOW);
        run.expect_code(1);
        assert!(
            run.stderr.contains("output_keep entry 2") && run.stderr.contains("site.toml"),
            "{bad}: {}",
            run.stderr
        );
        assert_same_tree(&before, &tree(&out), bad);
        let check = common::check(&site.content(), "human");
        check.expect_code(1);
        assert!(
            check.stdout.contains("output_keep entry 2"),
            "{bad}: {check:?}"
        );
    }
}

#[test]
fn a_users_entry_a_stopped_build_left_in_the_spare_goes_back_into_the_output() {
    let site = copy_fixture("publication");
    let out = site.beside("public");
    build(&site.content(), &out, NOW).expect_code(0);
    build(&site.content(), &out, NOW).expect_code(0);
    let users = put_users_files(&out);
    // As a build stopped while carrying `.git` over would leave it.
    std::fs::rename(out.join(".git"), spare_of(&site).join(".git")).unwrap();
    build(&site.content(), &out, NOW).expect_code(0);
    users.keys().filter(|k| *k != "CNAME").for_each(|rel| {
        assert_eq!(std::fs::read(out.join(rel)).unwrap(), users[rel], "{rel}");
    });
    // Found in both places, neither copy is touched and the build stops.
    std::fs::create_dir_all(spare_of(&site).join(".nojekyll-dir")).unwrap();
    std::fs::create_dir_all(out.join(".nojekyll-dir")).unwrap();
    std::fs::write(out.join(".nojekyll-dir/mine"), "mine").unwrap();
    let before = tree(&out);
    let run = build(&site.content(), &out, NOW);
    run.expect_code(2);
    assert!(run.stderr.contains("both exist"), "{}", run.stderr);
    assert_same_tree(&before, &tree(&out), "output after the refused swap");
    assert!(spare_of(&site).join(".nojekyll-dir").is_dir());
}
