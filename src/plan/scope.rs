//! Which tier and service a generated path belongs to, from the path
//! conventions of SPEC.md. Used to group diffs and symmetry reports.

use serde::Serialize;

use crate::model::Model;

/// Where an artifact belongs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Scope {
    /// The tier, for tier-specific files.
    pub tier: Option<String>,
    /// The service, for service-specific files.
    pub service: Option<String>,
}

/// The scope of a generated `path` in `model`.
pub fn scope(path: &str, model: &Model) -> Scope {
    let parts: Vec<&str> = path.split('/').collect();
    let is_tier = |name: &str| model.tier(name).is_some();
    let is_service = |name: &str| model.service(name).is_some();
    let (tier, service) = match parts.as_slice() {
        ["deploy", "values", service, file] => {
            let tier = file.strip_prefix("values-").and_then(|f| f.strip_suffix(".yaml")).filter(|t| is_tier(t));
            (tier, Some(*service).filter(|s| is_service(s)))
        }
        ["deploy", "argocd", tier, file] => {
            let name = file.strip_suffix(".yaml").unwrap_or(file);
            (Some(*tier).filter(|t| is_tier(t)), Some(name).filter(|s| is_service(s)))
        }
        ["infra", file] => (file.strip_suffix(".bicepparam").filter(|t| is_tier(t)), None),
        _ => (None, None),
    };
    Scope { tier: tier.map(str::to_owned), service: service.map(str::to_owned) }
}
