//! `dvlint settings` as a user runs it: the template of a hand-written package
//! (`tests/settings/approvals`, modelled on the business-approvals-kit) on stdout
//! and in a file, the same from its zip, a merge with an existing file rewritten
//! in place, the failures (nothing written, inputs untouched), and the round
//! trip: the template, filled in, is what `dvlint check` accepts as an
//! environment's settings.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{dvlint, zip_folder, SOLUTION_XML};
use dvlint::model::VariableType;
use serde_json::{json, Value};

const PACKAGE: &str = "tests/settings/approvals";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Exit 0 with nothing on stderr; what was printed.
fn printed(args: &[&str], cwd: &Path) -> String {
    let output = dvlint(args, cwd);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    stdout(&output)
}

/// Exit 2 with one error naming `needle`, nothing on stdout, no panic.
fn assert_failure(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
    let err = stderr(output);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "expected `{needle}` in:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(output.stdout.is_empty(), "{}", stdout(output));
}

/// The names of the files in `dir`, sorted: a failed write leaves no temporary file.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_template_lists_every_variable_with_its_default_and_every_reference_unbound() {
    let text = printed(&["settings", PACKAGE], &root());
    insta::assert_snapshot!("approvals", text);
    let document: Value = serde_json::from_str(&text).unwrap();
    // Sorted without case (`cts_archiveAfterDays` among the capitals); the
    // package's current value of `cts_OutOfOfficeDays` (3) is not its default (0).
    assert_eq!(
        document["EnvironmentVariables"],
        json!([
            { "SchemaName": "cts_ApiKey", "Value": "" },
            { "SchemaName": "cts_ApprovalsOrgUrl", "Value": "" },
            { "SchemaName": "cts_archiveAfterDays", "Value": "90" },
            { "SchemaName": "cts_EnableMailboxSettings", "Value": "no" },
            { "SchemaName": "cts_OutOfOfficeDays", "Value": "0" },
            { "SchemaName": "cts_Routing", "Value": r#"{"queue": "<none>", "escalate": "\\approvers"}"# },
        ])
    );
    // The custom connector's reference gives its connector id, not the GUID
    // nested in `<customconnectorid>`; the `unmodified` reference is not the
    // solution's own.
    let references: Vec<(&str, &str, &str)> = document["ConnectionReferences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["LogicalName"].as_str().unwrap(),
                r["ConnectionId"].as_str().unwrap(),
                r["ConnectorId"].as_str().unwrap(),
            )
        })
        .collect();
    let api = "/providers/Microsoft.PowerApps/apis/";
    assert_eq!(
        references,
        [
            (
                "cts_ContosoApprovals",
                "",
                &*format!("{api}shared_approvals")
            ),
            (
                "cts_ContosoDataverse",
                "",
                &format!("{api}shared_commondataserviceforapps")
            ),
            (
                "cts_ContosoGraphMailbox",
                "",
                &format!("{api}shared_cts-5fgraph-20mailbox-5f0a1b2c3d4e5f6a7b")
            ),
            ("cts_contosoOutlook", "", &format!("{api}shared_office365")),
        ]
    );
    // Keys in pac's order, two spaces a level, one final line break.
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('"')?.split('"').next())
        .take(4)
        .collect();
    assert_eq!(
        keys,
        ["EnvironmentVariables", "SchemaName", "Value", "SchemaName"]
    );
    assert!(text.starts_with("{\n  \"EnvironmentVariables\": [\n    {\n      \"SchemaName\""));
    assert!(text.ends_with("\n  ]\n}\n") && !text.ends_with("\n\n"));
}

