//! What `inception lint` reports about the Azure side of a valid spec: a
//! cluster version AKS no longer (or not yet) supports, a kubectl too far
//! from the cluster, and the people who would be locked out of a tier
//! because the spec names no group for them.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::aks_versions::{self as aks, Support};
use super::azure::tier_span;
use super::types::{Cluster, Model};

/// One Azure finding.
#[derive(Debug, Error, Diagnostic)]
pub enum AzureFinding {
    /// The AKS version is a preview on the table's date.
    #[error("Kubernetes {version} is a preview on AKS until {ga}")]
    #[diagnostic(
        code(inception::lint::aks_preview),
        severity(Warning),
        help("previews have no support and may be withdrawn: use {newest}, the newest GA minor")
    )]
    AksPreview {
        /// The version.
        version: String,
        /// When it becomes GA.
        ga: String,
        /// The newest supported minor.
        newest: String,
        /// The `kubernetes` node's value.
        #[label("preview (release calendar read on {read})")]
        span: SourceSpan,
        /// When the table was read.
        read: String,
    },
    /// The AKS version is out of support (platform support only).
    #[error("Kubernetes {version} is out of AKS support since {end_of_life}")]
    #[diagnostic(
        code(inception::lint::aks_out_of_support),
        severity(Error),
        help("AKS creates no new cluster at it and fixes nothing in Kubernetes: use one of {supported}")
    )]
    AksOutOfSupport {
        /// The version.
        version: String,
        /// When support ended.
        end_of_life: String,
        /// The supported minors.
        supported: String,
        /// The `kubernetes` node's value.
        #[label("platform support only (release calendar read on {read})")]
        span: SourceSpan,
        /// When the table was read.
        read: String,
    },
    /// kubectl is more than one minor away from the cloud tiers' cluster.
    #[error("kubectl {kubectl} is more than one minor version from the AKS clusters' Kubernetes {cluster}")]
    #[diagnostic(
        code(inception::lint::kubectl_skew),
        severity(Warning),
        help(
            "Kubernetes supports kubectl one minor older or newer than the API server: pin kubectl {cluster}.x, or set `kubernetes` in `azure` within one minor of it"
        )
    )]
    KubectlSkew {
        /// kubectl's version.
        kubectl: String,
        /// The cluster's minor.
        cluster: String,
        /// The `tool kubectl` node.
        #[label("{kubectl} vs {cluster}")]
        span: SourceSpan,
    },
    /// Nobody may administer a tier's cluster.
    #[error("nobody can run kubectl on tier `{tier}`'s cluster: no `cluster-admins`")]
    #[diagnostic(
        code(inception::lint::no_cluster_admins),
        severity(Warning),
        help(
            "local accounts are off and Azure RBAC authorizes every user: add `tier {tier} {{ cluster-admins \"GROUP-OBJECT-ID\" }}` to `azure` (the group gets Azure Kubernetes Service RBAC Cluster Admin)"
        )
    )]
    NoClusterAdmins {
        /// The tier.
        tier: String,
        /// The tier's `azure tier` node, or `azure`.
        #[label("cluster admins of {tier} missing")]
        span: SourceSpan,
    },
    /// Nobody may set a tier's secrets.
    #[error("nobody can set the secrets of tier `{tier}`: no `secret-operators`")]
    #[diagnostic(
        code(inception::lint::no_secret_operators),
        severity(Warning),
        help(
            "the vault authorizes with Azure RBAC and nobody holds Key Vault Secrets Officer, so pods that mount {secrets} wait in ContainerCreating: add `tier {tier} {{ secret-operators \"GROUP-OBJECT-ID\" }}` to `azure`"
        )
    )]
    NoSecretOperators {
        /// The tier.
        tier: String,
        /// The secrets the services read.
        secrets: String,
        /// The tier's `azure tier` node, or `azure`.
        #[label("secret operators of {tier} missing")]
        span: SourceSpan,
    },
    /// Secret operators cannot reach the vault through its firewall.
    #[error("the secret operators of tier `{tier}` cannot reach its Key Vault: no `operator-ip-ranges`")]
    #[diagnostic(
        code(inception::lint::no_operator_ip_ranges),
        severity(Warning),
        help(
            "the vault's firewall denies every address but the cluster's subnet: add `operator-ip-ranges \"A.B.C.D/N\"` (the operators' public addresses) to `tier {tier}` in `azure`"
        )
    )]
    NoOperatorIpRanges {
        /// The tier.
        tier: String,
        /// The tier's `azure tier` node.
        #[label("operators' addresses missing")]
        span: SourceSpan,
    },
    /// Nobody may create a lab VM.
    #[error("no developer can create a VM in the DevTest Labs: no `lab-users`")]
    #[diagnostic(
        code(inception::lint::no_lab_users),
        severity(Warning),
        help(
            "add `lab-users \"GROUP-OBJECT-ID\"` to `azure`: the group gets DevTest Labs User in every lab (create, start, stop and connect to their own VMs)"
        )
    )]
    NoLabUsers {
        /// The `lab-regions` node.
        #[label("lab users missing")]
        span: SourceSpan,
    },
}

