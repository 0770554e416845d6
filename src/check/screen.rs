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

use regex::Regex;
use rustc_hash::FxHashSet as HashSet;
use std::path::PathBuf;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// An e-mail address, international ones too (`jo@exämple.com`), with a
/// space either side of the `@` at most.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\w.%+-]+[ \t]?@[ \t]?[\w-]+(\.[\w-]+)*\.\w{2,}").expect("valid pattern")
});
/// An address written to dodge harvesters: `a.person [at] example.com`,
/// `a.person{at}example.com`, `a.person at example dot com`.
static EMAIL_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[\w.%+-]+\s*[\[({<]\s*at\s*[\])}>]\s*[\w-]+(\.[\w-]+)*\.\w{2,}|[\w.%+-]+\s+at\s+[\w-]+(\s+dot\s+[\w-]+)+",
    )
    .expect("valid pattern")
});
/// What an address written with `[at]` or `at … dot` must hold: most text
/// has neither.
static AT_CLUES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)at[\])}>]|\sdot\s").expect("valid pattern"));

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
/// Invisible characters (soft hyphen, zero-width spaces and joiners,
/// direction marks, fillers) are left out, since `Wil\u{200b}fred` reads as
/// `Wilfred`, and every character is read in its compatibility form
/// (NFKD: full-width `Ｗ` is `W`, `ﬁ` is `fi`, `é` is `e` and an accent, as
/// [`normalised`] writes declared values too). In HTML (`html`), character
/// references are decoded as a browser would (`Wilfred&nbsp;Ashby`).
pub fn as_read(text: &str, html: bool) -> Option<(String, Vec<usize>)> {
    let references = html && memchr::memchr(b'&', text.as_bytes()).is_some();
    if text.is_ascii() && !references {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut push = |out: &mut String, c: char, at: usize| {
        for c in std::iter::once(c).nfkd() {
            if !is_invisible(c) {
                out.push(c);
                from.extend(std::iter::repeat_n(at, c.len_utf8()));
            }
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let reference = (html && c == '&')
            .then(|| crate::render::markdown::character_reference(&text[at..]))
            .flatten();
        match reference {
            Some((decoded, len)) => {
                push(&mut out, decoded, at);
                while chars.peek().is_some_and(|&(i, _)| i < at + len) {
                    chars.next();
                }
            }
            None => push(&mut out, c, at),
        }
    }
    Some((out, from))
}

/// A declared value as the screen compares it: in its compatibility form,
/// without invisible characters, curly apostrophes read as `'` (see
/// [`as_read`]).
pub fn normalised(value: &str) -> String {
    let read = as_read(value, false).map_or_else(|| value.to_string(), |(read, _)| read);
    read.replace(['\u{2019}', '\u{2018}', '`'], "'")
}

/// Characters that take no room on a page: soft hyphen, zero-width spaces
/// and joiners, direction marks and embeddings, word joiners, fillers,
/// variation selectors, tags.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// What may stand between the words of a declared value in a text: white
/// space, any ASCII punctuation (`Wilfred.Ashby`, `Ashby, Wilfred`,
/// `O'Brien`), and the dashes, dots, bullets and blanks of Unicode that a
/// reader passes over as they pass over a space.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '\u{a6}'
                | '\u{b7}'
                | '\u{2d1}'
                | '\u{1806}'
                | '\u{16eb}'
                | '\u{2010}'..='\u{2027}'
                | '\u{2030}'..='\u{205e}'
                | '\u{2212}'
                | '\u{2219}'
                | '\u{22c5}'
                | '\u{2800}'
                | '\u{2e00}'..='\u{2e5d}'
                | '\u{3000}'..='\u{3003}'
                | '\u{301c}'
                | '\u{30fb}'
                | '\u{fe50}'..='\u{fe6b}'
                | '\u{ff01}'..='\u{ff0f}'
                | '\u{ff1a}'..='\u{ff20}'
                | '\u{ff65}'
        )
}

/// Titles written before a name (`Dr Wilfred Ashby`): the person is as
/// named without them.
const HONORIFICS: [&str; 12] = [
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
];

