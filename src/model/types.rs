//! The validated meaning of a spec: what the renderers read.
//!
//! Every item keeps the span of the node it came from, so that artifacts can
//! name their sources (the lock, `explain`) and later checks can point back
//! into the file. Defaults are already applied here; renderers never guess.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Serialize;

use crate::spec::{Span, Spanned};

/// A whole, valid spec.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Model {
    /// The `inception N` format version.
    pub format_version: u32,
    /// The project's identity.
    pub project: Project,
    /// The dev container.
    pub toolchain: Toolchain,
    /// Tiers in promotion order.
    pub tiers: Vec<Tier>,
    /// Services in declaration order.
    pub services: Vec<Service>,
    /// The monitoring and logging stack, if declared.
    pub observability: Option<Observability>,
    /// Azure settings, if declared.
    pub azure: Option<Azure>,
    /// The CI pipelines, if declared.
    pub pipeline: Option<Pipeline>,
    /// Each service's position by name, built on the first lookup.
    #[serde(skip)]
    #[schemars(skip)]
    pub service_index: ServiceIndex,
}

/// A model's services by name: [`Model::service`] is a hash lookup, not a
/// scan (a plan looks up every `needs` of every service).
#[derive(Debug, Clone, Default)]
pub struct ServiceIndex(std::sync::OnceLock<std::collections::HashMap<String, usize>>);

impl Model {
    /// A tier by name.
    pub fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.name.value == name)
    }

    /// A service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        let index = self.service_index.0.get_or_init(|| {
            let mut index = std::collections::HashMap::with_capacity(self.services.len());
            for (at, service) in self.services.iter().enumerate() {
                index.entry(service.name.value.clone()).or_insert(at);
            }
            index
        });
        match index.get(name).and_then(|&at| self.services.get(at)) {
            Some(service) if service.name.value == name => Some(service),
            // Services changed since the index was built: scan.
            _ if index.len() != self.services.len() => self.services.iter().find(|s| s.name.value == name),
            _ => None,
        }
    }

    /// Whether any tier runs on Minikube inside the dev container.
    pub fn has_minikube_tier(&self) -> bool {
        self.tiers.iter().any(|t| t.cluster.value == Cluster::Minikube)
    }
}

/// `project NAME { … }`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Project {
    /// The project name, a DNS label.
    pub name: Spanned<String>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `repo URL`: the git repository.
    pub repo: Option<Spanned<String>>,
    /// `registry HOST`: where built images are pushed.
    pub registry: Option<Spanned<String>>,
    /// `branch NAME`: the branch generated files are merged into, default
    /// [`DEFAULT_BRANCH`]; see [`Project::deploy_branch`].
    pub branch: Option<Spanned<String>>,
    /// The `project` node.
    #[serde(skip)]
    pub span: Span,
}

/// The deploy branch when `project` names none.
pub const DEFAULT_BRANCH: &str = "main";

impl Project {
    /// The branch the generated files are merged into: every cloud tier's
    /// root Application follows it, the pipelines publish from it and open
    /// release pull requests against it.
    pub fn deploy_branch(&self) -> &str {
        self.branch.as_ref().map_or(DEFAULT_BRANCH, |b| b.value.as_str())
    }
}

