//! `compile`'s writer: only files whose bytes change, each atomically, and
//! removal of owned files the spec no longer produces.
//!
//! All or nothing, as far as a file system allows, and safe under `kill -9`
//! and a second compile of the same folder:
//!
//! 1. The folder's lock is taken (a second compile waits, then fails).
//! 2. Temporary files a killed compile left are removed.
//! 3. Every changed file is written to a fresh temporary file beside its
//!    target, batch by batch as the compile renders them ([`Writer::stage`]),
//!    so a big tree is never held in memory whole; a failure (a file that
//!    is not inception's, a write error, a renderer's) removes them and the
//!    folders made for them, and leaves the tree as it was.
//! 4. The journal records what the lock about to be written adds to the
//!    one on disk, then the files are renamed into place, stale files
//!    removed, and the lock renamed last; the journal goes. A compile
//!    killed in between leaves files the journal still lists as its own, so
//!    the next compile finishes the job without `--adopt`. (A compile
//!    killed while staging leaves temporary files only, which the next one
//!    finds under the generated folders and removes.)
//!
//! Nothing is written or removed through a symbolic link, and a file is
//! removed only if it lies under a generated folder, is listed in the last
//! lock, and still has the bytes the lock records.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::EmitError;
use super::lock::{LOCK_PATH, Lock};
use super::read::{read_optional, read_optional_bytes};
use super::safety::{self, FolderLock, JOURNAL_PATH};
use super::stamp::Stamp;
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

/// Write `outputs` (the lock's text included) under `root`. A file that
/// exists but that the last lock does not list was not written by
/// inception: unless `adopt`, its presence is an error and nothing is
/// written.
///
/// # Errors
/// [`EmitError::NotOwned`], [`EmitError::Symlink`], [`EmitError::Busy`], or
/// a read or write failure; before any rename, nothing is changed.
pub fn write(root: &Path, outputs: &Outputs, adopt: bool) -> Result<WriteReport, EmitError> {
    let mut writer = Writer::open(root, adopt)?;
    let files: Vec<(&str, &str)> =
        outputs.iter().filter(|(path, _)| *path != LOCK_PATH).map(|(p, t)| (p.as_str(), t.as_str())).collect();
    writer.stage(&files)?;
    let parsed = outputs.get(LOCK_PATH).and_then(|text| Lock::parse(text));
    let lock = outputs.get(LOCK_PATH).map(|text| (parsed.as_ref(), text.as_str()));
    Ok(writer.finish_with(lock)?.report)
}

/// What a finished write did and wrote.
#[derive(Debug)]
pub struct Finished {
    /// What it did.
    pub report: WriteReport,
    /// The sha256 of the lock's text.
    pub lock_sha: String,
    /// The stamp of each file it wrote, as it wrote it (the lock's excepted).
    pub stamps: HashMap<String, Stamp>,
}

/// A write in progress: the folder's lock held, the old lock and journal
/// read, the files staged so far. Dropped unfinished (an error, a renderer
/// failure), it removes what it staged.
#[derive(Debug)]
pub struct Writer {
    root: PathBuf,
    adopt: bool,
    _held: FolderLock,
    /// The lock on disk, parsed, and the sha256 of its bytes.
    old: Option<(Lock, String)>,
    /// The journal a killed compile left.
    journal: Option<Lock>,
    /// Temporary files a killed compile left, not yet removed.
    temporaries: Vec<String>,
    /// The (path, sha256) pairs the journal records.
    journaled: HashSet<(String, String)>,
    folders: safety::Folders,
    /// Folders known to exist (looked at or made).
    ready: HashSet<PathBuf>,
    /// Folders created for staged files, in the order made.
    made: Vec<PathBuf>,
    /// Staged files: (relative path, temporary file, target).
    staged: Vec<(String, PathBuf, PathBuf)>,
    /// The stamps of the staged files (the lock's excepted).
    stamps: HashMap<String, Stamp>,
    not_owned: Vec<String>,
    produced: HashSet<String>,
    unchanged: usize,
    finished: bool,
}

