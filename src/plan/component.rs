//! The observability stack's components: one upstream chart, and one Argo CD
//! Application per tier, each.

/// A component of the observability stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// `prometheus`.
    Prometheus,
    /// `grafana`.
    Grafana,
    /// `logging efk`: the store.
    Elasticsearch,
    /// `logging efk`: the log shipper.
    FluentBit,
    /// `logging efk`: the UI.
    Kibana,
}

impl Component {
    /// Every component.
    pub const ALL: [Component; 5] =
        [Component::Prometheus, Component::Grafana, Component::Elasticsearch, Component::FluentBit, Component::Kibana];

    /// Its name: the release, the Application's and its file's.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::Prometheus => "prometheus",
            Component::Grafana => "grafana",
            Component::Elasticsearch => "elasticsearch",
            Component::FluentBit => "fluent-bit",
            Component::Kibana => "kibana",
        }
    }

    /// The component a name spells.
    pub fn named(name: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| c.as_str() == name)
    }
}
