//! Stage 4, `plan`: which artifacts the model produces, and from which spec
//! nodes each one derives.
//!
//! The plan is a sorted list; nothing is rendered here. Every artifact has a
//! kind (typed references to the model's tiers and services), a path from
//! the output layout, and the source nodes it derives from as a whole; the
//! renderer adds the origins of each line, and the lock records the union.

mod component;
pub(crate) mod delivery;
mod devcontainer;
pub(crate) mod exposure;
mod infra;
mod interned;
mod scope;

pub(crate) use component::Component;
pub(crate) use scope::{Scope, scope};
pub(crate) mod concession;
pub(crate) mod kubernetes;
pub(crate) mod network;
pub(crate) mod sizing;
pub(crate) mod workload;

pub(crate) use devcontainer::uses_compose;
pub(crate) use infra::{BicepModule, cloud_tiers, lab_repository, needs_identity, repository_source_type};

use serde::Serialize;

use crate::layout;
use crate::model::{Model, ServiceRef, TierRef};
use crate::spec::Span;

/// What an artifact is, and so which renderer writes it and where it goes
/// ([`layout::path`](crate::layout::path)). Tiers and services are typed
/// references into the model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The dev container's Dockerfile.
    Dockerfile,
    /// devcontainer.json.
    DevcontainerJson,
    /// The dev container's docker-compose.yml.
    Compose,
    /// `main.bicep`: the Azure resources of one cloud tier.
    BicepMain,
    /// `shared.bicep`: what every tier shares (the container registry),
    /// deployed once before any tier.
    BicepShared,
    /// A Bicep module.
    BicepModule {
        /// Which module.
        module: BicepModule,
    },
    /// `main.bicep`'s parameters for one cloud tier.
    BicepParams {
        /// The tier.
        tier: TierRef,
    },
    /// `lab.bicep`: one DevTest Lab per lab region.
    BicepLab,
    /// `lab.bicepparam`.
    BicepLabParams,
    /// The DevTest Labs artifact definition that prepares a lab VM.
    LabArtifact,
    /// The script of that artifact.
    LabArtifactScript,
    /// A file of the generic chart, by its path inside the chart.
    HelmChart {
        /// `Chart.yaml`, `values.yaml`, `values.schema.json` or `templates/…`.
        file: &'static str,
    },
    /// A service's values: shared (no tier) or one tier's.
    HelmValues {
        /// The service.
        service: ServiceRef,
        /// The tier, for the per-tier file.
        tier: Option<TierRef>,
    },
    /// A service's Argo CD Application in one tier.
    ArgoApplication {
        /// The tier.
        tier: TierRef,
        /// The service.
        service: ServiceRef,
    },
    /// An upstream observability chart's Application in one tier.
    ArgoObservability {
        /// The tier.
        tier: TierRef,
        /// Which component.
        component: Component,
    },
    /// The storage emulator's Application (concession `storage-emulator`).
    ArgoAzurite {
        /// The tier.
        tier: TierRef,
    },
    /// The tier's AppProject.
    ArgoProject {
        /// The tier.
        tier: TierRef,
    },
    /// The tier's app of apps.
    ArgoRoot {
        /// The tier.
        tier: TierRef,
    },
    /// An OCI Helm repository Argo CD must know.
    ArgoRepository {
        /// The repository, as Argo CD spells it (`registry-1.docker.io/bitnamicharts`).
        url: String,
    },
    /// Argo CD's own chart values (the Application health check, so sync
    /// waves wait), for the bootstrap's `helm install`.
    ArgoCdValues,
    /// Argo CD managing itself from the pinned argo-helm chart, in one tier.
    ArgoCdInstall {
        /// The tier.
        tier: TierRef,
    },
    /// An operator a backing service kind needs, in one tier.
    ArgoOperator {
        /// The tier.
        tier: TierRef,
        /// The catalog id (`cloudnative-pg`, `strimzi`).
        operator: &'static str,
    },
    /// Cloud tiers: the platform credentials' Secrets synced from Key Vault.
    ArgoCredentials {
        /// The tier.
        tier: TierRef,
    },
    /// The AppProject of the root and of Argo CD itself, in one tier.
    ArgoBootstrapProject {
        /// The tier.
        tier: TierRef,
    },
    /// Custom resources of a backing service inception renders itself (Kafka).
    BackingManifests {
        /// The tier.
        tier: TierRef,
        /// The service.
        service: ServiceRef,
    },
    /// A tier's NetworkPolicies: default deny, and what the `needs` graph and the catalog allow.
    NetworkPolicies {
        /// The tier.
        tier: TierRef,
    },
    /// A `build`/`image` service's own NetworkPolicy in one tier (when it
    /// has rules), beside the tier's others.
    ServiceNetworkPolicy {
        /// The tier.
        tier: TierRef,
        /// The service.
        service: ServiceRef,
    },
    /// The Application syncing a tier's NetworkPolicies.
    ArgoNetwork {
        /// The tier.
        tier: TierRef,
    },
    /// A tier's bootstrap script: installs Argo CD and the tier's root.
    Bootstrap {
        /// The tier.
        tier: TierRef,
    },
    /// Minikube tiers: the in-cluster git server's values.
    LocalGitServer,
    /// Per tier, what every backing service provides (catalog facts), read by the wiring check.
    Wiring,
    /// debugpy attach configurations (concession `debug`).
    LaunchJson,
    /// `.github/workflows/NAME.yml`: a GitHub Actions workflow (`pipeline`).
    GithubWorkflow {
        /// Which one.
        workflow: delivery::Workflow,
    },
    /// `azure-pipelines.yml`: the Azure DevOps pipeline (`pipeline`).
    AzurePipeline,
    /// `.azure-pipelines/NAME.yml`: one of its step templates.
    AzurePipelineTemplate {
        /// Which one.
        template: delivery::PipelineTemplate,
    },
}

