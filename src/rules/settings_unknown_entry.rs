//! A deployment settings entry that names no variable or connection reference of
//! the solution: a typo, or a component since removed, whose value goes nowhere.

use super::settings::applied;
use super::{Context, Finding};
use crate::model::Solution;

/// Unknown entries reported one by one; past this, the file is most likely the
/// settings of another solution, and one more finding counts the rest.
const MAX_REPORTED: usize = 100;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(applied) = applied(ctx) else {
        return;
    };
    let Some(settings) = applied.settings() else {
        return;
    };
    let solutions: Vec<&Solution> = std::iter::once(ctx.candidate)
        .chain(ctx.others.iter().copied())
        .collect();
    let solution = &ctx.candidate.manifest.unique_name.value;
    let mut found = Vec::new();
    for entry in &settings.variables {
        let key = entry.schema_name.to_ascii_lowercase();
        if solutions.iter().any(|s| s.environment_variables.contains_key(&key)) {
            continue;
        }
        let names: Vec<&str> = ctx
            .candidate
            .environment_variables
            .values()
            .map(|v| v.schema_name.as_str())
            .collect();
        found.push(unknown(
            settings.locate(entry.entry),
            format!("environmentvariabledefinition/{key}"),
            format!("`{}` names no environment variable of {solution}", entry.schema_name),
            crate::policy::suggest(&entry.schema_name, &names),
        ));
    }
    for entry in &settings.references {
        let key = entry.logical_name.to_ascii_lowercase();
        if solutions.iter().any(|s| s.connection_references.contains_key(&key)) {
            continue;
        }
        let names: Vec<&str> = ctx
            .candidate
            .connection_references
            .values()
            .map(|r| r.logical_name.as_str())
            .collect();
        found.push(unknown(
            settings.locate(entry.entry),
            format!("connectionreference/{key}"),
            format!("`{}` names no connection reference of {solution}", entry.logical_name),
            crate::policy::suggest(&entry.logical_name, &names),
        ));
    }
    let rest = found.len().saturating_sub(MAX_REPORTED);
    if rest > 0 {
        let first_unlisted = found[MAX_REPORTED].location.clone();
        found.truncate(MAX_REPORTED);
        found.push(
            Finding::new(
                format!("and {rest} more entries name nothing in {solution}"),
                first_unlisted,
            )
            .label("the first of them")
            .help(format!(
                "is this the settings file of another solution? `dvlint settings` writes the \
                 one for {solution}"
            )),
        );
    }
    out.extend(found);
}

fn unknown(
    location: crate::source::Location,
    component: String,
    mut message: String,
    close: Option<&str>,
) -> Finding {
    if let Some(close) = close {
        message.push_str(&format!("; did you mean `{close}`?"));
    }
    Finding::new(message, location)
        .component(component)
        .label("this entry")
        .help(
            "fix the name, or drop the entry: its value is applied to nothing (`dvlint settings \
             --from FILE` rewrites the file with exactly the solution's variables and references)",
        )
}