/// `toolchain { … }`: everything that makes up the dev container.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Toolchain {
    /// `base IMAGE digest=`.
    pub base: BaseImage,
    /// `python X.Y.Z`.
    pub python: Option<Spanned<String>>,
    /// `node`, `go`, `java`, `dotnet VERSION`: the other language runtimes,
    /// at most one of each, in spec order.
    pub runtimes: Vec<RuntimePin>,
    /// `user NAME`, default `vscode`.
    pub user: Spanned<String>,
    /// `user NAME uid=N`, default 1000: the same numeric id on every machine,
    /// so files in bind mounts have the same owner everywhere.
    pub uid: u32,
    /// `apt PKG…`, in order, each possibly `name=version`.
    pub apt: Vec<Spanned<String>>,
    /// `snapshot "YYYY-MM-DDTHH:MM:SSZ"`: the moment Debian packages
    /// (snapshot.debian.org) and Python tool dependencies (uv
    /// `--exclude-newer`) are resolved at, so every build gets the same.
    pub snapshot: Option<Spanned<String>>,
    /// `pip NAME VERSION`.
    pub pip: Vec<Pip>,
    /// `tool NAME VERSION`.
    pub tools: Vec<Tool>,
    /// `docker-in-docker VERSION`.
    pub docker_in_docker: Option<Spanned<String>>,
    /// `extension ID@VERSION`.
    pub extensions: Vec<Extension>,
    /// `setting KEY VALUE`, in order.
    pub settings: Vec<Setting>,
    /// `mount SOURCE TARGET`.
    pub mounts: Vec<Mount>,
    /// `forward-port N…`.
    pub forward_ports: Vec<Spanned<u16>>,
    /// The `toolchain` node.
    #[serde(skip)]
    pub span: Span,
}

impl Toolchain {
    /// The language runtimes the dev container installs besides Python.
    pub fn runtime_list(&self) -> Vec<crate::runtimes::Runtime> {
        self.runtimes.iter().map(|r| r.runtime).collect()
    }
}

/// `node VERSION` (or `go`, `java`, `dotnet`): one runtime at an exact
/// version, its archives verified by checksum.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RuntimePin {
    /// Which runtime.
    pub runtime: crate::runtimes::Runtime,
    /// The exact version.
    pub version: Spanned<String>,
    /// The checksum of the amd64 and of the arm64 archive (the runtime's
    /// algorithm): the catalog's, or the spec's for a version it lacks.
    pub checksums: [String; 2],
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// The container's base image.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct BaseImage {
    /// The image reference as written (`repo:tag`).
    pub image: Spanned<String>,
    /// `sha256:…`, if pinned.
    pub digest: Option<Spanned<String>>,
    /// The `base` node.
    #[serde(skip)]
    pub span: Span,
}

impl BaseImage {
    /// The reference Docker pulls: `image@digest` when pinned.
    pub fn reference(&self) -> String {
        match &self.digest {
            Some(digest) => format!("{}@{}", self.image.value, digest.value),
            None => self.image.value.clone(),
        }
    }
}

/// `pip NAME VERSION`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Pip {
    /// The PyPI name.
    pub name: Spanned<String>,
    /// The exact version.
    pub version: Spanned<String>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// `tool NAME VERSION sha256= url=`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    /// The tool name (a catalog key, or any name with `url=`).
    pub name: Spanned<String>,
    /// The exact version.
    pub version: Spanned<String>,
    /// The expected sha256 of the amd64 download, 64 hex digits
    /// (`sha256=` or `sha256-amd64=`).
    pub sha256: Option<Spanned<String>>,
    /// The expected sha256 of the arm64 download (`sha256-arm64=`).
    pub sha256_arm64: Option<Spanned<String>>,
    /// A download URL with `{version}` and optionally `{arch}`, for tools
    /// outside the catalog.
    pub url: Option<Spanned<String>>,
    /// For a custom `url=` tarball: the executable's path inside it.
    pub extract: Option<Spanned<String>>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// `extension ID@VERSION`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Extension {
    /// `publisher.name`.
    pub id: String,
    /// The pinned version, if any.
    pub version: Option<String>,
    /// The argument's span.
    #[serde(skip)]
    pub span: Span,
}

impl Extension {
    /// `publisher.name@version`, as VS Code reads it.
    pub fn reference(&self) -> String {
        match &self.version {
            Some(version) => format!("{}@{version}", self.id),
            None => self.id.clone(),
        }
    }
}

/// A VS Code setting value.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum SettingValue {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// null.
    Null,
}

/// `setting KEY VALUE`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Setting {
    /// The setting key.
    pub key: Spanned<String>,
    /// Its value.
    pub value: SettingValue,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// `mount SOURCE TARGET`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Mount {
    /// The host path (devcontainer variables such as `${localEnv:HOME}` allowed).
    pub source: Spanned<String>,
    /// The absolute path in the container.
    pub target: Spanned<String>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// Where a tier's cluster runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Cluster {
    /// Minikube inside the dev container.
    #[default]
    Minikube,
    /// Azure Kubernetes Service.
    Aks,
}

