//! Argo CD itself, from the pinned argo-helm chart ([`ARGO_CD_CHART`]):
//! `deploy/bootstrap/argocd-values.yaml` (what the bootstrap's `helm install`
//! reads) and per tier `deploy/argocd/TIER/argocd.yaml` (Argo CD managing
//! itself afterwards with the same values inline).
//!
//! The values add one key to the chart's `configs.cm`: the health check of
//! `argoproj.io/Application` (removed from Argo CD's defaults in 1.8), so an
//! app of apps waits for each sync wave's Applications. Helm merges it into
//! the chart's own `configs.cm` defaults: nothing else of `argocd-cm` is
//! replaced. Repository credentials are never in these values: the
//! bootstrap creates them as a labelled Secret from the environment.

use indexmap::IndexMap;
use serde::Serialize;

use super::RenderError;
use super::argocd::{ARGOCD_NAMESPACE, AppSource, Helm, application, finish, tier_paths};
use super::trace::{Paths, Traced};
use crate::model::Model;
use crate::plan::workload::origin;
use crate::providers::{ChartRef, Citation};

/// The argo-helm chart Argo CD is installed from.
pub(crate) const ARGO_CD_CHART: ChartRef =
    ChartRef { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.1.1", oci: false };

/// Where the facts about the chart were read.
pub(crate) const ARGO_CD_CITATIONS: &[Citation] = &[
    Citation {
        repo: "argoproj/argo-helm",
        tag: "argo-cd-10.1.1",
        path: "charts/argo-cd/values.yaml",
        fact: "configs.cm.create true and configs.cm is a map of argocd-cm keys (Helm merges ours into the defaults); crds.install; dex.enabled",
    },
    Citation {
        repo: "argoproj/argo-helm",
        tag: "argo-cd-10.1.1",
        path: "charts/argo-cd/Chart.yaml",
        fact: "version 10.1.1, appVersion v3.4.4 (quay.io/argoproj/argocd:v3.4.4)",
    },
];

/// The images the chart runs by default (as rendered at argo-cd-10.1.1).
pub(crate) const ARGO_CD_IMAGES: &[&str] =
    &["quay.io/argoproj/argocd:v3.4.4", "ecr-public.aws.com/docker/library/redis:8.2.3-alpine"];

/// The sync wave of Argo CD's own Application: before everything.
pub(crate) const ARGO_CD_WAVE: i64 = -5;

/// The Application health check: an Application is as healthy as Argo CD
/// says it is, and Progressing until it says anything.
const APPLICATION_HEALTH_LUA: &str = r#"hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
"#;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArgoCdValues {
    crds: Crds,
    dex: Enabled,
    configs: Configs,
}

#[derive(Debug, Serialize)]
struct Crds {
    install: bool,
    keep: bool,
}

#[derive(Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Debug, Serialize)]
struct Configs {
    cm: IndexMap<String, String>,
}

fn values() -> ArgoCdValues {
    ArgoCdValues {
        crds: Crds { install: true, keep: true },
        dex: Enabled { enabled: false },
        configs: Configs {
            cm: IndexMap::from([(
                "resource.customizations.health.argoproj.io_Application".to_owned(),
                APPLICATION_HEALTH_LUA.to_owned(),
            )]),
        },
    }
}

/// `deploy/bootstrap/argocd-values.yaml`.
///
/// # Errors
/// A serializer error (a bug).
pub(super) fn render_values(model: &Model, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    for tier in &model.tiers {
        paths.add("configs", origin::tier(tier));
    }
    finish(&values(), &paths, path)
}

/// The AppProject of a tier's bootstrap Applications (root, Argo CD).
pub(crate) fn bootstrap_project_name(model: &Model, tier: &crate::model::Tier) -> String {
    format!("{}-bootstrap", super::argocd::project_name(model, tier))
}

/// `deploy/argocd/TIER/argocd.yaml`: Argo CD from the pinned chart, same values.
///
/// # Errors
/// A serializer error, or an unknown tier (bugs).
pub(super) fn render_install(model: &Model, tier: &crate::model::Tier, path: &str) -> Result<Traced, RenderError> {
    let mut paths = Paths::default();
    tier_paths(tier, &mut paths);
    let source = AppSource {
        repo_url: ARGO_CD_CHART.repo.to_owned(),
        chart: Some(ARGO_CD_CHART.chart.to_owned()),
        path: None,
        target_revision: ARGO_CD_CHART.version.to_owned(),
        helm: Some(Helm {
            parameters: Vec::new(),
            release_name: "argocd".to_owned(),
            value_files: Vec::new(),
            values_object: Some(values()),
            ignore_missing_value_files: None,
        }),
        directory: None,
    };
    let mut app = application(model, tier, crate::layout::ARGOCD_APP, ARGO_CD_WAVE, source);
    app.spec.project = bootstrap_project_name(model, tier);
    app.spec.destination.namespace = ARGOCD_NAMESPACE.to_owned();
    // Argo CD must never prune itself; CRDs need server-side apply.
    app.spec.sync_policy.sync_options = vec!["ServerSideApply=true".to_owned()];
    app.spec.sync_policy.automated.prune = false;
    app.metadata.finalizers.clear();
    finish(&app, &paths, path)
}
