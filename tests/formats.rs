//! The pipeline formats (SARIF, GitHub, JUnit), `--output` and `dvlint init`, run as
//! a user runs them, on the bundled example.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use common::{copy_tree, zip_folder};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dvlint(args: &[&str], cwd: &Path, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dvlint"));
    command
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

const EXAMPLE: [&str; 6] = [
    "check",
    "examples/ContosoCore_1_2_0_0",
    "--baseline",
    "examples/ContosoCore_1_1_0_0",
    "--policy",
    "examples/dvlint.yaml",
];

fn example(extra: &[&str]) -> Output {
    let mut args = EXAMPLE.to_vec();
    args.extend_from_slice(extra);
    dvlint(&args, &root(), &[])
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let output = example(&["--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let schema_path = root().join("../shared/schemas/sarif-2.1.0.json");
    if schema_path.exists() {
        // The official schema's `run.language` pattern has a stray `]` that a strict
        // regex engine rejects; it constrains a property dvlint does not write.
        let schema_text = std::fs::read_to_string(&schema_path).unwrap().replace(
            "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
            "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
        );
        let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        // The validator does reject what is not SARIF 2.1.0.
        assert!(!validator.is_valid(&serde_json::json!({"version": "2.0.0", "runs": []})));
        let mut broken = sarif.clone();
        broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
        assert!(!validator.is_valid(&broken));
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the SARIF schema is missing in CI"
        );
    }
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dvlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), dvlint::rules::REGISTRY.len());
    let entity_removed = rules.iter().find(|r| r["id"] == "entity-removed").unwrap();
    assert!(entity_removed["helpUri"]
        .as_str()
        .unwrap()
        .ends_with("/rules/entity-removed.md"));
    assert!(
        entity_removed["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .len()
            > 40
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let removed = results
        .iter()
        .find(|r| r["ruleId"] == "attribute-removed")
        .unwrap();
    assert_eq!(removed["level"], "error");
    let location = &removed["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "examples/ContosoCore_1_1_0_0/Entities/cts_Project/Entity.xml"
    );
    assert_eq!(location["region"]["startLine"], 178);
    assert!(removed["partialFingerprints"]["dvlint/v1"].is_string());
}

/// A copy of the example pair in which every line of the baseline moved down.
fn shifted_example(temp: &Path) {
    for side in ["ContosoCore_1_1_0_0", "ContosoCore_1_2_0_0"] {
        copy_tree(&root().join("examples").join(side), &temp.join(side));
    }
    let entity = temp.join("ContosoCore_1_1_0_0/Entities/cts_Project/Entity.xml");
    let text = std::fs::read_to_string(&entity).unwrap();
    let shifted = text.replacen("<Entity", "\n\n\n<Entity", 1);
    std::fs::write(&entity, shifted).unwrap();
    std::fs::copy(
        root().join("examples/dvlint.yaml"),
        temp.join("dvlint.yaml"),
    )
    .unwrap();
}

fn fingerprints(sarif: &[u8]) -> Vec<(String, String, i64)> {
    let sarif: serde_json::Value = serde_json::from_slice(sarif).unwrap();
    let mut found: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                r["partialFingerprints"]["dvlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_i64()
                    .unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn sarif_fingerprints_stay_when_lines_move() {
    let temp = tempfile::tempdir().unwrap();
    shifted_example(temp.path());
    let args = [
        "check",
        "ContosoCore_1_2_0_0",
        "--baseline",
        "ContosoCore_1_1_0_0",
        "--format",
        "sarif",
    ];
    let moved = fingerprints(&dvlint(&args, temp.path(), &[]).stdout);
    let original = fingerprints(&example(&["--format", "sarif"]).stdout);
    assert_eq!(moved.len(), original.len());
    let mut line_moved = false;
    for (before, after) in original.iter().zip(&moved) {
        assert_eq!((&before.0, &before.1), (&after.0, &after.1));
        line_moved |= before.2 != after.2;
    }
    assert!(line_moved, "the test moved no finding");
}

#[test]
fn github_annotations_and_the_step_summary() {
    let temp = tempfile::tempdir().unwrap();
    let summary = temp.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let mut args = EXAMPLE.to_vec();
    args.extend(["--format", "github"]);
    let output = dvlint(&args, &root(), &[("GITHUB_STEP_SUMMARY", &summary)]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains(
        "::error file=examples/ContosoCore_1_1_0_0/Entities/cts_Project/Entity.xml,line=178,col=9,title=dvlint (attribute-removed)::column `cts_legacycode` was removed from table `cts_project`"
    ), "{text}");
    assert_eq!(text.matches("::error ").count(), 3);
    assert_eq!(text.matches("::warning ").count(), 2);
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("earlier step\n## dvlint\n"),
        "{summary}"
    );
    assert!(summary.contains("| error | `attribute-removed` | `cts_project.cts_legacycode` |"));
}

#[test]
fn a_finding_inside_a_zip_annotates_the_zip() {
    let temp = tempfile::tempdir().unwrap();
    for (name, side) in [
        ("new.zip", "ContosoCore_1_2_0_0"),
        ("old.zip", "ContosoCore_1_1_0_0"),
    ] {
        let bytes = zip_folder(&root().join("examples").join(side));
        std::fs::write(temp.path().join(name), bytes).unwrap();
    }
    let output = dvlint(
        &[
            "check",
            "new.zip",
            "--baseline",
            "old.zip",
            "--format",
            "github",
        ],
        temp.path(),
        &[],
    );
    let text = stdout(&output);
    assert!(text.contains("::error file=old.zip,title=dvlint (attribute-removed)::column `cts_legacycode` was removed from table `cts_project` (at old.zip!/Entities/cts_Project/Entity.xml:178)"), "{text}");
}

#[test]
fn junit_has_a_suite_per_solution_and_a_failure_per_finding() {
    let output = example(&["--format", "junit"]);
    let text = stdout(&output);
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut suites, mut cases, mut failures) = (0, 0, 0);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testsuite" => suites += 1,
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((suites, cases, failures), (1, 22, 5));
    assert!(text.contains("<testsuite name=\"ContosoCore 1.2.0.0\" tests=\"22\" failures=\"5\""));
}

#[test]
fn several_outputs_in_one_run() {
    let temp = tempfile::tempdir().unwrap();
    let sarif = temp.path().join("dvlint.sarif");
    let junit = temp.path().join("dvlint.xml");
    let sarif_arg = format!("sarif={}", sarif.display());
    let junit_arg = format!("junit={}", junit.display());
    let output = example(&[
        "--format", "github", "--output", &sarif_arg, "--output", &junit_arg,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("::error "));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 5);
    assert!(std::fs::read_to_string(&junit)
        .unwrap()
        .contains("<testsuites"));
    // Nothing but the named files was written.
    let mut names: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["dvlint.sarif", "dvlint.xml"]);
}

