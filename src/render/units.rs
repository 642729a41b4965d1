//! Render units: what each artifact reads, as a key, so that a compile can
//! reuse the file a previous compile wrote when its key is unchanged.
//!
//! An artifact's key hashes everything its bytes and its provenance (the
//! spec lines the lock records for it) can depend on:
//!
//! - By default, the whole spec: the spec's name and bytes. A renderer that
//!   declares nothing is re-rendered on every edit (correct, not incremental).
//! - A service's Helm values, its Argo CD Applications and (a `build` or
//!   `image` service) its own NetworkPolicy in each tier (the bulk of a big
//!   tree) are rendered from a *restricted model*: every part of the model
//!   but the services, plus the service, the services it `needs` and the
//!   services that need it. They are rendered from it in every compile, cold
//!   or not, so their bytes are a function of it by construction. Their key
//!   is that restricted model (serialized), the text outside every service
//!   node and the text of each service node of the restricted model, each
//!   with the line and column it starts at (so every span in it maps to the
//!   same line; blank text between nodes holds no span and is left out), the service's sync wave (from the whole graph), the
//!   artifact's path and kind, and its planned sources with their lines.
//!
//! A rendered artifact whose provenance points into a service node outside
//! its restricted model (which the spans of a well-formed model never do) is
//! given no key: it is rendered again next time.

use std::collections::HashMap;

use serde::Serialize;

use crate::digest::{Sha256Digest, sha256_hex};
use crate::graph::Graph;
use crate::model::{Azure, Model, Observability, Pipeline, Project, Tier, Toolchain};
use crate::plan::{Artifact, Kind, Origin};
use crate::source::SourceFile;

/// Changes when what a key means changes.
const FORMAT: &str = "inception-units 1";

/// The service whose restricted model renders `kind`, if any: a generic or
/// chart service's values and Applications, a generic service's own
/// NetworkPolicy (which reads the service, the services it needs, those
/// that need it and the tier: [`crate::plan::network::service_policy`]); a
/// backing service's Application reads the operators of every service: the
/// whole spec.
pub(crate) fn scope(model: &Model, kind: &Kind) -> Option<usize> {
    match kind {
        Kind::HelmValues { service, .. } | Kind::ArgoApplication { service, .. }
            if model.service_at(*service).backing().is_none() =>
        {
            Some(service.index())
        }
        Kind::ServiceNetworkPolicy { service, .. } => Some(service.index()),
        _ => None,
    }
}

/// For each service (by index), the services of its restricted model, in
/// declaration order: itself, the services it needs, the services that need it.
pub(crate) fn neighbourhoods(model: &Model) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> =
        model.services.iter().enumerate().map(|(i, s)| (s.name.value.as_str(), i)).collect();
    let mut members: Vec<Vec<usize>> = (0..model.services.len()).map(|i| vec![i]).collect();
    for (i, service) in model.services.iter().enumerate() {
        for need in &service.needs {
            if let Some(&needed) = index.get(need.value.as_str()) {
                members[i].push(needed);
                members[needed].push(i);
            }
        }
    }
    for list in &mut members {
        list.sort_unstable();
        list.dedup();
    }
    members
}

/// The restricted model of the services `members`: everything but the
/// services, and those services in declaration order.
pub(crate) fn restricted(model: &Model, members: &[usize]) -> Model {
    Model {
        format_version: model.format_version,
        project: model.project.clone(),
        toolchain: model.toolchain.clone(),
        tiers: model.tiers.clone(),
        services: members.iter().map(|&i| model.services[i].clone()).collect(),
        observability: model.observability.clone(),
        azure: model.azure.clone(),
        pipeline: model.pipeline.clone(),
        service_index: crate::model::ServiceIndex::default(),
    }
}

/// Everything in a model but its services.
#[derive(Serialize)]
struct Global<'a> {
    format_version: u32,
    project: &'a Project,
    toolchain: &'a Toolchain,
    tiers: &'a [Tier],
    observability: &'a Option<Observability>,
    azure: &'a Option<Azure>,
    pipeline: &'a Option<Pipeline>,
}

