//! The toolchain's language runtimes and downloads: Node, Go, Java and .NET
//! installed as whole trees from archives checked against known checksums
//! for amd64 and arm64; tools for both platforms; archives never installed
//! as a binary; pins that plain `lint` reports and a Dockerfile header that
//! claims only the pins that are there; a snapshot that freezes Debian and
//! the Python tools' dependencies.

use inception::pipeline;
use inception::source::SourceFile;

use crate::support::{TempDir, inception, root, text};

/// A spec with `toolchain` lines and one local service.
fn spec(toolchain: &str) -> String {
    format!(
        "inception 1\nproject demo {{\n    registry \"demoacr.azurecr.io\"\n}}\ntoolchain {{\n    base \"debian:12.8\" digest=\"sha256:{}\"\n{toolchain}\n    tool minikube \"1.37.0\"\n    docker-in-docker \"26.1.4\"\n}}\ntier local {{\n    cluster minikube\n    revision HEAD\n}}\nservice web {{\n    build \"services/web\"\n    run node \"server.js\"\n    port 3000\n}}\n",
        "a".repeat(64)
    )
}

fn dockerfile(spec: &str) -> String {
    let compiled = pipeline::compile_source(&SourceFile::new("inception.kdl", spec.to_owned()), "inception.kdl")
        .unwrap_or_else(|e| panic!("compiles: {:?}", miette::Report::new(e)));
    compiled.outputs()[".devcontainer/Dockerfile"].to_string()
}

/// Run `inception ARGS` over `spec`; the exit code and the JSON it prints.
fn run(spec: &str, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let dir = TempDir::new("runtimes");
    std::fs::write(dir.path().join("inception.kdl"), spec).unwrap();
    let out = inception(dir.path(), args);
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("JSON: {:?}", text(&out)));
    (out.status.code(), value)
}

fn codes(value: &serde_json::Value, list: &str) -> Vec<String> {
    value[list].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

/// The RUN step that installs `runtime` (from its comment to the blank line).
fn step<'a>(dockerfile: &'a str, title: &str) -> &'a str {
    let start = dockerfile.find(&format!("# {title} ")).unwrap_or_else(|| panic!("no {title} step:\n{dockerfile}"));
    dockerfile[start..].split("\n\n").next().unwrap()
}

#[test]
fn the_polyglot_dockerfile_installs_node_and_go_trees_each_checked_with_sha256sum() {
    let text = std::fs::read_to_string(root().join("environments/polyglot/inception.kdl")).unwrap();
    let dockerfile = dockerfile(&text);
    for (title, keyword, home, amd64) in [
        ("Node.js", "node", "/usr/local/node", "f625d97cd707df4ff96254916fbc5ff014f09c09effe5a1e0ca8f6d41a8789d4"),
        ("Go", "go", "/usr/local/go", "675c26c449cbb18fc24b74650de1eabbae6e16f64326fd85a283fb3b58280685"),
        ("Java", "java", "/usr/local/java", "e4446ff06a276155697597cc0f1b15da004ff083f4964a35271ecee567177370"),
    ] {
        let step = step(&dockerfile, title);
        let download = step.find(&format!("curl -fsSLo /tmp/{keyword}.tar.gz")).expect("downloads the archive");
        let check = step.find(&format!("/tmp/{keyword}.tar.gz\" | sha256sum -c -")).expect("checks it");
        let extract =
            step.find(&format!("tar -xzf /tmp/{keyword}.tar.gz -C {home} --strip-components=1")).expect("a tree");
        assert!(download < check && check < extract, "checked before it is extracted:\n{step}");
        assert!(step.contains("amd64) url=\"https://") && step.contains(amd64), "{step}");
        assert!(step.contains("arm64) url=\"https://"), "an arm64 archive too:\n{step}");
        assert!(!step.contains("install -m"), "a tree, not a single file:\n{step}");
    }
    let env = &dockerfile[dockerfile.find("ENV NPM_CONFIG_PREFIX").expect("the runtimes' environment")..];
    for pair in ["NPM_CONFIG_PREFIX=/home/vscode/.npm-global", "GOROOT=/usr/local/go", "GOPATH=/home/vscode/go"] {
        assert!(env.contains(pair), "{pair}:\n{env}");
    }
    assert!(env.contains("JAVA_HOME=/usr/local/java"), "{env}");
    assert!(
        env.contains("PATH=/home/vscode/.npm-global/bin:/usr/local/node/bin:/home/vscode/go/bin:/usr/local/go/bin:")
    );
    assert!(env.contains("RUN node --version && npm --version"), "{env}");
}

