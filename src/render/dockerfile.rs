//! `.devcontainer/Dockerfile` from the toolchain, through
//! `templates/devcontainer/Dockerfile.j2`.
//!
//! Everything is pinned: the base by digest (the header says so only when it
//! is), Python to the exact patch release (a prebuilt interpreter through
//! uv), the other language runtimes from their official archives for the
//! build's `TARGETARCH`, checked with `sha256sum -c` (.NET: `sha512sum -c`)
//! and extracted whole, pip packages with `==`, every tool at its exact
//! version for amd64 and arm64, checked with `sha256sum -c` where the catalog
//! or the spec knows its checksum. The image ends as the non-root user.

use serde::Serialize;

use super::RenderError;
use super::templates::{TEMPLATE_DOCKERFILE, render};
use super::trace::{Traced, Tracer};
use crate::catalog::{self, Packing};
use crate::model::strict::tool_sha256s;
use crate::model::{Model, RuntimePin, Tool};
use crate::plan::Origin;
use crate::runtimes::ARCHES;

/// What `Dockerfile.j2` renders. Every field is read by the template.
#[derive(Debug, Serialize)]
pub(super) struct DockerfileView {
    /// `image:tag@sha256:…`.
    pub base: String,
    /// Whether the base image is pinned by digest.
    pub base_pinned: bool,
    /// Debian packages, sorted: the spec's, and what the Python step needs.
    pub apt: Vec<String>,
    /// Whether any apt package lacks a `=VERSION` pin and no snapshot freezes it.
    pub apt_unpinned: bool,
    /// The snapshot.debian.org timestamp (`20261101T000000Z`), if the spec
    /// freezes the archive.
    pub apt_snapshot: Option<String>,
    /// The same moment for uv's `--exclude-newer` (`2026-11-01T00:00:00Z`).
    pub exclude_newer: Option<String>,
    /// The exact Python version, if any.
    pub python: Option<String>,
    /// `name==version` pins.
    pub pip: Vec<String>,
    /// The language runtimes besides Python, in spec order.
    pub runtimes: Vec<RuntimeView>,
    /// The environment of the runtimes, `PATH` last.
    pub runtime_env: Vec<(String, String)>,
    /// The runtimes' smoke tests, joined with `&&`.
    pub runtime_check: String,
    /// One entry per tool.
    pub tools: Vec<ToolView>,
    /// The uv release that installs Python and the Python tools.
    pub uv: &'static crate::catalog::Uv,
    /// The non-root user.
    pub user: String,
    /// Its numeric id.
    pub uid: u32,
    /// Provenance markers of the sections (see `render::trace`).
    pub marks: Marks,
}

/// Section markers: each is written at the start of its section's first line.
#[derive(Debug, Serialize)]
pub(super) struct Marks {
    /// The FROM line.
    pub base: String,
    /// The apt install.
    pub apt: String,
    /// The Python build.
    pub python: String,
    /// The pip install.
    pub pip: String,
    /// The runtimes' environment.
    pub runtime_env: String,
    /// The final USER.
    pub user: String,
    /// Ends a section: following lines are fixed boilerplate.
    pub end: String,
}

/// One runtime install.
#[derive(Debug, Serialize)]
pub(super) struct RuntimeView {
    /// The toolchain keyword (`go`): names the temporary file.
    pub keyword: &'static str,
    /// How people call it.
    pub title: &'static str,
    /// The exact version.
    pub version: String,
    /// `sha256` or `sha512`.
    pub digest: &'static str,
    /// Where it is extracted.
    pub home: &'static str,
    /// Leading path components of the archive to drop.
    pub strip: u8,
    /// The archive and its checksum per `TARGETARCH`.
    pub arches: Vec<ArchiveView>,
    /// Its provenance marker.
    pub mark: String,
}

