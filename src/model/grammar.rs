//! The grammar of every place a spec string lands.
//!
//! A spec string reaches shells (the Dockerfile's `RUN` lines, the lab VM's
//! command line), Dockerfile instructions (`FROM`, `ENV`), Bicep expressions
//! and comments, YAML, JSON and file names. Data formats are serialized, so
//! their strings are escaped by the serializer; every other landing place
//! accepts only what its grammar allows, and this module owns those rules.
//! The model stage refuses a value that does not fit (with a caret and a
//! fix); renderers call the escapers here for text that cannot be refused
//! (the spec's own file name in a banner).
//!
//! The rules are deliberately narrower than each format allows: a value that
//! passes is inert in every place it is written, not merely in the first.

/// Longest version, tag or revision accepted.
const MAX_WORD: usize = 128;

/// Whether `c` is a character no spec string may carry: a C0 or C1 control
/// (tab and line feed excepted: multi-line values such as `env` keep them)
/// or a Unicode line or paragraph separator, which YAML 1.1 readers take for
/// a line break.
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{2028}' || c == '\u{2029}'
}

/// The first forbidden character of `text`, if any (see [`is_forbidden_char`]).
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|c| is_forbidden_char(*c))
}

/// Whether `text` fits on one line of a comment or a header: no control
/// character at all (tabs and line feeds included).
pub fn is_one_line(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
}

/// `text` made safe for one line of a comment: every control character (a
/// line break included) is written as a `\u{…}` escape, so the comment cannot
/// end early and nothing after it becomes code.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// A version as it lands unquoted in a shell word and an `ENV` value:
/// starts with a letter or digit, then letters, digits and `.+-_~:!` only.
pub fn is_version(version: &str) -> bool {
    version.len() <= MAX_WORD
        && version.starts_with(|c: char| c.is_ascii_alphanumeric())
        && version.chars().all(|c| c.is_ascii_alphanumeric() || ".+-_~:!".contains(c))
}

/// A Python release as it lands in the download URL, `ENV` and the build:
/// `MAJOR.MINOR.PATCH` with an optional `a`, `b` or `rc` pre-release
/// (`3.13.0rc2`), nothing else.
pub fn is_python_version(version: &str) -> bool {
    let mut parts = version.split('.');
    let (Some(major), Some(minor), Some(last), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    let patch_end = last.find(|c: char| !c.is_ascii_digit()).unwrap_or(last.len());
    let (patch, pre) = last.split_at(patch_end);
    let pre_ok = pre.is_empty() || ["a", "b", "rc"].iter().any(|tag| pre.strip_prefix(tag).is_some_and(&digits));
    digits(major) && digits(minor) && digits(patch) && pre_ok
}

/// A registry host (`myteam.azurecr.io`, `localhost:5000`): DNS labels
/// separated by dots, an optional port.
pub fn is_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.starts_with(|c: char| c.is_ascii_alphanumeric())
            && l.ends_with(|c: char| c.is_ascii_alphanumeric())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    !name.is_empty() && name.len() <= 253 && name.split('.').all(label) && port_ok
}

/// A host name an Ingress routes (RFC 1123, as Kubernetes checks
/// `spec.rules[].host`): two or more labels of lower-case letters, digits
/// and `-`, each 1 to 63 characters not starting or ending with `-`, at most
/// 253 in all; no port, no trailing dot and no wildcard (one certificate
/// and one DNS record per host).
pub fn is_ingress_host(host: &str) -> bool {
    let label = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    host.len() <= 253 && host.split('.').count() >= 2 && host.split('.').all(label)
}

