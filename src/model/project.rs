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
            "branch" => {
                project.branch = reader.leaf_string(child, "a branch name").filter(|branch| {
                    reader.fits(
                        branch,
                        grammar::is_branch(&branch.value),
                        "a git branch name of letters, digits, `.`, `_`, `-` and `/`",
                        "\"main\" or \"release/2.4\"",
                    )
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
                        return false;
                    }
                    let acr = host.value.strip_suffix(ACR_SUFFIX).filter(|name| !is_acr_name(name));
                    if let Some(name) = acr {
                        reader.invalid(
                            Invalid::Malformed,
                            host.span,
                            format!("`{name}` is not an Azure Container Registry name"),
                            "5 to 50 letters and digits".to_owned(),
                            "an ACR name has 5 to 50 letters and digits, no hyphens or dots (e.g. myteamacr.azurecr.io); the Bicep creates the registry under this name".to_owned(),
                        );
                    }
                    acr.is_none()
                });
            }
        }
    }
    project
}

/// The host suffix of Azure Container Registry.
pub(crate) const ACR_SUFFIX: &str = ".azurecr.io";

/// Azure's rule for registry names: 5 to 50 alphanumeric characters
/// (<https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerregistry>).
pub(crate) fn is_acr_name(name: &str) -> bool {
    (5..=50).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric())
}
