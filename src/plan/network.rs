//! A tier's NetworkPolicies, decided once: default deny (ingress and
//! egress) for every pod of the tier's namespace, then allow rules derived
//! from the `needs` graph and the provider catalog's network facts
//! ([`crate::network_catalog`]). It renders nothing
//! ([`crate::render::network_policy`] does).
//!
//! What is allowed, and nothing else:
//!
//! - every pod: DNS to CoreDNS in `kube-system` (UDP and TCP 53);
//! - a `build`/`image` service, worker, job or scheduled job (their pods
//!   carry the chart's selector label `app.kubernetes.io/name: NAME`):
//!   ingress from the services that need it on its container port (a worker
//!   or a job has none: no ingress), from the tier's ingress controller's
//!   namespace on that port when it is exposed there
//!   ([`crate::plan::exposure::controller`]: `app-routing-system` on AKS,
//!   `ingress-nginx` on Minikube), and from Prometheus on its metrics port;
//!   `port N service=M` is admitted on N (a policy sees the pod's port, not
//!   the Service's); a job that is needed admits nothing (`needs` on a job
//!   orders, it carries no traffic); egress to what it
//!   needs (a service's pods on their port, a backing service's client pods
//!   on the catalog's port, a `chart` service's release on any port); with
//!   `storage`, egress to the emulator (Minikube tiers under
//!   `storage-emulator`) or to Azure's public endpoints on 443 (cloud tiers:
//!   a NetworkPolicy cannot name hosts, so any address outside the private
//!   ranges); under `hot-reload` or `debug`, where an init container
//!   downloads the concession tools (PyPI, the Go module proxy), the same
//!   egress on 443;
//! - a backing service's pods: ingress from their consumers on the client
//!   port; the traffic among themselves and from their operator the catalog
//!   lists; the Kubernetes API where the catalog says they call it;
//! - an operator: egress to the API and to the pods it manages; ingress to
//!   its admission webhook from any source (the API server is outside the
//!   pod network);
//! - a `chart` service: ingress from its consumers on any port, any egress
//!   (inception does not know a third-party chart's traffic);
//! - the platform (every other pod of the namespace: the observability
//!   stack, whose charts inception does not model pod by pod): ingress from
//!   among themselves and to their admission webhooks; any egress
//!   (Prometheus scrapes the namespace, the nodes and `kube-system`).
//!
//! The Kubernetes API is reached on 443 on AKS and 8443 on Minikube; a
//! NetworkPolicy selects it by address only, so the rule admits any address
//! on that port.

use super::Origin;
use super::workload::{self, origin};
use crate::model::{Cluster, Concession, Model, Service, ServiceRef, Source, Tier};
use crate::network_catalog::{self as catalog, Role};
use crate::providers;

/// Labels, in order.
pub(crate) type Labels = Vec<(String, String)>;

/// A label selector's set-based operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetOperator {
    /// The label is not one of the values (or is absent).
    NotIn,
    /// The label is absent.
    DoesNotExist,
}

impl SetOperator {
    /// The spelling Kubernetes reads.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SetOperator::NotIn => "NotIn",
            SetOperator::DoesNotExist => "DoesNotExist",
        }
    }
}

/// A label selector: every label and every expression must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selector {
    /// Exact labels.
    pub(crate) labels: Labels,
    /// Set-based expressions: (key, operator, values).
    pub(crate) expressions: Vec<(String, SetOperator, Vec<String>)>,
}

impl Selector {
    fn labels(labels: Labels) -> Self {
        Self { labels, expressions: Vec::new() }
    }

    fn name(name: &str) -> Self {
        Self::labels(vec![(NAME_LABEL.to_owned(), name.to_owned())])
    }
}

/// Who a rule admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Peer {
    /// Pods of the tier's namespace.
    Pods(Selector),
    /// Pods of another namespace (by its name).
    NamespacePods {
        /// The namespace.
        namespace: &'static str,
        /// The pods.
        pods: Selector,
    },
    /// Addresses.
    Cidr {
        /// The block.
        cidr: &'static str,
        /// Blocks left out.
        except: &'static [&'static str],
    },
}

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// The spelling Kubernetes reads.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

