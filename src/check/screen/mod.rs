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

use rayon::prelude::*;
use regex::Regex;
use rustc_hash::FxHashSet as HashSet;
use std::path::PathBuf;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

mod names;
mod phones;
mod reading;
#[cfg(test)]
mod tests;

use names::*;
use phones::*;
use reading::*;
pub use reading::{as_read, is_reordering, normalised};

/// An e-mail address, international ones too (`jo@exämple.com`), with up
/// to two blanks or a line break either side of the `@`; its dots may be
/// spaced (`example . com`) or middle dots (`example·com`), and the last
/// one a blank before a common top-level domain (`jo@example com`).
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[\w.%+-]+\s{0,2}@\s{0,2}[\w-]+(?:(?:\.|[\u{b7}\u{2027}\u{30fb}\u{ff65}]|\s{1,2}\.\s{1,2})[\w-]+)*(?:\.|[\u{b7}\u{2027}\u{30fb}\u{ff65}]|\s{1,2}\.\s{1,2})\w{2,}|[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\s(?i:com|org|net|edu|gov|info|io|uk|eu)\b",
    )
    .expect("valid pattern")
});
/// An address written to dodge harvesters: `a.person [at] example.com`,
/// `a.person[@]example[.]com`, `a.person(@)example(.)com`, `a.person -at-
/// example -dot- com`, `a.person{at}example [dot] com`, `a.person at
/// example dot com`, and `a.person at example.com` when the part before
/// `at` reads as an address's (a dot, a digit, `_`, `%` or `+` inside:
/// `jo.bloggs at`, not `look at`).
static EMAIL_AT: LazyLock<Regex> = LazyLock::new(|| {
    let at = r"(?:\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s*-at-\s*)";
    let dot = r"(?:\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+|\s*-dot-\s*|\.)";
    let bracketed_dot = r"(?:\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s*-dot-\s*)";
    Regex::new(&format!(
        r"(?i)[\w.%+-]+{at}[\w-]+(?:{dot}[\w-]+)+|[\w.%+-]+\s{{0,2}}@\s{{0,2}}[\w-]+(?:{dot}[\w-]+)*{bracketed_dot}[\w-]+|[\w.%+-]+\s+at\s+[\w-]+(?:(?:\s*[\[({{<]\s*dot\s*[\])}}>]\s*|\s+dot\s+)[\w-]+)+|\b\w[\w.%+-]*[._%+0-9][\w.%+-]*\w\s+at\s+[\w-]+(?:\.[\w-]+)*\.[a-z]{{2,}}\b",
    ))
    .expect("valid pattern")
});
/// What an address written with `[at]` or `at …` must hold: most text
/// has neither.
static AT_CLUES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)at\s*[\])}>]|@\s*[\])}>]|[\[({<]\s*\.\s*[\])}>]|-at-|-dot-|\sdot\s|dot\s*[\])}>]|\w[._%+0-9]\w*\s+at\s+\w",
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

