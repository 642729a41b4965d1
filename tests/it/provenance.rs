//! Line provenance: what `explain` answers, and how it agrees with the lock.

use std::collections::BTreeSet;

use inception::commands::explain;
use inception::pipeline;
use inception::source::SourceFile;
use inception::spec::{RawNode, Scalar};

use crate::support::{environments, inception, root, text};

#[test]
fn explain_of_a_dotted_setting_names_the_setting_node() {
    let serenity = root().join("environments/serenity");
    let json = std::fs::read_to_string(root().join("golden/serenity/.devcontainer/devcontainer.json")).unwrap();
    let line = json.lines().position(|l| l.contains("\"python.defaultInterpreterPath\"")).unwrap() + 1;
    let out =
        inception(&serenity, &["explain", &format!(".devcontainer/devcontainer.json:{line}"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value["exact"], true, "{value}");
    assert_eq!(value["sources"][0]["node"], "toolchain/setting python.defaultInterpreterPath");
}

/// Whether `path` (`service web/needs db`) names a node of the spec: each
/// `/`-separated step is a node's name, alone or with one of its arguments or
/// property keys. Arguments may hold `/`, so steps are matched, not split.
fn names_a_node(nodes: &[RawNode], path: &str) -> bool {
    nodes.iter().any(|node| {
        let name = node.name.value.as_str();
        let mut words: Vec<String> = node
            .args
            .iter()
            .filter_map(|a| match &a.value {
                Scalar::String(s) => Some(s.clone()),
                Scalar::Integer(i) => Some(i.to_string()),
                _ => None,
            })
            .collect();
        words.extend(node.props.iter().map(|p| p.key.value.clone()));
        let steps = std::iter::once(name.to_owned()).chain(words.iter().map(|w| format!("{name} {w}")));
        steps.into_iter().any(|step| match path.strip_prefix(step.as_str()) {
            Some("") => true,
            Some(rest) => rest.strip_prefix('/').is_some_and(|rest| names_a_node(node.children(), rest)),
            None => false,
        })
    })
}

#[test]
fn every_line_origin_is_a_locked_source_and_names_a_spec_node() {
    let mut failures = Vec::new();
    let mut origins = 0;
    for (name, spec) in environments() {
        let source = SourceFile::new("inception.kdl", std::fs::read_to_string(&spec).unwrap());
        let nodes = inception::spec::parse(&source).expect("parses");
        let compiled = pipeline::compile_source(&source, "inception.kdl").expect("compiles");
        for rendered in &compiled.artifacts {
            let path = rendered.path();
            let locked = compiled.lock.artifact(path).expect("every artifact is locked");
            let locked = locked.sources.parse();
            let locked: BTreeSet<&str> = locked.iter().map(String::as_str).collect();
            for origin in &rendered.artifact.sources {
                if !names_a_node(&nodes, &origin.node) {
                    failures.push(format!("{name}: {path}: `{}` is not a node of the spec", origin.node));
                }
            }
            for number in 1..=rendered.lines.len() {
                let (explained, _) = explain::sources(&compiled, path, Some(number)).expect("explains");
                for source in explained.iter().filter(|s| !names_a_node(&nodes, &s.node)) {
                    failures.push(format!("{name}: explain {path}:{number} names `{}`, not a spec node", source.node));
                }
            }
            for (index, line) in rendered.lines.iter().enumerate() {
                for origin in line.iter() {
                    origins += 1;
                    if !locked.contains(&*origin.node) {
                        failures.push(format!(
                            "{name}: {path}:{}: `{}` is not among the lock's sources",
                            index + 1,
                            origin.node
                        ));
                    }
                    if !names_a_node(&nodes, &origin.node) {
                        failures.push(format!(
                            "{name}: {path}:{}: `{}` is not a node of the spec",
                            index + 1,
                            origin.node
                        ));
                    }
                }
            }
        }
    }
    assert!(origins > 1000, "only {origins} line origins checked");
    failures.dedup();
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}
