//! The one place YAML is written.
//!
//! serde-saphyr quotes every string a YAML 1.1 reader would misread (`on`,
//! `yes`, `y`, `1_000`, `12:30`…), which older Helm and Argo CD tooling still
//! use; serde_yaml does not. Keeping the serializer behind this module means a
//! change of crate or options is one edit, checked by the golden tests.

use serde::Serialize;

/// Serialize a value as a YAML document (no `---`), ending in one newline.
///
/// # Errors
/// The serializer's error, which for our typed structs means a bug.
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    let mut text = serde_saphyr::to_string(value).map_err(|e| e.to_string())?;
    // Never trim: trailing spaces and blank lines of a final block scalar
    // are part of its value.
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    #[test]
    fn yaml_1_1_booleans_and_numbers_stay_strings() {
        let tricky = ["on", "yes", "y", "NO", "off", "1_000", "12:30", "0", "1.10", "~", ""];
        let map: BTreeMap<&str, &str> = tricky.iter().map(|s| (*s, *s)).collect();
        let text = super::to_string(&map).expect("a map of strings serializes");
        for line in text.lines() {
            let (key, value) = line.split_once(": ").unwrap_or((line, ""));
            for part in [key, value] {
                assert!(part.starts_with('"') || part.starts_with('\''), "`{part}` is not quoted in:\n{text}");
            }
        }
    }
}
