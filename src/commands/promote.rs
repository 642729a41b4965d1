//! `inception promote FROM TO` and `inception release TIER --revision COMMIT
//! --image SERVICE=DIGEST…`: set a cloud tier's release in the spec (only its
//! `revision` and `image` lines change), compile, and write both. The result
//! is one reviewable diff; merging it is the deployment (see docs/delivery.md).

use crate::cli::{OutArgs, SpecArgs};
use crate::commands::load::{self, Input};
use crate::emit;
use crate::error::{Error, Result};
use crate::model::release::is_commit;
use crate::model::suggest::did_you_mean;
use crate::model::{Cluster, Model, Tier, pin};
use crate::pipeline;
use crate::release::{Release, built_services, rewrite};
use crate::source::SourceFile;

/// Move tier `to` to exactly what tier `from` runs.
///
/// # Errors
/// An invalid spec, an unknown or local tier, or an I/O failure.
pub fn promote(spec: &SpecArgs, out: &OutArgs, from: &str, to: &str) -> Result<()> {
    let input = load::read(spec, Some(out))?;
    let loaded = pipeline::load(&input.source)?;
    let model = &loaded.model;
    let (source, target) = (cloud_tier(model, from)?, cloud_tier(model, to)?);
    if from == to {
        return Err(Error::Usage {
            message: format!("`{from}` is promoted to itself"),
            help: "name two different cloud tiers: FROM (what runs) and TO (what moves)".to_owned(),
        });
    }
    apply(&input, model, target, &Release::of(model, source))?;
    crate::outln!("review: `inception symmetry {from} {to}` lists only identity and override differences");
    Ok(())
}

/// Record the release the pipeline built as `tier`'s.
///
/// # Errors
/// An invalid spec, an unknown or local tier, a revision that is not a
/// commit, an image that is not `SERVICE=sha256:…` of a `build` service, a
/// missing one, or an I/O failure.
pub fn release(spec: &SpecArgs, out: &OutArgs, tier: &str, revision: &str, images: &[String]) -> Result<()> {
    let input = load::read(spec, Some(out))?;
    let loaded = pipeline::load(&input.source)?;
    let model = &loaded.model;
    let target = cloud_tier(model, tier)?;
    if !is_commit(revision) {
        return Err(Error::Usage {
            message: format!("`{revision}` is not a full commit id"),
            help: "pass the 40-digit commit the images were built from (`git rev-parse HEAD`)".to_owned(),
        });
    }
    let built = built_services(model);
    let mut given: Vec<(String, String)> = Vec::new();
    for image in images {
        let Some((service, digest)) = image.split_once('=') else {
            return Err(usage_image(image, "write SERVICE=sha256:DIGEST"));
        };
        if !built.contains(&service) {
            return Err(usage_image(image, &did_you_mean(service, &built, "built service")));
        }
        if !pin::is_sha256_digest(digest) {
            return Err(usage_image(image, "the digest is sha256: and 64 lower-case hex digits"));
        }
        if given.iter().any(|(s, _)| s == service) {
            return Err(usage_image(image, "give each service once"));
        }
        given.push((service.to_owned(), digest.to_owned()));
    }
    if let Some(missing) = built.iter().find(|s| !given.iter().any(|(g, _)| g == *s)) {
        return Err(Error::Usage {
            message: format!("no image for the built service `{missing}`"),
            help: format!("pass --image {missing}=sha256:… : a release names every built service's image"),
        });
    }
    let ordered = built.iter().filter_map(|s| given.iter().find(|(g, _)| g == s).cloned()).collect();
    apply(&input, model, target, &Release { revision: revision.to_owned(), images: ordered })
}

fn usage_image(image: &str, help: &str) -> Error {
    Error::Usage { message: format!("`--image {image}` is not an image of a built service"), help: help.to_owned() }
}

/// A tier by name that runs in the cloud.
fn cloud_tier<'a>(model: &'a Model, name: &str) -> Result<&'a Tier> {
    let names: Vec<&str> = model.tiers.iter().map(|t| t.name.value.as_str()).collect();
    let tier = model.tier(name).ok_or_else(|| Error::Usage {
        message: format!("unknown tier `{name}`"),
        help: did_you_mean(name, &names, "tier"),
    })?;
    if tier.cluster.value == Cluster::Minikube {
        return Err(Error::Usage {
            message: format!("tier `{name}` runs on Minikube, which builds its own images"),
            help: "promote between cloud tiers (`cluster aks`): they run releases by commit and digest".to_owned(),
        });
    }
    Ok(tier)
}

/// Rewrite the spec, compile it (nothing is written if that fails), write
/// the spec and the generated tree, and say what moved.
fn apply(input: &Input, model: &Model, tier: &Tier, release: &Release) -> Result<()> {
    let name = &tier.name.value;
    let before = Release::of(model, tier);
    if before == *release {
        crate::outln!("{name} already runs this release: nothing to change");
        return Ok(());
    }
    let text = rewrite(input.source.text(), tier, release);
    let source = SourceFile::new(input.source.name(), text.clone());
    let compiled = pipeline::compile_source(&source, &input.location.spec_name())?;
    emit::write_file(&input.location.file, &text)?;
    let report = emit::write(&input.location.root, &compiled.outputs(), false)?;
    crate::outln!("{name}: revision {} → {}", before.revision, release.revision);
    for (service, digest) in &release.images {
        let old = before.images.iter().find(|(s, _)| s == service).map_or("—", |(_, d)| d.as_str());
        if old != digest {
            crate::outln!("{name}: image {service} {old} → {digest}");
        }
    }
    crate::outln!("wrote    {}", input.location.spec_name());
    for written in &report.written {
        crate::outln!("wrote    {written}");
    }
    Ok(())
}
