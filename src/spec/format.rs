//! Canonical formatting of a spec, comments kept.
//!
//! kdl-rs's `autoformat` drops end-of-line comments and unquotes strings, so
//! this is a conservative re-indenter instead. It changes whitespace only,
//! never inside strings, and inside comments only trailing blanks:
//! - every line is indented by four spaces per open `{`;
//! - runs of blanks between tokens become one space (the blanks before an
//!   end-of-line `//` comment are kept, so aligned comments stay aligned);
//! - trailing blanks go, blank lines collapse to one, none directly after a
//!   line ending in `{` or before a line starting with `}`, none at the
//!   start, exactly one newline at the end.
//!
//! The scanner carries its state across line breaks: inside a `"""` string,
//! a raw string, a quoted string continued by a `\`-newline whitespace
//! escape, or a `/* */` comment. Every line that starts inside a string is
//! emitted byte for byte and is never dropped by the blank-line rules (its
//! indentation and blank lines are part of the value); a line that ends
//! inside a string keeps its trailing blanks. A line that starts inside a
//! block comment is kept as it is, blank or not, but for trailing blanks.
//! Either way, code after the close on such a line is left alone.
//! Continuation lines after a `\` outside strings keep their indent.
//!
//! Formatting is idempotent, and the model of a formatted spec equals the
//! model of the original (tested on every environment, and on specs full of
//! multi-line, raw and escape-continued strings).

/// Where the scanner is at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carry {
    /// Ordinary code.
    Code,
    /// Inside a string that goes on past the line: a `"""` string (`multi`),
    /// or a quoted string whose line ended in a `\`-newline escape; raw when
    /// `hashes` > 0 (`#"""`, `#"`).
    Str { hashes: usize, multi: bool },
    /// Inside `/* */` comments, this deep.
    Comment { depth: usize },
}

/// One line, scanned.
struct Scanned {
    /// The line with its code blanks collapsed (no leading blanks; no
    /// trailing blanks unless the line ends inside a string).
    text: String,
    /// Net `{` minus `}` in code on this line.
    delta: i64,
    /// Whether the code of the line starts with `}`.
    closes_first: bool,
    /// Whether the last thing on the line is a `{` in code.
    opens: bool,
    /// Whether it ends (in code) with a `\` continuation.
    continues: bool,
}

/// One formatted line, and what the blank-line rules may do with it.
struct Line {
    text: String,
    /// Whether it starts in code: only such lines are dropped when blank.
    tidy: bool,
    closes_first: bool,
    opens: bool,
}

impl Line {
    /// A line kept as is: it starts inside a string or a block comment.
    fn fixed(text: String, scanned: &Scanned) -> Self {
        Self { text, tidy: false, closes_first: false, opens: scanned.opens }
    }

    /// A blank line (it starts in code).
    fn is_blank_code(&self) -> bool {
        self.tidy && self.text.is_empty()
    }
}

/// Format a spec's text.
pub fn format(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    // The piece after the final newline is not a line.
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let mut out: Vec<Line> = Vec::new();
    let mut depth: i64 = 0;
    let mut carry = Carry::Code;
    let mut continuation = false;
    for raw in body.split('\n') {
        let starts_in = carry;
        let (scanned, next) = scan(raw, carry);
        carry = next;
        let line = match starts_in {
            // Inside a string: byte for byte.
            Carry::Str { .. } => Line::fixed(raw.to_owned(), &scanned),
            Carry::Comment { .. } => Line::fixed(raw.trim_end().to_owned(), &scanned),
            Carry::Code if scanned.text.is_empty() => {
                out.push(Line { text: String::new(), tidy: true, closes_first: false, opens: false });
                continuation = false;
                continue;
            }
            Carry::Code => {
                let level = if scanned.closes_first { depth - 1 } else { depth }.max(0);
                let indent = if continuation {
                    raw.len() - raw.trim_start().len()
                } else {
                    usize::try_from(level).unwrap_or(0) * 4
                };
                Line {
                    text: format!("{}{}", " ".repeat(indent), scanned.text),
                    tidy: true,
                    closes_first: scanned.closes_first,
                    opens: scanned.opens,
                }
            }
        };
        out.push(line);
        depth += scanned.delta;
        continuation = scanned.continues;
    }
    tidy_blank_lines(out)
}

