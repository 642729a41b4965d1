//! `toolchain { … }` → [`Toolchain`]: the dev container, all pinned.

use super::error::Invalid;
use super::error::ModelError;
use super::grammar;
use super::pin;
use super::reader::{Reader, Seen};
use super::suggest::did_you_mean;
use super::types::{BaseImage, Extension, Mount, Pip, RuntimePin, Setting, SettingValue, Tool, Toolchain};
use super::vocabulary::Context;
use crate::catalog;
use crate::runtimes::{self, ARCHES, Runtime};
use crate::spec::{RawNode, Scalar, Spanned};

/// Resolve a `toolchain` node.
pub(super) fn resolve(reader: &mut Reader, node: &RawNode) -> Toolchain {
    reader.props(node, &[]);
    reader.max_args(node, 0, "no arguments");
    let mut toolchain = Toolchain { span: node.span, ..Toolchain::default() };
    let mut once = Seen::default();
    let mut tools = Seen::default();
    let mut pips = Seen::default();
    let mut extensions = Seen::default();
    let mut settings = Seen::default();
    let mut base = None;
    let mut user = None;
    let mut uid = None;
    for child in reader.children(node, Context::Toolchain, "`toolchain`") {
        let name = child.name.value.as_str();
        if matches!(
            name,
            "base" | "python" | "node" | "go" | "java" | "dotnet" | "user" | "snapshot" | "docker-in-docker"
        ) {
            once.insert(reader, "toolchain node", &child.name, "the toolchain has one of each; remove one");
        }
        match name {
            "base" => base = resolve_base(reader, child),
            "python" => toolchain.python = resolve_python(reader, child),
            "node" | "go" | "java" | "dotnet" => toolchain.runtimes.extend(resolve_runtime(reader, child)),
            "user" => {
                user = resolve_user(reader, child);
                uid = resolve_uid(reader, child).or(uid);
            }
            "apt" => toolchain.apt.extend(resolve_apt(reader, child)),
            "snapshot" => {
                toolchain.snapshot = reader.leaf_string(child, "a UTC time").filter(|time| {
                    reader.fits(time, is_snapshot_time(&time.value), "a UTC time", "\"2026-11-01T00:00:00Z\"")
                });
            }
            "pip" => {
                if let Some(pip) = resolve_pip(reader, child) {
                    pips.insert(reader, "pip package", &pip.name, "pin each package once");
                    toolchain.pip.push(pip);
                }
            }
            "tool" => {
                if let Some(tool) = resolve_tool(reader, child) {
                    tools.insert(reader, "tool", &tool.name, "pin each tool once");
                    toolchain.tools.push(tool);
                }
            }
            "docker-in-docker" => {
                toolchain.docker_in_docker = reader
                    .leaf_string(child, "the Docker version")
                    .filter(|v| reader.pinned("docker-in-docker", v, true, "26.1.4"))
                    .filter(|v| reader.fits(v, grammar::is_version(&v.value), "a version", "\"26.1.4\""));
            }
            "extension" => {
                if let Some(extension) = resolve_extension(reader, child) {
                    let id = Spanned::new(extension.id.clone(), extension.span);
                    extensions.insert(reader, "extension", &id, "list each extension once");
                    toolchain.extensions.push(extension);
                }
            }
            "setting" => {
                if let Some(setting) = resolve_setting(reader, child) {
                    settings.insert(reader, "setting", &setting.key, "set each setting once");
                    toolchain.settings.push(setting);
                }
            }
            "mount" => toolchain.mounts.extend(resolve_mount(reader, child)),
            "forward-port" => toolchain.forward_ports.extend(resolve_ports(reader, child)),
            _ => {}
        }
    }
    match base {
        Some(base) => toolchain.base = base,
        None => reader.error(ModelError::Missing {
            message: "the toolchain has no base image".to_owned(),
            span: node.name.span.into(),
            label: "no `base` in here".to_owned(),
            help: "add base \"IMAGE:TAG\" digest=\"sha256:…\"".to_owned(),
        }),
    }
    toolchain.user = user.unwrap_or_else(|| Spanned::new("vscode".to_owned(), node.name.span));
    toolchain.uid = uid.unwrap_or(1000);
    toolchain
}

