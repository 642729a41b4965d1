//! `azure-pipelines.yml` and its step templates under `.azure-pipelines/`:
//! the Azure DevOps side of the pipelines planned in `plan::delivery`,
//! serialized from typed structs.
//!
//! The code is on GitHub: the pipeline checks it out through the GitHub
//! service connection, and pushes a release branch with that connection's
//! credential (`persistCredentials` only in the publishing job); the GitHub
//! workflow `inception-release-pr.yml` opens the pull request. Azure access is
//! the `service-connection` of the spec, of the workload identity federation
//! kind: no secret is stored anywhere. `AzureCLI@2` is a Microsoft built-in
//! task; Azure DevOps lets a pipeline pin a task's major version only.

use indexmap::IndexMap;
use serde::Serialize;
use serde_saphyr::LitString;

use super::RenderError;
use super::argocd::finish;
use super::ci_pins::{self, RUNNER};
use super::trace::{Paths, Traced};
use crate::model::Model;
use crate::plan::delivery::{self, BuiltImage, PipelineTemplate, RELEASE_TITLE};

/// The pipeline variable a publishing step sets when the commit is a merged
/// release (nothing to build again).
const RELEASED: &str = "inceptionReleased";

#[derive(Debug, Serialize)]
struct Pipeline {
    trigger: Trigger,
    pr: Trigger,
    pool: Pool,
    stages: Vec<Stage>,
}

#[derive(Debug, Serialize)]
struct Trigger {
    branches: Include,
}

