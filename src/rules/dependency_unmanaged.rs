//! A required component that lived in the exporting environment's unmanaged layer
//! (`solution="Active"`): no solution installs it, so a clean target lacks it.

use std::collections::BTreeMap;

use super::dependencies::defines;
use super::{Context, Finding};
use crate::model::MissingDependency;

/// Dependents listed per finding; the rest are counted.
const MAX_LISTED: usize = 20;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // One finding per required component, in the order the manifest first lists it.
    let mut order: Vec<String> = Vec::new();
    let mut by_component: BTreeMap<String, Vec<&MissingDependency>> = BTreeMap::new();
    for dependency in &ctx.candidate.manifest.missing_dependencies {
        let Some(solution) = &dependency.required.solution else {
            continue;
        };
        if !solution.is_active_layer() {
            continue;
        }
        let key = dependency
            .required
            .component_id()
            .unwrap_or_else(|| dependency.required.describe());
        by_component
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(dependency);
    }
    for key in order {
        let dependencies = &by_component[&key];
        let first = dependencies[0];
        let id = first.required.component_id();
        let provided = id.as_deref().is_some_and(|id| {
            defines(ctx.candidate, id) || ctx.others.iter().any(|other| defines(other, id))
        });
        if provided {
            continue;
        }
        let mut finding = Finding::new(
            format!(
                "the package needs {}, which is in no solution: it was an unmanaged \
                 customization of the environment the package was exported from",
                first.required.describe()
            ),
            ctx.candidate.locate(first.required.span),
        )
        .label("required from the `Active` layer")
        .help(
            "add the component to this solution (or to a solution of the policy deployed before \
             it) and export again; a clean target environment does not have it, and the import \
             fails",
        );
        if let Some(id) = id {
            finding = finding.component(id);
        }
        for dependency in dependencies.iter().take(MAX_LISTED) {
            finding = finding.related(
                ctx.candidate.locate(dependency.span),
                format!("needed by {}", dependency.needed_by()),
            );
        }
        out.push(finding);
    }
}