impl Cluster {
    /// The spelling in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Cluster::Minikube => "minikube",
            Cluster::Aks => "aks",
        }
    }
}

/// A named local-only difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Concession {
    /// Azurite in place of an Azure storage account.
    StorageEmulator,
    /// The source mounted into the pods, reloaded on change.
    HotReload,
    /// debugpy in Python services and VS Code attach configurations.
    Debug,
}

impl Concession {
    /// Every concession, with its spelling.
    pub const ALL: [(&'static str, Concession); 3] = [
        ("storage-emulator", Concession::StorageEmulator),
        ("hot-reload", Concession::HotReload),
        ("debug", Concession::Debug),
    ];

    /// The spelling in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Concession::StorageEmulator => "storage-emulator",
            Concession::HotReload => "hot-reload",
            Concession::Debug => "debug",
        }
    }
}

/// `tier NAME { … }`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Tier {
    /// The tier name.
    pub name: Spanned<String>,
    /// `cluster minikube|aks`.
    pub cluster: Spanned<Cluster>,
    /// `revision REV`: the git revision this tier runs. On a cloud tier, a
    /// full commit id: the chart and values Argo CD reads, immutable.
    pub revision: Spanned<String>,
    /// `concession KIND`, in declaration order.
    pub concessions: Vec<Spanned<Concession>>,
    /// `image SERVICE "sha256:…"`: the digest each `build` service runs on a
    /// cloud tier, in declaration order.
    pub images: Vec<TierImage>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// `image SERVICE "sha256:…"` inside a cloud tier: the image a `build`
/// service runs there, by digest (built once, promoted unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TierImage {
    /// The `build` service.
    pub service: Spanned<String>,
    /// `sha256:` and 64 hex digits.
    pub digest: Spanned<String>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

impl Tier {
    /// The digest recorded for a `build` service.
    pub fn image(&self, service: &str) -> Option<&TierImage> {
        self.images.iter().find(|i| i.service.value == service)
    }

    /// Whether this tier grants a concession.
    pub fn has(&self, concession: Concession) -> bool {
        self.concessions.iter().any(|c| c.value == concession)
    }
}

/// Where a service's workload comes from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `build DIR`: built from this repository folder.
    Build(Spanned<String>),
    /// `image REF`: a prebuilt image, pinned by tag or digest.
    Image(Spanned<String>),
    /// `chart REF version= repo=`: a third-party Helm chart.
    Chart(Chart),
    /// `kind KIND`: a backing service (database, cache, broker) from the
    /// provider catalog (`crate::providers`).
    Backing(Spanned<BackingKind>),
}

/// What a backing service is: a closed set, one provider each in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BackingKind {
    /// PostgreSQL (CloudNativePG).
    #[default]
    Postgresql,
    /// PostgreSQL with the TimescaleDB extension (CloudNativePG, timescaledb-ha image).
    Timescaledb,
    /// Redis (CloudPirates chart, official image).
    Redis,
    /// Apache Kafka (Strimzi).
    Kafka,
}

impl BackingKind {
    /// Every kind, with its spelling.
    pub const ALL: [(&'static str, BackingKind); 4] = [
        ("postgresql", BackingKind::Postgresql),
        ("timescaledb", BackingKind::Timescaledb),
        ("redis", BackingKind::Redis),
        ("kafka", BackingKind::Kafka),
    ];

    /// The spelling in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            BackingKind::Postgresql => "postgresql",
            BackingKind::Timescaledb => "timescaledb",
            BackingKind::Redis => "redis",
            BackingKind::Kafka => "kafka",
        }
    }
}

/// The language runtime a service's process runs on, for the concessions
/// that wrap it (hot reload, remote debug): detected from `run`, or
/// declared with `runtime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "ServiceRuntime")]
pub enum Runtime {
    /// CPython: watchfiles and debugpy.
    Python,
    /// Node.js: `node --watch` and `--inspect`.
    Node,
    /// A Go binary: Delve.
    Go,
    /// Anything else: no concession applies.
    Other,
}

