//! An `allow` entry that accepted no finding of the run, though its rule ran: it
//! is stale (the component is gone, or fixed) or its glob never matched.

use super::{allow_entry, Finding, PolicyContext};

pub fn check(ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
    for (i, entry, location) in ctx.entries() {
        // An expired entry accepts nothing: `allow-expired` reports it.
        if entry.expired_on(ctx.today) || ctx.accepted.get(i).is_some_and(|n| *n > 0) {
            continue;
        }
        // A rule that did not run (off, or missing its baseline or environments)
        // found nothing to accept: that says nothing about the entry.
        if !ctx.rules_run.contains(&entry.rule.as_str()) {
            continue;
        }
        out.push(
            Finding::new(
                format!("{} accepted no finding", allow_entry(entry)),
                location,
            )
            .label("accepts nothing")
            .help(
                "remove the entry if the finding is gone, or correct its `rule` or \
                 `component` glob",
            ),
        );
    }
}
