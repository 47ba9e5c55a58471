//! Every rule against its fixtures, through both loaders: failing cases fire the
//! rule, `ok-*` cases keep it quiet, and the rendered output is snapshotted.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::{Path, PathBuf};

use common::{check_among, essence, load, load_as_zip, policy_in, REMOVAL_RULES};
use dvlint::report::{self, SolutionReport};

struct Case {
    rule: String,
    name: String,
    dir: PathBuf,
}

impl Case {
    fn passing(&self) -> bool {
        self.name.starts_with("ok-")
    }

    /// Other rules the case is expected to fire, listed one a line in its `also` file.
    fn also(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("also"))
            .map(|text| text.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    fn baseline_dir(&self) -> Option<PathBuf> {
        Some(self.dir.join("baseline")).filter(|p| p.is_dir())
    }

    /// Other solutions of the case's policy, deployed with the candidate: the
    /// folders under `others/`.
    fn others(&self) -> Vec<dvlint::model::Solution> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("others")) else {
            return Vec::new();
        };
        let mut dirs: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        dirs.sort();
        dirs.iter().map(|dir| load(dir)).collect()
    }

    /// The case's findings: its candidate against its baseline, under its policy.
    fn check(
        &self,
        candidate: &dvlint::model::Solution,
        baseline: Option<&dvlint::model::Solution>,
    ) -> dvlint::engine::Outcome {
        check_among(candidate, baseline, &policy_in(&self.dir), &self.others())
    }
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for rule in dvlint::rules::REGISTRY {
        let dir = Path::new("tests/fixtures").join(rule.id);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                cases.push(Case {
                    rule: rule.id.to_owned(),
                    name: path.file_name().unwrap().to_string_lossy().into_owned(),
                    dir: path,
                });
            }
        }
    }
    cases.sort_by(|a, b| a.dir.cmp(&b.dir));
    assert!(!cases.is_empty(), "no fixtures found");
    cases
}

#[test]
fn failing_cases_fire_their_rule_and_ok_cases_stay_quiet() {
    let mut problems = Vec::new();
    for case in cases() {
        let candidate = load(&case.dir.join("candidate"));
        let baseline = case.baseline_dir().map(|b| load(&b));
        let outcome = case.check(&candidate, baseline.as_ref());
        let fired = outcome.diagnostics.iter().any(|d| d.rule == case.rule);
        let also = case.also();
        let stray: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.rule != case.rule && !also.iter().any(|a| a == d.rule))
            .map(|d| d.rule)
            .collect();
        if !stray.is_empty() {
            problems.push(format!(
                "{}/{}: unexpected findings of {stray:?} (list expected ones in `also`)",
                case.rule, case.name
            ));
        }
        if case.passing() == fired {
            problems.push(format!(
                "{}/{}: expected {} `{}`, got {:?}",
                case.rule,
                case.name,
                if case.passing() { "no" } else { "a" },
                case.rule,
                essence(&outcome)
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn zip_and_folder_forms_give_the_same_findings() {
    for case in cases() {
        let candidate = load(&case.dir.join("candidate"));
        let baseline = case.baseline_dir().map(|b| load(&b));
        let from_folders = case.check(&candidate, baseline.as_ref());

        let candidate_zip = load_as_zip(&case.dir.join("candidate"), "candidate.zip");
        let baseline_zip = case.baseline_dir().map(|b| load_as_zip(&b, "baseline.zip"));
        let from_zips = case.check(&candidate_zip, baseline_zip.as_ref());
        assert_eq!(
            essence(&from_folders),
            essence(&from_zips),
            "{}/{}",
            case.rule,
            case.name
        );
        for (folder, zipped) in from_folders.diagnostics.iter().zip(&from_zips.diagnostics) {
            assert_eq!(
                folder.location.line_col(),
                zipped.location.line_col(),
                "{}/{}: same file, same line",
                case.rule,
                case.name
            );
        }
    }
}

#[test]
fn every_fixture_against_itself_removes_nothing() {
    for case in cases() {
        for side in ["candidate", "baseline"] {
            let dir = case.dir.join(side);
            if !dir.is_dir() {
                continue;
            }
            let solution = load(&dir);
            let outcome = case.check(&solution, Some(&solution));
            let removals: Vec<_> = outcome
                .diagnostics
                .iter()
                .filter(|d| {
                    REMOVAL_RULES.contains(&d.rule)
                        || d.rule.starts_with("attribute-")
                        || d.rule == "baseline-mismatch"
                })
                .map(|d| &d.message)
                .collect();
            assert!(
                removals.is_empty(),
                "{}/{}/{side} against itself: {removals:?}",
                case.rule,
                case.name
            );
        }
    }
}

fn render(case: &Case) -> (String, String) {
    let candidate = load(&case.dir.join("candidate"));
    let baseline = case.baseline_dir().map(|b| load(&b));
    let outcome = case.check(&candidate, baseline.as_ref());
    let reports = [SolutionReport {
        candidate: &candidate,
        baseline: baseline.as_ref(),
        diagnostics: &outcome.diagnostics,
        allowed: outcome.allowed,
        rules_run: &outcome.rules_run,
    }];
    let human = report::human::render(
        &reports,
        report::human::Style {
            color: false,
            width: 100,
        },
    );
    (human, report::json::render(&reports))
}

#[test]
fn rendered_findings_match_their_snapshots() {
    for case in cases().into_iter().filter(|c| !c.passing()) {
        let (human, json) = render(&case);
        let name = format!("{}__{}", case.rule, case.name);
        insta::assert_snapshot!(format!("{name}__human"), human);
        insta::assert_snapshot!(format!("{name}__json"), json);
    }
}

#[test]
fn every_snapshot_belongs_to_a_failing_case() {
    let expected: std::collections::BTreeSet<String> = cases()
        .iter()
        .filter(|c| !c.passing())
        .flat_map(|c| {
            ["human", "json"].map(|kind| format!("fixtures__{}__{}__{kind}.snap", c.rule, c.name))
        })
        .collect();
    let present: std::collections::BTreeSet<String> = std::fs::read_dir("tests/snapshots")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("fixtures__") && name.ends_with(".snap"))
        .collect();
    let stale: Vec<_> = present.difference(&expected).collect();
    assert!(stale.is_empty(), "snapshots of no case: {stale:?}");
}
