//! Azure resource names, derived from the project, tier and region names
//! within each resource type's length and character rules.
//!
//! Spec names are DNS labels (`[a-z0-9-]`, at most 63 characters), so the
//! only work is fitting them: when a name is too long, the project part is
//! shortened first (so the tier or region, which tells resources apart,
//! stays whole), then the tier. Globally unique names (Key Vault, storage
//! account) end with [`UNIQUE_SUFFIX_LEN`] hex digits of a hash of the
//! project and its repository ([`unique_suffix`]): another organisation's
//! `serenity` gets other names, while deleting and re-deploying a tier gets
//! the same ones, known before deployment (the Helm values and the README
//! name them).

use crate::model::Model;

/// How many hex digits of [`unique_suffix`] end a globally unique name
/// (16.7 million values per prefix).
pub(crate) const UNIQUE_SUFFIX_LEN: usize = 6;

/// The suffix of the globally unique names: the first [`UNIQUE_SUFFIX_LEN`]
/// hex digits of sha256(`PROJECT` newline `ANCHOR`), where the anchor is the
/// project's repository URL, else its registry host, else nothing.
pub(crate) fn unique_suffix(model: &Model) -> String {
    let project = &model.project;
    let anchor = project.repo.as_ref().or(project.registry.as_ref()).map_or("", |a| a.value.as_str());
    let mut hash = crate::digest::sha256_hex(format!("{}\n{anchor}", project.name.value).as_bytes());
    hash.truncate(UNIQUE_SUFFIX_LEN);
    hash
}

/// Key Vault names: 3–24 characters in all.
const KEY_VAULT_MAX: usize = 24;
/// Storage account names: 3–24 characters in all.
const STORAGE_MAX: usize = 24;

/// `prefix` and `parts` joined with `sep`, at most `max` characters. Parts
/// are shortened from the first (the project) on; a shortened part loses its
/// trailing hyphens and an emptied part is dropped, so no name ends with or
/// doubles a separator.
fn fit(prefix: &str, parts: &[&str], sep: &str, max: usize) -> String {
    let mut parts: Vec<String> = parts.iter().map(|p| (*p).to_owned()).filter(|p| !p.is_empty()).collect();
    let joined = |parts: &[String]| {
        let body = parts.join(sep);
        if prefix.is_empty() { body } else { format!("{prefix}{sep}{body}") }
    };
    let mut index = 0;
    while joined(&parts).len() > max && index < parts.len() {
        let excess = joined(&parts).len() - max;
        let part = &mut parts[index];
        let keep = part.len().saturating_sub(excess);
        part.truncate(keep);
        while part.ends_with('-') {
            part.pop();
        }
        if part.is_empty() {
            parts.remove(index);
        } else {
            index += 1;
        }
    }
    let mut name = joined(&parts);
    name.truncate(max);
    name
}

