//! A process, role, web resource, app, plug-in, form, view or other component an
//! upgrade would delete, with what goes with it.

use super::{Context, Finding, Removed};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    for removed in ctx.removals() {
        let Removed::Component(component) = removed else {
            continue;
        };
        let id = component.id();
        // A table's own forms, views and charts say whose they are.
        let owner = match (component.kind.as_str(), component.tables.as_slice()) {
            ("systemform" | "savedquery" | "savedqueryvisualization", [table]) => {
                format!(" of table `{table}`")
            }
            _ => String::new(),
        };
        out.push(
            Finding::new(
                format!(
                    "{} `{}`{owner} was removed; {}",
                    component.noun(),
                    component.name,
                    component.loss()
                ),
                baseline.locate(component.span),
            )
            .component(id.clone())
            .label("defined in the baseline")
            .help(format!(
                "keep it in the solution, or accept its removal with an `allow` entry for `{id}`"
            )),
        );
    }
}
