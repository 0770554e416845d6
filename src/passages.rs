//! Marked passages: parts of a public body that are withheld.
//!
//! A passage starts with a line `<!-- TLP:<COLOUR> -->` and ends with a line
//! `<!-- /TLP -->`. Passages are removed from the Markdown *source*, before it
//! is rendered, so no renderer ever sees their text. Anything doubtful is
//! withheld: an unknown colour, a marker that is never closed (everything to
//! the end of the body), a marker that is not on a line of its own.

use crate::classification::Tlp;
use crate::diagnostic::Message;
use regex::Regex;
use std::sync::LazyLock;

static OPEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[ \t>*+\-0-9.]*<!--\s*tlp\s*:\s*([a-z+]*)\s*-->\s*$").expect("valid pattern")
});
static CLOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[ \t>*+\-0-9.]*<!--\s*/\s*tlp\s*-->\s*$").expect("valid pattern")
});
static ANY_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<!--\s*/?\s*tlp\b").expect("valid pattern"));
/// A comment that mentions TLP anywhere (`<!-- [TLP:RED] -->`,
/// `<!-- TLP_AMBER -->`...): a marker mistyped, so doubtful.
static MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<!--.*tlp").expect("valid pattern"));

/// A problem with the markers, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerProblem {
    /// Byte offset in the body.
    pub offset: usize,
    /// What is wrong.
    pub message: Message,
    /// How to fix it.
    pub help: &'static str,
}

/// The body with withheld passages removed, and any marker problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked<'a> {
    /// What may be published: the body itself when it has no comment.
    pub public: std::borrow::Cow<'a, str>,
    /// Problems found (errors for the keeper).
    pub problems: Vec<MarkerProblem>,
}

/// Removes withheld passages from `body`. Nested passages are kept only
/// when every enclosing marker is public.
pub fn strip(body: &str) -> Marked<'_> {
    let mut problems = Vec::new();
    // Each open passage: (offset of its marker, is it public?).
    let mut open: Vec<(usize, bool)> = Vec::new();
    let mut offset = 0;
    // Most bodies have no comment at all: a byte search for `<` says so.
    if !body
        .match_indices('<')
        .any(|(i, _)| body[i..].starts_with("<!--"))
    {
        return Marked {
            public: std::borrow::Cow::Borrowed(body),
            problems,
        };
    }
    let mut public = String::with_capacity(body.len());
    // Inside an HTML comment that spans lines: (offset where it opened).
    let mut in_comment: Option<usize> = None;
    // Once a comment spanning lines mentions TLP, what follows is doubtful:
    // everything from there on is withheld (and it is an error).
    let mut doubtful = false;
    for line in body.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(opened) = in_comment {
            // A line inside a comment spanning lines: never a marker.
            if content.to_ascii_lowercase().contains("tlp") && !doubtful {
                doubtful = true;
                problems.push(split_marker(opened));
            }
            if content.contains("-->") {
                in_comment = None;
            }
            if !doubtful && open.iter().all(|&(_, public)| public) {
                public.push_str(line);
            }
            continue;
        }
        if let Some(i) = content.rfind("<!--")
            && !content[i..].contains("-->")
        {
            in_comment = Some(at + i);
            if content[i..].to_ascii_lowercase().contains("tlp") && !doubtful {
                doubtful = true;
                problems.push(split_marker(at + i));
            }
        }
        if doubtful {
            continue;
        }
        if let Some(caps) = OPEN.captures(content) {
            let label = caps.get(1).map_or("", |m| m.as_str());
            let tlp = Tlp::parse(label);
            let marker = at + content.find("<!--").unwrap_or(0);
            if tlp.is_none() {
                problems.push(MarkerProblem {
                    offset: marker,
                    message: Message::new("unknown passage label ")
                        .quote(&format!("TLP:{label}"))
                        .text(": the passage is withheld"),
                    help: "use <!-- TLP:CLEAR -->, WHITE, GREEN, AMBER, AMBER+STRICT or RED",
                });
            }
            open.push((marker, tlp.is_some_and(Tlp::is_public)));
            continue;
        }
        if CLOSE.is_match(content) {
            if open.pop().is_none() {
                problems.push(MarkerProblem {
                    offset: at + content.find("<!--").unwrap_or(0),
                    message: "`<!-- /TLP -->` closes no passage".into(),
                    help: "remove it, or add the opening `<!-- TLP:COLOUR -->` line",
                });
            }
            continue;
        }
        if let Some(m) = ANY_MARKER.find(content) {
            problems.push(MarkerProblem {
                offset: at + m.start(),
                message: "a TLP marker must be a line of its own: this line is withheld".into(),
                help: "put `<!-- TLP:COLOUR -->` and `<!-- /TLP -->` on lines of their own",
            });
            continue;
        }
        if let Some(m) = MENTION.find(content) {
            problems.push(MarkerProblem {
                offset: at + m.start(),
                message: "this comment mentions TLP but is not a passage marker: \
                          this line is withheld"
                    .into(),
                help: "write markers exactly as `<!-- TLP:AMBER -->` and `<!-- /TLP -->`, \
                       or leave TLP out of other comments",
            });
            continue;
        }
        if open.iter().all(|&(_, public)| public) {
            public.push_str(line);
        }
    }
    for &(at, _) in &open {
        problems.push(MarkerProblem {
            offset: at,
            message: "this passage is never closed: everything after it is withheld".into(),
            help: "add a line `<!-- /TLP -->` where the passage ends",
        });
    }
    Marked {
        public: std::borrow::Cow::Owned(public),
        problems,
    }
}

