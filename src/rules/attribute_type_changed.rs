//! A column whose type changed: the import fails, or the data goes.

use super::{column_id, Change, Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for change in ctx.changes() {
        let Change::TypeChanged {
            entity,
            before,
            after,
        } = change
        else {
            continue;
        };
        let (Some(old), Some(new)) = (&before.kind, &after.kind) else {
            continue;
        };
        let id = column_id(entity, &before.logical_name);
        out.push(
            Finding::new(
                format!(
                    "column `{id}` changed type from `{}` to `{}`",
                    old.value, new.value
                ),
                ctx.candidate.locate(new.span),
            )
            .component(id)
            .label("new type")
            .related(baseline.locate(old.span), "type in the baseline")
            .help("add a new column of the new type, migrate the data, and remove the old column in a later release"),
        );
    }
}
