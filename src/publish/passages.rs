//! Marked passages: parts of a public body that are withheld, and the
//! markers that delimit them.
//!
//! A passage starts with a line `<!-- TLP:<COLOUR> -->` and ends with a line
//! `<!-- /TLP -->`. Passages are removed from the Markdown *source*, before it
//! is rendered, so no renderer ever sees their text. Anything doubtful is
//! withheld and is an error: an unknown colour, a marker that is never
//! closed (everything to the end of the body), a marker that is not on a
//! line of its own, and any comment that *looks like* a marker without
//! being an exact one (a colour word, `TLP` written with a Cyrillic `Т` or
//! full-width letters, a zero-width space inside, `<!-- END RED -->`).
//!
//! The same reading of comments checks text that cannot hold a passage at
//! all (front-matter values, attachments published as they are): there,
//! every marker, exact or not, is a problem ([`markers_in`]).

use crate::diagnostic::Message;
use crate::model::classification::Tlp;
use regex::Regex;
use std::sync::LazyLock;

/// An opening marker, exactly: the whole comment is `TLP:<label>`.
static OPEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*tlp\s*:\s*([A-Za-z+]*)\s*$").expect("valid pattern"));
/// A closing marker, exactly: the whole comment is `/TLP`.
static CLOSE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*/\s*tlp\s*$").expect("valid pattern"));
/// What may precede a marker on its line: indentation, list and quote marks.
static LINE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t>*+\-0-9.]*$").expect("valid pattern"));
/// A marker written as text rather than as a comment (`<!- TLP:RED ->`,
/// `&lt;!-- TLP:RED --&gt;`): `TLP` and a colour beside comment punctuation.
static BROKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)tlp\s*[:_\-\s]\s*(clear|white|green|amber|red)\b").expect("valid pattern")
});

/// The colour words a marker may name, as [`normalise`] writes them.
const COLOURS: &[(&str, &str)] = &[
    ("CLEAR", "CLEAR"),
    ("WHlTE", "WHITE"),
    ("GREEN", "GREEN"),
    ("AMBER", "AMBER"),
    ("RED", "RED"),
];

/// How a comment reads as a passage marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comment {
    /// Exactly `<!-- TLP:<label> -->`; the label may be unknown.
    Open(String),
    /// Exactly `<!-- /TLP -->`.
    Close,
    /// Mentions TLP or a colour but is not an exact marker: the marker
    /// the keeper probably meant.
    LookAlike(&'static str),
    /// Anything else: left to the sanitiser, which drops comments.
    Ordinary,
}

/// Reads the text between `<!--` and `-->` as a marker, a look-alike of
/// one, or an ordinary comment.
pub fn classify(inner: &str) -> Comment {
    if let Some(caps) = OPEN.captures(inner) {
        return Comment::Open(caps[1].to_string());
    }
    if CLOSE.is_match(inner) {
        return Comment::Close;
    }
    let text = normalise(inner);
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let colour = COLOURS
        .iter()
        .find(|(skeleton, _)| words.contains(skeleton))
        .map(|&(_, colour)| colour);
    if !text.contains("TLP") && colour.is_none() {
        return Comment::Ordinary;
    }
    let closing = text.trim_start().starts_with('/')
        || words.iter().any(|w| matches!(*w, "END" | "CLOSE" | "ENDS"));
    Comment::LookAlike(if closing {
        "<!-- /TLP -->"
    } else {
        match colour {
            Some("AMBER") if words.contains(&"STRlCT") => "<!-- TLP:AMBER+STRICT -->",
            Some("CLEAR") => "<!-- TLP:CLEAR -->",
            Some("WHITE") => "<!-- TLP:WHITE -->",
            Some("GREEN") => "<!-- TLP:GREEN -->",
            Some("AMBER") => "<!-- TLP:AMBER -->",
            Some(_) => "<!-- TLP:RED -->",
            None => "<!-- TLP:AMBER --> (or another colour) and <!-- /TLP -->",
        }
    })
}

/// Upper case, Unicode look-alikes folded onto the letters they imitate
/// (UTS #39 skeletons: a Cyrillic `Т`, full-width `Ｔ`, mathematical
/// bold `𝐓` all become `T`), invisible characters and combining marks
/// dropped. Skeletons write `I` as `l`, hence `WHlTE` in [`COLOURS`].
fn normalise(text: &str) -> String {
    unicode_security::skeleton(&text.to_uppercase())
        .filter(|&c| !is_combining_mark(c))
        .collect()
}

fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{300}'..='\u{36f}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe20}'..='\u{fe2f}')
}

/// One marker-like thing found in a text, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerLike {
    /// Byte offset of the comment (or of the text that looks like one).
    pub offset: usize,
    /// What it reads as.
    pub comment: Comment,
}

/// Every marker, look-alike and marker written as text in `text`: for text
/// that cannot hold a passage (a front-matter value, an attachment), where
/// each of them is a mistake. Ordinary comments are not listed.
pub fn markers_in(text: &str) -> Vec<MarkerLike> {
    if !may_hold_a_marker(text) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        for (offset, inner) in comments(line) {
            let comment = classify(inner);
            if comment != Comment::Ordinary {
                found.push(MarkerLike {
                    offset: at + offset,
                    comment,
                });
            }
        }
        if let Some(m) = broken_marker(line) {
            found.push(MarkerLike {
                offset: at + m,
                comment: Comment::LookAlike("<!-- TLP:COLOUR --> on a line of its own"),
            });
        }
        at += line.len();
    }
    // A comment may span lines: read it whole as well.
    for (offset, inner) in comments(text) {
        if inner.contains('\n') && classify(inner) != Comment::Ordinary {
            found.push(MarkerLike {
                offset,
                comment: classify(inner),
            });
        }
    }
    found.sort_by_key(|f| f.offset);
    found.dedup_by_key(|f| f.offset);
    found
}

/// False when `text` can hold neither a comment nor `TLP`: most text.
fn may_hold_a_marker(text: &str) -> bool {
    // Literal alternatives: the regex engine searches for them all at once.
    static CLUES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new("<!|[Tt][Ll][Pp]").expect("valid pattern"));
    CLUES.is_match(text)
}

/// The comments of `text`: (offset of `<!--`, the text inside). A comment
/// that is not closed runs to the end.
fn comments(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + text[from..].find("<!--")?;
        let inner_start = start + 4;
        let (inner, next) = match text[inner_start..].find("-->") {
            Some(end) => (&text[inner_start..inner_start + end], inner_start + end + 3),
            None => (&text[inner_start..], text.len()),
        };
        from = next;
        Some((start, inner))
    })
}

/// Where a marker written as plain text starts on `line`, if there is one:
/// `TLP` and a colour on a line that also has comment punctuation.
fn broken_marker(line: &str) -> Option<usize> {
    let m = BROKEN.find(line)?;
    let outside: String = without_comments(line);
    let punctuated = ["<!", "<-", "->", "--"].iter().any(|p| outside.contains(p));
    (punctuated && BROKEN.is_match(&outside)).then_some(m.start())
}

fn without_comments(line: &str) -> String {
    let mut out = String::new();
    let mut from = 0;
    for (start, inner) in comments(line) {
        out.push_str(&line[from..start]);
        from = (start + 4 + inner.len() + 3).min(line.len());
    }
    out.push_str(line.get(from..).unwrap_or(""));
    out
}

/// A problem with the markers, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerProblem {
    /// Byte offset in the body.
    pub offset: usize,
    /// What is wrong.
    pub message: Message,
    /// How to fix it.
    pub help: Message,
}

/// A withheld passage of a body, for `register check --withheld`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithheldPassage {
    /// Byte offset of its opening marker (or of the doubtful text).
    pub offset: usize,
    /// Why: its colour, an unknown label, or a marker problem.
    pub reason: String,
}

/// The body with withheld passages removed, and any marker problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked<'a> {
    /// What may be published: the body itself when it has no marker.
    pub public: std::borrow::Cow<'a, str>,
    /// Problems found (errors for the keeper).
    pub problems: Vec<MarkerProblem>,
    /// The passages withheld.
    pub withheld: Vec<WithheldPassage>,
    /// Where each line of `public` starts in the body, when some lines were
    /// left out: `(offset in public, offset in body)`, so that a problem
    /// found in the public text is placed on the line the keeper wrote.
    pub lines: Vec<(usize, usize)>,
}

/// An open passage: where its marker is and whether it is public.
struct Open {
    offset: usize,
    public: bool,
}

