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

/// A JUnit test case as a reader sees it.
#[derive(Debug)]
struct Case {
    name: String,
    classname: String,
    file: Option<String>,
    line: Option<String>,
    /// (message, type) of each `<failure>`.
    failures: Vec<(String, String)>,
}

/// A `<testsuite>`: its name, its `tests` and `failures` counts, its cases.
type Suite = (String, usize, usize, Vec<Case>);

fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .unwrap()
        .map(|a| a.unescape_value().unwrap().into_owned())
}

fn count(e: &quick_xml::events::BytesStart<'_>, name: &str) -> usize {
    attribute(e, name).unwrap().parse().unwrap()
}

/// Reads a JUnit report with quick-xml (which refuses malformed XML), checks the
/// shape every reader relies on and returns its suites: one failure at most per
/// case, names unique in a suite, the counts of each suite and of `<testsuites>`
/// those of the cases.
fn junit(text: &str) -> Vec<Suite> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut totals = (0, 0);
    let mut suites: Vec<Suite> = Vec::new();
    let mut in_failure = false;
    loop {
        let event = reader.read_event().unwrap();
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuites" => totals = (count(&e, "tests"), count(&e, "failures")),
                b"testsuite" => suites.push((
                    attribute(&e, "name").unwrap(),
                    count(&e, "tests"),
                    count(&e, "failures"),
                    Vec::new(),
                )),
                b"testcase" => suites.last_mut().unwrap().3.push(Case {
                    name: attribute(&e, "name").unwrap(),
                    classname: attribute(&e, "classname").unwrap(),
                    file: attribute(&e, "file"),
                    line: attribute(&e, "line"),
                    failures: Vec::new(),
                }),
                b"failure" => {
                    let case = suites.last_mut().unwrap().3.last_mut().unwrap();
                    case.failures.push((
                        attribute(&e, "message").unwrap(),
                        attribute(&e, "type").unwrap(),
                    ));
                    in_failure = !empty;
                }
                other => panic!("unexpected <{}>", String::from_utf8_lossy(other)),
            },
            Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
            Event::Text(t) => {
                // Only a failure holds text; elsewhere, only indentation.
                let t = t.decode().unwrap();
                assert!(in_failure || t.trim().is_empty(), "stray text {t:?}");
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let (mut tests, mut failures) = (0, 0);
    for (suite, suite_tests, suite_failures, cases) in &suites {
        let mut names = std::collections::BTreeSet::new();
        for case in cases {
            assert!(case.failures.len() <= 1, "{suite}: {case:?}");
            assert!(
                names.insert(case.name.as_str()),
                "{suite}: {} twice",
                case.name
            );
        }
        assert_eq!(*suite_tests, cases.len(), "{suite}");
        let failing = cases.iter().filter(|c| !c.failures.is_empty()).count();
        assert_eq!(*suite_failures, failing, "{suite}");
        tests += suite_tests;
        failures += suite_failures;
    }
    assert_eq!(totals, (tests, failures));
    suites
}

#[test]
fn junit_has_a_case_per_finding_and_per_clean_rule() {
    let output = example(&["--format", "junit"]);
    assert_eq!(output.status.code(), Some(1));
    let suites = junit(&stdout(&output));
    assert_eq!(suites.len(), 1);
    let (name, tests, failures, cases) = &suites[0];
    assert_eq!(
        (name.as_str(), *tests, *failures),
        ("ContosoCore 1.2.0.0", 24, 5)
    );
    let removed = cases
        .iter()
        .find(|c| c.name == "attribute-removed: cts_project.cts_legacycode")
        .unwrap();
    assert_eq!(removed.classname, "dvlint.ContosoCore");
    assert_eq!(
        removed.file.as_deref(),
        Some("examples/ContosoCore_1_1_0_0/Entities/cts_Project/Entity.xml")
    );
    assert_eq!(removed.line.as_deref(), Some("178"));
    assert_eq!(
        removed.failures,
        [(
            "column `cts_legacycode` was removed from table `cts_project`".to_owned(),
            "error".to_owned()
        )]
    );

    // A passing case per rule that ran clean, named by the rule alone, in the
    // order the rules ran.
    let root = root();
    let candidate = common::load(&root.join("examples/ContosoCore_1_2_0_0"));
    let baseline = common::load(&root.join("examples/ContosoCore_1_1_0_0"));
    let outcome = common::check(
        &candidate,
        Some(&baseline),
        &common::policy_in(&root.join("examples")),
    );
    let clean: Vec<&str> = outcome
        .rules_run
        .iter()
        .copied()
        .filter(|rule| !outcome.diagnostics.iter().any(|d| d.rule == *rule))
        .collect();
    let passing: Vec<&str> = cases
        .iter()
        .filter(|c| c.failures.is_empty())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(passing, clean);
    assert_eq!(clean.len(), 19);
}

