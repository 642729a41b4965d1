//! The `hot-reload` and `debug` concessions per runtime (issue 9, item 5):
//! Python, Node.js and Go services each get their runtime's reloader and
//! debugger, wrapped around `run` (kept after the image's ENTRYPOINT) or
//! around `entrypoint` (which replaces it), with matching VS Code attach
//! configurations; where a concession cannot apply, `lint` says so.

use crate::kubernetes::{LOCAL_PROJECT, compile, file};
use crate::support::{TempDir, inception, text};

fn polyglot() -> String {
    format!("{LOCAL_PROJECT}{SERVICES}")
}

const SERVICES: &str = r#"service front {
    build "apps/front"
    run node server.js
    port 3000
}
service api {
    build "apps/api"
    entrypoint "/app/api"
    run --port "8080"
    runtime go
    port 8080
}
service jobs {
    build "apps/jobs"
    run python -m jobs
    port 8081
}
service tool {
    build "apps/tool"
    run "/app/tool"
    port 9000
}
service proxy {
    image "docker.io/library/nginx:1.27.0"
    port 80
}
"#;

#[test]
fn run_is_args_after_the_image_entrypoint_and_entrypoint_replaces_it() {
    let compiled = compile(&polyglot());
    let jobs = file(&compiled, "deploy/values/jobs/values.yaml");
    assert!(jobs.contains("args:\n- python\n- -m\n- jobs\n") && !jobs.contains("command:"), "{jobs}");
    let api = file(&compiled, "deploy/values/api/values.yaml");
    assert!(api.contains("command:\n- /app/api\nargs:\n- --port\n- \"8080\"\n"), "{api}");
}

#[test]
fn go_is_debugged_under_delve_wrapping_the_entrypoint_and_not_reloaded() {
    let compiled = compile(&polyglot());
    let api = file(&compiled, "deploy/values/api/values-local.yaml");
    assert!(
        api.contains(
            "command:  # concession debug\n- /opt/inception-tools/dlv\n- exec\n- --headless\n- --listen=:2345\n- --api-version=2\n- --accept-multiclient\n- --continue\n- /app/api\n- --\n- --port\n- \"8080\"\nargs: []  # concession debug\n"
        ),
        "{api}"
    );
    assert!(api.contains("  port: 2345\n"), "{api}");
    assert!(
        api.contains(
            "golang:1.25.3-bookworm@sha256:4f43b271f9673eb7bd0cb3a49cc17b08d8d6ee110277e26dbacc93c43a5a7793\n"
        ),
        "Delve's builder, by digest: {api}"
    );
    assert!(api.contains("- github.com/go-delve/delve/cmd/dlv@v1.27.1\n"), "{api}");
    assert!(!api.contains("hotReload"), "a Go binary is not reloaded:\n{api}");
    assert!(!api.contains("pythonPath"), "{api}");
}

#[test]
fn launch_json_has_one_configuration_per_runtime_kind() {
    let compiled = compile(&polyglot());
    let launch = file(&compiled, ".vscode/launch.json");
    let json: String = launch.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON once comments are dropped");
    let configurations = value["configurations"].as_array().expect("configurations");
    let kinds: Vec<&str> = configurations.iter().filter_map(|c| c["type"].as_str()).collect();
    assert_eq!(kinds, ["node", "go", "debugpy"], "front, api, jobs; not tool (unknown runtime) nor proxy (image)");
    let node = &configurations[0];
    assert_eq!(
        (node["localRoot"].as_str(), node["remoteRoot"].as_str()),
        (Some("${workspaceFolder}/apps/front"), Some("/app"))
    );
    let go = &configurations[1];
    assert_eq!(go["mode"], "remote");
    assert_eq!(go["substitutePath"][0]["from"], "${workspaceFolder}/apps/api");
    assert_eq!(go["substitutePath"][0]["to"], "/app");
    assert!(launch.contains("// kubectl port-forward -n local deploy/front 5678:9229\n"), "{launch}");
    assert!(launch.contains("// kubectl port-forward -n local deploy/api 5679:2345\n"), "{launch}");
}

#[test]
fn lint_names_each_service_and_concession_that_cannot_apply() {
    let dir = TempDir::new("concessions");
    std::fs::write(dir.path().join("inception.kdl"), polyglot()).unwrap();
    let out = inception(dir.path(), &["lint", "--format", "json"]);
    // The unpinned `image` fails it; the concession findings are notes.
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let (stdout, _) = text(&out);
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let notes = value["findings"].as_array().expect("findings").iter().filter(|f| f["severity"] == "advice");
    assert!(notes.clone().all(|f| f["code"] == "inception::lint::concession_not_applied"), "{stdout}");
    assert_eq!(notes.count(), 5, "{stdout}");
    let mut found: Vec<String> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "inception::lint::concession_not_applied")
        .filter_map(|f| f["message"].as_str().map(str::to_owned))
        .collect();
    found.sort();
    let expected =
        [("debug", "proxy"), ("debug", "tool"), ("hot-reload", "api"), ("hot-reload", "proxy"), ("hot-reload", "tool")];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (concession, service) in expected {
        assert!(
            found
                .iter()
                .any(|m| m.contains(&format!("grants `{concession}`, which does not apply to service `{service}`"))),
            "{concession} {service}: {found:#?}"
        );
    }
    assert!(found.iter().any(|m| m.contains("`api`: a Go image holds a compiled binary")), "{found:#?}");
}

#[test]
fn the_delve_builder_is_pinned_by_digest_and_no_lint_names_a_tag_only_pin() {
    let dir = TempDir::new("concessions-strict");
    std::fs::write(dir.path().join("inception.kdl"), polyglot()).unwrap();
    let out = inception(dir.path(), &["lint", "--strict", "--format", "json"]);
    let (stdout, _) = text(&out);
    assert!(stdout.contains("\"strict\": true"), "{stdout}");
    assert!(!stdout.contains("concession_image_without_digest") && !stdout.contains("golang:"), "{stdout}");
    let compiled = inception(dir.path(), &["compile"]);
    assert_eq!(compiled.status.code(), Some(0), "{:?}", text(&compiled));
    let values = std::fs::read_to_string(dir.path().join("deploy/values/api/values-local.yaml")).unwrap();
    assert!(values.contains("golang:1.25.3-bookworm@sha256:4f43b271"), "Delve's builder by digest: {values}");
}
