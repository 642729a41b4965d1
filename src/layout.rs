//! The output layout: where every generated file goes, relative to the
//! output root, with `/` separators. The one place output paths are spelled.
//!
//! The plan asks it for each artifact's path; renderers ask it for paths
//! they write into files (an Application's value files, the app of apps'
//! folder); the model asks it which names would collide with the files of a
//! tier's folder. Nothing parses a path back into meaning: what a file is
//! about is its [`Kind`].

use crate::model::Model;
use crate::plan::Kind;

/// The lock, beside the spec.
pub(crate) const LOCK: &str = "inception.lock";

/// The dev container's image.
pub(crate) const DOCKERFILE: &str = ".devcontainer/Dockerfile";

/// The dev container's definition.
pub(crate) const DEVCONTAINER_JSON: &str = ".devcontainer/devcontainer.json";

/// The dev container's compose file (when the toolchain mounts host folders).
pub(crate) const COMPOSE: &str = ".devcontainer/docker-compose.yml";

/// VS Code's attach configurations.
pub(crate) const LAUNCH_JSON: &str = ".vscode/launch.json";

/// The GitHub Actions workflows' folder (at the repository root).
const WORKFLOWS_DIR: &str = ".github/workflows";

/// The Azure DevOps pipeline (at the repository root).
pub(crate) const AZURE_PIPELINE: &str = "azure-pipelines.yml";

/// The Azure DevOps pipeline's step templates' folder.
const AZURE_TEMPLATES_DIR: &str = ".azure-pipelines";

/// `.azure-pipelines/STEM.yml`: a step template, as the pipeline names it.
pub(crate) fn azure_template(stem: &str) -> String {
    format!("{AZURE_TEMPLATES_DIR}/{stem}.yml")
}

/// The generic Helm chart's folder.
pub(crate) const CHART_DIR: &str = "deploy/charts/service";

/// The services' values files' folder.
const VALUES_DIR: &str = "deploy/values";

/// The Argo CD folder: one folder per tier, plus the cluster configuration.
const ARGOCD_DIR: &str = "deploy/argocd";

/// Argo CD's own chart values, read by the bootstrap's `helm install`.
pub(crate) const ARGOCD_VALUES: &str = "deploy/bootstrap/argocd-values.yaml";

/// The bootstrap folder: per tier a script, and the local git server's values.
const BOOTSTRAP_DIR: &str = "deploy/bootstrap";

/// The local git server's values.
pub(crate) const LOCAL_GIT_SERVER: &str = "deploy/bootstrap/local-git-server.yaml";

/// The provider catalog resolved for the spec.
pub(crate) const WIRING: &str = "deploy/wiring.json";

/// The folder of the resources inception renders for backing services.
const BACKING_DIR: &str = "deploy/backing";

/// The folder of the tiers' NetworkPolicies: one folder per tier.
const NETWORK_DIR: &str = "deploy/network";

/// The stem of a tier's NetworkPolicies' Application.
pub(crate) const NETWORK_APP: &str = "network-policy";

/// `deploy/network/TIER`: a tier's NetworkPolicies, every file of which its
/// Application syncs (a directory source).
pub(crate) fn network_dir(tier: &str) -> String {
    format!("{NETWORK_DIR}/{tier}")
}

/// `deploy/network/TIER/tier.yaml`: the tier's NetworkPolicies but the
/// services' own (no `service-` prefix: no service's file takes its name).
pub(crate) fn network_policies(tier: &str) -> String {
    format!("{}/tier.yaml", network_dir(tier))
}

/// `deploy/network/TIER/service-SERVICE.yaml`: a `build`/`image` service's own NetworkPolicy.
pub(crate) fn service_network_policy(tier: &str, service: &str) -> String {
    format!("{}/service-{service}.yaml", network_dir(tier))
}

/// The stem of a tier's Argo CD Application (Argo CD managing itself).
pub(crate) const ARGOCD_APP: &str = "argocd";

/// The stem of a tier's bootstrap AppProject.
pub(crate) const PROJECT_BOOTSTRAP_APP: &str = "project-bootstrap";

/// The stem of a cloud tier's credentials Application (and its release).
pub(crate) const CREDENTIALS_APP: &str = "credentials";

/// The release of the local git server, in Argo CD's namespace.
pub(crate) const LOCAL_GIT_RELEASE: &str = "inception-git";

/// The prefix of the operators' Applications' stems.
pub(crate) const OPERATOR_PREFIX: &str = "operator-";

/// `deploy/bootstrap/TIER.sh`.
pub(crate) fn bootstrap_script(tier: &str) -> String {
    format!("{BOOTSTRAP_DIR}/{tier}.sh")
}

/// `deploy/backing/SERVICE`: the folder of a backing service's resources (a directory Application's path).
pub(crate) fn backing_dir(service: &str) -> String {
    format!("{BACKING_DIR}/{service}")
}