impl Runtime {
    /// Every runtime, with its spelling.
    pub const ALL: [(&'static str, Runtime); 4] =
        [("python", Runtime::Python), ("node", Runtime::Node), ("go", Runtime::Go), ("other", Runtime::Other)];

    /// The spelling in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Python => "python",
            Runtime::Node => "node",
            Runtime::Go => "go",
            Runtime::Other => "other",
        }
    }
}

/// A scalar chart value set by `value "PATH" VALUE`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ChartValue {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A boolean.
    Bool(bool),
}

/// `value "a.b.c" VALUE`: one key of a backing service's provider values.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ValueSetting {
    /// The dotted path, each segment `[A-Za-z0-9_-]+`.
    pub path: Spanned<String>,
    /// The value.
    pub value: ChartValue,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// `chart REF version= repo=`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Chart {
    /// The chart: an `oci://` reference, or a name in `repo`.
    pub reference: Spanned<String>,
    /// The exact chart version.
    pub version: Spanned<String>,
    /// The Helm repository URL, for non-OCI charts.
    pub repo: Option<Spanned<String>>,
}

/// The kind of probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Probe {
    /// HTTP GET of a path.
    Http(String),
    /// gRPC health checking protocol.
    Grpc,
    /// A TCP connect.
    Tcp,
    /// A command run in the container (`health exec ARG…`): the only probe
    /// of a worker that listens on no port.
    Exec(Vec<String>),
}

/// `health PATH|grpc|tcp port= delay=`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Health {
    /// What to probe.
    pub probe: Probe,
    /// The port to probe, default the service port.
    pub port: Option<u16>,
    /// Initial delay in seconds.
    pub delay: Option<u32>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// Kubernetes CPU and memory quantities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Quantities {
    /// CPU, e.g. `250m`.
    pub cpu: Option<String>,
    /// Memory, e.g. `512Mi`.
    pub memory: Option<String>,
}

/// `resources`: requests and limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Resources {
    /// What the scheduler reserves.
    pub requests: Quantities,
    /// The ceiling.
    pub limits: Quantities,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// A `KEY=VALUE` pair with its span.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Pair {
    /// The key.
    pub key: Spanned<String>,
    /// The value.
    pub value: Spanned<String>,
}

/// `tier NAME reason= { … }` inside a service: a written-down difference.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Override {
    /// The tier it applies to.
    pub tier: Spanned<String>,
    /// Why this tier differs.
    pub reason: Spanned<String>,
    /// `replicas N`.
    pub replicas: Option<Spanned<u32>>,
    /// `resources …`.
    pub resources: Option<Resources>,
    /// `env KEY=VALUE…`.
    pub env: Vec<Pair>,
    /// `value "PATH" VALUE`: provider values of a backing service in this tier.
    pub values: Vec<ValueSetting>,
    /// `expose host=`: another host name in this tier.
    pub expose: Option<Expose>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// `expose host="app.example.com"`: the service reached from outside the
/// cluster through an Ingress (Minikube's ingress addon locally, the AKS
/// application routing add-on with TLS in cloud tiers).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Expose {
    /// The host name: RFC 1123, lower case, no wildcard.
    pub host: Spanned<String>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// Stands for the tier's name in an `expose` host (`api.{tier}.example.com`).
pub const TIER_PLACEHOLDER: &str = "{tier}";

impl Expose {
    /// The host in `tier`: the placeholder replaced by its name.
    pub fn host_in(&self, tier: &str) -> String {
        self.host.value.replace(TIER_PLACEHOLDER, tier)
    }

    /// Whether the host differs by tier (it holds the placeholder).
    pub fn per_tier(&self) -> bool {
        self.host.value.contains(TIER_PLACEHOLDER)
    }
}

