//! Which nodes and properties the language has, and where.
//!
//! One table, so that "unknown node" errors can say where a misplaced node
//! belongs, and the `schema` and `fmt` commands share the same vocabulary.

use crate::layout;

/// Service names taken by files every tier's Argo CD folder holds besides
/// one per service (the emulator, the AppProjects, the app of apps, Argo CD
/// itself, the credentials release), and the local git server's release.
pub const RESERVED_SERVICES: &[&str] = &[
    layout::ARGOCD_APP,
    layout::AZURITE_APP,
    layout::CREDENTIALS_APP,
    layout::LOCAL_GIT_RELEASE,
    layout::NETWORK_APP,
    layout::PROJECT_APP,
    layout::PROJECT_BOOTSTRAP_APP,
    layout::ROOT_APP,
];

/// The prefixes of the observability and operator Applications' stems.
pub const RESERVED_SERVICE_PREFIXES: &[&str] = &[layout::OBSERVABILITY_PREFIX, layout::OPERATOR_PREFIX];

/// Tier names taken by folders beside the tiers' in the Argo CD folder.
pub const RESERVED_TIERS: &[&str] = &[layout::REPOSITORIES];

/// Why `name` cannot name a service, if it cannot.
pub fn reserved_service(name: &str) -> Option<String> {
    if RESERVED_SERVICES.contains(&name) {
        Some(format!("`{}` is written for every tier already", layout::argocd_app("TIER", name)))
    } else {
        RESERVED_SERVICE_PREFIXES.iter().find(|p| name.starts_with(**p)).map(|prefix| {
            let pattern = layout::argocd_app("TIER", &format!("{prefix}*"));
            format!("`{pattern}` are the observability stack's and operators' files")
        })
    }
}

/// Why `name` cannot name a tier, if it cannot.
pub fn reserved_tier(name: &str) -> Option<String> {
    RESERVED_TIERS.contains(&name).then(|| format!("`{}/` holds the Helm repositories", layout::argocd_tier_dir(name)))
}

/// A place in the spec where nodes may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The top of the document.
    Top,
    /// Inside `project`.
    Project,
    /// Inside `toolchain`.
    Toolchain,
    /// Inside `tier` (top level).
    Tier,
    /// Inside `service`.
    Service,
    /// Inside `job`.
    Job,
    /// Inside a service's `tier NAME reason=` override.
    Override,
    /// Inside `resources`.
    Resources,
    /// Inside `observability`.
    Observability,
    /// Inside `azure`.
    Azure,
    /// Inside `pipeline`.
    Pipeline,
    /// Inside `azure { tier NAME { … } }`.
    AzureTier,
}

impl Context {
    /// Every context, for "it belongs in …" hints.
    pub const ALL: [Context; 12] = [
        Context::Top,
        Context::Project,
        Context::Toolchain,
        Context::Tier,
        Context::Service,
        Context::Job,
        Context::Override,
        Context::Resources,
        Context::Observability,
        Context::Azure,
        Context::Pipeline,
        Context::AzureTier,
    ];

    /// The node names allowed here.
    pub fn nodes(self) -> &'static [&'static str] {
        match self {
            Context::Top => {
                &["inception", "project", "toolchain", "tier", "service", "job", "observability", "azure", "pipeline"]
            }
            Context::Project => &["description", "repo", "registry", "branch"],
            Context::Toolchain => &[
                "base",
                "python",
                "node",
                "go",
                "java",
                "dotnet",
                "user",
                "apt",
                "snapshot",
                "pip",
                "tool",
                "docker-in-docker",
                "extension",
                "setting",
                "mount",
                "forward-port",
            ],
            Context::Tier => &["cluster", "revision", "concession", "image"],
            Context::Service => &[
                "build",
                "image",
                "chart",
                "kind",
                "run",
                "entrypoint",
                "runtime",
                "port",
                "health",
                "metrics",
                "needs",
                "env",
                "secret",
                "storage",
                "resources",
                "replicas",
                "value",
                "expose",
                "tier",
            ],
            Context::Job => &[
                "build",
                "image",
                "run",
                "entrypoint",
                "schedule",
                "retries",
                "timeout",
                "needs",
                "env",
                "secret",
                "storage",
                "resources",
                "tier",
            ],
            Context::Override => &["replicas", "resources", "env", "value", "expose"],
            Context::Resources => &["requests", "limits"],
            Context::Observability => &["prometheus", "grafana", "logging"],
            Context::Pipeline => &["inception", "service-connection"],
            Context::Azure => &["location", "kubernetes", "lab-regions", "lab-vm", "lab-users", "tier"],
            Context::AzureTier => {
                &["cluster-admins", "secret-operators", "operator-ip-ranges", "api-server-ip-ranges", "maintenance"]
            }
        }
    }

    /// How the context is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Context::Top => "the top level",
            Context::Project => "`project`",
            Context::Toolchain => "`toolchain`",
            Context::Tier => "`tier`",
            Context::Service => "`service`",
            Context::Job => "`job`",
            Context::Override => "a tier override",
            Context::Resources => "`resources`",
            Context::Observability => "`observability`",
            Context::Azure => "`azure`",
            Context::Pipeline => "`pipeline`",
            Context::AzureTier => "an azure `tier`",
        }
    }

    /// Another context where `name` is a node, for a misplaced node.
    pub fn home_of(name: &str) -> Option<Context> {
        Context::ALL
            .into_iter()
            .find(|c| !matches!(c, Context::Override | Context::AzureTier) && c.nodes().contains(&name))
    }
}
