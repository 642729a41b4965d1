//! The Azure infrastructure family, under `infra/`.
//!
//! - `main.bicep` and its modules describe one cloud tier; they exist when
//!   the spec has an `azure` node and at least one `cluster aks` tier. Each
//!   such tier gets `TIER.bicepparam`; Minikube tiers get nothing (the
//!   storage emulator stands in for Azure there).
//! - `lab.bicep`, its module and `lab.bicepparam` exist when `azure` lists
//!   `lab-regions`. When the project's `repo` is on GitHub or Azure Repos,
//!   the labs read the artifact that prepares each VM (data disk, clone)
//!   from that repository, and inception writes the artifact too.

use serde::Serialize;

use super::workload::origin;
use super::{Artifact, Kind, Origin};
use crate::model::{Cluster, Model, Service, Tier};

/// The artifact source type DevTest Labs reads a repository as: GitHub or
/// Azure Repos. `None`: a host DevTest Labs cannot read artifacts from.
pub(crate) fn repository_source_type(url: &str) -> Option<&'static str> {
    let host = url.split("://").nth(1)?.split('/').next()?.rsplit('@').next()?;
    match host {
        "github.com" => Some("GitHub"),
        "dev.azure.com" => Some("VsoGit"),
        _ if host.ends_with(".visualstudio.com") => Some("VsoGit"),
        _ => None,
    }
}

/// The project's repository when DevTest Labs can read artifacts from it.
pub(crate) fn lab_repository(model: &Model) -> Option<&str> {
    let repo = model.project.repo.as_ref()?;
    repository_source_type(&repo.value).map(|_| repo.value.as_str())
}

/// A Bicep module under `infra/modules/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BicepModule {
    /// The tier's virtual network.
    Network,
    /// The Log Analytics workspace.
    Monitoring,
    /// The AKS cluster.
    Cluster,
    /// The container registry every tier pulls from.
    Registry,
    /// AcrPull for a cluster's kubelet identity.
    RegistryPull,
    /// The Key Vault.
    KeyVault,
    /// The storage account and its blob containers.
    Storage,
    /// A service's user-assigned identity, federated credential and roles.
    WorkloadIdentity,
    /// One region's DevTest Lab.
    Lab,
    /// The pipelines' identity: federated credentials for GitHub Actions and
    /// Azure DevOps, AcrPush on the registry (called by `shared.bicep`).
    PipelineIdentity,
}

impl BicepModule {
    /// The modules of `main.bicep`, in the order it calls them.
    pub const MAIN: [BicepModule; 8] = [
        BicepModule::Network,
        BicepModule::Monitoring,
        BicepModule::Registry,
        BicepModule::Cluster,
        BicepModule::RegistryPull,
        BicepModule::KeyVault,
        BicepModule::Storage,
        BicepModule::WorkloadIdentity,
    ];

    /// The file name stem: `infra/modules/STEM.bicep`.
    pub fn stem(self) -> &'static str {
        match self {
            BicepModule::Network => "network",
            BicepModule::Monitoring => "monitoring",
            BicepModule::Cluster => "cluster",
            BicepModule::Registry => "registry",
            BicepModule::RegistryPull => "registry-pull",
            BicepModule::KeyVault => "key-vault",
            BicepModule::Storage => "storage",
            BicepModule::WorkloadIdentity => "workload-identity",
            BicepModule::Lab => "lab",
            BicepModule::PipelineIdentity => "pipeline-identity",
        }
    }
}

/// The tiers that run on AKS, in promotion order.
pub(crate) fn cloud_tiers(model: &Model) -> impl Iterator<Item = &Tier> {
    model.tiers.iter().filter(|t| t.cluster.value == Cluster::Aks)
}

/// Whether `main.bicep` is written: an `azure` node and a cloud tier.
pub(crate) fn has_main(model: &Model) -> bool {
    model.azure.is_some() && cloud_tiers(model).next().is_some()
}

/// Whether `lab.bicep` is written: `azure` lists lab regions.
pub(crate) fn has_labs(model: &Model) -> bool {
    model.azure.as_ref().is_some_and(|a| !a.lab_regions.is_empty())
}

/// Whether a service gets a workload identity: it reads a secret or a container.
pub(crate) fn needs_identity(service: &Service) -> bool {
    !service.secrets.is_empty() || !service.storage.is_empty()
}

/// The `secret` nodes of a service.
fn secret_origins(service: &Service) -> impl Iterator<Item = Origin> + '_ {
    let name = &service.name.value;
    service.secrets.iter().map(move |p| Origin::of(format_args!("service {name}/secret {}", p.key.value), p.key.span))
}

/// The `storage` nodes of a service.
fn storage_origins(service: &Service) -> impl Iterator<Item = Origin> + '_ {
    let name = &service.name.value;
    service.storage.iter().map(move |s| Origin::of(format_args!("service {name}/storage {}", s.value), s.span))
}

/// The service, its secret and its storage nodes.
fn access_origins(service: &Service) -> Vec<Origin> {
    let mut origins = vec![Origin::of(format_args!("service {}", service.name.value), service.name.span)];
    origins.extend(secret_origins(service));
    origins.extend(storage_origins(service));
    origins
}

