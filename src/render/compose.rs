//! `.devcontainer/docker-compose.yml`: the dev container as a compose
//! service, so that host mounts (the Azure login) are declared once and also
//! apply to `docker compose up` outside VS Code.

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::devcontainer::{COMPOSE_SERVICE, workspace_folder};
use super::key_path::KeyPath;
use super::trace::{Paths, Traced, trace_structured};
use crate::model::Model;
use crate::plan::Origin;

#[derive(Debug, Serialize)]
struct Compose {
    services: IndexMap<String, Service>,
}

#[derive(Debug, Serialize)]
struct Service {
    build: Build,
    command: Vec<String>,
    volumes: Vec<Volume>,
}

#[derive(Debug, Serialize)]
struct Build {
    context: String,
    dockerfile: String,
    /// The image the pipeline prebuilds from this Dockerfile (`pipeline`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cache_from: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Volume {
    #[serde(rename = "type")]
    kind: String,
    source: String,
    target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<BindOptions>,
}

/// A host folder the spec mounts is created when missing (the Azure login
/// before the first `az login`), instead of failing the container's start.
#[derive(Debug, Serialize)]
struct BindOptions {
    create_host_path: bool,
}

/// A devcontainer.json host path in compose's interpolation syntax:
/// `${localEnv:HOME}` → `${HOME}`, `${localEnv:X:default}` → `${X:-default}`,
/// `${localWorkspaceFolder}` → `..` (the compose file sits in `.devcontainer/`).
/// Any other `$` is literal: compose would interpolate it, so it is written `$$`.
pub(super) fn compose_path(source: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(start) = rest.find("${") {
        out.push_str(&literal(&rest[..start]));
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let variable = &rest[start + 2..start + end];
        match variable.strip_prefix("localEnv:") {
            Some(env) => match env.split_once(':') {
                Some((name, default)) => out.push_str(&format!("${{{name}:-{}}}", literal(default))),
                None => out.push_str(&format!("${{{env}}}")),
            },
            None if variable == "localWorkspaceFolder" => out.push_str(".."),
            None => out.push_str(&literal(&rest[start..=start + end])),
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(&literal(rest));
    out
}

/// Text compose must not interpolate: every `$` doubled.
fn literal(text: &str) -> String {
    text.replace('$', "$$")
}

/// Render docker-compose.yml.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_compose(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let bind = |source: String, target: String, bind| Volume { kind: "bind".to_owned(), source, target, bind };
    let mut volumes = vec![bind("..".to_owned(), workspace_folder(model), None)];
    volumes.extend(model.toolchain.mounts.iter().map(|m| {
        let create = Some(BindOptions { create_host_path: true });
        bind(compose_path(&m.source.value), literal(&m.target.value), create)
    }));
    let service = Service {
        build: Build {
            context: "..".to_owned(),
            dockerfile: crate::layout::DOCKERFILE.to_owned(),
            cache_from: super::devcontainer::prebuilt(model).into_iter().collect(),
        },
        command: vec!["sleep".to_owned(), "infinity".to_owned()],
        volumes,
    };
    let compose = Compose { services: IndexMap::from([(COMPOSE_SERVICE.to_owned(), service)]) };
    let yaml = crate::yaml::to_string(&compose)
        .map_err(|message| RenderError::Serialize { path: path.to_owned(), message })?;
    let mut paths = Paths::default();
    for mount in &model.toolchain.mounts {
        let origin = Origin::of(format_args!("toolchain/mount {}", mount.target.value), mount.span);
        paths.add(KeyPath::from("services").key(COMPOSE_SERVICE).key("volumes"), origin);
    }
    Ok(trace_structured(&yaml, &paths))
}

#[cfg(test)]
mod tests {
    use super::compose_path;

    #[test]
    fn devcontainer_variables_become_compose_variables() {
        assert_eq!(compose_path("${localEnv:HOME}/.azure"), "${HOME}/.azure");
        assert_eq!(compose_path("${localEnv:KUBE:/tmp}/x"), "${KUBE:-/tmp}/x");
        assert_eq!(compose_path("${localWorkspaceFolder}/data"), "../data");
        assert_eq!(compose_path("/plain/path"), "/plain/path");
        assert_eq!(compose_path("/data/$x/${y}"), "/data/$$x/$${y}");
        assert_eq!(compose_path("${localEnv:HOME}/$HOME"), "${HOME}/$$HOME");
    }
}
