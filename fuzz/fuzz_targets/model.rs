//! Any text through the whole in-memory pipeline: parse, model, graph, and
//! for a valid spec plan and render. Errors are fine; a panic is a bug.
#![no_main]

use inception::pipeline;
use inception::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let source = SourceFile::new("fuzz.kdl", text);
    match pipeline::load(&source) {
        Ok(loaded) => {
            let compiled = pipeline::compile(loaded, "inception.kdl").expect("a valid spec renders");
            assert!(compiled.outputs().contains_key("inception.lock"));
        }
        Err(problems) => assert!(!problems.problems().is_empty()),
    }
});
