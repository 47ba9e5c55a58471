//! What `dvlint diff` reports: every change between two releases of a solution,
//! component by component, with the findings each change causes.
//!
//! The rows follow README's "What `dvlint diff` lists":
//! - a component is *added* or *removed* when only one side has it, and *changed*
//!   when both have it and a property a reviewer cares about differs (a rename, a
//!   column's type, length or requirement, an option's label, a variable's
//!   default, a reference's connector);
//! - a component carried only as a reference (`unmodified="1"`) on either side is
//!   never listed: a managed baseline against an unmanaged candidate would
//!   otherwise invent changes;
//! - the columns of an added or removed table are counted in the table's row, and
//!   so are the options of an added or removed choice;
//! - the solution itself is one row when its version, managed state, publisher or
//!   unique name changed.
//!
//! The rows are data; `report::diff` formats them.

mod components;
mod tables;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Solution;
use crate::rules::versioning::Requirement;
use crate::source::Location;

/// Whether a row is an addition, a removal or a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Removed,
    Changed,
    Added,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One change between the releases.
#[derive(Debug, Clone)]
pub struct Row {
    pub change: ChangeKind,
    /// `solution`, `entity`, `attribute`, `entityrelationship`, `optionset`,
    /// `option`, or a component kind (`workflow`, `role`, …).
    pub kind: String,
    /// The id findings and `allow` globs use.
    pub component: String,
    /// For people: the display name (the new one when it was renamed).
    pub name: String,
    /// What changed, in words: `type nvarchar → int`, `with its 4 columns`.
    pub detail: String,
    /// The properties a `changed` row compares that differ: `name`, `type`,
    /// `length`, `required`, `label`, `default`, `variabletype`, `connector`,
    /// `version`, `managed`, `publisher`, `prefix`, `uniquename`.
    pub aspects: Vec<&'static str>,
    /// In the candidate, or in the baseline for a removal.
    pub location: Location,
    /// The findings this change causes, most severe first.
    pub findings: Vec<Diagnostic>,
    /// The rules whose finding about this change an `allow` entry accepted.
    pub accepted: Vec<&'static str>,
}

impl Row {
    /// The most severe finding the change causes.
    pub fn risk(&self) -> Option<Severity> {
        self.findings.iter().map(|d| d.severity).max()
    }
}

/// The changes from `baseline` to `candidate`, with the findings of the check
/// attached to the rows they concern.
#[derive(Debug)]
pub struct Review<'a> {
    pub candidate: &'a Solution,
    pub baseline: &'a Solution,
    /// In the order they are shown: by kind, risky rows first.
    pub rows: Vec<Row>,
    /// Findings of the check that no row carries (a root component missing from
    /// the package, a version left as it was).
    pub other_findings: Vec<Diagnostic>,
    /// Every finding of the check, rows' and others'.
    pub findings: Vec<Diagnostic>,
    /// How many findings `allow` entries accepted.
    pub accepted: usize,
    /// What `versioning` in the policy asks of this release, if anything.
    pub bump: Option<Requirement>,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub removed: usize,
    pub added: usize,
    pub changed: usize,
}

impl Review<'_> {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for row in &self.rows {
            match row.change {
                ChangeKind::Added => counts.added += 1,
                ChangeKind::Removed => counts.removed += 1,
                ChangeKind::Changed => counts.changed += 1,
            }
        }
        counts
    }
}

/// Compares the releases and attaches `findings` (the check of the same pair) to
/// the rows: a finding about a component goes to that component's row, a finding
/// about no component (the version rules) to the solution's row.
pub fn review<'a>(
    baseline: &'a Solution,
    candidate: &'a Solution,
    findings: Vec<Diagnostic>,
    accepted: &[(&'static str, String)],
    bump: Option<Requirement>,
) -> Review<'a> {
    let mut rows = changes(baseline, candidate);
    let index: BTreeMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (row.component.clone(), i))
        .collect();
    let solution_row = rows.iter().position(|row| row.kind == "solution");
    let mut other_findings = Vec::new();
    for finding in &findings {
        let row = match &finding.component {
            Some(component) => index.get(component).copied(),
            None if about_the_solution(finding.rule) => solution_row,
            None => None,
        };
        match row {
            Some(i) => rows[i].findings.push(finding.clone()),
            None => other_findings.push(finding.clone()),
        }
    }
    for (rule, component) in accepted {
        if let Some(&i) = index.get(component) {
            if !rows[i].accepted.contains(rule) {
                rows[i].accepted.push(rule);
            }
        }
    }
    for row in &mut rows {
        row.findings.sort_by_key(|d| std::cmp::Reverse(d.severity));
    }
    rows.sort_by(|a, b| {
        rank(&a.kind)
            .cmp(&rank(&b.kind))
            .then_with(|| b.risk().cmp(&a.risk()))
            .then_with(|| a.change.cmp(&b.change))
            .then_with(|| a.component.cmp(&b.component))
    });
    Review {
        candidate,
        baseline,
        rows,
        other_findings,
        findings,
        accepted: accepted.len(),
        bump,
    }
}

/// Whether a finding about no component concerns what the solution's row shows:
/// its version, managed state, publisher or name (not the package format, nor the
/// policy file).
fn about_the_solution(rule: &str) -> bool {
    use crate::rules::meta::Category;
    matches!(rule, "managed-state-changed" | "baseline-mismatch")
        || crate::rules::meta_of(rule)
            .is_some_and(|meta| matches!(meta.category, Category::Version | Category::Patch))
}

/// Every change, unordered and without findings.
pub fn changes(baseline: &Solution, candidate: &Solution) -> Vec<Row> {
    let mut rows = Vec::new();
    rows.extend(components::solution_row(baseline, candidate));
    tables::tables(baseline, candidate, &mut rows);
    tables::relationships(baseline, candidate, &mut rows);
    tables::option_sets(baseline, candidate, &mut rows);
    components::components(baseline, candidate, &mut rows);
    rows
}

/// Kinds in the order they are shown: the solution, the table kinds, options
/// after the choices they belong to, then every other kind as `dvlint components`
/// orders them.
pub fn rank(kind: &str) -> (usize, (usize, String)) {
    const FIRST: [&str; 6] = [
        "solution",
        "entity",
        "attribute",
        "entityrelationship",
        "optionset",
        "option",
    ];
    match FIRST.iter().position(|k| *k == kind) {
        Some(i) => (i, (0, String::new())),
        None => {
            let (i, name) = crate::inventory::rank(kind);
            (FIRST.len(), (i, name.to_owned()))
        }
    }
}

/// In words, plural, for a section heading.
pub fn heading(kind: &str) -> String {
    match kind {
        "solution" => "Solution".to_owned(),
        "option" => "Options".to_owned(),
        other => {
            let plural = crate::inventory::plural(other);
            let mut chars = plural.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => plural,
            }
        }
    }
}

/// `` `old` → `new` `` for details.
fn arrow(before: &str, after: &str) -> String {
    format!("`{before}` → `{after}`")
}
