//! The DevTest Labs: `infra/lab.bicep`, `infra/modules/lab.bicep`,
//! `infra/lab.bicepparam`, and the `prepare-workspace` artifact the labs
//! read from the project's repository.
//!
//! One lab per `lab-regions` entry, every lab with the same VM formula
//! (`lab-vm` size and disk, the toolchain's user), so a developer anywhere
//! starts the same VM. Each lab shuts its VMs down in the evening of its
//! region's time zone.

use serde::Serialize;
use serde_json::json;

use super::RenderError;
use super::azure_names as names;
use super::banner::{Comment, banner};
use super::bicep::{array, literal};
use super::templates::{TEMPLATE_BICEP_LAB, TEMPLATE_BICEP_LAB_PARAMS, TEMPLATE_LAB_SCRIPT, module_template, render};
use super::trace::{Paths, Traced, Tracer, trace_structured};
use crate::model::Model;
use crate::plan::workload::origin;
use crate::plan::{BicepModule, Origin, lab_repository, repository_source_type};

/// The Windows time zone DevTest Labs schedules use, for a region: where
/// the region's developers most likely are. `UTC` for a region not listed.
pub(super) fn time_zone(region: &str) -> &'static str {
    crate::model::regions::time_zone(region).unwrap_or("UTC")
}

fn project_origin(model: &Model) -> Vec<Origin> {
    vec![Origin::new("project", model.project.name.span)]
}

fn regions_origins(model: &Model) -> Vec<Origin> {
    model
        .azure
        .iter()
        .flat_map(|a| &a.lab_regions)
        .map(|r| Origin::of(format_args!("azure/lab-regions {}", r.value), r.span))
        .collect()
}

fn vm_origins(model: &Model) -> Vec<Origin> {
    let mut origins = vec![origin::user(&model.toolchain)];
    origins.extend(model.azure.iter().flat_map(|a| &a.lab_vm).map(|vm| Origin::new("azure/lab-vm", vm.size.span)));
    origins
}

/// `azure/lab-users`, or `azure` when it is missing (lint reports it).
fn users_origins(model: &Model) -> Vec<Origin> {
    let Some(azure) = &model.azure else { return Vec::new() };
    match azure.lab_users.first() {
        Some(first) => vec![Origin::new("azure/lab-users", first.span)],
        None => vec![Origin::new("azure", azure.span)],
    }
}

fn repo_origins(model: &Model) -> Vec<Origin> {
    lab_repository(model)
        .and(model.project.repo.as_ref())
        .map(|r| Origin::new("project/repo", r.span))
        .into_iter()
        .collect()
}

/// Where the repository is cloned on a lab VM: the user's home.
fn workspace_folder(model: &Model) -> String {
    format!("/home/{}/{}", model.toolchain.user.value, model.project.name.value)
}

/// Marks of the lab templates, by section name.
#[derive(Debug, Serialize)]
struct LabMarks {
    header: String,
    params: String,
    labs: String,
    vm: String,
    user: String,
    repository: String,
    group: String,
    lab: String,
    shutdown: String,
    formula: String,
    policy: String,
    users: String,
    outputs: String,
}

impl LabMarks {
    fn new(model: &Model, tracer: &mut Tracer) -> Self {
        let regions = regions_origins(model);
        let vm = vm_origins(model);
        LabMarks {
            header: tracer.mark([project_origin(model), regions.clone()].concat()),
            params: tracer.mark(regions.clone()),
            labs: tracer.mark(regions.clone()),
            vm: tracer.mark(vm.clone()),
            user: tracer.mark(vec![origin::user(&model.toolchain)]),
            repository: tracer.mark(repo_origins(model)),
            group: tracer.mark(
                [
                    project_origin(model),
                    model.azure.iter().map(|a| Origin::new("azure/location", a.location.span)).collect(),
                ]
                .concat(),
            ),
            lab: tracer.mark(regions.clone()),
            shutdown: tracer.mark(regions.clone()),
            formula: tracer.mark([vm.clone(), repo_origins(model)].concat()),
            policy: tracer.mark(vm),
            users: tracer.mark(users_origins(model)),
            outputs: tracer.mark(regions),
        }
    }
}

/// What the lab templates render.
#[derive(Debug, Serialize)]
struct LabView {
    project_name: String,
    project: String,
    location_name: String,
    location: String,
    resource_group: String,
    /// Whether the labs read the project's repository.
    repository: bool,
    repository_url: String,
    source_type: String,
    workspace_folder: String,
    user: String,
    /// Empty when the spec has no `lab-vm` (lab.bicep's defaults apply).
    vm_size: String,
    disk_gb: u32,
    /// `lab-vm image=` as a literal; empty: lab.bicep's default.
    image_version: String,
    /// `lab-vm max-per-user=`; 0: lab.bicep's default.
    max_per_user: u32,
    /// The `lab-users` groups, as a Bicep array.
    lab_users: String,
    vm_summary: String,
    labs: Vec<RegionView>,
    marks: LabMarks,
}

