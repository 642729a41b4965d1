//! The generic chart's values for the shape of a workload: what Kubernetes
//! runs it as (a Deployment, a Job, a CronJob), the batch settings of a job,
//! the Service port when it is not the container's, and the Ingress of an
//! exposed service per tier.

use serde::Serialize;

use super::key_path::KeyPath;
use super::trace::Paths;
use super::yaml_notes::Note;
use crate::model::{Cluster, Model, Service, Tier, Workload};
use crate::plan::exposure;
use crate::plan::workload::origin;

/// `workload`: the kind of the chart's main object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum WorkloadKind {
    /// A long-running service or worker.
    Deployment,
    /// Run once per change of what it runs.
    Job,
    /// Run on a schedule.
    CronJob,
}

impl WorkloadKind {
    /// Every kind.
    pub(crate) const ALL: [WorkloadKind; 3] = [WorkloadKind::Deployment, WorkloadKind::Job, WorkloadKind::CronJob];

    /// The spelling the chart reads.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }
}

/// `job`: a Job's and a CronJob's settings.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backoff_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successful_jobs_history_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_jobs_history_limit: Option<u32>,
}

/// `ingress`: the host an exposed service is reached by, and the tier's controller
/// class (the namespace policy admits the controller's namespace: `plan::network`).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IngressValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_uri: Option<String>,
}

/// The shared values of the workload's shape: the kind and the job settings,
/// the Service port and the host every tier shares.
pub(crate) fn shared(
    service: &Service,
    paths: &mut Paths,
) -> (Option<WorkloadKind>, Option<JobValues>, Option<u16>, Option<IngressValues>) {
    let service_port = service.service_port.as_ref().map(|p| {
        paths.add("servicePort", origin::child(service, "port", p.span));
        p.value
    });
    // A host that differs by tier is in each tier's file.
    let ingress = service.expose.as_ref().filter(|e| !e.per_tier()).map(|e| {
        paths.add("ingress.host", origin::child(service, "expose", e.span));
        IngressValues { host: Some(e.host.value.clone()), ..IngressValues::default() }
    });
    let Workload::Job(batch) = &service.workload else {
        return (None, None, service_port, ingress);
    };
    let mut job = JobValues {
        backoff_limit: Some(batch.retries.value),
        active_deadline_seconds: Some(batch.timeout.value),
        ..JobValues::default()
    };
    let from = |what: &str, span| {
        if span == service.name.span { origin::service(service) } else { origin::child(service, what, span) }
    };
    paths.add("job.backoffLimit", from("retries", batch.retries.span));
    paths.add("job.activeDeadlineSeconds", from("timeout", batch.timeout.span));
    let kind = match &batch.schedule {
        None => WorkloadKind::Job,
        Some(schedule) => {
            job.schedule = Some(schedule.cron.value.clone());
            job.time_zone = Some(schedule.time_zone.value.clone());
            job.concurrency_policy = Some(schedule.concurrency.kubernetes().to_owned());
            job.successful_jobs_history_limit = Some(schedule.keep);
            job.failed_jobs_history_limit = Some(schedule.keep);
            paths.add("job", origin::child(service, "schedule", schedule.span));
            paths.add("workload", origin::child(service, "schedule", schedule.span));
            WorkloadKind::CronJob
        }
    };
    paths.add("workload", origin::service(service));
    (Some(kind), Some(job), service_port, ingress)
}

/// A tier's Ingress values: its controller, its own host when it overrides
/// it, and in a cloud tier the Key Vault certificate. `None` when the service
/// is not exposed there.
pub(crate) fn tier_ingress(
    model: &Model,
    tier: &Tier,
    service: &Service,
    paths: &mut Paths,
    notes: &mut Vec<Note>,
) -> Option<IngressValues> {
    let expose = service.expose_in(&tier.name.value)?;
    let (class, _) = exposure::controller(tier.cluster.value);
    let mut ingress = IngressValues { class_name: Some(class.to_owned()), ..IngressValues::default() };
    paths.add("ingress.className", origin::cluster(tier));
    paths.add(KeyPath::from("ingress"), origin::child(service, "expose", expose.span));
    notes.push(Note::new(
        "ingress.className",
        match tier.cluster.value {
            Cluster::Minikube => "cluster minikube: the ingress addon",
            Cluster::Aks => "cluster aks: the application routing add-on",
        },
    ));
    if let Some(over) = service.override_for(&tier.name.value).filter(|o| o.expose.is_some()) {
        ingress.host = Some(expose.host_in(&tier.name.value));
        paths.add("ingress.host", origin::over(service, over));
        notes.push(Note::new("ingress.host", &format!("reason: {}", over.reason.value)));
    } else if expose.per_tier() {
        ingress.host = Some(expose.host_in(&tier.name.value));
        paths.add("ingress.host", origin::child(service, "expose", expose.span));
        paths.add("ingress.host", origin::tier(tier));
    }
    if tier.cluster.value == Cluster::Aks {
        let suffix = super::azure_names::unique_suffix(model);
        let vault = super::azure_names::key_vault(&model.project.name.value, &tier.name.value, &suffix);
        let certificate = exposure::certificate_name(service);
        ingress.certificate_uri = Some(format!("https://{vault}.vault.azure.net/certificates/{certificate}"));
        paths.add("ingress.certificateUri", origin::tier(tier));
        notes.push(Note::new(
            "ingress.certificateUri",
            &format!("TLS: the certificate `{certificate}` in the tier's Key Vault, imported by its operators"),
        ));
    }
    Some(ingress)
}
