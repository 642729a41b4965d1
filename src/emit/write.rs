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

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::lock::{LOCK_PATH, Lock, LockedArtifact};
use super::read::{read_optional, read_optional_bytes};
use super::safety::{self, FolderLock, JOURNAL_PATH};
use super::stamp::Stamp;
use super::{EmitError, cache};
use crate::digest::{Sha256Digest, sha256_hex};
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
    let lock = outputs.get(LOCK_PATH).map(|text| NewLock::Text(text, parsed.as_ref()));
    Ok(writer.finish_with(lock, &|path| outputs.contains_key(path))?.report)
}

/// The lock a write ends with.
enum NewLock<'a> {
    /// Built in memory: its text is streamed to its file.
    Built(&'a Lock),
    /// Given as text, with its meaning when it parses.
    Text(&'a str, Option<&'a Lock>),
}

impl NewLock<'_> {
    fn parsed(&self) -> Option<&Lock> {
        match self {
            NewLock::Built(lock) => Some(lock),
            NewLock::Text(_, parsed) => *parsed,
        }
    }

    fn write_to(&self, out: impl std::io::Write) -> std::io::Result<()> {
        match self {
            NewLock::Built(lock) => lock.write_to(out),
            NewLock::Text(text, _) => {
                let mut out = out;
                out.write_all(text.as_bytes())?;
                out.flush()
            }
        }
    }
}

/// What a finished write did and wrote.
#[derive(Debug)]
pub struct Finished {
    /// What it did.
    pub report: WriteReport,
    /// The sha256 of the lock's text.
    pub lock_sha: String,
    /// The stamp of each file of `report.written`, in its order, as it was
    /// written (the lock's excepted: `None`).
    pub stamps: Vec<Option<Stamp>>,
}

impl Finished {
    /// The stamp of the written file `path`, as it was written.
    pub fn stamp(&self, path: &str) -> Option<Stamp> {
        let at = self.report.written.binary_search_by(|written| written.as_str().cmp(path)).ok()?;
        self.stamps.get(at).copied().flatten()
    }
}

