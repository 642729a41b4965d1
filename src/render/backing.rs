//! Backing services (`kind …`) on Argo CD, from the provider catalog
//! ([`crate::providers`]):
//!
//! - the service's Application: the catalog's chart at its pinned version
//!   with the catalog's values and the spec's `value`s inline, or (Kafka) the
//!   custom resources inception renders into `deploy/backing/NAME/TIER.yaml`;
//! - `deploy/argocd/TIER/operator-ID.yaml`: each operator the kinds need,
//!   once per tier, in the tier's namespace;
//! - `deploy/argocd/TIER/credentials.yaml` (cloud tiers): the generic chart
//!   running a pause container that mounts the Key Vault CSI volume, so that
//!   the driver syncs every `NAME-credentials` Secret before the providers sync;
//! - the Kafka manifests: `Kafka`, `KafkaNodePool` and a `KafkaUser` whose
//!   SCRAM password is read from `NAME-credentials`.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::RenderError;
use super::argocd::{AppSource, Helm, application, directory_source, finish, generic_chart_source, tier_paths};
use super::helm_values::{CredentialSecret, Image, Probe, VaultObject};
use super::trace::{Paths, Traced, trace_structured};
use crate::model::{BackingKind, Model, Service, Tier};
use crate::plan::workload::origin;
use crate::providers::{self, Delivery};

/// The sync wave of the operators: first.
pub(crate) const OPERATOR_WAVE: i64 = -4;
/// The sync wave of the credentials release (cloud tiers): before the providers.
pub(crate) const CREDENTIALS_WAVE: i64 = -3;
/// The release (and Application) name that syncs the credentials.
pub(crate) const CREDENTIALS_RELEASE: &str = crate::layout::CREDENTIALS_APP;
/// The container the credentials release runs: it only mounts the CSI volume.
pub(crate) const PAUSE_IMAGE: &str = "registry.k8s.io/pause";
/// Its pinned digest (the 3.10 release's index, as Kubernetes publishes it):
/// cloud tiers run images by digest only.
pub(crate) const PAUSE_DIGEST: &str = "sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a";

fn unknown(path: &str) -> RenderError {
    RenderError::Serialize { path: path.to_owned(), message: "unknown tier, service or operator".to_owned() }
}

/// Sync options of an Application whose objects include custom resources or CRDs.
fn crd_sync_options(application: &mut super::argocd::Application<Value>, server_side: bool) {
    let options = &mut application.spec.sync_policy.sync_options;
    options.push("SkipDryRunOnMissingResource=true".to_owned());
    if server_side {
        // CRDs beyond the 256 KiB annotation limit of client-side apply.
        options.push("ServerSideApply=true".to_owned());
    }
}

/// The origins of a backing service's values in a tier.
fn value_paths(service: &Service, tier: &Tier, paths: &mut Paths) {
    paths.add("spec.source", origin::source(service));
    for setting in &service.values {
        paths.add(
            "spec.source.helm.valuesObject",
            origin::child(service, format_args!("value {}", setting.path.value), setting.span),
        );
    }
    if let Some(over) = service.override_for(&tier.name.value) {
        paths.add("spec.source.helm.valuesObject", origin::over(service, over));
    }
}

/// A backing service's Application (`deploy/argocd/TIER/NAME.yaml`), in `wave`.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_backing_application(
    model: &Model,
    tier: &Tier,
    service: &Service,
    kind: BackingKind,
    wave: i64,
    path: &str,
) -> Result<Traced, RenderError> {
    let name = &service.name.value;
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    paths.add("metadata.name", origin::service(service));
    value_paths(service, tier, &mut paths);
    let source = match providers::provider(kind).delivery {
        Delivery::Chart { chart } => AppSource {
            repo_url: chart.repo.to_owned(),
            chart: Some(chart.chart.to_owned()),
            path: None,
            target_revision: chart.version.to_owned(),
            helm: Some(Helm {
                parameters: Vec::new(),
                release_name: name.clone(),
                value_files: Vec::new(),
                values_object: Some(providers::values(service, tier, kind)),
                ignore_missing_value_files: None,
            }),
            directory: None,
        },
        Delivery::Manifests => {
            let include = Some(format!("{}.yaml", tier.name.value));
            directory_source(model, tier, crate::layout::backing_dir(name), include, &mut paths)
        }
    };
    let mut app = application(model, tier, name, wave, source);
    crd_sync_options(&mut app, false);
    finish(&app, &paths, path)
}

