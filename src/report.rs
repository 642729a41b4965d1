//! Diagnostics as data, for `--format json`: code, severity, message,
//! position, help. The shape is documented in the README and stable.

use miette::{Diagnostic, Severity};
use serde::Serialize;

use crate::source::SourceFile;

/// One diagnostic, flattened.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DiagnosticJson {
    /// `inception::model::unknown_node`.
    pub code: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The message.
    pub message: String,
    /// The spec file.
    pub file: String,
    /// 1-based line of the primary label (0 if none).
    pub line: usize,
    /// 1-based column of the primary label (0 if none).
    pub column: usize,
    /// The fix.
    pub help: Option<String>,
}

/// Flatten a diagnostic about no spec position (an I/O failure, a usage
/// error, a bug): line and column 0, the file empty.
pub(crate) fn without_source(diagnostic: &dyn Diagnostic) -> DiagnosticJson {
    let mut message = diagnostic.to_string();
    let mut cause = diagnostic.source();
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    DiagnosticJson {
        code: diagnostic.code().map(|c| c.to_string()).unwrap_or_default(),
        severity: severity(diagnostic),
        message,
        file: String::new(),
        line: 0,
        column: 0,
        help: diagnostic.help().map(|h| h.to_string()),
    }
}

fn severity(diagnostic: &dyn Diagnostic) -> &'static str {
    match diagnostic.severity() {
        Some(Severity::Warning) => "warning",
        Some(Severity::Advice) => "advice",
        _ => "error",
    }
}

/// Flatten diagnostics over `source`.
pub(crate) fn to_json<'a>(
    source: &SourceFile,
    diagnostics: impl IntoIterator<Item = &'a dyn Diagnostic>,
) -> Vec<DiagnosticJson> {
    diagnostics
        .into_iter()
        .map(|d| {
            let labels: Vec<_> = d.labels().map(Iterator::collect).unwrap_or_default();
            let primary = labels.iter().find(|l: &&miette::LabeledSpan| l.primary()).or(labels.first());
            let (line, column) = primary.map_or((0, 0), |l| source.line_col(l.offset()));
            DiagnosticJson {
                code: d.code().map(|c| c.to_string()).unwrap_or_default(),
                severity: severity(d),
                message: d.to_string(),
                file: source.name().to_owned(),
                line,
                column,
                help: d.help().map(|h| h.to_string()),
            }
        })
        .collect()
}
