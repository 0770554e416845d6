//! The screen every published text passes: no personal data, no id of a
//! withheld request.
//!
//! Personal data is what records declare under `[proposer]` and `[sponsor]`
//! (`name`, `phone`, `email`), searched for in every record's published
//! text, since a name typed into the body of another request is as public
//! as one typed into its own; and any e-mail address or telephone number at
//! all, unless `site.toml` lists it as a public contact point. The id of a
//! withheld request, mentioned in public text, would publish what the
//! filter withholds (that the request exists).
//!
//! One Aho-Corasick automaton holds every withheld id and the first word of
//! every declared value, so each text is read once whatever their number;
//! a declared value matches however its words are separated (`Wilfred
//! Ashby`, `wilfred-ashby`, `WILFRED_ASHBY`), in any ASCII case, as whole
//! words.

use aho_corasick::AhoCorasick;
use regex::Regex;
use rustc_hash::FxHashSet as HashSet;
use std::path::PathBuf;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+(@|\s*[\[(]\s*at\s*[\])]\s*)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("valid pattern")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\+\d{1,3}[\s.-]?\(?0?\)?[\s.-]?\d{2,5}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b)|(\b0[1-9]\d{1,4}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b)|(\(0[1-9]\d{1,4}\)\s?\d{3,4}[\s.-]?\d{3,4}\b)",
    )
    .expect("valid pattern")
});

/// A value a record declares as personal data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeclaredValue {
    /// The record file that declares it.
    pub file: PathBuf,
    /// `[proposer]` or `[sponsor]`.
    pub table: &'static str,
    /// `name`, `phone` or `email`.
    pub key: &'static str,
    /// The value, trimmed.
    pub value: String,
}

/// `text` as a reader sees its characters, and for each byte of the result
/// the byte of `text` it came from; `None` when that is `text` itself.
/// Invisible characters (soft hyphen, zero-width spaces and joiners) are
/// left out, since `Wil\u{200b}fred` reads as `Wilfred`; in Markdown
/// (`markdown`), so are the HTML character references and backslash
/// escapes a page decodes (`Wilfred&nbsp;Ashby`, `A\. Person`).
pub fn as_read(text: &str, markdown: bool) -> Option<(String, Vec<usize>)> {
    let needs = text
        .bytes()
        .any(|b| b >= 0x80 || (markdown && (b == b'&' || b == b'\\')));
    if !needs {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut push = |out: &mut String, c: char, at: usize| {
        if !is_invisible(c) {
            out.push(c);
            from.extend(std::iter::repeat_n(at, c.len_utf8()));
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let rest = &text[at..];
        if markdown
            && c == '&'
            && let Some((decoded, len)) = crate::markdown::character_reference(rest)
        {
            push(&mut out, decoded, at);
            while chars.peek().is_some_and(|&(i, _)| i < at + len) {
                chars.next();
            }
        } else if markdown && c == '\\' && rest[1..].starts_with(|n: char| n.is_ascii_punctuation())
        {
            // The escaped character is read; the backslash is not.
        } else {
            push(&mut out, c, at);
        }
    }
    Some((out, from))
}

/// Characters that take no room on a page.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{180e}'
    )
}

/// Scans `text` as a reader sees it (see [`as_read`]), with offsets into
/// `text` itself.
pub fn scan_as_read(screen: &Screen, text: &str, scope: Scope, markdown: bool) -> Vec<Finding> {
    match as_read(text, markdown) {
        None => screen.scan(text, scope),
        Some((read, from)) => screen
            .scan(&read, scope)
            .into_iter()
            .map(|f| {
                let to = from.get(f.at()).copied().unwrap_or(0);
                f.moved_to(to)
            })
            .collect(),
    }
}

/// What the screen finds in one text, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The id of a withheld request.
    WithheldId {
        /// Byte offset.
        at: usize,
        /// The id as the register knows it.
        id: String,
    },
    /// A declared personal value (index into the screen's values).
    Declared {
        /// Byte offset.
        at: usize,
        /// Which value.
        value: usize,
    },
    /// An e-mail address not listed as a public contact point.
    Email {
        /// Byte offset.
        at: usize,
    },
    /// A telephone number not listed as a public contact point.
    Phone {
        /// Byte offset.
        at: usize,
    },
}

impl Finding {
    /// The same finding at another offset.
    fn moved_to(self, to: usize) -> Finding {
        match self {
            Finding::WithheldId { id, .. } => Finding::WithheldId { at: to, id },
            Finding::Declared { value, .. } => Finding::Declared { at: to, value },
            Finding::Email { .. } => Finding::Email { at: to },
            Finding::Phone { .. } => Finding::Phone { at: to },
        }
    }

