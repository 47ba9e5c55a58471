//! A connection reference the deployment settings bind to no connection: the
//! flows that use it are imported turned off.

use super::settings::{applied, Applied};
use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(applied) = applied(ctx) else {
        return;
    };
    let settings = applied.settings();
    for (key, reference) in &ctx.candidate.connection_references {
        let entry = settings.and_then(|s| s.reference(&reference.logical_name));
        if entry.and_then(|e| e.connection()).is_some() {
            continue;
        }
        let place = match (&applied, entry) {
            (Applied::Found(_), Some(_)) => format!("{} gives it no `ConnectionId`", applied.describe()),
            (Applied::Found(_), None) => format!("{} does not list it", applied.describe()),
            (Applied::Missing(why), _) => format!("there are no settings ({why})"),
        };
        let mut finding = Finding::new(
            format!(
                "connection reference `{}` is bound to no connection: {place}",
                reference.logical_name
            ),
            ctx.candidate.locate(reference.span),
        )
        .component(format!("connectionreference/{key}"))
        .label("defined here")
        .help(
            "give it the `ConnectionId` of a connection in the environment (the id in the maker \
             portal's Connections page, or `pac connection list`); without one, the flows that \
             use it are imported turned off",
        );
        if let (Some(settings), Some(entry)) = (settings, entry) {
            finding = finding.related(settings.locate(entry.entry), "listed here");
        }
        out.push(finding);
    }
}
