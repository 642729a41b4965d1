//! The review commands: lint, fmt, schema, explain, graph, diff, completions.

use std::path::Path;
use std::process::Command;

use inception::pipeline;
use inception::source::SourceFile;
use inception::spec::format::format;

use crate::support::{TempDir, blessing, edit, environments, inception, root, text, with_reference_spec};

fn model_json(name: &str, text: &str) -> serde_json::Value {
    let loaded = pipeline::load(&SourceFile::new(name, text))
        .unwrap_or_else(|e| panic!("{name}: {:?}", miette::Report::new(*e)));
    serde_json::to_value(&loaded.model).expect("the model serializes")
}

/// A valid spec in an unusual layout: tabs, crowded blanks, odd indents.
fn messy_spec(services: usize) -> String {
    let mut text =
        String::from("\n\ninception 1\nproject   messy {\n\tregistry \"messy.azurecr.io\"   // where images go\n}\n");
    text.push_str("toolchain {\n base \"debian:12.5\"\n\n\n\n      python    \"3.12.4\"\n  tool   minikube \"1.33.1\"\ndocker-in-docker \"26.1.4\"\n}\n");
    text.push_str("tier   local {\ncluster minikube\n  revision HEAD\n    concession debug   // attach VS Code\n}\n");
    for i in 0..services {
        let needs = if i > 0 { format!("\n        needs s{}", i - 1) } else { String::new() };
        text.push_str(&format!(
            "service s{i} {{\n  build \"services/s{i}\"\n\tport {}\n  env A=\"x   y\" B=2{needs}\n\n}}\n\n",
            8000 + i
        ));
    }
    text
}

#[test]
fn fmt_is_idempotent_and_keeps_the_meaning_of_every_spec() {
    let mut specs: Vec<(String, String)> = environments()
        .into_iter()
        .map(|(name, path)| (name, std::fs::read_to_string(path).expect("read spec")))
        .collect();
    specs.push(("messy-3".to_owned(), messy_spec(3)));
    specs.push(("messy-40".to_owned(), messy_spec(40)));
    for (name, text) in specs {
        let once = format(&text);
        assert_eq!(format(&once), once, "{name}: formatting twice changes it");
        assert_eq!(model_json(&name, &text), model_json(&name, &once), "{name}: formatting changed the meaning");
        let comments = |t: &str| t.matches("//").count();
        assert_eq!(comments(&text), comments(&once), "{name}: a comment was lost");
    }
}

#[test]
fn fmt_check_reports_then_fmt_rewrites() {
    let dir = TempDir::new("fmt");
    std::fs::write(dir.path().join("inception.kdl"), messy_spec(2)).unwrap();
    let check = inception(dir.path(), &["fmt", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check).0.contains("+    registry \"messy.azurecr.io\"   // where images go"), "{:?}", text(&check));
    assert_eq!(inception(dir.path(), &["fmt"]).status.code(), Some(0));
    assert_eq!(inception(dir.path(), &["fmt", "--check"]).status.code(), Some(0));
}

#[test]
fn the_reference_spec_is_already_formatted() {
    let spec = root().join("environments/serenity/inception.kdl");
    let text = std::fs::read_to_string(spec).unwrap();
    assert_eq!(format(&text), text);
}

