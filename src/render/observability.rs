//! `deploy/argocd/TIER/observability-COMPONENT.yaml`: the monitoring and
//! logging stack as Argo CD Applications of upstream charts, identical in
//! every tier, in the tier's namespace, after every service's sync wave.
//!
//! - `prometheus version=` → prometheus-community's `prometheus` chart.
//! - `grafana version=` → Grafana's `grafana` chart, with Prometheus (when
//!   declared) as its default data source.
//! - `logging efk version=` → Elastic's `elasticsearch` and `kibana` charts at
//!   that version (Elastic publishes both at the same versions), and Fluent
//!   Bit's `fluent-bit` chart pinned by inception ([`FLUENT_BIT_CHART`]: the
//!   spec pins the Elastic stack, Fluent Bit only ships to it), sending
//!   container and kubelet logs to Elasticsearch over TLS with the chart's
//!   generated credentials and CA.
//!
//! Upstream defaults are kept otherwise: sizing them per tier is not
//! something the spec can say yet.

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::argocd::{AppSource, Helm, application, finish, observability_wave, tier_paths};
use super::trace::{Paths, Traced};
use crate::graph::Graph;
use crate::model::{Model, Tier};
use crate::plan::Component;
use crate::plan::kubernetes::observability_components;
use crate::plan::workload::origin;

/// The Fluent Bit chart release deployed with `logging efk`.
pub(crate) const FLUENT_BIT_CHART: &str = "0.46.7";

/// Where an upstream chart comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UpstreamChart {
    /// The Helm repository.
    pub repo: &'static str,
    /// The chart's name in it.
    pub chart: &'static str,
}

/// The chart of an observability component.
pub(crate) fn chart(component: Component) -> UpstreamChart {
    let (repo, chart) = match component {
        Component::Prometheus => ("https://prometheus-community.github.io/helm-charts", "prometheus"),
        Component::Grafana => ("https://grafana.github.io/helm-charts", "grafana"),
        Component::FluentBit => ("https://fluent.github.io/helm-charts", "fluent-bit"),
        Component::Kibana => ("https://helm.elastic.co", "kibana"),
        Component::Elasticsearch => ("https://helm.elastic.co", "elasticsearch"),
    };
    UpstreamChart { repo, chart }
}

/// The Elasticsearch chart's Secrets (`CLUSTER-NODEGROUP-…`, defaults `elasticsearch` and `master`).
const ES_CREDENTIALS: &str = "elasticsearch-master-credentials";
const ES_CERTS: &str = "elasticsearch-master-certs";
const ES_CERTS_DIR: &str = "/fluent-bit/elasticsearch-certs";

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Values {
    Grafana(GrafanaValues),
    FluentBit(FluentBitValues),
}

