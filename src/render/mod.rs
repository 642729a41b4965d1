//! Stage 5, `render`: each planned artifact → its bytes. Pure: no file
//! system, no clock, no environment; the same model gives the same bytes.
//!
//! Data formats (JSON, YAML) are serialized from typed structs; only text
//! formats (Dockerfile, Bicep) go through minijinja templates. The generic
//! Helm chart's own Go templates are static files, emitted verbatim. Every output
//! starts with a generated-file banner in its comment syntax (JSON files that
//! cannot carry one record their origin in `inception.lock` only) and is
//! normalised to LF with exactly one final newline.

mod argocd;
mod argocd_bootstrap;
pub mod azure_names;
mod azure_pipelines;
mod banner;
mod bicep;
mod bicep_lab;
mod bicep_main;
pub mod ci_pins;
mod compose;
mod devcontainer;
mod dockerfile;
mod error;
mod github_actions;
mod helm_chart;
pub mod helm_values;
pub mod launch;
pub mod observability;
pub mod templates;
pub mod trace;
pub mod yaml_notes;

pub use banner::{Comment, banner, normalise};
pub use devcontainer::{minikube_start, workspace_folder};
pub use error::RenderError;
pub use trace::{LineOrigins, Paths, Traced, Tracer, key_paths, trace_structured};

use std::collections::BTreeMap;

use crate::graph::Graph;
use crate::model::Model;
use crate::plan::{BicepModule, Kind, Plan};

/// Rendered artifacts: path → contents, sorted by path.
pub type Outputs = BTreeMap<String, String>;

/// Every artifact's text and the origins of each of its lines.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Path → contents.
    pub outputs: Outputs,
    /// Path → the origins of each line.
    pub provenance: BTreeMap<String, LineOrigins>,
}

/// Render every artifact of a plan.
///
/// # Errors
/// The first renderer failure (a bug in inception).
pub fn render(model: &Model, graph: &Graph, plan: &Plan, spec_name: &str) -> Result<Rendered, RenderError> {
    let mut rendered = Rendered::default();
    for artifact in &plan.artifacts {
        let path = artifact.path.as_str();
        let traced = match &artifact.kind {
            Kind::Dockerfile => dockerfile::render_dockerfile(model, spec_name, path)?,
            Kind::DevcontainerJson => devcontainer::render_devcontainer(model, spec_name, path)?,
            Kind::Compose => compose::render_compose(model, spec_name, path)?,
            Kind::BicepMain => bicep_main::render_main(model, spec_name, path)?,
            Kind::BicepParams { tier } => bicep_main::render_tier_params(model, tier, spec_name, path)?,
            Kind::BicepModule { module: BicepModule::Lab } => {
                bicep_lab::render_lab(model, bicep_lab::LabFile::Module, spec_name, path)?
            }
            Kind::BicepModule { module } => bicep::render_module(model, *module, spec_name, path)?,
            Kind::BicepLab => bicep_lab::render_lab(model, bicep_lab::LabFile::Main, spec_name, path)?,
            Kind::BicepLabParams => bicep_lab::render_lab(model, bicep_lab::LabFile::Params, spec_name, path)?,
            Kind::LabArtifact => bicep_lab::render_artifact(model, spec_name, path)?,
            Kind::LabArtifactScript => bicep_lab::render_script(spec_name, path)?,
            Kind::HelmChart { file } => helm_chart::render_chart_file(file, spec_name, path)?,
            Kind::HelmValues { service, tier } => {
                helm_values::render_values(model, service, tier.as_deref(), spec_name, path)?
            }
            Kind::ArgoApplication { tier, service } => {
                argocd::render_application(model, graph, tier, service, spec_name, path)?
            }
            Kind::ArgoObservability { tier, component } => {
                observability::render_observability(model, graph, tier, component, spec_name, path)?
            }
            Kind::ArgoAzurite { tier } => argocd::render_azurite(model, tier, spec_name, path)?,
            Kind::ArgoProject { tier } => argocd_bootstrap::render_project(model, tier, spec_name, path)?,
            Kind::ArgoRoot { tier } => argocd_bootstrap::render_root(model, tier, spec_name, path)?,
            Kind::ArgoRepository { url } => argocd_bootstrap::render_repository(model, url, spec_name, path)?,
            Kind::ArgoCdConfig => argocd_bootstrap::render_argocd_cm(model, spec_name, path)?,
            Kind::LaunchJson => launch::render_launch(model, spec_name, path)?,
            Kind::GithubWorkflow { workflow } => github_actions::render_workflow(model, *workflow, spec_name, path)?,
            Kind::AzurePipeline => azure_pipelines::render_pipeline(model, spec_name, path)?,
            Kind::AzurePipelineTemplate { template } => {
                azure_pipelines::render_template(model, *template, spec_name, path)?
            }
        };
        let text = normalise(&traced.text);
        let mut lines = traced.lines;
        lines.resize(text.lines().count(), Vec::new());
        rendered.outputs.insert(artifact.path.clone(), text);
        rendered.provenance.insert(artifact.path.clone(), lines);
    }
    Ok(rendered)
}
