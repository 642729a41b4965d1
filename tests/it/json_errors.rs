//! `--format json` reports every error as JSON on stdout, whatever its kind.

use crate::support::{TempDir, inception, root};

fn errors(args: &[&str]) -> Vec<serde_json::Value> {
    let dir = TempDir::new("json-errors");
    let out = inception(dir.path(), args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let value: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    value["errors"].as_array().cloned().unwrap_or_default()
}

#[test]
fn io_usage_and_command_line_errors_are_json_too() {
    let missing = errors(&["check", "--spec", "no/such/inception.kdl", "--format", "json"]);
    assert_eq!(missing[0]["code"], "inception::emit::spec_not_found");
    let minimal = root().join("environments/minimal");
    let spec = minimal.to_string_lossy();
    let usage = errors(&["explain", "nope.yaml", "--spec", &spec, "--format", "json"]);
    assert_eq!(usage[0]["code"], "inception::usage");
    let parse = errors(&["check", "--bogus", "--format", "json"]);
    assert_eq!(parse[0]["code"], "inception::usage");
    assert!(parse[0]["message"].as_str().unwrap().contains("--bogus"), "{parse:?}");
}
