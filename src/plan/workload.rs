//! What a service becomes on Kubernetes, decided once for the planner and the
//! renderers: image references and tags, the host other services reach it
//! by, which local concessions touch it, and
//! the spec nodes (origins) each of those facts comes from.
//!
//! Conventions (documented here because generated files rely on them):
//!
//! - A `build` service's image is `REGISTRY/PROJECT-SERVICE`. On a cloud tier
//!   it is pulled by the digest the tier records (`image SERVICE "sha256:…"`),
//!   set by the tier's Argo CD Application (`helm.parameters`), never by a tag.
//!   On a `cluster minikube` tier it is tagged with the tier's `revision` made
//!   a valid Docker tag by [`image_tag`], built inside Minikube
//!   (`minikube image build -t REPOSITORY:TAG DIR`) and never pulled.
//! - A cloud tier's root Application follows the deploy branch
//!   ([`crate::model::Project::deploy_branch`], `project { branch }`), where the
//!   promotion pull requests land; the Applications it syncs pin the chart
//!   and values to the tier's `revision` (a commit) and the images by digest.
//! - Every workload runs in the namespace named after its tier, with the
//!   Helm release (and so the Kubernetes Service) named after the service;
//!   a dependency's host is that Service's short DNS name ([`dependency_host`]).
//! - Which runtime a service runs on, and which concessions apply to it,
//!   is decided in [`super::concession`].
//! - Built images keep the service's code in [`APP_DIR`]: hot reload mounts
//!   the build folder there, and debug path mappings point there.
//!
//! It renders nothing.

use crate::model::{Chart, Cluster, Concession, Model, Override, Service, Source, Tier};
use crate::plan::Origin;

/// Where a built image keeps the service's code (its `WORKDIR`).
pub(crate) const APP_DIR: &str = "/app";

/// The Service (in Argo CD's namespace) serving the local snapshot repository.
pub(crate) const LOCAL_GIT_SERVICE: &str = "inception-git";
/// What a Minikube tier's Applications read: `git daemon` inside the
/// cluster, serving a commit of the workspace taken every few seconds
/// (`deploy/bootstrap/local-git-server.yaml`).
pub(crate) const LOCAL_GIT_URL: &str = "git://inception-git.argocd.svc.cluster.local/workspace.git";

/// The port debugpy listens on inside a pod.
pub(crate) const DEBUG_PORT: u16 = 5678;

/// The Azurite image, pinned by an exact tag.
pub(crate) const AZURITE_IMAGE: &str = "mcr.microsoft.com/azure-storage/azurite";
/// The Azurite release deployed under `storage-emulator`.
pub(crate) const AZURITE_TAG: &str = "3.31.0";
/// Azurite's blob port.
pub(crate) const AZURITE_BLOB_PORT: u16 = 10000;
/// The release (and Service) name of the emulator.
pub(crate) const AZURITE_NAME: &str = "azurite";
/// Azurite's built-in development account.
pub(crate) const AZURITE_ACCOUNT: &str = "devstoreaccount1";
/// Azurite's development account key: public, published by Microsoft in the
/// Azurite documentation, identical in every installation, and written only
/// into a local tier's files.
pub(crate) const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// The blob endpoint of the emulator, from inside the tier's namespace.
pub(crate) fn azurite_blob_endpoint() -> String {
    format!("http://{AZURITE_NAME}:{AZURITE_BLOB_PORT}/{AZURITE_ACCOUNT}")
}

/// The connection string of the emulator's development account.
pub(crate) fn azurite_connection_string() -> String {
    format!(
        "DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};BlobEndpoint={};",
        azurite_blob_endpoint()
    )
}

/// A revision as a Docker image tag: every character outside `[A-Za-z0-9_.-]`
/// becomes `-` (`release/2.4` → `release-2.4`), leading `.` and `-` are
/// dropped (a tag must start with a word character), and the result is cut
/// to 128 characters. An empty result becomes `rev`.
pub(crate) fn image_tag(revision: &str) -> String {
    let mapped: String = revision
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') { c } else { '-' })
        .collect();
    let tag: String = mapped.trim_start_matches(['.', '-']).chars().take(128).collect();
    if tag.is_empty() { "rev".to_owned() } else { tag }
}

/// The image repository of a `build` service: `REGISTRY/PROJECT-SERVICE`
/// (without a registry, `PROJECT-SERVICE`).
pub(crate) fn build_repository(model: &Model, service: &Service) -> String {
    let name = format!("{}-{}", model.project.name.value, service.name.value);
    match &model.project.registry {
        Some(registry) => format!("{}/{name}", registry.value.trim_end_matches('/')),
        None => name,
    }
}

