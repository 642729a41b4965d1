//! The values of the generic chart: one typed document ([`Values`]) used for
//! the chart's defaults, for `deploy/values/SERVICE/values.yaml` (what every
//! tier shares) and for `values-TIER.yaml` (only what differs in that tier).
//!
//! Every field is optional and skipped when `None`: a `null` in a Helm
//! values file deletes the chart's default. `env` and `secretEnv` are maps so
//! that Helm merges a tier's entries into the shared ones. A secret is read
//! from the Kubernetes Secret named in the spec, key `value` (in the cloud,
//! synced from the Key Vault secret of the same name).
//!
//! A tier file holds: the image tag from the tier's `revision` (and, on
//! Minikube, `pullPolicy: Never`: the image is built there), the service's
//! override for the tier with its reason beside each key, and the effects of
//! the concessions that apply. Each line is traced to the node it comes from.

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::helm_workload::{self, IngressValues, JobValues, WorkloadKind};
use super::key_path::KeyPath;
use super::trace::{Paths, Traced, trace_structured};
use super::yaml_notes::{Note, annotate};
use crate::model::{
    Cluster, Concession, Model, Probe as HealthProbe, Quantities as ModelQuantities, Service, Source, Tier,
};
use crate::plan::concession;
use crate::plan::workload::{self, APP_DIR, origin};
use crate::providers;

/// The key of the Kubernetes Secret entry a `secret KEY=NAME` reads.
pub(crate) const SECRET_KEY: &str = "value";

/// The generic chart's values.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Values {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<Probe>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<IndexMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<IndexMap<String, SecretRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_env: Option<IndexMap<String, SecretRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub composed_env: Option<IndexMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Vec<CredentialSecret>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hot_reload: Option<HotReload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debug: Option<Debug>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev_tools: Option<DevTools>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azure: Option<Azure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsValues>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shutdown: Option<Shutdown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_annotations: Option<IndexMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<IndexMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<JobValues>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress: Option<IngressValues>,
}

/// `metrics`: what Prometheus scrapes (a ServiceMonitor where the cluster has the CRD).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct MetricsValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// `shutdown`: the preStop pause and the grace period.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Shutdown {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_stop_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<u32>,
}

/// `spread`: replicas spread across zones (cloud tiers).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Spread {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zones: Option<bool>,
}

/// One toleration (an escape hatch set per tier by hand: never by inception).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Toleration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
}

/// `image`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Image {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_policy: Option<PullPolicy>,
}

/// `image.pullPolicy`: when the kubelet pulls the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum PullPolicy {
    /// On every start.
    Always,
    /// Only when the node does not have it.
    IfNotPresent,
    /// Never: the image was built on the node (Minikube).
    Never,
}

impl PullPolicy {
    /// Every policy.
    pub(crate) const ALL: [PullPolicy; 3] = [PullPolicy::Always, PullPolicy::IfNotPresent, PullPolicy::Never];

    /// The spelling Kubernetes reads.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PullPolicy::Always => "Always",
            PullPolicy::IfNotPresent => "IfNotPresent",
            PullPolicy::Never => "Never",
        }
    }
}

/// `probe.type`: how the chart probes readiness and liveness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ProbeKind {
    /// No probe.
    None,
    /// `GET path`.
    Http,
    /// The gRPC health protocol.
    Grpc,
    /// A TCP connection.
    Tcp,
    /// A command in the container.
    Exec,
}

impl ProbeKind {
    /// Every kind.
    pub(crate) const ALL: [ProbeKind; 5] =
        [ProbeKind::None, ProbeKind::Http, ProbeKind::Grpc, ProbeKind::Tcp, ProbeKind::Exec];

    /// The spelling the chart reads.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ProbeKind::None => "none",
            ProbeKind::Http => "http",
            ProbeKind::Grpc => "grpc",
            ProbeKind::Tcp => "tcp",
            ProbeKind::Exec => "exec",
        }
    }
}

