//! The pre-commit hooks, for real: the `pre-commit` tool from PyPI installs
//! this repository's `.pre-commit-hooks.yaml` into a throwaway git
//! repository; a commit with a hand-edited generated file is blocked with its
//! diff, and a clean commit passes.
//!
//! Needs `pre-commit` (scripts/install-tools puts it in `.tools/venv`) and
//! builds inception with cargo the way pre-commit does (a release build: slow
//! the first time). Without the tool it fails, naming the install step.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{TempDir, inception, root};

fn tools() -> PathBuf {
    std::env::var_os("INCEPTION_TOOLS").map_or_else(|| root().join(".tools"), PathBuf::from)
}

fn run(dir: &Path, program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", tools().join("state/pre-commit"))
        .env("CARGO_TARGET_DIR", root().join("target/pre-commit"))
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("run a program")
}

fn git(dir: &Path, args: &[&str]) -> Output {
    run(dir, Path::new("git"), &[&["-c", "commit.gpgsign=false"], args].concat())
}

fn all(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn pre_commit_blocks_a_drifted_commit_and_passes_a_clean_one() {
    let pre_commit = tools().join("venv/bin/pre-commit");
    assert!(
        pre_commit.is_file(),
        "pre-commit is not installed at {}: run scripts/install-tools (scripts/test does)",
        pre_commit.display()
    );
    let head = git(&root(), &["rev-parse", "HEAD"]);
    assert!(head.status.success(), "the project is a git checkout");
    let rev = String::from_utf8_lossy(&head.stdout).trim().to_owned();

    let dir = TempDir::new("precommit");
    let repo = dir.path();
    assert!(git(repo, &["init", "-q"]).status.success());
    std::fs::write(
        repo.join("inception.kdl"),
        std::fs::read(root().join("environments/minimal/inception.kdl")).unwrap(),
    )
    .unwrap();
    assert_eq!(inception(repo, &["compile"]).status.code(), Some(0));
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: inception-check\n      - id: inception-fmt\n",
        root().display()
    );
    std::fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    let install = run(repo, &pre_commit, &["install"]);
    assert!(install.status.success(), "{}", all(&install));
    assert!(git(repo, &["add", "-A"]).status.success());
    let clean = git(repo, &["commit", "-q", "-m", "clean"]);
    assert!(clean.status.success(), "a clean commit passes:\n{}", all(&clean));

    let dockerfile = repo.join(".devcontainer/Dockerfile");
    let edited = std::fs::read_to_string(&dockerfile).unwrap().replace("USER 1000", "USER 0");
    std::fs::write(&dockerfile, edited).unwrap();
    assert!(git(repo, &["add", "-A"]).status.success());
    let drifted = git(repo, &["commit", "-q", "-m", "drifted"]);
    let output = all(&drifted);
    assert!(!drifted.status.success(), "a drifted commit is blocked:\n{output}");
    assert!(output.contains("inception check") && output.contains("Failed"), "{output}");
    assert!(output.contains("-USER 0\n+USER 1000"), "the diff is shown:\n{output}");
    assert!(output.contains(".devcontainer/Dockerfile: edited by hand"), "{output}");
}
