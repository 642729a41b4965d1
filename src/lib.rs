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
//! 6. [`lock`]: what the compile writes, from which nodes. Pure.
//! 7. [`emit`]: write, check and diff against the disk. The only I/O.
//!
//! [`pipeline`] runs stages 1–6 in memory; [`commands`] are the CLI verbs.

// Internals are `pub(crate)`: whatever no caller outside the crate can
// reach must say so, so that the compiler reports what nothing uses.
#![warn(unreachable_pub)]

pub(crate) mod catalog;
pub mod cli;
pub mod commands;
pub(crate) mod digest;
pub mod emit;
pub mod error;
pub(crate) mod graph;
pub(crate) mod layout;
pub(crate) mod lock;
pub(crate) mod lock_names;
pub mod model;
pub(crate) mod network_catalog;
pub(crate) mod output;
pub(crate) mod parallel;
pub mod pipeline;
pub(crate) mod plan;
pub(crate) mod providers;
pub(crate) mod release;
pub(crate) mod render;
pub(crate) mod report;
pub mod runtimes;
pub mod source;
pub mod spec;
pub mod symmetry;
pub(crate) mod yaml;
