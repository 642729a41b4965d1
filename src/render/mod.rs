//! Stage 5, `render`: each planned artifact → its bytes. Pure: no file
//! system, no clock, no environment; the same model gives the same bytes.
//!
//! Data formats (JSON, YAML) are serialized from typed structs; only text
//! formats (Dockerfile, Bicep) go through minijinja templates. Every output
//! starts with a generated-file banner in its comment syntax (JSON files that
//! cannot carry one record their origin in `inception.lock` only) and is
//! normalised to LF with exactly one final newline.

pub mod azure_names;
mod banner;
mod bicep;
mod bicep_lab;
mod bicep_main;
mod compose;
mod devcontainer;
mod dockerfile;
mod error;
pub mod templates;
pub mod trace;

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
pub fn render(model: &Model, _graph: &Graph, plan: &Plan, spec_name: &str) -> Result<Rendered, RenderError> {
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
        };
        let text = normalise(&traced.text);
        let mut lines = traced.lines;
        lines.resize(text.lines().count(), Vec::new());
        rendered.outputs.insert(artifact.path.clone(), text);
        rendered.provenance.insert(artifact.path.clone(), lines);
    }
    Ok(rendered)
}