#[test]
fn output_writes_what_stdout_prints_and_a_zip_gives_the_same() {
    let printed_form = printed(&["settings", PACKAGE], &root());
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("test.json");
    let output = dvlint(&["settings", PACKAGE, "--output", path(&file)], &root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), printed_form);
    assert_eq!(files_in(temp.path()), ["test.json"]);

    let zip = temp.path().join("ContosoApprovals_1_3_0_0.zip");
    std::fs::write(&zip, zip_folder(&root().join(PACKAGE))).unwrap();
    assert_eq!(printed(&["settings", path(&zip)], &root()), printed_form);
    // A pac project folder, whose solution is in `src/`, reads the same.
    let project = temp.path().join("project");
    copy_tree(&root().join(PACKAGE), &project.join("src"));
    assert_eq!(
        printed(&["settings", path(&project)], &root()),
        printed_form
    );
}

#[test]
fn from_keeps_the_values_adds_what_is_new_and_drops_what_is_gone_in_place() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("test.json");
    // Written by hand, as a team keeps it: other case, another order, an old
    // connector id, a null value, entries the solution no longer has.
    let existing = r#"{
  "EnvironmentVariables": [
    { "SchemaName": "cts_Gone", "Value": "old" },
    { "SchemaName": "CTS_ROUTING", "Value": "{\"queue\": \"approvals\"}" },
    { "SchemaName": "cts_ApprovalsOrgUrl", "Value": "https://approvals.contoso.example" },
    { "SchemaName": "cts_OutOfOfficeDays", "Value": null }
  ],
  "ConnectionReferences": [
    {
      "LogicalName": "cts_ContosoDataverse",
      "ConnectionId": "8f1c2d3e4a5b46c7a8b9c0d1e2f3a4b5",
      "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_commondataservice"
    },
    { "LogicalName": "cts_OldSharePoint", "ConnectionId": "1a2b", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_sharepointonline" },
    { "LogicalName": "cts_ContosoOutlook", "ConnectionId": "shared-office365-5c1e2" }
  ]
}
"#;
    std::fs::write(&file, existing).unwrap();
    let args = [
        "settings",
        PACKAGE,
        "--from",
        path(&file),
        "--output",
        path(&file),
    ];
    let output = dvlint(&args, &root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    assert_eq!(
        stderr(&output),
        "added environment variable cts_ApiKey\n\
         added environment variable cts_archiveAfterDays\n\
         added environment variable cts_EnableMailboxSettings\n\
         dropped environment variable cts_Gone (not in ContosoApprovals)\n\
         added connection reference cts_ContosoApprovals\n\
         added connection reference cts_ContosoGraphMailbox\n\
         dropped connection reference cts_OldSharePoint (not in ContosoApprovals)\n\
         kept 5 values\n"
    );
    let written = std::fs::read_to_string(&file).unwrap();
    let document: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        document["EnvironmentVariables"],
        json!([
            { "SchemaName": "cts_ApiKey", "Value": "" },
            { "SchemaName": "cts_ApprovalsOrgUrl", "Value": "https://approvals.contoso.example" },
            { "SchemaName": "cts_archiveAfterDays", "Value": "90" },
            { "SchemaName": "cts_EnableMailboxSettings", "Value": "no" },
            { "SchemaName": "cts_OutOfOfficeDays", "Value": "" },
            { "SchemaName": "cts_Routing", "Value": "{\"queue\": \"approvals\"}" },
        ])
    );
    assert_eq!(
        document["ConnectionReferences"],
        json!([
            {
                "LogicalName": "cts_ContosoApprovals",
                "ConnectionId": "",
                "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_approvals"
            },
            {
                "LogicalName": "cts_ContosoDataverse",
                "ConnectionId": "8f1c2d3e4a5b46c7a8b9c0d1e2f3a4b5",
                "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"
            },
            {
                "LogicalName": "cts_ContosoGraphMailbox",
                "ConnectionId": "",
                "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_cts-5fgraph-20mailbox-5f0a1b2c3d4e5f6a7b"
            },
            {
                "LogicalName": "cts_contosoOutlook",
                "ConnectionId": "shared-office365-5c1e2",
                "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_office365"
            },
        ])
    );
    assert_eq!(files_in(temp.path()), ["test.json"]);

    // Again: nothing to change, and the same bytes, on stdout too.
    let output = dvlint(&args, &root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "kept 10 values\n");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    let output = dvlint(&["settings", PACKAGE, "--from", path(&file)], &root());
    assert_eq!(stdout(&output), written);
    assert_eq!(stderr(&output), "kept 10 values\n");
}

