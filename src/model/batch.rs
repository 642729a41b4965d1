//! `job NAME { … }`: the batch settings of a job (`schedule`, `retries`,
//! `timeout`) and the grammars they are checked against: five-field cron
//! expressions as the Kubernetes CronJob controller reads them, and IANA time
//! zone names.

use super::error::Invalid;
use super::reader::Reader;
use super::types::{Concurrency, DEFAULT_HISTORY, Schedule};
use crate::spec::{RawNode, Spanned};

/// The continents and oceans of the IANA time zone database's `Area/Location`
/// names (tzdata's `zone1970.tab` and `backward`), and `Etc` for the fixed offsets.
const TZ_AREAS: [&str; 11] = [
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
];

/// The cron shorthands the CronJob controller (robfig/cron's standard parser) accepts.
const CRON_MACROS: [&str; 7] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/// A time zone by its IANA name: `UTC`, or `Area/Location` (`Europe/London`,
/// `America/Argentina/Buenos_Aires`, `Etc/GMT+5`). Abbreviations (`BST`,
/// `EST`) and offsets (`+01:00`) are not names: they do not follow summer time.
pub(crate) fn is_time_zone(name: &str) -> bool {
    if name == "UTC" {
        return true;
    }
    let mut parts = name.split('/');
    let Some(area) = parts.next() else { return false };
    let rest: Vec<&str> = parts.collect();
    let part_ok = |p: &str| {
        (1..=30).contains(&p.len())
            && p.starts_with(|c: char| c.is_ascii_alphabetic())
            && p.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    TZ_AREAS.contains(&area) && !rest.is_empty() && rest.len() <= 2 && rest.iter().all(|p| part_ok(p))
}

/// Why `cron` is not a five-field cron expression, if it is not: minute,
/// hour, day of month, month (1–12 or JAN–DEC), day of week (0–7 or
/// SUN–SAT); each field `*`, a value, a range `A-B`, any of those with a step
/// `/N`, or a comma-separated list of them; or one of the `@daily`-style shorthands.
pub(crate) fn cron_problem(cron: &str) -> Option<String> {
    if cron.starts_with('@') {
        return (!CRON_MACROS.contains(&cron))
            .then(|| format!("`{cron}` is not a shorthand: {}", CRON_MACROS.join(", ")));
    }
    if cron.contains("TZ=") {
        return Some("the time zone is written with time-zone=, not inside the schedule".to_owned());
    }
    let fields: Vec<&str> = cron.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "{} fields; a schedule has five: minute hour day-of-month month day-of-week",
            fields.len()
        ));
    }
    const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let specs: [(&str, u32, u32, &[&str], u32); 5] = [
        ("minute", 0, 59, &[], 0),
        ("hour", 0, 23, &[], 0),
        ("day of month", 1, 31, &[], 0),
        ("month", 1, 12, &MONTHS, 1),
        ("day of week", 0, 7, &DAYS, 0),
    ];
    for (field, (what, low, high, names, first)) in fields.iter().zip(specs) {
        let value = |text: &str| -> Option<u32> {
            let upper = text.to_ascii_uppercase();
            let named = names.iter().position(|n| *n == upper).and_then(|i| u32::try_from(i).ok()).map(|i| i + first);
            named.or_else(|| text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse().ok()).flatten())
        };
        for item in field.split(',') {
            let (range, step) = match item.split_once('/') {
                Some((range, step)) => (range, Some(step)),
                None => (item, None),
            };
            if let Some(step) = step
                && !step.parse::<u32>().is_ok_and(|s| s >= 1 && s <= high)
            {
                return Some(format!("the {what} step `/{step}` is not a number from 1 to {high}"));
            }
            if range == "*" || (range == "?" && matches!(what, "day of month" | "day of week")) {
                continue;
            }
            let (start, end) = range.split_once('-').unwrap_or((range, range));
            match (value(start), value(end)) {
                (Some(a), Some(b)) if a >= low && b <= high && a <= b => {}
                _ => return Some(format!("`{item}` is not a {what} ({low} to {high})")),
            }
        }
    }
    None
}