/// One rule: any of `peers` (none: any source or destination) on any of
/// `ports` (none: every port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    /// Who.
    pub(crate) peers: Vec<Peer>,
    /// Which ports.
    pub(crate) ports: Vec<(u16, Protocol)>,
}

fn tcp(ports: &[u16]) -> Vec<(u16, Protocol)> {
    ports.iter().map(|p| (*p, Protocol::Tcp)).collect()
}

/// One NetworkPolicy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    /// Its name.
    pub(crate) name: String,
    /// The pods it applies to.
    pub(crate) selector: Selector,
    /// Whether it denies (applies) both directions even without rules.
    pub(crate) deny: bool,
    /// Ingress rules.
    pub(crate) ingress: Vec<Rule>,
    /// Egress rules.
    pub(crate) egress: Vec<Rule>,
    /// The spec nodes it derives from.
    pub(crate) origins: Vec<Origin>,
}

impl Policy {
    fn new(name: impl Into<String>, selector: Selector, origins: Vec<Origin>) -> Self {
        Self { name: name.into(), selector, deny: false, ingress: Vec::new(), egress: Vec::new(), origins }
    }

    /// Whether it adds anything to the default deny (or is it): a policy
    /// without rules is left out.
    pub(crate) fn has_rules(&self) -> bool {
        self.deny || !self.ingress.is_empty() || !self.egress.is_empty()
    }
}

/// The label the generic chart selects a release's pods by.
pub(crate) const NAME_LABEL: &str = "app.kubernetes.io/name";
/// The label Helm charts conventionally put the release name in.
const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

/// Private address ranges: cloud egress to Azure's public endpoints leaves them out.
const PRIVATE: &[&str] = &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// The port the Kubernetes API is reached on from a pod of the tier (after
/// the `kubernetes` Service's translation): AKS 443, Minikube's API server 8443.
pub(crate) fn api_port(tier: &Tier) -> u16 {
    match tier.cluster.value {
        Cluster::Aks => 443,
        Cluster::Minikube => 8443,
    }
}

fn api_rule(tier: &Tier) -> Rule {
    Rule { peers: vec![Peer::Cidr { cidr: "0.0.0.0/0", except: &[] }], ports: tcp(&[api_port(tier)]) }
}

/// The pods of one role of a backing service.
fn role_pods(service: &Service, role: Role) -> Option<Selector> {
    let kind = service.backing()?;
    if role == Role::Operator {
        let operator = providers::provider(kind).operator?;
        return catalog::operator_network(operator.id).map(|n| Selector::labels(catalog::labels(n.labels, "")));
    }
    let pods = catalog::provider_network(kind).pods.iter().find(|p| p.role == role)?;
    Some(Selector::labels(catalog::labels(pods.labels, &service.name.value)))
}

/// A service's own pods: the generic chart's release, a `chart`
/// service's release (by the Helm convention's instance label), a backing
/// service's client pods.
fn own_pods(service: &Service) -> Option<Selector> {
    match &service.source {
        Source::Backing(_) => role_pods(service, Role::Server),
        Source::Chart(_) => Some(Selector::labels(vec![(INSTANCE_LABEL.to_owned(), service.name.value.clone())])),
        Source::Build(_) | Source::Image(_) => Some(Selector::name(&service.name.value)),
    }
}

/// The pods a consumer reaches for `dependency`, and on which ports (none: all).
pub(crate) fn dependency_pods(dependency: &Service) -> Option<(Selector, Vec<u16>)> {
    match &dependency.source {
        Source::Backing(kind) => {
            Some((role_pods(dependency, Role::Server)?, vec![providers::provider(kind.value).port]))
        }
        Source::Chart(_) => Some((own_pods(dependency)?, Vec::new())),
        Source::Build(_) | Source::Image(_) => Some((own_pods(dependency)?, vec![dependency.port.as_ref()?.value])),
    }
}

