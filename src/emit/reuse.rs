//! The files of the previous compile that this one may reuse: those whose
//! key (see [`crate::render::units`]) is the one recorded when they were
//! written, provided the lock on disk is the one that compile wrote and the
//! file still has the bytes that lock records. Anything else (no record, a
//! record of another lock or build, a file missing or edited) is rendered.
//!
//! A reused file is neither kept in memory nor read again: the writer is
//! told it is on disk with the bytes its lock entry records, and this step
//! takes the lock the writer read, so neither is read twice.

use std::collections::HashMap;
use std::path::Path;

use super::cache::{self, Fingerprint};
use super::lock::{Lock, LockedArtifact};
use super::read::join;
use super::stamp::Stamp;
use crate::digest::sha256_hex;

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
#[derive(Debug, Default)]
pub struct Recorded {
    /// The sha256 of the lock the record is of.
    lock: String,
    /// Each recorded file's key, its stamp now, and whether the stamp
    /// proves it unchanged, by path.
    files: HashMap<String, (String, Option<Stamp>, bool)>,
}

/// The record of the compile that wrote the tree at `root`, by this build,
/// each file looked at; `None` without one.
pub fn recorded(root: &Path, fingerprint: &Fingerprint) -> Option<Recorded> {
    let units = cache::recorded_units(root, fingerprint)?;
    let files: Vec<(String, (String, Option<Stamp>))> = units.keys.into_iter().collect();
    let looked = crate::parallel::map(&files, |(path, (_, recorded))| {
        // Taken before the file is read: a write after it changes the stamp.
        let now = std::fs::symlink_metadata(join(root, path)).ok().filter(|m| m.is_file()).as_ref().and_then(Stamp::of);
        let proven = matches!((recorded, now), (Some(recorded), Some(now)) if recorded.proves(now, units.recorded));
        (now, proven)
    });
    let files = files.into_iter().zip(looked).map(|((path, (key, _)), (now, proven))| (path, (key, now, proven)));
    Some(Recorded { lock: units.lock, files: files.collect() })
}

/// The reusable files among `keys` (path, key of this compile), with their
/// entries in the lock on disk (`previous`: parsed, with the sha256 of its
/// bytes, by the writer that holds the folder's lock). A file its stamp
/// proves unchanged is not read; any other is hashed. Never fails: what
/// cannot be read is rendered.
pub fn reusable<'a>(
    root: &Path,
    recorded: Option<Recorded>,
    keys: impl Iterator<Item = (&'a str, &'a str)>,
    previous: Option<&(Lock, String)>,
) -> Reusable {
    let (Some(recorded), Some((lock, sha))) = (recorded, previous) else { return Reusable::default() };
    if *sha != recorded.lock {
        return Reusable::default();
    }
    // The writer keeps the lock sorted by path.
    let entry =
        |path: &str| lock.artifacts.binary_search_by(|a| a.path.as_str().cmp(path)).ok().map(|at| &lock.artifacts[at]);
    let candidates: Vec<Option<(&LockedArtifact, Option<Stamp>, bool)>> = keys
        .map(|(path, key)| match recorded.files.get(path) {
            Some((recorded, now, proven)) if recorded == key => entry(path).map(|entry| (entry, *now, *proven)),
            _ => None,
        })
        .collect();
    let intact = crate::parallel::map(&candidates, |candidate| {
        candidate.is_some_and(|(entry, _, proven)| {
            proven || std::fs::read(join(root, &entry.path)).is_ok_and(|bytes| sha256_hex(&bytes) == entry.sha256)
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
