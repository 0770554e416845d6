//! Problems found in the content, located in the file they come from.
//!
//! Every check in the generator reports through [`Diagnostic`] instead of
//! failing on the first problem, so that a keeper sees everything wrong with
//! the content in one run, each with the file, line and column to fix.

use serde::{Serialize, Serializer};
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The text of a message or a fix, knowing which parts of it quote the
/// content.
///
/// A message may quote what a keeper wrote (a label, a key, an id) so the
/// keeper can find it; quoted parts are escaped, so an invisible or
/// look-alike character shows as `\u{200b}` instead of hiding the mistake.
/// Because a quoted value may be withheld text, what leaves this machine
/// over HTTP (`register serve`'s overlay) shows the message with every
/// quoted part replaced by `…` ([`Message::redacted`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    text: String,
    /// Byte ranges of `text` that quote the content, backticks included.
    quoted: Vec<Range<usize>>,
}

impl Message {
    /// A message that starts with `text` (the generator's own words).
    pub fn new(text: impl Into<String>) -> Message {
        Message {
            text: text.into(),
            quoted: Vec::new(),
        }
    }

    /// Appends the generator's own words.
    pub fn text(mut self, text: &str) -> Message {
        self.text.push_str(text);
        self
    }

    /// Appends a value from the content, in backticks, escaped.
    pub fn quote(mut self, value: &str) -> Message {
        let start = self.text.len();
        self.text.push('`');
        escape_invisible_into(value, &mut self.text);
        self.text.push('`');
        self.quoted.push(start..self.text.len());
        self
    }

    /// Appends text that quotes the content without backticks of its own
    /// (a parser's message that already quotes what it found), escaped.
    pub fn quote_raw(mut self, text: &str) -> Message {
        let start = self.text.len();
        escape_invisible_into(text, &mut self.text);
        self.quoted.push(start..self.text.len());
        self
    }

    /// The whole text, quoted values included (for the keeper's terminal).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the text contains `pattern`.
    pub fn contains(&self, pattern: &str) -> bool {
        self.text.contains(pattern)
    }

    /// The text with every quoted value replaced by `` `…` ``: what may be
    /// sent to a browser, since a quoted value may be withheld text.
    pub fn redacted(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut from = 0;
        for range in &self.quoted {
            out.push_str(&self.text[from..range.start]);
            out.push_str("`…`");
            from = range.end;
        }
        out.push_str(&self.text[from..]);
        out
    }
}

impl Message {
    /// The message with each quoted value that `hides` holds to be
    /// personal data replaced by `` `…` `` (a name typed into a field that
    /// fails its own check must not be echoed into a CI log).
    pub fn hiding(&self, hides: impl Fn(&str) -> bool) -> Message {
        let mut out = Message::default();
        let mut from = 0;
        for range in &self.quoted {
            out.text.push_str(&self.text[from..range.start]);
            let quoted = &self.text[range.clone()];
            let start = out.text.len();
            out.text
                .push_str(if hides(quoted) { "`…`" } else { quoted });
            out.quoted.push(start..out.text.len());
            from = range.end;
        }
        out.text.push_str(&self.text[from..]);
        out
    }
}

impl PartialOrd for Message {
    fn partial_cmp(&self, other: &Message) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Messages sort by their text, so reports come out in a stable order.
impl Ord for Message {
    fn cmp(&self, other: &Message) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::new(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message::new(text)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// `n` and a noun that takes `s` in the plural, agreeing: "1 error",
/// "0 errors", "2 record files". The summaries a keeper reads say so.
pub fn counted(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// A parser's message without the values it quotes (`invalid type: string
/// "Wilfred Ashby", expected a table` loses the name): a value of the
/// wrong type may be personal data, and messages reach CI logs.
pub fn without_values(message: &str) -> String {
    static QUOTED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(invalid (?:type|value|length): [a-z ]+?) ?("(?:[^"\\]|\\.)*"|`[^`]*`)"#,
        )
        .expect("valid pattern")
    });
    QUOTED.replace_all(message, "$1").into_owned()
}

