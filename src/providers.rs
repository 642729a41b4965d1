//! The provider catalog: what inception relies on about each backing service
//! kind (`kind postgresql|timescaledb|redis|kafka`), and where each fact was
//! read upstream.
//!
//! Everything a consumer is given (`NAME_HOST`, `NAME_PORT`, `NAME_USER`,
//! `NAME_PASSWORD`, `NAME_URL`) and everything the generated values ask of a
//! provider chart comes from here, never from a guess on names. Each entry
//! cites the upstream repository, tag and file the fact was read from; the
//! wiring check (`scripts/wiring_check.py`, run by `scripts/validate`) reads
//! the same facts from `deploy/wiring.json` and fails when a render
//! disagrees with them.
//!
//! Credentials: a backing service's password lives in the Secret
//! `NAME-credentials` (keys `username` and `password`), which exists before
//! the provider syncs. Nothing here or in the generated charts makes a
//! password at render time: every provider is pointed at that Secret
//! (`existingSecret`, `initdb.secret`, `password.valueFrom`). In a local tier
//! the bootstrap script creates it once with a random password; in a cloud
//! tier it is synced from the tier's Key Vault secrets `NAME-username` and
//! `NAME-password` by the `credentials` release (see `render::credentials`).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{BackingKind, ChartValue, Service, Tier, ValueSetting};

/// Where a fact was read.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Citation {
    /// `owner/name` on GitHub.
    pub(crate) repo: &'static str,
    /// The release tag read.
    pub(crate) tag: &'static str,
    /// The file, from the repository root.
    pub(crate) path: &'static str,
    /// What was read there.
    pub(crate) fact: &'static str,
}

/// A Helm chart as Argo CD pulls it.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct ChartRef {
    /// The Helm repository (`https://…`), or for OCI the registry path
    /// without the scheme, as Argo CD spells it.
    pub(crate) repo: &'static str,
    /// The chart's name.
    pub(crate) chart: &'static str,
    /// The exact version.
    pub(crate) version: &'static str,
    /// Whether `repo` is an OCI registry.
    pub(crate) oci: bool,
}

/// CPU and memory a pod requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Requests {
    /// Millicores.
    pub(crate) cpu_millis: u32,
    /// Mebibytes.
    pub(crate) memory_mib: u32,
}

impl Requests {
    /// `250m`.
    pub(crate) fn cpu(self) -> String {
        format!("{}m", self.cpu_millis)
    }

    /// `512Mi`.
    pub(crate) fn memory(self) -> String {
        format!("{}Mi", self.memory_mib)
    }
}

/// An operator a kind needs, installed once per tier (its CRDs are cluster-wide).
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Operator {
    /// The release and Application name: `cloudnative-pg`, `strimzi`.
    pub(crate) id: &'static str,
    /// Its chart.
    pub(crate) chart: ChartRef,
    /// What the operator pod requests (set in its values by inception).
    pub(crate) requests: Requests,
    /// The images it runs, as the chart renders them.
    pub(crate) images: &'static [&'static str],
    /// Where the facts were read.
    pub(crate) citations: &'static [Citation],
}

/// How the provider's objects reach the cluster.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub(crate) enum Delivery {
    /// A chart, installed with the values [`values`] builds.
    Chart {
        /// The chart.
        chart: ChartRef,
    },
    /// Custom resources inception renders into `deploy/backing/NAME/TIER.yaml`.
    Manifests,
}

/// One backing service kind's provider.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Provider {
    /// The kind.
    pub(crate) kind: BackingKind,
    /// The operator it needs, if any.
    pub(crate) operator: Option<&'static Operator>,
    /// How it is deployed.
    pub(crate) delivery: Delivery,
    /// Appended to the service name: the Service clients connect to.
    pub(crate) service_suffix: &'static str,
    /// The client port of that Service.
    pub(crate) port: u16,
    /// The client user: `{name}` is replaced with the service name.
    pub(crate) user: &'static str,
    /// The credentials Secret's type.
    pub(crate) secret_type: &'static str,
    /// `NAME_URL`, with `{user}`, `{password}`, `{host}` and `{port}`
    /// (user and password become `$(NAME_USER)` and `$(NAME_PASSWORD)`).
    pub(crate) url: Option<&'static str>,
    /// Further variables consumers get, `NAME_` + key.
    pub(crate) extra_env: &'static [(&'static str, &'static str)],
    /// The values path of the instance count, and its default.
    pub(crate) instances: (&'static str, i64),
    /// What each instance requests (set in the values by inception).
    pub(crate) requests: Requests,
    /// The images the provider runs for this kind.
    pub(crate) images: &'static [&'static str],
    /// Where the facts were read.
    pub(crate) citations: &'static [Citation],
}

