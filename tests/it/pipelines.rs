//! The pipelines' Azure side and their branch: the pipeline identity trusts
//! exactly the tokens the generated pipelines present, and the deploy branch
//! is one setting that every artifact follows.

use inception::pipeline::{self, Compiled};
use inception::source::SourceFile;

use crate::support::root;

fn reference() -> String {
    std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).unwrap()
}

fn compile(text: &str) -> Compiled {
    match pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl") {
        Ok(compiled) => compiled,
        Err(error) => panic!("the spec does not compile:\n{:?}", miette::Report::new(error)),
    }
}

fn artifact<'a>(compiled: &'a Compiled, path: &str) -> &'a str {
    &compiled.artifact(path).unwrap_or_else(|| panic!("no {path}")).text
}

/// The reference spec with `branch BRANCH` in `project`.
fn with_branch(branch: &str) -> String {
    let spec = reference();
    let anchor = "    registry \"cloudwall.azurecr.io\"\n";
    assert!(spec.contains(anchor), "the reference project no longer names its registry: update this test");
    spec.replacen(anchor, &format!("{anchor}    branch \"{branch}\"\n"), 1)
}

#[test]
fn the_pipeline_identity_trusts_what_the_publishing_pipelines_present_and_may_only_push() {
    let compiled = compile(&reference());
    let module = artifact(&compiled, "infra/modules/pipeline-identity.bicep");
    // GitHub: the issuer of Actions' OIDC tokens, azure/login's default audience.
    assert!(module.contains("issuer: 'https://token.actions.githubusercontent.com'"), "{module}");
    assert_eq!(module.matches("'api://AzureADTokenExchange'").count(), 2, "{module}");
    // Azure DevOps: issuer and subject as the service connection shows them.
    assert!(module.contains("issuer: devopsIssuer") && module.contains("subject: devopsSubject"), "{module}");
    // AcrPush on the registry, and no other role.
    assert!(module.contains("'8311e382-0749-4cb8-b61a-304f252e45ec'"), "{module}");
    assert_eq!(module.matches("'Microsoft.Authorization/roleAssignments@").count(), 1, "{module}");
    assert!(module.contains("scope: registry"), "{module}");
    assert!(module.contains("output clientId string = identity.properties.clientId"), "{module}");

    let shared = artifact(&compiled, "infra/shared.bicep");
    assert!(
        shared.contains("param githubSubject string = 'repo:cloudwall/serenity:ref:refs/heads/main'"),
        "the subject of a push to main in cloudwall/serenity:\n{shared}"
    );
    assert!(shared.contains("module pipelineIdentity './modules/pipeline-identity.bicep'"), "{shared}");
    assert!(shared.contains("output pipelineClientId string = pipelineIdentity.outputs.clientId"), "{shared}");
    assert!(shared.contains("service connection serenity-acr"), "{shared}");

    // The subject holds only because the publishing job pushes to main and
    // names no GitHub environment (which would change the subject).
    let main = artifact(&compiled, ".github/workflows/inception-main.yml");
    assert!(main.contains("\"on\":\n  push:\n    branches:\n    - main\n"), "{main}");
    assert!(!main.contains("environment:"), "{main}");
    assert!(main.contains("client-id: ${{ vars.AZURE_CLIENT_ID }}"), "{main}");
    // Only the publishing workflow signs in to Azure.
    for workflow in ["inception-pull-request.yml", "inception-release-pr.yml"] {
        let text = artifact(&compiled, &format!(".github/workflows/{workflow}"));
        assert!(!text.contains("azure/login") && !text.contains("id-token"), "{workflow}:\n{text}");
    }
}

#[test]
fn without_a_pipeline_there_is_no_pipeline_identity() {
    let spec = reference();
    let start = spec.find("\npipeline {").expect("the reference spec has a pipeline");
    let end = start + spec[start..].find("\n}\n").unwrap() + 3;
    let compiled = compile(&format!("{}{}", &spec[..start + 1], &spec[end..]));
    assert!(compiled.artifact("infra/modules/pipeline-identity.bicep").is_none());
    let shared = artifact(&compiled, "infra/shared.bicep");
    assert!(!shared.contains("pipeline"), "{shared}");
}

#[test]
fn the_deploy_branch_is_one_setting_that_every_artifact_follows() {
    let compiled = compile(&with_branch("release/2.4"));
    let mut roots = 0;
    for rendered in &compiled.artifacts {
        let (path, text) = (rendered.path(), rendered.text.as_str());
        if path.starts_with("deploy/argocd/") && path.ends_with("/root.yaml") && !path.contains("/local/") {
            assert!(text.contains("targetRevision: release/2.4\n"), "{path}:\n{text}");
            roots += 1;
        }
        // No artifact still names main as a branch (but the local snapshot
        // repository inside Minikube, whose one branch is its own).
        if path == "deploy/bootstrap/local-git-server.yaml" {
            continue;
        }
        for stale in ["refs/heads/main", "- main\n", "--base main", ":main\n", "targetRevision: main\n"] {
            assert!(!text.contains(stale), "{path} still has `{stale}`:\n{text}");
        }
    }
    assert_eq!(roots, 4, "every cloud tier's root Application");
    let pull_request = artifact(&compiled, ".github/workflows/inception-pull-request.yml");
    assert!(pull_request.contains("pull_request:\n    branches:\n    - release/2.4\n"), "{pull_request}");
    let main = artifact(&compiled, ".github/workflows/inception-main.yml");
    assert!(main.contains("push:\n    branches:\n    - release/2.4\n"), "{main}");
    assert!(main.contains("gh pr create --base release/2.4 "), "{main}");
    // The dev container's cache tag is the branch made a Docker tag.
    assert!(main.contains("cloudwall.azurecr.io/serenity-devcontainer:release-2.4\n"), "{main}");
    let release = artifact(&compiled, ".github/workflows/inception-release-pr.yml");
    assert!(release.contains("--base release/2.4 "), "{release}");
    let azure = artifact(&compiled, "azure-pipelines.yml");
    assert_eq!(azure.matches("    - release/2.4\n").count(), 2, "trigger and pr:\n{azure}");
    assert!(azure.contains("'refs/heads/release/2.4'"), "{azure}");
    assert!(azure.contains("cacheTag: release-2.4\n"), "{azure}");
    // The reference dev container is a compose one: its `cache_from`.
    let compose = artifact(&compiled, ".devcontainer/docker-compose.yml");
    assert!(compose.contains("- cloudwall.azurecr.io/serenity-devcontainer:release-2.4\n"), "{compose}");
    let shared = artifact(&compiled, "infra/shared.bicep");
    assert!(shared.contains("'repo:cloudwall/serenity:ref:refs/heads/release/2.4'"), "{shared}");
}

#[test]
fn a_branch_name_that_would_need_quoting_or_is_not_a_branch_is_refused() {
    for bad in ["release 2.4", "a..b", "-x", "x/.hidden", "HEAD", "feature/*", "a:b", "x.lock", "x/", "a//b", "ü"] {
        let text = with_branch(bad);
        let Err(error) = pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl") else {
            panic!("branch `{bad}` was accepted");
        };
        let report = format!("{:?}", miette::Report::new(error));
        assert!(report.contains("inception::model::malformed_value"), "{bad}: {report}");
        assert!(report.contains("is not a git branch name"), "{bad}: {report}");
    }
    for good in ["main", "trunk", "release/2.4", "team_a/deploy-1"] {
        compile(&with_branch(good));
    }
}