/// An OCI image reference as `FROM` and a pod spec take it:
/// `[HOST[:PORT]/]PATH[:TAG][@sha256:DIGEST]`, path components lower-case
/// `[a-z0-9]` joined by `.`, `_`, `__` or `-`, tags `[A-Za-z0-9_.-]`.
pub fn is_image_reference(reference: &str) -> bool {
    if reference.len() > 255 {
        return false;
    }
    let (name, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    if digest.is_some_and(|d| !super::pin::is_sha256_digest(d)) {
        return false;
    }
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name[last_slash..].find(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    let tag_ok = tag.is_none_or(|t| {
        !t.is_empty()
            && t.len() <= 128
            && t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && t.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    });
    let mut parts: Vec<&str> = name.split('/').collect();
    // The first part is a host if it looks like one (a dot, a port, localhost).
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        if !is_host(parts[0]) {
            return false;
        }
        parts.remove(0);
    }
    let component = |c: &str| {
        !c.is_empty()
            && c.starts_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            && c.ends_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            && c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
    };
    tag_ok && !parts.is_empty() && parts.iter().all(|c| component(c))
}

/// An Azure VM size as Bicep and the DevTest Labs API take it:
/// `Standard_` then letters, digits and `_` (`Standard_D8s_v5`).
pub fn is_vm_size(size: &str) -> bool {
    size.len() <= 64
        && size
            .strip_prefix("Standard_")
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// Characters a URL may carry here: unreserved and the delimiters a git or
/// Helm URL needs, but no quote, space, `$`, backtick, `;`, `&`, `|`, `<`,
/// `>`, `(`, `)`, `\`, `{`, `}` or `*`: nothing a shell or an expression
/// language gives meaning to.
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~/:@%+=?#,".contains(c)
}

/// A git repository URL, as it lands in a shell command on the lab VMs,
/// Argo CD and Bicep: `https://HOST/PATH` or `git@HOST:PATH`.
pub fn is_git_url(url: &str) -> bool {
    if url.len() > 2048 || !url.chars().all(is_url_char) {
        return false;
    }
    if let Some(rest) = url.strip_prefix("https://") {
        let host = rest.split('/').next().unwrap_or("");
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        return is_host(host) && rest.len() > host.len();
    }
    if let Some(rest) = url.strip_prefix("git@") {
        return rest.split_once(':').is_some_and(|(host, path)| is_host(host) && !path.is_empty());
    }
    false
}

/// A URL other than a git one (Helm repositories, `oci://` charts): a
/// scheme, then URL characters only.
pub fn is_url(url: &str) -> bool {
    url.len() <= 2048
        && ["https://", "http://", "oci://"].iter().any(|s| url.strip_prefix(s).is_some_and(|r| !r.is_empty()))
        && url.chars().all(is_url_char)
}

/// A git revision as Argo CD's `targetRevision` and an image tag take it: a
/// branch, tag or commit under git's ref rules (no space, control character,
/// `~^:?*[\`, `..`, `@{`, no leading `-` or `/`, no trailing `.`, `/` or
/// `.lock`).
pub fn is_revision(revision: &str) -> bool {
    !revision.is_empty()
        && revision.len() <= 255
        && !revision.chars().any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c))
        && !revision.contains("..")
        && !revision.contains("@{")
        && !revision.contains("//")
        && !revision.starts_with(['-', '/'])
        && !revision.ends_with(['.', '/'])
        && !revision.ends_with(".lock")
}

/// A branch name as the generated files use it: a git ref ([`is_revision`])
/// of at most 100 of `[A-Za-z0-9._/-]` (no quoting in YAML, shell, Azure
/// DevOps conditions or GitHub branch filters, whose glob characters it
/// excludes), no part starting with `.` or `-`, and not `HEAD`.
pub fn is_branch(branch: &str) -> bool {
    is_revision(branch)
        && branch.len() <= 100
        && branch != "HEAD"
        && branch.chars().all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
        && branch.split('/').all(|part| !part.is_empty() && !part.starts_with(['.', '-']))
}

/// A relative folder inside the repository (`services/api`): no absolute
/// path, no `..`, no backslash, no character a shell or compose interpolates.
pub fn is_relative_folder(folder: &str) -> bool {
    !folder.is_empty()
        && folder.len() <= 1024
        && !folder.starts_with('/')
        && folder.split('/').all(|part| part != "..")
        && folder.chars().all(|c| c.is_alphanumeric() || "-._/+@ ".contains(c))
}

/// Bicep identifiers and Azure names derived from spec names drop or fold
/// characters; two spec names that fold to the same key would become one
/// resource. The key used for module and parameter names: lower-case,
/// hyphens removed.
pub fn folded(name: &str) -> String {
    name.chars().filter(|c| *c != '-').flat_map(char::to_lowercase).collect()
}

