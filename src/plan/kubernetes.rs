//! The Kubernetes family: the generic Helm chart, each service's values (one
//! shared file and one per tier), Argo CD Applications, AppProjects and app
//! of apps per tier, observability, the storage emulator, the Argo CD
//! configuration, and VS Code attach configurations for `concession debug`.
//!
//! Argo CD files need the project's `repo` (Argo CD pulls the chart and the
//! values from it); without one, only the chart and the values are planned,
//! to be installed with `helm` directly. Service names `root`, `project`,
//! `azurite` and `observability-*` would collide with the tier's own files
//! under `deploy/argocd/TIER/`.

use super::workload::{self, origin};
use super::{Artifact, Component, Kind, Origin};
use crate::model::{BackingKind, Cluster, Concession, Model, Service, ServiceRef, Source, Tier};
use crate::providers;

/// The static Helm templates of the generic chart, by path inside the chart.
pub(crate) const CHART_TEMPLATES: [&str; 10] = [
    "templates/_helpers.tpl",
    "templates/cronjob.yaml",
    "templates/deployment.yaml",
    "templates/ingress.yaml",
    "templates/job.yaml",
    "templates/pdb.yaml",
    "templates/secretproviderclass.yaml",
    "templates/service.yaml",
    "templates/servicemonitor.yaml",
    "templates/serviceaccount.yaml",
];

/// Every file of the generic chart, by path inside the chart.
pub(crate) fn chart_files() -> Vec<&'static str> {
    let mut files = vec!["Chart.yaml", "values.yaml", "values.schema.json"];
    files.extend(CHART_TEMPLATES);
    files
}

/// The observability components of the spec, each with the node that pins it.
pub(crate) fn observability_components(model: &Model) -> Vec<(Component, Origin)> {
    let Some(observability) = &model.observability else {
        return Vec::new();
    };
    observability
        .components()
        .into_iter()
        .filter_map(|(name, node, span)| Some((Component::named(name)?, Origin::new(node, span))))
        .collect()
}

/// The nodes a service's shared `values.yaml` derives from.
pub(crate) fn shared_value_sources(model: &Model, service: &Service) -> Vec<Origin> {
    let mut sources = vec![origin::service(service), origin::source(service)];
    if matches!(service.source, Source::Build(_)) {
        sources.extend(origin::registry(model));
    }
    if let Some(port) = &service.port {
        sources.push(origin::child(service, "port", port.span));
    }
    if let Some(health) = &service.health {
        sources.push(origin::child(service, "health", health.span));
    }
    if let Some(metrics) = &service.metrics {
        sources.push(origin::child(service, "metrics", metrics.span));
    }
    for need in &service.needs {
        sources.push(origin::child(service, format_args!("needs {}", need.value), need.span));
        if let Some(port) = model.service(&need.value).and_then(|d| d.port.as_ref()) {
            sources.push(Origin::of(format_args!("service {}/port", need.value), port.span));
        }
    }
    sources.extend(service.env.iter().map(|p| origin::child(service, format_args!("env {}", p.key.value), p.key.span)));
    sources.extend(
        service.secrets.iter().map(|p| origin::child(service, format_args!("secret {}", p.key.value), p.key.span)),
    );
    sources.extend(service.storage.iter().map(|s| origin::child(service, format_args!("storage {}", s.value), s.span)));
    if !service.storage.is_empty() {
        sources.push(origin::project(model));
    }
    if let Some(resources) = &service.resources {
        sources.push(origin::child(service, "resources", resources.span));
    }
    sources.push(origin::replicas(service));
    sources
}

/// The nodes a service's `values-TIER.yaml` derives from: the revision and
/// the cluster when it builds locally (a cloud tier's digest is in its
/// Application), the override and the concessions that apply.
pub(crate) fn tier_value_sources(tier: &Tier, service: &Service) -> Vec<Origin> {
    let mut sources = vec![origin::service(service), origin::tier(tier)];
    if workload::builds_locally(tier, service) {
        sources.push(origin::revision(tier));
        sources.push(origin::cluster(tier));
    }
    if let Some(over) = service.override_for(&tier.name.value) {
        sources.push(origin::over(service, over));
    }
    for (_, kind) in Concession::ALL {
        if workload::concession_applies(tier, service, kind) {
            sources.extend(origin::concession(tier, kind));
        }
    }
    sources
}

/// Add the Kubernetes artifacts.
pub(crate) fn plan(model: &Model, artifacts: &mut Vec<Artifact>) {
    let generic: Vec<(ServiceRef, &Service)> = model.service_refs().filter(|(_, s)| s.uses_generic_chart()).collect();
    if !generic.is_empty() {
        let sources: Vec<Origin> = generic.iter().map(|(_, s)| origin::source(s)).collect();
        for file in chart_files() {
            artifacts.push(Artifact::new(model, Kind::HelmChart { file }, sources.clone()));
        }
    }
    for (at, service) in generic {
        let shared = Kind::HelmValues { service: at, tier: None };
        artifacts.push(Artifact::new(model, shared, shared_value_sources(model, service)));
        for (tier_at, tier) in model.tier_refs() {
            let kind = Kind::HelmValues { service: at, tier: Some(tier_at) };
            artifacts.push(Artifact::new(model, kind, tier_value_sources(tier, service)));
        }
    }
    if workload::uses_argocd(model) {
        plan_argocd(model, artifacts);
    }
    plan_launch(model, artifacts);
}

