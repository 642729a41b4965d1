//! The one way every command finds, reads and compiles its spec: `--spec` as
//! given, or the nearest `inception.kdl` from the current folder upwards;
//! the generated tree at `--out`, or beside the spec.

use std::path::{Path, PathBuf};

use crate::cli::{OutArgs, SpecArgs};
use crate::emit::{self, EmitError, Fingerprint, SpecLocation};
use crate::error::Result;
use crate::lock::LOCK_PATH;
use crate::pipeline::{self, Compiled, Outputs};
use crate::source::SourceFile;

/// A spec read from disk, with where its generated tree is.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    /// The spec file and the generated tree's root.
    pub location: SpecLocation,
    /// The spec's text.
    pub source: SourceFile,
}

impl Input {
    /// Compile the spec in memory.
    ///
    /// # Errors
    /// Spec problems or a renderer failure.
    pub(crate) fn compile(&self) -> Result<Compiled> {
        compile(&self.location, &self.source)
    }
}

/// The current folder.
///
/// # Errors
/// The process has no readable current folder.
pub(crate) fn current_dir() -> Result<PathBuf> {
    Ok(std::env::current_dir().map_err(|source| EmitError::Read { path: PathBuf::from("."), source })?)
}

/// Read the spec, searching upwards from `start` when `--spec` is not given.
///
/// # Errors
/// No spec found, or it cannot be read.
pub(crate) fn read_from(spec: &SpecArgs, out: Option<&OutArgs>, start: &Path) -> Result<Input> {
    let out = out.and_then(|o| o.out.as_deref());
    let location = SpecLocation::locate(spec.spec.as_deref(), out, start)?;
    let source = emit::read_spec(&location)?;
    Ok(Input { location, source })
}

/// Read the spec, searching upwards from the current folder when `--spec` is
/// not given.
///
/// # Errors
/// No spec found, or it cannot be read.
pub(crate) fn read(spec: &SpecArgs, out: Option<&OutArgs>) -> Result<Input> {
    read_from(spec, out, &current_dir()?)
}

/// Read and compile the spec.
///
/// # Errors
/// No spec found, unreadable, invalid, or a renderer failure.
pub(crate) fn compiled(spec: &SpecArgs, out: Option<&OutArgs>) -> Result<(Input, Compiled)> {
    let input = read(spec, out)?;
    let compiled = input.compile()?;
    Ok((input, compiled))
}

/// Whether the tree must be rendered to be checked or compiled.
pub(crate) enum Verified {
    /// Proven up to date without rendering: this many files.
    UpToDate {
        /// The files checked, the lock included.
        files: usize,
    },
    /// Not proven (or `--full`): render, then record the result under this
    /// fingerprint (none when the build cannot be identified).
    Render(Option<Fingerprint>),
}

/// The fast path of `check` and `compile`: whether the tree at `location` is
/// proven to be what compiling `source` writes, by hashing its files (never
/// when `full`).
///
/// # Errors
/// A failure listing the tree's folders.
pub(crate) fn verified(location: &SpecLocation, source: &SourceFile, full: bool) -> Result<Verified> {
    let fingerprint = Fingerprint::of(&location.spec_name(), source.text());
    if !full
        && let Some(fingerprint) = &fingerprint
        && let Some(files) = emit::verify(&location.root, fingerprint)?
    {
        return Ok(Verified::UpToDate { files });
    }
    Ok(Verified::Render(fingerprint))
}

/// Compile `source`, the spec at `location`, in memory.
///
/// # Errors
/// Spec problems or a renderer failure.
pub(crate) fn compile(location: &SpecLocation, source: &SourceFile) -> Result<Compiled> {
    pipeline::compile_source(source, &location.spec_name())
}

/// Record, for the next fast path, the lock a render of the spec of
/// `fingerprint` gave.
pub(crate) fn record(location: &SpecLocation, fingerprint: Option<&Fingerprint>, outputs: &Outputs) {
    if let (Some(fingerprint), Some(lock)) = (fingerprint, outputs.get(LOCK_PATH)) {
        emit::record(&location.root, fingerprint, lock);
    }
}
