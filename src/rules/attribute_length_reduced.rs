//! A text column whose maximum length shrank.

use super::{column_id, Change, Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for change in ctx.changes() {
        let Change::LengthReduced {
            entity,
            before,
            after,
        } = change
        else {
            continue;
        };
        let (Some(old), Some(new)) = (&before.max_length, &after.max_length) else {
            continue;
        };
        let id = column_id(entity, &before.logical_name);
        out.push(
            Finding::new(
                format!(
                    "column `{id}` max length shrank from {} to {}",
                    old.value, new.value
                ),
                ctx.candidate.locate(new.span),
            )
            .component(id)
            .label("new max length")
            .related(baseline.locate(old.span), "max length in the baseline")
            .help("keep the max length, or shorten the longer values before the release"),
        );
    }
}
