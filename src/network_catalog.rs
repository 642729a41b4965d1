//! The provider catalog's network facts ([`crate::providers`] holds the
//! rest): which pods each provider and operator runs, by the labels they
//! carry, and the traffic they need among themselves and with the
//! Kubernetes API. The tier's NetworkPolicies ([`crate::plan::network`])
//! admit exactly this traffic and the `needs` edges, nothing else.
//!
//! Every fact names the upstream file it was read from, read on 2026-11-29
//! through the project's search tool. `{name}` in a label value is the
//! backing service's name.

use serde::Serialize;

use crate::model::BackingKind;
use crate::providers::Citation;

/// Which pods of a provider a flow starts or ends at: a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Role {
    /// The pods clients connect to (database instances, brokers, Redis).
    Server,
    /// Strimzi's entity operator (the user operator) of one Kafka cluster.
    EntityOperator,
    /// The kind's operator (one per tier).
    Operator,
}

/// A set of pods, by labels.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Pods {
    /// Which pods.
    pub(crate) role: Role,
    /// Their labels (`{name}`: the service name).
    pub(crate) labels: &'static [(&'static str, &'static str)],
    /// Whether they call the Kubernetes API.
    pub(crate) api: bool,
}

/// Traffic among a provider's own pods.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Flow {
    /// From.
    pub(crate) from: Role,
    /// To.
    pub(crate) to: Role,
    /// TCP ports.
    pub(crate) ports: &'static [u16],
    /// Why.
    pub(crate) why: &'static str,
}

/// A kind's pods and their traffic.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct ProviderNetwork {
    /// The kind.
    pub(crate) kind: BackingKind,
    /// Its pods (the `Server` role first).
    pub(crate) pods: &'static [Pods],
    /// Traffic among them and from the operator.
    pub(crate) flows: &'static [Flow],
    /// Where the facts were read.
    pub(crate) citations: &'static [Citation],
}

/// An operator's pods.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct OperatorNetwork {
    /// The operator's catalog id.
    pub(crate) id: &'static str,
    /// Its pods' labels.
    pub(crate) labels: &'static [(&'static str, &'static str)],
    /// The admission webhook port the API server calls, if any.
    pub(crate) webhook: Option<u16>,
    /// Where the facts were read.
    pub(crate) citations: &'static [Citation],
}

const CNPG_DOCS: &str = "cloudnative-pg/cloudnative-pg";
const STRIMZI: &str = "strimzi/strimzi-kafka-operator";

const CNPG: ProviderNetwork = ProviderNetwork {
    kind: BackingKind::Postgresql,
    pods: &[Pods { role: Role::Server, labels: &[("cnpg.io/cluster", "{name}")], api: true }],
    flows: &[
        Flow {
            from: Role::Server,
            to: Role::Server,
            ports: &[5432, 8000],
            why: "streaming replication and the instance managers' status",
        },
        Flow {
            from: Role::Operator,
            to: Role::Server,
            ports: &[8000, 5432],
            why: "the operator reads each instance's status and connects to PostgreSQL",
        },
    ],
    citations: &[
        Citation {
            repo: CNPG_DOCS,
            tag: "v1.30.0",
            path: "docs/src/networking.md",
            fact: "the operator must reach every cluster pod on ports 8000 and 5432, and the pods must connect to each other",
        },
        Citation {
            repo: CNPG_DOCS,
            tag: "v1.30.0",
            path: "docs/src/samples/networkpolicy-example.yaml",
            fact: "instance pods carry cnpg.io/cluster: CLUSTER; the operator pod app.kubernetes.io/name: cloudnative-pg",
        },
        Citation {
            repo: CNPG_DOCS,
            tag: "discussion 1192",
            path: "github.com/cloudnative-pg/cloudnative-pg/discussions/1192",
            fact: "the instance manager in each pod reports to the Kubernetes API: network policies must allow it",
        },
    ],
};

/// Every kind's network facts, in [`BackingKind::ALL`] order.
pub(crate) const PROVIDER_NETWORKS: [ProviderNetwork; 4] = [
    CNPG,
    ProviderNetwork { kind: BackingKind::Timescaledb, ..CNPG },
    ProviderNetwork {
        kind: BackingKind::Redis,
        pods: &[Pods {
            role: Role::Server,
            labels: &[("app.kubernetes.io/name", "redis"), ("app.kubernetes.io/instance", "{name}")],
            api: false,
        }],
        flows: &[],
        citations: &[Citation {
            repo: "CloudPirates-io/helm-charts",
            tag: "redis-0.34.18 (its common chart)",
            path: "charts/common/templates/_helpers.tpl",
            fact: "cloudpirates.selectorLabels: app.kubernetes.io/name (the chart name, redis) and app.kubernetes.io/instance (the release); standalone: one pod, no peer traffic",
        }],
    },
    ProviderNetwork {
        kind: BackingKind::Kafka,
        pods: &[
            Pods {
                role: Role::Server,
                labels: &[("strimzi.io/cluster", "{name}"), ("strimzi.io/name", "{name}-kafka")],
                api: false,
            },
            Pods { role: Role::EntityOperator, labels: &[("strimzi.io/name", "{name}-entity-operator")], api: true },
        ],
        flows: &[
            Flow {
                from: Role::Server,
                to: Role::Server,
                ports: &[9090, 9091],
                why: "KRaft control plane and replication",
            },
            Flow {
                from: Role::Operator,
                to: Role::Server,
                ports: &[9090, 9091, 8443],
                why: "the cluster operator's admin client and the Kafka agent",
            },
            Flow {
                from: Role::EntityOperator,
                to: Role::Server,
                ports: &[9091],
                why: "the user operator manages SCRAM users",
            },
        ],
        citations: &[Citation {
            repo: STRIMZI,
            tag: "1.2.0",
            path: "cluster-operator/src/main/java/io/strimzi/operator/cluster/model/KafkaCluster.java",
            fact: "CONTROLPLANE_PORT 9090, REPLICATION_PORT 9091, KAFKA_AGENT_PORT 8443; generateNetworkPolicy admits the cluster operator (strimzi.io/kind: cluster-operator), the Kafka pods (strimzi.io/name: CLUSTER-kafka, with strimzi.io/cluster: CLUSTER) and the entity operator (strimzi.io/name: CLUSTER-entity-operator) to the replication port",
        }],
    },
];

