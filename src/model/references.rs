//! Cross-references, checked once every declaration is known: `needs`
//! targets, override tiers, and what built services require of the project.

use super::error::ModelError;
use super::reader::Reader;
use super::suggest::did_you_mean;
use super::types::{Model, Source};

/// Check every reference in the model.
pub fn check(reader: &mut Reader, model: &Model) {
    let services: Vec<&str> = model.services.iter().map(|s| s.name.value.as_str()).collect();
    let tiers: Vec<&str> = model.tiers.iter().map(|t| t.name.value.as_str()).collect();
    for tier in model.tiers.iter().filter(|t| super::vocabulary::RESERVED_TIERS.contains(&t.name.value.as_str())) {
        reader.invalid(
            tier.name.span,
            format!("tier name `{}` is reserved", tier.name.value),
            "`deploy/argocd/repositories/` holds the Helm repositories".to_owned(),
            "rename the tier".to_owned(),
        );
    }
    for service in &model.services {
        if let Some(why) = super::vocabulary::reserved_service(&service.name.value) {
            reader.invalid(
                service.name.span,
                format!("service name `{}` is reserved", service.name.value),
                why,
                "rename the service, e.g. with a suffix: `-svc`".to_owned(),
            );
        }
        for need in &service.needs {
            if !services.contains(&need.value.as_str()) {
                let others: Vec<&str> = services.iter().copied().filter(|s| *s != service.name.value).collect();
                reader.error(ModelError::UnknownReference {
                    what: "service".to_owned(),
                    name: need.value.clone(),
                    span: need.span.into(),
                    help: did_you_mean(&need.value, &others, "other service"),
                });
            }
        }
        for over in &service.overrides {
            if !tiers.contains(&over.tier.value.as_str()) {
                reader.error(ModelError::UnknownReference {
                    what: "tier".to_owned(),
                    name: over.tier.value.clone(),
                    span: over.tier.span.into(),
                    help: did_you_mean(&over.tier.value, &tiers, "tier"),
                });
            }
        }
        if matches!(service.source, Source::Build(_)) && model.project.registry.is_none() {
            reader.error(ModelError::Missing {
                message: format!("service `{}` is built, but the project has no registry", service.name.value),
                span: service.name.span.into(),
                label: "its image needs a registry to be pushed to".to_owned(),
                help: "add `registry \"HOST\"` inside `project`".to_owned(),
            });
        }
    }
}
