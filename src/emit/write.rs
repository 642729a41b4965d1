//! `compile`'s writer: only files whose bytes change, each atomically, and
//! removal of owned files the spec no longer produces.
//!
//! All or nothing, as far as a file system allows, and safe under `kill -9`
//! and a second compile of the same folder:
//!
//! 1. The folder's lock is taken (a second compile waits, then fails).
//! 2. Temporary files a killed compile left are removed.
//! 3. Every changed file is written to a fresh temporary file beside its
//!    target; a failure removes them and leaves the tree as it was.
//! 4. The journal records the lock about to be written, then the files are
//!    renamed into place, stale files removed, and the lock renamed last;
//!    the journal goes. A compile killed in between leaves files the journal
//!    still lists as its own, so the next compile finishes the job without
//!    `--adopt`.
//!
//! Nothing is written or removed through a symbolic link, and a file is
//! removed only if it lies under a generated folder, is listed in the last
//! lock, and still has the bytes the lock records.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::EmitError;
use super::lock::{LOCK_PATH, Lock};
use super::read::{read_lock, read_optional};
use super::safety::{self, FolderLock, JOURNAL_PATH};
use crate::digest::sha256_hex;
use crate::render::Outputs;

/// What a write did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<String>,
    /// Owned files removed because the spec no longer produces them.
    pub removed: Vec<String>,
    /// Files the spec no longer produces that were kept: edited since
    /// inception wrote them, or not a file inception may remove.
    pub kept: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
}

/// Write `outputs` under `root`. A file that exists but that the last lock
/// does not list was not written by inception: unless `adopt`, its presence
/// is an error and nothing is written.
///
/// # Errors
/// [`EmitError::NotOwned`], [`EmitError::Symlink`], [`EmitError::Busy`], or
/// a read or write failure; before any rename, nothing is changed.
pub fn write(root: &Path, outputs: &Outputs, adopt: bool) -> Result<WriteReport, EmitError> {
    write_with(root, outputs, None, adopt)
}

/// [`write`], given the lock whose text `outputs` holds, which is then not
/// parsed again.
///
/// # Errors
/// As [`write`].
pub fn write_locked(root: &Path, outputs: &Outputs, lock: &Lock, adopt: bool) -> Result<WriteReport, EmitError> {
    write_with(root, outputs, Some(lock), adopt)
}

fn write_with(root: &Path, outputs: &Outputs, lock: Option<&Lock>, adopt: bool) -> Result<WriteReport, EmitError> {
    let _lock = FolderLock::acquire(root)?;
    let old_lock: Option<Lock> = read_lock(root)?;
    // The lock a killed compile was about to write: its files are ours too.
    let journal: Option<Lock> = read_optional(&root.join(JOURNAL_PATH))?.as_deref().and_then(Lock::parse);
    let recorded =
        |relative: &str, bytes: &str| records(old_lock.iter().chain(&journal), relative, &sha256_hex(bytes.as_bytes()));
    let owned = |relative: &str, bytes: &str| {
        relative == LOCK_PATH && old_lock.is_some()
            || old_lock.as_ref().is_some_and(|l| l.artifact(relative).is_some())
            || recorded(relative, bytes)
    };
    safety::remove_temporaries(root)?;

    let mut report = WriteReport::default();
    let mut changes: Vec<(&str, PathBuf, &str)> = Vec::new();
    let mut not_owned = Vec::new();
    let mut clean_folders = std::collections::HashSet::new();
    for (relative, text) in outputs {
        let path = safety::no_link_path_in(root, relative, &mut clean_folders)?;
        match read_optional(&path)? {
            Some(existing) if existing == *text => report.unchanged += 1,
            Some(existing) if !adopt && !owned(relative, &existing) => not_owned.push(relative.clone()),
            _ => changes.push((relative, path, text)),
        }
    }
    if !not_owned.is_empty() {
        return Err(EmitError::NotOwned { paths: not_owned });
    }
    let stale = stale_files(root, outputs, old_lock.as_ref(), journal.as_ref())?;
    report.kept = stale.kept;
    if changes.is_empty() && stale.remove.is_empty() {
        remove_journal(root)?;
        return Ok(report);
    }

    // The journal first: from the first temporary file on, a compile killed
    // at any point leaves a record of every folder it may have written to, so
    // the next compile finds and removes its temporaries.
    if let Some(text) = outputs.get(LOCK_PATH)
        && old_lock.is_none()
        && journal.is_none()
    {
        // Nothing earlier to keep: the journal is the new lock itself.
        write_file(&root.join(JOURNAL_PATH), text)?;
    } else if let Some(mut pending) =
        outputs.get(LOCK_PATH).and_then(|text| lock.map_or_else(|| Lock::parse(text), |lock| Some(lock.clone())))
    {
        // The journal also keeps what the old lock and an older journal
        // name but this compile no longer produces: if it is killed before
        // removing them, the next compile still knows they are its own.
        let mut recorded: std::collections::HashSet<(String, String)> =
            pending.artifacts.iter().map(|a| (a.path.clone(), a.sha256.clone())).collect();
        for artifact in [&old_lock, &journal].into_iter().flatten().flat_map(|l| &l.artifacts) {
            if recorded.insert((artifact.path.clone(), artifact.sha256.clone())) {
                pending.artifacts.push(artifact.clone());
            }
        }
        write_file(&root.join(JOURNAL_PATH), &pending.to_text())?;
    }
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    // Each folder is created once, not once per file.
    let mut folders: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for (_, path, text) in &changes {
        match stage_in(path, text, &mut folders) {
            Ok(temporary) => staged.push((temporary, path.clone())),
            Err(error) => {
                for (temporary, _) in &staged {
                    let _ = std::fs::remove_file(temporary);
                }
                let _ = remove_journal(root);
                return Err(error);
            }
        }
    }
    // The lock last: until it is in place the old one (and the journal)
    // still name every file this compile touches.
    let (lock, files): (Vec<_>, Vec<_>) = staged.into_iter().partition(|(_, path)| path == &root.join(LOCK_PATH));
    for (temporary, path) in &files {
        std::fs::rename(temporary, path).map_err(|source| EmitError::Write { path: path.clone(), source })?;
    }
    for (relative, path) in &stale.remove {
        std::fs::remove_file(path).map_err(|source| EmitError::Write { path: path.clone(), source })?;
        prune_empty_parents(root, path);
        report.removed.push(relative.clone());
    }
    for (temporary, path) in &lock {
        std::fs::rename(temporary, path).map_err(|source| EmitError::Write { path: path.clone(), source })?;
    }
    remove_journal(root)?;
    report.written = changes.iter().map(|(relative, _, _)| (*relative).to_owned()).collect();
    Ok(report)
}