fn split_marker(offset: usize) -> MarkerProblem {
    MarkerProblem {
        offset,
        message: "a comment spanning several lines mentions TLP: a marker must be one line, \
                  so everything from here on is withheld"
            .into(),
        help: "write markers on one line, exactly `<!-- TLP:AMBER -->` and `<!-- /TLP -->`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_withheld_keeps_clear() {
        let body = "a\n<!-- TLP:AMBER -->\nsecret\n<!-- /TLP -->\nb\n<!-- tlp:clear -->\nkept\n<!-- /tlp -->\n";
        let m = strip(body);
        assert_eq!(m.public, "a\nb\nkept\n");
        assert!(m.problems.is_empty());
    }

    #[test]
    fn markers_split_over_lines_withhold_the_rest_and_are_reported() {
        let m = strip("a\n<!--\nTLP:RED\n-->\nsecret\n<!-- /TLP -->\nmore\n");
        // The line that opened the comment was already passed on; nothing
        // from the line naming TLP onwards is.
        assert_eq!(m.public, "a\n<!--\n");
        assert_eq!(m.problems.len(), 1);
        assert_eq!(m.problems[0].offset, 2);
        // An ordinary comment over several lines is not a problem (and is
        // left for the sanitiser, which drops comments).
        let body = "a\n<!--\nnote to self\n-->\nb\n";
        let m = strip(body);
        assert_eq!(m.public, body);
        assert!(m.problems.is_empty());
    }

    #[test]
    fn unclosed_withholds_to_the_end_and_is_reported() {
        let m = strip("a\n<!-- TLP:RED -->\nsecret\nmore\n");
        assert_eq!(m.public, "a\n");
        assert_eq!(m.problems.len(), 1);
        assert_eq!(m.problems[0].offset, 2);
    }

    #[test]
    fn nested_and_list_markers_and_unknown_labels() {
        let m = strip(
            "- x\n  <!-- TLP:WHITE -->\n  <!-- TLP:GREEN -->\n  s1\n  <!-- /TLP -->\n  ok\n  <!-- /TLP -->\n<!-- TLP:PURPLE -->\ns2\n<!-- /TLP -->\n",
        );
        assert_eq!(m.public, "- x\n  ok\n");
        assert_eq!(m.problems.len(), 1);
    }

    #[test]
    fn mistyped_markers_are_reported_not_published() {
        for line in [
            "<!-- [TLP:RED] -->",
            "<!-- TLP_AMBER -->",
            "<!-- :tlp:amber -->",
            "<!-- classification TLP:RED -->",
        ] {
            let body = format!("a\n{line}\nb\n");
            let m = strip(&body);
            assert_eq!(m.public, "a\nb\n", "{line}");
            assert_eq!(m.problems.len(), 1, "{line}");
            assert_eq!(m.problems[0].offset, 2, "{line}");
        }
        // Other comments are left to the sanitiser.
        assert!(strip("<!-- a note -->\n").problems.is_empty());
    }

    #[test]
    fn inline_markers_withhold_the_line() {
        let m = strip("x <!-- TLP:RED --> secret <!-- /TLP -->\ny\n");
        assert_eq!(m.public, "y\n");
        assert_eq!(m.problems.len(), 1);
    }
}
