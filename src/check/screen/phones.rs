//! Where telephone numbers are in a text, read by hand in one pass: groups
//! of digits and what may stand between them, told apart from dates,
//! references and version numbers.

/// The fewest digits a telephone number has: a UK number has 10 or 11
/// with its leading 0.
pub(super) const MIN_PHONE_DIGITS: usize = 10;

/// A telephone number's digits, `+44` or `0044` read as a leading `0`
/// (and a trunk `(0)` after it dropped): the same number however written.
pub(super) fn phone_digits(text: &str) -> String {
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

/// `text` with a letter `O` that starts a group of digits read as `0`
/// (`O7700 900123`, as typed or read by OCR), byte for byte in place;
/// `None` when it has none.
pub(super) fn with_letter_o_as_zero(text: &str) -> Option<String> {
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

/// Where the telephone numbers of `text` are: runs of at least
/// [`MIN_PHONE_DIGITS`] digits, separated by up to three spaces, dots,
/// dashes, slashes, underscores or brackets, that start as a number does
/// (`+`, `00`, `0` or `(0`). Read by hand rather than by a pattern: it is
/// one quick pass, and a pattern with that many forms (`0044 1632
/// 960123`, `01632 96 01 23`, `+44 (0)20 7946 0000`, `07700 – 900123`)
/// would be neither.
pub(super) fn phone_numbers(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
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
pub(super) struct DigitGroup {
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
/// part before a `/` has (`01632 960123 / 960124`), its end from a
/// group that starts with `0` (`ref 1 2 3 07700 900123`), its start
/// (`01632 960123 111111`), or else groups inside it that start with `0`.
pub(super) fn phone_number_in_run(text: &str, start: usize) -> (Option<(usize, usize)>, usize) {
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
    // Too long for one number: the number before a `/`, the number its
    // end holds, or else the number its start holds (`01632 960123
    // 111111`: a number followed by other digits is still a number).
    let number = number_before_slash(&groups, start, end)
        .or_else(|| number_from_a_leading_zero(text, &groups, end, followed))
        .or_else(|| number_before_a_word(&groups, start))
        .or_else(|| number_inside(text, &groups));
    (number, run_end)
}

/// In a run too long for one number, and neither starting nor ending
/// with one, the first stretch of its groups that starts with a `0` and
/// is as long as a number (`…537/333333 01632 960123 3/3333`): fails
/// closed on digits run together with others.
fn number_inside(text: &str, groups: &[DigitGroup]) -> Option<(usize, usize)> {
    for (i, first) in groups.iter().enumerate() {
        if text.as_bytes()[first.start] != b'0' {
            continue;
        }
        let mut digits = 0;
        let mut found = None;
        for g in &groups[i..] {
            digits += g.digits;
            if digits > 15 {
                break;
            }
            if is_phone_length(digits) {
                found = Some((first.start, g.end));
            }
        }
        if found.is_some() {
            return found;
        }
    }
    None
}

/// True for a run of three or more groups of four digits, each joined
/// to the next by one `/` or one `-` (the same each time): a reference or
/// a device's id (`0123/2024/0456`, `0123-4567-8901`), not a telephone
/// number, which no plan writes so.
pub(super) fn is_reference(text: &str, groups: &[DigitGroup]) -> bool {
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
pub(super) fn is_phone_length(digits: usize) -> bool {
    (MIN_PHONE_DIGITS..=15).contains(&digits)
}

/// The groups of digits of the run that starts at `start` (digits with at
/// most two separators between them, one line break at most), and where
/// the run ends.
pub(super) fn digit_groups(text: &str, start: usize) -> (Vec<DigitGroup>, usize) {
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
pub(super) fn date_around(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    (at.saturating_sub(8)..=at).rev().find_map(|from| {
        let fresh = from == 0 || !bytes[from - 1].is_ascii_digit();
        let end = fresh.then(|| date_at(&bytes[from..])).flatten()? + from;
        (end > at).then_some(end)
    })
}

/// The length of the date at the start of `bytes`, if one is there.
pub(super) fn date_at(bytes: &[u8]) -> Option<usize> {
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
pub(super) fn number_before_a_word(groups: &[DigitGroup], start: usize) -> Option<(usize, usize)> {
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
pub(super) fn number_before_slash(
    groups: &[DigitGroup],
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
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
pub(super) fn number_from_a_leading_zero(
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
pub(super) fn is_phone_separator(c: char) -> bool {
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
