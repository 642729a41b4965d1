//! `azure { … }` → [`Azure`]: the region of the cloud tiers and the DevTest Labs.

use super::error::Invalid;
use super::error::ModelError;
use super::reader::{Reader, Seen};
use super::types::{Azure, LabVm};
use super::vocabulary::Context;
use crate::spec::{RawNode, Spanned};

/// Resolve the `azure` node.
pub fn resolve(reader: &mut Reader, node: &RawNode) -> Option<Azure> {
    reader.props(node, &[]);
    reader.max_args(node, 0, "no arguments");
    let mut location = None;
    let mut lab_regions = Vec::new();
    let mut lab_vm = None;
    let mut once = Seen::default();
    let mut regions = Seen::default();
    for child in reader.children(node, Context::Azure, "`azure`") {
        once.insert(reader, "azure node", &child.name, "write it once");
        match child.name.value.as_str() {
            "location" => location = reader.leaf_string(child, "an Azure region").filter(|r| region(reader, r)),
            "lab-regions" => {
                reader.props(child, &[]);
                reader.no_children(child);
                if child.args.is_empty() {
                    reader.missing_arg(child, "one or more Azure regions");
                }
                for r in reader.string_args(child, 0, "an Azure region") {
                    if region(reader, &r) && regions.insert(reader, "lab region", &r, "one lab per region") {
                        lab_regions.push(r);
                    }
                }
            }
            _ => lab_vm = resolve_lab_vm(reader, child),
        }
    }
    let Some(location) = location else {
        reader.error(ModelError::Missing {
            message: "`azure` has no location".to_owned(),
            span: node.name.span.into(),
            label: "no `location` here".to_owned(),
            help: "add `location REGION`, e.g. location eastus".to_owned(),
        });
        return None;
    };
    Some(Azure { location, lab_regions, lab_vm, span: node.span })
}

fn region(reader: &mut Reader, name: &Spanned<String>) -> bool {
    let ok = !name.value.is_empty() && name.value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if let Some(known) = super::regions::near_miss(&name.value).filter(|_| ok) {
        reader.invalid(
            Invalid::Unknown,
            name.span,
            format!("unknown Azure region `{}`", name.value),
            "not a region inception knows".to_owned(),
            format!("did you mean `{known}`?"),
        );
        return false;
    }
    if !ok {
        reader.invalid(
            Invalid::Name,
            name.span,
            format!("`{}` is not an Azure region name", name.value),
            "expected lower-case letters and digits".to_owned(),
            "use the programmatic name `az account list-locations` shows, e.g. northeurope".to_owned(),
        );
    }
    ok
}

fn resolve_lab_vm(reader: &mut Reader, node: &RawNode) -> Option<LabVm> {
    reader.props(node, &["size", "disk-gb"]);
    reader.max_args(node, 0, "only size= and disk-gb=");
    reader.no_children(node);
    let size = reader.required_string_prop(node, "size", "a VM size", "Standard_D8s_v5")?;
    let name = node.name.value.clone();
    let disk = match node.prop("disk-gb") {
        Some(prop) => reader.int_value(&format!("{name} disk-gb="), &prop.value, "a disk size in GiB", 32..=4095)?,
        None => {
            reader.required_string_prop(node, "disk-gb", "a disk size", "128");
            return None;
        }
    };
    if !size.value.starts_with("Standard_") {
        reader.invalid(
            Invalid::Name,
            size.span,
            format!("`{}` is not an Azure VM size", size.value),
            "expected Standard_…".to_owned(),
            "write a size such as Standard_D8s_v5".to_owned(),
        );
        return None;
    }
    Some(LabVm { size, disk_gb: Spanned::new(u32::try_from(disk.value).ok()?, disk.span) })
}
