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
use super::read::{read_optional, read_optional_bytes};
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
    write_with(root, outputs, None, adopt, None)
}

/// What the caller of [`write_locked`] already knows of the tree, found
/// while it held the folder's lock.
#[derive(Debug, Clone, Copy)]
pub struct Prior<'a> {
    /// The folder's lock, held since the tree was read.
    pub held: &'a FolderLock,
    /// The lock on disk, parsed, and the sha256 of its bytes.
    pub previous: Option<&'a (Lock, String)>,
    /// Files of this compile that are not in `outputs`: on disk with the
    /// bytes the new lock records (reused, see `emit::reusable`).
    pub unchanged: &'a [String],
}

/// [`write`], given the lock whose text `outputs` holds (which is then not
/// parsed again) and what the caller read of the tree under the folder's
/// lock (which is then not read again).
///
/// # Errors
/// As [`write`].
pub fn write_locked(
    root: &Path,
    outputs: &Outputs,
    lock: &Lock,
    adopt: bool,
    prior: Prior<'_>,
) -> Result<WriteReport, EmitError> {
    write_with(root, outputs, Some(lock), adopt, Some(prior))
}

/// Take the folder's lock of the tree at `root`, as [`write`] does: held
/// while a compile reads the tree it will write (see [`Prior`]).
///
/// # Errors
/// As [`FolderLock::acquire`].
pub fn hold(root: &Path) -> Result<FolderLock, EmitError> {
    FolderLock::acquire(root)
}

fn write_with(
    root: &Path,
    outputs: &Outputs,
    lock: Option<&Lock>,
    adopt: bool,
    prior: Option<Prior<'_>>,
) -> Result<WriteReport, EmitError> {
    let _lock = match prior {
        Some(_) => None,
        None => Some(FolderLock::acquire(root)?),
    };
    let unchanged: &[String] = prior.map_or(&[], |p| p.unchanged);
    let bytes = read_optional_bytes(&root.join(LOCK_PATH))?;
    let parsed: Option<Lock>;
    let old_lock: Option<&Lock> = match (&bytes, prior.and_then(|p| p.previous)) {
        (Some(bytes), Some((lock, sha))) if sha256_hex(bytes) == *sha => Some(lock),
        (Some(bytes), _) => {
            parsed = std::str::from_utf8(bytes).ok().and_then(Lock::parse);
            parsed.as_ref()
        }
        (None, _) => None,
    };
    drop(bytes);
    // The lock a killed compile was about to write: its files are ours too.
    let journal: Option<Lock> = read_optional(&root.join(JOURNAL_PATH))?.as_deref().and_then(Lock::parse);
    let old_paths: std::collections::HashSet<&str> =
        old_lock.iter().flat_map(|l| &l.artifacts).map(|a| a.path.as_str()).collect();
    let recorded = |relative: &str, bytes: &str| {
        records(old_lock.into_iter().chain(&journal), relative, &sha256_hex(bytes.as_bytes()))
    };
    let owned = |relative: &str, bytes: &str| {
        relative == LOCK_PATH && old_lock.is_some() || old_paths.contains(relative) || recorded(relative, bytes)
    };
    safety::remove_temporaries(root)?;

    let mut report = WriteReport { unchanged: unchanged.len(), ..WriteReport::default() };
    // Each folder is looked at once; then the files, on every core.
    let folders = safety::Folders::look(root, outputs.keys().map(String::as_str))?;
    let files: Vec<(&String, &String)> = outputs.iter().collect();
    let looked = crate::parallel::try_map(files, |(relative, text)| {
        let (path, may_exist) = folders.path(relative)?;
        let existing = if may_exist { read_optional(&path)? } else { None };
        Ok::<_, EmitError>(match existing {
            Some(existing) if existing == *text => Look::Unchanged,
            Some(existing) if !adopt && !owned(relative, &existing) => Look::NotOwned(relative),
            _ => Look::Change(relative, path, text),
        })
    })?;
    let mut changes: Vec<(&str, PathBuf, &str)> = Vec::new();
    let mut not_owned = Vec::new();
    for look in looked {
        match look {
            Look::Unchanged => report.unchanged += 1,
            Look::NotOwned(relative) => not_owned.push(relative.clone()),
            Look::Change(relative, path, text) => changes.push((relative, path, text)),
        }
    }
    if !not_owned.is_empty() {
        return Err(EmitError::NotOwned { paths: not_owned });
    }
    let mut produced: std::collections::HashSet<&str> = outputs.keys().map(String::as_str).collect();
    produced.extend(unchanged.iter().map(String::as_str));
    let stale = stale_files(root, &produced, old_lock, journal.as_ref())?;
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
    } else if let Some(new) = outputs.get(LOCK_PATH).and_then(|text| match lock {
        Some(lock) => Some(std::borrow::Cow::Borrowed(lock)),
        None => Lock::parse(text).map(std::borrow::Cow::Owned),
    }) {
        // Until the new lock is in place, the old one names every file
        // this compile does not change: the journal records the rest, the
        // files this compile writes (with their new bytes) and what an
        // older journal names, so a compile killed at any point leaves
        // every file it may have written recorded as its own.
        let mut pending = Lock { inception: new.inception.clone(), spec: new.spec.clone(), artifacts: Vec::new() };
        let mut seen: std::collections::HashSet<(&str, &str)> =
            old_lock.iter().flat_map(|l| &l.artifacts).map(|a| (a.path.as_str(), a.sha256.as_str())).collect();
        for artifact in new.artifacts.iter().chain(journal.iter().flat_map(|l| &l.artifacts)) {
            if seen.insert((artifact.path.as_str(), artifact.sha256.as_str())) {
                pending.artifacts.push(artifact.clone());
            }
        }
        write_file(&root.join(JOURNAL_PATH), &pending.to_text())?;
    }
    let staged = match stage_all(&changes) {
        Ok(staged) => staged,
        Err(error) => {
            let _ = remove_journal(root);
            return Err(error);
        }
    };
    // The lock last: until it is in place the old one (and the journal)
    // still name every file this compile touches.
    let (lock, files): (Vec<_>, Vec<_>) = staged.into_iter().partition(|(_, path)| path == &root.join(LOCK_PATH));
    let renamed = crate::parallel::map(&files, |(temporary, path)| {
        std::fs::rename(temporary, path).map_err(|source| EmitError::Write { path: path.clone(), source })
    });
    renamed.into_iter().collect::<Result<(), EmitError>>()?;
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

