//! `.devcontainer/devcontainer.json` (JSONC with a banner comment), from
//! typed structs so that quoting and key order are right by construction.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::json;

use super::RenderError;
use super::key_path::KeyPath;
use super::trace::{Paths, Traced, trace_structured};
use crate::model::{Cluster, Concession, Model, SettingValue};
use crate::plan::Origin;
use crate::plan::uses_compose;
use crate::plan::workload::origin;

/// The docker-in-docker dev container feature, release 2.10.2, pinned by the
/// digest of its OCI manifest so every developer runs the same install script.
pub(super) const DOCKER_IN_DOCKER_FEATURE: &str = "ghcr.io/devcontainers/features/docker-in-docker@sha256:23ae11a86089da5f0b98a6edd603f91831802b7f2d5ef1e104e1b94a3beb546c";

/// The compose service the dev container runs as.
pub(super) const COMPOSE_SERVICE: &str = "devcontainer";

/// devcontainer.json, in the key order people expect to read it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DevcontainerJson {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    build: Option<Build>,
    #[serde(skip_serializing_if = "Option::is_none")]
    docker_compose_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_mount: Option<String>,
    workspace_folder: String,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    features: IndexMap<String, serde_json::Value>,
    customizations: Customizations,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mounts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    forward_ports: Vec<u16>,
    remote_user: String,
    /// Keep the pinned uid: by default the CLI rewrites it to the host user's on Linux.
    #[serde(rename = "updateRemoteUserUID")]
    update_remote_user_uid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_start_command: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Build {
    dockerfile: String,
    context: String,
    /// The image the pipeline prebuilds from this Dockerfile (`pipeline`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cache_from: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Customizations {
    vscode: Vscode,
}

#[derive(Debug, Serialize)]
struct Vscode {
    extensions: Vec<String>,
    settings: IndexMap<String, SettingValue>,
}

/// Where the repository appears inside the container: the same path for
/// every developer, so debug path mappings and hot-reload mounts agree.
pub(crate) fn workspace_folder(model: &Model) -> String {
    format!("/workspaces/{}", model.project.name.value)
}

/// The dev container image the pipeline pushes from `main` (with inline
/// cache), when the spec declares a `pipeline`: builds reuse its layers, and
/// the Dockerfile stays the source.
pub(crate) fn prebuilt(model: &Model) -> Option<String> {
    model.pipeline.as_ref()?;
    Some(format!(
        "{}:{}",
        crate::plan::delivery::devcontainer_repository(model),
        crate::plan::delivery::cache_tag(model)
    ))
}

/// Why `updateRemoteUserUID` is on, written beside it.
const UID_REASON: &str = "On: on a Linux host whose uid is not the image's, the dev container CLI gives the \
    container user the host's uid and gid at start, so the bind-mounted workspace stays writable from both \
    sides; the image itself keeps the spec's uid, identical everywhere (no effect on macOS and Windows).";

/// `minikube start` for the Minikube tiers: the Kubernetes version of the
/// toolchain's kubectl, and the workspace mounted into the node under
/// `hot-reload` (pods mount a service's build folder from there), and the
/// ingress addon when a service is exposed on Minikube. Idempotent:
/// on a running cluster it re-creates the mount, which does not survive a
/// container restart.
pub(crate) fn minikube_start(model: &Model) -> Option<String> {
    if !model.has_minikube_tier() {
        return None;
    }
    let kubernetes = kubernetes_version_flag(model);
    let folder = workspace_folder(model);
    let mount = if hot_reload(model) { format!(" --mount --mount-string={folder}:{folder}") } else { String::new() };
    let addons = crate::plan::exposure::minikube_addons(model);
    Some(format!("minikube start --driver=docker{kubernetes}{addons}{mount}"))
}

/// ` --kubernetes-version=vX.Y.Z` for `minikube start`: the toolchain's
/// kubectl version, so client and cluster agree; empty without kubectl.
pub(crate) fn kubernetes_version_flag(model: &Model) -> String {
    model
        .toolchain
        .tools
        .iter()
        .find(|t| t.name.value == "kubectl")
        .map(|t| format!(" --kubernetes-version=v{}", t.version.value.trim_start_matches('v')))
        .unwrap_or_default()
}

/// How long `postStartCommand` waits for the docker-in-docker daemon.
pub(crate) const DOCKERD_WAIT_SECONDS: u32 = 60;

/// `postStartCommand` (run by `/bin/sh`): wait for the docker-in-docker
/// daemon, which the feature starts in the background; start Minikube (or
/// re-create its mount); and when that fails because a rebuilt container
/// lost Minikube's profile while its node container survived in the
/// daemon's volume, remove the leftover node and start again.
pub(crate) fn post_start(model: &Model) -> Option<String> {
    let start = minikube_start(model)?;
    Some(format!(
        "i=0; until docker info >/dev/null 2>&1; do i=$((i+1)); if [ $i -ge {DOCKERD_WAIT_SECONDS} ]; then \
         echo 'dockerd did not start in {DOCKERD_WAIT_SECONDS}s' >&2; exit 1; fi; sleep 1; done; \
         {start} || {{ echo 'removing a Minikube left by a previous container' >&2; minikube delete >/dev/null 2>&1; \
         docker rm -f minikube >/dev/null 2>&1; docker volume rm minikube >/dev/null 2>&1; {start}; }}"
    ))
}

