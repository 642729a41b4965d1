//! `inception.lock`: what the last compile wrote, and from what.
//!
//! It records the compiler version, the spec's sha256, and for each artifact
//! its path, sha256 and the spec nodes it derives from. `check` compares the
//! tree against it to tell a spec change from a hand edit; `compile` uses it
//! to know which files it owns, so it removes only those.
//!
//! Built in memory from the rendered artifacts (a pure stage after
//! `render`): each artifact's sources are the ones its lines were rendered
//! from, so the lock and `explain` cannot disagree. `emit` only reads and
//! writes its text.

use serde::{Deserialize, Serialize};

use crate::digest::{Sha256Digest, sha256_hex};
use crate::render::Rendered;
use crate::source::SourceFile;

/// The lock's path in the output tree.
pub(crate) const LOCK_PATH: &str = crate::layout::LOCK;

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedArtifact {
    /// Path relative to the spec's folder.
    pub path: String,
    /// The sha256 of the bytes compile wrote (held as bytes: a big lock
    /// has tens of thousands).
    pub sha256: Sha256Digest,
    /// The spec nodes it derives from.
    pub sources: Sources,
}

/// An artifact's spec nodes as the lock holds them: their readable paths
/// (`toolchain/tool kubectl`), without line numbers, so that a line
/// inserted in the spec changes the entries of the artifacts it touches and
/// no other (`inception explain` gives lines). Written as a JSON array of
/// strings. A rendered artifact's are held as numbers into the process's
/// table of names ([`crate::lock_names`]); a lock read from disk keeps each
/// array's text as it is written (its entries are mostly written back as
/// they are, by an incremental compile).
#[derive(Debug, Clone)]
pub struct Sources(Held);

#[derive(Debug, Clone)]
enum Held {
    /// Numbers into the table of names.
    Numbers(Box<[u32]>),
    /// The JSON array's text, checked to be an array of strings.
    Json(Box<str>),
}

impl Default for Sources {
    /// No nodes.
    fn default() -> Self {
        Self(Held::Numbers(Box::default()))
    }
}

impl PartialEq for Sources {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Held::Numbers(a), Held::Numbers(b)) => a == b,
            (Held::Json(a), Held::Json(b)) if a == b => true,
            _ => self.parse() == other.parse(),
        }
    }
}

impl Eq for Sources {}

impl Sources {
    /// The nodes `sources`, in order.
    pub fn new(sources: &[&str]) -> Self {
        let mut table = crate::lock_names::table();
        Self::in_table(&mut table, sources.iter().copied())
    }

    /// The nodes `sources`, numbered in `table`.
    fn in_table<'a>(table: &mut crate::lock_names::Table, sources: impl Iterator<Item = &'a str>) -> Self {
        Self(Held::Numbers(sources.filter_map(|name| table.number(name)).collect()))
    }

    /// The nodes.
    pub fn parse(&self) -> Vec<String> {
        match &self.0 {
            Held::Numbers(numbers) => {
                let table = crate::lock_names::table();
                numbers.iter().map(|&number| table.name(number).to_owned()).collect()
            }
            Held::Json(json) => serde_json::from_str(json).unwrap_or_default(),
        }
    }

    /// Write the JSON array of the nodes to `out`, their names read from
    /// `table`.
    fn write_to(&self, table: &crate::lock_names::Table, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let numbers = match &self.0 {
            Held::Numbers(numbers) => numbers,
            Held::Json(json) => return out.write_all(json.as_bytes()),
        };
        out.write_all(b"[")?;
        for (at, &number) in numbers.iter().enumerate() {
            if at > 0 {
                out.write_all(b",")?;
            }
            out.write_all(table.json(number).as_bytes())?;
        }
        out.write_all(b"]")
    }
}

impl Serialize for Sources {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.parse())
    }
}

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = <Vec<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        let mut table = crate::lock_names::table();
        Ok(Self::in_table(&mut table, names.iter().map(|name| &**name)))
    }
}