/// The keys of the credentials Secret.
pub(crate) const USERNAME_KEY: &str = "username";
/// The password key of the credentials Secret.
pub(crate) const PASSWORD_KEY: &str = "password";

const CNPG_CHARTS: &str = "cloudnative-pg/charts";

/// The CloudNativePG operator.
pub(crate) const CLOUDNATIVE_PG: Operator = Operator {
    id: "cloudnative-pg",
    chart: ChartRef {
        repo: "https://cloudnative-pg.github.io/charts",
        chart: "cloudnative-pg",
        version: "0.29.0",
        oci: false,
    },
    requests: Requests { cpu_millis: 100, memory_mib: 200 },
    images: &["ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0"],
    citations: &[
        Citation {
            repo: CNPG_CHARTS,
            tag: "cloudnative-pg-v0.29.0",
            path: "charts/cloudnative-pg/values.yaml",
            fact: "crds.create true, config.clusterWide true (watches every namespace), resources {} (inception sets requests), service.name cnpg-webhook-service",
        },
        Citation {
            repo: CNPG_CHARTS,
            tag: "cloudnative-pg-v0.29.0",
            path: "charts/cloudnative-pg/Chart.yaml",
            fact: "appVersion 1.30.0: image ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0",
        },
    ],
};

/// The Strimzi cluster operator.
pub(crate) const STRIMZI: Operator = Operator {
    id: "strimzi",
    chart: ChartRef { repo: "quay.io/strimzi-helm", chart: "strimzi-kafka-operator", version: "1.2.0", oci: true },
    requests: Requests { cpu_millis: 200, memory_mib: 384 },
    images: &["quay.io/strimzi/operator:1.2.0", "quay.io/strimzi/kafka:1.2.0-kafka-4.3.1"],
    citations: &[
        Citation {
            repo: "strimzi/strimzi-kafka-operator",
            tag: "1.2.0",
            path: "packaging/helm-charts/helm3/strimzi-kafka-operator/values.yaml",
            fact: "watchNamespaces [] and watchAnyNamespace false: watches its own namespace; defaultImageRegistry quay.io, defaultImageTag 1.2.0; requests cpu 200m memory 384Mi",
        },
        Citation {
            repo: "strimzi/strimzi-kafka-operator",
            tag: "1.2.0",
            path: "documentation/modules/deploying/proc-deploy-cluster-operator-helm-chart.adoc",
            fact: "the chart is published at oci://quay.io/strimzi-helm/strimzi-kafka-operator",
        },
    ],
};

const CLUSTER_CHART: ChartRef =
    ChartRef { repo: "https://cloudnative-pg.github.io/charts", chart: "cluster", version: "0.8.1", oci: false };

const CNPG_CITATIONS: &[Citation] = &[
    Citation {
        repo: CNPG_CHARTS,
        tag: "cluster-v0.8.1",
        path: "charts/cluster/templates/_helpers.tpl",
        fact: "cluster.fullname is fullnameOverride when set, else RELEASE-cluster: inception sets fullnameOverride to the service name, so the Cluster is named NAME",
    },
    Citation {
        repo: CNPG_CHARTS,
        tag: "cluster-v0.8.1",
        path: "charts/cluster/templates/_bootstrap.tpl",
        fact: "cluster.initdb (database, owner, secret.name) becomes spec.bootstrap.initdb; type timescaledb adds CREATE EXTENSION timescaledb",
    },
    Citation {
        repo: CNPG_CHARTS,
        tag: "cluster-v0.8.1",
        path: "charts/cluster/values.yaml",
        fact: "cluster.instances (default 3), cluster.enableSuperuserAccess, cluster.resources, cluster.storage.size; initdb.secret: 'If empty a new secret will be created from scratch'",
    },
    Citation {
        repo: CNPG_CHARTS,
        tag: "cluster-v0.8.1",
        path: "charts/cluster/templates/image-catalog-timescaledb-ha.yaml",
        fact: "type timescaledb runs timescale/timescaledb-ha:pg16-ts2.15 (version.postgresql 16, version.timescaledb 2.15)",
    },
    Citation {
        repo: "cloudnative-pg/cloudnative-pg",
        tag: "v1.30.0",
        path: "docs/src/service_management.md",
        fact: "the operator creates the Services CLUSTER-rw (primary, read/write), CLUSTER-ro and CLUSTER-r on port 5432",
    },
    Citation {
        repo: "cloudnative-pg/cloudnative-pg",
        tag: "v1.30.0",
        path: "docs/src/bootstrap.md",
        fact: "bootstrap.initdb.secret names a kubernetes.io/basic-auth Secret (username, password) for the owner of the application database",
    },
];

