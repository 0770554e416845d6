//! Writing new files for keepers: a whole site root (`register init`), a
//! request or a decision (`register new`).
//!
//! Everything written here starts withheld (TLP:AMBER) or empty, so nothing
//! a keeper has not looked at is ever published; and nothing is written
//! over an existing file.

pub mod decision;
pub(crate) mod request;
pub mod site;

pub use request::{Kind, create, next_id, render, used_ids};

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why a new file could not be written.
#[derive(Debug)]
pub enum ScaffoldError {
    /// What the keeper asked for cannot be made (an empty title, an
    /// unknown request); the text says what to do instead.
    Refused(String),
    /// The file system said no.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaffoldError::Refused(why) => f.write_str(why),
            ScaffoldError::Io { path, source } => {
                write!(f, "cannot write `{}`: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for ScaffoldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ScaffoldError::Io { source, .. } => Some(source),
            ScaffoldError::Refused(_) => None,
        }
    }
}

/// Writes `text` to a new file at `path`, never over an existing one.
fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let io = |source| ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ScaffoldError::Refused(format!(
                "`{}` already exists: not overwritten",
                path.display()
            )),
            _ => io(e),
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io)
}

/// The message for a content folder that is not there: `init` makes one.
fn no_content_folder(content: &Path) -> ScaffoldError {
    ScaffoldError::Refused(format!(
        "content folder `{}` not found: run `register init` to start a register here, or run \
         in the site's folder, or pass --content DIR",
        content.display()
    ))
}