#[test]
fn a_malformed_from_file_stops_the_run_at_its_line_and_column_and_nothing_is_written() {
    let temp = tempfile::tempdir().unwrap();
    let from = temp.path().join("test.json");
    let other = temp.path().join("other.json");
    let cases = [
        // A typo pac would ignore, leaving the value unset.
        (
            "{\n  \"EnvironmentVariables\": [\n    { \"SchemaName\": \"cts_ApiKey\", \"Values\": \"x\" }\n  ]\n}\n",
            "test.json:3:35: unknown key `Values`; did you mean `Value`?",
        ),
        // Not JSON at all.
        (
            "{\n  \"EnvironmentVariables\": [\n    { \"SchemaName\": \"cts_ApiKey\", }\n",
            "test.json:3:35:",
        ),
    ];
    for (text, needle) in cases {
        std::fs::write(&from, text).unwrap();
        std::fs::write(&other, "kept as it was\n").unwrap();
        for output_file in [&from, &other] {
            let output = dvlint(
                &[
                    "settings",
                    PACKAGE,
                    "--from",
                    path(&from),
                    "--output",
                    path(output_file),
                ],
                &root(),
            );
            assert_failure(&output, needle);
            assert!(
                stderr(&output).contains("invalid deployment settings"),
                "{}",
                stderr(&output)
            );
            assert_eq!(std::fs::read_to_string(&from).unwrap(), text);
            assert_eq!(std::fs::read_to_string(&other).unwrap(), "kept as it was\n");
            assert_eq!(files_in(temp.path()), ["other.json", "test.json"]);
        }
    }
}

#[test]
fn unreadable_inputs_and_unwritable_outputs_are_errors_naming_the_file() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("test.json");
    let missing = temp.path().join("missing.json");
    let output = dvlint(
        &[
            "settings",
            "tests/settings/nothing-here",
            "--output",
            path(&file),
        ],
        &root(),
    );
    assert_failure(&output, "tests/settings/nothing-here");
    let output = dvlint(
        &[
            "settings",
            PACKAGE,
            "--from",
            path(&missing),
            "--output",
            path(&file),
        ],
        &root(),
    );
    assert_failure(
        &output,
        &format!("cannot read deployment settings `{}`", missing.display()),
    );
    let nowhere = temp.path().join("no-such-folder").join("test.json");
    let output = dvlint(&["settings", PACKAGE, "--output", path(&nowhere)], &root());
    assert_failure(&output, &format!("cannot write `{}`", nowhere.display()));
    assert!(files_in(temp.path()).is_empty());
}

#[test]
fn the_package_itself_is_never_written() {
    let temp = tempfile::tempdir().unwrap();
    let package = temp.path().join("approvals");
    copy_tree(&root().join(PACKAGE), &package);
    let inside = package.join("Other").join("Solution.xml");
    let before = std::fs::read_to_string(&inside).unwrap();
    for target in [inside.clone(), package.join("deploymentSettings.json")] {
        let output = dvlint(
            &["settings", path(&package), "--output", path(&target)],
            temp.path(),
        );
        assert_failure(&output, "dvlint does not write into its inputs");
    }
    assert_eq!(std::fs::read_to_string(&inside).unwrap(), before);
    assert!(!package.join("deploymentSettings.json").exists());

    let zip = temp.path().join("approvals.zip");
    let bytes = zip_folder(&package);
    std::fs::write(&zip, &bytes).unwrap();
    let output = dvlint(
        &["settings", "approvals.zip", "--output", "./approvals.zip"],
        temp.path(),
    );
    assert_failure(&output, "dvlint does not write into its inputs");
    assert_eq!(std::fs::read(&zip).unwrap(), bytes);
}

