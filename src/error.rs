//! The errors a command can end with, and how they map to exit codes.
//!
//! Spec problems from every stage are gathered into one [`SpecProblems`]
//! report over the named source, so miette renders them all at once, each
//! with its code, caret and help line.

use std::sync::Arc;

use miette::{Diagnostic, NamedSource};
use thiserror::Error;

use crate::emit::EmitError;
use crate::graph::GraphError;
use crate::model::ModelError;
use crate::render::RenderError;
use crate::spec::SpecError;

/// One problem of a spec, from whichever stage found it.
#[derive(Debug, Error, Diagnostic)]
pub enum Problem {
    /// Not valid KDL.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Spec(#[from] SpecError),
    /// Valid KDL without a valid meaning.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Model(#[from] ModelError),
    /// A problem of the dependency graph.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Graph(#[from] GraphError),
}

/// Every problem of one spec file.
#[derive(Debug, Error, Diagnostic)]
#[error("{}: {} problem{}; nothing was written", file.name(), problems.len(), if problems.len() == 1 { "" } else { "s" })]
#[diagnostic(code(inception::spec_invalid))]
pub struct SpecProblems {
    file: crate::source::SourceFile,
    #[source_code]
    source_code: NamedSource<Arc<String>>,
    #[related]
    problems: Vec<Problem>,
}

impl SpecProblems {
    /// A report over `source` of `problems`.
    pub fn new(source: &crate::source::SourceFile, problems: Vec<Problem>) -> Self {
        Self { file: source.clone(), source_code: source.named_source(), problems }
    }

    /// The spec file the problems are in.
    pub fn source(&self) -> &crate::source::SourceFile {
        &self.file
    }

    /// The problems, in the order found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

/// Lint findings of one spec.
#[derive(Debug, Error, Diagnostic)]
#[error("{name}: {} lint finding{}", findings.len(), if findings.len() == 1 { "" } else { "s" })]
#[diagnostic(code(inception::lint::findings), severity(Warning))]
pub struct LintFindings {
    name: String,
    #[source_code]
    source_code: NamedSource<Arc<String>>,
    #[related]
    findings: Vec<LintFinding>,
}

/// One `lint` finding: an Azure one (always checked) or a strict one (`--strict`).
#[derive(Debug, Error, Diagnostic)]
pub enum LintFinding {
    /// A cluster version, a kubectl skew, a missing group.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Azure(#[from] crate::model::azure_lint::AzureFinding),
    /// A pin lateral symmetry wants.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Strict(#[from] crate::model::strict::StrictFinding),
    /// A granted concession that cannot apply to a service.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Concession(#[from] crate::model::concession_lint::ConcessionFinding),
    /// A base or service image without digest.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pin(#[from] crate::model::pin_lint::PinFinding),
    /// A runtime without its editor extension.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Runtime(#[from] crate::model::runtime_lint::RuntimeFinding),
    /// A local tier larger than the developer VM.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Sizing(#[from] crate::model::sizing_lint::SizingFinding),
}

impl LintFindings {
    /// A report over `source` of `findings`.
    pub fn new(source: &crate::source::SourceFile, findings: Vec<LintFinding>) -> Self {
        Self { name: source.name().to_owned(), source_code: source.named_source(), findings }
    }

    /// The findings.
    pub fn findings(&self) -> &[LintFinding] {
        &self.findings
    }
}

/// Why a command failed.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    /// The spec is invalid (boxed: the report carries the whole source).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Spec(Box<SpecProblems>),
    /// Reading or writing files failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Emit(#[from] EmitError),
    /// The command line names something that does not exist.
    #[error("{message}")]
    #[diagnostic(code(inception::usage), help("{help}"))]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// A renderer failed: a bug.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Render(#[from] RenderError),
}

impl From<Box<SpecProblems>> for Error {
    fn from(problems: Box<SpecProblems>) -> Self {
        Error::Spec(problems)
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