/// Every provider, one per kind, in [`BackingKind::ALL`] order.
pub(crate) const PROVIDERS: [Provider; 4] = [
    Provider {
        kind: BackingKind::Postgresql,
        operator: Some(&CLOUDNATIVE_PG),
        delivery: Delivery::Chart { chart: CLUSTER_CHART },
        service_suffix: "-rw",
        port: 5432,
        user: "app",
        secret_type: "kubernetes.io/basic-auth",
        url: Some("postgresql://{user}:{password}@{host}:{port}/app"),
        extra_env: &[("DATABASE", "app")],
        instances: ("cluster.instances", 1),
        requests: Requests { cpu_millis: 250, memory_mib: 512 },
        images: &["ghcr.io/cloudnative-pg/postgresql:16"],
        citations: CNPG_CITATIONS,
    },
    Provider {
        kind: BackingKind::Timescaledb,
        operator: Some(&CLOUDNATIVE_PG),
        delivery: Delivery::Chart { chart: CLUSTER_CHART },
        service_suffix: "-rw",
        port: 5432,
        user: "app",
        secret_type: "kubernetes.io/basic-auth",
        url: Some("postgresql://{user}:{password}@{host}:{port}/app"),
        extra_env: &[("DATABASE", "app")],
        instances: ("cluster.instances", 1),
        requests: Requests { cpu_millis: 250, memory_mib: 512 },
        images: &["timescale/timescaledb-ha:pg16-ts2.15"],
        citations: CNPG_CITATIONS,
    },
    Provider {
        kind: BackingKind::Redis,
        operator: None,
        delivery: Delivery::Chart {
            chart: ChartRef {
                repo: "registry-1.docker.io/cloudpirates",
                chart: "redis",
                version: "0.34.18",
                oci: true,
            },
        },
        service_suffix: "",
        port: 6379,
        user: "default",
        secret_type: "Opaque",
        url: Some("redis://{user}:{password}@{host}:{port}/0"),
        extra_env: &[],
        instances: ("replicaCount", 1),
        requests: Requests { cpu_millis: 100, memory_mib: 128 },
        images: &["docker.io/redis:8.10.0@sha256:344e3945a0b431c8ff1eecd58c5573538126bd756f02fc7e218ddf1fc2546366"],
        citations: &[
            Citation {
                repo: "CloudPirates-io/helm-charts",
                tag: "redis-0.34.18",
                path: "charts/redis/templates/service.yaml",
                fact: "the client Service is redis.fullname (cloudpirates.fullname: fullnameOverride when set, else RELEASE-redis), port service.port 6379",
            },
            Citation {
                repo: "CloudPirates-io/helm-charts",
                tag: "redis-0.34.18",
                path: "charts/redis/templates/secret.yaml",
                fact: "without auth.existingSecret the chart renders a Secret with randAlphaNum 16 (a new password on every helm template): inception always sets auth.existingSecret",
            },
            Citation {
                repo: "CloudPirates-io/helm-charts",
                tag: "redis-0.34.18",
                path: "charts/redis/values.yaml",
                fact: "auth.enabled true, auth.existingSecret, auth.existingSecretPasswordKey; architecture standalone; image docker.io/redis:8.10.0@sha256:344e…; user default",
            },
            Citation {
                repo: "CloudPirates-io/helm-charts",
                tag: "redis-0.34.18",
                path: "charts/redis/README.md",
                fact: "installed from oci://registry-1.docker.io/cloudpirates/redis",
            },
        ],
    },
    Provider {
        kind: BackingKind::Kafka,
        operator: Some(&STRIMZI),
        delivery: Delivery::Manifests,
        service_suffix: "-kafka-bootstrap",
        port: 9092,
        user: "{name}-app",
        secret_type: "Opaque",
        url: None,
        extra_env: &[("SECURITY_PROTOCOL", "SASL_PLAINTEXT"), ("SASL_MECHANISM", "SCRAM-SHA-512")],
        instances: ("replicas", 1),
        requests: Requests { cpu_millis: 500, memory_mib: 1024 },
        images: &["quay.io/strimzi/kafka:1.2.0-kafka-4.3.1"],
        citations: &[
            Citation {
                repo: "strimzi/strimzi-kafka-operator",
                tag: "1.2.0",
                path: "api/src/main/java/io/strimzi/api/kafka/model/kafka/KafkaResources.java",
                fact: "bootstrapServiceName(cluster) is CLUSTER-kafka-bootstrap",
            },
            Citation {
                repo: "strimzi/strimzi-kafka-operator",
                tag: "1.2.0",
                path: "packaging/examples/kafka/kafka-single-node.yaml",
                fact: "kafka.strimzi.io/v1 Kafka + KafkaNodePool (roles controller and broker, kraftMetadata shared), kafka version 4.3.1, metadataVersion 4.3-IV0, internal listener plain on 9092",
            },
            Citation {
                repo: "strimzi/strimzi-kafka-operator",
                tag: "1.2.0",
                path: "api/src/main/java/io/strimzi/api/kafka/model/common/PasswordSource.java",
                fact: "a KafkaUser's scram-sha-512 password can be read from password.valueFrom.secretKeyRef (so no operator-made password)",
            },
        ],
    },
];

