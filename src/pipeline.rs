//! The stages run in order on one spec, in memory: spec → model → graph →
//! plan → render, plus the lock. No I/O: commands read the spec and hand the
//! result to `emit`.

use crate::digest::Sha256Digest;
use crate::error::{Problem, SpecProblems};
use crate::graph::{self, Graph};
use crate::lock::{LOCK_PATH, Lock, LockedArtifact};
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

/// A loaded spec planned, with the key of each artifact (see
/// [`crate::render::units`]): what a compile that may reuse the files of the
/// previous one starts from.
#[derive(Debug)]
pub struct Units {
    loaded: Loaded,
    plan: plan::Plan,
    keys: Vec<Sha256Digest>,
}

impl Units {
    /// Plan `loaded` and key its artifacts.
    pub fn new(loaded: Loaded, spec_name: &str) -> Self {
        let plan = plan::plan(&loaded.model);
        let keys = render::units::keys(&loaded.source, &loaded.model, &loaded.graph, &plan.artifacts, spec_name);
        Self { loaded, plan, keys }
    }

    /// Each artifact's path with its key, in the plan's order.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &Sha256Digest)> {
        self.plan.artifacts.iter().zip(&self.keys).map(|(a, k)| (a.path.as_str(), k))
    }
}

/// A compile that reused what it could.
#[derive(Debug)]
pub struct Incremental {
    /// The lock.
    pub lock: Lock,
    /// How many files it reused: on disk with the bytes of their entry in
    /// the lock (see `emit::reusable`), neither held here nor written.
    pub reused: usize,
    /// Each artifact's key (in the lock's order), to record when it holds
    /// (see `keyed`): the artifacts a later compile may reuse when their
    /// key is unchanged.
    pub keys: Vec<Sha256Digest>,
    /// Whether each artifact's key holds (a rendered artifact whose
    /// provenance leaves its unit has none).
    pub keyed: Vec<bool>,
    /// The positions in the lock of the artifacts rendered (the others
    /// were reused), in order.
    pub rendered: Vec<usize>,
}

/// About this many artifacts are rendered at a time and handed to the
/// sink, then dropped: a big tree is never held whole.
const BATCH: usize = 1024;

/// Compile `units`, taking the artifacts of `reused` (in the order of
/// [`Units::keys`]: the lock entries of files already on disk, `None` for
/// the artifacts to render) as they are and rendering the others,
/// batch by batch: each batch of rendered files (path, text) goes to `sink`
/// (the writer stages them) and is dropped. Then the lock.
///
/// # Errors
/// A renderer failure (a bug), or the sink's error.
pub fn compile_units<E: From<RenderError>>(
    units: Units,
    spec_name: &str,
    reused: Vec<Option<LockedArtifact>>,
    mut sink: impl FnMut(&[(&str, &str)]) -> Result<(), E>,
) -> Result<Incremental, E> {
    let Units { loaded, plan, keys } = units;
    let count = plan.artifacts.len();
    let mut entries: Vec<Option<LockedArtifact>> = reused;
    entries.resize(count, None);
    // The artifacts to render, moved from the plan into their groups.
    let to_render = plan.artifacts.into_iter().enumerate().filter(|(index, artifact)| {
        let reused = entries[*index].as_ref().is_some_and(|entry| entry.path == artifact.path);
        if !reused {
            entries[*index] = None;
        }
        !reused
    });
    let groups = render::groups(&loaded.model, to_render);
    let rendering: usize = groups.iter().map(|group| group.1.len()).sum();
    let reused_count = count - rendering;
    let members = render::units::neighbourhoods(&loaded.model);
    let mut keyed = vec![true; count];
    let mut rendered_at = Vec::with_capacity(rendering);
    let mut groups = groups.into_iter().peekable();
    while groups.peek().is_some() {
        let mut batch = Vec::new();
        let mut size = 0;
        while size < BATCH
            && let Some(group) = groups.next()
        {
            size += group.1.len();
            batch.push(group);
        }
        let rendered = render::render_groups(&loaded.model, &loaded.graph, batch, spec_name, &members)?;
        let fresh = crate::parallel::map(&rendered, |(_, rendered)| Lock::entry(rendered));
        let files: Vec<(&str, &str)> =
            rendered.iter().map(|(_, r)| (r.artifact.path.as_str(), r.text.as_str())).collect();
        sink(&files)?;
        drop(files);
        for ((index, rendered), entry) in rendered.into_iter().zip(fresh) {
            if let Some(service) = render::units::scope(&loaded.model, &rendered.artifact.kind) {
                keyed[index] =
                    render::units::provenance_within(&loaded.model, &members[service], &rendered.artifact.sources);
            }
            rendered_at.push(index);
            entries[index] = Some(entry);
        }
    }
    rendered_at.sort_unstable();
    // Every position has its entry now (reused or rendered). Taken out in
    // place: the lock of a big tree is not held twice.
    let entries: Vec<LockedArtifact> = entries.into_iter().map(Option::unwrap_or_default).collect();
    let lock = Lock::of_entries(&loaded.source, spec_name, entries);
    Ok(Incremental { lock, reused: reused_count, keys, keyed, rendered: rendered_at })
}
