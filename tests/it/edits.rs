//! Random one-line edits (issue 15): compiling an edited spec into the tree
//! of the previous compile (which rewrites only the files that change)
//! leaves exactly the bytes of a cold compile of the edited spec into an
//! empty folder, and `check` then finds the tree clean.
//!
//! The edited tree is compiled as `inception compile` does, inside a git
//! repository, so after each edit `check`'s fast path (hashes against the
//! recorded lock, no render) must prove the tree up to date as well.
//!
//! `INCEPTION_EDIT_CASES=N` runs N edits (default 25);
//! `INCEPTION_EDIT_SEED=S` replays a run.

use std::path::{Path, PathBuf};

use inception::commands;
use inception::emit::{self, SpecLocation};
use inception::pipeline;
use inception::source::SourceFile;

use crate::support::TempDir;

struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// One service per entry: (replicas, port, shard, needs, staging override, removed).
#[derive(Clone)]
struct Service {
    replicas: usize,
    port: usize,
    shard: String,
    needs: Vec<usize>,
    staging: Option<usize>,
    removed: bool,
}

fn text(services: &[Service], revision: &str) -> String {
    let mut text = String::from(
        "inception 1\nproject edits {\n    repo \"https://example.com/edits.git\"\n    registry \"editsacr.azurecr.io\"\n}\n\
         toolchain {\n    base \"debian:12.5\"\n    tool kubectl \"1.29.6\"\n    tool minikube \"1.33.1\"\n    docker-in-docker \"26.1.4\"\n}\n\
         tier local {\n    cluster minikube\n    revision HEAD\n}\n",
    );
    text.push_str(&format!(
        "tier staging {{\n    cluster aks\n    revision \"{revision}\"\n}}\ntier prod {{\n    cluster aks\n    revision \"f3bd875e697edee49d15ba046e95b21634aa9f18\"\n}}\n"
    ));
    text.push_str("azure {\n    location eastus\n}\n");
    for (i, s) in services.iter().enumerate().filter(|(_, s)| !s.removed) {
        text.push_str(&format!(
            "service s{i} {{\n    image \"registry.example.com/s{i}:1.0.{i}@sha256:{i:064x}\"\n    port {}\n",
            s.port
        ));
        let needs: Vec<String> = s.needs.iter().filter(|n| !services[**n].removed).map(|n| format!("s{n}")).collect();
        if !needs.is_empty() {
            text.push_str(&format!("    needs {}\n", needs.join(" ")));
        }
        text.push_str(&format!("    env LOG_LEVEL=info SHARD=\"{}\"\n    replicas {}\n", s.shard, s.replicas));
        if let Some(replicas) = s.staging {
            text.push_str(&format!("    tier staging reason=\"load\" {{\n        replicas {replicas}\n    }}\n"));
        }
        text.push_str("}\n");
    }
    text
}

fn compile_into(dir: &Path, text: &str) {
    let compiled = pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl")
        .unwrap_or_else(|e| panic!("a valid spec was refused: {e:?}\n{text}"));
    let (outputs, _) = compiled.into_outputs();
    emit::write(dir, &outputs, false).expect("write the tree");
}

/// What `inception compile` does (with its fast path) for the spec `text`
/// whose tree is `dir`.
fn command_compile_into(dir: &Path, text: &str) -> (SpecLocation, SourceFile) {
    let location = SpecLocation { file: dir.join("inception.kdl"), root: dir.to_path_buf() };
    let source = SourceFile::new("inception.kdl", text);
    commands::compile::compile_into(&location, &source, false, false)
        .unwrap_or_else(|e| panic!("a valid spec was refused: {e:?}\n{text}"));
    (location, source)
}

fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read file");
                found.push((path.strip_prefix(dir).expect("inside").to_path_buf(), bytes));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn random_edits_recompile_to_the_bytes_of_a_cold_compile() {
    let cases = std::env::var("INCEPTION_EDIT_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(25);
    let seed = std::env::var("INCEPTION_EDIT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(15_u64);
    let mut random = Random(seed);
    let mut services: Vec<Service> = (0..24)
        .map(|i| Service {
            replicas: 2,
            port: 8000 + i,
            shard: i.to_string(),
            needs: (i.saturating_sub(2)..i).collect(),
            staging: (i % 3 == 0).then_some(4),
            removed: false,
        })
        .collect();
    let mut revision = "9713c433ebd64a477ed3d0743ac31fe734965740".to_owned();
    let dir = TempDir::new("edits");
    // In a repository: each compile records its lock, so an unchanged
    // tree is proven up to date by hashes (the fast path of `check`).
    std::fs::create_dir(dir.path().join(".git")).expect("a git folder");
    let incremental = dir.path().join("incremental");
    command_compile_into(&incremental, &text(&services, &revision));
    for case in 0..cases {
        let i = random.below(services.len());
        let edit = random.below(7);
        match edit {
            0 => services[i].replicas = 1 + random.below(9),
            1 => services[i].port = 9000 + random.below(900),
            2 => services[i].shard = format!("shard {}", random.below(100)),
            3 => services[i].staging = services[i].staging.map_or(Some(2 + random.below(5)), |_| None),
            4 if i > 0 => services[i].needs = vec![random.below(i)],
            5 => services[i].removed = !services[i].removed,
            _ => revision = format!("{:040x}", 0x9713_c433_u64 * (1 + random.below(1000)) as u64),
        }
        let edited = text(&services, &revision);
        assert!(edited.len() > 3 << 10, "a spec of several kilobytes");
        let (location, source) = command_compile_into(&incremental, &edited);
        let cold = dir.path().join(format!("cold-{case}"));
        compile_into(&cold, &edited);
        assert!(
            tree(&incremental) == tree(&cold),
            "seed {seed} case {case} (edit {edit} of s{i}): the recompiled tree differs from a cold compile\n{edited}"
        );
        let (outputs, lock) =
            pipeline::compile_source(&SourceFile::new("inception.kdl", edited.as_str()), "inception.kdl")
                .expect("compiles")
                .into_outputs();
        assert!(emit::check(&incremental, &outputs, &lock).expect("check").is_clean(), "seed {seed} case {case}");
        let fingerprint = emit::Fingerprint::of("inception.kdl", &edited).expect("an identity");
        assert_eq!(
            emit::verify(&incremental, &fingerprint).expect("verify"),
            Some(outputs.len()),
            "seed {seed} case {case}"
        );
        let fast = commands::check::check_tree(&location, &source, false).expect("check");
        assert!(fast.is_clean() && fast.checked == outputs.len(), "seed {seed} case {case}");
        std::fs::remove_dir_all(&cold).expect("remove the cold tree");
    }
}