/// Scans `text` as a reader sees it (see [`as_read`]), with offsets into
/// `text` itself.
/// Direction marks, overrides, embeddings and isolates anywhere in the
/// text are findings of their own (see [`Finding::Reordered`]).
pub fn scan_as_read(screen: &Screen, text: &str, scope: Scope, markdown: bool) -> Vec<Finding> {
    let mut found = match as_read(text, markdown) {
        None => return screen.scan(text, scope),
        Some((read, from)) => screen
            .scan(&read, scope)
            .into_iter()
            .map(|f| {
                let to = from.get(f.at()).copied().unwrap_or(0);
                f.moved_to(to)
            })
            .collect::<Vec<_>>(),
    };
    let reordering = text.char_indices().filter(|&(_, c)| is_reordering(c));
    found.extend(reordering.map(|(at, _)| Finding::Reordered { at }));
    found.sort_by_key(Finding::at);
    found
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
    /// The name of an attachment that is not published.
    WithheldFile {
        /// Byte offset.
        at: usize,
        /// The file's name.
        name: String,
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
    /// A character that makes the text after it show in another order
    /// than it is written (`\u{202e}1-DIH` shows as `HID-1`): what a
    /// reader sees could not be checked.
    Reordered {
        /// Byte offset.
        at: usize,
    },
}

impl Finding {
    /// The same finding at another offset.
    pub fn moved_to(self, to: usize) -> Finding {
        match self {
            Finding::WithheldId { id, .. } => Finding::WithheldId { at: to, id },
            Finding::WithheldFile { name, .. } => Finding::WithheldFile { at: to, name },
            Finding::Declared { value, .. } => Finding::Declared { at: to, value },
            Finding::Email { .. } => Finding::Email { at: to },
            Finding::Phone { .. } => Finding::Phone { at: to },
            Finding::Reordered { .. } => Finding::Reordered { at: to },
        }
    }

    /// Where it is in the text scanned.
    pub fn at(&self) -> usize {
        match self {
            Finding::WithheldId { at, .. }
            | Finding::WithheldFile { at, .. }
            | Finding::Declared { at, .. }
            | Finding::Email { at }
            | Finding::Phone { at }
            | Finding::Reordered { at } => *at,
        }
    }
}

/// How much of the screen applies to a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Look for withheld ids.
    pub ids: bool,
    /// Report any e-mail address or telephone number, not only the ones
    /// records declare (not in a binary file's printable runs, where the
    /// noise of a PDF's tables would match).
    pub contacts: bool,
}

impl Scope {
    /// Everything: published prose.
    pub const ALL: Scope = Scope {
        ids: true,
        contacts: true,
    };

    /// A binary file's printable runs: withheld ids, and the names and
    /// contact details records declare.
    pub const DECLARED: Scope = Scope {
        ids: true,
        contacts: false,
    };
}

/// A declared value as the screen looks for it: its words (separated by
/// whitespace, `-` or `_`), which must follow one another.
#[derive(Debug)]
struct Name {
    target: NameOf,
    words: Vec<String>,
}

/// What a name the screen searches for is.
#[derive(Debug)]
enum NameOf {
    /// A declared value (its index).
    Declared(usize),
    /// A withheld attachment's file name (its index).
    File(usize),
}

/// The screen, built once per check from every record.
#[derive(Debug)]
pub struct Screen {
    /// The first word of every declared value searched for by name.
    /// Built once, on the first search (after every value is known).
    names: std::sync::OnceLock<Option<FirstWords>>,
    /// For each first word (in lower case), the values it starts: a first
    /// word many values share (`Person`, a family name) is searched once.
    starts: rustc_hash::FxHashMap<String, Vec<Name>>,
    /// Withheld ids in upper case, to look up every id-like word in.
    withheld: HashSet<String>,
    /// The most hyphens and bytes a withheld id has: no longer part of a
    /// hyphenated word is looked up.
    withheld_hyphens: usize,
    withheld_len: usize,
    declared: Vec<DeclaredValue>,
    allowed_emails: HashSet<String>,
    allowed_phones: HashSet<String>,
    /// Declared e-mail addresses (lower case) and telephone numbers (their
    /// digits) that the search for any address or number finds: a finding
    /// that is one of them says whose it is.
    declared_contacts: rustc_hash::FxHashMap<String, usize>,
    /// The declared telephone numbers' digits (seven or more), searched
    /// for in the digits of a binary file's runs whatever stands between
    /// them, and which declared value each is.
    declared_digits: std::sync::OnceLock<Option<(aho_corasick::AhoCorasick, Vec<usize>)>>,
    /// Public ids in upper case (see [`Screen::with_public_ids`]).
    public: HashSet<String>,
    /// Names of attachments that are not published.
    withheld_files: Vec<String>,
}

