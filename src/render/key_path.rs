//! Key paths of data documents (YAML, JSON) as lists of segments.
//!
//! A path is the list of mapping keys from the root; sequences add no
//! segment. A key is one segment whatever it contains, so a VS Code setting
//! named `python.defaultInterpreterPath` stays one key.

/// The mapping keys from a document's root to a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KeyPath(Vec<String>);

impl KeyPath {
    /// The path one key below this one; `key` is taken verbatim, dots included.
    #[must_use]
    pub(crate) fn key(mut self, key: impl Into<String>) -> Self {
        self.0.push(key.into());
        self
    }

    /// The segments, from the root.
    pub(crate) fn segments(&self) -> &[String] {
        &self.0
    }

    /// Whether this path is `path` or one of its ancestors.
    #[cfg(test)]
    pub(crate) fn is_prefix_of(&self, path: &[String]) -> bool {
        self.0.len() <= path.len() && self.0.iter().zip(path).all(|(a, b)| a == b)
    }
}

/// A path of inception's own keys, written with dots (`spec.source.helm`).
/// Only literals: keys from the spec go through [`KeyPath::key`].
impl From<&'static str> for KeyPath {
    fn from(dotted: &'static str) -> Self {
        Self(dotted.split('.').map(str::to_owned).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_keys_stay_one_segment() {
        let path = KeyPath::from("customizations.vscode.settings").key("python.defaultInterpreterPath");
        assert_eq!(path.segments().len(), 4);
        let line: Vec<String> =
            ["customizations", "vscode", "settings", "python.defaultInterpreterPath"].map(str::to_owned).to_vec();
        assert!(path.is_prefix_of(&line));
        assert!(!KeyPath::from("customizations.vscode.settings.python").is_prefix_of(&line[..3]));
    }
}