/// A file name from free text (a URL): lower-case letters and digits, runs
/// of anything else as one `-`, at most `max` characters. Distinct texts
/// can share a slug; the model refuses those that would (see `model::resolve`).
pub fn slug(text: &str, max: usize) -> String {
    let mapped: String = text.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let joined = mapped.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    joined.chars().take(max).collect::<String>().trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingress_hosts_are_lower_case_rfc_1123_names_without_wildcards() {
        for good in ["app.example.com", "staging.app.example.com", "a-1.b2.io", "web.local"] {
            assert!(is_ingress_host(good), "{good}");
        }
        for bad in [
            "App.example.com",
            "*.example.com",
            "localhost",
            "app.example.com.",
            "-a.example.com",
            "a_b.example.com",
            "app.example.com:443",
            "",
        ] {
            assert!(!is_ingress_host(bad), "{bad}");
        }
    }

    #[test]
    fn versions_refuse_shell_and_line_breaks() {
        for ok in ["3.9.13", "1.6-2.1+deb12u1", "v2.4.0", "2024.8.1", "1:2.3~rc1"] {
            assert!(is_version(ok), "{ok}");
        }
        for bad in ["3.9.13-$(id)", "1.0\nRUN id", "1 2", "1;id", "`id`", "-1", "", "1'", "1\"", &"9".repeat(200)] {
            assert!(!is_version(bad), "{bad:?}");
        }
    }

    #[test]
    fn python_versions_are_exact_releases() {
        for ok in ["3.9.13", "3.13.0rc2", "3.12.0a1", "3.11.0b4"] {
            assert!(is_python_version(ok), "{ok}");
        }
        for bad in ["3.9", "3.9.13-$(id)", "3.9.13\nRUN id", "3.9.13rc", "3.9.x", "3.9.13.1", "3.9.13 ", "v3.9.13"] {
            assert!(!is_python_version(bad), "{bad:?}");
        }
    }

    #[test]
    fn image_references_follow_the_oci_grammar() {
        for ok in [
            "debian:12",
            "mcr.microsoft.com/devcontainers/base:1.0.9-bookworm",
            "localhost:5000/team/app:1.2",
            "ghcr.io/o/r@sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "postgres:16.3",
            "a__b/c-d.e:x",
        ] {
            assert!(is_image_reference(ok), "{ok}");
        }
        for bad in [
            "debian:12\nRUN id #",
            "debian:12 AS x",
            "Debian:12",
            "debian:$(id)",
            "debian:12@sha256:abc",
            "debian::12",
            "",
            "/x:1",
            "x:-1",
            "evil.io:99999999/x:1",
        ] {
            assert!(!is_image_reference(bad), "{bad:?}");
        }
    }

    #[test]
    fn vm_sizes_urls_and_revisions() {
        assert!(is_vm_size("Standard_D8s_v5"));
        for bad in ["Standard_D8s_v5\noutput x string = 'y'\n//", "Standard_", "Standard_D8'", "D8s_v5"] {
            assert!(!is_vm_size(bad), "{bad:?}");
        }
        for ok in ["https://github.com/o/r.git", "git@github.com:o/r.git", "https://dev.azure.com/o/p/_git/r"] {
            assert!(is_git_url(ok), "{ok}");
        }
        for bad in [
            "https://github.com/o/r.git;id",
            "https://github.com/o/r.git$(id)",
            "https://github.com/o r",
            "https://github.com/o/'r",
            "https://",
            "git@:x",
            "http://github.com/o/r",
            "file:///etc",
        ] {
            assert!(!is_git_url(bad), "{bad:?}");
        }
        assert!(is_url("https://charts.timescale.com") && is_url("oci://registry-1.docker.io/bitnamicharts/redis"));
        assert!(!is_url("https://x.io/$(id)") && !is_url("ftp://x"));
        for ok in ["main", "HEAD", "release/2.4", "v2.4.0-beta.3", "3f2a9c1"] {
            assert!(is_revision(ok), "{ok}");
        }
        for bad in ["", "a b", "a\u{7}", "a..b", "-x", "x.lock", "x/", "a:b", "a\nb"] {
            assert!(!is_revision(bad), "{bad:?}");
        }
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(one_line("in\nception.kdl"), "in\\u{a}ception.kdl");
        assert_eq!(one_line("a\u{2028}b\rc"), "a\\u{2028}b\\u{d}c");
        assert!(is_one_line("a reason, with ümlauts") && !is_one_line("a\nb") && !is_one_line("a\tb"));
        assert_eq!(forbidden_char("a\nb\tc"), None);
        assert_eq!(forbidden_char("a\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(forbidden_char("a\u{85}"), Some('\u{85}'));
        assert_eq!(folded("a-b"), folded("ab"));
        assert_eq!(folded("a--b"), folded("a-b"));
    }

    #[test]
    fn hosts_and_folders() {
        assert!(is_host("cloudwall.azurecr.io") && is_host("localhost:5000"));
        assert!(!is_host("a..b") && !is_host("x.io:") && !is_host("x.io/y") && !is_host("-x.io"));
        assert!(is_relative_folder("services/api") && !is_relative_folder("../x") && !is_relative_folder("$(id)"));
    }
}
