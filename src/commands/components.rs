//! `dvlint components PATH`: what one package holds, component by component,
//! with the id a policy's `allow` globs match and the line that defines it. It
//! reads the package as `check` does and prints [`crate::inventory`] as it is.

use std::io::Write;

use crate::app::{RunError, EXIT_OK};
use crate::cli::{ComponentsArgs, ComponentsFormat};
use crate::inventory::inventory;
use crate::package;
use crate::report::inventory::{human, json};

pub(crate) fn run(args: &ComponentsArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let solution = package::load_solution(&args.path, args.solution.as_deref())?;
    let entries = inventory(&solution);
    let text = match args.format {
        ComponentsFormat::Human => human(&solution, &entries),
        ComponentsFormat::Json => json(&solution, &entries),
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(EXIT_OK)
}
