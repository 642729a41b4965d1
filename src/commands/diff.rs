//! `inception diff [--base REV] [--spec PATH]`: what a spec change does to every
//! artifact. Compiles the spec as it was at REV and as it is now, both in
//! memory, and prints the artifact diff grouped by tier and service, with a
//! one-line summary. Nothing is written.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::json;

use crate::cli::{Format, SpecArgs};
use crate::commands::load;
use crate::emit;
use crate::error::Result;
use crate::lock::LOCK_PATH;
use crate::model::Model;
use crate::pipeline;
use crate::plan::{Scope, scope};
use crate::render::Outputs;
use crate::source::SourceFile;

/// One artifact that changes.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The path.
    pub path: String,
    /// `added`, `removed` or `changed`.
    pub status: &'static str,
    /// Its tier and service, when it has them.
    #[serde(flatten)]
    pub scope: Scope,
    /// The unified diff.
    pub diff: String,
}

/// The changes between two compiled trees, sorted by tier, service, path.
pub fn changes(old: &Outputs, new: &Outputs, model: &Model) -> Vec<Change> {
    // The lock changes with every spec edit; reviewers read the artifacts.
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).filter(|p| *p != LOCK_PATH).collect();
    let mut changes: Vec<Change> = paths
        .into_iter()
        .filter_map(|path| {
            let before = old.get(path).map_or("", String::as_str);
            let after = new.get(path).map_or("", String::as_str);
            if before == after {
                return None;
            }
            let status = match (old.contains_key(path), new.contains_key(path)) {
                (false, _) => "added",
                (_, false) => "removed",
                _ => "changed",
            };
            Some(Change {
                path: path.clone(),
                status,
                scope: scope(path, model),
                diff: emit::unified(path, before, after),
            })
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
    let old_outputs = match emit::show_at(&input.location.spec_dir(), base, &spec_name)? {
        Some(text) => {
            let old_source = SourceFile::new(format!("{spec_name} at {base}"), text);
            pipeline::compile_source(&old_source, &spec_name)?.outputs()
        }
        None => Outputs::new(),
    };
    let model = &new.loaded.model;
    let changes = changes(&old_outputs, &new.outputs(), model);
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
        crate::outln!("{} {}", change.status, change.path);
        crate::out!("{}", change.diff);
    }
}
