//! Bare words that KDL cannot read, found before the parser's own errors.
//!
//! An unquoted value such as `run /app/api` or `python 3.9.13` makes the KDL
//! parser lose track of the whole node: it reports a cascade of errors
//! (unclosed blocks, "expected end of document") that blame everything but
//! the word. When parsing fails, this scan looks for such words first; each
//! is one error on the word itself, saying which character cannot be bare
//! and how to quote it. Only when it finds none are the parser's errors
//! shown.

use miette::SourceSpan;

use super::SpecError;

/// Words KDL v1 read as keywords, which KDL v2 writes with a `#`.
const KEYWORDS: &[&str] = &["true", "false", "null", "inf", "-inf", "nan"];

/// Characters a bare KDL v2 word (an identifier string) cannot contain.
const NOT_BARE: &[char] = &['/', '\\', '(', ')', '[', ']', '"', '#', ','];

/// Every bare word of `text` that KDL cannot read, as one error each.
pub(crate) fn unreadable_words(text: &str) -> Vec<SpecError> {
    let mut errors = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += block_comment_len(rest);
        } else if rest.starts_with("/-") {
            i += 2;
        } else if let Some(body) = rest.strip_prefix("\"\"\"") {
            i += 3 + body.find("\"\"\"").map_or(body.len(), |end| end + 3);
        } else if c == '"' {
            i += quoted_len(rest);
        } else if c == '#' && raw_string_hashes(rest).is_some() {
            i += raw_string_len(rest);
        } else if c == '(' {
            i += rest.find(')').map_or(rest.len(), |end| end + 1);
        } else if c.is_whitespace() || matches!(c, '{' | '}' | ';' | '=') || c == '\\' {
            i += c.len_utf8();
        } else {
            let len =
                rest.find(|c: char| c.is_whitespace() || matches!(c, '{' | '}' | ';' | '=')).unwrap_or(rest.len());
            if let Some(error) = judge(&rest[..len], i) {
                errors.push(error);
            }
            i += len.max(1);
        }
    }
    errors
}

/// The error for a bare `word` at `offset`, if KDL cannot read it.
fn judge(word: &str, offset: usize) -> Option<SpecError> {
    if word.starts_with('#') {
        return None; // #true, #false, #null, #inf, #nan: keywords
    }
    let span = SourceSpan::new(offset.into(), word.len());
    if KEYWORDS.contains(&word) {
        return Some(SpecError::Syntax {
            message: format!("`{word}` is not a KDL v2 value"),
            label: "a keyword without its `#`".to_owned(),
            span,
            help: format!("KDL v2 spells it #{}, or quote it for the text: \"{word}\"", word.trim_start_matches('-')),
        });
    }
    let (why, help) = if let Some(c) = word.chars().find(|c| NOT_BARE.contains(c)) {
        (format!("`{c}` cannot appear in an unquoted value"), "write it as a string")
    } else if starts_like_number(word) && !is_number(word) {
        ("a value that starts with a digit must be a number".to_owned(), "versions are strings: quote it")
    } else {
        return None;
    };
    let quoted = format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""));
    Some(SpecError::Syntax {
        message: format!("`{word}` must be quoted"),
        label: why,
        span,
        help: format!("{help}: {quoted}"),
    })
}

fn starts_like_number(word: &str) -> bool {
    let unsigned = word.strip_prefix(['+', '-']).unwrap_or(word);
    let unsigned = unsigned.strip_prefix('.').unwrap_or(unsigned);
    unsigned.starts_with(|c: char| c.is_ascii_digit())
}

/// A KDL v2 number: decimal (with `_`, one `.`, an exponent) or 0x/0o/0b.
fn is_number(word: &str) -> bool {
    let digits = word.strip_prefix(['+', '-']).unwrap_or(word);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            return !rest.is_empty() && rest.chars().all(|c| c == '_' || c.is_digit(radix));
        }
    }
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(at) => (&digits[..at], Some(&digits[at + 1..])),
        None => (digits, None),
    };
    let decimal = |s: &str| {
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars().all(|c| c == '_' || c.is_ascii_digit())
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => decimal(int) && decimal(frac),
        None => decimal(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| decimal(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

fn block_comment_len(text: &str) -> usize {
    let mut depth = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("/*") {
            depth += 1;
            i += 2;
        } else if rest.starts_with("*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    text.len()
}

fn quoted_len(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// For `#…#"`, the number of `#`.
fn raw_string_hashes(text: &str) -> Option<usize> {
    let hashes = text.len() - text.trim_start_matches('#').len();
    text[hashes..].starts_with('"').then_some(hashes)
}

fn raw_string_len(text: &str) -> usize {
    let hashes = raw_string_hashes(text).unwrap_or(0);
    let close = format!("\"{}", "#".repeat(hashes));
    let body = hashes + 1;
    text[body..].find(&close).map_or(text.len(), |end| body + end + close.len())
}

#[cfg(test)]
mod tests {
    use super::unreadable_words;

    fn words(text: &str) -> Vec<String> {
        unreadable_words(text)
            .into_iter()
            .map(|e| {
                let span = miette::Diagnostic::labels(&e).and_then(|mut l| l.next()).map(|l| *l.inner()).expect("span");
                text[span.offset()..span.offset() + span.len()].to_owned()
            })
            .collect()
    }

    #[test]
    fn unquoted_paths_and_versions_are_found_once_each() {
        assert_eq!(words("service api {\n    run /app/api\n    port 8080\n}\n"), ["/app/api"]);
        assert_eq!(words("toolchain {\n    python 3.9.13\n}\n"), ["3.9.13"]);
        assert_eq!(words("env A=b/c"), ["b/c"]);
        assert_eq!(words("debug true\nx null"), ["true", "null"]);
    }

    #[test]
    fn valid_kdl_has_none() {
        let text = "// a /comment/\n/* block /* nested */ x/y */\nn \"a/b\" #\"raw \"/\"# \"\"\"\nmulti /line\n\"\"\" 1.5 -2 0x1F 1e10 #true k=v (t)x a.b:c-d_e\n/-skip\n";
        assert!(words(text).is_empty(), "{:?}", words(text));
    }
}
