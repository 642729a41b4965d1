//! `deploy/bootstrap/TIER.sh` (through `templates/bootstrap/bootstrap.sh.j2`)
//! and, for Minikube tiers, `deploy/bootstrap/local-git-server.yaml`: the
//! values of the generic chart released as `inception-git` in Argo CD's
//! namespace, which serves a snapshot of the developer's workspace with
//! `git daemon` (Argo CD reads `git://` repositories), so that the local
//! tier runs what was compiled without a push or a merge.
//!
//! The snapshot: every few seconds the container stages the mounted
//! workspace (read-only, `.gitignore` honoured) into its own index and bare
//! repository, and commits it to `main` when the tree changed. The
//! developer's own `.git` is never written. The image is Argo CD's own
//! (pinned, already on the node, and it ships git).

use serde::Serialize;

use super::RenderError;
use super::argocd_install::ARGO_CD_CHART;
use super::banner::{Comment, banner};
use super::helm_values::{HotReload, Image, Probe, Quantities, Resources, Values};
use super::templates::{TEMPLATE_BOOTSTRAP, render};
use super::trace::{Paths, Traced, Tracer};
use crate::layout;
use crate::model::{Cluster, Model, Tier};
use crate::plan::kubernetes::{oci_repositories, platform_credentials};
use crate::plan::sizing;
use crate::plan::workload::{LOCAL_GIT_SERVICE, origin};

/// Argo CD's image, which the git server reuses (argo-helm 10.1.1's appVersion).
pub(crate) const ARGO_CD_IMAGE: (&str, &str) = ("quay.io/argoproj/argocd", "v3.4.4");
/// Where the workspace is mounted in the git server.
const WORKSPACE_MOUNT: &str = "/workspace";
/// `git daemon`'s port.
pub(crate) const GIT_PORT: u16 = 9418;

/// The git server's program: the snapshot loop in the background, the daemon in front.
const GIT_SERVER_SCRIPT: &str = r#"set -eu
export HOME=/tmp GIT_AUTHOR_NAME=inception GIT_AUTHOR_EMAIL=inception@localhost
export GIT_COMMITTER_NAME=inception GIT_COMMITTER_EMAIL=inception@localhost
repo=/tmp/git/workspace.git
git init -q --bare --initial-branch=main "$repo"
git config --global safe.directory '*'
snapshot() {
  last=
  while :; do
    if tree=$(GIT_DIR="$repo" GIT_WORK_TREE=/workspace GIT_INDEX_FILE=/tmp/index sh -c 'git add -A && git write-tree'); then
      if [ "$tree" != "$last" ]; then
        commit=$(echo "workspace snapshot" | GIT_DIR="$repo" git commit-tree "$tree")
        GIT_DIR="$repo" git update-ref refs/heads/main "$commit"
        last=$tree
      fi
    fi
    sleep 5
  done
}
snapshot &
exec git daemon --reuseaddr --export-all --base-path=/tmp/git --port=9418 /tmp/git
"#;

#[derive(Serialize)]
struct SecretView {
    name: String,
    service: String,
    #[serde(rename = "type")]
    kind: String,
    username: String,
}

/// The generated files the script names, from the layout.
#[derive(Serialize)]
struct PathsView {
    tier_dir: String,
    wiring: &'static str,
    argocd_values: &'static str,
    chart: &'static str,
    git_server: &'static str,
    repositories: String,
    project: String,
    project_bootstrap: String,
    root: String,
}

#[derive(Serialize)]
struct BootstrapView {
    paths: PathsView,
    banner: String,
    tier: String,
    cluster: &'static str,
    local: bool,
    cpus: u32,
    memory: u32,
    requests_cpu: String,
    requests_memory: u32,
    kubernetes: String,
    addons: String,
    workspace: String,
    secrets: Vec<SecretView>,
    declared: Vec<String>,
    argocd_chart: &'static str,
    argocd_repo: &'static str,
    argocd_version: &'static str,
    git_release: &'static str,
    repo_secret: String,
    repo_url: String,
    repositories: bool,
}