/// The forms in which a declared name is searched for, as words: the name
/// without a title or a bracketed note (`Dr Wilfred Ashby (CTO)` is
/// `Wilfred Ashby`), in the order of the prose, and with the family name
/// first, as lists write it (`Ashby, Wilfred`). A value written family
/// name first (`Ashby, Wilfred`) gives the same two forms.
fn name_forms(value: &str) -> Vec<Vec<String>> {
    let mut plain = String::with_capacity(value.len());
    let mut depth = 0usize;
    for c in normalised(value).chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let ordered = match plain.split_once(',') {
        Some((family, given)) if !given.trim().is_empty() => format!("{given} {family}"),
        _ => plain,
    };
    let mut tokens: Vec<&str> = ordered.split_whitespace().collect();
    let titled = |t: &[&str]| {
        let first = t
            .first()
            .map(|w| w.trim_end_matches('.').to_ascii_lowercase());
        t.len() > 1 && first.is_some_and(|w| HONORIFICS.contains(&w.as_str()))
    };
    while titled(&tokens) {
        tokens.remove(0);
    }
    let mut forms = vec![words(&tokens.join(" "))];
    if let Some((family, given)) = tokens.split_last().filter(|(_, given)| !given.is_empty()) {
        forms.push(words(&format!("{family} {}", given.join(" "))));
    }
    forms
}