/// True for a declared e-mail address or telephone number that the search
/// for any address or number finds as it is written (and that is not a
/// public contact point): searching for it by name as well would cost a
/// pattern per record and find nothing more.
fn caught_anyway(d: &DeclaredValue, public_contacts: &[String]) -> bool {
    let listed = public_contacts.iter().any(|c| {
        c.trim().eq_ignore_ascii_case(&d.value) || phone_digits(c) == phone_digits(&d.value)
    });
    let whole = match d.key {
        "email" => EMAIL.find(&d.value).is_some_and(|m| m.as_str() == d.value),
        "phone" => phone_numbers(&d.value).next() == Some((0, d.value.len())),
        _ => false,
    };
    !listed && whole
}

/// How a declared e-mail address or telephone number is recognised when
/// found: the address in lower case, the number's digits.
fn contact_key(key: &str, value: &str) -> String {
    match key {
        "phone" => format!("phone {}", phone_digits(value)),
        _ => format!("email {}", value.trim().to_ascii_lowercase()),
    }
}

/// The words of a value, as they are matched: separated by whitespace,
/// `-` or `_`.
fn words(value: &str) -> Vec<String> {
    let value = normalised(value);
    let mut words: Vec<String> = Vec::new();
    let mut rest = value.as_str();
    while let Some(start) = rest.find(|c: char| !is_separator(c)) {
        rest = &rest[start..];
        let end = rest.find(is_separator).unwrap_or(rest.len());
        let mut word = rest[..end].to_string();
        // An initial keeps its full stop (`A. Person`), or every "a person"
        // of the prose would read as the name.
        if word.chars().count() == 1 && rest[end..].starts_with('.') {
            word.push('.');
        }
        words.push(word);
        rest = &rest[end..];
    }
    words
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// True when `outer`, written right beside `inner` (the first or last
/// character of an id or a name found), makes one word with it, so that
/// what was found is only part of a longer word (`HID-12`, `Ashbyson`): a
/// letter or digit of the same script, or an ASCII one. Anything else (a
/// mark, a symbol, a letter of another script) is a boundary: `HID-1א`
/// shows `HID-1`.
fn glues(inner: char, outer: char) -> bool {
    use unicode_script::{Script, UnicodeScript};
    if !outer.is_alphanumeric() {
        return false;
    }
    if outer.is_ascii_alphanumeric() {
        return true;
    }
    let (a, b) = (inner.script(), outer.script());
    a == b && !matches!(a, Script::Common | Script::Inherited | Script::Unknown)
}

/// How the screen searches for a declared value.
enum Searched {
    /// As the e-mail address or telephone number it is (see
    /// [`caught_anyway`]).
    AsContact,
    /// As each of these runs of words (none when the value is too short to
    /// tell from ordinary text).
    Words(Vec<Vec<String>>),
}

/// How `d` is searched for: worked out for every declared value at once,
/// in parallel, since a register declares thousands.
fn searched_as(d: &DeclaredValue, public_contacts: &[String]) -> Searched {
    if caught_anyway(d, public_contacts) {
        return Searched::AsContact;
    }
    if d.value.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Searched::Words(Vec::new());
    }
    Searched::Words(match d.key {
        "name" => name_forms(&d.value),
        _ => vec![words(&d.value)],
    })
}

