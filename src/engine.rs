//! Runs the catalogue over one candidate (and its baseline) under a policy
//! ([`check_in`]), then judges the policy over the whole run ([`judge_policy`]).

use crate::diagnostic::{Diagnostic, Level};
use crate::environment::Environment;
use crate::model::Solution;
use crate::policy::{Date, Policy};
use crate::rules::{self, Check, Context, Finding, PolicyContext};

/// The findings for one candidate.
#[derive(Debug)]
pub struct Outcome {
    /// The candidate's unique name.
    pub solution: String,
    /// Reported findings, in a stable order.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings an `allow` entry of the policy accepted.
    pub allowed: usize,
    /// How many findings each `allow` entry accepted, indexed like `policy.allow`.
    /// A finding two entries match counts for both; an expired entry accepts none.
    pub accepted: Vec<usize>,
    /// The rule and component of each finding an `allow` entry accepted, in the
    /// order found: `dvlint diff` marks the change it concerns as accepted.
    pub accepted_findings: Vec<(&'static str, String)>,
    /// The rules that ran: switched on, with the baseline they need.
    pub rules_run: Vec<&'static str>,
}

/// The level a rule runs at: the policy's, or the rule's default.
pub fn level_of(policy: &Policy, rule: &str) -> Level {
    policy
        .level_of(rule)
        .unwrap_or_else(|| rules::meta_of(rule).map_or(Level::Off, |meta| meta.default_level))
}

/// What a candidate is checked against besides its baseline.
#[derive(Default, Clone, Copy)]
pub struct Scope<'a> {
    /// The target environments of the policy (those `--environment` selected).
    pub environments: &'a [Environment],
    /// The other candidates of the run.
    pub others: &'a [&'a Solution],
    /// The day the `expires` dates of `allow` entries are judged against: an
    /// entry accepts nothing from that day on. `None`: no entry expires (a check
    /// outside a run, as in tests). A command passes `Some(Date::today_utc())`, and
    /// the same day to [`judge_policy`].
    pub today: Option<Date>,
}

/// [`check_in`] with no environments and no other solutions.
pub fn check(candidate: &Solution, baseline: Option<&Solution>, policy: &Policy) -> Outcome {
    check_in(candidate, baseline, policy, Scope::default())
}

/// Runs the catalogue: once on its own (the rules that need no environment), then
/// once per environment (the rules that check against one), each finding of an
/// environment pass naming it.
pub fn check_in(
    candidate: &Solution,
    baseline: Option<&Solution>,
    policy: &Policy,
    scope: Scope<'_>,
) -> Outcome {
    let target = policy.target_package_version.as_ref();
    let mut diagnostics = Vec::new();
    let mut allowed = 0;
    let mut accepted = vec![0; policy.allow.len()];
    let mut accepted_findings = Vec::new();
    let in_force: Vec<bool> = policy
        .allow
        .iter()
        .map(|entry| scope.today.is_none_or(|today| !entry.expired_on(today)))
        .collect();
    let mut rules_run = Vec::new();
    let passes = std::iter::once(None).chain(scope.environments.iter().map(Some));
    for environment in passes {
        let context = Context::new(candidate, baseline, target)
            .in_environment(environment)
            .with_others(scope.others)
            .with_policy(policy);
        for rule in rules::REGISTRY {
            // Rules of the run are judged once, after every candidate: `judge_policy`.
            let Check::Package(check) = rule.check else {
                continue;
            };
            let Level::On(severity) = level_of(policy, rule.id) else {
                continue;
            };
            let Some(meta) = rules::meta_of(rule.id) else {
                continue;
            };
            let runs = match environment {
                None => {
                    !meta.requires_environment && (baseline.is_some() || !meta.requires_baseline)
                }
                Some(_) => meta.per_environment,
            };
            let configured = meta
                .requires_policy
                .is_none_or(|section| section.is_set(policy));
            if !runs || !configured {
                continue;
            }
            if !rules_run.contains(&rule.id) {
                rules_run.push(rule.id);
            }
            let mut findings: Vec<Finding> = Vec::new();
            check(&context, &mut findings);
            for finding in findings {
                let mut accepted_by_any = false;
                for (i, entry) in policy.allow.iter().enumerate() {
                    if in_force[i] && entry.matches(rule.id, finding.component.as_deref()) {
                        accepted[i] += 1;
                        accepted_by_any = true;
                    }
                }
                if accepted_by_any {
                    allowed += 1;
                    // An entry matches only findings about a component.
                    if let Some(component) = finding.component {
                        accepted_findings.push((rule.id, component));
                    }
                    continue;
                }
                diagnostics.push(Diagnostic {
                    rule: rule.id,
                    severity,
                    message: finding.message,
                    help: finding.help,
                    solution: candidate.manifest.unique_name.value.clone(),
                    component: finding.component,
                    location: finding.location,
                    primary_label: finding.primary_label,
                    related: finding.related,
                    environment: environment.map(|e| e.name.clone()),
                });
            }
        }
    }
    diagnostics.sort_by_cached_key(Diagnostic::sort_key);
    Outcome {
        solution: candidate.manifest.unique_name.value.clone(),
        diagnostics,
        allowed,
        accepted,
        accepted_findings,
        rules_run,
    }
}