/// Scans `text` as a reader sees it (see [`as_read`]), with offsets into
/// `text` itself.
/// Direction overrides, embeddings and isolates anywhere in the text are
/// findings of their own (see [`Finding::Reordered`]).
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
    let reordering = text
        .char_indices()
        .filter(|&(_, c)| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'));
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

/// The fewest digits a telephone number has: a UK number has 10 or 11
/// with its leading 0.
const MIN_PHONE_DIGITS: usize = 10;

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
    names: Option<Regex>,
    /// For each first word (in lower case), the values it starts: a first
    /// word many values share (`Person`, a family name) is searched once.
    starts: rustc_hash::FxHashMap<String, Vec<Name>>,
    /// Withheld ids in upper case, to look up every id-like word in.
    withheld: HashSet<String>,
    declared: Vec<DeclaredValue>,
    allowed_emails: HashSet<String>,
    allowed_phones: HashSet<String>,
    /// Declared e-mail addresses (lower case) and telephone numbers (their
    /// digits) that the search for any address or number finds: a finding
    /// that is one of them says whose it is.
    declared_contacts: rustc_hash::FxHashMap<String, usize>,
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

/// A telephone number's digits, `+44` or `0044` read as a leading `0`
/// (and a trunk `(0)` after it dropped): the same number however written.
fn phone_digits(text: &str) -> String {
    let text = text.replace("(0)", "");
    let text = match text.trim_start().strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => text,
    };
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
        let mut starts: rustc_hash::FxHashMap<String, Vec<Name>> = Default::default();
        let mut declared_contacts: rustc_hash::FxHashMap<String, usize> = Default::default();
        for (i, d) in declared.iter().enumerate() {
            if caught_anyway(d, public_contacts) {
                declared_contacts.insert(contact_key(d.key, &d.value), i);
                continue;
            }
            // Too short to tell from ordinary text: nothing to search for.
            if d.value.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                continue;
            }
            let forms = match d.key {
                "name" => name_forms(&d.value),
                _ => vec![words(&d.value)],
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
        let names = first_words(starts.keys());
        Screen {
            names,
            starts,
            declared_contacts,
            public: HashSet::default(),
            withheld_files: Vec::new(),
            withheld: withheld.iter().map(|id| id.to_ascii_uppercase()).collect(),
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
        self.names = first_words(self.starts.keys());
        self
    }

    /// Everything the screen finds in `text`, in order.
    pub fn scan(&self, text: &str, scope: Scope) -> Vec<Finding> {
        let mut found = Vec::new();
        if scope.ids && !self.withheld.is_empty() {
            self.withheld_ids(text, &mut found);
        }
        if let Some(names) = &self.names {
            for m in names.find_iter(text) {
                let starts = self.starts.get(&m.as_str().to_ascii_lowercase());
                for name in starts.into_iter().flatten() {
                    if let Some(f) = self.declared_at(text, m.start(), name) {
                        found.push(f);
                    }
                }
            }
        }
        self.contacts(text, &mut found);
        if !scope.contacts {
            found.retain(|f| !matches!(f, Finding::Email { .. } | Finding::Phone { .. }));
        }
        found.sort_by_key(Finding::at);
        found.dedup();
        found
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
            let froms = std::iter::once(0).chain(word.match_indices('-').map(|(i, _)| i + 1));
            for from in froms {
                let tos = word[from..].match_indices('-').map(|(i, _)| from + i);
                for to in tos.skip(1).chain(std::iter::once(word.len())) {
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
        if text[..start].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        let end = follows(text, start, &name.words)?;
        let boundary = !text[end..].chars().next().is_some_and(is_word_char)
            || text[start..end].ends_with(|c: char| !is_word_char(c));
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
            let address = address.to_lowercase();
            if !self.allowed_emails.contains(&address) {
                found.push(self.whose("email", &address, Finding::Email { at: m.start() }));
            }
        }
        for (start, end) in phone_numbers(text) {
            let digits = phone_digits(&text[start..end]);
            if !self.allowed_phones.contains(&digits) {
                found.push(self.whose("phone", &digits, Finding::Phone { at: start }));
            }
        }
    }
}

/// One search for every first word, in any ASCII case, longest first (so
/// `Anna` is found where `Ann` and `Anna` both start there). A regular
/// expression: its engine searches a large alternation in one pass.
fn first_words<'a>(words: impl Iterator<Item = &'a String>) -> Option<Regex> {
    let mut words: Vec<&String> = words.collect();
    if words.is_empty() {
        return None;
    }
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let alternation: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    let pattern = format!("(?i-u:{})", alternation.join("|"));
    regex::RegexBuilder::new(&pattern)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .ok()
}

/// Where the telephone numbers of `text` are: runs of at least
/// [`MIN_PHONE_DIGITS`] digits, separated by up to three spaces, dots,
/// dashes, slashes, underscores or brackets, that start as a number does
/// (`+`, `00`, `0` or `(0`). Read by hand rather than by a pattern: it is
/// one quick pass, and a pattern with that many forms (`0044 1632
/// 960123`, `01632 96 01 23`, `+44 (0)20 7946 0000`, `07700 – 900123`)
/// would be neither.
fn phone_numbers(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(found) = memchr::memchr3(b'+', b'0', b'(', &bytes[i..]) {
            i += found;
            let start = i;
            let starts_number = match bytes[i] {
                b'+' => bytes.get(i + 1).is_some_and(u8::is_ascii_digit),
                b'0' => true,
                b'(' => bytes.get(i + 1) == Some(&b'0'),
                _ => false,
            };
            let glued = text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            i += 1;
            if !starts_number || glued {
                continue;
            }
            if let Some(end) = phone_number_end(text, start) {
                i = end;
                return Some((start, end));
            }
        }
        None
    })
}

