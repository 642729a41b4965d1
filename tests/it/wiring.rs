//! The wiring check (`scripts/wiring_check.py`), for real: it passes on every
//! tier of every golden tree, and fails on deliberately broken copies of the
//! reference tree: a consumer whose host names no Service, a `secretKeyRef`
//! to a Secret nothing makes, a Bitnami image, a local tier larger than its
//! Minikube, a NetworkPolicy rule or a service's policy file missing, and a
//! chart that makes a password at render time.
//!
//! Needs the validators' Python (with PyYAML) and helm from
//! `scripts/install-tools` (`$INCEPTION_TOOLS`, default `.tools`); without
//! them it fails, naming the install step.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{TempDir, edit, root};

fn tools() -> PathBuf {
    std::env::var_os("INCEPTION_TOOLS").map_or_else(|| root().join(".tools"), PathBuf::from)
}

fn check(trees: &[&Path]) -> (i32, String) {
    let python = tools().join("venv/bin/python");
    let helm = tools().join("bin/helm");
    assert!(
        python.is_file() && helm.is_file(),
        "no {} or {}: run scripts/install-tools",
        python.display(),
        helm.display()
    );
    let state = TempDir::new("wiring-state");
    let out: Output = Command::new(&python)
        .arg(root().join("scripts/wiring_check.py"))
        .arg("--helm")
        .arg(&helm)
        .args(trees)
        .env("HOME", state.path())
        .env("HELM_CACHE_HOME", state.path().join("cache"))
        .env("HELM_CONFIG_HOME", state.path().join("config"))
        .env("HELM_DATA_HOME", state.path().join("data"))
        .output()
        .expect("run the wiring check");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// A writable copy of golden/serenity.
fn copy() -> TempDir {
    copy_of("serenity")
}

/// A writable copy of golden/TREE.
fn copy_of(tree: &str) -> TempDir {
    let dir = TempDir::new("wiring");
    let status =
        Command::new("cp").arg("-R").arg(root().join(format!("golden/{tree}/."))).arg(dir.path()).status().expect("cp");
    assert!(status.success());
    crate::support::make_writable(dir.path());
    dir
}

fn broken(label: &str, file: &str, from: &str, to: &str, expected: &str) {
    let dir = copy();
    edit(&dir.path().join(file), from, to);
    let (code, text) = check(&[dir.path()]);
    assert_eq!(code, 1, "{label}: the check passed a broken copy:\n{text}");
    assert!(text.contains(expected), "{label}: expected `{expected}` in:\n{text}");
}

#[test]
fn every_golden_tier_is_wired() {
    let trees: Vec<PathBuf> =
        crate::support::environments().into_iter().map(|(name, _)| root().join("golden").join(name)).collect();
    let refs: Vec<&Path> = trees.iter().map(PathBuf::as_path).collect();
    let (code, text) = check(&refs);
    assert_eq!(code, 0, "{text}");
    for tier in ["local", "dev", "staging", "beta", "prod"] {
        assert!(
            text.contains(&format!("ok  wiring  {}:{tier} (", root().join("golden/serenity").display())),
            "{tier}:\n{text}"
        );
    }
}

#[test]
fn a_host_that_names_no_service_fails() {
    broken(
        "host",
        "deploy/values/pricing/values.yaml",
        "  REDIS_HOST: redis\n",
        "  REDIS_HOST: redis-master\n",
        "REDIS_HOST=redis-master names no Service",
    );
}

#[test]
fn a_port_the_service_does_not_serve_fails() {
    broken(
        "port",
        "deploy/values/api/values.yaml",
        "  RISK_PORT: \"8000\"\n",
        "  RISK_PORT: \"8001\"\n",
        "RISK_PORT=8001, but Service risk serves ['8000']",
    );
}

#[test]
fn a_secret_key_ref_to_a_missing_secret_fails() {
    broken(
        "secret",
        "deploy/values/risk/values.yaml",
        "    name: timescaledb-credentials\n",
        "    name: timescaledb-password\n",
        "secretKeyRef timescaledb-password/password names no Secret",
    );
}

#[test]
fn a_bitnami_image_fails() {
    broken(
        "image",
        "deploy/values/api/values.yaml",
        "  repository: cloudwall.azurecr.io/serenity-api\n",
        "  repository: docker.io/bitnami/nginx\n  tag: 1.25.4\n",
        "comes from Bitnami",
    );
}

#[test]
fn a_local_tier_larger_than_its_minikube_fails() {
    broken(
        "minikube",
        "deploy/values/pricing/values-local.yaml",
        "  requests:\n    cpu: 250m\n    memory: 512Mi\n  limits:\n    cpu: \"1\"\n    memory: 1Gi\n",
        "  requests:\n    cpu: \"16\"\n    memory: 64Gi\n  limits:\n    cpu: \"16\"\n    memory: 64Gi\n",
        "minikube: the tier requests",
    );
}

#[test]
fn a_missing_network_allow_rule_fails() {
    // pricing needs redis: drop pricing's egress rule to the Redis pods.
    broken(
        "network",
        "deploy/network/prod/service-pricing.yaml",
        "  - to:\n    - podSelector:\n        matchLabels:\n          app.kubernetes.io/name: redis\n          app.kubernetes.io/instance: redis\n    ports:\n    - protocol: TCP\n      port: 6379\n",
        "",
        "network: pricing needs redis:6379: no NetworkPolicy lets app.kubernetes.io/name=pricing",
    );
}

#[test]
fn a_missing_service_policy_file_fails() {
    // Every file of the tier's folder is synced: without pricing's, nothing lets it reach redis.
    let dir = copy();
    std::fs::remove_file(dir.path().join("deploy/network/prod/service-pricing.yaml")).expect("remove");
    let (code, text) = check(&[dir.path()]);
    assert_eq!(code, 1, "the check passed a broken copy:\n{text}");
    assert!(
        text.contains("network: pricing needs redis:6379: no NetworkPolicy lets app.kubernetes.io/name=pricing"),
        "{text}"
    );
}

#[test]
fn an_exposed_service_without_its_ingress_controller_fails() {
    // api is exposed: drop the rule admitting Minikube's ingress controller.
    broken(
        "ingress",
        "deploy/network/local/service-api.yaml",
        "  - from:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: ingress-nginx\n    ports:\n    - protocol: TCP\n      port: 8080\n",
        "",
        "network: Ingress api: no NetworkPolicy lets app.kubernetes.io/name=api,app.kubernetes.io/instance=api receive from namespace ingress-nginx on 8080",
    );
}

#[test]
fn a_job_without_egress_to_what_it_needs_fails() {
    // polyglot's run-once job migrate needs postgres: drop its policy's egress.
    let dir = copy_of("polyglot");
    edit(
        &dir.path().join("deploy/network/staging/service-migrate.yaml"),
        "      app.kubernetes.io/name: migrate\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - podSelector:\n        matchLabels:\n          cnpg.io/cluster: postgres\n",
        "      app.kubernetes.io/name: migrate\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - podSelector:\n        matchLabels:\n          cnpg.io/cluster: elsewhere\n",
    );
    let (code, text) = check(&[dir.path()]);
    assert_eq!(code, 1, "the check passed a broken copy:\n{text}");
    assert!(text.contains("network: Job migrate-"), "{text}");
    assert!(text.contains("needs postgres-rw:5432: no NetworkPolicy lets app.kubernetes.io/name=migrate"), "{text}");
}

#[test]
fn a_missing_default_deny_fails() {
    broken(
        "deny",
        "deploy/network/local/tier.yaml",
        "  name: default-deny\n",
        "  name: default-deny\nspec:\n  podSelector:\n    matchLabels:\n      nothing: selected\n  policyTypes:\n  - Ingress\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unused\n",
        "network: no default-deny NetworkPolicy",
    );
}

#[test]
fn a_value_made_at_render_time_fails() {
    let dir = copy();
    let template = dir.path().join("deploy/charts/service/templates/service.yaml");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, format!("{text}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: made\nstringData:\n  password: {{{{ randAlphaNum 16 }}}}\n")).unwrap();
    let (code, text) = check(&[dir.path()]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("renders differently twice"), "{text}");
}

