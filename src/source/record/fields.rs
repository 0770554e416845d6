//! Reading one table of front matter key by key, each mistake said in the
//! keeper's words: which key, what was found, what is expected and the line
//! to write instead. Every key is read on its own, so one wrong value never
//! hides the next, and a key that could not be read is never reported
//! missing as well.

use super::reading::Reading;
use crate::diagnostic::Message;
use crate::model::date::Date;
use std::borrow::Cow;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A value and the byte offset of it in the record file.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub at: usize,
}

/// A word of the register's vocabulary, as a key's value (`stage =
/// "triage"`): read by its slug, and named in messages.
pub trait Word: Copy + 'static {
    /// Every value.
    const ALL: &'static [Self];
    /// What one value is called in a message ("a stage").
    const WHAT: &'static str;
    /// The value as records write it.
    fn slug(self) -> &'static str;
}

/// One table of front matter: its keys, each taken at most once.
pub struct Fields<'t, 'i> {
    /// The table's keys and values, in the order written.
    entries: Vec<(&'t str, &'t Spanned<DeValue<'i>>, usize)>,
    /// Which entries were read.
    taken: Vec<bool>,
    /// Where the table starts in the file.
    pub at: usize,
    /// The table as messages name it: "" at the top, `[proposer]`.
    pub name: String,
}

impl<'t, 'i> Fields<'t, 'i> {
    /// The keys of `table`, which starts at `at` in the file; `base` is the
    /// offset of the front matter in the file.
    pub fn new(table: &'t DeTable<'i>, at: usize, base: usize, name: &str) -> Self {
        let entries: Vec<_> = table
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), v, base + k.span().start))
            .collect();
        Fields {
            taken: vec![false; entries.len()],
            entries,
            at,
            name: name.to_string(),
        }
    }

    /// The value of `key`, marked read; with the offsets of the value and
    /// of its key.
    fn take(&mut self, key: &str) -> Option<(&'t Spanned<DeValue<'i>>, usize)> {
        let i = self.entries.iter().position(|(k, ..)| *k == key)?;
        self.taken[i] = true;
        Some((self.entries[i].1, self.entries[i].2))
    }

    /// Notes, before any key is read, the keys of `known` that an unknown
    /// key of the table misspells (`titel` for `title`): the misspelling is
    /// reported, so the key it stands for is not reported missing as well.
    pub fn expect(&self, r: &mut Reading, known: &[&str]) {
        for (key, ..) in &self.entries {
            if !known.contains(key)
                && let Some(meant) = closest(key, known)
            {
                r.unread(self.at, meant);
            }
        }
    }

    /// The text of `key` when it is text, without reading it.
    pub fn peek_text(&self, key: &str) -> Option<&'t str> {
        let (_, value, _) = self.entries.iter().find(|(k, ..)| *k == key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        }
    }

    /// True when the table has `key` (read or not).
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, ..)| *k == key)
    }

    /// A text value: `key = "..."`.
    pub fn text(&mut self, r: &mut Reading, key: &str) -> Option<At<String>> {
        let (value, _) = self.take(key)?;
        let at = r.offset(value);
        match value.get_ref() {
            DeValue::String(s) => Some(At {
                value: s.to_string(),
                at,
            }),
            other => {
                r.error(
                    at,
                    wrong_type(key, "text in quotes", other),
                    example_text(key),
                );
                r.unread(self.at, key);
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn flag(&mut self, r: &mut Reading, key: &str) -> Option<At<bool>> {
        let (value, _) = self.take(key)?;
        let at = r.offset(value);
        match value.get_ref() {
            DeValue::Boolean(b) => Some(At { value: *b, at }),
            other => {
                let help = format!("write {key} = true or {key} = false, without quotes");
                r.error(at, wrong_type(key, "true or false", other), help);
                r.unread(self.at, key);
                None
            }
        }
    }

    /// A date without a time, unquoted: `key = 2019-03-14`.
    pub fn date(&mut self, r: &mut Reading, key: &str) -> Option<At<Date>> {
        let (value, _) = self.take(key)?;
        let at = r.offset(value);
        let date = match value.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => Date::new(i32::from(d.year), d.month, d.day),
                _ => None,
            },
            _ => None,
        };
        if date.is_none() {
            let (message, help) = date_mistake(key, value.get_ref());
            r.error(at, message, help);
            r.unread(self.at, key);
        }
        date.map(|value| At { value, at })
    }

    /// One word of the vocabulary: `stage = "triage"`.
    pub fn word<T: Word>(&mut self, r: &mut Reading, key: &str) -> Option<At<T>> {
        let text = self.text(r, key)?;
        match T::ALL.iter().find(|w| w.slug() == text.value) {
            Some(&w) => Some(At {
                value: w,
                at: text.at,
            }),
            None => {
                let (message, help) = not_a_word::<T>(key, &text.value);
                r.error(text.at, message, help);
                r.unread(self.at, key);
                None
            }
        }
    }

    /// A list of texts: `key = ["a", "b"]`; with the list's own offset.
    pub fn texts(&mut self, r: &mut Reading, key: &str) -> Option<At<Vec<At<String>>>> {
        let (value, _) = self.take(key)?;
        let at = r.offset(value);
        let DeValue::Array(items) = value.get_ref() else {
            let help = match value.get_ref() {
                DeValue::String(s) => format!("write a list: {key} = [\"{s}\"]"),
                _ => format!("write a list: {key} = [\"...\"]"),
            };
            r.error(at, wrong_type(key, "a list", value.get_ref()), help);
            r.unread(self.at, key);
            return None;
        };
        let mut texts = Vec::with_capacity(items.len());
        for item in items {
            match item.get_ref() {
                DeValue::String(s) => texts.push(At {
                    value: s.to_string(),
                    at: r.offset(item),
                }),
                other => {
                    let message = Message::new(format!(
                        "each entry of `{key}` must be text in quotes, and this is {}",
                        what(other)
                    ));
                    r.error(r.offset(item), message, format!("write {key} = [\"...\"]"));
                    r.unread(self.at, key);
                }
            }
        }
        Some(At { value: texts, at })
    }

    /// A list of words of the vocabulary: `reasons = ["lessons-learned"]`.
    pub fn words<T: Word>(&mut self, r: &mut Reading, key: &str) -> Option<At<Vec<At<T>>>> {
        let list = self.texts(r, key)?;
        let mut words = Vec::with_capacity(list.value.len());
        for text in list.value {
            match T::ALL.iter().find(|w| w.slug() == text.value) {
                Some(&w) => words.push(At {
                    value: w,
                    at: text.at,
                }),
                None => {
                    let (message, help) = not_a_word::<T>(key, &text.value);
                    r.error(text.at, message, help);
                    r.unread(self.at, key);
                }
            }
        }
        Some(At {
            value: words,
            at: list.at,
        })
    }

    /// A table: `[key]`.
    pub fn table(&mut self, r: &mut Reading, key: &str) -> Option<Fields<'t, 'i>> {
        let (value, _) = self.take(key)?;
        let at = r.offset(value);
        match value.get_ref() {
            DeValue::Table(t) => Some(Fields::new(t, at, r.base(), &format!("[{key}]"))),
            other => {
                let help = format!("write a [{key}] line, then its keys on the lines after it");
                r.error(at, wrong_type(key, "a table", other), help);
                r.unread(self.at, key);
                None
            }
        }
    }

    /// An array of tables, `[[key]]`; with the array's own offset.
    pub fn tables(&mut self, r: &mut Reading, key: &str) -> Option<At<Vec<Fields<'t, 'i>>>> {
        let (value, _) = self.take(key)?;
        let at = r.offset(value);
        let DeValue::Array(items) = value.get_ref() else {
            let help = format!("write each entry as a [[{key}]] line, then its keys");
            r.error(
                at,
                wrong_type(key, "a list of [[tables]]", value.get_ref()),
                help,
            );
            r.unread(self.at, key);
            return None;
        };
        let mut tables = Vec::with_capacity(items.len());
        for item in items {
            match item.get_ref() {
                DeValue::Table(t) => {
                    let name = format!("[[{key}]]");
                    tables.push(Fields::new(t, r.offset(item), r.base(), &name));
                }
                other => {
                    let help = format!("write each entry as a [[{key}]] line, then its keys");
                    let message = format!(
                        "each `{key}` entry must be a table, and this is {}",
                        what(other)
                    );
                    r.error(r.offset(item), message, help);
                    r.unread(self.at, key);
                }
            }
        }
        Some(At { value: tables, at })
    }

    /// `[extra]` as templates get it.
    pub fn extra(&mut self, r: &mut Reading) -> toml::Table {
        let Some((value, _)) = self.take("extra") else {
            return toml::Table::new();
        };
        let at = r.offset(value);
        let table = match value.get_ref() {
            DeValue::Table(_) => to_value(value).and_then(|v| match v {
                toml::Value::Table(t) => Some(t),
                _ => None,
            }),
            _ => None,
        };
        table.unwrap_or_else(|| {
            let help = "write an [extra] line, then your own keys on the lines after it";
            r.error(at, wrong_type("extra", "a table", value.get_ref()), help);
            toml::Table::new()
        })
    }

    /// Every key not read: an error each, naming the key the keeper most
    /// likely meant among `known`.
    pub fn unknown(self, r: &mut Reading, known: &[&str]) {
        for (i, (key, _, key_at)) in self.entries.iter().enumerate() {
            if self.taken[i] {
                continue;
            }
            let message = match self.name.as_str() {
                "" => Message::new("unknown key ").quote(key),
                table => Message::new("unknown key ")
                    .quote(key)
                    .text(&format!(" in {table}")),
            };
            let help = match closest(key, known) {
                Some(meant) => Message::new("did you mean ").quote(meant).text("?"),
                None if self.name.is_empty() => Message::new(
                    "check the spelling against the format; free-form keys go under [extra]",
                ),
                None => Message::new(format!(
                    "the keys of {} are {}",
                    self.name,
                    known.join(", ")
                )),
            };
            r.error(*key_at, message, help);
        }
    }
}