impl Writer {
    /// Take the folder's lock of the tree at `root` and read what the last
    /// compile left: its lock, a journal, temporary files (removed before
    /// the first file is staged: opening changes nothing, so it may run
    /// while the spec is still being read).
    ///
    /// # Errors
    /// [`EmitError::Busy`], [`EmitError::Symlink`], or a read failure.
    pub fn open(root: &Path, adopt: bool) -> Result<Self, EmitError> {
        let held = FolderLock::acquire(root)?;
        let old = match read_optional_bytes(&root.join(LOCK_PATH))? {
            Some(bytes) => {
                let sha = sha256_hex(&bytes);
                std::str::from_utf8(&bytes).ok().and_then(Lock::parse).map(|mut lock| {
                    // Sorted by path, as compile writes it: looked up by path.
                    if !lock.artifacts.is_sorted_by(|a, b| a.path <= b.path) {
                        lock.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
                    }
                    (lock, sha)
                })
            }
            None => None,
        };
        // The lock a killed compile was about to write: its files are ours too.
        let journal: Option<Lock> = read_optional(&root.join(JOURNAL_PATH))?.as_deref().and_then(Lock::parse);
        let journaled = journal.iter().flat_map(|l| &l.artifacts).map(|a| (a.path.clone(), a.sha256.clone())).collect();
        let temporaries = safety::temporaries(root)?;
        Ok(Self {
            temporaries,
            root: root.to_path_buf(),
            adopt,
            _held: held,
            old,
            journal,
            journaled,
            folders: safety::Folders::new(root),
            ready: HashSet::new(),
            made: Vec::new(),
            staged: Vec::new(),
            stamps: HashMap::new(),
            not_owned: Vec::new(),
            produced: HashSet::new(),
            unchanged: 0,
            finished: false,
        })
    }

    /// The lock on disk when the writer opened, parsed (its artifacts sorted
    /// by path), and the sha256 of its bytes.
    pub fn previous(&self) -> Option<&(Lock, String)> {
        self.old.as_ref()
    }

    /// Whether `bytes` at `relative` are inception's: the path is in the
    /// old lock, or the old lock or the journal records these bytes there.
    fn owned(&self, relative: &str, bytes: &str) -> bool {
        let in_old = self.old.as_ref().is_some_and(|(lock, _)| {
            relative == LOCK_PATH || lock.artifacts.binary_search_by(|a| a.path.as_str().cmp(relative)).is_ok()
        });
        in_old
            || !self.journaled.is_empty()
                && self.journaled.contains(&(relative.to_owned(), sha256_hex(bytes.as_bytes())))
    }

    /// Files of this compile already on disk with the bytes the new lock
    /// records (reused, see `emit::reusable`): neither read nor written.
    pub fn unchanged(&mut self, files: usize) {
        // Not remembered one by one: the new lock lists them (see `finish`).
        self.unchanged += files;
    }