/// An `image REF` split into repository and tag or digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// `registry/path/name`.
    pub repository: String,
    /// The tag, if pinned by tag.
    pub tag: Option<String>,
    /// `sha256:…`, if pinned by digest.
    pub digest: Option<String>,
}

/// Split an image reference; a registry port (`host:5000/x`) is not a tag.
pub(crate) fn split_image(reference: &str) -> ImageRef {
    let (name, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest.to_owned())),
        None => (reference, None),
    };
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].rfind(':') {
        Some(colon) => ImageRef {
            repository: name[..slash + colon].to_owned(),
            tag: Some(name[slash + colon + 1..].to_owned()),
            digest,
        },
        None => ImageRef { repository: name.to_owned(), tag: None, digest },
    }
}

/// One argument quoted for a POSIX shell (and shlex) when it needs it.
pub(crate) fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | ':' | '=' | ',' | '@' | '%' | '+' | '-')
        });
    if plain { arg.to_owned() } else { format!("'{}'", arg.replace('\'', "'\"'\"'")) }
}

/// A `chart` source as Argo CD spells it: (repoURL, chart name). An
/// `oci://host/path/name` reference becomes `host/path` and `name` (the
/// classic Helm-over-OCI form, with the repository registered `enableOCI`).
pub(crate) fn chart_source(chart: &Chart) -> (String, String) {
    if let Some(rest) = chart.reference.value.strip_prefix("oci://") {
        let (repo, name) = rest.rsplit_once('/').unwrap_or(("", rest));
        return (repo.to_owned(), name.to_owned());
    }
    let repo = chart.repo.as_ref().map(|r| r.value.clone()).unwrap_or_default();
    (repo, chart.reference.value.clone())
}

/// Whether a chart comes from an OCI registry.
pub(crate) fn is_oci(chart: &Chart) -> bool {
    chart.reference.value.starts_with("oci://")
}

/// The host other services reach `service` by: its Kubernetes Service's short
/// name in the shared tier namespace. For `build`/`image` services that is
/// the service name (the generic chart names its Service after the release).
/// Third-party charts are installed with the service name as release name;
/// most name their main Service after the release, and the known exceptions
/// are listed here (Bitnami's Redis serves clients on `RELEASE-master`).
pub(crate) fn dependency_host(service: &Service) -> String {
    let name = &service.name.value;
    if let Source::Chart(chart) = &service.source {
        let (repo, chart_name) = chart_source(chart);
        if chart_name == "redis" && repo.contains("bitnami") {
            return format!("{name}-master");
        }
    }
    name.clone()
}

/// `name` as an environment variable prefix: upper case, `-` → `_`.
pub(crate) fn env_prefix(name: &str) -> String {
    crate::model::env_prefix(name)
}

/// Whether a tier builds its images locally (Minikube) instead of pulling them.
pub(crate) fn builds_locally(tier: &Tier, service: &Service) -> bool {
    tier.cluster.value == Cluster::Minikube && matches!(service.source, Source::Build(_))
}

/// Whether `concession` changes `service` in `tier`.
pub(crate) fn concession_applies(tier: &Tier, service: &Service, concession: Concession) -> bool {
    if !tier.has(concession) {
        return false;
    }
    match concession {
        Concession::StorageEmulator => !service.storage.is_empty(),
        // A job must end: a reloader or a debugger would keep it running (`Gap::Job`).
        Concession::HotReload | Concession::Debug => super::concession::check(service, concession).is_ok(),
    }
}

/// A generic service's replicas in a tier: the override's, else the
/// service's; one under `concession debug` (a debugger attaches to one pod,
/// and a second replica would take half the requests).
pub(crate) fn replicas_in(service: &Service, tier: &Tier) -> u32 {
    if concession_applies(tier, service, Concession::Debug) {
        return 1;
    }
    service.override_for(&tier.name.value).and_then(|o| o.replicas.as_ref()).map_or(service.replicas.value, |r| r.value)
}

/// Whether a tier deploys Azurite: it grants `storage-emulator` and some service uses storage.
pub(crate) fn deploys_azurite(model: &Model, tier: &Tier) -> bool {
    model.services.iter().any(|s| s.uses_generic_chart() && concession_applies(tier, s, Concession::StorageEmulator))
}

/// Whether the model has what Argo CD needs: a `repo` to pull the chart and values from.
pub(crate) fn uses_argocd(model: &Model) -> bool {
    model.project.repo.is_some() && !model.tiers.is_empty()
}

/// Origins: readable node paths with their spans.
pub(crate) mod origin {
    use super::{Concession, Model, Origin, Override, Service, Source, Tier};
    use crate::model::{Extension, Toolchain};

    /// `service NAME`.
    pub(crate) fn service(service: &Service) -> Origin {
        Origin::of(format_args!("{} {}", service.keyword(), service.name.value), service.span)
    }

