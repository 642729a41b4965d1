//! The spec file as read from disk: its display name and its text.
//!
//! Every diagnostic points into one `SourceFile`; the name is the path as the
//! user gave it (never canonicalised), so messages and outputs do not depend on
//! the machine the tool runs on.

use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

/// One spec file: the name shown in diagnostics and its full text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: Arc<String>,
}

impl SourceFile {
    /// A source file with the given display name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: Arc::new(text.into()) }
    }

    /// The display name (a path relative to where the user ran the tool).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The source in the form miette renders snippets from.
    pub fn named_source(&self) -> NamedSource<Arc<String>> {
        NamedSource::new(&self.name, Arc::clone(&self.text))
    }

    /// 1-based line and column of a byte offset (column counted in characters).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// The 1-based line a span starts on.
    pub fn line_of(&self, span: SourceSpan) -> usize {
        self.line_col(span.offset()).0
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        self.text.lines().nth(line.saturating_sub(1)).unwrap_or("")
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let src = SourceFile::new("x.kdl", "a\nçé x\n");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(2), (2, 1));
        // "çé " is 5 bytes; `x` is the 4th character of line 2.
        assert_eq!(src.line_col(7), (2, 4));
        assert_eq!(src.line_text(2), "çé x");
    }
}
