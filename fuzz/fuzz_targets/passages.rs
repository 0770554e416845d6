//! `register::passages::strip` on arbitrary text, checked against the
//! format's rule (section 4.3) written out again independently, with plain
//! string handling instead of regular expressions:
//!
//! - the public text is the input's lines in order, some left out;
//! - no line of the public text is a TLP marker, or mentions one;
//! - a body without markers comes out exactly as it went in;
//! - a line between an opening marker of a colour other than CLEAR/WHITE
//!   (or an unknown one) and its closing marker never comes out, and the
//!   public text is exactly what the reference below keeps.

#![no_main]

use libfuzzer_sys::fuzz_target;
use register::fuzzing::strip;

/// Whether `line` holds a comment that mentions TLP, however written:
/// such a line is never public (a marker out of place, or a mistyped
/// one). Only the comment's own text counts: `TLP` in prose after a
/// closed comment is prose.
fn mentions_tlp_in_a_comment(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(open) = rest.find("<!--") {
        let after = &rest[open + 4..];
        // `<!-->` and `<!--->` are whole (empty) comments in HTML.
        let comment = if after.starts_with('>') || after.starts_with("->") {
            ""
        } else {
            after.find("-->").map_or(after, |close| &after[..close])
        };
        if comment.contains("tlp") {
            return true;
        }
        rest = &after[comment.len()..];
    }
    false
}

enum Line {
    Open(Option<bool>),
    Close,
    Mention,
    Text,
}

fn eat_ws(s: &str) -> &str {
    s.trim_start_matches(char::is_whitespace)
}

fn eat_ci<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let head = s.get(..word.len())?;
    head.eq_ignore_ascii_case(word).then(|| &s[word.len()..])
}

/// Classifies one line (without its line end) the way section 4.3 reads it.
fn classify(line: &str) -> Line {
    let body = line.trim_start_matches([
        ' ', '\t', '>', '*', '+', '-', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
    ]);
    let body = body.trim_end_matches(char::is_whitespace);
    let open_or_close = (|| {
        let rest = eat_ws(eat_ci(body, "<!--")?);
        if let Some(rest) = rest.strip_prefix('/') {
            let rest = eat_ws(eat_ci(eat_ws(rest), "tlp")?);
            return (rest == "-->").then_some(Line::Close);
        }
        let rest = eat_ws(eat_ci(rest, "tlp")?);
        let rest = eat_ws(rest.strip_prefix(':')?);
        let label_len = rest
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '+'))
            .unwrap_or(rest.len());
        let (label, rest) = rest.split_at(label_len);
        if eat_ws(rest) != "-->" {
            return None;
        }
        let public = match label.to_ascii_uppercase().as_str() {
            "CLEAR" | "WHITE" => Some(true),
            "GREEN" | "AMBER" | "AMBER+STRICT" | "RED" => Some(false),
            _ => None,
        };
        Some(Line::Open(public))
    })();
    match open_or_close {
        Some(l) => l,
        None if mentions_tlp_in_a_comment(line) => Line::Mention,
        None => Line::Text,
    }
}

/// The rule written out again: which lines are published.
fn reference(body: &str) -> String {
    let mut out = String::new();
    let mut open: Vec<bool> = Vec::new();
    for line in body.split_inclusive('\n') {
        match classify(line.trim_end_matches(['\n', '\r'])) {
            Line::Open(public) => open.push(public == Some(true)),
            Line::Close => {
                open.pop();
            }
            Line::Mention => {}
            Line::Text => {
                if open.iter().all(|&p| p) {
                    out.push_str(line);
                }
            }
        }
    }
    out
}

fuzz_target!(|body: &str| {
    let marked = strip(body);
    // The output's lines are the input's, in order, some left out.
    let mut input = body.split_inclusive('\n');
    for line in marked.public.split_inclusive('\n') {
        assert!(
            input.any(|l| l == line),
            "{line:?} is not an input line in order"
        );
        assert!(
            !mentions_tlp_in_a_comment(line),
            "a marker line came out: {line:?}"
        );
    }
    for p in &marked.problems {
        assert!(p.offset <= body.len());
    }
    // Without a comment or `TLP` there is nothing to withhold (a comment
    // naming a colour is a problem, so a body with one may lose lines).
    // (Nor a merge conflict's markers, which are problems of their own.)
    let conflict = ["<<<<<<<", "|||||||", ">>>>>>>"].iter().any(|m| body.contains(m));
    if !body.contains("<!") && !body.to_ascii_lowercase().contains("tlp") && !conflict {
        assert_eq!(marked.public, body);
        assert!(marked.problems.is_empty());
    }
    // Every withheld passage reported lies in the body.
    for w in &marked.withheld {
        assert!(w.offset <= body.len());
    }
    // Lines with non-ASCII letters in a label can fold onto ASCII ones in a
    // case-insensitive pattern (the Kelvin sign is a `k`); such labels are
    // unknown labels, withheld and reported, so only compare valid bodies.
    if marked.problems.is_empty() {
        assert_eq!(marked.public, reference(body), "differs from the rule");
    }
});
