//! `service NAME { … }` → [`Service`], with its per-tier overrides.
//!
//! References to other services (`needs`) and to tiers (overrides) are only
//! collected here; `model::references` checks them once every declaration is known.

use super::batch;
use super::error::Invalid;
use super::error::ModelError;
use super::grammar;
use super::pin;
use super::reader::{Reader, Seen};
use super::toolchain::check_image_tag;
use super::types::{
    BackingKind, Batch, Chart, ChartValue, DEFAULT_RETRIES, DEFAULT_TIMEOUT, Expose, Health, Metrics, Override, Pair,
    Probe, Quantities, Resources, Runtime, Service, Source, ValueSetting, Workload,
};
use super::vocabulary::Context;
use crate::spec::{RawNode, Scalar, Spanned};

/// Resolve a top-level `service` or `job` node (a job is a workload that
/// runs to completion: the same image, env, secrets, resources and overrides).
pub(super) fn resolve(reader: &mut Reader, node: &RawNode) -> Option<Service> {
    let job = node.name.value == "job";
    reader.props(node, &[]);
    reader.max_args(node, 1, "one name");
    let name = reader.string_arg(node, 0, if job { "a job name" } else { "a service name" })?;
    // A CronJob's name takes 11 characters of suffix in its Jobs' names (63 at most).
    if job && reader.dns_label("job", &name) && name.value.len() > 52 {
        reader.invalid(
            Invalid::OutOfRange,
            name.span,
            format!("job name `{}` is {} characters long", name.value, name.value.len()),
            "at most 52".to_owned(),
            "a scheduled job's runs are named NAME-<11 characters>, which Kubernetes limits to 63: shorten it"
                .to_owned(),
        );
    } else if !job && reader.dns_label("service", &name) && name.value.len() > 53 {
        reader.invalid(
            Invalid::OutOfRange,
            name.span,
            format!("service name `{}` is {} characters long", name.value, name.value.len()),
            "at most 53".to_owned(),
            "it becomes a Helm release name, which Helm limits to 53 characters: shorten it".to_owned(),
        );
    }
    let mut source: Option<(Source, &RawNode)> = None;
    let mut service = Service {
        name: name.clone(),
        source: Source::Build(Spanned::default()),
        run: Vec::new(),
        entrypoint: Vec::new(),
        runtime: None,
        port: None,
        service_port: None,
        port_written: node.children().iter().any(|c| c.name.value == "port"),
        workload: Workload::Deployment,
        expose: None,
        health: None,
        metrics: None,
        needs: Vec::new(),
        env: Vec::new(),
        secrets: Vec::new(),
        storage: Vec::new(),
        resources: None,
        replicas: Spanned::new(1, name.span),
        values: Vec::new(),
        overrides: Vec::new(),
        span: node.span,
    };
    let mut once = Seen::default();
    let mut env_keys = Seen::default();
    let mut needs = Seen::default();
    let mut storage = Seen::default();
    let mut tiers = Seen::default();
    let mut value_paths = Seen::default();
    let mut value_nodes: Vec<&RawNode> = Vec::new();
    let mut workload_settings: Vec<&RawNode> = Vec::new();
    let mut schedule = None;
    let mut retries = None;
    let mut timeout = None;
    let (context, label) = if job { (Context::Job, "job") } else { (Context::Service, "service") };
    for child in reader.children(node, context, &format!("{label} `{}`", name.value)) {
        let kind = child.name.value.as_str();
        if matches!(
            kind,
            "run"
                | "entrypoint"
                | "runtime"
                | "health"
                | "metrics"
                | "env"
                | "secret"
                | "storage"
                | "resources"
                | "replicas"
                | "expose"
                | "tier"
        ) {
            workload_settings.push(child);
        }
        if kind == "value" {
            value_nodes.push(child);
        }
        if matches!(
            kind,
            "run"
                | "entrypoint"
                | "runtime"
                | "port"
                | "health"
                | "metrics"
                | "resources"
                | "replicas"
                | "expose"
                | "schedule"
                | "retries"
                | "timeout"
        ) {
            once.insert(
                reader,
                &format!("{label} node"),
                &child.name,
                &format!("a {label} has one of each; remove one"),
            );
        }
        match kind {
            "build" | "image" | "chart" | "kind" => {
                let Some(resolved) = resolve_source(reader, child) else {
                    continue;
                };
                if let Some((_, first)) = &source {
                    reader.error(ModelError::Duplicate {
                        what: "workload source of service".to_owned(),
                        name: name.value.clone(),
                        span: child.name.span.into(),
                        first: first.name.span.into(),
                        help: "a service is built (`build`), pulled (`image`), installed from a chart (`chart`) or a backing service (`kind`): keep one".to_owned(),
                    });
                } else {
                    source = Some((resolved, child));
                }
            }
            "run" => service.run = resolve_run(reader, child),
            "entrypoint" => service.entrypoint = resolve_run(reader, child),
            "runtime" => service.runtime = resolve_runtime(reader, child),
            "port" => {
                (service.port, service.service_port) =
                    resolve_port(reader, child).map_or((None, None), |(p, s)| (Some(p), s))
            }
            "expose" => service.expose = resolve_expose(reader, child),
            "schedule" => schedule = batch::resolve_schedule(reader, child),
            "retries" => retries = batch::resolve_limit(reader, child),
            "timeout" => timeout = batch::resolve_limit(reader, child),
            "health" => service.health = resolve_health(reader, child),
            "metrics" => service.metrics = resolve_metrics(reader, child),
            "needs" => {
                reader.props(child, &[]);
                reader.no_children(child);
                if child.args.is_empty() {
                    reader.missing_arg(child, "one or more service names");
                }
                for target in reader.string_args(child, 0, "a service name") {
                    if needs.insert(reader, "need", &target, "name each dependency once") {
                        service.needs.push(target);
                    }
                }
            }
            "env" => service.env.extend(resolve_pairs(reader, child, &mut env_keys, false)),
            "secret" => service.secrets.extend(resolve_pairs(reader, child, &mut env_keys, true)),
            "storage" => {
                reader.props(child, &[]);
                reader.no_children(child);
                if child.args.is_empty() {
                    reader.missing_arg(child, "one or more blob container names");
                }
                for container in reader.string_args(child, 0, "a container name") {
                    if reader.dns_label("storage", &container)
                        && blob_container(reader, &container)
                        && storage.insert(reader, "storage", &container, "name each container once")
                    {
                        service.storage.push(container);
                    }
                }
            }
            "resources" => service.resources = resolve_resources(reader, child),
            "value" => {
                if let Some(setting) = resolve_value(reader, child)
                    && value_paths.insert(reader, "value", &setting.path, "set each path once")
                {
                    service.values.push(setting);
                }
            }
            "replicas" => service.replicas = resolve_replicas(reader, child).unwrap_or(service.replicas),
            "tier" => {
                if let Some(over) = resolve_override(reader, child, &name.value)
                    && tiers.insert(reader, "override of tier", &over.tier, "merge the two overrides into one")
                {
                    service.overrides.push(over);
                }
            }
            _ => {}
        }
    }
    if let Some((Source::Chart(chart), _)) = &source {
        for setting in &workload_settings {
            reader.invalid(Invalid::Misplaced,
                setting.name.span,
                format!("`{}` has no effect on a `chart` service", setting.name.value),
                format!("`{}` installs its chart with the chart's own values", name.value),
                format!(
                    "remove it: inception deploys `{}` at version {} as published; to run the workload with these settings, use `image` instead",
                    chart.reference.value, chart.version.value
                ),
            );
        }
    }
    if let Some((Source::Backing(kind), _)) = &source {
        let over_values = service.overrides.iter().flat_map(|o| o.values.iter());
        for setting in service.values.iter().chain(over_values) {
            check_value_path(reader, kind.value, setting);
        }
        for setting in workload_settings.iter().filter(|n| n.name.value != "tier") {
            reader.invalid(
                Invalid::Misplaced,
                setting.name.span,
                format!("`{}` has no effect on a backing service", setting.name.value),
                format!("`{}` is a `kind {}` from the provider catalog", name.value, kind.value.as_str()),
                "remove it: the catalog sets what the provider runs; change its chart values with `value \"PATH\" VALUE`".to_owned(),
            );
        }
        if let Some(port) = &service.port {
            reader.invalid(
                Invalid::Misplaced,
                port.span,
                "a backing service's port comes from its provider".to_owned(),
                format!("`kind {}` serves on the port the catalog names", kind.value.as_str()),
                "remove `port`; consumers get NAME_PORT from the catalog".to_owned(),
            );
        }
        for over in &service.overrides {
            if over.replicas.is_some() || over.resources.is_some() || !over.env.is_empty() || over.expose.is_some() {
                reader.invalid(
                    Invalid::Misplaced,
                    over.span,
                    format!("the override of tier `{}` sets workload settings on a backing service", over.tier.value),
                    "only `value` applies here".to_owned(),
                    "write the provider's chart values with `value \"PATH\" VALUE` inside the override".to_owned(),
                );
            }
        }
    } else {
        let overridden = service.overrides.iter().flat_map(|o| o.values.iter().map(|v| v.span));
        for span in value_nodes.iter().map(|n| n.name.span).chain(overridden) {
            reader.invalid(
                Invalid::Misplaced,
                span,
                "`value` sets a backing service's provider values".to_owned(),
                format!("`{}` is not a `kind` service", name.value),
                "remove it; for the generic chart use replicas, resources or env".to_owned(),
            );
        }
    }
    match source {
        Some((resolved, _)) => service.source = resolved,
        None => reader.error(ModelError::Missing {
            message: format!("{label} `{}` has no workload", name.value),
            span: name.span.into(),
            label: "nothing to run".to_owned(),
            help: if job {
                "add `build DIR` or `image REF`".to_owned()
            } else {
                "add `build DIR`, `image REF`, `chart REF version=…` or `kind KIND`".to_owned()
            },
        }),
    }
    if job {
        let default = |value| Spanned::new(value, name.span);
        service.workload = Workload::Job(Batch {
            schedule,
            retries: retries.unwrap_or_else(|| default(DEFAULT_RETRIES)),
            timeout: timeout.unwrap_or_else(|| default(DEFAULT_TIMEOUT)),
        });
        for over in service.overrides.iter().filter(|o| o.replicas.is_some() || o.expose.is_some()) {
            reader.invalid(
                Invalid::Misplaced,
                over.span,
                format!("the override of tier `{}` sets `replicas` or `expose` on a job", over.tier.value),
                "a job runs one pod and serves nothing".to_owned(),
                "override only `resources` or `env` of a job".to_owned(),
            );
        }
    }
    // A `port` that was refused has been reported: it is no worker.
    if service.uses_generic_chart() && service.port.is_none() && !service.port_written {
        check_worker(reader, &service);
    }
    // Held for the whole compile, for every service of a big spec: without
    // the slack of growth (a vector of one override has room for four).
    service.needs.shrink_to_fit();
    service.env.shrink_to_fit();
    service.secrets.shrink_to_fit();
    service.values.shrink_to_fit();
    service.overrides.shrink_to_fit();
    Some(service)
}

