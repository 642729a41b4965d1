//! Argo CD Applications: the shared builder, and per tier an Application per
//! service and the storage emulator's (concession `storage-emulator`).
//!
//! Layout: every tier deploys into the namespace named after it, on the
//! cluster Argo CD runs in (`https://kubernetes.default.svc`); Applications
//! live in `argocd` and are named `TIER-NAME`, their Helm release `NAME`.
//! `build`/`image` services use the generic chart from the project's `repo`
//! at the tier's `revision`, with `valueFiles` relative to the chart folder
//! (`../../values/SERVICE/values.yaml`, then `values-TIER.yaml`). A `chart`
//! service points at its repository, chart and exact version; an `oci://`
//! chart uses the classic Helm-over-OCI form (repoURL without the scheme,
//! `chart` the last segment) with its repository declared `enableOCI`.
//! Sync waves are the depth in the `needs` graph; the emulator is wave -1.
//! Observability Applications are in `observability.rs`; the AppProject, the
//! app of apps and the cluster configuration in `argocd_bootstrap.rs`.

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::trace::{Paths, Traced, trace_structured};
use crate::graph::Graph;
use crate::layout;
use crate::model::{Cluster, Concession, Model, Service, Source, Tier};
use crate::plan::workload::{self, origin};

/// The namespace Argo CD runs in.
pub(super) const ARGOCD_NAMESPACE: &str = "argocd";
/// The cluster Argo CD runs in.
pub(super) const IN_CLUSTER: &str = "https://kubernetes.default.svc";
/// The sync wave of the storage emulator: before every service.
pub(super) const EMULATOR_WAVE: i64 = -1;

/// `metadata`.
#[derive(Debug, Serialize)]
pub(super) struct Metadata {
    pub name: String,
    pub namespace: String,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

/// An Argo CD Application whose Helm values object is a `V`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Application<V: Serialize> {
    api_version: &'static str,
    kind: &'static str,
    pub(super) metadata: Metadata,
    pub(super) spec: ApplicationSpec<V>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApplicationSpec<V: Serialize> {
    pub(super) project: String,
    source: AppSource<V>,
    pub(super) destination: Destination,
    pub(super) sync_policy: SyncPolicy,
}

/// `spec.source`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AppSource<V: Serialize> {
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub target_revision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helm: Option<Helm<V>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<Directory>,
}

/// A directory source: the files of the repository folder `folder` (only
/// `include`, when given), not its subfolders, at the tier's revision, with
/// the origins of its repository and revision.
pub(super) fn directory_source<V: Serialize>(
    model: &Model,
    tier: &Tier,
    folder: String,
    include: Option<String>,
    paths: &mut Paths,
) -> AppSource<V> {
    paths.add("spec.source.repoURL", origin::repo(model).unwrap_or_else(|| origin::project(model)));
    paths.add("spec.source.targetRevision", origin::revision(tier));
    AppSource {
        repo_url: repo(model, tier),
        chart: None,
        path: Some(folder),
        target_revision: tier.revision.value.clone(),
        helm: None,
        directory: Some(Directory { recurse: false, exclude: String::new(), include }),
    }
}

/// `spec.source.helm`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Helm<V: Serialize> {
    pub release_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub value_files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values_object: Option<V>,
    /// Set when a values file is optional (the operator's `azure-TIER.yaml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_missing_value_files: Option<bool>,
    /// `--set NAME=VALUE`: the image digest of a cloud tier. It lives in the
    /// Application (read from the deploy branch), not in the values files
    /// (read at the tier's revision, which predates the image).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
}

/// `spec.source.helm.parameters[]`.
#[derive(Debug, Serialize)]
pub(super) struct Parameter {
    pub name: String,
    pub value: String,
}

