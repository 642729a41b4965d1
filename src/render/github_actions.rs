//! `.github/workflows/inception-*.yml`: the GitHub Actions side of the
//! pipelines planned in `plan::delivery`, serialized from typed structs.
//!
//! Hardening, for actionlint and zizmor: no permission at the workflow level
//! and the fewest per job; every action pinned by commit; checkout never
//! keeps the token (`persist-credentials: false`); no `${{ }}` expression
//! inside a `run` script (values reach scripts through `env`); Azure through
//! OpenID Connect (`azure/login` with the repository variables
//! `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`, `AZURE_SUBSCRIPTION_ID`: identifiers,
//! not secrets).

use indexmap::IndexMap;
use serde::Serialize;
use serde_saphyr::LitString;

use super::RenderError;
use super::ci_pins::{self, AZURE_LOGIN, BUILD_PUSH, CHECKOUT, RUNNER, SETUP_BUILDX};
use super::key_path::KeyPath;
use super::trace::{Paths, Traced, trace_structured};
use super::yaml_notes::{Note, annotate};
use crate::model::Model;
use crate::plan::delivery::{self, BuiltImage, RELEASE_BRANCH, RELEASE_TITLE, Workflow};

#[derive(Debug, Serialize)]
struct Document {
    name: String,
    #[serde(rename = "on")]
    on: On,
    permissions: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concurrency: Option<Concurrency>,
    jobs: IndexMap<String, Job>,
}

#[derive(Debug, Default, Serialize)]
struct On {
    #[serde(skip_serializing_if = "Option::is_none")]
    pull_request: Option<Branches>,
    #[serde(skip_serializing_if = "Option::is_none")]
    push: Option<Branches>,
}

