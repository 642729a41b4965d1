//! The stages run in order on one spec, in memory: spec → model → graph →
//! plan → render, plus the lock. No I/O: commands read the spec and hand the
//! result to `emit`.

use crate::error::{Problem, SpecProblems};
use crate::graph::{self, Graph};
use crate::lock::{LOCK_PATH, Lock};
use crate::model::{self, Model};
use crate::plan;
use crate::render::{self, RenderError};
pub use crate::render::{Outputs, Rendered};
use crate::source::SourceFile;
use crate::spec;

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
    /// Every artifact with its text and line origins, sorted by path.
    pub artifacts: Vec<Rendered>,
    /// What the compile writes, from which nodes.
    pub lock: Lock,
}

impl Compiled {
    /// An artifact by path (not the lock).
    pub fn artifact(&self, path: &str) -> Option<&Rendered> {
        self.artifacts.iter().find(|a| a.path() == path)
    }

    /// Every file the compile writes, `inception.lock` included: what `emit`
    /// writes and checks.
    pub fn outputs(&self) -> Outputs {
        let mut outputs: Outputs = self.artifacts.iter().map(|a| (a.path().to_owned(), a.text.clone())).collect();
        outputs.insert(LOCK_PATH.to_owned(), self.lock.to_text());
        outputs
    }

    /// [`Compiled::outputs`] without copying a text, and the lock: what
    /// `compile` and `check` hand to `emit` when they need nothing else.
    pub fn into_outputs(self) -> (Outputs, Lock) {
        let mut outputs: Outputs = self.artifacts.into_iter().map(|a| (a.artifact.path, a.text)).collect();
        outputs.insert(LOCK_PATH.to_owned(), self.lock.to_text());
        (outputs, self.lock)
    }
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
    let artifacts = render::render(&loaded.model, &loaded.graph, plan, spec_name)?;
    let lock = Lock::new(&loaded.source, spec_name, &artifacts);
    Ok(Compiled { loaded, artifacts, lock })
}

/// Load and compile a source in one go.
///
/// # Errors
/// Spec problems or a renderer failure.
pub fn compile_source(source: &SourceFile, spec_name: &str) -> crate::error::Result<Compiled> {
    let loaded = load(source)?;
    Ok(compile(loaded, spec_name)?)
}
