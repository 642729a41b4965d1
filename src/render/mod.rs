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
pub(crate) mod argocd_install;
pub(crate) mod azure_names;
mod azure_pipelines;
pub(crate) mod backing;
mod banner;
mod bicep;
mod bicep_lab;
mod bicep_main;
mod bootstrap;
pub(crate) mod ci_pins;
mod compose;
mod devcontainer;
mod dockerfile;
mod error;
mod github_actions;
mod helm_chart;
pub(crate) mod helm_values;
pub(crate) mod helm_workload;
pub(crate) mod key_path;
pub(crate) mod launch;
mod network_policy;
pub(crate) mod observability;
pub(crate) mod templates;
pub(crate) mod trace;
pub(crate) mod units;
pub(crate) mod wiring;
pub(crate) mod yaml_notes;

pub(crate) use banner::{banner, normalise};
pub(crate) use devcontainer::workspace_folder;
pub(crate) use error::RenderError;
pub(crate) use trace::{LineOrigins, Traced, key_paths};

use std::collections::BTreeMap;

use crate::graph::Graph;
use crate::model::{Model, Service};
use crate::plan::{Artifact, BicepModule, Kind, Origin, Plan};

/// File contents by path, sorted by path: what `emit` writes and checks.
pub type Outputs = BTreeMap<String, String>;

/// A planned artifact with its text and the origins of each of its lines.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The artifact. Its sources are the planned ones and every line's
    /// origins, so the lock (built from them) agrees with `explain`.
    pub artifact: Artifact,
    /// The text, normalised.
    pub text: String,
    /// The origins of each line of `text` (empty: fixed text, from the
    /// artifact's sources).
    pub lines: LineOrigins,
}

impl Rendered {
    /// The artifact's path.
    pub fn path(&self) -> &str {
        &self.artifact.path
    }
}

/// Render every artifact of a plan, in the plan's order, each under the
/// banner naming `spec_name` in its comment syntax.
///
/// # Errors
/// The first renderer failure (a bug in inception).
pub(crate) fn render(model: &Model, graph: &Graph, plan: Plan, spec_name: &str) -> Result<Vec<Rendered>, RenderError> {
    let indexed = plan.artifacts.into_iter().enumerate().collect();
    Ok(render_indexed(model, graph, indexed, spec_name)?.into_iter().map(|(_, rendered)| rendered).collect())
}

/// Render the artifacts given with their indices, returned in the order of
/// their indices. A service's values and Applications are rendered from its
/// restricted model (see [`units`]), once for all of them.
///
/// # Errors
/// The first renderer failure (a bug in inception).
pub(crate) fn render_indexed(
    model: &Model,
    graph: &Graph,
    artifacts: Vec<(usize, Artifact)>,
    spec_name: &str,
) -> Result<Vec<(usize, Rendered)>, RenderError> {
    render_groups(model, graph, groups(model, artifacts), spec_name, &units::neighbourhoods(model))
}

/// The artifacts given with their indices, grouped: each service's values
/// and Applications together (its restricted model renders them), every
/// other artifact alone; in the order of each group's first artifact.
pub(crate) fn groups(model: &Model, artifacts: impl IntoIterator<Item = (usize, Artifact)>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: BTreeMap<usize, usize> = BTreeMap::new();
    for (index, artifact) in artifacts {
        match units::scope(model, &artifact.kind) {
            Some(service) => {
                let group = *group_of.entry(service).or_insert_with(|| {
                    groups.push((Some(service), Vec::new()));
                    groups.len() - 1
                });
                groups[group].1.push((index, artifact));
            }
            None => groups.push((None, vec![(index, artifact)])),
        }
    }
    groups
}

/// Render groups of artifacts (see [`groups`]; `members`: the services of
/// each service's restricted model, [`units::neighbourhoods`]), returned in
/// the order of their indices.
///
/// # Errors
/// The first renderer failure (a bug in inception).
pub(crate) fn render_groups(
    model: &Model,
    graph: &Graph,
    groups: Vec<Group>,
    spec_name: &str,
    members: &[Vec<usize>],
) -> Result<Vec<(usize, Rendered)>, RenderError> {
    // Each artifact depends on the model only: they render on every core.
    let rendered = crate::parallel::try_map(groups, |(scope, artifacts)| match scope {
        None => artifacts
            .into_iter()
            .map(|(index, artifact)| Ok((index, render_one(model, graph, artifact, spec_name, None)?)))
            .collect::<Result<Vec<_>, RenderError>>(),
        Some(service) => {
            let restricted = units::restricted(model, &members[service]);
            let name = &model.services[service].name.value;
            let Some(scoped) = restricted.service(name) else { unreachable!("a restricted model holds its service") };
            artifacts
                .into_iter()
                .map(|(index, artifact)| {
                    Ok((index, render_one(&restricted, graph, artifact, spec_name, Some(scoped))?))
                })
                .collect()
        }
    })?;
    let mut rendered: Vec<(usize, Rendered)> = rendered.into_iter().flatten().collect();
    rendered.sort_unstable_by_key(|(index, _)| *index);
    Ok(rendered)
}

/// Artifacts rendered together: one service's from its restricted model
/// (`Some(service)`), or one artifact from the whole model.
pub(crate) type Group = (Option<usize>, Vec<(usize, Artifact)>);

