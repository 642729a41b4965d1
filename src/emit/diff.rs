//! Unified diffs of what is on disk against what compile would write.

use std::time::Duration;

use similar::{Algorithm, TextDiff};

/// A unified diff from `old` to `new` with `a/PATH` and `b/PATH` headers.
/// Empty when the texts are equal.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    // The deadline bounds the time spent on pathological inputs (a huge
    // minified file edited by hand); the diff stays correct, only less minimal.
    let diff =
        TextDiff::configure().algorithm(Algorithm::Patience).timeout(Duration::from_secs(2)).diff_lines(old, new);
    let old_header = if old.is_empty() { "/dev/null".to_owned() } else { format!("a/{path}") };
    let new_header = if new.is_empty() { "/dev/null".to_owned() } else { format!("b/{path}") };
    let mut text = diff.unified_diff().context_radius(3).header(&old_header, &new_header).to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn diff_has_headers_and_marks_lines() {
        let text = unified("x.yaml", "a\nb\nc\n", "a\nB\nc\n");
        assert!(text.starts_with("--- a/x.yaml\n+++ b/x.yaml\n"), "{text}");
        assert!(text.contains("\n-b\n+B\n"), "{text}");
        assert_eq!(unified("x", "same\n", "same\n"), "");
        assert!(unified("x", "", "new\n").starts_with("--- /dev/null\n+++ b/x\n"));
    }
}
