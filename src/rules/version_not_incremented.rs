//! An upgrade that keeps the baseline's version.

use std::cmp::Ordering;

use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    let version = &ctx.candidate.manifest.version;
    let before = &baseline.manifest.version;
    if version.value.compare(&before.value) != Some(Ordering::Equal) {
        return;
    }
    // Nothing changed, so there is nothing to release and no version to raise.
    if ctx.candidate.same_content(baseline) {
        return;
    }
    out.push(
        Finding::new(
            format!("version `{}` is the same as the baseline's", version.value),
            ctx.candidate.locate(version.span),
        )
        .label("candidate version")
        .related(baseline.locate(before.span), "baseline version")
        .help("raise the version: Dataverse does not upgrade a solution to the version it has"),
    );
}
