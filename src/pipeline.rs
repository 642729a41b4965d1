//! The stages run in order on one spec, in memory: spec → model → graph →
//! plan → render, plus the lock. No I/O: commands read the spec and hand the
//! result to `emit`.

use crate::emit::{LOCK_PATH, Lock};
use crate::error::{Problem, SpecProblems};
use crate::graph::{self, Graph};
use crate::model::{self, Model};
use crate::plan::{self, Plan};
use crate::render::{self, LineOrigins, Outputs, RenderError};
use crate::source::SourceFile;
use crate::spec;
use std::collections::BTreeMap;

/// A valid spec, understood.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The spec file.
    pub source: SourceFile,
    /// Its meaning.
    pub model: Model,
    /// Its service graph.
    pub graph: Graph,
}

/// A spec compiled in memory.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// What it was compiled from.
    pub loaded: Loaded,
    /// Which artifacts, from which nodes.
    pub plan: Plan,
    /// Every artifact's bytes, `inception.lock` included.
    pub outputs: Outputs,
    /// The origins of each line of each artifact (the lock has none).
    pub provenance: BTreeMap<String, LineOrigins>,
}

/// Parse, resolve and check a spec, reporting every problem at once.
///
/// # Errors
/// All the problems of the spec, from every stage that could run.
pub fn load(source: &SourceFile) -> Result<Loaded, Box<SpecProblems>> {
    let nodes = spec::parse(source)
        .map_err(|errors| Box::new(SpecProblems::new(source, errors.into_iter().map(Problem::from).collect())))?;
    let (model, errors) = model::resolve(&nodes);
    let mut problems: Vec<Problem> = errors.into_iter().map(Problem::from).collect();
    // The graph runs on the partial model too, so a cycle is reported
    // together with every other problem.
    let graph = graph::build(&model);
    match graph {
        Ok(graph) if problems.is_empty() => Ok(Loaded { source: source.clone(), model, graph }),
        Ok(_) => Err(Box::new(SpecProblems::new(source, problems))),
        Err(cycles) => {
            problems.extend(cycles.into_iter().map(Problem::from));
            Err(Box::new(SpecProblems::new(source, problems)))
        }
    }
}

/// Compile a loaded spec: plan, render, lock.
///
/// # Errors
/// A renderer failure (a bug).
pub fn compile(loaded: Loaded, spec_name: &str) -> Result<Compiled, RenderError> {
    let plan = plan::plan(&loaded.model);
    let rendered = render::render(&loaded.model, &loaded.graph, &plan, spec_name)?;
    let mut outputs = rendered.outputs;
    let lock = Lock::new(&loaded.source, spec_name, &plan, &outputs);
    outputs.insert(LOCK_PATH.to_owned(), lock.to_text());
    Ok(Compiled { loaded, plan, outputs, provenance: rendered.provenance })
}

/// Load and compile a source in one go.
///
/// # Errors
/// Spec problems or a renderer failure.
pub fn compile_source(source: &SourceFile, spec_name: &str) -> crate::error::Result<Compiled> {
    let loaded = load(source)?;
    Ok(compile(loaded, spec_name)?)
}
