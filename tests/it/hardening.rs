//! Hostile specs (issue 13): every string that reaches a shell, a Dockerfile
//! instruction, a Bicep expression or comment, or YAML is refused or escaped
//! for the place it lands; values keep their meaning. One test per finding.

use std::path::Path;

use inception::pipeline;
use inception::source::SourceFile;

use crate::support::{edit, files, inception, root, text, with_reference_spec};

/// The reference spec with `from` replaced by `to`.
fn reference_with(from: &str, to: &str) -> String {
    let spec = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).expect("read spec");
    assert!(spec.contains(from), "the reference spec does not contain {from:?}");
    spec.replace(from, to)
}

/// Compile the edited reference spec with the binary: it must exit 2 with
/// `needle` in its report, pointing into the spec, and write nothing.
fn refused(from: &str, to: &str, needle: &str) {
    let dir = with_reference_spec("refused");
    edit(&dir.path().join("inception.kdl"), from, to);
    let output = inception(dir.path(), &["compile"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{to:?} was not refused:\n{stderr}");
    assert!(stderr.contains(needle), "{to:?}: expected {needle:?} in:\n{stderr}");
    assert!(stderr.contains("inception.kdl:"), "no file:line:col in:\n{stderr}");
    assert_eq!(files(dir.path()), ["inception.kdl"], "something was written");
}

/// Compile a spec text in memory.
fn compile(spec: &str) -> pipeline::Compiled {
    pipeline::compile_source(&SourceFile::new("inception.kdl", spec), "inception.kdl").expect("the spec compiles")
}

#[test]
fn python_version_with_a_command_substitution_is_refused() {
    refused("python \"3.9.13\"", "python \"3.9.13-$(id)\"", "python");
}

#[test]
fn python_version_with_a_newline_cannot_add_an_instruction() {
    refused("python \"3.9.13\"", "python \"3.9.13-rc\\nRUN\\tid\"", "python");
}

#[test]
fn base_image_with_a_newline_cannot_turn_the_digest_into_a_comment() {
    refused(
        "base \"mcr.microsoft.com/devcontainers/base:bookworm\"",
        "base \"debian:12\\nRUN id #\"",
        "is not an image reference",
    );
}

#[test]
fn lab_vm_size_cannot_carry_bicep_code() {
    refused("size=Standard_D8s_v5", "size=\"Standard_D8s_v5\\noutput x string = 'y'\\n//\"", "not an Azure VM size");
}

#[test]
fn repository_url_with_shell_characters_is_refused() {
    refused(
        "repo \"https://github.com/cloudwall/serenity.git\"",
        "repo \"https://github.com/o/r.git;id\"",
        "is not a git URL",
    );
}

#[test]
fn the_lab_artifact_quotes_its_parameters() {
    let compiled = compile(&reference_with("inception 1", "inception 1"));
    let outputs = compiled.outputs();
    let artifact = outputs
        .iter()
        .find(|(path, _)| path.ends_with("Artifactfile.json"))
        .map(|(_, text)| text)
        .expect("the reference spec has labs");
    let json: serde_json::Value = serde_json::from_str(artifact).expect("JSON");
    let command = json["runCommand"]["commandToExecute"].as_str().expect("a command");
    assert!(command.contains("replace(parameters('repository'), '''', '''\\'''''"), "{command}");
    assert!(!command.contains("' ', parameters("), "a parameter is still unquoted: {command}");
}

#[test]
fn a_spec_file_name_with_a_newline_cannot_break_a_banner() {
    let dir = with_reference_spec("banner");
    let name = "in\nception.kdl";
    std::fs::rename(dir.path().join("inception.kdl"), dir.path().join(name)).expect("rename");
    let output = inception(dir.path(), &["compile", "--spec", name]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    for file in files(dir.path()).iter().filter(|f| f.ends_with(".yaml") || f.ends_with(".bicep")) {
        let written = std::fs::read_to_string(dir.path().join(file)).expect("read");
        let first = written.lines().next().unwrap_or_default();
        assert!(first.contains("in\\u{a}ception.kdl"), "{file}: {first}");
        assert!(!written.lines().nth(1).unwrap_or_default().starts_with("ception.kdl"), "{file}");
    }
}

#[test]
fn control_characters_in_a_reason_or_a_revision_are_refused() {
    refused("reason=\"Asian and US trading hours overlap\"", "reason=\"busy\\u{7}hours\"", "control character");
    refused("reason=\"Asian and US trading hours overlap\"", "reason=\"busy\\nhours\"", "one-line reason");
    refused("revision HEAD", "revision \"HEAD\\u{1b}[2J\"", "control character");
    refused("revision HEAD", "revision \"HEAD\\u{2028}\"", "control character");
}

#[test]
fn services_that_differ_only_in_hyphens_are_refused() {
    refused(
        "service redis {",
        "service red--is {\n    image \"redis:7.2.5\"\n    port 1\n}\nservice red-is {",
        "collides",
    );
}

#[test]
fn tiers_that_differ_only_in_hyphens_are_refused() {
    refused("tier dev {", "tier st-aging {\n    cluster aks\n    revision main\n}\ntier dev {", "collides");
}

#[test]
fn non_finite_numbers_are_refused() {
    for value in ["#nan", "#inf", "#-inf", "1e400"] {
        refused("setting \"editor.formatOnSave\" #true", &format!("setting \"editor.formatOnSave\" {value}"), "finite");
        refused("env LOG_LEVEL=info EXCHANGES", &format!("env LOG_LEVEL={value} EXCHANGES"), "finite");
    }
}

#[test]
fn numbers_in_run_keep_their_spelling() {
    let compiled = compile(&reference_with("--port \"8080\"", "--port 0x1F"));
    let values = &compiled.outputs()["deploy/values/api/values.yaml"];
    assert!(values.contains("- \"0x1F\"") || values.contains("- 0x1F"), "{values}");
    assert!(!values.contains("\"31\""), "{values}");
}

#[test]
fn compose_does_not_interpolate_dollars_in_mount_paths() {
    let compiled =
        compile(&reference_with("\"/home/vscode/.azure\"", "\"/home/vscode/$x\"").replace("/.azure\" ", "/$y\" "));
    let compose = &compiled.outputs()[".devcontainer/docker-compose.yml"];
    assert!(compose.contains("/home/vscode/$$x"), "{compose}");
    assert!(compose.contains("${HOME}${USERPROFILE}/$$y"), "{compose}");
}

#[test]
fn nothing_is_written_for_a_refused_spec_even_with_other_errors() {
    let dir = with_reference_spec("all-at-once");
    let spec = dir.path().join("inception.kdl");
    edit(&spec, "python \"3.9.13\"", "python \"3.9.13;id\"");
    edit(&spec, "size=Standard_D8s_v5", "size=\"Standard_D8s_v5'\"");
    let output = inception(dir.path(), &["compile"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("2 problems"), "all errors at once:\n{stderr}");
    assert!(!Path::new(&dir.path().join(".devcontainer")).exists());
}

/// Write `text` as the spec of a fresh folder and run `args` there.
fn run_on(label: &str, text: &str, args: &[&str]) -> (std::process::Output, crate::support::TempDir) {
    let dir = crate::support::TempDir::new(label);
    std::fs::write(dir.path().join("inception.kdl"), text).expect("write spec");
    (inception(dir.path(), args), dir)
}

#[test]
fn deeply_nested_input_of_every_shape_is_an_error_not_an_abort() {
    let n = 5000;
    let shapes = [
        ("nodes", format!("inception 1\n{}{}", "a {\n".repeat(n), "}\n".repeat(n))),
        ("closing braces", format!("inception 1\n{}", "}\n".repeat(n))),
        ("comments", format!("inception 1\n{}{}", "/*\n".repeat(n), "*/\n".repeat(n))),
        ("slashdash", format!("inception 1\n{}a", "/-\n".repeat(n))),
        ("parentheses", format!("inception 1\na {}", "(\n".repeat(n))),
    ];
    for (shape, spec) in shapes {
        for command in ["check", "compile", "fmt", "lint"] {
            let (output, dir) = run_on("deep", &spec, &[command]);
            let (_, stderr) = text(&output);
            assert_eq!(output.status.code(), Some(2), "{shape} under {command}: {stderr}");
            assert!(stderr.contains("inception.kdl:"), "{shape}: no file:line:col in {stderr}");
            assert!(stderr.contains("inception::spec::too_deep"), "{shape}: {stderr}");
            assert_eq!(files(dir.path()), ["inception.kdl"], "{shape}: something was written");
        }
    }
}

#[test]
fn a_huge_spec_is_refused_before_it_is_parsed() {
    let spec = format!("inception 1\n// {}\n", "x".repeat(inception::spec::limits::MAX_SPEC_BYTES));
    let (output, _dir) = run_on("huge", &spec, &["check"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("inception::spec::too_large"), "{stderr}");
}

#[test]
fn provenance_of_long_lists_is_shared_not_copied_per_line() {
    let n = 3000;
    let packages: Vec<String> = (0..n).map(|i| format!("pkg{i}")).collect();
    let ports: Vec<String> = (0..n).map(|i| (1000 + i).to_string()).collect();
    let spec = reference_with(
        "apt build-essential curl git jq",
        &format!("apt {}\n    forward-port {}", packages.join(" \\\n        "), ports.join(" \\\n        ")),
    );
    let compiled = compile(&spec);
    let mut seen = std::collections::HashSet::new();
    let mut stored = 0;
    for lines in compiled.artifacts.iter().map(|a| &a.lines) {
        for origins in lines {
            if seen.insert(std::sync::Arc::as_ptr(origins) as *const u8 as usize) {
                stored += origins.len();
            }
        }
    }
    // Linear: each list's origins are stored once, not once per line.
    assert!(stored < 20 * n, "{stored} origins stored for {n} packages and ports");
    let dockerfile = &compiled.outputs()[".devcontainer/Dockerfile"];
    assert!(dockerfile.contains("pkg2999"));
}

#[test]
fn a_very_long_line_is_an_error_not_a_crash_of_the_error_renderer() {
    let spec = format!("inception 1\nproject x {{ description \"{}\" bogus=1 }}\n", "a".repeat(70_000));
    let (output, _dir) = run_on("long-line", &spec, &["check"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 2 is 70036 bytes long"), "{}", &stderr[..stderr.len().min(2000)]);
}

#[test]
fn trailing_spaces_inside_a_yaml_block_scalar_are_kept() {
    let compiled = compile(&reference_with("env LOG_LEVEL=info EXCHANGES", "env LOG_LEVEL=\"a \\nb \\n\" EXCHANGES"));
    let values: serde_json::Value =
        serde_saphyr::from_str(&compiled.outputs()["deploy/values/marketdata/values.yaml"]).expect("YAML");
    assert_eq!(values["env"]["LOG_LEVEL"].as_str(), Some("a \nb \n"));
}

#[test]
fn chart_registries_that_would_share_a_file_are_refused() {
    refused(
        "service redis {\n",
        "service cache-a {\n    chart \"oci://registry-1.docker.io/charts/a\" version=\"1.0.0\"\n}\n\
         service cache-b {\n    chart \"oci://registry-1-docker.io/charts/b\" version=\"1.0.0\"\n}\n\
         service redis {\n",
        "inception::model::collision",
    );
}

#[test]
fn a_chart_registry_spelled_like_the_catalogs_is_refused() {
    refused(
        "service redis {\n",
        "service cache-a {\n    chart \"oci://registry-1-docker.io/cloudpirates/valkey\" version=\"1.0.0\"\n}\n\
         service redis {\n",
        "inception::model::reserved_name",
    );
}
