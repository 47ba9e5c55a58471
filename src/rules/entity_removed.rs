//! A table an upgrade would delete, with its rows.

use super::{diff, Context, Finding, Removed};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for removed in ctx.removals() {
        let Removed::Table {
            entity,
            columns,
            relationships,
            parts,
        } = removed
        else {
            continue;
        };
        let mut counted = Vec::new();
        if *columns > 0 {
            counted.push(count(*columns, "column"));
        }
        if *relationships > 0 {
            counted.push(count(*relationships, "relationship"));
        }
        counted.extend(parts.iter().map(|(noun, n)| count(*n, noun)));
        let mut message = format!("table `{}` was removed", entity.logical_name);
        if let Some((last, rest)) = counted.split_last() {
            let list = if rest.is_empty() {
                last.clone()
            } else {
                format!("{} and {last}", rest.join(", "))
            };
            message.push_str(&format!(", with its {list}"));
        }
        out.push(
            Finding::new(message, baseline.locate(entity.span))
                .component(removed.component())
                .label("defined in the baseline")
                .help("keep the table, or stage the upgrade and migrate its data first; accept the loss with an `allow` entry"),
        );
    }
}

/// `1 form`, `7 views`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {}", diff::plural(noun))
    }
}
