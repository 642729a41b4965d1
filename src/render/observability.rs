//! `deploy/argocd/TIER/observability-COMPONENT.yaml`: the monitoring and
//! logging stack as Argo CD Applications of maintained upstream charts
//! (`crate::providers::OBSERVABILITY`, each with where its facts were read),
//! identical in every tier, in the tier's namespace, in sync wave -2: before
//! every backing service and application, so an unhealthy service never
//! holds them back.
//!
//! - `prometheus version=` → kube-prometheus-stack (Prometheus operator,
//!   Prometheus, Alertmanager, node exporter, kube-state-metrics) with its
//!   Grafana off, named `prometheus` (Service `prometheus-prometheus`),
//!   selecting every ServiceMonitor of the namespace.
//! - `grafana version=` → the grafana chart (grafana-community), Prometheus
//!   as its default data source, its admin credentials from the Secret
//!   `grafana-admin` made before it syncs (the chart would otherwise make a
//!   new random password on every render).
//! - `logging efk version=` → the ECK operator and eck-stack (one
//!   Elasticsearch node set and one Kibana at that Elastic Stack version),
//!   and Fluent Bit shipping container and kubelet logs to Elasticsearch over
//!   TLS with the `elastic` user and CA the operator creates.
//!
//! Requests are set in every chart's values from the catalog, so that the
//! local tier's size is computed, not guessed; Elasticsearch runs one node
//! without mmap, which fits one Minikube node.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::RenderError;
use super::argocd::{AppSource, Helm, OBSERVABILITY_WAVE, application, finish, tier_paths};
use super::trace::{Paths, Traced};
use crate::model::{Model, Tier};
use crate::plan::Component;
use crate::plan::kubernetes::observability_components;
use crate::plan::workload::origin;
use crate::providers::{
    self, ELASTICSEARCH, ELASTICSEARCH_CA_SECRET, ELASTICSEARCH_SERVICE, ELASTICSEARCH_USER_SECRET, GRAFANA_ADMIN,
    ObservabilityChart, PROMETHEUS_SERVICE, Requests,
};

const ES_CERTS_DIR: &str = "/fluent-bit/elasticsearch-certs";

#[derive(Debug, Serialize)]
struct ResourceRequests {
    requests: Quantities,
}

#[derive(Debug, Serialize)]
struct Quantities {
    cpu: String,
    memory: String,
}

