//! Stage 1, `spec`: KDL text → raw nodes with spans.
//!
//! Parses with the `kdl` crate (KDL v2 only: a v1 document is an error, so
//! that one file never means two things) and copies the document into plain
//! [`RawNode`]s. A hand-written parser ([`fast`]) reads the common subset of
//! KDL first, about 40 times faster, straight to the same nodes; it declines
//! anything else, and every error, to the `kdl` path. It gives no meaning to
//! names; the `model` stage does that. Every syntax error is reported, each
//! at its own span.

mod bare;
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
    // The common subset of KDL, read directly; anything else (and every
    // error) goes to the `kdl` crate below.
    if let Some(nodes) = fast::parse(text) {
        return Ok(nodes);
    }
    // Within the limits the parser's recursion is bounded; its own thread
    // with a generous stack keeps that bound far from the process's.
    on_parser_stack(|| match KdlDocument::parse_v2(text) {
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
    })
}

/// The two readers behind [`parse`], for tests and fuzzing: the fast one
/// (`None` when it declines) and the `kdl` one (`None` on any error). Where
/// the fast one reads a text, the two must give the same nodes.
#[doc(hidden)]
pub fn readers(text: &str) -> (Option<Vec<RawNode>>, Option<Vec<RawNode>>) {
    let kdl = on_parser_stack(|| KdlDocument::parse_v2(text).ok().map(|d| d.nodes().iter().map(raw_node).collect()));
    (fast::parse(text), kdl)
}

