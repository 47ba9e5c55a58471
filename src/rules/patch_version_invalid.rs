//! A patch whose version breaks the platform's rules: same major.minor as the
//! parent, and higher.

use std::cmp::Ordering;

use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(parent) = ctx.patch_parent() else {
        return;
    };
    let version = &ctx.candidate.manifest.version;
    let parent_version = &parent.manifest.version;
    let (Some(mine), Some(theirs)) = (
        version.value.major_minor(),
        parent_version.value.major_minor(),
    ) else {
        return;
    };
    let message = if mine != theirs {
        format!(
            "patch version `{}` does not share the parent's major.minor `{}.{}`",
            version.value, theirs.0, theirs.1
        )
    } else if version.value.compare(&parent_version.value) != Some(Ordering::Greater) {
        format!(
            "patch version `{}` is not higher than the parent's `{}`",
            version.value, parent_version.value
        )
    } else {
        return;
    };
    out.push(
        Finding::new(message, ctx.candidate.locate(version.span))
            .label("patch version")
            .related(parent.locate(parent_version.span), "parent version")
            .help(format!(
                "give the patch version {}.{}.x.y, higher than {} (for a new major.minor, clone the solution instead)",
                theirs.0, theirs.1, parent_version.value
            )),
    );
}
