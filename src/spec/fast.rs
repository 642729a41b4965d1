//! A hand-written parser for the common subset of KDL v2 that specs are
//! written in, straight to [`RawNode`]s.
//!
//! The `kdl` crate spends thousands of instructions per input byte; this
//! parser a few dozen. It is a shortcut, never a second opinion: it returns
//! `None` (declines) on anything it is not sure about, and the `kdl` parser
//! then reads the text as before, so every error and its diagnostics still
//! come from `kdl`. When it returns nodes, they are the ones the `kdl` path
//! would produce: the same names, values, spellings and spans (the tests
//! compare both on the official KDL v2 conformance suite, every spec and
//! fixture of the repository and randomly mutated texts).
//!
//! Supported: nodes with arguments, properties and child blocks; bare
//! identifiers, single-line quoted strings with the simple escapes
//! (`\" \\ \b \f \n \r \t \s \u{…}`), decimal, hexadecimal, octal and binary
//! numbers, the `#` keywords; spaces and tabs, `\n` and `\r\n` line breaks,
//! `//` and `/* */` comments, `;` terminators and whole nodes commented out
//! with `/-`. Declined: everything else, including any syntax error, raw and
//! multi-line strings, whitespace escapes, slashdash before an argument, a
//! property or a child block, type annotations, line continuations, integers outside
//! `i64`, a byte order mark, non-ASCII outside strings and comments, and the
//! rare line breaks and control characters.

use super::{RawNode, RawProp, RawValue, Scalar, Span, Spanned};

/// The nodes of `text`, or `None` when the `kdl` path must decide.
pub(crate) fn parse(text: &str) -> Option<Vec<RawNode>> {
    let mut parser = Parser { text, bytes: text.as_bytes(), pos: 0 };
    let nodes = parser.nodes(0)?;
    (parser.pos == parser.bytes.len()).then_some(nodes)
}

/// Deeper nesting is left to the `kdl` path (the limits check refuses it
/// long before).
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// Bytes of a bare identifier: printable ASCII but for the characters KDL
/// reserves (non-ASCII identifiers are declined).
const fn identifier_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] =
            !matches!(b as u8, b'\\' | b'/' | b'(' | b')' | b'{' | b'}' | b'[' | b']' | b';' | b'"' | b'#' | b'=');
        b += 1;
    }
    table
}

static IDENTIFIER: [bool; 256] = identifier_bytes();

/// Words KDL does not accept as bare identifiers.
const KEYWORDS: [&str; 6] = ["true", "false", "null", "inf", "-inf", "nan"];

