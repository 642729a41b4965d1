//! The embedded minijinja templates, for the text formats (Dockerfile, Bicep).
//!
//! Templates live under `templates/` and are compiled into the binary, so the
//! tool is self-contained. Undefined variables are errors, so a renamed view
//! field fails in tests rather than in a user's repository. Templates only
//! select and loop; every value is computed in Rust and handed over in a
//! `…View` struct.

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

use super::RenderError;
use crate::plan::BicepModule;

/// `templates/devcontainer/Dockerfile.j2`.
pub(crate) const TEMPLATE_DOCKERFILE: &str = "devcontainer/Dockerfile";
/// `templates/bicep/main.bicep.j2`.
pub(crate) const TEMPLATE_BICEP_MAIN: &str = "bicep/main.bicep";
/// `templates/bicep/shared.bicep.j2`.
pub(crate) const TEMPLATE_BICEP_SHARED: &str = "bicep/shared.bicep";
/// `templates/bicep/tier.bicepparam.j2`.
pub(crate) const TEMPLATE_BICEP_TIER_PARAMS: &str = "bicep/tier.bicepparam";
/// `templates/bicep/lab.bicep.j2`.
pub(crate) const TEMPLATE_BICEP_LAB: &str = "bicep/lab.bicep";
/// `templates/bicep/lab.bicepparam.j2`.
pub(crate) const TEMPLATE_BICEP_LAB_PARAMS: &str = "bicep/lab.bicepparam";
/// `templates/bootstrap/bootstrap.sh.j2`.
pub(crate) const TEMPLATE_BOOTSTRAP: &str = "bootstrap/bootstrap.sh";
/// `templates/lab-artifacts/prepare-workspace.sh.j2`.
pub(crate) const TEMPLATE_LAB_SCRIPT: &str = "lab-artifacts/prepare-workspace.sh";

/// The template of a Bicep module: `bicep/modules/STEM.bicep`.
pub(crate) fn module_template(module: BicepModule) -> &'static str {
    match module {
        BicepModule::Network => "bicep/modules/network.bicep",
        BicepModule::Monitoring => "bicep/modules/monitoring.bicep",
        BicepModule::Cluster => "bicep/modules/cluster.bicep",
        BicepModule::Registry => "bicep/modules/registry.bicep",
        BicepModule::RegistryPull => "bicep/modules/registry-pull.bicep",
        BicepModule::KeyVault => "bicep/modules/key-vault.bicep",
        BicepModule::Storage => "bicep/modules/storage.bicep",
        BicepModule::WorkloadIdentity => "bicep/modules/workload-identity.bicep",
        BicepModule::Lab => "bicep/modules/lab.bicep",
        BicepModule::PipelineIdentity => "bicep/modules/pipeline-identity.bicep",
    }
}

/// Every template: id and source.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (TEMPLATE_DOCKERFILE, include_str!("../../templates/devcontainer/Dockerfile.j2")),
    (TEMPLATE_BICEP_MAIN, include_str!("../../templates/bicep/main.bicep.j2")),
    (TEMPLATE_BICEP_SHARED, include_str!("../../templates/bicep/shared.bicep.j2")),
    (TEMPLATE_BICEP_TIER_PARAMS, include_str!("../../templates/bicep/tier.bicepparam.j2")),
    (TEMPLATE_BICEP_LAB, include_str!("../../templates/bicep/lab.bicep.j2")),
    (TEMPLATE_BICEP_LAB_PARAMS, include_str!("../../templates/bicep/lab.bicepparam.j2")),
    ("bicep/modules/network.bicep", include_str!("../../templates/bicep/modules/network.bicep.j2")),
    ("bicep/modules/monitoring.bicep", include_str!("../../templates/bicep/modules/monitoring.bicep.j2")),
    ("bicep/modules/cluster.bicep", include_str!("../../templates/bicep/modules/cluster.bicep.j2")),
    ("bicep/modules/registry.bicep", include_str!("../../templates/bicep/modules/registry.bicep.j2")),
    ("bicep/modules/registry-pull.bicep", include_str!("../../templates/bicep/modules/registry-pull.bicep.j2")),
    ("bicep/modules/key-vault.bicep", include_str!("../../templates/bicep/modules/key-vault.bicep.j2")),
    ("bicep/modules/storage.bicep", include_str!("../../templates/bicep/modules/storage.bicep.j2")),
    ("bicep/modules/workload-identity.bicep", include_str!("../../templates/bicep/modules/workload-identity.bicep.j2")),
    ("bicep/modules/lab.bicep", include_str!("../../templates/bicep/modules/lab.bicep.j2")),
    ("bicep/modules/pipeline-identity.bicep", include_str!("../../templates/bicep/modules/pipeline-identity.bicep.j2")),
    (TEMPLATE_LAB_SCRIPT, include_str!("../../templates/lab-artifacts/prepare-workspace.sh.j2")),
    (TEMPLATE_BOOTSTRAP, include_str!("../../templates/bootstrap/bootstrap.sh.j2")),
];

/// The environment every template renders in.
///
/// # Panics
/// Only if an embedded template does not compile, which the unit test below
/// rules out for every template.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    for (id, source) in TEMPLATES {
        env.add_template(id, source).expect("embedded templates compile (tested)");
    }
    env
}

/// The environment, built (and every template compiled) once per process.
static ENVIRONMENT: std::sync::LazyLock<Environment<'static>> = std::sync::LazyLock::new(environment);

/// Render template `id` with `view` for the artifact at `path`.
///
/// # Errors
/// A template error, which is a bug in inception.
pub(crate) fn render<T: Serialize>(id: &str, view: &T, path: &str) -> Result<String, RenderError> {
    let error = |e: minijinja::Error| RenderError::Template {
        path: path.to_owned(),
        template: id.to_owned(),
        message: format!("{e:#}"),
    };
    let template = ENVIRONMENT.get_template(id).map_err(error)?;
    let text = template.render(Value::from(minijinja::value::Serde(view))).map_err(error)?;
    // Template lines never end in meaningful spaces, nor templates in blank
    // lines (text formats only): one final newline.
    let mut text: String = text.lines().map(|l| format!("{}\n", l.trim_end())).collect();
    while text.ends_with("\n\n") {
        text.pop();
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_template_compiles() {
        let env = environment();
        for (id, _) in TEMPLATES {
            assert!(env.get_template(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn every_module_has_its_template() {
        let ids: Vec<&str> = TEMPLATES.iter().map(|(id, _)| *id).collect();
        for module in BicepModule::MAIN.into_iter().chain([BicepModule::Lab, BicepModule::PipelineIdentity]) {
            let id = module_template(module);
            assert!(ids.contains(&id), "{id}");
            assert_eq!(id, format!("bicep/modules/{}.bicep", module.stem()));
        }
    }
}
