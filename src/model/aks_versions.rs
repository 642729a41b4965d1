//! The Kubernetes minor versions AKS offers, and how long it supports each.
//!
//! Read on 2026-11-29 from "Supported Kubernetes versions in Azure Kubernetes
//! Service (AKS)", section "AKS Kubernetes release calendar"
//! (<https://learn.microsoft.com/en-us/azure/aks/supported-kubernetes-versions>,
//! page dated 2026-08-05; its source is
//! `articles/aks/supported-kubernetes-versions.md` in MicrosoftDocs/azure-aks-docs).
//! What the page says and this table encodes:
//! - "Unless an explicit date is provided, the End of Life (EOL) date is the
//!   last day of the specified month." GA months are taken the same way (a
//!   version counts as GA once its GA month is over), so the table never
//!   calls a version GA early.
//! - After its end of life a minor gets "platform support" only, "Until
//!   1.(N+4) GA"; during it AKS does not create clusters at that version.
//!   After that it is gone.
//! - kubectl may be one minor older or newer than the API server (the
//!   Kubernetes version skew policy the page cites).
//!
//! Long-term support (one more year, Premium tier with the LTS plan) is not
//! used: inception's clusters run the Standard tier on community support.
//!
//! Every judgement is made on [`TABLE_READ`], not on the clock, so compiling
//! the same spec gives the same files on any day. Update the table (and the
//! date) when AKS publishes a new minor: `inception lint` then tells which
//! specs need a newer version.

/// A date as `(year, month, day)`.
pub type Date = (u16, u8, u8);

/// When [`MINORS`] was read.
pub const TABLE_READ: Date = (2026, 11, 29);

/// Where it was read.
pub const SOURCE: &str = "https://learn.microsoft.com/en-us/azure/aks/supported-kubernetes-versions";

/// One AKS minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AksMinor {
    /// `1.MINOR`.
    pub minor: u16,
    /// The last day of the month AKS made it generally available.
    pub ga: Date,
    /// The last day of community support ("End of life").
    pub end_of_life: Date,
}

/// The release calendar, oldest first. 1.32 and 1.33 stay listed so that a
/// spec asking for them is told why they are refused.
pub const MINORS: &[AksMinor] = &[
    AksMinor { minor: 32, ga: (2025, 4, 30), end_of_life: (2026, 3, 31) },
    AksMinor { minor: 33, ga: (2025, 6, 30), end_of_life: (2026, 7, 31) },
    AksMinor { minor: 34, ga: (2025, 11, 30), end_of_life: (2026, 11, 30) },
    AksMinor { minor: 35, ga: (2026, 3, 31), end_of_life: (2027, 3, 31) },
    AksMinor { minor: 36, ga: (2026, 6, 30), end_of_life: (2027, 6, 30) },
    AksMinor { minor: 37, ga: (2026, 10, 31), end_of_life: (2027, 10, 31) },
];

/// Where a minor version stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Announced, not yet generally available: preview only.
    Preview {
        /// When it becomes GA.
        ga: Date,
    },
    /// Generally available and supported.
    Supported {
        /// Its last day of support.
        end_of_life: Date,
    },
    /// Past its end of life, on platform support only: AKS creates no new
    /// cluster at it and fixes nothing in Kubernetes.
    PlatformOnly {
        /// When support ended.
        end_of_life: Date,
    },
    /// Gone: past platform support, or older than the table.
    EndOfLife,
    /// Newer than anything AKS has announced.
    Unknown,
}

/// `MAJOR.MINOR` → the minor number, for Kubernetes 1.x.
pub fn parse_minor(version: &str) -> Option<u16> {
    let (major, minor) = version.split_once('.')?;
    if major != "1" || minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) || minor.len() > 3 {
        return None;
    }
    minor.parse().ok()
}

/// `1.MINOR` of a version string with any patch: `v1.29.6` → 29.
pub fn minor_of(version: &str) -> Option<u16> {
    let mut parts = version.trim_start_matches('v').split('.');
    if parts.next()? != "1" {
        return None;
    }
    parts.next()?.parse().ok()
}

/// The support of `1.MINOR` on `day`.
pub fn support(minor: u16, day: Date) -> Support {
    let Some(entry) = MINORS.iter().find(|m| m.minor == minor) else {
        return match MINORS.last() {
            Some(newest) if minor > newest.minor => Support::Unknown,
            _ => Support::EndOfLife,
        };
    };
    if day <= entry.ga {
        return Support::Preview { ga: entry.ga };
    }
    if day <= entry.end_of_life {
        return Support::Supported { end_of_life: entry.end_of_life };
    }
    // Platform support lasts until 1.(N+4) is GA.
    match MINORS.iter().find(|m| m.minor == minor + 4) {
        Some(later) if day > later.ga => Support::EndOfLife,
        _ => Support::PlatformOnly { end_of_life: entry.end_of_life },
    }
}

/// The newest minor that is GA and supported on `day`: the default.
pub fn newest_supported(day: Date) -> Option<u16> {
    MINORS.iter().rev().map(|m| m.minor).find(|&m| matches!(support(m, day), Support::Supported { .. }))
}

/// The minors supported on `day`, oldest first, for messages.
pub fn supported(day: Date) -> Vec<String> {
    MINORS
        .iter()
        .filter(|m| matches!(support(m.minor, day), Support::Supported { .. }))
        .map(|m| format!("1.{}", m.minor))
        .collect()
}

/// `YYYY-MM-DD`.
pub fn show(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.0, date.1, date.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_newest_ga_minor_on_the_day_the_table_was_read() {
        assert_eq!(newest_supported(TABLE_READ), Some(37));
        assert_eq!(supported(TABLE_READ), ["1.34", "1.35", "1.36", "1.37"]);
        // Before 1.37's GA month was over it was a preview; 1.36 was the default.
        assert_eq!(support(37, (2026, 10, 15)), Support::Preview { ga: (2026, 10, 31) });
        assert_eq!(newest_supported((2026, 10, 15)), Some(36));
    }

    #[test]
    fn support_ends_at_end_of_life_then_platform_support_ends_at_n_plus_4_ga() {
        assert_eq!(support(34, (2026, 11, 30)), Support::Supported { end_of_life: (2026, 11, 30) });
        assert_eq!(support(34, (2026, 12, 1)), Support::PlatformOnly { end_of_life: (2026, 11, 30) });
        // 1.33 ended in July 2026; 1.37 went GA in October: 1.33 is gone.
        assert_eq!(support(33, (2026, 9, 1)), Support::PlatformOnly { end_of_life: (2026, 7, 31) });
        assert_eq!(support(33, TABLE_READ), Support::EndOfLife);
        assert_eq!(support(29, TABLE_READ), Support::EndOfLife, "older than the table");
        assert_eq!(support(40, TABLE_READ), Support::Unknown);
    }

    #[test]
    fn versions_parse_as_minor_numbers() {
        assert_eq!(parse_minor("1.35"), Some(35));
        assert_eq!(parse_minor("1.35.2"), None, "a patch is not a minor");
        assert_eq!(parse_minor("2.1"), None);
        assert_eq!(parse_minor("1."), None);
        assert_eq!(minor_of("1.29.6"), Some(29));
        assert_eq!(minor_of("v1.37.0"), Some(37));
        assert_eq!(show(TABLE_READ), "2026-11-29");
    }
}
