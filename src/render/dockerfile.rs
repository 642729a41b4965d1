//! `.devcontainer/Dockerfile` from the toolchain, through
//! `templates/devcontainer/Dockerfile.j2`.
//!
//! Everything is pinned: the base by digest, Python to the exact patch
//! release (built from the official source tarball), pip packages with `==`,
//! every tool downloaded at its exact version and checked with `sha256sum -c`
//! when the spec gives a checksum. The image ends as the non-root user.

use serde::Serialize;

use super::RenderError;
use super::templates::{TEMPLATE_DOCKERFILE, render};
use super::trace::{Traced, Tracer};
use crate::catalog::{self, Packing};
use crate::model::{Model, Tool};
use crate::plan::Origin;

/// What `Dockerfile.j2` renders. Every field is read by the template.
#[derive(Debug, Serialize)]
pub(super) struct DockerfileView {
    /// `image:tag@sha256:…`.
    pub base: String,
    /// Whether the base image is pinned by digest.
    pub base_pinned: bool,
    /// Debian packages, sorted: the spec's, and what the Python step needs.
    pub apt: Vec<String>,
    /// Whether any apt package lacks a `=VERSION` pin.
    pub apt_unpinned: bool,
    /// The exact Python version, if any.
    pub python: Option<String>,
    /// `name==version` pins.
    pub pip: Vec<String>,
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
    /// The final USER.
    pub user: String,
    /// Ends a section: following lines are fixed boilerplate.
    pub end: String,
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
    /// The download URL, version and arch filled in.
    pub url: String,
    /// The expected sha256, if the spec gives one.
    pub sha256: Option<String>,
    /// The executable's path inside a tarball, if it is one.
    pub extract: Option<String>,
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
        toolchain.apt.iter().map(|p| Origin::new(format!("toolchain/apt {}", p.value), p.span)).collect();
    apt_origins.push(user.clone());
    // Python's build dependencies join the apt list when python is pinned.
    apt_origins.extend(toolchain.python.iter().map(|p| Origin::new("toolchain/python", p.span)));
    let python = toolchain.python.iter().map(|p| Origin::new("toolchain/python", p.span)).collect();
    let pip = toolchain.pip.iter().map(|p| Origin::new(format!("toolchain/pip {}", p.name.value), p.span)).collect();
    let marks = Marks {
        base: tracer.mark(vec![Origin::new("toolchain/base", toolchain.base.span)]),
        apt: tracer.mark(apt_origins),
        python: tracer.mark(python),
        pip: tracer.mark(pip),
        user: tracer.mark(vec![user]),
        end: tracer.end(),
    };
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
        apt_unpinned: apt.iter().any(|p| !p.contains('=')),
        apt,
        python: toolchain.python.as_ref().map(|p| p.value.clone()),
        pip: toolchain.pip.iter().map(|p| format!("{}=={}", p.name.value, p.version.value)).collect(),
        tools: toolchain.tools.iter().map(|t| tool_view(t, tracer)).collect(),
        uv: &catalog::UV,
        user: toolchain.user.value.clone(),
        uid: toolchain.uid,
        marks,
    }
}

fn tool_view(tool: &Tool, tracer: &mut Tracer) -> ToolView {
    let name = tool.name.value.clone();
    let version = tool.version.value.trim_start_matches('v').to_owned();
    let (url, extract) = match (&tool.url, catalog::find(&name)) {
        (Some(url), _) => (
            catalog::expand(&url.value, &version, "amd64"),
            tool.extract.as_ref().map(|e| catalog::expand(&e.value, &version, "amd64")),
        ),
        (None, Some(entry)) => (
            catalog::expand(entry.url, &version, entry.amd64),
            match entry.packing {
                Packing::Binary => None,
                Packing::TarGz(member) => Some(catalog::expand(member, &version, entry.amd64)),
            },
        ),
        // The model rejects a tool that is neither in the catalog nor has a URL.
        (None, None) => (String::new(), None),
    };
    ToolView {
        env: format!("{}_VERSION", name.to_ascii_uppercase().replace(['-', '.'], "_")),
        name,
        version,
        url,
        sha256: tool.sha256.as_ref().map(|s| s.value.clone()),
        extract,
        mark: tracer.mark(vec![Origin::new(format!("toolchain/tool {}", tool.name.value), tool.span)]),
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
