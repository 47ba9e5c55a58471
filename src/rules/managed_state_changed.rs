//! An upgrade that switches between managed and unmanaged.

use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
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