fn tidy_blank_lines(lines: Vec<Line>) -> String {
    let mut kept: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        if line.is_blank_code() && kept.last().is_none_or(|l| l.text.trim().is_empty() || l.opens) {
            continue;
        }
        if line.tidy && line.closes_first {
            while kept.last().is_some_and(Line::is_blank_code) {
                kept.pop();
            }
        }
        kept.push(line);
    }
    while kept.last().is_some_and(Line::is_blank_code) {
        kept.pop();
    }
    let mut text = kept.into_iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
    text.push('\n');
    text
}

/// Scan one line starting in state `carry`.
fn scan(line: &str, mut carry: Carry) -> (Scanned, Carry) {
    let chars: Vec<char> = line.chars().collect();
    let mut text = String::new();
    let mut delta = 0;
    let mut closes_first = None;
    let mut opens = false;
    let mut pending_space = false;
    let mut i = 0;
    let mut code_end = 0;
    while i < chars.len() {
        let c = chars[i];
        match carry {
            Carry::Str { hashes, multi } => {
                let end = string_close(&chars, i, hashes, multi);
                let stop = end.unwrap_or(chars.len());
                text.extend(&chars[i..stop]);
                i = stop;
                if end.is_some() {
                    carry = Carry::Code;
                    code_end = text.len();
                }
                opens = false;
                continue;
            }
            Carry::Comment { depth } => {
                if starts_with(&chars, i, "*/") {
                    text.push_str("*/");
                    i += 2;
                    carry = if depth > 1 { Carry::Comment { depth: depth - 1 } } else { Carry::Code };
                } else if starts_with(&chars, i, "/*") {
                    text.push_str("/*");
                    i += 2;
                    carry = Carry::Comment { depth: depth + 1 };
                } else {
                    text.push(c);
                    i += 1;
                }
                opens = false;
                continue;
            }
            Carry::Code => {}
        }
        if c == ' ' || c == '\t' {
            pending_space = !text.is_empty();
            let start = i;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                i += 1;
            }
            if !text.is_empty() && starts_with(&chars, i, "//") {
                // Keep the blanks before an end-of-line comment (alignment).
                text.extend(&chars[start..i]);
                pending_space = false;
            }
            continue;
        }
        if pending_space {
            text.push(' ');
            pending_space = false;
        }
        opens = false;
        if starts_with(&chars, i, "//") {
            text.extend(&chars[i..]);
            break;
        }
        if starts_with(&chars, i, "/*") {
            text.push_str("/*");
            i += 2;
            carry = Carry::Comment { depth: 1 };
            continue;
        }
        let hashes = chars[i..].iter().take_while(|&&h| h == '#').count();
        if chars.get(i + hashes) == Some(&'"') && (hashes > 0 || c == '"') {
            let multi = starts_with(&chars, i + hashes, "\"\"\"");
            let body = i + hashes + if multi { 3 } else { 1 };
            let end = string_close(&chars, body, hashes, multi);
            let stop = end.unwrap_or(chars.len());
            text.extend(&chars[i..stop]);
            i = stop;
            if end.is_none() {
                carry = Carry::Str { hashes, multi };
            }
            code_end = text.len();
            continue;
        }
        match c {
            '{' => {
                delta += 1;
                opens = true;
            }
            '}' => {
                delta -= 1;
                closes_first.get_or_insert(true);
            }
            _ => {}
        }
        closes_first.get_or_insert(false);
        text.push(c);
        code_end = text.len();
        i += 1;
    }
    let continues = carry == Carry::Code && text[..code_end].trim_end().ends_with('\\');
    if !matches!(carry, Carry::Str { .. }) {
        // Trailing blanks of a line that ends inside a string are the string's.
        text.truncate(text.trim_end().len());
    }
    let opens = opens && carry == Carry::Code;
    (Scanned { text, delta, closes_first: closes_first.unwrap_or(false), opens, continues }, carry)
}

fn starts_with(chars: &[char], at: usize, pattern: &str) -> bool {
    pattern.chars().enumerate().all(|(k, p)| chars.get(at + k) == Some(&p))
}

fn closing_hashes(chars: &[char], at: usize, hashes: usize) -> bool {
    (0..hashes).all(|k| chars.get(at + k) == Some(&'#'))
}

