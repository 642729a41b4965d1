//! The files of the previous compile that this one may reuse: those whose
//! key (see [`crate::render::units`]) is the one recorded when they were
//! written, provided the lock on disk is the one that compile wrote and the
//! file still has the bytes that lock records. Anything else (no record, a
//! record of another lock or build, a file missing or edited) is rendered.

use std::collections::HashMap;
use std::path::Path;

use super::cache::{self, Fingerprint};
use super::lock::{LOCK_PATH, Lock};
use super::read::{join, read_optional_bytes};
use crate::digest::sha256_hex;
use crate::pipeline::Reused;

/// The reusable files among `keys` (path, key of this compile), by path.
/// Never fails: what cannot be read is rendered.
pub fn reusable<'a>(
    root: &Path,
    fingerprint: &Fingerprint,
    keys: impl Iterator<Item = (&'a str, &'a str)>,
) -> HashMap<String, Reused> {
    let Some((lock_sha, recorded)) = cache::recorded_units(root, fingerprint) else { return HashMap::new() };
    let Ok(Some(lock)) = read_optional_bytes(&root.join(LOCK_PATH)) else { return HashMap::new() };
    if sha256_hex(&lock) != lock_sha {
        return HashMap::new();
    }
    let Some(lock) = std::str::from_utf8(&lock).ok().and_then(Lock::parse) else { return HashMap::new() };
    let entries: HashMap<&str, _> = lock.artifacts.iter().map(|a| (a.path.as_str(), a)).collect();
    let candidates: Vec<_> = keys
        .filter(|(path, key)| recorded.get(*path).is_some_and(|k| k == key))
        .filter_map(|(path, _)| entries.get(path).copied())
        .collect();
    let files = crate::parallel::map(&candidates, |entry| {
        let bytes = std::fs::read(join(root, &entry.path)).ok()?;
        if sha256_hex(&bytes) != entry.sha256 {
            return None;
        }
        let text = String::from_utf8(bytes).ok()?;
        Some((entry.path.clone(), Reused { text, entry: (*entry).clone() }))
    });
    files.into_iter().flatten().collect()
}