/// A worker (no `port`) has no Service: whatever needs the port is an error.
fn check_worker(reader: &mut Reader, service: &Service) {
    let what = service.keyword();
    let name = &service.name.value;
    if let Some(health) = &service.health
        && health.port.is_none()
        && !matches!(health.probe, Probe::Exec(_))
    {
        reader.invalid(
            Invalid::Misplaced,
            health.span,
            format!("{what} `{name}` has no port to probe"),
            "no `port` in this service, no `port=` here".to_owned(),
            "probe the port the worker listens on (`port=N`), or run a command: `health exec ARG…`".to_owned(),
        );
    }
    if let Some(metrics) = &service.metrics {
        reader.invalid(
            Invalid::Misplaced,
            metrics.span,
            format!("{what} `{name}` has no Service for Prometheus to find"),
            "a worker has no `port`, so no Service".to_owned(),
            "add `port N` (the worker then gets a Service) or remove `metrics`".to_owned(),
        );
    }
    let exposes = service.expose.iter().chain(service.overrides.iter().filter_map(|o| o.expose.as_ref()));
    for expose in exposes {
        reader.invalid(
            Invalid::Misplaced,
            expose.span,
            format!("{what} `{name}` has no port to expose"),
            "an Ingress routes to a Service port".to_owned(),
            "add `port N` to the service, or remove `expose`".to_owned(),
        );
    }
}

