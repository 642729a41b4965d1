//! What a tier asks of its cluster, computed from the spec, and the size
//! Minikube is started with for a local tier.
//!
//! A tier's requests are the sum of: each generic-chart service's requests
//! × its replicas in that tier (one replica under `concession debug`, see
//! [`super::workload::replicas_in`]); each backing service's instances ×
//! the catalog's per-instance requests; each operator's requests; and fixed
//! the observability charts' requests from the catalog, and fixed
//! allowances for what nobody sizes: Argo CD and kube-prometheus-stack's
//! smaller pods. Minikube gets that plus [`MARGIN_PERCENT`] and
//! the node's own system pods ([`SYSTEM`]), rounded up to whole CPUs and
//! 512 MiB.

use serde::Serialize;

use super::workload;
use crate::model::{Model, Service, Tier, pin};
use crate::providers::{self, Requests};

/// Argo CD's components (server, repo server, controller, Redis,
/// ApplicationSet) at their chart defaults, which request nothing: what they
/// use idle on a small cluster, measured as an allowance.
pub(crate) const ARGO_CD: Requests = Requests { cpu_millis: 500, memory_mib: 1024 };
/// kube-prometheus-stack's pods besides Prometheus (operator, Alertmanager,
/// node exporter, kube-state-metrics), which request nothing by default.
pub(crate) const PROMETHEUS_STACK: Requests = Requests { cpu_millis: 300, memory_mib: 512 };
/// kube-system and the Minikube node itself.
pub(crate) const SYSTEM: Requests = Requests { cpu_millis: 1000, memory_mib: 2048 };
/// Headroom on top of the requests, in percent.
pub(crate) const MARGIN_PERCENT: u32 = 25;

/// One contribution to a tier's requests.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Line {
    /// What requests it.
    pub(crate) what: String,
    /// How much.
    pub(crate) requests: Requests,
}

/// A tier's requests, item by item.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct TierRequests {
    /// The contributions.
    pub(crate) lines: Vec<Line>,
}

impl TierRequests {
    /// The sum.
    pub(crate) fn total(&self) -> Requests {
        self.lines.iter().fold(Requests { cpu_millis: 0, memory_mib: 0 }, |acc, line| Requests {
            cpu_millis: acc.cpu_millis.saturating_add(line.requests.cpu_millis),
            memory_mib: acc.memory_mib.saturating_add(line.requests.memory_mib),
        })
    }
}

fn millis(quantity: Option<&str>) -> u32 {
    quantity.and_then(pin::quantity_value).map_or(0, |v| (v * 1000.0).ceil() as u32)
}

fn mebibytes(quantity: Option<&str>) -> u32 {
    quantity.and_then(pin::quantity_value).map_or(0, |v| (v / 1024.0 / 1024.0).ceil() as u32)
}

/// A generic service's requests per replica in a tier (override first).
fn per_replica(service: &Service, tier: &Tier) -> Requests {
    let resources =
        service.override_for(&tier.name.value).and_then(|o| o.resources.as_ref()).or(service.resources.as_ref());
    match resources {
        Some(r) => Requests {
            cpu_millis: millis(r.requests.cpu.as_deref()),
            memory_mib: mebibytes(r.requests.memory.as_deref()),
        },
        None => Requests { cpu_millis: 0, memory_mib: 0 },
    }
}

/// What `tier` requests, item by item.
pub(crate) fn tier_requests(model: &Model, tier: &Tier) -> TierRequests {
    let mut lines = vec![Line { what: "Argo CD (allowance)".to_owned(), requests: ARGO_CD }];
    for service in &model.services {
        if service.uses_generic_chart() {
            let replicas = workload::replicas_in(service, tier);
            let per = per_replica(service, tier);
            lines.push(Line {
                what: format!(
                    "service {} ({replicas} × {}m, {}Mi)",
                    service.name.value, per.cpu_millis, per.memory_mib
                ),
                requests: Requests {
                    cpu_millis: per.cpu_millis.saturating_mul(replicas),
                    memory_mib: per.memory_mib.saturating_mul(replicas),
                },
            });
        } else if let Some(kind) = service.backing() {
            lines.push(Line {
                what: format!(
                    "service {} (kind {}, {} instance(s))",
                    service.name.value,
                    kind.as_str(),
                    providers::instances(service, tier, kind)
                ),
                requests: providers::requests(service, tier, kind),
            });
        }
    }
    for (operator, _) in super::kubernetes::operators(model) {
        lines.push(Line { what: format!("operator {}", operator.id), requests: operator.requests });
    }
    for (component, _) in super::kubernetes::observability_components(model) {
        if let Some(chart) = providers::observability_chart(component) {
            lines.push(Line { what: format!("observability {}", component.as_str()), requests: chart.requests });
        }
        if component == crate::plan::Component::Prometheus {
            lines.push(Line {
                what: "observability prometheus: other pods (allowance)".to_owned(),
                requests: PROMETHEUS_STACK,
            });
        }
    }
    TierRequests { lines }
}