/// Writes `value` with every character that is not printable ASCII
/// escaped as `\u{...}`: zero-width spaces, bidirectional controls,
/// Cyrillic or full-width look-alikes and line breaks all become visible.
pub fn escape_invisible_into(value: &str, out: &mut String) {
    for c in value.chars() {
        if c == ' ' || c.is_ascii_graphic() {
            out.push(c);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The content cannot be published as it is; nothing is written.
    Error,
    /// Worth a look (e.g. an e-mail address in a public body), but published.
    Warning,
}

impl Severity {
    /// As reports print it.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A problem as `register serve` shows it in the browser: where it is and
/// what is wrong, without any value quoted from the content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedactedDiagnostic {
    /// `file:line:column: error: message`.
    pub at: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// One problem in one place of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: PathBuf,
    /// 1-based line in the whole file (not in the front matter).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong.
    pub message: Message,
    /// How to fix it, where there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Message>,
}

impl Diagnostic {
    /// An error at a byte offset of `text`, the whole content of `file`.
    pub fn error(file: &Path, text: &str, offset: usize, message: impl Into<Message>) -> Self {
        Self::at(Severity::Error, file, text, offset, message.into())
    }

    /// A warning at a byte offset of `text`, the whole content of `file`.
    pub fn warning(file: &Path, text: &str, offset: usize, message: impl Into<Message>) -> Self {
        Self::at(Severity::Warning, file, text, offset, message.into())
    }

    /// A problem with a file as a whole (unreadable, not UTF-8, ...).
    pub fn file_error(file: &Path, message: impl Into<Message>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            message: message.into(),
            help: None,
        }
    }

    fn at(severity: Severity, file: &Path, text: &str, offset: usize, message: Message) -> Self {
        let (line, column) = line_column(text, offset);
        Diagnostic {
            severity,
            file: file.to_path_buf(),
            line,
            column,
            message,
            help: None,
        }
    }

    /// The same problem as a warning: worth a look, but published.
    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Adds how to fix the problem.
    pub fn with_help(mut self, help: impl Into<Message>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column: message` on one line (for the preview's overlay
    /// and test failures; `format` gives the full report with the fix).
    pub fn one_line(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }

    /// What `register serve` may send to a browser about this problem:
    /// `file:line:column: error: message` and the fix, each with the
    /// values they quote from the content replaced by `…` (see
    /// [`Message::redacted`]).
    pub fn redacted(&self) -> RedactedDiagnostic {
        RedactedDiagnostic {
            at: format!(
                "{}:{}:{}: {}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.severity.label(),
                self.message.redacted()
            ),
            help: self.help.as_ref().map(Message::redacted),
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The 1-based line and column (in characters) of a byte offset.
///
/// Offsets past the end or inside a character are clamped, so a wrong span
/// can never make reporting panic.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Sorts diagnostics by file, position and message so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
}

/// The output formats of `register check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `file:line:column: error: message` with the fix on the next line.
    Human,
    /// One JSON document: `{"errors": n, "warnings": n, "diagnostics": [...]}`.
    Json,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
}

/// Formats diagnostics for people, for programs or for GitHub Actions.
pub fn format(diagnostics: &[Diagnostic], format: Format) -> String {
    let mut out = String::new();
    match format {
        Format::Human => {
            for d in diagnostics {
                let label = d.severity.label();
                let _ = writeln!(
                    out,
                    "{}:{}:{}: {label}: {}",
                    shown_path(&d.file),
                    d.line,
                    d.column,
                    d.message
                );
                if let Some(help) = &d.help {
                    let _ = writeln!(out, "  help: {help}");
                }
            }
        }
        Format::Json => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let doc = serde_json::json!({
                "errors": errors,
                "warnings": diagnostics.len() - errors,
                "diagnostics": diagnostics,
            });
            out = serde_json::to_string_pretty(&doc).unwrap_or_default();
            out.push('\n');
        }
        Format::Github => {
            for d in diagnostics {
                let level = d.severity.label();
                let mut message = d.message.to_string();
                if let Some(help) = &d.help {
                    message.push_str(" Fix: ");
                    message.push_str(help.as_str());
                }
                let _ = writeln!(
                    out,
                    "::{level} file={},line={},col={}::{}",
                    github_escape_property(&d.file.display().to_string()),
                    d.line,
                    d.column,
                    github_escape_data(&message)
                );
            }
        }
    }
    out
}

/// `text` with control characters (line breaks, ESC, BEL...) and the
/// invisible or reordering ones escaped as `\u{...}`, other characters as
/// they are: for a file name or a value read from a file, printed on a
/// terminal or into a CI log, where a line break would start a line of its
/// own (a forged `::error::` or summary line) and an escape would drive the
/// terminal.
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_invisible_or_reordering(c) {
            escape_invisible_into(&c.to_string(), &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

/// [`shown`] of a path.
pub fn shown_path(path: &std::path::Path) -> String {
    shown(&path.display().to_string())
}

/// Zero-width and joining characters, direction marks, embeddings,
/// overrides and isolates, and the byte-order mark.
fn is_invisible_or_reordering(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}'
    )
}

/// Escapes a workflow command's message (and, through [`shown`], any
/// control character: ESC and BEL too).
pub fn github_escape_data(s: &str) -> String {
    shown(
        &s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A"),
    )
}

/// Escapes a workflow command's property (a file name).
pub fn github_escape_property(s: &str) -> String {
    github_escape_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_cannot_write_a_line_or_an_escape_of_its_own() {
        let d = Diagnostic::file_error(
            std::path::Path::new("requests/x\n::error::forged\u{1b}[2J\u{7}.md"),
            "a message",
        );
        for (format, newline) in [(Format::Human, "x\\u{a}::"), (Format::Github, "x%0A%3A")] {
            let out = self::format(std::slice::from_ref(&d), format);
            assert_eq!(out.lines().count(), 1, "{out}");
            assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
            assert!(out.contains(newline), "{out}");
        }
        assert_eq!(shown("é ok"), "é ok");
    }

    #[test]
    fn a_count_agrees_with_its_noun() {
        assert_eq!(counted(0, "error"), "0 errors");
        assert_eq!(counted(1, "record file"), "1 record file");
        assert_eq!(counted(2, "warning"), "2 warnings");
    }

    #[test]
    fn line_column_counts_from_one_and_in_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'd' follows the two-byte 'ç': column 2, not 3.
        assert_eq!(line_column(text, 5), (2, 2));
        assert_eq!(line_column(text, 999), (3, 3));
        // Inside a multi-byte character: clamped back, no panic.
        assert_eq!(line_column(text, 4), (2, 1));
    }

    #[test]
    fn quoted_values_show_invisible_characters_and_are_redacted_for_browsers() {
        let m = Message::new("unknown classification ")
            .quote("TLP:WHITE\u{200b}")
            .text(": the record is withheld");
        assert_eq!(
            m.as_str(),
            "unknown classification `TLP:WHITE\\u{200b}`: the record is withheld"
        );
        // A Cyrillic Т and a full-width Ａ are not what they look like.
        let m = Message::new("").quote("\u{422}LP:\u{ff21}MBER\n");
        assert_eq!(m.as_str(), "`\\u{422}LP:\\u{ff21}MBER\\u{a}`");
        let d = Diagnostic::error(
            Path::new("a.md"),
            "x\ny",
            2,
            Message::new("bad ").quote("secret"),
        )
        .with_help(Message::new("write ").quote("secret").text(" again"));
        let r = d.redacted();
        assert_eq!(r.at, "a.md:2:1: error: bad `…`");
        assert_eq!(r.help.as_deref(), Some("write `…` again"));
        assert!(!format!("{r:?}").contains("secret"));
        let raw = Message::new("front matter: ").quote_raw("unknown field `x\u{200d}`");
        assert_eq!(raw.as_str(), "front matter: unknown field `x\\u{200d}`");
        assert_eq!(raw.redacted(), "front matter: `…`");
    }

    #[test]
    fn github_format_escapes_newlines_and_separators() {
        let d = Diagnostic::error(Path::new("a,b:c.md"), "x", 0, "bad\nthing");
        let out = format(&[d], Format::Github);
        assert_eq!(out, "::error file=a%2Cb%3Ac.md,line=1,col=1::bad%0Athing\n");
    }
}