/// Render one artifact; `scoped`: the service of a restricted `model`,
/// which renders the service's values and Applications.
fn render_one(
    model: &Model,
    graph: &Graph,
    mut artifact: Artifact,
    spec_name: &str,
    scoped: Option<&Service>,
) -> Result<Rendered, RenderError> {
    let mut traced = render_kind(model, graph, &artifact.kind, spec_name, &artifact.path, scoped)?;
    if let Some(comment) = banner::comment_of(&artifact.kind) {
        traced = traced.with_banner(&banner(comment, spec_name));
    }
    let text = normalise(&traced.text);
    let mut lines = traced.lines;
    lines.resize(text.lines().count(), trace::no_origins());
    // Kept until the end of the compile, for every artifact: no slack.
    lines.shrink_to_fit();
    artifact.sources = with_line_origins(artifact.sources, &lines);
    artifact.sources.shrink_to_fit();
    Ok(Rendered { artifact, text, lines })
}

/// The text of one artifact, without its banner. Only the lab artifact, its
/// script and the bootstrap scripts, which name the spec elsewhere than in a
/// banner on line 1, are handed `spec_name`.
fn render_kind(
    model: &Model,
    graph: &Graph,
    kind: &Kind,
    spec_name: &str,
    path: &str,
    scoped: Option<&Service>,
) -> Result<Traced, RenderError> {
    Ok(match kind {
        Kind::Dockerfile => dockerfile::render_dockerfile(model, path)?,
        Kind::DevcontainerJson => devcontainer::render_devcontainer(model, path)?,
        Kind::Compose => compose::render_compose(model, path)?,
        Kind::BicepMain => bicep_main::render_main(model, path)?,
        Kind::BicepShared => bicep_main::render_shared(model, path)?,
        Kind::BicepParams { tier } => bicep_main::render_tier_params(model, model.tier_at(*tier), path)?,
        Kind::BicepModule { module: BicepModule::Lab } => {
            bicep_lab::render_lab(model, bicep_lab::LabFile::Module, path)?
        }
        Kind::BicepModule { module } => bicep::render_module(model, *module, path)?,
        Kind::BicepLab => bicep_lab::render_lab(model, bicep_lab::LabFile::Main, path)?,
        Kind::BicepLabParams => bicep_lab::render_lab(model, bicep_lab::LabFile::Params, path)?,
        Kind::LabArtifact => bicep_lab::render_artifact(model, spec_name, path)?,
        Kind::LabArtifactScript => bicep_lab::render_script(spec_name, path)?,
        Kind::HelmChart { file } => helm_chart::render_chart_file(file, path)?,
        Kind::HelmValues { service, tier } => {
            let service = scoped.unwrap_or_else(|| model.service_at(*service));
            helm_values::render_values(model, service, tier.map(|t| model.tier_at(t)), path)?
        }
        Kind::ArgoApplication { tier, service } => {
            let service = scoped.unwrap_or_else(|| model.service_at(*service));
            argocd::render_application(model, graph, model.tier_at(*tier), service, path)?
        }
        Kind::ArgoObservability { tier, component } => {
            observability::render_observability(model, model.tier_at(*tier), *component, path)?
        }
        Kind::ArgoAzurite { tier } => argocd::render_azurite(model, model.tier_at(*tier), path)?,
        Kind::ArgoProject { tier } => argocd_bootstrap::render_project(model, model.tier_at(*tier), path)?,
        Kind::ArgoRoot { tier } => argocd_bootstrap::render_root(model, model.tier_at(*tier), path)?,
        Kind::ArgoRepository { url } => argocd_bootstrap::render_repository(model, url, path)?,
        Kind::ArgoCdValues => argocd_install::render_values(model, path)?,
        Kind::ArgoCdInstall { tier } => argocd_install::render_install(model, model.tier_at(*tier), path)?,
        Kind::ArgoOperator { tier, operator } => backing::render_operator(model, model.tier_at(*tier), operator, path)?,
        Kind::ArgoCredentials { tier } => backing::render_credentials(model, model.tier_at(*tier), path)?,
        Kind::ArgoBootstrapProject { tier } => {
            argocd_bootstrap::render_bootstrap_project(model, model.tier_at(*tier), path)?
        }
        Kind::BackingManifests { tier, service } => {
            backing::render_kafka(model.tier_at(*tier), model.service_at(*service), path)?
        }
        Kind::NetworkPolicies { tier } => network_policy::render_policies(model, model.tier_at(*tier), path)?,
        Kind::ServiceNetworkPolicy { tier, service } => {
            let service = scoped.unwrap_or_else(|| model.service_at(*service));
            network_policy::render_service_policy(model, model.tier_at(*tier), service, path)?
        }
        Kind::ArgoNetwork { tier } => network_policy::render_application(model, model.tier_at(*tier), path)?,
        Kind::Bootstrap { tier } => bootstrap::render_bootstrap(model, model.tier_at(*tier), spec_name, path)?,
        Kind::LocalGitServer => bootstrap::render_git_server(model, path)?,
        Kind::Wiring => wiring::render_wiring(model, path)?,
        Kind::LaunchJson => launch::render_launch(model, path)?,
        Kind::GithubWorkflow { workflow } => github_actions::render_workflow(model, *workflow, path)?,
        Kind::AzurePipeline => azure_pipelines::render_pipeline(model, path)?,
        Kind::AzurePipelineTemplate { template } => azure_pipelines::render_template(model, *template, path)?,
    })
}

/// The planned sources and every line's origins, in source order, each once.
fn with_line_origins(planned: Vec<Origin>, lines: &LineOrigins) -> Vec<Origin> {
    let mut all = planned;
    // Lines share their origin lists: each list once (a later copy of a list
    // already taken changes nothing below).
    let mut taken: std::collections::HashSet<*const Origin> = std::collections::HashSet::new();
    for list in lines {
        if !list.is_empty() && taken.insert(list.as_ptr()) {
            all.extend(list.iter().cloned());
        }
    }
    all.sort_by_key(|o| o.span.offset());
    let mut seen = std::collections::HashSet::new();
    all.retain(|o| seen.insert((o.node.clone(), o.span)));
    all
}
