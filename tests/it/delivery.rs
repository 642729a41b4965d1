//! Build once, promote by digest: no cloud tier of any environment runs an
//! image a registry could move (a tag) or a chart and values a branch could
//! move (a branch or tag revision).

use std::collections::BTreeMap;

use inception::model::{Cluster, pin};
use inception::pipeline::{self, Compiled};
use inception::render::Outputs;
use inception::source::SourceFile;
use inception::symmetry::leaves;

use crate::support::environments;

fn compile(name: &str, text: &str) -> Compiled {
    match pipeline::compile_source(&SourceFile::new(name, text), "inception.kdl") {
        Ok(compiled) => compiled,
        Err(error) => panic!("{name} does not compile:\n{:?}", miette::Report::new(error)),
    }
}

/// `key path → values` of a rendered YAML file.
fn values(path: &str, text: &str) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for leaf in leaves(path, text) {
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
        let app = values(path, text);
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
            let data = values(&generated, text);
            if let Some(tag) = data.get("image.tag").and_then(|v| v.first()).filter(|t| !t.is_empty()) {
                problems.push(format!("{generated}: sets the mutable tag `{tag}` for tier {tier}"));
            }
            if digest.is_none() {
                digest = data.get("image.digest").and_then(|v| v.first()).cloned();
            }
        }
        match digest {
            Some(d) if pin::is_sha256_digest(&d) => {}
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
            problems.extend(mutable_references(&compiled.outputs, &tier.name.value));
        }
    }
    assert!(cloud_tiers >= 4, "the reference spec has four cloud tiers; found {cloud_tiers}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_a_tag_a_branch_and_a_missing_digest() {
    let spec = std::fs::read_to_string(crate::support::root().join("environments/serenity/inception.kdl")).unwrap();
    let compiled = compile("serenity", &spec);
    assert!(mutable_references(&compiled.outputs, "prod").is_empty());
    let mut outputs = compiled.outputs.clone();
    let app = "deploy/argocd/prod/pricing.yaml".to_owned();
    let prod = compiled.loaded.model.tier("prod").unwrap();
    let text = outputs[&app]
        .replace(&prod.revision.value, "main")
        .replace("- name: image.digest\n", "- name: replicas\n");
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
            "inception 1\nproject p {{\n    registry \"p.azurecr.io\"\n}}\ntoolchain {{\n    base \"debian:12.5\"\n}}\n\
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
