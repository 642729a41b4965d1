//! The verified-tree cache: a local record, outside the generated tree and
//! never committed, that says "this build of inception, given this spec, writes
//! a lock whose bytes have this sha256".
//!
//! With it, `check` and a `compile` with nothing to do need not render: the
//! lock on disk is the one this compile would write exactly when its hash is
//! the recorded one, and then the tree is up to date exactly when every file
//! the lock lists has the bytes the lock records (see [`super::verify`]).
//!
//! The record is keyed by everything the render reads: the build (the
//! running executable's version, path, size, modification time and inode, so
//! any rebuild misses), the spec's file name (banners name it) and the spec's
//! bytes. It is only ever written after `compile` (whose reused files are, by
//! their keys, what a render gives; see [`crate::render::units`]) or a clean
//! `check`. Beside it, `compile` records the key of each artifact of the lock
//! it wrote (the units record), which the next compile reuses files by. A miss, or a record that cannot be read, only means the
//! full render runs; nothing is ever decided from the cache except "clean".
//!
//! One record per generated tree and build, in the git folder of the repository that
//! holds the tree (`.git/inception/`), which git never commits: a fresh
//! clone (a CI run) has none and renders, and a tree outside a repository
//! is always rendered.

use std::path::{Path, PathBuf};

use super::stamp::Stamp;
use crate::digest::sha256_hex;

/// Changes when the record's meaning changes.
const FORMAT: &str = "inception-cache 1";

/// What a record is keyed by: the build and the spec, hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The hash of the build, the spec's name and its bytes.
    key: String,
    /// The hash of the build alone: each build keeps its own record.
    build: String,
}

impl Fingerprint {
    /// The fingerprint of compiling `spec_text`, named `spec_name`, with the
    /// running build; `None` when the build cannot be identified (then
    /// nothing is cached).
    pub fn of(spec_name: &str, spec_text: &str) -> Option<Self> {
        let build = build_identity()?;
        let mut keyed = String::with_capacity(spec_text.len() + build.len() + spec_name.len() + 64);
        for part in [FORMAT, &build, spec_name] {
            keyed.push_str(part);
            keyed.push('\0');
        }
        keyed.push_str(spec_text);
        Some(Self { key: sha256_hex(keyed.as_bytes()), build: sha256_hex(build.as_bytes()) })
    }
}

/// The running executable: version, path, size, modification time and
/// (on Unix) device and inode. Any rebuild or reinstall changes it.
fn build_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    #[cfg(unix)]
    let node = {
        use std::os::unix::fs::MetadataExt;
        format!("{}:{}", meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let node = String::new();
    Some(format!("{}\0{}\0{}\0{modified}\0{node}", env!("CARGO_PKG_VERSION"), exe.display(), meta.len()))
}

/// The record of the tree at `root` for the build of `fingerprint`: one
/// file per tree and build (a pre-commit hook's inception and a developer's
/// do not overwrite each other's), named by a hash of the tree's absolute
/// path and the build, in the git folder of the repository holding the tree.
fn record_path(root: &Path, fingerprint: &Fingerprint) -> Option<PathBuf> {
    tree_file(root, "verified", Some(&fingerprint.build))
}

/// The file `KIND-HASH` of the tree at `root` in the git folder of the
/// repository holding it, the hash of the tree's absolute path (and of
/// `build`, for a file per build).
fn tree_file(root: &Path, kind: &str, build: Option<&str>) -> Option<PathBuf> {
    let root = std::path::absolute(root).ok()?;
    let mut named = root.as_os_str().as_encoded_bytes().to_vec();
    if let Some(build) = build {
        named.push(0);
        named.extend_from_slice(build.as_bytes());
    }
    let name = sha256_hex(&named);
    Some(git_dir(&root)?.join("inception").join(format!("{kind}-{}", &name[..32])))
}

/// The clean mark of the tree at `root`: present when no compile of the
/// tree has left a temporary file under its generated folders. Removed
/// before a compile writes its first temporary file, made again once it
/// has put every file in place (or `check` found a temporary file), so a
/// killed compile leaves the tree unmarked and the next one looks for what
/// it left. One per tree, whichever build; `None` outside a repository
/// (then every compile looks).
fn clean_mark(root: &Path) -> Option<PathBuf> {
    tree_file(root, "clean", None)
}

/// Whether the tree at `root` is marked clean (see [`clean_mark`]).
pub(super) fn marked_clean(root: &Path) -> bool {
    clean_mark(root).is_some_and(|mark| mark.is_file())
}

/// Remove the clean mark of the tree at `root`, before a temporary file is
/// written.
///
/// # Errors
/// A removal failure (then no temporary file may be written: the mark
/// would hide it from the next compile).
pub(super) fn unmark_clean(root: &Path) -> Result<(), super::EmitError> {
    let Some(mark) = clean_mark(root) else { return Ok(()) };
    match std::fs::remove_file(&mark) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(super::EmitError::Write { path: mark, source: e }),
        _ => Ok(()),
    }
}

