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

/// What a compile may take from the previous one.
#[derive(Debug, Default)]
pub struct Reusable {
    /// The reusable files, by path, with their entries in the lock on disk:
    /// each is on disk with the bytes its entry records.
    pub entries: HashMap<String, LockedArtifact>,
    /// The stamps of those files, taken before they were proven unchanged
    /// (see [`Stamp`]).
    pub stamps: HashMap<String, Stamp>,
}

/// The reusable files among `keys` (path, key of this compile), with their
/// entries in the lock on disk (`previous`: parsed, with the sha256 of its
/// bytes, by the writer that holds the folder's lock). A file whose stamp
/// is the recorded one, recorded after it was written, is not read; any
/// other is hashed. Never fails: what cannot be read is rendered.
pub fn reusable<'a>(
    root: &Path,
    fingerprint: &Fingerprint,
    keys: impl Iterator<Item = (&'a str, &'a str)>,
    previous: Option<&(Lock, String)>,
) -> Reusable {
    let Some(units) = cache::recorded_units(root, fingerprint) else { return Reusable::default() };
    let Some((lock, sha)) = previous else { return Reusable::default() };
    if *sha != units.lock {
        return Reusable::default();
    }
    let entries: HashMap<&str, &LockedArtifact> = lock.artifacts.iter().map(|a| (a.path.as_str(), a)).collect();
    let candidates: Vec<(&LockedArtifact, Option<Stamp>)> = keys
        .filter_map(|(path, key)| match units.keys.get(path) {
            Some((recorded, stamp)) if recorded == key => entries.get(path).map(|entry| (*entry, *stamp)),
            _ => None,
        })
        .collect();
    let intact = crate::parallel::map(&candidates, |(entry, recorded)| {
        let path = join(root, &entry.path);
        // Taken before the file is read: a write after it changes the stamp.
        let now = std::fs::symlink_metadata(&path).ok().filter(|m| m.is_file()).as_ref().and_then(Stamp::of);
        if let (Some(recorded), Some(now)) = (recorded, now)
            && recorded.proves(now, units.recorded)
        {
            return Some(Some(now));
        }
        let bytes = std::fs::read(&path).ok()?;
        (sha256_hex(&bytes) == entry.sha256).then_some(now)
    });
    let mut reusable = Reusable::default();
    for ((entry, _), intact) in candidates.into_iter().zip(intact) {
        let Some(stamp) = intact else { continue };
        if let Some(stamp) = stamp {
            reusable.stamps.insert(entry.path.clone(), stamp);
        }
        reusable.entries.insert(entry.path.clone(), entry.clone());
    }
    reusable
}