/// What the rules of the run (`allow-expired`, `allow-unused`) found: findings in
/// the policy file, which belong to no one candidate.
#[derive(Debug, Default)]
pub struct Judgement {
    /// Sorted by place in the policy file; `solution` is the first candidate's
    /// (see [`Outcome::absorb`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The rules of the run that reported something. A rule that judged the run
    /// clean is left out, so that a report whose entries are all in force and
    /// used is exactly what it was before these rules existed (JUnit counts a
    /// test case per rule run).
    pub rules_run: Vec<&'static str>,
}

/// Judges the policy over a whole run ([`judge_policy`]) and adds its findings to
/// the first candidate's report: what `dvlint check` and `dvlint diff` do once
/// [`check_in`] has run for every candidate, with `today` the day it was given
/// (`Scope::today`). `outcomes` are in report order.
pub fn judge_run(policy: &Policy, outcomes: &mut [Outcome], today: Date) {
    let judgement = judge_policy(policy, &outcomes.iter().collect::<Vec<_>>(), today);
    if let Some(first) = outcomes.first_mut() {
        first.absorb(judgement);
    }
}

/// Runs the rules that judge the policy over a whole run: after [`check_in`] has
/// run for every candidate of the run, with `today` the same day it was given
/// (`Scope::today`). `outcomes` are those candidates' outcomes, in report order;
/// [`judge_run`] adds the judgement to the first one's.
pub fn judge_policy(policy: &Policy, outcomes: &[&Outcome], today: Date) -> Judgement {
    let Some(first) = outcomes.first().filter(|_| !policy.allow.is_empty()) else {
        return Judgement::default();
    };
    let mut accepted = vec![0; policy.allow.len()];
    let mut ran: Vec<&'static str> = Vec::new();
    for outcome in outcomes {
        for (total, count) in accepted.iter_mut().zip(&outcome.accepted) {
            *total += count;
        }
        for rule in &outcome.rules_run {
            if !ran.contains(rule) {
                ran.push(rule);
            }
        }
    }
    let context = PolicyContext {
        policy,
        today,
        accepted: &accepted,
        rules_run: &ran,
    };
    let mut judgement = Judgement::default();
    for rule in rules::REGISTRY {
        let Check::Policy(check) = rule.check else {
            continue;
        };
        let Level::On(severity) = level_of(policy, rule.id) else {
            continue;
        };
        let mut findings = Vec::new();
        check(&context, &mut findings);
        if findings.is_empty() {
            continue;
        }
        judgement.rules_run.push(rule.id);
        judgement
            .diagnostics
            .extend(findings.into_iter().map(|finding| Diagnostic {
                rule: rule.id,
                severity,
                message: finding.message,
                help: finding.help,
                solution: first.solution.clone(),
                component: finding.component,
                location: finding.location,
                primary_label: finding.primary_label,
                related: finding.related,
                environment: None,
            }));
    }
    judgement
        .diagnostics
        .sort_by_cached_key(Diagnostic::sort_key);
    judgement
}

