//! What a cloud tier runs must not move under it: its `revision` is a full
//! commit id (the chart and values Argo CD reads) and every `build` service
//! has an `image SERVICE "sha256:…"` (the image it pulls). A Minikube tier
//! builds its images itself and records none. An `image` service deployed
//! to a cloud tier is pinned by digest, not by tag.
//!
//! Together these make a cloud tier's release a set of immutable
//! identifiers that `inception promote` copies from one tier to the next.

use super::error::{Invalid, ModelError};
use super::reader::Reader;
use super::suggest::did_you_mean;
use super::types::{Cluster, Model, Source, Tier};

/// Whether `revision` is a full git commit id (40 lower-case hex digits).
pub fn is_commit(revision: &str) -> bool {
    revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Check every tier's release.
pub(crate) fn check(reader: &mut Reader, model: &Model) {
    for tier in &model.tiers {
        match tier.cluster.value {
            Cluster::Minikube => check_local(reader, tier),
            Cluster::Aks => check_cloud(reader, model, tier),
        }
    }
    if let Some(tier) = model.tiers.iter().find(|t| t.cluster.value != Cluster::Minikube) {
        check_image_services(reader, model, tier);
    }
}

fn check_local(reader: &mut Reader, tier: &Tier) {
    for image in &tier.images {
        reader.invalid(
            Invalid::Misplaced,
            image.span,
            format!("tier `{}` builds its images inside Minikube", tier.name.value),
            "a local tier records no image digest".to_owned(),
            "remove this `image`: only cloud tiers run pushed images".to_owned(),
        );
    }
}

fn check_cloud(reader: &mut Reader, model: &Model, tier: &Tier) {
    let revision = &tier.revision;
    if !revision.value.is_empty() && !is_commit(&revision.value) {
        reader.error(ModelError::MutableRelease {
            message: format!("tier `{}` runs revision `{}`, which can move", tier.name.value, revision.value),
            span: revision.span.into(),
            label: "a branch or tag: what Argo CD deploys would change without a spec change".to_owned(),
            help: "write the full 40-digit commit id (`git rev-parse REV`); the pipeline and \
                   `inception promote` write it for you"
                .to_owned(),
        });
    }
    let built: Vec<&str> =
        model.services.iter().filter(|s| matches!(s.source, Source::Build(_))).map(|s| s.name.value.as_str()).collect();
    for image in &tier.images {
        if !built.contains(&image.service.value.as_str()) {
            reader.invalid(
                Invalid::Unknown,
                image.service.span,
                format!(
                    "tier `{}` records an image for `{}`, which is not a `build` service",
                    tier.name.value, image.service.value
                ),
                "no `build` service of this name".to_owned(),
                did_you_mean(&image.service.value, &built, "built service"),
            );
        }
    }
    for service in &built {
        if tier.image(service).is_none() {
            reader.error(ModelError::MutableRelease {
                message: format!("tier `{}` records no image for the built service `{service}`", tier.name.value),
                span: tier.name.span.into(),
                label: "which image does this tier pull?".to_owned(),
                help: format!(
                    "add `image {service} \"sha256:…\"` (the digest the pipeline pushed), or run \
                     `inception promote FROM {}` from a tier that has one",
                    tier.name.value
                ),
            });
        }
    }
}

/// An `image` service runs on every tier; with a cloud tier it must be
/// pinned by digest, since a registry can move a tag.
fn check_image_services(reader: &mut Reader, model: &Model, tier: &Tier) {
    for service in &model.services {
        if let Source::Image(image) = &service.source
            && !image.value.contains('@')
        {
            reader.error(ModelError::MutableRelease {
                message: format!(
                    "service `{}` runs image `{}` by tag on cloud tier `{}`",
                    service.name.value, image.value, tier.name.value
                ),
                span: image.span.into(),
                label: "a tag can be pushed again: the cluster could run something never reviewed".to_owned(),
                help:
                    "pin it by digest: IMAGE:TAG@sha256:<64 hex digits> (`docker buildx imagetools inspect IMAGE:TAG`)"
                        .to_owned(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_commit;

    #[test]
    fn only_full_lower_case_commit_ids_are_commits() {
        assert!(is_commit(&"0123456789abcdef".repeat(3)[..40]));
        assert!(!is_commit("main"));
        assert!(!is_commit("v2.4.0"));
        assert!(!is_commit(&"A".repeat(40)));
        assert!(!is_commit(&"a".repeat(39)));
        assert!(!is_commit("HEAD"));
    }
}
