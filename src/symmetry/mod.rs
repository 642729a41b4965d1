//! Front-to-back symmetry: what differs between two tiers, and why.
//!
//! The rendered files of two tiers are paired by kind (their layout path
//! with the tier's name spelled `{tier}`), read as data ([`flatten`]), and every differing
//! value is attributed to a cause from the provenance its lines were rendered
//! with: the tier's identity (a value that differs only by the tier's name),
//! its `cluster` (Minikube builds images locally, AKS pulls them), its
//! `revision`, a `concession`, or a per-service override with its reason.
//! Causes are ordered from the most specific (a concession, an override) to
//! the most general (identity): a difference is grouped under its first. A difference with no such cause is unattributed: the tool could
//! not explain it, and `inception symmetry` exits 1.

mod flatten;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::layout;
use crate::model::{Cluster, Concession, Model, Tier};
use crate::pipeline::Compiled;
use crate::render::Rendered;
use crate::spec::Span;
pub use flatten::{Leaf, Syntax, leaves};

/// Why two tiers differ, from the most specific cause to the most general.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "cause", rename_all = "kebab-case")]
pub enum Cause {
    /// A local concession.
    Concession {
        /// The tier granting it.
        tier: String,
        /// Its kind.
        concession: Concession,
    },
    /// A per-service override.
    Override {
        /// The service.
        service: String,
        /// The tier it applies to.
        tier: String,
        /// Its written reason.
        reason: String,
        /// 1-based spec line of the override.
        line: usize,
    },
    /// Where each tier's cluster runs.
    Cluster {
        /// `cluster` of the first tier.
        from: Cluster,
        /// `cluster` of the second tier.
        to: Cluster,
    },
    /// The image digest a built service runs (a cloud tier's `image`).
    Image {
        /// The service.
        service: String,
        /// The digest in the first tier (empty if it records none).
        from: String,
        /// The digest in the second tier.
        to: String,
    },
    /// The code version each tier runs.
    Revision {
        /// `revision` of the first tier.
        from: String,
        /// `revision` of the second tier.
        to: String,
    },
    /// Names derived from the tier's own name.
    TierIdentity,
}

/// One differing value.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// The file, with the tier's name as `{tier}`.
    pub file: String,
    /// The key path (`(file)` when the file exists in one tier only).
    pub path: String,
    /// The values in the first tier.
    pub from: Vec<String>,
    /// The values in the second tier.
    pub to: Vec<String>,
    /// The causes found; empty means unattributed.
    pub causes: Vec<Cause>,
}

/// Every difference between two tiers.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The first tier.
    pub from: String,
    /// The second tier.
    pub to: String,
    /// The differences, sorted by file and path.
    pub differences: Vec<Difference>,
}

impl Comparison {
    /// Differences with no cause.
    pub fn unattributed(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.causes.is_empty())
    }
}

/// Compare two tiers of a compiled spec.
pub fn compare(compiled: &Compiled, from: &Tier, to: &Tier) -> Comparison {
    compare_outputs(&compiled.loaded.model, &compiled.artifacts, &compiled.loaded.source, from, to)
}

/// Compare two tiers given rendered artifacts.
pub fn compare_outputs(
    model: &Model,
    artifacts: &[Rendered],
    source: &crate::source::SourceFile,
    from: &Tier,
    to: &Tier,
) -> Comparison {
    let (a, b) = (from.name.value.as_str(), to.name.value.as_str());
    let files_a = tier_files(model, artifacts, a);
    let files_b = tier_files(model, artifacts, b);
    let keys: BTreeSet<&String> = files_a.keys().chain(files_b.keys()).collect();
    let attribution = Attribution { model, source, from, to, a, b };
    let mut differences = Vec::new();
    for key in keys {
        match (files_a.get(key), files_b.get(key)) {
            (Some(ra), Some(rb)) => differences.extend(attribution.files(key, ra, rb)),
            (Some(only), None) | (None, Some(only)) => {
                let lines: Vec<usize> = (0..only.lines.len()).collect();
                let causes = attribution.causes(&[(only, &lines)], &[], &[]);
                let present = vec!["present".to_owned()];
                let (from, to) = if files_a.contains_key(key) { (present, Vec::new()) } else { (Vec::new(), present) };
                differences.push(Difference { file: key.clone(), path: "(file)".to_owned(), from, to, causes });
            }
            (None, None) => {}
        }
    }
    Comparison { from: a.to_owned(), to: b.to_owned(), differences }
}