/// `expose host="app.example.com"`.
fn resolve_expose(reader: &mut Reader, node: &RawNode) -> Option<Expose> {
    reader.props(node, &["host"]);
    reader.max_args(node, 0, "only host=");
    reader.no_children(node);
    let host = reader.required_string_prop(node, "host", "a host name", "\"app.example.com\"")?;
    reader
        .fits(
            &host,
            grammar::is_ingress_host(&host.value.replace(super::types::TIER_PLACEHOLDER, "tier")),
            "a host name",
            "\"app.example.com\" (lower case, no wildcard)",
        )
        .then_some(Expose { host, span: node.span })
}

fn resolve_source(reader: &mut Reader, node: &RawNode) -> Option<Source> {
    match node.name.value.as_str() {
        "kind" => {
            let kind = reader.leaf_string(node, "a backing service kind")?;
            let span = kind.span;
            // Reported when unknown: stand in for the kind so that nothing cascades from it.
            let resolved = one_of(reader, kind, &BackingKind::ALL, "backing service kind")
                .unwrap_or(Spanned::new(BackingKind::default(), span));
            Some(Source::Backing(resolved))
        }
        "build" => {
            let dir = reader.leaf_string(node, "a folder")?;
            if !grammar::is_relative_folder(&dir.value) {
                reader.invalid(
                    Invalid::Location,
                    dir.span,
                    "a build folder must be inside the repository".to_owned(),
                    "absolute, or leaves the repository".to_owned(),
                    "write the folder relative to inception.kdl, e.g. services/api".to_owned(),
                );
                return None;
            }
            Some(Source::Build(dir))
        }
        "image" => {
            let image = reader.leaf_string(node, "an image reference")?;
            let plain = image.value.split('@').next().unwrap_or_default();
            if !reader.fits(&image, grammar::is_image_reference(plain), "an image reference", "\"postgres:16.3\"") {
                return None;
            }
            match image.value.split_once('@') {
                Some((_, digest)) if !pin::is_sha256_digest(digest) => reader.invalid(
                    Invalid::Digest,
                    image.span,
                    format!("`{digest}` is not a sha256 digest"),
                    "bad digest".to_owned(),
                    "write IMAGE@sha256:<64 hex digits>".to_owned(),
                ),
                Some(_) => {}
                None => check_image_tag(reader, "image", &image),
            }
            Some(Source::Image(image))
        }
        _ => {
            reader.props(node, &["version", "repo"]);
            reader.max_args(node, 1, "one chart reference");
            reader.no_children(node);
            let reference = reader.string_arg(node, 0, "a chart reference")?;
            let version = reader.required_string_prop(node, "version", "the chart version", "\"1.2.3\"")?;
            if reader.pinned("chart", &version, true, "29.3.4") {
                reader.fits(&version, grammar::is_version(&version.value), "a version", "\"29.3.4\"");
            }
            let repo = reader.string_prop(node, "repo", "a Helm repository URL");
            let reference_ok = if reference.value.contains("://") {
                grammar::is_url(&reference.value)
            } else {
                pin::is_dns_label(&reference.value)
            };
            reader.fits(&reference, reference_ok, "a chart reference", "oci://HOST/PATH or a chart name");
            let repo = repo.filter(|r| {
                reader.fits(r, grammar::is_url(&r.value), "a Helm repository URL", "\"https://charts.example.com\"")
            });
            let oci = reference.value.starts_with("oci://");
            if !oci && repo.is_none() {
                reader.error(ModelError::Missing {
                    message: format!("chart `{}` has no repository", reference.value),
                    span: reference.span.into(),
                    label: "not oci://, and no repo=".to_owned(),
                    help: "add repo=\"https://…\" or use an oci:// reference".to_owned(),
                });
            }
            if oci && let Some(repo) = &repo {
                reader.invalid(
                    Invalid::Misplaced,
                    repo.span,
                    "an oci:// chart takes no repo=".to_owned(),
                    "the reference already says where it is".to_owned(),
                    "remove repo=".to_owned(),
                );
            }
            Some(Source::Chart(Chart { reference, version, repo }))
        }
    }
}