/// `spec.source.directory`.
#[derive(Debug, Serialize)]
pub(super) struct Directory {
    pub(super) recurse: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(super) exclude: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) include: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct Destination {
    pub(super) server: String,
    pub(super) namespace: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SyncPolicy {
    pub(super) automated: Automated,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) sync_options: Vec<String>,
    retry: Retry,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Automated {
    pub(super) prune: bool,
    self_heal: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Retry {
    limit: u32,
    backoff: Backoff,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Backoff {
    duration: String,
    factor: u32,
    max_duration: String,
}

/// The tier's AppProject name: `PROJECT-TIER`.
pub(super) fn project_name(model: &Model, tier: &Tier) -> String {
    format!("{}-{}", model.project.name.value, tier.name.value)
}

/// An Application of `tier` named `TIER-name`, in sync wave `wave`.
pub(super) fn application<V: Serialize>(
    model: &Model,
    tier: &Tier,
    name: &str,
    wave: i64,
    source: AppSource<V>,
) -> Application<V> {
    Application {
        api_version: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: Metadata {
            name: format!("{}-{name}", tier.name.value),
            namespace: ARGOCD_NAMESPACE.to_owned(),
            labels: IndexMap::from([("app.kubernetes.io/part-of".to_owned(), model.project.name.value.clone())]),
            annotations: IndexMap::from([("argocd.argoproj.io/sync-wave".to_owned(), wave.to_string())]),
            finalizers: vec!["resources-finalizer.argocd.argoproj.io".to_owned()],
        },
        spec: ApplicationSpec {
            project: project_name(model, tier),
            source,
            destination: Destination { server: IN_CLUSTER.to_owned(), namespace: tier.name.value.clone() },
            sync_policy: SyncPolicy {
                automated: Automated { prune: true, self_heal: true },
                sync_options: vec!["CreateNamespace=true".to_owned()],
                retry: Retry {
                    limit: 10,
                    backoff: Backoff { duration: "10s".to_owned(), factor: 2, max_duration: "5m".to_owned() },
                },
            },
        },
    }
}

/// The repository a tier's Applications read: the project's `repo` in a
/// cloud tier; in a Minikube tier the in-cluster snapshot of the developer's
/// workspace ([`crate::plan::workload::LOCAL_GIT_URL`]), so that a compiled
/// change runs without a push or a merge.
pub(super) fn repo(model: &Model, tier: &Tier) -> String {
    if tier.cluster.value == Cluster::Minikube {
        return workload::LOCAL_GIT_URL.to_owned();
    }
    model.project.repo.as_ref().map(|r| r.value.clone()).unwrap_or_default()
}

/// The generic chart from the project's repository at the tier's revision.
pub(super) fn generic_chart_source<V: Serialize>(
    model: &Model,
    tier: &Tier,
    release: &str,
    value_files: Vec<String>,
    values: Option<V>,
) -> AppSource<V> {
    AppSource {
        repo_url: repo(model, tier),
        chart: None,
        path: Some(layout::CHART_DIR.to_owned()),
        target_revision: tier.revision.value.clone(),
        helm: Some(Helm {
            release_name: release.to_owned(),
            value_files,
            values_object: values,
            parameters: Vec::new(),
            ignore_missing_value_files: None,
        }),
        directory: None,
    }
}

/// Serialize a document, tracing lines to `paths`.
pub(super) fn finish<T: Serialize>(document: &T, paths: &Paths, path: &str) -> Result<Traced, RenderError> {
    let yaml = crate::yaml::to_string(document)
        .map_err(|message| RenderError::Serialize { path: path.to_owned(), message })?;
    Ok(trace_structured(&yaml, paths))
}

/// Provenance common to a tier's Applications.
pub(super) fn tier_paths(tier: &Tier, paths: &mut Paths) {
    paths.add("spec.project", origin::tier(tier));
    paths.add("spec.destination", origin::tier(tier));
    // A Minikube tier reads the in-cluster snapshot repository (see `repo`).
    paths.add("spec.source.repoURL", origin::cluster(tier));
}

/// `deploy/argocd/TIER/SERVICE.yaml`.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_application(
    model: &Model,
    graph: &Graph,
    tier: &Tier,
    service: &Service,
    path: &str,
) -> Result<Traced, RenderError> {
    let name = &service.name.value;
    let wave = i64::from(graph.wave(name));
    if let Some(kind) = service.backing() {
        return super::backing::render_backing_application(model, tier, service, kind, wave, path);
    }
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    paths.add("metadata.name", origin::service(service));
    for need in &service.needs {
        paths.add("metadata.annotations", origin::child(service, format_args!("needs {}", need.value), need.span));
    }
    let source = match &service.source {
        Source::Chart(chart) => {
            let (repo_url, chart_name) = workload::chart_source(chart);
            paths.add("spec.source", origin::source(service));
            AppSource::<()> {
                repo_url,
                chart: Some(chart_name),
                path: None,
                target_revision: chart.version.value.clone(),
                helm: Some(Helm {
                    release_name: name.clone(),
                    value_files: Vec::new(),
                    values_object: None,
                    parameters: Vec::new(),
                    ignore_missing_value_files: None,
                }),
                directory: None,
            }
        }
        _ => {
            paths.add("spec.source.repoURL", origin::repo(model).unwrap_or_else(|| origin::project(model)));
            paths.add("spec.source.targetRevision", origin::revision(tier));
            paths.add("spec.source.helm", origin::service(service));
            let tier_name = tier.name.value.as_str();
            let mut files = vec![
                layout::from_chart(&layout::values_file(name, None)),
                layout::from_chart(&layout::values_file(name, Some(tier_name))),
            ];
            // What only the Azure deployment knows (the identity's client id, the
            // vault): infra/main.bicep's helmValues output, kept by the operator.
            let azure = tier.cluster.value == Cluster::Aks && crate::plan::needs_identity(service);
            paths.add("spec.source.helm.valueFiles", origin::tier(tier));
            if azure {
                files.push(layout::from_chart(&layout::azure_values_file(name, tier_name)));
                paths.add("spec.source.helm.valueFiles", origin::cluster(tier));
                paths.add("spec.source.helm.ignoreMissingValueFiles", origin::cluster(tier));
            }
            let mut source = generic_chart_source::<()>(model, tier, name, files, None);
            if let Some(helm) = source.helm.as_mut() {
                if azure {
                    helm.ignore_missing_value_files = Some(true);
                }
                if let Some(image) = tier.image(name) {
                    paths.add("spec.source.helm.parameters", origin::image(tier, image));
                    helm.parameters
                        .push(Parameter { name: "image.digest".to_owned(), value: image.digest.value.clone() });
                }
            }
            source
        }
    };
    finish(&application(model, tier, name, wave, source), &paths, path)
}

#[derive(Debug, Serialize)]
struct AzuriteValues {
    image: super::helm_values::Image,
    command: Vec<String>,
    port: u16,
    probe: super::helm_values::Probe,
}

/// `deploy/argocd/TIER/azurite.yaml`: Azurite's blob service through the
/// generic chart, its values inline, data in the pod's `/tmp` (lost on restart).
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_azurite(model: &Model, tier: &Tier, path: &str) -> Result<Traced, RenderError> {
    let port = workload::AZURITE_BLOB_PORT;
    let values = AzuriteValues {
        image: super::helm_values::Image {
            repository: Some(workload::AZURITE_IMAGE.to_owned()),
            tag: Some(workload::AZURITE_TAG.to_owned()),
            ..Default::default()
        },
        command: [
            "azurite-blob",
            "--blobHost",
            "0.0.0.0",
            "--blobPort",
            &port.to_string(),
            "--location",
            "/tmp/azurite",
            "--skipApiVersionCheck",
            "--loose",
        ]
        .map(str::to_owned)
        .to_vec(),
        port,
        probe: super::helm_values::Probe { kind: Some(super::helm_values::ProbeKind::Tcp), ..Default::default() },
    };
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    if let Some(concession) = origin::concession(tier, Concession::StorageEmulator) {
        paths.add("metadata", concession.clone());
        paths.add("spec.source.helm", concession);
    }
    paths.add("spec.source.targetRevision", origin::revision(tier));
    let source = generic_chart_source(model, tier, workload::AZURITE_NAME, Vec::new(), Some(values));
    finish(&application(model, tier, workload::AZURITE_NAME, EMULATOR_WAVE, source), &paths, path)
}

/// The sync wave of the observability Applications: before every backing
/// service and every application (after the operators and the credentials),
/// so that monitoring and logging come up even while a service is unhealthy,
/// which is when they are needed.
pub(super) const OBSERVABILITY_WAVE: i64 = -2;
