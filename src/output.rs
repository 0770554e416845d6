//! Step 5: write the site, all or nothing.
//!
//! The site is written into a new folder beside the output folder, marked
//! as ours, and swapped in only when complete: a failed build leaves the
//! previous site exactly as it was. A folder without our mark is never
//! replaced or deleted, and the output folder can never be the content
//! folder or one that contains it.

use crate::render::{Contents, OutputFile};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as written by `register`.
pub const MARKER: &str = ".register-output";

/// Why the site could not be written.
#[derive(Debug)]
pub struct OutputError(pub String);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn io(context: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> OutputError {
    move |e| OutputError(format!("{context}: {e}"))
}

/// An absolute, normalised form of `path`, resolving what exists of it.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let base = std::env::current_dir().unwrap_or_default().join(path);
    let mut out = PathBuf::new();
    for c in base.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    match (out.parent(), out.file_name()) {
        (Some(parent), Some(name)) => parent.canonicalize().map_or(out.clone(), |p| p.join(name)),
        _ => out,
    }
}

fn is_ours(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Refuses output folders that would overwrite what the build reads: the
/// output may not be or contain any `protected` folder (the content folder,
/// the site root), nor lie inside the first one (the content folder).
pub fn check_output_folder(output: &Path, protected: &[&Path]) -> Result<(), OutputError> {
    let out = absolute(output);
    if out.parent().is_none() {
        return Err(OutputError(format!(
            "refusing to write the site to `{}`",
            output.display()
        )));
    }
    for (i, p) in protected.iter().enumerate() {
        let p = absolute(p);
        if p.starts_with(&out) || (i == 0 && out.starts_with(&p)) {
            return Err(OutputError(format!(
                "refusing to write the site to `{}`: it overlaps `{}`, which the build reads. \
                 Choose another --output folder, e.g. `public`",
                output.display(),
                p.display()
            )));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(OutputError(format!(
            "`{}` exists and is not a folder",
            output.display()
        )));
    }
    if out.is_dir() && !is_ours(&out) && !is_empty_dir(&out) {
        return Err(OutputError(format!(
            "refusing to replace `{}`: it is not empty and was not written by register \
             (no `{MARKER}` file). Remove it yourself or choose another --output folder",
            output.display()
        )));
    }
    Ok(())
}

fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Writes `files` as the new content of `output`, atomically.
/// Returns how many files were written.
pub fn write_site(
    output: &Path,
    files: &[OutputFile],
    protected: &[&Path],
) -> Result<usize, OutputError> {
    check_output_folder(output, protected)?;
    if let Some(bad) = files.iter().find(|f| !safe_relative(&f.path)) {
        return Err(OutputError(format!(
            "refusing to write outside the site: `{}`",
            bad.path
        )));
    }
    let out = absolute(output);
    let parent = out.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::create_dir_all(&parent).map_err(io(format!("creating {}", parent.display())))?;
    let staging = parent.join(format!(".{name}.register-new"));
    let old = parent.join(format!(".{name}.register-old"));
    for leftover in [&staging, &old] {
        if leftover.exists() {
            if is_ours(leftover) {
                std::fs::remove_dir_all(leftover)
                    .map_err(io(format!("removing {}", leftover.display())))?;
            } else {
                return Err(OutputError(format!(
                    "`{}` is in the way and was not written by register; remove it",
                    leftover.display()
                )));
            }
        }
    }
    let result = write_into(&staging, files);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        std::fs::rename(&out, &old)
            .map_err(io(format!("moving the old site {} aside", out.display())))?;
        if let Err(e) = std::fs::rename(&staging, &out) {
            let _ = std::fs::rename(&old, &out);
            return Err(OutputError(format!("swapping in the new site: {e}")));
        }
        std::fs::remove_dir_all(&old)
            .map_err(io(format!("removing the old site {}", old.display())))?;
    } else {
        std::fs::rename(&staging, &out)
            .map_err(io(format!("moving the site into {}", out.display())))?;
    }
    Ok(files.len())
}

fn write_into(dir: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    std::fs::write(
        dir.join(MARKER),
        "This folder is written by `register build` and replaced on every build.\n",
    )
    .map_err(io("writing the output marker"))?;
    let folders: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for folder in folders {
        let p = dir.join(folder);
        std::fs::create_dir_all(&p).map_err(io(format!("creating {}", p.display())))?;
    }
    files.par_iter().try_for_each(|f| {
        let target = dir.join(&f.path);
        match &f.contents {
            Contents::Bytes(b) => {
                std::fs::write(&target, b).map_err(io(format!("writing {}", f.path)))
            }
            Contents::Copy(src) => std::fs::copy(src, &target).map(|_| ()).map_err(io(format!(
                "copying {} to {}",
                src.display(),
                f.path
            ))),
        }
    })
}
