//! A patch whose managed state differs from its parent's.

use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(parent) = ctx.patch_parent() else {
        return;
    };
    let now = &ctx.candidate.manifest.managed;
    let before = &parent.manifest.managed;
    if now.value.compatible_with(before.value) {
        return;
    }
    out.push(
        Finding::new(
            format!(
                "the patch is {} but its parent is {}",
                now.value, before.value
            ),
            ctx.candidate.locate(now.span),
        )
        .label("patch")
        .related(parent.locate(before.span), "parent")
        .help("export the patch the same way as its parent: patch protection must match the parent's"),
    );
}