/// Letters and digits only (hyphens dropped), for resources that allow no
/// separator.
fn alphanumeric(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The tier's resource group: 1–90 characters.
pub(crate) fn resource_group(project: &str, tier: &str) -> String {
    fit("rg", &[project, tier], "-", 90)
}

/// The resource group every tier shares (the container registry).
pub(crate) fn shared_resource_group(project: &str) -> String {
    fit("rg", &[project, "shared"], "-", 90)
}

/// The resource group of the DevTest Labs.
pub(crate) fn lab_resource_group(project: &str) -> String {
    fit("rg", &[project, "labs"], "-", 90)
}

/// The AKS cluster: 1–63 letters, digits, hyphens, underscores. Also its DNS
/// prefix, which allows 1–54.
pub(crate) fn cluster(project: &str, tier: &str) -> String {
    fit("aks", &[project, tier], "-", 54)
}

/// The Log Analytics workspace: 4–63 letters, digits and hyphens.
pub(crate) fn workspace(project: &str, tier: &str) -> String {
    fit("log", &[project, tier], "-", 63)
}

/// The tier's virtual network: 2–64 characters.
pub(crate) fn virtual_network(project: &str, tier: &str) -> String {
    fit("vnet", &[project, tier], "-", 64)
}

/// The Key Vault name before its unique suffix: the whole name is 3–24
/// letters, digits and hyphens, starts with a letter, has no `--`, and the
/// suffix (alphanumeric) ends it, so the prefix ends with a hyphen.
pub(crate) fn key_vault_prefix(project: &str, tier: &str) -> String {
    let body = fit("kv", &[project, tier], "-", KEY_VAULT_MAX - UNIQUE_SUFFIX_LEN - 1);
    format!("{body}-")
}

/// The tier's Key Vault: [`key_vault_prefix`] + `suffix` ([`unique_suffix`]).
pub(crate) fn key_vault(project: &str, tier: &str, suffix: &str) -> String {
    format!("{}{suffix}", key_vault_prefix(project, tier))
}

/// The tier's storage account: 3–24 lower-case letters and digits,
/// `st` + project + tier (the project shortened first) + `suffix`
/// ([`unique_suffix`]). Known at compile time, because the services' Helm
/// values name it too (`AZURE_STORAGE_ACCOUNT`).
pub(crate) fn storage_account(project: &str, tier: &str, suffix: &str) -> String {
    let body = fit("st", &[&alphanumeric(project), &alphanumeric(tier)], "", STORAGE_MAX - suffix.len());
    format!("{body}{suffix}")
}

/// The container registry from `project registry HOST`: the ACR named by an
/// `NAME.azurecr.io` host (5–50 letters and digits), else one named after
/// the project (the spec's registry is then not an ACR, and the cluster
/// pulls from the ACR made here).
pub(crate) fn registry(project: &str, host: Option<&str>) -> String {
    let named = host.and_then(|h| h.strip_suffix(crate::model::ACR_SUFFIX)).map(str::to_ascii_lowercase);
    match named {
        Some(name) if crate::model::is_acr_name(&name) => name,
        _ => fit("", &[&alphanumeric(project), "acr"], "", 50),
    }
}

/// A service's user-assigned identity: 3–128 letters, digits, hyphens and
/// underscores, starting with a letter or digit. One resource group per
/// tier, so the service name is enough.
pub(crate) fn identity(service: &str) -> String {
    fit("id", &[service], "-", 128)
}

/// The federated credential of a service's identity (one per identity, so
/// the service name is enough): 3–120 characters, starting with a letter or
/// digit.
pub(crate) fn federated_credential(service: &str) -> String {
    fit("k8s", &[service], "-", 120)
}

/// A deployment (a module call) of a service's identity: at most 64
/// characters.
pub(crate) fn identity_deployment(service: &str) -> String {
    fit("identity", &[service], "-", 64)
}

/// The pipelines' user-assigned identity, in the shared resource group:
/// 3–128 letters, digits, hyphens and underscores.
pub(crate) fn pipeline_identity(project: &str) -> String {
    fit("id", &[project, "pipeline"], "-", 128)
}

/// A region's DevTest Lab: 1–50 letters, digits, hyphens and underscores.
pub(crate) fn lab(project: &str, region: &str) -> String {
    fit("lab", &[project, region], "-", 50)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowercase_alphanumeric(name: &str) -> bool {
        name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    }

    /// A Key Vault name as Azure checks it.
    fn valid_key_vault(name: &str) -> bool {
        (3..=24).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric())
            && !name.contains("--")
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    }

    const SUFFIX: &str = "abc123";

    #[test]
    fn short_names_keep_every_part() {
        assert_eq!(resource_group("serenity", "dev"), "rg-serenity-dev");
        assert_eq!(shared_resource_group("serenity"), "rg-serenity-shared");
        assert_eq!(cluster("serenity", "staging"), "aks-serenity-staging");
        assert_eq!(workspace("serenity", "prod"), "log-serenity-prod");
        assert_eq!(key_vault_prefix("serenity", "dev"), "kv-serenity-dev-");
        assert_eq!(storage_account("serenity", "dev", SUFFIX), "stserenitydevabc123");
        assert_eq!(key_vault("serenity", "dev", SUFFIX), "kv-serenity-dev-abc123");
        assert_eq!(identity("risk"), "id-risk");
        assert_eq!(federated_credential("risk"), "k8s-risk");
        assert_eq!(lab("serenity", "southeastasia"), "lab-serenity-southeastasia");
    }

    #[test]
    fn key_vault_names_fit_by_shortening_the_project_first() {
        let prefix = key_vault_prefix("serenity", "staging");
        assert_eq!(prefix, "kv-sereni-staging-");
        assert!(valid_key_vault(&format!("{prefix}{SUFFIX}")));
        let long = "a".repeat(63);
        for (project, tier) in [(long.as_str(), "prod"), ("p", long.as_str()), (long.as_str(), long.as_str())] {
            let name = format!("{}{SUFFIX}", key_vault_prefix(project, tier));
            assert!(valid_key_vault(&name), "{name}");
        }
    }

    #[test]
    fn a_shortened_part_never_leaves_a_double_hyphen() {
        // `my-platform` is cut to `my-`: the dangling hyphen goes too.
        let prefix = key_vault_prefix("my-platform", "production");
        assert_eq!(prefix, "kv-my-production-");
        assert!(!prefix.contains("--"), "{prefix}");
        assert!(valid_key_vault(&format!("{prefix}{SUFFIX}")), "{prefix}");
    }

    #[test]
    fn storage_accounts_are_lowercase_alphanumerics_within_24() {
        let long = "x".repeat(63);
        for (project, tier) in [("serenity", "staging"), ("my-platform", "pre-prod"), (long.as_str(), long.as_str())] {
            let name = storage_account(project, tier, SUFFIX);
            assert!((3..=24).contains(&name.len()), "{name}");
            assert!(lowercase_alphanumeric(&name), "{name}");
        }
        assert_eq!(storage_account("serenity", "staging", SUFFIX), "stserenitystagingabc123");
        assert_eq!(storage_account("serenity-analytics-platform", "production", SUFFIX), "stsereniproductionabc123");
    }

    #[test]
    fn the_registry_comes_from_an_acr_host_or_from_the_project() {
        assert_eq!(registry("serenity", Some("cloudwall.azurecr.io")), "cloudwall");
        assert_eq!(registry("hello", Some("hello.azurecr.io")), "hello");
        // Not an ACR, or a name ACR rejects (too short, a hyphen): one named after the project.
        assert_eq!(registry("my-app", Some("ghcr.io")), "myappacr");
        assert_eq!(registry("web", Some("abc.azurecr.io")), "webacr");
        assert_eq!(registry("web", Some("my-reg.azurecr.io")), "webacr");
        assert_eq!(registry("web", None), "webacr");
        let long = registry(&"p".repeat(63), None);
        assert!((5..=50).contains(&long.len()) && lowercase_alphanumeric(&long), "{long}");
    }

    #[test]
    fn cluster_names_fit_the_dns_prefix_and_keep_the_tier() {
        let name = cluster(&"p".repeat(63), "production");
        assert!(name.len() <= 54, "{name}");
        assert!(name.ends_with("-production"), "{name}");
        assert!(name.starts_with("aks-p"), "{name}");
        let workspace = workspace(&"p".repeat(63), "production");
        assert!((4..=63).contains(&workspace.len()) && workspace.ends_with("-production"), "{workspace}");
    }

    #[test]
    fn lab_names_fit_50_and_keep_the_region() {
        let name = lab(&"p".repeat(63), "southeastasia");
        assert!(name.len() <= 50, "{name}");
        assert!(name.ends_with("-southeastasia"), "{name}");
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{name}");
    }

    #[test]
    fn identity_and_credential_names_start_with_an_alphanumeric() {
        assert!(identity_deployment(&"s".repeat(63)).len() <= 64);
        for name in [identity("a"), federated_credential("b"), identity(&"s".repeat(63))] {
            assert!(name.starts_with(|c: char| c.is_ascii_alphanumeric()), "{name}");
            assert!(name.len() >= 3, "{name}");
        }
    }
}
