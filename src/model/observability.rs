//! `observability { … }` → [`Observability`]: the monitoring and logging
//! stack, pinned: `prometheus version=` is the kube-prometheus-stack chart's,
//! `grafana version=` the grafana chart's, `logging efk version=` the Elastic
//! Stack's (the ECK operator, eck-stack and Fluent Bit charts are pinned by
//! the catalog, `crate::providers::OBSERVABILITY`).

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
        let (what, example) = match name {
            "prometheus" => ("kube-prometheus-stack chart".to_owned(), "88.5.3"),
            "grafana" => ("grafana chart".to_owned(), "12.11.1"),
            _ => ("Elastic Stack".to_owned(), "9.5.0"),
        };
        let version = reader
            .required_string_prop(child, "version", "a version", &format!("\"{example}\""))
            .filter(|v| reader.pinned(&what, v, true, example));
        let slot: &mut Option<Spanned<String>> = match name {
            "prometheus" => &mut observability.prometheus,
            "grafana" => &mut observability.grafana,
            _ => &mut observability.logging,
        };
        *slot = version;
    }
    observability
}
