//! The CLI end to end, through the real binary: exit codes, what is written,
//! what check says.

use crate::support::{TempDir, edit, files, inception, root, serenity_line, text, with_reference_spec};

#[test]
fn compile_then_check_is_clean_and_a_second_compile_writes_nothing() {
    let dir = with_reference_spec("clean");
    let out = inception(dir.path(), &["compile"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(dir.path().join(".devcontainer/Dockerfile").is_file());
    assert!(dir.path().join("inception.lock").is_file());
    let check = inception(dir.path(), &["check"]);
    let (stdout, stderr) = text(&check);
    assert_eq!(check.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.is_empty(), "a clean check prints no diff: {stdout}");
    assert!(stderr.contains("up to date"), "{stderr}");
    let again = inception(dir.path(), &["compile"]);
    let (stdout, _) = text(&again);
    assert!(stdout.contains("0 written, 0 removed"), "{stdout}");
}

#[test]
fn a_hand_edit_is_named_with_its_diff() {
    let dir = with_reference_spec("hand");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    let dockerfile = dir.path().join(".devcontainer/Dockerfile");
    let edited = std::fs::read_to_string(&dockerfile).unwrap().replace("USER 1000", "USER 0");
    std::fs::write(&dockerfile, edited).unwrap();
    let check = inception(dir.path(), &["check"]);
    let (stdout, stderr) = text(&check);
    assert_eq!(check.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("--- a/.devcontainer/Dockerfile"), "{stdout}");
    assert!(stdout.contains("-USER 0\n+USER 1000"), "{stdout}");
    assert!(stderr.contains(".devcontainer/Dockerfile: edited by hand"), "{stderr}");
    assert!(!stderr.contains("devcontainer.json"), "only the edited file is named: {stderr}");
}

#[test]
fn a_spec_edit_reports_spec_changed_for_every_affected_file() {
    let dir = with_reference_spec("spec");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    edit(&dir.path().join("inception.kdl"), "tool helm \"3.15.2\"", "tool helm \"3.15.3\"");
    let check = inception(dir.path(), &["check"]);
    let (stdout, stderr) = text(&check);
    assert_eq!(check.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains(".devcontainer/Dockerfile: the spec changed since the last compile"), "{stderr}");
    assert!(stderr.contains("inception.lock: the spec changed"), "{stderr}");
    assert!(stdout.contains("+ENV HELM_VERSION=3.15.3"), "{stdout}");
}

#[test]
fn a_comment_only_edit_says_exactly_that() {
    let dir = with_reference_spec("comment");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    let spec = dir.path().join("inception.kdl");
    let mut text_ = std::fs::read_to_string(&spec).unwrap();
    text_.push_str("// note\n");
    std::fs::write(&spec, text_).unwrap();
    let check = inception(dir.path(), &["check"]);
    let (stdout, stderr) = text(&check);
    assert_eq!(check.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("1 of "), "only the lock differs: {stderr}");
    assert!(
        stderr
            .contains("inception.lock: only comments or layout of the spec changed (every generated file is the same)"),
        "{stderr}"
    );
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    assert_eq!(inception(dir.path(), &["check"]).status.code(), Some(0));
}

#[test]
fn missing_and_stale_files_are_reported_and_compile_removes_only_owned_files() {
    let dir = with_reference_spec("stale");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    std::fs::remove_file(dir.path().join(".devcontainer/devcontainer.json")).unwrap();
    std::fs::write(dir.path().join(".devcontainer/notes.txt"), "mine\n").unwrap();
    // Drop the mount: docker-compose.yml is no longer produced.
    let spec = dir.path().join("inception.kdl");
    let edited: String = std::fs::read_to_string(&spec)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("mount "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&spec, edited).unwrap();
    let check = inception(dir.path(), &["check"]);
    let (_, stderr) = text(&check);
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr.contains(".devcontainer/devcontainer.json: missing"), "{stderr}");
    assert!(stderr.contains(".devcontainer/docker-compose.yml: no longer produced"), "{stderr}");
    let compile = inception(dir.path(), &["compile"]);
    assert!(text(&compile).0.contains("removed  .devcontainer/docker-compose.yml"));
    assert!(dir.path().join(".devcontainer/notes.txt").is_file(), "a file inception does not own is kept");
    assert_eq!(inception(dir.path(), &["check"]).status.code(), Some(0));
}

#[test]
fn a_bad_spec_exits_2_with_line_and_column_and_writes_nothing() {
    let dir = TempDir::new("bad");
    let spec = std::fs::read_to_string(root().join("environments/serenity/inception.kdl"))
        .unwrap()
        .replace("python \"3.9.13\"", "python \"3.9\"")
        .replace("replicas 6", "replica 6");
    std::fs::write(dir.path().join("inception.kdl"), spec).unwrap();
    let out = inception(dir.path(), &["compile"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    let python = format!("inception.kdl:{}:12", serenity_line("python "));
    assert!(stderr.contains(&python), "python error located at {python}: {stderr}");
    assert!(stderr.contains("did you mean `replicas`?"), "{stderr}");
    assert!(stderr.contains("2 problems; nothing was written"), "{stderr}");
    assert_eq!(files(dir.path()), vec!["inception.kdl".to_owned()], "nothing was written");
    assert_eq!(inception(dir.path(), &["check"]).status.code(), Some(2));
}

/// The writer opens the tree (its lock, leftovers) while the spec is still
/// being read: a bad spec still changes nothing, not even a killed
/// compile's leftovers, and makes no `--out` folder.
#[test]
fn a_bad_spec_changes_nothing_in_an_existing_tree_nor_makes_the_out_folder() {
    let dir = with_reference_spec("bad-tree");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    let leftover = dir.path().join("deploy/argocd/prod/api.yaml.7-7.tmp-inception");
    std::fs::write(&leftover, "x").unwrap();
    let before = files(dir.path());
    let spec = dir.path().join("inception.kdl");
    let text_of_spec = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, text_of_spec.replace("replicas 6", "replica 6")).unwrap();
    let out = inception(dir.path(), &["compile"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    let out_dir = dir.path().join("elsewhere");
    let to_out = inception(dir.path(), &["compile", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(to_out.status.code(), Some(2), "{:?}", text(&to_out));
    assert!(!out_dir.exists(), "a bad spec made the --out folder");
    assert_eq!(files(dir.path()), before, "a bad spec changed the tree");
    assert!(leftover.exists(), "a bad spec removed a leftover");
}

#[test]
fn two_folders_give_byte_identical_trees() {
    let a = with_reference_spec("det-a");
    let b = with_reference_spec("det-b");
    assert_eq!(inception(a.path(), &["compile", "--spec", "inception.kdl"]).status.code(), Some(0));
    assert_eq!(
        inception(root().as_path(), &["compile", "--spec", &b.path().display().to_string()]).status.code(),
        Some(0)
    );
    let listing = files(a.path());
    assert_eq!(listing, files(b.path()));
    for file in listing {
        assert_eq!(
            std::fs::read(a.path().join(&file)).unwrap(),
            std::fs::read(b.path().join(&file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn usage_errors_exit_2_and_a_missing_spec_says_where_it_looked() {
    let dir = TempDir::new("usage");
    assert_eq!(inception(dir.path(), &["frobnicate"]).status.code(), Some(2));
    let out = inception(dir.path(), &["check", "--spec", "missing.kdl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("no spec at `missing.kdl`"), "{:?}", text(&out));
}

#[test]
fn check_json_lists_drift_as_data() {
    let dir = with_reference_spec("json");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    std::fs::remove_file(dir.path().join(".devcontainer/Dockerfile")).unwrap();
    let out = inception(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(value["clean"], false);
    assert_eq!(value["drift"]["files"][0]["path"], ".devcontainer/Dockerfile");
    assert_eq!(value["drift"]["files"][0]["verdict"], "missing");
}

#[test]
fn compile_refuses_to_overwrite_files_it_did_not_write_unless_adopting() {
    let dir = with_reference_spec("adopt");
    std::fs::create_dir_all(dir.path().join(".devcontainer")).unwrap();
    let mine = dir.path().join(".devcontainer/Dockerfile");
    std::fs::write(&mine, "FROM my-own-image\n").unwrap();
    let refused = inception(dir.path(), &["compile"]);
    let (_, stderr) = text(&refused);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("inception did not write it: .devcontainer/Dockerfile"), "{stderr}");
    assert!(stderr.contains("--adopt"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "FROM my-own-image\n", "the user's file is untouched");
    assert_eq!(files(dir.path()), [".devcontainer/Dockerfile", "inception.kdl"], "nothing else was written");
    let adopted = inception(dir.path(), &["compile", "--adopt"]);
    assert_eq!(adopted.status.code(), Some(0), "{:?}", text(&adopted));
    assert_ne!(std::fs::read_to_string(&mine).unwrap(), "FROM my-own-image\n");
    // Owned now: a later hand edit is overwritten by a plain compile.
    std::fs::write(&mine, "FROM edited\n").unwrap();
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
}

#[test]
fn a_renamed_spec_is_a_spec_change_not_a_hand_edit() {
    let dir = with_reference_spec("rename");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    std::fs::rename(dir.path().join("inception.kdl"), dir.path().join("serenity.kdl")).unwrap();
    let check = inception(dir.path(), &["check", "--spec", "serenity.kdl"]);
    let (_, stderr) = text(&check);
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr.contains(".devcontainer/Dockerfile: the spec changed"), "{stderr}");
    assert!(!stderr.contains("edited by hand"), "{stderr}");
}

/// The line of `values-prod.yaml` that holds pricing's prod replicas override.
fn replicas_line(tree: &std::path::Path) -> usize {
    let values = std::fs::read_to_string(tree.join("deploy/values/pricing/values-prod.yaml")).unwrap();
    values.lines().position(|l| l.starts_with("replicas:")).unwrap() + 1
}

fn explained_node(out: &std::process::Output) -> (String, u64) {
    assert_eq!(out.status.code(), Some(0), "{:?}", text(out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    (value["sources"][0]["node"].as_str().unwrap().to_owned(), value["sources"][0]["line"].as_u64().unwrap())
}

#[test]
fn explain_finds_the_spec_from_an_absolute_or_relative_path_in_any_folder() {
    let dir = with_reference_spec("explain-anywhere");
    assert_eq!(inception(dir.path(), &["compile"]).status.code(), Some(0));
    let line = replicas_line(dir.path());
    let absolute = format!("{}:{line}", dir.path().join("deploy/values/pricing/values-prod.yaml").display());
    let expected = ("service pricing/tier prod".to_owned(), pricing_override_line());
    // From an unrelated folder, the spec is found by walking up from the file.
    assert_eq!(explained_node(&inception(&root(), &["explain", &absolute, "--format", "json"])), expected);
    // Relative to the current folder, from inside the tree.
    let values = dir.path().join("deploy/values");
    let relative = format!("pricing/values-prod.yaml:{line}");
    assert_eq!(explained_node(&inception(&values, &["explain", &relative, "--format", "json"])), expected);
    // Relative to the spec's folder, as the lock and `check` name files.
    let from_root = format!("deploy/values/pricing/values-prod.yaml:{line}");
    assert_eq!(explained_node(&inception(&values, &["explain", &from_root, "--format", "json"])), expected);
}

#[test]
fn every_command_takes_the_spec_and_the_tree_the_same_way() {
    let dir = TempDir::new("grammar");
    let out = dir.path().join("tree");
    let spec = root().join("environments/serenity/inception.kdl").display().to_string();
    let out_arg = out.display().to_string();
    let compile = inception(dir.path(), &["compile", "--spec", &spec, "--out", &out_arg]);
    assert_eq!(compile.status.code(), Some(0), "{:?}", text(&compile));
    assert!(out.join("inception.lock").is_file() && out.join(".devcontainer/Dockerfile").is_file());
    assert_eq!(files(&out), files(&root().join("golden/serenity")), "--out writes the golden tree");
    let check = inception(dir.path(), &["check", "--spec", &spec, "--out", &out_arg]);
    assert_eq!(check.status.code(), Some(0), "{:?}", text(&check));
    // `--spec` may come before the command too, and names a file or its folder.
    let folder = root().join("environments/serenity").display().to_string();
    for args in [
        vec!["--spec", folder.as_str(), "lint"],
        vec!["lint", "--spec", spec.as_str()],
        vec!["symmetry", "staging", "prod", "--spec", folder.as_str()],
        vec!["graph", "--spec", folder.as_str(), "--format", "json"],
        vec!["fmt", "--check", "--spec", folder.as_str()],
    ] {
        let run = inception(dir.path(), &args);
        assert_eq!(run.status.code(), Some(0), "{args:?}: {:?}", text(&run));
    }
    let line = replicas_line(&out);
    let target = format!("{}:{line}", out.join("deploy/values/pricing/values-prod.yaml").display());
    let explained =
        inception(dir.path(), &["explain", &target, "--spec", &spec, "--out", &out_arg, "--format", "json"]);
    assert_eq!(explained_node(&explained), ("service pricing/tier prod".to_owned(), pricing_override_line()));
}

#[test]
fn a_command_without_a_spec_in_reach_says_how_to_name_one() {
    let dir = TempDir::new("nospec");
    for command in ["compile", "check", "lint", "graph", "symmetry", "fmt"] {
        let out = inception(dir.path(), &[command]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains("no inception.kdl in") && stderr.contains("--spec PATH"), "{command}: {stderr}");
    }
    assert!(files(dir.path()).is_empty(), "nothing is written");
}

#[test]
fn compile_finds_the_spec_from_a_subfolder() {
    let dir = with_reference_spec("subfolder");
    let sub = dir.path().join("services/pricing");
    std::fs::create_dir_all(&sub).unwrap();
    assert_eq!(inception(&sub, &["compile"]).status.code(), Some(0));
    assert!(dir.path().join("inception.lock").is_file(), "the tree is written beside the spec");
    assert!(!sub.join("inception.lock").exists());
    assert_eq!(inception(&sub, &["check"]).status.code(), Some(0));
}

/// The line of pricing's prod override in the reference spec.
fn pricing_override_line() -> u64 {
    crate::support::serenity_line("tier prod reason=\"Asian and US trading hours overlap\"") as u64
}
