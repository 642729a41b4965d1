//! `compile`'s writer: only files whose bytes change, each atomically, and
//! removal of owned files the spec no longer produces.
//!
//! All or nothing, as far as a file system allows: every changed file is
//! first written to a temporary file beside its target; only when all of them
//! exist are they renamed into place. A failure before that removes the
//! temporaries and leaves the tree as it was. Files not listed in the last
//! lock are never removed.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::EmitError;
use super::lock::Lock;
use super::read::{join, read_lock, read_optional};
use crate::render::Outputs;

/// What a write did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<String>,
    /// Owned files removed because the spec no longer produces them.
    pub removed: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
}

/// Write `outputs` under `root`. A file that exists but that the last lock
/// does not list was not written by inception: unless `adopt`, its presence
/// is an error and nothing is written.
///
/// # Errors
/// [`EmitError::NotOwned`], or a read or write failure; before any rename,
/// nothing is changed.
pub fn write(root: &Path, outputs: &Outputs, adopt: bool) -> Result<WriteReport, EmitError> {
    let old_lock: Option<Lock> = read_lock(root)?;
    let owned = |relative: &str| {
        relative == super::LOCK_PATH && old_lock.is_some()
            || old_lock.as_ref().is_some_and(|l| l.artifact(relative).is_some())
    };
    let mut report = WriteReport::default();
    let mut changes: Vec<(&str, PathBuf, &str)> = Vec::new();
    let mut not_owned = Vec::new();
    for (relative, text) in outputs {
        let path = join(root, relative);
        match read_optional(&path)? {
            Some(existing) if existing == *text => report.unchanged += 1,
            Some(_) if !adopt && !owned(relative) => not_owned.push(relative.clone()),
            _ => changes.push((relative, path, text)),
        }
    }
    if !not_owned.is_empty() {
        return Err(EmitError::NotOwned { paths: not_owned });
    }
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (_, path, text) in &changes {
        match stage(path, text) {
            Ok(temporary) => staged.push((temporary, path.clone())),
            Err(error) => {
                for (temporary, _) in &staged {
                    let _ = std::fs::remove_file(temporary);
                }
                return Err(error);
            }
        }
    }
    for (temporary, path) in &staged {
        std::fs::rename(temporary, path).map_err(|source| EmitError::Write { path: path.clone(), source })?;
    }
    report.written = changes.iter().map(|(relative, _, _)| (*relative).to_owned()).collect();
    if let Some(old) = old_lock {
        for artifact in old.artifacts.iter().filter(|a| !outputs.contains_key(&a.path)) {
            let path = join(root, &artifact.path);
            if path.is_file() {
                std::fs::remove_file(&path).map_err(|source| EmitError::Write { path: path.clone(), source })?;
                prune_empty_parents(root, &path);
                report.removed.push(artifact.path.clone());
            }
        }
    }
    Ok(report)
}

/// Replace one file atomically (temporary file, then rename).
///
/// # Errors
/// A write failure; the file is then unchanged.
pub fn write_file(path: &Path, text: &str) -> Result<(), EmitError> {
    let temporary = stage(path, text)?;
    std::fs::rename(&temporary, path).map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        EmitError::Write { path: path.to_path_buf(), source }
    })
}

/// Write `text` to a temporary file beside `path`, creating folders.
fn stage(path: &Path, text: &str) -> Result<PathBuf, EmitError> {
    let error = |source| EmitError::Write { path: path.to_path_buf(), source };
    if path.is_dir() {
        return Err(EmitError::NotAFile { path: path.to_path_buf() });
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp-inception");
    let temporary = path.with_file_name(name);
    std::fs::write(&temporary, text).map_err(error)?;
    Ok(temporary)
}

/// Remove folders emptied by a removal, up to (not including) `root`.
fn prune_empty_parents(root: &Path, path: &Path) {
    let mut current = path.parent();
    while let Some(folder) = current {
        if folder == root || !folder.starts_with(root) || std::fs::remove_dir(folder).is_err() {
            break;
        }
        current = folder.parent();
    }
}
