//! Limits checked before the KDL parser sees the text.
//!
//! The parser recurses once per level of nesting (children blocks, block
//! comments, slashdash chains, unmatched closing braces) and a few kilobytes
//! of such input overflow the stack. A linear scan here refuses, with a span,
//! any input beyond limits no real spec comes near, so the parser only ever
//! sees input it can handle. The scan knows just enough KDL to skip strings
//! and comments.

use super::SpecError;
use miette::SourceSpan;

/// The largest spec accepted, in bytes: 4 MiB. A spec of 5,000 services,
/// each with an image, a port, a probe, resources, env vars, needs and an
/// override (the bench's largest), is 1.8 MB; 4 MiB admits twice that and
/// still refuses, before any parsing and without reading further, what is
/// not a spec (a log, an image).
pub const MAX_SPEC_BYTES: usize = 4 << 20;

/// The deepest nesting accepted, of any kind.
pub const MAX_DEPTH: usize = 64;

/// The longest line accepted, in bytes (the error renderer cannot show
/// lines of 64 KiB and more).
pub const MAX_LINE_BYTES: usize = 16 << 10;

/// The first limit `text` exceeds, if any.
pub fn check(text: &str) -> Option<SpecError> {
    if text.len() > MAX_SPEC_BYTES {
        let mut at = MAX_SPEC_BYTES;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        return Some(SpecError::TooLarge { span: SourceSpan::new(at.into(), 0), limit: MAX_SPEC_BYTES });
    }
    let mut offset = 0;
    for (index, line) in text.split('\n').enumerate() {
        if line.len() > MAX_LINE_BYTES {
            return Some(SpecError::LineTooLong {
                span: SourceSpan::new(offset.into(), 0),
                line: index + 1,
                length: line.len(),
                limit: MAX_LINE_BYTES,
            });
        }
        offset += line.len() + 1;
    }
    Scan::default().run(text.as_bytes())
}

#[derive(Default)]
struct Scan {
    braces: usize,
    unmatched: usize,
    parens: usize,
    slashdashes: usize,
}

impl Scan {
    fn run(mut self, bytes: &[u8]) -> Option<SpecError> {
        let mut i = 0;
        while i < bytes.len() {
            let at = i;
            let rest = &bytes[i..];
            i += 1;
            match bytes[at] {
                b'/' if rest.starts_with(b"//") => {
                    i = memchr(b'\n', bytes, at).unwrap_or(bytes.len());
                    continue;
                }
                b'/' if rest.starts_with(b"/*") => {
                    i = match block_comment(bytes, at) {
                        Ok(end) => end,
                        Err(deep) => return Some(too_deep(deep, "block comments nested")),
                    };
                    continue;
                }
                b'/' if rest.starts_with(b"/-") => {
                    i = at + 2;
                    self.slashdashes += 1;
                    if self.slashdashes > MAX_DEPTH {
                        return Some(too_deep(at, "`/-` in a row"));
                    }
                    continue;
                }
                b'#' if rest.iter().find(|b| **b != b'#') == Some(&b'"') => {
                    i = raw_string(bytes, at);
                }
                b'"' => i = string(bytes, at),
                b'{' => {
                    self.braces += 1;
                    if self.braces > MAX_DEPTH {
                        return Some(too_deep(at, "`{` blocks nested"));
                    }
                }
                b'}' if self.braces == 0 => {
                    self.unmatched += 1;
                    if self.unmatched > MAX_DEPTH {
                        return Some(too_deep(at, "unmatched `}`"));
                    }
                }
                b'}' => self.braces -= 1,
                b'(' => {
                    self.parens += 1;
                    if self.parens > MAX_DEPTH {
                        return Some(too_deep(at, "`(` unclosed"));
                    }
                }
                b')' => self.parens = self.parens.saturating_sub(1),
                b if b.is_ascii_whitespace() || b == b'\\' => continue,
                _ => {}
            }
            self.slashdashes = 0;
        }
        None
    }
}

