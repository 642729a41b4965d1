//! Stage 1, `spec`: KDL text → raw nodes with spans.
//!
//! Parses with the `kdl` crate (KDL v2 only: a v1 document is an error, so
//! that one file never means two things) and copies the document into plain
//! [`RawNode`]s. It gives no meaning to names; the `model` stage does that.
//! Every syntax error is reported, each at its own span.

mod bare;
mod chunks;
mod error;
mod fast;
pub mod format;
pub mod limits;
mod node;

pub use error::SpecError;
pub use node::{RawNode, RawProp, RawValue, Scalar, Span, Spanned};

use kdl::{KdlDocument, KdlEntry, KdlNode, KdlValue};
use miette::SourceSpan;

use crate::source::SourceFile;

/// Parse a spec file into raw nodes.
///
/// # Errors
/// Every KDL syntax error in the file, in source order.
pub fn parse(source: &SourceFile) -> Result<Vec<RawNode>, Vec<SpecError>> {
    if let Some(error) = limits::check(source.text()) {
        return Err(vec![error]);
    }
    let text = source.text();
    if let Some(nodes) = fast::parse(text) {
        return Ok(nodes);
    }
    if text.len() >= PARALLEL_BYTES {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(8);
        let starts = chunks::runs(text, cores);
        if starts.len() > 1
            && let Some(nodes) = parse_runs(text, &starts)
        {
            return Ok(nodes);
        }
    }
    // Within the limits the parser's recursion is bounded; its own thread
    // with a generous stack keeps that bound far from the process's.
    let parse = || match KdlDocument::parse_v2(text) {
        Ok(document) => Ok(document.nodes().iter().map(raw_node).collect()),
        Err(error) => {
            // A bare word KDL cannot read derails the parser into a cascade of
            // errors elsewhere: name the words themselves when there are any.
            let words = bare::unreadable_words(source.text());
            if !words.is_empty() {
                return Err(words);
            }
            let mut errors: Vec<SpecError> = error.diagnostics.into_iter().map(|d| syntax_error(source, d)).collect();
            errors.sort_by_key(|e| e.span().offset());
            Err(errors)
        }
    };
    std::thread::scope(|scope| {
        match std::thread::Builder::new().name("kdl".to_owned()).stack_size(PARSER_STACK).spawn_scoped(scope, parse) {
            Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => parse(),
        }
    })
}

/// Below this size a spec parses in one run: starting threads would cost
/// more than they save.
const PARALLEL_BYTES: usize = 2 << 10;

/// The nodes of `text` parsed in runs starting at `starts` (see
/// [`chunks`]), one thread each, in order; `None` if any run does not parse
/// (the whole text is then parsed again, for the parser's own diagnostics).
fn parse_runs(text: &str, starts: &[usize]) -> Option<Vec<RawNode>> {
    let run = |index: usize| {
        let start = starts[index];
        let end = starts.get(index + 1).copied().unwrap_or(text.len());
        let document = KdlDocument::parse_v2(&text[start..end]).ok()?;
        let mut nodes: Vec<RawNode> = document.nodes().iter().map(raw_node).collect();
        for node in &mut nodes {
            chunks::shift(node, start);
        }
        Some(nodes)
    };
    let results: Vec<Option<Vec<RawNode>>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..starts.len())
            .map(|index| {
                std::thread::Builder::new()
                    .name("kdl".to_owned())
                    .stack_size(PARSER_STACK)
                    .spawn_scoped(scope, move || run(index))
                    .ok()
            })
            .collect();
        threads
            .into_iter()
            .enumerate()
            .map(|(index, thread)| match thread {
                Some(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => run(index),
            })
            .collect()
    });
    let mut nodes = Vec::new();
    for run in results {
        nodes.extend(run?);
    }
    Some(nodes)
}

/// The parser thread's stack.
const PARSER_STACK: usize = 64 << 20;

fn syntax_error(source: &SourceFile, diagnostic: kdl::KdlDiagnostic) -> SpecError {
    let message = diagnostic.message.unwrap_or_else(|| "invalid KDL".to_owned());
    let span = narrow(source, diagnostic.span);
    let snippet = &source.text()[span.offset()..span.offset() + span.len()];
    let help = version_help(snippet).or(diagnostic.help).unwrap_or_else(|| default_help(snippet));
    SpecError::Syntax {
        label: diagnostic.label.unwrap_or_else(|| "here".to_owned()),
        message: lower_first(&message),
        span,
        help,
    }
}