/// One lab in `lab.bicepparam`.
#[derive(Debug, Serialize)]
struct RegionView {
    name: String,
    region: String,
    time_zone: String,
    mark: String,
}

fn view(model: &Model, tracer: &mut Tracer) -> LabView {
    let project = &model.project.name.value;
    let location = model.azure.as_ref().map(|a| a.location.value.clone()).unwrap_or_default();
    let lab_vm = model.azure.as_ref().and_then(|a| a.lab_vm.as_ref());
    let repository = lab_repository(model);
    let marks = LabMarks::new(model, tracer);
    let labs = model
        .azure
        .iter()
        .flat_map(|a| &a.lab_regions)
        .map(|region| RegionView {
            name: literal(&names::lab(project, &region.value)),
            region: literal(&region.value),
            time_zone: literal(time_zone(&region.value)),
            mark: tracer.mark(vec![Origin::of(format_args!("azure/lab-regions {}", region.value), region.span)]),
        })
        .collect();
    let vm_summary = match lab_vm {
        Some(vm) => format!("{}, a {} GiB data disk for Docker", vm.size.value, vm.disk_gb.value),
        None => "the size and data disk of lab.bicep's defaults".to_owned(),
    };
    LabView {
        project_name: project.clone(),
        project: literal(project),
        location: literal(&location),
        location_name: location,
        resource_group: literal(&names::lab_resource_group(project)),
        repository: repository.is_some(),
        repository_url: repository.map(literal).unwrap_or_default(),
        source_type: repository.and_then(repository_source_type).map(literal).unwrap_or_default(),
        workspace_folder: literal(&workspace_folder(model)),
        user: literal(&model.toolchain.user.value),
        vm_size: lab_vm.map(|vm| literal(&vm.size.value)).unwrap_or_default(),
        disk_gb: lab_vm.map_or(0, |vm| vm.disk_gb.value),
        image_version: lab_vm.and_then(|vm| vm.image.as_ref()).map(|i| literal(&i.value)).unwrap_or_default(),
        max_per_user: lab_vm.and_then(|vm| vm.max_per_user.as_ref()).map_or(0, |n| n.value),
        lab_users: array(&model.azure.iter().flat_map(|a| &a.lab_users).map(|g| g.value.clone()).collect::<Vec<_>>()),
        vm_summary,
        labs,
        marks,
    }
}

/// Render `infra/lab.bicep`, `infra/modules/lab.bicep` or
/// `infra/lab.bicepparam`.
///
/// # Errors
/// A template error (a bug).
pub(super) fn render_lab(model: &Model, file: LabFile, path: &str) -> Result<Traced, RenderError> {
    let mut tracer = Tracer::default();
    let view = view(model, &mut tracer);
    let template = match file {
        LabFile::Main => TEMPLATE_BICEP_LAB,
        LabFile::Module => module_template(BicepModule::Lab),
        LabFile::Params => TEMPLATE_BICEP_LAB_PARAMS,
    };
    Ok(tracer.resolve(&render(template, &view, path)?))
}

/// The three lab files that share a view.
#[derive(Debug, Clone, Copy)]
pub(super) enum LabFile {
    /// `infra/lab.bicep`.
    Main,
    /// `infra/modules/lab.bicep`.
    Module,
    /// `infra/lab.bicepparam`.
    Params,
}

/// Render the artifact definition `Artifactfile.json` (JSON: its origin is
/// recorded in the lock; the description says it is generated).
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_artifact(model: &Model, spec_name: &str, path: &str) -> Result<Traced, RenderError> {
    let parameter = |name: &str, description: &str| json!({ "type": "string", "displayName": name, "description": description, "allowEmpty": false });
    let secret = |name: &str, description: &str| json!({ "type": "securestring", "displayName": name, "description": description, "allowEmpty": true });
    let document = json!({
        "$schema": "https://raw.githubusercontent.com/Azure/azure-devtestlab/master/schemas/2016-11-28/dtlArtifacts.json",
        "title": "Prepare the workspace",
        "description": format!(
            "Mounts the data disk as Docker's storage, puts the user in the docker group and clones the project's repository with the lab's token. Generated by inception from {spec_name}: do not edit."
        ),
        "publisher": "inception",
        "tags": ["Linux", "Docker", "Git"],
        "targetOsType": "Linux",
        "parameters": {
            "repository": parameter("Repository", "The git URL of the project's repository."),
            "directory": parameter("Directory", "Where to clone it."),
            "owner": parameter("Owner", "The user who owns the clone."),
            "token": secret("Token", "The lab's token for the repository; empty for a public one."),
        },
        "runCommand": {
            "commandToExecute": command_to_execute(&["repository", "directory", "owner", "token"])
        }
    });
    let text = serde_json::to_string_pretty(&document)
        .map_err(|e| RenderError::Serialize { path: path.to_owned(), message: e.to_string() })?;
    let mut paths = Paths::default();
    for origin in repo_origins(model) {
        paths.add("parameters.repository", origin);
    }
    Ok(trace_structured(&format!("{text}\n"), &paths))
}

