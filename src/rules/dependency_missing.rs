//! A solution the package requires that the target environment does not have and
//! that no other solution of the policy provides: the import fails.

use super::dependencies::{provider, requirements, Requirement};
use super::{Context, Finding};

/// Related notes listed per finding; the rest are counted.
const MAX_LISTED: usize = 20;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(environment) = ctx.environment else {
        return;
    };
    // Without a list of what is installed, nothing can be said to be missing.
    if environment.installed.is_none() {
        return;
    }
    for requirement in requirements(ctx.candidate) {
        if provider(ctx, &requirement.solution.unique_name).is_some() {
            continue;
        }
        out.push(finding(ctx, &requirement));
    }
}

fn finding(ctx: &Context<'_>, requirement: &Requirement<'_>) -> Finding {
    let components = requirement.required_components();
    let count = match components.len() {
        1 => "1 component".to_owned(),
        n => format!("{n} components"),
    };
    let mut finding = Finding::new(
        format!(
            "the package needs {count} of solution {}, which is not installed",
            requirement.describe(),
        ),
        ctx.candidate.locate(requirement.solution.span),
    )
    .component(requirement.component())
    .label("required here");
    for dependency in requirement.dependencies.iter().take(MAX_LISTED) {
        finding = finding.related(
            ctx.candidate.locate(dependency.span),
            format!(
                "{} is needed by {}",
                dependency.required.describe(),
                dependency.needed_by()
            ),
        );
    }
    let from = match requirement.package {
        Some(package) => format!(" (it comes with package `{package}`)"),
        None => String::new(),
    };
    let hidden = requirement.dependencies.len().saturating_sub(MAX_LISTED);
    let more = if hidden > 0 {
        format!(" ({hidden} more dependencies not listed)")
    } else {
        String::new()
    };
    finding.help(format!(
        "install `{}`{from} in the environment before this solution, or deploy it from this \
         policy's `solutions`; if it is installed, the environment's `solutions` list is out \
         of date{more}",
        requirement.solution.unique_name,
    ))
}