/// A file staged: written to its temporary file, to be renamed into place.
#[derive(Debug)]
struct Staged {
    /// Its path relative to the root.
    relative: Box<str>,
    /// Its target when not the root joined with `relative`.
    target: Option<Box<Path>>,
    /// The tag of its temporary file (see [`safety::temporary_path`]).
    tag: usize,
    /// Its stamp as written (the lock's is not kept).
    stamp: Option<Stamp>,
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
    /// Whether the tree is still marked clean (see `cache::marked_clean`):
    /// the mark goes before the first temporary file is written.
    marked: bool,
    /// The (path, sha256) pairs the journal records.
    journaled: HashSet<(String, Sha256Digest)>,
    folders: safety::Folders,
    /// Folders known to exist (looked at or made).
    ready: HashSet<PathBuf>,
    /// Folders created for staged files, in the order made.
    made: Vec<PathBuf>,
    /// The files staged, in the order staged, a batch at a time (no list
    /// of a big tree's files grown by doubling).
    staged: Vec<Vec<Staged>>,
    not_owned: Vec<String>,
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
        let journaled = journal.iter().flat_map(|l| &l.artifacts).map(|a| (a.path.clone(), a.sha256)).collect();
        // A tree marked clean (no compile left a temporary file since the
        // last one finished) is not walked: only its root is listed (where
        // a journal and a spec written by `fmt` are).
        let marked = journal.is_none() && cache::marked_clean(root);
        let temporaries = safety::temporaries(root, !marked)?;
        Ok(Self {
            temporaries,
            marked,
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
            not_owned: Vec::new(),
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
                && self.journaled.contains(&(relative.to_owned(), Sha256Digest::of(bytes.as_bytes())))
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
        self.unmark()?;
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
        let staged = crate::parallel::map(&changes, |(_, path, text)| {
            safety::create_temporary_with(path, |file| file.write_all(text.as_bytes()))
        });
        let mut first = None;
        let mut batch = Vec::with_capacity(changes.len());
        for ((relative, path, _), result) in changes.into_iter().zip(staged) {
            match result {
                Ok((tag, stamp)) => {
                    let target = (path != self.root.join(relative)).then(|| path.into_boxed_path());
                    batch.push(Staged { relative: relative.into(), target, tag, stamp });
                }
                Err(error) => {
                    first.get_or_insert(error);
                }
            }
        }
        if !batch.is_empty() {
            self.staged.push(batch);
        }
        first.map_or(Ok(()), Err)
    }

    /// Remove the tree's clean mark, once, before a temporary file is
    /// written: a compile killed from then on leaves the tree unmarked.
    fn unmark(&mut self) -> Result<(), EmitError> {
        if self.marked {
            cache::unmark_clean(&self.root)?;
            self.marked = false;
        }
        Ok(())
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

    /// Stage the new `lock` (its text streamed from it), then put every
    /// staged file in place, remove stale files and the journal.
    ///
    /// # Errors
    /// [`EmitError::NotOwned`] (nothing is then written), or a read or
    /// write failure.
    pub fn finish(self, lock: &Lock) -> Result<Finished, EmitError> {
        // Compile lists its artifacts sorted by path.
        let sorted = lock.artifacts.is_sorted_by(|a, b| a.path <= b.path);
        let unsorted: HashSet<&str> =
            if sorted { HashSet::new() } else { lock.artifacts.iter().map(|a| a.path.as_str()).collect() };
        let listed = |path: &str| {
            if sorted {
                lock.artifacts.binary_search_by(|a| a.path.as_str().cmp(path)).is_ok()
            } else {
                unsorted.contains(path)
            }
        };
        self.finish_with(Some(NewLock::Built(lock)), &listed)
    }

    /// Finish with `lock`, the files this write produces being those
    /// `produced` says (a file the last lock lists and this write does not
    /// produce is stale).
    fn finish_with(
        mut self,
        lock: Option<NewLock<'_>>,
        produced: &dyn Fn(&str) -> bool,
    ) -> Result<Finished, EmitError> {
        self.remove_leftovers()?;
        let lock_sha = match &lock {
            Some(lock) => self.stage_lock(lock)?,
            None => String::new(),
        };
        if !self.not_owned.is_empty() {
            return Err(EmitError::NotOwned { paths: std::mem::take(&mut self.not_owned) });
        }
        let root = self.root.clone();
        let old_lock = self.old.as_ref().map(|(lock, _)| lock);
        let stale = stale_files(&root, produced, old_lock, self.journal.as_ref())?;
        let mut report = WriteReport { unchanged: self.unchanged, kept: stale.kept, ..WriteReport::default() };
        if self.staged.is_empty() && stale.remove.is_empty() {
            self.finished = true;
            remove_journal(&root)?;
            cache::mark_clean(&root);
            return Ok(Finished { report, lock_sha, stamps: Vec::new() });
        }
        // From here on a failure leaves the staged files for the next
        // compile to finish or remove, as a kill would.
        self.finished = true;
        let staged_lock = self.staged.iter().flatten().find(|staged| &*staged.relative == LOCK_PATH);
        match (lock.as_ref().and_then(NewLock::parsed), staged_lock) {
            (_, Some(staged)) if old_lock.is_none() && self.journal.is_none() => {
                // Nothing earlier to keep: the journal is the new lock itself.
                link_journal(&root, &self.temporary(staged))?;
            }
            (Some(new), _) => {
                // Until the new lock is in place, the old one names every
                // file this compile does not change: the journal records the
                // rest, the files this compile writes (with their new bytes)
                // and what an older journal names.
                let old = old_lock.map_or(&[][..], |l| &l.artifacts[..]);
                let older = self.journal.iter().flat_map(|l| &l.artifacts);
                let pending = added(old, new.artifacts.iter().chain(older));
                write_file_with(&root.join(JOURNAL_PATH), |out| {
                    crate::lock::write_lock(out, &new.inception, &new.spec, pending.iter().copied())
                })?;
            }
            _ => {}
        }
        // The lock last: until it is in place the old one (and the journal)
        // still name every file this compile touches.
        let (locks, files): (Vec<&Staged>, Vec<&Staged>) =
            self.staged.iter().flatten().partition(|staged| &*staged.relative == LOCK_PATH);
        let this = &self;
        let renamed = crate::parallel::map(&files, |staged| this.rename(staged));
        renamed.into_iter().collect::<Result<(), EmitError>>()?;
        for (relative, path) in &stale.remove {
            std::fs::remove_file(path).map_err(|source| EmitError::Write { path: path.clone(), source })?;
            prune_empty_parents(&root, path);
            report.removed.push(relative.clone());
        }
        for staged in locks {
            self.rename(staged)?;
        }
        remove_journal(&root)?;
        // Every file in place, no temporary file left.
        cache::mark_clean(&root);
        let mut written: Vec<(String, Option<Stamp>)> = Vec::with_capacity(self.staged.iter().map(Vec::len).sum());
        for batch in std::mem::take(&mut self.staged) {
            // The lock is staged without a stamp.
            written.extend(batch.into_iter().map(|staged| (staged.relative.into_string(), staged.stamp)));
        }
        written.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let stamps = written.iter().map(|(_, stamp)| *stamp).collect();
        report.written = written.into_iter().map(|(relative, _)| relative).collect();
        Ok(Finished { report, lock_sha, stamps })
    }

    /// Write `lock` to a temporary file beside the lock on disk and stage
    /// it, unless it has the bytes of that lock; returns the sha256 of its
    /// text. A lock file on disk that no lock was read from is not
    /// inception's (unless adopting): recorded, and nothing is staged.
    fn stage_lock(&mut self, lock: &NewLock<'_>) -> Result<String, EmitError> {
        let path = safety::no_link_path(&self.root, LOCK_PATH)?;
        if self.old.is_none() && !self.adopt && std::fs::symlink_metadata(&path).is_ok() {
            self.not_owned.push(LOCK_PATH.to_owned());
        }
        if !self.not_owned.is_empty() {
            return Ok(String::new());
        }
        self.unmark()?;
        let mut sha = String::new();
        let (tag, _) = safety::create_temporary_with(&path, |file| {
            // Hashed as it is written, a buffer at a time.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, crate::digest::Hashing::new(file));
            lock.write_to(&mut out)?;
            let hashing = out.into_inner().map_err(std::io::IntoInnerError::into_error)?;
            sha = hashing.finish().1;
            Ok(())
        })?;
        let target = (path != self.root.join(LOCK_PATH)).then(|| path.into_boxed_path());
        let staged = Staged { relative: LOCK_PATH.into(), target, tag, stamp: None };
        match &self.old {
            // The lock on disk is the one read when the writer opened (it
            // holds the folder's lock): compared by its hash, not read again.
            Some((_, old_sha)) if *old_sha == sha => {
                let _ = std::fs::remove_file(self.temporary(&staged));
                self.unchanged += 1;
            }
            _ => self.staged.push(vec![staged]),
        }
        Ok(sha)
    }

    /// Where `staged` goes.
    fn target(&self, staged: &Staged) -> PathBuf {
        staged.target.as_deref().map_or_else(|| self.root.join(&*staged.relative), Path::to_path_buf)
    }

    /// The temporary file `staged` was written to.
    fn temporary(&self, staged: &Staged) -> PathBuf {
        safety::temporary_path(&self.target(staged), staged.tag)
    }

    /// Put `staged` in place.
    fn rename(&self, staged: &Staged) -> Result<(), EmitError> {
        let target = self.target(staged);
        std::fs::rename(safety::temporary_path(&target, staged.tag), &target)
            .map_err(|source| EmitError::Write { path: target, source })
    }
}

impl Drop for Writer {
    /// An unfinished write removes what it staged and the folders it made.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        for staged in self.staged.iter().flatten() {
            let _ = std::fs::remove_file(self.temporary(staged));
        }
        for folder in self.made.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// The entries of `new` that `old` (sorted by path, as the writer keeps
/// it) lacks, each (path, sha256) once, in `new`'s order.
fn added<'a>(old: &'a [LockedArtifact], new: impl Iterator<Item = &'a LockedArtifact>) -> Vec<&'a LockedArtifact> {
    let mut seen: HashSet<(&str, Sha256Digest)> = HashSet::new();
    new.filter(|artifact| {
        let at = old.binary_search_by(|a| a.path.as_str().cmp(&artifact.path));
        let in_old = at.is_ok_and(|at| old[at].sha256 == artifact.sha256);
        !in_old && seen.insert((artifact.path.as_str(), artifact.sha256))
    })
    .collect()
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
        let sha = Sha256Digest::of(&bytes);
        if records(old.into_iter().chain(journal), relative, sha) {
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
fn records<'a>(locks: impl IntoIterator<Item = &'a Lock>, relative: &str, sha: Sha256Digest) -> bool {
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
    write_file_with(path, |out| out.write_all(text.as_bytes()))
}

/// [`write_file`], the bytes written by `write` (buffered), creating folders.
///
/// # Errors
/// A write failure (`write`'s included); the file is then unchanged.
fn write_file_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
) -> Result<(), EmitError> {
    let error = |source| EmitError::Write { path: path.to_path_buf(), source };
    if path.is_dir() {
        return Err(EmitError::NotAFile { path: path.to_path_buf() });
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    let (tag, _) = safety::create_temporary_with(path, |file| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.into_inner().map(drop).map_err(std::io::IntoInnerError::into_error)
    })?;
    put_in_place(&safety::temporary_path(path, tag), path)
}

/// Make the journal the file `lock` (the new lock, staged): linked when
/// the file system allows, else copied; atomically either way.
fn link_journal(root: &Path, lock: &Path) -> Result<(), EmitError> {
    let journal = root.join(JOURNAL_PATH);
    let error = |source| EmitError::Write { path: journal.clone(), source };
    let temporary = safety::temporary_path(&journal, safety::fresh_tag());
    if std::fs::hard_link(lock, &temporary).is_err() {
        std::fs::copy(lock, &temporary).map_err(|source| {
            let _ = std::fs::remove_file(&temporary);
            error(source)
        })?;
    }
    put_in_place(&temporary, &journal)
}

/// Rename `temporary` to `path`, removing it if that fails.
fn put_in_place(temporary: &Path, path: &Path) -> Result<(), EmitError> {
    std::fs::rename(temporary, path).map_err(|source| {
        let _ = std::fs::remove_file(temporary);
        EmitError::Write { path: path.to_path_buf(), source }
    })
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
