//! What the commands share: the exit codes, the error that stops a run, and
//! [`run`], which hands each subcommand to its file in `commands/`. Keeping only
//! the dispatch here lets a command be read, and a new one added, in one file.

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::commands;
use crate::package::LoadError;
use crate::policy::PolicyError;

/// Process exit codes (DESIGN.md §1).
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

/// Why a run could not be done (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Environment(#[from] crate::environment::EnvironmentError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<i32, RunError> {
    match cli.command {
        Command::Check(args) => commands::check::run(args, out),
        Command::Diff(args) => commands::diff::run(args, out),
        Command::Components(args) => commands::components::run(&args, out),
        Command::Settings(args) => {
            commands::settings::run(&args, out, &mut std::io::stderr().lock())
        }
        Command::Rules => commands::rules::run(out),
        Command::Init { path, force } => commands::init::run(&path, force, out),
        Command::Explain { rule } => commands::explain::run(&rule, out),
    }
}
