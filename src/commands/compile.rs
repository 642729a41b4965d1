//! `inception compile [--spec PATH] [--out DIR] [--adopt] [--full]`.

use crate::cli::{OutArgs, SpecArgs};
use crate::commands::load::{self, Verified};
use crate::emit::{self, SpecLocation, WriteReport};
use crate::error::Result;
use crate::source::SourceFile;

/// Compile the spec and write what changed into its generated tree. Prints one line per
/// written or removed file, then a summary.
///
/// # Errors
/// An invalid spec (nothing is written) or an I/O failure.
pub fn run(spec: &SpecArgs, out: &OutArgs, adopt: bool, full: bool) -> Result<()> {
    let input = load::read(spec, Some(out))?;
    let report = compile_into(&input.location, &input.source, adopt, full)?;
    // One write for every line: stdout flushes each line on its own.
    let mut lines = String::new();
    for written in &report.written {
        lines.push_str(&format!("wrote    {written}\n"));
    }
    for removed in &report.removed {
        lines.push_str(&format!("removed  {removed}\n"));
    }
    crate::out!("{lines}");
    for kept in &report.kept {
        eprintln!(
            "kept     {kept}: no longer produced, but edited since inception wrote it (or not a generated path); remove it yourself"
        );
    }
    crate::outln!("{} written, {} removed, {} unchanged", report.written.len(), report.removed.len(), report.unchanged);
    Ok(())
}

/// Compile `source` (the spec at `location`) into its tree. Unless `full`, a
/// tree proven up to date without rendering (see `emit::verify`) is left as
/// it is: nothing to write.
///
/// # Errors
/// An invalid spec (nothing is written) or an I/O failure.
pub fn compile_into(location: &SpecLocation, source: &SourceFile, adopt: bool, full: bool) -> Result<WriteReport> {
    let fingerprint = match load::verified(location, source, full)? {
        Verified::UpToDate { files } => return Ok(WriteReport { unchanged: files, ..WriteReport::default() }),
        Verified::Render(fingerprint) => fingerprint,
    };
    let (outputs, lock) = load::compile(location, source)?.into_outputs();
    let report = emit::write_locked(&location.root, &outputs, &lock, adopt)?;
    load::record(location, fingerprint.as_ref(), &outputs);
    Ok(report)
}