impl Lock {
    /// The lock for a compile of `source` into `rendered`.
    pub fn new(source: &SourceFile, spec_name: &str, rendered: &[Rendered]) -> Self {
        let artifacts = crate::parallel::map(rendered, Self::entry);
        Self::of_entries(source, spec_name, artifacts)
    }

    /// The entry of one rendered artifact.
    pub(crate) fn entry(rendered: &Rendered) -> LockedArtifact {
        LockedArtifact {
            path: rendered.artifact.path.clone(),
            sha256: Sha256Digest::of(rendered.text.as_bytes()),
            sources: Sources::new(&locked_sources(rendered)),
        }
    }

    /// The lock of a compile of `source` whose entries, sorted by path, are `artifacts`.
    pub(crate) fn of_entries(source: &SourceFile, spec_name: &str, artifacts: Vec<LockedArtifact>) -> Self {
        Lock {
            inception: env!("CARGO_PKG_VERSION").to_owned(),
            spec: LockedSpec { path: spec_name.to_owned(), sha256: sha256_hex(source.text().as_bytes()) },
            artifacts,
        }
    }

    /// The lock as the JSON text compile writes (see [`Lock::write_to`]).
    pub fn to_text(&self) -> String {
        let mut json = Vec::new();
        if self.write_to(&mut json).is_err() {
            return "\n".to_owned();
        }
        String::from_utf8(json).unwrap_or_default()
    }

    /// Write the lock's text to `out`: the header pretty-printed, then one
    /// artifact per line (compact), so a lock of thousands of files stays a
    /// few bytes per source and a change shows in a diff as the lines of the
    /// artifacts it touches. Written as it is serialized: the lock of a big
    /// tree (megabytes) is never held as text.
    ///
    /// # Errors
    /// `out`'s.
    pub fn write_to(&self, out: impl std::io::Write) -> std::io::Result<()> {
        write_lock(out, &self.inception, &self.spec, self.artifacts.iter())
    }

    /// Parse a lock file; `None` if it is not one. A lock as compile
    /// writes it (one artifact per line, see [`Lock::write_to`]) is read
    /// line by line; any other JSON text by `serde_json`, to the same lock.
    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_lines(text).or_else(|| serde_json::from_str(text).ok())
    }

    /// [`Lock::parse`] of the text [`Lock::write_to`] writes, without
    /// escapes in paths and hashes; `None` for anything else.
    fn parse_lines(text: &str) -> Option<Self> {
        let mut lines = text.strip_suffix("\n")?.split('\n');
        let inception = lines.next().filter(|l| *l == "{").and(lines.next())?;
        let inception = plain_string(inception.strip_prefix("  \"inception\": ")?.strip_suffix(',')?)?;
        let spec = serde_json::from_str(lines.next()?.strip_prefix("  \"spec\": ")?.strip_suffix(',')?).ok()?;
        let mut artifacts = Vec::new();
        let mut table = crate::lock_names::table();
        match lines.next()? {
            "  \"artifacts\": []" => {}
            "  \"artifacts\": [" => loop {
                // Each entry but the last ends with a comma.
                let line = lines.next()?;
                let more = line.strip_suffix(',');
                artifacts.push(entry_line(&mut table, more.unwrap_or(line).strip_prefix("    ")?)?);
                if more.is_none() {
                    (lines.next()? == "  ]").then_some(())?;
                    break;
                }
            },
            _ => return None,
        }
        (lines.next()? == "}" && lines.next().is_none()).then(|| Lock {
            inception: inception.to_owned(),
            spec,
            artifacts,
        })
    }

    /// The entry of an artifact.
    pub fn artifact(&self, path: &str) -> Option<&LockedArtifact> {
        self.artifacts.iter().find(|a| a.path == path)
    }
}