fn resolve_base(reader: &mut Reader, node: &RawNode) -> Option<BaseImage> {
    reader.props(node, &["digest"]);
    reader.max_args(node, 1, "one image reference");
    reader.no_children(node);
    let image = reader.string_arg(node, 0, "an image reference")?;
    let digest = reader.string_prop(node, "digest", "a digest");
    let reference = image.value.split('@').next().unwrap_or_default();
    if !reader.fits(&image, grammar::is_image_reference(reference), "an image reference", "\"debian:12\"") {
        return None;
    }
    if let Some(digest) = &digest
        && !pin::is_sha256_digest(&digest.value)
    {
        reader.invalid(
            Invalid::Digest,
            digest.span,
            format!("digest `{}` is not a sha256 digest", digest.value),
            "expected sha256: and 64 hex digits".to_owned(),
            "copy it from `docker buildx imagetools inspect IMAGE`".to_owned(),
        );
    }
    if image.value.contains('@') {
        reader.invalid(
            Invalid::Misplaced,
            image.span,
            "the base image carries its digest inline".to_owned(),
            "`@` in the reference".to_owned(),
            "write the digest as a property: base \"IMAGE:TAG\" digest=\"sha256:…\"".to_owned(),
        );
    } else if digest.is_none() {
        check_image_tag(reader, "base image", &image);
    }
    Some(BaseImage { image, digest, span: node.span })
}

/// An image without a digest must at least carry a fixed tag.
pub(super) fn check_image_tag(reader: &mut Reader, what: &str, image: &Spanned<String>) {
    match pin::image_tag(&image.value) {
        Some(tag) => {
            if let Some(reason) = pin::moving_tag(tag) {
                reader.error(ModelError::UnpinnedVersion {
                    what: what.to_owned(),
                    version: image.value.clone(),
                    span: image.span.into(),
                    reason: reason.to_owned(),
                    help: "pin an exact tag, or better a sha256 digest: IMAGE@sha256:…".to_owned(),
                });
            }
        }
        None => reader.error(ModelError::UnpinnedVersion {
            what: what.to_owned(),
            version: image.value.clone(),
            span: image.span.into(),
            reason: "no tag and no digest".to_owned(),
            help: "pin it: IMAGE:TAG, or better IMAGE:TAG with a sha256 digest".to_owned(),
        }),
    }
}

fn resolve_python(reader: &mut Reader, node: &RawNode) -> Option<Spanned<String>> {
    let version = reader.leaf_string(node, "the Python version")?;
    let reason = pin::not_semver(&version.value)
        .or_else(|| (!grammar::is_python_version(&version.value)).then_some("not MAJOR.MINOR.PATCH[a|b|rcN]"));
    if let Some(reason) = reason {
        reader.error(ModelError::UnpinnedVersion {
            what: "python".to_owned(),
            version: version.value.clone(),
            span: version.span.into(),
            reason: reason.to_owned(),
            help: format!(
                "write the exact patch release, e.g. \"{}.13\": `{}` means a different Python on every machine",
                version.value.trim_end_matches('.'),
                version.value
            ),
        });
        return None;
    }
    Some(version)
}

/// `node VERSION` (`go`, `java`, `dotnet`): an exact version whose archive
/// checksums the catalog knows, or which the spec gives for both platforms.
fn resolve_runtime(reader: &mut Reader, node: &RawNode) -> Option<RuntimePin> {
    let runtime = Runtime::from_keyword(&node.name.value)?;
    let algorithm = runtime.digest().name();
    let keys: Vec<String> = ARCHES.iter().map(|arch| format!("{algorithm}-{arch}")).collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    reader.props(node, &key_refs);
    reader.max_args(node, 1, "one exact version");
    reader.no_children(node);
    let version = reader.string_arg(node, 0, "an exact version")?;
    let example = runtime.example();
    if !reader.pinned(runtime.keyword(), &version, true, example) || !plain_word(reader, &version, "a version", example)
    {
        return None;
    }
    let given: Vec<Option<Spanned<String>>> =
        keys.iter().map(|key| reader.string_prop(node, key, &format!("a {algorithm} checksum"))).collect();
    let mut valid = true;
    for sum in given.iter().flatten() {
        if !runtime.digest().is_valid(&sum.value) {
            valid = false;
            reader.invalid(
                Invalid::Digest,
                sum.span,
                format!("not a {algorithm} checksum"),
                format!("expected {} lower-case hex digits", if algorithm == "sha256" { 64 } else { 128 }),
                format!("copy it from the publisher's checksum list for {}", runtime.title()),
            );
        }
    }
    let known = runtimes::find(runtime, &version.value);
    let checksums = match (&given[0], &given[1], known) {
        (Some(amd64), Some(arm64), _) => [amd64.value.clone(), arm64.value.clone()],
        (None, None, Some(release)) => release.checksums.map(str::to_owned),
        (amd64, arm64, _) => {
            let versions: Vec<&str> = runtimes::releases(runtime).iter().map(|r| r.version).collect();
            let (message, help) = if amd64.is_some() || arm64.is_some() {
                (
                    format!("{} {} has a checksum for one platform only", runtime.keyword(), version.value),
                    format!("give both {} and {}: the dev container builds on amd64 and arm64", keys[0], keys[1]),
                )
            } else {
                (
                    format!("the compiler knows no checksums of {} {}", runtime.title(), version.value),
                    format!(
                        "use a version it knows ({}), or give the publisher's checksums: {} \"{}\" {}=\"…\" {}=\"…\"",
                        versions.join(", "),
                        runtime.keyword(),
                        version.value,
                        keys[0],
                        keys[1]
                    ),
                )
            };
            reader.invalid(
                Invalid::Unknown,
                version.span,
                message,
                "no checksum to verify the download".to_owned(),
                help,
            );
            return None;
        }
    };
    valid.then_some(RuntimePin { runtime, version, checksums, span: node.span })
}