/// One platform's archive.
#[derive(Debug, Serialize)]
pub(super) struct ArchiveView {
    /// Docker's `TARGETARCH`.
    pub arch: &'static str,
    /// The download URL.
    pub url: String,
    /// Its checksum, if known.
    pub sum: Option<String>,
    /// The executable's path inside it, if it is a tarball (tools only).
    pub extract: Option<String>,
}

/// One tool install.
#[derive(Debug, Serialize)]
pub(super) struct ToolView {
    /// The command name.
    pub name: String,
    /// The exact version.
    pub version: String,
    /// `NAME_VERSION`, the ENV key that records the version.
    pub env: String,
    /// The download per `TARGETARCH`.
    pub arches: Vec<ArchiveView>,
    /// Whether every platform's download is checked.
    pub verified: bool,
    /// Whether some platform's download is checked.
    pub any_verified: bool,
    /// The platforms whose download is not checked, comma-separated.
    pub unverified: String,
    /// Whether the download is a tarball.
    pub tarball: bool,
    /// Its provenance marker.
    pub mark: String,
}

/// Packages the Python source build needs.
/// What the Python step installs besides the spec's packages: `unzip` opens
/// uv's wheel.
const PYTHON_DEPS: &[&str] = &["ca-certificates", "curl", "unzip"];

/// Build the view of a model, marking each section's origin in `tracer`.
pub(super) fn view(model: &Model, tracer: &mut Tracer) -> DockerfileView {
    let toolchain = &model.toolchain;
    let user = crate::plan::workload::origin::user(toolchain);
    let mut apt_origins: Vec<Origin> =
        toolchain.apt.iter().map(|p| Origin::of(format_args!("toolchain/apt {}", p.value), p.span)).collect();
    apt_origins.push(user.clone());
    apt_origins.extend(toolchain.snapshot.iter().map(|t| Origin::new("toolchain/snapshot", t.span)));
    // Python's build dependencies join the apt list when python is pinned.
    apt_origins.extend(toolchain.python.iter().map(|p| Origin::new("toolchain/python", p.span)));
    let python = toolchain.python.iter().map(|p| Origin::new("toolchain/python", p.span)).collect();
    let pip =
        toolchain.pip.iter().map(|p| Origin::of(format_args!("toolchain/pip {}", p.name.value), p.span)).collect();
    let runtime_origins: Vec<Origin> = toolchain.runtimes.iter().map(runtime_origin).collect();
    let marks = Marks {
        base: tracer.mark(vec![Origin::new("toolchain/base", toolchain.base.span)]),
        apt: tracer.mark(apt_origins),
        python: tracer.mark(python),
        pip: tracer.mark(pip),
        runtime_env: tracer.mark(runtime_origins),
        user: tracer.mark(vec![user]),
        end: tracer.end(),
    };
    let user_name = toolchain.user.value.as_str();
    let mut runtime_env: Vec<(String, String)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    for pin in &toolchain.runtimes {
        runtime_env.extend(pin.runtime.env(user_name).into_iter().map(|(k, v)| (k.to_owned(), v)));
        path.extend(pin.runtime.path(user_name));
    }
    if !path.is_empty() {
        path.push("$PATH".to_owned());
        runtime_env.push(("PATH".to_owned(), path.join(":")));
    }
    let runtime_check =
        toolchain.runtimes.iter().map(|p| p.runtime.smoke_test()).collect::<Vec<_>>().join(" \\\n    && ");
    let mut apt: Vec<String> = toolchain.apt.iter().map(|p| p.value.clone()).collect();
    let named = |apt: &[String], package: &str| apt.iter().any(|p| p.split('=').next() == Some(package));
    let mut extra: Vec<&str> = vec!["ca-certificates", "curl"];
    if toolchain.python.is_some() || !toolchain.pip.is_empty() {
        extra.extend(PYTHON_DEPS);
    }
    for package in extra {
        if !named(&apt, package) {
            apt.push(package.to_owned());
        }
    }
    apt.sort();
    apt.dedup();
    DockerfileView {
        base: toolchain.base.reference(),
        base_pinned: toolchain.base.digest.is_some(),
        apt_unpinned: toolchain.snapshot.is_none() && apt.iter().any(|p| !p.contains('=')),
        apt_snapshot: toolchain.snapshot.as_ref().map(|t| t.value.replace(['-', ':'], "")),
        exclude_newer: toolchain.snapshot.as_ref().map(|t| t.value.clone()),
        apt,
        python: toolchain.python.as_ref().map(|p| p.value.clone()),
        pip: toolchain.pip.iter().map(|p| format!("{}=={}", p.name.value, p.version.value)).collect(),
        runtimes: toolchain.runtimes.iter().map(|pin| runtime_view(pin, tracer)).collect(),
        runtime_env,
        runtime_check,
        tools: toolchain.tools.iter().map(|t| tool_view(t, tracer)).collect(),
        uv: &catalog::UV,
        user: toolchain.user.value.clone(),
        uid: toolchain.uid,
        marks,
    }
}