    /// `service NAME/build|image|chart`.
    pub(crate) fn source(service: &Service) -> Origin {
        let (child, span) = match &service.source {
            Source::Build(dir) => ("build", dir.span),
            Source::Image(image) => ("image", image.span),
            Source::Chart(chart) => ("chart", chart.reference.span),
            Source::Backing(kind) => ("kind", kind.span),
        };
        self::child(service, child, span)
    }

    /// `service NAME/CHILD`, at `span`.
    pub(crate) fn child(service: &Service, child: impl std::fmt::Display, span: crate::spec::Span) -> Origin {
        Origin::of(format_args!("{} {}/{child}", service.keyword(), service.name.value), span)
    }

    /// `service NAME/tier TIER`: an override.
    pub(crate) fn over(service: &Service, over: &Override) -> Origin {
        Origin::of(format_args!("{} {}/tier {}", service.keyword(), service.name.value, over.tier.value), over.span)
    }

    /// `service NAME/replicas`, or the service when the count is the default.
    pub(crate) fn replicas(service: &Service) -> Origin {
        if service.replicas.span == service.name.span {
            self::service(service)
        } else {
            child(service, "replicas", service.replicas.span)
        }
    }

    /// `toolchain/user`, or the toolchain when the user is the default.
    pub(crate) fn user(toolchain: &Toolchain) -> Origin {
        if toolchain.user.span.offset() == toolchain.span.offset() {
            Origin::new("toolchain", toolchain.span)
        } else {
            Origin::new("toolchain/user", toolchain.user.span)
        }
    }

    /// `toolchain/extension ID@VERSION`, as written.
    pub(crate) fn extension(extension: &Extension) -> Origin {
        Origin::of(format_args!("toolchain/extension {}", extension.reference()), extension.span)
    }

    /// `tier NAME`.
    pub(crate) fn tier(tier: &Tier) -> Origin {
        Origin::of(format_args!("tier {}", tier.name.value), tier.span)
    }

    /// `tier NAME/revision`.
    pub(crate) fn revision(tier: &Tier) -> Origin {
        Origin::of(format_args!("tier {}/revision", tier.name.value), tier.revision.span)
    }

    /// `tier NAME/image SERVICE`: the digest a cloud tier runs.
    pub(crate) fn image(tier: &Tier, image: &crate::model::TierImage) -> Origin {
        Origin::of(format_args!("tier {}/image {}", tier.name.value, image.service.value), image.span)
    }

    /// `tier NAME/cluster`.
    pub(crate) fn cluster(tier: &Tier) -> Origin {
        Origin::of(format_args!("tier {}/cluster", tier.name.value), tier.cluster.span)
    }

    /// `tier NAME/concession KIND`, if granted.
    pub(crate) fn concession(tier: &Tier, kind: Concession) -> Option<Origin> {
        let granted = tier.concessions.iter().find(|c| c.value == kind)?;
        Some(Origin::of(format_args!("tier {}/concession {}", tier.name.value, kind.as_str()), granted.span))
    }

    /// `project/repo`, if set.
    pub(crate) fn repo(model: &Model) -> Option<Origin> {
        model.project.repo.as_ref().map(|r| Origin::new("project/repo", r.span))
    }

    /// `project/registry`, if set.
    pub(crate) fn registry(model: &Model) -> Option<Origin> {
        model.project.registry.as_ref().map(|r| Origin::new("project/registry", r.span))
    }

    /// `project`.
    pub(crate) fn project(model: &Model) -> Origin {
        Origin::new("project", model.project.name.span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_become_valid_docker_tags() {
        assert_eq!(image_tag("release/2.4"), "release-2.4");
        assert_eq!(image_tag("v2.4.0-beta.3"), "v2.4.0-beta.3");
        assert_eq!(image_tag("HEAD"), "HEAD");
        assert_eq!(image_tag("feature/ü x"), "feature---x");
        assert_eq!(image_tag("-x"), "x");
        assert_eq!(image_tag("///"), "rev");
        assert_eq!(image_tag(&"a".repeat(200)).len(), 128);
    }

    #[test]
    fn image_references_split_at_the_tag_not_the_registry_port() {
        let pinned = split_image("host:5000/team/app:1.2.3");
        assert_eq!((pinned.repository.as_str(), pinned.tag.as_deref()), ("host:5000/team/app", Some("1.2.3")));
        let digest = split_image("nginx@sha256:abc");
        assert_eq!(
            (digest.repository.as_str(), digest.digest.as_deref(), digest.tag),
            ("nginx", Some("sha256:abc"), None)
        );
    }

    #[test]
    fn the_emulator_connection_names_the_in_namespace_service() {
        assert!(azurite_connection_string().contains("BlobEndpoint=http://azurite:10000/devstoreaccount1;"));
    }
}