#[test]
fn lint_passes_plain_and_strict_on_the_reference_spec() {
    let serenity = root().join("environments/serenity");
    let plain = inception(&serenity, &["lint"]);
    assert_eq!(plain.status.code(), Some(0), "{:?}", text(&plain));
    // The pull request pipeline runs `lint --strict`: the catalog knows every
    // tool's sha256 for amd64 and arm64, and `snapshot` freezes apt and pip.
    let strict = inception(&serenity, &["lint", "--strict", "--format", "json"]);
    assert_eq!(strict.status.code(), Some(0), "{:?}", text(&strict));
    let value: serde_json::Value = serde_json::from_slice(&strict.stdout).expect("JSON");
    assert_eq!(value["findings"].as_array().map(Vec::len), Some(0), "{value}");
    // Without the snapshot, each floating apt package and pip tool is listed.
    let dir = TempDir::new("strict");
    let spec = std::fs::read_to_string(serenity.join("inception.kdl")).unwrap();
    let without = spec.replace("    snapshot \"2026-11-01T00:00:00Z\"\n", "");
    assert_ne!(without, spec);
    std::fs::write(dir.path().join("inception.kdl"), without).unwrap();
    let strict = inception(dir.path(), &["lint", "--strict", "--format", "json"]);
    assert_eq!(strict.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&strict.stdout).expect("JSON");
    let codes: Vec<&str> = value["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes.iter().filter(|c| c.ends_with("apt_without_version")).count(), 4, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| c.ends_with("pip_without_snapshot")).count(), 3, "{codes:?}");
    assert!(!codes.iter().any(|c| c.ends_with("tool_without_sha256")), "{codes:?}");
}

#[test]
fn lint_reports_spec_errors_as_json_with_exit_2() {
    let dir = TempDir::new("lintjson");
    std::fs::write(
        dir.path().join("inception.kdl"),
        "inception 1\nproject x\ntoolchain {\n    base \"debian:latest\"\n}\n",
    )
    .unwrap();
    let out = inception(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value["errors"][0]["code"], "inception::model::unpinned_version");
    assert_eq!(value["errors"][0]["line"], 4);
}

#[test]
fn the_committed_schema_is_current() {
    let path = root().join("schema/inception.schema.json");
    let current = inception::commands::schema::text();
    if blessing() {
        std::fs::write(&path, &current).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == current, "schema/inception.schema.json is stale: run `INCEPTION_BLESS=1 cargo test`");
    let schema: serde_json::Value = serde_json::from_str(&committed).expect("valid JSON");
    for field in ["project", "toolchain", "tiers", "services", "observability", "azure"] {
        assert!(schema["properties"][field].is_object(), "schema lacks `{field}`");
    }
}

#[test]
fn explain_names_the_spec_line_of_a_generated_line() {
    let serenity = root().join("environments/serenity");
    let dockerfile = std::fs::read_to_string(serenity.join("../../golden/serenity/.devcontainer/Dockerfile")).unwrap();
    let line = dockerfile.lines().position(|l| l.starts_with("ENV KUBECTL_VERSION=")).unwrap() + 1;
    let out = inception(&serenity, &["explain", &format!(".devcontainer/Dockerfile:{line}"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value["exact"], true);
    assert_eq!(value["sources"][0]["node"], "toolchain/tool kubectl");
    let spec = std::fs::read_to_string(serenity.join("inception.kdl")).unwrap();
    let kubectl = spec.lines().position(|l| l.trim() == "tool kubectl \"1.36.0\"").unwrap() + 1;
    assert_eq!(value["sources"][0]["line"], kubectl);
    assert_eq!(value["sources"][0]["text"], "tool kubectl \"1.36.0\"");
    let bad = inception(&serenity, &["explain", ".devcontainer/Dockerfil"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).1.contains("did you mean `.devcontainer/Dockerfile`?"), "{:?}", text(&bad));
}

#[test]
fn graph_json_has_needs_edges_and_derivations() {
    let out = inception(&root().join("environments/serenity"), &["graph", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let edges = value["edges"].as_array().unwrap();
    let has = |from: &str, to: &str, kind: &str| {
        edges.iter().any(|e| e["from"] == from && e["to"] == to && e["kind"] == kind)
    };
    assert!(has("service:marketdata", "service:pricing", "needs"));
    assert!(has("service:risk", "service:api", "needs"));
    assert!(has("spec:toolchain/tool kubectl", "artifact:.devcontainer/Dockerfile", "derives"));
    let dot = inception(&root().join("environments/serenity"), &["graph"]);
    assert!(text(&dot).0.starts_with("digraph inception {"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

/// A git repository whose first commit holds the reference spec.
fn committed_reference_spec(label: &str) -> TempDir {
    let dir = with_reference_spec(label);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "inception.kdl"]);
    git(dir.path(), &["commit", "-q", "-m", "spec"]);
    dir
}

#[test]
fn diff_against_a_revision_groups_changes_and_writes_nothing() {
    let dir = committed_reference_spec("diff");
    let spec = dir.path().join("inception.kdl");
    edit(
        &spec,
        "    setting \"editor.formatOnSave\" #true\n",
        "    setting \"editor.formatOnSave\" #true\n    forward-port 9090\n",
    );
    let out = inception(dir.path(), &["diff"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("1 file changes, shared by every tier\n"), "{stdout}");
    assert!(stdout.contains("changed .devcontainer/devcontainer.json"), "{stdout}");
    assert!(stdout.contains("+    9090"), "{stdout}");
    assert!(!dir.path().join(".devcontainer").exists(), "diff writes nothing");
    let unknown = inception(dir.path(), &["diff", "--base", "no-such-rev"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown).1.contains("`no-such-rev` is not a revision"), "{:?}", text(&unknown));
}

#[test]
fn a_prod_override_change_is_one_file_in_one_tier_and_explain_names_the_override() {
    let dir = committed_reference_spec("override");
    let spec = dir.path().join("inception.kdl");
    edit(&spec, "        replicas 6", "        replicas 8");
    let out = inception(dir.path(), &["diff", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["summary"], "1 file changes in 1 tier: prod");
    let files = value["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], "deploy/values/pricing/values-prod.yaml");
    assert_eq!((files[0]["tier"].as_str(), files[0]["service"].as_str()), (Some("prod"), Some("pricing")));
    let diff = files[0]["diff"].as_str().unwrap();
    assert!(diff.contains("-replicas: 6") && diff.contains("+replicas: 8"), "{diff}");

    let values =
        std::fs::read_to_string(root().join("golden/serenity/deploy/values/pricing/values-prod.yaml")).unwrap();
    let line = values.lines().position(|l| l.starts_with("replicas:")).unwrap() + 1;
    let target = format!("deploy/values/pricing/values-prod.yaml:{line}");
    let explained = inception(&root().join("environments/serenity"), &["explain", &target, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&explained.stdout).unwrap();
    assert_eq!(value["exact"], true);
    assert_eq!(value["sources"][0]["node"], "service pricing/tier prod");
    let spec = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).unwrap();
    let override_line =
        spec.lines().position(|l| l.trim().starts_with("tier prod reason=\"Asian and US trading hours")).unwrap() + 1;
    assert_eq!(value["sources"][0]["line"], override_line);
    assert_eq!(value["sources"][0]["text"], "tier prod reason=\"Asian and US trading hours overlap\" {");
}

#[test]
fn completions_name_every_command() {
    let out = inception(&root(), &["completions", "bash"]);
    let (stdout, _) = text(&out);
    for command in ["compile", "check", "diff", "explain", "graph", "symmetry", "lint", "fmt", "schema"] {
        assert!(stdout.contains(command), "bash completions lack `{command}`");
    }
}

/// A service whose values span lines: multi-line, raw and escape-continued
/// strings with blank lines, braces, quotes and `//` inside, and a block
/// comment with a quote in it. `indent` prefixes every line of code.
fn service_with_strings_across_lines(indent: &str) -> String {
    let code = |line: &str| format!("{indent}{line}\n");
    let mut text = String::new();
    text.push_str(&code("service   api {"));
    text.push_str(&code("build   \"services/api\""));
    text.push_str(&code("port 8080"));
    text.push_str(&code("env A=\"\"\""));
    text.push_str(
        "        line one\n\n\n        line two {\n\n        }\n        \"\"\" B=\"x \\\n              a    b\"\n",
    );
    text.push_str(&code("/* a \"quote that opens no string,"));
    text.push_str("\n\n        {   */\n");
    text.push_str(&code("env   C=#\"\"\""));
    text.push_str("        say \"\"\" and \"hi\" \\\n\n\n        }\n        \"\"\"#   D=#\"C:\\\"#\n");
    text.push_str(&code("env E=\"http://x   y\"   F=\"p \\   "));
    text.push_str("        // not   a comment\"   G=\"\"\"\n");
    text.push_str("          q \\\"\"\" r {\n            \\\n              s   t\n\n\n          \"\"\"\n");
    text.push_str(&code("}"));
    text
}

#[test]
fn fmt_keeps_every_string_that_spans_lines() {
    let minimal = std::fs::read_to_string(root().join("environments/minimal/inception.kdl")).expect("read spec");
    for indent in ["", "   ", "\t"] {
        let name = format!("minimal+strings({indent:?})");
        let text = format!("{minimal}\n\n{}", service_with_strings_across_lines(indent));
        let model = model_json(&name, &text);
        let api = &model.to_string();
        for value in
            ["line one\\n\\n\\nline two {\\n\\n}", "x a    b", "C:\\\\", "http://x   y", "p // not   a comment"]
        {
            assert!(api.contains(value), "{name}: {value} not in the model: {api}");
        }
        let once = format(&text);
        assert_eq!(format(&once), once, "{name}: formatting twice changes it");
        assert_eq!(model, model_json(&name, &once), "{name}: formatting changed the meaning:\n{once}");
        assert!(once.contains("\n    /* a \"quote that opens no string,\n\n\n        {   */\n"), "{name}:\n{once}");
    }
}
