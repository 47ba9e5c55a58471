//! A patch or update solution under another publisher than the original.

use super::{Context, Finding, Relation};
use crate::model::Publisher;

fn prefix(publisher: &Publisher) -> &str {
    publisher
        .customization_prefix
        .as_ref()
        .map_or("", |p| p.value.as_str())
}

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // Against a baseline that is not the patch's parent, only the parent is wrong.
    let original = match ctx.relation {
        Relation::Patch => ctx.patch_parent(),
        Relation::Update => ctx.baseline,
        _ => None,
    };
    let Some(baseline) = original else {
        return;
    };
    let now = &ctx.candidate.manifest.publisher;
    let original = &baseline.manifest.publisher;
    let same_name = now
        .unique_name
        .value
        .eq_ignore_ascii_case(&original.unique_name.value);
    let same_prefix = prefix(now).eq_ignore_ascii_case(prefix(original));
    if same_name && same_prefix {
        return;
    }
    let blame = if same_name {
        now.customization_prefix
            .as_ref()
            .map_or(now.span, |p| p.span)
    } else {
        now.unique_name.span
    };
    out.push(
        Finding::new(
            format!(
                "publisher `{}` (prefix `{}`) differs from the original's `{}` (prefix `{}`)",
                now.unique_name.value,
                prefix(now),
                original.unique_name.value,
                prefix(original)
            ),
            ctx.candidate.locate(blame),
        )
        .label("candidate publisher")
        .related(baseline.locate(original.unique_name.span), "the original's publisher")
        .help("build the patch or update solution under the original solution's publisher record"),
    );
}
