//! The language runtimes a `toolchain` can install beside Python: Node.js
//! (with npm), Go, a Java JDK (Eclipse Temurin) and the .NET SDK.
//!
//! Each runtime is installed from its official archive, selected by Docker's
//! `TARGETARCH` (amd64 or arm64), checked against the checksum its publisher
//! gives (sha256; .NET publishes only sha512) and extracted whole into
//! `/usr/local/<runtime>`. The checksums of every version the compiler knows
//! are below, each release with where and when (2026-11-29) it was read. A
//! version not listed is accepted only with both checksums written in the
//! spec; a checksum is never guessed.

/// A runtime's archive checksum algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Digest {
    /// sha256, 64 hex digits.
    Sha256,
    /// sha512, 128 hex digits.
    Sha512,
}

impl Digest {
    /// The `sha256sum`/`sha512sum` name, also the spec's property prefix.
    pub fn name(self) -> &'static str {
        match self {
            Digest::Sha256 => "sha256",
            Digest::Sha512 => "sha512",
        }
    }

    /// Whether `hex` is a lower-case digest of this algorithm.
    pub fn is_valid(self, hex: &str) -> bool {
        let len = match self {
            Digest::Sha256 => 64,
            Digest::Sha512 => 128,
        };
        hex.len() == len && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

/// A language runtime of the toolchain (a closed set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// Node.js, with npm.
    Node,
    /// Go.
    Go,
    /// A Java JDK: Eclipse Temurin.
    Java,
    /// The .NET SDK.
    Dotnet,
}

/// The Docker `TARGETARCH`s every runtime is installed for.
pub const ARCHES: [&str; 2] = ["amd64", "arm64"];

impl Runtime {
    /// Every runtime, in the order the Dockerfile installs them.
    pub const ALL: [Runtime; 4] = [Runtime::Node, Runtime::Go, Runtime::Java, Runtime::Dotnet];

    /// The toolchain node that names it.
    pub fn keyword(self) -> &'static str {
        match self {
            Runtime::Node => "node",
            Runtime::Go => "go",
            Runtime::Java => "java",
            Runtime::Dotnet => "dotnet",
        }
    }

    /// The runtime named by a toolchain node.
    pub fn from_keyword(keyword: &str) -> Option<Runtime> {
        Runtime::ALL.into_iter().find(|r| r.keyword() == keyword)
    }

    /// How people call it.
    pub fn title(self) -> &'static str {
        match self {
            Runtime::Node => "Node.js",
            Runtime::Go => "Go",
            Runtime::Java => "Java (Eclipse Temurin JDK)",
            Runtime::Dotnet => ".NET SDK",
        }
    }

    /// The checksum its publisher gives.
    pub fn digest(self) -> Digest {
        match self {
            Runtime::Dotnet => Digest::Sha512,
            _ => Digest::Sha256,
        }
    }

    /// Where the archive is extracted.
    pub fn home(self) -> &'static str {
        match self {
            Runtime::Node => "/usr/local/node",
            Runtime::Go => "/usr/local/go",
            Runtime::Java => "/usr/local/java",
            Runtime::Dotnet => "/usr/local/dotnet",
        }
    }

    /// Leading path components the archive wraps its tree in.
    pub fn strip_components(self) -> u8 {
        match self {
            Runtime::Dotnet => 0,
            _ => 1,
        }
    }

    /// An example version for help texts.
    pub fn example(self) -> &'static str {
        releases(self).first().map_or("", |r| r.version)
    }

    /// The official archive of `version` for `arch` (`amd64` or `arm64`).
    pub fn url(self, version: &str, arch: &str) -> String {
        match self {
            Runtime::Node => {
                let arch = if arch == "amd64" { "x64" } else { arch };
                format!("https://nodejs.org/dist/v{version}/node-v{version}-linux-{arch}.tar.gz")
            }
            Runtime::Go => format!("https://dl.google.com/go/go{version}.linux-{arch}.tar.gz"),
            Runtime::Java => {
                let major = version.split(['.', '+']).next().unwrap_or(version);
                let arch = if arch == "amd64" { "x64" } else { "aarch64" };
                format!(
                    "https://github.com/adoptium/temurin{major}-binaries/releases/download/jdk-{}/OpenJDK{major}U-jdk_{arch}_linux_hotspot_{}.tar.gz",
                    version.replace('+', "%2B"),
                    version.replace('+', "_")
                )
            }
            Runtime::Dotnet => {
                let arch = if arch == "amd64" { "x64" } else { arch };
                format!(
                    "https://builds.dotnet.microsoft.com/dotnet/Sdk/{version}/dotnet-sdk-{version}-linux-{arch}.tar.gz"
                )
            }
        }
    }

    /// The environment the runtime's tools expect, for the non-root `user`,
    /// in order. `PATH` is built by the caller from [`Runtime::path`].
    pub fn env(self, user: &str) -> Vec<(&'static str, String)> {
        match self {
            // npm installs global packages under the user's home, not into
            // the root-owned runtime tree.
            Runtime::Node => vec![("NPM_CONFIG_PREFIX", format!("/home/{user}/.npm-global"))],
            Runtime::Go => vec![("GOROOT", self.home().to_owned()), ("GOPATH", format!("/home/{user}/go"))],
            Runtime::Java => vec![("JAVA_HOME", self.home().to_owned())],
            Runtime::Dotnet => vec![
                ("DOTNET_ROOT", self.home().to_owned()),
                ("DOTNET_CLI_TELEMETRY_OPTOUT", "1".to_owned()),
                ("DOTNET_NOLOGO", "1".to_owned()),
            ],
        }
    }

    /// The folders it adds to `PATH`, first first.
    pub fn path(self, user: &str) -> Vec<String> {
        match self {
            Runtime::Node => vec![format!("/home/{user}/.npm-global/bin"), "/usr/local/node/bin".to_owned()],
            Runtime::Go => vec![format!("/home/{user}/go/bin"), "/usr/local/go/bin".to_owned()],
            Runtime::Java => vec!["/usr/local/java/bin".to_owned()],
            Runtime::Dotnet => vec!["/usr/local/dotnet".to_owned(), format!("/home/{user}/.dotnet/tools")],
        }
    }

    /// The command that proves the install, run as the last step.
    pub fn smoke_test(self) -> &'static str {
        match self {
            Runtime::Node => "node --version && npm --version",
            Runtime::Go => "go version",
            Runtime::Java => "java -version",
            Runtime::Dotnet => "dotnet --version",
        }
    }

    /// The VS Code extension users of this runtime expect. `lint` reports a
    /// toolchain with the runtime but without it: the compiler cannot pick
    /// the extension's version for the spec.
    pub fn extension(self) -> &'static str {
        match self {
            Runtime::Node => "dbaeumer.vscode-eslint",
            Runtime::Go => "golang.go",
            Runtime::Java => "vscjava.vscode-java-pack",
            Runtime::Dotnet => "ms-dotnettools.csharp",
        }
    }
}

