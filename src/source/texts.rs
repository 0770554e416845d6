//! Front-matter text: every string a record's front matter holds, found by
//! walking the parsed TOML itself rather than the fields the generator
//! knows about.
//!
//! Walking the document, not the typed fields, is what makes the rule hold
//! for every string that can reach an output: a value under `[extra]` at
//! any depth, a key of `[extra]` (templates can print keys), an attachment's
//! title, a field added to the format next year. Only the values declared
//! as personal data (`name`, `phone`, `email` of `[proposer]` and
//! `[sponsor]`) are left out: they are never published, and they are what
//! the rest of the text is searched for.

use crate::diagnostic::{Diagnostic, Message};
use crate::model::classification::Tlp;
use crate::publish::passages::{self, Comment};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One string of a record's front matter that can reach an output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldText {
    /// Where it is, as a keeper would write it: `title`,
    /// `history[2].note`, `extra.panel.summary`, `extra` (a key).
    pub field: String,
    /// Byte offset of the value (or key) in the front matter.
    pub offset: usize,
    /// The string, escapes decoded.
    pub text: String,
}

/// Top-level keys whose values the typed reading checks against a closed
/// list or a pattern (a TLP label, an id, a stage): no prose can hide in a
/// valid one, and an invalid one is an error anyway. `related`, `supersedes` and
/// `request` name other records by id, withheld ones included (then
/// dropped). In tables: `history`'s `stage` and an attachment's
/// `classification`.
const VALIDATED: &[&str] = &[
    "id",
    "type",
    "classification",
    "reasons",
    "devices",
    "affected_scs",
    "related",
    "supersedes",
    "request",
    "kind",
    "outcome",
    "sc_version",
];

/// A value declared as personal data: never published, and searched for
/// in everything that is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Declared {
    /// `[proposer]` or `[sponsor]`.
    pub table: &'static str,
    /// `name`, `phone` or `email`.
    pub key: &'static str,
    /// The value as written, trimmed.
    pub value: String,
}

/// What a record's front matter holds as text.
#[derive(Debug, Default)]
pub struct FrontMatterText {
    /// Every string that can reach an output.
    pub texts: Vec<FieldText>,
    /// The personal data it declares.
    pub declared: Vec<Declared>,
}

/// Walks a parsed front matter for its strings (but those [`VALIDATED`]).
/// `toml_offset` is where the front matter starts in the file, so offsets
/// point into the whole file.
pub fn walk(table: &Spanned<DeTable<'_>>, toml_offset: usize) -> FrontMatterText {
    let mut found = FrontMatterText::default();
    let mut walker = Walker {
        toml_offset,
        found: &mut found,
    };
    for (key, value) in table.get_ref() {
        walker.top_level(key.get_ref(), value);
    }
    found
}

struct Walker<'a> {
    toml_offset: usize,
    found: &'a mut FrontMatterText,
}

