//! The dev container starts fast and the same everywhere: Python is a
//! prebuilt interpreter installed by a pinned, checksum-verified uv (no
//! compiler), each Python tool has its own environment, the pipeline's
//! prebuilt image is the build cache, and the start survives the races and
//! leftovers of a real machine.

use inception::pipeline::{self, Compiled};
use inception::source::SourceFile;

use crate::support::root;

fn serenity() -> Compiled {
    let text = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).unwrap();
    pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl").expect("compiles")
}

#[test]
fn python_comes_prebuilt_through_a_checksum_verified_uv_and_nothing_is_compiled() {
    for (name, _) in crate::support::environments() {
        let text = std::fs::read_to_string(root().join(format!("environments/{name}/inception.kdl"))).unwrap();
        let compiled = pipeline::compile_source(&SourceFile::new("inception.kdl", text), "inception.kdl").unwrap();
        let dockerfile = &compiled.outputs()[".devcontainer/Dockerfile"];
        for compiler in ["\n        gcc \\", "\n        make \\", "./configure", "make -j", "python.org/ftp"] {
            assert!(!dockerfile.contains(compiler), "{name}: a compiler step ({compiler:?}):\n{dockerfile}");
        }
        assert!(dockerfile.contains("uv python install --default"), "{name}: {dockerfile}");
        // Every download in the Python step is checked before use.
        let python_step = dockerfile.split("# uv ").nth(1).expect("the uv step").split("\n\n").next().unwrap();
        assert_eq!(python_step.matches("curl ").count(), 1, "{python_step}");
        assert!(python_step.contains("| sha256sum -c -"), "{python_step}");
        for arch in ["amd64)", "arm64)"] {
            assert!(python_step.contains(arch), "{name}: a uv wheel for {arch}\n{python_step}");
        }
    }
}

#[test]
fn each_python_tool_gets_its_own_environment() {
    let compiled = serenity();
    let dockerfile = &compiled.outputs()[".devcontainer/Dockerfile"];
    for tool in ["poetry==1.8.3", "pre-commit==3.7.1", "azure-cli==2.61.0"] {
        let install = format!("uv tool install --python 3.9.13 --exclude-newer 2026-11-01T00:00:00Z {tool}");
        assert!(dockerfile.contains(&install), "{tool}: {dockerfile}");
    }
    assert!(!dockerfile.contains("pip install"), "no shared site-packages: {dockerfile}");
}

#[test]
fn the_container_uses_the_prebuilt_image_waits_for_docker_and_recovers_minikube() {
    let compiled = serenity();
    let json = &compiled.outputs()[".devcontainer/devcontainer.json"];
    let compose = &compiled.outputs()[".devcontainer/docker-compose.yml"];
    assert!(compose.contains("cache_from:\n      - cloudwall.azurecr.io/serenity-devcontainer:main\n"), "{compose}");
    assert!(compose.contains("source: ${HOME}${USERPROFILE}/.azure\n"), "{compose}");
    assert!(compose.contains("bind:\n        create_host_path: true\n"), "a missing ~/.azure is created: {compose}");
    let uid = json.lines().position(|l| l.contains("\"updateRemoteUserUID\": true")).expect("updateRemoteUserUID");
    let reason = json.lines().nth(uid - 1).unwrap();
    assert!(reason.trim_start().starts_with("// ") && reason.contains("uid"), "the reason beside it: {reason}");
    let start = json.lines().find(|l| l.contains("\"postStartCommand\"")).expect("postStartCommand");
    let wait = start.find("until docker info").expect("waits for the daemon");
    let minikube = start.find("minikube start").expect("starts minikube");
    assert!(wait < minikube, "{start}");
    assert!(start.contains("docker rm -f minikube"), "removes a leftover node: {start}");
    assert!(start.contains("--mount --mount-string=/workspaces/serenity:/workspaces/serenity"), "{start}");
    assert!(!json.contains("forwardPorts"), "no port without a listener: {json}");
}