/// One release of a runtime whose checksums the compiler knows.
#[derive(Debug, Clone, Copy)]
pub struct Release {
    /// The runtime.
    pub runtime: Runtime,
    /// The exact version as written in the spec.
    pub version: &'static str,
    /// The checksum of the amd64 and the arm64 archive, in [`ARCHES`] order,
    /// of the runtime's [`Digest`].
    pub checksums: [&'static str; 2],
}

/// Every known release, by runtime, newest first. Read on 2026-11-29:
///
/// - Node.js: the `nodejs.org/dist/vX/SHASUMS256.txt` lines of the
///   `linux-x64`/`linux-arm64` `.tar.gz`, as nodenv/node-build records them
///   (`share/node-build/<version>`, commit 1330263f5be434685eb14fd2ee563ed1970a8f3a);
///   24.19.0's also found in several independent repositories.
/// - Go: docker-library/golang `versions.json` (`arches.amd64` and
///   `arches.arm64v8` `sha256`, the go.dev/dl values), commit
///   7c8c182bfc19ee3169d0596ae63917d2c7166f94.
/// - Java: adoptium/containers `21/jdk/ubuntu/noble/Dockerfile` and
///   `25/jdk/ubuntu/noble/Dockerfile` (`ESUM` of `amd64` and `arm64`, the
///   Adoptium API's checksums), commit d8d18d67a32e2cbc765de68c30ea0998009df325.
/// - .NET: the sha512 of `dotnet-sdk-<version>-linux-{x64,arm64}.tar.gz` in
///   `builds.dotnet.microsoft.com/dotnet/release-metadata/<major>/releases.json`,
///   as NixOS/nixpkgs records them (`sha512-` SRI, decoded); 10.0.400's also
///   quoted in hex by several independent repositories citing releases.json.
pub const RELEASES: &[Release] = &[
    Release {
        runtime: Runtime::Node,
        version: "24.19.0",
        checksums: [
            "f625d97cd707df4ff96254916fbc5ff014f09c09effe5a1e0ca8f6d41a8789d4",
            "d28c8a5bf0a808f0ed434a1dce8c54ae98f0371c0bd86ac58abc613f73e6643f",
        ],
    },
    Release {
        runtime: Runtime::Node,
        version: "22.22.0",
        checksums: [
            "c33c39ed9c80deddde77c960d00119918b9e352426fd604ba41638d6526a4744",
            "25ba95dfb96871fa2ef977f11f95ea90818c8fa15c0f2110771db08d4ba423be",
        ],
    },
    Release {
        runtime: Runtime::Go,
        version: "1.27.0",
        checksums: [
            "675c26c449cbb18fc24b74650de1eabbae6e16f64326fd85a283fb3b58280685",
            "51798d2c42d0e1c6ed7fd9f48728b4193abac9e8aad6dbac2fe96a81f5909bda",
        ],
    },
    Release {
        runtime: Runtime::Go,
        version: "1.26.7",
        checksums: [
            "ffb5f8de10c62550dfddab66b36b57030721e0a44a3218e9e1181d7b59f121ca",
            "5a4ec883379d51ee9ce1040d5e87f8d35e20387574dd8c947feb01eabc3c1b37",
        ],
    },
    Release {
        runtime: Runtime::Java,
        version: "25.0.4+7",
        checksums: [
            "e58fcdcd637b25c03ca84cbbcefc70d11efb8f4b4cbd05decc9f661769d77f94",
            "621f7196f0b682fb557da58bec89bd7dfe5419811fe1c0ba75c9cc8432f084c7",
        ],
    },
    Release {
        runtime: Runtime::Java,
        version: "21.0.12+8",
        checksums: [
            "e4446ff06a276155697597cc0f1b15da004ff083f4964a35271ecee567177370",
            "eba38e871b02d407897bfe017ea35352dfc1420ef6d2112425b0c67325ca509d",
        ],
    },
    Release {
        runtime: Runtime::Dotnet,
        version: "10.0.400",
        checksums: [
            "1033977dd837150e0814cf0c5d5b17ceb63925fda7ba2158b47258a4bd7c048cf82eac3bc1166f3146f53124a3f5fba09db1de1260d2ce96399860303b404b48",
            "a1b45da58e5591fff909a6126ac6bfc1ef9c12bc72c0625f7815e83a82be1a902317ee96926cbbf81324a45c6abf2ed8102a216d0507879cc166159af78d1b77",
        ],
    },
    Release {
        runtime: Runtime::Dotnet,
        version: "8.0.424",
        checksums: [
            "6503fd9f464d5e3a4f43a881d2b74afc6a2c46ceda74d027f1565b7239f4b3ec884857c03c0dcd49eb52f384d5ae1fa5aaf135f0a6aabc5518103aceed643c74",
            "bb19b6779ad93d146055583d644ef269bb42501f6c7fdef51e14026cde9d5fd726d370de098a8d8504867fb24bfcb5ab88cc22bec812461aede334de1aacf7b6",
        ],
    },
];

/// The known releases of a runtime, newest first.
pub fn releases(runtime: Runtime) -> Vec<&'static Release> {
    RELEASES.iter().filter(|r| r.runtime == runtime).collect()
}

