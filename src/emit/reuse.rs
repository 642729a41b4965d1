//! The files of the previous compile that this one may reuse: those whose
//! key (see [`crate::render::units`]) is the one recorded when they were
//! written, provided the lock on disk is the one that compile wrote and the
//! file still has the bytes that lock records. Anything else (no record, a
//! record of another lock or build, a file missing or edited) is rendered.
//!
//! A reused file is neither kept in memory nor read again: the writer is
//! told it is on disk with the bytes its lock entry records (see [`Reuse`]),
//! and is handed the lock this step parsed, so neither is read twice.

use std::collections::HashMap;
use std::path::Path;

use super::cache::{self, Fingerprint};
use super::lock::{LOCK_PATH, Lock, LockedArtifact};
use super::read::{join, read_optional_bytes};
use crate::digest::sha256_hex;

/// What a compile may take from the previous one.
#[derive(Debug, Default)]
pub struct Reuse {
    /// The lock on disk, parsed, and the sha256 of its bytes; `None` when
    /// nothing is reused.
    pub previous: Option<(Lock, String)>,
    /// The reusable files, by path: each is on disk with the bytes of its
    /// entry in that lock, which a render would give again.
    pub files: HashMap<String, LockedArtifact>,
}

impl Reuse {
    /// Nothing to reuse: everything is rendered.
    pub fn none() -> Self {
        Self::default()
    }
}

/// The reusable files among `keys` (path, key of this compile).
/// Never fails: what cannot be read is rendered.
pub fn reusable<'a>(root: &Path, fingerprint: &Fingerprint, keys: impl Iterator<Item = (&'a str, &'a str)>) -> Reuse {
    let Some((lock_sha, recorded)) = cache::recorded_units(root, fingerprint) else { return Reuse::none() };
    let Ok(Some(bytes)) = read_optional_bytes(&root.join(LOCK_PATH)) else { return Reuse::none() };
    if sha256_hex(&bytes) != lock_sha {
        return Reuse::none();
    }
    let Some(lock) = std::str::from_utf8(&bytes).ok().and_then(Lock::parse) else { return Reuse::none() };
    drop(bytes);
    let entries: HashMap<&str, &LockedArtifact> = lock.artifacts.iter().map(|a| (a.path.as_str(), a)).collect();
    let candidates: Vec<&LockedArtifact> = keys
        .filter(|(path, key)| recorded.get(*path).is_some_and(|k| k == key))
        .filter_map(|(path, _)| entries.get(path).copied())
        .collect();
    let intact = crate::parallel::map(&candidates, |entry| {
        std::fs::read(join(root, &entry.path)).is_ok_and(|bytes| sha256_hex(&bytes) == entry.sha256)
    });
    let files = candidates
        .into_iter()
        .zip(intact)
        .filter(|(_, intact)| *intact)
        .map(|(entry, _)| (entry.path.clone(), entry.clone()))
        .collect();
    Reuse { previous: Some((lock, lock_sha)), files }
}