impl Outcome {
    /// Adds the judgement of the run after this candidate's own findings, and its
    /// rules to the rules that ran: the report of this candidate carries them.
    pub fn absorb(&mut self, judgement: Judgement) {
        let solution = &self.solution;
        self.diagnostics.extend(
            judgement
                .diagnostics
                .into_iter()
                .map(|diagnostic| Diagnostic {
                    solution: solution.clone(),
                    ..diagnostic
                }),
        );
        self.rules_run.extend(judgement.rules_run);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diagnostic::Severity;

    /// A column removal: `cts_project.cts_code` is gone from the candidate.
    const DROPPED: &str = "tests/fixtures/attribute-removed/column-dropped";

    fn load(path: &str) -> Solution {
        crate::package::load(Path::new(path)).unwrap()
    }

    fn policy(text: &str) -> Policy {
        Policy::parse(Path::new("dvlint.yaml"), text, &rules::ids()).unwrap()
    }

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    /// `dvlint check` over `runs` (candidate, baseline) on `today`.
    fn run(policy: &Policy, runs: &[(&Solution, Option<&Solution>)], today: Date) -> Vec<Outcome> {
        let scope = Scope {
            today: Some(today),
            ..Scope::default()
        };
        let mut outcomes: Vec<Outcome> = runs
            .iter()
            .map(|(candidate, baseline)| check_in(candidate, *baseline, policy, scope))
            .collect();
        let judgement = judge_policy(policy, &outcomes.iter().collect::<Vec<_>>(), today);
        if let Some(first) = outcomes.first_mut() {
            first.absorb(judgement);
        }
        outcomes
    }

    fn rules_of(outcome: &Outcome) -> Vec<&'static str> {
        outcome.diagnostics.iter().map(|d| d.rule).collect()
    }

    const EXPIRING: &str = "\
allow:
  - rule: attribute-removed
    component: cts_project.cts_code
    reason: migrated
    expires: 2026-06-30
";

    #[test]
    fn an_entry_expiring_today_is_expired() {
        let (candidate, baseline) = (
            load(&format!("{DROPPED}/candidate")),
            load(&format!("{DROPPED}/baseline")),
        );
        let policy = policy(EXPIRING);
        let [outcome] = &run(
            &policy,
            &[(&candidate, Some(&baseline))],
            date("2026-06-30"),
        )[..] else {
            panic!("one outcome");
        };
        assert_eq!(rules_of(outcome), ["attribute-removed", "allow-expired"]);
        assert_eq!(
            (outcome.allowed, outcome.accepted.as_slice()),
            (0, &[0][..])
        );
        let expired = &outcome.diagnostics[1];
        assert_eq!(expired.severity, Severity::Warning);
        assert_eq!(expired.location.line_col(), (2, 5));
        assert_eq!(expired.solution, "ContosoCore");
        assert!(outcome.rules_run.contains(&"allow-expired"));
    }

