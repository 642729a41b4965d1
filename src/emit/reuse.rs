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
use crate::digest::sha256_hex;

/// The reusable files among `keys` (path, key of this compile), by path,
/// with their entries in the lock on disk (`previous`: parsed, with the
/// sha256 of its bytes, by the writer that holds the folder's lock). Never
/// fails: what cannot be read is rendered.
pub fn reusable<'a>(
    root: &Path,
    fingerprint: &Fingerprint,
    keys: impl Iterator<Item = (&'a str, &'a str)>,
    previous: Option<&(Lock, String)>,
) -> HashMap<String, LockedArtifact> {
    let Some((lock_sha, recorded)) = cache::recorded_units(root, fingerprint) else { return HashMap::new() };
    let Some((lock, sha)) = previous else { return HashMap::new() };
    if *sha != lock_sha {
        return HashMap::new();
    }
    let entries: HashMap<&str, &LockedArtifact> = lock.artifacts.iter().map(|a| (a.path.as_str(), a)).collect();
    let candidates: Vec<&LockedArtifact> = keys
        .filter(|(path, key)| recorded.get(*path).is_some_and(|k| k == key))
        .filter_map(|(path, _)| entries.get(path).copied())
        .collect();
    let intact = crate::parallel::map(&candidates, |entry| {
        std::fs::read(join(root, &entry.path)).is_ok_and(|bytes| sha256_hex(&bytes) == entry.sha256)
    });
    candidates
        .into_iter()
        .zip(intact)
        .filter(|(_, intact)| *intact)
        .map(|(entry, _)| (entry.path.clone(), entry.clone()))
        .collect()
}
