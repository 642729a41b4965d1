//! `tier NAME { … }` → [`Tier`].

use super::error::Invalid;
use super::error::ModelError;
use super::reader::{Reader, Seen};
use super::suggest::did_you_mean;
use super::types::{Cluster, Concession, Tier, TierImage};
use super::vocabulary::Context;
use crate::spec::{RawNode, Spanned};

/// Resolve a top-level `tier` node.
pub(super) fn resolve(reader: &mut Reader, node: &RawNode) -> Option<Tier> {
    reader.props(node, &[]);
    reader.max_args(node, 1, "one name");
    let name = reader.string_arg(node, 0, "a tier name")?;
    reader.dns_label("tier", &name);
    let mut cluster = None;
    let mut revision = None;
    let mut revision_written = false;
    let mut concessions: Vec<Spanned<Concession>> = Vec::new();
    let mut images: Vec<TierImage> = Vec::new();
    let mut imaged = Seen::default();
    let mut once = Seen::default();
    let mut granted = Seen::default();
    for child in reader.children(node, Context::Tier, "`tier`") {
        match child.name.value.as_str() {
            "cluster" => {
                once.insert(reader, "tier node", &child.name, "a tier has one cluster");
                cluster = resolve_cluster(reader, child);
            }
            "revision" => {
                once.insert(reader, "tier node", &child.name, "a tier runs one revision");
                revision_written = true;
                revision = reader.leaf_string(child, "a git revision").filter(|rev| {
                    let ok = super::grammar::is_revision(&rev.value);
                    if !ok {
                        reader.invalid(
                            Invalid::Malformed,
                            rev.span,
                            "a revision is a branch, tag or commit".to_owned(),
                            "not a git ref name (empty, spaces, control or ~^:?*[\\ characters, `..`)".to_owned(),
                            "write e.g. main, \"v2.4.0\" or HEAD; an empty one would make Argo CD follow HEAD"
                                .to_owned(),
                        );
                    }
                    ok
                });
            }
            "concession" => {
                if let Some(concession) = resolve_concession(reader, child) {
                    let spelled = Spanned::new(concession.value.as_str().to_owned(), concession.span);
                    if granted.insert(reader, "concession", &spelled, "grant each concession once") {
                        concessions.push(concession);
                    }
                }
            }
            "image" => {
                if let Some(image) = resolve_image(reader, child)
                    && imaged.insert(reader, "tier image", &image.service, "a tier runs one image per service")
                {
                    images.push(image);
                }
            }
            _ => {}
        }
    }
    let Some(cluster) = cluster else {
        reader.error(ModelError::Missing {
            message: format!("tier `{}` has no cluster", name.value),
            span: name.span.into(),
            label: "no `cluster` in this tier".to_owned(),
            help: "add `cluster minikube` (local) or `cluster aks` (Azure)".to_owned(),
        });
        return None;
    };
    if cluster.value != Cluster::Minikube {
        for concession in &concessions {
            reader.error(ModelError::ConcessionOnCloudTier {
                concession: concession.value.as_str().to_owned(),
                tier: name.value.clone(),
                cluster: cluster.value.as_str().to_owned(),
                span: concession.span.into(),
                cluster_span: cluster.span.into(),
            });
        }
    }
    let revision = revision.unwrap_or_else(|| {
        if revision_written {
            return Spanned::default();
        }
        reader.error(ModelError::Missing {
            message: format!("tier `{}` has no revision", name.value),
            span: name.span.into(),
            label: "which code does this tier run?".to_owned(),
            help: "add `revision REV`: a branch, tag or commit (HEAD for the working tree)".to_owned(),
        });
        Spanned::default()
    });
    Some(Tier { name, cluster, revision, concessions, images, span: node.span })
}

fn resolve_cluster(reader: &mut Reader, node: &RawNode) -> Option<Spanned<Cluster>> {
    let kind = reader.leaf_string(node, "a cluster kind")?;
    match kind.value.as_str() {
        "minikube" => Some(Spanned::new(Cluster::Minikube, kind.span)),
        "aks" => Some(Spanned::new(Cluster::Aks, kind.span)),
        other => {
            reader.invalid(
                Invalid::Unknown,
                kind.span,
                format!("unknown cluster `{other}`"),
                "not a cluster kind".to_owned(),
                did_you_mean(other, &["aks", "minikube"], "cluster"),
            );
            None
        }
    }
}

fn resolve_concession(reader: &mut Reader, node: &RawNode) -> Option<Spanned<Concession>> {
    let kind = reader.leaf_string(node, "a concession kind")?;
    let found = Concession::ALL.iter().find(|(spelling, _)| *spelling == kind.value);
    if let Some((_, concession)) = found {
        return Some(Spanned::new(*concession, kind.span));
    }
    let names: Vec<&str> = Concession::ALL.iter().map(|(s, _)| *s).collect();
    reader.invalid(
        Invalid::Unknown,
        kind.span,
        format!("unknown concession `{}`", kind.value),
        "not a concession".to_owned(),
        did_you_mean(&kind.value, &names, "concession"),
    );
    None
}

/// `image SERVICE "sha256:…"`: the digest is checked here, the service and
/// the tier's cluster once every declaration is known (`release`).
fn resolve_image(reader: &mut Reader, node: &RawNode) -> Option<TierImage> {
    reader.props(node, &[]);
    reader.max_args(node, 2, "a service and a digest");
    reader.no_children(node);
    let service = reader.string_arg(node, 0, "a service name")?;
    let digest = reader.string_arg(node, 1, "an image digest")?;
    if !super::pin::is_sha256_digest(&digest.value) {
        reader.invalid(
            Invalid::Digest,
            digest.span,
            format!("`{}` is not an image digest", digest.value),
            "expected sha256: and 64 lower-case hex digits".to_owned(),
            "write the digest the registry returned for the pushed image (the pipeline records it)".to_owned(),
        );
        return None;
    }
    Some(TierImage { service, digest, span: node.span })
}