fn needs_origin(consumer: &Service, target: &str) -> Vec<Origin> {
    consumer
        .needs
        .iter()
        .filter(|n| n.value == target)
        .map(|n| origin::child(consumer, format_args!("needs {}", n.value), n.span))
        .collect()
}

/// The services of a model by name, and the consumers of each (the
/// services that need it, in declaration order): built once per plan (or
/// render), so a policy finds them without a scan of every service.
pub(crate) struct Lookup<'m> {
    by_name: foldhash::HashMap<&'m str, &'m Service>,
    consumers: foldhash::HashMap<&'m str, Vec<&'m Service>>,
}

impl<'m> Lookup<'m> {
    pub(crate) fn new(model: &'m Model) -> Self {
        let by_name = model.services.iter().map(|s| (s.name.value.as_str(), s)).collect();
        let mut consumers: foldhash::HashMap<&str, Vec<&Service>> = foldhash::HashMap::default();
        for consumer in model.services.iter().filter(|s| s.backing().is_none()) {
            let mut seen: Vec<&str> = Vec::new();
            for need in &consumer.needs {
                if !seen.contains(&need.value.as_str()) {
                    seen.push(need.value.as_str());
                    consumers.entry(need.value.as_str()).or_default().push(consumer);
                }
            }
        }
        Self { by_name, consumers }
    }

    fn service(&self, name: &str) -> Option<&'m Service> {
        self.by_name.get(name).copied()
    }

    /// The consumers of `service` (services that need it), in declaration order.
    fn consumers(&self, service: &Service) -> &[&'m Service] {
        self.consumers.get(service.name.value.as_str()).map_or(&[], Vec::as_slice)
    }
}

/// Ingress from the services that need `service`, on `ports` (none: all),
/// with their `needs` nodes; `None` when nothing needs it.
fn from_consumers(lookup: &Lookup<'_>, service: &Service, ports: &[u16]) -> Option<(Rule, Vec<Origin>)> {
    let consumers = lookup.consumers(service);
    if consumers.is_empty() {
        return None;
    }
    let origins = consumers.iter().flat_map(|c| needs_origin(c, &service.name.value)).collect();
    let peers = consumers.iter().filter_map(|c| own_pods(c).map(Peer::Pods)).collect();
    Some((Rule { peers, ports: tcp(ports) }, origins))
}

/// Whether a service uses the storage emulator in `tier`.
fn emulated(tier: &Tier, service: &Service) -> bool {
    workload::concession_applies(tier, service, Concession::StorageEmulator)
}

/// The NetworkPolicies of `tier` that are not a `build`/`image` service's
/// own ([`service_policy`]), in a stable order: default deny, DNS, the
/// backing and `chart` services' (in declaration order), the storage
/// emulator's, the operators', the platform's.
pub(crate) fn tier_policies(model: &Model, tier: &Tier) -> Vec<Policy> {
    tier_policies_with(&Lookup::new(model), model, tier)
}