/// Characters that are line breaks or disallowed in KDL text outside ASCII:
/// a string or comment holding one is declined.
fn is_unusual(c: char) -> bool {
    matches!(
        c,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{200E}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// Past one non-ASCII character of a string or comment; `None` on a
    /// line break or a character KDL disallows.
    fn non_ascii(&mut self) -> Option<()> {
        let c = self.text[self.pos..].chars().next()?;
        if is_unusual(c) {
            return None;
        }
        self.pos += c.len_utf8();
        Some(())
    }

    /// Space within a node: spaces, tabs and `/* */` comments; whether
    /// there was any, or `None` on a comment that does not close.
    fn spaces(&mut self) -> Option<bool> {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.block_comment()?,
                _ => return Some(self.pos > start),
            }
        }
    }

    /// A `/* */` comment, nested ones included.
    fn block_comment(&mut self) -> Option<()> {
        self.pos += 2;
        let mut depth = 1usize;
        while depth > 0 {
            match (self.peek()?, self.peek_at(1)) {
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    self.pos += 2;
                }
                (b'/', Some(b'*')) => {
                    depth += 1;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        Some(())
    }

    /// A `//` comment, through its line break.
    fn comment(&mut self) -> Option<()> {
        self.pos += 2;
        while let Some(b) = self.peek() {
            match b {
                b'\n' => {
                    self.pos += 1;
                    return Some(());
                }
                b'\r' => {
                    (self.peek_at(1) == Some(b'\n')).then_some(())?;
                    self.pos += 2;
                    return Some(());
                }
                0x0b | 0x0c => return None,
                0x80.. => self.non_ascii()?,
                _ => self.pos += 1,
            }
        }
        Some(())
    }

    /// Blank space between nodes: spaces, line breaks and comments.
    fn line_space(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.pos += 1,
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.comment()?,
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.block_comment()?,
                // A slashdash: the caller's.
                Some(b'/') if self.peek_at(1) == Some(b'-') => return Some(()),
                Some(b'\r' | b'/') => return None,
                _ => return Some(()),
            }
        }
    }

    /// Whether the next byte may end a value (or a node name): a space, a
    /// line break, a comment, `;`, a brace or the end. `=` only after a key.
    fn at_value_end(&self) -> bool {
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\n' | b';' | b'{' | b'}') => true,
            Some(b'\r') => self.peek_at(1) == Some(b'\n'),
            Some(b'/') => matches!(self.peek_at(1), Some(b'/' | b'*')),
            _ => false,
        }
    }

    /// Nodes up to the end (depth 0) or a closing brace (left unread).
    fn nodes(&mut self, depth: usize) -> Option<Vec<RawNode>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut nodes = Vec::new();
        loop {
            self.line_space()?;
            match self.peek() {
                None => return (depth == 0).then_some(nodes),
                Some(b'}') => return (depth > 0).then_some(nodes),
                Some(b'/') => {
                    self.commented_node(depth)?;
                    continue;
                }
                _ => {}
            }
            nodes.push(self.node(depth)?);
            // The node's terminator.
            match self.peek() {
                None | Some(b'}') => {}
                Some(b';' | b'\n') => self.pos += 1,
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.comment()?,
                _ => return None,
            }
        }
    }

    /// A node commented out with `/-` (read, then dropped). Only before a
    /// line break, a `//` comment, a closing brace or the end: `kdl` reads
    /// a `;` or another slashdash after it in ways of its own.
    fn commented_node(&mut self, depth: usize) -> Option<()> {
        (self.peek_at(1) == Some(b'-')).then_some(())?;
        self.pos += 2;
        self.line_space()?;
        self.node(depth)?;
        match self.peek() {
            None | Some(b'}' | b'\n') => Some(()),
            Some(b'\r') => (self.peek_at(1) == Some(b'\n')).then_some(()),
            Some(b'/') => (self.peek_at(1) == Some(b'/')).then_some(()),
            _ => None,
        }
    }

    fn node(&mut self, depth: usize) -> Option<RawNode> {
        let start = self.pos;
        let name = self.string()?;
        let name = Spanned::new(name, Span::new(start, self.pos - start));
        if !self.at_value_end() {
            return None;
        }
        let mut node = RawNode { name, args: Vec::new(), props: Vec::new(), children: None, span: Span::default() };
        loop {
            let spaced = self.spaces()?;
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    let children = self.nodes(depth + 1)?;
                    // `nodes` stops only at a closing brace or the end.
                    (self.peek() == Some(b'}')).then_some(())?;
                    self.pos += 1;
                    node.children = Some(children);
                    self.spaces()?;
                    break;
                }
                None | Some(b'}' | b';' | b'\n' | b'\r' | b'/') => break,
                _ if spaced => self.entry(&mut node)?,
                _ => return None,
            }
        }
        node.span = Span::new(start, self.pos - start);
        // Kept until the spec is resolved: a big spec's nodes, each list
        // grown by doubling, would hold several times the spec's size.
        node.args.shrink_to_fit();
        node.props.shrink_to_fit();
        if let Some(children) = &mut node.children {
            children.shrink_to_fit();
        }
        Some(node)
    }

    /// An argument or a property.
    fn entry(&mut self, node: &mut RawNode) -> Option<()> {
        let start = self.pos;
        if self.starts_string() {
            let string = self.string()?;
            let end = self.pos;
            self.spaces()?;
            if self.peek() == Some(b'=') {
                self.pos += 1;
                self.spaces()?;
                let key = Spanned::new(string, Span::new(start, end - start));
                let value = self.value()?;
                node.props.push(RawProp { key, value });
            } else {
                self.pos = end;
                node.args.push(self.raw(Scalar::String(string), start));
            }
        } else {
            let value = self.value()?;
            node.args.push(value);
        }
        self.at_value_end().then_some(())
    }

    fn raw(&self, value: Scalar, start: usize) -> RawValue {
        RawValue { value, repr: self.text[start..self.pos].to_owned(), span: Span::new(start, self.pos - start) }
    }

    /// Whether a string (identifier or quoted) starts here, as opposed to a
    /// number or a keyword. Texts that are neither are left to `string`,
    /// which declines them.
    fn starts_string(&self) -> bool {
        match self.peek() {
            Some(b'"') => true,
            Some(b'#') | None => false,
            Some(b'0'..=b'9') => false,
            Some(b'+' | b'-') => !matches!(self.peek_at(1), Some(b'0'..=b'9')),
            Some(_) => true,
        }
    }

    /// A value after `key=`, or an argument that is not a string.
    fn value(&mut self) -> Option<RawValue> {
        let start = self.pos;
        let value = match self.peek()? {
            b'#' => self.keyword()?,
            b'0'..=b'9' => self.number()?,
            b'+' | b'-' if matches!(self.peek_at(1), Some(b'0'..=b'9')) => self.number()?,
            _ => Scalar::String(self.string()?),
        };
        Some(self.raw(value, start))
    }

    fn keyword(&mut self) -> Option<Scalar> {
        let rest = &self.bytes[self.pos + 1..];
        let (value, len) = if rest.starts_with(b"true") {
            (Scalar::Bool(true), 4)
        } else if rest.starts_with(b"false") {
            (Scalar::Bool(false), 5)
        } else if rest.starts_with(b"null") {
            (Scalar::Null, 4)
        } else if rest.starts_with(b"nan") {
            (Scalar::Float(f64::NAN), 3)
        } else if rest.starts_with(b"inf") {
            (Scalar::Float(f64::INFINITY), 3)
        } else if rest.starts_with(b"-inf") {
            (Scalar::Float(f64::NEG_INFINITY), 4)
        } else {
            return None;
        };
        self.pos += 1 + len;
        Some(value)
    }

    /// An identifier or a single-line quoted string.
    fn string(&mut self) -> Option<String> {
        match self.peek()? {
            b'"' => self.quoted(),
            _ => self.identifier(),
        }
    }

    fn identifier(&mut self) -> Option<String> {
        let start = self.pos;
        let first = self.peek()?;
        // Starts KDL reads as numbers, or as nothing: `1`, `+1`, `.1`, `-.1`.
        let after_sign = if matches!(first, b'+' | b'-') { self.peek_at(1) } else { Some(first) };
        let after_dot = if after_sign == Some(b'.') {
            self.peek_at(if matches!(first, b'+' | b'-') { 2 } else { 1 })
        } else {
            None
        };
        if first.is_ascii_digit() || matches!(after_sign, Some(b'0'..=b'9')) || matches!(after_dot, Some(b'0'..=b'9')) {
            return None;
        }
        while let Some(&b) = self.bytes.get(self.pos) {
            if IDENTIFIER[b as usize] {
                self.pos += 1;
            } else if b >= 0x80 {
                return None;
            } else {
                break;
            }
        }
        let word = &self.text[start..self.pos];
        if word.is_empty() || KEYWORDS.contains(&word) {
            return None;
        }
        Some(word.to_owned())
    }

    fn quoted(&mut self) -> Option<String> {
        if self.bytes[self.pos..].starts_with(b"\"\"\"") {
            return None;
        }
        self.pos += 1;
        let mut value = String::new();
        let mut run = self.pos;
        loop {
            match self.peek()? {
                b'"' => {
                    value.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Some(value);
                }
                b'\\' => {
                    value.push_str(&self.text[run..self.pos]);
                    value.push(self.escape()?);
                    run = self.pos;
                }
                b'\t' => self.pos += 1,
                0x00..=0x1f | 0x7f => return None,
                0x80.. => self.non_ascii()?,
                _ => self.pos += 1,
            }
        }
    }

    /// A `\` escape in a quoted string (not a whitespace escape).
    fn escape(&mut self) -> Option<char> {
        let c = match self.peek_at(1)? {
            b'\\' => '\\',
            b'"' => '"',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b's' => ' ',
            b'u' => {
                (self.peek_at(2) == Some(b'{')).then_some(())?;
                let digits = self.bytes[self.pos + 3..].iter().take_while(|b| b.is_ascii_hexdigit()).count();
                if !(1..=6).contains(&digits) || self.peek_at(3 + digits) != Some(b'}') {
                    return None;
                }
                let hex = &self.text[self.pos + 3..self.pos + 3 + digits];
                let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                self.pos += 4 + digits;
                return Some(c);
            }
            _ => return None,
        };
        self.pos += 2;
        Some(c)
    }

    /// Digits of `radix` with `_` between and after them (not first), as an
    /// `i128`; `None` when there are none or the value overflows.
    fn digits(&mut self, radix: u32) -> Option<i128> {
        let mut value: Option<i128> = None;
        while let Some(b) = self.peek() {
            if b == b'_' && value.is_some() {
                self.pos += 1;
                continue;
            }
            let Some(digit) = (b as char).to_digit(radix) else { break };
            value = Some(value.unwrap_or(0).checked_mul(i128::from(radix))?.checked_add(i128::from(digit))?);
            self.pos += 1;
        }
        value
    }

    fn number(&mut self) -> Option<Scalar> {
        let start = self.pos;
        let negative = match self.peek()? {
            b'-' => {
                self.pos += 1;
                true
            }
            b'+' => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        let radix = match (self.peek(), self.peek_at(1)) {
            (Some(b'0'), Some(b'x' | b'X')) => 16,
            (Some(b'0'), Some(b'o' | b'O')) => 8,
            (Some(b'0'), Some(b'b' | b'B')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
            let value = self.digits(radix)?;
            return integer(negative, value);
        }
        let whole = self.digits(10)?;
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits(10)?;
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits(10)?;
            float = true;
        }
        if float {
            let spelling = &self.text[start..self.pos];
            let value = if spelling.contains('_') { spelling.replace('_', "").parse() } else { spelling.parse() };
            Some(Scalar::Float(value.ok()?))
        } else {
            integer(negative, whole)
        }
    }
}

