//! The generic chart `deploy/charts/service/`: `Chart.yaml`, the default
//! `values.yaml` (documented key by key) and `values.schema.json` are
//! serialized from typed structs; the Helm templates are static files under
//! `templates/helm/service/` in this repository, embedded and emitted
//! verbatim under the banner. Nothing here depends on a service: the chart is
//! the same for every spec (its version is inception's).

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::helm_values::{
    Azure, Debug, DevTools, HotReload, Image, MetricsValues, Probe, ProbeKind, PullPolicy, Resources, Shutdown, Spread,
    Storage, Values,
};
use super::helm_workload::{IngressValues, JobValues, WorkloadKind};
use super::trace::{Paths, Traced, trace_structured};
use super::yaml_notes::{Note, annotate};
use crate::layout;
use crate::model::{Concurrency, DEFAULT_HISTORY, DEFAULT_RETRIES, DEFAULT_TIMEOUT};
use crate::plan::concession::DEV_TOOLS_DIR;
use crate::plan::workload::APP_DIR;

/// The chart's Helm templates, embedded.
const TEMPLATES: [(&str, &str); 10] = [
    ("templates/_helpers.tpl", include_str!("../../templates/helm/service/templates/_helpers.tpl")),
    ("templates/cronjob.yaml", include_str!("../../templates/helm/service/templates/cronjob.yaml")),
    ("templates/deployment.yaml", include_str!("../../templates/helm/service/templates/deployment.yaml")),
    ("templates/ingress.yaml", include_str!("../../templates/helm/service/templates/ingress.yaml")),
    ("templates/job.yaml", include_str!("../../templates/helm/service/templates/job.yaml")),
    ("templates/pdb.yaml", include_str!("../../templates/helm/service/templates/pdb.yaml")),
    (
        "templates/secretproviderclass.yaml",
        include_str!("../../templates/helm/service/templates/secretproviderclass.yaml"),
    ),
    ("templates/service.yaml", include_str!("../../templates/helm/service/templates/service.yaml")),
    ("templates/servicemonitor.yaml", include_str!("../../templates/helm/service/templates/servicemonitor.yaml")),
    ("templates/serviceaccount.yaml", include_str!("../../templates/helm/service/templates/serviceaccount.yaml")),
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ChartYaml {
    api_version: &'static str,
    name: &'static str,
    description: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    version: &'static str,
    kube_version: &'static str,
}

/// Render one file of the chart, by its path inside the chart.
///
/// # Errors
/// A serializer error, or a file the chart does not have (both bugs).
pub(super) fn render_chart_file(file: &str, path: &str) -> Result<Traced, RenderError> {
    let serialize = |message: String| RenderError::Serialize { path: path.to_owned(), message };
    match file {
        "Chart.yaml" => {
            let chart = ChartYaml {
                api_version: "v2",
                name: "service",
                description: "The generic chart inception deploys every build and image service with",
                kind: "application",
                version: env!("CARGO_PKG_VERSION"),
                kube_version: ">=1.25.0-0",
            };
            let yaml = crate::yaml::to_string(&chart).map_err(serialize)?;
            Ok(trace_structured(&yaml, &Paths::default()))
        }
        "values.yaml" => {
            let yaml = crate::yaml::to_string(&defaults()).map_err(serialize)?;
            let traced = trace_structured(&yaml, &Paths::default());
            Ok(Traced { text: annotate(&yaml, &default_notes()), lines: traced.lines })
        }
        "values.schema.json" => {
            let json = serde_json::to_string_pretty(&schema()).map_err(|e| serialize(e.to_string()))?;
            Ok(trace_structured(&format!("{json}\n"), &Paths::default()))
        }
        _ => {
            let (_, text) = TEMPLATES.iter().find(|(name, _)| *name == file).ok_or_else(|| RenderError::Unplanned {
                path: path.to_owned(),
                what: format!("chart file `{file}`"),
            })?;
            let lines = vec![super::trace::no_origins(); text.lines().count()];
            Ok(Traced { text: (*text).to_owned(), lines })
        }
    }
}

/// The chart's defaults: every key the templates read, so that a service's
/// values only say what is specific to it.
pub(super) fn defaults() -> Values {
    let empty = || Some(String::new());
    Values {
        workload: Some(WorkloadKind::Deployment),
        image: Some(Image {
            repository: empty(),
            tag: empty(),
            digest: empty(),
            pull_policy: Some(PullPolicy::IfNotPresent),
        }),
        replicas: Some(1),
        command: Some(Vec::new()),
        args: Some(Vec::new()),
        port: Some(0),
        service_port: Some(0),
        probe: Some(Probe {
            kind: Some(ProbeKind::None),
            path: Some("/".to_owned()),
            command: Some(Vec::new()),
            port: Some(0),
            initial_delay_seconds: Some(0),
            startup_failure_threshold: Some(60),
        }),
        resources: Some(Resources::default()),
        env: Some(IndexMap::new()),
        secret_env: Some(IndexMap::new()),
        credential_env: Some(IndexMap::new()),
        composed_env: Some(IndexMap::new()),
        credentials: Some(Vec::new()),
        storage: Some(Storage {
            account: empty(),
            blob_endpoint: empty(),
            connection_string: empty(),
            containers: Some(Vec::new()),
        }),
        hot_reload: Some(HotReload { host_path: empty(), mount_path: Some(APP_DIR.to_owned()) }),
        debug: Some(Debug { port: Some(0) }),
        dev_tools: Some(DevTools {
            image: Some(String::new()),
            command: Some(Vec::new()),
            path: Some(DEV_TOOLS_DIR.to_owned()),
            python_path: Some(false),
        }),
        azure: Some(Azure { client_id: empty(), tenant_id: empty(), key_vault_name: empty() }),
        metrics: Some(MetricsValues { path: Some(String::new()), port: Some(0) }),
        shutdown: Some(Shutdown { pre_stop_seconds: Some(5), grace_period_seconds: Some(30) }),
        spread: Some(Spread { zones: Some(false) }),
        pod_annotations: Some(IndexMap::new()),
        node_selector: Some(IndexMap::new()),
        tolerations: Some(Vec::new()),
        job: Some(JobValues {
            schedule: empty(),
            time_zone: empty(),
            concurrency_policy: Some(Concurrency::default().kubernetes().to_owned()),
            backoff_limit: Some(DEFAULT_RETRIES),
            active_deadline_seconds: Some(DEFAULT_TIMEOUT),
            successful_jobs_history_limit: Some(DEFAULT_HISTORY),
            failed_jobs_history_limit: Some(DEFAULT_HISTORY),
        }),
        ingress: Some(IngressValues { host: empty(), class_name: empty(), certificate_uri: empty() }),
    }
}

fn default_notes() -> Vec<Note> {
    let main = layout::MAIN_BICEP;
    let storage = format!("the storage account, set per tier ({main} creates it)");
    let azure =
        format!("cloud tiers: {main}'s helmValues output, kept in {}", layout::azure_values_file("SERVICE", "TIER"));
    [
        ("workload", "Deployment (a service or a worker), Job (run once per change of its pod) or CronJob"),
        ("image.tag", "set per tier from the tier's revision"),
        ("image.digest", "sha256:…; wins over the tag"),
        ("command", "`entrypoint`: replaces the image's ENTRYPOINT; empty: the image's"),
        ("args", "`run`: the arguments after the ENTRYPOINT; empty: the image's CMD"),
        ("port", "the container and Service port; 0: no Service (a worker, a job)"),
        ("servicePort", "the Service port when it is not the container's; 0: port"),
        (
            "probe.type",
            "none, http (GET path), grpc, tcp or exec (command): the startup, readiness and liveness probes' handler",
        ),
        ("probe.startupFailureThreshold", "startup: up to initialDelaySeconds + 5 s x this before liveness counts"),
        ("probe.port", "0: the service port"),
        ("resources", "requests and limits"),
        ("env", "NAME: value"),
        ("secretEnv", "NAME: {name: SECRET, key: KEY}, read with secretKeyRef; synced from Key Vault in cloud tiers"),
        (
            "credentialEnv",
            "NAME: {name: SECRET, key: KEY}: a backing service's credentials Secret (not synced by this release)",
        ),
        ("composedEnv", "NAME: value, after every other variable: may use $(VAR) of the variables above"),
        (
            "credentials",
            "[{secretName, type, objects: [{objectName, key}]}]: Secrets synced from Key Vault (cloud tiers)",
        ),
        ("storage.account", storage.as_str()),
        ("storage.connectionString", "only for the local storage emulator"),
        ("hotReload.hostPath", "a Minikube node folder mounted read-only at mountPath (the working directory)"),
        ("debug.port", "the debugger's port (debugpy, node --inspect, Delve); the liveness probe is off while set"),
        ("devTools.image", "the init container installing the concession tools; empty: the service's image"),
        ("devTools.command", "what it runs to install them into devTools.path; empty: no init container"),
        ("devTools.pythonPath", "devTools.path goes on PYTHONPATH (Python's tools)"),
        ("azure", azure.as_str()),
        ("metrics.path", "scraped by Prometheus through a ServiceMonitor (where the cluster has the CRD); empty: none"),
        ("metrics.port", "0: the service port"),
        ("shutdown.preStopSeconds", "a pause before SIGTERM, while endpoints drop the pod; 0: none"),
        ("spread.zones", "spread replicas across zones, then nodes (set in cloud tiers with more than one replica)"),
        ("podAnnotations", "escape hatch: annotations of the pods"),
        ("nodeSelector", "escape hatch: the nodes the pods may run on"),
        ("tolerations", "escape hatch: taints the pods tolerate"),
        ("job.schedule", "CronJob: five cron fields, read in timeZone"),
        ("job.backoffLimit", "retries before the Job fails"),
        ("job.activeDeadlineSeconds", "the longest a Job runs"),
        ("ingress.host", "reached from outside the cluster at this host; empty: no Ingress"),
        ("ingress.className", "the tier's ingress controller, set per tier"),
        (
            "ingress.certificateUri",
            "cloud tiers: the Key Vault certificate the application routing add-on serves (TLS)",
        ),
    ]
    .into_iter()
    .map(|(path, text)| Note::new(path, text))
    .collect()
}

/// An empty string or a UUID (Azure client and tenant ids).
const UUID: &str = r"^$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A JSON Schema (draft-07) node.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Schema {
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    meta: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'static str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
    allowed: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Box<Schema>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    required: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<IndexMap<&'static str, Schema>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    property_names: Option<Box<Schema>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_properties: Option<Additional>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum Additional {
    Allowed(bool),
    Schema(Box<Schema>),
}