/// Add the infrastructure artifacts.
pub(super) fn plan(model: &Model, artifacts: &mut Vec<Artifact>) {
    let Some(azure) = &model.azure else { return };
    let project = Origin::new("project", model.project.name.span);
    let location = Origin::new("azure/location", azure.location.span);
    if has_main(model) {
        let registry = match &model.project.registry {
            Some(registry) => Origin::new("project/registry", registry.span),
            None => project.clone(),
        };
        let tiers: Vec<Origin> =
            cloud_tiers(model).map(|t| Origin::of(format_args!("tier {}", t.name.value), t.cluster.span)).collect();
        let mut access: Vec<Origin> =
            model.services.iter().filter(|s| needs_identity(s)).flat_map(access_origins).collect();
        // The `credentials` release has a workload identity too (main.bicep
        // calls the module for it), even when no service reads Key Vault.
        access.extend(super::kubernetes::platform_credentials(model).into_iter().map(|c| c.origin));
        let storage: Vec<Origin> = model.services.iter().flat_map(storage_origins).collect();
        let mut main = vec![project.clone(), registry.clone(), location.clone()];
        main.extend(azure.kubernetes.iter().map(|k| Origin::new("azure/kubernetes", k.span)));
        main.extend(tiers.iter().cloned());
        main.extend(access.iter().cloned());
        artifacts.push(Artifact::new(model, Kind::BicepMain, main));
        let mut shared = vec![project.clone(), registry.clone(), location.clone()];
        shared.extend(model.pipeline.as_ref().map(|p| Origin::new("pipeline", p.span)));
        artifacts.push(Artifact::new(model, Kind::BicepShared, shared));
        let cloud = [tiers.clone(), vec![location.clone()]].concat();
        let secrets: Vec<Origin> = model.services.iter().flat_map(secret_origins).collect();
        let azure_tiers: Vec<Origin> =
            azure.tiers.iter().map(|t| Origin::of(format_args!("azure/tier {}", t.name.value), t.span)).collect();
        for module in BicepModule::MAIN {
            let sources = match module {
                BicepModule::Registry | BicepModule::RegistryPull => vec![registry.clone()],
                BicepModule::Storage if storage.is_empty() => continue,
                BicepModule::Storage => storage.clone(),
                BicepModule::WorkloadIdentity if access.is_empty() => continue,
                BicepModule::WorkloadIdentity => access.clone(),
                BicepModule::KeyVault => [cloud.clone(), secrets.clone(), azure_tiers.clone()].concat(),
                BicepModule::Cluster => [cloud.clone(), azure_tiers.clone()].concat(),
                _ => cloud.clone(),
            };
            artifacts.push(Artifact::new(model, Kind::BicepModule { module }, sources));
        }
        if let Some(pipeline) = &model.pipeline {
            let mut sources = vec![Origin::new("pipeline", pipeline.span), registry.clone()];
            sources.extend(model.project.repo.as_ref().map(|r| Origin::new("project/repo", r.span)));
            sources.extend(model.project.branch.as_ref().map(|b| Origin::new("project/branch", b.span)));
            artifacts.push(Artifact::new(model, Kind::BicepModule { module: BicepModule::PipelineIdentity }, sources));
        }
        for (at, tier) in model.tier_refs().filter(|(_, t)| t.cluster.value == Cluster::Aks) {
            let name = &tier.name.value;
            let mut sources =
                vec![project.clone(), Origin::of(format_args!("tier {name}"), tier.span), location.clone()];
            sources.extend(azure.tier(name).map(|t| Origin::of(format_args!("azure/tier {name}"), t.span)));
            artifacts.push(Artifact::new(model, Kind::BicepParams { tier: at }, sources));
        }
    }
    if has_labs(model) {
        let regions: Vec<Origin> = azure
            .lab_regions
            .iter()
            .map(|r| Origin::of(format_args!("azure/lab-regions {}", r.value), r.span))
            .collect();
        let lab_vm = azure.lab_vm.as_ref().map(|vm| Origin::new("azure/lab-vm", vm.size.span));
        let repo = model
            .project
            .repo
            .as_ref()
            .filter(|_| lab_repository(model).is_some())
            .map(|r| Origin::new("project/repo", r.span));
        let user = origin::user(&model.toolchain);
        let users: Vec<Origin> =
            azure.lab_users.first().map(|g| Origin::new("azure/lab-users", g.span)).into_iter().collect();
        let mut lab = vec![project.clone(), location.clone()];
        lab.extend(users.iter().cloned());
        lab.extend(repo.iter().cloned());
        lab.extend(regions.iter().cloned());
        artifacts.push(Artifact::new(model, Kind::BicepLab, lab.clone()));
        let mut module = vec![user.clone()];
        module.extend(users.iter().cloned());
        module.extend(lab_vm.iter().cloned());
        module.extend(repo.iter().cloned());
        module.extend(regions.iter().cloned());
        artifacts.push(Artifact::new(model, Kind::BicepModule { module: BicepModule::Lab }, module));
        let mut params = vec![project, location];
        params.extend(users.iter().cloned());
        params.extend(repo.iter().cloned());
        params.push(user);
        params.extend(regions);
        params.extend(lab_vm);
        artifacts.push(Artifact::new(model, Kind::BicepLabParams, params));
        if let Some(repo) = repo {
            artifacts.push(Artifact::new(model, Kind::LabArtifact, vec![repo.clone()]));
            artifacts.push(Artifact::new(model, Kind::LabArtifactScript, vec![repo]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labs_read_artifacts_from_github_and_azure_repos_only() {
        assert_eq!(repository_source_type("https://github.com/cloudwall/serenity.git"), Some("GitHub"));
        assert_eq!(repository_source_type("https://org@dev.azure.com/org/p/_git/p"), Some("VsoGit"));
        assert_eq!(repository_source_type("https://org.visualstudio.com/p/_git/p"), Some("VsoGit"));
        assert_eq!(repository_source_type("https://gitlab.com/hello/hello.git"), None);
        assert_eq!(
            repository_source_type("git@github.com:cloudwall/serenity.git"),
            None,
            "DevTest Labs clones over https"
        );
    }
}
