//! `inception lint [--strict] [--spec PATH]`: every spec check, nothing
//! written: the Azure findings and a local tier too large for the developer
//! VM, a base or service image without digest and a runtime without its
//! editor extension always (`model::azure_lint`, `plan::sizing_lint`,
//! `model::pin_lint`, `model::runtime_lint`), the other pins with `--strict`;
//! the concessions a tier grants that cannot apply (`model::concession_lint`)
//! as notes: reported, without failing the lint.

use serde_json::json;

use crate::cli::{Format, SpecArgs};
use crate::commands::load;
use crate::error::{LintFinding, LintFindings, Result};
use crate::model::{azure_lint, strict};
use crate::pipeline;
use crate::report;

/// Lint the spec. Returns whether it is free of findings.
///
/// # Errors
/// An invalid spec (exit 2) or an unreadable file.
pub fn run(spec: &SpecArgs, strict_mode: bool, format: Format) -> Result<bool> {
    let source = load::read(spec, None)?.source;
    let loaded = pipeline::load(&source)?;
    let mut findings: Vec<LintFinding> =
        azure_lint::findings(&loaded.model).into_iter().map(LintFinding::from).collect();
    findings.extend(crate::model::sizing_lint::findings(&loaded.model).into_iter().map(LintFinding::from));
    findings.extend(crate::model::concession_lint::findings(&loaded.model).into_iter().map(LintFinding::from));
    findings.extend(crate::model::pin_lint::findings(&loaded.model).into_iter().map(LintFinding::from));
    findings.extend(crate::model::runtime_lint::findings(&loaded.model).into_iter().map(LintFinding::from));
    if strict_mode {
        findings.extend(strict::findings(&loaded.model).into_iter().map(LintFinding::from));
    }
    // Notes (severity advice) are reported and do not fail the lint.
    let notes = findings.iter().filter(|f| miette::Diagnostic::severity(*f) == Some(miette::Severity::Advice)).count();
    let clean = findings.len() == notes;
    let report = LintFindings::new(&source, findings);
    match format {
        Format::Json => {
            let findings = report::to_json(&source, report.findings().iter().map(|f| f as &dyn miette::Diagnostic));
            let value = json!({ "clean": clean, "strict": strict_mode, "findings": findings });
            crate::outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        }
        Format::Text if clean => {
            let mode = if strict_mode { " (strict)" } else { "" };
            if notes > 0 {
                eprintln!("{:?}", miette::Report::new(report));
                eprintln!("{}: no findings{mode}, {notes} note(s)", source.name());
            } else {
                eprintln!("{}: no findings{mode}", source.name());
            }
        }
        Format::Text => eprintln!("{:?}", miette::Report::new(report)),
    }
    Ok(clean)
}