#[derive(Debug, Serialize)]
struct Include {
    include: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Pool {
    vm_image: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Stage {
    stage: String,
    display_name: String,
    condition: String,
    depends_on: Vec<String>,
    jobs: Vec<Job>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Job {
    job: String,
    display_name: String,
    steps: Vec<Step>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Step {
    Checkout {
        checkout: &'static str,
        /// `"true"`/`"false"`: the Azure Pipelines schema types every boolean as a string.
        #[serde(rename = "persistCredentials")]
        persist_credentials: &'static str,
    },
    Template {
        template: String,
        #[serde(skip_serializing_if = "IndexMap::is_empty")]
        parameters: IndexMap<String, Parameter>,
    },
    Script {
        script: LitString,
        #[serde(rename = "displayName")]
        display_name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
        #[serde(skip_serializing_if = "IndexMap::is_empty")]
        env: IndexMap<String, String>,
    },
    Task {
        task: &'static str,
        #[serde(rename = "displayName")]
        display_name: String,
        condition: String,
        inputs: IndexMap<String, String>,
    },
}

/// A template parameter value. A flag is written `"true"`/`"false"`: the
/// Azure Pipelines schema types every scalar as a string, as Azure DevOps
/// reads them.
#[derive(Debug, Clone)]
enum Parameter {
    Text(String),
    Flag(bool),
}

impl Serialize for Parameter {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Parameter::Text(text) => serializer.serialize_str(text),
            Parameter::Flag(flag) => serializer.serialize_str(if *flag { "true" } else { "false" }),
        }
    }
}

#[derive(Debug, Serialize)]
struct Template {
    parameters: Vec<Declared>,
    steps: Vec<Step>,
}

#[derive(Debug, Serialize)]
struct Declared {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    default: Option<Parameter>,
}

fn script(display_name: &str, text: &str, env: IndexMap<String, String>, condition: Option<String>) -> Step {
    Step::Script { script: LitString(text.to_owned()), display_name: display_name.to_owned(), condition, env }
}

fn strings(pairs: &[(&str, String)]) -> IndexMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn template(template: PipelineTemplate, parameters: IndexMap<String, Parameter>) -> Step {
    Step::Template { template: crate::layout::azure_template(template.stem()), parameters }
}

fn build_image(image: &BuiltImage, push: bool, cache_tag: &str) -> Step {
    let text = |s: &str| Parameter::Text(s.to_owned());
    let mut parameters: IndexMap<String, Parameter> = [
        ("name", text(&image.name)),
        ("context", text(&image.context)),
        ("file", text(&image.file)),
        ("repository", text(&image.repository)),
        ("variable", text(&image.digest_variable())),
        ("push", Parameter::Flag(push)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    if push && !image.service {
        parameters.insert("cacheTag".to_owned(), text(cache_tag));
    }
    template(PipelineTemplate::BuildImage, parameters)
}

/// Only when the commit is not a merged release.
fn unreleased() -> String {
    format!("and(succeeded(), ne(variables['{RELEASED}'], 'true'))")
}

/// `azure-pipelines.yml`.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_pipeline(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let images = delivery::images(model);
    let cache_tag = delivery::cache_tag(model);
    let branch = model.project.deploy_branch();
    let connection = model.pipeline.as_ref().map(|p| p.service_connection.value.clone()).unwrap_or_default();
    let verify = Stage {
        stage: "verify".to_owned(),
        display_name: "Check, lint and build without pushing".to_owned(),
        condition: "eq(variables['Build.Reason'], 'PullRequest')".to_owned(),
        depends_on: Vec::new(),
        jobs: vec![
            Job {
                job: "check".to_owned(),
                display_name: "inception check and lint".to_owned(),
                steps: vec![
                    Step::Checkout { checkout: "self", persist_credentials: "false" },
                    template(PipelineTemplate::InstallInception, IndexMap::new()),
                    script("inception check", "inception check --full\n", IndexMap::new(), None),
                    script("inception lint --strict", "inception lint --strict\n", IndexMap::new(), None),
                ],
            },
            Job {
                job: "build".to_owned(),
                display_name: "Build every image".to_owned(),
                steps: std::iter::once(Step::Checkout { checkout: "self", persist_credentials: "false" })
                    .chain(images.iter().map(|i| build_image(i, false, &cache_tag)))
                    .collect(),
            },
        ],
    };
    let detect = format!(
        "if git log -1 --format=%B | grep --quiet --fixed-strings \"{RELEASE_TITLE}\"; then\n  \
         echo \"A merged release: nothing to build.\"\n  echo \"##vso[task.setvariable variable={RELEASED}]true\"\nfi\n"
    );
    let mut steps = vec![
        Step::Checkout { checkout: "self", persist_credentials: "true" },
        script("Skip a merged release", &detect, IndexMap::new(), None),
        template(PipelineTemplate::InstallInception, IndexMap::new()),
        Step::Task {
            task: ci_pins::AZURE_CLI_TASK,
            display_name: "Log in to the registry (workload identity federation)".to_owned(),
            condition: unreleased(),
            inputs: strings(&[
                ("azureSubscription", connection),
                ("scriptType", "bash".to_owned()),
                ("scriptLocation", "inlineScript".to_owned()),
                ("inlineScript", format!("az acr login --name {}", delivery::registry_name(model))),
            ]),
        },
    ];
    steps.extend(images.iter().map(|i| build_image(i, true, &cache_tag)));
    let mut env = strings(&[("COMMIT", "$(Build.SourceVersion)".to_owned())]);
    for image in images.iter().filter(|i| i.service) {
        env.insert(image.digest_variable(), format!("$({})", image.digest_variable()));
    }
    let tier = delivery::first_cloud_tier(model).map(|t| t.name.value.clone()).unwrap_or_default();
    steps.push(script(
        &format!("Record the release in tier {tier} and push its branch"),
        &format!("set -euo pipefail\n{}", delivery::release_script(model)),
        env,
        Some(unreleased()),
    ));
    let publish = Stage {
        stage: "publish".to_owned(),
        display_name: format!("Build once, push, and release into {tier}"),
        condition: format!(
            "and(succeeded(), eq(variables['Build.SourceBranch'], 'refs/heads/{branch}'), ne(variables['Build.Reason'], 'PullRequest'))"
        ),
        depends_on: Vec::new(),
        jobs: vec![Job { job: "publish".to_owned(), display_name: "Build, push and release".to_owned(), steps }],
    };
    let branches = || Trigger { branches: Include { include: vec![branch.to_owned()] } };
    let pipeline = Pipeline {
        trigger: branches(),
        pr: branches(),
        pool: Pool { vm_image: RUNNER },
        stages: vec![verify, publish],
    };
    finish(&pipeline, &Paths::default(), path)
}

/// `.azure-pipelines/TEMPLATE.yml`.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_template(model: &Model, which: PipelineTemplate, path: &str) -> Result<Traced, RenderError> {
    let document = match which {
        PipelineTemplate::InstallInception => {
            let pipeline = model.pipeline.as_ref();
            let env = strings(&[
                ("INCEPTION_REPO", pipeline.map(|p| p.inception_repo.value.clone()).unwrap_or_default()),
                ("INCEPTION_COMMIT", pipeline.map(|p| p.inception_commit.value.clone()).unwrap_or_default()),
            ]);
            let text = format!("{}echo \"##vso[task.prependpath]$HOME/.cargo/bin\"\n", ci_pins::install_script());
            Template {
                parameters: Vec::new(),
                steps: vec![script("Install inception", &text, env, Some(unreleased()))],
            }
        }
        PipelineTemplate::BuildImage => build_image_template(),
    };
    finish(&document, &Paths::default(), path)
}

fn build_image_template() -> Template {
    let string = |name| Declared { name, kind: "string", default: None };
    let parameters = vec![
        string("name"),
        string("context"),
        string("file"),
        string("repository"),
        string("variable"),
        Declared { name: "push", kind: "boolean", default: Some(Parameter::Flag(false)) },
        Declared { name: "cacheTag", kind: "string", default: Some(Parameter::Text(String::new())) },
    ];
    // A docker-container builder, so a pushed build's metadata holds the
    // manifest digest the registry serves (`containerimage.digest`).
    let text = "set -euo pipefail\n\
        docker buildx inspect inception >/dev/null 2>&1 || docker buildx create --name inception --driver docker-container\n\
        args=(--builder inception --file \"$FILE\" --tag \"$REPOSITORY:$COMMIT\" --metadata-file \"$METADATA\")\n\
        if [ -n \"$CACHE_TAG\" ]; then args+=(--tag \"$REPOSITORY:$CACHE_TAG\" --cache-to type=inline); fi\n\
        if [ \"${PUSH,,}\" = true ]; then args+=(--push); fi\n\
        docker buildx build \"${args[@]}\" \"$CONTEXT\"\n\
        if [ \"${PUSH,,}\" = true ]; then\n  \
        digest=$(jq --raw-output '.\"containerimage.digest\"' \"$METADATA\")\n  \
        echo \"$REPOSITORY@$digest\"\n  \
        echo \"##vso[task.setvariable variable=$VARIABLE]$digest\"\n\
        fi\n";
    let env = strings(&[
        ("FILE", "${{ parameters.file }}".to_owned()),
        ("CONTEXT", "${{ parameters.context }}".to_owned()),
        ("REPOSITORY", "${{ parameters.repository }}".to_owned()),
        ("VARIABLE", "${{ parameters.variable }}".to_owned()),
        ("PUSH", "${{ parameters.push }}".to_owned()),
        ("CACHE_TAG", "${{ parameters.cacheTag }}".to_owned()),
        ("COMMIT", "$(Build.SourceVersion)".to_owned()),
        ("METADATA", "$(Agent.TempDirectory)/${{ parameters.name }}.json".to_owned()),
    ]);
    Template { parameters, steps: vec![script("Build ${{ parameters.name }}", text, env, Some(unreleased()))] }
}
