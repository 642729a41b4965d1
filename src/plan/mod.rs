//! Stage 4, `plan`: which artifacts the model produces, and from which spec
//! nodes each one derives.
//!
//! The plan is a sorted list; nothing is rendered here. Every artifact lists
//! its source nodes with their spans: the lock records them, and reviewers
//! use them to see why a file exists and what changes it.

pub mod delivery;
mod devcontainer;
mod infra;
mod scope;

pub use scope::{Scope, scope};
pub mod kubernetes;
pub mod workload;

pub use devcontainer::uses_compose;
pub use infra::{
    BicepModule, LAB_ARTIFACT, cloud_tiers, has_labs, has_main, lab_repository, needs_identity, repository_source_type,
};

use serde::Serialize;

use crate::model::Model;
use crate::spec::Span;

/// What an artifact is, and so which renderer writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Kind {
    /// `.devcontainer/Dockerfile`.
    Dockerfile,
    /// `.devcontainer/devcontainer.json`.
    DevcontainerJson,
    /// `.devcontainer/docker-compose.yml`.
    Compose,
    /// `infra/main.bicep`: the Azure resources of one cloud tier.
    BicepMain,
    /// `infra/modules/NAME.bicep`.
    BicepModule {
        /// Which module.
        module: BicepModule,
    },
    /// `infra/TIER.bicepparam`: `main.bicep`'s parameters for one cloud tier.
    BicepParams {
        /// The tier.
        tier: String,
    },
    /// `infra/lab.bicep`: one DevTest Lab per lab region.
    BicepLab,
    /// `infra/lab.bicepparam`.
    BicepLabParams,
    /// The DevTest Labs artifact definition that prepares a lab VM.
    LabArtifact,
    /// The script of that artifact.
    LabArtifactScript,
    /// A file of the generic chart `deploy/charts/service/`, by its path inside the chart.
    HelmChart {
        /// `Chart.yaml`, `values.yaml`, `values.schema.json` or `templates/…`.
        file: String,
    },
    /// `deploy/values/SERVICE/values.yaml` (no tier) or `values-TIER.yaml`.
    HelmValues {
        /// The service.
        service: String,
        /// The tier, for the per-tier file.
        tier: Option<String>,
    },
    /// `deploy/argocd/TIER/SERVICE.yaml`: a service's Argo CD Application.
    ArgoApplication {
        /// The tier.
        tier: String,
        /// The service.
        service: String,
    },
    /// `deploy/argocd/TIER/observability-COMPONENT.yaml`: an upstream chart's Application.
    ArgoObservability {
        /// The tier.
        tier: String,
        /// `prometheus`, `grafana`, `elasticsearch`, `fluent-bit` or `kibana`.
        component: String,
    },
    /// `deploy/argocd/TIER/azurite.yaml`: the storage emulator (concession `storage-emulator`).
    ArgoAzurite {
        /// The tier.
        tier: String,
    },
    /// `deploy/argocd/TIER/project.yaml`: the tier's AppProject.
    ArgoProject {
        /// The tier.
        tier: String,
    },
    /// `deploy/argocd/TIER/root.yaml`: the tier's app of apps.
    ArgoRoot {
        /// The tier.
        tier: String,
    },
    /// `deploy/argocd/repositories/NAME.yaml`: an OCI Helm repository Argo CD must know.
    ArgoRepository {
        /// The repository, as Argo CD spells it (`registry-1.docker.io/bitnamicharts`).
        url: String,
    },
    /// `deploy/argocd/argocd-cm.yaml`: the Application health check, so sync waves wait.
    ArgoCdConfig,
    /// `.vscode/launch.json`: debugpy attach configurations (concession `debug`).
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

/// A spec node an artifact derives from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// A readable path to the node: `toolchain/tool kubectl`.
    pub node: String,
    /// Where it is.
    #[serde(skip)]
    pub span: Span,
}

impl Origin {
    /// An origin from a node path and span.
    pub fn new(node: impl Into<String>, span: Span) -> Self {
        Self { node: node.into(), span }
    }
}

/// One file compile will write.
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    /// The path relative to the spec's folder, with `/` separators.
    pub path: String,
    /// Which renderer writes it.
    #[serde(flatten)]
    pub kind: Kind,
    /// The spec nodes it derives from, in source order.
    pub sources: Vec<Origin>,
}

/// Every artifact of a model, sorted by path.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// The artifacts.
    pub artifacts: Vec<Artifact>,
}

impl Plan {
    /// An artifact by path.
    pub fn get(&self, path: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|a| a.path == path)
    }
}

/// Plan the artifacts of a valid model.
pub fn plan(model: &Model) -> Plan {
    let mut artifacts = Vec::new();
    devcontainer::plan(model, &mut artifacts);
    infra::plan(model, &mut artifacts);
    kubernetes::plan(model, &mut artifacts);
    delivery::plan(model, &mut artifacts);
    for artifact in &mut artifacts {
        artifact.sources.sort_by_key(|o| o.span.offset);
        artifact.sources.dedup();
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Plan { artifacts }
}
