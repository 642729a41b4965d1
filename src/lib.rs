//! inception: a declarative environment compiler.
//!
//! One `inception.kdl` describes a team's whole environment: the dev
//! container, the services, and the deployment tiers. `inception compile`
//! turns it into every file the team would otherwise keep in sync by hand.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`spec`]: KDL text → raw nodes with spans.
//! 2. [`model`]: raw nodes → validated meaning, defaults applied, every error
//!    collected.
//! 3. [`graph`]: the `needs` graph (petgraph): cycles and sync waves.
//! 4. [`plan`]: which artifacts, derived from which spec nodes.
//! 5. [`render`]: artifacts → bytes. Pure.
//! 6. [`emit`]: write, check and diff against the disk. The only I/O.
//!
//! [`pipeline`] runs stages 1–5 in memory; [`commands`] are the CLI verbs.

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod digest;
pub mod emit;
pub mod error;
pub mod graph;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod release;
pub mod render;
pub mod report;
pub mod source;
pub mod spec;
pub mod symmetry;
pub mod yaml;
