//! `inception check [--spec PATH] [--out DIR]`.

use serde_json::json;

use crate::cli::{Format, OutArgs, SpecArgs};
use crate::commands::load;
use crate::emit::{self, Drift};
use crate::error::Result;

/// Compare the tree with what compile would write. Returns whether it is clean.
/// Diffs go to stdout; the summary and the fix to stderr.
///
/// # Errors
/// An invalid spec or an I/O failure.
pub fn run(spec: &SpecArgs, out: &OutArgs, format: Format) -> Result<bool> {
    let (input, compiled) = load::compiled(spec, Some(out))?;
    let (outputs, lock) = compiled.into_outputs();
    let drift = emit::check(&input.location.root, &outputs, &lock)?;
    match format {
        Format::Json => crate::outln!(
            "{}",
            serde_json::to_string_pretty(&json!({ "clean": drift.is_clean(), "drift": drift })).unwrap_or_default()
        ),
        Format::Text => print_text(&drift),
    }
    Ok(drift.is_clean())
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
