//! A baseline that is another solution altogether.

use super::{Context, Finding, Relation};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.baseline.filter(|_| ctx.relation == Relation::Mismatch) else {
        return;
    };
    let name = &ctx.candidate.manifest.unique_name;
    let other = &baseline.manifest.unique_name;
    out.push(
        Finding::new(
            format!(
                "the baseline is `{}`, not `{}` or a solution it patches or updates",
                other.value, name.value
            ),
            ctx.candidate.locate(name.span),
        )
        .label("candidate")
        .related(baseline.locate(other.span), "baseline")
        .help("pass the previous release of this solution as --baseline"),
    );
}
