//! Runs the catalogue over one candidate (and its baseline) under a policy.

use crate::diagnostic::{Diagnostic, Level};
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

pub fn check(candidate: &Solution, baseline: Option<&Solution>, policy: &Policy) -> Outcome {
    let target = policy.target_package_version.as_ref();
    let context = Context::new(candidate, baseline, target);
    let mut diagnostics = Vec::new();
    let mut allowed = 0;
    let mut rules_run = Vec::new();
    for rule in rules::REGISTRY {
        let Level::On(severity) = level_of(policy, rule.id) else {
            continue;
        };
        let needs_baseline = rules::meta_of(rule.id).is_some_and(|m| m.requires_baseline);
        if needs_baseline && baseline.is_none() {
            continue;
        }
        rules_run.push(rule.id);
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
            });
        }
    }
    diagnostics.sort_by_cached_key(Diagnostic::sort_key);
    Outcome {
        diagnostics,
        allowed,
        rules_run,
    }
}
