//! The dev container family: Dockerfile, devcontainer.json and, when the
//! toolchain mounts host folders, docker-compose.yml.

use super::workload::origin;
use super::{Artifact, Kind, Origin};
use crate::model::{Cluster, Concession, Model, Toolchain};

/// The Dockerfile's inputs: everything installed into the image.
fn image_sources(toolchain: &Toolchain) -> Vec<Origin> {
    let mut sources = vec![Origin::new("toolchain/base", toolchain.base.span)];
    if let Some(python) = &toolchain.python {
        sources.push(Origin::new("toolchain/python", python.span));
    }
    sources.push(origin::user(toolchain));
    sources.extend(toolchain.apt.iter().map(|p| Origin::of(format_args!("toolchain/apt {}", p.value), p.span)));
    sources.extend(toolchain.pip.iter().map(|p| Origin::of(format_args!("toolchain/pip {}", p.name.value), p.span)));
    sources.extend(toolchain.tools.iter().map(|t| Origin::of(format_args!("toolchain/tool {}", t.name.value), t.span)));
    sources
}

/// Whether the dev container is started through docker-compose: when it
/// bind-mounts host folders (the Azure login), so the same mounts also apply
/// to `docker compose up` outside VS Code.
pub(crate) fn uses_compose(model: &Model) -> bool {
    !model.toolchain.mounts.is_empty()
}

/// Add the dev container artifacts.
pub(super) fn plan(model: &Model, artifacts: &mut Vec<Artifact>) {
    let toolchain = &model.toolchain;
    let project = Origin::new("project", model.project.name.span);
    artifacts.push(Artifact::new(model, Kind::Dockerfile, image_sources(toolchain)));
    let mut json = vec![project.clone(), origin::user(&model.toolchain)];
    if let Some(dind) = &toolchain.docker_in_docker {
        json.push(Origin::new("toolchain/docker-in-docker", dind.span));
    }
    json.extend(toolchain.extensions.iter().map(origin::extension));
    json.extend(
        toolchain.settings.iter().map(|s| Origin::of(format_args!("toolchain/setting {}", s.key.value), s.span)),
    );
    json.extend(toolchain.forward_ports.iter().map(|p| Origin::new("toolchain/forward-port", p.span)));
    json.extend(
        toolchain.mounts.iter().map(|m| Origin::of(format_args!("toolchain/mount {}", m.target.value), m.span)),
    );
    for tier in model.tiers.iter().filter(|t| t.cluster.value == Cluster::Minikube) {
        json.push(Origin::of(format_args!("tier {}", tier.name.value), tier.cluster.span));
        if let Some(reload) = tier.concessions.iter().find(|c| c.value == Concession::HotReload) {
            json.push(Origin::of(format_args!("tier {}/concession hot-reload", tier.name.value), reload.span));
        }
        if let Some(kubectl) = toolchain.tools.iter().find(|t| t.name.value == "kubectl") {
            json.push(Origin::new("toolchain/tool kubectl", kubectl.span));
        }
    }
    artifacts.push(Artifact::new(model, Kind::DevcontainerJson, json));
    if uses_compose(model) {
        let mut compose = vec![project, origin::user(&model.toolchain)];
        compose.extend(
            toolchain.mounts.iter().map(|m| Origin::of(format_args!("toolchain/mount {}", m.target.value), m.span)),
        );
        artifacts.push(Artifact::new(model, Kind::Compose, compose));
    }
}
