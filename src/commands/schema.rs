//! `inception schema`: the JSON Schema of the spec model, derived from the
//! model's own types so it cannot drift from what the compiler understands.
//! Committed as `schema/inception.schema.json` and kept current by a test.

use crate::model::Model;

/// The schema as pretty JSON with a final newline.
pub fn text() -> String {
    let schema = schemars::schema_for!(Model);
    format!("{}\n", serde_json::to_string_pretty(&schema).unwrap_or_default())
}

/// Print the schema.
pub fn run() {
    crate::out!("{}", text());
}
