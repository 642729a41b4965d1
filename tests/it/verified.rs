//! The fast path of `check` and of a no-op `compile` (issue 15): a tree is
//! proven up to date by hashing its files against the lock the last render of
//! the same spec by the same build wrote (recorded in `.git/inception/`).
//! It may only ever say "clean": every kind of drift (a generated file, the
//! lock, both edited to agree, the spec, missing, temporary and foreign files)
//! is still found, with the same verdicts and diffs as the full render.

use std::path::Path;

use inception::commands::check::check_tree;
use inception::commands::compile::compile_into;
use inception::emit::{self, Fingerprint, SpecLocation};
use inception::source::SourceFile;
use sha2::{Digest, Sha256};

use crate::support::{TempDir, edit, inception, text, with_reference_spec};

/// A compiled copy of the reference environment inside a git repository.
fn compiled_repository(label: &str) -> (TempDir, SpecLocation, SourceFile) {
    let dir = with_reference_spec(label);
    std::fs::create_dir(dir.path().join(".git")).expect("a git folder");
    let location = SpecLocation::find(dir.path());
    let source = emit::read_spec(&location).expect("read the spec");
    compile_into(&location, &source, false, false).expect("compile");
    (dir, location, source)
}

fn fingerprint(location: &SpecLocation, source: &SourceFile) -> Fingerprint {
    Fingerprint::of(&location.spec_name(), source.text()).expect("the test binary has an identity")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `check` with and without the fast path, as JSON (verdicts and diffs).
fn both_checks(location: &SpecLocation, source: &SourceFile) -> (String, String) {
    let fast = check_tree(location, source, false).expect("check");
    let full = check_tree(location, source, true).expect("check --full");
    let json = |d: &emit::Drift| serde_json::to_string_pretty(d).expect("json");
    (json(&fast), json(&full))
}

#[test]
fn an_up_to_date_tree_is_proven_without_rendering() {
    let (dir, location, source) = compiled_repository("verified-clean");
    let names: Vec<String> = std::fs::read_dir(dir.path().join(".git/inception"))
        .expect("records")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    // One verified-render record per tree, and the render units' keys beside it.
    assert_eq!(names.iter().filter(|n| n.starts_with("verified-")).count(), 1, "one record per tree: {names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("units-")).count(), 1, "one units record per tree: {names:?}");
    // And its clean mark: no compile left a temporary file in it.
    assert_eq!(names.iter().filter(|n| n.starts_with("clean-")).count(), 1, "one clean mark per tree: {names:?}");
    assert_eq!(names.len(), 3, "{names:?}");
    let files =
        crate::support::files(dir.path()).iter().filter(|f| !f.starts_with(".git/") && *f != "inception.kdl").count();
    assert_eq!(emit::verify(dir.path(), &fingerprint(&location, &source)).expect("verify"), Some(files));
    let (fast, full) = both_checks(&location, &source);
    assert_eq!(fast, full);
    assert!(check_tree(&location, &source, false).expect("check").is_clean());
    // A no-op compile reports what the full one does, and writes nothing.
    let before = crate::support::files(dir.path());
    let noop = compile_into(&location, &source, false, false).expect("compile");
    assert!(noop.written.is_empty() && noop.removed.is_empty() && noop.unchanged == files);
    assert_eq!(crate::support::files(dir.path()), before);
}

#[test]
fn a_tree_outside_a_repository_is_always_rendered() {
    let dir = with_reference_spec("verified-no-git");
    let location = SpecLocation::find(dir.path());
    let source = emit::read_spec(&location).expect("read the spec");
    compile_into(&location, &source, false, false).expect("compile");
    assert_eq!(emit::verify(dir.path(), &fingerprint(&location, &source)).expect("verify"), None);
    assert!(check_tree(&location, &source, false).expect("check").is_clean());
}

#[test]
fn every_drift_is_still_found_with_the_verdicts_of_a_full_check() {
    type Mutation = fn(&Path);
    let mutations: [(&str, Mutation); 7] = [
        ("a generated file edited", |root| {
            edit(&root.join(".devcontainer/Dockerfile"), "FROM", "FROM  ");
        }),
        ("a generated file and its lock entry edited to agree", |root| {
            let file = root.join("deploy/argocd/local/api.yaml");
            let old = sha256_hex(&std::fs::read(&file).expect("read"));
            std::fs::write(&file, "# mine\n").expect("write");
            edit(&root.join("inception.lock"), &old, &sha256_hex(b"# mine\n"));
        }),
        ("only the lock edited", |root| {
            edit(&root.join("inception.lock"), "\"artifacts\"", "\"artifacts\" ");
        }),
        ("a generated file removed", |root| {
            std::fs::remove_file(root.join("deploy/argocd/local/api.yaml")).expect("remove");
        }),
        ("a temporary file left", |root| {
            std::fs::write(root.join("deploy/argocd/local/api.yaml.1-0.tmp-inception"), "x").expect("write");
        }),
        ("a journal left", |root| {
            std::fs::copy(root.join("inception.lock"), root.join("inception.lock.pending")).expect("copy");
        }),
        ("a foreign file in a folder Argo CD applies whole", |root| {
            std::fs::write(root.join("deploy/argocd/local/extra.yaml"), "kind: ConfigMap\n").expect("write");
        }),
    ];
    for (what, mutate) in mutations {
        let (dir, location, source) = compiled_repository("verified-drift");
        mutate(dir.path());
        assert_eq!(emit::verify(dir.path(), &fingerprint(&location, &source)).expect("verify"), None, "{what}");
        let (fast, full) = both_checks(&location, &source);
        assert_eq!(fast, full, "{what}");
        assert!(!check_tree(&location, &source, false).expect("check").is_clean(), "{what}");
    }
}

#[test]
fn a_spec_edit_is_rendered_and_found() {
    let (dir, location, _) = compiled_repository("verified-spec");
    let spec = dir.path().join("inception.kdl");
    let original = std::fs::read_to_string(&spec).expect("read");
    let replicas = original.find("replicas ").expect("a replicas line");
    let line_end = replicas + original[replicas..].find('\n').expect("its end");
    std::fs::write(&spec, format!("{}replicas 7{}", &original[..replicas], &original[line_end..])).expect("write");
    let source = emit::read_spec(&location).expect("read the spec");
    assert_eq!(emit::verify(dir.path(), &fingerprint(&location, &source)).expect("verify"), None);
    let (fast, full) = both_checks(&location, &source);
    assert_eq!(fast, full);
    assert!(fast.contains("spec-changed"), "{fast}");
    // Compiled, the edit is recorded: the next check is proven again.
    let report = compile_into(&location, &source, false, false).expect("compile");
    assert!(!report.written.is_empty());
    assert!(emit::verify(dir.path(), &fingerprint(&location, &source)).expect("verify").is_some());
}

#[test]
fn the_binary_says_the_same_with_and_without_full() {
    let dir = with_reference_spec("verified-binary");
    std::fs::create_dir(dir.path().join(".git")).expect("a git folder");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    for args in [["compile", "--full"], ["check", "--full"]] {
        let fast = inception(dir.path(), &args[..1]);
        let full = inception(dir.path(), &args);
        assert_eq!((fast.status.code(), text(&fast)), (full.status.code(), text(&full)), "{args:?}");
        assert_eq!(fast.status.code(), Some(0), "{args:?}");
    }
    assert!(dir.path().join(".git/inception").read_dir().expect("records").next().is_some());
    edit(&dir.path().join(".devcontainer/devcontainer.json"), "{", "{ ");
    let fast = inception(dir.path(), &["check"]);
    let full = inception(dir.path(), &["check", "--full"]);
    assert_eq!(fast.status.code(), Some(1));
    assert_eq!((fast.status.code(), text(&fast)), (full.status.code(), text(&full)));
}

/// The trade-off, stated: the record is trusted. Whoever can write the git
/// folder can forge a record for a hand-edited file and lock; `check --full`
/// (CI, on a fresh clone that has no record at all) renders and finds them.
#[test]
fn a_forged_record_is_trusted_and_full_finds_the_edit() {
    let (dir, location, source) = compiled_repository("verified-forged");
    let root = dir.path();
    let file = root.join("deploy/argocd/local/api.yaml");
    let old = sha256_hex(&std::fs::read(&file).expect("read"));
    std::fs::write(&file, "# mine\n").expect("write");
    edit(&root.join("inception.lock"), &old, &sha256_hex(b"# mine\n"));
    let lock = sha256_hex(&std::fs::read(root.join("inception.lock")).expect("read"));
    for record in std::fs::read_dir(root.join(".git/inception")).expect("records") {
        let path = record.expect("record").path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("clean-")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines[2] = lock.clone();
        std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    }
    assert!(check_tree(&location, &source, false).expect("check").is_clean());
    let full = check_tree(&location, &source, true).expect("check --full");
    let drifted: Vec<&str> = full.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(drifted, ["deploy/argocd/local/api.yaml", "inception.lock"]);
}

/// A pre-commit hook's inception and a developer's are different builds:
/// each keeps its own record, so neither makes the other render again.
#[test]
fn each_build_keeps_its_own_record() {
    let dir = with_reference_spec("verified-builds");
    std::fs::create_dir(dir.path().join(".git")).expect("a git folder");
    let other = dir.path().join("other-inception");
    std::fs::copy(env!("CARGO_BIN_EXE_inception"), &other).expect("a second build");
    let run_other = |args: &[&str]| {
        std::process::Command::new(&other).args(args).current_dir(dir.path()).output().expect("run the second build")
    };
    let records = || {
        std::fs::read_dir(dir.path().join(".git/inception")).map_or(0, |entries| {
            entries
                .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().starts_with("verified-")))
                .count()
        })
    };
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    assert_eq!(records(), 1);
    assert_eq!(run_other(&["check"]).status.code(), Some(0));
    assert_eq!(records(), 2, "the second build records its own render");
    for _ in 0..2 {
        assert_eq!(inception(dir.path(), &["check"]).status.code(), Some(0));
        assert_eq!(run_other(&["check"]).status.code(), Some(0));
    }
    assert_eq!(records(), 2);
}
