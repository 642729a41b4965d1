//! Which tier and service an artifact belongs to, from its kind. Used to
//! group diffs and the exported graph.

use serde::Serialize;

use super::Kind;
use crate::model::Model;

/// Where an artifact belongs, by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Scope {
    /// The tier, for tier-specific files.
    pub tier: Option<String>,
    /// The service, for service-specific files.
    pub service: Option<String>,
}

/// The scope of an artifact of `kind` in `model`.
pub(crate) fn scope(kind: &Kind, model: &Model) -> Scope {
    Scope {
        tier: kind.tier().map(|t| model.tier_at(t).name.value.clone()),
        service: kind.service().map(|s| model.service_at(s).name.value.clone()),
    }
}
