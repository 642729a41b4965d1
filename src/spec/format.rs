//! Canonical formatting of a spec, comments kept.
//!
//! kdl-rs's `autoformat` drops end-of-line comments and unquotes strings, so
//! this is a conservative re-indenter instead. It changes whitespace only,
//! and only outside strings and comments:
//! - every line is indented by four spaces per open `{`;
//! - runs of blanks between tokens become one space (the blanks before an
//!   end-of-line `//` comment are kept, so aligned comments stay aligned);
//! - trailing blanks go, blank lines collapse to one, none directly after `{`
//!   or before `}`, none at the start, exactly one newline at the end.
//!
//! Lines inside multi-line strings are kept byte for byte (their indentation
//! is part of the value), and continuation lines after `\` keep their indent.
//! Formatting is idempotent, and the model of a formatted spec equals the
//! model of the original (tested on every environment).

/// Where the scanner is at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carry {
    /// Ordinary code.
    Code,
    /// Inside a `"""` string; raw when `hashes` > 0 (`#"""`).
    MultiLine { hashes: usize },
    /// Inside `/* */` comments, this deep.
    Comment { depth: usize },
}

/// One line, scanned.
struct Scanned {
    /// The line with its code blanks collapsed (no leading or trailing blanks).
    text: String,
    /// Net `{` minus `}` in code on this line.
    delta: i64,
    /// Whether the code of the line starts with `}`.
    closes_first: bool,
    /// Whether it ends (in code) with a `\` continuation.
    continues: bool,
}

/// Format a spec's text.
pub fn format(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut depth: i64 = 0;
    let mut carry = Carry::Code;
    let mut continuation = false;
    for raw in text.replace("\r\n", "\n").split('\n') {
        if let Carry::MultiLine { .. } = carry {
            let (scanned, next) = scan(raw, carry);
            carry = next;
            depth += scanned.delta;
            out.push(raw.to_owned());
            continue;
        }
        let starts_in_comment = matches!(carry, Carry::Comment { .. });
        let (scanned, next) = scan(raw, carry);
        carry = next;
        if scanned.text.is_empty() {
            out.push(String::new());
            continuation = false;
            continue;
        }
        let level = if scanned.closes_first { depth - 1 } else { depth }.max(0);
        if starts_in_comment {
            out.push(raw.trim_end().to_owned());
        } else {
            let indent =
                if continuation { raw.len() - raw.trim_start().len() } else { usize::try_from(level).unwrap_or(0) * 4 };
            out.push(format!("{}{}", " ".repeat(indent), scanned.text));
        }
        depth += scanned.delta;
        continuation = scanned.continues;
    }
    tidy_blank_lines(out)
}

fn tidy_blank_lines(lines: Vec<String>) -> String {
    let mut kept: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        let blank = line.trim().is_empty();
        let previous_blank = kept.last().is_none_or(|l: &String| l.trim().is_empty());
        let after_open = kept.last().is_some_and(|l| l.trim_end().ends_with('{'));
        if blank && (previous_blank || after_open) {
            continue;
        }
        if line.trim_start().starts_with('}') {
            while kept.last().is_some_and(|l| l.trim().is_empty()) {
                kept.pop();
            }
        }
        kept.push(if blank { String::new() } else { line });
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let mut text = kept.join("\n");
    text.push('\n');
    text
}

/// Scan one line starting in state `carry`.
fn scan(line: &str, mut carry: Carry) -> (Scanned, Carry) {
    let chars: Vec<char> = line.chars().collect();
    let mut text = String::new();
    let mut delta = 0;
    let mut closes_first = None;
    let mut pending_space = false;
    let mut i = 0;
    let mut code_end = 0;
    while i < chars.len() {
        let c = chars[i];
        match carry {
            Carry::MultiLine { hashes } => {
                if starts_with(&chars, i, "\"\"\"") && closing_hashes(&chars, i + 3, hashes) {
                    let end = i + 3 + hashes;
                    text.extend(&chars[i..end]);
                    i = end;
                    carry = Carry::Code;
                } else {
                    text.push(c);
                    i += 1;
                }
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
            let (end, multi) = string_end(&chars, i, hashes);
            text.extend(&chars[i..end]);
            i = end;
            if multi {
                carry = Carry::MultiLine { hashes };
            }
            code_end = text.len();
            continue;
        }
        match c {
            '{' => delta += 1,
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
    let text = text.trim_end().to_owned();
    (Scanned { text, delta, closes_first: closes_first.unwrap_or(false), continues }, carry)
}

fn starts_with(chars: &[char], at: usize, pattern: &str) -> bool {
    pattern.chars().enumerate().all(|(k, p)| chars.get(at + k) == Some(&p))
}

fn closing_hashes(chars: &[char], at: usize, hashes: usize) -> bool {
    (0..hashes).all(|k| chars.get(at + k) == Some(&'#'))
}

/// The end of a string starting at `start` (with `hashes` leading `#`), and
/// whether it continues past this line (a multi-line string).
fn string_end(chars: &[char], start: usize, hashes: usize) -> (usize, bool) {
    let open = start + hashes;
    if starts_with(chars, open, "\"\"\"") {
        let mut i = open + 3;
        while i < chars.len() {
            if starts_with(chars, i, "\"\"\"") && closing_hashes(chars, i + 3, hashes) {
                return (i + 3 + hashes, false);
            }
            i += 1;
        }
        return (chars.len(), true);
    }
    let mut i = open + 1;
    while i < chars.len() {
        if hashes == 0 && chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i] == '"' && closing_hashes(chars, i + 1, hashes) {
            return (i + 1 + hashes, false);
        }
        i += 1;
    }
    (chars.len(), false)
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
}