/// [`tier_policies`], the services of `model` looked up in `lookup`.
pub(crate) fn tier_policies_with(lookup: &Lookup<'_>, model: &Model, tier: &Tier) -> Vec<Policy> {
    let tier_origin = origin::tier(tier);
    let cluster = origin::cluster(tier);
    let mut all = Vec::new();
    let mut deny = Policy::new("default-deny", Selector::default(), vec![tier_origin.clone()]);
    deny.deny = true;
    all.push(deny);
    let (dns_namespace, dns_label, dns_port) = catalog::DNS;
    let mut dns = Policy::new("allow-dns", Selector::default(), vec![tier_origin.clone()]);
    dns.egress.push(Rule {
        peers: vec![Peer::NamespacePods {
            namespace: dns_namespace,
            pods: Selector::labels(vec![(dns_label.0.to_owned(), dns_label.1.to_owned())]),
        }],
        ports: vec![(dns_port, Protocol::Udp), (dns_port, Protocol::Tcp)],
    });
    all.push(dns);
    // Pods inception names: the platform policy selects every other pod.
    let mut named: Vec<Selector> = Vec::new();
    for service in &model.services {
        match &service.source {
            Source::Backing(kind) => {
                let kind = kind.value;
                let network = catalog::provider_network(kind);
                for pods in network.pods {
                    let Some(selector) = role_pods(service, pods.role) else { continue };
                    let role = match pods.role {
                        Role::Server => String::new(),
                        Role::EntityOperator => "-entity-operator".to_owned(),
                        Role::Operator => "-operator".to_owned(),
                    };
                    let mut policy = Policy::new(
                        format!("backing-{}{role}", service.name.value),
                        selector.clone(),
                        vec![origin::source(service)],
                    );
                    if pods.role == Role::Server
                        && let Some((rule, origins)) =
                            from_consumers(lookup, service, &[providers::provider(kind).port])
                    {
                        policy.ingress.push(rule);
                        policy.origins.extend(origins);
                    }
                    for flow in network.flows {
                        if flow.to == pods.role
                            && let Some(from) = role_pods(service, flow.from)
                        {
                            policy.ingress.push(Rule { peers: vec![Peer::Pods(from)], ports: tcp(flow.ports) });
                        }
                        if flow.from == pods.role
                            && let Some(to) = role_pods(service, flow.to)
                        {
                            policy.egress.push(Rule { peers: vec![Peer::Pods(to)], ports: tcp(flow.ports) });
                        }
                    }
                    if pods.api {
                        policy.egress.push(api_rule(tier));
                        policy.origins.push(cluster.clone());
                    }
                    named.push(selector);
                    all.push(policy);
                }
            }
            Source::Chart(_) => {
                let Some((selector, _)) = dependency_pods(service) else { continue };
                let mut policy = Policy::new(
                    format!("chart-{}", service.name.value),
                    selector.clone(),
                    vec![origin::source(service)],
                );
                if let Some((rule, origins)) = from_consumers(lookup, service, &[]) {
                    policy.ingress.push(rule);
                    policy.origins.extend(origins);
                }
                policy.egress.push(Rule { peers: Vec::new(), ports: Vec::new() });
                named.push(selector);
                all.push(policy);
            }
            // Its own policy is its own file (`service_policy`).
            Source::Build(_) | Source::Image(_) => named.push(Selector::name(&service.name.value)),
        }
    }
    if workload::deploys_azurite(model, tier) {
        let users: Vec<&Service> = model.services.iter().filter(|s| emulated(tier, s)).collect();
        let mut policy = Policy::new(
            format!("service-{}", workload::AZURITE_NAME),
            Selector::name(workload::AZURITE_NAME),
            origin::concession(tier, Concession::StorageEmulator).into_iter().collect(),
        );
        policy.ingress.push(Rule {
            peers: users.iter().map(|s| Peer::Pods(Selector::name(&s.name.value))).collect(),
            ports: tcp(&[workload::AZURITE_BLOB_PORT]),
        });
        named.push(Selector::name(workload::AZURITE_NAME));
        all.push(policy);
    }
    if tier.cluster.value == Cluster::Aks && !super::kubernetes::platform_credentials(model).is_empty() {
        // The credentials release only mounts the CSI volume: no traffic (default deny).
        named.push(Selector::name(crate::layout::CREDENTIALS_APP));
    }
    for (operator, sources) in super::kubernetes::operators(model) {
        let Some(network) = catalog::operator_network(operator.id) else { continue };
        let selector = Selector::labels(catalog::labels(network.labels, ""));
        let mut policy = Policy::new(format!("operator-{}", operator.id), selector.clone(), sources);
        policy.egress.push(api_rule(tier));
        policy.origins.push(cluster.clone());
        for (service, kind) in super::kubernetes::backing_services(model) {
            if providers::provider(kind).operator.is_none_or(|o| o.id != operator.id) {
                continue;
            }
            for flow in catalog::provider_network(kind).flows.iter().filter(|f| f.from == Role::Operator) {
                if let Some(to) = role_pods(service, flow.to) {
                    policy.egress.push(Rule { peers: vec![Peer::Pods(to)], ports: tcp(flow.ports) });
                }
            }
        }
        if let Some(port) = network.webhook {
            policy.ingress.push(Rule { peers: Vec::new(), ports: tcp(&[port]) });
        }
        named.push(selector);
        all.push(policy);
    }
    all.push(platform(model, tier, &named));
    // A policy without rules adds nothing to the default deny.
    all.retain(Policy::has_rules);
    all
}

