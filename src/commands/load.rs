//! The one way every command finds, reads and compiles its spec: `--spec` as
//! given, or the nearest `inception.kdl` from the current folder upwards;
//! the generated tree at `--out`, or beside the spec.

use std::path::{Path, PathBuf};

use crate::cli::{OutArgs, SpecArgs};
use crate::emit::{self, EmitError, SpecLocation};
use crate::error::Result;
use crate::pipeline::{self, Compiled};
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
        pipeline::compile_source(&self.source, &self.location.spec_name())
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