/// `helm template` of a golden service in a tier, as the documents' text.
fn render(service: &str, tier: &str) -> String {
    render_with(service, tier, &[])
}

/// The same, with extra `helm template` arguments (`--api-versions`).
fn render_with(service: &str, tier: &str, extra: &[&str]) -> String {
    let golden = root().join("golden/serenity/deploy");
    let out = Command::new(tools().join("bin/helm"))
        .args(["template", service])
        .arg(golden.join("charts/service"))
        .arg("-f")
        .arg(golden.join(format!("values/{service}/values.yaml")))
        .arg("-f")
        .arg(golden.join(format!("values/{service}/values-{tier}.yaml")))
        .args(["--namespace", tier])
        .args(extra)
        .output()
        .expect("run helm");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_workload_kit_probes_drains_and_spreads() {
    let pricing = render("pricing", "prod");
    for probe in ["startupProbe:", "readinessProbe:", "livenessProbe:"] {
        assert!(pricing.contains(probe), "{probe}:\n{pricing}");
    }
    let thresholds: Vec<&str> = pricing.lines().filter(|l| l.trim_start().starts_with("periodSeconds:")).collect();
    assert_eq!(thresholds.len(), 3, "three probes with their own periods: {thresholds:?}");
    assert!(thresholds.windows(2).all(|w| w[0] != w[1]), "startup, readiness and liveness differ: {thresholds:?}");
    assert!(pricing.contains("preStop:\n              sleep:\n                seconds: 5\n"), "{pricing}");
    assert!(pricing.contains("kind: PodDisruptionBudget"), "six replicas get a PDB");
    assert!(pricing.contains("topologyKey: topology.kubernetes.io/zone"), "spread across zones in the cloud");
    let risk = render("risk", "prod");
    assert!(!risk.contains("kind: PodDisruptionBudget"), "one replica: no PDB");
    let local = render("pricing", "local");
    assert!(!local.contains("livenessProbe:"), "under debug a paused process is not restarted");
    assert!(!local.contains("kind: PodDisruptionBudget"), "debug runs one replica");
    // Declared metrics: a ServiceMonitor where the cluster has the CRD (Argo CD passes its API versions).
    assert!(!pricing.contains("kind: ServiceMonitor"), "no CRD, no ServiceMonitor");
    let monitored = render_with("pricing", "prod", &["--api-versions", "monitoring.coreos.com/v1"]);
    assert!(monitored.contains("kind: ServiceMonitor") && monitored.contains("    - port: metrics\n"), "{monitored}");
    assert!(monitored.contains("      path: \"/metrics\"\n"), "{monitored}");
    // The concession tools reach the pod whatever the image holds.
    assert!(local.contains("initContainers:\n        - name: dev-tools\n"), "{local}");
    assert!(local.contains("- debugpy==1.8.0\n") && local.contains("- watchfiles==0.21.0\n"), "{local}");
    assert!(local.contains("- name: PYTHONPATH\n              value: \"/opt/inception-tools\""), "{local}");
}

/// The minimal environment with a repository, compiled: its worker, job,
/// scheduled job and exposed service deployed through Argo CD.
fn minimal_through_argocd() -> TempDir {
    let dir = TempDir::new("wiring-minimal");
    let spec = std::fs::read_to_string(root().join("environments/minimal/inception.kdl")).expect("minimal spec");
    let spec =
        spec.replacen("project hello {\n", "project hello {\n    repo \"https://github.com/example/hello.git\"\n", 1);
    std::fs::write(dir.path().join("inception.kdl"), spec).expect("write spec");
    let output = crate::support::inception(dir.path(), &["compile"]);
    assert!(output.status.success(), "{}", crate::support::text(&output).1);
    dir
}

#[test]
fn workers_and_jobs_are_wired_and_their_pods_checked() {
    let dir = minimal_through_argocd();
    let (code, text) = check(&[dir.path()]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("ok  wiring  "), "{text}");
    // The worker reaches web-public on its Service port, not the container's.
    edit(&dir.path().join("deploy/values/worker/values.yaml"), "WEB_PUBLIC_PORT: \"80\"", "WEB_PUBLIC_PORT: \"8080\"");
    // The scheduled job's pod is read: an unpinned image there fails.
    edit(&dir.path().join("deploy/values/nightly-report/values-local.yaml"), "tag: HEAD", "tag: latest");
    let (code, text) = check(&[dir.path()]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("WEB_PUBLIC_PORT=8080, but Service web-public serves ['80']"), "{text}");
    assert!(
        text.contains("CronJob nightly-report: image hello.azurecr.io/hello-nightly-report:latest is not pinned"),
        "{text}"
    );
}
