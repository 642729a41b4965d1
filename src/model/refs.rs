//! Typed references to a model's tiers and services.
//!
//! Later stages name a tier or a service by a reference the model handed
//! out, never by a name to look up again: a reference always resolves, so no
//! stage has an "unknown tier" case to invent an error for. A reference is
//! only meaningful for the model that made it.

use super::{Model, Service, Tier};

/// One of the model's tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TierRef(usize);

/// One of the model's services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceRef(usize);

impl ServiceRef {
    /// The service's position in the model's declaration order.
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

impl Model {
    /// Every tier with its reference, in promotion order.
    pub fn tier_refs(&self) -> impl Iterator<Item = (TierRef, &Tier)> {
        self.tiers.iter().enumerate().map(|(i, t)| (TierRef(i), t))
    }

    /// Every service with its reference, in declaration order.
    pub fn service_refs(&self) -> impl Iterator<Item = (ServiceRef, &Service)> {
        self.services.iter().enumerate().map(|(i, s)| (ServiceRef(i), s))
    }

    /// The tier a reference names.
    pub fn tier_at(&self, tier: TierRef) -> &Tier {
        &self.tiers[tier.0]
    }

    /// The service a reference names.
    pub fn service_at(&self, service: ServiceRef) -> &Service {
        &self.services[service.0]
    }
}
