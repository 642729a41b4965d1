//! `inception symmetry [TIER TIER]`: every difference between tiers, with
//! its cause. Without tiers, each tier against the next in promotion order.

use serde_json::json;

use crate::cli::{Format, SpecArgs};
use crate::commands::load;
use crate::error::{Error, Result};
use crate::model::suggest::did_you_mean;
use crate::symmetry::{Cause, Comparison, compare};

/// Compare tiers. Returns whether every difference is attributed.
///
/// # Errors
/// An invalid spec, or an unknown tier name.
pub fn run(tiers: &[String], spec: &SpecArgs, format: Format) -> Result<bool> {
    let (_, compiled) = load::compiled(spec, None)?;
    let model = &compiled.loaded.model;
    let names: Vec<&str> = model.tiers.iter().map(|t| t.name.value.as_str()).collect();
    let find = |name: &String| {
        model.tier(name).ok_or_else(|| Error::Usage {
            message: format!("unknown tier `{name}`"),
            help: did_you_mean(name, &names, "tier"),
        })
    };
    let pairs = match tiers {
        [a, b] => vec![(find(a)?, find(b)?)],
        [] => model.tiers.windows(2).map(|w| (&w[0], &w[1])).collect(),
        _ => {
            return Err(Error::Usage {
                message: "symmetry takes two tiers, or none".to_owned(),
                help: format!("e.g. `inception symmetry {}`", names.join(" ")),
            });
        }
    };
    let comparisons: Vec<Comparison> = pairs.into_iter().map(|(a, b)| compare(&compiled, a, b)).collect();
    let clean = comparisons.iter().all(|c| c.unattributed().next().is_none());
    match format {
        Format::Json => {
            let value = json!({ "explained": clean, "comparisons": comparisons });
            crate::outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        }
        Format::Text => comparisons.iter().for_each(print_text),
    }
    Ok(clean)
}

fn print_text(comparison: &Comparison) {
    let total = comparison.differences.len();
    let unexplained = comparison.unattributed().count();
    let verdict =
        if unexplained == 0 { "every one explained".to_owned() } else { format!("{unexplained} UNEXPLAINED") };
    crate::outln!(
        "{} → {}: {} difference{}, {verdict}",
        comparison.from,
        comparison.to,
        total,
        if total == 1 { "" } else { "s" }
    );
    let mut causes: Vec<Option<&Cause>> = Vec::new();
    for difference in &comparison.differences {
        let cause = difference.causes.first();
        if !causes.contains(&cause) {
            causes.push(cause);
        }
    }
    causes.sort();
    for cause in causes {
        crate::outln!("  {}", describe(cause));
        for d in comparison.differences.iter().filter(|d| d.causes.first() == cause) {
            let show = |v: &[String]| if v.is_empty() { "—".to_owned() } else { v.join(", ") };
            crate::outln!("    {}  {}: {} → {}", d.file, d.path, show(&d.from), show(&d.to));
        }
    }
}

fn describe(cause: Option<&Cause>) -> String {
    match cause {
        None => "UNEXPLAINED: no revision, concession or override accounts for these".to_owned(),
        Some(Cause::TierIdentity) => "tier identity: names derived from the tier's name".to_owned(),
        Some(Cause::Revision { from, to }) => format!("revision: {from} → {to}"),
        Some(Cause::Image { service, from, to }) => format!("image {service}: {from} → {to}"),
        Some(Cause::Cluster { from, to }) => {
            format!("cluster: {} → {} (images built in Minikube, pulled on AKS)", from.as_str(), to.as_str())
        }
        Some(Cause::Concession { tier, concession }) => {
            format!("concession `{}` of tier {tier}", concession.as_str())
        }
        Some(Cause::Override { service, tier, reason, line }) => {
            format!("override of {service} in {tier} (line {line}): \"{reason}\"")
        }
    }
}