/// The Minikube size of a local tier: (CPUs, memory in MiB).
pub(crate) fn minikube_size(model: &Model, tier: &Tier) -> (u32, u32) {
    let total = tier_requests(model, tier).total();
    let with_margin = |v: u32| v.saturating_mul(100 + MARGIN_PERCENT).div_ceil(100);
    let cpus = (with_margin(total.cpu_millis) + SYSTEM.cpu_millis).div_ceil(1000).max(2);
    let memory = (with_margin(total.memory_mib) + SYSTEM.memory_mib).div_ceil(512) * 512;
    (cpus, memory)
}

/// Azure VM families a `lab-vm` may name: (size name with `{n}` for the
/// vCPU count, the vCPU counts listed, GiB of memory per vCPU).
///
/// Read on 2026-11-29 from Microsoft's own size table,
/// `src/Aspire.Hosting.Azure.Kubernetes/AksNodeVmSizes.cs` in microsoft/aspire
/// at commit 5bd693ae1897dee5e2ce71c2cc08879c1c7eff51 (as published on
/// aspire.dev/reference/api/csharp/aspire.hosting.azure.kubernetes): only the
/// sizes listed there are here; any other size is a `lint` finding
/// (`inception::lint::unknown_vm_size`), never a guess.
const VM_FAMILIES: &[(&str, &[u32], u32)] = &[
    ("Standard_D{n}_v5", &[2, 4, 8, 16, 32, 48, 64, 96], 4),
    ("Standard_D{n}s_v5", &[2, 4, 8, 16, 32, 48, 64, 96], 4),
    ("Standard_D{n}as_v5", &[2, 4, 8, 16, 32, 48, 64, 96], 4),
    ("Standard_D{n}s_v6", &[2, 4, 8, 16, 32, 48, 64, 96, 128, 192], 4),
    ("Standard_E{n}_v5", &[2, 4, 8, 16, 20, 32, 48, 64], 8),
    ("Standard_E{n}s_v5", &[2, 4, 16, 20, 32, 48, 64], 8),
    ("Standard_E{n}as_v5", &[2, 4, 16, 20, 32, 48, 64], 8),
    ("Standard_F{n}s_v2", &[2, 4, 8, 16, 32, 48, 64, 72], 2),
];

/// The vCPUs and memory (MiB) of an Azure VM size, for the sizes inception
/// knows ([`VM_FAMILIES`], and Standard_E96_v5: 96 vCPUs, 672 GiB).
pub(crate) fn vm_capacity(size: &str) -> Option<(u32, u32)> {
    if size.eq_ignore_ascii_case("Standard_E96_v5") {
        return Some((96, 672 * 1024));
    }
    VM_FAMILIES.iter().find_map(|(pattern, counts, gib_per_cpu)| {
        counts
            .iter()
            .find(|n| pattern.replace("{n}", &n.to_string()).eq_ignore_ascii_case(size))
            .map(|n| (*n, n * gib_per_cpu * 1024))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_convert_to_millicores_and_mebibytes() {
        assert_eq!(millis(Some("250m")), 250);
        assert_eq!(millis(Some("2")), 2000);
        assert_eq!(mebibytes(Some("1Gi")), 1024);
        assert_eq!(mebibytes(Some("512Mi")), 512);
        assert_eq!(millis(None), 0);
    }

    #[test]
    fn known_vm_sizes_have_capacities() {
        assert_eq!(vm_capacity("Standard_D8s_v5"), Some((8, 32768)));
        assert_eq!(vm_capacity("Standard_D8as_v5"), Some((8, 32768)));
        assert_eq!(vm_capacity("standard_d16s_v6"), Some((16, 65536)));
        assert_eq!(vm_capacity("Standard_E4as_v5"), Some((4, 32768)));
        assert_eq!(vm_capacity("Standard_F8s_v2"), Some((8, 16384)));
        assert_eq!(vm_capacity("Standard_E96_v5"), Some((96, 688_128)));
        assert_eq!(vm_capacity("Standard_Unknown"), None);
        assert_eq!(vm_capacity("Standard_D3s_v5"), None, "a count the family does not have");
    }
}
