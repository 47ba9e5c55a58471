//! `dvlint settings` on every real package against an independent reading: for
//! every package of the corpus with environment variables or connection
//! references, the template lists exactly those that
//! `scripts/corpus_deployment.py` (Python's ElementTree, written from the formats
//! alone) finds, with each variable's default as its `Value` and each
//! reference's connector, in the script's order (by lower-case name).

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::deployment::script;
use common::dvlint;
use serde_json::{json, Value};

const CORPUS: &str = "../shared/corpus";

/// What the template should hold, from the script's reading.
fn expected(theirs: &Value) -> Value {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let variables: Vec<Value> = theirs["environment_variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| json!({ "SchemaName": v["schema_name"], "Value": text(&v["default_value"]) }))
        .collect();
    let references: Vec<Value> = theirs["connection_references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            json!({
                "LogicalName": r["logical_name"],
                "ConnectionId": "",
                "ConnectorId": text(&r["connector_id"]),
            })
        })
        .collect();
    json!({ "EnvironmentVariables": variables, "ConnectionReferences": references })
}

#[test]
fn every_real_package_with_variables_or_references_lists_exactly_those() {
    if !Path::new(CORPUS).is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{CORPUS} is missing in CI"
        );
        return;
    }
    let Some(packages) = script(&["--corpus", CORPUS]) else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut counts = BTreeMap::new();
    for (path, theirs) in &packages {
        let expected = expected(theirs);
        let (variables, references) = (
            expected["EnvironmentVariables"].as_array().unwrap().len(),
            expected["ConnectionReferences"].as_array().unwrap().len(),
        );
        if variables + references == 0 {
            continue;
        }
        let output = dvlint(&["settings", path], root);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{path}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let ours: Value = serde_json::from_slice(&output.stdout).unwrap();
        // Compared whole: the same entries, in the same order, with nothing more.
        assert_eq!(ours, expected, "{path}");
        let short = path.trim_start_matches(CORPUS).trim_start_matches('/');
        counts.insert(short.to_owned(), (variables, references));
    }
    // What the corpus is known to hold, so that an empty reading on both sides
    // cannot pass.
    assert_eq!(
        counts,
        BTreeMap::from([
            ("business-approvals-kit/8ef497a9/src".to_owned(), (1, 3)),
            ("business-approvals-kit/c6ab3169/src".to_owned(), (3, 6)),
            ("tc-ca-security-screening/1.0.0.6".to_owned(), (0, 3)),
            (
                "tc-ca-security-screening/SecurityScreening_unmanaged_1_0_0_6.zip".to_owned(),
                (0, 3)
            ),
        ])
    );
}
