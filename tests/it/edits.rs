//! Random one-line edits (issue 15): compiling an edited spec into the tree
//! of the previous compile (which rewrites only the files that change)
//! leaves exactly the bytes of a cold compile of the edited spec into an
//! empty folder, and `check` then finds the tree clean.
//!
//! The edited tree is compiled as `inception compile` does, inside a git
//! repository, so after each edit `check`'s fast path (hashes against the
//! recorded lock, no render) must prove the tree up to date as well.
//!
//! The compiles reuse the files whose inputs did not change (their render
//! unit's key, see `render::units`): the test checks that a one-service
//! edit renders that service's files and its neighbours', not the others',
//! and that every artifact without a declared key is rendered on every edit.
//! Edits touch one service, a service others need, a tier, the project, and
//! shift lines (a comment inside a service, blank lines before them).
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

/// One service per entry: (replicas, port, shard, needs, staging override,
/// removed, comment lines at the top of its node).
#[derive(Clone)]
struct Service {
    replicas: usize,
    port: usize,
    shard: String,
    needs: Vec<usize>,
    staging: Option<usize>,
    removed: bool,
    comments: usize,
}

/// What is not a service: the staging tier's revision, the project's
/// description, and blank lines before the services.
#[derive(Clone)]
struct Global {
    revision: String,
    description: usize,
    blank: usize,
}

/// Service `i` as first written: no `needs`, no override.
fn fresh(i: usize) -> Service {
    Service {
        replicas: 2,
        port: 8000 + i,
        shard: i.to_string(),
        needs: Vec::new(),
        staging: None,
        removed: false,
        comments: 0,
    }
}

fn first_global() -> Global {
    Global { revision: "9713c433ebd64a477ed3d0743ac31fe734965740".to_owned(), description: 0, blank: 0 }
}

