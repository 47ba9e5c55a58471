//! An upgrade that switches between managed and unmanaged.

use super::{Context, Finding};
use crate::model::Managed;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.environment.is_some() {
        against_installed(ctx, out);
        return;
    }
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    let now = &ctx.candidate.manifest.managed;
    let before = &baseline.manifest.managed;
    if now.value.compatible_with(before.value) {
        return;
    }
    out.push(
        Finding::new(
            format!(
                "the candidate is {} but the baseline is {}",
                now.value, before.value
            ),
            ctx.candidate.locate(now.span),
        )
        .label("candidate")
        .related(baseline.locate(before.span), "baseline")
        .help("export the candidate the same way as the release it follows (Dataverse: \"Import can only update solutions when the modes match\")"),
    );
}

/// The environment has the solution installed in the other mode.
fn against_installed(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((_, installed)) = ctx.installed() else {
        return;
    };
    let now = &ctx.candidate.manifest.managed;
    let there = if installed.managed {
        Managed::Managed
    } else {
        Managed::Unmanaged
    };
    if now.value.compatible_with(there) {
        return;
    }
    let mut finding = Finding::new(
        format!(
            "the candidate is {} but the solution is installed {there}",
            now.value
        ),
        ctx.candidate.locate(now.span),
    )
    .label("candidate")
    .help(format!(
        "Dataverse refuses the import (\"Import can only update solutions when the modes \
         match\"): deploy the {there} package, or remove the installed solution first (for a \
         managed one, that deletes its tables and their data)"
    ));
    if let Some(location) = installed.location.clone() {
        finding = finding.related(location, format!("installed {there}"));
    }
    out.push(finding);
}