#[test]
fn bad_outputs_are_exit_2() {
    for (arg, message) in [
        ("sarif", "expected FORMAT=FILE"),
        ("pdf=x.pdf", "unknown format `pdf`"),
        ("sarif=", "the file name after `=` is empty"),
        (
            "sarif=no/such/folder/x.sarif",
            "cannot write `no/such/folder/x.sarif`",
        ),
    ] {
        let output = example(&["--output", arg]);
        assert_eq!(output.status.code(), Some(2), "{arg}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.contains(message), "{arg}: {err}");
    }
}

#[test]
fn init_writes_a_valid_commented_policy_and_keeps_an_existing_one() {
    let temp = tempfile::tempdir().unwrap();
    let output = dvlint(&["init"], temp.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let path = temp.path().join("dvlint.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# dvlint policy"));
    for meta in dvlint::rules::catalogue() {
        assert!(text.contains(&format!("  {}:", meta.id)), "{}", meta.id);
    }
    dvlint::policy::Policy::load(&path, &dvlint::rules::ids()).unwrap();

    std::fs::write(&path, "fail-on: warning\n").unwrap();
    let output = dvlint(&["init"], temp.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("pass --force"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "fail-on: warning\n"
    );
    let output = dvlint(&["init", "--force"], temp.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn the_formats_of_the_example_match_their_snapshots() {
    for format in ["sarif", "github", "junit"] {
        let text = stdout(&example(&["--format", format]));
        insta::assert_snapshot!(format!("example__{format}"), text);
    }
}
