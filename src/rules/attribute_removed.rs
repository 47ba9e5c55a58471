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
        // A file or image column keeps its content in the file store, which goes
        // with it (its relationship to the store is not reported on its own).
        let content = match attribute.kind.as_ref().map(|k| k.value.to_ascii_lowercase()) {
            Some(kind) if kind == "file" => ", with its files",
            Some(kind) if kind == "image" => ", with its images",
            _ => "",
        };
        out.push(
            Finding::new(
                format!(
                    "column `{}` was removed from table `{entity}`{content}",
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
