//! The `dvlint` command: parse arguments, run, map the result to an exit code.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use dvlint::app::{self, EXIT_FAILURE};
use dvlint::cli::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                EXIT_FAILURE as u8
            } else {
                0
            });
        }
    };
    let mut stdout = std::io::stdout().lock();
    let code = match app::run(cli, &mut stdout) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            EXIT_FAILURE
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(EXIT_FAILURE as u8))
}
