//! The fast path of `check` and of a `compile` with nothing to do: prove the
//! tree up to date by hashing files, without parsing or rendering the spec.
//!
//! The [cache](super::cache) records the sha256 of the lock a full render
//! of this spec by this build writes. When the lock on disk has that hash, it
//! is that lock, byte for byte, so the sha256 it records for each file is the
//! one the render gives; the tree is then up to date exactly when every
//! listed file has its recorded hash and no temporary or foreign file is
//! left, which is what the full check would find. Anything else (no record,
//! another lock, one file that differs) answers "not proven", and the caller
//! renders: the fast path never reports drift, so every verdict and diff
//! still comes from the full check.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::EmitError;
use super::cache::{self, Fingerprint};
use super::check::leftovers;
use super::lock::LOCK_PATH;
use super::read::{join, read_optional_bytes};
use crate::digest::sha256_hex;

/// Below this many files, they are hashed on one thread.
const PARALLEL_FROM: usize = 2048;

/// The lock's artifact list, without the sources (skipped unparsed).
#[derive(Deserialize)]
struct Listing {
    artifacts: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    path: String,
    sha256: String,
}

/// `Some(files)` when the tree under `root` is proven to be exactly what
/// compiling the spec of `fingerprint` writes (`files` of them, the lock
/// included); `None` when it is not proven.
///
/// # Errors
/// A failure listing the tree's folders.
pub fn verify(root: &Path, fingerprint: &Fingerprint) -> Result<Option<usize>, EmitError> {
    let Some(expected) = cache::recorded_lock(root, fingerprint) else { return Ok(None) };
    let Some(lock) = read_optional_bytes(&root.join(LOCK_PATH))? else { return Ok(None) };
    if sha256_hex(&lock) != expected {
        return Ok(None);
    }
    let Ok(listing) = serde_json::from_slice::<Listing>(&lock) else { return Ok(None) };
    drop(lock);
    let intact = |listed: &Listed| {
        std::fs::read(join(root, &listed.path)).is_ok_and(|bytes| sha256_hex(&bytes) == listed.sha256)
    };
    // A file is hashed in microseconds: a second thread only pays for
    // thousands of them (and on a busy machine, waiting for it costs more).
    let all_intact = if listing.artifacts.len() < PARALLEL_FROM {
        listing.artifacts.iter().all(intact)
    } else {
        crate::parallel::map(&listing.artifacts, intact).into_iter().all(|ok| ok)
    };
    if !all_intact {
        return Ok(None);
    }
    let mut paths: HashSet<&str> = listing.artifacts.iter().map(|a| a.path.as_str()).collect();
    paths.insert(LOCK_PATH);
    if !leftovers(root, paths.iter().copied(), |path| paths.contains(path))?.is_empty() {
        return Ok(None);
    }
    Ok(Some(paths.len()))
}