/// The operators' network facts.
pub(crate) const OPERATOR_NETWORKS: [OperatorNetwork; 2] = [
    OperatorNetwork {
        id: "cloudnative-pg",
        labels: &[("app.kubernetes.io/name", "cloudnative-pg")],
        webhook: Some(9443),
        citations: &[
            Citation {
                repo: CNPG_DOCS,
                tag: "v1.30.0",
                path: "docs/src/samples/networkpolicy-example.yaml",
                fact: "the operator pod carries app.kubernetes.io/name: cloudnative-pg",
            },
            Citation {
                repo: "cloudnative-pg/charts",
                tag: "cloudnative-pg-v0.29.0",
                path: "charts/cloudnative-pg/values.yaml",
                fact: "webhook.port 9443 behind the Service cnpg-webhook-service (port 443), called by the API server",
            },
        ],
    },
    OperatorNetwork {
        id: "strimzi",
        labels: &[("strimzi.io/kind", "cluster-operator")],
        webhook: None,
        citations: &[Citation {
            repo: STRIMZI,
            tag: "1.2.0",
            path: "cluster-operator/src/main/java/io/strimzi/operator/cluster/model/KafkaCluster.java",
            fact: "the cluster operator is selected by strimzi.io/kind: cluster-operator",
        }],
    },
];

/// The DNS pods every pod resolves names with: CoreDNS in `kube-system`,
/// labelled `k8s-app: kube-dns` on Minikube and AKS alike.
pub(crate) const DNS: (&str, (&str, &str), u16) = ("kube-system", ("k8s-app", "kube-dns"), 53);

/// The label of the Prometheus pods kube-prometheus-stack's operator runs
/// (scraping the services' metrics ports).
pub(crate) const PROMETHEUS_POD: (&str, &str) = ("app.kubernetes.io/name", "prometheus");

/// The admission webhook ports of the observability operators, which the
/// API server calls (from outside the pod network).
pub(crate) const PLATFORM_WEBHOOKS: [(u16, Citation); 2] = [
    (
        9443,
        Citation {
            repo: "elastic/cloud-on-k8s",
            tag: "v3.5.0",
            path: "docs/operating-eck/webhook.asciidoc",
            fact: "the ECK operator's webhook listens on 9443; its network policy example admits any source to it",
        },
    ),
    (
        10250,
        Citation {
            repo: "prometheus-community/helm-charts",
            tag: "kube-prometheus-stack-88.5.3",
            path: "charts/kube-prometheus-stack/values.yaml",
            fact: "prometheusOperator.tls.internalPort 10250: the admission webhook's port",
        },
    ),
];

/// A kind's network facts.
pub(crate) fn provider_network(kind: BackingKind) -> &'static ProviderNetwork {
    PROVIDER_NETWORKS.iter().find(|n| n.kind == kind).unwrap_or(&PROVIDER_NETWORKS[0])
}

/// An operator's network facts.
pub(crate) fn operator_network(id: &str) -> Option<&'static OperatorNetwork> {
    OPERATOR_NETWORKS.iter().find(|n| n.id == id)
}

/// Labels with `{name}` replaced.
pub(crate) fn labels(labels: &[(&str, &str)], name: &str) -> Vec<(String, String)> {
    labels.iter().map(|(k, v)| ((*k).to_owned(), v.replace("{name}", name))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_operator_has_cited_pods() {
        for (i, (_, kind)) in BackingKind::ALL.iter().enumerate() {
            let network = &PROVIDER_NETWORKS[i];
            assert_eq!(network.kind, *kind);
            assert_eq!(network.pods.first().map(|p| p.role), Some(Role::Server), "{kind:?}");
            assert!(!network.citations.is_empty());
        }
        for operator in crate::providers::operators(BackingKind::ALL.iter().map(|(_, k)| *k)) {
            let network = operator_network(operator.id).expect("every catalog operator has network facts");
            assert!(!network.labels.is_empty() && !network.citations.is_empty());
        }
        assert_eq!(labels(provider_network(BackingKind::Kafka).pods[1].labels, "ev")[0].1, "ev-entity-operator");
    }
}
