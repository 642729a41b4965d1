//! `cargo bench --bench compile`: how fast inception is against the floor of
//! writing the same bytes.
//!
//! For generated specs of N services in five tiers (each service with an
//! image, a port, a probe, resources, three env vars, up to three `needs` and
//! one staging override), in one run and on the same folder (tmpfs by
//! default), it measures:
//!
//! - **cold**: read the spec, compile, write every file into an empty folder;
//!   against the floor of writing the same bytes with `std::fs` (one
//!   `create_dir_all` per folder, one `write` per file);
//! - **edit**: change one `replicas` line and compile into the compiled tree;
//! - **no-op**: compile into a tree that is already up to date (proven by
//!   hashes, as `check`);
//! - **check**: `check` of the up-to-date tree (proven by hashing the files
//!   against the recorded lock, no render); **full**: `check --full`, which
//!   compiles in memory and compares; both against the floor of reading the
//!   same files;
//! - **peak**: the peak resident memory of a process that compiles the spec
//!   once into an empty folder, as `inception compile` does (Linux `VmHWM`;
//!   the bench runs itself with `--peak N`).
//!
//! Then the reference environment through the real binary, as a pre-commit
//! hook runs it: cold compile, no-op compile and check, wall time including
//! process start.
//!
//! Medians of several runs; nothing is asserted about time (speed is measured,
//! not tested). Without `--bench` (as `cargo test --all-targets` runs it), one
//! small spec is compiled once and the one-edit tree is compared byte for
//! byte with a cold compile of the edited spec.
//!
//! `--print-spec N` prints the spec of N services (for profiling the binary
//! on it, e.g. under callgrind).
//!
//! Environment: `INCEPTION_BENCH_SIZES` (comma-separated N, default
//! 10,100,1000,2500,5000; a size whose spec is over the spec size limit,
//! `spec::limits::MAX_SPEC_BYTES`, about N=11,000, is reported and skipped), `INCEPTION_BENCH_DIR` (default /dev/shm when it exists,
//! else the temporary folder).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use inception::commands::{self, check::check_tree};
use inception::emit::SpecLocation;
use inception::pipeline;
use inception::pipeline::Outputs;
use inception::source::SourceFile;

