//! `cargo bench`: how long compile takes, in memory, for generated specs of
//! N services (each needing the previous two, half of them with a prod
//! override), from parse to rendered bytes and lock. Prints the median of
//! several runs per size; nothing is asserted (speed is measured, not tested).

use std::time::{Duration, Instant};

use inception::pipeline;
use inception::source::SourceFile;

fn spec(services: usize) -> String {
    let mut text = String::from(
        "inception 1\nproject bench {\n    repo \"https://example.com/bench.git\"\n    registry \"bench.azurecr.io\"\n}\n\
         toolchain {\n    base \"debian:12.5\" digest=\"sha256:0d5ad26f1e3a4ab0b1e4b2a7e9a3c3f1a7e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4\"\n    \
         python \"3.12.4\"\n    tool kubectl \"1.29.6\"\n    tool helm \"3.15.2\"\n    tool minikube \"1.33.1\"\n    docker-in-docker \"26.1.4\"\n}\n\
         tier local {\n    cluster minikube\n    revision HEAD\n    concession storage-emulator\n    concession hot-reload\n    concession debug\n}\n\
         tier dev {\n    cluster aks\n    revision main\n}\ntier prod {\n    cluster aks\n    revision \"v1.0.0\"\n}\n\
         observability {\n    prometheus version=\"25.21.0\"\n    grafana version=\"7.3.11\"\n    logging efk version=\"8.5.1\"\n}\n\
         azure {\n    location eastus\n    lab-regions eastus westeurope\n    lab-vm size=Standard_D8s_v5 disk-gb=256\n}\n",
    );
    for i in 0..services {
        let needs: Vec<String> = (i.saturating_sub(2)..i).map(|n| format!("s{n}")).collect();
        let needs = if needs.is_empty() { String::new() } else { format!("    needs {}\n", needs.join(" ")) };
        let over = if i % 2 == 0 { "    tier prod reason=\"load\" {\n        replicas 4\n    }\n" } else { "" };
        text.push_str(&format!(
            "service s{i} {{\n    build \"services/s{i}\"\n    run python -m s{i}\n    port {}\n    health \"/healthz\"\n{needs}    \
             env LOG_LEVEL=info\n    storage data{i}\n    resources cpu=\"250m\" memory=\"256Mi\"\n{over}}}\n",
            8000 + i
        ));
    }
    text
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median time of `runs` calls of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        samples.push(start.elapsed());
    }
    (median(samples), last.expect("at least one run"))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary
    // without it: then compile one small spec once, as a smoke test.
    let measuring = std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if measuring { &[1, 10, 100, 500] } else { &[3] };
    println!("{:>9} {:>7} {:>11} {:>11} {:>11} {:>12}", "services", "files", "parse", "load", "compile", "per service");
    for &services in sizes {
        let source = SourceFile::new("bench.kdl", spec(services));
        let runs = match (measuring, services) {
            (false, _) => 1,
            (true, 500..) => 5,
            (true, _) => 15,
        };
        let (parse, _) = time(runs, || inception::spec::parse(&source).expect("parses"));
        let (load, _) = time(runs, || pipeline::load(&source).expect("loads"));
        let (compile, compiled) = time(runs, || pipeline::compile_source(&source, "inception.kdl").expect("compiles"));
        let per = compile / u32::try_from(services).unwrap_or(1);
        let files = compiled.outputs().len();
        println!("{services:>9} {files:>7} {parse:>11.2?} {load:>11.2?} {compile:>11.2?} {per:>12.2?}");
    }
}
