//! What the generated pipelines run that inception does not build: GitHub
//! actions pinned by full commit, the Rust toolchain that builds inception,
//! and the hosted runner images. Each pin says where it was read; raise them
//! together and re-read each source.

/// A GitHub action pinned by commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Action {
    /// `owner/name`.
    pub name: &'static str,
    /// The full commit the release tag points to.
    pub commit: &'static str,
    /// The release tag, for people.
    pub release: &'static str,
}

impl Action {
    /// `owner/name@COMMIT`.
    pub(crate) fn uses(self) -> String {
        format!("{}@{}", self.name, self.commit)
    }
}

/// `actions/checkout` v7.0.1: `git rev-parse v7.0.1^{commit}` in a clone of
/// github.com/actions/checkout (tag dated 2026-07; action.yml `using: node24`).
pub(crate) const CHECKOUT: Action =
    Action { name: "actions/checkout", commit: "3d3c42e5aac5ba805825da76410c181273ba90b1", release: "v7.0.1" };

/// `docker/setup-buildx-action` v4.3.0: `git rev-parse v4.3.0^{commit}` in a
/// clone of github.com/docker/setup-buildx-action (the default driver is
/// docker-container, so a pushed build reports the manifest digest).
pub(crate) const SETUP_BUILDX: Action = Action {
    name: "docker/setup-buildx-action",
    commit: "37fe631027851001ddb9b187196cc803df7f5f0e",
    release: "v4.3.0",
};

/// `docker/build-push-action` v7.3.0: `git rev-parse v7.3.0^{commit}` in a
/// clone of github.com/docker/build-push-action; action.yml declares the
/// inputs used here (context, file, push, tags, cache-to) and the output
/// `digest`.
pub(crate) const BUILD_PUSH: Action =
    Action { name: "docker/build-push-action", commit: "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a", release: "v7.3.0" };

/// `azure/login` v2.3.0: the commit public workflows pin as v2.3.0 (the tag
/// object itself is eec3c95; its commit is this one). Inputs `client-id`,
/// `tenant-id`, `subscription-id` and no secret: OpenID Connect with the
/// job's `id-token: write`.
pub(crate) const AZURE_LOGIN: Action =
    Action { name: "azure/login", commit: "a457da9ea143d694b1b9c7c869ebb04ebe844ef5", release: "v2.3.0" };

/// Every action the workflows use.
#[cfg(test)]
const ACTIONS: [Action; 4] = [CHECKOUT, SETUP_BUILDX, BUILD_PUSH, AZURE_LOGIN];

/// The Rust toolchain that builds inception in CI: the one
/// `rust-toolchain.toml` pins (a test keeps them equal).
pub(crate) const RUST_TOOLCHAIN: &str = "1.95.0";

/// The hosted runner image of both CI systems (GitHub `runs-on`, Azure
/// DevOps `vmImage`): an exact Ubuntu release, never `ubuntu-latest`.
pub(crate) const RUNNER: &str = "ubuntu-24.04";

/// The shell that installs inception at the pinned commit; `$INCEPTION_REPO`
/// and `$INCEPTION_COMMIT` come from the environment.
pub(crate) fn install_script() -> String {
    format!(
        "set -euo pipefail\nrustup toolchain install {RUST_TOOLCHAIN} --profile minimal\n\
         cargo +{RUST_TOOLCHAIN} install --locked --git \"$INCEPTION_REPO\" --rev \"$INCEPTION_COMMIT\" inception\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_pinned_by_a_full_commit() {
        for action in ACTIONS {
            assert_eq!(action.commit.len(), 40, "{}", action.name);
            assert!(action.commit.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{}", action.name);
            assert!(action.release.starts_with('v'), "{}", action.name);
        }
    }

    #[test]
    fn ci_builds_inception_with_the_pinned_toolchain() {
        let toolchain = include_str!("../../rust-toolchain.toml");
        assert!(toolchain.contains(&format!("channel = \"{RUST_TOOLCHAIN}\"")), "{toolchain}");
    }
}
