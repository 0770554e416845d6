//! Text as a reader sees it: invisible characters dropped, look-alikes
//! and compatibility forms read as the letters they show, `%`-escapes and
//! character references decoded, with the way back to the written bytes.

use super::*;

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
pub(super) fn percent_escape(text: &str) -> Option<(char, usize)> {
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
pub(super) fn read_as(c: char) -> Option<char> {
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
pub(super) const DECIMAL_ZEROS: &[u32] = &[
    0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6,
    0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50,
    0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0x104a0,
    0x10d30, 0x10d40, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x116d0, 0x11730, 0x118e0, 0x11950, 0x11bf0, 0x11c50, 0x11d50, 0x11da0, 0x11f50,
    0x16130, 0x16a60, 0x16ac0, 0x16b50, 0x16d70, 0x1e140, 0x1e2f0, 0x1e4f0, 0x1e5f1, 0x1e950,
];

/// An ASCII digit for a decimal digit of another script (`٠٧٧٠٠` reads
/// `07700`): a reader of that script reads the number.
pub(super) fn decimal_digit(c: char) -> Option<char> {
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
pub(super) fn is_mark_like(c: char) -> bool {
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
pub(super) fn is_invisible(c: char) -> bool {
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
pub(super) fn is_separator(c: char) -> bool {
    !c.is_alphanumeric()
}