#[test]
fn junit_names_stay_unique_and_the_xml_well_formed() {
    use dvlint::report::{junit, SolutionReport};
    let root = root();
    let candidate = common::load(&root.join("examples/ContosoCore_1_2_0_0"));
    let baseline = common::load(&root.join("examples/ContosoCore_1_1_0_0"));
    let outcome = common::check(
        &candidate,
        Some(&baseline),
        &common::policy_in(&root.join("examples")),
    );
    let removed = outcome
        .diagnostics
        .iter()
        .find(|d| d.rule == "attribute-removed")
        .unwrap();
    let mut diagnostics = outcome.diagnostics.clone();
    // The same component blamed at another line, and twice at one line.
    let mut elsewhere = removed.clone();
    elsewhere.location = outcome.diagnostics[1].location.clone();
    diagnostics.extend([elsewhere, removed.clone()]);
    // The same finding in two environments.
    for environment in ["test", "prod"] {
        let mut there = removed.clone();
        there.environment = Some(environment.to_owned());
        diagnostics.push(there);
    }
    // A finding about no component, twice at one place; and one whose text
    // XML must escape or cannot hold.
    let mut placed = removed.clone();
    placed.component = None;
    placed.message = "<b>\"quoted\" & 'single'</b>\u{1}\r\nnext".to_owned();
    diagnostics.extend([placed.clone(), placed]);
    let clean = common::load(&root.join("examples/ContosoCore_1_1_0_0"));
    let reports = [
        SolutionReport {
            candidate: &candidate,
            baseline: Some(&baseline),
            diagnostics: &diagnostics,
            allowed: outcome.allowed,
            rules_run: &outcome.rules_run,
        },
        SolutionReport {
            candidate: &clean,
            baseline: None,
            diagnostics: &[],
            allowed: 0,
            rules_run: &outcome.rules_run[..3],
        },
    ];
    let suites = junit(&junit::render(&reports));
    assert_eq!(suites.len(), 2);
    let (_, tests, failures, cases) = &suites[0];
    assert_eq!((*tests, *failures), (19 + 11, 11));
    let names: Vec<&str> = cases
        .iter()
        .filter(|c| c.name.starts_with("attribute-removed"))
        .map(|c| c.name.as_str())
        .collect();
    // Loaded by an absolute path here: places are written as the package was named.
    let place = format!("{}:178", removed.location.path());
    assert_eq!(
        names,
        [
            format!("attribute-removed: cts_project.cts_legacycode at {place}"),
            format!(
                "attribute-removed: cts_project.cts_legacycode at {}:{}",
                outcome.diagnostics[1].location.path(),
                outcome.diagnostics[1].location.line_col().0
            ),
            format!("attribute-removed: cts_project.cts_legacycode at {place} #2"),
            "attribute-removed: cts_project.cts_legacycode (in test)".to_owned(),
            "attribute-removed: cts_project.cts_legacycode (in prod)".to_owned(),
            format!("attribute-removed: {place}"),
            format!("attribute-removed: {place} #2"),
        ]
    );
    let escaped = cases
        .iter()
        .find(|c| c.name == format!("attribute-removed: {place}"))
        .unwrap();
    assert_eq!(
        escaped.failures[0].0,
        "<b>\"quoted\" & 'single'</b>\\u{1}\r\nnext"
    );
    let (name, tests, failures, cases) = &suites[1];
    assert_eq!(
        (name.as_str(), *tests, *failures),
        ("ContosoCore 1.1.0.0", 3, 0)
    );
    assert!(cases.iter().all(|c| c.file.is_none() && c.line.is_none()));
}

#[test]
fn junit_cases_in_a_zip_name_the_archive() {
    use dvlint::report::{junit, SolutionReport};
    let root = root();
    let candidate = common::load_as_zip(&root.join("examples/ContosoCore_1_2_0_0"), "new.zip");
    let baseline = common::load_as_zip(&root.join("examples/ContosoCore_1_1_0_0"), "old.zip");
    let outcome = common::check(
        &candidate,
        Some(&baseline),
        &common::policy_in(&root.join("examples")),
    );
    let text = junit::render(&[SolutionReport {
        candidate: &candidate,
        baseline: Some(&baseline),
        diagnostics: &outcome.diagnostics,
        allowed: outcome.allowed,
        rules_run: &outcome.rules_run,
    }]);
    let suites = junit(&text);
    let removed = suites[0]
        .3
        .iter()
        .find(|c| c.name == "attribute-removed: cts_project.cts_legacycode")
        .unwrap();
    // A line inside a member means nothing in the archive; the body has it.
    assert_eq!(
        (removed.file.as_deref(), removed.line.as_deref()),
        (Some("old.zip"), None)
    );
    assert!(
        text.contains(">old.zip!/Entities/cts_Project/Entity.xml:178:9\n"),
        "{text}"
    );
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
    for format in ["sarif", "github", "junit", "markdown"] {
        let text = stdout(&example(&["--format", format]));
        insta::assert_snapshot!(format!("example__{format}"), text);
    }
}
