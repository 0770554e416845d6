//! `register new sc-modification|refurbishment-use-case`: a new request file with every field of the format, ready
//! to fill in (section 3.1).
//!
//! The id is the next free one for its prefix and year: one more than the
//! highest number any request file or folder in `requests/` uses, whether
//! that record is public, withheld or broken. The file starts classified
//! TLP:AMBER, so nothing of it is published until a keeper says it may be.

use super::ScaffoldError;
use crate::model::date::Date;
use crate::model::vocabulary::{BUILT_IN_DEVICES, MITIGATION_PREFIXES, Reason};
use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The kind of request to create, as `register new` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// An SC Modification Request (`SCMR-<year>-<NNN>`).
    ScModification,
    /// A Use Case for Guidance on Device Refurbishment (`URC-<year>-<NNN>`).
    RefurbishmentUseCase,
}

impl Kind {
    /// The id prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::ScModification => "SCMR",
            Kind::RefurbishmentUseCase => "URC",
        }
    }

    /// The `type` value of the record.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::ScModification => "sc-modification",
            Kind::RefurbishmentUseCase => "refurbishment-use-case",
        }
    }
}

/// `id = "..."` at the start of a line of front matter.
static ID_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^id\s*=\s*"([^"\n]*)""#).expect("valid pattern"));

/// The number of `id` when it is `<prefix>-<year>-<digits>`.
fn number_of(id: &str, prefix: &str, year: i32) -> Option<u64> {
    let rest = id.strip_prefix(prefix)?.strip_prefix('-')?;
    let (y, n) = rest.split_once('-')?;
    if y != format!("{year:04}") || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// The next id for `prefix` and `year`, given every id or name in use.
pub fn next_id<'a>(used: impl IntoIterator<Item = &'a str>, prefix: &str, year: i32) -> String {
    let highest = used
        .into_iter()
        .filter_map(|id| number_of(id.trim(), prefix, year))
        .max()
        .unwrap_or(0);
    format!("{prefix}-{year:04}-{:03}", highest.saturating_add(1))
}

/// Every id in use in `requests/`: file and folder names (without `.md`)
/// and the `id` in each record's front matter, readable or not.
pub fn used_ids(requests: &Path) -> std::io::Result<Vec<String>> {
    let mut used = Vec::new();
    if !requests.is_dir() {
        return Ok(used);
    }
    for entry in std::fs::read_dir(requests)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let text_path = if path.is_dir() {
            used.push(name);
            path.join("index.md")
        } else {
            used.push(name.strip_suffix(".md").unwrap_or(&name).to_string());
            path
        };
        // Unreadable or not UTF-8: its name still counts.
        if let Ok(bytes) = std::fs::read(&text_path) {
            let text = String::from_utf8_lossy(&bytes);
            used.extend(ID_LINE.captures_iter(&text).map(|c| c[1].to_string()));
        }
    }
    Ok(used)
}

/// A title as a TOML string, quoted and escaped.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn quoted_list(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` as TOML comment lines of at most 78 characters, broken at spaces.
fn comment_lines(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= 78 => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(format!("#   {word}")),
        }
    }
    lines.join("\n")
}

/// The file a new request starts from, with `{name}` holes filled by
/// [`render`]: kept as a file so that what a keeper receives can be read
/// and edited as the keeper sees it.
const REQUEST_TEMPLATE: &str = include_str!("request.md");

/// The text of a new request file.
pub fn render(kind: Kind, id: &str, title: &str, date: Date) -> String {
    let reasons_rule = match kind {
        Kind::ScModification => "Required: at least one of:",
        Kind::RefurbishmentUseCase => "Optional for a use case; any of:",
    };
    let date = date.to_string();
    let holes = [
        ("{date}", date.as_str()),
        ("{id}", id),
        ("{slug}", kind.slug()),
        ("{title}", &toml_string(title)),
        ("{reasons_rule}", reasons_rule),
        (
            "{reasons}",
            &comment_lines(&quoted_list(Reason::ALL.iter().map(|r| r.slug()))),
        ),
        ("{devices}", &quoted_list(BUILT_IN_DEVICES)),
        ("{prefixes}", &MITIGATION_PREFIXES.join(", ")),
    ];
    fill(REQUEST_TEMPLATE, &holes)
}