fn requests(r: Requests) -> ResourceRequests {
    ResourceRequests { requests: Quantities { cpu: r.cpu(), memory: r.memory() } }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PrometheusValues {
    fullname_override: &'static str,
    grafana: Enabled,
    prometheus: PrometheusSection,
    // Each of these creates a Service in kube-system, outside the tier's
    // namespace (and AKS runs the control plane out of reach anyway).
    kube_controller_manager: Enabled,
    core_dns: Enabled,
    kube_etcd: Enabled,
    kube_scheduler: Enabled,
    kube_proxy: Enabled,
}

#[derive(Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PrometheusSection {
    prometheus_spec: PrometheusSpec,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PrometheusSpec {
    service_monitor_selector_nil_uses_helm_values: bool,
    pod_monitor_selector_nil_uses_helm_values: bool,
    resources: ResourceRequests,
}

#[derive(Debug, Serialize)]
struct GrafanaValues {
    admin: GrafanaAdmin,
    resources: ResourceRequests,
    datasources: IndexMap<String, DatasourceFile>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GrafanaAdmin {
    existing_secret: &'static str,
    user_key: &'static str,
    password_key: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasourceFile {
    api_version: u32,
    datasources: Vec<Datasource>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Datasource {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    url: String,
    access: String,
    is_default: bool,
}

#[derive(Debug, Serialize)]
struct OperatorValues {
    resources: ResourceRequests,
}

#[derive(Debug, Serialize)]
struct StackValues {
    #[serde(rename = "eck-elasticsearch")]
    elasticsearch: ElasticsearchValues,
    #[serde(rename = "eck-kibana")]
    kibana: KibanaValues,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ElasticsearchValues {
    fullname_override: &'static str,
    version: String,
    node_sets: Vec<NodeSet>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeSet {
    name: &'static str,
    count: u32,
    config: IndexMap<String, bool>,
    pod_template: PodTemplate,
}

#[derive(Debug, Serialize)]
struct PodTemplate {
    spec: PodSpec,
}

#[derive(Debug, Serialize)]
struct PodSpec {
    containers: Vec<NamedResources>,
}

#[derive(Debug, Serialize)]
struct NamedResources {
    name: &'static str,
    resources: ResourceRequests,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct KibanaValues {
    fullname_override: &'static str,
    version: String,
    count: u32,
    elasticsearch_ref: NameRef,
    pod_template: PodTemplate,
}

#[derive(Debug, Serialize)]
struct NameRef {
    name: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FluentBitValues {
    resources: ResourceRequests,
    env: Vec<EnvVar>,
    extra_volumes: Vec<Volume>,
    extra_volume_mounts: Vec<VolumeMount>,
    config: FluentBitConfig,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvVar {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_from: Option<ValueFrom>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ValueFrom {
    secret_key_ref: KeyRef,
}

#[derive(Debug, Serialize)]
struct KeyRef {
    name: String,
    key: String,
}

#[derive(Debug, Serialize)]
struct Volume {
    name: String,
    secret: SecretVolume,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretVolume {
    secret_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeMount {
    name: String,
    mount_path: String,
    read_only: bool,
}

#[derive(Debug, Serialize)]
struct FluentBitConfig {
    outputs: String,
}

/// One `[OUTPUT]` section to Elasticsearch (host, port and credentials from
/// the environment, so the wiring check sees them).
fn es_output(tag: &str, prefix: Option<&str>) -> String {
    let mut lines = vec![
        "[OUTPUT]".to_owned(),
        "    Name es".to_owned(),
        format!("    Match {tag}"),
        "    Host ${ELASTICSEARCH_HOST}".to_owned(),
        "    Port ${ELASTICSEARCH_PORT}".to_owned(),
        "    HTTP_User ${ELASTICSEARCH_USERNAME}".to_owned(),
        "    HTTP_Passwd ${ELASTICSEARCH_PASSWORD}".to_owned(),
        "    tls On".to_owned(),
        "    tls.verify On".to_owned(),
        format!("    tls.ca_file {ES_CERTS_DIR}/{}", ELASTICSEARCH_CA_SECRET.1),
        "    Logstash_Format On".to_owned(),
    ];
    if let Some(prefix) = prefix {
        lines.push(format!("    Logstash_Prefix {prefix}"));
    }
    lines.extend(["    Suppress_Type_Name On".to_owned(), "    Retry_Limit False".to_owned()]);
    lines.join("\n") + "\n"
}

fn fluent_bit(chart: &ObservabilityChart) -> FluentBitValues {
    let plain = |name: &str, value: String| EnvVar { name: name.to_owned(), value: Some(value), value_from: None };
    FluentBitValues {
        resources: requests(chart.requests),
        env: vec![
            plain("ELASTICSEARCH_HOST", ELASTICSEARCH_SERVICE.0.to_owned()),
            plain("ELASTICSEARCH_PORT", ELASTICSEARCH_SERVICE.1.to_string()),
            plain("ELASTICSEARCH_USERNAME", ELASTICSEARCH_USER_SECRET.1.to_owned()),
            EnvVar {
                name: "ELASTICSEARCH_PASSWORD".to_owned(),
                value: None,
                value_from: Some(ValueFrom {
                    secret_key_ref: KeyRef {
                        name: ELASTICSEARCH_USER_SECRET.0.to_owned(),
                        key: ELASTICSEARCH_USER_SECRET.1.to_owned(),
                    },
                }),
            },
        ],
        extra_volumes: vec![Volume {
            name: "elasticsearch-certs".to_owned(),
            secret: SecretVolume { secret_name: ELASTICSEARCH_CA_SECRET.0.to_owned() },
        }],
        extra_volume_mounts: vec![VolumeMount {
            name: "elasticsearch-certs".to_owned(),
            mount_path: ES_CERTS_DIR.to_owned(),
            read_only: true,
        }],
        config: FluentBitConfig {
            outputs: format!("{}\n{}", es_output("kube.*", None), es_output("host.*", Some("node"))),
        },
    }
}

fn grafana(chart: &ObservabilityChart, with_prometheus: bool) -> GrafanaValues {
    let mut datasources = IndexMap::new();
    if with_prometheus {
        datasources.insert(
            "datasources.yaml".to_owned(),
            DatasourceFile {
                api_version: 1,
                datasources: vec![Datasource {
                    name: "Prometheus".to_owned(),
                    kind: "prometheus".to_owned(),
                    url: format!("http://{}:{}", PROMETHEUS_SERVICE.0, PROMETHEUS_SERVICE.1),
                    access: "proxy".to_owned(),
                    is_default: true,
                }],
            },
        );
    }
    GrafanaValues {
        admin: GrafanaAdmin {
            existing_secret: GRAFANA_ADMIN,
            user_key: providers::USERNAME_KEY,
            password_key: providers::PASSWORD_KEY,
        },
        resources: requests(chart.requests),
        datasources,
    }
}

fn elastic_stack(chart: &ObservabilityChart, version: &str) -> StackValues {
    // Elasticsearch takes two thirds of the stack's requests, Kibana the rest.
    let es = Requests { cpu_millis: chart.requests.cpu_millis * 2 / 3, memory_mib: chart.requests.memory_mib * 2 / 3 };
    let kibana = Requests {
        cpu_millis: chart.requests.cpu_millis - es.cpu_millis,
        memory_mib: chart.requests.memory_mib - es.memory_mib,
    };
    StackValues {
        elasticsearch: ElasticsearchValues {
            fullname_override: ELASTICSEARCH,
            version: version.to_owned(),
            node_sets: vec![NodeSet {
                name: "default",
                count: 1,
                // No vm.max_map_count tuning needed on the node (Minikube, AKS alike).
                config: IndexMap::from([("node.store.allow_mmap".to_owned(), false)]),
                pod_template: PodTemplate {
                    spec: PodSpec {
                        containers: vec![NamedResources { name: "elasticsearch", resources: requests(es) }],
                    },
                },
            }],
        },
        kibana: KibanaValues {
            fullname_override: "kibana",
            version: version.to_owned(),
            count: 1,
            elasticsearch_ref: NameRef { name: ELASTICSEARCH },
            pod_template: PodTemplate {
                spec: PodSpec { containers: vec![NamedResources { name: "kibana", resources: requests(kibana) }] },
            },
        },
    }
}

/// The version the spec pins for a component, if it pins it.
fn spec_version(model: &Model, component: Component) -> Option<String> {
    let observability = model.observability.as_ref()?;
    let pinned = match component {
        Component::Prometheus => observability.prometheus.as_ref(),
        Component::Grafana => observability.grafana.as_ref(),
        Component::EckOperator | Component::ElasticStack | Component::FluentBit => observability.logging.as_ref(),
    };
    pinned.map(|v| v.value.clone())
}

/// The chart version a component deploys: the catalog's, else the spec's.
pub(crate) fn chart_version(model: &Model, component: Component) -> Option<String> {
    let chart = providers::observability_chart(component)?;
    chart.version.map(str::to_owned).or_else(|| spec_version(model, component))
}

/// Render one observability Application.
///
/// # Errors
/// A serializer error, or a component or tier the spec does not have (bugs).
pub(super) fn render_observability(
    model: &Model,
    tier: &Tier,
    component: Component,
    path: &str,
) -> Result<Traced, RenderError> {
    let missing = || RenderError::Serialize { path: path.to_owned(), message: "unknown component".to_owned() };
    let components = observability_components(model);
    let (_, from) = components.iter().find(|(c, _)| *c == component).ok_or_else(missing)?;
    let chart = providers::observability_chart(component).ok_or_else(missing)?;
    let serialize = |e: serde_json::Error| RenderError::Serialize { path: path.to_owned(), message: e.to_string() };
    let values: Value = match component {
        Component::Prometheus => serde_json::to_value(PrometheusValues {
            fullname_override: "prometheus",
            grafana: Enabled { enabled: false },
            kube_controller_manager: Enabled { enabled: false },
            core_dns: Enabled { enabled: false },
            kube_etcd: Enabled { enabled: false },
            kube_scheduler: Enabled { enabled: false },
            kube_proxy: Enabled { enabled: false },
            prometheus: PrometheusSection {
                prometheus_spec: PrometheusSpec {
                    service_monitor_selector_nil_uses_helm_values: false,
                    pod_monitor_selector_nil_uses_helm_values: false,
                    resources: requests(chart.requests),
                },
            },
        }),
        Component::Grafana => {
            serde_json::to_value(grafana(chart, components.iter().any(|(c, _)| *c == Component::Prometheus)))
        }
        Component::EckOperator => serde_json::to_value(OperatorValues { resources: requests(chart.requests) }),
        Component::ElasticStack => {
            serde_json::to_value(elastic_stack(chart, &spec_version(model, component).ok_or_else(missing)?))
        }
        Component::FluentBit => serde_json::to_value(fluent_bit(chart)),
    }
    .map_err(serialize)?;
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    paths.add("metadata", from.clone());
    paths.add("spec.source", from.clone());
    paths.add("metadata.annotations", origin::tier(tier));
    let source = AppSource {
        repo_url: chart.repo.to_owned(),
        chart: Some(chart.chart.to_owned()),
        path: None,
        target_revision: chart_version(model, component).ok_or_else(missing)?,
        helm: Some(Helm {
            release_name: component.as_str().to_owned(),
            value_files: Vec::new(),
            parameters: Vec::new(),
            values_object: Some(values),
            ignore_missing_value_files: None,
        }),
        directory: None,
    };
    let mut app = application(model, tier, component.as_str(), OBSERVABILITY_WAVE, source);
    if chart.crds {
        app.spec.sync_policy.sync_options.push("ServerSideApply=true".to_owned());
    }
    app.spec.sync_policy.sync_options.push("SkipDryRunOnMissingResource=true".to_owned());
    finish(&app, &paths, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fluent_bit_ships_both_log_streams_to_elasticsearch_over_tls() {
        let chart = providers::observability_chart(Component::FluentBit).expect("in the catalog");
        let outputs = fluent_bit(chart).config.outputs;
        assert_eq!(outputs.matches("[OUTPUT]").count(), 2);
        assert!(outputs.contains("tls.verify On"));
        assert!(outputs.contains("Logstash_Prefix node"));
        assert!(outputs.contains("Host ${ELASTICSEARCH_HOST}"));
    }

    #[test]
    fn the_stack_splits_its_requests_between_elasticsearch_and_kibana() {
        let chart = providers::observability_chart(Component::ElasticStack).expect("in the catalog");
        let stack = elastic_stack(chart, "9.5.0");
        assert_eq!(stack.elasticsearch.node_sets[0].count, 1);
        assert_eq!(stack.kibana.elasticsearch_ref.name, ELASTICSEARCH);
    }
}