impl Screen {
    /// A screen for `withheld` ids and `declared` values; `public_contacts`
    /// are e-mail addresses and telephone numbers that may be published.
    pub fn new(
        withheld: Vec<String>,
        declared: Vec<DeclaredValue>,
        public_contacts: &[String],
    ) -> Screen {
        let mut starts: rustc_hash::FxHashMap<String, Vec<Name>> = Default::default();
        let mut declared_contacts: rustc_hash::FxHashMap<String, usize> = Default::default();
        let searched: Vec<Searched> = declared
            .par_iter()
            .map(|d| searched_as(d, public_contacts))
            .collect();
        for (i, (d, searched)) in declared.iter().zip(searched).enumerate() {
            let forms = match searched {
                Searched::AsContact => {
                    declared_contacts.insert(contact_key(d.key, &d.value), i);
                    continue;
                }
                Searched::Words(forms) => forms,
            };
            for w in forms.into_iter().filter(|w| !w.is_empty()) {
                starts
                    .entry(w[0].to_ascii_lowercase())
                    .or_default()
                    .push(Name {
                        target: NameOf::Declared(i),
                        words: w,
                    });
            }
        }
        let names = std::sync::OnceLock::new();
        let withheld: HashSet<String> = withheld.iter().map(|id| id.to_ascii_uppercase()).collect();
        Screen {
            names,
            starts,
            withheld_hyphens: withheld
                .iter()
                .map(|id| id.matches('-').count())
                .max()
                .unwrap_or(0),
            withheld_len: withheld.iter().map(String::len).max().unwrap_or(0),
            declared_contacts,
            declared_digits: std::sync::OnceLock::new(),
            public: HashSet::default(),
            withheld_files: Vec::new(),
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

    /// The first word of a declared value, as the screen matches it.
    pub fn first_word(&self, index: usize) -> String {
        let d = &self.declared[index];
        let forms = match d.key {
            "name" => name_forms(&d.value),
            _ => vec![words(&d.value)],
        };
        forms
            .into_iter()
            .next()
            .and_then(|w| w.into_iter().next())
            .unwrap_or_default()
    }

    /// The screen, also knowing the ids of the public requests: a public
    /// id that extends a withheld one (`HID-1-2` beside `HID-1`) is no
    /// mention of the withheld one.
    pub fn with_public_ids(mut self, ids: &[String]) -> Screen {
        self.public = ids.iter().map(|id| id.to_ascii_uppercase()).collect();
        self
    }

    /// The screen, also searching for the names of the attachments that
    /// are not published (a name in public prose publishes it).
    pub fn with_withheld_files(mut self, names: &[String]) -> Screen {
        for name in names {
            let w = words(name);
            if w.is_empty() {
                continue;
            }
            let i = self.withheld_files.len();
            self.withheld_files.push(name.clone());
            self.starts
                .entry(w[0].to_ascii_lowercase())
                .or_default()
                .push(Name {
                    target: NameOf::File(i),
                    words: w,
                });
        }
        self.names = std::sync::OnceLock::new();
        self
    }

    /// A page's distinct words for the search index (joined by `;`), without
    /// any word that, read beside its neighbours, makes something the
    /// screen finds (`Ashby Wilfred` from a page that says "Wilfred went to
    /// Ashby", a declared number from two groups of digits): the page was screened
    /// as it is, but its words sorted make other neighbours. Such a word
    /// is only left out of the index; the page still shows it.
    pub fn index_words(&self, words: &str) -> String {
        let mut list: Vec<&str> = words.split(';').filter(|w| !w.is_empty()).collect();
        loop {
            let joined = list.join(" ");
            // Ids are whole words (a page that shows one was refused), and
            // no telephone number or address runs over the `","` between
            // two words of the list: what can form across neighbours is a
            // declared value (a name, or a declared number read apart).
            let scope = Scope {
                ids: false,
                contacts: false,
            };
            let found = scan_as_read(self, &joined, scope, false);
            if found.is_empty() {
                return list.join(";");
            }
            let mut starts = Vec::with_capacity(list.len());
            let mut at = 0;
            for w in &list {
                starts.push(at);
                at += w.len() + 1;
            }
            let mut drop = vec![false; list.len()];
            for f in &found {
                let i = starts.partition_point(|&s| s <= f.at()).saturating_sub(1);
                drop[i] = true;
            }
            let mut i = 0;
            list.retain(|_| {
                i += 1;
                !drop[i - 1]
            });
        }
    }

    /// Everything the screen finds in `text`, in order.
    pub fn scan(&self, text: &str, scope: Scope) -> Vec<Finding> {
        let mut found = Vec::new();
        if scope.ids && !self.withheld.is_empty() {
            self.withheld_ids(text, &mut found);
        }
        let names = self.names.get_or_init(|| first_words(self.starts.keys()));
        if let Some(names) = names {
            names.each(text, |start, key| {
                for name in self.starts.get(key).into_iter().flatten() {
                    if let Some(f) = self.declared_at(text, start, name) {
                        found.push(f);
                    }
                }
            });
        }
        self.contacts(text, &mut found);
        if !scope.contacts {
            found.retain(|f| !matches!(f, Finding::Email { .. } | Finding::Phone { .. }));
            self.declared_phone_digits(text, &mut found);
        }
        found.sort_by_key(Finding::at);
        found.dedup();
        found
    }

    /// A declared telephone number among the digits of `text`, whatever
    /// stands between them: for a binary file's runs, where a number may
    /// come out of a UTF-16 string, a table or a font's encoding with
    /// anything between its digits. Fails closed: a run of digits that
    /// holds a declared number is a finding, even if it is part of a
    /// longer one.
    fn declared_phone_digits(&self, text: &str, found: &mut Vec<Finding>) {
        let automaton = self.declared_digits.get_or_init(|| {
            let mut patterns = Vec::new();
            let mut values = Vec::new();
            for (i, d) in self.declared.iter().enumerate() {
                let digits = phone_digits(&d.value);
                if d.key != "phone" || digits.len() < 7 {
                    continue;
                }
                // `01632 960123` is also `+44 1632 960123`.
                if let Some(national) = digits.strip_prefix('0') {
                    patterns.push(national.to_string());
                    values.push(i);
                }
                patterns.push(digits);
                values.push(i);
            }
            let automaton = aho_corasick::AhoCorasick::new(&patterns).ok()?;
            (!values.is_empty()).then_some((automaton, values))
        });
        let Some((automaton, values)) = automaton else {
            return;
        };
        let (digits, places): (String, Vec<usize>) = text
            .char_indices()
            .filter(|(_, c)| c.is_ascii_digit())
            .map(|(at, c)| (c, at))
            .unzip();
        for m in automaton.find_overlapping_iter(&digits) {
            found.push(Finding::Declared {
                at: places[m.start()],
                value: values[m.pattern().as_usize()],
            });
        }
    }

    /// The withheld ids among the words of `text` that look like ids
    /// (letters and digits with hyphens), whole or hyphen-separated parts
    /// of them (`SCMR-2099-901-final` mentions `SCMR-2099-901`).
    fn withheld_ids(&self, text: &str, found: &mut Vec<Finding>) {
        for (start, word) in hyphenated_words(text) {
            if self.public.contains(&word.to_ascii_uppercase()) {
                continue;
            }
            // Every run of the word's parts that holds a hyphen: from the
            // start or a hyphen, to a hyphen or the end.
            // Only parts as long as a withheld id at most: linear in the
            // word, however many hyphens it has (`a-a-a-…`).
            let froms = std::iter::once(0).chain(word.match_indices('-').map(|(i, _)| i + 1));
            for from in froms {
                let tos = word[from..].match_indices('-').map(|(i, _)| from + i);
                let tos = tos
                    .skip(1)
                    .chain(std::iter::once(word.len()))
                    .take(self.withheld_hyphens)
                    .take_while(|&to| to - from <= self.withheld_len);
                for to in tos {
                    let part = &word[from..to];
                    if part.contains('-') && self.is_withheld(part) {
                        found.push(Finding::WithheldId {
                            at: start + from,
                            id: part.to_ascii_uppercase(),
                        });
                    }
                }
            }
        }
    }

    fn is_withheld(&self, part: &str) -> bool {
        if part.bytes().any(|b| b.is_ascii_lowercase()) {
            self.withheld.contains(&part.to_ascii_uppercase())
        } else {
            self.withheld.contains(part)
        }
    }

    /// A declared value whose first word may start at `start`, when its
    /// words follow one another there and it stands as whole words.
    fn declared_at(&self, text: &str, start: usize, name: &Name) -> Option<Finding> {
        let first = text[start..].chars().next()?;
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| glues(first, c))
        {
            return None;
        }
        let end = follows(text, start, &name.words)?;
        let last = text[..end].chars().next_back()?;
        let boundary =
            !text[end..].chars().next().is_some_and(|c| glues(last, c)) || !is_word_char(last);
        // A withheld attachment's name is a mention when written as a file
        // name, its extension after a `.` (`triage-notes.pdf`, `Triage
        // Notes.PDF`): prose that says "its triage notes (PDF)" names no
        // file.
        let as_file_name = match name.target {
            NameOf::File(i) if self.withheld_files[i].contains('.') && name.words.len() > 1 => {
                let extension = name.words.last().map_or(0, String::len);
                text[..end - extension].ends_with('.')
            }
            _ => true,
        };
        (boundary && as_file_name).then(|| match name.target {
            NameOf::Declared(value) => Finding::Declared { at: start, value },
            NameOf::File(i) => Finding::WithheldFile {
                at: start,
                name: self.withheld_files[i].clone(),
            },
        })
    }

    /// A contact found in a text: the declared value it is, when it is one
    /// (the message can then say whose), else `generic`.
    fn whose(&self, key: &str, normalised: &str, generic: Finding) -> Finding {
        let known = match key {
            "phone" => self.declared_contacts.get(&format!("phone {normalised}")),
            _ => self.declared_contacts.get(&format!("email {normalised}")),
        };
        match known {
            Some(&value) => Finding::Declared {
                at: generic.at(),
                value,
            },
            None => generic,
        }
    }

    /// E-mail addresses and telephone numbers that are not public contact
    /// points.
    fn contacts(&self, text: &str, found: &mut Vec<Finding>) {
        // Most text has no `@` and too few digits for a number: two quick
        // looks spare it the patterns.
        let at_sign = memchr::memchr(b'@', text.as_bytes()).is_some();
        let plain = at_sign.then(|| EMAIL.find_iter(text));
        let dodged = AT_CLUES.is_match(text).then(|| EMAIL_AT.find_iter(text));
        for m in plain
            .into_iter()
            .flatten()
            .chain(dodged.into_iter().flatten())
        {
            let address: String = m.as_str().split_whitespace().collect();
            let address = address.to_lowercase().replace(['\u{b7}', '\u{2027}'], ".");
            if !self.allowed_emails.contains(&address) {
                found.push(self.whose("email", &address, Finding::Email { at: m.start() }));
            }
        }
        let zeros = with_letter_o_as_zero(text);
        let text = zeros.as_deref().unwrap_or(text);
        for (start, end) in phone_numbers(text) {
            let digits = phone_digits(&text[start..end]);
            if !self.allowed_phones.contains(&digits) {
                found.push(self.whose("phone", &digits, Finding::Phone { at: start }));
            }
        }
    }
}

/// One search for every first word, in any ASCII case, longest first (so
/// `Anna` is found where `Ann` and `Anna` both start there): an
/// Aho-Corasick automaton, which reads each text once whatever the number
/// of words and is built for any words at all; should it still not be
/// built, each word is searched for on its own, never not at all.
#[derive(Debug)]
enum FirstWords {
    Automaton(aho_corasick::AhoCorasick, Vec<String>),
    EachAlone(Vec<String>),
}

impl FirstWords {
    /// Calls `found` with the offset and the (lower-case) word of every
    /// place a first word starts in `text`.
    fn each(&self, text: &str, mut found: impl FnMut(usize, &str)) {
        match self {
            FirstWords::Automaton(automaton, words) => {
                for m in automaton.find_iter(text) {
                    found(m.start(), &words[m.pattern().as_usize()]);
                }
            }
            FirstWords::EachAlone(words) => {
                let lower = text.to_ascii_lowercase();
                for w in words {
                    for at in memchr::memmem::find_iter(lower.as_bytes(), w.as_bytes()) {
                        found(at, w);
                    }
                }
            }
        }
    }
}

fn first_words<'a>(words: impl Iterator<Item = &'a String>) -> Option<FirstWords> {
    let mut words: Vec<String> = words.map(|w| w.to_ascii_lowercase()).collect();
    if words.is_empty() {
        return None;
    }
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    words.dedup();
    // A DFA is quickest to search, but its construction grows with the
    // words' length times the alphabet: for long words (a pasted blob in
    // a `name`), a contiguous NFA, built in time linear in their length.
    let bytes: usize = words.iter().map(String::len).sum();
    let kind = (bytes > 20_000).then_some(aho_corasick::AhoCorasickKind::ContiguousNFA);
    let automaton = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .kind(kind)
        .build(&words);
    Some(match automaton {
        Ok(a) => FirstWords::Automaton(a, words),
        Err(_) => FirstWords::EachAlone(words),
    })
}

