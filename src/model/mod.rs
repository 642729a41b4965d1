//! Stage 2, `model`: raw nodes → the validated meaning of the spec.
//!
//! Walks the raw nodes against the vocabulary, converts each node into a
//! typed item with its span, applies defaults, and checks everything that a
//! single file can get wrong: unknown names (with "did you mean"), wrong
//! types, duplicates (pointing at both places), unpinned versions, references
//! to undeclared tiers and services, concessions on cloud tiers, overrides
//! without a reason. It does not look at the `needs` graph as a whole; cycles
//! are the `graph` stage's business.
//!
//! Resolution never stops at the first problem: it returns the best model it
//! could build together with every error, and the caller decides.

pub mod aks_versions;
pub(crate) mod azure;
pub(crate) mod azure_lint;
pub(crate) mod batch;
mod error;
pub mod grammar;
mod observability;
pub(crate) mod pin;
pub(crate) mod pin_lint;
mod pipeline;
mod project;
pub(crate) use project::{ACR_SUFFIX, is_acr_name};
pub(crate) mod concession_lint;
mod reader;
mod references;
mod refs;
pub(crate) mod regions;
pub mod release;
pub(crate) mod runtime_lint;
mod service;
pub(crate) mod sizing_lint;
pub(crate) mod strict;
pub(crate) mod suggest;
mod tier;
mod toolchain;
mod types;
pub mod vocabulary;

pub use error::ModelError;
pub use refs::{ServiceRef, TierRef};
pub use types::*;

use reader::{Reader, Seen};
use vocabulary::Context;

use crate::spec::{self, RawNode, Scalar, Span};

/// Resolve raw nodes into a model, with every error found.
pub fn resolve(nodes: &[RawNode]) -> (Model, Vec<ModelError>) {
    let mut reader = Reader::default();
    let mut model = Model::default();
    check_format(&mut reader, nodes, &mut model);
    let mut once = Seen::default();
    let mut tiers = Seen::default();
    let mut services = Seen::default();
    let mut project = None;
    let mut toolchain = None;
    // Sized up front: a big spec's services are most of the model.
    model.services.reserve_exact(nodes.iter().filter(|n| matches!(n.name.value.as_str(), "service" | "job")).count());
    for node in reader.known(nodes, Context::Top, "the top level") {
        let name = node.name.value.as_str();
        if matches!(name, "project" | "toolchain" | "observability" | "azure" | "inception" | "pipeline") {
            once.insert(&mut reader, "top-level node", &node.name, "a spec has one of each; merge them");
        }
        match name {
            "project" => project = Some(project::resolve(&mut reader, node)),
            "toolchain" => toolchain = Some(toolchain::resolve(&mut reader, node)),
            "tier" => {
                if let Some(tier) = tier::resolve(&mut reader, node)
                    && tiers.insert(&mut reader, "tier", &tier.name, "tier names are unique; rename or remove one")
                {
                    model.tiers.push(tier);
                }
            }
            "service" | "job" => {
                if let Some(service) = service::resolve(&mut reader, node)
                    && services.insert(
                        &mut reader,
                        "service",
                        &service.name,
                        "service names are unique; rename or remove one",
                    )
                {
                    model.services.push(service);
                }
            }
            "observability" => model.observability = Some(observability::resolve(&mut reader, node)),
            "azure" => model.azure = azure::resolve(&mut reader, node),
            "pipeline" => model.pipeline = pipeline::resolve(&mut reader, node),
            _ => {}
        }
    }
    let document = nodes.first().map_or(Span::default(), |n| Span::new(n.span.offset(), 0));
    model.project = project.unwrap_or_else(|| {
        missing_top(&mut reader, document, "project", "add `project NAME { registry \"HOST\" }`");
        Project::default()
    });
    model.toolchain = toolchain.unwrap_or_else(|| {
        missing_top(&mut reader, document, "toolchain", "add `toolchain { base \"IMAGE:TAG\" digest=\"sha256:…\" }`");
        Toolchain::default()
    });
    references::check(&mut reader, &model);
    release::check(&mut reader, &model);
    pipeline::check_references(&mut reader, &model);
    azure::check(&mut reader, &model);
    check_folded(&mut reader, "tier", model.tiers.iter().map(|t| &t.name));
    check_folded(&mut reader, "service", model.services.iter().map(|s| &s.name));
    check_repositories(&mut reader, &model);
    (model, reader.into_errors())
}

