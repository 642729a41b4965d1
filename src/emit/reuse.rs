//! The files of the previous compile that this one may reuse: those whose
//! key (see [`crate::render::units`]) is the one recorded when they were
//! written, provided the lock on disk is the one that compile wrote and the
//! file still has the bytes that lock records. Anything else (no record, a
//! record of another lock or build, a file missing or edited) is rendered.
//!
//! A reused file is neither kept in memory nor read again: the writer is
//! told it is on disk with the bytes its lock entry records, and this step
//! takes the lock the writer read, so neither is read twice.

use std::path::Path;

use super::cache::{self, Fingerprint};
use super::lock::{Lock, LockedArtifact};
use super::read::join;
use super::stamp::Stamp;
use crate::digest::Sha256Digest;

/// What a compile may take from the previous one, in the order of the
/// keys it was given.
#[derive(Debug, Default)]
pub struct Reusable {
    /// For each artifact, its entry in the lock on disk when it is
    /// reusable: on disk with the bytes its entry records.
    pub entries: Vec<Option<LockedArtifact>>,
    /// The stamps of those files, taken before they were proven unchanged
    /// (see [`Stamp`]).
    pub stamps: Vec<Option<Stamp>>,
}

/// What the last compile recorded of the tree (its units record, see
/// [`cache`]), each recorded file looked at: its stamp now, and whether
/// that proves it unchanged. Needs no key, so it is read while the spec is
/// still being planned (by the writer's thread, under the folder's lock).
#[derive(Debug)]
pub struct Recorded {
    /// The record, its files sorted by path.
    units: cache::Units,
    /// Each recorded file's stamp now, and whether it proves the file
    /// unchanged, in the record's order.
    looked: Vec<(Option<Stamp>, bool)>,
}

/// The record of the compile that wrote the tree at `root`, by this build,
/// each file looked at; `None` without one.
pub fn recorded(root: &Path, fingerprint: &Fingerprint) -> Option<Recorded> {
    let units = cache::recorded_units(root, fingerprint)?;
    // Looked at in runs of neighbouring paths (on every core), each run
    // opening each folder once.
    let runs: Vec<(usize, usize)> = (0..units.len()).step_by(RUN).map(|at| (at, (at + RUN).min(units.len()))).collect();
    let looked: Vec<(Option<Stamp>, bool)> = crate::parallel::map(&runs, |&(from, to)| {
        let mut folders = FolderStamps::new(root);
        (from..to)
            .map(|at| {
                // Taken before the file is read: a write after it changes the stamp.
                let now = folders.stamp(units.path(at));
                let recorded = units.stamp(at);
                let proven =
                    matches!((recorded, now), (Some(recorded), Some(now)) if recorded.proves(now, units.recorded));
                (now, proven)
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    Some(Recorded { units, looked })
}

/// How many recorded files a run of [`recorded`] looks at.
const RUN: usize = 512;

/// The stamps of files by path under a root, the folder of the last one
/// kept open (the paths come sorted, so a folder's files come together).
struct FolderStamps<'a> {
    root: &'a Path,
    #[cfg(unix)]
    open: Option<(String, Option<rustix::fd::OwnedFd>)>,
}

impl<'a> FolderStamps<'a> {
    fn new(root: &'a Path) -> Self {
        Self {
            root,
            #[cfg(unix)]
            open: None,
        }
    }

    /// The stamp of the regular file at `relative` (not a link), if any.
    #[cfg(unix)]
    fn stamp(&mut self, relative: &str) -> Option<Stamp> {
        let (folder, name) = relative.rsplit_once('/').unwrap_or(("", relative));
        if self.open.as_ref().is_none_or(|(open, _)| open != folder) {
            let flags = rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC;
            let fd = rustix::fs::open(join(self.root, folder), flags, rustix::fs::Mode::empty()).ok();
            self.open = Some((folder.to_owned(), fd));
        }
        Stamp::at(self.open.as_ref()?.1.as_ref()?, name)
    }

    /// The stamp of the regular file at `relative` (not a link), if any.
    #[cfg(not(unix))]
    fn stamp(&mut self, relative: &str) -> Option<Stamp> {
        let meta = std::fs::symlink_metadata(join(self.root, relative)).ok().filter(std::fs::Metadata::is_file);
        meta.as_ref().and_then(Stamp::of)
    }
}

/// The reusable files among `keys` (path, key of this compile, sorted by
/// path, as the plan is), with their entries in the lock on disk
/// (`previous`: parsed, sorted by path, with the sha256 of its bytes, by
/// the writer that holds the folder's lock). The three lists are walked
/// side by side, by path. A file its stamp proves unchanged is not read;
/// any other is hashed. Never fails: what cannot be read is rendered.
pub fn reusable<'a>(
    root: &Path,
    recorded: Option<Recorded>,
    keys: impl Iterator<Item = (&'a str, &'a Sha256Digest)>,
    previous: Option<&(Lock, String)>,
) -> Reusable {
    let (Some(recorded), Some((lock, sha))) = (recorded, previous) else { return Reusable::default() };
    if *sha != recorded.units.lock {
        return Reusable::default();
    }
    let units = &recorded.units;
    let (mut in_record, mut in_lock) = (0, 0);
    let mut last: Option<&str> = None;
    let candidates: Vec<Option<(&LockedArtifact, Option<Stamp>, bool)>> = keys
        .map(|(path, key)| {
            // Out of order (never, from a plan): nothing is reused.
            if last.is_some_and(|last| last > path) {
                in_record = units.len();
            }
            last = Some(path);
            while in_record < units.len() && units.path(in_record) < path {
                in_record += 1;
            }
            if in_record == units.len() || units.path(in_record) != path || !key.is_hex(units.key(in_record)) {
                return None;
            }
            while in_lock < lock.artifacts.len() && lock.artifacts[in_lock].path.as_str() < path {
                in_lock += 1;
            }
            let entry = lock.artifacts.get(in_lock).filter(|entry| entry.path == path)?;
            let (now, proven) = recorded.looked[in_record];
            Some((entry, now, proven))
        })
        .collect();
    let intact = crate::parallel::map(&candidates, |candidate| {
        candidate.is_some_and(|(entry, _, proven)| {
            proven || std::fs::read(join(root, &entry.path)).is_ok_and(|bytes| Sha256Digest::of(&bytes) == entry.sha256)
        })
    });
    let mut reusable = Reusable::default();
    for (candidate, intact) in candidates.into_iter().zip(intact) {
        match candidate {
            Some((entry, now, _)) if intact => {
                reusable.entries.push(Some(entry.clone()));
                reusable.stamps.push(now);
            }
            _ => {
                reusable.entries.push(None);
                reusable.stamps.push(None);
            }
        }
    }
    reusable
}