/// `parse` run on a thread of its own with [`PARSER_STACK`] (or on this one
/// if no thread can be started).
fn on_parser_stack<T: Send>(parse: impl Fn() -> T + Sync) -> T {
    std::thread::scope(|scope| {
        match std::thread::Builder::new().name("kdl".to_owned()).stack_size(PARSER_STACK).spawn_scoped(scope, &parse) {
            Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => parse(),
        }
    })
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
        assert_eq!(&text[at.offset()..at.end()], "5");
        let key = delay.key.span;
        assert_eq!(&text[key.offset()..key.end()], "delay");
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

    /// Whether the fast parser read `text`; when it did, its nodes (and
    /// every span) are exactly those of the `kdl` path, which accepts it too.
    fn fast_agrees(text: &str, what: &str) -> bool {
        let (fast, kdl) = readers(text);
        let Some(fast) = fast else { return false };
        let Some(kdl) = kdl else { panic!("the fast parser accepts what kdl rejects: {what}\n{text:?}") };
        // Debug output, so that NaN compares equal to itself.
        assert_eq!(format!("{fast:#?}"), format!("{kdl:#?}"), "{what}\n{text:?}");
        true
    }

    /// The suite's inputs, each with whether the suite expects it to parse.
    fn conformance_cases() -> Vec<(std::path::PathBuf, String, bool)> {
        conformance_inputs()
            .into_iter()
            .map(|(path, text)| {
                let expected = path
                    .parent()
                    .and_then(std::path::Path::parent)
                    .map(|cases| cases.join("expected_kdl").join(path.file_name().expect("a file name")).exists());
                (path, text, expected.expect("the suite's layout"))
            })
            .collect()
    }

    /// The repository's own specs: the environments, every fixture and a
    /// generated spec in the shape of the benchmark's.
    fn repository_specs() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        for dir in std::fs::read_dir(root.join("environments")).expect("environments") {
            let path = dir.expect("entry").path().join("inception.kdl");
            if path.exists() {
                paths.push(path);
            }
        }
        let mut folders = vec![root.join("tests/fixtures")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("a fixture folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "kdl") {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        let mut specs: Vec<(String, String)> = paths
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).expect("a spec")))
            .collect();
        let generated: String = (0..40)
            .map(|i| {
                format!(
                    "service s{i} {{\n    image \"registry.example.com/s{i}:1.0.{i}@sha256:{i:064x}\"\n    port {}\n    \
                     health \"/healthz\"\n    env LOG_LEVEL=info REGION=eastus SHARD={i}\n    resources cpu=\"250m\" \
                     memory=\"256Mi\"\n    tier staging reason=\"load test\" {{\n        replicas 4\n    }}\n}}\n",
                    8000 + i
                )
            })
            .collect();
        specs.push(("generated".to_owned(), format!("inception 1\nproject bench {{\n    repo \"x\"\n}}\n{generated}")));
        specs
    }

    #[test]
    fn fast_parser_agrees_with_kdl_on_the_conformance_suite() {
        let cases = conformance_cases();
        assert!(cases.len() > 300, "the suite has {} inputs", cases.len());
        let (mut handled, mut declined, mut invalid) = (0, 0, 0);
        for (path, text, valid) in cases.iter().map(|(p, t, v)| (p, t, *v)) {
            let read = fast_agrees(text, &path.display().to_string());
            if valid && !read {
                eprintln!("declined {}", path.display());
            }
            assert!(valid || !read, "the suite expects {} to fail", path.display());
            invalid += usize::from(!valid);
            if read {
                handled += 1;
            } else {
                declined += 1;
            }
        }
        eprintln!("conformance suite: {handled} inputs read, {declined} declined ({invalid} of them invalid)");
        assert!(handled > 80, "only {handled} conformance inputs were read");
    }

    #[test]
    fn fast_parser_reads_every_spec_of_the_repository_like_kdl() {
        let mut declined = Vec::new();
        for (what, text) in repository_specs() {
            let read = fast_agrees(&text, &what);
            if !read && readers(&text).1.is_some() {
                declined.push(what);
            }
        }
        // Every valid spec of the repository is in the subset the fast parser reads.
        assert!(declined.is_empty(), "declined valid specs: {declined:?}");
    }

    /// Random edits of every input above, made of the tokens that matter to
    /// KDL: the fast parser declines or agrees. `INCEPTION_FAST_CASES=N`
    /// runs N edits per input (default 12).
    #[test]
    fn fast_parser_agrees_with_kdl_on_mutated_texts() {
        const TOKENS: &[&str] = &[
            "\"",
            "\\",
            "=",
            "{",
            "}",
            ";",
            "//",
            "/*",
            "*/",
            "/-",
            "#true",
            "#false",
            "#null",
            "#nan",
            "#inf",
            "#-inf",
            "#",
            "##",
            "1.5",
            "-",
            "+",
            ".",
            " ",
            "\t",
            "\n",
            "\r",
            "\r\n",
            "0x1F",
            "0o7",
            "0b101",
            "0b2",
            "1e",
            "1e-3",
            "_",
            "1_0",
            "é",
            "\u{2028}",
            "\u{85}",
            "\u{a0}",
            "\u{feff}",
            "\u{200e}",
            "(",
            ")",
            "(t)",
            "[",
            "null",
            "true",
            "inf",
            "-inf",
            "\\u{41}",
            "\\u{d800}",
            "\\n",
            "\\s",
            "\"\"\"",
            "#\"",
            "a",
            "1",
            "-1",
            ".5",
            "-.5",
            "-.x",
            "+x",
            "\u{0}",
            "\u{7f}",
            "\u{b}",
            "x=",
            " = ",
            "x=1",
            "\"k\"=",
            "170141183460469231731687303715884105728",
            "170141183460469231731687303715884105727",
            "1.0e400",
            "0x",
            "0xg",
            "1.",
            "1.e5",
            "a{}",
            "{}",
            "\\\n",
            "/* c */",
            "/*",
            "*/",
            "/**/",
            "/*/",
            "/* \n */",
            "/* /* */ */",
            "x/**/",
            "\n/-",
            "/- ",
            "/-a\n",
            "\n/-x 1 {\n}\n",
            "/-x;",
        ];
        let cases: usize = std::env::var("INCEPTION_FAST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(12);
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut below = |n: usize| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % n.max(1) as u64) as usize
        };
        let mut inputs: Vec<(String, String)> =
            conformance_cases().into_iter().map(|(p, t, _)| (p.display().to_string(), t)).collect();
        inputs.extend(repository_specs());
        let (mut total, mut read, mut valid) = (0, 0, 0);
        for (what, text) in &inputs {
            for _ in 0..cases {
                let mut text = text.clone();
                for _ in 0..=below(3) {
                    let mut at = below(text.len() + 1);
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    match below(4) {
                        0 => {
                            let mut end = (at + 1 + below(6)).min(text.len());
                            while !text.is_char_boundary(end) {
                                end += 1;
                            }
                            text.replace_range(at..end, "");
                        }
                        1 => {
                            let mut end = (at + below(40)).min(text.len());
                            while !text.is_char_boundary(end) {
                                end += 1;
                            }
                            let copy = text[at..end].to_owned();
                            text.insert_str(at, &copy);
                        }
                        _ => text.insert_str(at, TOKENS[below(TOKENS.len())]),
                    }
                }
                if limits::check(&text).is_some() {
                    continue;
                }
                total += 1;
                if fast_agrees(&text, what) {
                    read += 1;
                } else {
                    valid += usize::from(readers(&text).1.is_some());
                }
            }
        }
        eprintln!("mutated texts: {total}, {read} read by the fast parser, {valid} declined though kdl accepts them");
        assert!(read > total / 10, "only {read} of {total} mutated texts were read");
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
