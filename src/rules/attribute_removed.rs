//! A column an upgrade would delete, with its data.

use super::{Context, Finding, Removed};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for removed in ctx.removals() {
        let Removed::Column { entity, attribute } = removed else {
            continue;
        };
        out.push(
            Finding::new(
                format!(
                    "column `{}` was removed from table `{entity}`",
                    attribute.logical_name
                ),
                baseline.locate(attribute.span),
            )
            .component(removed.component())
            .label("defined in the baseline")
            .help("keep the column, or accept the data loss with an `allow` entry"),
        );
    }
}
