//! The writer against a hostile or interrupted file system (issue 13):
//! crafted locks, symbolic links, kill -9 at any point, concurrent compiles,
//! and what `check` reports that compile did not write.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{TempDir, edit, files, inception, text, with_reference_spec};

fn compile_ok(dir: &Path) {
    let output = inception(dir, &["compile"]);
    assert_eq!(output.status.code(), Some(0), "compile failed:\n{}", text(&output).1);
}

fn check_code(dir: &Path) -> (Option<i32>, String) {
    let output = inception(dir, &["check"]);
    let (_, stderr) = text(&output);
    (output.status.code(), stderr)
}

/// Every temporary file or journal under `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    files(dir).into_iter().filter(|f| f.ends_with(".tmp-inception") || f.ends_with("inception.lock.pending")).collect()
}

/// Rewrite the lock's artifact list to `entries` (path, bytes).
fn craft_lock(dir: &Path, entries: &[(&str, &[u8])]) {
    let lock_path = dir.join("inception.lock");
    let mut lock: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&lock_path).expect("lock")).expect("lock JSON");
    let artifacts = lock["artifacts"].as_array_mut().expect("artifacts");
    for (path, bytes) in entries {
        artifacts.push(serde_json::json!({ "path": path, "sha256": sha256_hex(bytes), "sources": [] }));
    }
    std::fs::write(&lock_path, serde_json::to_string_pretty(&lock).expect("JSON")).expect("write lock");
}

