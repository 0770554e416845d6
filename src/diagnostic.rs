//! Problems found in the content, located in the file they come from.
//!
//! Every check in the generator reports through [`Diagnostic`] instead of
//! failing on the first problem, so that a keeper sees everything wrong with
//! the content in one run, each with the file, line and column to fix.

use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The content cannot be published as it is; nothing is written.
    Error,
    /// Worth a look (e.g. an e-mail address in a public body), but published.
    Warning,
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
    pub message: String,
    /// How to fix it, where there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at a byte offset of `text`, the whole content of `file`.
    pub fn error(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        Self::at(Severity::Error, file, text, offset, message.into())
    }

    /// A warning at a byte offset of `text`, the whole content of `file`.
    pub fn warning(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        Self::at(Severity::Warning, file, text, offset, message.into())
    }

    /// A problem with a file as a whole (unreadable, not UTF-8, ...).
    pub fn file_error(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            message: message.into(),
            help: None,
        }
    }

    fn at(severity: Severity, file: &Path, text: &str, offset: usize, message: String) -> Self {
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

    /// Adds how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
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
                let label = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let _ = writeln!(
                    out,
                    "{}:{}:{}: {label}: {}",
                    d.file.display(),
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
                let level = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str(" Fix: ");
                    message.push_str(help);
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

fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn github_escape_property(s: &str) -> String {
    github_escape_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn github_format_escapes_newlines_and_separators() {
        let d = Diagnostic::error(Path::new("a,b:c.md"), "x", 0, "bad\nthing");
        let out = format(&[d], Format::Github);
        assert_eq!(out, "::error file=a%2Cb%3Ac.md,line=1,col=1::bad%0Athing\n");
    }
}
