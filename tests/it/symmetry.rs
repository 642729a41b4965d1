//! Front-to-back symmetry on real rendered output: every difference between
//! tiers of the reference spec has a cause, and a difference injected without
//! one is caught.

use std::collections::BTreeSet;

use inception::model::{Cluster, Concession};
use inception::pipeline::{self, Compiled};
use inception::source::SourceFile;
use inception::symmetry::{Cause, Comparison, compare, compare_outputs};

use crate::support::{inception, root, serenity_line, text};

fn serenity() -> Compiled {
    let text = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).unwrap();
    pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl").expect("compiles")
}

fn tiers(compiled: &Compiled, a: &str, b: &str) -> Comparison {
    let model = &compiled.loaded.model;
    compare(compiled, model.tier(a).unwrap(), model.tier(b).unwrap())
}

fn causes(comparison: &Comparison) -> BTreeSet<Cause> {
    comparison.differences.iter().flat_map(|d| d.causes.first().cloned()).collect()
}

#[test]
fn staging_to_prod_is_identity_release_and_the_prod_overrides_only() {
    let compiled = serenity();
    let comparison = tiers(&compiled, "staging", "prod");
    assert_eq!(comparison.unattributed().count(), 0);
    let model = &compiled.loaded.model;
    let (staging, prod) = (model.tier("staging").unwrap(), model.tier("prod").unwrap());
    let mut expected: BTreeSet<Cause> = [
        Cause::TierIdentity,
        Cause::Revision { from: staging.revision.value.clone(), to: prod.revision.value.clone() },
        Cause::Override {
            service: "pricing".into(),
            tier: "prod".into(),
            reason: "Asian and US trading hours overlap".into(),
            line: serenity_line("tier prod reason=\"Asian and US trading hours overlap\""),
        },
        Cause::Override {
            service: "kafka".into(),
            tier: "prod".into(),
            reason: "three brokers survive a zone outage".into(),
            line: serenity_line("tier prod reason=\"three brokers survive a zone outage\""),
        },
        Cause::Override {
            service: "timescaledb".into(),
            tier: "prod".into(),
            reason: "a synchronous standby in another zone".into(),
            line: serenity_line("tier prod reason=\"a synchronous standby in another zone\""),
        },
        Cause::Override {
            service: "api".into(),
            tier: "prod".into(),
            reason: "customers use the short name".into(),
            line: serenity_line("tier prod reason=\"customers use the short name\""),
        },
    ]
    .into();
    for service in ["api", "marketdata", "pricing", "risk"] {
        let digest = |t: &inception::model::Tier| t.image(service).unwrap().digest.value.clone();
        expected.insert(Cause::Image { service: service.into(), from: digest(staging), to: digest(prod) });
    }
    assert_eq!(causes(&comparison), expected);
    let replicas = comparison
        .differences
        .iter()
        .find(|d| d.file == "deploy/values/pricing/values-{tier}.yaml" && d.path == "replicas")
        .expect("the prod replicas differ");
    assert_eq!((replicas.from.as_slice(), replicas.to.as_slice()), (&[][..], &["6".to_owned()][..]));
}

#[test]
fn local_differs_by_its_concessions_and_cluster_and_nothing_unexplained() {
    let compiled = serenity();
    let comparison = tiers(&compiled, "local", "dev");
    assert_eq!(comparison.unattributed().count(), 0, "{:#?}", comparison.unattributed().collect::<Vec<_>>());
    let found = causes(&comparison);
    for concession in [Concession::StorageEmulator, Concession::HotReload, Concession::Debug] {
        let cause = Cause::Concession { tier: "local".into(), concession };
        assert!(found.contains(&cause), "no difference attributed to {concession:?}: {found:#?}");
    }
    assert!(found.contains(&Cause::Cluster { from: Cluster::Minikube, to: Cluster::Aks }));
    let azurite = comparison.differences.iter().find(|d| d.file == "deploy/argocd/{tier}/azurite.yaml").unwrap();
    assert_eq!(
        azurite.causes.first(),
        Some(&Cause::Concession { tier: "local".into(), concession: Concession::StorageEmulator })
    );
}

#[test]
fn a_difference_without_a_cause_is_unattributed() {
    let compiled = serenity();
    let model = &compiled.loaded.model;
    let mut artifacts = compiled.artifacts.clone();
    // Someone gives api more replicas in prod without an override: the line
    // exists in the rendered file, but no spec node accounts for it.
    let edited = artifacts.iter_mut().find(|r| r.path() == "deploy/values/api/values-prod.yaml").unwrap();
    edited.text.push_str("replicas: 3\n");
    edited.lines.push(std::sync::Arc::from([]));
    let (staging, prod) = (model.tier("staging").unwrap(), model.tier("prod").unwrap());
    let comparison = compare_outputs(model, &artifacts, &compiled.loaded.source, staging, prod);
    let unattributed: Vec<_> = comparison.unattributed().collect();
    assert_eq!(unattributed.len(), 1, "{unattributed:#?}");
    assert_eq!(unattributed[0].file, "deploy/values/api/values-{tier}.yaml");
    assert_eq!(unattributed[0].path, "replicas");
    assert_eq!(unattributed[0].to, ["3"]);
}