fn runtime_origin(pin: &RuntimePin) -> Origin {
    Origin::of(format_args!("toolchain/{}", pin.runtime.keyword()), pin.span)
}

fn runtime_view(pin: &RuntimePin, tracer: &mut Tracer) -> RuntimeView {
    let runtime = pin.runtime;
    let version = pin.version.value.clone();
    RuntimeView {
        keyword: runtime.keyword(),
        title: runtime.title(),
        digest: runtime.digest().name(),
        home: runtime.home(),
        strip: runtime.strip_components(),
        arches: ARCHES
            .into_iter()
            .zip(&pin.checksums)
            .map(|(arch, sum)| ArchiveView {
                arch,
                url: runtime.url(&version, arch),
                sum: Some(sum.clone()),
                extract: None,
            })
            .collect(),
        version,
        mark: tracer.mark(vec![runtime_origin(pin)]),
    }
}

fn tool_view(tool: &Tool, tracer: &mut Tracer) -> ToolView {
    let name = tool.name.value.clone();
    let version = tool.version.value.trim_start_matches('v').to_owned();
    let entry = catalog::find(&name);
    let download = |arch: &'static str| -> (String, Option<String>) {
        match (&tool.url, entry) {
            (Some(url), _) => (
                catalog::expand(&url.value, &version, arch),
                tool.extract.as_ref().map(|e| catalog::expand(&e.value, &version, arch)),
            ),
            (None, Some(entry)) => {
                let named = catalog::arch_name(entry, arch);
                (
                    catalog::expand(entry.url, &version, named),
                    match entry.packing {
                        Packing::Binary => None,
                        Packing::TarGz(member) => Some(catalog::expand(member, &version, named)),
                    },
                )
            }
            // The model rejects a tool that is neither in the catalog nor has a URL.
            (None, None) => (String::new(), None),
        }
    };
    let arches: Vec<ArchiveView> = ARCHES
        .into_iter()
        .zip(tool_sha256s(tool))
        .map(|(arch, sum)| {
            let (url, extract) = download(arch);
            ArchiveView { arch, url, sum, extract }
        })
        .collect();
    let unverified: Vec<&str> = arches.iter().filter(|a| a.sum.is_none()).map(|a| a.arch).collect();
    ToolView {
        env: format!("{}_VERSION", name.to_ascii_uppercase().replace(['-', '.'], "_")),
        name,
        version,
        verified: unverified.is_empty(),
        any_verified: unverified.len() < arches.len(),
        unverified: unverified.join(", "),
        tarball: arches.iter().any(|a| a.extract.is_some()),
        arches,
        mark: tracer.mark(vec![Origin::of(format_args!("toolchain/tool {}", tool.name.value), tool.span)]),
    }
}

/// Render the Dockerfile.
///
/// # Errors
/// A template error (a bug).
pub(super) fn render_dockerfile(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let mut tracer = Tracer::default();
    let view = view(model, &mut tracer);
    Ok(tracer.resolve(&render(TEMPLATE_DOCKERFILE, &view, path)?))
}