/// Azure blob container names are DNS labels of at least 3 characters
/// without consecutive hyphens.
fn blob_container(reader: &mut Reader, name: &Spanned<String>) -> bool {
    let ok = name.value.len() >= 3 && !name.value.contains("--");
    if !ok {
        reader.invalid(
            Invalid::Malformed,
            name.span,
            format!("`{}` is not a valid blob container name", name.value),
            "3 to 63 characters, no `--`".to_owned(),
            "Azure blob containers need at least 3 characters and no consecutive hyphens".to_owned(),
        );
    }
    ok
}

fn resolve_run(reader: &mut Reader, node: &RawNode) -> Vec<String> {
    reader.props(node, &[]);
    reader.no_children(node);
    if node.args.is_empty() {
        reader.missing_arg(node, "a command");
    }
    let name = node.name.value.clone();
    node.args.iter().filter_map(|v| reader.text_value(&name, v, "a command argument")).map(|s| s.value).collect()
}

/// A word of a closed set (`ALL`: spelling, value); an unknown one is reported.
fn one_of<T: Copy>(reader: &mut Reader, word: Spanned<String>, all: &[(&str, T)], what: &str) -> Option<Spanned<T>> {
    if let Some((_, resolved)) = all.iter().find(|(spelling, _)| *spelling == word.value) {
        return Some(Spanned::new(*resolved, word.span));
    }
    let known: Vec<&str> = all.iter().map(|(s, _)| *s).collect();
    reader.invalid(
        Invalid::Unknown,
        word.span,
        format!("`{}` is not a {what}", word.value),
        format!("unknown {}", what.rsplit(' ').next().unwrap_or(what)),
        format!("write one of: {}", known.join(", ")),
    );
    None
}