/// kdl-rs sometimes reports a span from the start of the document; point at
/// its last line instead, where the problem is.
fn narrow(source: &SourceFile, span: SourceSpan) -> SourceSpan {
    let end = (span.offset() + span.len()).min(source.text().len());
    let text = &source.text()[span.offset()..end];
    match text.trim_end().rfind('\n') {
        Some(i) if span.len() > 80 => {
            let start = span.offset() + i + 1;
            let line = text[i + 1..].trim_end();
            let indent = line.len() - line.trim_start().len();
            SourceSpan::new((start + indent).into(), line.trim_start().len().max(1))
        }
        _ => SourceSpan::new(span.offset().into(), span.len()),
    }
}

/// An unquoted dotted version (`3.9.13`) is not a KDL value: say how to write it.
fn version_help(snippet: &str) -> Option<String> {
    let word = snippet.trim();
    let dotted =
        word.matches('.').count() >= 2 && word.trim_start_matches('v').starts_with(|c: char| c.is_ascii_digit());
    dotted.then(|| format!("versions are strings: quote it, \"{word}\""))
}

fn default_help(snippet: &str) -> String {
    match snippet.trim() {
        "true" | "false" | "null" => {
            format!("KDL v2 spells it #{}", snippet.trim())
        }
        _ => {
            "inception.kdl is KDL v2: quote values that contain dots or start with a digit, e.g. \"3.9.13\"".to_owned()
        }
    }
}

fn lower_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn raw_node(node: &KdlNode) -> RawNode {
    let mut args = Vec::new();
    let mut props = Vec::new();
    for entry in node.entries() {
        let value = raw_value(entry);
        match entry.name() {
            Some(key) => props.push(RawProp { key: Spanned::new(key.value().to_owned(), key.span()), value }),
            None => args.push(value),
        }
    }
    RawNode {
        name: Spanned::new(node.name().value().to_owned(), node.name().span()),
        args,
        props,
        children: node.children().map(|d| d.nodes().iter().map(raw_node).collect()),
        span: node.span().into(),
    }
}