/// The backing services of a model.
pub(crate) fn backing_services(model: &Model) -> Vec<(&Service, BackingKind)> {
    model.services.iter().filter_map(|s| s.backing().map(|k| (s, k))).collect()
}

/// A Secret of credentials made before anything syncs (by the local
/// bootstrap, or synced from Key Vault by the `credentials` release): one per
/// backing service, and Grafana's admin when Grafana is declared.
#[derive(Debug, Clone)]
pub(crate) struct PlatformCredential {
    /// The Secret's name (`NAME-credentials`, `grafana-admin`).
    pub(crate) secret: String,
    /// Whose credentials (the service name, or `grafana`): also the Key Vault
    /// objects' prefix (`OWNER-username`, `OWNER-password`).
    pub(crate) owner: String,
    /// The Secret's type.
    pub(crate) kind: &'static str,
    /// The user name stored in it.
    pub(crate) username: String,
    /// The node that asks for it.
    pub(crate) origin: Origin,
}

/// Every platform credential of a model.
pub(crate) fn platform_credentials(model: &Model) -> Vec<PlatformCredential> {
    let mut credentials: Vec<PlatformCredential> = backing_services(model)
        .into_iter()
        .map(|(service, kind)| PlatformCredential {
            secret: providers::credentials_secret(&service.name.value),
            owner: service.name.value.clone(),
            kind: providers::provider(kind).secret_type,
            username: providers::user(&service.name.value, kind),
            origin: origin::source(service),
        })
        .collect();
    if let Some(grafana) = model.observability.as_ref().and_then(|o| o.grafana.as_ref()) {
        credentials.push(PlatformCredential {
            secret: providers::GRAFANA_ADMIN.to_owned(),
            owner: "grafana".to_owned(),
            kind: "Opaque",
            username: "admin".to_owned(),
            origin: Origin::new("observability/grafana", grafana.span),
        });
    }
    credentials
}

/// The operators the model's backing services need, each with the services needing it.
pub(crate) fn operators(model: &Model) -> Vec<(&'static providers::Operator, Vec<Origin>)> {
    let backing = backing_services(model);
    providers::operators(backing.iter().map(|(_, k)| *k))
        .into_iter()
        .map(|operator| {
            let sources = backing
                .iter()
                .filter(|(_, k)| providers::provider(*k).operator.is_some_and(|o| o.id == operator.id))
                .map(|(s, _)| origin::source(s))
                .collect();
            (operator, sources)
        })
        .collect()
}

/// Every OCI Helm repository Argo CD pulls from, with the nodes that need it.
pub(crate) fn oci_repositories(model: &Model) -> Vec<(String, Vec<Origin>)> {
    let mut oci: Vec<(String, Vec<Origin>)> = Vec::new();
    let mut add = |url: String, from: Origin| match oci.iter_mut().find(|(u, _)| *u == url) {
        Some((_, sources)) => sources.push(from),
        None => oci.push((url, vec![from])),
    };
    for service in &model.services {
        match &service.source {
            Source::Chart(chart) if workload::is_oci(chart) => {
                add(workload::chart_source(chart).0, origin::source(service))
            }
            Source::Backing(kind) => {
                let provider = providers::provider(kind.value);
                if let providers::Delivery::Chart { chart } = provider.delivery
                    && chart.oci
                {
                    add(chart.repo.to_owned(), origin::source(service));
                }
                if let Some(operator) = provider.operator.filter(|o| o.chart.oci) {
                    add(operator.chart.repo.to_owned(), origin::source(service));
                }
            }
            _ => {}
        }
    }
    oci
}