/// The key of each artifact of a plan, in the plan's order.
pub(crate) fn keys(
    source: &SourceFile,
    model: &Model,
    graph: &Graph,
    artifacts: &[Artifact],
    spec_name: &str,
) -> Vec<Sha256Digest> {
    let text = source.text();
    let whole = Sha256Digest::of(format!("{FORMAT}\0whole\0{spec_name}\0{text}").as_bytes());
    let Some(digests) = digests(source, model) else { return vec![whole; artifacts.len()] };
    let members = neighbourhoods(model);
    // What every artifact of a service's unit shares, hashed once per
    // service: the model outside the services, the service's name and sync
    // wave, and its restricted model's services.
    let units: Vec<String> = (0..model.services.len())
        .map(|at| {
            let name = &model.services[at].name.value;
            let mut keyed = format!("{FORMAT}\0unit\0{spec_name}\0{name}\0{}\0{}\0", graph.wave(name), digests.global);
            for &member in &members[at] {
                keyed.push_str(&digests.services[member]);
                keyed.push('\0');
            }
            sha256_hex(keyed.as_bytes())
        })
        .collect();
    // On this thread, as the plan is made: a compile keys while a second
    // thread reads the tree (and short-lived threads would leave their
    // pages to the allocator).
    artifacts
        .iter()
        .map(|artifact| match scope(model, &artifact.kind) {
            None => whole,
            Some(at) => {
                use sha2::Digest;
                let tag = match artifact.kind {
                    Kind::HelmValues { tier, .. } => format!("values {tier:?}"),
                    Kind::ArgoApplication { tier, .. } => format!("application {tier:?}"),
                    Kind::ServiceNetworkPolicy { tier, .. } => format!("network {tier:?}"),
                    _ => "other".to_owned(),
                };
                // Hashed as it is written: `UNIT\0PATH\0TAG\0` then, for each
                // source, `NODE\0LINE:BYTE:LEN\0`.
                let mut hasher = sha2::Sha256::new();
                for part in [units[at].as_str(), "\0", &artifact.path, "\0", &tag, "\0"] {
                    hasher.update(part.as_bytes());
                }
                let mut digits = [0; 20];
                for origin in &artifact.sources {
                    // The line and the byte in it: an edit of another line moves neither.
                    let (line, column) = source.line_byte(origin.span.offset());
                    hasher.update(origin.node.as_bytes());
                    hasher.update(b"\0");
                    hasher.update(decimal(&mut digits, line));
                    hasher.update(b":");
                    hasher.update(decimal(&mut digits, column));
                    hasher.update(b":");
                    hasher.update(decimal(&mut digits, origin.span.len()));
                    hasher.update(b"\0");
                }
                Sha256Digest::from_hasher(hasher)
            }
        })
        .collect()
}

/// `n` in decimal, written into `digits`.
fn decimal(digits: &mut [u8; 20], mut n: usize) -> &[u8] {
    let mut at = digits.len();
    loop {
        at -= 1;
        // A digit: below 10.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &digits[at..];
        }
    }
}

struct Digests {
    /// The model without its services, and the text outside every service node.
    global: String,
    /// Each service, and the text of its node where it stands.
    services: Vec<String>,
}

