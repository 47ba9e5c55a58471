//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "dvlint",
    version,
    about = "Lint Microsoft Dataverse solution packages before they ship",
    long_about = "Lint Microsoft Dataverse solution packages before they ship: package versions \
                  an older environment refuses, versions not raised, broken patches, and \
                  upgrades that delete tables, columns, relationships or choices with their data."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check solution packages (zips, unpacked folders, extracted exports).
    Check(CheckArgs),
    /// List every rule with its default severity and summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. `attribute-removed`.
        rule: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Solution packages to check; with none, the `solutions` of the policy.
    pub paths: Vec<PathBuf>,
    /// The release the candidate follows (zip or folder): its previous version,
    /// its parent for a patch, the original for an update solution.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// Policy file; by default `dvlint.yaml` or `.dvlint.yaml` found from the
    /// current folder up to the repository root.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The lowest severity that makes the run fail (exit code 1).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}