/// The document must open with `inception 1`.
fn check_format(reader: &mut Reader, nodes: &[RawNode], model: &mut Model) {
    let first = nodes.first();
    let Some(node) = first.filter(|n| n.name.value == "inception") else {
        let span = first.map_or(Span::default(), |n| n.name.span);
        reader.error(ModelError::Missing {
            message: "the spec does not start with `inception 1`".to_owned(),
            span: span.into(),
            label: "expected `inception 1` before this".to_owned(),
            help: "write `inception 1` as the first node: it is the format version".to_owned(),
        });
        return;
    };
    reader.props(node, &[]);
    reader.no_children(node);
    reader.max_args(node, 1, "one format version");
    match node.args.first() {
        Some(value) if value.value == Scalar::Integer(1) => model.format_version = 1,
        Some(value) => {
            reader.error(ModelError::UnsupportedFormat { version: value.repr.clone(), span: value.span.into() })
        }
        None => reader.missing_arg(node, "the format version"),
    }
}

/// Names that differ only in hyphens become one Azure or Bicep name (a
/// storage account drops hyphens, a Bicep identifier folds them): refuse the
/// second, pointing at the first.
fn check_folded<'a>(reader: &mut Reader, what: &str, names: impl Iterator<Item = &'a spec::Spanned<String>>) {
    let mut seen: std::collections::HashMap<String, &spec::Spanned<String>> = std::collections::HashMap::new();
    for name in names {
        match seen.get(&grammar::folded(&name.value)) {
            Some(first) if first.value != name.value => reader.error(ModelError::Collision {
                what: what.to_owned(),
                name: name.value.clone(),
                other: first.value.clone(),
                span: name.span.into(),
                first: first.span.into(),
                help: "they differ only in hyphens, which a storage account drops and Bicep folds: rename one so the two differ in letters or digits".to_owned(),
            }),
            Some(_) => {}
            None => {
                seen.insert(grammar::folded(&name.value), name);
            }
        }
    }
}

/// Two OCI registries whose file names (`deploy/argocd/repositories/NAME.yaml`)
/// would be the same: the second would overwrite the first.
fn check_repositories(reader: &mut Reader, model: &Model) {
    let mut seen: std::collections::HashMap<String, &spec::Spanned<String>> = std::collections::HashMap::new();
    for service in &model.services {
        let Source::Chart(chart) = &service.source else { continue };
        let Some(rest) = chart.reference.value.strip_prefix("oci://") else { continue };
        let repository = rest.rsplit_once('/').map_or("", |(repository, _)| repository);
        let key = crate::layout::repository_name(repository);
        match seen.get(&key) {
            Some(first)
                if first.value.rsplit_once('/').map(|(r, _)| r)
                    != chart.reference.value.rsplit_once('/').map(|(r, _)| r) =>
            {
                reader.error(ModelError::Collision {
                    what: "chart registry".to_owned(),
                    name: chart.reference.value.clone(),
                    other: first.value.clone(),
                    span: chart.reference.span.into(),
                    first: first.span.into(),
                    help: "both registries would be written to one file `deploy/argocd/repositories/NAME.yaml`: use one spelling of the registry".to_owned(),
                });
            }
            Some(_) => {}
            None => {
                seen.insert(key.clone(), &chart.reference);
            }
        }
        // The catalog's OCI registries the spec's backing services use share the folder.
        let catalog = catalog_registries(model);
        if let Some(taken) =
            catalog.iter().find(|r| crate::layout::repository_name(r) == key && r.as_str() != repository)
        {
            reader.invalid(
                error::Invalid::Reserved,
                chart.reference.span,
                format!("chart registry `{repository}` would share a file with the provider catalog's `{taken}`"),
                "same repository file".to_owned(),
                format!("both would be written to one file `deploy/argocd/repositories/NAME.yaml`: spell it `{taken}`"),
            );
        }
    }
}

/// The OCI registries the provider catalog pulls from for this spec's backing services.
fn catalog_registries(model: &Model) -> Vec<String> {
    let mut registries = Vec::new();
    for kind in model.services.iter().filter_map(Service::backing) {
        let provider = crate::providers::provider(kind);
        if let crate::providers::Delivery::Chart { chart } = provider.delivery
            && chart.oci
        {
            registries.push(chart.repo.to_owned());
        }
        if let Some(operator) = provider.operator.filter(|o| o.chart.oci) {
            registries.push(operator.chart.repo.to_owned());
        }
    }
    registries
}

fn missing_top(reader: &mut Reader, span: Span, what: &str, help: &str) {
    reader.error(ModelError::Missing {
        message: format!("the spec has no `{what}`"),
        span: span.into(),
        label: format!("`{what}` is required"),
        help: help.to_owned(),
    });
}
