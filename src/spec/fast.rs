//! A fast path for the KDL that specs are made of: plain node names,
//! identifier, quoted-string, decimal and `#true`/`#false`/`#null` values,
//! `key=value` properties, children blocks and `//` comments, one node a
//! line. It gives exactly the nodes, values and spans the `kdl` parser gives
//! (a test compares them on the official conformance suite and on every
//! environment), or `None` for anything else: any other construct, any
//! unusual character, any error. The caller then parses with `kdl`, so every
//! diagnostic is still the `kdl` parser's.
//!
//! The `kdl` crate spends thousands of instructions per byte on a spec; this
//! scan a few dozen.

use super::{RawNode, RawProp, RawValue, Scalar, Span, Spanned};

/// The nodes of `text`, or `None` when it is not in the subset (or not valid).
pub(crate) fn parse(text: &str) -> Option<Vec<RawNode>> {
    if !text.chars().all(allowed) {
        return None;
    }
    let mut parser = Parser { text, bytes: text.as_bytes(), at: 0, depth: 0 };
    let nodes = parser.nodes()?;
    (parser.at == text.len()).then_some(nodes)
}

/// The characters the fast path accepts anywhere: printable ASCII, tab and
/// line feed, and non-ASCII characters KDL neither forbids nor reads as
/// white space or a line break.
fn allowed(c: char) -> bool {
    match c {
        '\n' | '\t' | ' '..='~' => true,
        '\0'..='\u{a0}' => false,
        '\u{1680}' | '\u{2000}'..='\u{200f}' | '\u{2028}'..='\u{202f}' | '\u{205f}' => false,
        '\u{2066}'..='\u{2069}' | '\u{3000}' | '\u{feff}' => false,
        _ => true,
    }
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// A `//` comment through its line feed (or the end).
    fn comment(&mut self) -> bool {
        if !self.bytes[self.at..].starts_with(b"//") {
            return false;
        }
        self.at = self.bytes[self.at..].iter().position(|&b| b == b'\n').map_or(self.bytes.len(), |i| self.at + i + 1);
        true
    }

    /// Nodes up to the end of the text, or up to a `}` (not consumed) inside
    /// a children block.
    fn nodes(&mut self) -> Option<Vec<RawNode>> {
        let mut nodes = Vec::new();
        loop {
            self.spaces();
            match self.peek() {
                None => return (self.depth == 0).then_some(nodes),
                Some(b'\n') => self.at += 1,
                Some(b'/') if self.comment() => {}
                Some(b'}') if self.depth > 0 => return Some(nodes),
                Some(c) if c.is_ascii_alphabetic() => nodes.push(self.node()?),
                Some(_) => return None,
            }
        }
    }

    fn node(&mut self) -> Option<RawNode> {
        let start = self.at;
        let name = self.identifier()?;
        let (mut args, mut props) = (Vec::new(), Vec::new());
        let mut children = None;
        loop {
            let before = self.at;
            self.spaces();
            let spaced = self.at > before;
            match self.peek() {
                None | Some(b'\n') => break,
                Some(b'/') if self.bytes[self.at..].starts_with(b"//") => break,
                Some(b'}') if self.depth > 0 => break,
                Some(b'{') if spaced => {
                    children = Some(self.children()?);
                    // After the block: only the end of the node.
                    self.spaces();
                    match self.peek() {
                        None | Some(b'\n' | b'}') => break,
                        Some(b'/') if self.bytes[self.at..].starts_with(b"//") => break,
                        Some(_) => return None,
                    }
                }
                Some(_) if !spaced => return None,
                Some(_) if self.identifier_starts() => {
                    let key = self.identifier()?;
                    if self.peek() == Some(b'=') {
                        self.at += 1;
                        let value = self.value()?;
                        props.push(RawProp { key, value });
                    } else {
                        let span = key.span;
                        args.push(RawValue { repr: key.value.clone(), value: Scalar::String(key.value), span });
                    }
                }
                Some(_) => args.push(self.value()?),
            }
            if !self.terminated() {
                return None;
            }
        }
        let span = Span::new(start, self.at - start);
        Some(RawNode { name, args, props, children, span })
    }

    fn children(&mut self) -> Option<Vec<RawNode>> {
        self.at += 1;
        self.depth += 1;
        let nodes = self.nodes()?;
        if self.peek() != Some(b'}') {
            return None;
        }
        self.at += 1;
        self.depth -= 1;
        Some(nodes)
    }

    /// Whether what follows a value ends it: white space, a line feed, a
    /// comment, the end, or a closing brace.
    fn terminated(&self) -> bool {
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\n') => true,
            Some(b'}') => self.depth > 0,
            Some(b'/') => self.bytes[self.at..].starts_with(b"//"),
            Some(_) => false,
        }
    }

    /// Whether a bare identifier starts here: an ASCII letter, or `-` before
    /// a letter or another `-` (`-m`, `--port`; never a number).
    fn identifier_starts(&self) -> bool {
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() => true,
            Some(b'-') => self.bytes.get(self.at + 1).is_some_and(|&c| c.is_ascii_alphabetic() || c == b'-'),
            _ => false,
        }
    }

    /// A bare identifier (see [`Self::identifier_starts`]), then letters,
    /// digits and `-_.:@+`; never a keyword KDL v2 spells with `#`.
    fn identifier(&mut self) -> Option<Spanned<String>> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || b"-_.:@+".contains(&c)) {
            self.at += 1;
        }
        let word = &self.text[start..self.at];
        if matches!(word, "true" | "false" | "null" | "inf" | "-inf" | "nan")
            || !self.terminated() && self.peek() != Some(b'=')
        {
            return None;
        }
        Some(Spanned::new(word.to_owned(), Span::new(start, self.at - start)))
    }

    /// A quoted string without escapes, a decimal number, or a keyword.
    fn value(&mut self) -> Option<RawValue> {
        let start = self.at;
        let value = match self.peek()? {
            b'"' => {
                let end = self.bytes[start + 1..].iter().position(|&b| b == b'"' || b == b'\\' || b == b'\n')?;
                if self.bytes[start + 1 + end] != b'"' {
                    return None;
                }
                self.at = start + end + 2;
                Scalar::String(self.text[start + 1..start + 1 + end].to_owned())
            }
            b'#' => {
                let rest = &self.text[start..];
                let (scalar, length) = if rest.starts_with("#true") {
                    (Scalar::Bool(true), 5)
                } else if rest.starts_with("#false") {
                    (Scalar::Bool(false), 6)
                } else if rest.starts_with("#null") {
                    (Scalar::Null, 5)
                } else {
                    return None;
                };
                self.at += length;
                scalar
            }
            b'0'..=b'9' => self.number()?,
            _ if self.identifier_starts() => Scalar::String(self.identifier()?.value),
            _ => return None,
        };
        if !self.terminated() {
            return None;
        }
        let repr = self.text[start..self.at].to_owned();
        Some(RawValue { value, repr, span: Span::new(start, self.at - start) })
    }

    /// Digits, or digits, a dot and digits.
    fn number(&mut self) -> Option<Scalar> {
        let start = self.at;
        let digits = |parser: &mut Self| {
            let from = parser.at;
            while parser.peek().is_some_and(|c| c.is_ascii_digit()) {
                parser.at += 1;
            }
            parser.at > from
        };
        digits(self);
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return None;
            }
            return self.text[start..self.at].parse().ok().map(Scalar::Float);
        }
        // Far below i128's range: longer ones are left to the parser.
        if self.at - start > 30 {
            return None;
        }
        self.text[start..self.at].parse().ok().map(Scalar::Integer)
    }
}
