//! The `hot-reload` and `debug` concessions per runtime: which runtime a
//! service runs on, whether a concession can apply to it (and why not), and
//! the command it runs under them. It renders nothing.
//!
//! The container's command: `run` is the container's `args`, after the
//! image's ENTRYPOINT (an image whose ENTRYPOINT prepares the environment and
//! then `exec`s its arguments keeps doing so); `entrypoint` replaces the
//! ENTRYPOINT (`command`). A concession wraps the program the service runs:
//! without `entrypoint` it wraps `run` and stays in `args` (the image's
//! ENTRYPOINT still runs first); with `entrypoint` it wraps `entrypoint` and
//! `run` together into `command`, and `args` is emptied.
//!
//! | runtime | hot reload | debug (attach from VS Code) |
//! |---|---|---|
//! | Python | `python -m watchfiles` (restarts on a `.py` change under [`crate::plan::workload::APP_DIR`]) | `python -m debugpy --listen 0.0.0.0:5678` |
//! | Node.js | `node --watch` (Node 18.11 and later; restarts on a change of a file it loaded) | `node --inspect=0.0.0.0:9229` |
//! | Go | cannot apply: the image holds a compiled binary and no toolchain, so nothing can rebuild it in the pod | `dlv exec --headless --listen=:2345 --api-version=2 --accept-multiclient --continue` |
//!
//! The tools reach the pod whatever the image contains: an init container
//! installs them into an emptyDir at [`DEV_TOOLS_DIR`] (Python's with the
//! image's own pip, Delve built by `go install` from the Go image
//! [`GO_IMAGE`]); Node's are built into `node`. The runtime is detected from
//! the program `run` (or `entrypoint`) starts: `python`, `python3`,
//! `python3.N`, `uvicorn`, `gunicorn` are Python; `node` is Node.js; a Go
//! binary cannot be told from its name, so a Go service says `runtime go`.
//! Workers get them as services do; jobs get none (a job must end).

use crate::model::{Concession, Runtime, Service, Source};
use crate::plan::workload::{APP_DIR, DEBUG_PORT, shell_quote};

/// The port a runtime's debugger listens on inside the pod.
pub(crate) fn debug_port(runtime: Runtime) -> u16 {
    match runtime {
        Runtime::Node => 9229,
        Runtime::Go => 2345,
        Runtime::Python | Runtime::Other => DEBUG_PORT,
    }
}

/// Delve, pinned: v1.27.1 (tag commit f053895a26cbf22694fcd72ea07b3b5210314ada,
/// released 2026-07-31), which debugs binaries of Go 1.25 to 1.27
/// (`pkg/goversion/compat.go`) and needs Go 1.25 to build (`go.mod`); read on
/// 2026-11-29 from github.com/go-delve/delve. `go install` checks the
/// module against the Go checksum database.
pub(crate) const DELVE: (&str, &str) = ("github.com/go-delve/delve/cmd/dlv", "v1.27.1");

/// The image that builds Delve in the init container: the official Go image,
/// `golang:1.25.3-bookworm` as docker-library/official-images lists it
/// (`library/golang`, read on 2026-11-29), pinned by the digest that three
/// public Dockerfiles in two repositories pin for that tag (found by exact
/// search on 2026-11-29; a tag's digest moves when Docker rebuilds it, so
/// several digests of this tag are in use, each pullable by digest).
pub(crate) const GO_IMAGE: &str =
    "golang:1.25.3-bookworm@sha256:4f43b271f9673eb7bd0cb3a49cc17b08d8d6ee110277e26dbacc93c43a5a7793";

/// Why a concession does not apply to a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// An `image` or `chart` service: no build folder to mount, no code of ours.
    NotBuilt,
    /// Neither `run` nor `entrypoint`: the program to wrap is unknown.
    NoCommand,
    /// The runtime is not one the concessions know.
    UnknownRuntime,
    /// `runtime node` whose program is not `node`: the flags go after `node`.
    NotNode,
    /// Hot reload of a compiled Go binary.
    GoReload,
    /// A job (run once or on a schedule): it must end.
    Job,
}