/// `None` when the service nodes' spans do not lie apart, in order, inside
/// the text (then every key is the whole spec's).
fn digests(source: &SourceFile, model: &Model) -> Option<Digests> {
    let text = source.text();
    let mut global = String::from(FORMAT);
    global.push('\0');
    let view = Global {
        format_version: model.format_version,
        project: &model.project,
        toolchain: &model.toolchain,
        tiers: &model.tiers,
        observability: &model.observability,
        azure: &model.azure,
        pipeline: &model.pipeline,
    };
    global.push_str(&serde_json::to_string(&view).ok()?);
    let mut at = 0;
    for service in &model.services {
        let span = service.span;
        if span.offset() < at || span.end() > text.len() || span.is_empty() {
            return None;
        }
        global.push_str(&segment(source, at, span.offset())?);
        at = span.end();
    }
    global.push_str(&segment(source, at, text.len())?);
    let services = model.services.iter().map(|service| {
        let serialized = serde_json::to_string(service).ok()?;
        Some(sha256_hex(
            format!("{serialized}\0{}", segment(source, service.span.offset(), service.span.end())?).as_bytes(),
        ))
    });
    Some(Digests { global: sha256_hex(global.as_bytes()), services: services.collect::<Option<Vec<_>>>()? })
}

/// The text from `start` to `end`, with the line and column it starts at;
/// nothing when it is blank: it holds no node, so no span, and moves nothing
/// (what follows is keyed with its own place).
fn segment(source: &SourceFile, start: usize, end: usize) -> Option<String> {
    let text = source.text().get(start..end)?;
    if text.bytes().all(|b| b.is_ascii_whitespace()) {
        return Some(String::new());
    }
    let (line, column) = source.line_col(start);
    Some(format!("\0{line}:{column}:{}\0{}", end - start, source.text().get(start..end)?))
}

/// Whether every origin of a rendered artifact of the restricted model of
/// `members` lies in one of their nodes or outside every service node.
pub(crate) fn provenance_within(model: &Model, members: &[usize], sources: &[Origin]) -> bool {
    sources.iter().all(|origin| {
        let (start, end) = (origin.span.offset(), origin.span.end());
        let inside = model.services.partition_point(|s| s.span.offset() <= start).checked_sub(1);
        match inside {
            Some(i) if start < model.services[i].span.end() => {
                end <= model.services[i].span.end() && members.binary_search(&i).is_ok()
            }
            // Outside every node: it may not reach into the next one.
            _ => model.services.get(inside.map_or(0, |i| i + 1)).is_none_or(|next| end <= next.span.offset()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_writes_every_digit() {
        let mut digits = [0; 20];
        for n in [0, 7, 10, 1234, usize::MAX] {
            assert_eq!(decimal(&mut digits, n), n.to_string().as_bytes());
        }
    }

    /// Every service's own NetworkPolicy is rendered from its restricted
    /// model and keyed: its provenance lies within that model.
    #[test]
    fn a_service_network_policy_is_a_keyed_unit() {
        // (minimal has no `repo`: no Argo CD files, no NetworkPolicies.)
        for name in ["serenity", "polyglot"] {
            let text = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("environments/{name}/inception.kdl")),
            )
            .expect("the reference spec");
            let source = SourceFile::new("inception.kdl", text);
            let loaded = crate::pipeline::load(&source).expect("valid");
            let (model, graph) = (&loaded.model, &loaded.graph);
            let plan = crate::plan::plan(model);
            let keys = keys(&source, model, graph, &plan.artifacts, "inception.kdl");
            let whole = Sha256Digest::of(format!("{FORMAT}\0whole\0inception.kdl\0{}", source.text()).as_bytes());
            let members = neighbourhoods(model);
            let rendered = crate::render::render(model, graph, plan, "inception.kdl").expect("renders");
            let mut policies = 0;
            for (rendered, key) in rendered.iter().zip(&keys) {
                let Kind::ServiceNetworkPolicy { service, .. } = rendered.artifact.kind else { continue };
                policies += 1;
                assert_eq!(scope(model, &rendered.artifact.kind), Some(service.index()));
                assert_ne!(key, &whole, "{name}: {} is keyed by the whole spec", rendered.path());
                assert!(
                    provenance_within(model, &members[service.index()], &rendered.artifact.sources),
                    "{name}: {} reads outside its restricted model",
                    rendered.path()
                );
            }
            assert!(policies > 0, "{name}: no service's NetworkPolicy");
        }
    }
}