/// The cloud tiers' AKS minor: the spec's `kubernetes`, else the newest supported.
pub(crate) fn cluster_minor(model: &Model) -> Option<u16> {
    let azure = model.azure.as_ref()?;
    match &azure.kubernetes {
        Some(version) => aks::parse_minor(&version.value),
        None => aks::newest_supported(aks::TABLE_READ),
    }
}

/// Every Azure finding of a valid model, in source order.
pub(crate) fn findings(model: &Model) -> Vec<AzureFinding> {
    let Some(azure) = &model.azure else { return Vec::new() };
    let mut found: Vec<(usize, AzureFinding)> = Vec::new();
    let read = aks::show(aks::TABLE_READ);
    let cloud: Vec<&str> =
        model.tiers.iter().filter(|t| t.cluster.value == Cluster::Aks).map(|t| t.name.value.as_str()).collect();
    if let Some(version) = &azure.kubernetes
        && let Some(minor) = aks::parse_minor(&version.value)
    {
        let newest = aks::newest_supported(aks::TABLE_READ).map(|m| format!("1.{m}")).unwrap_or_default();
        match aks::support(minor, aks::TABLE_READ) {
            Support::Preview { ga } => found.push((
                version.span.offset(),
                AzureFinding::AksPreview {
                    version: version.value.clone(),
                    ga: aks::show(ga),
                    newest,
                    span: version.span.into(),
                    read: read.clone(),
                },
            )),
            Support::PlatformOnly { end_of_life } => found.push((
                version.span.offset(),
                AzureFinding::AksOutOfSupport {
                    version: version.value.clone(),
                    end_of_life: aks::show(end_of_life),
                    supported: aks::supported(aks::TABLE_READ).join(", "),
                    span: version.span.into(),
                    read: read.clone(),
                },
            )),
            Support::Supported { .. } | Support::EndOfLife | Support::Unknown => {}
        }
    }
    if !cloud.is_empty()
        && let Some(cluster) = cluster_minor(model)
        && let Some(kubectl) = model.toolchain.tools.iter().find(|t| t.name.value == "kubectl")
        && let Some(minor) = aks::minor_of(&kubectl.version.value)
        && minor.abs_diff(cluster) > 1
    {
        found.push((
            kubectl.span.offset(),
            AzureFinding::KubectlSkew {
                kubectl: kubectl.version.value.clone(),
                cluster: format!("1.{cluster}"),
                span: kubectl.span.into(),
            },
        ));
    }
    let secrets: Vec<String> = model.services.iter().flat_map(|s| &s.secrets).map(|p| p.value.value.clone()).collect();
    for tier in &cloud {
        let span = tier_span(azure, tier);
        let settings = azure.tier(tier);
        if settings.is_none_or(|t| t.cluster_admins.is_empty()) {
            found.push((span.offset(), AzureFinding::NoClusterAdmins { tier: (*tier).to_owned(), span: span.into() }));
        }
        if secrets.is_empty() {
            continue;
        }
        if settings.is_none_or(|t| t.secret_operators.is_empty()) {
            found.push((
                span.offset(),
                AzureFinding::NoSecretOperators {
                    tier: (*tier).to_owned(),
                    secrets: secrets.join(", "),
                    span: span.into(),
                },
            ));
        } else if settings.is_some_and(|t| t.operator_ip_ranges.is_empty()) {
            found.push((
                span.offset(),
                AzureFinding::NoOperatorIpRanges { tier: (*tier).to_owned(), span: span.into() },
            ));
        }
    }
    if azure.lab_users.is_empty()
        && let Some(first) = azure.lab_regions.first()
    {
        found.push((first.span.offset(), AzureFinding::NoLabUsers { span: first.span.into() }));
    }
    found.sort_by_key(|(offset, _)| *offset);
    found.into_iter().map(|(_, finding)| finding).collect()
}
