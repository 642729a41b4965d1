//! Errors of the `spec` stage: the file is not valid KDL v2.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// A KDL syntax error, re-homed from the `kdl` crate so that it carries our
/// code and renders against the named spec file.
#[derive(Debug, Error, Diagnostic)]
pub enum SpecError {
    /// The KDL parser rejected the text.
    #[error("{message}")]
    #[diagnostic(code(inception::spec::syntax))]
    Syntax {
        /// The parser's message.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The parser's label for the span.
        label: String,
        /// How to fix it.
        #[help]
        help: String,
    },
}
