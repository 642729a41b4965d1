//! Diagnostic snapshots: each `tests/fixtures/invalid/<code>[-what].kdl` is a
//! bad spec whose rendered report (no colour, 80 columns) must equal the
//! `.txt` beside it, and must carry the error code its name starts with.

use std::path::PathBuf;

use inception::pipeline;
use inception::source::SourceFile;
use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::support::{blessing, root};

fn fixtures() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/invalid"))
        .expect("fixtures folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    found.sort();
    found
}

/// Bad specs too big to commit, made here: (stem, text). Their snapshots are
/// committed beside the file fixtures, as `<stem>.txt`.
fn generated() -> Vec<(String, String)> {
    let padding = "// padding to push the spec over its size limit\n";
    let too_large =
        format!("inception 1\n{}", padding.repeat(inception::spec::limits::MAX_SPEC_BYTES / padding.len() + 1));
    let too_long = format!("inception 1\nproject p {{\n    description \"{}\"\n}}\n", "x".repeat(17 << 10));
    vec![("spec.too_large".to_owned(), too_large), ("spec.line_too_long".to_owned(), too_long)]
}

/// Every bad spec: (stem, text), from the files and [`generated`].
fn cases() -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = fixtures()
        .iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(p).expect("read fixture"))
        })
        .collect();
    cases.extend(generated());
    cases
}

fn render(stem: &str, text: &str) -> String {
    let source = SourceFile::new(format!("invalid/{stem}.kdl"), text.to_owned());
    let error = match pipeline::load(&source) {
        Ok(_) => panic!("{stem} is valid, but fixtures must fail"),
        Err(error) => error,
    };
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(80)
        .render_report(&mut out, error.as_ref())
        .expect("render report");
    out.lines().map(str::trim_end).collect::<Vec<_>>().join("\n") + "\n"
}

#[test]
fn every_bad_spec_renders_its_snapshot() {
    let cases = cases();
    assert!(cases.len() >= 10, "the corpus covers every error kind");
    let mut failures = Vec::new();
    for (stem, text) in cases {
        let rendered = render(&stem, &text);
        let code = stem.split('-').next().unwrap_or_default().replace('.', "::");
        if !rendered.contains(&format!("inception::{code}")) {
            failures.push(format!("{stem}: the report does not carry code inception::{code}:\n{rendered}"));
        }
        let snapshot = root().join("tests/fixtures/invalid").join(format!("{stem}.txt"));
        if blessing() {
            std::fs::write(&snapshot, &rendered).expect("write snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if expected != rendered {
            failures.push(format!(
                "{stem}: report changed\n{}",
                inception::emit::unified(&snapshot.display().to_string(), &expected, &rendered)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every error code a spec can earn, read from the error enums of the
/// stages that judge specs, so a new code without a fixture fails here.
fn spec_error_codes() -> Vec<String> {
    let mut codes = Vec::new();
    for stage in ["spec", "model", "graph"] {
        let text = std::fs::read_to_string(root().join(format!("src/{stage}/error.rs"))).expect("error enum");
        for (_, rest) in text.match_indices("code(inception::").map(|(i, _)| ((), &text[i + 16..])) {
            let code: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            codes.push(code.replace("::", "."));
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn every_error_code_has_a_fixture() {
    let names: Vec<String> =
        cases().iter().map(|(stem, _)| stem.split('-').next().unwrap_or_default().to_owned()).collect();
    let codes = spec_error_codes();
    assert!(codes.len() >= 20, "read only {codes:?}");
    let missing: Vec<&String> = codes.iter().filter(|code| !names.contains(code)).collect();
    assert!(missing.is_empty(), "no fixture under tests/fixtures/invalid/ for {missing:?}");
}
