//! What bootstraps Argo CD for the tiers: per tier the AppProject and the
//! app of apps (`root.yaml`); for the cluster the OCI Helm repositories and
//! the `argocd-cm` health check that makes an app of apps wait for its
//! children. Bootstrap a tier with `kubectl apply -n argocd -f
//! deploy/argocd/argocd-cm.yaml -f deploy/argocd/repositories/ -f
//! deploy/argocd/TIER/project.yaml -f deploy/argocd/TIER/root.yaml`; the root
//! then syncs the rest of the tier's folder.

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::argocd::{
    ARGOCD_NAMESPACE, AppSource, Destination, Directory, IN_CLUSTER, Metadata, application, finish, project_name, repo,
    tier_paths,
};
use super::trace::{Paths, Traced};
use crate::layout::{self, repository_name};
use crate::model::{Cluster, Model, Source, Tier};
use crate::plan::kubernetes::observability_components;
use crate::plan::workload::{self, origin};

/// The Application health check: an Application is as healthy as Argo CD
/// says it is, and Progressing until it says anything.
const APPLICATION_HEALTH_LUA: &str = r#"hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
"#;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AppProject {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: ProjectSpec,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProjectSpec {
    description: String,
    source_repos: Vec<String>,
    destinations: Vec<Destination>,
    cluster_resource_whitelist: Vec<GroupKind>,
}

#[derive(Debug, Serialize)]
struct GroupKind {
    group: String,
    kind: String,
}

/// `deploy/argocd/TIER/project.yaml`: what the tier's Applications may pull
/// and where they may deploy. Cluster-scoped kinds: the tier's Namespace and
/// the RBAC of the observability charts.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_project(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    paths.add("metadata.name", origin::tier(tier));
    paths.add("spec.destinations", origin::tier(tier));
    paths.add("spec.description", origin::tier(tier));
    paths.add("spec.description", origin::cluster(tier));
    let mut repos = vec![repo(model)];
    paths.add("spec.sourceRepos", origin::repo(model).unwrap_or_else(|| origin::project(model)));
    for service in &model.services {
        if let Source::Chart(chart) = &service.source {
            repos.push(workload::chart_source(chart).0);
            paths.add("spec.sourceRepos", origin::source(service));
        }
    }
    for (component, from) in observability_components(model) {
        repos.push(super::observability::chart(component).repo.to_owned());
        paths.add("spec.sourceRepos", from);
    }
    let mut seen = std::collections::BTreeSet::new();
    repos.retain(|r| seen.insert(r.clone()));
    let group = |group: &str, kind: &str| GroupKind { group: group.to_owned(), kind: kind.to_owned() };
    let project = AppProject {
        api_version: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: Metadata {
            name: project_name(model, tier),
            namespace: ARGOCD_NAMESPACE.to_owned(),
            labels: IndexMap::from([("app.kubernetes.io/part-of".to_owned(), model.project.name.value.clone())]),
            annotations: IndexMap::new(),
            finalizers: Vec::new(),
        },
        spec: ProjectSpec {
            description: format!(
                "{}, tier {} ({})",
                model.project.name.value,
                tier.name.value,
                tier.cluster.value.as_str()
            ),
            source_repos: repos,
            destinations: vec![
                Destination { server: IN_CLUSTER.to_owned(), namespace: tier.name.value.clone() },
                Destination { server: IN_CLUSTER.to_owned(), namespace: ARGOCD_NAMESPACE.to_owned() },
            ],
            cluster_resource_whitelist: vec![
                group("", "Namespace"),
                group("rbac.authorization.k8s.io", "ClusterRole"),
                group("rbac.authorization.k8s.io", "ClusterRoleBinding"),
            ],
        },
    };
    finish(&project, &paths, path)
}

/// `deploy/argocd/TIER/root.yaml`: the app of apps, syncing this folder
/// (but itself) from the project's repository: a Minikube tier at its
/// revision, a cloud tier at the deploy branch (promotion never needs
/// `kubectl`: it changes this folder through a pull request).
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_root(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    paths.add("spec.source.repoURL", origin::repo(model).unwrap_or_else(|| origin::project(model)));
    // A cloud tier's Applications are read from the deploy branch, where a
    // promotion lands: they pin the revision and digests themselves.
    let target_revision = if tier.cluster.value == Cluster::Minikube {
        paths.add("spec.source.targetRevision", origin::revision(tier));
        tier.revision.value.clone()
    } else {
        paths.add("spec.source.targetRevision", origin::cluster(tier));
        workload::DEPLOY_BRANCH.to_owned()
    };
    let source = AppSource::<()> {
        repo_url: repo(model),
        chart: None,
        path: Some(layout::argocd_tier_dir(&tier.name.value)),
        target_revision,
        helm: None,
        directory: Some(Directory { recurse: false, exclude: layout::app_file(layout::ROOT_APP) }),
    };
    let mut root = application(model, tier, layout::ROOT_APP, 0, source);
    root.metadata.annotations.clear();
    root.spec.destination.namespace = ARGOCD_NAMESPACE.to_owned();
    root.spec.sync_policy.sync_options.clear();
    finish(&root, &paths, path)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Secret {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    string_data: IndexMap<String, String>,
}

/// `deploy/argocd/repositories/NAME.yaml`: an OCI Helm repository declared
/// to Argo CD (`enableOCI`). Public: no credentials.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_repository(model: &Model, url: &str, path: &str) -> Result<Traced, RenderError> {
    let name = repository_name(url);
    let mut paths = Paths::default();
    for service in &model.services {
        if let Source::Chart(chart) = &service.source
            && workload::is_oci(chart)
            && workload::chart_source(chart).0 == url
        {
            paths.add("stringData", origin::source(service));
        }
    }
    let secret = Secret {
        api_version: "v1",
        kind: "Secret",
        metadata: Metadata {
            name: format!("repo-{name}").chars().take(253).collect(),
            namespace: ARGOCD_NAMESPACE.to_owned(),
            labels: IndexMap::from([("argocd.argoproj.io/secret-type".to_owned(), "repository".to_owned())]),
            annotations: IndexMap::new(),
            finalizers: Vec::new(),
        },
        string_data: [("name", name.as_str()), ("type", "helm"), ("url", url), ("enableOCI", "true")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    };
    finish(&secret, &paths, path)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigMap {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    data: IndexMap<String, String>,
}

/// `deploy/argocd/argocd-cm.yaml`: restores the `argoproj.io/Application`
/// health check removed in Argo CD 1.8, so that an app of apps waits for
/// each sync wave's Applications to be healthy. Apply it over the installed
/// `argocd-cm` (`kubectl apply` merges the key in).
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_argocd_cm(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    for tier in &model.tiers {
        paths.add("data", origin::tier(tier));
    }
    let config = ConfigMap {
        api_version: "v1",
        kind: "ConfigMap",
        metadata: Metadata {
            name: "argocd-cm".to_owned(),
            namespace: ARGOCD_NAMESPACE.to_owned(),
            labels: IndexMap::from([
                ("app.kubernetes.io/name".to_owned(), "argocd-cm".to_owned()),
                ("app.kubernetes.io/part-of".to_owned(), "argocd".to_owned()),
            ]),
            annotations: IndexMap::new(),
            finalizers: Vec::new(),
        },
        data: IndexMap::from([(
            "resource.customizations.health.argoproj.io_Application".to_owned(),
            APPLICATION_HEALTH_LUA.to_owned(),
        )]),
    };
    finish(&config, &paths, path)
}
