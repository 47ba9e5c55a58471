//! `dvlint check`: load the candidates and their baselines, run the catalogue
//! under the policy, write the reports, and fail when a finding reaches
//! `fail-on`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::app::{RunError, EXIT_FINDINGS, EXIT_OK};
use crate::cli::{CheckArgs, FailOn, Format};
use crate::commands::input::{let_go, load_all, load_policy, targets, Loaded, Target};
use crate::commands::output::{append, write_atomically};
use crate::diagnostic::Severity;
use crate::engine;
use crate::environment;
use crate::model::Solution;
use crate::policy::{Date, Policy};
use crate::report::{self, SolutionReport};

pub(crate) fn run(args: CheckArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let policy = load_policy(args.policy.as_deref())?;
    let environments = environment::load(&policy, &args.environments)?;
    let targets = targets(
        &args.paths,
        args.baseline.as_deref(),
        args.solution.as_deref(),
        &policy,
    )?;
    let loaded = load_all(&targets)?;
    let providers = providers(&policy, &targets, &loaded)?;
    // One day for the whole run: an entry expiring at midnight does not both
    // apply to one solution and not to the next.
    let today = Date::today_utc();
    let mut outcomes: Vec<engine::Outcome> = loaded
        .iter()
        .enumerate()
        .map(|(i, (candidate, baseline))| {
            // Every other solution of the run, and of the policy, may meet its dependencies.
            let others: Vec<&Solution> = loaded
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, (other, _))| other)
                .chain(&providers)
                .collect();
            let scope = engine::Scope {
                environments: &environments,
                others: &others,
                today: Some(today),
            };
            engine::check_in(candidate, baseline.as_ref(), &policy, scope)
        })
        .collect();
    // The policy's own findings (expired and unused `allow` entries) concern the
    // whole run; the first solution's report carries them.
    engine::judge_run(&policy, &mut outcomes, today);
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

    let fail_on = fail_on(args.fail_on, &policy);
    let failed = outcomes
        .iter()
        .flat_map(|o| &o.diagnostics)
        .any(|d| d.severity >= fail_on);
    drop(reports);
    let_go((loaded, providers));
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// The lowest severity that fails the run: `--fail-on`, else the policy's, else error.
pub(crate) fn fail_on(given: Option<FailOn>, policy: &Policy) -> Severity {
    match given {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        None => policy.fail_on.unwrap_or(Severity::Error),
    }
}

/// The policy's solutions the command line did not name, loaded (without their
/// baselines) when a candidate has dependencies one of them may meet: checking one
/// solution of a policy must not report what its sibling provides as missing.
fn providers(
    policy: &Policy,
    targets: &[Target],
    loaded: &[Loaded],
) -> Result<Vec<Solution>, RunError> {
    let depends = loaded
        .iter()
        .any(|(candidate, _)| !candidate.manifest.missing_dependencies.is_empty());
    if !depends {
        return Ok(Vec::new());
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    let rest: Vec<Target> = policy
        .solutions
        .iter()
        .filter(|entry| !targets.iter().any(|t| same(&t.path, &entry.path)))
        .map(|entry| Target {
            path: entry.path.clone(),
            baseline: None,
            solution: None,
        })
        .collect();
    Ok(load_all(&rest)?
        .into_iter()
        .map(|(candidate, _)| candidate)
        .collect())
}

/// The report in `format`; `color` only for the human format on a terminal.
fn render(format: Format, reports: &[SolutionReport<'_>], color: bool) -> String {
    match format {
        Format::Human => report::human::render(reports, report::human::Style { color, width: 100 }),
        Format::Json => report::json::render(reports),
        Format::Sarif => report::sarif::render(reports),
        Format::Github => report::github::render(reports),
        Format::Junit => report::junit::render(reports),
        Format::Markdown => report::markdown::render(reports),
    }
}