/// `deploy/argocd/TIER/operator-ID.yaml`.
///
/// # Errors
/// A serializer error, or an unknown tier or operator (bugs).
pub(super) fn render_operator(model: &Model, tier: &Tier, operator: &str, path: &str) -> Result<Traced, RenderError> {
    let (operator, sources) = crate::plan::kubernetes::operators(model)
        .into_iter()
        .find(|(o, _)| o.id == operator)
        .ok_or_else(|| unknown(path))?;
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    for from in sources {
        paths.add("metadata", from.clone());
        paths.add("spec.source", from);
    }
    let source = AppSource {
        repo_url: operator.chart.repo.to_owned(),
        chart: Some(operator.chart.chart.to_owned()),
        path: None,
        target_revision: operator.chart.version.to_owned(),
        helm: Some(Helm {
            parameters: Vec::new(),
            release_name: operator.id.to_owned(),
            value_files: Vec::new(),
            values_object: Some(providers::operator_values(operator)),
            ignore_missing_value_files: None,
        }),
        directory: None,
    };
    let mut app = application(model, tier, &format!("operator-{}", operator.id), OPERATOR_WAVE, source);
    crd_sync_options(&mut app, true);
    finish(&app, &paths, path)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CredentialsValues {
    image: Image,
    probe: Probe,
    resources: super::helm_values::Resources,
    credentials: Vec<CredentialSecret>,
}

/// The credentials Secrets a cloud tier syncs from Key Vault.
pub(crate) fn credential_secrets(model: &Model) -> Vec<CredentialSecret> {
    crate::plan::kubernetes::platform_credentials(model)
        .into_iter()
        .map(|credential| CredentialSecret {
            secret_name: credential.secret,
            kind: credential.kind.to_owned(),
            objects: providers::vault_objects(&credential.owner)
                .into_iter()
                .map(|(object_name, key)| VaultObject { object_name, key: key.to_owned() })
                .collect(),
        })
        .collect()
}

/// `deploy/argocd/TIER/credentials.yaml` (cloud tiers): the generic chart as
/// release `credentials`, a pause container mounting the Key Vault CSI
/// volume; the Azure values (identity, vault) come from the operator's
/// `deploy/values/credentials/azure-TIER.yaml` as for every service.
///
/// # Errors
/// A serializer error, or an unknown tier (bugs).
pub(super) fn render_credentials(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    paths.add("spec.source.targetRevision", origin::revision(tier));
    for credential in crate::plan::kubernetes::platform_credentials(model) {
        paths.add("spec.source.helm.valuesObject.credentials", credential.origin);
    }
    paths.add("spec.source.helm.valueFiles", origin::cluster(tier));
    let quantities = || super::helm_values::Quantities { cpu: Some("10m".to_owned()), memory: Some("16Mi".to_owned()) };
    let values = CredentialsValues {
        image: Image { repository: Some(PAUSE_IMAGE.to_owned()), ..Image::default() },
        probe: Probe { kind: Some(super::helm_values::ProbeKind::None), ..Probe::default() },
        resources: super::helm_values::Resources { requests: Some(quantities()), limits: Some(quantities()) },
        credentials: credential_secrets(model),
    };
    let files =
        vec![crate::layout::from_chart(&crate::layout::azure_values_file(CREDENTIALS_RELEASE, &tier.name.value))];
    let mut source = generic_chart_source(model, tier, CREDENTIALS_RELEASE, files, Some(values));
    if let Some(helm) = source.helm.as_mut() {
        helm.ignore_missing_value_files = Some(true);
        // By digest, like every image of a cloud tier (pause 3.10).
        helm.parameters
            .push(super::argocd::Parameter { name: "image.digest".to_owned(), value: PAUSE_DIGEST.to_owned() });
    }
    finish(&application(model, tier, CREDENTIALS_RELEASE, CREDENTIALS_WAVE, source), &paths, path)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest<S: Serialize> {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: S,
}

#[derive(Debug, Serialize)]
struct ObjectMeta {
    name: String,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    labels: IndexMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NodePoolSpec {
    replicas: i64,
    roles: [&'static str; 2],
    storage: JbodStorage,
    resources: super::helm_values::Resources,
}

#[derive(Debug, Serialize)]
struct JbodStorage {
    #[serde(rename = "type")]
    kind: &'static str,
    volumes: Vec<Volume>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Volume {
    id: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    size: String,
    kraft_metadata: &'static str,
    delete_claim: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct KafkaSpec {
    kafka: KafkaCluster,
    entity_operator: EntityOperator,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct KafkaCluster {
    version: &'static str,
    metadata_version: &'static str,
    listeners: Vec<Listener>,
    config: IndexMap<String, i64>,
}

#[derive(Debug, Serialize)]
struct Listener {
    name: &'static str,
    port: u16,
    #[serde(rename = "type")]
    kind: &'static str,
    tls: bool,
    authentication: TypeOnly,
}

#[derive(Debug, Serialize)]
struct TypeOnly {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EntityOperator {
    user_operator: IndexMap<String, String>,
}

#[derive(Debug, Serialize)]
struct UserSpec {
    authentication: UserAuthentication,
}

#[derive(Debug, Serialize)]
struct UserAuthentication {
    #[serde(rename = "type")]
    kind: &'static str,
    password: PasswordFrom,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PasswordFrom {
    value_from: SecretKeyFrom,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretKeyFrom {
    secret_key_ref: KeyRef,
}

#[derive(Debug, Serialize)]
struct KeyRef {
    name: String,
    key: &'static str,
}

/// The Kafka version and its metadata version the Strimzi 1.2.0 images run.
const KAFKA_VERSION: (&str, &str) = ("4.3.1", "4.3-IV0");

/// `deploy/backing/NAME/TIER.yaml`: a Kafka cluster of `replicas` combined
/// controller+broker nodes, one SCRAM-SHA-512 internal listener, and the
/// consumers' user with its password from `NAME-credentials`.
///
/// # Errors
/// A serializer error, or an unknown tier or service (bugs).
pub(super) fn render_kafka(tier: &Tier, service: &Service, path: &str) -> Result<Traced, RenderError> {
    let kind = service.backing().ok_or_else(|| unknown(path))?;
    let name = &service.name.value;
    let provider = providers::provider(kind);
    let values = providers::values(service, tier, kind);
    let replicas = values.get("replicas").and_then(Value::as_i64).unwrap_or(1).max(1);
    let size = values.get("storage").and_then(Value::as_str).unwrap_or("10Gi").to_owned();
    let cluster_label = || IndexMap::from([("strimzi.io/cluster".to_owned(), name.clone())]);
    let factor = replicas.min(3);
    let config: IndexMap<String, i64> = [
        ("offsets.topic.replication.factor", factor),
        ("transaction.state.log.replication.factor", factor),
        ("transaction.state.log.min.isr", (factor - 1).max(1)),
        ("default.replication.factor", factor),
        ("min.insync.replicas", (factor - 1).max(1)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let requests = provider.requests;
    let pool = Manifest {
        api_version: "kafka.strimzi.io/v1",
        kind: "KafkaNodePool",
        metadata: ObjectMeta { name: format!("{name}-nodes"), labels: cluster_label() },
        spec: NodePoolSpec {
            replicas,
            roles: ["controller", "broker"],
            storage: JbodStorage {
                kind: "jbod",
                volumes: vec![Volume {
                    id: 0,
                    kind: "persistent-claim",
                    size,
                    kraft_metadata: "shared",
                    delete_claim: false,
                }],
            },
            resources: super::helm_values::Resources {
                requests: Some(super::helm_values::Quantities {
                    cpu: Some(requests.cpu()),
                    memory: Some(requests.memory()),
                }),
                limits: None,
            },
        },
    };
    let kafka = Manifest {
        api_version: "kafka.strimzi.io/v1",
        kind: "Kafka",
        metadata: ObjectMeta { name: name.clone(), labels: IndexMap::new() },
        spec: KafkaSpec {
            kafka: KafkaCluster {
                version: KAFKA_VERSION.0,
                metadata_version: KAFKA_VERSION.1,
                listeners: vec![Listener {
                    name: "plain",
                    port: provider.port,
                    kind: "internal",
                    tls: false,
                    authentication: TypeOnly { kind: "scram-sha-512" },
                }],
                config,
            },
            entity_operator: EntityOperator { user_operator: IndexMap::new() },
        },
    };
    let user = Manifest {
        api_version: "kafka.strimzi.io/v1",
        kind: "KafkaUser",
        metadata: ObjectMeta { name: providers::user(name, kind), labels: cluster_label() },
        spec: UserSpec {
            authentication: UserAuthentication {
                kind: "scram-sha-512",
                password: PasswordFrom {
                    value_from: SecretKeyFrom {
                        secret_key_ref: KeyRef {
                            name: providers::credentials_secret(name),
                            key: providers::PASSWORD_KEY,
                        },
                    },
                },
            },
        },
    };
    let serialize = |message: String| RenderError::Serialize { path: path.to_owned(), message };
    let documents = [
        crate::yaml::to_string(&pool).map_err(serialize)?,
        crate::yaml::to_string(&kafka).map_err(serialize)?,
        crate::yaml::to_string(&user).map_err(serialize)?,
    ];
    let yaml = documents.join("---\n");
    let mut paths = Paths::default();
    paths.add("metadata", origin::source(service));
    paths.add("spec", origin::tier(tier));
    for setting in &service.values {
        paths.add("spec", origin::child(service, format_args!("value {}", setting.path.value), setting.span));
    }
    if let Some(over) = service.override_for(&tier.name.value) {
        paths.add("spec", origin::over(service, over));
    }
    Ok(trace_structured(&yaml, &paths))
}
