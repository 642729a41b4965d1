//! What bootstraps Argo CD for the tiers: per tier the AppProjects and the
//! app of apps (`root.yaml`); for the cluster the OCI Helm repositories.
//! `deploy/bootstrap/TIER.sh` applies them after installing Argo CD; the
//! root then syncs the rest of the tier's folder.

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::argocd::{
    ARGOCD_NAMESPACE, AppSource, Destination, Directory, IN_CLUSTER, Metadata, application, finish, project_name, repo,
    tier_paths,
};
use super::argocd_install::{ARGO_CD_CHART, bootstrap_project_name};
use super::trace::{Paths, Traced};
use crate::layout::{self, repository_name};
use crate::model::{Cluster, Model, Source, Tier};
use crate::plan::kubernetes::observability_components;
use crate::plan::workload::{self, origin};
use crate::providers;

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

/// `deploy/argocd/TIER/project.yaml`: what the tier's workload Applications
/// may pull and where they may deploy: only the tier's namespace, and only
/// the cluster-scoped kinds what they deploy creates (the Namespace; the
/// operators' CRDs, webhooks and RBAC; the observability charts' RBAC).
/// Argo CD's namespace belongs to the bootstrap project.
///
/// # Errors
/// A serializer error, or an unknown tier (bugs).
pub(super) fn render_project(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    paths.add("metadata.name", origin::tier(tier));
    paths.add("spec.destinations", origin::tier(tier));
    paths.add("spec.description", origin::tier(tier));
    paths.add("spec.description", origin::cluster(tier));
    let mut repos = vec![repo(model, tier)];
    paths.add("spec.sourceRepos", origin::repo(model).unwrap_or_else(|| origin::project(model)));
    paths.add("spec.sourceRepos", origin::cluster(tier));
    for service in &model.services {
        match &service.source {
            Source::Chart(chart) => {
                repos.push(workload::chart_source(chart).0);
                paths.add("spec.sourceRepos", origin::source(service));
            }
            Source::Backing(kind) => {
                if let providers::Delivery::Chart { chart } = providers::provider(kind.value).delivery {
                    repos.push(chart.repo.to_owned());
                }
                paths.add("spec.sourceRepos", origin::source(service));
            }
            _ => {}
        }
    }
    let operators = crate::plan::kubernetes::operators(model);
    for (operator, sources) in &operators {
        repos.push(operator.chart.repo.to_owned());
        for from in sources {
            paths.add("spec.clusterResourceWhitelist", from.clone());
        }
    }
    let observability = observability_components(model);
    for (component, from) in &observability {
        if let Some(chart) = providers::observability_chart(*component) {
            repos.push(chart.repo.to_owned());
        }
        paths.add("spec.sourceRepos", from.clone());
        paths.add("spec.clusterResourceWhitelist", from.clone());
    }
    let mut seen = std::collections::BTreeSet::new();
    repos.retain(|r| seen.insert(r.clone()));
    let group = |group: &str, kind: &str| GroupKind { group: group.to_owned(), kind: kind.to_owned() };
    let mut cluster = vec![group("", "Namespace")];
    if !operators.is_empty() || !observability.is_empty() {
        cluster.push(group("rbac.authorization.k8s.io", "ClusterRole"));
        cluster.push(group("rbac.authorization.k8s.io", "ClusterRoleBinding"));
    }
    let crds = observability.iter().any(|(c, _)| providers::observability_chart(*c).is_some_and(|chart| chart.crds));
    if !operators.is_empty() || crds {
        cluster.push(group("apiextensions.k8s.io", "CustomResourceDefinition"));
        cluster.push(group("admissionregistration.k8s.io", "MutatingWebhookConfiguration"));
        cluster.push(group("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"));
    }
    let project = app_project(
        model,
        project_name(model, tier),
        format!("{}, tier {} ({})", model.project.name.value, tier.name.value, tier.cluster.value.as_str()),
        repos,
        tier.name.value.clone(),
        cluster,
    );
    finish(&project, &paths, path)
}

fn app_project(
    model: &Model,
    name: String,
    description: String,
    source_repos: Vec<String>,
    namespace: String,
    cluster_resource_whitelist: Vec<GroupKind>,
) -> AppProject {
    AppProject {
        api_version: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: Metadata {
            name,
            namespace: ARGOCD_NAMESPACE.to_owned(),
            labels: IndexMap::from([("app.kubernetes.io/part-of".to_owned(), model.project.name.value.clone())]),
            annotations: IndexMap::new(),
            finalizers: Vec::new(),
        },
        spec: ProjectSpec {
            description,
            source_repos,
            destinations: vec![Destination { server: IN_CLUSTER.to_owned(), namespace }],
            cluster_resource_whitelist,
        },
    }
}

/// `deploy/argocd/TIER/project-bootstrap.yaml`: the project of the tier's
/// root and of Argo CD itself: Argo CD's namespace only, from the tier's
/// repository and the argo-helm chart; cluster-scoped, only Argo CD's CRDs
/// and RBAC.
///
/// # Errors
/// A serializer error, or an unknown tier (bugs).
pub(super) fn render_bootstrap_project(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    paths.add("metadata.name", origin::tier(tier));
    paths.add("spec.sourceRepos", origin::repo(model).unwrap_or_else(|| origin::project(model)));
    paths.add("spec.sourceRepos", origin::cluster(tier));
    let group = |group: &str, kind: &str| GroupKind { group: group.to_owned(), kind: kind.to_owned() };
    let project = app_project(
        model,
        bootstrap_project_name(model, tier),
        format!("{}, tier {}: the app of apps and Argo CD itself", model.project.name.value, tier.name.value),
        vec![repo(model, tier), ARGO_CD_CHART.repo.to_owned()],
        ARGOCD_NAMESPACE.to_owned(),
        vec![
            group("apiextensions.k8s.io", "CustomResourceDefinition"),
            group("rbac.authorization.k8s.io", "ClusterRole"),
            group("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ],
    );
    finish(&project, &paths, path)
}

/// `deploy/argocd/TIER/root.yaml`: the app of apps, syncing this folder
/// (but itself) from the project's repository: a Minikube tier at its
/// revision, a cloud tier at the deploy branch (promotion never needs
/// `kubectl`: it changes this folder through a pull request).
///
/// # Errors
/// A serializer error, or an unknown tier (bugs).
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
        if let Some(branch) = &model.project.branch {
            paths.add("spec.source.targetRevision", crate::plan::Origin::new("project/branch", branch.span));
        }
        model.project.deploy_branch().to_owned()
    };
    let source = AppSource::<()> {
        repo_url: repo(model, tier),
        chart: None,
        path: Some(layout::argocd_tier_dir(&tier.name.value)),
        target_revision,
        helm: None,
        directory: Some(Directory { recurse: false, exclude: layout::app_file(layout::ROOT_APP), include: None }),
    };
    let mut root = application(model, tier, layout::ROOT_APP, 0, source);
    root.spec.project = bootstrap_project_name(model, tier);
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