/// Where the telephone number that starts at `start` ends, when the digits
/// from there make one.
fn phone_number_end(text: &str, start: usize) -> Option<usize> {
    let (mut end, mut digits, mut run) = (start, 0, 0);
    for (j, c) in text[start..].char_indices() {
        if c.is_ascii_digit() {
            (digits, end, run) = (digits + 1, start + j + c.len_utf8(), 0);
        } else if j == 0 || (is_phone_separator(c) && run < 3) {
            run += 1;
        } else {
            break;
        }
    }
    let followed = text[end..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    ((MIN_PHONE_DIGITS..=15).contains(&digits) && !followed).then_some(end)
}

/// What may stand between the digits of a telephone number.
fn is_phone_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '-' | '/' | '(' | ')' | '_' | '\u{a0}' | '\u{2009}' | '\u{202f}' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}'
    )
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
            // A word glued to a non-ASCII letter is not an id on its own.
            let glued = text[..start].chars().next_back().is_some_and(is_word_char)
                || text[end..].chars().next().is_some_and(is_word_char);
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
    for word in words {
        let rest = &text[from..];
        let skipped = rest.len() - rest.trim_start_matches(is_separator).len();
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
                Finding::WithheldFile { name, .. } => format!("file {name}"),
                Finding::Declared { value, .. } => format!("declared {value}"),
                Finding::Email { .. } => "email".to_string(),
                Finding::Phone { .. } => "phone".to_string(),
                Finding::Reordered { .. } => "reordered".to_string(),
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
    fn declared_names_match_without_titles_notes_or_their_order() {
        let names = [
            "Dr Zoë O’Brien (CTO)",
            "Ashby, Wilfred",
            "Mary Smith-Jones.",
        ];
        let declared = names
            .iter()
            .map(|n| DeclaredValue {
                file: PathBuf::from("requests/A-1.md"),
                table: "proposer",
                key: "name",
                value: n.to_string(),
            })
            .collect();
        let screen = Screen::new(Vec::new(), declared, &[]);
        let found = |text: &str| -> Vec<usize> {
            let found = scan_as_read(&screen, text, Scope::ALL, false);
            found
                .iter()
                .filter_map(|f| match f {
                    Finding::Declared { value, .. } => Some(*value),
                    _ => None,
                })
                .collect()
        };
        for (text, who) in [
            ("By Zoe\u{308} O'Brien.", 0),
            ("By ZOË O’BRIEN.", 0),
            ("O'Brien, Zoë wrote", 0),
            ("By Wilfred Ashby today", 1),
            ("Ashby, Wilfred", 1),
            ("Wilfred.Ashby", 1),
            ("Wilfred\u{3164} Ashby\u{3164}", 1),
            ("Wilfred \u{2022} Ashby", 1),
            ("Mary Smith\u{2010}Jones", 2),
            ("Smith-Jones, Mary", 2),
        ] {
            assert_eq!(found(text), [who], "{text}");
        }
        for text in ["Zoë wrote", "Dr O'Brien", "Wilfred Ashbyson", "CTO"] {
            assert!(found(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn withheld_ids_and_contacts_are_found_and_public_contacts_pass() {
        assert_eq!(kinds("see HID-2099-901."), ["id HID-2099-901"]);
        assert!(kinds("see HID-2099-9010").is_empty());
        assert_eq!(kinds("mail a.b@example.com"), ["email"]);
        assert_eq!(kinds("mail a.b [at] example.com"), ["email"]);
        for address in [
            "a.b @ example.com",
            "a.b{at}example.com",
            "a.b at example dot com",
            "a.b@ex\u{e4}mple.com",
            "a.b@\u{4f8b}\u{3048}.jp",
        ] {
            assert_eq!(kinds(address), ["email"], "{address}");
        }
        assert!(kinds("mail SSC @ example.org today").is_empty());
        assert!(kinds("mail SSC@example.org today").is_empty());
        assert!(kinds("call 020 7090 1000").is_empty());
        assert_eq!(kinds("call 01632 960 123"), ["phone"]);
        assert_eq!(kinds("call +1 555 010 0199"), ["phone"]);
        // The declared phone, written without spaces: found as a telephone
        // number, and said to be the declared one.
        assert_eq!(kinds("01614960372"), ["declared 2"]);
        for number in [
            "0044 1632 960123",
            "01632 96 01 23",
            "(01632) 960 123",
            "+44 (0)1632 960123",
            "07700-900-123",
            "+1 (555) 010-0199",
            "07700 \u{2013} 900123",
            "07700_900123",
            "077 00 90 01 23",
            "0 7700 900 123",
            "\u{a0}07700 900123",
        ] {
            assert_eq!(kinds(&format!("call {number}.")), ["phone"], "{number}");
        }
        // A public contact point however written.
        for number in ["+44 (0)20 7090 1000", "0044 20 7090 1000", "020-7090-1000"] {
            assert!(kinds(number).is_empty(), "{number}");
        }
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
        ] {
            let found = scan_as_read(&s, text, Scope::ALL, true);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].at(), 0, "{text}");
        }
        // Outside HTML an entity is shown as it is written.
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