fn raw_value(entry: &KdlEntry) -> RawValue {
    let repr = entry.format().map_or_else(|| entry.value().to_string(), |f| f.value_repr.clone());
    // An entry's span covers `key=value`; the value is its last `repr` bytes.
    let entry_span = entry.span();
    let end = entry_span.offset() + entry_span.len();
    let span = if entry.name().is_some() && repr.len() <= entry_span.len() {
        Span::new(end - repr.len(), repr.len())
    } else {
        entry_span.into()
    };
    let value = match entry.value() {
        KdlValue::String(s) => Scalar::String(s.clone()),
        KdlValue::Integer(i) => Scalar::Integer(*i),
        KdlValue::Float(f) => Scalar::Float(*f),
        KdlValue::Bool(b) => Scalar::Bool(*b),
        KdlValue::Null => Scalar::Null,
    };
    RawValue { value, repr, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Vec<RawNode>, Vec<SpecError>> {
        parse(&SourceFile::new("t.kdl", text))
    }

    #[test]
    fn nodes_keep_args_props_children_and_spans() {
        let text = "service api {\n    port 8080\n    health \"/h\" delay=5\n}\n";
        let nodes = parse_str(text).expect("valid KDL");
        assert_eq!(nodes.len(), 1);
        let service = &nodes[0];
        assert_eq!(service.name.value, "service");
        assert_eq!(service.args[0].value, Scalar::String("api".into()));
        let health = &service.children()[1];
        let delay = health.prop("delay").expect("delay prop");
        assert_eq!(delay.value.value, Scalar::Integer(5));
        let at = delay.value.span;
        assert_eq!(&text[at.offset..at.end()], "5");
        let key = delay.key.span;
        assert_eq!(&text[key.offset..key.end()], "delay");
    }

    /// The official KDL v2 conformance suite, shipped in the `kdl` crate's package.
    fn conformance_inputs() -> Vec<(std::path::PathBuf, String)> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let out = std::process::Command::new(cargo)
            .args(["metadata", "--format-version", "1"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run cargo metadata");
        let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata's JSON");
        let manifest = metadata["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|p| p["name"] == "kdl")
            .and_then(|p| p["manifest_path"].as_str())
            .expect("the kdl package");
        let input = std::path::Path::new(manifest).with_file_name("tests/test_cases/input");
        let mut files: Vec<_> = std::fs::read_dir(&input)
            .expect("the conformance suite")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
            .collect();
        files.sort();
        files.into_iter().filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t))).collect()
    }

    fn whole(text: &str) -> Option<Vec<RawNode>> {
        KdlDocument::parse_v2(text).ok().map(|d| d.nodes().iter().map(raw_node).collect())
    }

    /// Parsing in runs, cut at every point the scan allows, gives the nodes
    /// and spans of a parse of the whole text, and fails where it fails.
    #[test]
    fn runs_parse_like_the_whole_text_on_the_conformance_suite() {
        let inputs = conformance_inputs();
        assert!(inputs.len() > 200, "the suite has {} inputs", inputs.len());
        let (mut cut, mut invalid) = (0, 0);
        let mut environments: Vec<(std::path::PathBuf, String)> = ["minimal", "serenity"]
            .iter()
            .map(|e| {
                let path =
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("environments").join(e).join("inception.kdl");
                let text = std::fs::read_to_string(&path).expect("an environment");
                (path, text)
            })
            .collect();
        environments.push((
            "generated".into(),
            (0..50)
                .map(|i| format!("service s{i} {{\n    port {i}\n    env A=\"{{\" B=#true\n}}\n// c {{\n"))
                .collect(),
        ));
        for (path, text) in inputs.iter().chain(&environments) {
            let mut starts = vec![0];
            starts.extend(chunks::cut_points(text).into_iter().filter(|&p| p > 0));
            if starts.len() < 2 {
                continue;
            }
            let expected = whole(text);
            cut += 1;
            invalid += usize::from(expected.is_none());
            assert_eq!(parse_runs(text, &starts), expected, "{}", path.display());
        }
        assert!(cut > 20 && invalid > 2, "only {cut} inputs were cut, {invalid} of them invalid");
    }

    /// The fast path gives the nodes and spans of the `kdl` parser, or
    /// declines: on the conformance suite, the environments, generated specs
    /// and one-character deletions, insertions and one-line deletions of them.
    #[test]
    fn the_fast_path_parses_like_kdl_or_declines() {
        let environment = |name: &str| {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("environments").join(name).join("inception.kdl");
            std::fs::read_to_string(path).expect("an environment")
        };
        let generated: String = (0..3)
            .map(|i| {
                format!(
                    "service s{i} {{\n    image \"r.io/s{i}:1.{i}\"  // pinned\n    port {i}0\n    env A=\"{{ x\" B=#true C=off D=1.50 E=#null\n    \
                     needs a b\t\n    run python -m x --port \"80\" -- --x-1\n    tier staging reason=\"load test\" {{ replicas 4 }}\n    tier prod {{\n        replicas 007\n    }} \n}}\n\n// c {{\n"
                )
            })
            .collect();
        let (serenity, minimal) = (environment("serenity"), environment("minimal"));
        let mut inputs: Vec<String> = conformance_inputs().into_iter().map(|(_, text)| text).collect();
        inputs.extend([serenity.clone(), minimal.clone(), generated.clone()]);
        for base in [&minimal, &generated] {
            for (at, _) in base.char_indices() {
                let mut cut = base.clone();
                cut.remove(at);
                inputs.push(cut);
            }
            for (at, _) in base.char_indices().step_by(11) {
                for inserted in ["=", "\"", "{", "}", "#", "-", "-1", ".", "/", ";", "\\", " ", "\n", "é", "\u{a0}"] {
                    let mut grown = base.clone();
                    grown.insert_str(at, inserted);
                    inputs.push(grown);
                }
            }
            let lines: Vec<&str> = base.lines().collect();
            for skip in 0..lines.len() {
                let kept: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect();
                inputs.push(kept.join("\n"));
            }
        }
        let (mut accepted, mut declined_valid) = (0, 0);
        for text in &inputs {
            let Some(nodes) = fast::parse(text) else {
                declined_valid += usize::from(whole(text).is_some());
                continue;
            };
            accepted += 1;
            assert_eq!(Some(nodes), whole(text), "{text}");
        }
        for spec in [&serenity, &minimal, &generated] {
            // Not an error in the spec: it would still parse, through `kdl`,
            // at a hundred times the cost. Extend `spec/fast.rs` (and this
            // test's generated inputs) to the new construct, or keep it out.
            assert!(
                fast::parse(spec).is_some(),
                "the fast parse path declines this spec (a speed regression):\n{spec}"
            );
        }
        assert!(accepted > 500 && declined_valid > 100, "{accepted} accepted, {declined_valid} valid declined");
    }

    #[test]
    fn unquoted_dotted_version_is_a_float_with_its_spelling_kept() {
        let nodes = parse_str("python 3.10\n").expect("valid KDL");
        assert_eq!(nodes[0].args[0].value, Scalar::Float(3.1));
        assert_eq!(nodes[0].args[0].repr, "3.10");
    }

    #[test]
    fn every_syntax_error_is_reported_with_a_code() {
        let errors = parse_str("a true\nb \"open\n").expect_err("invalid KDL");
        assert!(!errors.is_empty());
        let SpecError::Syntax { help, .. } = &errors[0] else { panic!("a syntax error") };
        assert!(help.contains("#true"), "{help}");
    }
}
