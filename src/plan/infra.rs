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

use super::{Artifact, Kind, Origin};
use crate::model::{Cluster, Model, Service, Tier};

/// The folder of the DevTest Labs artifact that mounts the VM's data disk
/// and clones the project's repository, relative to the spec (and so, as
/// `lab.bicep` assumes, to the repository root).
pub const LAB_ARTIFACT: &str = "infra/lab-artifacts/prepare-workspace";

/// The artifact source type DevTest Labs reads a repository as: GitHub or
/// Azure Repos. `None`: a host DevTest Labs cannot read artifacts from.
pub fn repository_source_type(url: &str) -> Option<&'static str> {
    let host = url.split("://").nth(1)?.split('/').next()?.rsplit('@').next()?;
    match host {
        "github.com" => Some("GitHub"),
        "dev.azure.com" => Some("VsoGit"),
        _ if host.ends_with(".visualstudio.com") => Some("VsoGit"),
        _ => None,
    }
}

/// The project's repository when DevTest Labs can read artifacts from it.
pub fn lab_repository(model: &Model) -> Option<&str> {
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
        }
    }

    /// The module's path relative to the spec.
    pub fn path(self) -> String {
        format!("infra/modules/{}.bicep", self.stem())
    }
}

/// The tiers that run on AKS, in promotion order.
pub fn cloud_tiers(model: &Model) -> impl Iterator<Item = &Tier> {
    model.tiers.iter().filter(|t| t.cluster.value == Cluster::Aks)
}

/// Whether `main.bicep` is written: an `azure` node and a cloud tier.
pub fn has_main(model: &Model) -> bool {
    model.azure.is_some() && cloud_tiers(model).next().is_some()
}

/// Whether `lab.bicep` is written: `azure` lists lab regions.
pub fn has_labs(model: &Model) -> bool {
    model.azure.as_ref().is_some_and(|a| !a.lab_regions.is_empty())
}

/// Whether a service gets a workload identity: it reads a secret or a container.
pub fn needs_identity(service: &Service) -> bool {
    !service.secrets.is_empty() || !service.storage.is_empty()
}

/// The secret and storage nodes of a service.
fn access_origins(service: &Service) -> Vec<Origin> {
    let name = &service.name.value;
    let mut origins = vec![Origin::new(format!("service {name}"), service.name.span)];
    origins.extend(
        service.secrets.iter().map(|p| Origin::new(format!("service {name}/secret {}", p.key.value), p.key.span)),
    );
    origins.extend(service.storage.iter().map(|s| Origin::new(format!("service {name}/storage {}", s.value), s.span)));
    origins
}

/// Add the infrastructure artifacts.
pub fn plan(model: &Model, artifacts: &mut Vec<Artifact>) {
    let Some(azure) = &model.azure else { return };
    let project = Origin::new("project", model.project.name.span);
    let location = Origin::new("azure/location", azure.location.span);
    if has_main(model) {
        let registry = match &model.project.registry {
            Some(registry) => Origin::new("project/registry", registry.span),
            None => project.clone(),
        };
        let tiers: Vec<Origin> =
            cloud_tiers(model).map(|t| Origin::new(format!("tier {}", t.name.value), t.cluster.span)).collect();
        let access: Vec<Origin> =
            model.services.iter().filter(|s| needs_identity(s)).flat_map(access_origins).collect();
        let storage: Vec<Origin> = access.iter().filter(|o| o.node.contains("/storage ")).cloned().collect();
        let mut main = vec![project.clone(), registry.clone(), location.clone()];
        main.extend(azure.kubernetes.iter().map(|k| Origin::new("azure/kubernetes", k.span)));
        main.extend(tiers.iter().cloned());
        main.extend(access.iter().cloned());
        artifacts.push(Artifact { path: "infra/main.bicep".to_owned(), kind: Kind::BicepMain, sources: main });
        let cloud = [tiers.clone(), vec![location.clone()]].concat();
        let secrets: Vec<Origin> = access.iter().filter(|o| o.node.contains("/secret ")).cloned().collect();
        let azure_tiers: Vec<Origin> =
            azure.tiers.iter().map(|t| Origin::new(format!("azure/tier {}", t.name.value), t.span)).collect();
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
            artifacts.push(Artifact { path: module.path(), kind: Kind::BicepModule { module }, sources });
        }
        for tier in cloud_tiers(model) {
            let name = &tier.name.value;
            let mut sources = vec![project.clone(), Origin::new(format!("tier {name}"), tier.span), location.clone()];
            sources.extend(azure.tier(name).map(|t| Origin::new(format!("azure/tier {name}"), t.span)));
            artifacts.push(Artifact {
                path: format!("infra/{name}.bicepparam"),
                kind: Kind::BicepParams { tier: name.clone() },
                sources,
            });
        }
    }
    if has_labs(model) {
        let regions: Vec<Origin> =
            azure.lab_regions.iter().map(|r| Origin::new(format!("azure/lab-regions {}", r.value), r.span)).collect();
        let lab_vm = azure.lab_vm.as_ref().map(|vm| Origin::new("azure/lab-vm", vm.size.span));
        let repo = model
            .project
            .repo
            .as_ref()
            .filter(|_| lab_repository(model).is_some())
            .map(|r| Origin::new("project/repo", r.span));
        let user = Origin::new("toolchain/user", model.toolchain.user.span);
        let users: Vec<Origin> =
            azure.lab_users.first().map(|g| Origin::new("azure/lab-users", g.span)).into_iter().collect();
        let mut lab = vec![project.clone(), location.clone()];
        lab.extend(users.iter().cloned());
        lab.extend(repo.iter().cloned());
        lab.extend(regions.iter().cloned());
        artifacts.push(Artifact { path: "infra/lab.bicep".to_owned(), kind: Kind::BicepLab, sources: lab.clone() });
        let mut module = vec![user.clone()];
        module.extend(users.iter().cloned());
        module.extend(lab_vm.iter().cloned());
        module.extend(repo.iter().cloned());
        module.extend(regions.iter().cloned());
        artifacts.push(Artifact {
            path: BicepModule::Lab.path(),
            kind: Kind::BicepModule { module: BicepModule::Lab },
            sources: module,
        });
        let mut params = vec![project, location];
        params.extend(users.iter().cloned());
        params.extend(repo.iter().cloned());
        params.push(user);
        params.extend(regions);
        params.extend(lab_vm);
        artifacts.push(Artifact {
            path: "infra/lab.bicepparam".to_owned(),
            kind: Kind::BicepLabParams,
            sources: params,
        });
        if let Some(repo) = repo {
            artifacts.push(Artifact {
                path: format!("{LAB_ARTIFACT}/Artifactfile.json"),
                kind: Kind::LabArtifact,
                sources: vec![repo.clone()],
            });
            artifacts.push(Artifact {
                path: format!("{LAB_ARTIFACT}/prepare-workspace.sh"),
                kind: Kind::LabArtifactScript,
                sources: vec![repo],
            });
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

    #[test]
    fn infrastructure_kinds_serialize_with_their_fields() {
        let module = serde_json::to_value(Kind::BicepModule { module: BicepModule::KeyVault }).expect("serializes");
        assert_eq!(module, serde_json::json!({ "kind": "bicep-module", "module": "key-vault" }));
        let params = serde_json::to_value(Kind::BicepParams { tier: "dev".to_owned() }).expect("serializes");
        assert_eq!(params, serde_json::json!({ "kind": "bicep-params", "tier": "dev" }));
    }
}
