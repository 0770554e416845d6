//! Splitting a record into its TOML front matter and Markdown body.
//!
//! Kept apart from parsing so that offsets into the whole file survive: every
//! later diagnostic adds [`Split::toml_offset`] or [`Split::body_offset`] to a
//! position it found, and so points at the right line of the real file.

/// A record's text cut at its `+++` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the two `+++` lines.
    pub toml: &'a str,
    /// Byte offset of `toml` in the file.
    pub toml_offset: usize,
    /// The Markdown after the closing `+++` line.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Why a file could not be split, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// Byte offset in the file.
    pub offset: usize,
    /// What is wrong.
    pub message: &'static str,
    /// How to fix it.
    pub help: &'static str,
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\r', '\n', ' ', '\t']) == "+++"
}

/// Cuts `text` at its first two `+++` lines. The first line must be one.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_fence(first) {
        return Err(SplitError {
            offset: 0,
            message: "a record must start with a line of exactly `+++` (TOML front matter)",
            help: "put the record's fields between two lines of `+++` at the top of the file",
        });
    }
    let toml_offset = first.len();
    let mut offset = toml_offset;
    for line in lines {
        if is_fence(line) {
            let body_offset = offset + line.len();
            return Ok(Split {
                toml: &text[toml_offset..offset],
                toml_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        offset: 0,
        message: "the front matter opened here is never closed",
        help: "add a line of exactly `+++` after the last front-matter field",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_offsets_into_the_whole_file() {
        let text = "+++\nid = \"A-1\"\n+++\nbody\n";
        let s = split(text).unwrap();
        assert_eq!(s.toml, "id = \"A-1\"\n");
        assert_eq!(&text[s.toml_offset..s.toml_offset + 2], "id");
        assert_eq!(s.body, "body\n");
        assert_eq!(&text[s.body_offset..], "body\n");
    }

    #[test]
    fn reports_missing_fences() {
        assert!(split("").is_err());
        assert!(split("id = 1\n").is_err());
        assert_eq!(
            split("+++\nid = 1\n").unwrap_err().message,
            "the front matter opened here is never closed"
        );
        // A closing fence at the very end without a newline is fine.
        assert_eq!(split("+++\n+++").unwrap().body, "");
    }
}
