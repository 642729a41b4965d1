//! `inception graph [--format dot|json] [PATH]`.

use std::path::Path;

use super::graph_export::export;
use crate::cli::GraphFormat;
use crate::emit::{self, SpecLocation};
use crate::error::Result;
use crate::pipeline;

/// Print the graph of the spec at `path`.
///
/// # Errors
/// An invalid spec or an unreadable file.
pub fn run(path: &Path, format: GraphFormat) -> Result<()> {
    let location = SpecLocation::find(path);
    let source = emit::read_spec(&location)?;
    let compiled = pipeline::compile_source(&source, &location.spec_name())?;
    let export = export(&compiled);
    match format {
        GraphFormat::Dot => crate::out!("{}", export.to_dot()),
        GraphFormat::Json => crate::outln!("{}", serde_json::to_string_pretty(&export).unwrap_or_default()),
    }
    Ok(())
}