/// An integer of `kdl`'s range (`i128`) but outside `i64` is declined: the
/// conformance suite expects such a document to fail (`hex.kdl`), though
/// `kdl` reads it; the `kdl` path keeps deciding.
fn integer(negative: bool, magnitude: i128) -> Option<Scalar> {
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).is_ok().then_some(Scalar::Integer(value))
}

#[cfg(test)]
mod tests {
    use super::super::readers;

    /// What the fast parser reads, and gives `kdl`'s nodes for.
    #[test]
    fn reads_the_subset_like_kdl() {
        for text in [
            "",
            "// only a comment",
            "a",
            "a 1 -2 +3 1_000 0x1F -0o17 0b101 1.5 -2.5e3 1E-2 3.10 #true #false #null #inf #-inf #nan\n",
            "a b \"c d\" key=value \"quoted key\"=\"v\" k = 1 - + -x .x +.y\n",
            "\"node name\" \"\\\" \\\\ \\b \\f \\n \\r \\t \\s \\u{1F680} ü 日本\"\n",
            "a{b;c 1}\r\nd /* x /* nested */ */ 2 // end\n  /* between */ e\t{\n}\t;f",
            "/-a 1 {\n  b\n}\nc\n/- // why\n  d\nf { /-e }",
            "service api {\n    port 8080\n    health \"/h\" delay=5\n}\n",
        ] {
            let (fast, kdl) = readers(text);
            let fast = fast.unwrap_or_else(|| panic!("declined {text:?}"));
            assert_eq!(Some(format!("{fast:?}")), kdl.map(|k| format!("{k:?}")), "{text:?}");
        }
    }

    /// Valid KDL outside the subset, and errors: all left to `kdl`.
    #[test]
    fn declines_the_rest() {
        let valid = [
            "a /-1 2",
            "a /-{}",
            "a (t)1",
            "(t)a",
            "a #\"raw\"#",
            "a \"\"\"\n  x\n  \"\"\"",
            "a \\\n  1",
            "a \"x\\   y\"",
            "\u{feff}a",
            "café 1",
            "a\u{a0}1",
            "a\rb",
            "a 0x7fffffffffffffffff",
        ];
        for text in valid {
            let (fast, kdl) = readers(text);
            assert!(kdl.is_some(), "kdl reads {text:?}");
            assert!(fast.is_none(), "declined {text:?}");
        }
        for text in [
            "a true",
            "a 3.9.13",
            "a \"open",
            "a {",
            "}",
            "a; ;",
            "a=1",
            "a b=",
            "a 1x",
            "/-a; b",
            "a .5",
            "a 0x",
            "a \"\\q\"",
        ] {
            let (fast, kdl) = readers(text);
            assert!(kdl.is_none() && fast.is_none(), "{text:?}");
        }
    }
}
