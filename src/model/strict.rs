//! What `inception lint --strict` adds: pins the language allows but lateral
//! symmetry wants. A tool without a known sha256 for each platform, an
//! extension without a version, an apt package without a version are legal
//! specs, but two developers building them a month apart may get different
//! bits. (A base or service image without digest is a plain `lint` finding,
//! `model::pin_lint`.)

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::types::{Model, Tool};
use crate::catalog;
use crate::runtimes::ARCHES;

/// One strict finding.
#[derive(Debug, Error, Diagnostic)]
pub enum StrictFinding {
    /// A tool download is not verified on a platform.
    #[error("tool `{name}` {version} has no sha256 for {arch}")]
    #[diagnostic(
        code(inception::lint::tool_without_sha256),
        severity(Warning),
        help(
            "add sha256-{arch}=\"…\" from the release's checksum file (the catalog knows none for this version): the Dockerfile then verifies the download"
        )
    )]
    ToolWithoutSha256 {
        /// The tool.
        name: String,
        /// Its version.
        version: String,
        /// The platform (`amd64`, `arm64`).
        arch: &'static str,
        /// The `tool` node.
        #[label("download not verified")]
        span: SourceSpan,
    },
    /// An extension floats with the Marketplace.
    #[error("extension `{id}` has no version")]
    #[diagnostic(
        code(inception::lint::extension_without_version),
        severity(Warning),
        help("write `{id}@VERSION` (the version VS Code shows for the installed extension)")
    )]
    ExtensionWithoutVersion {
        /// The extension ID.
        id: String,
        /// Its span.
        #[label("no @VERSION")]
        span: SourceSpan,
    },
    /// A Python tool's dependencies float with PyPI.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pip(PipWithoutSnapshot),
    /// An apt package floats with the Debian archive.
    #[error("apt package `{name}` has no version")]
    #[diagnostic(
        code(inception::lint::apt_without_version),
        severity(Warning),
        help(
            "add snapshot \"YYYY-MM-DDTHH:MM:SSZ\" to the toolchain: every package is then installed as snapshot.debian.org had it at that time (a `{name}=VERSION` pin breaks when Debian replaces the version)"
        )
    )]
    AptWithoutVersion {
        /// The package.
        name: String,
        /// Its span.
        #[label("no =VERSION")]
        span: SourceSpan,
    },
}

/// The dependencies of a Python tool float with PyPI.
#[derive(Debug, Error, Diagnostic)]
#[error("the dependencies of pip tool `{name}` are not frozen")]
#[diagnostic(
    code(inception::lint::pip_without_snapshot),
    severity(Warning),
    help(
        "add snapshot \"YYYY-MM-DDTHH:MM:SSZ\" to the toolchain: uv then resolves `{name}`'s dependencies as PyPI was at that time (--exclude-newer)"
    )
)]
pub struct PipWithoutSnapshot {
    /// The package.
    name: String,
    /// Its node.
    #[label("dependencies resolved on the day of the build")]
    span: SourceSpan,
}

/// Every strict finding of a valid model, in source order.
pub(crate) fn findings(model: &Model) -> Vec<StrictFinding> {
    let toolchain = &model.toolchain;
    let mut found: Vec<(usize, StrictFinding)> = Vec::new();
    for tool in &toolchain.tools {
        for (arch, sha256) in ARCHES.into_iter().zip(tool_sha256s(tool)) {
            if sha256.is_none() {
                let finding = StrictFinding::ToolWithoutSha256 {
                    name: tool.name.value.clone(),
                    version: tool.version.value.clone(),
                    arch,
                    span: tool.name.span.into(),
                };
                found.push((tool.span.offset(), finding));
            }
        }
    }
    for extension in toolchain.extensions.iter().filter(|e| e.version.is_none()) {
        found.push((
            extension.span.offset(),
            StrictFinding::ExtensionWithoutVersion { id: extension.id.clone(), span: extension.span.into() },
        ));
    }
    let frozen = toolchain.snapshot.is_some();
    for package in toolchain.apt.iter().filter(|p| !frozen && !p.value.contains('=')) {
        found.push((
            package.span.offset(),
            StrictFinding::AptWithoutVersion { name: package.value.clone(), span: package.span.into() },
        ));
    }
    for pip in toolchain.pip.iter().filter(|_| !frozen) {
        let finding =
            StrictFinding::Pip(PipWithoutSnapshot { name: pip.name.value.clone(), span: pip.name.span.into() });
        found.push((pip.span.offset(), finding));
    }
    found.sort_by_key(|(offset, _)| *offset);
    found.into_iter().map(|(_, finding)| finding).collect()
}

/// The sha256 of a tool's amd64 and arm64 download: the spec's, else the
/// catalog's for a catalog tool at a version whose checksums were read.
pub(crate) fn tool_sha256s(tool: &Tool) -> [Option<String>; 2] {
    let given = [&tool.sha256, &tool.sha256_arm64].map(|s| s.as_ref().map(|s| s.value.clone()));
    let version = tool.version.value.trim_start_matches('v');
    let entry = if tool.url.is_none() { catalog::find(&tool.name.value) } else { None };
    let mut index = 0;
    given.map(|sum| {
        let arch = ARCHES[index];
        index += 1;
        sum.or_else(|| entry.and_then(|e| catalog::sha256(e, version, arch)).map(str::to_owned))
    })
}
