//! A patch whose parent is not the baseline, whose parent is itself a patch, or
//! that is named like a patch but names no parent.

use super::relation::named_like_patch;
use super::{Context, Finding, Relation};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.baseline.filter(|_| ctx.relation == Relation::Patch) else {
        return;
    };
    let manifest = &ctx.candidate.manifest;
    let baseline_name = &baseline.manifest.unique_name;
    let help = "build the patch from its parent solution (Clone a Patch) and check it against that parent's release";
    let Some(parent) = &manifest.parent else {
        out.push(
            Finding::new(
                format!(
                    "solution `{}` is named like a patch but names no parent",
                    manifest.unique_name.value
                ),
                ctx.candidate.locate(manifest.unique_name.span),
            )
            .help(ctx.in_candidate_words("a patch's solution.xml names its parent in <ParentSolution>; export the patch again, or rename the solution if it is not a patch")),
        );
        return;
    };
    match &parent.unique_name {
        Some(name) if !name.value.eq_ignore_ascii_case(&baseline_name.value) => {
            out.push(
                Finding::new(
                    format!(
                        "patch names parent `{}` but the baseline is `{}`",
                        name.value, baseline_name.value
                    ),
                    ctx.candidate.locate(name.span),
                )
                .label("parent named here")
                .related(baseline.locate(baseline_name.span), "the baseline")
                .help(help),
            );
            return;
        }
        Some(_) => {}
        None => {
            out.push(
                Finding::new(
                    ctx.in_candidate_words("the patch's <ParentSolution> has no <UniqueName>"),
                    ctx.candidate.locate(parent.span),
                )
                .help(help),
            );
            return;
        }
    }
    let baseline_manifest = &baseline.manifest;
    if baseline_manifest.parent.is_some() || named_like_patch(&baseline_name.value) {
        out.push(
            Finding::new(
                format!("the parent `{}` is itself a patch", baseline_name.value),
                ctx.candidate.locate(manifest.unique_name.span),
            )
            .related(baseline.locate(baseline_name.span), "the parent, a patch")
            .help("patch the original solution, not a patch of it"),
        );
    }
}