/// The artifact's command line, an ARM expression: `bash prepare-workspace.sh`
/// and each parameter as one single-quoted shell word. A `'` inside a value
/// becomes `'\''` (close, escaped quote, reopen), so no value, whatever it
/// holds, reaches the shell as anything but one argument.
pub(super) fn command_to_execute(parameters: &[&str]) -> String {
    // In an ARM string literal a `'` is written `''`: `''''` is one quote,
    // `'''\'''''` the four characters `'\''`.
    let words: Vec<String> =
        parameters.iter().map(|p| format!(r"'''', replace(parameters('{p}'), '''', '''\'''''), ''''")).collect();
    format!("[concat('bash prepare-workspace.sh ', {})]", words.join(", ' ', "))
}

/// Render the artifact's script, `prepare-workspace.sh`.
///
/// # Errors
/// A template error (a bug).
pub(super) fn render_script(spec_name: &str, path: &str) -> Result<Traced, RenderError> {
    #[derive(Serialize)]
    struct ScriptView {
        banner: String,
    }
    let view = ScriptView { banner: banner(Comment::Hash, spec_name) };
    Ok(Tracer::default().resolve(&render(TEMPLATE_LAB_SCRIPT, &view, path)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny evaluator of the ARM expressions the artifact uses:
    /// `concat`, `replace`, `parameters` and string literals.
    fn evaluate(expression: &str, parameters: &[(&str, &str)]) -> String {
        fn literal(text: &str) -> (String, &str) {
            let mut out = String::new();
            let mut rest = &text[1..];
            loop {
                let end = rest.find('\'').expect("closed literal");
                out.push_str(&rest[..end]);
                if rest[end + 1..].starts_with('\'') {
                    out.push('\'');
                    rest = &rest[end + 2..];
                } else {
                    return (out, &rest[end + 1..]);
                }
            }
        }
        fn value<'a>(text: &'a str, parameters: &[(&str, &str)]) -> (String, &'a str) {
            let text = text.trim_start();
            if text.starts_with('\'') {
                return literal(text);
            }
            let open = text.find('(').expect("a call");
            let name = &text[..open];
            let mut rest = &text[open + 1..];
            let mut args = Vec::new();
            loop {
                let (arg, after) = value(rest, parameters);
                args.push(arg);
                let after = after.trim_start();
                rest = &after[1..];
                if after.starts_with(')') {
                    break;
                }
            }
            let result = match name {
                "concat" => args.concat(),
                "replace" => args[0].replace(&args[1], &args[2]),
                "parameters" => parameters.iter().find(|(n, _)| *n == args[0]).expect("known").1.to_owned(),
                other => panic!("unknown function {other}"),
            };
            (result, rest)
        }
        let inner = expression.strip_prefix('[').and_then(|e| e.strip_suffix(']')).expect("an expression");
        let (result, rest) = value(inner, parameters);
        assert!(rest.trim().is_empty(), "trailing {rest}");
        result
    }

    #[test]
    fn the_lab_artifact_passes_each_parameter_as_one_shell_word() {
        let expression = command_to_execute(&["repository", "directory", "owner"]);
        let hostile = [
            ("repository", "https://github.com/o/r.git;id>/tmp/pwned"),
            ("directory", "/home/u/it's $(id) `id` \"x\" \\ ;"),
            ("owner", "'; touch /tmp/pwned; '"),
        ];
        let command = evaluate(&expression, &hostile);
        assert!(command.starts_with("bash prepare-workspace.sh '"), "{command}");
        // The same words, printed one per line by a real shell.
        let script = command.replacen("bash prepare-workspace.sh", "printf '%s\\n'", 1);
        let output = std::process::Command::new("sh").arg("-c").arg(&script).output().expect("sh runs");
        let printed = String::from_utf8(output.stdout).expect("utf-8");
        let expected: String = hostile.iter().map(|(_, v)| format!("{v}\n")).collect();
        assert_eq!(printed, expected, "{command}");
    }

    #[test]
    fn every_reference_region_shuts_down_in_its_own_time_zone() {
        assert_eq!(time_zone("eastus"), "Eastern Standard Time");
        assert_eq!(time_zone("northeurope"), "GMT Standard Time");
        assert_eq!(time_zone("southeastasia"), "Singapore Standard Time");
        assert_eq!(time_zone("japaneast"), "Tokyo Standard Time");
        assert_eq!(time_zone("marsnorth"), "UTC");
    }
}
