//! `fmt` on any text that parses: the result parses to the same nodes (names,
//! values, nesting; spans aside) and formatting it again changes nothing.
#![no_main]

use inception::source::SourceFile;
use inception::spec::{self, RawNode};
use libfuzzer_sys::fuzz_target;

/// A node without its spans: what it means.
fn meaning(nodes: &[RawNode]) -> String {
    let mut out = String::new();
    for node in nodes {
        out.push_str(&format!("{:?}", node.name.value));
        for arg in &node.args {
            out.push_str(&format!(" {:?}", arg.value));
        }
        for prop in &node.props {
            out.push_str(&format!(" {:?}={:?}", prop.key.value, prop.value.value));
        }
        if let Some(children) = &node.children {
            out.push_str(&format!(" {{{}}}", meaning(children)));
        }
        out.push(';');
    }
    out
}

fuzz_target!(|text: &str| {
    let Ok(before) = spec::parse(&SourceFile::new("fuzz.kdl", text)) else { return };
    let formatted = spec::format::format(text);
    let after = spec::parse(&SourceFile::new("fuzz.kdl", formatted.as_str())).expect("formatted text parses");
    assert_eq!(meaning(&before), meaning(&after), "fmt changed the meaning of {text:?}");
    assert_eq!(spec::format::format(&formatted), formatted, "fmt is not idempotent on {text:?}");
});