fn resolve_runtime(reader: &mut Reader, node: &RawNode) -> Option<Spanned<Runtime>> {
    let runtime = reader.leaf_string(node, "a runtime")?;
    one_of(reader, runtime, &Runtime::ALL, "runtime")
}

/// `port N` (the container and the Service port) or `port N service=M`.
fn resolve_port(reader: &mut Reader, node: &RawNode) -> Option<(Spanned<u16>, Option<Spanned<u16>>)> {
    reader.props(node, &["service"]);
    reader.max_args(node, 1, "one port");
    reader.no_children(node);
    if let Some(zero) = node.args.first().filter(|a| a.value == Scalar::Integer(0)) {
        reader.invalid(
            Invalid::OutOfRange,
            zero.span,
            "port 0 is not a port".to_owned(),
            "a container listens on 1 to 65535".to_owned(),
            "a worker that listens on no port has no `port` at all: remove this line".to_owned(),
        );
        return None;
    }
    let port = reader.int_arg(node, 0, "a port", 1..=65535)?;
    let service = node
        .prop("service")
        .and_then(|p| reader.int_value("port service=", &p.value, "a Service port", 1..=65535))
        .and_then(|p| Some(Spanned::new(u16::try_from(p.value).ok()?, p.span)));
    Some((Spanned::new(u16::try_from(port.value).ok()?, port.span), service))
}

fn resolve_replicas(reader: &mut Reader, node: &RawNode) -> Option<Spanned<u32>> {
    reader.props(node, &[]);
    reader.max_args(node, 1, "one number");
    reader.no_children(node);
    let replicas = reader.int_arg(node, 0, "a replica count", 0..=1000)?;
    Some(Spanned::new(u32::try_from(replicas.value).ok()?, replicas.span))
}

fn resolve_health(reader: &mut Reader, node: &RawNode) -> Option<Health> {
    reader.no_children(node);
    let target = reader.string_arg(node, 0, "a path, `grpc`, `tcp` or `exec`")?;
    if target.value == "exec" {
        reader.props(node, &["delay"]);
    } else {
        reader.props(node, &["port", "delay"]);
        reader.max_args(node, 1, "one path, `grpc` or `tcp`");
    }
    let probe = match target.value.as_str() {
        "exec" => {
            let name = node.name.value.clone();
            let command: Vec<String> = node
                .args
                .iter()
                .skip(1)
                .filter_map(|v| reader.text_value(&name, v, "a command argument"))
                .map(|s| s.value)
                .collect();
            if node.args.len() < 2 {
                reader.missing_arg(node, "the command after `exec`");
                return None;
            }
            Probe::Exec(command)
        }
        "grpc" => Probe::Grpc,
        "tcp" => Probe::Tcp,
        path if path.starts_with('/') => Probe::Http(path.to_owned()),
        other => {
            reader.invalid(
                Invalid::Unknown,
                target.span,
                format!("`{other}` is not a health check"),
                "expected /PATH, grpc, tcp or exec".to_owned(),
                format!("for an HTTP check write the path from the root: \"/{other}\""),
            );
            return None;
        }
    };
    let node_name = node.name.value.clone();
    let port = node
        .prop("port")
        .and_then(|p| reader.int_value(&node_name, &p.value, "a port", 1..=65535))
        .and_then(|p| u16::try_from(p.value).ok());
    let delay = node
        .prop("delay")
        .and_then(|p| reader.int_value(&node_name, &p.value, "a delay in seconds", 0..=3600))
        .and_then(|d| u32::try_from(d.value).ok());
    Some(Health { probe, port, delay, span: node.span })
}

