//! A `solutioncomponents.yml` path of the YAML form that names no file: pac packs
//! the solution without it, exit code 0, and the release ships without the
//! component.

use super::{Context, Finding};
use crate::model::component::listed_path;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let solution = ctx.candidate;
    for path in &solution.missing_component_paths {
        let id = listed_path(&path.value).to_ascii_lowercase();
        out.push(
            Finding::new(
                format!(
                    "solutioncomponents.yml lists `{}`, which is not in the YAML source",
                    path.value
                ),
                solution.locate(path.span),
            )
            .component(id)
            .label("no file or folder at this path")
            .help(
                "restore the component's files, or remove the entry (and its rootcomponents.yml \
                 entry); pac packs the solution without it and exits 0",
            ),
        );
    }
}
