//! Stage 3, `graph`: the services and their `needs`, as a petgraph graph.
//!
//! Edges run from a dependency to the service that needs it, each carrying the
//! span of the `needs` argument that created it, so a cycle is reported as
//! the whole circle with every reference marked. The graph gives each
//! service's sync wave (its depth: a service with no needs is wave 0, any
//! other is one more than its deepest dependency), computed in topological
//! order.

mod error;

pub(crate) use error::GraphError;

use std::collections::BTreeMap;

use miette::LabeledSpan;
use petgraph::Direction;
use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::Model;
use crate::spec::Span;

/// The service dependency graph of a model.
#[derive(Debug, Clone)]
pub struct Graph {
    graph: DiGraph<String, Span>,
    waves: BTreeMap<String, u32>,
}

impl Graph {
    /// The sync wave of a service: its depth in the `needs` graph.
    pub fn wave(&self, service: &str) -> u32 {
        self.waves.get(service).copied().unwrap_or(0)
    }

    /// The underlying petgraph graph (dependency → dependent).
    pub fn petgraph(&self) -> &DiGraph<String, Span> {
        &self.graph
    }
}

/// Build the graph of a model's services.
///
/// # Errors
/// One [`GraphError::Cycle`] per strongly connected group of services.
/// References to undeclared services are skipped here (the model reports them).
pub(crate) fn build(model: &Model) -> Result<Graph, Vec<GraphError>> {
    let mut graph = DiGraph::new();
    let mut index: BTreeMap<&str, NodeIndex> = BTreeMap::new();
    for service in &model.services {
        index.insert(&service.name.value, graph.add_node(service.name.value.clone()));
    }
    for service in &model.services {
        let dependent = index[service.name.value.as_str()];
        for need in &service.needs {
            if let Some(&dependency) = index.get(need.value.as_str()) {
                graph.add_edge(dependency, dependent, need.span);
            }
        }
    }
    let cycles = cycles(&graph);
    if !cycles.is_empty() {
        return Err(cycles);
    }
    let order: Vec<NodeIndex> = toposort(&graph, None).map_err(|_| Vec::new())?;
    let mut waves = BTreeMap::new();
    for &node in &order {
        let wave = graph
            .neighbors_directed(node, Direction::Incoming)
            .map(|dependency| waves.get(&graph[dependency]).copied().unwrap_or(0) + 1)
            .max()
            .unwrap_or(0);
        waves.insert(graph[node].clone(), wave);
    }
    Ok(Graph { graph, waves })
}

/// Every cycle, each reported once, as the circle through its services.
fn cycles(graph: &DiGraph<String, Span>) -> Vec<GraphError> {
    let mut errors = Vec::new();
    let mut components = tarjan_scc(graph);
    components.sort_by_key(|c| c.iter().map(|n| n.index()).min());
    for component in components {
        let looped = component.len() == 1 && graph.find_edge(component[0], component[0]).is_some();
        if component.len() < 2 && !looped {
            continue;
        }
        let start = *component.iter().min_by_key(|n| n.index()).unwrap_or(&component[0]);
        let path = circle(graph, &component, start);
        errors.push(cycle_error(graph, &path));
    }
    errors
}

/// A path start → … → start inside one strongly connected component, walking
/// from each service to what it needs, in declaration order.
fn circle(graph: &DiGraph<String, Span>, component: &[NodeIndex], start: NodeIndex) -> Vec<NodeIndex> {
    fn walk(
        graph: &DiGraph<String, Span>,
        component: &[NodeIndex],
        start: NodeIndex,
        path: &mut Vec<NodeIndex>,
    ) -> bool {
        let here = *path.last().unwrap_or(&start);
        let mut needs: Vec<_> = graph.edges_directed(here, Direction::Incoming).collect();
        needs.sort_by_key(|e| e.weight().offset());
        for edge in needs {
            let next = petgraph::visit::EdgeRef::source(&edge);
            if next == start {
                path.push(start);
                return true;
            }
            if component.contains(&next) && !path.contains(&next) {
                path.push(next);
                if walk(graph, component, start, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start];
    walk(graph, component, start, &mut path);
    path
}

fn cycle_error(graph: &DiGraph<String, Span>, path: &[NodeIndex]) -> GraphError {
    let names: Vec<String> = path.iter().map(|n| format!("`{}`", graph[*n])).collect();
    let mut labels: Vec<LabeledSpan> = path
        .windows(2)
        .filter_map(|pair| {
            let (service, need) = (pair[0], pair[1]);
            let edge = graph.find_edge(need, service)?;
            let label = format!("`{}` needs `{}`", graph[service], graph[need]);
            Some(LabeledSpan::new_with_span(Some(label), graph[edge]))
        })
        .collect();
    let closing = labels.pop().unwrap_or_else(|| LabeledSpan::new_with_span(None, Span::default()));
    GraphError::Cycle {
        cycle: names.join(" → "),
        span: *closing.inner(),
        closing: closing.label().unwrap_or("closes the cycle").to_owned(),
        others: labels,
    }
}
