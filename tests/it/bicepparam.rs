//! Every `.bicepparam` against the `.bicep` it uses: it names `./main.bicep`
//! or `./lab.bicep`, sets every parameter that has no default, and sets no
//! parameter the template lacks. pycep (the CI's Bicep parser) cannot read
//! `.bicepparam` files, so this line-based check stands in for it.
//!
//! The reader is deliberately simple and matches what inception writes:
//! one declaration per line, decorators on their own lines.

use std::collections::BTreeSet;

use inception::pipeline;
use inception::source::SourceFile;

use crate::infra::EDGE_SPECS;
use crate::support::environments;

/// `param NAME TYPE` lines: (name, has a default).
pub fn template_params(bicep: &str) -> Vec<(String, bool)> {
    bicep
        .lines()
        .filter_map(|line| line.strip_prefix("param "))
        .map(|rest| {
            let name = rest.split_whitespace().next().unwrap_or_default().to_owned();
            (name, rest.contains('='))
        })
        .collect()
}

/// `param NAME = VALUE` lines of a `.bicepparam`.
pub fn assigned_params(bicepparam: &str) -> BTreeSet<String> {
    bicepparam
        .lines()
        .filter_map(|line| line.strip_prefix("param "))
        .filter_map(|rest| rest.split_once('=').map(|(name, _)| name.trim().to_owned()))
        .collect()
}

/// The template a `.bicepparam` uses, from its `using` line.
fn using(bicepparam: &str) -> Option<&str> {
    bicepparam.lines().find_map(|l| l.strip_prefix("using '")).and_then(|rest| rest.strip_suffix('\''))
}

/// Check every `.bicepparam` of one compiled spec; returns the problems.
fn problems(name: &str, outputs: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in outputs.iter().filter(|(p, _)| p.ends_with(".bicepparam")) {
        let Some(target) = using(text) else {
            found.push(format!("{name}: {path} has no `using '…'` line"));
            continue;
        };
        if !matches!(target, "./main.bicep" | "./lab.bicep") {
            found.push(format!("{name}: {path} uses {target}, not ./main.bicep or ./lab.bicep"));
            continue;
        }
        let template_path = format!("infra/{}", target.trim_start_matches("./"));
        let Some(template) = outputs.get(&template_path) else {
            found.push(format!("{name}: {path} uses {template_path}, which is not generated"));
            continue;
        };
        let declared = template_params(template);
        let assigned = assigned_params(text);
        for (param, has_default) in &declared {
            if !has_default && !assigned.contains(param) {
                found.push(format!("{name}: {path} does not set `{param}`, which has no default"));
            }
        }
        for param in &assigned {
            if !declared.iter().any(|(d, _)| d == param) {
                found.push(format!("{name}: {path} sets `{param}`, which {template_path} does not declare"));
            }
        }
    }
    found
}

#[test]
fn the_reader_sees_defaults_decorators_and_assignments() {
    let bicep = "@description('x')\n@secure()\nparam token string\nparam size string = 'a'\nparam zones array = [\n  '1'\n]\n  param nested string\n";
    assert_eq!(
        template_params(bicep),
        [("token".to_owned(), false), ("size".to_owned(), true), ("zones".to_owned(), true)]
    );
    let params = "using './main.bicep'\n\nparam tier = 'dev'\nparam labs = [\n]\n// param commented = 1\n";
    assert_eq!(using(params), Some("./main.bicep"));
    assert_eq!(assigned_params(params), BTreeSet::from(["labs".to_owned(), "tier".to_owned()]));
}

#[test]
fn every_bicepparam_sets_exactly_the_parameters_its_template_needs() {
    let mut checked = 0;
    let mut found = Vec::new();
    for (name, spec) in environments() {
        let text = std::fs::read_to_string(&spec).expect("read spec");
        let compiled = pipeline::compile_source(&SourceFile::new(format!("{name}.kdl"), text), "inception.kdl")
            .expect("environment compiles");
        checked += compiled.outputs().keys().filter(|p| p.ends_with(".bicepparam")).count();
        found.extend(problems(&name, &compiled.outputs()));
    }
    for (name, text) in EDGE_SPECS {
        let compiled =
            pipeline::compile_source(&SourceFile::new(*name, *text), "inception.kdl").expect("edge spec compiles");
        checked += compiled.outputs().keys().filter(|p| p.ends_with(".bicepparam")).count();
        found.extend(problems(name, &compiled.outputs()));
    }
    // serenity alone has four tiers and the labs.
    assert!(checked >= 5, "only {checked} .bicepparam files were checked");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_missing_or_unknown_parameter_is_reported() {
    let mut outputs = std::collections::BTreeMap::new();
    outputs.insert("infra/main.bicep".to_owned(), "param tier string\nparam location string = 'x'\n".to_owned());
    outputs.insert(
        "infra/dev.bicepparam".to_owned(),
        "using './main.bicep'\nparam location = 'y'\nparam typo = 1\n".to_owned(),
    );
    let found = problems("fake", &outputs);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("does not set `tier`"), "{found:?}");
    assert!(found[1].contains("sets `typo`"), "{found:?}");
}