fn resolve_uid(reader: &mut Reader, node: &RawNode) -> Option<u32> {
    let prop = node.prop("uid")?;
    let uid = reader.int_value("user uid=", &prop.value, "a user id", 1..=60000)?;
    u32::try_from(uid.value).ok()
}

fn resolve_user(reader: &mut Reader, node: &RawNode) -> Option<Spanned<String>> {
    reader.props(node, &["uid"]);
    reader.max_args(node, 1, "one user name");
    reader.no_children(node);
    let user = reader.string_arg(node, 0, "a user name")?;
    if user.value == "root" {
        reader.invalid(
            Invalid::Reserved,
            user.span,
            "the dev container user must not be root".to_owned(),
            "root".to_owned(),
            "name a non-root user, e.g. vscode".to_owned(),
        );
        return None;
    }
    let valid = user.value.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && user.value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid {
        reader.invalid(
            Invalid::Malformed,
            user.span,
            format!("`{}` is not a valid user name", user.value),
            "lower-case letters, digits, `_` and `-`".to_owned(),
            "use a name such as vscode".to_owned(),
        );
        return None;
    }
    Some(user)
}

fn resolve_apt(reader: &mut Reader, node: &RawNode) -> Vec<Spanned<String>> {
    reader.props(node, &[]);
    reader.no_children(node);
    if node.args.is_empty() {
        reader.missing_arg(node, "one or more Debian package names");
    }
    let packages = reader.string_args(node, 0, "a package name");
    packages
        .into_iter()
        .filter(|p| {
            let (name, version) = p.value.split_once('=').unwrap_or((&p.value, "1"));
            let valid = name.len() > 1
                && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
                && pin::is_plain_word(version);
            if !valid {
                reader.invalid(
                    Invalid::Malformed,
                    p.span,
                    format!("`{}` is not a Debian package name", p.value),
                    "expected NAME or NAME=VERSION".to_owned(),
                    "use the package name as `apt-cache policy` shows it, e.g. jq or jq=1.6-2.1".to_owned(),
                );
            }
            valid
        })
        .collect()
}

fn resolve_pip(reader: &mut Reader, node: &RawNode) -> Option<Pip> {
    reader.props(node, &[]);
    reader.max_args(node, 2, "a name and a version");
    reader.no_children(node);
    let name = reader.string_arg(node, 0, "a package name")?;
    let version = reader.string_arg(node, 1, "an exact version")?;
    if !plain_word(reader, &name, "a PyPI package name", "poetry") {
        return None;
    }
    let pinned = reader.pinned(&format!("pip {}", name.value), &version, false, "1.8.3");
    (pinned && plain_word(reader, &version, "a version", "1.8.3")).then_some(Pip { name, version, span: node.span })
}

