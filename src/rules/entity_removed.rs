//! A table an upgrade would delete, with its rows.

use super::{Context, Finding, Removed};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for removed in ctx.removals() {
        let Removed::Table {
            entity,
            columns,
            relationships,
        } = removed
        else {
            continue;
        };
        let mut parts = Vec::new();
        if *columns > 0 {
            parts.push(plural(*columns, "column"));
        }
        if *relationships > 0 {
            parts.push(plural(*relationships, "relationship"));
        }
        let mut message = format!("table `{}` was removed", entity.logical_name);
        if !parts.is_empty() {
            message.push_str(&format!(", with its {}", parts.join(" and ")));
        }
        out.push(
            Finding::new(message, baseline.locate(entity.span))
                .component(removed.component())
                .label("defined in the baseline")
                .help("keep the table, or stage the upgrade and migrate its data first; accept the loss with an `allow` entry"),
        );
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