/// A value as a `toml::Value` (for `[extra]`, passed on untouched).
fn to_value(value: &Spanned<DeValue<'_>>) -> Option<toml::Value> {
    use serde::Deserialize as _;
    toml::Value::deserialize(toml::de::ValueDeserializer::from(value.clone())).ok()
}

/// The key among `known` that `key` most likely misspells, if any is close.
pub fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = key.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(distance, k)| *distance <= (k.len() / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

/// What a value is, in words.
fn what(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) | DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn wrong_type(key: &str, expected: &str, found: &DeValue<'_>) -> Message {
    Message::new(format!(
        "`{key}` must be {expected}, and this is {}",
        what(found)
    ))
}

fn example_text(key: &str) -> String {
    format!("write {key} = \"...\", with the text in double quotes")
}

/// The message and help for a value that is not a plain date.
fn date_mistake(key: &str, value: &DeValue<'_>) -> (Message, String) {
    match value {
        DeValue::String(s) => match Date::parse(s.trim()) {
            Some(d) => (
                Message::new(format!("`{key}` is a date written in quotes")),
                format!("write {key} = {d}, without quotes"),
            ),
            None => (
                Message::new(format!("`{key}` must be a date, and this is text")),
                format!("write {key} = YYYY-MM-DD, without quotes, e.g. {key} = 2019-03-14"),
            ),
        },
        DeValue::Datetime(dt) => {
            let day = dt
                .date
                .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day));
            (
                Message::new(format!("`{key}` must be a date without a time")),
                format!(
                    "write {key} = {}",
                    day.unwrap_or_else(|| "YYYY-MM-DD".into())
                ),
            )
        }
        other => (
            wrong_type(key, "a date", other),
            format!("write {key} = YYYY-MM-DD, without quotes, e.g. {key} = 2019-03-14"),
        ),
    }
}