/// `env KEY=VALUE…` or `secret KEY=NAME…`: properties, keys unique across both.
fn resolve_pairs(reader: &mut Reader, node: &RawNode, keys: &mut Seen, secret: bool) -> Vec<Pair> {
    reader.no_children(node);
    if let Some(first) = node.args.first() {
        let words: Vec<&str> = node.args.iter().map(|a| a.repr.as_str()).collect();
        let example = match words.as_slice() {
            [key, value, ..] => format!("{} {key}={value}", node.name.value),
            _ => format!("{} {}=…", node.name.value, words.join(" ")),
        };
        reader.invalid(
            Invalid::Misplaced,
            first.span,
            format!("`{}` takes KEY=VALUE properties, not separate values", node.name.value),
            "a separate value".to_owned(),
            format!("join each key and value with `=`: {example}"),
        );
        return Vec::new();
    }
    if node.props.is_empty() {
        reader.missing_arg(node, "KEY=VALUE properties");
    }
    let mut pairs = Vec::new();
    for prop in &node.props {
        let key = &prop.key;
        if !pin::is_env_name(&key.value) {
            reader.invalid(
                Invalid::Malformed,
                key.span,
                format!("`{}` is not an environment variable name", key.value),
                "letters, digits and `_`, not starting with a digit".to_owned(),
                format!("try `{}`", key.value.to_ascii_uppercase().replace(['-', '.'], "_")),
            );
            continue;
        }
        if !keys.insert(reader, "environment variable", key, "each variable is set once, by `env` or by `secret`") {
            continue;
        }
        let value = if secret {
            reader.string_value(&node.name.value, &prop.value, "a secret name").filter(|name| {
                let ok = pin::is_dns_label(&name.value);
                if !ok {
                    reader.invalid(
                        Invalid::Malformed,
                        name.span,
                        format!("`{}` is not a valid secret name", name.value),
                        "lower-case letters, digits and `-`".to_owned(),
                        "secret names are Kubernetes and Key Vault names: write e.g. db-password".to_owned(),
                    );
                }
                ok
            })
        } else {
            env_value(reader, &node.name.value, &prop.value)
        };
        if let Some(value) = value {
            pairs.push(Pair { key: key.clone(), value });
        }
    }
    pairs
}

fn env_value(reader: &mut Reader, node: &str, value: &crate::spec::RawValue) -> Option<Spanned<String>> {
    match &value.value {
        Scalar::String(s) => reader.allowed_chars(s, value.span).then(|| Spanned::new(s.clone(), value.span)),
        Scalar::Integer(_) => Some(Spanned::new(value.repr.clone(), value.span)),
        Scalar::Float(f) if f.is_finite() && value.repr.parse::<f64>().is_ok_and(f64::is_finite) => {
            Some(Spanned::new(value.repr.clone(), value.span))
        }
        Scalar::Float(_) => {
            reader.invalid(
                Invalid::OutOfRange,
                value.span,
                format!("`{}` is not a finite number", value.repr),
                "infinite or not a number".to_owned(),
                format!("quote it if the variable should hold this text: \"{}\"", value.repr.trim_start_matches('#')),
            );
            None
        }
        Scalar::Bool(b) => Some(Spanned::new(b.to_string(), value.span)),
        Scalar::Null => {
            reader.error(ModelError::WrongType {
                node: node.to_owned(),
                expected: "a value".to_owned(),
                found: "#null".to_owned(),
                span: value.span.into(),
                help: "write an empty string \"\" for an empty variable".to_owned(),
            });
            None
        }
    }
}

