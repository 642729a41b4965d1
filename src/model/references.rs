//! Cross-references, checked once every declaration is known: `needs`
//! targets, override tiers, names that collide with generated files or with
//! each other's environment variables, and what services and tiers require
//! of the project and the toolchain.

use super::error::Invalid;
use super::error::ModelError;
use super::reader::Reader;
use super::suggest::did_you_mean;
use super::types::{Cluster, Concession, Model, Service, Source, env_prefix};
use crate::spec::Span;

/// Check every reference in the model.
pub(super) fn check(reader: &mut Reader, model: &Model) {
    let services: Vec<&str> = model.services.iter().map(|s| s.name.value.as_str()).collect();
    let known: std::collections::HashSet<&str> = services.iter().copied().collect();
    let tiers: Vec<&str> = model.tiers.iter().map(|t| t.name.value.as_str()).collect();
    for tier in &model.tiers {
        if let Some(why) = super::vocabulary::reserved_tier(&tier.name.value) {
            reader.invalid(
                Invalid::Reserved,
                tier.name.span,
                format!("tier name `{}` is reserved", tier.name.value),
                why,
                "rename the tier".to_owned(),
            );
        }
    }
    for service in &model.services {
        if let Some(why) = super::vocabulary::reserved_service(&service.name.value) {
            reader.invalid(
                Invalid::Reserved,
                service.name.span,
                format!("service name `{}` is reserved", service.name.value),
                why,
                "rename the service, e.g. with a suffix: `-svc`".to_owned(),
            );
        }
        for need in &service.needs {
            if !known.contains(need.value.as_str()) {
                let others: Vec<&str> = services.iter().copied().filter(|s| *s != service.name.value).collect();
                reader.error(ModelError::UnknownReference {
                    what: "service".to_owned(),
                    name: need.value.clone(),
                    span: need.span.into(),
                    help: did_you_mean(&need.value, &others, "other service"),
                });
            }
        }
        for need in &service.needs {
            if let Some(target) = model.service(&need.value) {
                check_reachable(reader, need, target);
            }
        }
        for tier in &model.tiers {
            if let Some(expose) = service.expose_in(&tier.name.value)
                && expose.per_tier()
                && !super::grammar::is_ingress_host(&expose.host_in(&tier.name.value))
            {
                reader.invalid(
                    Invalid::Malformed,
                    expose.host.span,
                    format!(
                        "in tier `{}` the host is `{}`, not a host name",
                        tier.name.value,
                        expose.host_in(&tier.name.value)
                    ),
                    "too long with this tier's name".to_owned(),
                    "shorten the host, or write this tier's host in an override".to_owned(),
                );
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
        if let Some(observability) = &model.observability
            && let Some((_, node, _)) =
                observability.components().into_iter().find(|(c, _, _)| *c == service.name.value)
        {
            reader.invalid(
                Invalid::Reserved,
                service.name.span,
                format!("service name `{}` is taken by the observability stack", service.name.value),
                format!("`{node}` deploys a release of this name in every tier"),
                "rename the service".to_owned(),
            );
        }
        check_environment(reader, service);
        if matches!(service.source, Source::Build(_)) && model.project.registry.is_none() {
            reader.error(ModelError::Missing {
                message: format!(
                    "{} `{}` is built, but the project has no registry",
                    service.keyword(),
                    service.name.value
                ),
                span: service.name.span.into(),
                label: "its image needs a registry to be pushed to".to_owned(),
                help: "add `registry \"HOST\"` inside `project`".to_owned(),
            });
        }
    }
    for tier in model.tiers.iter().filter(|t| t.cluster.value == Cluster::Minikube) {
        check_minikube_tier(reader, model, tier);
    }
}

/// `needs` names what a service connects to or waits for: a worker (no
/// `port`) is neither, and a scheduled job runs on its schedule, not before
/// anything. A run-once `job` is waited for (a migration before the API).
fn check_reachable(reader: &mut Reader, need: &crate::spec::Spanned<String>, target: &Service) {
    let problem = match target.batch() {
        Some(batch) if batch.schedule.is_some() => Some((
            format!("job `{}` runs on a schedule; nothing can wait for it", target.name.value),
            "a scheduled job".to_owned(),
            format!(
                "remove `{}` from `needs`; a job that must run first is a `job` without `schedule`",
                target.name.value
            ),
        )),
        None if target.is_worker() => Some((
            format!("worker `{}` has no port, nothing can reach it", target.name.value),
            "a service without `port`".to_owned(),
            format!(
                "remove `{}` from `needs` (services talk to a worker through a queue or a database they both need), or give it a `port`",
                target.name.value
            ),
        )),
        _ => None,
    };
    if let Some((message, label, help)) = problem {
        reader.invalid(Invalid::Misplaced, need.span, message, label, help);
    }
}

/// A Minikube tier needs Minikube and Docker inside the dev container, and a
/// storage emulator if any service uses storage.
fn check_minikube_tier(reader: &mut Reader, model: &Model, tier: &super::types::Tier) {
    let toolchain = &model.toolchain;
    if !toolchain.tools.iter().any(|t| t.name.value == "minikube") {
        reader.error(ModelError::Missing {
            message: format!("tier `{}` runs on Minikube, but the toolchain has no `tool minikube`", tier.name.value),
            span: tier.cluster.span.into(),
            label: "the dev container starts Minikube for this tier".to_owned(),
            help: "add `tool minikube \"1.33.1\"` (an exact version) to `toolchain`".to_owned(),
        });
    }
    if toolchain.docker_in_docker.is_none() {
        reader.error(ModelError::Missing {
            message: format!(
                "tier `{}` runs on Minikube, but the toolchain has no `docker-in-docker`",
                tier.name.value
            ),
            span: tier.cluster.span.into(),
            label: "Minikube's docker driver needs Docker inside the dev container".to_owned(),
            help: "add `docker-in-docker \"26.1.4\"` (an exact version) to `toolchain`".to_owned(),
        });
    }
    if !tier.has(Concession::StorageEmulator)
        && let Some(service) = model.services.iter().find(|s| !s.storage.is_empty() && s.uses_generic_chart())
    {
        reader.error(ModelError::Missing {
            message: format!(
                "{} `{}` uses storage, but tier `{}` has no storage account and no emulator",
                service.keyword(),
                service.name.value,
                tier.name.value
            ),
            span: tier.name.span.into(),
            label: "Minikube tiers get no Azure resources".to_owned(),
            help: format!("add `concession storage-emulator` to tier `{}`", tier.name.value),
        });
    }
}

/// Every environment variable of a service is set once: by `env`, by
/// `secret`, or by a `needs` (`NAME_HOST`, `NAME_PORT`). An override's `env`
/// may change an `env` value, but not a secret or a `needs` variable.
fn check_environment(reader: &mut Reader, service: &Service) {
    let mut generated: Vec<(String, Span, String)> = Vec::new();
    for need in &service.needs {
        let prefix = env_prefix(&need.value);
        for suffix in ["HOST", "PORT"] {
            generated.push((format!("{prefix}_{suffix}"), need.span, format!("`needs {}`", need.value)));
        }
    }
    let secrets = service.secrets.iter().map(|p| (p.key.value.clone(), p.key.span, "`secret`".to_owned()));
    let fixed: Vec<(String, Span, String)> = generated.iter().cloned().chain(secrets).collect();
    let plain = service.env.iter().chain(&service.secrets).map(|p| (&p.key, "set"));
    let overridden = service.overrides.iter().flat_map(|o| o.env.iter().map(|p| (&p.key, "overridden")));
    for (key, verb) in plain.chain(overridden) {
        let Some((_, first, by)) = fixed.iter().find(|(name, span, _)| *name == key.value && *span != key.span) else {
            continue;
        };
        reader.error(ModelError::Duplicate {
            what: "environment variable".to_owned(),
            name: key.value.clone(),
            span: key.span.into(),
            first: (*first).into(),
            help: format!("`{}` is already set by {by}; it cannot also be {verb} here: rename one", key.value),
        });
    }
}