fn stale_files(
    root: &Path,
    produced: &std::collections::HashSet<&str>,
    old: Option<&Lock>,
    journal: Option<&Lock>,
) -> Result<Stale, EmitError> {
    let mut stale = Stale::default();
    let mut candidates: Vec<&str> = [old, journal]
        .into_iter()
        .flatten()
        .flat_map(|l| l.artifacts.iter().map(|a| a.path.as_str()))
        .filter(|p| !produced.contains(*p))
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

/// What the writer found of one output file.
enum Look<'a> {
    /// It has the bytes already.
    Unchanged,
    /// It exists, with bytes no lock records: not inception's to overwrite.
    NotOwned(&'a String),
    /// It is to be written (relative path, path, bytes).
    Change(&'a str, PathBuf, &'a str),
}

/// Stage every change: each folder created once, then each file written
/// to a fresh temporary file beside its target, on every core. On a
/// failure, every temporary file is removed and the tree is as it was.
fn stage_all(changes: &[(&str, PathBuf, &str)]) -> Result<Vec<(PathBuf, PathBuf)>, EmitError> {
    let mut made: std::collections::HashSet<&Path> = std::collections::HashSet::new();
    for (_, path, _) in changes {
        if let Some(parent) = path.parent()
            && made.insert(parent)
        {
            std::fs::create_dir_all(parent).map_err(|source| EmitError::Write { path: path.clone(), source })?;
        }
    }
    let staged = crate::parallel::map(changes, |(_, path, text)| {
        safety::create_temporary(path, text).map(|temporary| (temporary, path.clone()))
    });
    let mut done = Vec::with_capacity(staged.len());
    let mut first = None;
    for result in staged {
        match result {
            Ok(staged) => done.push(staged),
            Err(error) => {
                first.get_or_insert(error);
            }
        }
    }
    if let Some(error) = first {
        for (temporary, _) in done {
            let _ = std::fs::remove_file(temporary);
        }
        return Err(error);
    }
    Ok(done)
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
