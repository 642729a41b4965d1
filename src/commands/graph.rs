//! `inception graph [--format dot|json] [--spec PATH]`.

use crate::cli::{GraphFormat, SpecArgs};
use crate::commands::load;
use crate::error::Result;
use crate::graph;

/// Print the graph of the spec.
///
/// # Errors
/// An invalid spec or an unreadable file.
pub fn run(spec: &SpecArgs, format: GraphFormat) -> Result<()> {
    let (_, compiled) = load::compiled(spec, None)?;
    let loaded = &compiled.loaded;
    let export = graph::export(&loaded.model, &loaded.graph, &compiled.plan, &loaded.source);
    match format {
        GraphFormat::Dot => crate::out!("{}", export.to_dot()),
        GraphFormat::Json => crate::outln!("{}", serde_json::to_string_pretty(&export).unwrap_or_default()),
    }
    Ok(())
}
