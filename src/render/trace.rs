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

    /// The declared paths as a tree of keys, each node with its origins in
    /// declaration order.
    fn tree(&self) -> Trie<'_> {
        let mut root = Trie::default();
        for (declared, origin) in &self.0 {
            let mut node = &mut root;
            for segment in declared.segments() {
                let at = match node.children.iter().position(|(key, _)| *key == segment.as_str()) {
                    Some(at) => at,
                    None => {
                        node.children.push((segment.as_str(), Trie::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[at].1;
            }
            node.declared.push(origin.clone());
        }
        root.seal();
        root
    }
}

/// Declared key paths, one level per key.
#[derive(Debug, Default)]
struct Trie<'a> {
    /// The origins declared for exactly this path (while building).
    declared: Vec<Origin>,
    /// The same, shared by every line under this path; `None` if undeclared.
    origins: Option<Origins>,
    children: Vec<(&'a str, Trie<'a>)>,
}

impl<'a> Trie<'a> {
    fn seal(&mut self) {
        if !self.declared.is_empty() {
            self.origins = Some(Origins::from(std::mem::take(&mut self.declared)));
        }
        for (_, child) in &mut self.children {
            child.seal();
        }
    }

    fn child(&self, key: &str) -> Option<&Trie<'a>> {
        self.children.iter().find(|(k, _)| *k == key).map(|(_, child)| child)
    }
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

/// Attribute each line of a YAML or pretty-printed JSON text to `paths`:
/// each line gets the origins of the longest declared prefix of its key path
/// (as [`key_paths`] finds it). One walk, no allocation per line: the stack
/// of open keys keeps, for each, its node in the declared tree and the
/// origins its lines resolve to.
pub(crate) fn trace_structured(text: &str, paths: &Paths) -> Traced {
    let tree = paths.tree();
    let none = no_origins();
    // (indent, declared node of this key path, resolved origins)
    let mut stack: Vec<(usize, Option<&Trie<'_>>, Origins)> = Vec::new();
    let mut lines = Vec::with_capacity(text.len() / 16);
    for line in text.lines() {
        let content = line.trim_start();
        let mut indent = line.len() - content.len();
        let mut content = content;
        while let Some(rest) = content.strip_prefix("- ") {
            indent += 2;
            content = rest;
        }
        if content.is_empty() || content.starts_with('#') || content.starts_with("//") {
            lines.push(Arc::clone(&none));
            continue;
        }
        let key = mapping_key_str(content);
        while stack.last().is_some_and(|(level, _, _)| *level >= indent && key.is_some()) {
            stack.pop();
        }
        while stack.last().is_some_and(|(level, _, _)| *level > indent) {
            stack.pop();
        }
        let (parent, inherited) = match stack.last() {
            Some((_, node, resolved)) => (*node, resolved),
            None => (Some(&tree), &none),
        };
        let resolved = match key {
            Some(key) => {
                let node = parent.and_then(|p| p.child(key));
                let resolved = node.and_then(|n| n.origins.clone()).unwrap_or_else(|| Arc::clone(inherited));
                stack.push((indent, node, Arc::clone(&resolved)));
                resolved
            }
            None => Arc::clone(inherited),
        };
        lines.push(resolved);
    }
    Traced { text: text.to_owned(), lines }
}

/// The key of a `key: value` / `"key": value` line, unquoted.
fn mapping_key(content: &str) -> Option<String> {
    mapping_key_str(content).map(str::to_owned)
}

/// [`mapping_key`], borrowed.
fn mapping_key_str(content: &str) -> Option<&str> {
    if let Some(rest) = content.strip_prefix('"') {
        let end = rest.find("\":")?;
        return Some(&rest[..end]);
    }
    if let Some(rest) = content.strip_prefix('\'') {
        let end = rest.find("':")?;
        return Some(&rest[..end]);
    }
    let end = content.find(": ").or_else(|| content.strip_suffix(':').map(str::len))?;
    let key = &content[..end];
    (!key.contains(' ') || key.starts_with('$')).then_some(key)
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
        lines.iter().map(|o| &*o.node).collect()
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

    /// The walk agrees with the definition: the longest declared prefix of
    /// each line's key path, as `key_paths` finds it.
    #[test]
    fn the_walk_agrees_with_the_longest_declared_prefix() {
        let yaml = "a:\n  b:\n    c: 1\n    d:\n    - e: 2\n      f: 3\n    - g\n  h: 4\n# note\ni:\n  - j: 5\n  -\n    k: 6\n\"q r\": 7\n'l': 8\n$x y: 9\nplain text\nm:\n  b:\n    c: 10\n";
        let declared: &[&str] = &["a", "a.b.c", "a.b.d", "a.b.d.f", "i.k", "q r", "l", "m.b", "zz.top"];
        for mask in 0..(1u32 << declared.len()) {
            let mut paths = Paths::default();
            for (bit, path) in declared.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    let key = path.split('.').fold(KeyPath::default(), |p, k| p.key(k));
                    paths.add(key, origin(path));
                    if bit % 3 == 0 {
                        let key = path.split('.').fold(KeyPath::default(), |p, k| p.key(k));
                        paths.add(key, origin(&format!("{path} again")));
                    }
                }
            }
            let expected: Vec<Vec<String>> = key_paths(yaml)
                .into_iter()
                .map(|entry| {
                    let Some((path, _)) = entry else { return Vec::new() };
                    (1..=path.len())
                        .rev()
                        .map(|len| {
                            paths
                                .0
                                .iter()
                                .filter(|(p, _)| p.segments() == &path[..len])
                                .map(|(_, o)| o.node.to_string())
                                .collect::<Vec<_>>()
                        })
                        .find(|found| !found.is_empty())
                        .unwrap_or_default()
                })
                .collect();
            let traced = trace_structured(yaml, &paths);
            let actual: Vec<Vec<String>> =
                traced.lines.iter().map(|l| l.iter().map(|o| o.node.to_string()).collect()).collect();
            assert_eq!(actual, expected, "declared: mask {mask:b}");
        }
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