    /// Where it is in the text scanned.
    pub fn at(&self) -> usize {
        match self {
            Finding::WithheldId { at, .. }
            | Finding::Declared { at, .. }
            | Finding::Email { at }
            | Finding::Phone { at } => *at,
        }
    }
}

/// How much of the screen applies to a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Look for withheld ids (not in `related`, where they are dropped).
    pub ids: bool,
    /// Look for any e-mail address or telephone number (not in a binary
    /// file's printable runs, where noise would match).
    pub contacts: bool,
}

impl Scope {
    /// Everything: published prose.
    pub const ALL: Scope = Scope {
        ids: true,
        contacts: true,
    };
}

/// What the automaton's pattern stands for.
enum Target {
    Withheld(usize),
    /// A declared value: its index and its words after the first.
    Declared(usize, Vec<String>),
}

/// The screen, built once per check from every record.
pub struct Screen {
    automaton: Option<AhoCorasick>,
    targets: Vec<Target>,
    withheld: Vec<String>,
    declared: Vec<DeclaredValue>,
    allowed_emails: HashSet<String>,
    allowed_phones: HashSet<String>,
}

/// The words of a value, as they are matched: separated by whitespace,
/// `-` or `_`.
fn words(value: &str) -> Vec<String> {
    value
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A telephone number's digits, `+44` read as a leading `0`.
fn phone_digits(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("44") {
        Some(rest) if text.trim_start().starts_with('+') => format!("0{rest}"),
        _ => digits,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

impl Screen {
    /// A screen for `withheld` ids and `declared` values; `public_contacts`
    /// are e-mail addresses and telephone numbers that may be published.
    pub fn new(
        withheld: Vec<String>,
        declared: Vec<DeclaredValue>,
        public_contacts: &[String],
    ) -> Screen {
        let mut patterns = Vec::new();
        let mut targets = Vec::new();
        for (i, id) in withheld.iter().enumerate() {
            patterns.push(id.clone());
            targets.push(Target::Withheld(i));
        }
        for (i, d) in declared.iter().enumerate() {
            let mut w = words(&d.value);
            // Too short to tell from ordinary text: nothing to search for.
            if w.is_empty() || d.value.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                continue;
            }
            let first = w.remove(0);
            patterns.push(first);
            targets.push(Target::Declared(i, w));
        }
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&patterns)
                .expect("literal patterns build")
        });
        Screen {
            automaton,
            targets,
            withheld,
            declared,
            allowed_emails: public_contacts
                .iter()
                .filter(|c| c.contains('@'))
                .map(|c| c.trim().to_ascii_lowercase())
                .collect(),
            allowed_phones: public_contacts
                .iter()
                .filter(|c| !c.contains('@'))
                .map(|c| phone_digits(c))
                .filter(|d| !d.is_empty())
                .collect(),
        }
    }

    /// The declared value a [`Finding::Declared`] names.
    pub fn declared(&self, index: usize) -> &DeclaredValue {
        &self.declared[index]
    }

    /// Everything the screen finds in `text`, in order.
    pub fn scan(&self, text: &str, scope: Scope) -> Vec<Finding> {
        let mut found = Vec::new();
        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(text) {
                if let Some(f) =
                    self.confirm(text, m.start(), m.end(), m.pattern().as_usize(), scope)
                {
                    found.push(f);
                }
            }
        }
        if scope.contacts {
            for m in EMAIL.find_iter(text) {
                let address = m.as_str().trim().to_ascii_lowercase();
                if !self.allowed_emails.contains(&address) {
                    found.push(Finding::Email { at: m.start() });
                }
            }
            for m in PHONE.find_iter(text) {
                if !self.allowed_phones.contains(&phone_digits(m.as_str())) {
                    found.push(Finding::Phone { at: m.start() });
                }
            }
        }
        found.sort_by_key(Finding::at);
        found.dedup();
        found
    }

    /// A hit of the automaton, as a finding when it stands as whole words
    /// (and, for a declared value, its other words follow).
    fn confirm(
        &self,
        text: &str,
        start: usize,
        end: usize,
        pattern: usize,
        scope: Scope,
    ) -> Option<Finding> {
        if text[..start].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        let (finding, end) = match &self.targets[pattern] {
            Target::Withheld(i) => {
                if !scope.ids {
                    return None;
                }
                let id = self.withheld[*i].clone();
                (Finding::WithheldId { at: start, id }, end)
            }
            Target::Declared(i, rest) => {
                let end = follows(text, end, rest)?;
                (
                    Finding::Declared {
                        at: start,
                        value: *i,
                    },
                    end,
                )
            }
        };
        let boundary = !text[end..].chars().next().is_some_and(is_word_char)
            || text[start..end].ends_with(|c: char| !is_word_char(c));
        boundary.then_some(finding)
    }
}