const QUANTITY: &str = r"^([0-9]+(\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$";
const ENV_NAME: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";
const DNS_NAME: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const VAULT_NAME: &str = r"^[0-9a-zA-Z-]{1,127}$";
const SECRET_KEY_NAME: &str = r"^[-._a-zA-Z0-9]+$";

fn typed(kind: &'static str) -> Schema {
    Schema { kind: Some(kind), ..Schema::default() }
}

fn string() -> Schema {
    typed("string")
}

fn pattern(pattern: &'static str) -> Schema {
    Schema { pattern: Some(pattern), ..string() }
}

fn integer(minimum: u32, maximum: Option<u32>) -> Schema {
    Schema { minimum: Some(minimum), maximum, ..typed("integer") }
}

fn one_of(allowed: &[&'static str]) -> Schema {
    Schema { allowed: allowed.to_vec(), ..string() }
}

fn list(items: Schema) -> Schema {
    Schema { items: Some(Box::new(items)), ..typed("array") }
}

/// A closed object: unknown keys are errors.
fn object(properties: Vec<(&'static str, Schema)>) -> Schema {
    Schema {
        properties: Some(properties.into_iter().collect()),
        additional_properties: Some(Additional::Allowed(false)),
        ..typed("object")
    }
}

/// A map from environment variable names to `value`.
fn env_map(value: Schema) -> Schema {
    Schema {
        property_names: Some(Box::new(pattern(ENV_NAME))),
        additional_properties: Some(Additional::Schema(Box::new(value))),
        ..typed("object")
    }
}

fn schema() -> Schema {
    let port = || integer(0, Some(65535));
    let quantities = || object(vec![("cpu", pattern(QUANTITY)), ("memory", pattern(QUANTITY))]);
    let secret = Schema {
        required: vec!["name", "key"],
        ..object(vec![
            ("name", Schema { min_length: Some(1), ..string() }),
            ("key", Schema { min_length: Some(1), ..string() }),
        ])
    };
    let properties = vec![
        ("workload", one_of(&WorkloadKind::ALL.map(WorkloadKind::as_str))),
        (
            "image",
            object(vec![
                ("repository", string()),
                ("tag", pattern(r"^$|^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")),
                ("digest", pattern(r"^$|^sha256:[a-f0-9]{64}$")),
                ("pullPolicy", one_of(&PullPolicy::ALL.map(PullPolicy::as_str))),
            ]),
        ),
        ("replicas", integer(0, None)),
        ("command", list(string())),
        ("args", list(string())),
        ("port", port()),
        ("servicePort", port()),
        (
            "probe",
            object(vec![
                ("type", one_of(&ProbeKind::ALL.map(ProbeKind::as_str))),
                ("path", pattern("^/")),
                ("command", list(string())),
                ("port", port()),
                ("initialDelaySeconds", integer(0, None)),
                ("startupFailureThreshold", integer(1, Some(1000))),
            ]),
        ),
        ("resources", object(vec![("requests", quantities()), ("limits", quantities())])),
        ("env", env_map(string())),
        ("secretEnv", env_map(secret.clone())),
        ("credentialEnv", env_map(secret)),
        ("composedEnv", env_map(string())),
        (
            "credentials",
            list(Schema {
                required: vec!["secretName", "type", "objects"],
                ..object(vec![
                    ("secretName", pattern(DNS_NAME)),
                    ("type", one_of(&["Opaque", "kubernetes.io/basic-auth"])),
                    (
                        "objects",
                        list(Schema {
                            required: vec!["objectName", "key"],
                            ..object(vec![("objectName", pattern(VAULT_NAME)), ("key", pattern(SECRET_KEY_NAME))])
                        }),
                    ),
                ])
            }),
        ),
        (
            "storage",
            object(vec![
                ("account", pattern("^[a-z0-9]*$")),
                ("blobEndpoint", string()),
                ("connectionString", string()),
                ("containers", list(pattern("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"))),
            ]),
        ),
        ("hotReload", object(vec![("hostPath", string()), ("mountPath", pattern("^/"))])),
        ("debug", object(vec![("port", port())])),
        (
            "devTools",
            object(vec![
                ("image", string()),
                ("command", list(string())),
                ("path", pattern("^/")),
                ("pythonPath", typed("boolean")),
            ]),
        ),
        (
            "azure",
            object(vec![
                ("clientId", pattern(UUID)),
                ("tenantId", pattern(UUID)),
                ("keyVaultName", pattern(r"^$|^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$")),
            ]),
        ),
    ];
    let mut properties = properties;
    let label_map =
        || Schema { additional_properties: Some(Additional::Schema(Box::new(string()))), ..typed("object") };
    properties.extend([
        (
            "shutdown",
            object(vec![("preStopSeconds", integer(0, Some(300))), ("gracePeriodSeconds", integer(0, Some(3600)))]),
        ),
        ("spread", object(vec![("zones", typed("boolean"))])),
        ("metrics", object(vec![("path", pattern(r"^$|^/\S*$")), ("port", integer(0, Some(65535)))])),
        ("podAnnotations", label_map()),
        ("nodeSelector", label_map()),
        (
            "tolerations",
            list(object(vec![
                ("key", string()),
                ("operator", one_of(&["Exists", "Equal"])),
                ("value", string()),
                ("effect", one_of(&["", "NoSchedule", "PreferNoSchedule", "NoExecute"])),
                ("tolerationSeconds", integer(0, None)),
            ])),
        ),
        (
            "job",
            object(vec![
                ("schedule", string()),
                ("timeZone", pattern(r"^$|^(UTC|[A-Z][A-Za-z]+/[A-Za-z0-9_+/-]+)$")),
                ("concurrencyPolicy", one_of(&Concurrency::ALL.map(|(_, c)| c.kubernetes()))),
                ("backoffLimit", integer(0, Some(20))),
                ("activeDeadlineSeconds", integer(1, None)),
                ("successfulJobsHistoryLimit", integer(0, Some(100))),
                ("failedJobsHistoryLimit", integer(0, Some(100))),
            ]),
        ),
        (
            "ingress",
            object(vec![
                ("host", pattern(r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$")),
                ("className", pattern(r"^$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")),
                ("certificateUri", pattern(r"^$|^https://[a-z0-9-]+\.vault\.azure\.net/certificates/[A-Za-z0-9-]+$")),
            ]),
        ),
    ]);
    Schema {
        meta: Some("http://json-schema.org/draft-07/schema#"),
        title: Some("Values of the inception generic service chart"),
        ..object(properties)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_planned_and_every_planned_file_renders() {
        for file in crate::plan::kubernetes::chart_files() {
            let traced = render_chart_file(file, file).expect("renders");
            assert!(!traced.text.is_empty(), "{file}");
        }
        let planned = crate::plan::kubernetes::CHART_TEMPLATES;
        assert_eq!(TEMPLATES.map(|(name, _)| name), planned);
    }

    #[test]
    fn the_schema_closes_every_object_and_knows_every_default_key() {
        let schema = serde_json::to_value(schema()).expect("schema serializes");
        let defaults = serde_json::to_value(defaults()).expect("defaults serialize");
        assert_eq!(schema["additionalProperties"], false);
        for (key, value) in defaults.as_object().expect("an object") {
            assert!(schema["properties"][key].is_object(), "no schema for `{key}`");
            if let Some(fields) = value.as_object().filter(|_| {
                !matches!(
                    key.as_str(),
                    "env" | "secretEnv" | "credentialEnv" | "composedEnv" | "podAnnotations" | "nodeSelector"
                )
            }) {
                for field in fields.keys() {
                    assert!(
                        schema["properties"][key]["properties"][field].is_object(),
                        "no schema for `{key}.{field}`"
                    );
                }
            }
        }
    }
}
