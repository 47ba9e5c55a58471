//! The `versioning` policy on the bundled example (`examples/versioning.yaml`),
//! run as a user runs it: the README shows this output.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::Path;

use common::dvlint;

const ARGS: [&str; 6] = [
    "check",
    "examples/ContosoCore_1_2_0_0",
    "--baseline",
    "examples/ContosoCore_1_1_0_0",
    "--policy",
    "examples/versioning.yaml",
];

/// The finding as the human report shows it: its rule, a blank line, and the
/// diagnostic up to the next blank line.
fn finding(human: &str) -> &str {
    let header = "version-bump-insufficient\n\n";
    let start = human
        .find(header)
        .unwrap_or_else(|| panic!("no version-bump-insufficient finding in\n{human}"));
    let body = start + header.len();
    let end = human[body..]
        .find("\n\n")
        .map_or(human.len(), |end| body + end);
    &human[start..end]
}

#[test]
fn the_example_needs_a_major_version_and_the_readme_shows_the_finding() {
    let output = dvlint(&ARGS, Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(output.status.code(), Some(1));
    let human = String::from_utf8(output.stdout).unwrap();
    let shown = finding(&human);
    assert!(
        shown.contains("the release removes 4 components and adds 1, so it must raise the major version (to `2.0.0.0`"),
        "{shown}"
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```text\n{shown}\n```")),
        "README.md does not show the current output:\n{shown}"
    );
}

#[test]
fn without_versioning_the_rule_does_not_run() {
    let args = [&ARGS[..5], &["examples/dvlint.yaml", "--format", "json"]].concat();
    let output = dvlint(&args, Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"version-bump-insufficient"), "{rules:?}");
    assert!(rules.contains(&"attribute-removed"), "{rules:?}");
}

#[test]
fn a_bad_versioning_part_is_exit_2_at_its_line() {
    let temp = tempfile::tempdir().unwrap();
    let policy = temp.path().join("dvlint.yaml");
    std::fs::write(&policy, "versioning:\n  removal: minro\n").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = policy.to_string_lossy().into_owned();
    let args = [&ARGS[..5], &[policy.as_str()]].concat();
    let output = dvlint(&args, root);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("dvlint.yaml:2:12: invalid version part `minro`; expected `major`, `minor`, `build` or `revision`; did you mean `minor`?"),
        "{stderr}"
    );
}