#[test]
fn dotnet_is_checked_with_sha512_and_extracted_whole() {
    let dockerfile = dockerfile(&spec("    dotnet \"10.0.400\""));
    let step = step(&dockerfile, ".NET SDK");
    assert!(step.contains("| sha512sum -c -"), "{step}");
    assert!(step.contains("1033977dd837150e0814cf0c5d5b17ceb63925fda7ba2158b47258a4bd7c048cf82eac3bc1166f3146f53124a3f5fba09db1de1260d2ce96399860303b404b48"));
    assert!(step.contains("tar -xzf /tmp/dotnet.tar.gz -C /usr/local/dotnet --no-same-owner"), "{step}");
    assert!(dockerfile.contains("DOTNET_ROOT=/usr/local/dotnet"), "{dockerfile}");
}

#[test]
fn an_unknown_runtime_version_names_the_known_ones_unless_the_spec_gives_both_checksums() {
    let (code, value) = run(&spec("    go \"1.22.0\""), &["lint", "--format", "json"]);
    assert_eq!(code, Some(2), "{value}");
    let error = &value["errors"][0];
    assert_eq!(error["code"], "inception::model::unknown_value", "{value}");
    let help = error["help"].as_str().unwrap();
    assert!(help.contains("1.27.0") && help.contains("1.26.7") && help.contains("sha256-arm64="), "{help}");

    let one = format!("    go \"1.22.0\" sha256-amd64=\"{}\"", "b".repeat(64));
    let (code, value) = run(&spec(&one), &["lint", "--format", "json"]);
    assert_eq!(code, Some(2), "{value}");
    assert!(value["errors"][0]["message"].as_str().unwrap().contains("one platform only"), "{value}");

    let both = format!("    go \"1.22.0\" sha256-amd64=\"{}\" sha256-arm64=\"{}\"", "b".repeat(64), "c".repeat(64));
    let dockerfile = dockerfile(&spec(&both));
    let step = step(&dockerfile, "Go");
    assert!(step.contains(&format!(
        "amd64) url=\"https://dl.google.com/go/go1.22.0.linux-amd64.tar.gz\"; sum=\"{}\"",
        "b".repeat(64)
    )));
    assert!(step.contains(&format!("sum=\"{}\"", "c".repeat(64))), "{step}");

    let (code, value) = run(&spec("    node \"24.19.0\" sha512-amd64=\"x\""), &["lint", "--format", "json"]);
    assert_eq!(code, Some(2));
    assert_eq!(value["errors"][0]["code"], "inception::model::unknown_property", "{value}");
}

#[test]
fn a_runtime_without_its_editor_extension_is_a_plain_lint_finding() {
    let (code, value) = run(&spec("    node \"24.19.0\"\n    go \"1.27.0\""), &["lint", "--format", "json"]);
    assert_eq!(code, Some(1), "{value}");
    let findings = codes(&value, "findings");
    assert_eq!(findings.iter().filter(|c| c.ends_with("runtime_without_extension")).count(), 2, "{findings:?}");
    let with = "    node \"24.19.0\"\n    extension \"dbaeumer.vscode-eslint@3.0.34\"";
    let (code, value) = run(&spec(with), &["lint", "--format", "json"]);
    assert_eq!(code, Some(0), "{value}");
}

#[test]
fn the_model_exports_the_toolchain_runtimes() {
    let source = SourceFile::new("inception.kdl", spec("    java \"21.0.12+8\"\n    node \"22.22.0\""));
    let loaded = pipeline::load(&source).expect("valid");
    use inception::runtimes::Runtime;
    assert_eq!(loaded.model.toolchain.runtime_list(), vec![Runtime::Java, Runtime::Node]);
}

#[test]
fn an_archive_url_without_extract_is_an_error_not_a_binary() {
    let tool = "    tool rg \"14.1.0\" url=\"https://example.com/{version}/rg-{arch}.tar.gz\"";
    let (code, value) = run(&spec(tool), &["lint", "--format", "json"]);
    assert_eq!(code, Some(2), "{value}");
    assert_eq!(value["errors"][0]["code"], "inception::model::malformed_value", "{value}");
    assert!(value["errors"][0]["help"].as_str().unwrap().contains("extract="), "{value}");
    let zip = "    tool x \"1.0.0\" url=\"https://example.com/{version}/x.ZIP?download=1\"";
    assert_eq!(run(&spec(zip), &["lint", "--format", "json"]).0, Some(2));
    let extracted = format!("{tool} extract=\"rg-{{version}}/rg\"");
    let dockerfile = dockerfile(&spec(&extracted));
    let step = step(&dockerfile, "rg");
    assert!(step.contains("member=\"rg-14.1.0/rg\"") && step.contains("tar -xzf /tmp/rg/download"), "{step}");
    assert!(step.contains("https://example.com/14.1.0/rg-arm64.tar.gz"), "{step}");
}