fn text(services: &[Service], global: &Global) -> String {
    let Global { revision, description, blank } = global;
    let mut text = format!(
        "inception 1\nproject edits {{\n    description \"edits {description}\"\n    repo \"https://example.com/edits.git\"\n    registry \"editsacr.azurecr.io\"\n}}\n\
         toolchain {{\n    base \"debian:12.5\"\n    tool kubectl \"1.29.6\"\n    tool minikube \"1.33.1\"\n    docker-in-docker \"26.1.4\"\n}}\n\
         tier local {{\n    cluster minikube\n    revision HEAD\n}}\n",
    );
    text.push_str(&format!(
        "tier staging {{\n    cluster aks\n    revision \"{revision}\"\n}}\ntier prod {{\n    cluster aks\n    revision \"f3bd875e697edee49d15ba046e95b21634aa9f18\"\n}}\n"
    ));
    text.push_str("azure {\n    location eastus\n}\n");
    text.push_str(&"\n".repeat(*blank));
    for (i, s) in services.iter().enumerate().filter(|(_, s)| !s.removed) {
        text.push_str(&format!("service s{i} {{\n"));
        text.push_str(&"    // a comment\n".repeat(s.comments));
        text.push_str(&format!(
            "    image \"registry.example.com/s{i}:1.0.{i}@sha256:{i:064x}\"\n    port {}\n",
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
fn command_compile_into(dir: &Path, text: &str) -> (SpecLocation, SourceFile, Vec<String>) {
    let location = SpecLocation { file: dir.join("inception.kdl"), root: dir.to_path_buf() };
    let source = SourceFile::new("inception.kdl", text);
    let (_, rendered) = commands::compile::compile_reusing(&location, &source, false, false)
        .unwrap_or_else(|e| panic!("a valid spec was refused: {e:?}\n{text}"));
    (location, source, rendered)
}

/// The service whose values, Application or own NetworkPolicy `path` is, if
/// it is one (the files a render unit keys by service; every other file has
/// no declared key).
fn service_of(path: &str) -> Option<usize> {
    let stem = if let Some(rest) = path.strip_prefix("deploy/values/") {
        rest.split('/').next()?
    } else if let Some(rest) = path.strip_prefix("deploy/network/") {
        rest.split('/').nth(1)?.strip_prefix("service-")?.strip_suffix(".yaml")?
    } else {
        path.strip_prefix("deploy/argocd/")?.split('/').nth(1)?.strip_suffix(".yaml")?
    };
    stem.strip_prefix('s')?.parse().ok()
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
        .map(|i: usize| Service {
            needs: (i.saturating_sub(2)..i).collect(),
            staging: i.is_multiple_of(3).then_some(4),
            ..fresh(i)
        })
        .collect();
    let mut global = first_global();
    let dir = TempDir::new("edits");
    // In a repository: each compile records its lock, so an unchanged
    // tree is proven up to date by hashes (the fast path of `check`).
    std::fs::create_dir(dir.path().join(".git")).expect("a git folder");
    let incremental = dir.path().join("incremental");
    let mut previous = text(&services, &global);
    command_compile_into(&incremental, &previous);
    let mut reused_any = false;
    let mut reused_network = false;
    for case in 0..cases {
        let i = random.below(services.len());
        let edit = random.below(11);
        // The services whose node the edit changes or moves to other lines,
        // when it touches no other text (None: it does).
        let later: Vec<usize> = (i..services.len()).collect();
        let mut touched: Option<Vec<usize>> = Some(vec![i]);
        match edit {
            0 => services[i].replicas = 1 + random.below(9),
            // Its needers' values carry its port.
            1 => services[i].port = 9000 + random.below(900),
            2 => services[i].shard = format!("shard {}", random.below(100)),
            // Adds or removes lines: moves every later service.
            3 => {
                services[i].staging = services[i].staging.map_or(Some(2 + random.below(5)), |_| None);
                touched = Some(later);
            }
            4 if i > 0 => {
                let needed = random.below(i);
                // The sync waves of the services that need it, in turn, may change.
                let mut nodes = later;
                nodes.push(needed);
                nodes.extend(services[i].needs.iter().copied());
                touched = Some(nodes);
                services[i].needs = vec![needed];
            }
            5 => {
                services[i].removed = !services[i].removed;
                touched = Some(later);
            }
            6 => {
                services[i].comments = (services[i].comments + 1) % 3;
                touched = Some(later);
            }
            // Moves every service.
            7 => {
                global.blank = (global.blank + 1) % 3;
                touched = Some((0..services.len()).collect());
            }
            8 => {
                global.description = random.below(1000);
                touched = None;
            }
            _ => {
                global.revision = format!("{:040x}", 0x9713_c433_u64 * (1 + random.below(1000)) as u64);
                touched = None;
            }
        }
        let edited = text(&services, &global);
        assert!(edited.len() > 3 << 10, "a spec of several kilobytes");
        let (location, source, rendered) = command_compile_into(&incremental, &edited);
        // An edit that changes nothing (a value set to itself) renders nothing.
        let changed = std::mem::replace(&mut previous, edited.clone()) != edited;
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
        // Every artifact without a declared key is rendered on every edit.
        let rendered: std::collections::HashSet<&str> = rendered.iter().map(String::as_str).collect();
        for path in outputs.keys().filter(|p| changed && p.as_str() != "inception.lock" && service_of(p).is_none()) {
            assert!(
                rendered.contains(path.as_str()),
                "seed {seed} case {case}: {path} has no key, yet was not rendered"
            );
        }
        // A one-service edit renders only its own files and its neighbours'.
        if let Some(touched) = touched {
            let neighbours = |s: usize| {
                touched.contains(&s)
                    || touched.iter().any(|t| services[s].needs.contains(t) || services[*t].needs.contains(&s))
            };
            for path in outputs.keys() {
                if let Some(s) = service_of(path) {
                    assert!(
                        neighbours(s) || !rendered.contains(path.as_str()),
                        "seed {seed} case {case} (edit {edit} of s{i}): {path} was rendered again"
                    );
                    reused_any |= !rendered.contains(path.as_str());
                    reused_network |= path.starts_with("deploy/network/") && !rendered.contains(path.as_str());
                }
            }
        }
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
    assert!(reused_any, "no edit reused a file");
    assert!(reused_network, "no edit reused a service's NetworkPolicy");
}

/// A file edited by hand or removed since the last compile, or a units
/// record that is not that compile's, is rendered again, never reused.
#[test]
fn files_changed_since_the_last_compile_are_rendered_again() {
    let services: Vec<Service> = (0..6).map(fresh).collect();
    let global = first_global();
    let dir = TempDir::new("edits-changed");
    std::fs::create_dir(dir.path().join(".git")).expect("a git folder");
    let incremental = dir.path().join("incremental");
    command_compile_into(&incremental, &text(&services, &global));
    let (edited, removed) = ("deploy/values/s1/values.yaml", "deploy/values/s2/values-prod.yaml");
    std::fs::write(incremental.join(edited), "# mine\n").expect("edit");
    std::fs::remove_file(incremental.join(removed)).expect("remove");
    // The same size, one byte changed: its stamp differs by time, not size.
    let same_size = "deploy/values/s4/values.yaml";
    let original = std::fs::read(incremental.join(same_size)).expect("read");
    let mut flipped = original.clone();
    let last = flipped.len() - 2;
    flipped[last] = if flipped[last] == b'x' { b'y' } else { b'x' };
    std::fs::write(incremental.join(same_size), &flipped).expect("edit in place");
    let mut services = services;
    services[5].replicas = 3;
    let (_, _, rendered) = command_compile_into(&incremental, &text(&services, &global));
    assert!(rendered.iter().any(|p| p == edited) && rendered.iter().any(|p| p == removed), "{rendered:?}");
    assert!(rendered.iter().any(|p| p == same_size), "an edit of the same size was not noticed: {rendered:?}");
    assert_eq!(std::fs::read(incremental.join(same_size)).expect("read"), original, "restored");
    assert!(!rendered.iter().any(|p| p == "deploy/values/s3/values.yaml"), "an untouched file is reused");
    // Another lock than the recorded one: everything renders.
    let lock = incremental.join("inception.lock");
    let text_of_lock = std::fs::read_to_string(&lock).expect("lock");
    std::fs::write(&lock, format!("{text_of_lock}\n")).expect("edit the lock");
    services[5].replicas = 4;
    let (_, _, rendered) = command_compile_into(&incremental, &text(&services, &global));
    assert!(rendered.iter().any(|p| p == "deploy/values/s3/values.yaml"), "a lock not recorded: everything renders");
    let cold = dir.path().join("cold");
    compile_into(&cold, &text(&services, &global));
    assert!(tree(&incremental) == tree(&cold), "the recompiled tree differs from a cold compile");
}

/// A compile of a tree bigger than one batch (the writer stages files as
/// they are rendered) that meets a file inception did not write, late in
/// the tree, writes nothing: no file, no temporary file, no folder.
#[test]
fn a_refused_compile_of_many_batches_leaves_nothing_behind() {
    let services: Vec<Service> = (0..320).map(fresh).collect();
    let spec = text(&services, &first_global());
    let dir = TempDir::new("edits-refused");
    let tree_dir = dir.path().join("tree");
    let foreign = "infra/main.bicep";
    std::fs::create_dir_all(tree_dir.join("infra")).expect("infra");
    std::fs::write(tree_dir.join(foreign), "// mine\n").expect("a foreign file");
    let location = SpecLocation { file: tree_dir.join("inception.kdl"), root: tree_dir.clone() };
    let source = SourceFile::new("inception.kdl", &spec);
    let planned = pipeline::compile_source(&source, "inception.kdl").expect("compiles").artifacts.len();
    assert!(planned > 2 * 1024, "the tree spans several batches: {planned} files");
    let refused = commands::compile::compile_reusing(&location, &source, false, false);
    let Err(error) = refused else { panic!("a foreign file was overwritten") };
    assert!(format!("{error:?}").contains(foreign), "{error:?}");
    let left: Vec<String> = walkdir::WalkDir::new(&tree_dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(&tree_dir).unwrap_or(e.path()).to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["", "infra", foreign], "a refused compile left files or folders behind");
    assert_eq!(std::fs::read_to_string(tree_dir.join(foreign)).expect("read"), "// mine\n");
}

/// The lock names source nodes, not lines: a comment inserted in the middle
/// of the spec changes the spec's sha256 in the lock and nothing else.
#[test]
fn a_line_inserted_in_the_spec_changes_one_line_of_the_lock() {
    let path = crate::support::root().join("environments/serenity/inception.kdl");
    let spec = std::fs::read_to_string(path).expect("read the reference spec");
    let at = spec.find("\nservice ").expect("a service node") + 1;
    let edited = format!("{}// a note\n{}", &spec[..at], &spec[at..]);
    let lock = |text: &str| {
        let compiled = pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl")
            .unwrap_or_else(|e| panic!("compiles: {e:?}"));
        compiled.lock.to_text()
    };
    let (before, after) = (lock(&spec), lock(&edited));
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 1, "{changed:#?}");
    assert!(changed[0].0.contains("\"spec\""), "{changed:#?}");
}