impl Kind {
    /// The tier the artifact belongs to, for a tier's file.
    pub fn tier(&self) -> Option<TierRef> {
        match self {
            Kind::BicepParams { tier }
            | Kind::ArgoApplication { tier, .. }
            | Kind::ArgoObservability { tier, .. }
            | Kind::ArgoAzurite { tier }
            | Kind::ArgoProject { tier }
            | Kind::ArgoRoot { tier }
            | Kind::ArgoCdInstall { tier }
            | Kind::ArgoOperator { tier, .. }
            | Kind::ArgoCredentials { tier }
            | Kind::ArgoBootstrapProject { tier }
            | Kind::BackingManifests { tier, .. }
            | Kind::NetworkPolicies { tier }
            | Kind::ServiceNetworkPolicy { tier, .. }
            | Kind::ArgoNetwork { tier }
            | Kind::Bootstrap { tier } => Some(*tier),
            Kind::HelmValues { tier, .. } => *tier,
            _ => None,
        }
    }

    /// The service the artifact belongs to, for a service's file.
    pub fn service(&self) -> Option<ServiceRef> {
        match self {
            Kind::HelmValues { service, .. }
            | Kind::ArgoApplication { service, .. }
            | Kind::ServiceNetworkPolicy { service, .. }
            | Kind::BackingManifests { service, .. } => Some(*service),
            _ => None,
        }
    }
}

/// A spec node an artifact derives from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// A readable path to the node: `toolchain/tool kubectl` (shared by
    /// every origin that names it).
    pub node: interned::NodePath,
    /// Where it is.
    #[serde(skip)]
    pub span: Span,
}

impl Artifact {
    /// An artifact of `model`, at the path the layout gives its kind.
    pub fn new(model: &Model, kind: Kind, sources: Vec<Origin>) -> Self {
        Self { path: layout::path(&kind, model), kind, sources }
    }
}

impl Origin {
    /// An origin from a node path and span.
    pub fn new(node: impl AsRef<str>, span: Span) -> Self {
        Self { node: interned::node(node.as_ref()), span }
    }

    /// An origin from the node path `parts` writes (no allocation for a
    /// path made before) and a span.
    pub(crate) fn of(parts: std::fmt::Arguments<'_>, span: Span) -> Self {
        Self { node: interned::node_of(parts), span }
    }
}

/// One file compile will write.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// The path relative to the output root, with `/` separators, from the
    /// output layout.
    pub path: String,
    /// What it is.
    pub kind: Kind,
    /// The spec nodes it derives from, in source order.
    pub sources: Vec<Origin>,
}

/// Every artifact of a model, sorted by path.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    /// The artifacts.
    pub artifacts: Vec<Artifact>,
}

/// Plan the artifacts of a valid model.
pub(crate) fn plan(model: &Model) -> Plan {
    let mut artifacts = Vec::new();
    devcontainer::plan(model, &mut artifacts);
    infra::plan(model, &mut artifacts);
    kubernetes::plan(model, &mut artifacts);
    delivery::plan(model, &mut artifacts);
    for artifact in &mut artifacts {
        artifact.sources.sort_by_key(|o| o.span.offset());
        artifact.sources.dedup();
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    // Without the slack of its growth (a big plan is a few MB), as it is
    // held while the next stages key and group it.
    let mut exact = Vec::with_capacity(artifacts.len());
    exact.append(&mut artifacts);
    Plan { artifacts: exact }
}
