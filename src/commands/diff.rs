//! `inception diff [--base REV] [--spec PATH]`: what a spec change does to every
//! artifact. Compiles the spec as it was at REV and as it is now, both in
//! memory, and prints the artifact diff grouped by tier and service, with a
//! one-line summary. Nothing is written.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::json;

use crate::cli::{Format, SpecArgs};
use crate::commands::load;
use crate::emit;
use crate::error::Result;
use crate::model::Model;
use crate::pipeline::{self, Compiled};
use crate::plan::{Scope, scope};
use crate::source::SourceFile;

/// How an artifact changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Only the new spec produces it.
    Added,
    /// Only the old spec produced it.
    Removed,
    /// Both produce it, with different bytes.
    Changed,
}

impl Status {
    /// The word printed for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
        }
    }
}

/// One artifact that changes.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The path.
    pub path: String,
    /// Added, removed or changed.
    pub status: Status,
    /// Its tier and service, when it has them.
    #[serde(flatten)]
    pub scope: Scope,
    /// The unified diff.
    pub diff: String,
}

/// The changes from the `old` compile (none: the spec did not exist) to the
/// `new` one, sorted by tier, service, path. The lock is left out: it changes
/// with every spec edit, and reviewers read the artifacts.
pub fn changes(old: Option<&Compiled>, new: &Compiled) -> Vec<Change> {
    let model = &new.loaded.model;
    let by_path = |compiled: Option<&Compiled>| -> BTreeMap<String, (String, Scope)> {
        let Some(compiled) = compiled else { return BTreeMap::new() };
        let model = &compiled.loaded.model;
        compiled
            .artifacts
            .iter()
            .map(|r| (r.path().to_owned(), (r.text.clone(), scope(&r.artifact.kind, model))))
            .collect()
    };
    let (old, new) = (by_path(old), by_path(Some(new)));
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut changes: Vec<Change> = paths
        .into_iter()
        .filter_map(|path| {
            let (status, before, after, scope) = match (old.get(path), new.get(path)) {
                (None, Some((after, scope))) => (Status::Added, "", after.as_str(), scope),
                (Some((before, scope)), None) => (Status::Removed, before.as_str(), "", scope),
                (Some((before, _)), Some((after, scope))) if before != after => {
                    (Status::Changed, before.as_str(), after.as_str(), scope)
                }
                _ => return None,
            };
            Some(Change { path: path.clone(), status, scope: scope.clone(), diff: emit::unified(path, before, after) })
        })
        .collect();
    let tier_order = |tier: &Option<String>| {
        tier.as_ref().map_or(0, |t| 1 + model.tiers.iter().position(|x| &x.name.value == t).unwrap_or(usize::MAX - 1))
    };
    changes.sort_by(|a, b| {
        (tier_order(&a.scope.tier), &a.scope.service, &a.path).cmp(&(
            tier_order(&b.scope.tier),
            &b.scope.service,
            &b.path,
        ))
    });
    changes
}

/// "7 files change in 3 tiers: local, staging, prod".
pub fn summary(changes: &[Change], model: &Model) -> String {
    if changes.is_empty() {
        return "no generated file changes".to_owned();
    }
    let tiers: Vec<&str> = model
        .tiers
        .iter()
        .map(|t| t.name.value.as_str())
        .filter(|t| changes.iter().any(|c| c.scope.tier.as_deref() == Some(*t)))
        .collect();
    let files = plural(changes.len(), "file");
    let shared = changes.iter().filter(|c| c.scope.tier.is_none()).count();
    let verb = if changes.len() == 1 { "changes" } else { "change" };
    match (tiers.len(), shared) {
        (0, _) => format!("{files} {verb}, shared by every tier"),
        (n, 0) => format!("{files} {verb} in {}: {}", plural(n, "tier"), tiers.join(", ")),
        (n, s) => format!(
            "{files} {verb} in {}: {}; {} shared by every tier",
            plural(n, "tier"),
            tiers.join(", "),
            plural(s, "file")
        ),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Run the diff. Exit 0 whatever it shows; 2 if either spec is invalid.
///
/// # Errors
/// git failures, an invalid spec (now or at REV).
pub fn run(spec: &SpecArgs, base: &str, format: Format) -> Result<()> {
    let (input, new) = load::compiled(spec, None)?;
    let spec_name = input.location.spec_name();
    let old = match emit::show_at(&input.location.spec_dir(), base, &spec_name)? {
        Some(text) => {
            let old_source = SourceFile::new(format!("{spec_name} at {base}"), text);
            Some(pipeline::compile_source(&old_source, &spec_name)?)
        }
        None => None,
    };
    let model = &new.loaded.model;
    let changes = changes(old.as_ref(), &new);
    let summary = summary(&changes, model);
    match format {
        Format::Json => {
            let value = json!({ "base": base, "summary": summary, "files": changes });
            crate::outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        }
        Format::Text => print_grouped(&changes, &summary),
    }
    Ok(())
}

fn print_grouped(changes: &[Change], summary: &str) {
    crate::outln!("{summary}");
    let mut group: Option<(Option<&str>, Option<&str>)> = None;
    for change in changes {
        let key = (change.scope.tier.as_deref(), change.scope.service.as_deref());
        if group != Some(key) {
            let title = match key {
                (Some(tier), Some(service)) => format!("tier {tier}, service {service}"),
                (Some(tier), None) => format!("tier {tier}"),
                (None, Some(service)) => format!("service {service}, every tier"),
                (None, None) => "every tier".to_owned(),
            };
            crate::outln!("\n=== {title}");
            group = Some(key);
        }
        crate::outln!("{} {}", change.status.as_str(), change.path);
        crate::out!("{}", change.diff);
    }
}
