//! `inception graph [--format dot|json] [--spec PATH]`.

use super::graph_export::export;
use crate::cli::{GraphFormat, SpecArgs};
use crate::commands::load;
use crate::error::Result;

/// Print the graph of the spec.
///
/// # Errors
/// An invalid spec or an unreadable file.
pub fn run(spec: &SpecArgs, format: GraphFormat) -> Result<()> {
    let (_, compiled) = load::compiled(spec, None)?;
    let export = export(&compiled);
    match format {
        GraphFormat::Dot => crate::out!("{}", export.to_dot()),
        GraphFormat::Json => crate::outln!("{}", serde_json::to_string_pretty(&export).unwrap_or_default()),
    }
    Ok(())
}
