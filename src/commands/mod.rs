//! The CLI verbs. Each reads what it needs through `emit`, runs the pipeline
//! in memory, prints, and returns the exit code.

pub mod check;
pub mod compile;

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

/// Print an error through miette and return exit code 2.
pub fn fail(error: crate::error::Error) -> ExitCode {
    eprintln!("{:?}", miette::Report::new(error));
    ExitCode::from(exit::BAD_INPUT)
}