/// Removes withheld passages from `body`. Nested passages are kept only
/// when every enclosing marker is public.
pub fn strip(body: &str) -> Marked<'_> {
    let conflicts = conflict_markers(body);
    if !may_hold_a_marker(body) {
        return Marked {
            public: std::borrow::Cow::Borrowed(body),
            problems: conflicts,
            withheld: Vec::new(),
            lines: Vec::new(),
        };
    }
    let mut strip = Stripper {
        public: String::with_capacity(body.len()),
        problems: conflicts,
        withheld: Vec::new(),
        open: Vec::new(),
        in_comment: None,
        doubtful: false,
        lines: Vec::new(),
    };
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        strip.line(offset, line);
        offset += line.len();
    }
    strip.finish()
}

/// The lines of an unresolved merge conflict (`<<<<<<< `, `||||||| `,
/// `>>>>>>> `): both sides of a conflict are in the file, and one of them
/// may be a withheld passage's unmarked copy, so a conflict is an error.
/// (A line of `=======` alone is a heading's underline in Markdown.)
pub fn conflict_markers(text: &str) -> Vec<MarkerProblem> {
    const MARKS: [&str; 3] = ["<<<<<<<", "|||||||", ">>>>>>>"];
    if !MARKS.iter().any(|m| text.contains(m)) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let rest = line.trim_end_matches(['\n', '\r']);
        let conflict = MARKS.iter().any(|m| {
            rest.strip_prefix(m)
                .is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t']))
        });
        if conflict {
            found.push(MarkerProblem {
                offset,
                message: Message::new("an unresolved merge conflict: ").quote(rest),
                help: Message::new(
                    "resolve the conflict: keep the lines that are meant and delete the \
                     `<<<<<<<`, `=======` and `>>>>>>>` lines",
                ),
            });
        }
        offset += line.len();
    }
    found
}

/// The state of [`strip`] between lines.
struct Stripper {
    public: String,
    problems: Vec<MarkerProblem>,
    withheld: Vec<WithheldPassage>,
    open: Vec<Open>,
    /// Inside a comment that spans lines: the offset where it opened.
    in_comment: Option<usize>,
    /// A comment spanning lines named TLP or a colour: everything from
    /// there on is withheld (and it is an error).
    doubtful: bool,
    /// See [`Marked::lines`].
    lines: Vec<(usize, usize)>,
}

impl Stripper {
    fn line(&mut self, at: usize, line: &str) {
        let content = line.trim_end_matches(['\n', '\r']);
        if self.in_comment.is_some() {
            self.comment_line(at, line, content);
            return;
        }
        if let Some(i) = content.rfind("<!--")
            && !content[i..].contains("-->")
        {
            self.in_comment = Some(at + i);
            self.check_spanning_comment(&content[i + 4..]);
        }
        if self.doubtful {
            return;
        }
        if self.marker_line(at, content) {
            return;
        }
        if let Some(problem) = self.misplaced_marker(at, content) {
            self.problems.push(problem);
            return;
        }
        self.keep(at, line);
    }

    /// A line inside a comment that spans lines: never a marker.
    fn comment_line(&mut self, at: usize, line: &str, content: &str) {
        self.check_spanning_comment(content);
        if content.contains("-->") {
            self.in_comment = None;
        }
        if !self.doubtful {
            self.keep(at, line);
        }
    }

    /// Withholds everything from a comment spanning lines that reads as a
    /// marker: a marker must be one line. Each line of the comment is read
    /// once, as it comes (reading the comment whole at every line took
    /// time square in its length).
    fn check_spanning_comment(&mut self, part: &str) {
        let Some(opened) = self.in_comment else {
            return;
        };
        let inner = part.split("-->").next().unwrap_or("");
        if self.doubtful || classify(inner) == Comment::Ordinary {
            return;
        }
        let offset = opened;
        self.doubtful = true;
        self.problems.push(MarkerProblem {
            offset,
            message: Message::new(
                "a comment spanning several lines reads like a TLP marker: a marker must be \
                 one line, so everything from here on is withheld",
            ),
            help: Message::new(
                "write markers on one line, exactly `<!-- TLP:AMBER -->` and `<!-- /TLP -->`, \
                 and leave TLP and colour words out of other comments",
            ),
        });
        self.withheld.push(WithheldPassage {
            offset,
            reason: "a comment that reads like a marker, to the end".to_string(),
        });
    }

