//! How `expose host=` reaches a service from outside the cluster: the
//! ingress controller each cluster runs, and how a cloud tier's TLS
//! certificate gets from Key Vault to the controller.
//!
//! Upstream facts, read on 2026-11-29 (the one place they are recorded):
//!
//! - AKS application routing add-on, "Set up a custom domain name and SSL
//!   certificate with the application routing add-on"
//!   (<https://learn.microsoft.com/azure/aks/app-routing-dns-ssl>; the
//!   stored Markdown source, ms.date 11/03/2023): the add-on creates the IngressClass
//!   `webapprouting.kubernetes.azure.com`; an Ingress of that class takes its
//!   certificate from the Key Vault certificate URI in the annotation
//!   `kubernetes.azure.com/tls-cert-keyvault-uri` (an unversioned URI
//!   `https://VAULT.vault.azure.net/certificates/NAME` follows rotation), and
//!   its `tls.secretName` must be `keyvault-` followed by the Ingress's name;
//!   the add-on's managed identity (`ingressProfile.webAppRouting.identity`
//!   of the cluster) needs the role `Key Vault Secrets User` on an RBAC vault;
//!   the Key Vault secrets provider add-on must be enabled (inception's
//!   clusters have it for `secret`).
//! - The add-on's controller runs in the namespace `app-routing-system`
//!   (an AKS tutorial's stored Markdown: "The `web_application_routing`
//!   add-on deploys a managed OSS NGINX controller … `kubectl get all
//!   --namespace app-routing-system`"; the same namespace in every AKS
//!   deployment script the search found).
//! - The AKS property that enables it: `ingressProfile.webAppRouting.enabled`
//!   of `Microsoft.ContainerService/managedClusters` (checked against the
//!   Azure type definitions by `scripts/bicep_types_check.py`).
//! - Minikube's `ingress` addon (Kubernetes docs, "Set up Ingress on Minikube
//!   with the NGINX Ingress Controller", kubernetes/website
//!   `content/en/docs/tasks/access-application-cluster/ingress-minikube.md`):
//!   enabled with `minikube addons enable ingress` (or `minikube start
//!   --addons=ingress`); since Minikube 1.19 its controller runs in the
//!   namespace `ingress-nginx`, IngressClass `nginx`.
//!
//! What inception does not do: DNS. The host's record (to the controller's
//! public address) is the operator's, as is the certificate in the tier's
//! vault (`az keyvault certificate import --vault-name VAULT -n NAME-tls`).

use crate::model::{Cluster, Model, Service, Tier};

/// The application routing add-on's IngressClass.
pub(crate) const AKS_INGRESS_CLASS: &str = "webapprouting.kubernetes.azure.com";
/// The namespace of the add-on's controller.
pub(crate) const AKS_INGRESS_NAMESPACE: &str = "app-routing-system";
/// The annotation naming the Key Vault certificate of an Ingress (spelled
/// in `templates/helm/service/templates/ingress.yaml`; a test holds it to this).
#[cfg(test)]
pub(crate) const AKS_TLS_ANNOTATION: &str = "kubernetes.azure.com/tls-cert-keyvault-uri";
/// The prefix of the Secret the add-on syncs the certificate into:
/// `keyvault-INGRESS` (spelled in the same template).
#[cfg(test)]
pub(crate) const AKS_TLS_SECRET_PREFIX: &str = "keyvault-";
/// Minikube's ingress addon's IngressClass.
pub(crate) const MINIKUBE_INGRESS_CLASS: &str = "nginx";
/// The namespace of Minikube's ingress controller.
pub(crate) const MINIKUBE_INGRESS_NAMESPACE: &str = "ingress-nginx";
/// The Minikube addon that runs it.
pub(crate) const MINIKUBE_INGRESS_ADDON: &str = "ingress";

/// The IngressClass and the controller's namespace of a tier's cluster.
pub(crate) fn controller(cluster: Cluster) -> (&'static str, &'static str) {
    match cluster {
        Cluster::Minikube => (MINIKUBE_INGRESS_CLASS, MINIKUBE_INGRESS_NAMESPACE),
        Cluster::Aks => (AKS_INGRESS_CLASS, AKS_INGRESS_NAMESPACE),
    }
}

/// The Key Vault certificate of an exposed service, in its tier's vault.
pub(crate) fn certificate_name(service: &Service) -> String {
    format!("{}-tls", service.name.value)
}

/// The `minikube start` flag enabling the ingress addon, when a service is
/// exposed on a Minikube tier (` --addons=ingress`), else nothing.
pub(crate) fn minikube_addons(model: &Model) -> String {
    if exposed_on(model, Cluster::Minikube) { format!(" --addons={MINIKUBE_INGRESS_ADDON}") } else { String::new() }
}

/// Whether any service is exposed in a tier of this cluster kind.
pub(crate) fn exposed_on(model: &Model, cluster: Cluster) -> bool {
    model
        .tiers
        .iter()
        .filter(|t: &&Tier| t.cluster.value == cluster)
        .any(|t| model.services.iter().any(|s| s.expose_in(&t.name.value).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_spells_the_add_on_facts_recorded_here() {
        let ingress = include_str!("../../templates/helm/service/templates/ingress.yaml");
        assert!(ingress.contains(&format!("{AKS_TLS_ANNOTATION}: {{{{ . | quote }}}}")), "{ingress}");
        assert!(ingress.contains(&format!("printf \"{AKS_TLS_SECRET_PREFIX}%s\" (include \"service.name\" .)")));
        assert_eq!(controller(Cluster::Aks), ("webapprouting.kubernetes.azure.com", "app-routing-system"));
        assert_eq!(controller(Cluster::Minikube), ("nginx", "ingress-nginx"));
    }
}