/// Mark the tree at `root` clean, best effort (unmarked, the next compile
/// only looks for temporary files in the whole tree).
pub(super) fn mark_clean(root: &Path) {
    if let Some(mark) = clean_mark(root) {
        replace(&mark, |_| String::new());
    }
}

/// The git folder of the repository holding `folder`: the nearest `.git`
/// folder upwards, or where the nearest `.git` file (a worktree's, a
/// submodule's) points.
fn git_dir(folder: &Path) -> Option<PathBuf> {
    for dir in folder.ancestors() {
        let dot = dir.join(".git");
        match std::fs::symlink_metadata(&dot) {
            Ok(meta) if meta.is_dir() => return Some(dot),
            Ok(meta) if meta.is_file() => {
                let text = std::fs::read_to_string(&dot).ok()?;
                return Some(dir.join(text.strip_prefix("gitdir:")?.trim()));
            }
            _ => {}
        }
    }
    None
}

/// The recorded sha256 of the lock compiled from `fingerprint` into `root`.
pub(super) fn recorded_lock(root: &Path, fingerprint: &Fingerprint) -> Option<String> {
    let text = std::fs::read_to_string(record_path(root, fingerprint)?).ok()?;
    let mut lines = text.lines();
    let (format, key, lock) = (lines.next()?, lines.next()?, lines.next()?);
    (format == FORMAT && key == fingerprint.key && lock.len() == 64 && lines.next().is_none()).then(|| lock.to_owned())
}

/// Record that compiling `fingerprint` into `root` writes the lock `lock_text`.
/// Best effort: a cache that cannot be written only means the next run
/// renders.
pub fn record(root: &Path, fingerprint: &Fingerprint, lock_text: &str) {
    record_hashed(root, fingerprint, &sha256_hex(lock_text.as_bytes()));
}

/// [`record`], given the sha256 of the lock's text.
pub fn record_hashed(root: &Path, fingerprint: &Fingerprint, lock_sha: &str) {
    if let Some(path) = record_path(root, fingerprint) {
        replace(&path, |_| format!("{FORMAT}\n{}\n{lock_sha}\n", fingerprint.key));
    }
}

/// Replace the record at `path` with the text `text` gives, best effort.
/// Atomically: a concurrent reader sees the old record or the new. `text`
/// is handed the file system's time when the new record's file was made
/// (its modification time, nanoseconds since the epoch), when known. Not
/// synced: a record lost in a crash only costs a render.
fn replace(path: &Path, text: impl FnOnce(Option<i128>) -> String) {
    replace_with(path, |made, out| out.write_all(text(made).as_bytes()));
}

/// [`replace`], the text written to `out` as it is made (a big tree's
/// units record is megabytes, never held whole).
fn replace_with(path: &Path, write: impl FnOnce(Option<i128>, &mut dyn std::io::Write) -> std::io::Result<()>) {
    use std::io::Write;
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    let Ok(file) = std::fs::File::create(&temporary) else { return };
    let made = file.metadata().ok().as_ref().and_then(Stamp::of).map(Stamp::modified);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    let written = write(made, &mut out).and_then(|()| out.flush());
    drop(out);
    if written.is_err() || std::fs::rename(&temporary, path).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}

/// Changes when the units record's meaning changes.
const UNITS_FORMAT: &str = "inception-units 2";

/// The units record of the tree at `root` for the build of `fingerprint`:
/// beside its verified-tree record.
fn units_path(root: &Path, fingerprint: &Fingerprint) -> Option<PathBuf> {
    let verified = record_path(root, fingerprint)?;
    let name = verified.file_name()?.to_str()?.replacen("verified-", "units-", 1);
    Some(verified.with_file_name(name))
}

/// What the compile that wrote a lock recorded of its artifacts.
#[derive(Debug)]
pub(super) struct Units {
    /// The sha256 of the lock it wrote.
    pub(super) lock: String,
    /// The file system's time when the stamps were recorded (nanoseconds
    /// since the epoch): a stamp proves a file unchanged only if the file
    /// was last written before it.
    pub(super) recorded: i128,
    /// The record's text, which `files` point into.
    text: String,
    /// Each artifact's line, sorted by path.
    files: Vec<UnitLine>,
}