/// The artifacts of one tier, keyed by their path with the tier's name as `{tier}`.
fn tier_files<'r>(model: &Model, artifacts: &'r [Rendered], tier: &str) -> BTreeMap<String, &'r Rendered> {
    artifacts
        .iter()
        .filter(|r| r.artifact.kind.tier().is_some_and(|t| model.tier_at(t).name.value == tier))
        // A shell script is not data: its differences are the data files' (values, wiring).
        .filter(|r| !matches!(r.artifact.kind, crate::plan::Kind::Bootstrap { .. }))
        .filter_map(|r| Some((layout::tier_pattern(&r.artifact.kind, model)?, r)))
        .collect()
}

struct Attribution<'m> {
    model: &'m Model,
    source: &'m crate::source::SourceFile,
    from: &'m Tier,
    to: &'m Tier,
    a: &'m str,
    b: &'m str,
}

impl Attribution<'_> {
    fn files(&self, key: &str, a: &Rendered, b: &Rendered) -> Vec<Difference> {
        let syntax = Syntax::of(&a.artifact.kind);
        let group = |text: &str| {
            let mut by_path: BTreeMap<String, Vec<Leaf>> = BTreeMap::new();
            for leaf in leaves(syntax, text) {
                by_path.entry(leaf.path.clone()).or_default().push(leaf);
            }
            by_path
        };
        let (leaves_a, leaves_b) = (group(&a.text), group(&b.text));
        let paths: BTreeSet<&String> = leaves_a.keys().chain(leaves_b.keys()).collect();
        let empty = Vec::new();
        let mut differences = Vec::new();
        for path in paths {
            let (la, lb) = (leaves_a.get(path).unwrap_or(&empty), leaves_b.get(path).unwrap_or(&empty));
            let from: Vec<String> = la.iter().map(|l| l.value.clone()).collect();
            let to: Vec<String> = lb.iter().map(|l| l.value.clone()).collect();
            if from == to {
                continue;
            }
            let lines_a: Vec<usize> = la.iter().map(|l| l.line).collect();
            let lines_b: Vec<usize> = lb.iter().map(|l| l.line).collect();
            let causes = self.causes(&[(a, &lines_a), (b, &lines_b)], &from, &to);
            differences.push(Difference { file: key.to_owned(), path: path.clone(), from, to, causes });
        }
        differences
    }

    /// The causes of a difference: from the provenance of the lines that hold
    /// it first (a revision named like its tier is still a revision); a value
    /// that differs exactly by the tiers' names but has no such origin is the
    /// tier's identity.
    fn causes(&self, lines: &[(&Rendered, &[usize])], from: &[String], to: &[String]) -> Vec<Cause> {
        let mut causes = BTreeSet::new();
        for (rendered, indices) in lines {
            for origin in indices.iter().filter_map(|i| rendered.lines.get(*i)).flat_map(|o| o.iter()) {
                causes.extend(self.classify(origin.span));
            }
        }
        let renamed: Vec<String> = from.iter().map(|v| v.replace(self.a, self.b)).collect();
        if causes.is_empty() && !from.is_empty() && renamed == to {
            causes.insert(Cause::TierIdentity);
        }
        causes.into_iter().collect()
    }

    fn classify(&self, span: Span) -> Option<Cause> {
        let inside = |outer: Span| span.offset() >= outer.offset() && span.end() <= outer.end();
        for tier in &self.model.tiers {
            let name = tier.name.value.as_str();
            if name != self.a && name != self.b {
                continue;
            }
            if inside(tier.revision.span) {
                let revision = |t: &str| self.model.tier(t).map(|t| t.revision.value.clone()).unwrap_or_default();
                return Some(Cause::Revision { from: revision(self.a), to: revision(self.b) });
            }
            if let Some(image) = tier.images.iter().find(|i| inside(i.span)) {
                let service = image.service.value.as_str();
                let digest = |t: &str| {
                    self.model
                        .tier(t)
                        .and_then(|t| t.image(service))
                        .map(|i| i.digest.value.clone())
                        .unwrap_or_default()
                };
                return Some(Cause::Image { service: service.to_owned(), from: digest(self.a), to: digest(self.b) });
            }
            if let Some(c) = tier.concessions.iter().find(|c| inside(c.span)) {
                return Some(Cause::Concession { tier: name.to_owned(), concession: c.value });
            }
            if inside(tier.cluster.span) {
                let (from, to) = (self.from.cluster.value, self.to.cluster.value);
                // The same cluster on both sides explains nothing.
                return (from != to).then_some(Cause::Cluster { from, to });
            }
            if inside(tier.name.span) || span == tier.span {
                return Some(Cause::TierIdentity);
            }
        }
        for service in &self.model.services {
            for over in service.overrides.iter().filter(|o| o.tier.value == self.a || o.tier.value == self.b) {
                if inside(over.span) {
                    return Some(Cause::Override {
                        service: service.name.value.clone(),
                        tier: over.tier.value.clone(),
                        reason: over.reason.value.clone(),
                        line: self.source.line_of(over.span.into()),
                    });
                }
            }
        }
        None
    }
}