/// The own policy of each `build`/`image` service of `tier` that has rules
/// (one without adds nothing to the default deny), with the service, in
/// declaration order.
#[cfg(test)]
pub(crate) fn service_policies(model: &Model, tier: &Tier) -> Vec<(ServiceRef, Policy)> {
    service_policies_with(&Lookup::new(model), model, tier)
}

/// [`service_policies`], the services of `model` looked up in `lookup`.
pub(crate) fn service_policies_with(lookup: &Lookup<'_>, model: &Model, tier: &Tier) -> Vec<(ServiceRef, Policy)> {
    let services: Vec<(ServiceRef, &Service)> =
        model.service_refs().filter(|(_, s)| matches!(s.source, Source::Build(_) | Source::Image(_))).collect();
    // On this thread: a compile plans while a second thread reads the
    // tree, and policies made on short-lived threads would scatter a big
    // plan's origins over pages those threads leave behind.
    services
        .iter()
        .map(|(at, service)| (*at, generic_policy(lookup, tier, service)))
        .filter(|(_, policy)| policy.has_rules())
        .collect()
}

/// The own policy of the `build`/`image` service `service` of `model` in
/// `tier`, rules or not. It reads the service, the services it needs, the
/// services that need it and the tier only, so a service's restricted model
/// ([`crate::render::units`]) gives the policy the whole model does, in time
/// proportional to that model.
pub(crate) fn service_policy(model: &Model, tier: &Tier, service: &Service) -> Policy {
    generic_policy(&Lookup::new(model), tier, service)
}

/// Traffic the catalog says a tier's providers need, beside the `needs`
/// edges: for the wiring check to prove against the rendered policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CatalogFlow {
    /// What it is.
    pub(crate) what: String,
    /// From these pods.
    pub(crate) from: Selector,
    /// To these pods, or (`None`) the Kubernetes API.
    pub(crate) to: Option<Selector>,
    /// TCP ports.
    pub(crate) ports: Vec<u16>,
}

/// Every catalog flow of `tier`: among each backing service's pods, from
/// its operator, and to the Kubernetes API.
pub(crate) fn catalog_flows(model: &Model, tier: &Tier) -> Vec<CatalogFlow> {
    let mut flows = Vec::new();
    for (service, kind) in super::kubernetes::backing_services(model) {
        let network = catalog::provider_network(kind);
        for flow in network.flows {
            if let (Some(from), Some(to)) = (role_pods(service, flow.from), role_pods(service, flow.to)) {
                flows.push(CatalogFlow {
                    what: format!("{} {:?} → {:?}: {}", service.name.value, flow.from, flow.to, flow.why),
                    from,
                    to: Some(to),
                    ports: flow.ports.to_vec(),
                });
            }
        }
        for pods in network.pods.iter().filter(|p| p.api) {
            if let Some(from) = role_pods(service, pods.role) {
                flows.push(CatalogFlow {
                    what: format!("{} {:?} → the Kubernetes API", service.name.value, pods.role),
                    from,
                    to: None,
                    ports: vec![api_port(tier)],
                });
            }
        }
    }
    if model.observability.as_ref().is_some_and(|o| o.prometheus.is_some()) {
        for service in model.services.iter().filter(|s| s.uses_generic_chart()) {
            let Some(metrics) = &service.metrics else { continue };
            let Some(port) = metrics.port.or(service.port.as_ref().map(|p| p.value)) else { continue };
            let (key, value) = catalog::PROMETHEUS_POD;
            flows.push(CatalogFlow {
                what: format!("Prometheus scrapes {} on {port}", service.name.value),
                from: Selector::labels(vec![(key.to_owned(), value.to_owned())]),
                to: Some(Selector::name(&service.name.value)),
                ports: vec![port],
            });
        }
    }
    for (operator, _) in super::kubernetes::operators(model) {
        if let Some(network) = catalog::operator_network(operator.id) {
            flows.push(CatalogFlow {
                what: format!("operator {} → the Kubernetes API", operator.id),
                from: Selector::labels(catalog::labels(network.labels, "")),
                to: None,
                ports: vec![api_port(tier)],
            });
        }
    }
    flows
}