fn resolve_tool(reader: &mut Reader, node: &RawNode) -> Option<Tool> {
    reader.props(node, &["sha256", "sha256-amd64", "sha256-arm64", "url", "extract"]);
    reader.max_args(node, 2, "a name and a version");
    reader.no_children(node);
    let name = reader.string_arg(node, 0, "a tool name")?;
    let version = reader.string_arg(node, 1, "an exact version")?;
    let lower = name.value.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(lower && plain_word(reader, &name, "a tool name", "kubectl")) {
        return None;
    }
    let sha256 = reader
        .string_prop(node, "sha256", "a sha256 checksum")
        .or_else(|| reader.string_prop(node, "sha256-amd64", "a sha256 checksum"));
    let sha256_arm64 = reader.string_prop(node, "sha256-arm64", "a sha256 checksum");
    let url = reader.string_prop(node, "url", "a URL");
    let extract = reader.string_prop(node, "extract", "a path inside the archive");
    for sum in [&sha256, &sha256_arm64].into_iter().flatten().filter(|sum| !pin::is_sha256_hex(&sum.value)) {
        reader.invalid(
            Invalid::Digest,
            sum.span,
            "sha256 must be 64 lower-case hex digits".to_owned(),
            "not a sha256 checksum".to_owned(),
            "copy it from the release's checksum file, or run sha256sum on the download".to_owned(),
        );
    }
    for text in [&url, &extract].into_iter().flatten() {
        if text.value.contains(|c: char| c.is_whitespace() || "\"'`$\\;|&<>".contains(c)) {
            reader.invalid(
                Invalid::Location,
                text.span,
                "a URL or path with spaces, quotes or shell characters".to_owned(),
                "it is written into a shell command of the Dockerfile".to_owned(),
                "percent-encode the URL (e.g. %20 for a space)".to_owned(),
            );
            return None;
        }
    }
    if let Some(url) = &url
        && extract.is_none()
        && is_archive(&url.value)
    {
        reader.invalid(
            Invalid::Malformed,
            url.span,
            "this URL is an archive, but the tool has no `extract=`".to_owned(),
            "an archive, not an executable".to_owned(),
            "name the executable inside it: extract=\"PATH/IN/ARCHIVE\" (with {version} and {arch} as in the URL)"
                .to_owned(),
        );
        return None;
    }
    match &url {
        Some(url) if !url.value.contains("{version}") || !url.value.starts_with("https://") => {
            reader.invalid(
                Invalid::Location,
                url.span,
                "a custom tool URL must be https:// and contain `{version}`".to_owned(),
                "no {version} placeholder, or not https".to_owned(),
                "write the release URL with {version} (and {arch}) in place of the version".to_owned(),
            );
        }
        None if catalog::find(&name.value).is_none() => {
            reader.error(ModelError::UnknownTool {
                name: name.value.clone(),
                span: name.span.into(),
                help: format!(
                    "{}; or give a custom download: url=\"https://…/{{version}}/…-{{arch}}\"",
                    did_you_mean(&name.value, &catalog::names(), "tool")
                ),
            });
        }
        _ => {}
    }
    let semver = url.is_none();
    let pinned = reader.pinned(&format!("tool {}", name.value), &version, semver, "1.29.6");
    (pinned && plain_word(reader, &version, "a version", "1.29.6")).then_some(Tool {
        name,
        version,
        sha256,
        sha256_arm64,
        url,
        extract,
        span: node.span,
    })
}

/// Whether `time` is `YYYY-MM-DDTHH:MM:SSZ` with plausible fields.
fn is_snapshot_time(time: &str) -> bool {
    let bytes = time.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    let number = |range: std::ops::Range<usize>| time[range].parse::<u32>().unwrap_or(99);
    bytes.len() == 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19)
        && bytes[19] == b'Z'
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
        && number(11..13) < 24
        && number(14..16) < 60
        && number(17..19) < 60
}

/// Whether a download URL names an archive rather than an executable.
fn is_archive(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url).to_ascii_lowercase();
    [".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar.zst", ".zip", ".tar"].iter().any(|ext| path.ends_with(ext))
}

