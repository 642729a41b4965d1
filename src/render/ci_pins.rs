//! What the generated pipelines run that inception does not build: GitHub
//! actions pinned by full commit, the Rust toolchain that builds inception,
//! and the hosted runner images. Each pin says where it was read; raise them
//! together and re-read each source.

/// A GitHub action pinned by commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Action {
    /// `owner/name`.
    pub name: &'static str,
    /// The full commit the release tag points to.
    pub commit: &'static str,
    /// The release tag, for people.
    pub release: &'static str,
}

impl Action {
    /// `owner/name@COMMIT`.
    pub(crate) fn uses(self) -> String {
        format!("{}@{}", self.name, self.commit)
    }
}

// Every commit below was read on 2026-11-29 as `git rev-parse TAG^{commit}` in a
// snapshot of the action's repository (github.com/OWNER/NAME), with the tag's commit
// date, and its action.yml read at that tag.

/// `actions/checkout` v7.0.1 (commit of 2026-07-17; action.yml `using: node24`).
pub(crate) const CHECKOUT: Action =
    Action { name: "actions/checkout", commit: "3d3c42e5aac5ba805825da76410c181273ba90b1", release: "v7.0.1" };

/// `docker/setup-buildx-action` v4.3.0 (commit of 2026-08-17; the default
/// driver is docker-container, so a pushed build reports the manifest digest).
pub(crate) const SETUP_BUILDX: Action = Action {
    name: "docker/setup-buildx-action",
    commit: "37fe631027851001ddb9b187196cc803df7f5f0e",
    release: "v4.3.0",
};

/// `docker/build-push-action` v7.3.0 (commit of 2026-07-01); action.yml
/// declares the inputs used here (context, file, push, tags, cache-to) and the
/// output `digest`.
pub(crate) const BUILD_PUSH: Action =
    Action { name: "docker/build-push-action", commit: "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a", release: "v7.3.0" };

/// `azure/login` v3.0.1 (github.com/Azure/login; commit of 2026-08-04;
/// action.yml `using: node24`, where v2.3.x still runs on node20). Inputs `client-id`, `tenant-id`, `subscription-id` and no
/// secret: OpenID Connect with the job's `id-token: write`; audience
/// `api://AzureADTokenExchange` by default, the one the pipeline identity's
/// federated credential trusts (`infra/modules/pipeline-identity.bicep`).
pub(crate) const AZURE_LOGIN: Action =
    Action { name: "azure/login", commit: "f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca", release: "v3.0.1" };

/// Every action the workflows use: a test keeps every `uses:` of the
/// generated workflows in this table.
#[cfg(test)]
pub(crate) const ACTIONS: [Action; 4] = [CHECKOUT, SETUP_BUILDX, BUILD_PUSH, AZURE_LOGIN];

/// The Azure DevOps task that logs in with the service connection:
/// `AzureCLI@2`, a Microsoft built-in task. Azure DevOps resolves a task by
/// its major version only (it runs the newest minor of that major), so no
/// commit can be pinned; read on 2026-11-29 in github.com/microsoft/azure-pipelines-tasks
/// `Tasks/AzureCLIV2/task.json` (commit 008e04b80369828a4255d61e368e4cc190e13328):
/// version 2.265.0, inputs `azureSubscription` (alias of `connectedServiceNameARM`),
/// `scriptType` (`bash`), `scriptLocation` (`inlineScript`), `inlineScript`, and
/// the workload identity federation scheme among its service connection kinds.
pub(crate) const AZURE_CLI_TASK: &str = "AzureCLI@2";

/// The Rust toolchain that builds inception in CI: the one
/// `rust-toolchain.toml` pins (a test keeps them equal).
pub(crate) const RUST_TOOLCHAIN: &str = "1.95.0";

/// The hosted runner image of both CI systems (GitHub `runs-on`, Azure
/// DevOps `vmImage`): an exact Ubuntu release, never `ubuntu-latest`.
pub(crate) const RUNNER: &str = "ubuntu-24.04";

/// The shell that installs inception at the pinned commit; `$INCEPTION_REPO`
/// and `$INCEPTION_COMMIT` come from the environment.
pub(crate) fn install_script() -> String {
    format!(
        "set -euo pipefail\nrustup toolchain install {RUST_TOOLCHAIN} --profile minimal\n\
         cargo +{RUST_TOOLCHAIN} install --locked --git \"$INCEPTION_REPO\" --rev \"$INCEPTION_COMMIT\" inception\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_pinned_by_a_full_commit() {
        for action in ACTIONS {
            assert_eq!(action.commit.len(), 40, "{}", action.name);
            assert!(action.commit.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{}", action.name);
            assert!(action.release.starts_with('v'), "{}", action.name);
        }
    }

    /// Every `uses:` of the reference environment's workflows is `NAME@COMMIT`
    /// with a full commit from [`ACTIONS`], and every Azure DevOps `task:` is
    /// [`AZURE_CLI_TASK`].
    #[test]
    fn every_action_and_task_the_pipelines_use_is_in_this_table() {
        let text = include_str!("../../environments/serenity/inception.kdl");
        let source = crate::source::SourceFile::new("inception.kdl", text);
        let compiled = crate::pipeline::compile_source(&source, "inception.kdl").expect("the reference spec compiles");
        let mut uses = 0;
        let mut tasks = 0;
        for artifact in &compiled.artifacts {
            let path = artifact.path();
            for line in artifact.text.lines().map(str::trim_start) {
                let line = line.strip_prefix("- ").unwrap_or(line);
                if let Some(reference) = line.strip_prefix("uses: ") {
                    assert!(path.starts_with(".github/workflows/"), "{path}: {line}");
                    let (name, commit) = reference.split_once('@').unwrap_or_else(|| panic!("{path}: {line}"));
                    assert!(
                        ACTIONS.iter().any(|a| a.name == name && a.commit == commit),
                        "{path}: `{reference}` is not pinned by a commit of ci_pins::ACTIONS"
                    );
                    uses += 1;
                } else if let Some(task) = line.strip_prefix("task: ") {
                    assert_eq!(task, AZURE_CLI_TASK, "{path}: an Azure DevOps task outside ci_pins");
                    tasks += 1;
                }
            }
        }
        assert!(uses >= ACTIONS.len(), "the reference workflows use {uses} actions");
        assert!(tasks >= 1, "the reference Azure pipeline uses no task");
    }

    #[test]
    fn ci_builds_inception_with_the_pinned_toolchain() {
        let toolchain = include_str!("../../rust-toolchain.toml");
        assert!(toolchain.contains(&format!("channel = \"{RUST_TOOLCHAIN}\"")), "{toolchain}");
    }
}
