//! The CI pipelines family: GitHub Actions workflows under
//! `.github/workflows/` and the Azure DevOps pipeline `azure-pipelines.yml`
//! with its templates under `.azure-pipelines/`, planned when the spec has a
//! `pipeline` node. They assume the spec sits at the repository root (where
//! both CI systems look for their files).
//!
//! What both pipelines do, decided once here:
//!
//! - Pull request: `inception check`, `inception lint --strict`, and every
//!   image built without pushing.
//! - Main: every `build` service's image and the dev container image built
//!   once and pushed to the ACR as `REPOSITORY:COMMIT`; the services' digests
//!   recorded with `inception release FIRST-CLOUD-TIER` on a branch
//!   `inception/release-TIER-COMMIT`, and a pull request opened for it. A
//!   commit whose message carries [`RELEASE_TITLE`] (the merged release) is
//!   not built again.

use super::{Artifact, Kind, Origin};
use crate::model::{Cluster, Model, Source, Tier, env_prefix};
use crate::plan::workload::{self, origin};

/// The title every release commit and pull request starts with; main skips
/// publishing for a commit whose message contains it.
pub(crate) const RELEASE_TITLE: &str = "inception: release";

/// The branch prefix of release pull requests.
pub(crate) const RELEASE_BRANCH: &str = "inception/release-";

/// The GitHub Actions workflows, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workflow {
    /// `inception-pull-request.yml`: check, lint, build without push.
    PullRequest,
    /// `inception-main.yml`: build, push, open the release pull request.
    Main,
    /// `inception-release-pr.yml`: opens the pull request for a release
    /// branch another CI (Azure DevOps) pushed.
    ReleasePullRequest,
}

impl Workflow {
    /// Every workflow.
    pub const ALL: [Workflow; 3] = [Workflow::PullRequest, Workflow::Main, Workflow::ReleasePullRequest];

    /// Its file name's stem (`crate::layout` places it).
    pub(crate) fn stem(self) -> &'static str {
        match self {
            Workflow::PullRequest => "inception-pull-request",
            Workflow::Main => "inception-main",
            Workflow::ReleasePullRequest => "inception-release-pr",
        }
    }
}

/// The Azure DevOps step templates under `.azure-pipelines/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PipelineTemplate {
    /// `install-inception.yml`: cargo install at the pinned commit.
    InstallInception,
    /// `build-image.yml`: one image, built and optionally pushed, its digest
    /// exported as a pipeline variable.
    BuildImage,
}

impl PipelineTemplate {
    /// Every template.
    pub const ALL: [PipelineTemplate; 2] = [PipelineTemplate::InstallInception, PipelineTemplate::BuildImage];

    /// Its file name's stem (`crate::layout` places it).
    pub(crate) fn stem(self) -> &'static str {
        match self {
            PipelineTemplate::InstallInception => "install-inception",
            PipelineTemplate::BuildImage => "build-image",
        }
    }
}

/// One image the pipelines build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuiltImage {
    /// The service, or `devcontainer`.
    pub name: String,
    /// The build context, relative to the repository root.
    pub context: String,
    /// The Dockerfile, relative to the repository root.
    pub file: String,
    /// `REGISTRY/PROJECT-NAME`.
    pub repository: String,
    /// Whether it is a service's (its digest is released) or the dev container's.
    pub service: bool,
}

impl BuiltImage {
    /// The environment variable that carries its digest between steps.
    pub(crate) fn digest_variable(&self) -> String {
        format!("DIGEST_{}", env_prefix(&self.name))
    }
}

/// The dev container image's repository: `REGISTRY/PROJECT-devcontainer`.
pub(crate) fn devcontainer_repository(model: &Model) -> String {
    let name = format!("{}-devcontainer", model.project.name.value);
    match &model.project.registry {
        Some(registry) => format!("{}/{name}", registry.value.trim_end_matches('/')),
        None => name,
    }
}

/// The tag the dev container image is pushed under from the deploy branch,
/// its `cacheFrom`: the branch made a Docker tag (`/` becomes `-`; a branch
/// part never starts with `.` or `-`, so the tag is valid).
pub(crate) fn cache_tag(model: &Model) -> String {
    model.project.deploy_branch().replace('/', "-")
}

/// `OWNER/REPO` of a GitHub repository URL (`https://github.com/OWNER/REPO[.git]`
/// or `git@github.com:OWNER/REPO[.git]`); `None` for another host.
pub(crate) fn github_repository(url: &str) -> Option<String> {
    let path = url.strip_prefix("git@github.com:").or_else(|| {
        url.strip_prefix("https://")
            .and_then(|r| r.rsplit_once('@').map_or(Some(r), |(_, h)| Some(h)))
            .and_then(|r| r.strip_prefix("github.com/"))
    })?;
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, repo) = path.split_once('/')?;
    (!owner.is_empty() && !repo.is_empty() && !repo.contains('/')).then(|| format!("{owner}/{repo}"))
}

