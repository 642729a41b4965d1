//! Line-level provenance, kept while rendering.
//!
//! Every rendered line knows the spec nodes it comes from, so `explain
//! FILE:LINE` answers from facts the renderer declared, never from a guess
//! made afterwards. Two mechanisms, one per kind of renderer:
//!
//! - Data formats (YAML, JSON) declare, while building the document, which
//!   key path comes from which node ([`Paths`]). After serializing, each line
//!   is attributed to the longest declared prefix of its key path, found by
//!   indentation. A line under no declared path gets the artifact's sources.
//! - Templates (Dockerfile, Bicep) get a marker per section from a
//!   [`Tracer`]; the template writes it at the start of the section's first
//!   line, and it holds until the next marker. Markers are stripped here.

use std::collections::HashMap;
use std::sync::Arc;

use super::key_path::KeyPath;
use crate::plan::Origin;

/// The origins of one line. Shared: every line of a section, or under one
/// key path, holds the same list, so memory stays linear in the file.
pub(crate) type Origins = Arc<[Origin]>;

/// The origins of each line of a file (index 0 is line 1).
pub(crate) type LineOrigins = Vec<Origins>;

/// The empty origin list: "the artifact's sources".
pub(crate) fn no_origins() -> Origins {
    Arc::from([])
}

/// Text with the origins of each of its lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Traced {
    /// The file's text.
    pub text: String,
    /// One entry per line of `text`; empty means "the artifact's sources".
    pub lines: LineOrigins,
}

impl Traced {
    /// Put a one-line banner above the text (the banner line has no origin).
    pub(crate) fn with_banner(mut self, banner: &str) -> Self {
        self.text = format!("{banner}{}", self.text);
        self.lines.insert(0, no_origins());
        self
    }
}

/// Key paths of a data document and the nodes they come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Paths(Vec<(KeyPath, Origin)>);

impl Paths {
    /// Declare that the value at `path` (and everything under it) comes from `origin`.
    pub(crate) fn add(&mut self, path: impl Into<KeyPath>, origin: Origin) {
        self.0.push((path.into(), origin));
    }

    /// The declared paths, each with its origins in declaration order.
    fn index(&self) -> HashMap<&[String], Origins> {
        let mut grouped: HashMap<&[String], Vec<Origin>> = HashMap::new();
        for (declared, origin) in &self.0 {
            grouped.entry(declared.segments()).or_default().push(origin.clone());
        }
        grouped.into_iter().map(|(path, origins)| (path, Origins::from(origins))).collect()
    }
}

/// The origins of the longest declared prefix of `path`: one hash lookup
/// per prefix, the list shared with every other line under that prefix.
fn lookup(index: &HashMap<&[String], Origins>, path: &[String]) -> Origins {
    (1..=path.len()).rev().find_map(|len| index.get(&path[..len]).map(Arc::clone)).unwrap_or_else(no_origins)
}

/// The key path and scalar of each line of a YAML or pretty-printed JSON
/// text (`None` for blank and comment lines). The path lists the mapping
/// keys from the root; the scalar is what follows `key:` or `- ` (may be empty).
pub(crate) fn key_paths(text: &str) -> Vec<Option<(Vec<String>, String)>> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut lines = Vec::new();
    for line in text.lines() {
        let content = line.trim_start();
        let mut indent = line.len() - content.len();
        let mut content = content;
        // A sequence item `- key: v` opens a mapping at the column after `- `.
        while let Some(rest) = content.strip_prefix("- ") {
            indent += 2;
            content = rest;
        }
        if content.is_empty() || content.starts_with('#') || content.starts_with("//") {
            lines.push(None);
            continue;
        }
        let key = mapping_key(content);
        while stack.last().is_some_and(|(level, _)| *level >= indent && key.is_some()) {
            stack.pop();
        }
        while stack.last().is_some_and(|(level, _)| *level > indent) {
            stack.pop();
        }
        let mut path: Vec<String> = stack.iter().map(|(_, k)| k.clone()).collect();
        let scalar = match &key {
            Some(key) => {
                path.push(key.clone());
                stack.push((indent, key.clone()));
                content.split_once(':').map_or("", |(_, v)| v).trim().to_owned()
            }
            None => content.trim().to_owned(),
        };
        lines.push(Some((path, scalar)));
    }
    lines
}

/// Attribute each line of a YAML or pretty-printed JSON text to `paths`.
pub(crate) fn trace_structured(text: &str, paths: &Paths) -> Traced {
    let index = paths.index();
    let lines = key_paths(text)
        .into_iter()
        .map(|entry| entry.map_or_else(no_origins, |(path, _)| lookup(&index, &path)))
        .collect();
    Traced { text: text.to_owned(), lines }
}

