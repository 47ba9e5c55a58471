//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "dvlint",
    version,
    about = "Lint Microsoft Dataverse solution packages before they ship",
    long_about = "Lint Microsoft Dataverse solution packages before they ship: package versions \
                  an older environment refuses, versions not raised, broken patches, root \
                  components the package lacks, and upgrades that delete tables, columns, \
                  relationships, choices, flows, roles or any other component with their data."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check solution packages (zips, unpacked folders, extracted exports).
    Check(CheckArgs),
    /// List every component of one package, with its id and where it is defined.
    ///
    /// Tables (each followed by its columns), relationships, global choices,
    /// processes, security roles, web resources, apps, plug-ins, forms, views and
    /// the other kinds dvlint reads, in a fixed order: by kind, then id. Each row
    /// gives the display name, the component id (the one `allow` globs in
    /// dvlint.yaml match) and the file and line that define it; components carried
    /// only as references (`unmodified="1"`) are marked. `--format json` gives the
    /// same list for scripts.
    Components(ComponentsArgs),
    /// Show every change between two releases of a solution, for review.
    ///
    /// Tables, columns (type, length, requirement), relationships, choices and
    /// options, processes, roles, web resources, environment variables, connection
    /// references, apps, plug-ins and every other component dvlint reads: what
    /// was added, removed or changed (a rename is a change), with the finding each
    /// change causes, risky rows first; and the solution's version, managed state
    /// and publisher. Components carried only as references (`unmodified="1"`) are
    /// never listed. The check is the one `dvlint check` runs on the same pair under
    /// the policy (without target environments): the exit code is 1 when a finding
    /// reaches `--fail-on`, as there. `--format markdown` is made for a
    /// pull-request comment.
    Diff(DiffArgs),
    /// Write the deployment settings template of one package, as `pac solution
    /// create-settings` does.
    ///
    /// Every environment variable the package defines, with its default value as
    /// `Value` ("" when it has none; not the current value an export may carry
    /// from its own environment), and every connection reference, with an
    /// empty `ConnectionId` and its connector as `ConnectorId`, under the names
    /// the package writes. `pac solution import --settings-file` reads it, and so
    /// does an environment's `settings` in dvlint.yaml. Both lists are sorted by
    /// name, ignoring case (pac keeps no documented order; a sorted file diffs
    /// well); the JSON is indented by two spaces, ends with a line break, and
    /// escapes only what JSON requires (`/` and non-ASCII text stay as written).
    ///
    /// With `--from FILE`, the values of an existing settings file are kept for
    /// what is still in the package (a variable's `Value`, a reference's
    /// `ConnectionId`; the `ConnectorId` is always the package's), what is new is
    /// added with its default, and what is gone is dropped. Each change is a line
    /// on stderr, then how many entries kept their values. Names match ignoring
    /// case; the package's spelling is written. The file must exist and be valid:
    /// a malformed one stops the run (exit code 2) with its line and column, and
    /// nothing is written.
    Settings(SettingsArgs),
    /// List every rule with its default severity and summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. `attribute-removed`.
        rule: String,
    },
    /// Write a commented `dvlint.yaml` with every key at its default.
    Init {
        /// Where to write it.
        #[arg(default_value = "dvlint.yaml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Solution packages to check; with none, the `solutions` of the policy.
    pub paths: Vec<PathBuf>,
    /// The release the candidate follows: a zip or folder, or `git:REF` for the
    /// same path at a git revision. Its previous version, its parent for a patch,
    /// the original for an update solution.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// Policy file; by default `dvlint.yaml` or `.dvlint.yaml` found from the
    /// current folder up to the repository root.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Output format printed on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write the report in another format to a file, e.g. `sarif=dvlint.sarif`
    /// (repeatable).
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_output::<Format>)]
    pub output: Vec<Output>,
    /// The lowest severity that makes the run fail (exit code 1).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Check against this target environment of the policy's `environments`
    /// (repeatable); without it, against every one the policy lists.
    #[arg(long = "environment", value_name = "NAME")]
    pub environments: Vec<String>,
    /// Of a YAML (Git integration) root holding several solutions, the one to
    /// read, by unique name; naming its folder (`solutions/NAME`) does the same.
    #[arg(long, value_name = "NAME")]
    pub solution: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The candidate packages; with none, the `solutions` of the policy (each
    /// needs its `baseline`).
    pub paths: Vec<PathBuf>,
    /// The release the candidate follows: a zip or folder, or `git:REF` for the
    /// same path at a git revision.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// Policy file; by default `dvlint.yaml` or `.dvlint.yaml` found from the
    /// current folder up to the repository root.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Output format printed on stdout.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Also write the diff in another format to a file, e.g.
    /// `markdown=dvlint-diff.md` (repeatable).
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_output::<DiffFormat>)]
    pub output: Vec<Output<DiffFormat>>,
    /// The lowest severity that makes the run fail (exit code 1).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Of a YAML (Git integration) root holding several solutions, the one to
    /// read, by unique name; naming its folder (`solutions/NAME`) does the same.
    #[arg(long, value_name = "NAME")]
    pub solution: Option<String>,
}