/// The allocator the `inception` binary uses (see `src/main.rs`): what is
/// measured in process is what the binary does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TIERS: &str = "tier local {\n    cluster minikube\n    revision HEAD\n    concession hot-reload\n    concession debug\n}\n\
tier dev {\n    cluster aks\n    revision \"4f2a9c1e0b7d3a5c8e6f1b2d4a9c7e3f5b8d0a16\"\n}\ntier staging {\n    cluster aks\n    revision \"9c1e0b7d3a5c8e6f1b2d4a9c7e3f5b8d0a164f2a\"\n}\n\
tier beta {\n    cluster aks\n    revision \"9c1e0b7d3a5c8e6f1b2d4a9c7e3f5b8d0a164f2a\"\n}\ntier prod {\n    cluster aks\n    revision \"0b7d3a5c8e6f1b2d4a9c7e3f5b8d0a164f2a9c1e\"\n}\n";

/// A spec of `services` services; service `edited` has `replicas 3` instead of 2.
fn spec(services: usize, edited: Option<usize>) -> String {
    let mut text = String::from(
        "inception 1\nproject bench {\n    repo \"https://example.com/bench.git\"\n    registry \"benchacr.azurecr.io\"\n}\n\
         toolchain {\n    base \"debian:12.5\" digest=\"sha256:0d5ad26f1e3a4ab0b1e4b2a7e9a3c3f1a7e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4\"\n    \
         python \"3.12.4\"\n    tool kubectl \"1.29.6\"\n    tool helm \"3.15.2\"\n    tool minikube \"1.33.1\"\n    docker-in-docker \"26.1.4\"\n}\n",
    );
    text.push_str(TIERS);
    text.push_str("azure {\n    location eastus\n}\n");
    for i in 0..services {
        let needs: Vec<String> = (i.saturating_sub(3)..i).map(|n| format!("s{n}")).collect();
        let needs = if needs.is_empty() { String::new() } else { format!("    needs {}\n", needs.join(" ")) };
        let replicas = if edited == Some(i) { 3 } else { 2 };
        text.push_str(&format!(
            "service s{i} {{\n    image \"registry.example.com/s{i}:1.0.{i}@sha256:{i:064x}\"\n    port {port}\n    health \"/healthz\"\n{needs}    \
             env LOG_LEVEL=info REGION=eastus SHARD={i}\n    resources cpu=\"250m\" memory=\"256Mi\"\n    replicas {replicas}\n    \
             tier staging reason=\"load test\" {{\n        replicas 4\n    }}\n}}\n",
            port = 8000 + i % 1000
        ));
    }
    text
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median of `runs` timings of `measure`, which times what it wants.
fn median_of(runs: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    median((0..runs).map(|_| measure()).collect())
}

fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let value = f();
    (start.elapsed(), value)
}

fn compiled(text: &str) -> pipeline::Compiled {
    pipeline::compile_source(&SourceFile::new("inception.kdl", text.to_owned()), "inception.kdl")
        .expect("the bench spec compiles")
}

fn compile(text: &str) -> Outputs {
    compiled(text).into_outputs().0
}

/// The spec `text` as `inception` reads it for the tree `dir`.
fn located(dir: &Path, text: &str) -> (SpecLocation, SourceFile) {
    (SpecLocation { file: dir.join("inception.kdl"), root: dir.to_path_buf() }, SourceFile::new("inception.kdl", text))
}

/// What `inception check` (`--full`: rendering always) does after reading
/// the spec: whether the tree is clean.
fn is_clean(dir: &Path, text: &str, full: bool) -> bool {
    let (location, source) = located(dir, text);
    check_tree(&location, &source, full).expect("check").is_clean()
}

/// What `inception compile` does after reading the spec.
fn compile_into(dir: &Path, text: &str) {
    let (location, source) = located(dir, text);
    commands::compile::compile_into(&location, &source, false, false).expect("write the tree");
}

/// The floor: the same bytes written with plain `std::fs`.
fn write_floor(dir: &Path, outputs: &Outputs) {
    let folders: BTreeSet<PathBuf> =
        outputs.keys().filter_map(|p| dir.join(p).parent().map(Path::to_path_buf)).collect();
    for folder in folders {
        std::fs::create_dir_all(folder).expect("create folder");
    }
    for (path, text) in outputs {
        std::fs::write(dir.join(path), text).expect("write file");
    }
}

/// The floor of `check`: reading the same files.
fn read_floor(dir: &Path, outputs: &Outputs) -> usize {
    outputs.keys().map(|p| std::fs::read(dir.join(p)).expect("read file").len()).sum()
}

/// Every file under `dir` with its bytes.
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

/// A scratch folder for the whole run, removed at the end.
struct Scratch {
    base: PathBuf,
    next: usize,
}

impl Scratch {
    fn new() -> Self {
        let parent = std::env::var_os("INCEPTION_BENCH_DIR").map_or_else(
            || {
                let shm = Path::new("/dev/shm");
                if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() }
            },
            PathBuf::from,
        );
        let base = parent.join(format!("inception-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        // As in a repository: compile records its lock in the git folder,
        // and `check` and a no-op compile are proven by hashes.
        std::fs::create_dir_all(base.join(".git")).expect("create the bench folder");
        Self { base, next: 0 }
    }

    /// A new empty folder.
    fn fresh(&mut self) -> PathBuf {
        self.next += 1;
        let dir = self.base.join(self.next.to_string());
        std::fs::create_dir_all(&dir).expect("create folder");
        dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

/// Peak resident memory since the last reset, in MB (Linux only).
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

/// The peak memory of a cold compile of `services` services, in a fresh
/// process (this bench run again with `--peak N`), so that what earlier
/// sizes left in the allocator does not count.
fn peak_of(services: usize) -> String {
    let Ok(me) = std::env::current_exe() else { return "—".to_owned() };
    let out = Command::new(me).args(["--peak", &services.to_string()]).output();
    out.ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "—".to_owned(), |s| s.trim().to_owned())
}

/// `--peak N`: compile N services once into an empty folder, as `inception
/// compile` does (rendering a batch at a time, each staged and dropped), and
/// print the peak.
fn print_peak(services: usize) {
    let mut scratch = Scratch::new();
    let dir = scratch.fresh();
    compile_into(&dir, &spec(services, None));
    assert!(dir.join("inception.lock").is_file());
    println!("{}", peak_mb().map_or_else(|| "—".to_owned(), |p| format!("{p:.0}")));
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.1}x", a.as_secs_f64() / b.as_secs_f64().max(1e-9))
}

fn sizes() -> Vec<usize> {
    std::env::var("INCEPTION_BENCH_SIZES").map_or_else(
        |_| vec![10, 100, 1000, 2500, 5000],
        |s| s.split(',').map(|n| n.trim().parse().expect("INCEPTION_BENCH_SIZES: comma-separated numbers")).collect(),
    )
}

fn bench_generated(scratch: &mut Scratch) {
    println!("generated specs, 5 tiers; wall-clock medians in ms; floor = the same bytes through std::fs");
    println!(
        "{:>6} {:>7} {:>7} | {:>9} {:>9} {:>6} | {:>8} {:>8} | {:>8} {:>9} {:>6} | {:>8} {:>6} | {:>7}",
        "N",
        "files",
        "MB",
        "cold",
        "floor",
        "ratio",
        "edit",
        "no-op",
        "check",
        "read",
        "ratio",
        "full",
        "ratio",
        "peak MB"
    );
    for n in sizes() {
        let runs = if n >= 1000 { 3 } else { 7 };
        let text = spec(n, None);
        if text.len() > inception::spec::limits::MAX_SPEC_BYTES {
            println!(
                "{n:>6} skipped: its spec is {:.2} MB, over the spec size limit of {:.2} MB",
                text.len() as f64 / 1e6,
                inception::spec::limits::MAX_SPEC_BYTES as f64 / 1e6
            );
            continue;
        }
        let edited = spec(n, Some(n / 2));
        let peak = peak_of(n);
        let outputs = compile(&text);
        let bytes: usize = outputs.values().map(String::len).sum();
        let cold = median_of(runs, || {
            let dir = scratch.fresh();
            timed(|| compile_into(&dir, &text)).0
        });
        let floor = median_of(runs, || {
            let dir = scratch.fresh();
            timed(|| write_floor(&dir, &outputs)).0
        });
        let dir = scratch.fresh();
        compile_into(&dir, &text);
        let edit = median_of(runs, || {
            let (took, ()) = timed(|| compile_into(&dir, &edited));
            compile_into(&dir, &text);
            took
        });
        let noop = median_of(runs, || timed(|| compile_into(&dir, &text)).0);
        let check = median_of(runs, || timed(|| assert!(is_clean(&dir, &text, false))).0);
        let full = median_of(runs, || timed(|| assert!(is_clean(&dir, &text, true))).0);
        let read = median_of(runs, || timed(|| read_floor(&dir, &outputs)).0);
        println!(
            "{n:>6} {:>7} {:>7.1} | {:>9} {:>9} {:>6} | {:>8} {:>8} | {:>8} {:>9} {:>6} | {:>8} {:>6} | {peak:>7}",
            outputs.len(),
            bytes as f64 / 1e6,
            ms(cold),
            ms(floor),
            ratio(cold, floor),
            ms(edit),
            ms(noop),
            ms(check),
            ms(read),
            ratio(check, read),
            ms(full),
            ratio(full, read),
        );
    }
}

fn bench_reference(scratch: &mut Scratch) {
    let binary = env!("CARGO_BIN_EXE_inception");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("environments/serenity");
    let run = |args: &[&str]| {
        let (took, out) = timed(|| Command::new(binary).args(args).output().expect("run inception"));
        assert!(out.status.success(), "inception {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        took
    };
    let spec = spec.display().to_string();
    let cold = median_of(11, || {
        let dir = scratch.fresh().display().to_string();
        run(&["compile", "--spec", &spec, "--out", &dir])
    });
    let dir = scratch.fresh().display().to_string();
    run(&["compile", "--spec", &spec, "--out", &dir]);
    let noop = median_of(11, || run(&["compile", "--spec", &spec, "--out", &dir]));
    let check = median_of(11, || run(&["check", "--spec", &spec, "--out", &dir]));
    println!("\nreference environment (environments/serenity) through the binary, process start included:");
    println!("  cold compile {} ms, no-op compile {} ms, check {} ms", ms(cold), ms(noop), ms(check));
}

/// Under `cargo test`: one small spec; the one-edit recompile must leave the
/// same bytes as a cold compile of the edited spec.
fn smoke(scratch: &mut Scratch) {
    let (text, edited) = (spec(4, None), spec(4, Some(2)));
    let incremental = scratch.fresh();
    compile_into(&incremental, &text);
    compile_into(&incremental, &edited);
    let cold = scratch.fresh();
    compile_into(&cold, &edited);
    assert_eq!(tree(&incremental), tree(&cold), "an edit recompile differs from a cold compile");
    assert!(is_clean(&incremental, &edited, false) && is_clean(&incremental, &edited, true));
    println!("bench smoke: 4 services, edit recompile == cold compile ({} files)", tree(&cold).len());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--print-spec") {
        let services = args.get(at + 1).and_then(|n| n.parse().ok()).expect("--print-spec N");
        print!("{}", spec(services, None));
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--peak") {
        let services = args.get(at + 1).and_then(|n| n.parse().ok()).expect("--peak N");
        print_peak(services);
        return;
    }
    let mut scratch = Scratch::new();
    if std::env::args().any(|a| a == "--bench") {
        bench_generated(&mut scratch);
        bench_reference(&mut scratch);
    } else {
        smoke(&mut scratch);
    }
}