    /// Compare a batch of files (path, text) with the tree and stage those
    /// that change, on every core. A file that is not inception's is
    /// recorded (every such file is reported at the end, and nothing more
    /// is staged).
    ///
    /// # Errors
    /// [`EmitError::Symlink`], or a read or write failure.
    pub fn stage(&mut self, files: &[(&str, &str)]) -> Result<(), EmitError> {
        self.remove_leftovers()?;
        self.folders.look_more(files.iter().map(|(path, _)| *path))?;
        let this = &*self;
        let looked = crate::parallel::try_map(files.iter().collect(), |(relative, text)| {
            let (path, may_exist) = this.folders.path(relative)?;
            let existing = if may_exist { read_optional(&path)? } else { None };
            Ok::<_, EmitError>(match existing {
                Some(existing) if existing == *text => Look::Unchanged,
                Some(existing) if !this.adopt && !this.owned(relative, &existing) => Look::NotOwned,
                _ => Look::Change(path),
            })
        })?;
        let mut changes: Vec<(&str, PathBuf, &str)> = Vec::new();
        for ((relative, text), look) in files.iter().zip(looked) {
            self.produced.insert((*relative).to_owned());
            match look {
                Look::Unchanged => self.unchanged += 1,
                Look::NotOwned => self.not_owned.push((*relative).to_owned()),
                Look::Change(path) => changes.push((relative, path, text)),
            }
        }
        if !self.not_owned.is_empty() || changes.is_empty() {
            // Nothing will be written (or nothing to write yet): only look at the rest.
            return Ok(());
        }
        for (_, path, _) in &changes {
            if let Some(parent) = path.parent()
                && !self.ready.contains(parent)
            {
                if !parent.is_dir() {
                    self.make_folder(parent, path)?;
                }
                self.ready.insert(parent.to_path_buf());
            }
        }
        let staged = crate::parallel::map(&changes, |(_, path, text)| safety::create_temporary(path, text));
        let mut first = None;
        for ((relative, path, _), result) in changes.into_iter().zip(staged) {
            match result {
                Ok((temporary, stamp)) => {
                    if let Some(stamp) = stamp
                        && relative != LOCK_PATH
                    {
                        self.stamps.insert(relative.to_owned(), stamp);
                    }
                    self.staged.push((relative.to_owned(), temporary, path));
                }
                Err(error) => {
                    first.get_or_insert(error);
                }
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Remove the temporary files a killed compile left (found on opening),
    /// once, before anything is staged.
    fn remove_leftovers(&mut self) -> Result<(), EmitError> {
        safety::remove_temporaries(&self.root, &std::mem::take(&mut self.temporaries))
    }

    /// Create `folder` and those above it that are missing, remembering each
    /// (removed again if the write fails).
    fn make_folder(&mut self, folder: &Path, file: &Path) -> Result<(), EmitError> {
        let missing: Vec<&Path> = folder.ancestors().take_while(|f| !f.exists()).collect();
        std::fs::create_dir_all(folder).map_err(|source| EmitError::Write { path: file.to_path_buf(), source })?;
        self.made.extend(missing.into_iter().rev().map(Path::to_path_buf));
        Ok(())
    }

    /// Stage the new `lock` (its text written from it), then put every
    /// staged file in place, remove stale files and the journal.
    ///
    /// # Errors
    /// [`EmitError::NotOwned`] (nothing is then written), or a read or
    /// write failure.
    pub fn finish(self, lock: &Lock) -> Result<Finished, EmitError> {
        let text = lock.to_text();
        self.finish_with(Some((Some(lock), &text)))
    }

    fn finish_with(mut self, lock: Option<(Option<&Lock>, &str)>) -> Result<Finished, EmitError> {
        self.remove_leftovers()?;
        let lock_sha = lock.as_ref().map(|(_, text)| sha256_hex(text.as_bytes())).unwrap_or_default();
        if let Some((_, text)) = &lock {
            match &self.old {
                // The lock on disk is the one read when the writer opened
                // (it holds the folder's lock): not read again to compare.
                Some((_, old_sha)) if *old_sha == lock_sha => self.unchanged += 1,
                Some(_) if self.not_owned.is_empty() => {
                    let path = safety::no_link_path(&self.root, LOCK_PATH)?;
                    let (temporary, _) = safety::create_temporary(&path, text)?;
                    self.staged.push((LOCK_PATH.to_owned(), temporary, path));
                }
                _ => self.stage(&[(LOCK_PATH, text)])?,
            }
        }
        if !self.not_owned.is_empty() {
            return Err(EmitError::NotOwned { paths: std::mem::take(&mut self.not_owned) });
        }
        let root = self.root.clone();
        // What this compile produces: what it staged or compared, and
        // everything the new lock lists (sorted by path, as compile builds it).
        let listed: Option<&Lock> = lock.and_then(|(lock, _)| lock);
        let sorted = listed.is_none_or(|l| l.artifacts.is_sorted_by(|a, b| a.path <= b.path));
        let listed_set: HashSet<&str> = match listed {
            Some(lock) if !sorted => lock.artifacts.iter().map(|a| a.path.as_str()).collect(),
            _ => HashSet::new(),
        };
        let produced = |path: &str| {
            self.produced.contains(path)
                || listed.is_some_and(|lock| {
                    if sorted {
                        lock.artifacts.binary_search_by(|a| a.path.as_str().cmp(path)).is_ok()
                    } else {
                        listed_set.contains(path)
                    }
                })
        };
        let old_lock = self.old.as_ref().map(|(lock, _)| lock);
        let stale = stale_files(&root, produced, old_lock, self.journal.as_ref())?;
        let mut report = WriteReport { unchanged: self.unchanged, kept: stale.kept, ..WriteReport::default() };
        if self.staged.is_empty() && stale.remove.is_empty() {
            self.finished = true;
            remove_journal(&root)?;
            return Ok(Finished { report, lock_sha, stamps: std::mem::take(&mut self.stamps) });
        }
        // From here on a failure leaves the staged files for the next
        // compile to finish or remove, as a kill would.
        self.finished = true;
        match &lock {
            Some((_, text)) if old_lock.is_none() && self.journal.is_none() => {
                // Nothing earlier to keep: the journal is the new lock itself.
                write_file(&root.join(JOURNAL_PATH), text)?;
            }
            Some((Some(new), _)) => {
                // Until the new lock is in place, the old one names every
                // file this compile does not change: the journal records the
                // rest, the files this compile writes (with their new bytes)
                // and what an older journal names.
                let mut pending =
                    Lock { inception: new.inception.clone(), spec: new.spec.clone(), artifacts: Vec::new() };
                let mut seen: HashSet<(&str, &str)> =
                    old_lock.iter().flat_map(|l| &l.artifacts).map(|a| (a.path.as_str(), a.sha256.as_str())).collect();
                for artifact in new.artifacts.iter().chain(self.journal.iter().flat_map(|l| &l.artifacts)) {
                    if seen.insert((artifact.path.as_str(), artifact.sha256.as_str())) {
                        pending.artifacts.push(artifact.clone());
                    }
                }
                write_file(&root.join(JOURNAL_PATH), &pending.to_text())?;
            }
            _ => {}
        }
        // The lock last: until it is in place the old one (and the journal)
        // still name every file this compile touches.
        let (locks, files): (Vec<_>, Vec<_>) = self.staged.iter().partition(|(relative, _, _)| relative == LOCK_PATH);
        let renamed = crate::parallel::map(&files, |(_, temporary, path)| {
            std::fs::rename(temporary, path).map_err(|source| EmitError::Write { path: path.clone(), source })
        });
        renamed.into_iter().collect::<Result<(), EmitError>>()?;
        for (relative, path) in &stale.remove {
            std::fs::remove_file(path).map_err(|source| EmitError::Write { path: path.clone(), source })?;
            prune_empty_parents(&root, path);
            report.removed.push(relative.clone());
        }
        for (_, temporary, path) in &locks {
            std::fs::rename(temporary, path).map_err(|source| EmitError::Write { path: path.clone(), source })?;
        }
        remove_journal(&root)?;
        report.written = self.staged.iter().map(|(relative, _, _)| relative.clone()).collect();
        report.written.sort_unstable();
        Ok(Finished { report, lock_sha, stamps: std::mem::take(&mut self.stamps) })
    }
}

impl Drop for Writer {
    /// An unfinished write removes what it staged and the folders it made.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        for (_, temporary, _) in &self.staged {
            let _ = std::fs::remove_file(temporary);
        }
        for folder in self.made.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// What the writer found of one output file.
enum Look {
    /// It has the bytes already.
    Unchanged,
    /// It exists, with bytes no lock records: not inception's to overwrite.
    NotOwned,
    /// It is to be written, at this path.
    Change(PathBuf),
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
    produced: impl Fn(&str) -> bool,
    old: Option<&Lock>,
    journal: Option<&Lock>,
) -> Result<Stale, EmitError> {
    let mut stale = Stale::default();
    let mut candidates: Vec<&str> = [old, journal]
        .into_iter()
        .flatten()
        .flat_map(|l| l.artifacts.iter().map(|a| a.path.as_str()))
        .filter(|p| !produced(p))
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
    safety::create_temporary(path, text).map(|(temporary, _)| temporary)
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
