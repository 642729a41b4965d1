//! What every Bicep renderer shares: literals, identifiers, the origins the
//! infrastructure derives from, and the modules under `infra/modules/`.
//!
//! Every value a template writes into Bicep is a finished literal built
//! here ([`literal`]), so a quote in the spec cannot change the program.
//! The modules are fixed programs parameterised by `main.bicep` or
//! `lab.bicep`; their sections are still marked with the spec nodes that
//! make them exist, so `explain` can answer for any line.

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::templates::{module_template, render};
use super::trace::{Traced, Tracer};
use crate::model::Model;
use crate::plan::{BicepModule, Origin, cloud_tiers, needs_identity};

/// A Bicep string literal: single-quoted, with `\`, `'` and `${` escaped.
pub(super) fn literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A Bicep array of string literals: `[]`, or one item per line.
pub(super) fn array(items: &[String]) -> String {
    if items.is_empty() {
        return "[]".to_owned();
    }
    let mut out = String::from("[\n");
    for item in items {
        out.push_str("  ");
        out.push_str(&literal(item));
        out.push('\n');
    }
    out.push(']');
    out
}

/// A Bicep identifier from a DNS label: `market-data` → `marketData`.
pub(super) fn identifier(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = !out.is_empty();
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        out.insert(0, '_');
    }
    out
}

/// An object key: bare when it is an identifier, else quoted.
pub(super) fn object_key(name: &str) -> String {
    let bare = name.starts_with(|c: char| c.is_ascii_alphabetic()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    if bare { name.to_owned() } else { literal(name) }
}

/// The containers of every service, in declaration order, each once.
pub(super) fn containers(model: &Model) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in model.services.iter().flat_map(|s| &s.storage) {
        if !names.contains(&name.value) {
            names.push(name.value.clone());
        }
    }
    names
}

/// The cloud tiers' `cluster aks` nodes.
pub(super) fn tier_origins(model: &Model) -> Vec<Origin> {
    cloud_tiers(model).map(|t| Origin::of(format_args!("tier {}", t.name.value), t.cluster.span)).collect()
}

/// The `azure tier` nodes: who may administer each tier, from where, and when.
pub(super) fn azure_tier_origins(model: &Model) -> Vec<Origin> {
    model
        .azure
        .iter()
        .flat_map(|a| &a.tiers)
        .map(|t| Origin::of(format_args!("azure/tier {}", t.name.value), t.span))
        .collect()
}

/// `azure/location`.
pub(super) fn location_origin(model: &Model) -> Vec<Origin> {
    model.azure.iter().map(|a| Origin::new("azure/location", a.location.span)).collect()
}

/// `project/registry`, or the project when it names no registry.
pub(super) fn registry_origin(model: &Model) -> Vec<Origin> {
    vec![match &model.project.registry {
        Some(registry) => Origin::new("project/registry", registry.span),
        None => Origin::new("project", model.project.name.span),
    }]
}

/// The `secret` entries of every service with an identity.
pub(super) fn secret_origins(model: &Model) -> Vec<Origin> {
    model
        .services
        .iter()
        .filter(|s| needs_identity(s))
        .flat_map(|s| {
            s.secrets
                .iter()
                .map(|p| Origin::of(format_args!("service {}/secret {}", s.name.value, p.key.value), p.key.span))
        })
        .collect()
}

/// The `storage` entries of every service.
pub(super) fn storage_origins(model: &Model) -> Vec<Origin> {
    model
        .services
        .iter()
        .flat_map(|s| {
            s.storage.iter().map(|c| Origin::of(format_args!("service {}/storage {}", s.name.value, c.value), c.span))
        })
        .collect()
}

/// The services with a workload identity.
pub(super) fn identity_origins(model: &Model) -> Vec<Origin> {
    model
        .services
        .iter()
        .filter(|s| needs_identity(s))
        .map(|s| Origin::of(format_args!("service {}", s.name.value), s.name.span))
        .collect()
}

/// What a module template renders: a marker per section.
#[derive(Debug, Serialize)]
struct ModuleView {
    marks: IndexMap<&'static str, String>,
    /// The application routing add-on is on (a service is exposed in a cloud tier).
    web_app_routing: bool,
}

