//! A required solution the environment (or the policy) has at a lower version than
//! the one the package was built against.

use std::cmp::Ordering;

use super::dependencies::{provider, requirements};
use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.environment.is_none() {
        return;
    }
    for requirement in requirements(ctx.candidate) {
        let Some(required) = requirement.version else {
            continue;
        };
        let Some(provider) = provider(ctx, &requirement.solution.unique_name) else {
            continue;
        };
        if provider.version.compare(required) != Some(Ordering::Less) {
            continue;
        }
        let mut finding = Finding::new(
            format!(
                "the package was built against solution {}, but {} is {}",
                requirement.describe(),
                provider.version,
                provider.how
            ),
            ctx.candidate.locate(requirement.solution.span),
        )
        .component(requirement.component())
        .label("built against this version")
        .help(format!(
            "update `{}` in the environment to {required} or later first: components it added \
             since {} may be missing, and the import fails if this package needs one of them",
            requirement.solution.unique_name, provider.version
        ));
        if let Some(location) = provider.location {
            finding = finding.related(location, format!("{} here", provider.version));
        }
        out.push(finding);
    }
}
