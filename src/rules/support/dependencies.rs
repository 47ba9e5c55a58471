//! The solutions a package requires (its `<MissingDependencies>`), grouped by
//! solution, and who provides each one: the target environment, or another
//! solution of the policy deployed with it.

use std::collections::BTreeMap;

use crate::model::{MissingDependency, RequiredSolution, Solution, SolutionVersion};
use crate::rules::Context;
use crate::source::Location;

/// Every dependency on one required solution.
pub struct Requirement<'a> {
    /// As the first dependency writes it.
    pub solution: &'a RequiredSolution,
    /// The highest version any of them was built against.
    pub version: Option<&'a SolutionVersion>,
    pub dependencies: Vec<&'a MissingDependency>,
    /// `<package>`: what installs it, when the export says.
    pub package: Option<&'a str>,
}

impl Requirement<'_> {
    /// `solution/msdynce_service`.
    pub fn component(&self) -> String {
        format!(
            "solution/{}",
            self.solution.unique_name.to_ascii_lowercase()
        )
    }

    /// `` `msdynce_Service` 9.0.5.56 ``, for messages.
    pub fn describe(&self) -> String {
        match self.version {
            Some(version) => format!("`{}` {version}", self.solution.unique_name),
            None => format!("`{}`", self.solution.unique_name),
        }
    }

    /// The distinct components required, in the order first listed, each with
    /// what needs it.
    pub fn required_components(&self) -> Vec<(String, Vec<String>)> {
        let mut order: Vec<String> = Vec::new();
        let mut needs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for dependency in &self.dependencies {
            let required = dependency
                .required
                .component_id()
                .unwrap_or_else(|| dependency.required.describe());
            let dependent = dependency.needed_by();
            let entry = needs.entry(required.clone()).or_insert_with(|| {
                order.push(required);
                Vec::new()
            });
            if !entry.contains(&dependent) {
                entry.push(dependent);
            }
        }
        order
            .into_iter()
            .map(|required| {
                let dependents = needs.remove(&required).unwrap_or_default();
                (required, dependents)
            })
            .collect()
    }
}

/// The candidate's dependencies on other solutions, by lower-case unique name.
/// The exporting environment's unmanaged layer (`Active`, see
/// `dependency-unmanaged`) and the platform (`System`) are not solutions to install.
pub fn requirements(candidate: &Solution) -> Vec<Requirement<'_>> {
    let mut by_name: BTreeMap<String, Requirement<'_>> = BTreeMap::new();
    for dependency in &candidate.manifest.missing_dependencies {
        let Some(solution) = &dependency.required.solution else {
            continue;
        };
        if solution.is_active_layer() || solution.is_system() {
            continue;
        }
        let entry = by_name
            .entry(solution.unique_name.to_ascii_lowercase())
            .or_insert_with(|| Requirement {
                solution,
                version: None,
                dependencies: Vec::new(),
                package: None,
            });
        if let Some(version) = &solution.version {
            let higher = entry
                .version
                .is_none_or(|v| version.compare(v) == Some(std::cmp::Ordering::Greater));
            if higher {
                entry.version = Some(version);
            }
        }
        if entry.package.is_none() {
            entry.package = dependency.required.package.as_deref();
        }
        entry.dependencies.push(dependency);
    }
    by_name.into_values().collect()
}

/// Who provides a required solution where the candidate is deployed.
pub struct Provider<'a> {
    pub version: &'a SolutionVersion,
    /// Where it is listed or defined.
    pub location: Option<Location>,
    /// "installed" or "deployed with it from `path`", for messages.
    pub how: String,
}

/// The provider of `unique_name`: another solution of the policy (its candidate,
/// deployed in the same run) wins over what the environment has installed.
pub fn provider<'a>(ctx: &Context<'a>, unique_name: &str) -> Option<Provider<'a>> {
    let from_policy = ctx.others.iter().find(|s| {
        s.manifest
            .unique_name
            .value
            .eq_ignore_ascii_case(unique_name)
    });
    if let Some(other) = from_policy {
        return Some(Provider {
            version: &other.manifest.version.value,
            location: Some(other.locate(other.manifest.version.span)),
            how: format!("deployed with it from `{}`", other.origin),
        });
    }
    let installed = ctx.environment?.installed(unique_name)?;
    Some(Provider {
        version: &installed.version,
        location: installed.location.clone(),
        how: "installed".to_owned(),
    })
}

/// Whether `solution` carries the component `id` (in dvlint's scheme) as content,
/// not as a reference (`unmodified="1"`).
pub fn defines(solution: &Solution, id: &str) -> bool {
    if id.contains('/') {
        return solution.components.get(id).is_some_and(|c| !c.reference);
    }
    if let Some((table, column)) = id.split_once('.') {
        return solution
            .entities
            .get(table)
            .and_then(|e| e.attributes.get(column))
            .is_some_and(|a| !a.unmodified);
    }
    solution.entities.get(id).is_some_and(|e| !e.unmodified)
        || solution.option_sets.get(id).is_some_and(|o| !o.unmodified)
        || solution.relationships.contains_key(id)
}