/// The key of a `key: value` / `"key": value` line, unquoted.
fn mapping_key(content: &str) -> Option<String> {
    if let Some(rest) = content.strip_prefix('"') {
        let end = rest.find("\":")?;
        return Some(rest[..end].to_owned());
    }
    if let Some(rest) = content.strip_prefix('\'') {
        let end = rest.find("':")?;
        return Some(rest[..end].to_owned());
    }
    let end = content.find(": ").or_else(|| content.strip_suffix(':').map(str::len))?;
    let key = &content[..end];
    (!key.contains(' ') || key.starts_with('$')).then(|| key.to_owned())
}

const MARK_OPEN: char = '\u{1}';
const MARK_CLOSE: char = '\u{2}';

/// Hands out section markers for a template and resolves them afterwards.
#[derive(Debug, Default)]
pub(crate) struct Tracer {
    origins: Vec<Origins>,
}

impl Tracer {
    /// A marker string: lines from the one it is written on come from `origins`.
    pub(crate) fn mark(&mut self, origins: Vec<Origin>) -> String {
        self.origins.push(Origins::from(origins));
        format!("{MARK_OPEN}{}{MARK_CLOSE}", self.origins.len() - 1)
    }

    /// A marker that ends the current section (following lines: the artifact's sources).
    pub(crate) fn end(&mut self) -> String {
        self.mark(Vec::new())
    }

    /// Strip the markers from rendered text and attribute every line.
    pub(crate) fn resolve(&self, rendered: &str) -> Traced {
        let mut current = no_origins();
        let mut text = String::with_capacity(rendered.len());
        let mut lines = Vec::new();
        for line in rendered.split_inclusive('\n') {
            let mut clean = String::with_capacity(line.len());
            let mut rest = line;
            while let Some(start) = rest.find(MARK_OPEN) {
                clean.push_str(&rest[..start]);
                let after = &rest[start + 1..];
                let Some(end) = after.find(MARK_CLOSE) else { break };
                if let Ok(index) = after[..end].parse::<usize>() {
                    current = self.origins.get(index).cloned().unwrap_or_else(no_origins);
                }
                rest = &after[end + 1..];
            }
            clean.push_str(rest);
            text.push_str(&clean);
            lines.push(Arc::clone(&current));
        }
        Traced { text, lines }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Span;

    fn origin(name: &str) -> Origin {
        Origin::new(name, Span::default())
    }

    fn names(lines: &[Origin]) -> Vec<&str> {
        lines.iter().map(|o| o.node.as_str()).collect()
    }

    #[test]
    fn yaml_lines_follow_the_longest_declared_path() {
        let yaml = "image:\n  repository: x\n  tag: v1\nenv:\n  LOG_LEVEL: info\n  MODE: fast\nreplicas: 6\nports:\n- name: http\n  port: 80\n";
        let mut paths = Paths::default();
        paths.add("image", origin("build"));
        paths.add("image.tag", origin("tier prod/revision"));
        paths.add("env.LOG_LEVEL", origin("env LOG_LEVEL"));
        paths.add("replicas", origin("override replicas"));
        paths.add("ports", origin("port"));
        let traced = trace_structured(yaml, &paths);
        let by_line: Vec<Vec<&str>> = traced.lines.iter().map(|l| names(l)).collect();
        assert_eq!(by_line[1], ["build"]);
        assert_eq!(by_line[2], ["tier prod/revision"]);
        assert_eq!(by_line[4], ["env LOG_LEVEL"]);
        assert!(by_line[5].is_empty(), "MODE was declared by no one");
        assert_eq!(by_line[6], ["override replicas"]);
        assert_eq!(by_line[8], ["port"]);
        assert_eq!(by_line[9], ["port"]);
    }

    #[test]
    fn json_keys_are_traced_like_yaml() {
        let json = "{\n  \"name\": \"x\",\n  \"features\": {\n    \"a\": {\n      \"version\": \"1\"\n    }\n  }\n}\n";
        let mut paths = Paths::default();
        paths.add("features", origin("docker-in-docker"));
        let traced = trace_structured(json, &paths);
        assert!(traced.lines[1].is_empty());
        assert_eq!(names(&traced.lines[4]), ["docker-in-docker"]);
    }

    #[test]
    fn template_markers_hold_until_the_next_and_are_stripped() {
        let mut tracer = Tracer::default();
        let a = tracer.mark(vec![origin("a")]);
        let end = tracer.end();
        let rendered = format!("head\n{a}RUN x \\\n    && y\n{end}USER 1\n");
        let traced = tracer.resolve(&rendered);
        assert_eq!(traced.text, "head\nRUN x \\\n    && y\nUSER 1\n");
        assert!(traced.lines[0].is_empty());
        assert_eq!(names(&traced.lines[1]), ["a"]);
        assert_eq!(names(&traced.lines[2]), ["a"]);
        assert!(traced.lines[3].is_empty());
    }
}
