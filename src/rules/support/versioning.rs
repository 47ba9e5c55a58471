//! What the policy's `versioning` asks of an upgrade's version: the part it must
//! raise for what it removes and adds, and whether it does. Shared by the rule
//! `version-bump-insufficient` and the summary of `dvlint diff`.

use super::added::added;
use super::diff::{self, Change};
use super::relation::{self, Relation};
use crate::model::{Solution, SolutionVersion};
use crate::policy::{Part, Versioning};

/// The version bump an upgrade needs under the policy's `versioning`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The part the candidate must raise over the baseline: the larger of
    /// `removal` (when the upgrade removes a component) and `addition` (when it
    /// adds one).
    pub part: Part,
    /// The lowest version that does: the baseline's with `part` raised by one and
    /// every lower part 0, always four parts (`2.0.0.0`).
    pub smallest: String,
    /// Whether the candidate's version raises `part` or a more significant one.
    pub satisfied: bool,
    /// The most significant part the candidate's version raises; `None` when it
    /// raises none (the same version, or a lower one).
    pub raised: Option<Part>,
    /// How many components the upgrade removes (the `Change::Removed` of the diff).
    pub removals: usize,
    /// How many it adds (see [`added`](super::added::added)), counted whether or
    /// not the policy sets `addition`.
    pub additions: usize,
}

/// What `versioning` requires of the candidate as an upgrade of the baseline.
///
/// `None` when nothing requires a bump (no removals, or `removal` not set; no
/// additions, or `addition` not set), when either version is invalid, or when the
/// candidate does not upgrade the baseline (another unique name, or a patch:
/// `patch-version-invalid` judges a patch's version). A candidate older than the
/// baseline gets a requirement it does not satisfy.
pub fn requirement(
    versioning: &Versioning,
    baseline: &Solution,
    candidate: &Solution,
) -> Option<Requirement> {
    if relation::classify(candidate, Some(baseline)) != Relation::Upgrade {
        return None;
    }
    let removals = diff::diff(baseline, candidate)
        .iter()
        .filter(|change| matches!(change, Change::Removed(_)))
        .count();
    let additions = added(baseline, candidate).len();
    required(
        versioning,
        &baseline.manifest.version.value,
        &candidate.manifest.version.value,
        removals,
        additions,
    )
}