/// What Kubernetes runs a `build`/`image` workload as.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    /// `service NAME`: a Deployment (with a Service when it has a `port`;
    /// without one it is a worker).
    #[default]
    Deployment,
    /// `job NAME`: a Job run once per change of what it runs, or on a
    /// `schedule` (a CronJob).
    Job(Batch),
}

/// `job NAME { … }`: run-to-completion work.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Batch {
    /// `schedule CRON time-zone=`: a CronJob; `None`: one Job per change.
    pub schedule: Option<Schedule>,
    /// `retries N`: the Job's `backoffLimit`.
    pub retries: Spanned<u32>,
    /// `timeout SECONDS`: the Job's `activeDeadlineSeconds`.
    pub timeout: Spanned<u32>,
}

/// The default `retries` of a job: three attempts in all.
pub const DEFAULT_RETRIES: u32 = 2;
/// The default `timeout` of a job, in seconds: one hour.
pub const DEFAULT_TIMEOUT: u32 = 3600;
/// The default number of finished Jobs a CronJob keeps, each outcome.
pub const DEFAULT_HISTORY: u32 = 3;

/// `schedule "0 2 * * *" time-zone="Europe/London" concurrency= keep=`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Schedule {
    /// Five cron fields, validated.
    pub cron: Spanned<String>,
    /// An IANA time zone name (`Europe/London`, `UTC`).
    pub time_zone: Spanned<String>,
    /// What happens when a run is due while the last one still runs.
    pub concurrency: Concurrency,
    /// How many succeeded and failed Jobs are kept, each.
    pub keep: u32,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// A CronJob's `concurrencyPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Concurrency {
    /// Skip the new run (the default: a nightly job never overlaps itself).
    #[default]
    Forbid,
    /// Run both.
    Allow,
    /// Stop the running one and start the new one.
    Replace,
}

impl Concurrency {
    /// Every policy, with its spelling in the spec.
    pub const ALL: [(&'static str, Concurrency); 3] =
        [("forbid", Concurrency::Forbid), ("allow", Concurrency::Allow), ("replace", Concurrency::Replace)];

    /// The spelling Kubernetes reads.
    pub fn kubernetes(self) -> &'static str {
        match self {
            Concurrency::Forbid => "Forbid",
            Concurrency::Allow => "Allow",
            Concurrency::Replace => "Replace",
        }
    }
}

/// `metrics PATH port=N`: the HTTP path Prometheus scrapes, on the service
/// port unless `port=` names another.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Metrics {
    /// The path, from the root.
    pub path: Spanned<String>,
    /// Another port than the service's.
    pub port: Option<u16>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// `service NAME { … }`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Service {
    /// The service name.
    pub name: Spanned<String>,
    /// Build, image or chart.
    pub source: Source,
    /// `run ARG…`: the container's arguments, after the image's ENTRYPOINT.
    pub run: Vec<String>,
    /// `entrypoint ARG…`: replaces the image's ENTRYPOINT (the container command).
    pub entrypoint: Vec<String>,
    /// `runtime python|node|go|other`: what the concessions treat the process as, when `run` does not say.
    pub runtime: Option<Spanned<Runtime>>,
    /// `port N`: the container port; `None`: a worker (no Service).
    pub port: Option<Spanned<u16>>,
    /// `port N service=M`: the Service port, when it is not the container's.
    pub service_port: Option<Spanned<u16>>,
    /// Whether the spec writes a `port`, even one refused (then it is no
    /// worker, and nothing more is reported about its missing port).
    #[serde(skip)]
    #[schemars(skip)]
    pub port_written: bool,
    /// `service` (a Deployment) or `job` (a Job or a CronJob).
    pub workload: Workload,
    /// `expose host=`: reachable from outside the cluster.
    pub expose: Option<Expose>,
    /// `health …`.
    pub health: Option<Health>,
    /// `metrics PATH port=`: Prometheus scrapes it (a ServiceMonitor).
    pub metrics: Option<Metrics>,
    /// `needs NAME…`: declared services, in order.
    pub needs: Vec<Spanned<String>>,
    /// `env KEY=VALUE…`, in order.
    pub env: Vec<Pair>,
    /// `secret KEY=NAME…`: environment variables read from named secrets.
    pub secrets: Vec<Pair>,
    /// `storage NAME…`: blob containers.
    pub storage: Vec<Spanned<String>>,
    /// `resources …`.
    pub resources: Option<Resources>,
    /// `replicas N`, default 1.
    pub replicas: Spanned<u32>,
    /// `value "PATH" VALUE`: provider values of a backing service, every tier.
    pub values: Vec<ValueSetting>,
    /// Per-tier overrides, each with a reason.
    pub overrides: Vec<Override>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

impl Service {
    /// The override for a tier, if any.
    pub fn override_for(&self, tier: &str) -> Option<&Override> {
        self.overrides.iter().find(|o| o.tier.value == tier)
    }

