//! A theme's static files (section 2 and 9 of the format): published as
//! they are, so screened like the site's own text first; a `static/` or
//! `templates/` folder of a theme that is a symbolic link is refused (it
//! could publish any folder, the content folder included); a static file
//! may not take the path of a file the build makes. Found by the hostile
//! keeper's attack (F15).

mod common;

use common::{NOW, build, copy_dir, manifest_dir, tree};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A request, public (`TLP:CLEAR`) or withheld, whose proposer is `name`.
fn request(id: &str, classification: &str, name: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntype = \"sc-modification\"\ntitle = \"Title of {id}\"\n\
         classification = \"{classification}\"\nsubmitted = 2025-01-10\n\
         reasons = [\"lessons-learned\"]\n\n[proposer]\norganisation = \"Org Ltd\"\n\
         name = \"{name}\"\n\n[[history]]\ndate = 2025-01-10\nstage = \"submitted\"\n+++\n\n\
         ## Issue\n\nNothing to see.\n"
    )
}

/// A site with a public `PUB-1`, a withheld `HID-1` whose proposer is
/// Gideon Parr, and a copy of the default theme in `themes/default/`.
struct Site {
    tmp: TempDir,
}

impl Site {
    fn new() -> Site {
        let site = Site {
            tmp: tempfile::tempdir().expect("temp dir"),
        };
        site.write(
            "content/site.toml",
            "title = \"Themes\"\nbase_url = \"https://themes.example.org\"\n",
        );
        site.write(
            "content/requests/PUB-1.md",
            &request("PUB-1", "TLP:CLEAR", "Ann Other"),
        );
        site.write(
            "content/requests/HID-1.md",
            &request("HID-1", "TLP:AMBER", "Gideon Parr"),
        );
        copy_dir(&manifest_dir().join("themes/default"), &site.theme());
        site
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    fn theme(&self) -> PathBuf {
        self.path("themes/default")
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
        std::fs::write(path, text).expect("write");
    }

    /// `register build`, which must fail (exit 1) and write nothing.
    fn refused(&self) -> common::Run {
        let out = self.path("public");
        let run = build(&self.path("content"), &out, NOW);
        run.expect_code(1);
        assert!(!out.exists(), "a refused build wrote {}", out.display());
        run
    }
}

/// Replaces the folder `at` with a symbolic link to `target`.
#[cfg(unix)]
fn link(at: &Path, target: &Path) {
    std::fs::remove_dir_all(at).expect("remove folder");
    std::os::unix::fs::symlink(target, at).expect("link");
}

#[cfg(unix)]
#[test]
fn a_themes_static_or_templates_folder_that_is_a_link_is_refused() {
    for folder in ["static", "templates"] {
        let site = Site::new();
        let at = site.theme().join(folder);
        // A copy elsewhere would do as well: the link itself is refused.
        link(&at, &site.path("content"));
        let run = site.refused();
        assert!(
            run.stderr
                .contains(&format!("`{}` is a symbolic link", at.display()))
                && run
                    .stderr
                    .contains("Replace the link with the folder itself"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("Gideon"), "{}", run.stderr);
    }
}

#[test]
fn a_static_file_at_a_path_the_build_makes_is_an_error_naming_both() {
    for generated in [
        "register.json",
        "index.html",
        "requests/PUB-1/index.html",
        "robots.txt",
    ] {
        let site = Site::new();
        let file = site.theme().join("static").join(generated);
        site.write(&format!("themes/default/static/{generated}"), "stale\n");
        let run = site.refused();
        assert!(
            run.stderr.contains(&format!("`{}`", file.display()))
                && run
                    .stderr
                    .contains(&format!("the file the build makes at `/{generated}`")),
            "{generated}: {}",
            run.stderr
        );
    }
}

#[test]
fn static_files_are_screened_like_the_sites_own_text() {
    let site = Site::new();
    let notes = "Theme notes.\nDesigned with Gideon  Parr.\n";
    site.write("themes/default/static/notes.txt", notes);
    site.write(
        "themes/default/static/requests/HID-1/index.html",
        "<p>old page</p>\n",
    );
    site.write(
        "themes/default/static/extra.css",
        "/* a */\n<!-- TLP:RED -->\n",
    );
    let run = site.refused();
    let static_dir = site.theme().join("static");
    let hid = site.path("content/requests/HID-1.md");
    for (file, place, words) in [
        (
            static_dir.join("notes.txt"),
            ":2:15:",
            format!(
                "holds the name declared under [proposer] in `{}`",
                hid.display()
            ),
        ),
        (
            static_dir.join("requests/HID-1/index.html"),
            ":1:1:",
            "names `HID-1`, a request that is withheld".to_string(),
        ),
        (
            static_dir.join("extra.css"),
            ":2:1:",
            "a theme's static file is published as it is".to_string(),
        ),
    ] {
        let at = format!("{}{place} error: ", file.display());
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(&at) && l.contains(&words)),
            "no `{at}` … `{words}`:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("(in the file's path in the site)"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.to_ascii_lowercase().contains("gideon"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_clean_theme_copy_builds_and_publishes_its_static_files_as_they_are() {
    let site = Site::new();
    site.write("themes/default/static/notes.txt", "Theme notes.\n");
    let out = site.path("public");
    build(&site.path("content"), &out, NOW).expect_code(0);
    let files = tree(&out);
    assert_eq!(files["notes.txt"], b"Theme notes.\n");
    let css = std::fs::read(site.theme().join("static/style.css")).expect("read");
    assert_eq!(files["style.css"], css);
}

/// The literal text of templates read from disk (the site's `templates/`
/// overrides, a theme's own) is published on every page they make, so it
/// is screened like a text attachment; a theme's binary static files are
/// read like binary attachments (N10). The copied default theme passes.
#[test]
fn template_overrides_and_binary_static_files_are_screened() {
    let site = Site::new();
    let out = site.path("public");
    build(&site.path("content"), &out, NOW).expect_code(0);
    std::fs::remove_dir_all(&out).unwrap();

    let page = std::fs::read_to_string(site.theme().join("templates/404.html")).unwrap();
    let at = page.rfind("{% endblock").expect("a block");
    let footer = "<p>Contact Gideon Parr on 07700 900123 about HID-1 <!-- TLP:RED --> red <!-- /TLP --></p>\n";
    site.write(
        "templates/404.html",
        &format!("{}{footer}{}", &page[..at], &page[at..]),
    );
    let run = site.refused();
    let template = site.path("templates/404.html").display().to_string();
    for message in [
        "declared under [proposer]",
        "telephone number",
        "a request that is withheld",
        "TLP passage marker",
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(&template) && l.contains(message)),
            "no `{message}` for the template:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("Gideon"), "{}", run.stderr);
    std::fs::remove_file(site.path("templates/404.html")).unwrap();

    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x1btEXtAuthor\x00".to_vec();
    png.extend("Gideon Parr".encode_utf16().flat_map(u16::to_le_bytes));
    png.extend(b"\x00\xff\xfe");
    std::fs::write(site.theme().join("static/logo.png"), &png).unwrap();
    let run = site.refused();
    assert!(
        run.stderr.contains("logo.png") && run.stderr.contains("in the file's bytes"),
        "{}",
        run.stderr
    );
}