/// The provider of a kind.
pub(crate) fn provider(kind: BackingKind) -> &'static Provider {
    PROVIDERS.iter().find(|p| p.kind == kind).unwrap_or(&PROVIDERS[0])
}

/// The operators a set of kinds needs, each once, in catalog order.
pub(crate) fn operators(kinds: impl IntoIterator<Item = BackingKind>) -> Vec<&'static Operator> {
    let kinds: Vec<BackingKind> = kinds.into_iter().collect();
    let mut operators: Vec<&'static Operator> = Vec::new();
    for provider in PROVIDERS.iter().filter(|p| kinds.contains(&p.kind)) {
        if let Some(operator) = provider.operator
            && !operators.iter().any(|o| o.id == operator.id)
        {
            operators.push(operator);
        }
    }
    operators
}

/// The Service a consumer of backing service `name` connects to.
pub(crate) fn host(name: &str, kind: BackingKind) -> String {
    format!("{name}{}", provider(kind).service_suffix)
}

/// The client user of backing service `name`.
pub(crate) fn user(name: &str, kind: BackingKind) -> String {
    provider(kind).user.replace("{name}", name)
}

/// The Secret holding backing service `name`'s credentials.
pub(crate) fn credentials_secret(name: &str) -> String {
    format!("{name}-credentials")
}