/// The client pods of a backing service (what its Service selects).
pub(crate) fn backing_pods(service: &Service) -> Option<Selector> {
    role_pods(service, Role::Server)
}

/// A `build`/`image` service's policy.
fn generic_policy(lookup: &Lookup<'_>, tier: &Tier, service: &Service) -> Policy {
    let name = &service.name.value;
    let mut policy = Policy::new(format!("service-{name}"), Selector::name(name), vec![origin::source(service)]);
    if let Some(port) = &service.port
        && let Some((rule, origins)) = from_consumers(lookup, service, &[port.value])
    {
        policy.ingress.push(rule);
        policy.origins.push(origin::child(service, "port", port.span));
        policy.origins.extend(origins);
    }
    if let (Some(port), Some(expose)) = (&service.port, service.expose_in(&tier.name.value)) {
        // The tier's ingress controller forwards to the pods' container port
        // (it reads the Service's endpoints), from its own namespace.
        let (_, namespace) = super::exposure::controller(tier.cluster.value);
        policy.ingress.push(Rule {
            peers: vec![Peer::NamespacePods { namespace, pods: Selector::default() }],
            ports: tcp(&[port.value]),
        });
        policy.origins.push(origin::child(service, "expose", expose.span));
        policy.origins.push(origin::cluster(tier));
    }
    if let Some(metrics) = &service.metrics {
        let port = metrics.port.or(service.port.as_ref().map(|p| p.value));
        if let Some(port) = port {
            let (key, value) = catalog::PROMETHEUS_POD;
            policy.ingress.push(Rule {
                peers: vec![Peer::Pods(Selector::labels(vec![(key.to_owned(), value.to_owned())]))],
                ports: tcp(&[port]),
            });
            policy.origins.push(origin::child(service, "metrics", metrics.span));
        }
    }
    for need in &service.needs {
        let Some(dependency) = lookup.service(&need.value) else { continue };
        let Some((pods, ports)) = dependency_pods(dependency) else { continue };
        policy.egress.push(Rule { peers: vec![Peer::Pods(pods)], ports: tcp(&ports) });
        policy.origins.push(origin::child(service, format_args!("needs {}", need.value), need.span));
    }
    let reload = workload::concession_applies(tier, service, Concession::HotReload);
    let debug = workload::concession_applies(tier, service, Concession::Debug);
    if super::concession::installer(super::concession::runtime(service), reload, debug).is_some() {
        // The init container downloads the concession tools (PyPI, the Go module proxy).
        policy.egress.push(Rule { peers: vec![Peer::Cidr { cidr: "0.0.0.0/0", except: PRIVATE }], ports: tcp(&[443]) });
        for kind in [Concession::HotReload, Concession::Debug] {
            if workload::concession_applies(tier, service, kind) {
                policy.origins.extend(origin::concession(tier, kind));
            }
        }
    }
    if !service.storage.is_empty() {
        let from = service.storage.iter().map(|s| origin::child(service, format_args!("storage {}", s.value), s.span));
        policy.origins.extend(from);
        if emulated(tier, service) {
            policy.egress.push(Rule {
                peers: vec![Peer::Pods(Selector::name(workload::AZURITE_NAME))],
                ports: tcp(&[workload::AZURITE_BLOB_PORT]),
            });
            policy.origins.extend(origin::concession(tier, Concession::StorageEmulator));
        } else if tier.cluster.value == Cluster::Aks {
            policy
                .egress
                .push(Rule { peers: vec![Peer::Cidr { cidr: "0.0.0.0/0", except: PRIVATE }], ports: tcp(&[443]) });
            policy.origins.push(origin::cluster(tier));
        }
    }
    policy
}

