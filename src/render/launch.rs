//! `.vscode/launch.json`: under `concession debug`, one attach configuration
//! per `build` service of each tier granting it, by the service's runtime:
//! debugpy (Python, `pathMappings`), Node.js (`localRoot`/`remoteRoot`) or
//! Go (Delve's remote mode, `substitutePath`).
//!
//! The debugger listens on its runtime's port in the pod
//! ([`concession::debug_port`]); each configuration uses its own local port
//! (5678, 5679, … in tier then declaration order), and a comment above it
//! gives the `kubectl port-forward` that connects the two. The service's
//! build folder maps to [`APP_DIR`], where the code runs (for Go: where the
//! image built the binary, so the paths in its debug information are there).
//! VS Code reads launch.json as JSONC, so the file carries the `//` banner.
//! It does not start the port-forward (that would need a tasks.json).

use serde::Serialize;

use super::RenderError;
use super::trace::{Paths, Traced, trace_structured};
use crate::model::{Concession, Model, Runtime, Source};
use crate::plan::concession;
use crate::plan::workload::{self, APP_DIR, DEBUG_PORT, origin};

#[derive(Debug, Serialize)]
struct Launch {
    version: &'static str,
    configurations: Vec<Attach>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Attach {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    request: &'static str,
    /// debugpy.
    #[serde(skip_serializing_if = "Option::is_none")]
    connect: Option<Connect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_mappings: Option<Vec<PathMapping>>,
    /// Node.js.
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'static str>,
    /// Node.js and Go.
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_root: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_root: Option<&'static str>,
    /// Go (Delve).
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    substitute_path: Option<Vec<Substitute>>,
}

#[derive(Debug, Serialize)]
struct Substitute {
    from: String,
    to: &'static str,
}

#[derive(Debug, Serialize)]
struct Connect {
    host: &'static str,
    port: u16,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PathMapping {
    local_root: String,
    remote_root: &'static str,
}

/// One attach target: tier, service, build folder and local port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The tier (its namespace).
    pub tier: String,
    /// The service (its Deployment).
    pub service: String,
    /// The build folder, relative to the workspace.
    pub dir: String,
    /// The local end of the port-forward.
    pub local_port: u16,
    /// The service's runtime (the debugger's kind and port).
    pub runtime: Runtime,
}

/// Every attach target of the model, in tier then declaration order.
pub(crate) fn targets(model: &Model) -> Vec<Target> {
    let mut targets = Vec::new();
    for tier in &model.tiers {
        for service in &model.services {
            if !workload::concession_applies(tier, service, Concession::Debug) {
                continue;
            }
            let Source::Build(dir) = &service.source else { continue };
            let offset = u16::try_from(targets.len()).unwrap_or(u16::MAX);
            targets.push(Target {
                tier: tier.name.value.clone(),
                service: service.name.value.clone(),
                dir: dir.value.trim_matches('/').to_owned(),
                local_port: DEBUG_PORT.saturating_add(offset),
                runtime: concession::runtime(service),
            });
        }
    }
    targets
}

/// One target's configuration.
fn attach(t: &Target) -> Attach {
    let local_root = format!("${{workspaceFolder}}/{}", t.dir);
    let mut attach = Attach {
        name: format!("Attach to {} ({})", t.service, t.tier),
        kind: "debugpy",
        request: "attach",
        connect: None,
        path_mappings: None,
        address: None,
        port: None,
        local_root: None,
        remote_root: None,
        mode: None,
        host: None,
        substitute_path: None,
    };
    match t.runtime {
        Runtime::Node => {
            attach.kind = "node";
            attach.address = Some("localhost");
            attach.port = Some(t.local_port);
            attach.local_root = Some(local_root);
            attach.remote_root = Some(APP_DIR);
        }
        Runtime::Go => {
            attach.kind = "go";
            attach.mode = Some("remote");
            attach.host = Some("localhost");
            attach.port = Some(t.local_port);
            attach.substitute_path = Some(vec![Substitute { from: local_root, to: APP_DIR }]);
        }
        Runtime::Python | Runtime::Other => {
            attach.connect = Some(Connect { host: "localhost", port: t.local_port });
            attach.path_mappings = Some(vec![PathMapping { local_root, remote_root: APP_DIR }]);
        }
    }
    attach
}

/// Render launch.json.
///
/// # Errors
/// A serializer error (a bug).
pub(crate) fn render_launch(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let targets = targets(model);
    let launch = Launch { version: "0.2.0", configurations: targets.iter().map(attach).collect() };
    let json = serde_json::to_string_pretty(&launch)
        .map_err(|e| RenderError::Serialize { path: path.to_owned(), message: e.to_string() })?;
    let mut text = String::new();
    let mut next = targets.iter();
    for line in json.lines() {
        if line == "    {"
            && let Some(target) = next.next()
        {
            text.push_str(&format!(
                "    // kubectl port-forward -n {} deploy/{} {}:{}\n",
                target.tier,
                target.service,
                target.local_port,
                concession::debug_port(target.runtime)
            ));
        }
        text.push_str(line);
        text.push('\n');
    }
    let mut paths = Paths::default();
    for tier in &model.tiers {
        if let Some(debug) = origin::concession(tier, Concession::Debug) {
            paths.add("configurations", debug);
        }
    }
    Ok(trace_structured(&text, &paths))
}