#[test]
fn a_crafted_lock_cannot_make_compile_delete_the_spec_or_sources() {
    let dir = with_reference_spec("crafted-lock");
    compile_ok(dir.path());
    let spec = std::fs::read(dir.path().join("inception.kdl")).expect("spec");
    std::fs::create_dir_all(dir.path().join("src")).expect("mkdir");
    std::fs::write(dir.path().join("src/app.py"), "print('hi')\n").expect("source");
    craft_lock(
        dir.path(),
        &[("inception.kdl", &spec), ("src/app.py", b"print('hi')\n"), ("deploy/../src/app.py", b"print('hi')\n")],
    );
    let output = inception(dir.path(), &["compile", "--adopt"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    assert!(dir.path().join("inception.kdl").is_file(), "the spec was deleted");
    assert!(dir.path().join("src/app.py").is_file(), "a source file was deleted");
}

#[test]
fn a_stale_file_edited_since_it_was_written_is_kept() {
    let dir = with_reference_spec("stale-edited");
    compile_ok(dir.path());
    let values = dir.path().join("deploy/values/api/values-prod.yaml");
    std::fs::write(&values, "# my notes\n").expect("edit");
    // The spec no longer produces the prod files.
    let spec = std::fs::read_to_string(dir.path().join("inception.kdl")).expect("spec");
    edit(&dir.path().join("inception.kdl"), &crate::support::tier_block(&spec, "prod"), "");
    edit(
        &dir.path().join("inception.kdl"),
        "    tier prod reason=\"Asian and US trading hours overlap\" {\n        replicas 6\n        resources cpu=\"2\" memory=\"4Gi\"\n    }\n",
        "",
    );
    edit(
        &dir.path().join("inception.kdl"),
        "    tier prod reason=\"three brokers survive a zone outage\" {\n        value replicas 3\n        value storage \"100Gi\"\n    }\n",
        "",
    );
    edit(
        &dir.path().join("inception.kdl"),
        "    tier prod reason=\"a synchronous standby in another zone\" {\n        value \"cluster.instances\" 3\n        value \"cluster.storage.size\" \"200Gi\"\n    }\n",
        "",
    );
    edit(
        &dir.path().join("inception.kdl"),
        "    tier prod reason=\"customers use the short name\" {\n        expose host=\"api.serenity.example.com\"\n    }\n",
        "",
    );
    edit(
        &dir.path().join("inception.kdl"),
        "    tier prod {\n        cluster-admins \"c8e3f7a2-5b1d-4e9c-a6f0-3b7d2e9c1a58\"\n        secret-operators \"e2b9d4c7-6a3f-4d15-b8e1-9f4c2a7d3b62\"\n        operator-ip-ranges \"203.0.113.0/24\"\n        api-server-ip-ranges \"203.0.113.0/24\" \"198.51.100.0/24\"\n        maintenance Saturday hour=3 hours=4   // the quietest trading hours\n    }\n",
        "",
    );
    let output = inception(dir.path(), &["compile"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(std::fs::read_to_string(&values).expect("kept"), "# my notes\n");
    assert!(stderr.contains("kept     deploy/values/api/values-prod.yaml"), "{stderr}");
    assert!(stdout.contains("removed  deploy/argocd/prod/api.yaml"), "unedited stale files still go:\n{stdout}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_folder_is_refused_and_nothing_is_written_through_it() {
    let dir = with_reference_spec("symlink-folder");
    let outside = TempDir::new("outside");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("deploy")).expect("symlink");
    let output = inception(dir.path(), &["compile"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    assert!(files(outside.path()).is_empty(), "written outside the tree: {:?}", files(outside.path()));
}

#[cfg(unix)]
#[test]
fn a_planted_temporary_symlink_does_not_overwrite_its_target() {
    let dir = with_reference_spec("planted-temp");
    let outside = TempDir::new("victim");
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious\n").expect("victim");
    std::fs::create_dir_all(dir.path().join(".devcontainer")).expect("mkdir");
    for name in ["Dockerfile.tmp-inception", &format!("Dockerfile.{}-0.tmp-inception", std::process::id())] {
        std::os::unix::fs::symlink(&victim, dir.path().join(".devcontainer").join(name)).expect("symlink");
    }
    compile_ok(dir.path());
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "precious\n");
    assert!(temporaries(dir.path()).is_empty(), "{:?}", temporaries(dir.path()));
    assert_eq!(check_code(dir.path()).0, Some(0));
}

#[cfg(unix)]
#[test]
fn stale_removal_never_follows_a_symlinked_folder() {
    let dir = with_reference_spec("symlink-stale");
    compile_ok(dir.path());
    let outside = TempDir::new("outside-stale");
    std::fs::write(outside.path().join("x.yaml"), "keep\n").expect("outside file");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("deploy/evil")).expect("symlink");
    craft_lock(dir.path(), &[("deploy/evil/x.yaml", b"keep\n")]);
    let output = inception(dir.path(), &["compile", "--adopt"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    assert!(outside.path().join("x.yaml").is_file(), "removed through a symlink");
}

#[test]
fn check_reports_temporary_files_and_files_added_to_generated_folders() {
    let dir = with_reference_spec("leftovers");
    compile_ok(dir.path());
    std::fs::write(dir.path().join("deploy/argocd/prod/extra.yaml"), "kind: Secret\n").expect("foreign");
    std::fs::write(dir.path().join("deploy/argocd/prod/api.yaml.77-3.tmp-inception"), "x").expect("temp");
    std::fs::write(dir.path().join("inception.lock.pending"), "{}").expect("journal");
    // In a folder no spec produces (a killed compile of another spec made it).
    std::fs::create_dir_all(dir.path().join("deploy/argocd/ghost")).expect("mkdir");
    std::fs::write(dir.path().join("deploy/argocd/ghost/a.yaml.9-9.tmp-inception"), "x").expect("temp");
    std::fs::create_dir_all(dir.path().join(".vscode")).expect("mkdir");
    std::fs::write(dir.path().join(".vscode/settings.json"), "{}").expect("user file");
    let (code, stderr) = check_code(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("deploy/argocd/prod/extra.yaml: not written by inception, inside a generated folder"),
        "{stderr}"
    );
    assert!(
        stderr.contains("deploy/argocd/prod/api.yaml.77-3.tmp-inception: left by an interrupted compile"),
        "{stderr}"
    );
    assert!(stderr.contains("inception.lock.pending: left by an interrupted compile"), "{stderr}");
    assert!(stderr.contains("deploy/argocd/ghost/a.yaml.9-9.tmp-inception: left by"), "{stderr}");
    assert!(!stderr.contains("settings.json"), "an editor folder's own files are not foreign: {stderr}");
    // Compile cleans up the temporary files; the foreign file stays reported.
    compile_ok(dir.path());
    assert!(temporaries(dir.path()).is_empty(), "{:?}", temporaries(dir.path()));
    let (code, stderr) = check_code(dir.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("extra.yaml") && !stderr.contains("tmp-inception"), "{stderr}");
}

#[test]
fn concurrent_compiles_of_one_folder_leave_a_tree_check_accepts() {
    let dir = with_reference_spec("concurrent");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_inception"))
                .arg("compile")
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let (code, stderr) = check_code(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(temporaries(dir.path()).is_empty());
}

/// The clean marks of the trees of the repository at `dir`.
fn clean_marks(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(read) = std::fs::read_dir(dir.join(".git/inception")) else { return Vec::new() };
    read.filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("clean-")))
        .collect()
}

#[test]
fn a_compile_killed_after_writing_temporary_files_leaves_its_tree_walked_next_time() {
    // In a repository, a compile that put every file in place marks the
    // tree clean, and the next compile lists only the root for temporary
    // files. A compile removes the mark before its first temporary file,
    // so one killed after it leaves files in generated folders and no mark:
    // the state made here.
    let dir = with_reference_spec("killed-marked");
    std::fs::create_dir(dir.path().join(".git")).expect("a git folder");
    compile_ok(dir.path());
    let marks = clean_marks(dir.path());
    assert_eq!(marks.len(), 1, "{marks:?}");
    {
        // The mark goes before the first temporary file is written...
        let mut writer = inception::emit::Writer::open(dir.path(), false).expect("open the tree");
        writer.stage(&[("deploy/argocd/prod/api.yaml", "changed\n")]).expect("stage");
        assert!(clean_marks(dir.path()).is_empty(), "a temporary file written in a tree still marked clean");
        // ... and an unfinished write removes its files, not leaving the mark.
    }
    assert!(temporaries(dir.path()).is_empty() && clean_marks(dir.path()).is_empty());
    std::fs::write(&marks[0], "").expect("mark again");
    let left = dir.path().join("deploy/argocd/prod/api.yaml.4242-1.tmp-inception");
    std::fs::write(&left, "half").expect("a temporary file");
    std::fs::remove_file(&marks[0]).expect("unmark");
    edit(&dir.path().join("inception.kdl"), "replicas 2", "replicas 3");
    compile_ok(dir.path());
    assert!(temporaries(dir.path()).is_empty(), "{:?}", temporaries(dir.path()));
    assert_eq!(clean_marks(dir.path()).len(), 1, "marked again");
    assert_eq!(check_code(dir.path()).0, Some(0));
}

#[test]
fn a_temporary_file_in_a_tree_marked_clean_is_reported_then_removed() {
    // Only a hand puts a temporary file in a tree marked clean: a compile
    // of an edited spec does not see it (one of the unchanged spec proves
    // the tree, temporary files included, and finds it), `check` reports
    // it and unmarks the tree, and the next compile removes it.
    let dir = with_reference_spec("planted-marked");
    std::fs::create_dir(dir.path().join(".git")).expect("a git folder");
    compile_ok(dir.path());
    let planted = dir.path().join("deploy/argocd/prod/api.yaml.4242-1.tmp-inception");
    std::fs::write(&planted, "x").expect("a temporary file");
    // In the root it is seen at once.
    let in_root = dir.path().join("inception.kdl.4242-2.tmp-inception");
    std::fs::write(&in_root, "x").expect("a temporary file");
    edit(&dir.path().join("inception.kdl"), "replicas 2", "replicas 3");
    compile_ok(dir.path());
    assert!(planted.is_file(), "not looked for");
    assert!(!in_root.exists(), "the root is listed");
    let (code, stderr) = check_code(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("api.yaml.4242-1.tmp-inception: left by an interrupted compile"), "{stderr}");
    assert!(clean_marks(dir.path()).is_empty(), "check unmarks the tree");
    compile_ok(dir.path());
    assert!(temporaries(dir.path()).is_empty(), "{:?}", temporaries(dir.path()));
    assert_eq!(check_code(dir.path()).0, Some(0));
}

#[test]
fn files_a_killed_first_compile_renamed_are_its_own_on_the_next_compile() {
    // The state kill -9 leaves between the renames and the lock: files in
    // place, no lock, the journal naming them.
    let dir = with_reference_spec("killed-first");
    compile_ok(dir.path());
    std::fs::rename(dir.path().join("inception.lock"), dir.path().join("inception.lock.pending")).expect("journal");
    // The spec changes before the next compile.
    edit(&dir.path().join("inception.kdl"), "replicas 2", "replicas 3");
    let output = inception(dir.path(), &["compile"]);
    assert_eq!(output.status.code(), Some(0), "refused without --adopt:\n{}", text(&output).1);
    assert_eq!(check_code(dir.path()).0, Some(0));
    assert!(temporaries(dir.path()).is_empty(), "{:?}", temporaries(dir.path()));
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

#[test]
fn kill_9_at_random_points_then_one_compile_gives_a_tree_check_accepts() {
    let dir = with_reference_spec("kill-9");
    let spec = dir.path().join("inception.kdl");
    let original = std::fs::read_to_string(&spec).expect("spec");
    // Three specs that differ in many files (and in which files exist), so
    // every compile has renames and removals to be killed in the middle of,
    // and files a killed compile wrote differ from what the next one writes.
    let without_beta = original
        .replace(&crate::support::tier_block(&original, "beta"), "")
        .replace(
            "    tier beta {\n        cluster-admins \"c8e3f7a2-5b1d-4e9c-a6f0-3b7d2e9c1a58\"\n        secret-operators \"e2b9d4c7-6a3f-4d15-b8e1-9f4c2a7d3b62\"\n        operator-ip-ranges \"203.0.113.0/24\"\n    }\n",
            "",
        );
    let beta = crate::support::tier_block(&original, "beta");
    let beta_commit = beta.split('"').nth(1).expect("beta's commit").to_owned();
    let next_beta = original.replace(&beta_commit, &"9".repeat(40)).replace("replicas 2", "replicas 3");
    let specs = [&original, &without_beta, &next_beta];
    let seed = std::env::var("INCEPTION_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    let mut random = Lcg(seed);
    // Calibrate: how long one compile takes here.
    let calibration = with_reference_spec("kill-9-calibration");
    let started = std::time::Instant::now();
    compile_ok(calibration.path());
    let full = started.elapsed().as_micros().max(1_000) as u64;
    for round in 0..50 {
        // Now and then start from nothing, as a first compile does: files
        // appear before any lock names them.
        if round % 10 == 0 {
            for entry in std::fs::read_dir(dir.path()).expect("read dir").filter_map(Result::ok) {
                if entry.file_name() != "inception.kdl" {
                    let path = entry.path();
                    let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
                }
            }
        }
        std::fs::write(&spec, specs[round % 3]).expect("spec");
        let mut child = Command::new(env!("CARGO_BIN_EXE_inception"))
            .arg("compile")
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Mostly late, where the writing happens.
        std::thread::sleep(Duration::from_micros(full / 3 + random.next(full)));
        let _ = child.kill();
        let _ = child.wait();
    }
    // One more compile, without --adopt, restores a consistent tree.
    let output = inception(dir.path(), &["compile"]);
    assert_eq!(output.status.code(), Some(0), "seed {seed}: {}", text(&output).1);
    let (code, stderr) = check_code(dir.path());
    assert_eq!(code, Some(0), "seed {seed}: {stderr}");
    assert!(temporaries(dir.path()).is_empty(), "seed {seed}: {:?}", temporaries(dir.path()));
}

/// The lowercase hex sha256 of `bytes`, as the lock records it.
fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes.as_ref()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_generated_file_lies_where_compile_may_clean_and_remove() {
    // A new kind of artifact outside the generated roots would never have
    // its temporaries cleaned nor be removed when stale.
    for (name, spec) in crate::support::environments() {
        let text = std::fs::read_to_string(&spec).expect("spec");
        let compiled = inception::pipeline::compile_source(
            &inception::source::SourceFile::new("inception.kdl", text),
            "inception.kdl",
        )
        .expect("compiles");
        for path in compiled.outputs().keys().filter(|p| p.as_str() != "inception.lock") {
            assert!(inception::emit::safety::is_generated_path(path), "{name}: {path} is outside the generated roots");
        }
    }
}
