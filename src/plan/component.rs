//! The observability stack's components: one upstream chart, and one Argo CD
//! Application per tier, each (`crate::providers::OBSERVABILITY`).

/// A component of the observability stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// `prometheus`: kube-prometheus-stack.
    Prometheus,
    /// `grafana`.
    Grafana,
    /// `logging efk`: the ECK operator.
    EckOperator,
    /// `logging efk`: Elasticsearch and Kibana (eck-stack).
    ElasticStack,
    /// `logging efk`: the log shipper.
    FluentBit,
}

impl Component {
    /// Every component.
    pub const ALL: [Component; 5] = [
        Component::Prometheus,
        Component::Grafana,
        Component::EckOperator,
        Component::ElasticStack,
        Component::FluentBit,
    ];

    /// Its name: the release, the Application's and its file's.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::Prometheus => "prometheus",
            Component::Grafana => "grafana",
            Component::EckOperator => "eck-operator",
            Component::ElasticStack => "elastic-stack",
            Component::FluentBit => "fluent-bit",
        }
    }

    /// The component a name spells.
    pub fn named(name: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| c.as_str() == name)
    }
}