/// `deploy/backing/SERVICE/TIER.yaml`.
pub(crate) fn backing_manifests(service: &str, tier: &str) -> String {
    format!("{}/{tier}.yaml", backing_dir(service))
}

/// The folder of `deploy/argocd/` that holds the Helm repositories, beside
/// the tiers' folders (so no tier may take its name).
pub(crate) const REPOSITORIES: &str = "repositories";

/// The stem of a tier's AppProject file.
pub(crate) const PROJECT_APP: &str = "project";

/// The stem of a tier's app of apps.
pub(crate) const ROOT_APP: &str = "root";

/// The stem of a tier's storage emulator Application.
pub(crate) const AZURITE_APP: &str = "azurite";

/// The prefix of the observability Applications' stems.
pub(crate) const OBSERVABILITY_PREFIX: &str = "observability-";

/// The Azure deployment of one cloud tier.
pub(crate) const MAIN_BICEP: &str = "infra/main.bicep";

/// The DevTest Labs deployment.
pub(crate) const LAB_BICEP: &str = "infra/lab.bicep";

/// What every cloud tier shares, deployed once: the container registry.
pub(crate) const SHARED_BICEP: &str = "infra/shared.bicep";

/// Its parameters.
pub(crate) const LAB_PARAMS: &str = "infra/lab.bicepparam";

/// The folder of the DevTest Labs artifact that prepares a lab VM, relative
/// to the spec (and so, as `lab.bicep` assumes, to the repository root).
pub(crate) const LAB_ARTIFACT_DIR: &str = "infra/lab-artifacts/prepare-workspace";

/// The artifact's definition, in its folder.
const LAB_ARTIFACT_FILE: &str = "Artifactfile.json";

/// The artifact's script, in its folder.
pub(crate) const LAB_ARTIFACT_SCRIPT: &str = "prepare-workspace.sh";

/// `infra/modules/STEM.bicep`.
pub(crate) fn bicep_module(stem: &str) -> String {
    format!("infra/modules/{stem}.bicep")
}

/// `infra/TIER.bicepparam`: `main.bicep`'s parameters for one cloud tier.
pub(crate) fn tier_params(tier: &str) -> String {
    format!("infra/{tier}.bicepparam")
}

/// A file of the generic chart, by its path inside the chart.
pub(crate) fn chart_file(file: &str) -> String {
    format!("{CHART_DIR}/{file}")
}

/// `deploy/values/SERVICE/values.yaml` (no tier) or `values-TIER.yaml`.
pub(crate) fn values_file(service: &str, tier: Option<&str>) -> String {
    match tier {
        None => format!("{VALUES_DIR}/{service}/values.yaml"),
        Some(tier) => format!("{VALUES_DIR}/{service}/values-{tier}.yaml"),
    }
}

/// `deploy/values/SERVICE/azure-TIER.yaml`: what the tier's Azure deployment
/// outputs for a service, kept by the operator. inception never writes it.
pub(crate) fn azure_values_file(service: &str, tier: &str) -> String {
    format!("{VALUES_DIR}/{service}/azure-{tier}.yaml")
}

/// `deploy/argocd/TIER`: a tier's Argo CD folder.
pub(crate) fn argocd_tier_dir(tier: &str) -> String {
    format!("{ARGOCD_DIR}/{tier}")
}

/// The file name of a tier folder's Application `stem`.
pub(crate) fn app_file(stem: &str) -> String {
    format!("{stem}.yaml")
}

/// `deploy/argocd/TIER/STEM.yaml`: one of a tier's Applications.
pub(crate) fn argocd_app(tier: &str, stem: &str) -> String {
    format!("{}/{}", argocd_tier_dir(tier), app_file(stem))
}

/// `deploy/argocd/repositories/NAME.yaml`.
pub(crate) fn argocd_repository(name: &str) -> String {
    format!("{ARGOCD_DIR}/{REPOSITORIES}/{name}.yaml")
}

/// `deploy/argocd/repositories`: the Helm repositories' folder.
pub(crate) fn argocd_repositories_dir() -> String {
    format!("{ARGOCD_DIR}/{REPOSITORIES}")
}

/// A path as the generic chart's folder sees it (Helm reads `valueFiles`
/// relative to the chart): `deploy/values/x` → `../../values/x`.
pub(crate) fn from_chart(path: &str) -> String {
    let chart: Vec<&str> = CHART_DIR.split('/').collect();
    let target: Vec<&str> = path.split('/').collect();
    let common = chart.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut relative: Vec<&str> = vec![".."; chart.len() - common];
    relative.extend(&target[common..]);
    relative.join("/")
}

/// The path of the artifact `kind` of `model`.
pub(crate) fn path(kind: &Kind, model: &Model) -> String {
    spell(kind, model, None)
}