/// The subject of the GitHub OpenID Connect token the publishing workflow
/// (`inception-main.yml`, a push to the deploy branch, no environment)
/// presents: `repo:OWNER/REPO:ref:refs/heads/BRANCH`, GitHub's default
/// subject format. `None` when the project's repository is not on GitHub.
pub(crate) fn github_subject(model: &Model) -> Option<String> {
    let repository = github_repository(&model.project.repo.as_ref()?.value)?;
    Some(format!("repo:{repository}:ref:refs/heads/{}", model.project.deploy_branch()))
}

/// Every image, the services' in declaration order, then the dev container's.
pub(crate) fn images(model: &Model) -> Vec<BuiltImage> {
    let mut images: Vec<BuiltImage> = model
        .services
        .iter()
        .filter_map(|s| match &s.source {
            Source::Build(dir) => Some(BuiltImage {
                name: s.name.value.clone(),
                context: dir.value.clone(),
                file: format!("{}/Dockerfile", dir.value),
                repository: workload::build_repository(model, s),
                service: true,
            }),
            _ => None,
        })
        .collect();
    images.push(BuiltImage {
        name: "devcontainer".to_owned(),
        context: ".".to_owned(),
        file: ".devcontainer/Dockerfile".to_owned(),
        repository: devcontainer_repository(model),
        service: false,
    });
    images
}

/// The tier main releases into: the first cloud tier.
pub(crate) fn first_cloud_tier(model: &Model) -> Option<&Tier> {
    model.tiers.iter().find(|t| t.cluster.value == Cluster::Aks)
}

/// The ACR's resource name: the registry host's first label.
pub(crate) fn registry_name(model: &Model) -> String {
    model
        .project
        .registry
        .as_ref()
        .map(|r| r.value.split('.').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// The shell lines that record a release and push its branch (callers
/// start the script with `set -euo pipefail`); `$COMMIT` and each image's
/// digest variable come from the environment.
pub(crate) fn release_script(model: &Model) -> String {
    let tier = first_cloud_tier(model).map(|t| t.name.value.clone()).unwrap_or_default();
    let mut lines = vec![format!("inception release {tier} --revision \"$COMMIT\" \\")];
    let services: Vec<BuiltImage> = images(model).into_iter().filter(|i| i.service).collect();
    for (i, image) in services.iter().enumerate() {
        let end = if i + 1 == services.len() { "" } else { " \\" };
        lines.push(format!("  --image \"{}=${}\"{end}", image.name, image.digest_variable()));
    }
    lines.extend([
        format!("branch=\"{RELEASE_BRANCH}{tier}-$COMMIT\""),
        "git switch --create \"$branch\"".to_owned(),
        "git add --all".to_owned(),
        format!(
            "git -c user.name=inception -c user.email=inception@users.noreply.github.com commit --quiet --message \"{RELEASE_TITLE} $COMMIT to {tier}\""
        ),
        "git push origin \"$branch\"".to_owned(),
    ]);
    lines.join("\n") + "\n"
}

/// Add the pipeline artifacts.
pub(crate) fn plan(model: &Model, artifacts: &mut Vec<Artifact>) {
    let Some(pipeline) = &model.pipeline else { return };
    let mut sources = vec![Origin::new("pipeline", pipeline.span), origin::project(model)];
    sources.extend(origin::repo(model));
    sources.extend(origin::registry(model));
    sources.extend(model.services.iter().filter(|s| matches!(s.source, Source::Build(_))).map(origin::source));
    sources.extend(first_cloud_tier(model).map(origin::tier));
    for workflow in Workflow::ALL {
        artifacts.push(Artifact::new(model, Kind::GithubWorkflow { workflow }, sources.clone()));
    }
    artifacts.push(Artifact::new(model, Kind::AzurePipeline, sources.clone()));
    for template in PipelineTemplate::ALL {
        artifacts.push(Artifact::new(model, Kind::AzurePipelineTemplate { template }, sources.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_repositories_from_clone_urls() {
        for (url, expected) in [
            ("https://github.com/cloudwall/serenity.git", Some("cloudwall/serenity")),
            ("https://github.com/cloudwall/serenity", Some("cloudwall/serenity")),
            ("https://token@github.com/cloudwall/serenity.git", Some("cloudwall/serenity")),
            ("git@github.com:cloudwall/serenity.git", Some("cloudwall/serenity")),
            ("https://github.com/cloudwall", None),
            ("https://github.com/cloudwall/serenity/tree/main", None),
            ("https://dev.azure.com/o/p/_git/r", None),
            ("https://gitlab.com/o/r.git", None),
        ] {
            assert_eq!(github_repository(url).as_deref(), expected, "{url}");
        }
    }
}
