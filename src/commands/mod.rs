//! The CLI verbs. Each reads what it needs through `emit`, runs the pipeline
//! in memory, prints, and returns the exit code.

pub mod check;
pub mod compile;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod graph;
pub mod lint;
pub mod load;
pub mod promote;
pub mod schema;
pub mod symmetry;

use std::process::ExitCode;

/// Exit codes: 0 ok, 1 drift or findings, 2 bad input.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// Drift or lint findings.
    pub const FINDINGS: u8 = 1;
    /// Usage error, invalid spec, or I/O failure.
    pub const BAD_INPUT: u8 = 2;
}

/// Print an error (through miette, or as JSON) and return exit code 2.
pub fn fail(error: crate::error::Error, format: crate::cli::Format) -> ExitCode {
    match (&error, format) {
        (crate::error::Error::Spec(problems), crate::cli::Format::Json) => {
            let errors = crate::report::to_json(
                problems.source(),
                problems.problems().iter().map(|p| p as &dyn miette::Diagnostic),
            );
            let value = serde_json::json!({ "errors": errors });
            crate::outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        }
        _ => eprintln!("{:?}", miette::Report::new(error)),
    }
    ExitCode::from(exit::BAD_INPUT)
}