/// `schedule "CRON" time-zone="AREA/LOCATION" concurrency=forbid|allow|replace keep=N`.
pub(super) fn resolve_schedule(reader: &mut Reader, node: &RawNode) -> Option<Schedule> {
    reader.props(node, &["time-zone", "concurrency", "keep"]);
    reader.max_args(node, 1, "one cron expression");
    reader.no_children(node);
    let cron = reader.string_arg(node, 0, "a cron expression")?;
    if let Some(problem) = cron_problem(&cron.value) {
        reader.invalid(
            Invalid::Malformed,
            cron.span,
            format!("`{}` is not a cron schedule", cron.value.escape_debug()),
            problem,
            "write five fields, minute hour day-of-month month day-of-week: \"0 2 * * *\" is 02:00 every day"
                .to_owned(),
        );
    }
    let zone =
        reader.required_string_prop(node, "time-zone", "the time zone the schedule is read in", "\"Europe/London\"")?;
    if !is_time_zone(&zone.value) {
        reader.invalid(
            Invalid::Malformed,
            zone.span,
            format!("`{}` is not an IANA time zone name", zone.value.escape_debug()),
            "not AREA/LOCATION or UTC".to_owned(),
            "write the zone's name, e.g. \"Europe/London\", \"America/New_York\" or \"UTC\": an abbreviation or offset does not follow summer time".to_owned(),
        );
    }
    let concurrency = match reader.string_prop(node, "concurrency", "forbid, allow or replace") {
        None => Concurrency::default(),
        Some(given) => match Concurrency::ALL.iter().find(|(spelling, _)| *spelling == given.value) {
            Some((_, policy)) => *policy,
            None => {
                reader.invalid(
                    Invalid::Unknown,
                    given.span,
                    format!("`{}` is not a concurrency policy", given.value.escape_debug()),
                    "unknown policy".to_owned(),
                    "write forbid (skip a run while the last one runs), allow or replace".to_owned(),
                );
                Concurrency::default()
            }
        },
    };
    let keep = node
        .prop("keep")
        .and_then(|p| reader.int_value("schedule keep=", &p.value, "a number of finished Jobs", 0..=100))
        .and_then(|k| u32::try_from(k.value).ok())
        .unwrap_or(DEFAULT_HISTORY);
    Some(Schedule { cron, time_zone: zone, concurrency, keep, span: node.span })
}

/// `retries N` (0–20) or `timeout SECONDS` (1 s to 7 days).
pub(super) fn resolve_limit(reader: &mut Reader, node: &RawNode) -> Option<Spanned<u32>> {
    reader.props(node, &[]);
    reader.max_args(node, 1, "one number");
    reader.no_children(node);
    let (what, range) = if node.name.value == "retries" {
        ("a number of retries", 0..=20)
    } else {
        ("a timeout in seconds", 1..=604_800)
    };
    let value = reader.int_arg(node, 0, what, range)?;
    Some(Spanned::new(u32::try_from(value.value).ok()?, value.span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_schedules_are_five_checked_fields_or_a_shorthand() {
        for good in ["0 2 * * *", "*/15 * * * *", "0 9-17 * * MON-FRI", "30 4 1,15 * 0", "0 0 * JAN,JUL SUN", "@daily"]
        {
            assert_eq!(cron_problem(good), None, "{good}");
        }
        for bad in [
            "0 2 * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "* * * 13 *",
            "*/0 * * * *",
            "@often",
            "TZ=UTC 0 2 * * *",
            "5-1 * * * *",
            "a * * * *",
        ] {
            assert!(cron_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn time_zones_are_iana_names() {
        for good in ["UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "America/Port-au-Prince"] {
            assert!(is_time_zone(good), "{good}");
        }
        for bad in ["", "BST", "+01:00", "London", "Europe/", "Mars/Olympus", "Europe/London/A/B", "europe/london"] {
            assert!(!is_time_zone(bad), "{bad}");
        }
    }
}
