//! Errors of the `render` stage. Rendering a valid model cannot fail unless
//! inception itself is wrong, so every variant says so.

use miette::Diagnostic;
use thiserror::Error;

/// A renderer failed.
#[derive(Debug, Error, Diagnostic)]
pub enum RenderError {
    /// A serializer (JSON, YAML) failed.
    #[error("could not serialize `{path}`: {message}")]
    #[diagnostic(
        code(inception::render::serialize),
        help("this is a bug in inception; please report it with your spec")
    )]
    Serialize {
        /// The artifact.
        path: String,
        /// The serializer's message.
        message: String,
    },
    /// An artifact the plan and the model disagree about.
    #[error("`{path}` was planned for {what}, which the model does not have")]
    #[diagnostic(
        code(inception::render::unplanned),
        help("this is a bug in inception; please report it with your spec")
    )]
    Unplanned {
        /// The artifact.
        path: String,
        /// What was missing.
        what: String,
    },
    /// A template failed to render.
    #[error("could not render `{path}` from template `{template}`: {message}")]
    #[diagnostic(
        code(inception::render::template),
        help("this is a bug in inception; please report it with your spec")
    )]
    Template {
        /// The artifact.
        path: String,
        /// The template id.
        template: String,
        /// minijinja's message.
        message: String,
    },
}