impl Walker<'_> {
    fn top_level(&mut self, key: &str, value: &Spanned<DeValue<'_>>) {
        if VALIDATED.contains(&key) {
            return;
        }
        let path = Path::Top(key);
        match (key, value.get_ref()) {
            ("proposer", DeValue::Table(t)) => self.contact("proposer", t, &path),
            ("sponsor", DeValue::Table(t)) => self.contact("sponsor", t, &path),
            ("attachments", DeValue::Array(list)) => {
                for (i, entry) in list.iter().enumerate() {
                    self.attachment(&Path::Index(&path, i), entry);
                }
            }
            ("history", DeValue::Array(list)) => {
                for (i, entry) in list.iter().enumerate() {
                    self.table_but(&Path::Index(&path, i), entry, "stage");
                }
            }
            _ => self.value(&path, value),
        }
    }

    /// A table of the format's, all but its `skipped` key (checked by the
    /// typed reading).
    fn table_but(&mut self, path: &Path<'_>, entry: &Spanned<DeValue<'_>>, skipped: &str) {
        let DeValue::Table(t) = entry.get_ref() else {
            return self.value(path, entry);
        };
        for (key, item) in t {
            if key.get_ref() != skipped {
                self.value(&Path::Key(path, key.get_ref()), item);
            }
        }
    }

    /// A contact: the organisation is published, the person never is.
    fn contact(&mut self, table: &'static str, t: &DeTable<'_>, path: &Path<'_>) {
        for (key, value) in t {
            let key = key.get_ref().as_ref();
            let personal = match key {
                "name" => Some("name"),
                "phone" => Some("phone"),
                "email" => Some("email"),
                _ => None,
            };
            match (personal, value.get_ref()) {
                (Some(key), DeValue::String(s)) => {
                    let value = s.trim();
                    if !value.is_empty() {
                        self.found.declared.push(Declared {
                            table,
                            key,
                            value: value.to_string(),
                        });
                    }
                }
                // Not a string: the typed reading reports it.
                (Some(_), _) => {}
                (None, _) => self.value(&Path::Key(path, key), value),
            }
        }
    }

    /// An attachment's title and file name are published only with the
    /// attachment, which its own classification decides.
    fn attachment(&mut self, path: &Path<'_>, entry: &Spanned<DeValue<'_>>) {
        let DeValue::Table(t) = entry.get_ref() else {
            return self.value(path, entry);
        };
        let public = t.iter().any(|(k, v)| {
            k.get_ref() == "classification"
                && matches!(v.get_ref(), DeValue::String(s) if Tlp::parse(s).is_some_and(Tlp::is_public))
        });
        if public {
            self.table_but(path, entry, "classification");
        }
    }

    fn value(&mut self, path: &Path<'_>, value: &Spanned<DeValue<'_>>) {
        match value.get_ref() {
            DeValue::String(s) => self.push(path, value.span().start, s),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(&Path::Index(path, i), item);
                }
            }
            DeValue::Table(t) => {
                let free = path.is_free();
                for (key, item) in t {
                    // Keys of `[extra]` are the keeper's words (and
                    // templates can print them); other tables' keys are
                    // the format's, checked by the typed reading.
                    if free {
                        self.push(path, key.span().start, key.get_ref());
                    }
                    self.value(&Path::Key(path, key.get_ref()), item);
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, path: &Path<'_>, at: usize, text: &str) {
        self.found.texts.push(FieldText {
            field: path.shown(),
            offset: self.toml_offset + at,
            text: text.to_string(),
        });
    }
}

/// Where a value is, as a chain back to its top-level key; written out
/// only for the strings found, since most values are not strings.
enum Path<'a> {
    Top(&'a str),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// As a keeper would write it: `history[2].note`.
    fn shown(&self) -> String {
        match self {
            Path::Top(key) => (*key).to_string(),
            // A key that is not a plain identifier is the keeper's own
            // words (`[extra."Gideon Marsh 07700 900999"]`): never shown,
            // since messages are read in CI logs and `register serve`'s
            // status.
            Path::Key(parent, key) if is_plain_key(key) => format!("{}.{key}", parent.shown()),
            Path::Key(parent, _) => format!("{}.\u{2026}", parent.shown()),
            Path::Index(parent, i) => format!("{}[{i}]", parent.shown()),
        }
    }

    /// Inside `[extra]`: free-form, keys and all.
    fn is_free(&self) -> bool {
        match self {
            Path::Top(key) => *key == "extra",
            Path::Key(parent, _) | Path::Index(parent, _) => parent.is_free(),
        }
    }
}

/// Keys under `[extra]` that are top-level keys of a record: errors.
pub fn reserved_keys_in_extra(
    table: &Spanned<DeTable<'_>>,
    toml_offset: usize,
) -> Vec<(usize, String)> {
    let Some((_, extra)) = table.get_ref().iter().find(|(k, _)| k.get_ref() == "extra") else {
        return Vec::new();
    };
    let DeValue::Table(extra) = extra.get_ref() else {
        return Vec::new();
    };
    extra
        .iter()
        .filter(|(k, _)| {
            // A top-level key under `[extra]` is a mistake: a keeper who
            // wrote `classification` after `[extra]` meant to classify the
            // record, and it would not be.
            crate::source::record::is_record_key(k.get_ref().as_ref())
        })
        .map(|(k, _)| (toml_offset + k.span().start, k.get_ref().to_string()))
        .collect()
}