impl Gap {
    /// Why, in a sentence, and what to do.
    pub(crate) fn why(self) -> &'static str {
        match self {
            Gap::NotBuilt => {
                "it is not built from this repository (`image` or `chart`): there is no source to mount or debug"
            }
            Gap::NoCommand => {
                "it declares neither `run` nor `entrypoint`, so the program to wrap is unknown: declare the command"
            }
            Gap::UnknownRuntime => {
                "its runtime is not detected from `run`: start `run` with python, uvicorn, gunicorn or node, or declare `runtime python|node|go`"
            }
            Gap::NotNode => "the Node.js flags go after `node`: start `run` (or `entrypoint`) with node",
            Gap::Job => "it is a job: a job must end, and a reloader or a waiting debugger would keep it running",
            Gap::GoReload => {
                "a Go image holds a compiled binary and no toolchain: nothing can rebuild it in the pod (rebuild and let Argo CD roll it, or run it with `go run` in the dev container)"
            }
        }
    }
}

/// The full command line the service runs: `entrypoint` then `run`.
fn argv(service: &Service) -> Vec<String> {
    service.entrypoint.iter().chain(&service.run).cloned().collect()
}

fn program(argv: &[String]) -> Option<&str> {
    argv.first().map(|p| p.rsplit('/').next().unwrap_or(p))
}

/// A service's runtime: declared, else detected from its program.
pub(crate) fn runtime(service: &Service) -> Runtime {
    if let Some(declared) = &service.runtime {
        return declared.value;
    }
    match program(&argv(service)) {
        Some(base)
            if matches!(base, "python" | "python3" | "uvicorn" | "gunicorn")
                || base
                    .strip_prefix("python3.")
                    .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Runtime::Python
        }
        Some("node") => Runtime::Node,
        _ => Runtime::Other,
    }
}

/// Whether `concession` (hot reload or debug) can apply to `service`.
///
/// # Errors
/// Why it cannot.
pub(crate) fn check(service: &Service, concession: Concession) -> Result<Runtime, Gap> {
    if !matches!(service.source, Source::Build(_)) {
        return Err(Gap::NotBuilt);
    }
    if service.batch().is_some() {
        return Err(Gap::Job);
    }
    let argv = argv(service);
    if argv.is_empty() {
        return Err(Gap::NoCommand);
    }
    match (runtime(service), concession) {
        (Runtime::Other, _) => Err(Gap::UnknownRuntime),
        (Runtime::Node, _) if program(&argv) != Some("node") => Err(Gap::NotNode),
        (Runtime::Go, Concession::HotReload) => Err(Gap::GoReload),
        (runtime, _) => Ok(runtime),
    }
}

