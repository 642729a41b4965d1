//! `observability { … }` → [`Observability`]: pinned chart versions of the
//! monitoring and logging stack.

use super::error::Invalid;
use super::reader::{Reader, Seen};
use super::types::Observability;
use super::vocabulary::Context;
use crate::spec::{RawNode, Spanned};

/// Resolve the `observability` node.
pub(super) fn resolve(reader: &mut Reader, node: &RawNode) -> Observability {
    reader.props(node, &[]);
    reader.max_args(node, 0, "no arguments");
    let mut observability = Observability { prometheus: None, grafana: None, logging: None, span: node.span };
    let mut once = Seen::default();
    for child in reader.children(node, Context::Observability, "`observability`") {
        once.insert(reader, "observability node", &child.name, "write it once");
        reader.props(child, &["version"]);
        reader.no_children(child);
        let name = child.name.value.as_str();
        if name == "logging" {
            reader.max_args(child, 1, "one stack name (efk)");
            if let Some(stack) = reader.string_arg(child, 0, "the logging stack (efk)")
                && stack.value != "efk"
            {
                reader.invalid(
                    Invalid::Unknown,
                    stack.span,
                    format!("unknown logging stack `{}`", stack.value),
                    "not a logging stack".to_owned(),
                    "inception deploys `efk` (Elasticsearch, Fluent Bit, Kibana)".to_owned(),
                );
            }
        } else {
            reader.max_args(child, 0, "only version=");
        }
        let version = reader
            .required_string_prop(child, "version", "a chart version", "\"1.2.3\"")
            .filter(|v| reader.pinned(&format!("{name} chart"), v, true, "25.21.0"));
        let slot: &mut Option<Spanned<String>> = match name {
            "prometheus" => &mut observability.prometheus,
            "grafana" => &mut observability.grafana,
            _ => &mut observability.logging,
        };
        *slot = version;
    }
    observability
}
