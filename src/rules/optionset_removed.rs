//! A global choice an upgrade would delete.

use super::{Context, Finding, Removed};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for removed in ctx.removals() {
        let Removed::OptionSet(option_set) = removed else {
            continue;
        };
        out.push(
            Finding::new(
                format!("global choice `{}` was removed", removed.component()),
                baseline.locate(option_set.span),
            )
            .component(removed.component())
            .label("defined in the baseline")
            .help("keep the global choice while any column uses it, or accept the removal with an `allow` entry"),
        );
    }
}
