//! An option value dropped from a choice: rows keep a number that means nothing.

use super::{Context, Finding, Removed};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for removed in ctx.removals() {
        let Removed::Option {
            owner,
            global,
            option,
        } = removed
        else {
            continue;
        };
        let label = option
            .label
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let from = if *global { "global choice" } else { "column" };
        out.push(
            Finding::new(
                format!(
                    "option `{}`{label} was removed from {from} `{owner}`",
                    option.value
                ),
                baseline.locate(option.span),
            )
            .component(removed.component())
            .label("defined in the baseline")
            .help("move rows holding the value to another option before removing it, then accept the removal with an `allow` entry"),
        );
    }
}
