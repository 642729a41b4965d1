//! The wiring check (`scripts/wiring_check.py`), for real: it passes on every
//! tier of every golden tree, and fails on deliberately broken copies of the
//! reference tree: a consumer whose host names no Service, a `secretKeyRef`
//! to a Secret nothing makes, a Bitnami image, a local tier larger than its
//! Minikube, and a chart that makes a password at render time.
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
    let dir = TempDir::new("wiring");
    let status =
        Command::new("cp").arg("-R").arg(root().join("golden/serenity/.")).arg(dir.path()).status().expect("cp");
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
        "replicas: 1  # concession debug: one pod, so the debugger sees every request\n",
        "replicas: 1\nresources:\n  requests:\n    cpu: \"16\"\n    memory: 64Gi\n  limits:\n    cpu: \"16\"\n    memory: 64Gi\n",
        "minikube: the tier requests",
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
