//! `deploy/wiring.json`: per tier, what each backing service's provider
//! creates (Services and ports, the credentials Secret and where it comes
//! from, the images it runs), each with the catalog's citations, the
//! operators, and the tier's requests with the Minikube size. It is the
//! provider catalog ([`crate::providers`]) resolved for this spec, and what
//! `scripts/wiring_check.py` asserts renders against: nothing in it is
//! deployed.

use serde::Serialize;

use super::RenderError;
use super::trace::{Traced, trace_structured};
use crate::model::{Cluster, Model};
use crate::plan::kubernetes::{backing_services, operators, platform_credentials};
use crate::plan::sizing::{self, Line};
use crate::providers::{self, ChartRef, Citation, Delivery, Requests};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Wiring {
    generated_by: &'static str,
    /// Argo CD itself: the chart the bootstraps install.
    argocd: OperatorWiring,
    tiers: Vec<TierWiring>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TierWiring {
    name: String,
    namespace: String,
    cluster: &'static str,
    /// Minikube tiers: what the tier requests and the size Minikube starts with.
    #[serde(skip_serializing_if = "Option::is_none")]
    minikube: Option<MinikubeSize>,
    backing: Vec<BackingWiring>,
    operators: Vec<OperatorWiring>,
    /// What the observability charts' operators create at run time, that
    /// other workloads read.
    observability: Vec<ProvidedWiring>,
    /// Secrets that exist before any Application syncs, and who makes them.
    secrets: Vec<SecretWiring>,
    /// The NetworkPolicies.
    network: NetworkWiring,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MinikubeSize {
    cpus: u32,
    memory_mib: u32,
    requests: Vec<Line>,
    total_requests: Requests,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BackingWiring {
    service: String,
    kind: &'static str,
    application: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    chart: Option<ChartRef>,
    instances: i64,
    /// The Services the provider (its chart or its operator) creates.
    services: Vec<ServiceWiring>,
    user: String,
    secret: String,
    images: &'static [&'static str],
    citations: &'static [Citation],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceWiring {
    name: String,
    port: u16,
    created_by: String,
    /// The labels of the pods the Service selects (backing services: the catalog's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_labels: Option<indexmap::IndexMap<String, String>>,
}

/// A tier's NetworkPolicies and the catalog traffic they must admit.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NetworkWiring {
    /// The folder holding the policies: every file of it.
    policies: String,
    /// Traffic beside the `needs` edges (which the check reads from the rendered env).
    flows: Vec<FlowWiring>,
    /// The tier's ingress controller: every Ingress's backend admits its namespace.
    ingress_controller: IngressControllerWiring,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IngressControllerWiring {
    class_name: &'static str,
    namespace: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FlowWiring {
    what: String,
    from: indexmap::IndexMap<String, String>,
    /// The destination pods' labels; absent: the Kubernetes API.
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<indexmap::IndexMap<String, String>>,
    ports: Vec<u16>,
}

fn network(model: &Model, tier: &crate::model::Tier) -> NetworkWiring {
    let map = |s: &crate::plan::network::Selector| s.labels.iter().cloned().collect();
    NetworkWiring {
        policies: crate::layout::network_dir(&tier.name.value),
        flows: crate::plan::network::catalog_flows(model, tier)
            .into_iter()
            .map(|f| FlowWiring { what: f.what, from: map(&f.from), to: f.to.as_ref().map(map), ports: f.ports })
            .collect(),
        ingress_controller: {
            let (class_name, namespace) = crate::plan::exposure::controller(tier.cluster.value);
            IngressControllerWiring { class_name, namespace }
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProvidedWiring {
    component: &'static str,
    chart: String,
    services: Vec<ServiceWiring>,
    secrets: Vec<ProvidedSecret>,
    citations: &'static [Citation],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProvidedSecret {
    name: &'static str,
    keys: Vec<&'static str>,
    made_by: &'static str,
}

/// What the observability components provide to others.
fn observability(model: &Model) -> Vec<ProvidedWiring> {
    let mut provided = Vec::new();
    for (component, _) in crate::plan::kubernetes::observability_components(model) {
        let Some(chart) = providers::observability_chart(component) else { continue };
        let version = super::observability::chart_version(model, component).unwrap_or_default();
        let (services, secrets) = match component {
            crate::plan::Component::Prometheus => (
                vec![ServiceWiring {
                    name: providers::PROMETHEUS_SERVICE.0.to_owned(),
                    port: providers::PROMETHEUS_SERVICE.1,
                    created_by: format!("chart {} {version}", chart.chart),
                    pod_labels: None,
                }],
                Vec::new(),
            ),
            crate::plan::Component::ElasticStack => (
                vec![ServiceWiring {
                    name: providers::ELASTICSEARCH_SERVICE.0.to_owned(),
                    port: providers::ELASTICSEARCH_SERVICE.1,
                    created_by: "operator eck-operator".to_owned(),
                    pod_labels: None,
                }],
                vec![
                    ProvidedSecret {
                        name: providers::ELASTICSEARCH_USER_SECRET.0,
                        keys: vec![providers::ELASTICSEARCH_USER_SECRET.1],
                        made_by: "operator eck-operator",
                    },
                    ProvidedSecret {
                        name: providers::ELASTICSEARCH_CA_SECRET.0,
                        keys: vec![providers::ELASTICSEARCH_CA_SECRET.1],
                        made_by: "operator eck-operator",
                    },
                ],
            ),
            _ => continue,
        };
        provided.push(ProvidedWiring {
            component: component.as_str(),
            chart: format!("{} {version}", chart.chart),
            services,
            secrets,
            citations: chart.citations,
        });
    }
    provided
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OperatorWiring {
    id: &'static str,
    chart: ChartRef,
    images: &'static [&'static str],
    citations: &'static [Citation],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretWiring {
    name: String,
    keys: Vec<&'static str>,
    #[serde(rename = "type")]
    kind: &'static str,
    made_by: String,
}

/// The Secrets `secret KEY=NAME` nodes read, each once, sorted.
pub(crate) fn declared_secrets(model: &Model) -> Vec<String> {
    let names: std::collections::BTreeSet<String> = model
        .services
        .iter()
        .filter(|s| s.uses_generic_chart())
        .flat_map(|s| s.secrets.iter().map(|p| p.value.value.clone()))
        .collect();
    names.into_iter().collect()
}

/// `deploy/wiring.json`.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_wiring(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let mut tiers = Vec::new();
    for tier in &model.tiers {
        let local = tier.cluster.value == Cluster::Minikube;
        let requests = sizing::tier_requests(model, tier);
        let backing = backing_services(model)
            .into_iter()
            .map(|(service, kind)| {
                let provider = providers::provider(kind);
                let name = &service.name.value;
                let created_by = match (provider.operator, provider.delivery) {
                    (Some(operator), _) => format!("operator {}", operator.id),
                    (None, Delivery::Chart { chart }) => format!("chart {} {}", chart.chart, chart.version),
                    (None, Delivery::Manifests) => "inception manifests".to_owned(),
                };
                BackingWiring {
                    service: name.clone(),
                    kind: kind.as_str(),
                    application: format!("{}-{name}", tier.name.value),
                    chart: match provider.delivery {
                        Delivery::Chart { chart } => Some(chart),
                        Delivery::Manifests => None,
                    },
                    instances: providers::instances(service, tier, kind),
                    services: vec![ServiceWiring {
                        name: providers::host(name, kind),
                        port: provider.port,
                        created_by,
                        pod_labels: crate::plan::network::backing_pods(service).map(|s| s.labels.into_iter().collect()),
                    }],
                    user: providers::user(name, kind),
                    secret: providers::credentials_secret(name),
                    images: provider.images,
                    citations: provider.citations,
                }
            })
            .collect();
        let secrets = platform_credentials(model)
            .into_iter()
            .map(|credential| SecretWiring {
                name: credential.secret,
                keys: vec![providers::USERNAME_KEY, providers::PASSWORD_KEY],
                kind: credential.kind,
                made_by: if local {
                    format!("deploy/bootstrap/{}.sh", tier.name.value)
                } else {
                    format!("deploy/argocd/{}/credentials.yaml (Key Vault)", tier.name.value)
                },
            })
            .chain(declared_secrets(model).into_iter().map(|name| SecretWiring {
                name,
                keys: vec![super::helm_values::SECRET_KEY],
                kind: "Opaque",
                made_by: if local {
                    format!("deploy/bootstrap/{}.sh", tier.name.value)
                } else {
                    "the reading service's SecretProviderClass (Key Vault)".to_owned()
                },
            }))
            .collect();
        tiers.push(TierWiring {
            name: tier.name.value.clone(),
            namespace: tier.name.value.clone(),
            cluster: tier.cluster.value.as_str(),
            minikube: local.then(|| {
                let (cpus, memory_mib) = sizing::minikube_size(model, tier);
                MinikubeSize { cpus, memory_mib, total_requests: requests.total(), requests: requests.lines }
            }),
            backing,
            operators: operators(model)
                .into_iter()
                .map(|(o, _)| OperatorWiring { id: o.id, chart: o.chart, images: o.images, citations: o.citations })
                .collect(),
            secrets,
            observability: observability(model),
            network: network(model, tier),
        });
    }
    let argocd = OperatorWiring {
        id: "argocd",
        chart: super::argocd_install::ARGO_CD_CHART,
        images: super::argocd_install::ARGO_CD_IMAGES,
        citations: super::argocd_install::ARGO_CD_CITATIONS,
    };
    let wiring = Wiring { generated_by: "inception: the provider catalog resolved for this spec", argocd, tiers };
    let json = serde_json::to_string_pretty(&wiring)
        .map_err(|e| RenderError::Serialize { path: path.to_owned(), message: e.to_string() })?;
    Ok(trace_structured(&format!("{json}\n"), &crate::render::trace::Paths::default()))
}
