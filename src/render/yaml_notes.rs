//! Comments beside keys of serialized YAML: `replicas: 6  # reason: …`.
//!
//! Serializers cannot write comments, so a renderer serializes its typed
//! document first and then hands this module the key paths to annotate.
//! Paths are found by indentation, the way the YAML emitter writes them
//! (block mappings, compact sequences, block scalars); each note is appended
//! to the line that holds its key, so line numbers (and the provenance
//! traced from them) do not move. It does not parse YAML in general.

use super::key_path::KeyPath;

/// A comment for the line holding the key at a path (`image.tag`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    /// The key path.
    pub path: KeyPath,
    /// The comment text, on one line.
    pub text: String,
}

impl Note {
    /// A note for `path`; newlines in `text` become spaces.
    pub(crate) fn new(path: impl Into<KeyPath>, text: &str) -> Self {
        Self { path: path.into(), text: text.split_whitespace().collect::<Vec<_>>().join(" ") }
    }
}

/// Append each note to the line of its key (first match); several notes for
/// one line are joined with `; `.
pub(crate) fn annotate(yaml: &str, notes: &[Note]) -> String {
    let paths = key_paths(yaml);
    let mut out = String::with_capacity(yaml.len());
    for (line, path) in yaml.lines().zip(paths) {
        out.push_str(line);
        if let Some(path) = path {
            let texts: Vec<&str> =
                notes.iter().filter(|n| n.path.segments() == path.as_slice()).map(|n| n.text.as_str()).collect();
            if !texts.is_empty() {
                out.push_str("  # ");
                out.push_str(&texts.join("; "));
            }
        }
        out.push('\n');
    }
    out
}

/// The key path of each line that holds a mapping key; `None` for other lines.
pub(crate) fn key_paths(yaml: &str) -> Vec<Option<Vec<String>>> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut block: Option<usize> = None;
    let mut found = Vec::new();
    for line in yaml.lines() {
        let trimmed = line.trim_start();
        let mut indent = line.len() - trimmed.len();
        if let Some(level) = block {
            if trimmed.is_empty() || indent > level {
                found.push(None);
                continue;
            }
            block = None;
        }
        let mut content = trimmed;
        while let Some(rest) = content.strip_prefix("- ") {
            indent += 2;
            content = rest;
        }
        if content.is_empty() || content.starts_with('#') {
            found.push(None);
            continue;
        }
        let Some((key, value)) = split_key(content) else {
            found.push(None);
            continue;
        };
        while stack.last().is_some_and(|(level, _)| *level >= indent) {
            stack.pop();
        }
        stack.push((indent, key));
        if value.starts_with('|') || value.starts_with('>') {
            block = Some(indent);
        }
        found.push(Some(stack.iter().map(|(_, k)| k.clone()).collect()));
    }
    found
}

/// `key: value` → (key unquoted, value); `None` for a line without a key.
fn split_key(content: &str) -> Option<(String, &str)> {
    if let Some(quote) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let rest = &content[1..];
        let end = rest.find(&format!("{quote}:"))?;
        let after = &rest[end + 2..];
        return Some((rest[..end].to_owned(), after.trim_start()));
    }
    if let Some(end) = content.find(": ") {
        return Some((content[..end].to_owned(), content[end + 2..].trim_start()));
    }
    content.strip_suffix(':').map(|key| (key.to_owned(), ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_land_beside_their_keys_and_nowhere_else() {
        let yaml = "image:\n  tag: v1\nreplicas: 6\nresources:\n  limits:\n    cpu: \"2\"\nenv:\n  LOG_LEVEL: debug\n";
        let notes = [
            Note::new("replicas", "reason: busy\nhours"),
            Note::new("resources", "reason: busy hours"),
            Note::new("env.LOG_LEVEL", "reason: tracing"),
        ];
        let annotated = annotate(yaml, &notes);
        let lines: Vec<&str> = annotated.lines().collect();
        assert_eq!(lines[1], "  tag: v1");
        assert_eq!(lines[2], "replicas: 6  # reason: busy hours");
        assert_eq!(lines[3], "resources:  # reason: busy hours");
        assert_eq!(lines[5], "    cpu: \"2\"");
        assert_eq!(lines[7], "  LOG_LEVEL: debug  # reason: tracing");
    }

    #[test]
    fn block_scalar_lines_and_sequence_items_are_not_keys() {
        let yaml = "data:\n  script: |\n    a: b\n    c\n  next: 1\ncommand:\n- x: 1\n  y: 2\n";
        let paths = key_paths(yaml);
        assert_eq!(paths[1], Some(vec!["data".to_owned(), "script".to_owned()]));
        assert_eq!(paths[2], None);
        assert_eq!(paths[4], Some(vec!["data".to_owned(), "next".to_owned()]));
        assert_eq!(paths[6], Some(vec!["command".to_owned(), "x".to_owned()]));
        assert_eq!(paths[7], Some(vec!["command".to_owned(), "y".to_owned()]));
    }
}
