//! What `inception lint` reports about a Minikube tier's size: a local tier
//! whose Minikube (computed from the spec, `plan::sizing::minikube_size`)
//! does not fit the developer VM the spec declares (`azure lab-vm size=`),
//! with room left for the dev container itself ([`DEV_CONTAINER`]).

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::types::{Cluster, Model};
use crate::plan::sizing::{self, vm_capacity};
use crate::providers::Requests;

/// What the dev container and the VM's own system keep of the VM.
pub(crate) const DEV_CONTAINER: Requests = Requests { cpu_millis: 1000, memory_mib: 4096 };

/// One sizing finding.
#[derive(Debug, Error, Diagnostic)]
pub enum SizingFinding {
    /// The local tier does not fit the developer VM.
    #[error(
        "tier `{tier}` needs Minikube with {cpus} CPUs and {memory_mib} MiB; the developer VM {size} has {vm_cpus} CPUs and {vm_memory_mib} MiB"
    )]
    #[diagnostic(
        code(inception::lint::local_tier_too_large),
        severity(Error),
        help(
            "keep {reserve_cpus} CPU and {reserve_mib} MiB for the dev container: lower the local tier's replicas, resources or `value \"cluster.instances\"` with a `tier {tier} reason=` override, or choose a larger `lab-vm size=`"
        )
    )]
    TooLarge {
        /// The tier.
        tier: String,
        /// Minikube's CPUs.
        cpus: u32,
        /// Minikube's memory.
        memory_mib: u32,
        /// The VM size.
        size: String,
        /// Its CPUs.
        vm_cpus: u32,
        /// Its memory.
        vm_memory_mib: u32,
        /// What is kept for the dev container.
        reserve_cpus: u32,
        /// What is kept for the dev container.
        reserve_mib: u32,
        /// The tier's `cluster minikube`.
        #[label("Minikube on the developer VM")]
        span: SourceSpan,
    },
    /// The developer VM's size is not in inception's table: the local tier's fit is unchecked.
    #[error("lab-vm size {size} is not one inception knows: whether the Minikube tiers fit it is not checked")]
    #[diagnostic(
        code(inception::lint::unknown_vm_size),
        severity(Warning),
        help(
            "choose a size from the Dv5, Dsv5, Dasv5, Dsv6, Ev5, Esv5, Easv5 or Fsv2 families (src/plan/sizing.rs lists them with their source), or check by hand that Minikube ({cpus} CPUs, {memory_mib} MiB) plus 1 CPU and 4096 MiB fits it"
        )
    )]
    UnknownSize {
        /// The size.
        size: String,
        /// The largest Minikube's CPUs.
        cpus: u32,
        /// Its memory.
        memory_mib: u32,
        /// The `lab-vm size=`.
        #[label("not in the VM size table")]
        span: SourceSpan,
    },
}

/// Every sizing finding of a valid model.
pub(crate) fn findings(model: &Model) -> Vec<SizingFinding> {
    let Some(vm) = model.azure.as_ref().and_then(|a| a.lab_vm.as_ref()) else { return Vec::new() };
    let local: Vec<_> = model.tiers.iter().filter(|t| t.cluster.value == Cluster::Minikube).collect();
    let Some((vm_cpus, vm_memory_mib)) = vm_capacity(&vm.size.value) else {
        let Some((cpus, memory_mib)) = local.iter().map(|t| sizing::minikube_size(model, t)).max() else {
            return Vec::new();
        };
        return vec![SizingFinding::UnknownSize {
            size: vm.size.value.clone(),
            cpus,
            memory_mib,
            span: vm.size.span.into(),
        }];
    };
    let mut found = Vec::new();
    for tier in local {
        let (cpus, memory_mib) = sizing::minikube_size(model, tier);
        let fits = cpus * 1000 + DEV_CONTAINER.cpu_millis <= vm_cpus * 1000
            && memory_mib + DEV_CONTAINER.memory_mib <= vm_memory_mib;
        if !fits {
            found.push(SizingFinding::TooLarge {
                tier: tier.name.value.clone(),
                cpus,
                memory_mib,
                size: vm.size.value.clone(),
                vm_cpus,
                vm_memory_mib,
                reserve_cpus: DEV_CONTAINER.cpu_millis / 1000,
                reserve_mib: DEV_CONTAINER.memory_mib,
                span: tier.cluster.span.into(),
            });
        }
    }
    found
}