/// The path of a tier's artifact with the tier spelled `{tier}`, so the
/// same file of two tiers has one name; `None` for a file of no tier.
pub(crate) fn tier_pattern(kind: &Kind, model: &Model) -> Option<String> {
    kind.tier().map(|_| spell(kind, model, Some("{tier}")))
}

/// The path of `kind`, with its tier's name replaced by `tier_as` if given.
fn spell(kind: &Kind, model: &Model, tier_as: Option<&str>) -> String {
    let tier = |t| tier_as.unwrap_or(model.tier_at(t).name.value.as_str());
    let service = |s| model.service_at(s).name.value.as_str();
    match kind {
        Kind::Dockerfile => DOCKERFILE.to_owned(),
        Kind::DevcontainerJson => DEVCONTAINER_JSON.to_owned(),
        Kind::Compose => COMPOSE.to_owned(),
        Kind::BicepMain => MAIN_BICEP.to_owned(),
        Kind::BicepModule { module } => bicep_module(module.stem()),
        Kind::BicepParams { tier: t } => tier_params(tier(*t)),
        Kind::BicepLab => LAB_BICEP.to_owned(),
        Kind::BicepShared => SHARED_BICEP.to_owned(),
        Kind::BicepLabParams => LAB_PARAMS.to_owned(),
        Kind::LabArtifact => format!("{LAB_ARTIFACT_DIR}/{LAB_ARTIFACT_FILE}"),
        Kind::LabArtifactScript => format!("{LAB_ARTIFACT_DIR}/{LAB_ARTIFACT_SCRIPT}"),
        Kind::HelmChart { file } => chart_file(file),
        Kind::HelmValues { service: s, tier: t } => values_file(service(*s), t.map(tier)),
        Kind::ArgoApplication { tier: t, service: s } => argocd_app(tier(*t), service(*s)),
        Kind::ArgoObservability { tier: t, component } => {
            argocd_app(tier(*t), &format!("{OBSERVABILITY_PREFIX}{}", component.as_str()))
        }
        Kind::ArgoAzurite { tier: t } => argocd_app(tier(*t), AZURITE_APP),
        Kind::ArgoProject { tier: t } => argocd_app(tier(*t), PROJECT_APP),
        Kind::ArgoRoot { tier: t } => argocd_app(tier(*t), ROOT_APP),
        Kind::ArgoRepository { url } => argocd_repository(&repository_name(url)),
        Kind::ArgoCdValues => ARGOCD_VALUES.to_owned(),
        Kind::ArgoCdInstall { tier: t } => argocd_app(tier(*t), ARGOCD_APP),
        Kind::ArgoOperator { tier: t, operator } => argocd_app(tier(*t), &format!("{OPERATOR_PREFIX}{operator}")),
        Kind::ArgoCredentials { tier: t } => argocd_app(tier(*t), CREDENTIALS_APP),
        Kind::ArgoBootstrapProject { tier: t } => argocd_app(tier(*t), PROJECT_BOOTSTRAP_APP),
        Kind::BackingManifests { tier: t, service: s } => backing_manifests(service(*s), tier(*t)),
        Kind::NetworkPolicies { tier: t } => network_policies(tier(*t)),
        Kind::ServiceNetworkPolicy { tier: t, service: s } => service_network_policy(tier(*t), service(*s)),
        Kind::ArgoNetwork { tier: t } => argocd_app(tier(*t), NETWORK_APP),
        Kind::Bootstrap { tier: t } => bootstrap_script(tier(*t)),
        Kind::LocalGitServer => LOCAL_GIT_SERVER.to_owned(),
        Kind::Wiring => WIRING.to_owned(),
        Kind::LaunchJson => LAUNCH_JSON.to_owned(),
        Kind::GithubWorkflow { workflow } => format!("{WORKFLOWS_DIR}/{}.yml", workflow.stem()),
        Kind::AzurePipeline => AZURE_PIPELINE.to_owned(),
        Kind::AzurePipelineTemplate { template } => azure_template(template.stem()),
    }
}

/// A file name for an OCI repository: its URL as a DNS label
/// (`registry-1.docker.io/bitnamicharts` → `registry-1-docker-io-bitnamicharts`).
pub(crate) fn repository_name(url: &str) -> String {
    crate::model::grammar::slug(url, REPOSITORY_NAME_MAX)
}

/// The longest repository file name (a Kubernetes name).
const REPOSITORY_NAME_MAX: usize = 63;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_files_are_relative_to_the_chart() {
        assert_eq!(from_chart(&values_file("api", Some("prod"))), "../../values/api/values-prod.yaml");
        assert_eq!(from_chart(&azure_values_file("api", "prod")), "../../values/api/azure-prod.yaml");
    }

    #[test]
    fn repository_names_are_dns_labels() {
        assert_eq!(repository_name("registry-1.docker.io/bitnamicharts"), "registry-1-docker-io-bitnamicharts");
    }
}
