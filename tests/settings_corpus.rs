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

/// The real kits' settings, complete and then broken one way at a time: each
/// break gives exactly its one finding (the "done when").
#[test]
fn a_complete_settings_file_is_quiet_and_each_break_is_one_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Variable breaks tried: the newer approvals kit has both kinds.
    let mut variable_breaks = 0;
    for kit in [
        "business-approvals-kit/c6ab3169/src",
        "business-approvals-kit/8ef497a9/src",
        "tc-ca-security-screening/1.0.0.6",
        "tc-ca-security-screening/SecurityScreening_unmanaged_1_0_0_6.zip",
    ] {
        let package = root.join(CORPUS).join(kit);
        if !package.exists() {
            assert!(std::env::var_os("CI").is_none(), "{kit} is missing in CI");
            continue;
        }
        let package = package.to_str().unwrap().to_owned();
        let template = dvlint(&["settings", &package], root);
        assert_eq!(template.status.code(), Some(0), "{kit}: {template:?}");
        let mut complete: Value = serde_json::from_slice(&template.stdout).unwrap();
        for variable in complete["EnvironmentVariables"].as_array_mut().unwrap() {
            // The default where there is one; else `1`, which fits text and numbers
            // (the kits' only variables without a default).
            if variable["Value"] == json!("") {
                variable["Value"] = json!("1");
            }
        }
        for reference in complete["ConnectionReferences"].as_array_mut().unwrap() {
            reference["ConnectionId"] = json!("4a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d");
        }
        let temp = tempfile::tempdir().unwrap();
        let run = |settings: &Value| -> Vec<String> {
            std::fs::write(
                temp.path().join("settings.json"),
                serde_json::to_string_pretty(settings).unwrap(),
            )
            .unwrap();
            std::fs::write(
                temp.path().join("dvlint.yaml"),
                "environments:\n  test:\n    version: \"9.2.24012.198\"\n    settings: settings.json\n",
            )
            .unwrap();
            let policy = temp.path().join("dvlint.yaml");
            let output = dvlint(
                &[
                    "check",
                    &package,
                    "--policy",
                    policy.to_str().unwrap(),
                    "--format",
                    "json",
                ],
                root,
            );
            let report: Value = serde_json::from_slice(&output.stdout).unwrap();
            let mut found: Vec<String> = report["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["environment"] == "test")
                .map(|d| {
                    format!(
                        "{} {}",
                        d["rule"].as_str().unwrap(),
                        d["component"].as_str().unwrap_or("-")
                    )
                })
                .collect();
            found.sort();
            found
        };
        assert_eq!(
            run(&complete),
            Vec::<String>::new(),
            "{kit}: complete settings"
        );

        let references = complete["ConnectionReferences"].as_array().unwrap().clone();
        let first = references[0]["LogicalName"]
            .as_str()
            .unwrap()
            .to_ascii_lowercase();
        let mut without_reference = complete.clone();
        without_reference["ConnectionReferences"]
            .as_array_mut()
            .unwrap()
            .remove(0);
        assert_eq!(
            run(&without_reference),
            [format!(
                "connection-reference-unset connectionreference/{first}"
            )],
            "{kit}: one reference removed"
        );

        let mut unknown = complete.clone();
        unknown["EnvironmentVariables"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "SchemaName": "cts_NotInTheKit", "Value": "x" }));
        assert_eq!(
            run(&unknown),
            ["settings-unknown-entry environmentvariabledefinition/cts_notinthekit"],
            "{kit}: an unknown entry"
        );

        // The kit's variables, as the template lists them: a text one without a
        // default, and a number.
        let variables = template_variables(&package, root);
        if let Some(name) = variables
            .iter()
            .find(|(_, kind, default)| kind == "text" && default.is_empty())
            .map(|(n, _, _)| n)
        {
            let mut without = complete.clone();
            without["EnvironmentVariables"]
                .as_array_mut()
                .unwrap()
                .retain(|v| v["SchemaName"] != json!(name));
            assert_eq!(
                run(&without),
                [format!(
                    "environment-variable-unset environmentvariabledefinition/{}",
                    name.to_ascii_lowercase()
                )],
                "{kit}: a variable without a default removed"
            );
            variable_breaks += 1;
        }
        if let Some(name) = variables
            .iter()
            .find(|(_, kind, _)| kind == "number")
            .map(|(n, _, _)| n)
        {
            let mut word = complete.clone();
            for variable in word["EnvironmentVariables"].as_array_mut().unwrap() {
                if variable["SchemaName"] == json!(name) {
                    variable["Value"] = json!("ten");
                }
            }
            assert_eq!(
                run(&word),
                [format!(
                    "settings-invalid-value environmentvariabledefinition/{}",
                    name.to_ascii_lowercase()
                )],
                "{kit}: a number variable given a word"
            );
            variable_breaks += 1;
        }
    }
    if Path::new(CORPUS).is_dir() {
        assert!(
            variable_breaks >= 3,
            "only {variable_breaks} variable breaks were tried"
        );
    }
}

/// (schema name, type noun, default) of a package's variables, from the
/// independent script.
fn template_variables(package: &str, root: &Path) -> Vec<(String, String, String)> {
    let Some(packages) = script(&["--corpus", CORPUS]) else {
        return Vec::new();
    };
    let wanted = std::fs::canonicalize(package).unwrap();
    packages
        .iter()
        .filter(|(path, _)| {
            std::fs::canonicalize(root.join(path)).ok().as_ref() == Some(&wanted)
                || std::fs::canonicalize(path).ok().as_ref() == Some(&wanted)
        })
        .flat_map(|(_, theirs)| {
            theirs["environment_variables"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|v| {
            let kind = match v["type"].as_str().unwrap_or_default() {
                "100000000" => "text",
                "100000001" => "number",
                _ => "other",
            };
            (
                v["schema_name"].as_str().unwrap().to_owned(),
                kind.to_owned(),
                v["default_value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}
