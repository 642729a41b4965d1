//! The built-in catalog of CLIs a `tool` node can name without a `url=`.
//!
//! Each entry says where the official release of a version lives, how it is
//! packed, and the sha256 of the versions whose checksums were read, for both
//! platforms the dev container builds on (Docker's `TARGETARCH`, amd64 and
//! arm64). `{arch}` is resolved per platform in the Dockerfile.

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
    /// Known versions: the sha256 of the amd64 and of the arm64 download.
    pub checksums: &'static [(&'static str, [&'static str; 2])],
}

/// Every tool the catalog knows, sorted by name. The sha256s were read on
/// 2026-11-29 from:
///
/// - argocd, bicep, helm, minikube: cashapp/hermit-packages `argocd.hcl`,
///   `bicep.hcl`, `helm.hcl`, `minikube.hcl` (`sha256sums` by download URL),
///   commit f0517fd7532fc6adfd910cfba3ef2b4c59f662db; helm's agree with
///   argoproj/argo-cd `hack/installers/checksums/helm-v3.15.2-linux-*.tar.gz.sha256`
///   (commit 37ee0097cf851bc2dd7665fc081bbce61a7e836e), the `.sha256sum`
///   files get.helm.sh serves. minikube's are of the GitHub release tarballs.
/// - kubectl: the `dl.k8s.io/release/v1.36.0/bin/linux/{amd64,arm64}/kubectl.sha256`
///   values, as several independent public repositories pin them (renovate-
///   maintained Makefiles and Dockerfiles, found by exact search); no single
///   upstream repository records them.
/// - k9s, kustomize: none read. `inception lint --strict` reports a tool
///   without a known sha256 for a platform; the spec can give it with
///   `sha256-amd64=`/`sha256-arm64=`.
pub(crate) const TOOLS: &[CatalogTool] = &[
    CatalogTool {
        name: "argocd",
        url: "https://github.com/argoproj/argo-cd/releases/download/v{version}/argocd-linux-{arch}",
        packing: Packing::Binary,
        amd64: "amd64",
        checksums: &[(
            "2.11.3",
            [
                "6b7551e83e8296a7b0ee265400429e81185fc49f012b537016ded6ef17c178f0",
                "fb7fb985ffdae09e930666ff705ffe11cbe3c4eb6edb647c44cc8599b2dff193",
            ],
        )],
    },
    CatalogTool {
        name: "bicep",
        url: "https://github.com/Azure/bicep/releases/download/v{version}/bicep-linux-{arch}",
        packing: Packing::Binary,
        amd64: "x64",
        checksums: &[(
            "0.28.1",
            [
                "7342c0a90f04d30178622255e895c382012566c2a7d31de9bd4e43234ae03aa3",
                "b55b7d907d3c6ee670b056d60a8c7965952f511f9de67710f5a5e7a45c72d93c",
            ],
        )],
    },
    CatalogTool {
        name: "helm",
        url: "https://get.helm.sh/helm-v{version}-linux-{arch}.tar.gz",
        packing: Packing::TarGz("linux-{arch}/helm"),
        amd64: "amd64",
        checksums: &[(
            "3.15.2",
            [
                "2694b91c3e501cff57caf650e639604a274645f61af2ea4d601677b746b44fe2",
                "adcf07b08484b52508e5cbc8b5f4b0b0db50342f7bc487ecd88b8948b680e6a7",
            ],
        )],
    },
    CatalogTool {
        name: "k9s",
        url: "https://github.com/derailed/k9s/releases/download/v{version}/k9s_Linux_{arch}.tar.gz",
        packing: Packing::TarGz("k9s"),
        amd64: "amd64",
        checksums: &[],
    },
    CatalogTool {
        name: "kubectl",
        url: "https://dl.k8s.io/release/v{version}/bin/linux/{arch}/kubectl",
        packing: Packing::Binary,
        amd64: "amd64",
        checksums: &[(
            "1.36.0",
            [
                "123d8c8844f46b1244c547fffb3c17180c0c26dac9890589fe7e67763298748e",
                "9f9d9c44a7b5264515ac9da5991584e2395bd50662e651132337e7b4d0c56f8f",
            ],
        )],
    },
    CatalogTool {
        name: "kustomize",
        url: "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv{version}/kustomize_v{version}_linux_{arch}.tar.gz",
        packing: Packing::TarGz("kustomize"),
        amd64: "amd64",
        checksums: &[],
    },
    CatalogTool {
        name: "minikube",
        url: "https://github.com/kubernetes/minikube/releases/download/v{version}/minikube-linux-{arch}.tar.gz",
        packing: Packing::TarGz("out/minikube-linux-{arch}"),
        amd64: "amd64",
        checksums: &[(
            "1.37.0",
            [
                "df8647d87a0635eb827a82ed8dce6cf0293e402a14e58008307c72d0d4c27d0c",
                "f8e388216ab1b9c5542d37ddf39d39e73ed25c65dbc2eb89189df891e9634aa1",
            ],
        )],
    },
];

/// The known sha256 of a catalog tool's download for `arch` (`amd64` or
/// `arm64`), if it was read.
pub(crate) fn sha256(tool: &CatalogTool, version: &str, arch: &str) -> Option<&'static str> {
    let index = crate::runtimes::ARCHES.iter().position(|a| *a == arch)?;
    tool.checksums.iter().find(|(v, _)| *v == version).map(|(_, sums)| sums[index])
}

/// What `tool` calls `arch` in its download names.
pub(crate) fn arch_name(tool: &CatalogTool, arch: &str) -> &'static str {
    if arch == "amd64" { tool.amd64 } else { "arm64" }
}

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
            let tool = find(required).expect("a required tool");
            assert!(!tool.checksums.is_empty(), "{required} has no known sha256");
        }
        for tool in TOOLS {
            for (version, sums) in tool.checksums {
                assert!(sums.iter().all(|s| crate::model::pin::is_sha256_hex(s)), "{} {version}", tool.name);
                assert_ne!(sums[0], sums[1], "{} {version}", tool.name);
            }
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
