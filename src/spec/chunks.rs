//! Where a spec can be cut into runs of whole top-level nodes, so that the
//! runs parse on separate cores with the same `kdl` parser.
//!
//! Cutting is conservative: a text with any construct whose extent is not
//! obvious from a plain scan (block comments, multi-line or raw strings,
//! backslashes, slashdash, unusual line breaks) is not cut at all. A cut
//! falls only after a line break at brace depth 0, outside strings and
//! comments, before a line that starts with an ASCII letter (a node name).
//! Parsing each run and shifting its spans gives the nodes of the whole
//! document; any run that fails to parse makes the caller parse the whole
//! text again, so every diagnostic is the parser's own on the whole text.

use super::{RawNode, RawValue, Span};

/// Byte offsets where the text may be cut (each the start of a top-level
/// node on its own line), in order; empty when it must not be cut.
pub(crate) fn cut_points(text: &str) -> Vec<usize> {
    let refused = ["/*", "\"\"\"", "#\"", "\\", "/-", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}", "\u{feff}"];
    if refused.iter().any(|r| text.contains(r)) || text.replace("\r\n", "").contains('\r') {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut points = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => match bytes[i + 1..].iter().position(|&b| b == b'"' || b == b'\n') {
                Some(end) if bytes[i + 1 + end] == b'"' => i += end + 2,
                // A string that does not close on its line: leave it to the parser.
                _ => return Vec::new(),
            },
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |end| i + end);
            }
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                let Some(less) = depth.checked_sub(1) else { return Vec::new() };
                depth = less;
                i += 1;
            }
            b'\n' => {
                i += 1;
                if depth == 0 && bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                    points.push(i);
                }
            }
            _ => i += 1,
        }
    }
    if depth != 0 {
        return Vec::new();
    }
    points
}

/// At most `parts` runs of about equal size: their start offsets, the first 0.
pub(crate) fn runs(text: &str, parts: usize) -> Vec<usize> {
    let points = cut_points(text);
    let mut starts = vec![0];
    if parts <= 1 || points.is_empty() {
        return starts;
    }
    let size = text.len().div_ceil(parts);
    for point in points {
        if point >= starts.len() * size && starts.len() < parts {
            starts.push(point);
        }
    }
    starts
}

/// Move a node parsed from a run starting at `offset` to its place in the whole text.
pub(crate) fn shift(node: &mut RawNode, offset: usize) {
    let moved = |span: &mut Span| span.offset += offset;
    moved(&mut node.name.span);
    moved(&mut node.span);
    for arg in &mut node.args {
        shift_value(arg, offset);
    }
    for prop in &mut node.props {
        moved(&mut prop.key.span);
        shift_value(&mut prop.value, offset);
    }
    for child in node.children.iter_mut().flatten() {
        shift(child, offset);
    }
}

fn shift_value(value: &mut RawValue, offset: usize) {
    value.span.offset += offset;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_between_top_level_nodes() {
        let text = "a {\nb {\n}\nc \"x { y\" // {\n}\nd 1\ne {\n  f\n}\n";
        assert_eq!(cut_points(text), vec![text.find("d 1").unwrap(), text.find("e {").unwrap()]);
        for refused in
            ["a\n/* x */\nb\n", "a \"\"\"\nx\n\"\"\"\nb\n", "a /-\nb\n", "a \\\n b\nc\n", "a\rb\nc\n", "}\na\n"]
        {
            assert!(cut_points(refused).is_empty(), "{refused:?}");
        }
    }

    #[test]
    fn runs_are_about_equal() {
        let text: String = (0..100).map(|i| format!("node{i} {{\n    x {i}\n}}\n")).collect();
        let starts = runs(&text, 2);
        assert_eq!(starts.len(), 2);
        assert!(starts[1] >= text.len() / 2 && starts[1] < text.len() / 2 + 30, "{starts:?}");
        assert_eq!(runs(&text, 1), vec![0]);
    }
}