    /// The node that declares it: `service` or `job`.
    pub fn keyword(&self) -> &'static str {
        match self.workload {
            Workload::Deployment => "service",
            Workload::Job(_) => "job",
        }
    }

    /// Its batch settings, if it is a `job`.
    pub fn batch(&self) -> Option<&Batch> {
        match &self.workload {
            Workload::Job(batch) => Some(batch),
            Workload::Deployment => None,
        }
    }

    /// Whether it is a worker: a `service` of the generic chart that writes no `port`.
    pub fn is_worker(&self) -> bool {
        self.uses_generic_chart() && self.batch().is_none() && self.port.is_none() && !self.port_written
    }

    /// The port other services reach it on (its Service's): `service=` or
    /// the container port; `None` for a worker or a job.
    pub fn reached_port(&self) -> Option<&Spanned<u16>> {
        self.service_port.as_ref().or(self.port.as_ref())
    }

    /// The host name it is exposed on in `tier`: the tier's override, else its own.
    pub fn expose_in(&self, tier: &str) -> Option<&Expose> {
        self.override_for(tier).and_then(|o| o.expose.as_ref()).or(self.expose.as_ref())
    }

    /// Whether the generic chart deploys this service (`build` or `image`).
    pub fn uses_generic_chart(&self) -> bool {
        matches!(self.source, Source::Build(_) | Source::Image(_))
    }

    /// The kind of a backing service (`kind KIND`), if it is one.
    pub fn backing(&self) -> Option<BackingKind> {
        match &self.source {
            Source::Backing(kind) => Some(kind.value),
            _ => None,
        }
    }

    /// The plain environment as an ordered map.
    pub fn env_map(&self) -> IndexMap<&str, &str> {
        self.env.iter().map(|p| (p.key.value.as_str(), p.value.value.as_str())).collect()
    }
}

/// `observability { … }`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Observability {
    /// `prometheus version=`.
    pub prometheus: Option<Spanned<String>>,
    /// `grafana version=`.
    pub grafana: Option<Spanned<String>>,
    /// `logging efk version=`: the Elastic Stack version (Elasticsearch and Kibana).
    pub logging: Option<Spanned<String>>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

impl Observability {
    /// The deployed components, each with the node that pins it: Prometheus
    /// (kube-prometheus-stack), Grafana, and for `logging efk` the ECK
    /// operator, the Elastic stack (Elasticsearch and Kibana) and Fluent Bit.
    pub fn components(&self) -> Vec<(&'static str, &'static str, Span)> {
        let mut components = Vec::new();
        if let Some(prometheus) = &self.prometheus {
            components.push(("prometheus", "observability/prometheus", prometheus.span));
        }
        if let Some(grafana) = &self.grafana {
            components.push(("grafana", "observability/grafana", grafana.span));
        }
        if let Some(logging) = &self.logging {
            for component in ["eck-operator", "elastic-stack", "fluent-bit"] {
                components.push((component, "observability/logging efk", logging.span));
            }
        }
        components
    }
}

/// `name` as an environment variable prefix: upper case, `-` → `_`
/// (`needs market-data` sets `MARKET_DATA_HOST` and `MARKET_DATA_PORT`).
pub fn env_prefix(name: &str) -> String {
    name.to_uppercase().replace('-', "_")
}