/// The sections of a module and the nodes each comes from.
fn sections(model: &Model, module: BicepModule) -> Vec<(&'static str, Vec<Origin>)> {
    let tiers = tier_origins(model);
    let location = location_origin(model);
    let both = [tiers.clone(), location].concat();
    match module {
        BicepModule::Network => vec![("params", both.clone()), ("network", both.clone()), ("outputs", both)],
        BicepModule::Monitoring => vec![("params", both.clone()), ("workspace", both.clone()), ("outputs", both)],
        BicepModule::Registry | BicepModule::RegistryPull => {
            let registry = registry_origin(model);
            vec![
                ("params", registry.clone()),
                ("registry", registry.clone()),
                ("role", registry.clone()),
                ("outputs", registry),
            ]
        }
        BicepModule::Cluster => {
            let access = [both.clone(), azure_tier_origins(model)].concat();
            vec![
                ("params", both.clone()),
                ("network", both.clone()),
                ("cluster", both.clone()),
                ("subnet", both.clone()),
                ("access", access.clone()),
                ("maintenance", access),
                ("monitoring", both.clone()),
                ("outputs", both),
            ]
        }
        BicepModule::KeyVault => {
            let secrets = [both.clone(), secret_origins(model)].concat();
            let operators = [both.clone(), azure_tier_origins(model)].concat();
            vec![
                ("params", both.clone()),
                ("vault", secrets.clone()),
                ("operators", operators),
                ("audit", both),
                ("outputs", secrets),
            ]
        }
        BicepModule::Storage => {
            let storage = storage_origins(model);
            vec![
                ("params", storage.clone()),
                ("account", storage.clone()),
                ("containers", storage.clone()),
                ("audit", storage.clone()),
                ("outputs", storage),
            ]
        }
        BicepModule::WorkloadIdentity => {
            let identities = identity_origins(model);
            vec![
                ("params", identities.clone()),
                ("identity", identities.clone()),
                ("secrets", secret_origins(model)),
                ("storage", storage_origins(model)),
                ("outputs", identities),
            ]
        }
        BicepModule::PipelineIdentity => {
            let pipeline: Vec<Origin> = model.pipeline.iter().map(|p| Origin::new("pipeline", p.span)).collect();
            let connection: Vec<Origin> = model
                .pipeline
                .iter()
                .map(|p| Origin::new("pipeline/service-connection", p.service_connection.span))
                .collect();
            let mut github: Vec<Origin> =
                model.project.repo.iter().map(|r| Origin::new("project/repo", r.span)).collect();
            github.extend(model.project.branch.iter().map(|b| Origin::new("project/branch", b.span)));
            vec![
                ("params", pipeline.clone()),
                ("identity", pipeline.clone()),
                ("github", [pipeline.clone(), github].concat()),
                ("devops", [pipeline.clone(), connection].concat()),
                ("role", [pipeline.clone(), registry_origin(model)].concat()),
                ("outputs", pipeline),
            ]
        }
        // Rendered by `bicep_lab`, which knows the lab's values.
        BicepModule::Lab => Vec::new(),
    }
}

/// Render `infra/modules/NAME.bicep`.
///
/// # Errors
/// A template error (a bug).
pub(super) fn render_module(model: &Model, module: BicepModule, path: &str) -> Result<Traced, RenderError> {
    let mut tracer = Tracer::default();
    let marks = sections(model, module).into_iter().map(|(name, origins)| (name, tracer.mark(origins))).collect();
    let view =
        ModuleView { marks, web_app_routing: crate::plan::exposure::exposed_on(model, crate::model::Cluster::Aks) };
    Ok(tracer.resolve(&render(module_template(module), &view, path)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_backslashes_and_interpolation() {
        assert_eq!(literal("eastus"), "'eastus'");
        assert_eq!(literal("it's"), r"'it\'s'");
        assert_eq!(literal(r"a\b"), r"'a\\b'");
        assert_eq!(literal("${x}"), r"'\${x}'");
        assert_eq!(literal("cost: $5"), "'cost: $5'");
    }

    #[test]
    fn identifiers_and_keys_from_dns_labels() {
        assert_eq!(identifier("risk"), "risk");
        assert_eq!(identifier("market-data"), "marketData");
        assert_eq!(identifier("1st"), "_1st");
        assert_eq!(object_key("risk"), "risk");
        assert_eq!(object_key("market-data"), "'market-data'");
    }
}
