//! `expires` and the rules of the run through the binary: the clock it reads,
//! the policy's `solutions` judged together, and a date that is no date.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::Path;

use common::{copy_tree, dvlint};
use serde_json::Value;

const DROPPED: &str = "tests/fixtures/attribute-removed/column-dropped";

/// A folder holding `core` (which removes `cts_project.cts_code`), its release
/// `released`, and `policy` as `dvlint.yaml`.
fn project(policy: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(DROPPED).join("candidate"),
        &temp.path().join("core"),
    );
    copy_tree(
        &Path::new(DROPPED).join("baseline"),
        &temp.path().join("released"),
    );
    std::fs::write(temp.path().join("dvlint.yaml"), policy).unwrap();
    temp
}

/// (rule, line in its file, solution) of each finding of a JSON report.
fn findings(stdout: &[u8]) -> Vec<(String, u64, String)> {
    let report: Value = serde_json::from_slice(stdout).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["location"]["line"].as_u64().unwrap(),
                d["solution"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn entry(expires: &str) -> String {
    format!(
        "allow:\n  - rule: attribute-removed\n    component: cts_project.cts_code\n    \
         reason: migrated in 1.3\n    expires: {expires}\n"
    )
}

#[test]
fn an_entry_past_its_date_by_the_clock_applies_no_more() {
    let args = [
        "check",
        "core",
        "--baseline",
        "released",
        "--format",
        "json",
    ];
    let temp = project(&entry("2020-01-01"));
    let output = dvlint(&args, temp.path());
    assert_eq!(output.status.code(), Some(1));
    let core = "ContosoCore".to_owned();
    assert_eq!(
        findings(&output.stdout),
        [
            ("attribute-removed".to_owned(), 124, core.clone()),
            ("allow-expired".to_owned(), 2, core),
        ]
    );

    let temp = project(&entry("\"2999-12-31\""));
    let output = dvlint(&args, temp.path());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(findings(&output.stdout), []);
}

#[test]
fn entries_are_judged_once_over_the_policys_solutions() {
    // `core` alone runs no removal rule; against its release it does, and uses the
    // first entry. The second entry accepts nothing: reported once, in the first
    // solution's report.
    let temp = project(
        "\
solutions:
  - path: core
  - path: core
    baseline: released
allow:
  - {rule: attribute-removed, component: cts_project.cts_code, reason: migrated in 1.3}
  - {rule: attribute-removed, component: cts_project.cts_legacy*, reason: gone in 1.2}
  - {rule: attribute-removed, component: cts_project.cts_*, reason: r, expires: 2999-12-31}
",
    );
    let output = dvlint(&["check", "--format", "json"], temp.path());
    assert_eq!(output.status.code(), Some(0), "{:?}", output);
    assert_eq!(
        findings(&output.stdout),
        [("allow-unused".to_owned(), 7, "ContosoCore".to_owned())]
    );
    let human = dvlint(&["check"], temp.path());
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains("1 warning in ContosoCore 1.3.0.0\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "no problems in ContosoCore 1.3.0.0 (baseline 1.2.0.0); 1 accepted by the policy\n"
        ),
        "{text}"
    );
}

#[test]
fn a_date_that_is_no_date_is_exit_2_at_its_line() {
    for (expires, message) in [
        ("2026-02-30", "dvlint.yaml:5:14: invalid date `2026-02-30`: February 2026 has 28 days"),
        (
            "2026-6-30",
            "dvlint.yaml:5:14: invalid date `2026-6-30`: expected a date as YYYY-MM-DD, like `2026-06-30`",
        ),
        (
            "tomorrow",
            "dvlint.yaml:5:14: invalid date `tomorrow`: expected a date as YYYY-MM-DD, like `2026-06-30`",
        ),
    ] {
        let temp = project(&entry(expires));
        let output = dvlint(&["check", "core", "--baseline", "released"], temp.path());
        assert_eq!(output.status.code(), Some(2), "{expires}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(message), "{expires}: {stderr}");
        assert!(output.stdout.is_empty(), "{expires}");
    }
}

#[test]
fn the_rules_of_the_run_are_in_the_catalogue() {
    let temp = tempfile::tempdir().unwrap();
    let rules = String::from_utf8(dvlint(&["rules"], temp.path()).stdout).unwrap();
    for id in ["allow-expired", "allow-unused"] {
        let line = rules.lines().find(|line| line.starts_with(id)).unwrap();
        assert!(line.contains("warning"), "{line}");
        let page = dvlint(&["explain", id], temp.path());
        assert_eq!(page.status.code(), Some(0));
        let page = String::from_utf8(page.stdout).unwrap();
        assert!(page.starts_with(&format!("# {id}\n")), "{page}");
    }
}
