//! An upgrade whose version does not raise the part the policy's `versioning`
//! requires for what it removes and adds.

use std::cmp::Ordering;

use super::added::added;
use super::versioning::{required, Requirement};
use super::{Change, Context, Finding};
use crate::policy::{Part, PolicyValue, Versioning};

/// At most this many removals and additions are marked in a finding.
const MAX_MARKED: usize = 10;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(policy) = ctx.policy else {
        return;
    };
    let Some(versioning) = &policy.versioning else {
        return;
    };
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    let (before, after) = (&baseline.manifest.version, &ctx.candidate.manifest.version);
    // A lower version is version-decreased's to report, and removes nothing.
    if after.value.compare(&before.value) == Some(Ordering::Less) {
        return;
    }
    let removals: Vec<_> = ctx
        .changes()
        .iter()
        .filter_map(|change| match change {
            Change::Removed(removed) => Some(removed),
            _ => None,
        })
        .collect();
    let additions = added(baseline, ctx.candidate);
    let Some(requirement) = required(
        versioning,
        &before.value,
        &after.value,
        removals.len(),
        additions.len(),
    ) else {
        return;
    };
    if requirement.satisfied {
        return;
    }
    // What counts is what the policy sets a part for.
    let removals = if versioning.removal.is_some() {
        removals
    } else {
        Vec::new()
    };
    let additions = if versioning.addition.is_some() {
        additions
    } else {
        Vec::new()
    };

    let does = match requirement.raised {
        Some(part) => format!("raises the {part} version"),
        None => "keeps the version".to_owned(),
    };
    let message = format!(
        "the release {}, so it must raise the {} version (to `{}` or higher), but `{}` → `{}` {does}",
        what_it_does(removals.len(), additions.len()),
        requirement.part,
        requirement.smallest,
        before.value,
        after.value,
    );
    let mut help = format!(
        "raise the version to `{}` or higher, or change `versioning` in dvlint.yaml",
        requirement.smallest
    );
    let changes = removals.len() + additions.len();
    if changes > MAX_MARKED {
        help.push_str(&format!(
            "; the first {MAX_MARKED} of the {changes} changes are marked"
        ));
    }
    let mut finding = Finding::new(message, ctx.candidate.locate(after.span))
        .label("candidate version")
        .help(help)
        .related(baseline.locate(before.span), "baseline version");
    if let Some((key, setting)) = deciding_setting(&requirement, versioning) {
        if let Some(location) = policy.locate(&setting.at) {
            finding = finding.related(location, format!("`{key}: {}` set here", setting.value));
        }
    }
    for removed in removals.iter().take(MAX_MARKED) {
        finding = finding.related(
            baseline.locate(removed.span()),
            format!("{} removed here", removed.describe()),
        );
    }
    for addition in additions.iter().take(MAX_MARKED.saturating_sub(removals.len())) {
        finding = finding.related(
            ctx.candidate.locate(addition.span()),
            format!("{} added here", addition.describe()),
        );
    }
    out.push(finding);
}

/// The policy key that asks for the required part: `removal` when removals ask
/// for it, else `addition`.
fn deciding_setting<'v>(
    requirement: &Requirement,
    versioning: &'v Versioning,
) -> Option<(&'static str, &'v PolicyValue<Part>)> {
    let asks = |setting: Option<&'v PolicyValue<Part>>, count: usize| {
        setting.filter(|s| count > 0 && s.value == requirement.part)
    };
    asks(versioning.removal.as_ref(), requirement.removals)
        .map(|s| ("removal", s))
        .or_else(|| {
            asks(versioning.addition.as_ref(), requirement.additions).map(|s| ("addition", s))
        })
}

/// "removes 2 components and adds 5", "adds 1 component".
fn what_it_does(removals: usize, additions: usize) -> String {
    let components = |n: usize| if n == 1 { "component" } else { "components" };
    match (removals, additions) {
        (0, n) => format!("adds {n} {}", components(n)),
        (n, 0) => format!("removes {n} {}", components(n)),
        (n, m) => format!("removes {n} {} and adds {m}", components(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::what_it_does;

    #[test]
    fn what_the_release_does_is_counted_in_words() {
        assert_eq!(what_it_does(1, 0), "removes 1 component");
        assert_eq!(what_it_does(0, 1), "adds 1 component");
        assert_eq!(what_it_does(0, 3), "adds 3 components");
        assert_eq!(what_it_does(2, 5), "removes 2 components and adds 5");
        assert_eq!(what_it_does(1, 1), "removes 1 component and adds 1");
    }
}
