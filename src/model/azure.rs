//! `azure { … }` → [`Azure`]: the region of the cloud tiers and the DevTest
//! Labs, the AKS version, and per cloud tier who may administer the cluster
//! and set secrets, from which addresses, and when AKS may upgrade it.

use super::aks_versions::{self as aks, Support};
use super::error::{Invalid, ModelError};
use super::reader::{Reader, Seen};
use super::suggest::did_you_mean;
use super::types::{Azure, AzureTier, Cluster, LabVm, Maintenance, Model, Weekday};
use super::vocabulary::Context;
use crate::spec::{RawNode, Span, Spanned};

/// Resolve the `azure` node.
pub(crate) fn resolve(reader: &mut Reader, node: &RawNode) -> Option<Azure> {
    reader.props(node, &[]);
    reader.max_args(node, 0, "no arguments");
    let mut location = None;
    let mut lab_regions = Vec::new();
    let mut lab_vm = None;
    let mut kubernetes = None;
    let mut lab_users = Vec::new();
    let mut tiers: Vec<AzureTier> = Vec::new();
    let mut once = Seen::default();
    let mut regions = Seen::default();
    let mut tier_names = Seen::default();
    for child in reader.children(node, Context::Azure, "`azure`") {
        if child.name.value == "tier" {
            if let Some(tier) = resolve_tier(reader, child)
                && tier_names.insert(reader, "azure tier", &tier.name, "write one `tier` node per tier")
            {
                tiers.push(tier);
            }
            continue;
        }
        once.insert(reader, "azure node", &child.name, "write it once");
        match child.name.value.as_str() {
            "kubernetes" => {
                kubernetes = reader.leaf_string(child, "an AKS minor version").filter(|v| version(reader, v))
            }
            "lab-users" => lab_users = groups(reader, child),
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
    Some(Azure { location, lab_regions, lab_vm, kubernetes, lab_users, tiers, span: node.span })
}

/// `kubernetes "1.MINOR"`: a minor AKS offers on the table's date. A preview
/// or a version on platform support only passes here (`lint` reports it); one
/// past its end of life, or unknown, is an error.
fn version(reader: &mut Reader, value: &Spanned<String>) -> bool {
    let read = aks::show(aks::TABLE_READ);
    let supported = aks::supported(aks::TABLE_READ).join(", ");
    let Some(minor) = aks::parse_minor(&value.value) else {
        reader.invalid(
            Invalid::Malformed,
            value.span,
            format!("`{}` is not a Kubernetes minor version", value.value),
            "expected 1.MINOR".to_owned(),
            format!("write the minor only (AKS applies patches itself), one of {supported}"),
        );
        return false;
    };
    let refused = match aks::support(minor, aks::TABLE_READ) {
        Support::EndOfLife => format!("Kubernetes 1.{minor} is past its end of life on AKS"),
        Support::Unknown => format!("AKS has not announced Kubernetes 1.{minor}"),
        Support::Preview { .. } | Support::Supported { .. } | Support::PlatformOnly { .. } => return true,
    };
    reader.invalid(
        Invalid::Unknown,
        value.span,
        refused,
        format!("per the AKS release calendar read on {read}"),
        format!("use a supported minor: {supported} (or leave `kubernetes` out for the newest)"),
    );
    false
}

/// Entra ID group object ids: GUIDs, never names or user principals.
fn groups(reader: &mut Reader, node: &RawNode) -> Vec<Spanned<String>> {
    reader.props(node, &[]);
    reader.no_children(node);
    if node.args.is_empty() {
        reader.missing_arg(node, "one or more Entra ID group object ids");
    }
    let mut seen = Seen::default();
    let mut ids = Vec::new();
    for id in reader.string_args(node, 0, "an Entra ID group object id") {
        if !is_guid(&id.value) {
            reader.invalid(
                Invalid::Malformed,
                id.span,
                format!("`{}` is not an Entra ID group object id", id.value),
                "expected a GUID such as 0b1f5c3e-8d2a-4c71-9e6b-2f4a7d9c1e35".to_owned(),
                "copy the group's Object ID (`az ad group show --group NAME --query id -o tsv`); never a user name"
                    .to_owned(),
            );
            continue;
        }
        if seen.insert(reader, "group", &id, "list each group once") {
            ids.push(id);
        }
    }
    ids
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// IPv4 addresses or CIDR ranges, as the Key Vault, storage and AKS firewalls take them.
fn ip_ranges(reader: &mut Reader, node: &RawNode) -> Vec<Spanned<String>> {
    reader.props(node, &[]);
    reader.no_children(node);
    if node.args.is_empty() {
        reader.missing_arg(node, "one or more IPv4 ranges (CIDR)");
    }
    let mut ranges = Vec::new();
    for range in reader.string_args(node, 0, "an IPv4 range") {
        if is_cidr(&range.value) {
            ranges.push(range);
        } else {
            reader.invalid(
                Invalid::Malformed,
                range.span,
                format!("`{}` is not an IPv4 address or range", range.value),
                "expected A.B.C.D or A.B.C.D/N".to_owned(),
                "write a public IPv4 range in CIDR form, e.g. 203.0.113.0/24".to_owned(),
            );
        }
    }
    ranges
}

fn is_cidr(s: &str) -> bool {
    let (address, bits) = s.split_once('/').map_or((s, None), |(a, b)| (a, Some(b)));
    let octets: Vec<&str> = address.split('.').collect();
    octets.len() == 4
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()) && o.parse::<u8>().is_ok())
        && bits.is_none_or(|b| !b.is_empty() && b.len() <= 2 && b.parse::<u8>().is_ok_and(|n| n <= 32))
}

/// `tier NAME { cluster-admins …; secret-operators …; operator-ip-ranges …;
/// api-server-ip-ranges …; maintenance DAY hour= hours= }`.
fn resolve_tier(reader: &mut Reader, node: &RawNode) -> Option<AzureTier> {
    reader.props(node, &[]);
    reader.max_args(node, 1, "the tier's name");
    let name = reader.string_arg(node, 0, "a tier name")?;
    let mut tier = AzureTier {
        name,
        cluster_admins: Vec::new(),
        secret_operators: Vec::new(),
        operator_ip_ranges: Vec::new(),
        api_server_ip_ranges: Vec::new(),
        maintenance: None,
        span: node.span,
    };
    let mut once = Seen::default();
    for child in reader.children(node, Context::AzureTier, "an azure `tier`") {
        once.insert(reader, "azure tier node", &child.name, "write it once");
        match child.name.value.as_str() {
            "cluster-admins" => tier.cluster_admins = groups(reader, child),
            "secret-operators" => tier.secret_operators = groups(reader, child),
            "operator-ip-ranges" => tier.operator_ip_ranges = ip_ranges(reader, child),
            "api-server-ip-ranges" => tier.api_server_ip_ranges = ip_ranges(reader, child),
            _ => tier.maintenance = maintenance(reader, child),
        }
    }
    Some(tier)
}

/// `maintenance DAY hour=H hours=N`: weekly, UTC, at least 4 hours (AKS's
/// minimum). Every problem of the node is reported, not only the first.
fn maintenance(reader: &mut Reader, node: &RawNode) -> Option<Maintenance> {
    reader.props(node, &["hour", "hours"]);
    reader.max_args(node, 1, "a day of the week");
    reader.no_children(node);
    let day = reader.string_arg(node, 0, "a day of the week").and_then(|day| weekday(reader, &day));
    let name = node.name.value.clone();
    let hour = match node.prop("hour") {
        Some(p) => {
            reader.int_value(&format!("{name} hour="), &p.value, "the starting hour (UTC)", 0..=23).map(|h| h.value)
        }
        None => Some(i128::from(DEFAULT_HOUR)),
    };
    let hours = match node.prop("hours") {
        Some(p) => reader
            .int_value(&format!("{name} hours="), &p.value, "the window's length in hours", 4..=24)
            .map(|h| h.value),
        None => Some(i128::from(DEFAULT_HOURS)),
    };
    Some(Maintenance { day: day?, hour: u8::try_from(hour?).ok()?, hours: u8::try_from(hours?).ok()? })
}

fn weekday(reader: &mut Reader, day: &Spanned<String>) -> Option<Weekday> {
    if let Some(&(_, weekday)) = Weekday::ALL.iter().find(|(name, _)| *name == day.value) {
        return Some(weekday);
    }
    let days: Vec<&str> = Weekday::ALL.iter().map(|(n, _)| *n).collect();
    reader.invalid(
        Invalid::Unknown,
        day.span,
        format!("`{}` is not a day of the week", day.value),
        format!("expected one of {}", days.join(", ")),
        did_you_mean(&day.value, &days, "day"),
    );
    None
}

/// The default window starts at 02:00 UTC…
pub(crate) const DEFAULT_HOUR: u8 = 2;
/// …and lasts AKS's minimum of four hours.
pub(crate) const DEFAULT_HOURS: u8 = 4;

/// The maintenance window of the `index`-th cloud tier (promotion order)
/// when the spec gives none: the first tier on Monday, the next on Tuesday…
/// so an upgrade reaches each tier a day after the one before it.
pub(crate) fn default_maintenance(index: usize) -> Maintenance {
    let day = Weekday::ALL[index.min(Weekday::ALL.len() - 1)].1;
    Maintenance { day, hour: DEFAULT_HOUR, hours: DEFAULT_HOURS }
}

/// Cross-references, once the tiers are known: every `azure tier NAME`
/// names a `cluster aks` tier.
pub(crate) fn check(reader: &mut Reader, model: &Model) {
    let Some(azure) = &model.azure else { return };
    let cloud: Vec<&str> =
        model.tiers.iter().filter(|t| t.cluster.value == Cluster::Aks).map(|t| t.name.value.as_str()).collect();
    for tier in &azure.tiers {
        let name = &tier.name.value;
        match model.tier(name) {
            Some(_) if cloud.contains(&name.as_str()) => {}
            Some(_) => reader.invalid(
                Invalid::Misplaced,
                tier.name.span,
                format!("tier `{name}` runs on Minikube, not AKS"),
                "Azure access and windows apply to `cluster aks` tiers".to_owned(),
                format!("remove this `tier {name}` node from `azure`"),
            ),
            None => reader.error(ModelError::UnknownReference {
                what: "tier".to_owned(),
                name: name.clone(),
                span: tier.name.span.into(),
                help: did_you_mean(name, &cloud, "cloud tier"),
            }),
        }
    }
}

/// The span to point at for "this tier has no …": its `azure tier` node's
/// name, else the `azure` keyword.
pub(crate) fn tier_span(azure: &Azure, tier: &str) -> Span {
    azure.tier(tier).map_or(Span::new(azure.span.offset(), "azure".len()), |t| t.name.span)
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
            Invalid::Malformed,
            name.span,
            format!("`{}` is not an Azure region name", name.value),
            "expected lower-case letters and digits".to_owned(),
            "use the programmatic name `az account list-locations` shows, e.g. northeurope".to_owned(),
        );
    }
    ok
}

