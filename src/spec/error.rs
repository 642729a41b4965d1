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
    /// Nesting beyond what the parser is allowed to recurse into.
    #[error("the spec nests deeper than {limit} levels ({what})")]
    #[diagnostic(
        code(inception::spec::too_deep),
        help("a spec nests a few levels at most: close the blocks or comments, or remove the repeated tokens")
    )]
    TooDeep {
        /// Where the limit was crossed.
        #[label("level {} starts here", limit + 1)]
        span: SourceSpan,
        /// What nests.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A line longer than any real one.
    #[error("line {line} is {length} bytes long, over the limit of {limit}")]
    #[diagnostic(
        code(inception::spec::line_too_long),
        help("break the line: a node's arguments and properties can continue on the next line after a `\\`")
    )]
    LineTooLong {
        /// The start of the line (not labelled: the renderer cannot show it).
        span: SourceSpan,
        /// Its 1-based number.
        line: usize,
        /// Its length in bytes.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// A spec larger than any real one.
    #[error("the spec is larger than {} KiB", limit / 1024)]
    #[diagnostic(code(inception::spec::too_large), help("a spec is a few kilobytes: is this the right file?"))]
    TooLarge {
        /// Where the limit was crossed (not labelled: the snippet of a
        /// megabyte-long line is no help).
        span: SourceSpan,
        /// The limit in bytes.
        limit: usize,
    },
}

impl SpecError {
    /// Where the error is.
    pub fn span(&self) -> SourceSpan {
        match self {
            SpecError::Syntax { span, .. }
            | SpecError::TooDeep { span, .. }
            | SpecError::LineTooLong { span, .. }
            | SpecError::TooLarge { span, .. } => *span,
        }
    }
}