#[test]
fn catalog_tools_are_checked_on_both_platforms_and_a_gap_is_reported() {
    let dockerfile = dockerfile(&spec("    tool helm \"3.15.2\""));
    let helm = step(&dockerfile, "helm");
    assert!(helm.contains("adcf07b08484b52508e5cbc8b5f4b0b0db50342f7bc487ecd88b8948b680e6a7"), "arm64: {helm}");
    assert!(helm.contains("member=\"linux-arm64/helm\"") && helm.contains("| sha256sum -c -"), "{helm}");
    // A version whose checksums the catalog lacks: not verified, and said so.
    let spec = spec("    tool helm \"3.14.0\"");
    let helm = dockerfile_step(&spec, "helm");
    assert!(helm.starts_with("# helm 3.14.0 (no sha256 for amd64, arm64: that download is not verified)"), "{helm}");
    assert!(!helm.contains("sha256sum"), "{helm}");
    let (code, value) = run(&spec, &["lint", "--strict", "--format", "json"]);
    assert_eq!(code, Some(1));
    let findings: Vec<String> =
        value["findings"].as_array().unwrap().iter().map(|f| f["message"].to_string()).collect();
    assert!(findings.iter().any(|m| m.contains("helm` 3.14.0 has no sha256 for arm64")), "{findings:?}");
    assert!(findings.iter().any(|m| m.contains("helm` 3.14.0 has no sha256 for amd64")), "{findings:?}");
}

fn dockerfile_step(spec: &str, title: &str) -> String {
    step(&dockerfile(spec), title).to_owned()
}

#[test]
fn a_base_or_image_without_digest_fails_plain_lint_and_no_comment_claims_a_pin() {
    let unpinned = spec("").replace(&format!(" digest=\"sha256:{}\"", "a".repeat(64)), "");
    let unpinned = unpinned
        .replace("service web {", "service cache {\n    image \"redis:7.2.4\"\n    port 6379\n}\nservice web {");
    let (code, value) = run(&unpinned, &["lint", "--format", "json"]);
    assert_eq!(code, Some(1), "plain lint fails: {value}");
    let findings = codes(&value, "findings");
    assert!(findings.contains(&"inception::lint::base_without_digest".to_owned()), "{findings:?}");
    assert!(findings.contains(&"inception::lint::image_without_digest".to_owned()), "{findings:?}");
    let dockerfile = dockerfile(&unpinned);
    let header: String = dockerfile.lines().take_while(|l| !l.starts_with("FROM")).collect::<Vec<_>>().join("\n");
    assert!(!header.contains("pinned by digest and"), "{header}");
    assert!(header.contains("NOT pinned by digest"), "{header}");
    let pinned = dockerfile_header(&spec(""));
    assert!(pinned.contains("the base is\n# pinned by digest"), "{pinned}");
}

fn dockerfile_header(spec: &str) -> String {
    dockerfile(spec).lines().take_while(|l| !l.starts_with("FROM")).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_snapshot_freezes_debian_and_the_python_tools_dependencies() {
    let floating = spec("    python \"3.12.4\"\n    apt jq\n    pip pre-commit \"3.7.1\"");
    let (code, value) = run(&floating, &["lint", "--strict", "--format", "json"]);
    assert_eq!(code, Some(1));
    let findings = codes(&value, "findings");
    assert!(findings.contains(&"inception::lint::apt_without_version".to_owned()), "{findings:?}");
    assert!(findings.contains(&"inception::lint::pip_without_snapshot".to_owned()), "{findings:?}");
    let frozen = floating.replace("    apt jq\n", "    apt jq\n    snapshot \"2026-11-01T00:00:00Z\"\n");
    let (code, value) = run(&frozen, &["lint", "--strict", "--format", "json"]);
    assert_eq!(code, Some(0), "{value}");
    let dockerfile = dockerfile(&frozen);
    assert!(dockerfile.contains("http://snapshot.debian.org/archive/debian/20261101T000000Z $codename main"));
    assert!(dockerfile.contains("http://snapshot.debian.org/archive/debian-security/20261101T000000Z"));
    assert!(
        dockerfile.contains("uv tool install --python 3.12.4 --exclude-newer 2026-11-01T00:00:00Z pre-commit==3.7.1")
    );
    for bad in ["2026-11-01", "2026-13-01T00:00:00Z", "2026-11-01T00:00:00+01:00"] {
        let spec = floating.replace("    apt jq\n", &format!("    apt jq\n    snapshot \"{bad}\"\n"));
        let (code, value) = run(&spec, &["lint", "--format", "json"]);
        assert_eq!(code, Some(2), "{bad}");
        assert_eq!(value["errors"][0]["code"], "inception::model::malformed_value", "{bad}: {value}");
    }
}

#[test]
fn every_reference_environment_passes_lint_strict() {
    for (name, _) in crate::support::environments() {
        let out = inception(&root().join("environments").join(&name), &["lint", "--strict"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {:?}", text(&out));
    }
}

#[test]
fn key_vault_credentials_of_backing_services_get_their_identity_module() {
    let text = std::fs::read_to_string(root().join("environments/polyglot/inception.kdl")).unwrap();
    let compiled = pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl").unwrap();
    let outputs = compiled.outputs();
    assert!(outputs["infra/main.bicep"].contains("'./modules/workload-identity.bicep'"));
    assert!(outputs.contains_key("infra/modules/workload-identity.bicep"), "the module main.bicep calls exists");
}