/// Whether a Minikube tier grants `concession hot-reload`.
fn hot_reload(model: &Model) -> bool {
    model.tiers.iter().any(|t| t.cluster.value == Cluster::Minikube && t.has(Concession::HotReload))
}

/// Render devcontainer.json.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_devcontainer(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let toolchain = &model.toolchain;
    let compose = uses_compose(model);
    let folder = workspace_folder(model);
    let mut features = IndexMap::new();
    if let Some(version) = &toolchain.docker_in_docker {
        features.insert(DOCKER_IN_DOCKER_FEATURE.to_owned(), json!({ "version": version.value, "moby": true }));
    }
    // No --platform: the Dockerfile installs every download for the host's
    // own architecture (amd64 or arm64), so nothing runs under emulation.
    let document = DevcontainerJson {
        name: model.project.name.value.clone(),
        build: (!compose).then(|| Build {
            dockerfile: "Dockerfile".to_owned(),
            context: "..".to_owned(),
            cache_from: prebuilt(model).into_iter().collect(),
        }),
        docker_compose_file: compose.then(|| "docker-compose.yml".to_owned()),
        service: compose.then(|| COMPOSE_SERVICE.to_owned()),
        workspace_mount: (!compose).then(|| format!("source=${{localWorkspaceFolder}},target={folder},type=bind")),
        workspace_folder: folder,
        features,
        customizations: Customizations {
            vscode: Vscode {
                extensions: toolchain.extensions.iter().map(crate::model::Extension::reference).collect(),
                settings: toolchain.settings.iter().map(|s| (s.key.value.clone(), s.value.clone())).collect(),
            },
        },
        mounts: if compose {
            Vec::new()
        } else {
            toolchain
                .mounts
                .iter()
                .map(|m| format!("source={},target={},type=bind", m.source.value, m.target.value))
                .collect()
        },
        forward_ports: toolchain.forward_ports.iter().map(|p| p.value).collect(),
        remote_user: toolchain.user.value.clone(),
        update_remote_user_uid: true,
        post_start_command: post_start(model),
    };
    let json = serde_json::to_string_pretty(&document)
        .map_err(|e| RenderError::Serialize { path: path.to_owned(), message: e.to_string() })?;
    let traced = trace_structured(&format!("{json}\n"), &paths(model));
    Ok(comment_before(traced, "  \"updateRemoteUserUID\"", UID_REASON))
}

/// A `//` comment line before the first line starting with `prefix` (JSONC).
fn comment_before(traced: Traced, prefix: &str, text: &str) -> Traced {
    let Traced { text: body, mut lines } = traced;
    let mut out = Vec::new();
    let mut inserted = false;
    for (i, line) in body.lines().enumerate() {
        if !inserted && line.starts_with(prefix) {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push(format!("{indent}// {text}"));
            lines.insert(i, super::trace::no_origins());
            inserted = true;
        }
        out.push(line.to_owned());
    }
    Traced { text: out.join("\n") + "\n", lines }
}

/// Which spec node each key of devcontainer.json comes from.
fn paths(model: &Model) -> Paths {
    let toolchain = &model.toolchain;
    let mut paths = Paths::default();
    let project = Origin::new("project", model.project.name.span);
    for key in ["name", "workspaceFolder", "workspaceMount"] {
        paths.add(key, project.clone());
    }
    if let Some(dind) = &toolchain.docker_in_docker {
        paths.add("features", Origin::new("toolchain/docker-in-docker", dind.span));
    }
    for extension in &toolchain.extensions {
        paths.add("customizations.vscode.extensions", origin::extension(extension));
    }
    for setting in &toolchain.settings {
        let origin = Origin::of(format_args!("toolchain/setting {}", setting.key.value), setting.span);
        paths.add(KeyPath::from("customizations.vscode.settings").key(&setting.key.value), origin);
    }
    for mount in &toolchain.mounts {
        paths.add("mounts", Origin::of(format_args!("toolchain/mount {}", mount.target.value), mount.span));
    }
    for port in &toolchain.forward_ports {
        paths.add("forwardPorts", Origin::new("toolchain/forward-port", port.span));
    }
    paths.add("remoteUser", origin::user(&model.toolchain));
    paths.add("updateRemoteUserUID", origin::user(&model.toolchain));
    for tier in model.tiers.iter().filter(|t| t.cluster.value == Cluster::Minikube) {
        paths.add("postStartCommand", Origin::of(format_args!("tier {}/cluster", tier.name.value), tier.cluster.span));
        if let Some(reload) = tier.concessions.iter().find(|c| c.value == Concession::HotReload) {
            let origin = Origin::of(format_args!("tier {}/concession hot-reload", tier.name.value), reload.span);
            paths.add("postStartCommand", origin);
        }
    }
    paths
}
