//! `dvlint check`: load the candidates and their baselines, run the catalogue
//! under the policy, write the reports, and fail when a finding reaches
//! `fail-on`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::app::{RunError, EXIT_FINDINGS, EXIT_OK};
use crate::cli::{CheckArgs, FailOn, Format};
use crate::commands::input::{load_all, load_policy, targets};
use crate::commands::output::{append, write_atomically};
use crate::diagnostic::Severity;
use crate::engine;
use crate::report::{self, SolutionReport};

pub(crate) fn run(args: CheckArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let policy = load_policy(args.policy.as_deref())?;
    let targets = targets(&args.paths, args.baseline.as_deref(), &policy)?;
    let loaded = load_all(&targets)?;
    let outcomes: Vec<engine::Outcome> = loaded
        .iter()
        .map(|(candidate, baseline)| engine::check(candidate, baseline.as_ref(), &policy))
        .collect();
    let reports: Vec<SolutionReport<'_>> = loaded
        .iter()
        .zip(&outcomes)
        .map(|((candidate, baseline), outcome)| SolutionReport {
            candidate,
            baseline: baseline.as_ref(),
            diagnostics: &outcome.diagnostics,
            allowed: outcome.allowed,
            rules_run: &outcome.rules_run,
        })
        .collect();
    for output in &args.output {
        write_atomically(&output.path, &render(output.format, &reports, false))?;
    }
    let uses_github =
        args.format == Format::Github || args.output.iter().any(|o| o.format == Format::Github);
    if uses_github {
        if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
            append(Path::new(&summary), &report::github::step_summary(&reports))?;
        }
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    out.write_all(render(args.format, &reports, color).as_bytes())?;
    out.flush()?;

    let fail_on = match args.fail_on {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        None => policy.fail_on.unwrap_or(Severity::Error),
    };
    let failed = outcomes
        .iter()
        .flat_map(|o| &o.diagnostics)
        .any(|d| d.severity >= fail_on);
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// The report in `format`; `color` only for the human format on a terminal.
fn render(format: Format, reports: &[SolutionReport<'_>], color: bool) -> String {
    match format {
        Format::Human => report::human::render(reports, report::human::Style { color, width: 100 }),
        Format::Json => report::json::render(reports),
        Format::Sarif => report::sarif::render(reports),
        Format::Github => report::github::render(reports),
        Format::Junit => report::junit::render(reports),
    }
}
