//! `infra/main.bicep` and `infra/TIER.bicepparam`, through
//! `templates/bicep/main.bicep.j2` and `tier.bicepparam.j2`.
//!
//! `main.bicep` is one program for every cloud tier: what the spec says
//! (project, region, registry, containers, which service reads what) is
//! written into it, and what differs per tier (names derived from the tier)
//! are parameters each `TIER.bicepparam` sets. Conventions the Helm chart
//! shares: a service runs in namespace = tier name under a service account
//! named after the service, which is what each federated credential trusts.

use serde::Serialize;

use super::RenderError;
use super::azure_names as names;
use super::bicep::{
    KEY_VAULT_PREFIX_MAX, containers, identifier, identity_origins, literal, location_origin, object_key,
    registry_origin, secret_origins, storage_origins, tier_origins,
};
use super::templates::{TEMPLATE_BICEP_MAIN, TEMPLATE_BICEP_TIER_PARAMS, render};
use super::trace::{Traced, Tracer};
use crate::model::{Model, Service, Tier};
use crate::plan::workload::origin;
use crate::plan::{Origin, needs_identity};

/// What `main.bicep.j2` renders.
#[derive(Debug, Serialize)]
struct MainView {
    project_name: String,
    project: String,
    location_name: String,
    location: String,
    shared_group: String,
    registry: String,
    key_vault_prefix_max: usize,
    /// The Kubernetes minor version (from `tool kubectl`), as a literal; `''` when none is pinned.
    kubernetes_version: String,
    has_storage: bool,
    /// Every container, as literals.
    containers: Vec<String>,
    identities: Vec<IdentityView>,
    /// The Key Vault secret names the services read, as literals.
    secret_names: Vec<String>,
    marks: MainMarks,
}

/// Section markers of `main.bicep`.
#[derive(Debug, Serialize)]
struct MainMarks {
    header: String,
    tier: String,
    location: String,
    registry: String,
    sizing: String,
    groups: String,
    network: String,
    cluster: String,
    vault: String,
    storage: String,
    outputs: String,
    secrets: String,
    identities: String,
}

/// One service's workload identity module call.
#[derive(Debug, Serialize)]
struct IdentityView {
    /// The module's symbol.
    symbol: String,
    /// The key of `workloadIdentityClientIds`.
    key: String,
    /// The service name, bare (a DNS label).
    service_name: String,
    /// The deployment's name literal.
    deployment: String,
    /// The identity's name literal.
    name: String,
    /// The federated credential's name literal.
    credential: String,
    /// `true` or `false`.
    reads_secrets: &'static str,
    /// The service's containers, as literals.
    containers: Vec<String>,
    mark: String,
}

fn identity_view(service: &Service, tracer: &mut Tracer) -> IdentityView {
    let name = &service.name.value;
    let mut origins = vec![Origin::new(format!("service {name}"), service.name.span)];
    origins.extend(
        service.secrets.iter().map(|p| Origin::new(format!("service {name}/secret {}", p.key.value), p.key.span)),
    );
    origins.extend(service.storage.iter().map(|s| Origin::new(format!("service {name}/storage {}", s.value), s.span)));
    origins.sort_by_key(|o| o.span.offset);
    let mut containers: Vec<String> = Vec::new();
    for container in service.storage.iter().map(|s| literal(&s.value)) {
        if !containers.contains(&container) {
            containers.push(container);
        }
    }
    IdentityView {
        symbol: format!("{}Identity", identifier(name)),
        key: object_key(name),
        service_name: name.clone(),
        deployment: literal(&names::identity_deployment(name)),
        name: literal(&names::identity(name)),
        credential: literal(&names::federated_credential(name)),
        reads_secrets: if service.secrets.is_empty() { "false" } else { "true" },
        containers,
        mark: tracer.mark(origins),
    }
}

