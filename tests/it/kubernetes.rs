//! The Kubernetes output of the reference spec, checked against the facts of
//! issue 3: what each tier's values hold (and only that), the reasons beside
//! overrides, line provenance, sync waves, Argo CD wiring, and no trace of a
//! local concession in any cloud tier's files.

use std::collections::BTreeMap;

use inception::pipeline::{self, Compiled};
use inception::source::SourceFile;

use crate::support::root;

const CLOUD_TIERS: [&str; 4] = ["dev", "staging", "beta", "prod"];

pub(crate) fn compile(text: &str) -> Compiled {
    let source = SourceFile::new("inception.kdl", text);
    match pipeline::compile_source(&source, "inception.kdl") {
        Ok(compiled) => compiled,
        Err(error) => panic!("does not compile:\n{:?}", miette::Report::new(error)),
    }
}

fn serenity() -> Compiled {
    compile(&std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).expect("reference spec"))
}

pub(crate) fn file<'a>(compiled: &'a Compiled, path: &str) -> &'a str {
    compiled.artifact(path).map(|r| r.text.as_str()).unwrap_or_else(|| panic!("`{path}` is not produced"))
}

/// The lines that carry data: no banner, no blank or comment-only line.
fn data_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).collect()
}

/// The spec nodes (name, line) the given line of a generated file comes from.
fn origins_of(compiled: &Compiled, path: &str, needle: &str) -> Vec<(String, usize)> {
    let text = file(compiled, path);
    let index = text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}` in {path}"));
    let source = &compiled.loaded.source;
    compiled.artifact(path).unwrap().lines[index]
        .iter()
        .map(|o| (o.node.to_string(), source.line_of(o.span.into())))
        .collect()
}

fn spec_line(compiled: &Compiled, needle: &str) -> usize {
    let text = compiled.loaded.source.text();
    text.lines().position(|l| l.contains(needle)).expect("needle in spec") + 1
}

#[test]
fn prod_pricing_holds_the_override_with_its_reason_beside_it() {
    let compiled = serenity();
    let path = "deploy/values/pricing/values-prod.yaml";
    let prod = file(&compiled, path);
    assert!(prod.contains("\nreplicas: 6  # reason: Asian and US trading hours overlap\n"), "{prod}");
    assert!(prod.contains("\nresources:  # reason: Asian and US trading hours overlap\n"), "{prod}");
    assert!(
        prod.contains("  requests:\n    cpu: \"2\"\n    memory: 4Gi\n  limits:\n    cpu: \"2\"\n    memory: 4Gi\n"),
        "{prod}"
    );
    let override_line = spec_line(&compiled, "tier prod reason=");
    for needle in ["replicas: 6", "memory: 4Gi"] {
        assert_eq!(
            origins_of(&compiled, path, needle),
            [("service pricing/tier prod".to_owned(), override_line)],
            "{needle}"
        );
    }
    assert!(!file(&compiled, path).contains("image"), "a cloud tier's image is in its Application");
    let app = "deploy/argocd/prod/pricing.yaml";
    let prod = compiled.loaded.model.tier("prod").unwrap();
    let digest = &prod.image("pricing").unwrap().digest.value;
    let image_line = spec_line(&compiled, &format!("image pricing \"{digest}\""));
    assert_eq!(
        origins_of(&compiled, app, &format!("value: {digest}")),
        [("tier prod/image pricing".to_owned(), image_line)]
    );
    let revision_line = spec_line(&compiled, &format!("revision \"{}\"", prod.revision.value));
    assert_eq!(
        origins_of(&compiled, app, &format!("targetRevision: {}", prod.revision.value)),
        [("tier prod/revision".to_owned(), revision_line)]
    );
}

#[test]
fn cloud_pricing_values_hold_only_the_zone_spread_and_local_builds_its_tag() {
    let compiled = serenity();
    for tier in ["dev", "staging", "beta"] {
        let text = file(&compiled, &format!("deploy/values/pricing/values-{tier}.yaml"));
        assert_eq!(
            data_lines(text),
            ["spread:  # cluster aks, more than one replica: spread across the cluster's zones", "  zones: true"],
            "{tier}: the image is pinned by the Application; two replicas spread\n{text}"
        );
    }
    // One replica (risk) has nothing to spread; the local tier has one node.
    assert!(!file(&compiled, "deploy/values/risk/values-prod.yaml").contains("spread"));
    assert!(!file(&compiled, "deploy/values/pricing/values-local.yaml").contains("spread"));
    let local = file(&compiled, "deploy/values/pricing/values-local.yaml");
    assert!(local.contains("image:\n  tag: HEAD\n  pullPolicy: Never"), "{local}");
}

#[test]
fn sync_waves_are_the_depth_in_the_needs_graph() {
    let compiled = serenity();
    let expected =
        [("kafka", 0), ("timescaledb", 0), ("redis", 0), ("marketdata", 1), ("pricing", 2), ("risk", 3), ("api", 4)];
    for tier in ["local", "dev", "staging", "beta", "prod"] {
        for (service, wave) in expected {
            let app = file(&compiled, &format!("deploy/argocd/{tier}/{service}.yaml"));
            assert!(app.contains(&format!("argocd.argoproj.io/sync-wave: \"{wave}\"\n")), "{tier}/{service}:\n{app}");
        }
        // Observability and the operators never wait on an application's health.
        for (app, wave) in [
            ("argocd", -5),
            ("operator-cloudnative-pg", -4),
            ("operator-strimzi", -4),
            ("observability-prometheus", -2),
        ] {
            let text = file(&compiled, &format!("deploy/argocd/{tier}/{app}.yaml"));
            assert!(text.contains(&format!("sync-wave: \"{wave}\"\n")), "{tier}/{app}:\n{text}");
        }
        if tier != "local" {
            let credentials = file(&compiled, &format!("deploy/argocd/{tier}/credentials.yaml"));
            assert!(credentials.contains("sync-wave: \"-3\"\n"), "credentials exist before the providers");
        }
    }
    let azurite = file(&compiled, "deploy/argocd/local/azurite.yaml");
    assert!(azurite.contains("sync-wave: \"-1\""), "the emulator comes before the services");
    let values = file(&compiled, "deploy/bootstrap/argocd-values.yaml");
    assert!(values.contains("    resource.customizations.health.argoproj.io_Application: |"), "{values}");
    assert!(!compiled.outputs().contains_key("deploy/argocd/argocd-cm.yaml"), "argocd-cm is the chart's, not ours");
}

#[test]
fn no_cloud_tier_file_carries_a_local_concession() {
    let compiled = serenity();
    let traces =
        ["azurite", "devstoreaccount", "debugpy", "hostpath", "watchfiles", "5678", "/workspaces", "pullpolicy: never"];
    let mut scanned = 0;
    for tier in CLOUD_TIERS {
        let own = |path: &str| {
            path.starts_with(&format!("deploy/argocd/{tier}/")) || path.ends_with(&format!("/values-{tier}.yaml"))
        };
        for (path, text) in compiled.outputs().iter().filter(|(path, _)| own(path)) {
            scanned += 1;
            let lower = text.to_lowercase();
            for trace in traces {
                assert!(!lower.contains(trace), "{path} mentions `{trace}`:\n{text}");
            }
        }
    }
    assert!(scanned > 60, "scanned only {scanned} files");
    assert!(
        !compiled.outputs().keys().any(|p| CLOUD_TIERS.iter().any(|t| p == &format!("deploy/argocd/{t}/azurite.yaml")))
    );
    let local = file(&compiled, "deploy/values/risk/values-local.yaml").to_lowercase();
    for trace in ["devstoreaccount", "debugpy", "hostpath", "watchfiles", "5678", "pullpolicy: never"] {
        assert!(local.contains(trace), "the local tier should show `{trace}`");
    }
}

#[test]
fn needs_become_host_and_port_variables_named_after_the_dependency() {
    let compiled = serenity();
    let pricing = file(&compiled, "deploy/values/pricing/values.yaml");
    for line in [
        "MARKETDATA_HOST: marketdata",
        "MARKETDATA_PORT: \"8000\"",
        "REDIS_HOST: redis",
        "REDIS_PORT: \"6379\"",
        "REDIS_USER: default",
    ] {
        assert!(pricing.contains(&format!("  {line}\n")), "{line}:\n{pricing}");
    }
    assert!(
        pricing.contains("credentialEnv:\n  REDIS_PASSWORD:\n    name: redis-credentials\n    key: password\n"),
        "{pricing}"
    );
    assert!(pricing.contains("  REDIS_URL: redis://$(REDIS_USER):$(REDIS_PASSWORD)@redis:6379/0\n"), "{pricing}");
    let risk = file(&compiled, "deploy/values/risk/values.yaml");
    assert!(
        risk.contains("  TIMESCALEDB_HOST: timescaledb-rw\n  TIMESCALEDB_PORT: \"5432\"\n  TIMESCALEDB_USER: app\n"),
        "{risk}"
    );
    assert!(risk.contains("  TIMESCALEDB_PASSWORD:\n    name: timescaledb-credentials\n    key: password\n"), "{risk}");
    // The database is created with the password risk reads: the same Secret.
    let database = file(&compiled, "deploy/argocd/prod/timescaledb.yaml");
    assert!(database.contains("            secret:\n              name: timescaledb-credentials\n"), "{database}");
    let needs_line = spec_line(&compiled, "needs marketdata redis");
    let origins = origins_of(&compiled, "deploy/values/pricing/values.yaml", "MARKETDATA_HOST");
    assert_eq!(origins, [("service pricing/needs marketdata".to_owned(), needs_line)]);
}

#[test]
fn argo_applications_point_at_files_and_projects_that_exist() {
    let compiled = serenity();
    let mut checked = 0;
    for (path, text) in
        compiled.outputs().iter().filter(|(p, _)| p.starts_with("deploy/argocd/") && p.ends_with(".yaml"))
    {
        if !text.contains("\nkind: Application\n") {
            continue;
        }
        let tier = path.split('/').nth(2).expect("deploy/argocd/TIER/…");
        let bootstrap = path.ends_with("/root.yaml") || path.ends_with("/argocd.yaml");
        let project = if bootstrap { format!("serenity-{tier}-bootstrap") } else { format!("serenity-{tier}") };
        assert!(text.contains(&format!("  project: {project}\n")), "{path}");
        assert!(compiled.outputs().contains_key(&format!("deploy/argocd/{tier}/project.yaml")));
        for value_file in text.lines().filter_map(|l| l.trim().strip_prefix("- ../../")) {
            let target = format!("deploy/{value_file}");
            let operators = value_file.rsplit('/').next().is_some_and(|f| f.starts_with("azure-"));
            if operators {
                // Written by the operator from the Azure deployment, so optional.
                assert!(text.contains("ignoreMissingValueFiles: true"), "{path}: {target} must be optional");
                assert!(!compiled.outputs().contains_key(&target), "{path}: inception must not own {target}");
                continue;
            }
            assert!(compiled.outputs().contains_key(&target), "{path}: valueFile {target} is not generated");
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 5 * 2, "two generated value files per built service and tier");
    let credentials = file(&compiled, "deploy/argocd/prod/credentials.yaml");
    assert!(credentials.contains("- ../../values/credentials/azure-prod.yaml\n      valuesObject:"), "{credentials}");
    let risk = file(&compiled, "deploy/argocd/prod/risk.yaml");
    assert!(risk.contains("- ../../values/risk/azure-prod.yaml\n      ignoreMissingValueFiles: true\n"), "{risk}");
    let local = file(&compiled, "deploy/argocd/local/risk.yaml");
    assert!(!local.contains("azure-"), "the local tier has no Azure deployment: {local}");
    let redis = file(&compiled, "deploy/argocd/prod/redis.yaml");
    assert!(
        redis.contains(
            "repoURL: registry-1.docker.io/cloudpirates\n    chart: redis\n    targetRevision: \"0.34.18\"\n"
        ),
        "{redis}"
    );
    let registered = file(&compiled, "deploy/argocd/repositories/registry-1-docker-io-cloudpirates.yaml");
    assert!(registered.contains("enableOCI: \"true\""), "{registered}");
    let timescale = file(&compiled, "deploy/argocd/prod/timescaledb.yaml");
    assert!(
        timescale.contains("repoURL: https://cloudnative-pg.github.io/charts\n    chart: cluster\n"),
        "{timescale}"
    );
    assert!(!compiled.outputs().values().any(|text| text.contains("bitnami")), "no Bitnami chart or image anywhere");
    // The local tier reads the in-cluster snapshot of the workspace, never the remote repository.
    for (path, text) in compiled.outputs().iter().filter(|(p, _)| p.starts_with("deploy/argocd/local/")) {
        assert!(!text.contains("github.com"), "{path} reads the remote repository");
    }
    let kafka = file(&compiled, "deploy/argocd/local/kafka.yaml");
    assert!(
        kafka.contains(
            "repoURL: git://inception-git.argocd.svc.cluster.local/workspace.git\n    path: deploy/backing/kafka\n"
        ),
        "{kafka}"
    );
}

#[test]
fn launch_json_attaches_to_every_python_service_through_its_own_port() {
    let compiled = serenity();
    let launch = file(&compiled, ".vscode/launch.json");
    assert!(launch.starts_with("// Generated by inception"), "JSONC banner");
    let json: String = launch.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let value: serde_json::Value = serde_json::from_str(&json).expect("launch.json is JSON once comments are dropped");
    let configurations = value["configurations"].as_array().expect("configurations");
    let ports: Vec<u64> = configurations.iter().filter_map(|c| c["connect"]["port"].as_u64()).collect();
    assert_eq!(ports, [5678, 5679, 5680, 5681]);
    let pricing = &configurations[1];
    assert_eq!(pricing["pathMappings"][0]["localRoot"], "${workspaceFolder}/services/pricing");
    assert_eq!(pricing["pathMappings"][0]["remoteRoot"], "/app");
    assert!(launch.contains("// kubectl port-forward -n local deploy/pricing 5679:5678\n"), "{launch}");
}

/// A project with one Minikube tier granting every concession, before its services.
pub(crate) const LOCAL_PROJECT: &str = r#"inception 1
project mixed {
    repo "https://example.com/mixed.git"
    registry "example.azurecr.io"
}
toolchain {
    base "mcr.microsoft.com/devcontainers/base:1.0.9-bookworm" digest="sha256:0d5ad26f1e3a4ab0b1e4b2a7e9a3c3f1a7e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4"
    tool minikube "1.33.1"
    docker-in-docker "26.1.4"
}
tier local {
    cluster minikube
    revision HEAD
    concession hot-reload
    concession debug
    concession storage-emulator
}
"#;

fn mixed() -> String {
    format!("{LOCAL_PROJECT}{MIXED_SERVICES}")
}

const MIXED_SERVICES: &str = r#"service web {
    build "services/web"
    run node server.js
    port 3000
}
service worker {
    build "services/worker"
    run "/usr/local/bin/python3.12" -m worker
    port 8081
    env MODE=batch
}
service cache {
    image "docker.io/library/redis:7.2.5"
    port 6379
    health tcp
}
"#;

#[test]
fn only_build_services_of_a_known_runtime_are_debugged_and_reloaded() {
    let compiled = compile(&mixed());
    let web = file(&compiled, "deploy/values/web/values-local.yaml");
    assert!(
        web.contains(
            "args:  # concession hot-reload, debug\n- node\n- --watch\n- --inspect=0.0.0.0:9229\n- server.js\n"
        ),
        "{web}"
    );
    assert!(!web.contains("devTools"), "node needs no tools installed:\n{web}");
    let worker = file(&compiled, "deploy/values/worker/values-local.yaml");
    assert!(worker.contains("- /usr/local/bin/python3.12 -m debugpy --listen 0.0.0.0:5678 -m worker\n"), "{worker}");
    assert!(worker.contains("hostPath: /workspaces/mixed/services/worker"), "{worker}");
    let cache = file(&compiled, "deploy/values/cache/values-local.yaml");
    assert_eq!(data_lines(cache), ["{}"], "a prebuilt image differs in nothing:\n{cache}");
    let shared = file(&compiled, "deploy/values/cache/values.yaml");
    assert!(shared.contains("  repository: docker.io/library/redis\n  tag: \"7.2.5\"\n"), "{shared}");
    let launch = file(&compiled, ".vscode/launch.json");
    assert_eq!(launch.matches("\"request\": \"attach\"").count(), 2, "{launch}");
    assert!(!compiled.outputs().contains_key("deploy/argocd/local/azurite.yaml"), "no service uses storage");
}

#[test]
fn without_a_repo_there_is_no_argo_cd_but_the_chart_and_values_remain() {
    let compiled = compile(&mixed().replace("    repo \"https://example.com/mixed.git\"\n", ""));
    let paths: BTreeMap<&str, ()> = compiled.artifacts.iter().map(|r| (r.path(), ())).collect();
    assert!(!paths.keys().any(|p| p.starts_with("deploy/argocd/")), "{paths:?}");
    assert!(paths.contains_key("deploy/charts/service/values.schema.json"));
    assert!(paths.contains_key("deploy/values/web/values.yaml"));
}

#[test]
fn reserved_names_are_exactly_the_files_a_tier_folder_holds_besides_services() {
    use inception::model::vocabulary::{RESERVED_SERVICE_PREFIXES, RESERVED_SERVICES, RESERVED_TIERS};
    let text = std::fs::read_to_string(crate::support::root().join("environments/serenity/inception.kdl")).unwrap();
    let source = inception::source::SourceFile::new("inception.kdl", text);
    let compiled = inception::pipeline::compile_source(&source, "inception.kdl").expect("compiles");
    let model = &compiled.loaded.model;
    let mut others: Vec<String> = compiled
        .outputs()
        .keys()
        .filter_map(|p| {
            let (tier, file) = p.strip_prefix("deploy/argocd/")?.split_once('/')?;
            model.tier(tier)?;
            file.strip_suffix(".yaml").map(str::to_owned)
        })
        .filter(|stem| model.service(stem).is_none() && !RESERVED_SERVICE_PREFIXES.iter().any(|p| stem.starts_with(p)))
        .collect();
    // The local git server's release lives in Argo CD's namespace, with no file of its own there.
    others.push("inception-git".to_owned());
    others.sort();
    others.dedup();
    assert_eq!(others, RESERVED_SERVICES, "a file of deploy/argocd/TIER/ that a service name could take");
    let folders: std::collections::BTreeSet<&str> = compiled
        .artifacts
        .iter()
        .map(|r| r.path())
        .filter_map(|p| p.strip_prefix("deploy/argocd/")?.split_once('/').map(|(folder, _)| folder))
        .filter(|folder| model.tier(folder).is_none())
        .collect();
    assert_eq!(folders.into_iter().collect::<Vec<_>>(), RESERVED_TIERS);
}

#[test]
fn lint_fails_a_local_tier_that_cannot_fit_the_developer_vm() {
    use crate::support::{edit, inception, text, with_reference_spec};
    let dir = with_reference_spec("sizing");
    let ok = inception(dir.path(), &["lint"]);
    assert_eq!(ok.status.code(), Some(0), "{:?}", text(&ok));
    edit(&dir.path().join("inception.kdl"), "size=Standard_D8s_v5", "size=Standard_D4s_v5");
    let out = inception(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let (stdout, _) = text(&out);
    assert!(stdout.contains("inception::lint::local_tier_too_large"), "{stdout}");
    assert!(stdout.contains("Standard_D4s_v5 has 4 CPUs"), "{stdout}");
    // A size of the newer families is known (Dasv5: 8 vCPUs, 32 GiB fits the reference's local tier) …
    edit(&dir.path().join("inception.kdl"), "size=Standard_D4s_v5", "size=Standard_D8as_v5");
    let known = inception(dir.path(), &["lint"]);
    assert_eq!(known.status.code(), Some(0), "{:?}", text(&known));
    // … and one inception does not know is a finding that names it, never a guess.
    edit(&dir.path().join("inception.kdl"), "size=Standard_D8as_v5", "size=Standard_D8pls_v9");
    let unknown = inception(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(unknown.status.code(), Some(1), "{:?}", text(&unknown));
    let (stdout, _) = text(&unknown);
    assert!(stdout.contains("inception::lint::unknown_vm_size"), "{stdout}");
    assert!(stdout.contains("Standard_D8pls_v9"), "{stdout}");
    // The bootstrap starts Minikube with the size the spec asks for.
    let compiled = serenity();
    let bootstrap = file(&compiled, "deploy/bootstrap/local.sh");
    let wiring: serde_json::Value = serde_json::from_str(file(&compiled, "deploy/wiring.json")).unwrap();
    let size = &wiring["tiers"][0]["minikube"];
    assert!(bootstrap.contains(&format!("--cpus={} --memory={}", size["cpus"], size["memoryMib"])), "{bootstrap}");
}
