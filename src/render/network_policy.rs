//! A tier's NetworkPolicies ([`crate::plan::network`]) as Kubernetes
//! `networking.k8s.io/v1` objects in the folder `deploy/network/TIER`: each
//! `build`/`image` service's own in `service-NAME.yaml` (a render unit of
//! the service, [`super::units`]), the others in `tier.yaml`; and the
//! Application that syncs the folder (`deploy/argocd/TIER/network-policy.yaml`,
//! with the operators' wave: before any workload starts).

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::argocd::{application, directory_source, finish, tier_paths};
use super::trace::{Paths, Traced, trace_structured};
use crate::model::{Model, Service, Tier};
use crate::plan::network::{self, Peer, Policy, Rule, Selector};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NetworkPolicy {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: Spec,
}

#[derive(Debug, Serialize)]
struct Metadata {
    name: String,
    labels: IndexMap<&'static str, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    pod_selector: LabelSelector,
    policy_types: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ingress: Option<Vec<IngressRule>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    egress: Option<Vec<EgressRule>>,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct LabelSelector {
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    match_labels: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    match_expressions: Vec<Expression>,
}

#[derive(Debug, Serialize)]
struct Expression {
    key: String,
    operator: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    values: Vec<String>,
}

#[derive(Debug, Serialize)]
struct IngressRule {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    from: Vec<PolicyPeer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<PolicyPort>,
}

#[derive(Debug, Serialize)]
struct EgressRule {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    to: Vec<PolicyPeer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<PolicyPort>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyPeer {
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace_selector: Option<LabelSelector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_selector: Option<LabelSelector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_block: Option<IpBlock>,
}

#[derive(Debug, Serialize)]
struct IpBlock {
    cidr: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    except: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct PolicyPort {
    protocol: &'static str,
    port: u16,
}

/// The label Kubernetes puts on every namespace, with its name.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

fn selector(selector: &Selector) -> LabelSelector {
    LabelSelector {
        match_labels: selector.labels.iter().cloned().collect(),
        match_expressions: selector
            .expressions
            .iter()
            .map(|(key, operator, values)| Expression {
                key: key.clone(),
                operator: operator.as_str(),
                values: values.clone(),
            })
            .collect(),
    }
}

fn peer(peer: &Peer) -> PolicyPeer {
    match peer {
        Peer::Pods(pods) => PolicyPeer { namespace_selector: None, pod_selector: Some(selector(pods)), ip_block: None },
        Peer::NamespacePods { namespace, pods } => PolicyPeer {
            namespace_selector: Some(LabelSelector {
                match_labels: IndexMap::from([(NAMESPACE_NAME_LABEL.to_owned(), (*namespace).to_owned())]),
                match_expressions: Vec::new(),
            }),
            // No pod selector: every pod of that namespace.
            pod_selector: (pods != &Selector::default()).then(|| selector(pods)),
            ip_block: None,
        },
        Peer::Cidr { cidr, except } => PolicyPeer {
            namespace_selector: None,
            pod_selector: None,
            ip_block: Some(IpBlock { cidr, except: except.to_vec() }),
        },
    }
}

fn ports(rule: &Rule) -> Vec<PolicyPort> {
    rule.ports.iter().map(|(port, protocol)| PolicyPort { protocol: protocol.as_str(), port: *port }).collect()
}

fn object(model: &Model, policy: &Policy) -> NetworkPolicy {
    let mut types = Vec::new();
    if policy.deny || !policy.ingress.is_empty() {
        types.push("Ingress");
    }
    if policy.deny || !policy.egress.is_empty() {
        types.push("Egress");
    }
    NetworkPolicy {
        api_version: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: Metadata {
            name: policy.name.clone(),
            labels: IndexMap::from([("app.kubernetes.io/part-of", model.project.name.value.clone())]),
        },
        spec: Spec {
            pod_selector: selector(&policy.selector),
            policy_types: types,
            ingress: (!policy.ingress.is_empty()).then(|| {
                policy
                    .ingress
                    .iter()
                    .map(|r| IngressRule { from: r.peers.iter().map(peer).collect(), ports: ports(r) })
                    .collect()
            }),
            egress: (!policy.egress.is_empty()).then(|| {
                policy
                    .egress
                    .iter()
                    .map(|r| EgressRule { to: r.peers.iter().map(peer).collect(), ports: ports(r) })
                    .collect()
            }),
        },
    }
}

/// `deploy/network/TIER/tier.yaml`: every NetworkPolicy of the tier but
/// the services' own, one document each.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_policies(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    documents(model, &network::tier_policies(model, tier), path)
}

/// `deploy/network/TIER/service-NAME.yaml`: the own NetworkPolicy of a
/// `build`/`image` service, from its restricted model ([`super::units`]).
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_service_policy(
    model: &Model,
    tier: &Tier,
    service: &Service,
    path: &str,
) -> Result<Traced, RenderError> {
    documents(model, &[network::service_policy(model, tier, service)], path)
}

/// The policies, one YAML document each, each line traced to its policy's origins.
fn documents(model: &Model, policies: &[Policy], path: &str) -> Result<Traced, RenderError> {
    let mut text = String::new();
    let mut lines = Vec::new();
    for (i, policy) in policies.iter().enumerate() {
        let yaml = crate::yaml::to_string(&object(model, policy))
            .map_err(|message| RenderError::Serialize { path: path.to_owned(), message })?;
        let mut paths = Paths::default();
        for from in &policy.origins {
            for key in ["apiVersion", "kind", "metadata", "spec"] {
                paths.add(key, from.clone());
            }
        }
        let traced = trace_structured(&yaml, &paths);
        if i > 0 {
            // The separator belongs to the policy it opens.
            text.push_str("---\n");
            lines.push(traced.lines.first().cloned().unwrap_or_else(super::trace::no_origins));
        }
        text.push_str(&traced.text);
        lines.extend(traced.lines);
    }
    Ok(Traced { text, lines })
}

/// `deploy/argocd/TIER/network-policy.yaml`: the Application syncing every
/// file of `deploy/network/TIER`.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_application(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    let folder = crate::layout::network_dir(&tier.name.value);
    let source = directory_source(model, tier, folder, None, &mut paths);
    let app = application::<serde_json::Value>(
        model,
        tier,
        crate::layout::NETWORK_APP,
        super::backing::OPERATOR_WAVE,
        source,
    );
    finish(&app, &paths, path)
}