/// Every pod inception does not name: the observability stack.
fn platform(model: &Model, tier: &Tier, named: &[Selector]) -> Policy {
    let mut names: Vec<String> = Vec::new();
    let mut absent: Vec<String> = Vec::new();
    for selector in named {
        match selector.labels.iter().find(|(k, _)| k == NAME_LABEL) {
            Some((_, value)) => names.push(value.clone()),
            None => absent.extend(selector.labels.first().map(|(k, _)| k.clone())),
        }
    }
    names.sort();
    names.dedup();
    absent.sort();
    absent.dedup();
    let mut selector = Selector::default();
    if !names.is_empty() {
        selector.expressions.push((NAME_LABEL.to_owned(), SetOperator::NotIn, names));
    }
    for key in absent {
        selector.expressions.push((key, SetOperator::DoesNotExist, Vec::new()));
    }
    let mut origins = vec![origin::tier(tier)];
    origins.extend(super::kubernetes::observability_components(model).into_iter().map(|(_, o)| o));
    let mut policy = Policy::new("platform", selector.clone(), origins);
    policy.ingress.push(Rule { peers: vec![Peer::Pods(selector.clone())], ports: Vec::new() });
    policy.ingress.push(Rule { peers: Vec::new(), ports: tcp(&catalog::PLATFORM_WEBHOOKS.map(|(port, _)| port)) });
    // Anywhere: Prometheus scrapes the namespace, the nodes (kubelet 10250, node-exporter 9100)
    // and kube-system, and the stack reads the API; inception does not model its targets.
    policy.egress.push(Rule { peers: Vec::new(), ports: Vec::new() });
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        environment("serenity")
    }

    fn environment(name: &str) -> Model {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("environments/{name}/inception.kdl")),
        )
        .expect("the reference spec");
        let source = crate::source::SourceFile::new("inception.kdl", text);
        crate::pipeline::load(&source).map(|l| l.model).expect("the reference spec is valid")
    }

    /// Every policy of a tier: the tier's file's, then the services' own.
    fn all(model: &Model, tier: &Tier) -> Vec<Policy> {
        let mut all = tier_policies(model, tier);
        all.extend(service_policies(model, tier).into_iter().map(|(_, p)| p));
        all
    }

    fn egress_to(policies: &[Policy], name: &str, pods: &Selector, port: u16) -> bool {
        policies.iter().filter(|p| p.selector == Selector::name(name)).any(|p| {
            p.egress.iter().any(|r| {
                r.peers.iter().any(|peer| peer == &Peer::Pods(pods.clone()))
                    && (r.ports.is_empty() || r.ports.contains(&(port, Protocol::Tcp)))
            })
        })
    }

    #[test]
    fn every_needs_edge_is_allowed_out_of_the_consumer() {
        let model = model();
        for tier in &model.tiers {
            let policies = all(&model, tier);
            assert_eq!(policies[0].name, "default-deny");
            for service in model.services.iter().filter(|s| s.uses_generic_chart()) {
                for need in &service.needs {
                    let dependency = model.service(&need.value).expect("declared");
                    let (pods, ports) = dependency_pods(dependency).expect("reachable");
                    assert!(
                        egress_to(&policies, &service.name.value, &pods, ports[0]),
                        "{} → {} in {}",
                        service.name.value,
                        need.value,
                        tier.name.value
                    );
                }
            }
        }
    }

    #[test]
    fn the_platform_excludes_every_named_pod() {
        let model = model();
        let tier = &model.tiers[0];
        let policies = all(&model, tier);
        let platform = policies.iter().find(|p| p.name == "platform").expect("platform");
        let (_, _, names) = &platform.selector.expressions[0];
        for name in ["api", "pricing", "redis", "cloudnative-pg", "azurite"] {
            assert!(names.contains(&name.to_owned()), "{name}: {names:?}");
        }
        let absent: Vec<&str> = platform.selector.expressions[1..].iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(absent, ["cnpg.io/cluster", "strimzi.io/cluster", "strimzi.io/kind", "strimzi.io/name"]);
    }

    #[test]
    fn catalog_flows_cover_the_providers_the_api_and_prometheus() {
        let model = model();
        let flows = catalog_flows(&model, &model.tiers[0]);
        let what: Vec<&str> = flows.iter().map(|f| f.what.as_str()).collect();
        assert!(what.contains(&"Prometheus scrapes pricing on 9100"), "{what:#?}");
        assert!(what.iter().any(|w| w.starts_with("timescaledb Operator → Server")), "{what:#?}");
        assert!(flows.iter().any(|f| f.to.is_none() && f.ports == [8443]), "the API, on Minikube's port");
    }

    #[test]
    fn exposure_admits_the_controller_and_workers_and_jobs_admit_nothing() {
        let model = environment("polyglot");
        for tier in &model.tiers {
            let policies = all(&model, tier);
            let web = policies.iter().find(|p| p.name == "service-web").expect("web");
            let (_, namespace) = crate::plan::exposure::controller(tier.cluster.value);
            let controller =
                Rule { peers: vec![Peer::NamespacePods { namespace, pods: Selector::default() }], ports: tcp(&[3000]) };
            assert!(web.ingress.contains(&controller), "{}: {:?}", tier.name.value, web.ingress);
            // The gateway's Service listens on 80; its pods on 8080, which web reaches.
            assert!(egress_to(&policies, "web", &Selector::name("gateway"), 8080));
            for quiet in ["ingest", "migrate"] {
                let policy = policies.iter().find(|p| p.name == format!("service-{quiet}")).expect(quiet);
                assert!(policy.ingress.is_empty(), "{quiet} admits nothing");
                assert!(!policy.egress.is_empty(), "{quiet} reaches what it needs");
            }
        }
    }

    #[test]
    fn storage_reaches_the_emulator_locally_and_azure_in_the_cloud() {
        let model = model();
        let local = all(&model, &model.tiers[0]);
        assert!(egress_to(&local, "risk", &Selector::name("azurite"), 10000));
        let prod = all(&model, model.tiers.last().expect("prod"));
        let risk = prod.iter().find(|p| p.name == "service-risk").expect("risk");
        assert!(risk.egress.iter().any(|r| r.peers == [Peer::Cidr { cidr: "0.0.0.0/0", except: PRIVATE }]));
    }

    #[test]
    fn the_tier_file_holds_no_service_policy_and_every_service_policy_has_rules() {
        for name in ["serenity", "minimal", "polyglot"] {
            let model = environment(name);
            for tier in &model.tiers {
                let names: Vec<String> = tier_policies(&model, tier).into_iter().map(|p| p.name).collect();
                assert_eq!(names.first().map(String::as_str), Some("default-deny"), "{name}");
                assert_eq!(names.last().map(String::as_str), Some("platform"), "{name}");
                for (at, policy) in service_policies(&model, tier) {
                    let service = model.service_at(at);
                    assert!(service.uses_generic_chart(), "{name}: {}", service.name.value);
                    assert!(policy.has_rules(), "{name}: {}", policy.name);
                    assert_eq!(policy.name, format!("service-{}", service.name.value));
                    assert!(!names.contains(&policy.name), "{name}: {} in both files", policy.name);
                }
            }
        }
    }

    #[test]
    fn a_service_policy_is_the_one_its_restricted_model_gives() {
        for name in ["serenity", "minimal", "polyglot"] {
            let model = environment(name);
            let members = crate::render::units::neighbourhoods(&model);
            for tier in &model.tiers {
                for (at, policy) in service_policies(&model, tier) {
                    let restricted = crate::render::units::restricted(&model, &members[at.index()]);
                    let service = restricted.service(&model.service_at(at).name.value).expect("a member");
                    assert_eq!(service_policy(&restricted, tier, service), policy, "{name}: {}", policy.name);
                    assert!(
                        crate::render::units::provenance_within(&model, &members[at.index()], &policy.origins),
                        "{name}: {} reads outside its restricted model",
                        policy.name
                    );
                }
            }
        }
    }
}
