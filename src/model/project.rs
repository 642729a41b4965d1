//! `project NAME { … }` → [`Project`].

use super::error::Invalid;
use super::grammar;
use super::reader::{Reader, Seen};
use super::types::Project;
use super::vocabulary::Context;
use crate::spec::RawNode;

/// Resolve the `project` node.
pub(super) fn resolve(reader: &mut Reader, node: &RawNode) -> Project {
    reader.props(node, &[]);
    reader.max_args(node, 1, "one name");
    let mut project = Project { span: node.span, ..Project::default() };
    if let Some(name) = reader.string_arg(node, 0, "a project name") {
        reader.dns_label("project", &name);
        project.name = name;
    }
    let mut once = Seen::default();
    for child in reader.children(node, Context::Project, "`project`") {
        once.insert(reader, "project node", &child.name, "write it once");
        match child.name.value.as_str() {
            "description" => {
                project.description = reader.leaf_string(child, "a description").filter(|d| {
                    reader.fits(d, grammar::is_one_line(&d.value), "a one-line description", "\"Risk platform\"")
                });
            }
            "repo" => {
                project.repo = reader.leaf_string(child, "a git URL").filter(|url| {
                    let ok = grammar::is_git_url(&url.value);
                    if !ok {
                        reader.invalid(
                            Invalid::Location,
                            url.span,
                            format!("`{}` is not a git URL", url.value.escape_debug()),
                            "expected https://HOST/PATH or git@HOST:PATH".to_owned(),
                            "write the URL you would `git clone`: no spaces, quotes or shell characters (it reaches a shell on every lab VM)".to_owned(),
                        );
                    }
                    ok
                });
            }
            _ => {
                project.registry = reader.leaf_string(child, "a registry host").filter(|host| {
                    let ok = grammar::is_host(&host.value) && host.value.contains('.');
                    if !ok {
                        reader.invalid(
                            Invalid::Malformed,
                            host.span,
                            format!("`{}` is not a registry host", host.value),
                            "expected a host name".to_owned(),
                            "write the host only, e.g. myteam.azurecr.io".to_owned(),
                        );
                    }
                    ok
                });
            }
        }
    }
    project
}