/// A known release.
pub fn find(runtime: Runtime, version: &str) -> Option<&'static Release> {
    RELEASES.iter().find(|r| r.runtime == runtime && r.version == version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_release_has_a_checksum_of_its_algorithm_per_arch_and_is_listed_once() {
        for release in RELEASES {
            for sum in release.checksums {
                assert!(release.runtime.digest().is_valid(sum), "{} {}", release.runtime.keyword(), release.version);
            }
            assert_ne!(release.checksums[0], release.checksums[1], "{}", release.version);
            let same = RELEASES.iter().filter(|r| r.runtime == release.runtime && r.version == release.version);
            assert_eq!(same.count(), 1, "{}", release.version);
        }
        for runtime in Runtime::ALL {
            assert!(!releases(runtime).is_empty(), "{}", runtime.keyword());
            assert_eq!(Runtime::from_keyword(runtime.keyword()), Some(runtime));
        }
    }

    #[test]
    fn urls_follow_each_publishers_naming() {
        assert_eq!(
            Runtime::Node.url("24.19.0", "amd64"),
            "https://nodejs.org/dist/v24.19.0/node-v24.19.0-linux-x64.tar.gz"
        );
        assert_eq!(Runtime::Go.url("1.27.0", "arm64"), "https://dl.google.com/go/go1.27.0.linux-arm64.tar.gz");
        assert_eq!(
            Runtime::Java.url("21.0.12+8", "arm64"),
            "https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.12%2B8/OpenJDK21U-jdk_aarch64_linux_hotspot_21.0.12_8.tar.gz"
        );
        assert_eq!(
            Runtime::Dotnet.url("10.0.400", "amd64"),
            "https://builds.dotnet.microsoft.com/dotnet/Sdk/10.0.400/dotnet-sdk-10.0.400-linux-x64.tar.gz"
        );
    }
}
