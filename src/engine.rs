//! Runs the catalogue over one candidate (and its baseline) under a policy.

use crate::diagnostic::{Diagnostic, Level};
use crate::environment::Environment;
use crate::model::Solution;
use crate::policy::Policy;
use crate::rules::{self, Context, Finding};

/// The findings for one candidate.
#[derive(Debug)]
pub struct Outcome {
    /// Reported findings, in a stable order.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings an `allow` entry of the policy accepted.
    pub allowed: usize,
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
    let mut rules_run = Vec::new();
    let passes = std::iter::once(None).chain(scope.environments.iter().map(Some));
    for environment in passes {
        let context = Context::new(candidate, baseline, target)
            .in_environment(environment)
            .with_others(scope.others)
            .with_policy(policy);
        for rule in rules::REGISTRY {
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
            (rule.check)(&context, &mut findings);
            for finding in findings {
                let accepted = policy
                    .allow
                    .iter()
                    .any(|entry| entry.matches(rule.id, finding.component.as_deref()));
                if accepted {
                    allowed += 1;
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
        diagnostics,
        allowed,
        rules_run,
    }
}
