//! `inception.lock`: what the last compile wrote, and from what.
//!
//! It records the compiler version, the spec's sha256, and for each artifact
//! its path, sha256 and the spec nodes it derives from. `check` compares the
//! tree against it to tell a spec change from a hand edit; `compile` uses it
//! to know which files it owns, so it removes only those.

use serde::{Deserialize, Serialize};

use crate::digest::sha256_hex;
use crate::plan::Plan;
use crate::render::Outputs;
use crate::source::SourceFile;

/// The lock's file name, beside the spec.
pub const LOCK_PATH: &str = "inception.lock";

/// The whole lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// The inception version that wrote it.
    pub inception: String,
    /// The spec it was compiled from.
    pub spec: LockedSpec,
    /// Every artifact, sorted by path.
    pub artifacts: Vec<LockedArtifact>,
}

/// The spec file's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedSpec {
    /// Its file name.
    pub path: String,
    /// The sha256 of its bytes.
    pub sha256: String,
}

/// One artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedArtifact {
    /// Path relative to the spec's folder.
    pub path: String,
    /// The sha256 of the bytes compile wrote.
    pub sha256: String,
    /// The spec nodes it derives from.
    pub sources: Vec<LockedSource>,
}

/// A spec node, by readable path and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedSource {
    /// `toolchain/tool kubectl`.
    pub node: String,
    /// 1-based line in the spec.
    pub line: usize,
}

impl Lock {
    /// The lock for a compile of `source` into `outputs` following `plan`.
    pub fn new(source: &SourceFile, spec_name: &str, plan: &Plan, outputs: &Outputs) -> Self {
        let artifacts = plan
            .artifacts
            .iter()
            .map(|artifact| LockedArtifact {
                path: artifact.path.clone(),
                sha256: sha256_hex(outputs.get(&artifact.path).map_or(&[][..], |s| s.as_bytes())),
                sources: artifact
                    .sources
                    .iter()
                    .map(|o| LockedSource { node: o.node.clone(), line: source.line_of(o.span.into()) })
                    .collect(),
            })
            .collect();
        Lock {
            inception: env!("CARGO_PKG_VERSION").to_owned(),
            spec: LockedSpec { path: spec_name.to_owned(), sha256: sha256_hex(source.text().as_bytes()) },
            artifacts,
        }
    }

    /// The lock as the JSON text compile writes.
    pub fn to_text(&self) -> String {
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        format!("{json}\n")
    }

    /// Parse a lock file; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// The entry of an artifact.
    pub fn artifact(&self, path: &str) -> Option<&LockedArtifact> {
        self.artifacts.iter().find(|a| a.path == path)
    }
}
