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
    /// Byte offset of the start of every line, for O(log n) positions.
    line_starts: Arc<Vec<usize>>,
}

impl SourceFile {
    /// A source file with the given display name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { name: name.into(), text: Arc::new(text), line_starts: Arc::new(line_starts) }
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
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[index];
        let column = self.text[line_start..offset].chars().count() + 1;
        (index + 1, column)
    }

    /// The 1-based line of `offset` and its 0-based byte offset in that
    /// line: [`SourceFile::line_col`] without counting characters.
    pub fn line_byte(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        (index + 1, offset - self.line_starts[index])
    }

    /// The 1-based line a span starts on.
    pub fn line_of(&self, span: SourceSpan) -> usize {
        self.line_col(span.offset()).0
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else { return "" };
        let end = self.line_starts.get(line).map_or(self.text.len(), |next| next - 1);
        self.text[start..end].trim_end_matches('\r')
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
    fn line_and_byte_count_bytes_from_the_line_start() {
        let src = SourceFile::new("x.kdl", "a\nçé x\n");
        assert_eq!(src.line_byte(0), (1, 0));
        assert_eq!(src.line_byte(2), (2, 0));
        assert_eq!(src.line_byte(7), (2, 5));
        assert_eq!(src.line_byte(99), (3, 0));
    }

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let src = SourceFile::new("x.kdl", "a\nçé x\n");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(2), (2, 1));
        // "çé " is 5 bytes; `x` is the 4th character of line 2.
        assert_eq!(src.line_col(7), (2, 4));
        assert_eq!(src.line_text(2), "çé x");
        // Past the end: the last position; an offset inside a character rounds down.
        assert_eq!(src.line_col(99), (3, 1));
        assert_eq!(src.line_col(3), (2, 1));
    }
}
