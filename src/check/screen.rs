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

/// `text` as a reader sees its characters, and for each byte of the result
/// the byte of `text` it came from; `None` when that is `text` itself.
/// Invisible characters (soft hyphen, zero-width spaces and joiners,
/// direction marks, fillers, every format character) are left out, since
/// `Wil\u{200b}fred` reads as `Wilfred`; every dash of Unicode reads as
/// `-` (`HID\u{2011}1` is `HID-1`) and an ideographic full stop as `.`; a
/// superscript, a circled or enclosed character, a modifier letter and a
/// letter-like symbol (`™`) read as their compatibility form, set apart
/// by a space from a letter or digit beside them that is not one, since a
/// reader sees `HID-1¹` as `HID-1` and a footnote mark (`HID-1 1`) but
/// `ⒽⒾⒹ-①` as `HID-1` (one with no such form, `ʼ`, reads as a space);
/// every other character is read in its compatibility form (NFKD: full-width `Ｗ` is `W`, `ﬁ` is `fi`,
/// `é` is `e` and an accent, as [`normalised`] writes declared values
/// too). `%`-escapes that make UTF-8 are decoded (`HID%2D1`, `jo%40x.org`:
/// an address pasted as prose). In HTML (`html`), character references are
/// decoded as a browser would (`Wilfred&nbsp;Ashby`).
pub fn as_read(text: &str, html: bool) -> Option<(String, Vec<usize>)> {
    let references = html && memchr::memchr(b'&', text.as_bytes()).is_some();
    let escapes = memchr::memchr(b'%', text.as_bytes()).is_some();
    if text.is_ascii() && !references && !escapes {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    // Whether the last character read is a letter or digit, and whether
    // it came from a footnote-like mark: a mark beside a letter or digit
    // that is not one is read apart from it (`HID-1¹` is `HID-1 1`), a
    // word written wholly in them as its letters (`ⒽⒾⒹ-①` is `HID-1`).
    let mut last: Option<bool> = None;
    let mut push = |out: &mut String, c: char, at: usize| {
        let mut one = |c: char, mark: bool| {
            let alnum = c.is_alphanumeric();
            if alnum && last.is_some_and(|m| m != mark) {
                out.push(' ');
                from.push(at);
            }
            out.push(c);
            from.extend(std::iter::repeat_n(at, c.len_utf8()));
            last = alnum.then_some(mark);
        };
        if c.is_ascii() {
            return one(c, false);
        }
        if is_invisible(c) {
            return;
        }
        if let Some(read) = read_as(c).or_else(|| decimal_digit(c)) {
            return one(read, false);
        }
        let mark = is_mark_like(c);
        if mark && std::iter::once(c).nfkd().eq(std::iter::once(c)) {
            // A mark with no compatibility form (`ʼ`): a space.
            return one(' ', true);
        }
        for c in std::iter::once(c).nfkd().filter(|&c| !is_invisible(c)) {
            one(read_as(c).unwrap_or(c), mark);
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let decoded = match c {
            '&' if html => crate::render::markdown::character_reference(&text[at..]),
            '%' => percent_escape(&text[at..]),
            _ => None,
        };
        match decoded {
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

/// The character that `%`-escapes at the start of `text` make (`%48` is
/// `H`, `%C3%A9` is `é`), and their length; `None` when they make none.
fn percent_escape(text: &str) -> Option<(char, usize)> {
    let bytes = text.as_bytes();
    let hex = |i: usize| -> Option<u8> {
        let h = char::from(*bytes.get(i + 1)?).to_digit(16)?;
        let l = char::from(*bytes.get(i + 2)?).to_digit(16)?;
        (bytes[i] == b'%').then_some((h * 16 + l) as u8)
    };
    let first = hex(0)?;
    let len = match first {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let mut utf8 = vec![first];
    for k in 1..len {
        utf8.push(hex(3 * k)?);
    }
    let c = std::str::from_utf8(&utf8).ok()?.chars().next()?;
    Some((c, 3 * len))
}

/// What a character reads as, when not as itself or its compatibility
/// form: a dash as `-`, an ideographic full stop as `.`.
fn read_as(c: char) -> Option<char> {
    match c {
        '\u{2d}'
        | '\u{58a}'
        | '\u{5be}'
        | '\u{1400}'
        | '\u{1806}'
        | '\u{2010}'..='\u{2015}'
        | '\u{2043}'
        | '\u{2212}'
        | '\u{2e17}'
        | '\u{2e1a}'
        | '\u{2e3a}'
        | '\u{2e3b}'
        | '\u{2e40}'
        | '\u{2e5d}'
        | '\u{301c}'
        | '\u{3030}'
        | '\u{30a0}'
        | '\u{fe31}'
        | '\u{fe32}'
        | '\u{fe58}'
        | '\u{fe63}'
        | '\u{ff0d}'
        | '\u{10ead}'
        | '\u{2d7}'
        | '\u{2796}'
        | '\u{fe6a}' => Some('-'),
        '\u{3002}' | '\u{ff61}' | '\u{fe12}' | '\u{ff0e}' => Some('.'),
        _ => None,
    }
}

/// The zero of every set of decimal digits of Unicode that has no
/// compatibility form (Arabic-Indic `٠`, Devanagari `०`...): each set is
/// ten digits in a row.
const DECIMAL_ZEROS: &[u32] = &[
    0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6,
    0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50,
    0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0x104a0,
    0x10d30, 0x10d40, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x116d0, 0x11730, 0x118e0, 0x11950, 0x11bf0, 0x11c50, 0x11d50, 0x11da0, 0x11f50,
    0x16130, 0x16a60, 0x16ac0, 0x16b50, 0x16d70, 0x1e140, 0x1e2f0, 0x1e4f0, 0x1e5f1, 0x1e950,
];

/// An ASCII digit for a decimal digit of another script (`٠٧٧٠٠` reads
/// `07700`): a reader of that script reads the number.
fn decimal_digit(c: char) -> Option<char> {
    if !c.is_numeric() {
        return None;
    }
    let code = u32::from(c);
    let zero = DECIMAL_ZEROS
        .partition_point(|&z| z <= code)
        .checked_sub(1)?;
    let value = code - DECIMAL_ZEROS[zero];
    (value < 10).then(|| char::from(b'0' + value as u8))
}

/// A footnote-like mark: a superscript, subscript, circled or enclosed
/// character, modifier letter, letter-like symbol or number form. It is
/// read as its compatibility form (`¹` is `1`, `Ⓦ` is `W`), apart from a
/// letter or digit beside it that is not one (see [`as_read`]); one with
/// no such form (`ʼ`) reads as a space.
fn is_mark_like(c: char) -> bool {
    matches!(
        c,
            '\u{aa}'
            | '\u{b2}'
            | '\u{b3}'
            | '\u{b9}'
            | '\u{ba}'
            | '\u{bc}'..='\u{be}'
            | '\u{2b0}'..='\u{2ff}'
            | '\u{374}'
            | '\u{37a}'
            | '\u{559}'
            | '\u{55a}'
            | '\u{10fc}'
            | '\u{1d2c}'..='\u{1d6a}'
            | '\u{1d78}'
            | '\u{1d9b}'..='\u{1dbf}'
            | '\u{2070}'..='\u{209f}'
            | '\u{2100}'..='\u{2125}'
            | '\u{2127}'..='\u{2129}'
            | '\u{212c}'..='\u{214f}'
            | '\u{2150}'..='\u{218f}'
            | '\u{2460}'..='\u{24ff}'
            | '\u{2776}'..='\u{2793}'
            | '\u{2c7c}'
            | '\u{2c7d}'
            | '\u{2d6f}'
            | '\u{3192}'..='\u{319f}'
            | '\u{3220}'..='\u{3247}'
            | '\u{3251}'..='\u{32ff}'
            | '\u{a69c}'
            | '\u{a69d}'
            | '\u{a700}'..='\u{a721}'
            | '\u{a770}'
            | '\u{a788}'..='\u{a78c}'
            | '\u{a7f2}'..='\u{a7f4}'
            | '\u{a7f8}'
            | '\u{a7f9}'
            | '\u{ab5c}'..='\u{ab5f}'
            | '\u{ab69}'
            | '\u{10780}'..='\u{107ba}'
            | '\u{1f100}'..='\u{1f1ff}'
            | '\u{1f200}'..='\u{1f2ff}'
    )
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
/// variation selectors, tags, interlinear annotation marks: every format
/// character (category Cf) and every default-ignorable one of Unicode.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'
            | '\u{891}'
            | '\u{8e2}'
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
            | '\u{fff0}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1345f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// Characters that show the text around them in another order than it is
/// written: direction marks (an invisible right-to-left mark at the start
/// of an isolate turns `1-HID` round), embeddings, overrides and isolates.
pub fn is_reordering(c: char) -> bool {
    matches!(
        c,
        '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// What may stand between the words of a declared value in a text:
/// anything that is not a letter or a digit (white space, punctuation,
/// dashes, symbols, accents left over from a decomposed letter), since a
/// reader passes over it as over a space.
fn is_separator(c: char) -> bool {
    !c.is_alphanumeric()
}

/// Titles written before a name (`Dr Wilfred Ashby`, `Cllr …`): the
/// person is as named without them.
const HONORIFICS: &[&str] = &[
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "master",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "revd",
    "reverend",
    "fr",
    "father",
    "cllr",
    "councillor",
    "hon",
    "rt",
    "the",
    "capt",
    "captain",
    "col",
    "colonel",
    "maj",
    "major",
    "lt",
    "sgt",
    "cdr",
    "gen",
    "judge",
    "baron",
    "baroness",
    "rabbi",
    "imam",
    "pastor",
    "bishop",
    "canon",
    "mayor",
    "herr",
    "frau",
    "mme",
    "mlle",
    "sr",
    "sra",
    "srta",
    "dott",
    "ing",
    "eng",
];

/// Letters and honours written after a name (`Wilfred Ashby MBE`, `…
/// Jr.`): the person is as named without them.
const POST_NOMINALS: &[&str] = &[
    "jr", "jnr", "sr", "snr", "ii", "iii", "iv", "esq", "mbe", "obe", "cbe", "kbe", "dbe", "gbe",
    "frs", "freng", "phd", "dphil", "msc", "ma", "ba", "bsc", "beng", "meng", "mba", "llb", "llm",
    "md", "qc", "kc", "mp", "msp", "jp", "dl", "fca", "aca", "acca", "fcca", "ceng", "fiet",
    "miet", "fbcs", "mbcs", "cissp", "cisa", "cism", "rn", "bt", "frsa", "fcipd",
];

/// Words that say what a person does, not who they are: a part of a
/// declared name made only of them (`Wilfred Ashby, Chief Technology
/// Officer`) is a role, not another person.
const ROLE_WORDS: &[&str] = &[
    "chief",
    "officer",
    "director",
    "head",
    "manager",
    "lead",
    "engineer",
    "consultant",
    "analyst",
    "president",
    "partner",
    "secretary",
    "chair",
    "chairman",
    "chairwoman",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "ciso",
    "cio",
    "vp",
    "svp",
    "evp",
    "senior",
    "principal",
    "executive",
    "technical",
    "technology",
    "security",
    "information",
    "operations",
    "product",
    "programme",
    "program",
    "project",
    "compliance",
    "architect",
    "specialist",
    "adviser",
    "advisor",
    "representative",
    "deputy",
    "assistant",
    "associate",
    "general",
    "counsel",
    "group",
    "team",
    "member",
    "founder",
    "owner",
    "ltd",
    "limited",
    "plc",
    "inc",
    "llp",
    "company",
    "energy",
    "supply",
    "services",
];

/// The people a declared `name` names, each as the words of their name:
/// `Wilfred Ashby and Ann Other` (or `&`, `/`, `;`, `+`, a line break) is
/// two people; a part after a comma or a spaced dash is a role or
/// post-nominals (`Wilfred Ashby, CTO`, `… - CTO`), unless the value reads
/// family name first (`Ashby, Wilfred`) or the part is a name of its own;
/// a bracketed note (`(CTO)`) and an address (`<w@example.net>`) are left
/// out, and so are titles before a name and letters after it.
fn people(value: &str) -> Vec<Vec<String>> {
    let plain = unbracketed(&normalised(value));
    let mut out = Vec::new();
    for part in parts_per_person(&plain) {
        names_in_part(&part, &mut out);
    }
    // A bracketed nickname: `William (Bill) Ashby` is also `Bill Ashby`.
    for nicknamed in nicknamed(&normalised(value)) {
        for part in parts_per_person(&nicknamed) {
            names_in_part(&part, &mut out);
        }
    }
    // A letter or two alone (`N/A`, `Wilfred Ashby & Co`) is nobody's name.
    out.retain(|p| p.len() > 1 || p.first().is_some_and(|w| w.chars().count() > 2));
    // A value that is one word, or only titles: searched as it is written.
    if out.is_empty() {
        out.push(plain.split_whitespace().map(str::to_string).collect());
    }
    out.retain(|p| !p.is_empty());
    out
}

/// For each bracketed nickname of `value` (one capitalised word that is
/// no title, role or letters: `William (Bill) Ashby`, `William Ashby
/// (Bill)`), the name with the nickname for the given name (`Bill
/// Ashby`).
fn nicknamed(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = value[from..].find('(').map(|i| from + i) {
        let Some(close) = value[open..].find(')').map(|i| open + i) else {
            break;
        };
        from = close + 1;
        let nick = value[open + 1..close].trim();
        let lower = nick.to_ascii_lowercase();
        let is_nick = nick.chars().count() > 1
            && nick.chars().all(char::is_alphabetic)
            && nick.chars().next().is_some_and(char::is_uppercase)
            && !ROLE_WORDS.contains(&lower.as_str())
            && !POST_NOMINALS.contains(&lower.as_str())
            && !HONORIFICS.contains(&lower.as_str());
        if !is_nick {
            continue;
        }
        let after = unbracketed(&value[close + 1..]);
        let family = if after.split_whitespace().next().is_some() {
            after
        } else {
            let before = unbracketed(&value[..open]);
            before
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_string()
        };
        if !family.trim().is_empty() {
            out.push(format!("{nick} {}", family.trim()));
        }
    }
    out
}

/// `value` without its bracketed notes and addresses (`(CTO)`,
/// `<w@example.net>`), which are nobody's name.
fn unbracketed(value: &str) -> String {
    let mut plain = String::with_capacity(value.len());
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '(' | '[' | '<' | '{' => depth += 1,
            ')' | ']' | '>' | '}' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
}

/// `plain` cut where one person ends and the next begins (`and`, `with`,
/// `plus`, `&`, `/`, `;`...), each part's words joined by single spaces.
fn parts_per_person(plain: &str) -> Vec<String> {
    let lowered = plain.replace(['&', '/', ';', '+', '\n', '|'], " and ");
    let mut parts: Vec<String> = vec![String::new()];
    for word in lowered.split_whitespace() {
        if ["and", "und", "with", "plus"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
        {
            parts.push(String::new());
        } else {
            let last = parts.last_mut().expect("one part at least");
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    parts
}

/// The names in one person's part of a value, added to `out`: the name
/// before a spaced dash or the first comma (turned round when the value
/// reads family name first), and any later comma part that is a name of
/// its own rather than a role.
fn names_in_part(part: &str, out: &mut Vec<Vec<String>>) {
    // A spaced dash or a colon sets a role apart, after the name or
    // before it: `Wilfred Ashby - CTO`, `Security lead - Wilfred Ashby`,
    // `Head of Security: Wilfred Ashby`.
    let part = part.replace(" -- ", " - ").replace(':', " - ");
    let pieces: Vec<&str> = part.split(" - ").filter(|p| !p.trim().is_empty()).collect();
    let part = pieces
        .iter()
        .find(|p| !is_role(&tokens(p)))
        .or(pieces.first())
        .copied()
        .unwrap_or_default();
    let segments: Vec<Vec<String>> = part.split(',').map(tokens).collect();
    let Some(first) = segments.first() else {
        return;
    };
    let second = segments.get(1).filter(|s| !s.is_empty() && !is_role(s));
    let family_first = match second {
        // `Ashby, Wilfred`: family name first.
        Some(given) if first.len() == 1 => {
            let mut person = given.clone();
            person.extend(first.iter().cloned());
            out.push(person);
            true
        }
        _ => {
            out.push(first.clone());
            false
        }
    };
    // Another part that is a name of its own: `Wilfred Ashby, Ann Other`.
    let others = segments.iter().skip(if family_first { 2 } else { 1 });
    for other in others {
        let named = other.len() >= 2
            && !is_role(other)
            && other
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if named {
            out.push(other.clone());
        }
    }
}

/// The words of one person's name without the titles before it and the
/// letters after it; an address (`w@example.net`) is no part of it.
fn tokens(part: &str) -> Vec<String> {
    let mut tokens: Vec<String> = part
        .split_whitespace()
        .filter(|w| !w.contains('@'))
        .map(str::to_string)
        .collect();
    let bare = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_ascii_lowercase()
    };
    while tokens.len() > 1 && HONORIFICS.contains(&bare(&tokens[0]).as_str()) {
        tokens.remove(0);
    }
    while tokens.len() > 1
        && POST_NOMINALS.contains(&bare(tokens.last().expect("a token")).as_str())
    {
        tokens.pop();
    }
    // A role before the name: `CTO Wilfred Ashby`, `Head of Security
    // Wilfred Ashby`.
    let is_role_word = |w: &str| ROLE_WORDS.contains(&bare(w).as_str()) || bare(w) == "of";
    while tokens.len() > 2 && is_role_word(&tokens[0]) {
        tokens.remove(0);
        while tokens.len() > 1 && HONORIFICS.contains(&bare(&tokens[0]).as_str()) {
            tokens.remove(0);
        }
    }
    tokens.retain(|w| w.chars().any(char::is_alphanumeric));
    // A title alone (`Mr` of `Mr and Mrs Wilfred Ashby`) names nobody.
    if tokens.len() == 1 && HONORIFICS.contains(&bare(&tokens[0]).as_str()) {
        tokens.clear();
    }
    tokens
}

/// True when every word of `words` says what a person does.
fn is_role(words: &[String]) -> bool {
    words.iter().all(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_ascii_lowercase();
        ROLE_WORDS.contains(&w.as_str())
            || POST_NOMINALS.contains(&w.as_str())
            || w == "of"
            || w == "and"
    })
}

/// The forms in which a declared name is searched for, as words: for each
/// person it names (see [`people`]), the name in the order of the prose
/// and with the family name first, as lists write it (`Ashby, Wilfred`);
/// and for a name with middle names or initials (`Wilfred J. Ashby`), the
/// given and family names alone, in both orders.
fn name_forms(value: &str) -> Vec<Vec<String>> {
    let mut forms = Vec::new();
    for person in people(value) {
        let words_of = |t: &[String]| words(&t.join(" "));
        forms.push(words_of(&person));
        if let Some((family, given)) = person.split_last().filter(|(_, g)| !g.is_empty()) {
            let mut reversed = vec![family.clone()];
            reversed.extend(given.iter().cloned());
            forms.push(words_of(&reversed));
            if given.len() > 1 {
                forms.push(words_of(&[given[0].clone(), family.clone()]));
                forms.push(words_of(&[family.clone(), given[0].clone()]));
            }
        }
    }
    forms.retain(|f| !f.is_empty());
    forms.dedup();
    forms
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

/// `text` with a letter `O` that starts a group of digits read as `0`
/// (`O7700 900123`, as typed or read by OCR), byte for byte in place;
/// `None` when it has none.
fn with_letter_o_as_zero(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let is_o = |&i: &usize| {
        bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            && !text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
    };
    let mut found = memchr::memchr2_iter(b'O', b'o', bytes)
        .filter(is_o)
        .peekable();
    found.peek()?;
    let mut out = bytes.to_vec();
    for i in found {
        out[i] = b'0';
    }
    String::from_utf8(out).ok()
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
            // The whole run is read once, and the search goes on after it:
            // linear however many digits and separators it has.
            let (number, run_end) = phone_number_in_run(text, start);
            i = i.max(run_end);
            if number.is_some() {
                return number;
            }
        }
        None
    })
}

/// One group of digits of a run that may be a telephone number.
struct DigitGroup {
    start: usize,
    end: usize,
    digits: usize,
    /// A `/` stands before it: `01632 960123 / 960124` is a number and its
    /// second line.
    after_slash: bool,
}

/// The telephone number in the run of digits and separators that starts
/// at `start`, and where the run ends. The run is a number when it has
/// [`MIN_PHONE_DIGITS`] to 15 digits; a longer run holds one when its
/// part before a `/` has (`01632 960123 / 960124`), or its end from a
/// group that starts with `0` (`ref 1 2 3 07700 900123`).
fn phone_number_in_run(text: &str, start: usize) -> (Option<(usize, usize)>, usize) {
    let (groups, run_end) = digit_groups(text, start);
    let Some(last) = groups.last() else {
        return (None, run_end);
    };
    let end = last.end;
    let followed = text[end..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    if is_reference(text, &groups) {
        return (None, run_end);
    }
    let total: usize = groups.iter().map(|g| g.digits).sum();
    if total <= 15 && !followed {
        return (is_phone_length(total).then_some((start, end)), run_end);
    }
    if total <= 15 {
        // Glued to a word (`01632 960123 2nd floor`): the number is the
        // groups before the one the word starts with.
        return (number_before_a_word(&groups, start), run_end);
    }
    let number = number_before_slash(&groups, start, end)
        .or_else(|| number_from_a_leading_zero(text, &groups, end, followed));
    (number, run_end)
}

/// True for a run of three or more groups of four digits, each joined
/// to the next by one `/` or one `-` (the same each time): a reference or
/// a device's id (`0123/2024/0456`, `0123-4567-8901`), not a telephone
/// number, which no plan writes so.
fn is_reference(text: &str, groups: &[DigitGroup]) -> bool {
    let bytes = text.as_bytes();
    let joins: Vec<&[u8]> = groups
        .windows(2)
        .map(|w| &bytes[w[0].end..w[1].start])
        .collect();
    groups.len() >= 3
        && bytes[groups[0].start].is_ascii_digit()
        && groups.iter().all(|g| g.digits == 4)
        && joins.iter().all(|j| *j == b"/" || *j == b"-")
        && joins.windows(2).all(|w| w[0] == w[1])
}

/// Whether `digits` digits make a telephone number.
fn is_phone_length(digits: usize) -> bool {
    (MIN_PHONE_DIGITS..=15).contains(&digits)
}

/// The groups of digits of the run that starts at `start` (digits with at
/// most two separators between them, one line break at most), and where
/// the run ends.
fn digit_groups(text: &str, start: usize) -> (Vec<DigitGroup>, usize) {
    let mut groups: Vec<DigitGroup> = Vec::new();
    let (mut gap, mut line_ends, mut slash) = (0usize, 0usize, false);
    let mut run_end = start + 1;
    for (j, c) in text[start..].char_indices() {
        let at = start + j;
        if c.is_ascii_digit() {
            let starts_group = groups.last().is_none_or(|g| g.end != at);
            if let Some(date_end) = starts_group.then(|| date_around(text, at)).flatten() {
                // A date is no group of a number: it ends the run (or,
                // first, is passed over whole).
                if groups.is_empty() {
                    return (groups, date_end.max(run_end));
                }
                break;
            }
            match groups.last_mut() {
                Some(g) if g.end == at => {
                    g.end = at + 1;
                    g.digits += 1;
                }
                _ => groups.push(DigitGroup {
                    start: if groups.is_empty() { start } else { at },
                    end: at + 1,
                    digits: 1,
                    after_slash: slash,
                }),
            }
            (gap, line_ends, slash) = (0, 0, false);
            run_end = at + 1;
        } else if j == 0 || (is_phone_separator(c) && gap < 3 && !(c == '\n' && line_ends > 0)) {
            gap += 1;
            line_ends += usize::from(c == '\n');
            slash |= c == '/';
        } else {
            break;
        }
    }
    (groups, run_end)
}

/// The end of a date (`dd/mm/yyyy`, `dd.mm.yy`, `dd-mm-yyyy`,
/// `yyyy-mm-dd`, `yyyy/mm/dd`) that holds the digit group starting at
/// `at`, when there is one: looked for a few bytes back at most, so in
/// constant time.
fn date_around(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    (at.saturating_sub(8)..=at).rev().find_map(|from| {
        let fresh = from == 0 || !bytes[from - 1].is_ascii_digit();
        let end = fresh.then(|| date_at(&bytes[from..])).flatten()? + from;
        (end > at).then_some(end)
    })
}

/// The length of the date at the start of `bytes`, if one is there.
fn date_at(bytes: &[u8]) -> Option<usize> {
    let digits = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let value = |from: usize, len: usize| -> u32 {
        bytes[from..from + len]
            .iter()
            .fold(0, |v, b| v * 10 + u32::from(b - b'0'))
    };
    let sep = |at: usize| {
        bytes
            .get(at)
            .copied()
            .filter(|b| matches!(b, b'/' | b'.' | b'-'))
    };
    let a = digits(0);
    let s1 = sep(a)?;
    let b = digits(a + 1);
    let s2 = sep(a + 1 + b).filter(|&s| s == s1)?;
    let c = digits(a + b + 2);
    let end = a + b + c + 2;
    let (day, month) = match (a, b, c) {
        // yyyy-mm-dd
        (4, 1..=2, 1..=2) => (value(a + b + 2, c), value(a + 1, b)),
        // dd/mm/yyyy, dd.mm.yy (a two-digit year not with `-`)
        (1..=2, 1..=2, 4) => (value(0, a), value(a + 1, b)),
        (1..=2, 1..=2, 2) if s2 != b'-' => (value(0, a), value(a + 1, b)),
        _ => return None,
    };
    ((1..=31).contains(&day) && (1..=12).contains(&month)).then_some(end)
}

/// When a run's last group runs into a word, the longest run of the
/// groups before it that makes a number: what stands after those is a
/// separator, so the number ends there.
fn number_before_a_word(groups: &[DigitGroup], start: usize) -> Option<(usize, usize)> {
    let mut digits: usize = groups.iter().map(|g| g.digits).sum();
    for k in (1..groups.len()).rev() {
        digits -= groups[k].digits;
        if is_phone_length(digits) {
            return Some((start, groups[k - 1].end));
        }
    }
    None
}

/// In a run too long for one number, the number before its first `/`
/// (`01632 960123 / 960124`), when that part is long enough for one.
fn number_before_slash(groups: &[DigitGroup], start: usize, end: usize) -> Option<(usize, usize)> {
    let mut before_slash = 0;
    for g in groups {
        if g.after_slash && before_slash > 0 {
            if !is_phone_length(before_slash) {
                return None;
            }
            let until = groups
                .iter()
                .rev()
                .find(|h| h.end <= g.start)
                .map_or(end, |h| h.end);
            return Some((start, until));
        }
        before_slash += g.digits;
    }
    None
}

/// In a run too long for one number, its last 15 digits or fewer read
/// from a group that starts with `0` (`ref 1 2 3 07700 900123`).
fn number_from_a_leading_zero(
    text: &str,
    groups: &[DigitGroup],
    end: usize,
    followed: bool,
) -> Option<(usize, usize)> {
    let mut rest: usize = groups.iter().map(|g| g.digits).sum();
    for g in groups {
        if rest <= 15 {
            let leading_zero = text.as_bytes()[g.start] == b'0';
            return (is_phone_length(rest) && leading_zero && !followed).then_some((g.start, end));
        }
        rest -= g.digits;
    }
    None
}

/// What may stand between the digits of a telephone number: blanks (a
/// line break once: a soft line break shows as a space), dots (middle
/// dots and bullets too), dashes, tildes, slashes, underscores, brackets.
fn is_phone_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '.'
            | '-'
            | '/'
            | '('
            | ')'
            | '_'
            | '~'
            | '\u{a0}'
            | '\u{b7}'
            | '\u{2009}'
            | '\u{202f}'
            | '\u{2022}'
            | '\u{2027}'
            | '\u{2219}'
            | '\u{22c5}'
            | '\u{30fb}'
            | '\u{ff65}'
            | '\u{2010}'..='\u{2015}' | '\u{2212}'
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
    fn people_are_taken_apart_as_they_are_written() {
        let named =
            |value: &str| -> Vec<String> { people(value).iter().map(|p| p.join(" ")).collect() };
        assert_eq!(named("Wilfred Ashby, CTO"), ["Wilfred Ashby"]);
        assert_eq!(named("Ashby, Wilfred (CTO)"), ["Wilfred Ashby"]);
        assert_eq!(named("Cllr Wilfred Ashby MBE"), ["Wilfred Ashby"]);
        assert_eq!(named("Mr and Mrs Wilfred Ashby"), ["Wilfred Ashby"]);
        assert_eq!(
            named("Wilfred Ashby <wilfred@example.net>"),
            ["Wilfred Ashby"]
        );
        assert_eq!(
            named("Wilfred Ashby and Ann Other"),
            ["Wilfred Ashby", "Ann Other"]
        );
        assert_eq!(
            named("Wilfred Ashby, Ann Other"),
            ["Wilfred Ashby", "Ann Other"]
        );
        assert_eq!(named("Wilfred Ashby & Co"), ["Wilfred Ashby"]);
        assert_eq!(named("Madonna"), ["Madonna"]);
    }

    #[test]
    fn telephone_runs_are_read_once_and_split_where_a_number_ends() {
        fn found(text: &str) -> Vec<&str> {
            phone_numbers(text).map(|(s, e)| &text[s..e]).collect()
        }
        assert_eq!(found("call 01632 960123 / 960124."), ["01632 960123"]);
        assert_eq!(found("ref 1 2 3 4 5 6 07700 900123"), ["07700 900123"]);
        assert_eq!(found("call 07700\n900123"), ["07700\n900123"]);
        assert!(found("cells 01\n\n02\n\n03\n\n04\n\n05\n\n06").is_empty());
        let zeros = "0 ".repeat(100_000);
        assert_eq!(found(&zeros).len(), 1);
        // Digits on lines of their own: the run ends at each second line
        // break at most, and no run is read twice.
        let lines = "0\n".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(found(&lines).len(), 1);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // Dates end a run; references of four-digit groups are no number.
        assert!(found("ran 01/02/2024 - 03/04/2024 and 2024-01-02 - 2024-03-04").is_empty());
        assert!(found("ref 0123/2024/0456, id 0123-4567-8901").is_empty());
        assert_eq!(found("on 01/02/2024 07700 900123"), ["07700 900123"]);
        assert_eq!(date_at(b"31/12/2025"), Some(10));
        assert_eq!(date_at(b"01.02.24 x"), Some(8));
        assert_eq!(date_at(b"2024-06-01"), Some(10));
        assert_eq!(date_at(b"01-02-24"), None);
        assert_eq!(date_at(b"01.23.45"), None);
    }

    #[test]
    fn search_index_words_never_make_a_declared_name_with_their_neighbours() {
        let s = screen();
        assert_eq!(s.index_words("Ashby;Wilfred;to;went"), "Wilfred;to;went");
        assert_eq!(s.index_words("2.0;DEV;Issue"), "2.0;DEV;Issue");
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
