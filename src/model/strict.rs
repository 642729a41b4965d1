//! What `inception lint --strict` adds: pins the language allows but lateral
//! symmetry wants. A base image without digest, a tool without sha256, an
//! extension without a version, an apt package without a version are legal
//! specs, but two developers building them a month apart may get different bits.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::types::{Model, Source};

/// One strict finding.
#[derive(Debug, Error, Diagnostic)]
pub enum StrictFinding {
    /// The base image is pinned by tag only.
    #[error("base image `{image}` has no digest")]
    #[diagnostic(
        code(inception::lint::base_without_digest),
        severity(Warning),
        help("add digest=\"sha256:…\" (from `docker buildx imagetools inspect {image}`): a tag can be moved")
    )]
    BaseWithoutDigest {
        /// The image.
        image: String,
        /// The `base` node's argument.
        #[label("tag only")]
        span: SourceSpan,
    },
    /// A service image is pinned by tag only.
    #[error("image `{image}` of service `{service}` has no digest")]
    #[diagnostic(
        code(inception::lint::image_without_digest),
        severity(Warning),
        help("write `{image}@sha256:…` (from `docker buildx imagetools inspect {image}`): a tag can be moved")
    )]
    ImageWithoutDigest {
        /// The service.
        service: String,
        /// The image reference.
        image: String,
        /// Its span.
        #[label("tag only")]
        span: SourceSpan,
    },
    /// A tool download is not verified.
    #[error("tool `{name}` {version} has no sha256")]
    #[diagnostic(
        code(inception::lint::tool_without_sha256),
        severity(Warning),
        help("add sha256=\"…\" from the release's checksum file: the Dockerfile then verifies the download")
    )]
    ToolWithoutSha256 {
        /// The tool.
        name: String,
        /// Its version.
        version: String,
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
    /// An apt package floats with the Debian archive.
    #[error("apt package `{name}` has no version")]
    #[diagnostic(
        code(inception::lint::apt_without_version),
        severity(Warning),
        help("write `{name}=VERSION` (`apt-cache policy {name}` in the container shows it)")
    )]
    AptWithoutVersion {
        /// The package.
        name: String,
        /// Its span.
        #[label("no =VERSION")]
        span: SourceSpan,
    },
}

/// Every strict finding of a valid model, in source order.
pub(crate) fn findings(model: &Model) -> Vec<StrictFinding> {
    let toolchain = &model.toolchain;
    let mut found: Vec<(usize, StrictFinding)> = Vec::new();
    if toolchain.base.digest.is_none() {
        let span = toolchain.base.image.span;
        found.push((
            span.offset,
            StrictFinding::BaseWithoutDigest { image: toolchain.base.image.value.clone(), span: span.into() },
        ));
    }
    for tool in toolchain.tools.iter().filter(|t| t.sha256.is_none()) {
        found.push((
            tool.span.offset,
            StrictFinding::ToolWithoutSha256 {
                name: tool.name.value.clone(),
                version: tool.version.value.clone(),
                span: tool.name.span.into(),
            },
        ));
    }
    for extension in toolchain.extensions.iter().filter(|e| e.version.is_none()) {
        found.push((
            extension.span.offset,
            StrictFinding::ExtensionWithoutVersion { id: extension.id.clone(), span: extension.span.into() },
        ));
    }
    for package in toolchain.apt.iter().filter(|p| !p.value.contains('=')) {
        found.push((
            package.span.offset,
            StrictFinding::AptWithoutVersion { name: package.value.clone(), span: package.span.into() },
        ));
    }
    for service in &model.services {
        if let Source::Image(image) = &service.source
            && !image.value.contains("@sha256:")
        {
            let finding = StrictFinding::ImageWithoutDigest {
                service: service.name.value.clone(),
                image: image.value.clone(),
                span: image.span.into(),
            };
            found.push((image.span.offset, finding));
        }
    }
    found.sort_by_key(|(offset, _)| *offset);
    found.into_iter().map(|(_, finding)| finding).collect()
}