/// `deploy/bootstrap/TIER.sh`.
///
/// # Errors
/// A template error, or an unknown tier (bugs).
pub(super) fn render_bootstrap(model: &Model, tier: &Tier, spec_name: &str, path: &str) -> Result<Traced, RenderError> {
    let local = tier.cluster.value == Cluster::Minikube;
    let (cpus, memory) = sizing::minikube_size(model, tier);
    let total = sizing::tier_requests(model, tier).total();
    let kubernetes = super::devcontainer::kubernetes_version_flag(model);
    let secrets = platform_credentials(model)
        .into_iter()
        .map(|c| SecretView { name: c.secret, service: c.owner, kind: c.kind.to_owned(), username: c.username })
        .collect();
    let name = tier.name.value.as_str();
    let paths = PathsView {
        tier_dir: layout::argocd_tier_dir(name),
        wiring: layout::WIRING,
        argocd_values: layout::ARGOCD_VALUES,
        chart: layout::CHART_DIR,
        git_server: layout::LOCAL_GIT_SERVER,
        repositories: layout::argocd_repositories_dir(),
        project: layout::argocd_app(name, layout::PROJECT_APP),
        project_bootstrap: layout::argocd_app(name, layout::PROJECT_BOOTSTRAP_APP),
        root: layout::argocd_app(name, layout::ROOT_APP),
    };
    let view = BootstrapView {
        paths,
        banner: banner(Comment::Hash, spec_name),
        tier: tier.name.value.clone(),
        cluster: tier.cluster.value.as_str(),
        local,
        cpus,
        memory,
        requests_cpu: format!("{:.2}", f64::from(total.cpu_millis) / 1000.0),
        requests_memory: total.memory_mib,
        kubernetes,
        addons: crate::plan::exposure::minikube_addons(model),
        workspace: super::workspace_folder(model),
        secrets,
        declared: super::wiring::declared_secrets(model),
        argocd_chart: ARGO_CD_CHART.chart,
        argocd_repo: ARGO_CD_CHART.repo,
        argocd_version: ARGO_CD_CHART.version,
        git_release: LOCAL_GIT_SERVICE,
        repo_secret: format!("repo-{}", model.project.name.value),
        repo_url: model.project.repo.as_ref().map(|r| r.value.clone()).unwrap_or_default(),
        repositories: !oci_repositories(model).is_empty(),
    };
    Ok(Tracer::default().resolve(&render(TEMPLATE_BOOTSTRAP, &view, path)?))
}

/// The git server's values.
pub(crate) fn git_server_values(model: &Model) -> Values {
    let quantities = || Quantities { cpu: Some("50m".to_owned()), memory: Some("128Mi".to_owned()) };
    Values {
        image: Some(Image {
            repository: Some(ARGO_CD_IMAGE.0.to_owned()),
            tag: Some(ARGO_CD_IMAGE.1.to_owned()),
            ..Image::default()
        }),
        replicas: Some(1),
        command: Some(vec!["sh".to_owned(), "-c".to_owned(), GIT_SERVER_SCRIPT.to_owned()]),
        port: Some(GIT_PORT),
        probe: Some(Probe { kind: Some(super::helm_values::ProbeKind::Tcp), ..Probe::default() }),
        resources: Some(Resources {
            requests: Some(quantities()),
            limits: Some(Quantities { cpu: Some("500m".to_owned()), memory: Some("512Mi".to_owned()) }),
        }),
        hot_reload: Some(HotReload {
            host_path: Some(super::workspace_folder(model)),
            mount_path: Some(WORKSPACE_MOUNT.to_owned()),
        }),
        ..Values::default()
    }
}

/// `deploy/bootstrap/local-git-server.yaml`.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_git_server(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    for tier in model.tiers.iter().filter(|t| t.cluster.value == Cluster::Minikube) {
        paths.add("hotReload", origin::cluster(tier));
    }
    super::helm_values::render(&git_server_values(model), &paths, &[], path)
}