/// `resources cpu= memory=` (requests and limits alike) or with
/// `requests`/`limits` children.
fn resolve_resources(reader: &mut Reader, node: &RawNode) -> Option<Resources> {
    reader.max_args(node, 0, "only cpu= and memory=");
    if node.children.is_some() {
        reader.props(node, &[]);
        let mut requests = None;
        let mut limits = None;
        let mut once = Seen::default();
        for child in reader.children(node, Context::Resources, "`resources`") {
            once.insert(reader, "resources node", &child.name, "write requests and limits once each");
            reader.no_children(child);
            let quantities = resolve_quantities(reader, child);
            if child.name.value == "requests" {
                requests = quantities;
            } else {
                limits = quantities;
            }
        }
        let requests = requests.or_else(|| limits.clone())?;
        let limits = limits.unwrap_or_else(|| requests.clone());
        for (what, request, limit) in
            [("cpu", &requests.cpu, &limits.cpu), ("memory", &requests.memory, &limits.memory)]
        {
            let value = |q: &Option<String>| q.as_deref().and_then(pin::quantity_value);
            if let (Some(r), Some(l)) = (value(request), value(limit))
                && r > l
            {
                reader.invalid(
                    Invalid::Quantity,
                    node.name.span,
                    format!("the {what} request is above its limit"),
                    format!("request {} > limit {}", request.as_deref().unwrap_or(""), limit.as_deref().unwrap_or("")),
                    "Kubernetes rejects a request above the limit: raise the limit or lower the request".to_owned(),
                );
            }
        }
        return Some(Resources { requests, limits, span: node.span });
    }
    let quantities = resolve_quantities(reader, node)?;
    Some(Resources { requests: quantities.clone(), limits: quantities, span: node.span })
}

fn resolve_quantities(reader: &mut Reader, node: &RawNode) -> Option<Quantities> {
    reader.props(node, &["cpu", "memory"]);
    reader.max_args(node, 0, "only cpu= and memory=");
    let name = node.name.value.clone();
    let mut read = |key: &str, example: &str| -> Option<String> {
        let prop = node.prop(key)?;
        let value = reader.text_value(&format!("{name} {key}="), &prop.value, "a quantity")?;
        if pin::is_quantity(&value.value) {
            Some(value.value)
        } else {
            reader.invalid(
                Invalid::Quantity,
                value.span,
                format!("`{}` is not a Kubernetes quantity", value.value),
                "not a quantity".to_owned(),
                format!("write e.g. {key}=\"{example}\""),
            );
            None
        }
    };
    let cpu = read("cpu", "250m");
    let memory = read("memory", "512Mi");
    if cpu.is_none() && memory.is_none() && node.props.is_empty() {
        reader.missing_arg(node, "cpu= and/or memory=");
        return None;
    }
    Some(Quantities { cpu, memory })
}

fn resolve_override(reader: &mut Reader, node: &RawNode, service: &str) -> Option<Override> {
    reader.props(node, &["reason"]);
    reader.max_args(node, 1, "one tier name");
    let tier = reader.string_arg(node, 0, "a tier name")?;
    let reason = reader.string_prop(node, "reason", "a reason");
    let reason =
        reason.filter(|r| reader.fits(r, grammar::is_one_line(&r.value), "a one-line reason", "reason=\"peak hours\""));
    let reason = match reason {
        Some(reason) if !reason.value.trim().is_empty() => reason,
        _ => {
            reader.error(ModelError::OverrideWithoutReason {
                service: service.to_owned(),
                tier: tier.value.clone(),
                span: node.name.span.into(),
            });
            return None;
        }
    };
    let mut over = Override {
        tier,
        reason,
        replicas: None,
        resources: None,
        env: Vec::new(),
        values: Vec::new(),
        expose: None,
        span: node.span,
    };
    let mut once = Seen::default();
    let mut keys = Seen::default();
    let mut paths = Seen::default();
    if node.children().is_empty() {
        reader.error(ModelError::Missing {
            message: format!("override of tier `{}` changes nothing", over.tier.value),
            span: node.name.span.into(),
            label: "empty override".to_owned(),
            help: "add replicas, resources, env, expose or value inside { }, or remove the override".to_owned(),
        });
    }
    for child in reader.children(node, Context::Override, "a tier override") {
        match child.name.value.as_str() {
            "replicas" => {
                once.insert(reader, "override node", &child.name, "write it once");
                over.replicas = resolve_replicas(reader, child);
            }
            "resources" => {
                once.insert(reader, "override node", &child.name, "write it once");
                over.resources = resolve_resources(reader, child);
            }
            "expose" => {
                once.insert(reader, "override node", &child.name, "write it once");
                over.expose = resolve_expose(reader, child);
            }
            "value" => {
                if let Some(setting) = resolve_value(reader, child)
                    && paths.insert(reader, "value", &setting.path, "set each path once per tier")
                {
                    over.values.push(setting);
                }
            }
            _ => over.env.extend(resolve_pairs(reader, child, &mut keys, false)),
        }
    }
    Some(over)
}