/// Where the declared value's `words` end when they follow `from` in
/// `text`, each after any run of whitespace, `-` or `_`.
fn follows(text: &str, mut from: usize, words: &[String]) -> Option<usize> {
    for word in words {
        let rest = &text[from..];
        let skipped = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '_')
                .len();
        from += skipped;
        let candidate = text.get(from..from + word.len())?;
        if !candidate.eq_ignore_ascii_case(word) {
            return None;
        }
        from += word.len();
    }
    Some(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen() -> Screen {
        let declared = |key, value: &str| DeclaredValue {
            file: PathBuf::from("requests/A-1.md"),
            table: "proposer",
            key,
            value: value.to_string(),
        };
        Screen::new(
            vec!["HID-2099-901".to_string()],
            vec![
                declared("name", "Wilfred Ashby"),
                declared("name", "A. Person"),
                declared("phone", "0161 496 0372"),
                declared("email", "wilfred.ashby@example.net"),
            ],
            &[
                "ssc@example.org".to_string(),
                "+44 20 7090 1000".to_string(),
            ],
        )
    }

    fn kinds(text: &str) -> Vec<String> {
        screen()
            .scan(text, Scope::ALL)
            .iter()
            .map(|f| match f {
                Finding::WithheldId { id, .. } => format!("id {id}"),
                Finding::Declared { value, .. } => format!("declared {value}"),
                Finding::Email { .. } => "email".to_string(),
                Finding::Phone { .. } => "phone".to_string(),
            })
            .collect()
    }

    #[test]
    fn declared_values_match_as_whole_words_however_separated() {
        for text in [
            "Ask Wilfred Ashby.",
            "wilfred-ashby.pdf",
            "WILFRED_ASHBY",
            "Wilfred\n  Ashby",
            "WilfredAshby",
        ] {
            assert_eq!(kinds(text), ["declared 0"], "{text}");
        }
        assert!(kinds("Wilfredo Ashbyson").is_empty());
        assert!(kinds("a person of interest").is_empty());
        assert_eq!(kinds("a.person wrote"), ["declared 1"]);
    }

    #[test]
    fn withheld_ids_and_contacts_are_found_and_public_contacts_pass() {
        assert_eq!(kinds("see HID-2099-901."), ["id HID-2099-901"]);
        assert!(kinds("see HID-2099-9010").is_empty());
        assert_eq!(kinds("mail a.b@example.com"), ["email"]);
        assert_eq!(kinds("mail a.b [at] example.com"), ["email"]);
        assert!(kinds("mail SSC@example.org today").is_empty());
        assert!(kinds("call 020 7090 1000").is_empty());
        assert_eq!(kinds("call 01632 960 123"), ["phone"]);
        assert_eq!(kinds("call +1 555 010 0199"), ["phone"]);
        // The declared phone, written without spaces: both rules see it.
        assert_eq!(kinds("01614960372"), ["declared 2", "phone"]);
        // Dates, versions and mitigation references are not telephone numbers.
        assert!(kinds("On 2019-03-14 SC 1.3 changed DEV 3.2.1").is_empty());
    }

    #[test]
    fn text_is_screened_as_a_reader_sees_it() {
        let s = screen();
        for text in [
            "Wilfred&nbsp;Ashby",
            "Wil\u{200b}fred Ashby",
            "Wil&shy;fred Ashby",
            "&#87;ilfred Ashby",
            "A\\. Person",
        ] {
            let found = scan_as_read(&s, text, Scope::ALL, true);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].at(), 0, "{text}");
        }
        // Outside Markdown an entity is shown as it is written.
        assert!(scan_as_read(&s, "Wilfred&nbsp;Ashby", Scope::ALL, false).is_empty());
        let found = scan_as_read(&s, "x \u{200b}HID-2099-901", Scope::ALL, false);
        assert_eq!(
            found,
            [Finding::WithheldId {
                at: 5,
                id: "HID-2099-901".into()
            }]
        );
    }

    #[test]
    fn scopes_limit_what_is_looked_for() {
        let s = screen();
        let none = Scope {
            ids: false,
            contacts: false,
        };
        assert!(s.scan("HID-2099-901 a@b.org", none).is_empty());
        assert_eq!(s.scan("by Wilfred Ashby", none).len(), 1);
    }
}
