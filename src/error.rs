//! The tool's own errors, as types, and the exit code each one means.
//!
//! Content errors are diagnostics (file, line, column, help) and travel as
//! such; everything else that stops a build is one of the types here. The
//! exit code is a property of the type, never of a message's wording:
//! `1` when the keeper's files need fixing (content, theme, templates),
//! `2` when the machine said no (reading or writing failed, no content
//! folder) or the command line was wrong.

use crate::diagnostic::Diagnostic;
use crate::output::OutputError;
use crate::render::RenderError;
use crate::source::theme::ThemeError;
use std::fmt;
use std::path::PathBuf;

/// Exit code: the content, theme or templates need fixing.
pub const EXIT_CONTENT: u8 = 1;
/// Exit code: a usage mistake, or reading or writing failed.
pub const EXIT_USAGE_OR_IO: u8 = 2;

/// Why a build produced no site.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors: here they are, with the warnings.
    Content(Vec<Diagnostic>),
    /// The theme, one of its templates or static files cannot be used.
    Theme(ThemeError),
    /// Writing the site failed, or the output folder cannot be used.
    Output(OutputError),
    /// There is no content folder at this path.
    NoContent(PathBuf),
}

impl BuildError {
    /// The exit code this error means (see the module's documentation).
    pub fn exit_code(&self) -> u8 {
        match self {
            BuildError::Content(_) | BuildError::Theme(_) => EXIT_CONTENT,
            BuildError::Output(_) | BuildError::NoContent(_) => EXIT_USAGE_OR_IO,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Content(diagnostics) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "{errors} content errors")
            }
            BuildError::Theme(e) => write!(f, "theme: {e}"),
            BuildError::Output(e) => e.fmt(f),
            BuildError::NoContent(path) => write!(
                f,
                "content folder `{}` not found: run in the site's folder or pass --content DIR",
                path.display()
            ),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Theme(e) => Some(e),
            BuildError::Output(e) => Some(e),
            BuildError::Content(_) | BuildError::NoContent(_) => None,
        }
    }
}

impl From<ThemeError> for BuildError {
    fn from(e: ThemeError) -> Self {
        BuildError::Theme(e)
    }
}

impl From<OutputError> for BuildError {
    fn from(e: OutputError) -> Self {
        BuildError::Output(e)
    }
}

impl From<RenderError> for BuildError {
    fn from(e: RenderError) -> Self {
        match e {
            RenderError::Theme(e) => BuildError::Theme(e),
            RenderError::Output(e) => BuildError::Output(e),
        }
    }
}
