//! `inception compile [PATH]`.

use std::path::Path;

use crate::emit::{self, SpecLocation};
use crate::error::Result;
use crate::pipeline;

/// Compile the spec at `path` and write what changed. Prints one line per
/// written or removed file, then a summary.
///
/// # Errors
/// An invalid spec (nothing is written) or an I/O failure.
pub fn run(path: &Path, adopt: bool) -> Result<()> {
    let location = SpecLocation::find(path);
    let source = emit::read_spec(&location)?;
    let compiled = pipeline::compile_source(&source, &location.spec_name())?;
    let report = emit::write(&location.root, &compiled.outputs(), adopt)?;
    for written in &report.written {
        crate::outln!("wrote    {written}");
    }
    for removed in &report.removed {
        crate::outln!("removed  {removed}");
    }
    crate::outln!("{} written, {} removed, {} unchanged", report.written.len(), report.removed.len(), report.unchanged);
    Ok(())
}