    #[test]
    fn an_entry_expiring_tomorrow_still_applies() {
        let (candidate, baseline) = (
            load(&format!("{DROPPED}/candidate")),
            load(&format!("{DROPPED}/baseline")),
        );
        let policy = policy(EXPIRING);
        let [outcome] = &run(
            &policy,
            &[(&candidate, Some(&baseline))],
            date("2026-06-29"),
        )[..] else {
            panic!("one outcome");
        };
        assert!(outcome.diagnostics.is_empty(), "{:?}", rules_of(outcome));
        assert_eq!(
            (outcome.allowed, outcome.accepted.as_slice()),
            (1, &[1][..])
        );
        // A clean judgement adds no rule to the report (no JUnit test case).
        assert!(!outcome
            .rules_run
            .iter()
            .any(|rule| rule.starts_with("allow-")));
        // Without a day, as outside a run, nothing expires.
        let outcome = check_in(&candidate, Some(&baseline), &policy, Scope::default());
        assert_eq!(outcome.accepted, [1]);
    }

    #[test]
    fn entries_are_judged_over_every_solution_of_the_run() {
        let (candidate, baseline) = (
            load(&format!("{DROPPED}/candidate")),
            load(&format!("{DROPPED}/baseline")),
        );
        let alone = load("tests/fixtures/version-invalid/ok-two-parts/candidate");
        let policy = policy(
            "\
allow:
  - {rule: attribute-removed, component: cts_project.cts_code, reason: migrated}
  - {rule: attribute-removed, component: cts_project.cts_gone, reason: stale}
",
        );
        let today = date("2026-06-30");
        // The first solution, checked without a baseline, runs no removal rule; the
        // second does, and uses the first entry: only the second is unused, reported
        // once, in the first solution's report.
        let outcomes = run(
            &policy,
            &[(&alone, None), (&candidate, Some(&baseline))],
            today,
        );
        assert_eq!(rules_of(&outcomes[0]), ["allow-unused"]);
        assert_eq!(outcomes[0].diagnostics[0].location.line_col(), (3, 5));
        assert_eq!(outcomes[0].diagnostics[0].solution, outcomes[0].solution);
        assert!(outcomes[1].diagnostics.is_empty());
        assert_eq!(outcomes[1].accepted, [1, 0]);
        // Alone, the solution without a baseline judges no entry of attribute-removed.
        let outcomes = run(&policy, &[(&alone, None)], today);
        assert!(outcomes[0].diagnostics.is_empty());
        assert!(!outcomes[0].rules_run.contains(&"attribute-removed"));
    }

    #[test]
    fn policy_rules_take_their_level_from_the_policy() {
        let (candidate, baseline) = (
            load(&format!("{DROPPED}/candidate")),
            load(&format!("{DROPPED}/baseline")),
        );
        let text = format!("rules:\n  allow-expired: error\n  allow-unused: off\n{EXPIRING}  - {{rule: entity-removed, component: x, reason: stale}}\n");
        let policy = policy(&text);
        let outcomes = run(
            &policy,
            &[(&candidate, Some(&baseline))],
            date("2027-01-01"),
        );
        let found: Vec<_> = outcomes[0]
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.severity))
            .collect();
        assert_eq!(
            found,
            [
                ("attribute-removed", Severity::Error),
                ("allow-expired", Severity::Error)
            ]
        );
        assert!(!outcomes[0].rules_run.contains(&"allow-unused"));
    }

    #[test]
    fn without_allow_entries_the_run_is_not_judged() {
        let (candidate, baseline) = (
            load(&format!("{DROPPED}/candidate")),
            load(&format!("{DROPPED}/baseline")),
        );
        let policy = Policy::default();
        let outcome = check_in(&candidate, Some(&baseline), &policy, Scope::default());
        let judgement = judge_policy(&policy, &[&outcome], date("2026-06-30"));
        assert!(judgement.diagnostics.is_empty() && judgement.rules_run.is_empty());
        let (before, rules_before) = (rules_of(&outcome), outcome.rules_run.clone());
        let mut outcome = outcome;
        outcome.absorb(judgement);
        assert_eq!(
            (rules_of(&outcome), outcome.rules_run),
            (before, rules_before)
        );
        assert!(judge_policy(&policy, &[], date("2026-06-30"))
            .rules_run
            .is_empty());
    }
}
