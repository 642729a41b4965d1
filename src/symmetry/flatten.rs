//! Rendered files as data: the leaves (key path, value, line) of YAML, JSON
//! and `.bicepparam` files, so tiers are compared by meaning, not by text.

use crate::plan::Kind;
use crate::render::key_paths;

/// One value of a rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// Dotted key path (`image.tag`); `param NAME` for Bicep parameters.
    pub path: String,
    /// The value as written.
    pub value: String,
    /// 0-based line index.
    pub line: usize,
}

/// How a rendered file is read as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// YAML or pretty-printed JSON: mapping keys by indentation.
    Data,
    /// A `.bicepparam` file: `param NAME = VALUE`.
    BicepParams,
}

impl Syntax {
    /// The syntax of an artifact of `kind` (only those a tier has are compared).
    pub fn of(kind: &Kind) -> Self {
        match kind {
            Kind::BicepParams { .. } => Syntax::BicepParams,
            _ => Syntax::Data,
        }
    }
}

/// The leaves of a rendered file, by its syntax.
pub fn leaves(syntax: Syntax, text: &str) -> Vec<Leaf> {
    if syntax == Syntax::BicepParams {
        return bicep_params(text);
    }
    key_paths(text)
        .into_iter()
        .enumerate()
        .filter_map(|(line, entry)| {
            let (keys, value) = entry?;
            let value = without_comment(&value).trim_end_matches(',').to_owned();
            let opens = value.is_empty() || value == "{" || value == "[";
            // An empty document (`{}`: a cloud tier's values with nothing to change) holds no value.
            let empty = keys.is_empty() && (value == "{}" || value == "[]");
            (!opens && !empty).then(|| Leaf { path: keys.join("."), value, line })
        })
        .collect()
}

/// A YAML scalar without its trailing `# comment` (a `#` inside quotes stays).
fn without_comment(value: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if previous == ' ' => return value[..i].trim_end(),
            _ => {}
        }
        previous = c;
    }
    value
}

fn bicep_params(text: &str) -> Vec<Leaf> {
    text.lines()
        .enumerate()
        .filter_map(|(line, content)| {
            let rest = content.trim().strip_prefix("param ")?;
            let (name, value) = rest.split_once('=')?;
            Some(Leaf { path: format!("param {}", name.trim()), value: value.trim().to_owned(), line })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Syntax, leaves};

    #[test]
    fn comments_are_not_values() {
        let found = leaves(Syntax::Data, "a: 6  # reason: load\nb: \"x # y\"\nc:  # only a note\n  d: 1\n");
        let values: Vec<&str> = found.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(values, ["6", "\"x # y\"", "1"]);
    }

    #[test]
    fn yaml_and_bicepparam_leaves() {
        let yaml = "image:\n  tag: v1\nargs:\n- a\n- b\n";
        let found: Vec<(String, String)> = leaves(Syntax::Data, yaml).into_iter().map(|l| (l.path, l.value)).collect();
        let expected = [("image.tag", "v1"), ("args", "a"), ("args", "b")].map(|(p, v)| (p.to_owned(), v.to_owned()));
        assert_eq!(found, expected);
        let params = leaves(Syntax::BicepParams, "using './main.bicep'\nparam tier = 'prod'\n");
        assert_eq!(params[0].path, "param tier");
        assert_eq!(params[0].value, "'prod'");
    }
}