fn too_deep(offset: usize, what: &'static str) -> SpecError {
    SpecError::TooDeep { span: SourceSpan::new(offset.into(), 1), what, limit: MAX_DEPTH }
}

fn memchr(needle: u8, bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..].iter().position(|b| *b == needle).map(|p| from + p)
}

/// The end of the (nestable) block comment opening at `start`, or the offset
/// of the opening that nests too deep.
fn block_comment(bytes: &[u8], start: usize) -> Result<usize, usize> {
    let mut depth = 0;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(i);
            }
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Ok(i);
            }
        } else {
            i += 1;
        }
    }
    Ok(bytes.len())
}

/// The end of the quoted string (`"…"` or `"""…"""`) opening at `start`.
fn string(bytes: &[u8], start: usize) -> usize {
    let multi = bytes[start..].starts_with(b"\"\"\"");
    let mut i = start + if multi { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' if !multi => return i + 1,
            b'"' if bytes[i..].starts_with(b"\"\"\"") => return i + 3,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end of the raw string (`#"…"#`, `##"""…"""##`) opening at `start`.
fn raw_string(bytes: &[u8], start: usize) -> usize {
    let hashes = bytes[start..].iter().take_while(|b| **b == b'#').count();
    let open = start + hashes;
    let quotes = if bytes[open..].starts_with(b"\"\"\"") { 3 } else { 1 };
    let mut close = vec![b'"'; quotes];
    close.extend(std::iter::repeat_n(b'#', hashes));
    let body = open + quotes;
    bytes[body.min(bytes.len())..]
        .windows(close.len())
        .position(|w| w == close.as_slice())
        .map_or(bytes.len(), |p| body + p + close.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> bool {
        matches!(check(text), Some(SpecError::TooDeep { .. }))
    }

    #[test]
    fn every_deep_shape_is_refused_and_shallow_ones_pass() {
        let n = MAX_DEPTH + 1;
        assert!(refused(&format!("{}{}", "a {".repeat(n), "}".repeat(n))));
        assert!(refused(&"}".repeat(n)));
        assert!(refused(&format!("{}{}", "/*".repeat(n), "*/".repeat(n))));
        assert!(refused(&format!("{}a", "/- ".repeat(n))));
        assert!(refused(&"(".repeat(n)));
        let ok = MAX_DEPTH;
        assert!(!refused(&format!("{}{}", "a {".repeat(ok), "}".repeat(ok))));
        assert!(!refused(&format!("{}{}", "/*".repeat(ok), "*/".repeat(ok))));
        assert!(!refused(&format!("{}a", "/- ".repeat(ok))));
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let braces = "{".repeat(MAX_DEPTH * 2);
        for text in [
            format!("a \"{braces}\""),
            format!("a #\"{braces}\"#"),
            format!("a ##\"\"\"\n{braces}\n\"\"\"##"),
            format!("a \"\"\"\n\"{braces}\n\"\"\""),
            format!("// {braces}\na"),
            format!("/* {braces} */ a"),
            format!("a \"\\\"{braces}\""),
        ] {
            assert!(check(&text).is_none(), "{text}");
        }
        // Slashdashes apart are not a chain.
        assert!(check(&"/- a\n".repeat(MAX_DEPTH * 2)).is_none());
    }

    #[test]
    fn a_line_over_the_limit_is_refused_by_number() {
        let text = format!("a\nb \"{}\"\n", "x".repeat(MAX_LINE_BYTES));
        let Some(SpecError::LineTooLong { line, span, .. }) = check(&text) else { panic!("not refused") };
        assert_eq!((line, span.offset()), (2, 2));
        assert!(check(&format!("b \"{}\"", "x".repeat(MAX_LINE_BYTES - 4))).is_none());
    }

    #[test]
    fn a_spec_over_the_size_limit_is_refused_at_the_limit() {
        let text = "a".repeat(MAX_SPEC_BYTES + 1);
        let Some(SpecError::TooLarge { span, .. }) = check(&text) else { panic!("not refused") };
        assert_eq!(span.offset(), MAX_SPEC_BYTES);
    }
}
