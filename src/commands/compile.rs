//! `inception compile [--spec PATH] [--out DIR]`.

use crate::cli::{OutArgs, SpecArgs};
use crate::commands::load;
use crate::emit;
use crate::error::Result;

/// Compile the spec and write what changed into its generated tree. Prints one line per
/// written or removed file, then a summary.
///
/// # Errors
/// An invalid spec (nothing is written) or an I/O failure.
pub fn run(spec: &SpecArgs, out: &OutArgs, adopt: bool) -> Result<()> {
    let (input, compiled) = load::compiled(spec, Some(out))?;
    let report = emit::write(&input.location.root, &compiled.into_outputs().0, adopt)?;
    for written in &report.written {
        crate::outln!("wrote    {written}");
    }
    for removed in &report.removed {
        crate::outln!("removed  {removed}");
    }
    for kept in &report.kept {
        eprintln!(
            "kept     {kept}: no longer produced, but edited since inception wrote it (or not a generated path); remove it yourself"
        );
    }
    crate::outln!("{} written, {} removed, {} unchanged", report.written.len(), report.removed.len(), report.unchanged);
    Ok(())
}
