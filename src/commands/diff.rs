//! `dvlint diff`: every change between each candidate and its baseline, with
//! the findings `check` gives the same pair, for a reviewer.

use std::io::Write;

use crate::app::{RunError, EXIT_FINDINGS, EXIT_OK};
use crate::cli::{DiffArgs, DiffFormat};
use crate::commands::check::fail_on;
use crate::commands::input::{let_go, load_all, load_policy, targets};
use crate::commands::output::write_atomically;
use crate::engine;
use crate::policy::Date;
use crate::report;
use crate::review::{self, Review};
use crate::rules;

pub(crate) fn run(args: DiffArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let policy = load_policy(args.policy.as_deref())?;
    let targets = targets(
        &args.paths,
        args.baseline.as_deref(),
        args.solution.as_deref(),
        &policy,
    )?;
    if let Some(target) = targets.iter().find(|t| t.baseline.is_none()) {
        return Err(RunError::Usage(format!(
            "`{}` has no baseline to compare with: give --baseline PATH or git:REF{}",
            target.path.display(),
            if args.paths.is_empty() {
                ", or its `baseline` in dvlint.yaml"
            } else {
                ""
            }
        )));
    }
    let loaded = load_all(&targets)?;
    let pairs: Vec<_> = loaded
        .iter()
        .filter_map(|(candidate, baseline)| baseline.as_ref().map(|b| (candidate, b)))
        .collect();
    // The same check as `dvlint check` of the pair, without target environments:
    // a diff is about the release, not where it goes.
    let today = Date::today_utc();
    let scope = engine::Scope {
        today: Some(today),
        ..engine::Scope::default()
    };
    let mut outcomes: Vec<engine::Outcome> = pairs
        .iter()
        .map(|(candidate, baseline)| engine::check_in(candidate, Some(baseline), &policy, scope))
        .collect();
    engine::judge_run(&policy, &mut outcomes, today);
    let reviews: Vec<Review<'_>> = pairs
        .iter()
        .zip(outcomes)
        .map(|((candidate, baseline), outcome)| {
            // What the policy's `versioning` asks of the release, for the summary line.
            let bump = policy.versioning.as_ref().and_then(|versioning| {
                rules::versioning::requirement(versioning, baseline, candidate)
            });
            let accepted = &outcome.accepted_findings;
            review::review(baseline, candidate, outcome.diagnostics, accepted, bump)
        })
        .collect();
    for output in &args.output {
        write_atomically(&output.path, &render(output.format, &reviews))?;
    }
    out.write_all(render(args.format, &reviews).as_bytes())?;
    out.flush()?;
    let fail_on = fail_on(args.fail_on, &policy);
    let failed = reviews
        .iter()
        .flat_map(|r| &r.findings)
        .any(|d| d.severity >= fail_on);
    drop(reviews);
    drop(pairs);
    let_go(loaded);
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

fn render(format: DiffFormat, reviews: &[Review<'_>]) -> String {
    match format {
        DiffFormat::Human => report::diff::human(reviews),
        DiffFormat::Json => report::diff::json(reviews),
        DiffFormat::Markdown => report::diff::markdown(reviews),
    }
}