/// Write the text of the lock of `inception` compiling `spec` into
/// `artifacts` to `out` (see [`Lock::write_to`]).
///
/// # Errors
/// `out`'s.
pub(crate) fn write_lock<'a>(
    mut out: impl std::io::Write,
    inception: &str,
    spec: &LockedSpec,
    artifacts: impl Iterator<Item = &'a LockedArtifact>,
) -> std::io::Result<()> {
    out.write_all(b"{\n  \"inception\": ")?;
    serde_json::to_writer(&mut out, inception)?;
    out.write_all(b",\n  \"spec\": ")?;
    serde_json::to_writer(&mut out, spec)?;
    out.write_all(b",\n  \"artifacts\": [")?;
    let mut empty = true;
    // Held for the whole lock: no entry is made while it is written.
    let table = crate::lock_names::table();
    for artifact in artifacts {
        out.write_all(if empty { b"\n    " } else { b",\n    " })?;
        // As `serde_json` writes a `LockedArtifact` (the test below holds
        // them equal), without its machinery: a lock has thousands.
        out.write_all(b"{\"path\":")?;
        write_json_string(&mut out, &artifact.path)?;
        out.write_all(b",\"sha256\":\"")?;
        out.write_all(&artifact.sha256.hex_digits())?;
        out.write_all(b"\"")?;
        out.write_all(b",\"sources\":")?;
        artifact.sources.write_to(&table, &mut out)?;
        out.write_all(b"}")?;
        empty = false;
    }
    out.write_all(if empty { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
    out.flush()
}

/// One artifact's line as [`write_lock`] writes it, its path and hash
/// without escapes, its sources numbered in `table`; `None` for anything
/// else.
fn entry_line(table: &mut crate::lock_names::Table, line: &str) -> Option<LockedArtifact> {
    let rest = line.strip_prefix("{\"path\":\"")?;
    let (path, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(",\"sha256\":\"")?;
    let (sha256, rest) = rest.split_once('"')?;
    let sources = rest.strip_prefix(",\"sources\":")?.strip_suffix('}')?;
    if !is_plain(path) {
        return None;
    }
    let sha256 = Sha256Digest::from_hex(sha256)?;
    let inner = sources.strip_prefix('[')?.strip_suffix(']')?;
    let plain = inner.is_empty()
        || inner
            .strip_prefix('"')
            .and_then(|n| n.strip_suffix('"'))
            .is_some_and(|names| !names.contains('\\') && names.split("\",\"").all(is_plain));
    let sources = if plain {
        // As compile writes it: kept as it stands.
        Sources(Held::Json(sources.into()))
    } else {
        // Escapes, or spacing compile does not write: read as JSON.
        let names: Vec<String> = serde_json::from_str(sources).ok()?;
        Sources::in_table(table, names.iter().map(String::as_str))
    };
    Some(LockedArtifact { path: path.to_owned(), sha256, sources })
}

/// The contents of the JSON string `quoted` when it has no escape.
fn plain_string(quoted: &str) -> Option<&str> {
    quoted.strip_prefix('"')?.strip_suffix('"').filter(|inner| is_plain(inner))
}

/// Whether `text` is the contents of a JSON string as it stands: no quote,
/// backslash or control character.
fn is_plain(text: &str) -> bool {
    !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}

/// `text` as a JSON string, as `serde_json` writes it: quoted, with only
/// what JSON requires escaped.
fn write_json_string(out: &mut impl std::io::Write, text: &str) -> std::io::Result<()> {
    if !is_plain(text) {
        return Ok(serde_json::to_writer(out, text)?);
    }
    out.write_all(b"\"")?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\"")
}

/// An artifact's source nodes, each once, in the order of their first origin.
fn locked_sources(rendered: &Rendered) -> Vec<&str> {
    let mut seen = std::collections::HashSet::with_capacity(rendered.artifact.sources.len());
    let mut sources = Vec::new();
    for origin in &rendered.artifact.sources {
        if seen.insert(&*origin.node) {
            sources.push(&*origin.node);
        }
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(artifacts: usize) -> Lock {
        Lock {
            inception: "0.1.0".to_owned(),
            spec: LockedSpec { path: "inception.kdl".to_owned(), sha256: "ab".repeat(32) },
            artifacts: (0..artifacts)
                .map(|i| LockedArtifact {
                    path: if i == 2 {
                        "deploy/\"odd\\\u{1}\n/é.yaml".to_owned()
                    } else {
                        format!("deploy/values/s{i}/values.yaml")
                    },
                    sha256: Sha256Digest::from_hex(&format!("{i:064x}")).expect("64 hex digits"),
                    sources: Sources::new(&["project", &format!("service \"s{i}\\\"\"/needs a")]),
                })
                .collect(),
        }
    }

    #[test]
    fn a_written_lock_is_read_line_by_line_to_what_serde_json_reads() {
        for n in [0, 1, 2, 3] {
            let lock = lock(n);
            let text = lock.to_text();
            let by_serde: Option<Lock> = serde_json::from_str(&text).ok();
            assert_eq!(by_serde.as_ref(), Some(&lock), "{text}");
            // The line with escapes (n = 3) goes to serde_json.
            assert_eq!(Lock::parse_lines(&text).is_some(), n < 3, "{text}");
            assert_eq!(Lock::parse(&text), by_serde, "{text}");
        }
        let text = lock(2).to_text();
        // Not as compile writes it, yet JSON: read by serde_json, the same.
        for other in
            [text.replace("\n    ", "\n"), text.replace(",\"sha256\"", ", \"sha256\""), text.replace("}\n", "}")]
        {
            assert_eq!(Lock::parse_lines(&other), None, "{other}");
            assert_eq!(Lock::parse(&other).as_ref(), Some(&lock(2)), "{other}");
        }
        // Broken: neither reads it.
        for broken in [
            text.replace("\"sources\":[", "\"sources\":[["),
            text.replace("\n  ]", ""),
            text.replace("\"path\":\"deploy", "\"path\":\"\tdeploy"),
        ] {
            assert_eq!(Lock::parse(&broken), None, "{broken}");
        }
    }

    #[test]
    fn an_entry_line_reads_its_sources_as_serde_json_does() {
        let sha = "ab".repeat(32);
        for sources in
            [r#"[]"#, r#"["project"]"#, r#"["project","tier dev/image a"]"#, r#"[ "project" ]"#, r#"["a\"b","c\\d"]"#]
        {
            let line = format!(r#"{{"path":"a/b.yaml","sha256":"{sha}","sources":{sources}}}"#);
            let by_serde: LockedArtifact = serde_json::from_str(&line).expect("JSON");
            let by_line = entry_line(&mut crate::lock_names::table(), &line);
            assert_eq!(by_line.as_ref(), Some(&by_serde), "{line}");
            let names: Vec<String> = serde_json::from_str(sources).expect("JSON");
            assert_eq!(by_serde.sources.parse(), names, "{line}");
        }
        for broken in [r#"["a""#, r#"["a",]"#, r#"[1]"#, r#"{}"#] {
            let line = format!(r#"{{"path":"a/b.yaml","sha256":"{sha}","sources":{broken}}}"#);
            assert_eq!(entry_line(&mut crate::lock_names::table(), &line), None, "{line}");
        }
    }

    #[test]
    fn the_text_parses_back_to_the_same_lock_with_one_artifact_per_line() {
        for n in [0, 1, 3] {
            let lock = lock(n);
            let text = lock.to_text();
            assert_eq!(Lock::parse(&text).as_ref(), Some(&lock), "{text}");
            let artifact_lines: Vec<&str> = text.lines().filter(|l| l.starts_with("    {")).collect();
            assert_eq!(artifact_lines.len(), n, "{text}");
            for (line, artifact) in artifact_lines.iter().zip(&lock.artifacts) {
                let json = line.trim().trim_end_matches(',');
                assert_eq!(serde_json::from_str::<LockedArtifact>(json).ok().as_ref(), Some(artifact), "{line}");
                // Written as serde_json writes it.
                assert_eq!(json, serde_json::to_string(artifact).expect("serializes"));
            }
            assert!(text.ends_with("}\n") && !text.contains(",\n  ]"), "{text}");
        }
    }
}