fn resolve_extension(reader: &mut Reader, node: &RawNode) -> Option<Extension> {
    let reference = reader.leaf_string(node, "an extension ID")?;
    let (id, version) = match reference.value.split_once('@') {
        Some((id, version)) => (id, Some(version)),
        None => (reference.value.as_str(), None),
    };
    let valid_id = id.split_once('.').is_some_and(|(publisher, name)| {
        let part = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_alphanumeric())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        part(publisher) && part(name)
    });
    if !valid_id {
        reader.invalid(
            Invalid::Malformed,
            reference.span,
            format!("`{}` is not an extension ID", reference.value),
            "expected PUBLISHER.NAME@VERSION".to_owned(),
            "copy the ID from the extension's Marketplace page, e.g. ms-python.python@2024.8.1".to_owned(),
        );
        return None;
    }
    if let Some(version) = version {
        let version = Spanned::new(version.to_owned(), reference.span);
        if !reader.pinned(&format!("extension {id}"), &version, true, "2024.8.1")
            || !reader.fits(&version, grammar::is_version(&version.value), "a version", "2024.8.1")
        {
            return None;
        }
    }
    Some(Extension { id: id.to_owned(), version: version.map(str::to_owned), span: reference.span })
}

fn resolve_setting(reader: &mut Reader, node: &RawNode) -> Option<Setting> {
    reader.props(node, &[]);
    reader.max_args(node, 2, "a key and a value");
    reader.no_children(node);
    let key = reader.string_arg(node, 0, "a setting key")?;
    let Some(raw) = node.args.get(1) else {
        reader.missing_arg(node, "a value");
        return None;
    };
    let value = match &raw.value {
        Scalar::String(s) if reader.allowed_chars(s, raw.span) => SettingValue::String(s.clone()),
        Scalar::String(_) => return None,
        Scalar::Integer(i) => match i64::try_from(*i) {
            Ok(i) => SettingValue::Integer(i),
            Err(_) => {
                reader.invalid(
                    Invalid::OutOfRange,
                    raw.span,
                    "setting value is too large".to_owned(),
                    "out of range".to_owned(),
                    "use a smaller number".to_owned(),
                );
                return None;
            }
        },
        Scalar::Float(f) if f.is_finite() => SettingValue::Float(*f),
        Scalar::Float(_) => {
            reader.invalid(
                Invalid::OutOfRange,
                raw.span,
                format!("`{}` is not a finite number", raw.repr),
                "infinite or not a number: JSON has no such value".to_owned(),
                "write a finite number, or a string".to_owned(),
            );
            return None;
        }
        Scalar::Bool(b) => SettingValue::Bool(*b),
        Scalar::Null => SettingValue::Null,
    };
    Some(Setting { key, value, span: node.span })
}

fn resolve_mount(reader: &mut Reader, node: &RawNode) -> Option<Mount> {
    reader.props(node, &[]);
    reader.max_args(node, 2, "a source and a target");
    reader.no_children(node);
    let source = reader.string_arg(node, 0, "the host path")?;
    let target = reader.string_arg(node, 1, "the container path")?;
    if !target.value.starts_with('/') {
        reader.invalid(
            Invalid::Location,
            target.span,
            "a mount target must be an absolute path".to_owned(),
            "relative path".to_owned(),
            format!("write it from the root, e.g. /home/vscode/{}", target.value.trim_start_matches("./")),
        );
        return None;
    }
    for (what, value) in [("source", &source), ("target", &target)] {
        if value.value.contains(',') {
            reader.invalid(
                Invalid::Location,
                value.span,
                format!("a mount {what} cannot contain a comma"),
                "comma".to_owned(),
                "Docker's --mount syntax separates options with commas; rename the path".to_owned(),
            );
            return None;
        }
    }
    Some(Mount { source, target, span: node.span })
}

fn resolve_ports(reader: &mut Reader, node: &RawNode) -> Vec<Spanned<u16>> {
    reader.props(node, &[]);
    reader.no_children(node);
    if node.args.is_empty() {
        reader.missing_arg(node, "one or more port numbers");
    }
    let name = node.name.value.clone();
    node.args
        .iter()
        .filter_map(|v| reader.int_value(&name, v, "a port", 1..=65535))
        .map(|p| Spanned::new(u16::try_from(p.value).unwrap_or_default(), p.span))
        .collect()
}

/// Report a name or version with characters a shell command cannot take bare.
fn plain_word(reader: &mut Reader, text: &Spanned<String>, what: &str, example: &str) -> bool {
    if pin::is_plain_word(&text.value) {
        return true;
    }
    reader.invalid(
        Invalid::Malformed,
        text.span,
        format!("`{}` is not {what}", text.value),
        "letters, digits and . + - _ ~ : ! only".to_owned(),
        format!("it is written into the Dockerfile's shell commands; write e.g. {example}"),
    );
    false
}