/// `probe`: the handler of the startup, readiness and liveness probes.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Probe {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProbeKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup_failure_threshold: Option<u32>,
}

/// `resources`.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Resources {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<Quantities>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<Quantities>,
}

/// CPU and memory.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Quantities {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

/// A `secretKeyRef`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SecretRef {
    pub name: String,
    pub key: String,
}

/// `credentials`: a backing service's credentials Secret synced from Key
/// Vault objects (cloud tiers, the `credentials` release).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialSecret {
    pub secret_name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub objects: Vec<VaultObject>,
}

/// One Key Vault secret and the Secret key it becomes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VaultObject {
    pub object_name: String,
    pub key: String,
}

/// `storage`: blob containers, and where the account is.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Storage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blob_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub containers: Option<Vec<String>>,
}

/// `hotReload`: the build folder mounted from the Minikube node.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HotReload {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
}

/// `azure`: what only the Azure deployment knows (its `helmValues` output,
/// kept by the operator in `deploy/values/SERVICE/azure-TIER.yaml`).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Azure {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_vault_name: Option<String>,
}

/// `devTools`: the init container that installs the concession tools into `path`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DevTools {
    /// Its image; empty: the service's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Its command; empty: no init container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Whether `path` goes on PYTHONPATH (Python's tools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub python_path: Option<bool>,
}

/// `debug`: the debugpy port.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Debug {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

fn quantities(q: &ModelQuantities) -> Option<Quantities> {
    (q.cpu.is_some() || q.memory.is_some()).then(|| Quantities { cpu: q.cpu.clone(), memory: q.memory.clone() })
}

fn resources(r: &crate::model::Resources) -> Resources {
    Resources { requests: quantities(&r.requests), limits: quantities(&r.limits) }
}