fn plan_argocd(model: &Model, artifacts: &mut Vec<Artifact>) {
    // The services by name and their consumers, for every tier's policies.
    let lookup = super::network::Lookup::new(model);
    let repo: Vec<Origin> = origin::repo(model).into_iter().collect();
    let mut config = repo.clone();
    config.extend(model.tiers.iter().map(origin::tier));
    artifacts.push(Artifact::new(model, Kind::ArgoCdValues, config.clone()));
    let mut wiring = config;
    wiring.extend(backing_services(model).into_iter().map(|(s, _)| origin::source(s)));
    artifacts.push(Artifact::new(model, Kind::Wiring, wiring));
    let local: Vec<Origin> =
        model.tiers.iter().filter(|t| t.cluster.value == Cluster::Minikube).map(origin::cluster).collect();
    if !local.is_empty() {
        artifacts.push(Artifact::new(model, Kind::LocalGitServer, local));
    }
    for (url, sources) in oci_repositories(model) {
        artifacts.push(Artifact::new(model, Kind::ArgoRepository { url }, sources));
    }
    for (at, tier) in model.tier_refs() {
        let mut base = vec![origin::tier(tier), origin::revision(tier)];
        base.extend(repo.iter().cloned());
        let mut project = vec![origin::project(model)];
        project.extend(base.iter().cloned());
        project.extend(model.services.iter().filter(|s| !s.uses_generic_chart()).map(origin::source));
        project.extend(observability_components(model).into_iter().map(|(_, o)| o));
        artifacts.push(Artifact::new(model, Kind::ArgoProject { tier: at }, project));
        artifacts.push(Artifact::new(model, Kind::ArgoRoot { tier: at }, base.clone()));
        artifacts.push(Artifact::new(model, Kind::ArgoBootstrapProject { tier: at }, base.clone()));
        artifacts.push(Artifact::new(model, Kind::ArgoCdInstall { tier: at }, vec![origin::tier(tier)]));
        let mut bootstrap = base.clone();
        bootstrap.push(origin::cluster(tier));
        bootstrap.extend(platform_credentials(model).into_iter().map(|c| c.origin));
        artifacts.push(Artifact::new(model, Kind::Bootstrap { tier: at }, bootstrap));
        let network: Vec<Origin> =
            super::network::tier_policies_with(&lookup, model, tier).into_iter().flat_map(|p| p.origins).collect();
        artifacts.push(Artifact::new(model, Kind::NetworkPolicies { tier: at }, network));
        for (service, policy) in super::network::service_policies_with(&lookup, model, tier) {
            let kind = Kind::ServiceNetworkPolicy { tier: at, service };
            artifacts.push(Artifact::new(model, kind, policy.origins));
        }
        artifacts.push(Artifact::new(model, Kind::ArgoNetwork { tier: at }, base.clone()));
        for (operator, sources) in operators(model) {
            let mut sources = sources;
            sources.push(origin::tier(tier));
            artifacts.push(Artifact::new(model, Kind::ArgoOperator { tier: at, operator: operator.id }, sources));
        }
        let credentials = platform_credentials(model);
        if tier.cluster.value == Cluster::Aks && !credentials.is_empty() {
            let mut sources = base.clone();
            sources.push(origin::cluster(tier));
            sources.extend(credentials.into_iter().map(|c| c.origin));
            artifacts.push(Artifact::new(model, Kind::ArgoCredentials { tier: at }, sources));
        }
        for (service_at, service) in model.service_refs() {
            let Some(kind) = service.backing() else { continue };
            if matches!(providers::provider(kind).delivery, providers::Delivery::Manifests) {
                let mut sources = vec![origin::tier(tier), origin::source(service)];
                sources.extend(
                    service
                        .values
                        .iter()
                        .map(|v| origin::child(service, format_args!("value {}", v.path.value), v.span)),
                );
                if let Some(over) = service.override_for(&tier.name.value) {
                    sources.push(origin::over(service, over));
                }
                let kind = Kind::BackingManifests { tier: at, service: service_at };
                artifacts.push(Artifact::new(model, kind, sources));
            }
        }
        for (service_at, service) in model.service_refs() {
            let mut sources = base.clone();
            sources.push(origin::service(service));
            sources.push(origin::source(service));
            sources.extend(
                service.needs.iter().map(|n| origin::child(service, format_args!("needs {}", n.value), n.span)),
            );
            sources.extend(tier.image(&service.name.value).map(|image| origin::image(tier, image)));
            artifacts.push(Artifact::new(model, Kind::ArgoApplication { tier: at, service: service_at }, sources));
        }
        for (component, from) in observability_components(model) {
            let kind = Kind::ArgoObservability { tier: at, component };
            artifacts.push(Artifact::new(model, kind, vec![origin::tier(tier), from]));
        }
        if workload::deploys_azurite(model, tier) {
            let mut sources = base.clone();
            sources.extend(origin::concession(tier, Concession::StorageEmulator));
            artifacts.push(Artifact::new(model, Kind::ArgoAzurite { tier: at }, sources));
        }
    }
}

/// `.vscode/launch.json` when a tier grants `debug` and some service takes it.
fn plan_launch(model: &Model, artifacts: &mut Vec<Artifact>) {
    let mut sources = Vec::new();
    for tier in &model.tiers {
        let services: Vec<&Service> =
            model.services.iter().filter(|s| workload::concession_applies(tier, s, Concession::Debug)).collect();
        if services.is_empty() {
            continue;
        }
        sources.extend(origin::concession(tier, Concession::Debug));
        for service in services {
            sources.push(origin::service(service));
            sources.push(origin::source(service));
        }
    }
    if !sources.is_empty() {
        artifacts.push(Artifact::new(model, Kind::LaunchJson, sources));
    }
}