fn resolve_lab_vm(reader: &mut Reader, node: &RawNode) -> Option<LabVm> {
    reader.props(node, &["size", "disk-gb", "image", "max-per-user"]);
    reader.max_args(node, 0, "only size=, disk-gb=, image= and max-per-user=");
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
    if !super::grammar::is_vm_size(&size.value) {
        reader.invalid(
            Invalid::Malformed,
            size.span,
            format!("`{}` is not an Azure VM size", size.value.escape_debug()),
            "expected Standard_ then letters, digits and _".to_owned(),
            "write a size such as Standard_D8s_v5".to_owned(),
        );
        return None;
    }
    let image = reader.string_prop(node, "image", "a marketplace image version");
    if let Some(image) = &image
        && !(image.value.split('.').count() >= 3
            && image.value.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    {
        reader.invalid(Invalid::Malformed,
            image.span,
            format!("`{}` is not a marketplace image version", image.value),
            "expected digits and dots, e.g. 22.04.202608060".to_owned(),
            "pick one from `az vm image list --publisher Canonical --offer 0001-com-ubuntu-server-jammy --sku 22_04-lts-gen2 --all -o table`".to_owned(),
        );
        return None;
    }
    let max_per_user = match node.prop("max-per-user") {
        Some(prop) => {
            let n = reader.int_value(&format!("{name} max-per-user="), &prop.value, "a VM count", 1..=10)?;
            Some(Spanned::new(u32::try_from(n.value).ok()?, n.span))
        }
        None => None,
    };
    Some(LabVm { size, disk_gb: Spanned::new(u32::try_from(disk.value).ok()?, disk.span), image, max_per_user })
}
