//! `check`: compare the tree on disk with what compile would write.
//!
//! Every drifted file is collected (never stopping at the first), each with a
//! unified diff and a verdict that names the cause, using the lock of the
//! last compile: a file that still matches the lock but not the new output was
//! changed by the spec; a file that matches neither was edited by hand.
//! Drift is a value, not an error: the caller maps it to exit code 1.

use std::path::Path;

use serde::Serialize;

use super::EmitError;
use super::diff::unified;
use super::lock::{LOCK_PATH, Lock};
use super::read::{join, read_optional};
use super::safety;
use crate::digest::Sha256Digest;
use crate::render::Outputs;

/// Why a file differs from what compile would write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The file is what the last compile wrote; the spec changed since.
    SpecChanged,
    /// Only the lock differs, because only comments or layout of the spec
    /// changed: every generated file is the same.
    SpecLayoutChanged,
    /// The file is what the last compile wrote; a different inception
    /// version would write it differently.
    CompilerChanged,
    /// The file differs from what the last compile wrote: someone edited it.
    EditedByHand,
    /// Compile would write it, but it is not there.
    Missing,
    /// A file inception wrote earlier that the spec no longer produces.
    Stale,
    /// A file inception would write is there but inception did not write it
    /// (no lock records it).
    NotGenerated,
    /// A temporary file or journal a killed or running compile left.
    Temporary,
    /// A file inside a generated folder that inception does not write:
    /// Argo CD and Helm read every file there.
    Foreign,
}

impl Verdict {
    /// A sentence for people, with the fix.
    pub fn explain(self) -> &'static str {
        match self {
            Verdict::SpecChanged => "the spec changed since the last compile: run `inception compile`",
            Verdict::SpecLayoutChanged => {
                "only comments or layout of the spec changed (every generated file is the same): run `inception compile` to record the spec's new hash and lines in the lock"
            }
            Verdict::CompilerChanged => "written by another inception version: run `inception compile` with this one",
            Verdict::EditedByHand => {
                "edited by hand: move the change into the spec, then run `inception compile` (it overwrites the edit)"
            }
            Verdict::Missing => "missing: run `inception compile`",
            Verdict::Stale => "no longer produced by the spec: run `inception compile` to remove it",
            Verdict::NotGenerated => {
                "not written by inception: run `inception compile` to take it over, or move the file away"
            }
            Verdict::Temporary => "left by an interrupted compile: run `inception compile` to clean it up",
            Verdict::Foreign => {
                "not written by inception, inside a generated folder whose every file is applied: move it out"
            }
        }
    }
}

/// One file that differs.
#[derive(Debug, Clone, Serialize)]
pub struct Drifted {
    /// Path relative to the root.
    pub path: String,
    /// Why.
    pub verdict: Verdict,
    /// A unified diff from disk to what compile would write.
    pub diff: String,
}

/// Every file that differs, sorted by path.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Drift {
    /// The drifted files.
    pub files: Vec<Drifted>,
    /// How many files were compared.
    pub checked: usize,
}

impl Drift {
    /// Whether the tree is exactly what compile would write.
    pub fn is_clean(&self) -> bool {
        self.files.is_empty()
    }
}

/// Compare `outputs` (which include the text of `new_lock`) with the tree under `root`.
///
/// # Errors
/// A file that cannot be read.
pub fn check(root: &Path, outputs: &Outputs, new_lock: &Lock) -> Result<Drift, EmitError> {
    // A lock on disk with the new lock's bytes is the new lock: not parsed
    // again (at thousands of services it is megabytes of JSON).
    let on_disk = read_optional(&root.join(LOCK_PATH))?;
    let parsed: Option<Lock>;
    let old_lock: Option<&Lock> = if on_disk.is_some() && on_disk.as_ref() == outputs.get(LOCK_PATH) {
        Some(new_lock)
    } else {
        parsed = on_disk.as_deref().and_then(Lock::parse);
        parsed.as_ref()
    };
    let mut files = Vec::new();
    for (path, expected) in outputs {
        let actual = read_optional(&join(root, path))?;
        let Some(actual) = actual else {
            files.push(Drifted { path: path.clone(), verdict: Verdict::Missing, diff: unified(path, "", expected) });
            continue;
        };
        if &actual == expected {
            continue;
        }
        let verdict = verdict(path, &actual, old_lock, new_lock);
        files.push(Drifted { path: path.clone(), verdict, diff: unified(path, &actual, expected) });
    }
    if let Some(old) = old_lock {
        for artifact in old.artifacts.iter().filter(|a| !outputs.contains_key(&a.path)) {
            if let Some(actual) = read_optional(&join(root, &artifact.path))? {
                files.push(Drifted {
                    path: artifact.path.clone(),
                    verdict: Verdict::Stale,
                    diff: unified(&artifact.path, &actual, ""),
                });
            }
        }
    }
    let listed =
        |path: &str| outputs.contains_key(path) || old_lock.as_ref().is_some_and(|l| l.artifact(path).is_some());
    files.extend(leftovers(root, outputs.keys().map(String::as_str), listed)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let [only] = files.as_mut_slice()
        && only.path == LOCK_PATH
        && only.verdict == Verdict::SpecChanged
    {
        only.verdict = Verdict::SpecLayoutChanged;
    }
    Ok(Drift { files, checked: outputs.len() })
}

/// Temporary files anywhere compile writes, and files nobody generated
/// (not `listed`) in the folders of the `generated` paths whose every file is
/// applied.
pub(super) fn leftovers<'a>(
    root: &Path,
    generated: impl Iterator<Item = &'a str>,
    listed: impl Fn(&str) -> bool,
) -> Result<Vec<Drifted>, EmitError> {
    let drifted = |path: String, verdict| Drifted { diff: format!("--- a/{path}\n+++ /dev/null\n"), path, verdict };
    let owned: std::collections::HashSet<String> =
        safety::folders(generated).into_iter().filter(|f| safety::is_owned_folder(f)).collect();
    let mut found = Vec::new();
    for path in safety::walk(root)? {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", &path));
        if safety::is_temporary(name) {
            found.push(drifted(path, Verdict::Temporary));
        } else if owned.contains(folder) && !listed(&path) {
            found.push(drifted(path, Verdict::Foreign));
        }
    }
    found.sort_by(|a, b| (a.verdict != Verdict::Temporary, &a.path).cmp(&(b.verdict != Verdict::Temporary, &b.path)));
    if found.iter().any(|f| f.verdict == Verdict::Temporary) {
        // The next compile looks for temporary files in the whole tree
        // (a tree marked clean has only its root looked at). Best effort.
        let _ = super::cache::unmark_clean(root);
    }
    Ok(found)
}

fn verdict(path: &str, actual: &str, old: Option<&Lock>, new: &Lock) -> Verdict {
    let Some(old) = old else {
        return Verdict::NotGenerated;
    };
    // A renamed spec file changes every banner: that is a spec change too.
    let spec_changed = new.spec.sha256 != old.spec.sha256 || new.spec.path != old.spec.path;
    let version_changed = new.inception != old.inception;
    let cause = if spec_changed {
        Verdict::SpecChanged
    } else if version_changed {
        Verdict::CompilerChanged
    } else {
        Verdict::EditedByHand
    };
    if path == LOCK_PATH {
        return cause;
    }
    match old.artifact(path) {
        Some(entry) if entry.sha256 == Sha256Digest::of(actual.as_bytes()) => cause,
        Some(_) => Verdict::EditedByHand,
        None => Verdict::NotGenerated,
    }
}