/// What every tier shares, with the node of each key.
pub(crate) fn shared(model: &Model, service: &Service) -> (Values, Paths) {
    let mut paths = Paths::default();
    let mut values = Values::default();
    let from_source = origin::source(service);
    paths.add("image", from_source);
    values.image = Some(match &service.source {
        Source::Image(reference) => {
            let split = workload::split_image(&reference.value);
            Image { repository: Some(split.repository), tag: split.tag, digest: split.digest, pull_policy: None }
        }
        _ => {
            if let Some(registry) = origin::registry(model) {
                paths.add("image.repository", registry);
            }
            Image { repository: Some(workload::build_repository(model, service)), ..Image::default() }
        }
    });
    (values.workload, values.job, values.service_port, values.ingress) = helm_workload::shared(service, &mut paths);
    if values.job.is_some() {
        // Nothing routes to a Job's pod: no pause before it stops.
        values.shutdown = Some(Shutdown { pre_stop_seconds: Some(0), grace_period_seconds: None });
        paths.add("shutdown", origin::service(service));
    } else {
        values.replicas = Some(service.replicas.value);
        paths.add("replicas", origin::replicas(service));
    }
    if !service.entrypoint.is_empty() {
        values.command = Some(service.entrypoint.clone());
        paths.add("command", origin::service(service));
    }
    if !service.run.is_empty() {
        values.args = Some(service.run.clone());
        paths.add("args", origin::service(service));
    }
    if let Some(port) = &service.port {
        values.port = Some(port.value);
        paths.add("port", origin::child(service, "port", port.span));
    }
    if let Some(health) = &service.health {
        let (kind, path, command) = match &health.probe {
            HealthProbe::Http(path) => (ProbeKind::Http, Some(path.clone()), None),
            HealthProbe::Grpc => (ProbeKind::Grpc, None, None),
            HealthProbe::Tcp => (ProbeKind::Tcp, None, None),
            HealthProbe::Exec(command) => (ProbeKind::Exec, None, Some(command.clone())),
        };
        values.probe = Some(Probe {
            kind: Some(kind),
            path,
            command,
            port: health.port,
            initial_delay_seconds: health.delay,
            startup_failure_threshold: None,
        });
        paths.add("probe", origin::child(service, "health", health.span));
    }
    if let Some(metrics) = &service.metrics {
        values.metrics = Some(MetricsValues { path: Some(metrics.path.value.clone()), port: metrics.port });
        paths.add("metrics", origin::child(service, "metrics", metrics.span));
    }
    if let Some(r) = &service.resources {
        values.resources = Some(resources(r));
        paths.add("resources", origin::child(service, "resources", r.span));
    }
    let mut env = IndexMap::new();
    let mut credential_env = IndexMap::new();
    let mut composed_env = IndexMap::new();
    for need in &service.needs {
        let Some(dependency) = model.service(&need.value) else { continue };
        let prefix = workload::env_prefix(&need.value);
        let from = origin::child(service, format_args!("needs {}", need.value), need.span);
        if let Some(kind) = dependency.backing() {
            let provider = providers::provider(kind);
            let name = &dependency.name.value;
            let from_kind = origin::source(dependency);
            let mut add = |key: String, value: String| {
                paths.add(KeyPath::from("env").key(key.clone()), from.clone());
                paths.add(KeyPath::from("env").key(key.clone()), from_kind.clone());
                env.insert(key, value);
            };
            add(format!("{prefix}_HOST"), providers::host(name, kind));
            add(format!("{prefix}_PORT"), provider.port.to_string());
            add(format!("{prefix}_USER"), providers::user(name, kind));
            for (key, value) in provider.extra_env {
                add(format!("{prefix}_{key}"), (*value).to_owned());
            }
            credential_env.insert(
                format!("{prefix}_PASSWORD"),
                SecretRef { name: providers::credentials_secret(name), key: providers::PASSWORD_KEY.to_owned() },
            );
            paths.add(KeyPath::from("credentialEnv").key(format!("{prefix}_PASSWORD")), from.clone());
            if let Some(url) = providers::url(name, kind, &prefix) {
                composed_env.insert(format!("{prefix}_URL"), url);
                paths.add(KeyPath::from("composedEnv").key(format!("{prefix}_URL")), from.clone());
                paths.add(KeyPath::from("composedEnv").key(format!("{prefix}_URL")), from_kind);
            }
            continue;
        }
        // A job needed is waited for (sync waves), not reached: no variables.
        let Some(port) = dependency.reached_port() else { continue };
        env.insert(format!("{prefix}_HOST"), workload::dependency_host(dependency));
        paths.add(KeyPath::from("env").key(format!("{prefix}_HOST")), from.clone());
        env.insert(format!("{prefix}_PORT"), port.value.to_string());
        paths.add(KeyPath::from("env").key(format!("{prefix}_PORT")), from);
        paths.add(KeyPath::from("env").key(format!("{prefix}_PORT")), origin::child(dependency, "port", port.span));
    }
    for pair in &service.env {
        env.insert(pair.key.value.clone(), pair.value.value.clone());
        paths.add(
            KeyPath::from("env").key(&pair.key.value),
            origin::child(service, format_args!("env {}", pair.key.value), pair.key.span),
        );
    }
    values.env = (!env.is_empty()).then_some(env);
    values.credential_env = (!credential_env.is_empty()).then_some(credential_env);
    values.composed_env = (!composed_env.is_empty()).then_some(composed_env);
    let mut secrets = IndexMap::new();
    for pair in &service.secrets {
        secrets
            .insert(pair.key.value.clone(), SecretRef { name: pair.value.value.clone(), key: SECRET_KEY.to_owned() });
        let from = origin::child(service, format_args!("secret {}", pair.key.value), pair.key.span);
        paths.add(KeyPath::from("secretEnv").key(&pair.key.value), from);
    }
    values.secret_env = (!secrets.is_empty()).then_some(secrets);
    if !service.storage.is_empty() {
        values.storage = Some(Storage {
            containers: Some(service.storage.iter().map(|s| s.value.clone()).collect()),
            ..Storage::default()
        });
        for storage in &service.storage {
            paths.add(
                "storage.containers",
                origin::child(service, format_args!("storage {}", storage.value), storage.span),
            );
        }
    }
    (values, paths)
}

