//! The Kubernetes family: the generic Helm chart and each service's values
//! (one shared file and one per tier).

use super::workload::{self, origin};
use super::{Artifact, Kind, Origin};
use crate::graph::Graph;
use crate::model::{Concession, Model, Service, Source, Tier};

/// The chart's folder.
pub const CHART_DIR: &str = "deploy/charts/service";

/// The static Helm templates of the generic chart, by path inside the chart.
pub const CHART_TEMPLATES: [&str; 4] =
    ["templates/_helpers.tpl", "templates/deployment.yaml", "templates/service.yaml", "templates/serviceaccount.yaml"];

/// Every file of the generic chart, by path inside the chart.
pub fn chart_files() -> Vec<&'static str> {
    let mut files = vec!["Chart.yaml", "values.yaml", "values.schema.json"];
    files.extend(CHART_TEMPLATES);
    files
}

/// The nodes a service's shared `values.yaml` derives from.
pub fn shared_value_sources(model: &Model, service: &Service) -> Vec<Origin> {
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
    for need in &service.needs {
        sources.push(origin::child(service, &format!("needs {}", need.value), need.span));
        if let Some(port) = model.service(&need.value).and_then(|d| d.port.as_ref()) {
            sources.push(Origin::new(format!("service {}/port", need.value), port.span));
        }
    }
    sources.extend(service.env.iter().map(|p| origin::child(service, &format!("env {}", p.key.value), p.key.span)));
    sources
        .extend(service.secrets.iter().map(|p| origin::child(service, &format!("secret {}", p.key.value), p.key.span)));
    sources.extend(service.storage.iter().map(|s| origin::child(service, &format!("storage {}", s.value), s.span)));
    if !service.storage.is_empty() {
        sources.push(origin::project(model));
    }
    if let Some(resources) = &service.resources {
        sources.push(origin::child(service, "resources", resources.span));
    }
    sources.push(origin::child(service, "replicas", service.replicas.span));
    sources
}

/// The nodes a service's `values-TIER.yaml` derives from: the revision, the
/// cluster when it builds locally, the override and the concessions that apply.
pub fn tier_value_sources(tier: &Tier, service: &Service) -> Vec<Origin> {
    let mut sources = vec![origin::service(service), origin::tier(tier)];
    if matches!(service.source, Source::Build(_)) {
        sources.push(origin::revision(tier));
    }
    if workload::builds_locally(tier, service) {
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
pub fn plan(model: &Model, _graph: &Graph, artifacts: &mut Vec<Artifact>) {
    let generic: Vec<&Service> = model.services.iter().filter(|s| s.uses_generic_chart()).collect();
    if !generic.is_empty() {
        let sources: Vec<Origin> = generic.iter().map(|s| origin::source(s)).collect();
        for file in chart_files() {
            artifacts.push(Artifact {
                path: format!("{CHART_DIR}/{file}"),
                kind: Kind::HelmChart { file: file.to_owned() },
                sources: sources.clone(),
            });
        }
    }
    for service in &generic {
        let name = &service.name.value;
        artifacts.push(Artifact {
            path: format!("deploy/values/{name}/values.yaml"),
            kind: Kind::HelmValues { service: name.clone(), tier: None },
            sources: shared_value_sources(model, service),
        });
        for tier in &model.tiers {
            artifacts.push(Artifact {
                path: format!("deploy/values/{name}/values-{}.yaml", tier.name.value),
                kind: Kind::HelmValues { service: name.clone(), tier: Some(tier.name.value.clone()) },
                sources: tier_value_sources(tier, service),
            });
        }
    }
}
