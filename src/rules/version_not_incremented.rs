//! An upgrade that keeps the baseline's version.

use std::cmp::Ordering;

use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.environment.is_some() {
        against_installed(ctx, out);
        return;
    }
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

/// The environment has this version installed already.
fn against_installed(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((_, installed)) = ctx.installed() else {
        return;
    };
    let version = &ctx.candidate.manifest.version;
    if version.value.compare(&installed.version) != Some(Ordering::Equal) {
        return;
    }
    let mut finding = Finding::new(
        format!("version `{}` is the version installed", version.value),
        ctx.candidate.locate(version.span),
    )
    .label("candidate version")
    .help("raise the version: Dataverse does not upgrade a solution to the version it has");
    if let Some(location) = installed.location.clone() {
        finding = finding.related(location, format!("installed: {}", installed.version));
    }
    out.push(finding);
}
