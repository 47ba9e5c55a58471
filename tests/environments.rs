//! The bundled example against its target environments (`examples/environments.yaml`),
//! through the binary: what each environment reports, how `--environment` selects,
//! and how every format names the environment of a finding.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::Path;
use std::process::Output;

const PACKAGE: &str = "examples/ContosoCore_1_2_0_0";
const POLICY: &str = "examples/environments.yaml";

fn run(extra: &[&str]) -> Output {
    let mut args = vec!["check", PACKAGE, "--policy", POLICY];
    args.extend_from_slice(extra);
    common::dvlint(&args, Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

/// (environment, rule, component) of every finding.
fn findings(report: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut found: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["environment"].as_str().unwrap_or("-").to_owned(),
                d["rule"].as_str().unwrap().to_owned(),
                d["component"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

fn triple(env: &str, rule: &str, component: &str) -> (String, String, String) {
    (env.to_owned(), rule.to_owned(), component.to_owned())
}

#[test]
fn each_environment_reports_what_would_break_there() {
    let output = run(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        findings(&json(&output)),
        [
            triple("prod", "dependency-missing", "solution/creatorkitcore"),
            triple("prod", "package-version-too-new", "-"),
            triple(
                "test",
                "connection-reference-unset",
                "connectionreference/cts_sharedoffice365_5c1e2"
            ),
            triple("test", "dependency-outdated", "solution/creatorkitcore"),
        ]
    );
}

#[test]
fn environment_selects_and_an_unknown_one_is_refused() {
    let test_only = findings(&json(&run(&["--format", "json", "--environment", "test"])));
    assert!(
        test_only.iter().all(|(env, _, _)| env == "test"),
        "{test_only:?}"
    );
    assert_eq!(test_only.len(), 2);
    let both = run(&[
        "--format",
        "json",
        "--environment",
        "prod",
        "--environment",
        "test",
    ]);
    assert_eq!(findings(&json(&both)).len(), 4);
    let unknown = run(&["--environment", "tset"]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("unknown environment `tset`; did you mean `test`?"),
        "{stderr}"
    );
    assert!(unknown.stdout.is_empty());
}

#[test]
fn every_format_names_the_environment() {
    let human = String::from_utf8(run(&[]).stdout).unwrap();
    assert!(
        human.contains("in `prod`: package version `9.2` is newer"),
        "{human}"
    );
    assert!(
        human.contains("3 errors, 1 warning in ContosoCore 1.2.0.0"),
        "{human}"
    );

    let sarif: serde_json::Value =
        serde_json::from_slice(&run(&["--format", "sarif"]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let environments: Vec<&str> = results
        .iter()
        .map(|r| r["properties"]["environment"].as_str().unwrap())
        .collect();
    assert_eq!(environments.len(), 4);
    assert!(environments.contains(&"test") && environments.contains(&"prod"));
    let prints: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["dvlint/v1"].as_str().unwrap())
        .collect();
    assert_eq!(
        prints.len(),
        4,
        "one fingerprint per finding and environment"
    );

    let junit = String::from_utf8(run(&["--format", "junit"]).stdout).unwrap();
    assert!(junit.contains("environment: prod"), "{junit}");
    assert!(
        junit.contains(
            "<testcase name=\"connection-reference-unset: connectionreference/cts_sharedoffice365_5c1e2 (in test)\""
        ),
        "{junit}"
    );
    assert!(
        junit.contains("message=\"in `test`: connection reference"),
        "{junit}"
    );

    let github = String::from_utf8(run(&["--format", "github"]).stdout).unwrap();
    assert!(
        github.contains("title=dvlint (dependency-missing)::in `prod`: the package needs"),
        "{github}"
    );
}

#[test]
fn without_environments_the_example_keeps_its_findings() {
    // The example's own policy lists no environments: its findings are those of
    // the README, none naming an environment.
    let output = common::dvlint(
        &[
            "check",
            PACKAGE,
            "--baseline",
            "examples/ContosoCore_1_1_0_0",
            "--policy",
            "examples/dvlint.yaml",
            "--format",
            "json",
        ],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    let report = json(&output);
    assert_eq!(report["summary"]["errors"], 3);
    assert_eq!(report["summary"]["warnings"], 2);
    assert!(findings(&report).iter().all(|(env, _, _)| env == "-"));
}