/// What `dvlint diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A section per kind, in aligned columns.
    Human,
    /// The versioned JSON diff (see the README's `dvlint diff` section).
    Json,
    /// Markdown tables for a pull-request comment (GitHub, Azure DevOps).
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct ComponentsArgs {
    /// The package: an exported `.zip`, an unpacked solution folder (or a folder
    /// holding exactly one), or an extracted export.
    pub path: PathBuf,
    /// Output format printed on stdout.
    #[arg(long, value_enum, default_value_t = ComponentsFormat::Human)]
    pub format: ComponentsFormat,
    /// Of a YAML (Git integration) root holding several solutions, the one to
    /// read, by unique name; naming its folder (`solutions/NAME`) does the same.
    #[arg(long, value_name = "NAME")]
    pub solution: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SettingsArgs {
    /// The package: an exported `.zip`, an unpacked solution folder (or a folder
    /// holding exactly one), or an extracted export.
    pub path: PathBuf,
    /// Write the settings to this file (whole or not at all) instead of stdout.
    /// It may be the `--from` file, which is then rewritten; it may not be the
    /// package or lie inside its solution folder.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// An existing settings file whose values to keep.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Of a YAML (Git integration) root holding several solutions, the one to
    /// read, by unique name; naming its folder (`solutions/NAME`) does the same.
    #[arg(long, value_name = "NAME")]
    pub solution: Option<String>,
}

/// What `dvlint components` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ComponentsFormat {
    /// A section per kind, in aligned columns, for people and tickets.
    Human,
    /// The versioned JSON listing (see the README's Components section).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with the XML they blame, for people.
    Human,
    /// The versioned JSON report.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations (and a job summary when `GITHUB_STEP_SUMMARY` is set).
    Github,
    /// JUnit XML, for CI test views such as Azure DevOps.
    Junit,
    /// A Markdown report for pull-request comments (GitHub, Azure DevOps).
    Markdown,
}

/// `--output FORMAT=FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output<F = Format> {
    pub format: F,
    pub path: PathBuf,
}

/// Reads `FORMAT=FILE`, with the formats of `F` listed when FORMAT is not one.
fn parse_output<F: ValueEnum + Clone>(text: &str) -> Result<Output<F>, String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, like `json=dvlint.json`, not `{text}`"))?;
    let format = F::from_str(format, true).map_err(|_| {
        let names: Vec<String> = F::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        format!(
            "unknown format `{format}`; expected one of {}",
            names.join(", ")
        )
    })?;
    if path.is_empty() {
        return Err("the file name after `=` is empty".to_owned());
    }
    Ok(Output {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}