#[derive(Debug, Serialize)]
struct GrafanaValues {
    datasources: IndexMap<String, DatasourceFile>,
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
#[serde(rename_all = "camelCase")]
struct FluentBitValues {
    env: Vec<EnvVar>,
    extra_volumes: Vec<Volume>,
    extra_volume_mounts: Vec<VolumeMount>,
    config: FluentBitConfig,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvVar {
    name: String,
    value_from: ValueFrom,
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

/// One `[OUTPUT]` section to Elasticsearch.
fn es_output(tag: &str, prefix: Option<&str>) -> String {
    let mut lines = vec![
        "[OUTPUT]".to_owned(),
        "    Name es".to_owned(),
        format!("    Match {tag}"),
        "    Host elasticsearch-master".to_owned(),
        "    Port 9200".to_owned(),
        "    HTTP_User ${ELASTICSEARCH_USERNAME}".to_owned(),
        "    HTTP_Passwd ${ELASTICSEARCH_PASSWORD}".to_owned(),
        "    tls On".to_owned(),
        "    tls.verify On".to_owned(),
        format!("    tls.ca_file {ES_CERTS_DIR}/ca.crt"),
        "    Logstash_Format On".to_owned(),
    ];
    if let Some(prefix) = prefix {
        lines.push(format!("    Logstash_Prefix {prefix}"));
    }
    lines.extend(["    Suppress_Type_Name On".to_owned(), "    Retry_Limit False".to_owned()]);
    lines.join("\n") + "\n"
}

fn fluent_bit() -> FluentBitValues {
    let secret = |name: &str, key: &str| EnvVar {
        name: name.to_owned(),
        value_from: ValueFrom { secret_key_ref: KeyRef { name: ES_CREDENTIALS.to_owned(), key: key.to_owned() } },
    };
    FluentBitValues {
        env: vec![secret("ELASTICSEARCH_USERNAME", "username"), secret("ELASTICSEARCH_PASSWORD", "password")],
        extra_volumes: vec![Volume {
            name: "elasticsearch-certs".to_owned(),
            secret: SecretVolume { secret_name: ES_CERTS.to_owned() },
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

fn grafana(with_prometheus: bool) -> Option<GrafanaValues> {
    with_prometheus.then(|| GrafanaValues {
        datasources: IndexMap::from([(
            "datasources.yaml".to_owned(),
            DatasourceFile {
                api_version: 1,
                datasources: vec![Datasource {
                    name: "Prometheus".to_owned(),
                    kind: "prometheus".to_owned(),
                    url: "http://prometheus-server".to_owned(),
                    access: "proxy".to_owned(),
                    is_default: true,
                }],
            },
        )]),
    })
}

/// The pinned chart version of a component.
fn version(model: &Model, component: Component) -> Option<String> {
    let observability = model.observability.as_ref()?;
    let pinned = match component {
        Component::Prometheus => observability.prometheus.as_ref(),
        Component::Grafana => observability.grafana.as_ref(),
        Component::FluentBit => return Some(FLUENT_BIT_CHART.to_owned()),
        Component::Elasticsearch | Component::Kibana => observability.logging.as_ref(),
    };
    pinned.map(|v| v.value.clone())
}

/// Render one observability Application.
///
/// # Errors
/// A serializer error, or a component the spec does not have (bugs).
pub(crate) fn render_observability(
    model: &Model,
    graph: &Graph,
    tier: &Tier,
    component: Component,
    path: &str,
) -> Result<Traced, RenderError> {
    let name = component.as_str();
    let missing =
        || RenderError::Unplanned { path: path.to_owned(), what: format!("observability component `{name}`") };
    let components = observability_components(model);
    let (_, from) = components.iter().find(|(c, _)| *c == component).ok_or_else(missing)?;
    let upstream = chart(component);
    let values = match component {
        Component::Grafana => grafana(components.iter().any(|(c, _)| *c == Component::Prometheus)).map(Values::Grafana),
        Component::FluentBit => Some(Values::FluentBit(fluent_bit())),
        Component::Prometheus | Component::Elasticsearch | Component::Kibana => None,
    };
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    paths.add("metadata", from.clone());
    paths.add("spec.source", from.clone());
    paths.add("metadata.annotations", origin::tier(tier));
    let source = AppSource {
        repo_url: upstream.repo.to_owned(),
        chart: Some(upstream.chart.to_owned()),
        path: None,
        target_revision: version(model, component).ok_or_else(missing)?,
        helm: Some(Helm {
            release_name: name.to_owned(),
            value_files: Vec::new(),
            parameters: Vec::new(),
            values_object: values,
            ignore_missing_value_files: None,
        }),
        directory: None,
    };
    let wave = observability_wave(model, graph);
    finish(&application(model, tier, name, wave, source), &paths, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fluent_bit_ships_both_log_streams_to_elasticsearch_over_tls() {
        let outputs = fluent_bit().config.outputs;
        assert_eq!(outputs.matches("[OUTPUT]").count(), 2);
        assert!(outputs.contains("tls.verify On"));
        assert!(outputs.contains("Logstash_Prefix node"));
    }

    #[test]
    fn efk_charts_come_from_elastic_and_fluent() {
        assert_eq!(chart(Component::Elasticsearch).repo, chart(Component::Kibana).repo);
        assert_eq!(chart(Component::FluentBit).chart, "fluent-bit");
    }
}