/// [`requirement`] from what is already known: the two versions and how many
/// components the upgrade removes and adds.
pub fn required(
    versioning: &Versioning,
    baseline: &SolutionVersion,
    candidate: &SolutionVersion,
    removals: usize,
    additions: usize,
) -> Option<Requirement> {
    let (before, after) = (baseline.parts?, candidate.parts?);
    let by_removal = versioning.removal.as_ref().filter(|_| removals > 0);
    let by_addition = versioning.addition.as_ref().filter(|_| additions > 0);
    let part = by_removal
        .map(|v| v.value)
        .max(by_addition.map(|v| v.value))?;
    let index = part.index();
    let mut smallest = [0u64; 4];
    smallest[..index].copy_from_slice(&before[..index]);
    // A part has at most 18 digits: one more always fits.
    smallest[index] = before[index].saturating_add(1);
    let raised = before
        .iter()
        .zip(&after)
        .position(|(old, new)| old != new)
        .filter(|&i| after[i] > before[i])
        .and_then(Part::at);
    Some(Requirement {
        part,
        smallest: smallest.map(|p| p.to_string()).join("."),
        satisfied: after[..=index] > before[..=index],
        raised,
        removals,
        additions,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::policy::{PolicyLocation, PolicyValue};

    fn versioning(removal: Option<Part>, addition: Option<Part>) -> Versioning {
        let at = PolicyLocation {
            path: PathBuf::from("dvlint.yaml"),
            line: 1,
            column: 1,
        };
        let value = |part: Option<Part>| {
            part.map(|value| PolicyValue {
                value,
                at: at.clone(),
            })
        };
        Versioning {
            at: at.clone(),
            removal: value(removal),
            addition: value(addition),
        }
    }

    fn check(
        policy: &Versioning,
        from: &str,
        to: &str,
        removals: usize,
        additions: usize,
    ) -> Option<Requirement> {
        required(
            policy,
            &SolutionVersion::parse(from),
            &SolutionVersion::parse(to),
            removals,
            additions,
        )
    }

    #[test]
    fn the_part_is_the_larger_of_what_removals_and_additions_require() {
        let policy = versioning(Some(Part::Major), Some(Part::Minor));
        let both = check(&policy, "1.1.0.0", "1.2.0.0", 2, 5).unwrap();
        assert_eq!(
            both,
            Requirement {
                part: Part::Major,
                smallest: "2.0.0.0".to_owned(),
                satisfied: false,
                raised: Some(Part::Minor),
                removals: 2,
                additions: 5,
            }
        );
        let added = check(&policy, "1.1.0.0", "1.2.0.0", 0, 5).unwrap();
        assert_eq!((added.part, added.satisfied), (Part::Minor, true));
        assert_eq!(added.smallest, "1.2.0.0");
        // An `addition` stricter than `removal` wins when both apply.
        let odd = versioning(Some(Part::Build), Some(Part::Major));
        assert_eq!(check(&odd, "1.0", "1.0.1", 1, 1).unwrap().part, Part::Major);
        assert_eq!(check(&odd, "1.0", "1.0.1", 1, 0).unwrap().part, Part::Build);
    }

    #[test]
    fn nothing_is_required_without_a_reason_or_with_an_invalid_version() {
        let removal_only = versioning(Some(Part::Major), None);
        assert_eq!(check(&removal_only, "1.0.0.0", "1.0.0.1", 0, 9), None);
        assert_eq!(check(&versioning(None, None), "1.0", "1.1", 3, 3), None);
        assert_eq!(check(&removal_only, "1.0.x", "2.0", 1, 0), None);
        assert_eq!(check(&removal_only, "1.0", "two", 1, 0), None);
    }

    #[test]
    fn each_part_compares_the_parts_above_it_too() {
        let cases = [
            (
                Part::Major,
                "1.9.9.9",
                "2.0.0.0",
                true,
                Some(Part::Major),
                "2.0.0.0",
            ),
            (
                Part::Major,
                "1.1.0.0",
                "1.2.0.0",
                false,
                Some(Part::Minor),
                "2.0.0.0",
            ),
            (
                Part::Minor,
                "1.1.5.5",
                "1.2.0.0",
                true,
                Some(Part::Minor),
                "1.2.0.0",
            ),
            (
                Part::Minor,
                "1.1.5.5",
                "2.0.0.0",
                true,
                Some(Part::Major),
                "1.2.0.0",
            ),
            (
                Part::Minor,
                "1.1.0.0",
                "1.1.1.0",
                false,
                Some(Part::Build),
                "1.2.0.0",
            ),
            (
                Part::Build,
                "1.1.1.9",
                "1.1.2.0",
                true,
                Some(Part::Build),
                "1.1.2.0",
            ),
            (
                Part::Build,
                "1.1.1.0",
                "1.1.1.1",
                false,
                Some(Part::Revision),
                "1.1.2.0",
            ),
            (
                Part::Revision,
                "1.1.1.1",
                "1.1.1.2",
                true,
                Some(Part::Revision),
                "1.1.1.2",
            ),
            (Part::Revision, "1.1.1.1", "1.1.1.1", false, None, "1.1.1.2"),
            // Missing parts are 0, zero padding is ignored, and 1.61 > 1.7.
            (
                Part::Minor,
                "1.7",
                "1.61",
                true,
                Some(Part::Minor),
                "1.8.0.0",
            ),
            (
                Part::Build,
                "0.0.0051",
                "0.0.52",
                true,
                Some(Part::Build),
                "0.0.52.0",
            ),
            (Part::Major, "1.0", "1.0.0.0", false, None, "2.0.0.0"),
            // Lower: never satisfied, nothing raised.
            (Part::Revision, "2.0", "1.9.9.9", false, None, "2.0.0.1"),
        ];
        for (part, from, to, satisfied, raised, smallest) in cases {
            let policy = versioning(Some(part), None);
            let got = check(&policy, from, to, 1, 0).unwrap();
            assert_eq!(
                (got.satisfied, got.raised, got.smallest.as_str()),
                (satisfied, raised, smallest),
                "{part}: {from} → {to}"
            );
        }
    }
}