/// True for a key a message may show: ASCII letters, digits, `_` and
/// `-`, 40 at most.
fn is_plain_key(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The passage markers, and things that look like them, in one
/// front-matter string: each is an error, since a value is published
/// whole and cannot hold a withheld passage.
pub fn marker_problems(
    origin_path: &std::path::Path,
    file_text: &str,
    field: &FieldText,
) -> Vec<Diagnostic> {
    passages::markers_in(&field.text)
        .into_iter()
        .map(|found| {
            let at = locate_in_value(file_text, field.offset, &field.text, found.offset);
            let message = Message::new(format!(
                "`{}` holds {}: a front-matter value is published whole, so it cannot hold a \
                 withheld passage",
                field.field,
                match found.comment {
                    Comment::Open(_) | Comment::Close => "a TLP passage marker",
                    _ => "something that reads like a TLP passage marker",
                }
            ));
            let help = match found.comment {
                Comment::LookAlike(meant) => passages::look_alike_help(meant),
                _ => Message::new(
                    "remove the marker and the words it would withhold; to withhold the whole \
                     record, give it a colour in `classification`",
                ),
            };
            Diagnostic::error(origin_path, file_text, at, message).with_help(help)
        })
        .collect()
}

/// The offset in the file of byte `at` of a decoded value that starts at
/// `value_offset`: exact when the value is written without escapes (the
/// usual case), else the value's start.
pub fn locate_in_value(file_text: &str, value_offset: usize, decoded: &str, at: usize) -> usize {
    let rest = &file_text[value_offset.min(file_text.len())..];
    let quote = rest
        .bytes()
        .take_while(|&b| b == b'"' || b == b'\'')
        .count();
    // A multi-line string may start with a line break the value drops.
    let mut start = value_offset + quote;
    if quote == 3 && file_text[start..].starts_with('\n') {
        start += 1;
    }
    match file_text.get(start..start + decoded.len()) {
        Some(raw) if raw == decoded => start + at,
        _ => value_offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walked(toml_text: &str) -> FrontMatterText {
        let table = DeTable::parse(toml_text).expect("valid TOML");
        walk(&table, 0)
    }

    #[test]
    fn every_string_but_the_declared_personal_data_is_found() {
        let toml_text = r#"
title = "T"
related = ["A-1"]
[proposer]
organisation = "Org"
name = "A. Person"
email = "a@example.org"
[[history]]
note = "N"
[[attachments]]
file = "a.txt"
title = "Public"
classification = "TLP:CLEAR"
[[attachments]]
file = "b.txt"
title = "Withheld"
classification = "TLP:AMBER"
[extra.deep]
list = ["x", { y = "z" }]
"#;
        let found = walked(toml_text);
        let fields: Vec<(&str, &str)> = found
            .texts
            .iter()
            .map(|t| (t.field.as_str(), t.text.as_str()))
            .collect();
        // Every string but the declared personal data, the withheld
        // attachment's and the values checked against a closed list.
        assert_eq!(
            fields,
            [
                ("attachments[0].file", "a.txt"),
                ("attachments[0].title", "Public"),
                ("extra", "deep"),
                ("extra.deep", "list"),
                ("extra.deep.list[0]", "x"),
                ("extra.deep.list[1]", "y"),
                ("extra.deep.list[1].y", "z"),
                ("history[0].note", "N"),
                ("proposer.organisation", "Org"),
                ("title", "T"),
            ]
        );
        let declared: Vec<_> = found
            .declared
            .iter()
            .map(|d| (d.table, d.key, d.value.as_str()))
            .collect();
        assert_eq!(
            declared,
            [
                ("proposer", "email", "a@example.org"),
                ("proposer", "name", "A. Person")
            ]
        );
        // Offsets point at the value in the text.
        let title = &found.texts.iter().find(|t| t.field == "title").unwrap();
        assert_eq!(&toml_text[title.offset..title.offset + 3], "\"T\"");
    }

    #[test]
    fn reserved_keys_under_extra_are_found() {
        let toml_text = "[extra]\nclassification = \"TLP:RED\"\nnote = \"x\"\ndraft = true\n";
        let table = DeTable::parse(toml_text).unwrap();
        let keys: Vec<String> = reserved_keys_in_extra(&table, 0)
            .into_iter()
            .map(|(at, k)| {
                assert!(toml_text[at..].starts_with(&k));
                k
            })
            .collect();
        assert_eq!(keys, ["classification", "draft"]);
    }

    #[test]
    fn positions_inside_plain_values_are_exact() {
        let text = "title = \"ab <!-- x -->\"\nnote = \"a\\u0062 <!--\"\n";
        assert_eq!(locate_in_value(text, 8, "ab <!-- x -->", 3), 12);
        // With an escape the value's start is the best place to point at.
        assert_eq!(locate_in_value(text, 31, "ab <!--", 3), 31);
        let multi = "x = \"\"\"\nline\n\"\"\"";
        assert_eq!(locate_in_value(multi, 4, "line\n", 2), 10);
    }
}
