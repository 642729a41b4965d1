//! The CLI verbs. Each reads what it needs through `emit`, runs the pipeline
//! in memory, prints, and returns the exit code.

pub mod check;
pub mod compile;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod graph;
pub(crate) mod graph_export;
pub mod lint;
pub(crate) mod load;
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
/// Under `--format json` every error is JSON on stdout: spec problems with
/// their positions, I/O and usage errors without.
pub fn fail(error: crate::error::Error, format: crate::cli::Format) -> ExitCode {
    match (&error, format) {
        (crate::error::Error::Spec(problems), crate::cli::Format::Json) => {
            let errors = crate::report::to_json(
                problems.source(),
                problems.problems().iter().map(|p| p as &dyn miette::Diagnostic),
            );
            print_errors(&errors);
        }
        (_, crate::cli::Format::Json) => print_errors(&[crate::report::without_source(&error)]),
        _ => eprintln!("{:?}", miette::Report::new(error)),
    }
    ExitCode::from(exit::BAD_INPUT)
}

/// A command line that does not parse, as JSON when it asks for JSON (clap
/// stops before the format is known, so the words are read as given).
pub fn fail_usage(error: &clap::Error, args: &[String]) -> Option<ExitCode> {
    let json =
        args.windows(2).any(|w| w[0] == "--format" && w[1] == "json") || args.iter().any(|a| a == "--format=json");
    if !json || !error.use_stderr() {
        return None;
    }
    let text = error.to_string();
    let line =
        |prefix: &str| text.lines().find_map(|l| l.trim().strip_prefix(prefix)).map(str::trim).map(str::to_owned);
    let usage = crate::error::Error::Usage {
        message: line("error:").unwrap_or_else(|| error.kind().to_string()),
        help: line("tip:").unwrap_or_else(|| "see `inception help`".to_owned()),
    };
    Some(fail(usage, crate::cli::Format::Json))
}

fn print_errors(errors: &[crate::report::DiagnosticJson]) {
    let value = serde_json::json!({ "errors": errors });
    crate::outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
}