#[test]
fn the_command_lists_causes_and_exits_0_when_all_are_explained() {
    let serenity = root().join("environments/serenity");
    let out = inception(&serenity, &["symmetry", "staging", "prod"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.starts_with("staging → prod: "), "{stdout}");
    assert!(stdout.contains("every one explained"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "override of pricing in prod (line {}): \"Asian and US trading hours overlap\"",
            serenity_line("tier prod reason=\"Asian and US trading hours overlap\"")
        )),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("revision: 9713c433ebd64a477ed3d0743ac31fe734965740 → f3bd875e697edee49d15ba046e95b21634aa9f18"),
        "{stdout}"
    );
    assert!(stdout.contains("image pricing: sha256:586e8a56"), "{stdout}");
    let all = inception(&serenity, &["symmetry", "--format", "json"]);
    assert_eq!(all.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(value["explained"], true);
    assert_eq!(value["comparisons"].as_array().unwrap().len(), 4, "each tier against the next");
    let unknown = inception(&serenity, &["symmetry", "stagin", "prod"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown).1.contains("did you mean `staging`?"));
}

#[test]
fn releases_and_overrides_named_like_their_tier_keep_their_cause() {
    let (staging, prod) = ("a".repeat(40), "b".repeat(40));
    let digest = |c: &str| format!("sha256:{}", c.repeat(64));
    let minimal = std::fs::read_to_string(root().join("environments/minimal/inception.kdl")).unwrap();
    // Its first service only: the others would need a digest in each cloud tier too.
    let first = minimal.find("\nservice web {\n").expect("service web");
    let end = first + minimal[first..].find("\n}\n").expect("its end") + 3;
    let spec = minimal[..end]
        .replace("    needs migrate ", "    // ")
        .replace("project hello {\n", "project hello {\n    repo \"https://github.com/example/hello.git\"\n")
        .replace(
        "tier local {\n    cluster minikube\n    revision HEAD\n}",
        &format!(
            "tier local {{\n    cluster minikube\n    revision HEAD\n}}\ntier staging {{\n    cluster aks\n    revision \"{staging}\"\n    \
             image web \"{}\"\n}}\ntier prod {{\n    cluster aks\n    revision \"{prod}\"\n    image web \"{}\"\n}}",
            digest("1"),
            digest("2")
        ),
    );
    let spec = spec.replacen(
        "    health \"/\"\n",
        "    health \"/\"\n    tier staging reason=\"its own database\" {\n        env DB_NAME=staging\n    }\n    \
         tier prod reason=\"its own database\" {\n        env DB_NAME=prod\n    }\n",
        1,
    );
    let compiled =
        pipeline::compile_source(&SourceFile::new("inception.kdl", spec), "inception.kdl").expect("compiles");
    let comparison = tiers(&compiled, "staging", "prod");
    let cause_of = |path: &str| {
        let difference = comparison.differences.iter().find(|d| d.path == path).unwrap_or_else(|| panic!("{path}"));
        difference.causes.first().cloned()
    };
    assert_eq!(cause_of("spec.source.targetRevision"), Some(Cause::Revision { from: staging, to: prod }));
    assert_eq!(
        cause_of("spec.source.helm.parameters.value"),
        Some(Cause::Image { service: "web".into(), from: digest("1"), to: digest("2") })
    );
    assert!(matches!(cause_of("env.DB_NAME"), Some(Cause::Override { reason, .. }) if reason == "its own database"));
    assert_eq!(comparison.unattributed().count(), 0);
}

#[test]
fn an_image_service_with_an_override_in_one_tier_is_explained() {
    // The staging values file has no difference (`{}`), prod's has the
    // override: that is the override, not an unexplained `{} → —`.
    let text = r#"inception 1
project shop {
    repo "https://example.com/shop.git"
    registry "shopacr.azurecr.io"
}
toolchain {
    base "debian:12.5" digest="sha256:0d5ad26f1e3a4ab0b1e4b2a7e9a3c3f1a7e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4"
    python "3.12.4"
}
tier staging {
    cluster aks
    revision "0123456789abcdef0123456789abcdef01234567"
}
tier prod {
    cluster aks
    revision "0123456789abcdef0123456789abcdef01234567"
}
service web {
    image "registry.example.com/web:1.0.0@sha256:0d5ad26f1e3a4ab0b1e4b2a7e9a3c3f1a7e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4"
    port 8080
    tier prod reason="load" {
        replicas 3
    }
}
"#;
    let compiled =
        pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl").expect("compiles");
    let comparison = tiers(&compiled, "staging", "prod");
    let unattributed: Vec<_> = comparison.unattributed().collect();
    assert!(unattributed.is_empty(), "{unattributed:#?}");
    assert!(causes(&comparison).iter().any(|c| matches!(c, Cause::Override { .. })), "{:?}", causes(&comparison));
}

#[test]
fn every_environment_explains_every_difference_between_adjacent_tiers() {
    for (name, spec) in crate::support::environments() {
        let text = std::fs::read_to_string(&spec).unwrap();
        let compiled = pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl").unwrap();
        let names: Vec<String> = compiled.loaded.model.tiers.iter().map(|t| t.name.value.clone()).collect();
        for pair in names.windows(2) {
            let comparison = tiers(&compiled, &pair[0], &pair[1]);
            assert_eq!(comparison.unattributed().count(), 0, "{name}: {} → {}", pair[0], pair[1]);
            assert!(
                !comparison.differences.is_empty(),
                "{name}: {} → {} differ at least in identity",
                pair[0],
                pair[1]
            );
        }
    }
}