/// The message and help for text that is none of a vocabulary's words.
fn not_a_word<T: Word>(key: &str, found: &str) -> (Message, Message) {
    let slugs: Vec<&str> = T::ALL.iter().map(|w| w.slug()).collect();
    let _ = key;
    let message = Message::new("")
        .quote(found)
        .text(&format!(" is not {}", T::WHAT));
    let listed = list_words(&slugs);
    let help = match closest(found, &slugs) {
        Some(meant) => Message::new("did you mean ")
            .quote(meant)
            .text(&format!("? {} is one of {listed}", capitalise(T::WHAT))),
        None => Message::new(format!("{} is one of {listed}", capitalise(T::WHAT))),
    };
    (message, help)
}

/// `a, b or c`.
pub fn list_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn capitalise(text: &str) -> Cow<'_, str> {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => Cow::Owned(c.to_uppercase().chain(chars).collect()),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_key_is_offered_only_when_close() {
        let known = ["devices", "affected_scs", "title", "id"];
        assert_eq!(closest("device", &known), Some("devices"));
        assert_eq!(closest("Devices", &known), Some("devices"));
        assert_eq!(closest("affected_sc", &known), Some("affected_scs"));
        assert_eq!(closest("titel", &known), Some("title"));
        assert_eq!(closest("owner", &known), None);
        assert_eq!(closest("x", &known), None);
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(list_words(&["a"]), "a");
        assert_eq!(list_words(&["a", "b", "c"]), "a, b or c");
    }
}