    /// Opens or closes a passage when the line is exactly a marker.
    fn marker_line(&mut self, at: usize, content: &str) -> bool {
        let Some(start) = content.find("<!--") else {
            return false;
        };
        let Some(end) = content.rfind("-->") else {
            return false;
        };
        let whole = end >= start + 4
            && LINE_PREFIX.is_match(&content[..start])
            && content[end + 3..].trim().is_empty()
            && !content[start + 4..end].contains("-->");
        if !whole {
            return false;
        }
        let offset = at + start;
        match classify(&content[start + 4..end]) {
            Comment::Open(label) => self.open(offset, &label),
            Comment::Close => self.close(offset),
            _ => return false,
        }
        true
    }

    fn open(&mut self, offset: usize, label: &str) {
        let tlp = Tlp::parse(label);
        if tlp.is_none() {
            self.problems.push(MarkerProblem {
                offset,
                message: Message::new("unknown passage label ")
                    .quote(&format!("TLP:{label}"))
                    .text(": the passage is withheld"),
                help: Message::new(
                    "use <!-- TLP:CLEAR -->, WHITE, GREEN, AMBER, AMBER+STRICT or RED",
                ),
            });
        }
        let public = tlp.is_some_and(Tlp::is_public);
        if !public && self.open.iter().all(|o| o.public) {
            self.withheld.push(WithheldPassage {
                offset,
                reason: tlp.map_or("an unknown label".to_string(), |t| t.to_string()),
            });
        }
        self.open.push(Open { offset, public });
    }

    fn close(&mut self, offset: usize) {
        if self.open.pop().is_none() {
            self.problems.push(MarkerProblem {
                offset,
                message: Message::new("`<!-- /TLP -->` closes no passage"),
                help: Message::new("remove it, or add the opening `<!-- TLP:COLOUR -->` line"),
            });
        }
    }

    /// A marker, a look-alike or a marker written as text on a line that
    /// is not exactly a marker: the line is withheld.
    fn misplaced_marker(&mut self, at: usize, content: &str) -> Option<MarkerProblem> {
        let problem = |offset: usize, message: Message, help: Message| {
            Some(MarkerProblem {
                offset: at + offset,
                message,
                help,
            })
        };
        let result = comments(content).find_map(|(offset, inner)| match classify(inner) {
            Comment::Open(_) | Comment::Close => problem(
                offset,
                Message::new("a TLP marker must be a line of its own: this line is withheld"),
                Message::new("put `<!-- TLP:COLOUR -->` and `<!-- /TLP -->` on lines of their own"),
            ),
            Comment::LookAlike(meant) => problem(
                offset,
                Message::new(
                    "this comment reads like a TLP marker but is not one: this line is withheld",
                ),
                look_alike_help(meant),
            ),
            Comment::Ordinary => None,
        });
        let result = result.or_else(|| {
            broken_marker(content).and_then(|offset| {
                problem(
                    offset,
                    Message::new(
                        "this text reads like a TLP marker but is not an HTML comment: \
                         this line is withheld",
                    ),
                    Message::new(
                        "write markers exactly as `<!-- TLP:AMBER -->` and `<!-- /TLP -->`, \
                         each on a line of its own",
                    ),
                )
            })
        });
        if let Some(p) = &result {
            self.withheld.push(WithheldPassage {
                offset: p.offset,
                reason: "a line with a misplaced or mistyped marker".to_string(),
            });
        }
        result
    }

    fn keep(&mut self, at: usize, line: &str) {
        if self.open.iter().all(|o| o.public) {
            self.lines.push((self.public.len(), at));
            self.public.push_str(line);
        }
    }

    fn finish(mut self) -> Marked<'static> {
        for open in &self.open {
            self.problems.push(MarkerProblem {
                offset: open.offset,
                message: Message::new(
                    "this passage is never closed: everything after it is withheld",
                ),
                help: Message::new("add a line `<!-- /TLP -->` where the passage ends"),
            });
        }
        Marked {
            public: std::borrow::Cow::Owned(self.public),
            problems: self.problems,
            withheld: self.withheld,
            lines: self.lines,
        }
    }
}

