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

fn render(path: &PathBuf) -> String {
    let name = format!("invalid/{}", path.file_name().unwrap().to_string_lossy());
    let source = SourceFile::new(name, std::fs::read_to_string(path).expect("read fixture"));
    let error = match pipeline::load(&source) {
        Ok(_) => panic!("{} is valid, but fixtures must fail", path.display()),
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
    let fixtures = fixtures();
    assert!(fixtures.len() >= 10, "the corpus covers every error kind");
    let mut failures = Vec::new();
    for path in fixtures {
        let rendered = render(&path);
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let code = stem.split('-').next().unwrap_or_default().replace('.', "::");
        if !rendered.contains(&format!("inception::{code}")) {
            failures.push(format!("{stem}: the report does not carry code inception::{code}:\n{rendered}"));
        }
        let snapshot = path.with_extension("txt");
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

#[test]
fn every_error_code_has_a_fixture() {
    let names: Vec<String> = fixtures()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().split('-').next().unwrap_or_default().to_owned())
        .collect();
    let codes = [
        "spec.syntax",
        "model.concession_on_cloud_tier",
        "model.duplicate",
        "model.invalid_value",
        "model.missing",
        "model.mutable_release",
        "model.override_without_reason",
        "model.too_many_arguments",
        "model.unknown_node",
        "model.unknown_property",
        "model.unknown_reference",
        "model.unknown_tool",
        "model.unpinned_version",
        "model.unsupported_format",
        "model.wrong_type",
        "graph.cycle",
    ];
    for code in codes {
        assert!(names.iter().any(|n| n == code), "no fixture for inception::{}", code.replace('.', "::"));
    }
}