#[test]
fn a_solution_without_variables_or_references_gets_two_empty_lists() {
    let temp = tempfile::tempdir().unwrap();
    let other = temp.path().join("Other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("Solution.xml"), SOLUTION_XML).unwrap();
    std::fs::write(
        other.join("Customizations.xml"),
        "<ImportExportXml>\n  <Entities />\n</ImportExportXml>\n",
    )
    .unwrap();
    assert_eq!(
        printed(&["settings", "."], temp.path()),
        "{\n  \"EnvironmentVariables\": [],\n  \"ConnectionReferences\": []\n}\n"
    );
}

/// The rules of an environment's settings, which a filled-in template must satisfy.
const SETTINGS_RULES: [&str; 4] = [
    "environment-variable-unset",
    "connection-reference-unset",
    "settings-invalid-value",
    "settings-unknown-entry",
];

#[test]
fn the_template_filled_in_is_settings_dvlint_check_accepts() {
    let temp = tempfile::tempdir().unwrap();
    let package = root().join(PACKAGE);
    let text = printed(&["settings", path(&package)], temp.path());
    // It reads as dvlint reads an environment's settings.
    let file = dvlint::source::SourceFile::new("test.json".into(), text.clone());
    let parsed = dvlint::environment::settings::parse(&file).unwrap();
    let solution = common::load(&package);
    assert_eq!(parsed.variables.len(), solution.environment_variables.len());
    assert_eq!(
        parsed.references.len(),
        solution.connection_references.len()
    );
    std::fs::write(
        temp.path().join("dvlint.yaml"),
        "environments:\n  test:\n    version: \"9.2.24012.198\"\n    settings: test.json\n",
    )
    .unwrap();

    // As written: the references are unbound and the secret has no value.
    std::fs::write(temp.path().join("test.json"), &text).unwrap();
    let found = settings_findings(&package, temp.path());
    assert_eq!(
        found,
        [
            ("connection-reference-unset".to_owned(), 4),
            ("environment-variable-unset".to_owned(), 2),
        ],
        "the unfilled template must fail, or the next check proves nothing"
    );

    // Filled in: a connection for every reference, a value of its type for every variable.
    let mut document: Value = serde_json::from_str(&text).unwrap();
    for entry in document["EnvironmentVariables"].as_array_mut().unwrap() {
        let name = entry["SchemaName"].as_str().unwrap().to_ascii_lowercase();
        entry["Value"] = Value::from(match solution.environment_variables[&name].kind {
            VariableType::Number => "7",
            VariableType::Boolean => "yes",
            VariableType::Json => r#"{"queue": "approvals"}"#,
            VariableType::Secret => "/subscriptions/4f3c2b1a-0000-4000-8000-000000000001/resourceGroups/approvals/providers/Microsoft.KeyVault/vaults/contoso-test/secrets/approvals-api-key",
            _ => "https://approvals.contoso.example",
        });
    }
    for (i, entry) in document["ConnectionReferences"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        entry["ConnectionId"] = Value::from(format!("0c1d2e3f4a5b4c6d8e9f00000000000{i}"));
    }
    std::fs::write(
        temp.path().join("test.json"),
        serde_json::to_string_pretty(&document).unwrap(),
    )
    .unwrap();
    assert_eq!(settings_findings(&package, temp.path()), []);
}

/// How many findings of each settings rule `dvlint check` reports for the
/// package against the policy in `dir`.
fn settings_findings(package: &Path, dir: &Path) -> Vec<(String, usize)> {
    let output = dvlint(
        &[
            "check",
            path(package),
            "--policy",
            "dvlint.yaml",
            "--format",
            "json",
        ],
        dir,
    );
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut counts = std::collections::BTreeMap::new();
    for diagnostic in report["diagnostics"].as_array().unwrap() {
        let rule = diagnostic["rule"].as_str().unwrap();
        if SETTINGS_RULES.contains(&rule) {
            assert_eq!(diagnostic["environment"], "test");
            *counts.entry(rule.to_owned()).or_insert(0) += 1;
        }
    }
    counts.into_iter().collect()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
