//! `.vscode/launch.json`: under `concession debug`, one debugpy attach
//! configuration per Python `build` service of each tier granting it.
//!
//! debugpy listens on [`DEBUG_PORT`] in every pod; each configuration uses
//! its own local port (5678, 5679, … in tier then declaration order), and a
//! comment above it gives the `kubectl port-forward` that connects the two.
//! The service's build folder maps to [`APP_DIR`], where the code runs.
//! VS Code reads launch.json as JSONC, so the file carries the `//` banner.
//! It does not start the port-forward (that would need a tasks.json).

use serde::Serialize;

use super::RenderError;
use super::trace::{Paths, Traced, trace_structured};
use crate::model::{Concession, Model, Source};
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
    connect: Connect,
    path_mappings: Vec<PathMapping>,
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
            });
        }
    }
    targets
}

/// Render launch.json.
///
/// # Errors
/// A serializer error (a bug).
pub(crate) fn render_launch(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let targets = targets(model);
    let launch = Launch {
        version: "0.2.0",
        configurations: targets
            .iter()
            .map(|t| Attach {
                name: format!("Attach to {} ({})", t.service, t.tier),
                kind: "debugpy",
                request: "attach",
                connect: Connect { host: "localhost", port: t.local_port },
                path_mappings: vec![PathMapping {
                    local_root: format!("${{workspaceFolder}}/{}", t.dir),
                    remote_root: APP_DIR,
                }],
            })
            .collect(),
    };
    let json = serde_json::to_string_pretty(&launch)
        .map_err(|e| RenderError::Serialize { path: path.to_owned(), message: e.to_string() })?;
    let mut text = String::new();
    let mut next = targets.iter();
    for line in json.lines() {
        if line == "    {"
            && let Some(target) = next.next()
        {
            text.push_str(&format!(
                "    // kubectl port-forward -n {} deploy/{} {}:{DEBUG_PORT}\n",
                target.tier, target.service, target.local_port
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
