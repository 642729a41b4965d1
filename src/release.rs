//! A cloud tier's release (its `revision` and `image SERVICE "sha256:…"`
//! nodes) read from the model and written back into the spec's text.
//!
//! Pure: text in, text out. Only the tier's `revision` value and `image`
//! nodes change; every other byte, comments and layout included, stays, so
//! the change is exactly the lines a reviewer needs to see. `inception
//! promote` copies one tier's release into another; `inception release`
//! writes the one the pipeline built.

use crate::model::{Model, Source, Tier};
use crate::spec::Span;

/// What a cloud tier runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Release {
    /// The commit its chart and values are read at.
    pub revision: String,
    /// `(service, digest)` per `build` service.
    pub images: Vec<(String, String)>,
}

impl Release {
    /// The release a tier records, its images in the spec's service order.
    pub(crate) fn of(model: &Model, tier: &Tier) -> Self {
        let images = built_services(model)
            .into_iter()
            .filter_map(|s| tier.image(s).map(|i| (s.to_owned(), i.digest.value.clone())))
            .collect();
        Self { revision: tier.revision.value.clone(), images }
    }
}

/// The `build` services, in declaration order.
pub(crate) fn built_services(model: &Model) -> Vec<&str> {
    model.services.iter().filter(|s| matches!(s.source, Source::Build(_))).map(|s| s.name.value.as_str()).collect()
}

/// The spec `text` with `tier` running `release`: its revision replaced, each
/// recorded digest replaced, a missing `image` added after the tier's last
/// one (or its `revision`), and an `image` of a service not in the release
/// removed with its line.
pub(crate) fn rewrite(text: &str, tier: &Tier, release: &Release) -> String {
    let mut edits: Vec<(Span, String)> = vec![(tier.revision.span, quoted(&release.revision))];
    let anchor = tier.images.iter().map(|i| i.span).max_by_key(|s| s.offset()).unwrap_or(tier.revision.span);
    let after = line_end(text, anchor.end());
    let indent = indentation(text, tier.revision.span.offset());
    let mut added = String::new();
    for (service, digest) in &release.images {
        match tier.image(service) {
            Some(image) => edits.push((image.digest.span, quoted(digest))),
            None => added.push_str(&format!("\n{indent}image {service} {}", quoted(digest))),
        }
    }
    if !added.is_empty() {
        edits.push((Span::new(after, 0), added));
    }
    for image in tier.images.iter().filter(|i| !release.images.iter().any(|(s, _)| *s == i.service.value)) {
        let start = text[..image.span.offset()].rfind('\n').unwrap_or(0);
        edits.push((Span::new(start, line_end(text, image.span.end()) - start), String::new()));
    }
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.offset()));
    let mut out = text.to_owned();
    for (span, replacement) in edits {
        out.replace_range(span.offset()..span.end(), &replacement);
    }
    out
}

/// A KDL string (commits and digests need no escaping; quotes are escaped anyway).
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The offset of the end of the line holding `offset` (before its newline).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i)
}

/// The leading whitespace of the line holding `offset`.
fn indentation(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..offset];
    &line[..line.len() - line.trim_start().len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    const SPEC: &str = "inception 1\nproject p {\n    registry \"p.azurecr.io\"\n}\ntoolchain {\n    base \"debian:12.5\"\n}\n\
        tier prod {\n    cluster aks\n    revision \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" // the commit\n    \
        image api \"sha256:1111111111111111111111111111111111111111111111111111111111111111\"\n}\n\
        service api {\n    build \"api\"\n    port 80\n}\nservice web {\n    build \"web\"\n    port 80\n}\n";

    fn model(text: &str) -> Model {
        let (model, _) = crate::model::resolve(&crate::spec::parse(&SourceFile::new("t", text)).expect("parses"));
        model
    }

    #[test]
    fn rewrites_the_revision_and_digests_adds_missing_images_and_keeps_comments() {
        let model = model(SPEC);
        let release = Release {
            revision: "b".repeat(40),
            images: vec![
                ("api".to_owned(), format!("sha256:{}", "2".repeat(64))),
                ("web".to_owned(), format!("sha256:{}", "3".repeat(64))),
            ],
        };
        let text = rewrite(SPEC, model.tier("prod").unwrap(), &release);
        let expected = SPEC.replace(&"a".repeat(40), &"b".repeat(40)).replace(
            &format!("sha256:{}\"\n", "1".repeat(64)),
            &format!("sha256:{}\"\n    image web \"sha256:{}\"\n", "2".repeat(64), "3".repeat(64)),
        );
        assert_eq!(text, expected);
        let again = model_release(&text);
        assert_eq!(again, release);
        assert_eq!(rewrite(&text, self::model(&text).tier("prod").unwrap(), &release), text, "idempotent");
    }

    #[test]
    fn an_image_of_a_service_not_in_the_release_goes_with_its_line() {
        let model = model(SPEC);
        let release = Release { revision: "a".repeat(40), images: Vec::new() };
        let text = rewrite(SPEC, model.tier("prod").unwrap(), &release);
        assert!(!text.contains("image api"), "{text}");
        assert!(text.contains("// the commit\n}\n"), "{text}");
    }

    fn model_release(text: &str) -> Release {
        let model = model(text);
        Release::of(&model, model.tier("prod").unwrap())
    }
}
