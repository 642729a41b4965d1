//! What plain `inception lint` says about the toolchain's language runtimes:
//! a runtime installed without the editor extension its users expect. The
//! compiler does not add the extension itself, because an extension is pinned
//! to a Marketplace version the compiler cannot know offline; the finding
//! names the extension to add with its version.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::types::Model;

/// One runtime without its editor extension.
#[derive(Debug, Error, Diagnostic)]
#[error("{title} is installed, but the editor has no `{extension}` extension")]
#[diagnostic(
    code(inception::lint::runtime_without_extension),
    severity(Warning),
    help("add extension \"{extension}@VERSION\" to the toolchain (the version VS Code shows for it)")
)]
pub struct RuntimeFinding {
    /// The runtime's name.
    title: &'static str,
    /// The extension ID.
    extension: &'static str,
    /// The runtime's node.
    #[label("no editor support for this runtime")]
    span: SourceSpan,
}

/// Every runtime whose expected extension the toolchain lacks, in source order.
pub(crate) fn findings(model: &Model) -> Vec<RuntimeFinding> {
    let toolchain = &model.toolchain;
    toolchain
        .runtimes
        .iter()
        .filter(|pin| !toolchain.extensions.iter().any(|e| e.id == pin.runtime.extension()))
        .map(|pin| RuntimeFinding {
            title: pin.runtime.title(),
            extension: pin.runtime.extension(),
            span: pin.span.into(),
        })
        .collect()
}
