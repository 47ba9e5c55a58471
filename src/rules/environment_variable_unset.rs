//! An environment variable that gets no value where the solution is deployed: no
//! default, no value in the package, none in the deployment settings.

use super::settings::{applied, Applied};
use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(applied) = applied(ctx) else {
        return;
    };
    let settings = applied.settings();
    for (key, variable) in &ctx.candidate.environment_variables {
        let entry = settings.and_then(|s| s.variable(&variable.schema_name));
        if entry.and_then(|e| e.given()).is_some() || variable.effective_value().is_some() {
            continue;
        }
        let mut finding = Finding::new(
            format!(
                "environment variable `{}` gets no value: it has no default, the package carries \
                 none, and {} gives none",
                variable.schema_name,
                match &applied {
                    Applied::Found(_) => applied.describe(),
                    Applied::Missing(why) => format!("there are no settings ({why})"),
                }
            ),
            ctx.candidate.locate(variable.span),
        )
        .component(format!("environmentvariabledefinition/{key}"))
        .label("defined here, without a default")
        .help(format!(
            "set its `Value` in the deployment settings (`dvlint settings` writes an entry for \
             every variable), or give the variable a default value; flows and apps that read \
             `{}` fail without one",
            variable.schema_name
        ));
        if let (Some(settings), Some(entry)) = (settings, entry) {
            finding = finding.related(settings.locate(entry.value_at), "empty here");
        }
        out.push(finding);
    }
}
