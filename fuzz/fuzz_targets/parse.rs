//! Any text: the spec stage returns nodes or errors, never panics, never
//! overflows its stack.
#![no_main]

use inception::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let source = SourceFile::new("fuzz.kdl", text);
    if let Err(errors) = inception::spec::parse(&source) {
        assert!(!errors.is_empty());
    }
});
