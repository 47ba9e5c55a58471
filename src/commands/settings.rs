//! `dvlint settings PATH [--output FILE] [--from FILE]`: the deployment settings
//! template of one package ([`crate::environment::template`]), printed or
//! written whole, optionally keeping the values of an existing file. What a
//! merge changed goes to stderr, a line each, once the settings are written.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::{RunError, EXIT_OK};
use crate::cli::SettingsArgs;
use crate::commands::output::write_atomically;
use crate::environment::settings;
use crate::environment::template::{Change, Template};
use crate::package::{self, printable};

pub(crate) fn run(
    args: &SettingsArgs,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<i32, RunError> {
    let solution = package::load_solution(&args.path, args.solution.as_deref())?;
    if let Some(output) = &args.output {
        refuse_writing_into_package(&args.path, output)?;
    }
    let (template, lines) = match &args.from {
        None => (Template::of(&solution), Vec::new()),
        Some(from) => {
            let existing = settings::read_path(from)?;
            let merged = Template::merged(&solution, &existing);
            let name = &solution.manifest.unique_name.value;
            let mut lines: Vec<String> = merged.changes.iter().map(|c| note(c, name)).collect();
            let plural = if merged.kept == 1 { "" } else { "s" };
            lines.push(format!("kept {} value{plural}", merged.kept));
            (merged.template, lines)
        }
    };
    let text = template
        .render()
        .map_err(|e| RunError::Usage(format!("cannot write the settings: {e}")))?;
    match &args.output {
        Some(output) => write_atomically(output, &text)?,
        None => {
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    for line in lines {
        writeln!(notes, "{line}")?;
    }
    Ok(EXIT_OK)
}

fn note(change: &Change, solution: &str) -> String {
    match change {
        Change::Added { kind, name } => format!("added {} {}", kind.noun(), printable(name)),
        Change::Dropped { kind, name } => format!(
            "dropped {} {} (not in {})",
            kind.noun(),
            printable(name),
            printable(solution)
        ),
    }
}

/// dvlint never modifies what it reads: an output that is the package's zip, or
/// lies in its solution folder, is refused. (The `--from` file may be rewritten:
/// naming it as the output is asking for that.)
fn refuse_writing_into_package(package: &Path, output: &Path) -> Result<(), RunError> {
    // Where either cannot be resolved, the load or the write reports it.
    let (Some(target), Ok(package_path)) = (resolved(output), package.canonicalize()) else {
        return Ok(());
    };
    let inside = if package_path.is_file() {
        target == package_path
    } else {
        package::find_solution_folder(&package_path)
            .ok()
            .and_then(|root| root.canonicalize().ok())
            .is_some_and(|root| target.starts_with(root))
    };
    if inside {
        return Err(RunError::Usage(format!(
            "`{}` is inside the package `{}`; dvlint does not write into its inputs: \
             write the settings beside the package",
            printable(&output.display().to_string()),
            printable(&package.display().to_string())
        )));
    }
    Ok(())
}

/// The absolute path `path` names, following links, for a file that may not
/// exist yet (its folder must).
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(path) = path.canonicalize() {
        return Some(path);
    }
    let name = path.file_name()?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some(folder.canonicalize().ok()?.join(name))
}