/// `template` with each `{name}` hole replaced by its value, in one pass:
/// a value that happens to contain `{id}` (a title, say) is never filled
/// again.
pub(super) fn fill(template: &str, holes: &[(&str, &str)]) -> String {
    let mut text = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        rest = &rest[open..];
        match holes.iter().find(|(hole, _)| rest.starts_with(hole)) {
            Some((hole, value)) => {
                text.push_str(value);
                rest = &rest[hole.len()..];
            }
            None => {
                text.push('{');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    text
}

/// Writes a new request file for `kind` into `content/requests/` and
/// returns its path. Never overwrites a file.
pub fn create(
    content: &Path,
    kind: Kind,
    title: &str,
    date: Date,
) -> Result<PathBuf, ScaffoldError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(ScaffoldError::Refused(
            "the title is empty: give the proposed title".to_string(),
        ));
    }
    if title.contains(['\n', '\r']) {
        return Err(ScaffoldError::Refused(
            "the title must be one line".to_string(),
        ));
    }
    if !content.is_dir() {
        return Err(super::no_content_folder(content));
    }
    let requests = content.join("requests");
    let used = used_ids(&requests).map_err(|source| ScaffoldError::Io {
        path: requests.clone(),
        source,
    })?;
    let id = next_id(used.iter().map(String::as_str), kind.prefix(), date.year());
    let path = requests.join(format!("{id}.md"));
    super::write_new(&path, &render(kind, &id, title, date))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn next_id_starts_at_one_and_pads() {
        assert_eq!(next_id([], "SCMR", 2026), "SCMR-2026-001");
        assert_eq!(next_id(["URC-2026-009"], "URC", 2026), "URC-2026-010");
        assert_eq!(next_id(["URC-2026-999"], "URC", 2026), "URC-2026-1000");
    }

    #[test]
    fn next_id_follows_the_highest_not_the_gaps() {
        let used = ["SCMR-2026-001", "SCMR-2026-004", "SCMR-2026-002"];
        assert_eq!(next_id(used, "SCMR", 2026), "SCMR-2026-005");
    }

    #[test]
    fn next_id_ignores_other_years_and_prefixes() {
        let used = [
            "SCMR-2025-017",
            "URC-2026-008",
            "XSCMR-2026-050",
            "SCMR-2026-003",
            "SCMR-2026-003-final",
            "SCMR-2026-0x4",
            "SCMR-20260-009",
        ];
        assert_eq!(next_id(used, "SCMR", 2026), "SCMR-2026-004");
        assert_eq!(next_id(used, "URC", 2026), "URC-2026-009");
        assert_eq!(next_id(used, "URC", 2025), "URC-2025-001");
    }

    #[test]
    fn used_ids_counts_names_folders_and_front_matter() {
        let dir = tempfile::tempdir().unwrap();
        let requests = dir.path().join("requests");
        std::fs::create_dir_all(requests.join("SCMR-2026-007")).unwrap();
        std::fs::write(
            requests.join("SCMR-2026-007/index.md"),
            "+++\nid = \"SCMR-2026-008\"\n+++\n",
        )
        .unwrap();
        // A withheld or broken record still holds its id; so does its name.
        std::fs::write(
            requests.join("draft.md"),
            "+++\nid  =  \"SCMR-2026-011\"\nbroken = \n+++\n",
        )
        .unwrap();
        std::fs::write(requests.join("URC-2026-020.md"), [0xff, 0xfe, 0x00]).unwrap();
        std::fs::write(
            requests.join("notes.md"),
            "+++\ntitle = \"x\"\n+++\nid = \"SCMR-2026-090\" in the body counts too\n",
        )
        .unwrap();
        let used = used_ids(&requests).unwrap();
        let used: Vec<&str> = used.iter().map(String::as_str).collect();
        assert_eq!(next_id(used.iter().copied(), "SCMR", 2026), "SCMR-2026-091");
        assert_eq!(next_id(used.iter().copied(), "URC", 2026), "URC-2026-021");
        assert_eq!(next_id(used.iter().copied(), "SCMR", 2027), "SCMR-2027-001");
    }

    #[test]
    fn create_never_overwrites_and_picks_the_next_id() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        let first = create(&content, Kind::ScModification, "One", date("2026-02-01")).unwrap();
        let second = create(&content, Kind::ScModification, "Two", date("2026-02-01")).unwrap();
        let urc = create(
            &content,
            Kind::RefurbishmentUseCase,
            "Three",
            date("2026-02-01"),
        )
        .unwrap();
        assert!(first.ends_with("requests/SCMR-2026-001.md"));
        assert!(second.ends_with("requests/SCMR-2026-002.md"));
        assert!(urc.ends_with("requests/URC-2026-001.md"));
        assert!(
            std::fs::read_to_string(&first)
                .unwrap()
                .contains("title = \"One\"")
        );
        assert!(create(&content, Kind::ScModification, "  ", date("2026-02-01")).is_err());
        assert!(
            create(
                &dir.path().join("nowhere"),
                Kind::ScModification,
                "x",
                date("2026-02-01")
            )
            .is_err()
        );
    }

    #[test]
    fn title_is_escaped_as_toml() {
        let text = render(
            Kind::ScModification,
            "SCMR-2026-001",
            r#"A "quoted" \ title"#,
            date("2026-02-01"),
        );
        let toml_text = text.split("+++").nth(1).unwrap();
        let value: toml::Table = toml::from_str(toml_text).unwrap();
        assert_eq!(value["title"].as_str(), Some(r#"A "quoted" \ title"#));
        assert_eq!(value["classification"].as_str(), Some("TLP:AMBER"));
    }

    /// Fills the blanks a keeper must fill before the record can be checked.
    fn fill(text: &str, kind: Kind) -> String {
        let mut text = text
            .replacen(
                "organisation = \"\"",
                "organisation = \"Example Meters Ltd\"",
                1,
            )
            .replacen(
                "sec_party = \"\"",
                "sec_party = \"Example Energy Supply Ltd\"",
                1,
            );
        if kind == Kind::ScModification {
            text = text.replacen("reasons = []", "reasons = [\"lessons-learned\"]", 1);
        }
        text
    }

    #[test]
    fn a_filled_in_new_file_passes_check() {
        for kind in [Kind::ScModification, Kind::RefurbishmentUseCase] {
            let dir = tempfile::tempdir().unwrap();
            let content = dir.path().join("content");
            std::fs::create_dir_all(&content).unwrap();
            std::fs::write(
                content.join("site.toml"),
                "title = \"T\"\nbase_url = \"https://example.org\"\n",
            )
            .unwrap();
            let title = "Clarify \"evidence\" for DEV 3.2 \\ HCALCS";
            let path = create(&content, kind, title, date("2026-03-14")).unwrap();
            // Unfilled, it passes with warnings for what is still to fill
            // in: a keeper can commit it and preview it.
            let unfilled = register_check(&content);
            assert!(unfilled.iter().all(|(error, _)| !error), "{unfilled:?}");
            assert!(
                unfilled.iter().any(|(_, d)| d.contains("organisation")),
                "{unfilled:?}"
            );

            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, fill(&text, kind)).unwrap();
            let checked = crate::check::check(&content);
            let errors: Vec<_> = checked
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .collect();
            assert!(errors.is_empty(), "{kind:?}: {errors:#?}");
            let r = &checked.register.requests[0];
            assert_eq!(r.id, format!("{}-2026-001", kind.prefix()));
            assert_eq!(r.title, title);
            assert_eq!(r.submitted, date("2026-03-14"));
            // Fail closed: a new request is withheld until reclassified.
            assert!(!r.classification.unwrap().is_public());
            let mut checked = checked;
            let passed = checked.take_passed().expect("no errors");
            let (public, _) =
                crate::publish::filter(passed, date("2026-03-14")).expect("no errors");
            assert!(public.requests().is_empty());
        }
    }

    /// Every diagnostic of a check: whether it is an error, its message.
    fn register_check(content: &Path) -> Vec<(bool, String)> {
        crate::check::check(content)
            .diagnostics
            .iter()
            .map(|d| (d.is_error(), d.message.to_string()))
            .collect()
    }
}