/// Only what differs in `tier`, with the node of each key and the comments
/// written beside them.
pub(crate) fn for_tier(model: &Model, tier: &Tier, service: &Service) -> (Values, Paths, Vec<Note>) {
    let mut values = Values::default();
    let mut paths = Paths::default();
    let mut notes = Vec::new();
    // A cloud tier pulls by digest, set by its Application (argocd.rs).
    if workload::builds_locally(tier, service) {
        let tag = workload::image_tag(&tier.revision.value);
        if tag != tier.revision.value {
            notes.push(Note::new("image.tag", &format!("revision {}", tier.revision.value)));
        }
        let image = Image { tag: Some(tag), pull_policy: Some(PullPolicy::Never), ..Image::default() };
        paths.add("image.tag", origin::revision(tier));
        paths.add("image.pullPolicy", origin::cluster(tier));
        notes.push(Note::new("image.pullPolicy", "cluster minikube: the image is built inside Minikube"));
        values.image = Some(image);
    }
    if let Some(over) = service.override_for(&tier.name.value) {
        let from = origin::over(service, over);
        let reason = format!("reason: {}", over.reason.value);
        if let Some(replicas) = &over.replicas {
            values.replicas = Some(replicas.value);
            paths.add("replicas", from.clone());
            notes.push(Note::new("replicas", &reason));
        }
        if let Some(r) = &over.resources {
            values.resources = Some(resources(r));
            paths.add("resources", from.clone());
            notes.push(Note::new("resources", &reason));
        }
        if !over.env.is_empty() {
            let env = over.env.iter().map(|p| (p.key.value.clone(), p.value.value.clone())).collect();
            values.env = Some(env);
            for pair in &over.env {
                paths.add(KeyPath::from("env").key(&pair.key.value), from.clone());
                notes.push(Note::new(KeyPath::from("env").key(&pair.key.value), &reason));
            }
        }
    }
    if tier.cluster.value == Cluster::Aks && workload::replicas_in(service, tier) > 1 {
        values.spread = Some(Spread { zones: Some(true) });
        paths.add("spread", origin::cluster(tier));
        // More than one replica: the service's count, or this tier's override of it.
        match service.override_for(&tier.name.value).filter(|o| o.replicas.is_some()) {
            Some(over) => paths.add("spread", origin::over(service, over)),
            None => paths.add("spread", origin::replicas(service)),
        }
        notes.push(Note::new("spread", "cluster aks, more than one replica: spread across the cluster's zones"));
    }
    if !service.storage.is_empty() && tier.cluster.value == Cluster::Aks {
        let suffix = super::azure_names::unique_suffix(model);
        let account = super::azure_names::storage_account(&model.project.name.value, &tier.name.value, &suffix);
        values.storage = Some(Storage { account: Some(account), ..Storage::default() });
        paths.add("storage.account", origin::tier(tier));
        notes
            .push(Note::new("storage.account", &format!("the tier's storage account ({})", crate::layout::MAIN_BICEP)));
    }
    values.ingress = helm_workload::tier_ingress(model, tier, service, &mut paths, &mut notes);
    concessions(model, tier, service, &mut values, &mut paths, &mut notes);
    (values, paths, notes)
}

