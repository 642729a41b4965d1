//! The built-in catalog of CLIs a `tool` node can name without a `url=`.
//!
//! Each entry says where the official release of a version lives and how it
//! is packed. The dev container is built for one platform (`linux/amd64`), so
//! `{arch}` is resolved at compile time and every developer gets the same file.

/// How a download is packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Packing {
    /// The download is the executable itself.
    Binary,
    /// A gzipped tarball; the executable is at this path inside it
    /// (`{version}` and `{arch}` substituted).
    TarGz(&'static str),
}

/// One catalog entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CatalogTool {
    /// The tool name as written in the spec.
    pub name: &'static str,
    /// The release URL with `{version}` and `{arch}` placeholders.
    pub url: &'static str,
    /// How the download is packed.
    pub packing: Packing,
    /// What this project calls `amd64` (bicep says `x64`).
    pub amd64: &'static str,
}

/// Every tool the catalog knows, sorted by name.
pub(crate) const TOOLS: &[CatalogTool] = &[
    CatalogTool {
        name: "argocd",
        url: "https://github.com/argoproj/argo-cd/releases/download/v{version}/argocd-linux-{arch}",
        packing: Packing::Binary,
        amd64: "amd64",
    },
    CatalogTool {
        name: "bicep",
        url: "https://github.com/Azure/bicep/releases/download/v{version}/bicep-linux-{arch}",
        packing: Packing::Binary,
        amd64: "x64",
    },
    CatalogTool {
        name: "helm",
        url: "https://get.helm.sh/helm-v{version}-linux-{arch}.tar.gz",
        packing: Packing::TarGz("linux-{arch}/helm"),
        amd64: "amd64",
    },
    CatalogTool {
        name: "k9s",
        url: "https://github.com/derailed/k9s/releases/download/v{version}/k9s_Linux_{arch}.tar.gz",
        packing: Packing::TarGz("k9s"),
        amd64: "amd64",
    },
    CatalogTool {
        name: "kubectl",
        url: "https://dl.k8s.io/release/v{version}/bin/linux/{arch}/kubectl",
        packing: Packing::Binary,
        amd64: "amd64",
    },
    CatalogTool {
        name: "kustomize",
        url: "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv{version}/kustomize_v{version}_linux_{arch}.tar.gz",
        packing: Packing::TarGz("kustomize"),
        amd64: "amd64",
    },
    CatalogTool {
        name: "minikube",
        url: "https://storage.googleapis.com/minikube/releases/v{version}/minikube-linux-{arch}",
        packing: Packing::Binary,
        amd64: "amd64",
    },
];

/// The platform every dev container is built for.
pub(crate) const PLATFORM: &str = "linux/amd64";

/// A catalog entry by name.
pub(crate) fn find(name: &str) -> Option<&'static CatalogTool> {
    TOOLS.iter().find(|t| t.name == name)
}

/// The names of every catalog tool.
pub(crate) fn names() -> Vec<&'static str> {
    TOOLS.iter().map(|t| t.name).collect()
}

/// Substitute `{version}` and `{arch}` in a URL or path.
pub(crate) fn expand(template: &str, version: &str, arch: &str) -> String {
    template.replace("{version}", version).replace("{arch}", arch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_sorted_unique_and_every_url_takes_a_version() {
        let names = names();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for tool in TOOLS {
            assert!(tool.url.contains("{version}"), "{}", tool.name);
            assert!(tool.url.starts_with("https://"), "{}", tool.name);
        }
        for required in ["kubectl", "helm", "minikube", "argocd", "bicep"] {
            assert!(find(required).is_some(), "{required}");
        }
    }

    #[test]
    fn expand_fills_both_placeholders() {
        let helm = find("helm").expect("helm is in the catalog");
        assert_eq!(expand(helm.url, "3.15.2", helm.amd64), "https://get.helm.sh/helm-v3.15.2-linux-amd64.tar.gz");
        let bicep = find("bicep").expect("bicep is in the catalog");
        assert!(expand(bicep.url, "0.28.1", bicep.amd64).ends_with("/v0.28.1/bicep-linux-x64"));
    }
}

/// uv, which installs the dev container's Python and isolates its Python
/// tools: one pinned release, as the wheels PyPI serves for each platform.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Uv {
    /// The release.
    pub version: &'static str,
    /// One wheel per Docker `TARGETARCH`.
    pub wheels: [UvWheel; 2],
}

/// One platform's uv wheel.
#[derive(Debug, serde::Serialize)]
pub(crate) struct UvWheel {
    /// Docker's `TARGETARCH`.
    pub arch: &'static str,
    /// Its path under `https://files.pythonhosted.org/packages/`.
    pub path: &'static str,
    /// Its sha256.
    pub sha256: &'static str,
}

/// uv 0.13.9. Read from PyPI's JSON API (`pypi.org/pypi/uv/0.13.9/json`: each
/// file's URL path and `digests.sha256`), and the sha256 of both wheels
/// recomputed from `pip download uv==0.13.9 --only-binary=:all: --platform …`.
/// Both wheels' uv list cpython 3.9.13 and 3.12.4 downloads for x86_64 and
/// aarch64 (`uv python list --all-versions --only-downloads --all-arches`).
pub(crate) const UV: Uv = Uv {
    version: "0.13.9",
    wheels: [
        UvWheel {
            arch: "amd64",
            path: "3d/aa/26d64642d808de4a652579ef950d7cd2d37f080a8babf9c67c6b75fc4c3f/uv-0.13.9-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            sha256: "d7f459fe4fd247d830351c75686d3996ace3c6f3f728eb0e85a30b7ada0cef19",
        },
        UvWheel {
            arch: "arm64",
            path: "fe/2f/51a5de367c602592c018a42a23d57fba5f2689fe6c3bf025dcf043b39c61/uv-0.13.9-py3-none-manylinux_2_28_aarch64.whl",
            sha256: "ecb6028d79dc96fbeafffe5c8af62a7099487ebc05a701e76714eebcffd06375",
        },
    ],
};
