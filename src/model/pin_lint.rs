//! Pins plain `inception lint` reports: a base image or a service `image`
//! without digest. The language accepts a fixed tag, but a tag can be moved,
//! and the promise of identical containers and tiers rests on these two
//! references; so `lint` (and the pull request pipeline) fails on them
//! without `--strict`.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::types::{Model, Source};

/// One unpinned image reference.
#[derive(Debug, Error, Diagnostic)]
pub enum PinFinding {
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
}

/// Every unpinned image reference of a valid model, in source order.
pub(crate) fn findings(model: &Model) -> Vec<PinFinding> {
    let mut found: Vec<(usize, PinFinding)> = Vec::new();
    let base = &model.toolchain.base;
    if base.digest.is_none() && !base.image.value.is_empty() {
        let span = base.image.span;
        found.push((
            span.offset(),
            PinFinding::BaseWithoutDigest { image: base.image.value.clone(), span: span.into() },
        ));
    }
    for service in &model.services {
        if let Source::Image(image) = &service.source
            && !image.value.contains("@sha256:")
        {
            let finding = PinFinding::ImageWithoutDigest {
                service: service.name.value.clone(),
                image: image.value.clone(),
                span: image.span.into(),
            };
            found.push((image.span.offset(), finding));
        }
    }
    found.sort_by_key(|(offset, _)| *offset);
    found.into_iter().map(|(_, finding)| finding).collect()
}
