//! How the candidate relates to its baseline, which decides the rules that apply
//! (DESIGN.md §2): an upgrade, a patch, an update solution, or a mismatch.

use crate::model::Solution;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// No baseline was given.
    Alone,
    /// Same unique name: a new version of the solution.
    Upgrade,
    /// The candidate has a `<ParentSolution>`, or is named like a patch.
    Patch,
    /// Another solution, under which every table and column it carries already
    /// exists in the baseline: a separate solution shipping changes.
    Update,
    /// Unrelated: the baseline is the wrong package.
    Mismatch,
}

/// Whether a unique name ends in `_Patch_` and 8 hex digits, as the platform names patches.
pub fn named_like_patch(unique_name: &str) -> bool {
    patched_name(unique_name).is_some()
}

/// `ContosoCore` for `ContosoCore_Patch_0a1b2c3d`: the name of the solution a
/// platform-named patch was cloned from.
pub fn patched_name(unique_name: &str) -> Option<&str> {
    let index = unique_name.to_ascii_lowercase().rfind("_patch_")?;
    let suffix = &unique_name[index + "_patch_".len()..];
    (index > 0 && suffix.len() == 8 && suffix.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| &unique_name[..index])
}

pub fn classify(candidate: &Solution, baseline: Option<&Solution>) -> Relation {
    let Some(baseline) = baseline else {
        return Relation::Alone;
    };
    let manifest = &candidate.manifest;
    if manifest.parent.is_some() || named_like_patch(&manifest.unique_name.value) {
        return Relation::Patch;
    }
    if manifest
        .unique_name
        .value
        .eq_ignore_ascii_case(&baseline.manifest.unique_name.value)
    {
        return Relation::Upgrade;
    }
    if carries_only_baseline_components(candidate, baseline) {
        Relation::Update
    } else {
        Relation::Mismatch
    }
}

fn carries_only_baseline_components(candidate: &Solution, baseline: &Solution) -> bool {
    candidate
        .entities
        .iter()
        .filter(|(_, entity)| entity.has_metadata && !entity.unmodified)
        .all(|(name, entity)| {
            let Some(original) = baseline.entities.get(name) else {
                return false;
            };
            entity
                .attributes
                .iter()
                .filter(|(_, attribute)| !attribute.unmodified)
                .all(|(column, _)| original.attributes.contains_key(column))
        })
}

#[cfg(test)]
mod tests {
    use super::named_like_patch;

    #[test]
    fn recognises_platform_patch_names() {
        assert!(named_like_patch("ContosoCore_Patch_0a1b2c3d"));
        assert!(named_like_patch("MMA_WWSL_Patch_71d4e0d4"));
        assert!(!named_like_patch("ContosoCore_Patch_0a1b2c3"));
        assert!(!named_like_patch("ContosoCore_Patch_0a1b2c3g"));
        assert!(!named_like_patch("_Patch_0a1b2c3d"));
        assert!(!named_like_patch("ContosoCore"));
    }
}