/// Files the last compile (or a killed one) wrote that the spec no longer
/// produces.
#[derive(Debug, Default)]
struct Stale {
    /// Safe to remove: under a generated folder, no link, bytes as recorded.
    remove: Vec<(String, PathBuf)>,
    /// Kept: edited since, or not a path inception may remove.
    kept: Vec<String>,
}

fn stale_files(root: &Path, outputs: &Outputs, old: Option<&Lock>, journal: Option<&Lock>) -> Result<Stale, EmitError> {
    let mut stale = Stale::default();
    let mut candidates: Vec<&str> = [old, journal]
        .into_iter()
        .flatten()
        .flat_map(|l| l.artifacts.iter().map(|a| a.path.as_str()))
        .filter(|p| !outputs.contains_key(*p))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    for relative in candidates {
        if !safety::is_generated_path(relative) {
            stale.kept.push(relative.to_owned());
            continue;
        }
        let path = match safety::no_link_path(root, relative) {
            Ok(path) => path,
            Err(EmitError::Symlink { .. }) => {
                stale.kept.push(relative.to_owned());
                continue;
            }
            Err(error) => return Err(error),
        };
        let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
        if !is_file {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|source| EmitError::Read { path: path.clone(), source })?;
        let sha = sha256_hex(&bytes);
        if records(old.into_iter().chain(journal), relative, &sha) {
            stale.remove.push((relative.to_owned(), path));
        } else {
            stale.kept.push(relative.to_owned());
        }
    }
    Ok(stale)
}

/// Whether any of `locks` records `relative` with the bytes of `sha` (a
/// journal may record one path more than once: every version a killed
/// compile may have left).
fn records<'a>(locks: impl IntoIterator<Item = &'a Lock>, relative: &str, sha: &str) -> bool {
    locks.into_iter().flat_map(|l| &l.artifacts).any(|a| a.path == relative && a.sha256 == sha)
}

fn remove_journal(root: &Path) -> Result<(), EmitError> {
    let path = root.join(JOURNAL_PATH);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(EmitError::Write { path, source: e }),
        _ => Ok(()),
    }
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

/// Write `text` to a fresh temporary file beside `path`, creating folders.
fn stage(path: &Path, text: &str) -> Result<PathBuf, EmitError> {
    let error = |source| EmitError::Write { path: path.to_path_buf(), source };
    if path.is_dir() {
        return Err(EmitError::NotAFile { path: path.to_path_buf() });
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    safety::create_temporary(path, text)
}

/// [`stage`] for a file known not to be a folder (it was read), creating
/// only the folders not in `made`, and recording them there.
fn stage_in(path: &Path, text: &str, made: &mut std::collections::HashSet<PathBuf>) -> Result<PathBuf, EmitError> {
    if let Some(parent) = path.parent()
        && !made.contains(parent)
    {
        std::fs::create_dir_all(parent).map_err(|source| EmitError::Write { path: path.to_path_buf(), source })?;
        made.insert(parent.to_path_buf());
    }
    safety::create_temporary(path, text)
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
