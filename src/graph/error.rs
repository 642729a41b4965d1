//! Errors of the `graph` stage.

use miette::{Diagnostic, LabeledSpan, SourceSpan};
use thiserror::Error;

/// A problem with the dependency graph as a whole.
#[derive(Debug, Error, Diagnostic)]
pub enum GraphError {
    /// Services that need each other in a circle can never start.
    #[error("dependency cycle: {cycle}")]
    #[diagnostic(
        code(inception::graph::cycle),
        help("a service cannot start before itself: remove one of the marked `needs`")
    )]
    Cycle {
        /// The whole cycle, `a` → `b` → `a`.
        cycle: String,
        /// The reference that closes the cycle.
        #[label(primary, "{closing}")]
        span: SourceSpan,
        /// Its label.
        closing: String,
        /// The other references of the cycle.
        #[label(collection)]
        others: Vec<LabeledSpan>,
    },
}