/// The effects of the local concessions on one service.
fn concessions(
    model: &Model,
    tier: &Tier,
    service: &Service,
    values: &mut Values,
    paths: &mut Paths,
    notes: &mut Vec<Note>,
) {
    let applies = |kind| workload::concession_applies(tier, service, kind);
    let runtime = concession::runtime(service);
    let (reload, debug) = (applies(Concession::HotReload), applies(Concession::Debug));
    let mut changed = Vec::new();
    if reload {
        changed.push(Concession::HotReload);
    }
    if debug {
        changed.push(Concession::Debug);
    }
    let from = |kind| origin::concession(tier, kind).unwrap_or_else(|| origin::tier(tier));
    if debug {
        values.debug = Some(Debug { port: Some(concession::debug_port(runtime)) });
        paths.add("debug", from(Concession::Debug));
        notes.push(Note::new(
            "debug",
            &format!("concession debug: the {} debugger listens on this port, no liveness probe", runtime.as_str()),
        ));
        if service.replicas.value != 1 || values.replicas.is_some_and(|r| r != 1) {
            values.replicas = Some(1);
            paths.add("replicas", from(Concession::Debug));
            notes.push(Note::new("replicas", "concession debug: one pod, so the debugger sees every request"));
        }
    }
    if reload && let Source::Build(dir) = &service.source {
        let host_path = format!("{}/{}", super::workspace_folder(model), dir.value.trim_matches('/'));
        values.hot_reload = Some(HotReload { host_path: Some(host_path), mount_path: Some(APP_DIR.to_owned()) });
        paths.add("hotReload", from(Concession::HotReload));
        notes.push(Note::new("hotReload", "concession hot-reload: the build folder, from the Minikube mount"));
    }
    if let Some((image, command)) = concession::installer(runtime, reload, debug) {
        values.dev_tools = Some(DevTools {
            image: image.map(str::to_owned),
            command: Some(command),
            path: None,
            python_path: (runtime == crate::model::Runtime::Python).then_some(true),
        });
        for kind in &changed {
            paths.add("devTools", from(*kind));
        }
        notes.push(Note::new("devTools", "installed by an init container: the image need not contain them"));
    }
    if !changed.is_empty() {
        let (command, args) = concession::wrapped(service, runtime, reload, debug);
        let names: Vec<&str> = changed.iter().map(|c| c.as_str()).collect();
        let note = format!("concession {}", names.join(", "));
        if let Some(command) = command {
            values.command = Some(command);
            for kind in &changed {
                paths.add("command", from(*kind));
            }
            notes.push(Note::new("command", &note));
        }
        values.args = Some(args);
        for kind in &changed {
            paths.add("args", from(*kind));
        }
        notes.push(Note::new("args", &note));
    }
    if applies(Concession::StorageEmulator) {
        values.storage = Some(Storage {
            account: Some(workload::AZURITE_ACCOUNT.to_owned()),
            blob_endpoint: Some(workload::azurite_blob_endpoint()),
            connection_string: Some(workload::azurite_connection_string()),
            ..Storage::default()
        });
        let from = origin::concession(tier, Concession::StorageEmulator).unwrap_or_else(|| origin::tier(tier));
        paths.add("storage", from);
        notes.push(Note::new("storage", "concession storage-emulator: Azurite's public development account"));
    }
}

/// Serialize values with traced lines and notes.
///
/// # Errors
/// A serializer error (a bug).
pub(crate) fn render(values: &Values, paths: &Paths, notes: &[Note], path: &str) -> Result<Traced, RenderError> {
    let yaml =
        crate::yaml::to_string(values).map_err(|message| RenderError::Serialize { path: path.to_owned(), message })?;
    let traced = trace_structured(&yaml, paths);
    let text = annotate(&yaml, notes);
    Ok(Traced { text, lines: traced.lines })
}

/// Render `deploy/values/SERVICE/values.yaml` or `values-TIER.yaml`.
///
/// # Errors
/// A serializer error (a bug).
pub(crate) fn render_values(
    model: &Model,
    service: &Service,
    tier: Option<&Tier>,
    path: &str,
) -> Result<Traced, RenderError> {
    match tier {
        None => {
            let (values, paths) = shared(model, service);
            render(&values, &paths, &[], path)
        }
        Some(tier) => {
            let (values, paths, notes) = for_tier(model, tier, service);
            render(&values, &paths, &notes, path)
        }
    }
}
