//! What counts as pinned: exact versions, digests, names and quantities.
//!
//! Lateral symmetry needs every developer's container to be identical, so a
//! version is an exact release, never a range or a moving tag.

/// Why a version is not an exact pin, if it is not.
pub(crate) fn unpinned_reason(version: &str) -> Option<&'static str> {
    let lower = version.to_ascii_lowercase();
    if version.is_empty() {
        Some("empty")
    } else if ["latest", "stable", "lts", "current", "edge", "nightly", "*"].contains(&lower.as_str()) {
        Some("a moving tag")
    } else if version.contains(['*', '^', '~', '<', '>', '=', ',', '|', ' ']) || lower.contains(".x") {
        Some("a range")
    } else if !version.trim_start_matches('v').starts_with(|c: char| c.is_ascii_digit()) {
        Some("not a version number")
    } else {
        None
    }
}

/// Why a version is not an exact `MAJOR.MINOR.PATCH` release, if it is not.
/// Pre-release and build suffixes (`-beta.1`, `+build`) are allowed.
pub(crate) fn not_semver(version: &str) -> Option<&'static str> {
    if let Some(reason) = unpinned_reason(version) {
        return Some(reason);
    }
    let core = version.trim_start_matches('v').split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        None
    } else if parts.len() < 3 {
        Some("not an exact release")
    } else {
        Some("not MAJOR.MINOR.PATCH")
    }
}

/// Whether `name` is a DNS label: `[a-z]([a-z0-9-]{0,61}[a-z0-9])?`.
pub(crate) fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_lowercase()
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && !name.ends_with('-')
}

/// Whether `digest` is `sha256:` followed by 64 lower-case hex digits.
pub(crate) fn is_sha256_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(is_sha256_hex)
}

/// Whether `hex` is 64 lower-case hex digits.
pub(crate) fn is_sha256_hex(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `key` is a portable environment variable name.
pub(crate) fn is_env_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `quantity` is a Kubernetes resource quantity (`250m`, `1.5`, `512Mi`).
pub(crate) fn is_quantity(quantity: &str) -> bool {
    let number_end = quantity.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(quantity.len());
    let (number, suffix) = quantity.split_at(number_end);
    let valid_number = !number.is_empty() && number.matches('.').count() <= 1 && number != ".";
    let suffixes = ["", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    valid_number && suffixes.contains(&suffix)
}

/// The numeric value of a quantity (`250m` → 0.25, `1Gi` → 1073741824).
pub(crate) fn quantity_value(quantity: &str) -> Option<f64> {
    if !is_quantity(quantity) {
        return None;
    }
    let number_end = quantity.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(quantity.len());
    let (number, suffix) = quantity.split_at(number_end);
    let scale = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        _ => 1024f64.powi(6),
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}

/// Why an image tag moves, if it is one of the well-known moving tags.
/// Other tags (`16.3`, `sha-3f2a9c1`) are accepted; `lint --strict` asks for
/// a digest on every image anyway.
pub(crate) fn moving_tag(tag: &str) -> Option<&'static str> {
    let lower = tag.to_ascii_lowercase();
    if tag.is_empty() {
        Some("empty")
    } else if ["latest", "stable", "lts", "current", "edge", "nightly", "main", "master", "dev", "develop"]
        .contains(&lower.as_str())
    {
        Some("a moving tag")
    } else {
        None
    }
}

/// Whether `text` is safe to place in a shell command unquoted: letters,
/// digits and `.+-_~:` (Debian and PEP 440 versions, package names).
pub(crate) fn is_plain_word(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || ".+-_~:!".contains(c))
}

/// The tag of an image reference, if it has one (`repo:tag`, not a port).
pub(crate) fn image_tag(reference: &str) -> Option<&str> {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last_segment = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last_segment.split_once(':').map(|(_, tag)| tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_versions_pass_and_ranges_do_not() {
        for ok in ["3.9.13", "1.8.3", "v2.4.0", "2.0.0-rc.1", "23.1"] {
            assert_eq!(unpinned_reason(ok), None, "{ok}");
        }
        assert_eq!(unpinned_reason("latest"), Some("a moving tag"));
        assert_eq!(unpinned_reason(">=1.2"), Some("a range"));
        assert_eq!(unpinned_reason("1.x"), Some("a range"));
        assert_eq!(unpinned_reason("^3"), Some("a range"));
    }

    #[test]
    fn semver_needs_three_numbers() {
        assert_eq!(not_semver("3.9.13"), None);
        assert_eq!(not_semver("1.29.6-rc.1"), None);
        assert_eq!(not_semver("3.9"), Some("not an exact release"));
        assert_eq!(not_semver("3.9.x"), Some("a range"));
        assert_eq!(not_semver("3.9.1.2"), Some("not MAJOR.MINOR.PATCH"));
    }

    #[test]
    fn names_digests_and_quantities() {
        assert!(is_dns_label("serenity") && is_dns_label("a-1"));
        assert!(!is_dns_label("Serenity") && !is_dns_label("-a") && !is_dns_label("a-") && !is_dns_label("1a"));
        assert!(is_sha256_digest(&format!("sha256:{}", "a".repeat(64))));
        assert!(!is_sha256_digest("sha256:abc"));
        for ok in ["250m", "1", "2", "0.5", "512Mi", "4Gi"] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["", "1.2.3", "5 Gi", "lots", "512MB"] {
            assert!(!is_quantity(bad), "{bad}");
        }
        assert_eq!(image_tag("ghcr.io:5000/a/b:1.2"), Some("1.2"));
        assert_eq!(image_tag("ghcr.io:5000/a/b"), None);
        assert_eq!(image_tag("a/b@sha256:00"), None);
        assert_eq!(quantity_value("250m"), Some(0.25));
        assert_eq!(quantity_value("2Gi"), Some(2.0 * 1024.0 * 1024.0 * 1024.0));
        assert!(quantity_value("4Gi") > quantity_value("4G"));
        assert_eq!(moving_tag("latest"), Some("a moving tag"));
        assert_eq!(moving_tag("sha-3f2a9c1"), None);
        assert!(is_plain_word("1.6-2.1+deb12u1") && !is_plain_word("1.6;touch") && !is_plain_word("1$(id)"));
    }
}
