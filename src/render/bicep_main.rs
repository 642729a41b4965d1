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
    array, containers, identifier, identity_origins, literal, location_origin, object_key, registry_origin,
    secret_origins, storage_origins, tier_origins,
};
use super::templates::{TEMPLATE_BICEP_MAIN, TEMPLATE_BICEP_SHARED, TEMPLATE_BICEP_TIER_PARAMS, render};
use super::trace::{Traced, Tracer};
use crate::model::aks_versions as aks;
use crate::model::azure::default_maintenance;
use crate::model::azure_lint::cluster_minor;
use crate::model::{Model, Service, Tier};
use crate::plan::workload::origin;
use crate::plan::{Origin, delivery, needs_identity};

/// What `main.bicep.j2` renders.
#[derive(Debug, Serialize)]
struct MainView {
    project_name: String,
    project: String,
    location_name: String,
    location: String,
    shared_group: String,
    registry: String,
    /// The AKS minor version (`azure kubernetes`, else the newest supported), as a literal.
    kubernetes_version: String,
    /// Where it comes from, for its parameter's description (no quote in it).
    kubernetes_description: String,
    has_storage: bool,
    /// The application routing add-on is on: its identity reads the vault's certificates.
    web_app_routing: bool,
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
    kubernetes: String,
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

impl IdentityView {
    /// The identity of the workload `name` (a DNS label), by the names the
    /// chart and the Bicep share.
    fn new(name: &str, reads_secrets: bool, containers: Vec<String>, mark: String) -> Self {
        IdentityView {
            symbol: format!("{}Identity", identifier(name)),
            key: object_key(name),
            service_name: name.to_owned(),
            deployment: literal(&names::identity_deployment(name)),
            name: literal(&names::identity(name)),
            credential: literal(&names::federated_credential(name)),
            reads_secrets: if reads_secrets { "true" } else { "false" },
            containers,
            mark,
        }
    }
}

fn identity_view(service: &Service, tracer: &mut Tracer) -> IdentityView {
    let name = &service.name.value;
    let mut origins = vec![Origin::of(format_args!("service {name}"), service.name.span)];
    origins.extend(
        service.secrets.iter().map(|p| Origin::of(format_args!("service {name}/secret {}", p.key.value), p.key.span)),
    );
    origins
        .extend(service.storage.iter().map(|s| Origin::of(format_args!("service {name}/storage {}", s.value), s.span)));
    origins.sort_by_key(|o| o.span.offset());
    let mut containers: Vec<String> = Vec::new();
    for container in service.storage.iter().map(|s| literal(&s.value)) {
        if !containers.contains(&container) {
            containers.push(container);
        }
    }
    IdentityView::new(name, !service.secrets.is_empty(), containers, tracer.mark(origins))
}

/// The identity of the `credentials` release (`deploy/argocd/TIER/credentials.yaml`),
/// which syncs the backing services' and Grafana's credentials from Key Vault.
fn credentials_identity(
    credentials: &[crate::plan::kubernetes::PlatformCredential],
    tracer: &mut Tracer,
) -> IdentityView {
    let mark = tracer.mark(credentials.iter().map(|c| c.origin.clone()).collect());
    IdentityView::new(crate::render::backing::CREDENTIALS_RELEASE, true, Vec::new(), mark)
}

/// Render `infra/main.bicep`.
///
/// # Errors
/// A template error (a bug).
pub(super) fn render_main(model: &Model, path: &str) -> Result<Traced, RenderError> {
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
        kubernetes: tracer.mark(kubernetes_origins(model)),
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
    let mut identities: Vec<IdentityView> =
        model.services.iter().filter(|s| needs_identity(s)).map(|s| identity_view(s, &mut tracer)).collect();
    let credentials = crate::plan::kubernetes::platform_credentials(model);
    if !credentials.is_empty() {
        identities.push(credentials_identity(&credentials, &mut tracer));
    }
    let mut secret_names: Vec<String> = Vec::new();
    let vault_objects = credentials
        .iter()
        .flat_map(|c| crate::providers::vault_objects(&c.owner).map(|(object, _)| object))
        .map(|object| literal(&object));
    for secret in model.services.iter().flat_map(|s| &s.secrets).map(|p| literal(&p.value.value)).chain(vault_objects) {
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
        kubernetes_version: literal(&cluster_minor(model).map(|m| format!("1.{m}")).unwrap_or_default()),
        kubernetes_description: kubernetes_description(model),
        has_storage: !containers.is_empty(),
        web_app_routing: crate::plan::exposure::exposed_on(model, crate::model::Cluster::Aks),
        containers,
        identities,
        secret_names,
        marks,
    };
    Ok(tracer.resolve(&render(TEMPLATE_BICEP_MAIN, &view, path)?))
}

/// What `shared.bicep.j2` renders: the resources every tier shares.
#[derive(Debug, Serialize)]
struct SharedView {
    project_name: String,
    project: String,
    location_name: String,
    location: String,
    shared_group: String,
    registry: String,
    /// Whether the spec has a `pipeline`: its identity is shared too.
    pipeline: bool,
    pipeline_identity: String,
    github_subject: String,
    /// The service connection's name, in a description (a validated name).
    service_connection: String,
    marks: SharedMarks,
}

/// Provenance markers of `shared.bicep.j2`.
#[derive(Debug, Serialize)]
struct SharedMarks {
    header: String,
    location: String,
    registry: String,
    pipeline: String,
}

/// The `pipeline` node, the repository and branch its GitHub subject names.
fn pipeline_origins(model: &Model) -> Vec<Origin> {
    let mut origins: Vec<Origin> = model.pipeline.iter().map(|p| Origin::new("pipeline", p.span)).collect();
    origins.extend(model.project.repo.iter().map(|r| Origin::new("project/repo", r.span)));
    origins.extend(model.project.branch.iter().map(|b| Origin::new("project/branch", b.span)));
    origins
}

/// Render `shared.bicep`: the shared resource group and the container
/// registry, deployed once before any tier (each tier's `main.bicep` refers
/// to them as existing resources and changes nothing about them).
///
/// # Errors
/// A template error (a bug).
pub(super) fn render_shared(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let mut tracer = Tracer::default();
    let project = &model.project.name.value;
    let location = model.azure.as_ref().map(|a| a.location.value.clone()).unwrap_or_default();
    let marks = SharedMarks {
        header: tracer.mark(vec![Origin::new("project", model.project.name.span)]),
        location: tracer.mark(location_origin(model)),
        registry: tracer.mark(registry_origin(model)),
        pipeline: tracer.mark(pipeline_origins(model)),
    };
    let view = SharedView {
        project_name: project.clone(),
        project: literal(project),
        location: literal(&location),
        location_name: location,
        shared_group: literal(&names::shared_resource_group(project)),
        registry: literal(&names::registry(project, model.project.registry.as_ref().map(|r| r.value.as_str()))),
        pipeline: model.pipeline.is_some(),
        pipeline_identity: literal(&names::pipeline_identity(project)),
        github_subject: literal(&delivery::github_subject(model).unwrap_or_default()),
        service_connection: model.pipeline.as_ref().map(|p| p.service_connection.value.clone()).unwrap_or_default(),
        marks,
    };
    Ok(tracer.resolve(&render(TEMPLATE_BICEP_SHARED, &view, path)?))
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
    key_vault: String,
    /// Empty when no service uses storage (main.bicep then has no such parameter).
    storage_account: String,
    /// Bicep array literals.
    cluster_admins: String,
    secret_operators: String,
    operator_ip_ranges: String,
    api_server_ip_ranges: String,
    /// Literals.
    maintenance_day: String,
    maintenance_start: String,
    maintenance_hours: u8,
    marks: TierMarks,
}

#[derive(Debug, Serialize)]
struct TierMarks {
    tier: String,
    access: String,
    maintenance: String,
}

/// Render `infra/TIER.bicepparam`.
///
/// # Errors
/// A template error (a bug).
pub(super) fn render_tier_params(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let mut tracer = Tracer::default();
    let project = &model.project.name.value;
    let origins = vec![Origin::new("project", model.project.name.span), origin::tier(tier)];
    let tier = tier.name.value.as_str();
    let settings = model.azure.as_ref().and_then(|a| a.tier(tier));
    let mut access = origins.clone();
    access.extend(settings.map(|t| Origin::of(format_args!("azure/tier {tier}"), t.span)));
    let marks =
        TierMarks { tier: tracer.mark(origins), access: tracer.mark(access.clone()), maintenance: tracer.mark(access) };
    let index = crate::plan::cloud_tiers(model).position(|t| t.name.value == tier).unwrap_or(0);
    let window = settings.and_then(|t| t.maintenance).unwrap_or_else(|| default_maintenance(index));
    let list = |pick: fn(&crate::model::AzureTier) -> &Vec<crate::spec::Spanned<String>>| {
        array(&settings.map(|t| pick(t).iter().map(|v| v.value.clone()).collect::<Vec<_>>()).unwrap_or_default())
    };
    let suffix = names::unique_suffix(model);
    let view = TierParamsView {
        tier_name: tier.to_owned(),
        location_name: model.azure.as_ref().map(|a| a.location.value.clone()).unwrap_or_default(),
        tier: literal(tier),
        resource_group: literal(&names::resource_group(project, tier)),
        virtual_network: literal(&names::virtual_network(project, tier)),
        workspace: literal(&names::workspace(project, tier)),
        cluster: literal(&names::cluster(project, tier)),
        key_vault: literal(&names::key_vault(project, tier, &suffix)),
        storage_account: if containers(model).is_empty() {
            String::new()
        } else {
            literal(&names::storage_account(project, tier, &suffix))
        },
        cluster_admins: list(|t| &t.cluster_admins),
        secret_operators: list(|t| &t.secret_operators),
        operator_ip_ranges: list(|t| &t.operator_ip_ranges),
        api_server_ip_ranges: list(|t| &t.api_server_ip_ranges),
        maintenance_day: literal(window.day.as_str()),
        maintenance_start: literal(&format!("{:02}:00", window.hour)),
        maintenance_hours: window.hours,
        marks,
    };
    Ok(tracer.resolve(&render(TEMPLATE_BICEP_TIER_PARAMS, &view, path)?))
}

/// `azure/kubernetes`, or `azure` when the version is the default.
fn kubernetes_origins(model: &Model) -> Vec<Origin> {
    let Some(azure) = &model.azure else { return Vec::new() };
    vec![match &azure.kubernetes {
        Some(version) => Origin::new("azure/kubernetes", version.span),
        None => Origin::new("azure", azure.span),
    }]
}

/// The description of `kubernetesVersion`: where the version comes from.
fn kubernetes_description(model: &Model) -> String {
    let read = aks::show(aks::TABLE_READ);
    match model.azure.as_ref().and_then(|a| a.kubernetes.as_ref()) {
        Some(_) => format!(
            "The Kubernetes minor version of every cloud tier (azure kubernetes), supported by AKS per its release calendar read on {read}; AKS applies the patches."
        ),
        None => format!(
            "The Kubernetes minor version of every cloud tier: the newest AKS supports per its release calendar read on {read} (azure kubernetes sets another); AKS applies the patches."
        ),
    }
}