/// The longest `value` path accepted, in characters.
const MAX_VALUE_PATH: usize = 200;

/// `value "a.b.c" VALUE`: a dotted path of `[A-Za-z0-9_-]` segments and a
/// string, integer or boolean. Lands in YAML through the serializer, so any
/// string value is safe there; the path is checked because it becomes keys.
fn resolve_value(reader: &mut Reader, node: &RawNode) -> Option<ValueSetting> {
    reader.props(node, &[]);
    reader.max_args(node, 2, "a path and a value");
    reader.no_children(node);
    let path = reader.string_arg(node, 0, "a dotted values path")?;
    let segments_ok = path.value.len() <= MAX_VALUE_PATH
        && path.value.split('.').all(|segment| {
            !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        });
    if !segments_ok {
        reader.invalid(
            Invalid::Malformed,
            path.span,
            format!("`{}` is not a values path", path.value),
            "segments of letters, digits, `_` and `-`, joined by `.`".to_owned(),
            "write the chart's key as in its values.yaml, e.g. \"cluster.instances\"".to_owned(),
        );
        return None;
    }
    let Some(raw) = node.args.get(1) else {
        reader.missing_arg(node, "a value after the path");
        return None;
    };
    let value = match &raw.value {
        Scalar::String(s) => ChartValue::String(s.clone()),
        Scalar::Integer(i) => ChartValue::Integer(i64::try_from(*i).ok()?),
        Scalar::Bool(b) => ChartValue::Bool(*b),
        Scalar::Float(_) | Scalar::Null => {
            reader.invalid(
                Invalid::Malformed,
                raw.span,
                format!("`{}` is not a string, integer or boolean", raw.repr),
                "unsupported value".to_owned(),
                "write a quoted string for anything else, e.g. \"0.5\"".to_owned(),
            );
            return None;
        }
    };
    Some(ValueSetting { path, value, span: node.span })
}

/// A `value` must not change what the catalog wires (names, the credentials
/// Secret), and a Kafka service takes only the keys of inception's manifests.
fn check_value_path(reader: &mut Reader, kind: BackingKind, setting: &ValueSetting) {
    let path = setting.path.value.as_str();
    let wired = crate::providers::wired_paths(kind)
        .iter()
        .find(|w| path == **w || path.starts_with(&format!("{w}.")) || w.starts_with(&format!("{path}.")));
    if let Some(wired) = wired {
        reader.invalid(
            Invalid::Reserved,
            setting.path.span,
            format!("`{path}` is set by the provider catalog"),
            format!("`{wired}` carries the wiring of `kind {}`", kind.as_str()),
            "remove it: consumers are given the names and the Secret the catalog sets".to_owned(),
        );
    }
    if kind == BackingKind::Kafka && !crate::providers::KAFKA_PATHS.contains(&path) {
        reader.invalid(
            Invalid::Unknown,
            setting.path.span,
            format!("`{path}` is not a setting of `kind kafka`"),
            "unknown Kafka setting".to_owned(),
            format!("write one of: {}", crate::providers::KAFKA_PATHS.join(", ")),
        );
    }
}

/// `metrics "/PATH" port=N`.
fn resolve_metrics(reader: &mut Reader, node: &RawNode) -> Option<Metrics> {
    reader.props(node, &["port"]);
    reader.max_args(node, 1, "one path");
    reader.no_children(node);
    let path = reader.string_arg(node, 0, "the metrics path")?;
    if !path.value.starts_with('/') || path.value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        reader.invalid(
            Invalid::Malformed,
            path.span,
            format!("`{}` is not a metrics path", path.value),
            "expected /PATH without spaces".to_owned(),
            "write the path from the root, e.g. \"/metrics\"".to_owned(),
        );
        return None;
    }
    let node_name = node.name.value.clone();
    let port = node
        .prop("port")
        .and_then(|p| reader.int_value(&node_name, &p.value, "a port", 1..=65535))
        .and_then(|p| u16::try_from(p.value).ok());
    Some(Metrics { path, port, span: node.span })
}
