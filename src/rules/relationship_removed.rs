//! A relationship an upgrade would delete, with its lookup column and links.

use super::{Context, Finding, Removed};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for removed in ctx.removals() {
        let Removed::Relationship {
            relationship,
            lookup,
            mapping,
        } = removed
        else {
            continue;
        };
        let mut message = format!("relationship `{}` was removed", removed.component());
        match (lookup, mapping) {
            (Some(column), true) => message.push_str(&format!(
                ", with its lookup column `{column}` and its column mapping"
            )),
            (Some(column), false) => {
                message.push_str(&format!(", with its lookup column `{column}`"))
            }
            (None, true) => message.push_str(", with its column mapping"),
            (None, false) => {}
        }
        out.push(
            Finding::new(
                message,
                baseline.locate(relationship.span),
            )
            .component(removed.component())
            .label("defined in the baseline")
            .help("keep the relationship, or accept losing its lookup column and links with an `allow` entry"),
        );
    }
}
