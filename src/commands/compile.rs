//! `inception compile [--spec PATH] [--out DIR] [--adopt] [--full]`.

use crate::cli::{OutArgs, SpecArgs};
use crate::commands::load::{self, Verified};
use crate::emit::{self, SpecLocation, WriteReport};
use crate::error::Result;
use crate::pipeline;
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
    compile_noting(location, source, adopt, full, |_, _| ())
}

/// [`compile_into`], also returning the paths it rendered. Unless `full`,
/// the files of the previous compile whose inputs are unchanged (see
/// `render::units`) are reused, not rendered.
///
/// # Errors
/// An invalid spec (nothing is written) or an I/O failure.
pub fn compile_reusing(
    location: &SpecLocation,
    source: &SourceFile,
    adopt: bool,
    full: bool,
) -> Result<(WriteReport, Vec<String>)> {
    let mut rendered = Vec::new();
    let report = compile_noting(location, source, adopt, full, |lock, at| {
        rendered = at.iter().filter_map(|&at| lock.artifacts.get(at)).map(|a| a.path.clone()).collect();
    })?;
    Ok((report, rendered))
}

/// [`compile_into`], handing `note` the lock and the positions in it of
/// the artifacts it rendered, when it renders.
fn compile_noting(
    location: &SpecLocation,
    source: &SourceFile,
    adopt: bool,
    full: bool,
    note: impl FnOnce(&crate::lock::Lock, &[usize]),
) -> Result<WriteReport> {
    let fingerprint = match load::verified(location, source, full)? {
        Verified::UpToDate { files } => return Ok(WriteReport { unchanged: files, ..WriteReport::default() }),
        Verified::Render(fingerprint) => fingerprint,
    };
    let spec_name = location.spec_name();
    // The writer holds the folder's lock from reading the tree to the last
    // rename: what the reuse finds on disk is still there when it counts on
    // it. Rendered files go to it batch by batch. Opening it (reading the
    // last lock, finding leftovers) and looking at the files the last
    // compile recorded change nothing, so they run while the spec is read
    // and planned; a folder that does not exist yet is made only once the
    // spec is known valid.
    let open = || {
        let writer = emit::Writer::open(&location.root, adopt)?;
        let recorded = fingerprint.as_ref().filter(|_| !full).and_then(|f| emit::recorded(&location.root, f));
        Ok::<_, emit::EmitError>((writer, recorded))
    };
    let (units, opened) = std::thread::scope(|scope| {
        let opening = location.root.is_dir().then(|| scope.spawn(open));
        let units = pipeline::load(source).map(|loaded| pipeline::Units::new(loaded, &spec_name));
        let opened = opening.map(|opening| opening.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (units, opened)
    });
    let units = units?;
    let (mut writer, recorded) = match opened {
        Some(opened) => opened?,
        None => open()?,
    };
    let reusable = emit::reusable(&location.root, recorded, units.keys(), writer.previous());
    let compiled = pipeline::compile_units(units, &spec_name, reusable.entries, |files| {
        writer.stage(files).map_err(crate::error::Error::from)
    })?;
    writer.unchanged(compiled.reused);
    let finished = writer.finish(&compiled.lock)?;
    // The verified-render record, and the keys of this lock's artifacts
    // with the stamps of the files known as they are.
    if let Some(fingerprint) = &fingerprint {
        emit::record_hashed(&location.root, fingerprint, &finished.lock_sha);
        let stamp = |at: usize, path: &str| reusable.stamps.get(at).copied().flatten().or_else(|| finished.stamp(path));
        let keys = (&compiled.keys[..], &compiled.keyed[..]);
        emit::record_units(&location.root, fingerprint, (&compiled.lock, &finished.lock_sha), keys, stamp);
    }
    note(&compiled.lock, &compiled.rendered);
    Ok(finished.report)
}
