//! Golden tests: every `environments/<env>/inception.kdl` compiles to exactly
//! the tree in `golden/<env>/`. The comparison is the product's own drift
//! checker, so `inception check` is exercised on every run.

use inception::emit;
use inception::pipeline;
use inception::source::SourceFile;

use crate::support::{blessing, environments, files, root};

#[test]
fn every_environment_matches_its_golden_tree() {
    let environments = environments();
    assert!(environments.len() >= 2, "expected at least serenity and minimal");
    let mut failures = Vec::new();
    for (name, spec) in environments {
        let text = std::fs::read_to_string(&spec).expect("read spec");
        let source = SourceFile::new(format!("environments/{name}/inception.kdl"), text);
        let compiled = match pipeline::compile_source(&source, "inception.kdl") {
            Ok(compiled) => compiled,
            Err(error) => panic!("{name} does not compile:\n{:?}", miette::Report::new(error)),
        };
        let golden = root().join("golden").join(&name);
        if blessing() {
            emit::write(&golden, &compiled.outputs(), true).expect("bless golden tree");
        }
        let outputs = compiled.outputs();
        let drift = emit::check(&golden, &outputs, &compiled.lock).expect("read golden tree");
        for file in &drift.files {
            failures.push(format!("golden/{name}/{}: {}\n{}", file.path, file.verdict.explain(), file.diff));
        }
        for extra in files(&golden).into_iter().filter(|f| !outputs.contains_key(f)) {
            failures.push(format!("golden/{name}/{extra}: not produced by the spec (remove it)"));
        }
    }
    assert!(
        failures.is_empty(),
        "golden trees differ (run `INCEPTION_BLESS=1 cargo test` and review the diff):\n{}",
        failures.join("\n")
    );
}

#[test]
fn compiling_twice_and_under_another_name_gives_the_same_bytes() {
    for (name, spec) in environments() {
        let text = std::fs::read_to_string(&spec).expect("read spec");
        let first = pipeline::compile_source(&SourceFile::new("a/inception.kdl", text.clone()), "inception.kdl")
            .expect("compiles");
        let second = pipeline::compile_source(&SourceFile::new("/elsewhere/b/inception.kdl", text), "inception.kdl")
            .expect("compiles");
        assert_eq!(first.outputs(), second.outputs(), "{name}: output depends on where the spec is");
    }
}