/// One artifact's line of a units record: `KEY STAMP PATH`.
#[derive(Debug)]
struct UnitLine {
    /// Where its key starts and ends in the record's text.
    key: (usize, usize),
    /// Where its path starts and ends.
    path: (usize, usize),
    /// Its file's stamp, when known.
    stamp: Option<Stamp>,
}

impl Units {
    /// How many artifacts it records.
    pub(super) fn len(&self) -> usize {
        self.files.len()
    }

    /// The path of artifact `at` (in path order).
    pub(super) fn path(&self, at: usize) -> &str {
        let (start, end) = self.files[at].path;
        &self.text[start..end]
    }

    /// The key of artifact `at`.
    pub(super) fn key(&self, at: usize) -> &str {
        let (start, end) = self.files[at].key;
        &self.text[start..end]
    }

    /// The recorded stamp of artifact `at`'s file.
    pub(super) fn stamp(&self, at: usize) -> Option<Stamp> {
        self.files[at].stamp
    }
}

/// What this build recorded of the compile that wrote the lock of the tree
/// at `root`.
pub(super) fn recorded_units(root: &Path, fingerprint: &Fingerprint) -> Option<Units> {
    let text = std::fs::read_to_string(units_path(root, fingerprint)?).ok()?;
    let mut lines = text.split_inclusive('\n');
    let mut header = || lines.next().map(|line| line.trim_end_matches('\n'));
    let (format, build, lock, recorded) = (header()?, header()?, header()?, header()?);
    if format != UNITS_FORMAT || build != fingerprint.build || lock.len() != 64 {
        return None;
    }
    let (lock, recorded) = (lock.to_owned(), recorded.parse().ok()?);
    let mut files = Vec::new();
    let mut at = text.len() - lines.clone().map(str::len).sum::<usize>();
    for line in lines {
        let start = at;
        at += line.len();
        let line = line.strip_suffix('\n')?;
        let (key, rest) = line.split_once(' ')?;
        let (stamp, path) = rest.split_once(' ')?;
        let path_start = start + key.len() + 1 + stamp.len() + 1;
        files.push(UnitLine {
            key: (start, start + key.len()),
            path: (path_start, path_start + path.len()),
            stamp: Stamp::parse(stamp),
        });
    }
    let mut units = Units { lock, recorded, text, files };
    // Written in the lock's order, which is by path.
    if !units.files.is_sorted_by(|a, b| units.text[a.path.0..a.path.1] <= units.text[b.path.0..b.path.1]) {
        let Units { text, files, .. } = &mut units;
        files.sort_by(|a, b| text[a.path.0..a.path.1].cmp(&text[b.path.0..b.path.1]));
    }
    Some(units)
}

/// Record that the compile that wrote `lock` (of sha256 `lock_sha`) into
/// `root` had these artifacts' keys (in the lock's order, where `keyed`
/// says they hold), and the
/// stamps (by position and path) of the files it knows unchanged since it
/// wrote or verified them. Best effort, like [`record`]: a record that
/// cannot be written only means the next compile renders everything.
pub fn record_units(
    root: &Path,
    fingerprint: &Fingerprint,
    (lock, lock_sha): (&crate::lock::Lock, &str),
    (keys, keyed): (&[crate::digest::Sha256Digest], &[bool]),
    stamp: impl Fn(usize, &str) -> Option<Stamp>,
) {
    let Some(path) = units_path(root, fingerprint) else { return };
    // The record's file is made before its text: its modification time is
    // the file system's time after every stamp below was taken.
    replace_with(&path, |recorded, out| {
        write!(out, "{UNITS_FORMAT}\n{}\n{lock_sha}\n{}\n", fingerprint.build, recorded.unwrap_or(i128::MIN))?;
        let held = keys.iter().zip(keyed).enumerate().filter(|(_, (_, keyed))| **keyed);
        for (at, (key, _)) in held {
            let Some(relative) = lock.artifacts.get(at).map(|a| a.path.as_str()) else { continue };
            if relative.contains('\n') {
                continue;
            }
            match stamp(at, relative) {
                Some(stamp) => writeln!(out, "{key} {stamp} {relative}")?,
                None => writeln!(out, "{key} - {relative}")?,
            }
        }
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_depends_on_the_spec_bytes_and_name() {
        let Some(a) = Fingerprint::of("inception.kdl", "inception 1\n") else {
            panic!("the test binary has an identity")
        };
        assert_eq!(Fingerprint::of("inception.kdl", "inception 1\n"), Some(a.clone()));
        assert_ne!(Fingerprint::of("inception.kdl", "inception 1\n\n"), Some(a.clone()));
        assert_ne!(Fingerprint::of("other.kdl", "inception 1\n"), Some(a));
    }
}