/// The words of `text` made of ASCII letters, digits and hyphens that hold
/// a hyphen inside, with their offsets: what a request id can be. Found
/// from the hyphens (a byte search), since most words have none.
fn hyphenated_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let id_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(found) = memchr::memchr(b'-', &bytes[from..]) {
            let hyphen = from + found;
            let mut start = hyphen;
            while start > 0 && id_byte(bytes[start - 1]) {
                start -= 1;
            }
            let mut end = hyphen;
            while end < bytes.len() && id_byte(bytes[end]) {
                end += 1;
            }
            from = end.max(hyphen + 1);
            let word = text[start..end].trim_matches('-');
            let start = start + (end - start - text[start..end].trim_start_matches('-').len());
            // A word glued to a letter of its own script is not an id on
            // its own (`HID-1` in `HID-1é`); beside a mark or a letter of
            // another script it is.
            let (first, last) = (word.chars().next(), word.chars().next_back());
            let glued = first
                .zip(text[..start].chars().next_back())
                .is_some_and(|(f, c)| glues(f, c))
                || last
                    .zip(text[end..].chars().next())
                    .is_some_and(|(l, c)| glues(l, c));
            if word.contains('-') && !glued {
                return Some((start, word));
            }
        }
        None
    })
}

/// Where the declared value's `words` end when they follow `from` in
/// `text`, each after any run of whitespace, `-` or `_`.
fn follows(text: &str, mut from: usize, words: &[String]) -> Option<usize> {
    let skip = |from: usize| {
        let rest = &text[from..];
        from + rest.len() - rest.trim_start_matches(is_separator).len()
    };
    let matches = |from: usize, word: &str| {
        text.get(from..from + word.len())
            .is_some_and(|c| c.eq_ignore_ascii_case(word))
    };
    let blank = |from: usize, to: usize| text[from..to].chars().all(char::is_whitespace);
    let mut middle_name = false;
    for (i, word) in words.iter().enumerate() {
        let before = from;
        from = skip(from);
        // Between two words, one capitalised word (`Wilfred James Ashby`)
        // stands for a middle name, with blanks only around it (`Wilfred
        // Street, Ashby` is a place).
        if i > 0 && !middle_name && !matches(from, word) && blank(before, from) {
            let rest = &text[from..];
            let len = rest
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(rest.len());
            let capitalised = rest.chars().next().is_some_and(char::is_uppercase)
                && rest[..len].chars().count() > 1;
            let next = skip(from + len);
            if capitalised && next > from + len && blank(from + len, next) && matches(next, word) {
                from = next;
                middle_name = true;
            }
        }
        // Between two words, up to three initials (`Wilfred J. Ashby`,
        // `Wilfred J R Ashby`) stand for middle names.
        let mut initials = 0;
        while i > 0 && !matches(from, word) && initials < 3 {
            let mut chars = text[from..].chars();
            let single = chars.next().is_some_and(char::is_alphabetic)
                && !chars.next().is_some_and(char::is_alphanumeric);
            if !single {
                return None;
            }
            from = skip(from + text[from..].chars().next().map_or(1, char::len_utf8));
            initials += 1;
        }
        if !matches(from, word) {
            return None;
        }
        from += word.len();
    }
    Some(from)
}
