//! A root component the manifest lists that the package does not define: pac and
//! SolutionPackager drop it with a warning and still succeed, and the import then
//! fails or installs without it.

use super::{Context, Finding};
use crate::model::component::{assembly_simple_name, component_id, kind_of_root_type, RootKey};
use crate::model::{RootComponent, Solution};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let solution = ctx.candidate;
    for root in &solution.manifest.root_components {
        let Some((noun, key, id, present)) = lookup(solution, root) else {
            continue;
        };
        if present {
            continue;
        }
        out.push(
            Finding::new(
                format!(
                    "root component {noun} `{key}` (type {}) is not defined in the package",
                    root.kind
                ),
                solution.locate(root.span),
            )
            .component(id)
            .label("listed here")
            .help(ctx.in_candidate_words(
                "add its definition to the package, or remove this <RootComponent>; packing \
                 drops it with only a warning, and the import then fails or installs the \
                 solution without it",
            )),
        );
    }
}

/// What the root names (in words, by key and by component id) and whether the
/// package defines it; `None` for a root this rule does not check: a kind whose
/// definition dvlint does not read, or one that carries none of its own by
/// design (see the rule's page).
fn lookup(
    solution: &Solution,
    root: &RootComponent,
) -> Option<(&'static str, String, String, bool)> {
    let schema_name = || root.schema_name.as_deref().map(str::to_ascii_lowercase);
    // Messages show a name as the manifest writes it; ids are lower case.
    let written = || root.schema_name.clone().unwrap_or_default();
    match root.kind {
        // behavior 2: only the listed parts of the table travel, not the table.
        1 if root.behavior == Some(2) => None,
        1 => {
            let name = schema_name()?;
            let present = solution.entities.contains_key(&name);
            Some(("table", written(), name, present))
        }
        9 => {
            let name = schema_name()?;
            let present = solution.option_sets.contains_key(&name);
            Some(("global choice", written(), name, present))
        }
        // A site map: an app's, or the organization's own in packages from before
        // model-driven apps (the top-level `<SiteMap>`).
        62 => {
            let name = schema_name()?;
            let id = component_id("appmodulesitemap", &name);
            let present = solution.components.contains_key(&id)
                || solution
                    .components
                    .contains_key(&component_id("sitemap", "sitemap"));
            Some(("site map", written(), id, present))
        }
        kind => {
            let info = kind_of_root_type(kind)?;
            let (key, shown) = match info.root_key {
                RootKey::SchemaName => (schema_name()?, written()),
                RootKey::Id => (root.id.clone()?, root.id.clone()?),
                RootKey::AssemblyName => {
                    let simple = assembly_simple_name(root.schema_name.as_deref()?);
                    (simple.to_ascii_lowercase(), simple.to_owned())
                }
            };
            let id = component_id(info.kind, &key);
            let present = solution.components.contains_key(&id);
            Some((info.noun, shown, id, present))
        }
    }
}