/// Where a string whose body goes on at `from` ends on this line (just past
/// its closing quotes and hashes), or `None` if it goes on past the line.
/// In a non-raw string `\` escapes the next character; a `\` at the end of
/// the line is a whitespace escape, so the string goes on.
fn string_close(chars: &[char], from: usize, hashes: usize, multi: bool) -> Option<usize> {
    let quotes = if multi { 3 } else { 1 };
    let mut i = from;
    while i < chars.len() {
        if hashes == 0 && chars[i] == '\\' {
            i += 2;
            continue;
        }
        if (0..quotes).all(|k| chars.get(i + k) == Some(&'"')) && closing_hashes(chars, i + quotes, hashes) {
            return Some(i + quotes + hashes);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn reindents_collapses_blanks_and_keeps_comments() {
        let messy = "\n\ninception 1\nservice  api   {\n\n  port   8080   // the port\n        env A=\"x  y\"\n\n\n  tier prod reason=\"r\" {\n replicas 2\n\n }\n\n}\n\n";
        let expected = "inception 1\nservice api {\n    port 8080   // the port\n    env A=\"x  y\"\n\n    tier prod reason=\"r\" {\n        replicas 2\n    }\n}\n";
        assert_eq!(format(messy), expected);
        assert_eq!(format(expected), expected);
    }

    #[test]
    fn multi_line_strings_and_block_comments_are_untouched_inside() {
        let text =
            "a {\n  b \"\"\"\n      keep   this\n   \"\"\"\n  /* one\n        two */\n c #\"raw { \"# { d }\n}\n";
        let formatted = format(text);
        assert!(formatted.contains("\n      keep   this\n   \"\"\"\n"), "{formatted}");
        assert!(formatted.contains("    /* one\n        two */\n"), "{formatted}");
        assert!(formatted.contains("    c #\"raw { \"# { d }\n"), "{formatted}");
        assert_eq!(format(&formatted), formatted);
    }

    #[test]
    fn braces_in_strings_do_not_change_depth() {
        assert_eq!(format("a \"{\" {\nb 1\n}\nc 2\n"), "a \"{\" {\n    b 1\n}\nc 2\n");
    }

    #[test]
    fn lines_inside_a_multi_line_string_are_never_tidied() {
        // Blank lines, a double blank, `{` and `}` inside the string: all value.
        let text = "a {\n  env A=\"\"\"\n        line one\n\n\n        line two {\n\n        }\n        \"\"\"   B=1\n\n\n  c   2\n}\n";
        let expected = "a {\n    env A=\"\"\"\n        line one\n\n\n        line two {\n\n        }\n        \"\"\"   B=1\n\n    c 2\n}\n";
        assert_eq!(format(text), expected);
        assert_eq!(format(expected), expected);
    }

    #[test]
    fn a_string_continued_by_a_whitespace_escape_is_kept_verbatim() {
        let text = "a {\n  env B=\"x \\\n              a    b\"   C=\"y \\   \n\n   {  }  \"\n d   1\n}\n";
        let expected = "a {\n    env B=\"x \\\n              a    b\"   C=\"y \\   \n\n   {  }  \"\n    d 1\n}\n";
        assert_eq!(format(text), expected);
        assert_eq!(format(expected), expected);
    }

    #[test]
    fn raw_strings_keep_backslashes_quotes_and_lines() {
        // `\` does not escape in a raw string, and `"""` without its `#` does not close it.
        let text = "a   #\"C:\\\"#   {\nb   #\"\"\"\n    say \"\"\" \\\n\n\n    }\n    \"\"\"#   c=1\n}\n";
        let expected = "a #\"C:\\\"# {\n    b #\"\"\"\n    say \"\"\" \\\n\n\n    }\n    \"\"\"#   c=1\n}\n";
        assert_eq!(format(text), expected);
        assert_eq!(format(expected), expected);
    }

    #[test]
    fn an_escaped_quote_does_not_close_a_multi_line_string() {
        let text = "a \"\"\"\n  q \\\"\"\" r\n\n\n  }\n  \"\"\"\nb   1\n";
        assert_eq!(format(text), text.replace("b   1", "b 1"));
    }

    #[test]
    fn quotes_in_block_comments_and_comment_markers_in_strings() {
        let text = "a   {\n  /* a \"quote\n\n\n      {  */   b   \"http://x   y\"   // c   d\n  e \"p \\\n   // not   a comment\"   f\n}\n";
        // A line that starts inside a comment or a string is kept whole, code after the close too.
        let expected = "a {\n    /* a \"quote\n\n\n      {  */   b   \"http://x   y\"   // c   d\n    e \"p \\\n   // not   a comment\"   f\n}\n";
        assert_eq!(format(text), expected);
        assert_eq!(format(expected), expected);
    }

    #[test]
    fn an_unterminated_string_is_kept_and_formatting_stays_idempotent() {
        for text in ["a \"x \\\n", "a \"x \\\n\n", "a \"\"\"\n  x\n\n", "a #\"x\n  y\n"] {
            let once = format(text);
            assert_eq!(once, text);
            assert_eq!(format(&once), once);
        }
    }
}
