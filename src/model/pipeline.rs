//! `pipeline { … }` → [`Pipeline`]. Every value lands in YAML and in shell
//! commands of the generated pipelines, so each is held to a character set
//! that needs no quoting in either.

use super::error::{Invalid, ModelError};
use super::reader::{Reader, Seen};
use super::release::is_commit;
use super::types::{Cluster, Model, Pipeline, Source};
use super::vocabulary::Context;
use crate::spec::{RawNode, Spanned};

/// Whether `url` is an `https://` git URL of only `[A-Za-z0-9._~:/@%+-]`.
pub(super) fn is_safe_url(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || "._~:/@%+-".contains(c))
    })
}

/// Whether `name` is a service connection name of `[A-Za-z0-9._-]`, 1–64 long.
pub(super) fn is_connection_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// Resolve the `pipeline` node.
pub(super) fn resolve(reader: &mut Reader, node: &RawNode) -> Option<Pipeline> {
    reader.props(node, &[]);
    reader.max_args(node, 0, "no value");
    let mut pipeline = Pipeline { span: node.span, ..Pipeline::default() };
    let mut once = Seen::default();
    let mut inception = false;
    let mut connection = false;
    for child in reader.children(node, Context::Pipeline, "`pipeline`") {
        once.insert(reader, "pipeline node", &child.name, "write it once");
        if child.name.value == "inception" {
            reader.props(child, &["commit"]);
            reader.max_args(child, 1, "one git URL");
            reader.no_children(child);
            let url = reader.string_arg(child, 0, "a git URL");
            let commit = reader.required_string_prop(child, "commit", "a commit", "\"0123…\" (40 hex digits)");
            if let Some(url) = url {
                check(
                    reader,
                    &url,
                    is_safe_url(&url.value),
                    "an https:// git URL",
                    "e.g. https://github.com/OWNER/inception.git",
                );
                pipeline.inception_repo = url;
            }
            if let Some(commit) = commit {
                check(
                    reader,
                    &commit,
                    is_commit(&commit.value),
                    "a full commit id",
                    "the 40-digit commit of inception to install",
                );
                pipeline.inception_commit = commit;
            }
            inception = true;
        } else if let Some(name) = reader.leaf_string(child, "a service connection name") {
            check(
                reader,
                &name,
                is_connection_name(&name.value),
                "letters, digits, `.`, `_`, `-`",
                "name it e.g. serenity-acr",
            );
            pipeline.service_connection = name;
            connection = true;
        }
    }
    for (present, what, help) in [
        (
            inception,
            "inception",
            "add `inception \"https://…/inception.git\" commit=\"…\"`: the pipelines install it from there",
        ),
        (
            connection,
            "service-connection",
            "add `service-connection NAME`: the Azure DevOps connection (workload identity federation) to the registry",
        ),
    ] {
        if !present {
            reader.error(ModelError::Missing {
                message: format!("`pipeline` has no `{what}`"),
                span: node.name.span.into(),
                label: format!("`{what}` is required"),
                help: help.to_owned(),
            });
        }
    }
    Some(pipeline)
}

fn check(reader: &mut Reader, value: &Spanned<String>, ok: bool, expected: &str, help: &str) {
    if !ok {
        reader.invalid(
            Invalid::Malformed,
            value.span,
            format!("`{}` is not {expected}", value.value),
            format!("expected {expected}"),
            help.to_owned(),
        );
    }
}

/// What the pipelines need of the rest of the spec: an Azure Container
/// Registry to push to and a cloud tier to release into.
pub(super) fn check_references(reader: &mut Reader, model: &Model) {
    let Some(pipeline) = &model.pipeline else { return };
    let acr = model.project.registry.as_ref().is_some_and(|r| r.value.ends_with(".azurecr.io"));
    if !acr && model.services.iter().any(|s| matches!(s.source, Source::Build(_))) {
        reader.error(ModelError::Missing {
            message: "the pipelines push to an Azure Container Registry, but the project has none".to_owned(),
            span: pipeline.span.into(),
            label: "needs `registry \"NAME.azurecr.io\"` in `project`".to_owned(),
            help: "set the project's registry to the ACR the cloud tiers pull from".to_owned(),
        });
    }
    if !model.tiers.iter().any(|t| t.cluster.value == Cluster::Aks) {
        reader.error(ModelError::Missing {
            message: "the pipelines release into the first cloud tier, but no tier runs in the cloud".to_owned(),
            span: pipeline.span.into(),
            label: "no `cluster aks` tier".to_owned(),
            help: "add a cloud tier, or remove `pipeline`".to_owned(),
        });
    }
    if model.project.repo.is_none() {
        reader.error(ModelError::Missing {
            message: "the pipelines open pull requests, but the project has no repo".to_owned(),
            span: pipeline.span.into(),
            label: "needs `repo \"https://github.com/…\"` in `project`".to_owned(),
            help: "add the repository's URL to `project`".to_owned(),
        });
    }
}