/// The fix for a comment that looks like a marker: the marker probably
/// meant, or a comment without TLP and colour words.
pub fn look_alike_help(meant: &str) -> Message {
    Message::new(format!(
        "if this marks a passage, write exactly {meant} on a line of its own (plain ASCII, \
         no invisible characters); otherwise leave TLP and colour words out of comments"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_conflicts_are_errors_on_their_lines() {
        let body = "a\n<<<<<<< HEAD\n<!-- TLP:AMBER -->\nx\n<!-- /TLP -->\n=======\nx\n>>>>>>> b\n";
        let m = strip(body);
        let at: Vec<usize> = m.problems.iter().map(|p| p.offset).collect();
        assert_eq!(at, vec![2, body.find(">>>").unwrap()]);
        assert!(
            strip("Title\n=======\n\n<<<<<<<<< not one\n")
                .problems
                .is_empty()
        );
        assert_eq!(strip("|||||||\n").problems.len(), 1);
    }

    #[test]
    fn removes_withheld_keeps_clear() {
        let body = "a\n<!-- TLP:AMBER -->\nsecret\n<!-- /TLP -->\nb\n<!-- tlp:clear -->\nkept\n<!-- /tlp -->\n";
        let m = strip(body);
        assert_eq!(m.public, "a\nb\nkept\n");
        assert!(m.problems.is_empty());
        assert_eq!(m.withheld.len(), 1);
        assert_eq!(
            (m.withheld[0].offset, m.withheld[0].reason.as_str()),
            (2, "TLP:AMBER")
        );
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
            "<!-- RED -->",
            "<!-- END RED -->",
            "<!-- amber -->",
            "<!-- \u{422}LP:RED -->",
            "<!-- \u{ff34}\u{ff2c}\u{ff30}:\u{ff32}\u{ff25}\u{ff24} -->",
            "<!-- T\u{200b}LP:RED -->",
            "<!-- TLP:RED\u{200b} -->",
            "<!- TLP:RED ->",
            "&lt;!-- TLP:AMBER --&gt;",
        ] {
            let body = format!("a\n{line}\nb\n");
            let m = strip(&body);
            assert_eq!(m.public, "a\nb\n", "{line}");
            assert_eq!(m.problems.len(), 1, "{line}");
            assert!(
                (2..2 + line.len()).contains(&m.problems[0].offset),
                "{line}"
            );
        }
        // Other comments, and prose naming a colour, are left alone.
        for body in [
            "<!-- a note -->\n",
            "The report is TLP:WHITE.\n",
            "A red herring -- or not.\n",
        ] {
            let m = strip(body);
            assert!(m.problems.is_empty(), "{body}");
            assert_eq!(m.public, body);
        }
    }

    #[test]
    fn look_alikes_say_which_marker_was_meant() {
        let meant = |inner: &str| match classify(inner) {
            Comment::LookAlike(m) => m,
            other => panic!("{inner}: {other:?}"),
        };
        assert_eq!(meant(" RED "), "<!-- TLP:RED -->");
        assert_eq!(meant(" END RED "), "<!-- /TLP -->");
        assert_eq!(
            meant(" \u{422}LP:amber+strict "),
            "<!-- TLP:AMBER+STRICT -->"
        );
        assert_eq!(meant(" / \u{422}LP "), "<!-- /TLP -->");
        assert_eq!(meant(" white "), "<!-- TLP:WHITE -->");
        assert_eq!(classify(" TLP:Amber "), Comment::Open("Amber".into()));
        assert_eq!(classify("/tlp"), Comment::Close);
        assert_eq!(classify(" reddish notes "), Comment::Ordinary);
    }

    #[test]
    fn a_comment_closed_where_it_opens_is_not_a_marker() {
        // `<!-->` is a comment that closes at once (found by fuzzing: it
        // once cut a string backwards).
        let m = strip("<!-->\nL\n=<\u{e7}");
        assert!(m.problems.is_empty());
        assert_eq!(m.public, "<!-->\nL\n=<\u{e7}");
    }

    #[test]
    fn inline_markers_withhold_the_line() {
        let m = strip("x <!-- TLP:RED --> secret <!-- /TLP -->\ny\n");
        assert_eq!(m.public, "y\n");
        assert_eq!(m.problems.len(), 1);
    }

    #[test]
    fn markers_in_one_line_text_are_all_found() {
        let found = markers_in("Title <!-- TLP:AMBER --> secret <!-- /TLP -->");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].offset, 6);
        assert_eq!(found[1].comment, Comment::Close);
        assert_eq!(
            markers_in("<!-- \u{422}LP:RED -->")[0].comment,
            Comment::LookAlike("<!-- TLP:RED -->")
        );
        assert_eq!(markers_in("a\n<!--\nTLP:RED\n-->").len(), 1);
        assert!(markers_in("plain <!-- note --> TLP:WHITE").is_empty());
    }
}