/// `run` under debugpy, listening on [`DEBUG_PORT`] without waiting for a client:
/// `python -m x` → `python -m debugpy --listen 0.0.0.0:5678 -m x`;
/// `uvicorn a:b` → `python -m debugpy --listen 0.0.0.0:5678 -m uvicorn a:b`.
pub(crate) fn debug_command(run: &[String]) -> Vec<String> {
    let Some((program, rest)) = run.split_first() else {
        return Vec::new();
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    let listen = format!("0.0.0.0:{DEBUG_PORT}");
    let mut command = Vec::new();
    if base.starts_with("python") {
        command.push(program.clone());
    } else {
        command.push("python".to_owned());
    }
    command.extend(["-m", "debugpy", "--listen", &listen].map(str::to_owned));
    if !base.starts_with("python") {
        command.extend(["-m".to_owned(), base.to_owned()]);
    }
    command.extend(rest.iter().cloned());
    command
}

/// A command restarted by `watchfiles` whenever a Python file under
/// [`APP_DIR`] changes (`watchfiles` parses its target with shlex). Run as
/// `python -m watchfiles`: the module comes from [`DEV_TOOLS_DIR`], not
/// from the image.
pub(crate) fn reload_command(command: &[String]) -> Vec<String> {
    let target = command.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ");
    ["python", "-m", "watchfiles", "--filter", "python", &target, APP_DIR].map(str::to_owned).to_vec()
}

/// Where the concession tools are installed in a pod (an emptyDir on `PYTHONPATH`).
pub(crate) const DEV_TOOLS_DIR: &str = "/opt/inception-tools";

/// The concession tools, pinned (PyPI releases; both support Python 3.8 and
/// later): installed into [`DEV_TOOLS_DIR`] by an init container running the
/// service's own image (`python -m pip install --target`), so hot reload and
/// debug work whatever the image contains, as long as it has Python and pip.
pub(crate) const DEV_TOOLS: [(Concession, &str, &str); 2] =
    [(Concession::HotReload, "watchfiles", "0.21.0"), (Concession::Debug, "debugpy", "1.8.0")];

/// The container's command and args under the concessions that apply:
/// (`command`, `args`); `command` is `None` when the image's ENTRYPOINT stays.
pub(crate) fn wrapped(
    service: &Service,
    runtime: Runtime,
    reload: bool,
    debug: bool,
) -> (Option<Vec<String>>, Vec<String>) {
    let keep_entrypoint = service.entrypoint.is_empty();
    let mut line = if keep_entrypoint { service.run.clone() } else { argv(service) };
    match runtime {
        Runtime::Python => {
            if debug {
                line = debug_command(&line);
            }
            if reload {
                line = reload_command(&line);
            }
        }
        Runtime::Node => {
            let mut flags = Vec::new();
            if reload {
                flags.push("--watch".to_owned());
            }
            if debug {
                flags.push(format!("--inspect=0.0.0.0:{}", debug_port(Runtime::Node)));
            }
            line.splice(1..1, flags);
        }
        Runtime::Go if debug => {
            let (program, rest) =
                line.split_first().map_or((String::new(), Vec::new()), |(p, r)| (p.clone(), r.to_vec()));
            let mut dlv = vec![
                format!("{DEV_TOOLS_DIR}/dlv"),
                "exec".to_owned(),
                "--headless".to_owned(),
                format!("--listen=:{}", debug_port(Runtime::Go)),
                "--api-version=2".to_owned(),
                "--accept-multiclient".to_owned(),
                "--continue".to_owned(),
                program,
            ];
            if !rest.is_empty() {
                dlv.push("--".to_owned());
                dlv.extend(rest);
            }
            line = dlv;
        }
        Runtime::Go | Runtime::Other => {}
    }
    if keep_entrypoint { (None, line) } else { (Some(line), Vec::new()) }
}

/// The init container that installs a runtime's concession tools into
/// [`DEV_TOOLS_DIR`]: (its image, `None` for the service's own; its command).
/// `None` when the runtime needs none (Node.js).
pub(crate) fn installer(runtime: Runtime, reload: bool, debug: bool) -> Option<(Option<&'static str>, Vec<String>)> {
    if !reload && !debug {
        return None;
    }
    match runtime {
        Runtime::Python => {
            let packages: Vec<String> = DEV_TOOLS
                .iter()
                .filter(|(kind, _, _)| {
                    (reload && *kind == Concession::HotReload) || (debug && *kind == Concession::Debug)
                })
                .map(|(_, name, version)| format!("{name}=={version}"))
                .collect();
            let mut command: Vec<String> = [
                "python",
                "-m",
                "pip",
                "install",
                "--no-cache-dir",
                "--disable-pip-version-check",
                "--target",
                DEV_TOOLS_DIR,
            ]
            .map(str::to_owned)
            .to_vec();
            command.extend(packages);
            Some((None, command))
        }
        Runtime::Go if debug => {
            let (module, version) = DELVE;
            let command = [
                "env".to_owned(),
                format!("GOBIN={DEV_TOOLS_DIR}"),
                "GOPATH=/tmp/go".to_owned(),
                "GOCACHE=/tmp/go-cache".to_owned(),
                "CGO_ENABLED=0".to_owned(),
                "go".to_owned(),
                "install".to_owned(),
                format!("{module}@{version}"),
            ];
            Some((Some(GO_IMAGE), command.to_vec()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spanned;

    fn service(run: &[&str], entrypoint: &[&str], runtime: Option<Runtime>) -> Service {
        let text = concat!(
            "inception 1\nproject p {\n    registry \"teamacr.azurecr.io\"\n}\n",
            "toolchain {\n    base \"mcr.microsoft.com/devcontainers/base:1.0.9-bookworm\" digest=\"sha256:",
            "0d5ad26f1e3a4ab0b1e4b2a7e9a3c3f1a7e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4\"\n}\n",
            "service s {\n    build \"s\"\n    run x\n    port 80\n}\n"
        );
        let source = crate::source::SourceFile::new("inception.kdl", text);
        let mut service = crate::pipeline::load(&source).expect("valid").model.services.remove(0);
        service.run = run.iter().map(|s| (*s).to_owned()).collect();
        service.entrypoint = entrypoint.iter().map(|s| (*s).to_owned()).collect();
        service.runtime = runtime.map(|r| Spanned::new(r, service.name.span));
        service
    }

    #[test]
    fn runtimes_are_detected_from_the_program_or_declared() {
        assert_eq!(runtime(&service(&["uvicorn", "a:b"], &[], None)), Runtime::Python);
        assert_eq!(runtime(&service(&["/usr/bin/python3.12", "-m", "x"], &[], None)), Runtime::Python);
        assert_eq!(runtime(&service(&["node", "server.js"], &[], None)), Runtime::Node);
        assert_eq!(runtime(&service(&["/app/server"], &[], None)), Runtime::Other);
        assert_eq!(runtime(&service(&["/app/server"], &[], Some(Runtime::Go))), Runtime::Go);
        assert_eq!(runtime(&service(&["--port", "80"], &["node", "main.js"], None)), Runtime::Node);
    }

    #[test]
    fn gaps_name_why() {
        assert_eq!(check(&service(&["/app/server"], &[], None), Concession::Debug), Err(Gap::UnknownRuntime));
        assert_eq!(
            check(&service(&["/app/server"], &[], Some(Runtime::Go)), Concession::HotReload),
            Err(Gap::GoReload)
        );
        assert_eq!(check(&service(&["/app/server"], &[], Some(Runtime::Go)), Concession::Debug), Ok(Runtime::Go));
        assert_eq!(check(&service(&["npm", "start"], &[], Some(Runtime::Node)), Concession::Debug), Err(Gap::NotNode));
        assert_eq!(check(&service(&[], &[], Some(Runtime::Go)), Concession::Debug), Err(Gap::NoCommand));
    }

    #[test]
    fn node_flags_follow_node_and_stay_in_args() {
        let (command, args) = wrapped(&service(&["node", "server.js"], &[], None), Runtime::Node, true, true);
        assert_eq!(command, None, "the image's ENTRYPOINT stays");
        assert_eq!(args.join(" "), "node --watch --inspect=0.0.0.0:9229 server.js");
    }

    #[test]
    fn delve_wraps_the_entrypoint_and_run_into_the_command() {
        let go = service(&["--port", "8080"], &["/app/server"], Some(Runtime::Go));
        let (command, args) = wrapped(&go, Runtime::Go, false, true);
        assert_eq!(
            command.expect("replaced").join(" "),
            "/opt/inception-tools/dlv exec --headless --listen=:2345 --api-version=2 --accept-multiclient --continue /app/server -- --port 8080"
        );
        assert!(args.is_empty(), "args emptied: the command holds everything");
        let (_, install) = installer(Runtime::Go, false, true).expect("Delve is installed");
        assert_eq!(install.last().map(String::as_str), Some("github.com/go-delve/delve/cmd/dlv@v1.27.1"));
    }

    #[test]
    fn python_keeps_its_wrappers() {
        let (command, args) = wrapped(&service(&["python", "-m", "x"], &[], None), Runtime::Python, false, true);
        assert_eq!((command, args.join(" ")), (None, "python -m debugpy --listen 0.0.0.0:5678 -m x".to_owned()));
    }

    fn run(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn debugpy_wraps_python_and_asgi_servers() {
        assert_eq!(
            debug_command(&run(&["python", "-m", "serenity.pricing"])).join(" "),
            "python -m debugpy --listen 0.0.0.0:5678 -m serenity.pricing"
        );
        assert_eq!(
            debug_command(&run(&["uvicorn", "serenity.api:app", "--port", "8080"])).join(" "),
            "python -m debugpy --listen 0.0.0.0:5678 -m uvicorn serenity.api:app --port 8080"
        );
    }

    #[test]
    fn the_reload_target_is_one_shell_quoted_string() {
        let command = reload_command(&run(&["python", "-c", "print('hi there')"]));
        assert_eq!(command[5], "python -c 'print('\"'\"'hi there'\"'\"')'");
        assert_eq!(command.last().map(String::as_str), Some(APP_DIR));
    }
}
