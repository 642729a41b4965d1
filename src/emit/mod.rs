//! Stage 6, `emit`: the only module that touches the disk. It reads the spec
//! and the output tree, writes (only what changed, atomically), checks drift
//! with diffs, and reads and writes the lock the `lock` stage built. `write`
//! and `check` consume the same [`Outputs`](crate::render::Outputs), so what
//! check accepts is exactly what compile writes.

mod cache;
mod check;
mod diff;
mod error;
mod git;
mod read;
mod reuse;
pub mod safety;
mod stamp;
mod verify;
mod write;

pub use cache::{Fingerprint, record, record_hashed, record_units};
pub use check::{Drift, Drifted, Verdict, check};
pub use diff::unified;
pub use error::EmitError;
pub use reuse::{Recorded, Reusable, recorded, reusable};
pub use stamp::Stamp;

use crate::lock;
pub use git::show_at;
pub use read::{SPEC_FILE, SpecLocation, join, read_lock, read_optional, read_optional_bytes, read_spec};
pub use verify::verify;
pub use write::{Finished, WriteReport, Writer, write, write_file};