/// The Key Vault secrets a cloud tier syncs into [`credentials_secret`]:
/// (vault object, Secret key).
pub(crate) fn vault_objects(name: &str) -> [(String, &'static str); 2] {
    [(format!("{name}-username"), USERNAME_KEY), (format!("{name}-password"), PASSWORD_KEY)]
}

/// `NAME_URL`'s value, with user and password as `$(PREFIX_USER)` and
/// `$(PREFIX_PASSWORD)` (Kubernetes expands variables defined earlier in the list).
pub(crate) fn url(name: &str, kind: BackingKind, prefix: &str) -> Option<String> {
    let provider = provider(kind);
    provider.url.map(|shape| {
        shape
            .replace("{user}", &format!("$({prefix}_USER)"))
            .replace("{password}", &format!("$({prefix}_PASSWORD)"))
            .replace("{host}", &host(name, kind))
            .replace("{port}", &provider.port.to_string())
    })
}

/// The instance count of a backing service in a tier: the `value` for the
/// catalog's instances path (override first), else the catalog default.
pub(crate) fn instances(service: &Service, tier: &Tier, kind: BackingKind) -> i64 {
    let (path, default) = provider(kind).instances;
    let over = service.override_for(&tier.name.value).map(|o| o.values.as_slice()).unwrap_or_default();
    over.iter()
        .chain(&service.values)
        .find(|v| v.path.value == path)
        .and_then(|v| match v.value {
            ChartValue::Integer(i) => Some(i),
            _ => None,
        })
        .unwrap_or(default)
}

/// What a backing service requests in a tier: instances × per instance.
pub(crate) fn requests(service: &Service, tier: &Tier, kind: BackingKind) -> Requests {
    let per = provider(kind).requests;
    let n = u32::try_from(instances(service, tier, kind).max(0)).unwrap_or(u32::MAX);
    Requests { cpu_millis: per.cpu_millis.saturating_mul(n), memory_mib: per.memory_mib.saturating_mul(n) }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceValues {
    requests: Quantities,
}

#[derive(Serialize)]
struct Quantities {
    cpu: String,
    memory: String,
}

fn resources(requests: Requests) -> ResourceValues {
    ResourceValues { requests: Quantities { cpu: requests.cpu(), memory: requests.memory() } }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterValues {
    fullname_override: String,
    #[serde(rename = "type")]
    kind: &'static str,
    cluster: ClusterSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterSpec {
    instances: i64,
    enable_superuser_access: bool,
    resources: ResourceValues,
    initdb: InitDb,
}

#[derive(Serialize)]
struct InitDb {
    database: &'static str,
    owner: &'static str,
    secret: SecretName,
}

#[derive(Serialize)]
struct SecretName {
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RedisValues {
    fullname_override: String,
    architecture: &'static str,
    auth: RedisAuth,
    resources: ResourceValues,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RedisAuth {
    enabled: bool,
    existing_secret: String,
    existing_secret_password_key: &'static str,
}

/// The values of the Kafka manifests inception renders (not a chart's):
/// `replicas` and `storage` may be set with `value`.
#[derive(Serialize)]
struct KafkaValues {
    replicas: i64,
    storage: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CnpgOperatorValues {
    resources: ResourceValues,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StrimziValues {
    resources: ResourceValues,
}

/// The values an operator is installed with.
pub(crate) fn operator_values(operator: &Operator) -> Value {
    let resources = resources(operator.requests);
    let typed = if operator.id == STRIMZI.id {
        serde_json::to_value(StrimziValues { resources })
    } else {
        serde_json::to_value(CnpgOperatorValues { resources })
    };
    typed.unwrap_or(Value::Null)
}

/// The catalog's values of a backing service, before the spec's `value`s.
fn catalog_values(service: &Service, kind: BackingKind) -> Value {
    let name = &service.name.value;
    let provider = provider(kind);
    let (_, instances) = provider.instances;
    let typed = match kind {
        BackingKind::Postgresql | BackingKind::Timescaledb => serde_json::to_value(ClusterValues {
            fullname_override: name.clone(),
            kind: kind.as_str(),
            cluster: ClusterSpec {
                instances,
                enable_superuser_access: false,
                resources: resources(provider.requests),
                initdb: InitDb {
                    database: "app",
                    owner: provider.user,
                    secret: SecretName { name: credentials_secret(name) },
                },
            },
        }),
        BackingKind::Redis => serde_json::to_value(RedisValues {
            fullname_override: name.clone(),
            architecture: "standalone",
            auth: RedisAuth {
                enabled: true,
                existing_secret: credentials_secret(name),
                existing_secret_password_key: PASSWORD_KEY,
            },
            resources: resources(provider.requests),
        }),
        BackingKind::Kafka => serde_json::to_value(KafkaValues { replicas: instances, storage: "10Gi" }),
    };
    typed.unwrap_or(Value::Null)
}

/// Set one dotted path in a values tree, creating maps on the way (a
/// scalar in the way is replaced by a map).
fn set(tree: &mut Value, setting: &ValueSetting) {
    let mut node = tree;
    let segments: Vec<&str> = setting.path.value.split('.').collect();
    let Some((last, parents)) = segments.split_last() else { return };
    for segment in parents {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Some(map) = node.as_object_mut() else { return };
        node = map.entry((*segment).to_owned()).or_insert_with(|| Value::Object(Map::new()));
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Some(map) = node.as_object_mut() {
        let value = match &setting.value {
            ChartValue::String(s) => Value::String(s.clone()),
            ChartValue::Integer(i) => Value::from(*i),
            ChartValue::Bool(b) => Value::Bool(*b),
        };
        map.insert((*last).to_owned(), value);
    }
}

/// The values of a backing service in a tier: the catalog's, then the
/// service's `value`s, then the tier override's.
pub(crate) fn values(service: &Service, tier: &Tier, kind: BackingKind) -> Value {
    let mut tree = catalog_values(service, kind);
    for setting in &service.values {
        set(&mut tree, setting);
    }
    if let Some(over) = service.override_for(&tier.name.value) {
        for setting in &over.values {
            set(&mut tree, setting);
        }
    }
    tree
}

/// The paths the catalog itself sets, which a `value` must not change
/// (they carry the wiring: names, the credentials Secret).
pub(crate) fn wired_paths(kind: BackingKind) -> &'static [&'static str] {
    match kind {
        BackingKind::Postgresql | BackingKind::Timescaledb => {
            &["fullnameOverride", "nameOverride", "type", "cluster.initdb", "mode"]
        }
        BackingKind::Redis => &["fullnameOverride", "nameOverride", "auth", "architecture"],
        BackingKind::Kafka => &[],
    }
}

/// The paths a Kafka service may set (its manifests are inception's).
pub(crate) const KAFKA_PATHS: [&str; 2] = ["replicas", "storage"];

/// One observability component's chart: what `observability { … }` deploys.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ObservabilityChart {
    /// The component (`prometheus`, `grafana`, `eck-operator`, `elastic-stack`,
    /// `fluent-bit`): the release name and the file `observability-COMPONENT.yaml`.
    pub(crate) component: &'static str,
    /// The Helm repository.
    pub(crate) repo: &'static str,
    /// The chart's name.
    pub(crate) chart: &'static str,
    /// The version when the catalog pins it (the spec pins the others).
    pub(crate) version: Option<&'static str>,
    /// Whether its CRDs need server-side apply.
    pub(crate) crds: bool,
    /// What its pods request (set in its values by inception).
    pub(crate) requests: Requests,
    /// Where the facts were read.
    pub(crate) citations: &'static [Citation],
}

/// The observability charts, in deployment order.
pub(crate) const OBSERVABILITY: [ObservabilityChart; 5] = [
    ObservabilityChart {
        component: "prometheus",
        repo: "https://prometheus-community.github.io/helm-charts",
        chart: "kube-prometheus-stack",
        version: None,
        crds: true,
        requests: Requests { cpu_millis: 500, memory_mib: 1536 },
        citations: &[Citation {
            repo: "prometheus-community/helm-charts",
            tag: "kube-prometheus-stack-88.5.3",
            path: "charts/kube-prometheus-stack/values.yaml",
            fact: "fullnameOverride prometheus gives the Service prometheus-prometheus on 9090; grafana.enabled (its Grafana makes a random admin password at render time, so inception deploys Grafana on its own); prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues",
        }],
    },
    ObservabilityChart {
        component: "grafana",
        repo: "https://grafana-community.github.io/helm-charts",
        chart: "grafana",
        version: None,
        crds: false,
        requests: Requests { cpu_millis: 100, memory_mib: 256 },
        citations: &[Citation {
            repo: "grafana-community/helm-charts",
            tag: "grafana-12.11.1",
            path: "charts/grafana/values.yaml",
            fact: "admin.existingSecret with userKey and passwordKey (else templates/_helpers.tpl makes randAlphaNum 40 on every render); the chart moved here from grafana/helm-charts on 2026-01-30",
        }],
    },
    ObservabilityChart {
        component: "eck-operator",
        repo: "https://helm.elastic.co",
        chart: "eck-operator",
        version: Some("3.5.0"),
        crds: true,
        requests: Requests { cpu_millis: 100, memory_mib: 150 },
        citations: &[Citation {
            repo: "elastic/cloud-on-k8s",
            tag: "v3.5.0",
            path: "deploy/eck-operator/values.yaml",
            fact: "installCRDs true; resources.requests cpu 100m memory 150Mi; image docker.elastic.co/eck/eck-operator:3.5.0",
        }],
    },
    ObservabilityChart {
        component: "elastic-stack",
        repo: "https://helm.elastic.co",
        chart: "eck-stack",
        version: Some("0.20.0"),
        crds: false,
        requests: Requests { cpu_millis: 750, memory_mib: 3072 },
        citations: &[
            Citation {
                repo: "elastic/cloud-on-k8s",
                tag: "v3.5.0",
                path: "deploy/eck-stack/charts/eck-elasticsearch/values.yaml",
                fact: "fullnameOverride names the Elasticsearch resource; nodeSets with count, config, podTemplate",
            },
            Citation {
                repo: "elastic/cloud-on-k8s",
                tag: "v3.5.0",
                path: "pkg/apis/elasticsearch/v1/name.go",
                fact: "the operator creates the Service NAME-es-http (9200, TLS) and the Secret NAME-es-elastic-user (key elastic)",
            },
            Citation {
                repo: "elastic/cloud-on-k8s",
                tag: "v3.5.0",
                path: "pkg/controller/common/certificates/secret.go",
                fact: "the HTTP CA is published in NAME-es-http-certs-public (key ca.crt)",
            },
        ],
    },
    ObservabilityChart {
        component: "fluent-bit",
        repo: "https://fluent.github.io/helm-charts",
        chart: "fluent-bit",
        version: Some("0.58.1"),
        crds: false,
        requests: Requests { cpu_millis: 100, memory_mib: 128 },
        citations: &[Citation {
            repo: "fluent/helm-charts",
            tag: "fluent-bit-0.58.1",
            path: "charts/fluent-bit/values.yaml",
            fact: "env, extraVolumes, extraVolumeMounts, config.outputs, resources; image cr.fluentbit.io/fluent/fluent-bit:5.1.1",
        }],
    },
];

/// An observability component's chart.
pub(crate) fn observability_chart(component: crate::plan::Component) -> Option<&'static ObservabilityChart> {
    OBSERVABILITY.iter().find(|c| c.component == component.as_str())
}

/// The Elasticsearch resource's name (eck-elasticsearch's fullnameOverride).
pub(crate) const ELASTICSEARCH: &str = "elasticsearch";
/// The Service ECK creates for it, and its port.
pub(crate) const ELASTICSEARCH_SERVICE: (&str, u16) = ("elasticsearch-es-http", 9200);
/// The Secret ECK creates with the `elastic` user's password, and its key.
pub(crate) const ELASTICSEARCH_USER_SECRET: (&str, &str) = ("elasticsearch-es-elastic-user", "elastic");
/// The Secret ECK publishes the HTTP CA in, and its key.
pub(crate) const ELASTICSEARCH_CA_SECRET: (&str, &str) = ("elasticsearch-es-http-certs-public", "ca.crt");
/// The Prometheus Service kube-prometheus-stack creates (fullnameOverride `prometheus`), and its port.
pub(crate) const PROMETHEUS_SERVICE: (&str, u16) = ("prometheus-prometheus", 9090);
/// Grafana's admin credentials: a platform Secret made before the chart syncs, like a backing service's.
pub(crate) const GRAFANA_ADMIN: &str = "grafana-admin";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_provider_per_kind_each_citing_a_tagged_upstream_file() {
        for (i, (_, kind)) in BackingKind::ALL.iter().enumerate() {
            assert_eq!(PROVIDERS[i].kind, *kind);
            assert!(!PROVIDERS[i].citations.is_empty(), "{kind:?}");
            for citation in PROVIDERS[i].citations {
                assert!(citation.repo.contains('/') && !citation.tag.is_empty() && !citation.path.is_empty());
            }
            for image in PROVIDERS[i].images {
                assert!(!image.contains("bitnami"), "{image}");
                assert!(image.contains(':') && !image.ends_with(":latest"), "{image}");
            }
        }
    }

    #[test]
    fn hosts_and_users_follow_the_catalog_not_the_chart_name() {
        assert_eq!(host("db", BackingKind::Postgresql), "db-rw");
        assert_eq!(host("cache", BackingKind::Redis), "cache");
        assert_eq!(host("events", BackingKind::Kafka), "events-kafka-bootstrap");
        assert_eq!(user("events", BackingKind::Kafka), "events-app");
        assert_eq!(
            url("db", BackingKind::Timescaledb, "DB").as_deref(),
            Some("postgresql://$(DB_USER):$(DB_PASSWORD)@db-rw:5432/app")
        );
        assert_eq!(url("events", BackingKind::Kafka, "EVENTS"), None);
    }

    #[test]
    fn operators_are_listed_once() {
        let ids: Vec<&str> =
            operators([BackingKind::Timescaledb, BackingKind::Postgresql, BackingKind::Kafka, BackingKind::Redis])
                .iter()
                .map(|o| o.id)
                .collect();
        assert_eq!(ids, ["cloudnative-pg", "strimzi"]);
    }
}