#[derive(Debug, Serialize)]
struct Branches {
    branches: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct Concurrency {
    group: String,
    cancel_in_progress: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct Job {
    name: String,
    runs_on: &'static str,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
    permissions: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    strategy: Option<Strategy>,
    steps: Vec<Step>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct Strategy {
    fail_fast: bool,
    matrix: Matrix,
}

#[derive(Debug, Serialize)]
struct Matrix {
    include: Vec<IndexMap<String, String>>,
}

#[derive(Debug, Default, Serialize)]
struct Step {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uses: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    with: IndexMap<String, Input>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    env: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<LitString>,
}

/// An action input: text, or a YAML boolean.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum Input {
    Text(String),
    Flag(bool),
}

fn inputs(pairs: &[(&str, Input)]) -> IndexMap<String, Input> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn text(value: &str) -> Input {
    Input::Text(value.to_owned())
}

fn permissions(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn map(pairs: &[(&str, String)]) -> IndexMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn checkout() -> Step {
    Step {
        name: format!("Check out ({} {})", CHECKOUT.name, CHECKOUT.release),
        uses: Some(CHECKOUT.uses()),
        with: inputs(&[("persist-credentials", Input::Flag(false))]),
        ..Step::default()
    }
}

fn install(model: &Model) -> Step {
    let pipeline = model.pipeline.as_ref();
    let repo = pipeline.map(|p| p.inception_repo.value.clone()).unwrap_or_default();
    let commit = pipeline.map(|p| p.inception_commit.value.clone()).unwrap_or_default();
    Step {
        name: "Install inception".to_owned(),
        env: map(&[("INCEPTION_REPO", repo), ("INCEPTION_COMMIT", commit)]),
        run: Some(LitString(ci_pins::install_script())),
        ..Step::default()
    }
}

fn run(name: &str, script: &str) -> Step {
    Step { name: name.to_owned(), run: Some(LitString(format!("{script}\n"))), ..Step::default() }
}

fn setup_buildx() -> Step {
    Step {
        name: format!("Set up Buildx ({} {})", SETUP_BUILDX.name, SETUP_BUILDX.release),
        uses: Some(SETUP_BUILDX.uses()),
        ..Step::default()
    }
}

fn branches(names: &[&str]) -> Option<Branches> {
    Some(Branches { branches: names.iter().map(|b| (*b).to_owned()).collect() })
}

/// Render one workflow.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_workflow(model: &Model, workflow: Workflow, path: &str) -> Result<Traced, RenderError> {
    let document = match workflow {
        Workflow::PullRequest => pull_request(model),
        Workflow::Main => main(model),
        Workflow::ReleasePullRequest => release_pull_request(model.project.deploy_branch()),
    };
    let yaml = crate::yaml::to_string(&document)
        .map_err(|message| RenderError::Serialize { path: path.to_owned(), message })?;
    // Why each job holds each permission, beside it.
    let notes: Vec<Note> = document
        .jobs
        .iter()
        .flat_map(|(id, job)| {
            job.permissions.keys().map(move |scope| {
                Note::new(KeyPath::from("jobs").key(id.as_str()).key("permissions").key(scope.as_str()), why(scope))
            })
        })
        .collect();
    let traced = trace_structured(&yaml, &Paths::default());
    Ok(Traced { text: annotate(&yaml, &notes), lines: traced.lines })
}

/// Why a job needs a permission scope.
fn why(scope: &str) -> &'static str {
    match scope {
        "contents" => "read: check out; write: push the release branch",
        "id-token" => "OpenID Connect token for azure/login: no stored Azure credential",
        "pull-requests" => "open the release pull request",
        _ => "",
    }
}

fn pull_request(model: &Model) -> Document {
    let check = Job {
        name: "inception check and lint".to_owned(),
        runs_on: RUNNER,
        condition: None,
        permissions: permissions(&[("contents", "read")]),
        strategy: None,
        steps: vec![
            checkout(),
            install(model),
            run("inception check", "inception check --full"),
            run("inception lint --strict", "inception lint --strict"),
        ],
    };
    let include = delivery::images(model)
        .iter()
        .map(|i| map(&[("image", i.name.clone()), ("context", i.context.clone()), ("file", i.file.clone())]))
        .collect();
    let build = Job {
        name: "build ${{ matrix.image }} (no push)".to_owned(),
        runs_on: RUNNER,
        condition: None,
        permissions: permissions(&[("contents", "read")]),
        strategy: Some(Strategy { fail_fast: false, matrix: Matrix { include } }),
        steps: vec![
            checkout(),
            setup_buildx(),
            Step {
                name: format!("Build ({} {})", BUILD_PUSH.name, BUILD_PUSH.release),
                uses: Some(BUILD_PUSH.uses()),
                with: inputs(&[
                    ("context", text("${{ matrix.context }}")),
                    ("file", text("${{ matrix.file }}")),
                    ("push", Input::Flag(false)),
                ]),
                ..Step::default()
            },
        ],
    };
    Document {
        name: "inception pull request".to_owned(),
        on: On { pull_request: branches(&[model.project.deploy_branch()]), push: None },
        permissions: IndexMap::new(),
        concurrency: Some(Concurrency {
            group: "inception-pr-${{ github.event.pull_request.number }}".to_owned(),
            cancel_in_progress: true,
        }),
        jobs: [("check".to_owned(), check), ("build".to_owned(), build)].into_iter().collect(),
    }
}

fn build_and_push(image: &BuiltImage, cache_tag: &str) -> Step {
    let mut tags = format!("{}:${{{{ github.sha }}}}", image.repository);
    let mut with = vec![("context", text(&image.context)), ("file", text(&image.file)), ("push", Input::Flag(true))];
    if !image.service {
        // The dev container's `cacheFrom`: a cache hint, never deployed.
        tags.push_str(&format!("\n{}:{cache_tag}", image.repository));
        with.push(("cache-to", text("type=inline")));
    }
    with.push(("tags", Input::Text(tags)));
    Step {
        name: format!("Build and push {} ({} {})", image.name, BUILD_PUSH.name, BUILD_PUSH.release),
        id: Some(format!("image-{}", image.name)),
        uses: Some(BUILD_PUSH.uses()),
        with: inputs(&with),
        ..Step::default()
    }
}

fn main(model: &Model) -> Document {
    let images = delivery::images(model);
    let mut steps = vec![
        checkout(),
        install(model),
        Step {
            name: format!("Log in to Azure with OpenID Connect ({} {})", AZURE_LOGIN.name, AZURE_LOGIN.release),
            uses: Some(AZURE_LOGIN.uses()),
            with: inputs(&[
                ("client-id", text("${{ vars.AZURE_CLIENT_ID }}")),
                ("tenant-id", text("${{ vars.AZURE_TENANT_ID }}")),
                ("subscription-id", text("${{ vars.AZURE_SUBSCRIPTION_ID }}")),
            ]),
            ..Step::default()
        },
        Step {
            name: "Log in to the registry".to_owned(),
            env: map(&[("REGISTRY_NAME", delivery::registry_name(model))]),
            run: Some(LitString("az acr login --name \"$REGISTRY_NAME\"\n".to_owned())),
            ..Step::default()
        },
        setup_buildx(),
    ];
    let cache_tag = delivery::cache_tag(model);
    let branch = model.project.deploy_branch();
    steps.extend(images.iter().map(|i| build_and_push(i, &cache_tag)));
    let mut env = map(&[("COMMIT", "${{ github.sha }}".to_owned()), ("GH_TOKEN", "${{ github.token }}".to_owned())]);
    for image in images.iter().filter(|i| i.service) {
        env.insert(image.digest_variable(), format!("${{{{ steps.image-{}.outputs.digest }}}}", image.name));
    }
    let tier = delivery::first_cloud_tier(model).map(|t| t.name.value.clone()).unwrap_or_default();
    let script = format!(
        "set -euo pipefail\ngh auth setup-git\n{}gh pr create --base {branch} --head \"$branch\" \\\n  --title \"{RELEASE_TITLE} $COMMIT to {tier}\" \\\n  --body \"Built once from $COMMIT and pushed by digest. Review with: inception symmetry\"",
        delivery::release_script(model)
    );
    steps.push(Step {
        name: format!("Record the release in tier {tier} and open its pull request"),
        env,
        run: Some(LitString(format!("{script}\n"))),
        ..Step::default()
    });
    let publish = Job {
        name: "build, push and release".to_owned(),
        runs_on: RUNNER,
        condition: Some(format!("${{{{ !contains(github.event.head_commit.message, '{RELEASE_TITLE}') }}}}")),
        permissions: permissions(&[("contents", "write"), ("id-token", "write"), ("pull-requests", "write")]),
        strategy: None,
        steps,
    };
    Document {
        name: "inception main".to_owned(),
        on: On { pull_request: None, push: branches(&[branch]) },
        permissions: IndexMap::new(),
        concurrency: Some(Concurrency { group: "inception-main".to_owned(), cancel_in_progress: false }),
        jobs: [("publish".to_owned(), publish)].into_iter().collect(),
    }
}

fn release_pull_request(branch: &str) -> Document {
    let script = format!(
        "title=\"{RELEASE_TITLE} ${{BRANCH#{RELEASE_BRANCH}}}\"\n\
         gh pr view \"$BRANCH\" --repo \"$REPOSITORY\" >/dev/null 2>&1 \\\n  || gh pr create --repo \"$REPOSITORY\" --base {branch} --head \"$BRANCH\" \\\n    --title \"$title\" --body \"Release recorded by the Azure DevOps pipeline. Review with: inception symmetry\""
    );
    let open = Job {
        name: "open the release pull request".to_owned(),
        runs_on: RUNNER,
        condition: None,
        permissions: permissions(&[("contents", "read"), ("pull-requests", "write")]),
        strategy: None,
        steps: vec![Step {
            name: "Open the pull request unless it exists".to_owned(),
            env: map(&[
                ("GH_TOKEN", "${{ github.token }}".to_owned()),
                ("BRANCH", "${{ github.ref_name }}".to_owned()),
                ("REPOSITORY", "${{ github.repository }}".to_owned()),
            ]),
            run: Some(LitString(format!("{script}\n"))),
            ..Step::default()
        }],
    };
    Document {
        name: "inception release pull request".to_owned(),
        on: On { pull_request: None, push: branches(&[&format!("{RELEASE_BRANCH}**")]) },
        permissions: IndexMap::new(),
        concurrency: Some(Concurrency {
            group: "inception-release-pr-${{ github.ref_name }}".to_owned(),
            cancel_in_progress: false,
        }),
        jobs: [("open".to_owned(), open)].into_iter().collect(),
    }
}