/// `lab-vm size= disk-gb= image= max-per-user=`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LabVm {
    /// The Azure VM size.
    pub size: Spanned<String>,
    /// The OS disk size in GiB.
    pub disk_gb: Spanned<u32>,
    /// `image=`: the marketplace image version the VMs boot (`22.04.202608060`).
    pub image: Option<Spanned<String>>,
    /// `max-per-user=`: how many VMs one developer may own in a lab.
    pub max_per_user: Option<Spanned<u32>>,
}

/// A day of the week, for the AKS maintenance window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Every day, Monday first, as AKS spells it.
    pub const ALL: [(&'static str, Weekday); 7] = [
        ("Monday", Weekday::Monday),
        ("Tuesday", Weekday::Tuesday),
        ("Wednesday", Weekday::Wednesday),
        ("Thursday", Weekday::Thursday),
        ("Friday", Weekday::Friday),
        ("Saturday", Weekday::Saturday),
        ("Sunday", Weekday::Sunday),
    ];

    /// The spelling AKS and the spec use.
    pub fn as_str(self) -> &'static str {
        Weekday::ALL.iter().find(|(_, d)| *d == self).map_or("Sunday", |(s, _)| s)
    }
}

/// `maintenance DAY hour= hours=`: the weekly window AKS upgrades a tier's
/// cluster and node images in (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Maintenance {
    /// The day.
    pub day: Weekday,
    /// The hour it starts, UTC.
    pub hour: u8,
    /// How many hours it lasts (AKS needs at least 4).
    pub hours: u8,
}

/// `azure { tier NAME { … } }`: who may do what in one cloud tier, and from where.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AzureTier {
    /// The tier (a `cluster aks` tier).
    pub name: Spanned<String>,
    /// `cluster-admins`: Entra ID group object ids granted AKS RBAC Cluster Admin.
    pub cluster_admins: Vec<Spanned<String>>,
    /// `secret-operators`: Entra ID group object ids granted Key Vault Secrets Officer.
    pub secret_operators: Vec<Spanned<String>>,
    /// `operator-ip-ranges`: addresses (CIDR) the Key Vault and storage firewalls admit.
    pub operator_ip_ranges: Vec<Spanned<String>>,
    /// `api-server-ip-ranges`: addresses (CIDR) that may reach the API server; empty: any.
    pub api_server_ip_ranges: Vec<Spanned<String>>,
    /// `maintenance`: the weekly upgrade window; `None`: the default for the tier.
    pub maintenance: Option<Maintenance>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

/// `azure { … }`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Azure {
    /// `location`: the region of the cloud tiers.
    pub location: Spanned<String>,
    /// `lab-regions`: one DevTest Lab per region.
    pub lab_regions: Vec<Spanned<String>>,
    /// `lab-vm`.
    pub lab_vm: Option<LabVm>,
    /// `kubernetes`: the AKS minor version of every cloud tier; `None`: the
    /// newest supported one in [`super::aks_versions`].
    pub kubernetes: Option<Spanned<String>>,
    /// `lab-users`: Entra ID group object ids granted DevTest Labs User in every lab.
    pub lab_users: Vec<Spanned<String>>,
    /// `tier NAME { … }`: access and windows per cloud tier.
    pub tiers: Vec<AzureTier>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}

impl Azure {
    /// The settings of a cloud tier, if the spec gives any.
    pub fn tier(&self, name: &str) -> Option<&AzureTier> {
        self.tiers.iter().find(|t| t.name.value == name)
    }
}

/// `pipeline { … }`: generate the GitHub Actions workflows and the Azure
/// DevOps pipeline that build, push and release the images.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Pipeline {
    /// `inception URL commit=`: the git repository the pipelines install
    /// inception from.
    pub inception_repo: Spanned<String>,
    /// Its full commit id.
    pub inception_commit: Spanned<String>,
    /// `service-connection NAME`: the Azure DevOps service connection (workload
    /// identity federation) that pushes to the registry.
    pub service_connection: Spanned<String>,
    /// The node.
    #[serde(skip)]
    pub span: Span,
}
