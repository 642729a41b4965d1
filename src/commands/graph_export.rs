//! The whole dependency graph for `inception graph`: spec nodes, services and
//! artifacts, with their edges, built with petgraph and exported as DOT or JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::pipeline::Compiled;
use crate::plan::scope;

/// A node of the exported graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Node {
    /// A spec node, with its line.
    Spec {
        /// `toolchain/tool kubectl`.
        id: String,
        /// 1-based line in the spec.
        line: usize,
    },
    /// A service.
    Service {
        /// Its name.
        id: String,
    },
    /// A generated file.
    Artifact {
        /// Its path.
        id: String,
    },
}

impl Node {
    fn key(&self) -> String {
        match self {
            Node::Spec { id, .. } => format!("spec:{id}"),
            Node::Service { id } => format!("service:{id}"),
            Node::Artifact { id } => format!("artifact:{id}"),
        }
    }
}

/// What an edge means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum EdgeKind {
    /// Dependency → dependent service.
    Needs,
    /// Spec node → artifact.
    Derives,
    /// Service → artifact.
    Deploys,
}

/// An edge: `needs` (dependency → dependent), `derives` (spec node →
/// artifact) or `deploys` (service → artifact).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Edge {
    /// The source node's key.
    pub from: String,
    /// The target node's key.
    pub to: String,
    /// What the edge means.
    pub kind: EdgeKind,
}

/// The exported graph.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Export {
    /// Nodes, sorted.
    pub nodes: Vec<Node>,
    /// Edges, sorted.
    pub edges: Vec<Edge>,
}

/// Build the whole graph of a compiled spec.
pub(crate) fn export(compiled: &Compiled) -> Export {
    let (model, graph, source) = (&compiled.loaded.model, &compiled.loaded.graph, &compiled.loaded.source);
    let mut full: DiGraph<Node, EdgeKind> = DiGraph::new();
    let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
    let mut add = |full: &mut DiGraph<Node, EdgeKind>, node: Node| {
        *index.entry(node.key()).or_insert_with(|| full.add_node(node))
    };
    let services: Vec<NodeIndex> =
        graph.petgraph().node_weights().map(|name| add(&mut full, Node::Service { id: name.clone() })).collect();
    for edge in graph.petgraph().edge_references() {
        full.add_edge(services[edge.source().index()], services[edge.target().index()], EdgeKind::Needs);
    }
    for artifact in compiled.artifacts.iter().map(|r| &r.artifact) {
        let target = add(&mut full, Node::Artifact { id: artifact.path.clone() });
        for origin in &artifact.sources {
            let line = source.line_of(origin.span.into());
            let spec = add(&mut full, Node::Spec { id: origin.node.to_string(), line });
            full.update_edge(spec, target, EdgeKind::Derives);
        }
        if let Some(service) = scope(&artifact.kind, model).service {
            let service = add(&mut full, Node::Service { id: service });
            full.update_edge(service, target, EdgeKind::Deploys);
        }
    }
    let mut nodes: Vec<Node> = full.node_weights().cloned().collect();
    nodes.sort();
    let mut edges: Vec<Edge> = full
        .edge_references()
        .map(|e| Edge { from: full[e.source()].key(), to: full[e.target()].key(), kind: *e.weight() })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    Export { nodes, edges }
}

impl Export {
    /// Graphviz DOT.
    pub(crate) fn to_dot(&self) -> String {
        let mut dot = String::from("digraph inception {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for node in &self.nodes {
            let (label, shape) = match node {
                Node::Spec { id, line } => (format!("{id}\\n:{line}"), "note"),
                Node::Service { id } => (id.clone(), "box3d"),
                Node::Artifact { id } => (id.clone(), "box"),
            };
            let _ = writeln!(dot, "  {} [label={}, shape={shape}];", quote(&node.key()), quote(&label));
        }
        for edge in &self.edges {
            let style = if edge.kind == EdgeKind::Needs { " [style=bold]" } else { "" };
            let _ = writeln!(dot, "  {} -> {}{style};", quote(&edge.from), quote(&edge.to));
        }
        dot.push_str("}\n");
        dot
    }
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\\\""))
}