/// Render `infra/main.bicep`.
///
/// # Errors
/// A template error (a bug).
pub fn render_main(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let mut tracer = Tracer::default();
    let project = &model.project.name.value;
    let location = model.azure.as_ref().map(|a| a.location.value.clone()).unwrap_or_default();
    let tiers = tier_origins(model);
    let project_origin = vec![Origin::new("project", model.project.name.span)];
    let marks = MainMarks {
        header: tracer.mark([project_origin.clone(), tiers.clone()].concat()),
        tier: tracer.mark(tiers.clone()),
        location: tracer.mark(location_origin(model)),
        registry: tracer.mark(registry_origin(model)),
        sizing: tracer.mark(tiers.clone()),
        groups: tracer.mark([project_origin, tiers.clone()].concat()),
        network: tracer.mark(tiers.clone()),
        cluster: tracer.mark(tiers.clone()),
        vault: tracer.mark([tiers.clone(), secret_origins(model)].concat()),
        storage: tracer.mark(storage_origins(model)),
        outputs: tracer.mark(tiers),
        secrets: tracer.mark(secret_origins(model)),
        identities: tracer.mark(identity_origins(model)),
    };
    let identities =
        model.services.iter().filter(|s| needs_identity(s)).map(|s| identity_view(s, &mut tracer)).collect();
    let mut secret_names: Vec<String> = Vec::new();
    for secret in model.services.iter().flat_map(|s| &s.secrets).map(|p| literal(&p.value.value)) {
        if !secret_names.contains(&secret) {
            secret_names.push(secret);
        }
    }
    let containers: Vec<String> = containers(model).iter().map(|c| literal(c)).collect();
    let view = MainView {
        project_name: project.clone(),
        project: literal(project),
        location: literal(&location),
        location_name: location,
        shared_group: literal(&names::shared_resource_group(project)),
        registry: literal(&names::registry(project, model.project.registry.as_ref().map(|r| r.value.as_str()))),
        key_vault_prefix_max: KEY_VAULT_PREFIX_MAX,
        kubernetes_version: literal(&kubernetes_minor(model).unwrap_or_default()),
        has_storage: !containers.is_empty(),
        containers,
        identities,
        secret_names,
        marks,
    };
    Ok(tracer.resolve(&render(TEMPLATE_BICEP_MAIN, &view, path)?))
}

/// What `tier.bicepparam.j2` renders: every name literal of one tier.
#[derive(Debug, Serialize)]
struct TierParamsView {
    tier_name: String,
    location_name: String,
    tier: String,
    resource_group: String,
    virtual_network: String,
    workspace: String,
    cluster: String,
    key_vault_prefix: String,
    /// Empty when no service uses storage (main.bicep then has no such parameter).
    storage_account: String,
    marks: TierMarks,
}

#[derive(Debug, Serialize)]
struct TierMarks {
    tier: String,
}

/// Render `infra/TIER.bicepparam`.
///
/// # Errors
/// A template error (a bug).
pub fn render_tier_params(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let mut tracer = Tracer::default();
    let project = &model.project.name.value;
    let origins = vec![Origin::new("project", model.project.name.span), origin::tier(tier)];
    let tier = tier.name.value.as_str();
    let marks = TierMarks { tier: tracer.mark(origins) };
    let view = TierParamsView {
        tier_name: tier.to_owned(),
        location_name: model.azure.as_ref().map(|a| a.location.value.clone()).unwrap_or_default(),
        tier: literal(tier),
        resource_group: literal(&names::resource_group(project, tier)),
        virtual_network: literal(&names::virtual_network(project, tier)),
        workspace: literal(&names::workspace(project, tier)),
        cluster: literal(&names::cluster(project, tier)),
        key_vault_prefix: literal(&names::key_vault_prefix(project, tier)),
        storage_account: if containers(model).is_empty() {
            String::new()
        } else {
            literal(&names::storage_account(project, tier))
        },
        marks,
    };
    Ok(tracer.resolve(&render(TEMPLATE_BICEP_TIER_PARAMS, &view, path)?))
}

/// `MAJOR.MINOR` of the toolchain's kubectl: the Kubernetes every cloud tier
/// runs, as Minikube does locally (AKS retires old patch releases, so only the
/// minor version is pinned and the cluster takes patches within it).
fn kubernetes_minor(model: &Model) -> Option<String> {
    let kubectl = model.toolchain.tools.iter().find(|t| t.name.value == "kubectl")?;
    let version = kubectl.version.value.trim_start_matches('v');
    let mut parts = version.split('.');
    Some(format!("{}.{}", parts.next()?, parts.next()?))
}
