//! Any text within the spec limits: where the fast parser reads it, `kdl`
//! reads it too and gives the same nodes, values, spellings and spans.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if inception::spec::limits::check(text).is_some() {
        return;
    }
    let (fast, kdl) = inception::spec::readers(text);
    if let Some(fast) = fast {
        let kdl = kdl.expect("the fast parser read a text kdl rejects");
        // Debug output, so that NaN compares equal to itself.
        assert_eq!(format!("{fast:?}"), format!("{kdl:?}"));
    }
});
