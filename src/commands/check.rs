//! `inception check [--spec PATH] [--out DIR] [--full]`.

use serde_json::json;

use crate::cli::{Format, OutArgs, SpecArgs};
use crate::commands::load::{self, Verified};
use crate::emit::{self, Drift, SpecLocation};
use crate::error::Result;
use crate::source::SourceFile;

/// Compare the tree with what compile would write. Returns whether it is clean.
/// Diffs go to stdout; the summary and the fix to stderr.
///
/// # Errors
/// An invalid spec or an I/O failure.
pub fn run(spec: &SpecArgs, out: &OutArgs, format: Format, full: bool) -> Result<bool> {
    let input = load::read(spec, Some(out))?;
    let drift = check_tree(&input.location, &input.source, full)?;
    match format {
        Format::Json => crate::outln!(
            "{}",
            serde_json::to_string_pretty(&json!({ "clean": drift.is_clean(), "drift": drift })).unwrap_or_default()
        ),
        Format::Text => print_text(&drift),
    }
    Ok(drift.is_clean())
}

/// Compare the tree of `source` (the spec at `location`) with what compile
/// would write. Unless `full`, a tree proven up to date without rendering
/// (see `emit::verify`) is clean; anything else is rendered and compared.
///
/// # Errors
/// An invalid spec or an I/O failure.
pub fn check_tree(location: &SpecLocation, source: &SourceFile, full: bool) -> Result<Drift> {
    let fingerprint = match load::verified(location, source, full)? {
        Verified::UpToDate { files } => return Ok(Drift { files: Vec::new(), checked: files }),
        Verified::Render(fingerprint) => fingerprint,
    };
    let (outputs, lock) = load::compile(location, source)?.into_outputs();
    load::record(location, fingerprint.as_ref(), &outputs);
    Ok(emit::check(&location.root, &outputs, &lock)?)
}

fn print_text(drift: &Drift) {
    for file in &drift.files {
        crate::out!("{}", file.diff);
    }
    if drift.is_clean() {
        eprintln!("up to date: {} files match the spec", drift.checked);
        return;
    }
    eprintln!("{} of {} generated files differ from the spec:", drift.files.len(), drift.checked);
    for file in &drift.files {
        eprintln!("  {}: {}", file.path, file.verdict.explain());
    }
}
