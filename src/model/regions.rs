//! Azure regions inception knows, with the Windows time zone their DevTest
//! Labs shut down in. A region not listed is still accepted (Azure adds
//! regions); one that is a near miss of a listed one is a typo.

/// Known regions and their time zones, sorted by time zone.
pub(crate) const REGIONS: &[(&str, &str)] = &[
    ("eastus", "Eastern Standard Time"),
    ("eastus2", "Eastern Standard Time"),
    ("canadacentral", "Eastern Standard Time"),
    ("canadaeast", "Eastern Standard Time"),
    ("centralus", "Central Standard Time"),
    ("northcentralus", "Central Standard Time"),
    ("southcentralus", "Central Standard Time"),
    ("westcentralus", "Mountain Standard Time"),
    ("westus", "Pacific Standard Time"),
    ("westus2", "Pacific Standard Time"),
    ("westus3", "Pacific Standard Time"),
    ("brazilsouth", "E. South America Standard Time"),
    ("northeurope", "GMT Standard Time"),
    ("uksouth", "GMT Standard Time"),
    ("ukwest", "GMT Standard Time"),
    ("westeurope", "W. Europe Standard Time"),
    ("germanywestcentral", "W. Europe Standard Time"),
    ("swedencentral", "W. Europe Standard Time"),
    ("switzerlandnorth", "W. Europe Standard Time"),
    ("norwayeast", "W. Europe Standard Time"),
    ("italynorth", "W. Europe Standard Time"),
    ("francecentral", "Romance Standard Time"),
    ("polandcentral", "Central European Standard Time"),
    ("uaenorth", "Arabian Standard Time"),
    ("southafricanorth", "South Africa Standard Time"),
    ("centralindia", "India Standard Time"),
    ("southindia", "India Standard Time"),
    ("westindia", "India Standard Time"),
    ("southeastasia", "Singapore Standard Time"),
    ("eastasia", "China Standard Time"),
    ("japaneast", "Tokyo Standard Time"),
    ("japanwest", "Tokyo Standard Time"),
    ("koreacentral", "Korea Standard Time"),
    ("koreasouth", "Korea Standard Time"),
    ("australiaeast", "AUS Eastern Standard Time"),
    ("australiasoutheast", "AUS Eastern Standard Time"),
];

/// The time zone of a known region.
pub(crate) fn time_zone(region: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(name, _)| *name == region).map(|(_, zone)| *zone)
}

/// The known region `region` is probably a typo of, if it is not known itself.
pub(crate) fn near_miss(region: &str) -> Option<&'static str> {
    if time_zone(region).is_some() {
        return None;
    }
    super::suggest::closest(region, REGIONS.iter().map(|(name, _)| *name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_near_misses_and_new_regions_are_not() {
        assert_eq!(near_miss("eastsu"), Some("eastus"));
        assert_eq!(near_miss("northeurop"), Some("northeurope"));
        assert_eq!(near_miss("eastus"), None);
        assert_eq!(near_miss("mexicocentral"), None);
        assert_eq!(time_zone("japaneast"), Some("Tokyo Standard Time"));
    }
}
