//! `dvlint diff` as a reviewer runs it: on the bundled example in every format,
//! a release against itself, `--output`, the policy's `solutions`, and what it
//! refuses.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::copy_tree;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dvlint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dvlint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

const EXAMPLE: [&str; 6] = [
    "diff",
    "examples/ContosoCore_1_2_0_0",
    "--baseline",
    "examples/ContosoCore_1_1_0_0",
    "--policy",
    "examples/dvlint.yaml",
];

fn example(extra: &[&str]) -> Output {
    let mut args = EXAMPLE.to_vec();
    args.extend_from_slice(extra);
    dvlint(&args, &root())
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn the_example_in_every_format() {
    for format in ["human", "json", "markdown"] {
        let output = example(&["--format", format]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        insta::assert_snapshot!(format!("diff_example_{format}"), stdout(&output));
    }
}

#[test]
fn the_example_json_names_each_change_with_the_finding_it_causes() {
    let output = example(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["solution"], "ContosoCore");
    assert_eq!(
        (json["from"].as_str(), json["to"].as_str()),
        (Some("1.1.0.0"), Some("1.2.0.0"))
    );
    let changes = json["changes"].as_array().unwrap();
    let find = |component: &str| {
        changes
            .iter()
            .find(|c| c["component"] == component)
            .unwrap_or_else(|| panic!("no change of {component}: {changes:#?}"))
    };
    let removed = find("cts_project.cts_legacycode");
    assert_eq!(removed["change"], "removed");
    assert_eq!(removed["kind"], "attribute");
    assert_eq!(removed["rule"], "attribute-removed");
    let shortened = find("cts_project.cts_code");
    assert_eq!(shortened["change"], "changed");
    assert_eq!(shortened["rule"], "attribute-length-reduced");
    assert_eq!(shortened["aspects"], serde_json::json!(["length"]));
    let added = find("cts_milestone");
    assert_eq!(
        (added["change"].as_str(), added["kind"].as_str()),
        (Some("added"), Some("entity"))
    );
    assert!(added["rule"].is_null());
    // Every component id of a finding is one of the changes' ids.
    for finding in json["findings"].as_array().unwrap() {
        if let Some(component) = finding["component"].as_str() {
            find(component);
        }
    }
    // No component appears twice.
    let mut ids: Vec<&str> = changes
        .iter()
        .map(|c| c["component"].as_str().unwrap())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all);
}

#[test]
fn a_release_against_itself_lists_nothing_and_passes() {
    for format in ["human", "json", "markdown"] {
        let output = dvlint(
            &[
                "diff",
                "examples/ContosoCore_1_2_0_0",
                "--baseline",
                "examples/ContosoCore_1_2_0_0",
                "--format",
                format,
            ],
            &root(),
        );
        assert_eq!(output.status.code(), Some(0), "{format}");
        let text = stdout(&output);
        if format == "json" {
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(json["changes"], serde_json::json!([]));
            assert_eq!(json["findings"], serde_json::json!([]));
        } else {
            assert!(
                text.contains("ContosoCore 1.2.0.0 → 1.2.0.0: no change; no findings"),
                "{text}"
            );
            assert!(!text.contains('|'), "{text}");
        }
    }
}

#[test]
fn fail_on_decides_the_exit_code_as_check_does() {
    // The example's findings are errors and warnings: each level fails.
    for level in ["error", "warning", "info"] {
        assert_eq!(example(&["--fail-on", level]).status.code(), Some(1));
    }
    // Without its errors (their rules off), only warnings remain: `error` passes.
    let temp = tempfile::tempdir().unwrap();
    let policy = temp.path().join("dvlint.yaml");
    std::fs::write(
        &policy,
        "rules:\n  attribute-removed: off\n  attribute-length-reduced: off\n  \
         attribute-type-changed: off\n",
    )
    .unwrap();
    let policy = policy.to_str().unwrap();
    let run = |level: &str| {
        dvlint(
            &[
                "diff",
                "examples/ContosoCore_1_2_0_0",
                "--baseline",
                "examples/ContosoCore_1_1_0_0",
                "--policy",
                policy,
                "--fail-on",
                level,
            ],
            &root(),
        )
    };
    assert_eq!(run("error").status.code(), Some(0));
    assert_eq!(run("warning").status.code(), Some(1));
}

#[test]
fn output_writes_another_format_beside_stdout() {
    let temp = tempfile::tempdir().unwrap();
    let markdown = temp.path().join("diff.md");
    let json = temp.path().join("diff.json");
    let output = example(&[
        "--output",
        &format!("markdown={}", markdown.display()),
        "--output",
        &format!("json={}", json.display()),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&markdown).unwrap(),
        stdout(&example(&["--format", "markdown"]))
    );
    assert_eq!(
        std::fs::read_to_string(&json).unwrap(),
        stdout(&example(&["--format", "json"]))
    );
    let bad = example(&["--output", "sarif=x.sarif"]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("human, json, markdown"), "{stderr}");
}

#[test]
fn without_a_baseline_there_is_nothing_to_compare() {
    let output = dvlint(&["diff", "examples/ContosoCore_1_2_0_0"], &root());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has no baseline"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn the_policy_solutions_are_compared_with_their_baselines() {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &root().join("examples/ContosoCore_1_2_0_0"),
        &temp.path().join("new"),
    );
    copy_tree(
        &root().join("examples/ContosoCore_1_1_0_0"),
        &temp.path().join("old"),
    );
    std::fs::write(
        temp.path().join("dvlint.yaml"),
        "solutions:\n  - path: new\n    baseline: old\n  - path: old\n    baseline: old\n",
    )
    .unwrap();
    let output = dvlint(&["diff", "--format", "json"], temp.path());
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let all = json.as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["to"], "1.2.0.0");
    assert!(!all[0]["changes"].as_array().unwrap().is_empty());
    assert_eq!(all[1]["changes"], serde_json::json!([]));
    // A solution of the policy without a baseline stops the run.
    std::fs::write(
        temp.path().join("dvlint.yaml"),
        "solutions:\n  - path: new\n",
    )
    .unwrap();
    let output = dvlint(&["diff"], temp.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("its `baseline` in dvlint.yaml"), "{stderr}");
}

#[test]
fn a_zip_against_its_own_unpacked_folder_lists_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let zip = temp.path().join("ContosoCore.zip");
    std::fs::write(
        &zip,
        common::zip_folder(&root().join("examples/ContosoCore_1_2_0_0")),
    )
    .unwrap();
    let output = dvlint(
        &[
            "diff",
            zip.to_str().unwrap(),
            "--baseline",
            "examples/ContosoCore_1_2_0_0",
            "--format",
            "json",
            "--policy",
            "examples/dvlint.yaml",
        ],
        &root(),
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["changes"], serde_json::json!([]), "{json:#}");
}

/// The example's 1.2.0.0 copied, with `edit` (file, text, replacement) applied:
/// the rows of `dvlint diff` against the unedited copy, as (change, kind,
/// component, aspects).
fn diff_after(edits: &[(&str, &str, &str)]) -> Vec<(String, String, String, String)> {
    let temp = tempfile::tempdir().unwrap();
    let (before, after) = (temp.path().join("before"), temp.path().join("after"));
    copy_tree(&root().join("examples/ContosoCore_1_2_0_0"), &before);
    copy_tree(&root().join("examples/ContosoCore_1_2_0_0"), &after);
    for (file, from, to) in edits {
        let path = after.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{from} in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let output = dvlint(
        &[
            "diff",
            after.to_str().unwrap(),
            "--baseline",
            before.to_str().unwrap(),
            "--format",
            "json",
        ],
        &root(),
    );
    assert_ne!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |key: &str| c[key].as_str().unwrap_or_default().to_owned();
            let aspects = c["aspects"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            (text("change"), text("kind"), text("component"), aspects)
        })
        .collect()
}

fn rows(expected: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    expected
        .iter()
        .map(|(a, b, c, d)| {
            (
                (*a).to_owned(),
                (*b).to_owned(),
                (*c).to_owned(),
                (*d).to_owned(),
            )
        })
        .collect()
}

/// (file, text, replacement).
type Edit<'a> = (&'a str, &'a str, &'a str);
/// (change, kind, component, aspects joined by commas).
type ExpectedRow<'a> = (&'a str, &'a str, &'a str, &'a str);

const PROJECT: &str = "Entities/cts_Project/Entity.xml";

#[test]
fn each_edit_is_exactly_its_change() {
    let cases: &[(&[Edit], &[ExpectedRow])] = &[
        // A renamed column is a change, not a removal and an addition.
        (
            &[(PROJECT, "description=\"Project Code\"", "description=\"Reference\"")],
            &[("changed", "attribute", "cts_project.cts_code", "name")],
        ),
        (
            &[(PROJECT, "<Name LocalizedName=\"Project\"", "<Name LocalizedName=\"Engagement\"")],
            &[("changed", "entity", "cts_project", "name")],
        ),
        (
            &[(
                PROJECT,
                "cts_accountid</LogicalName>\n          <RequiredLevel>required<",
                "cts_accountid</LogicalName>\n          <RequiredLevel>none<",
            )],
            &[("changed", "attribute", "cts_project.cts_accountid", "required")],
        ),
        (
            &[("OptionSets/cts_priority.xml", "<label description=\"Low\"", "<label description=\"Minor\"")],
            &[("changed", "option", "cts_priority:100000000", "label")],
        ),
        (
            &[(
                "environmentvariabledefinitions/cts_ProjectMailbox/environmentvariabledefinition.xml",
                "projects@contoso.com",
                "pm@contoso.com",
            )],
            &[(
                "changed",
                "environmentvariabledefinition",
                "environmentvariabledefinition/cts_projectmailbox",
                "default",
            )],
        ),
        (
            &[("Other/Customizations.xml", "apis/shared_office365<", "apis/shared_office365users<")],
            &[(
                "changed",
                "connectionreference",
                "connectionreference/cts_sharedoffice365_5c1e2",
                "connector",
            )],
        ),
        // A column carried only as a reference on one side is never listed.
        (
            &[(PROJECT, "<attribute PhysicalName=\"cts_Code\">", "<attribute PhysicalName=\"cts_Code\" unmodified=\"1\">")],
            &[],
        ),
        (
            &[("Other/Solution.xml", "<Version>1.2.0.0</Version>", "<Version>2.0.0.0</Version>")],
            &[("changed", "solution", "solution/contosocore", "version")],
        ),
    ];
    for (edits, expected) in cases {
        assert_eq!(diff_after(edits), rows(expected), "{edits:?}");
    }
}

/// The HTML a GitHub-flavoured renderer (pulldown-cmark with tables) makes of it.
fn html(markdown: &str) -> String {
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

#[test]
fn the_markdown_renders_as_a_table_per_kind_with_a_row_per_change() {
    let text = stdout(&example(&["--format", "markdown"]));
    let json: serde_json::Value =
        serde_json::from_slice(&example(&["--format", "json"]).stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    let mut kinds: Vec<&str> = changes
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    kinds.dedup();
    let html = html(&text);
    assert_eq!(html.matches("<table>").count(), kinds.len(), "{html}");
    assert_eq!(
        html.matches("<tr>").count(),
        kinds.len() + changes.len(),
        "{html}"
    );
    assert_eq!(html.matches("<td>").count(), 5 * changes.len(), "{html}");
    assert!(
        html.contains(
            "<td>removed</td><td><code>cts_project.cts_legacycode</code></td><td>Legacy Code</td>\
         <td>nvarchar(100)</td><td><strong>error</strong> <code>attribute-removed</code></td>"
        ),
        "{html}"
    );
}

#[test]
fn a_long_section_is_collapsed_and_still_a_table() {
    // Every column of the milestone table renamed: more rows than a comment shows open.
    let temp = tempfile::tempdir().unwrap();
    let (before, after) = (temp.path().join("before"), temp.path().join("after"));
    copy_tree(&root().join("examples/ContosoCore_1_2_0_0"), &before);
    copy_tree(&root().join("examples/ContosoCore_1_2_0_0"), &after);
    let entity = after.join("Entities/cts_Milestone/Entity.xml");
    let text = std::fs::read_to_string(&entity).unwrap();
    let renamed = text.replace(
        "<displayname description=\"",
        "<displayname description=\"New ",
    );
    let columns = text.matches("<attribute PhysicalName").count();
    assert!(columns > 10, "{columns} columns");
    std::fs::write(&entity, renamed).unwrap();
    // A raised version: no finding of the check, only the changes.
    let solution = after.join("Other/Solution.xml");
    let manifest = std::fs::read_to_string(&solution).unwrap();
    std::fs::write(
        &solution,
        manifest.replace("<Version>1.2.0.0<", "<Version>1.2.1.0<"),
    )
    .unwrap();
    let output = dvlint(
        &[
            "diff",
            after.to_str().unwrap(),
            "--baseline",
            before.to_str().unwrap(),
            "--format",
            "markdown",
        ],
        &root(),
    );
    let text = stdout(&output);
    assert!(
        text.contains(&format!("<details><summary>Columns ({columns})</summary>")),
        "{text}"
    );
    let html = html(&text);
    // The solution's row, then the collapsed columns.
    assert_eq!(html.matches("<table>").count(), 2, "{html}");
    assert_eq!(html.matches("<tr>").count(), 2 + 1 + columns, "{html}");
    assert!(
        html.contains("<details>") && html.contains("</details>"),
        "{html}"
    );
}

#[test]
fn an_expired_allow_entry_brings_its_finding_back_onto_the_row() {
    let temp = tempfile::tempdir().unwrap();
    let policy = temp.path().join("dvlint.yaml");
    let run = |expires: &str| {
        std::fs::write(
            &policy,
            format!(
                "allow:\n  - rule: attribute-removed\n    component: \"account.cts_legacy*\"\n    \
                 reason: migrated\n    expires: {expires}\n  - rule: option-removed\n    \
                 component: \"nothing.*\"\n    reason: stale\n"
            ),
        )
        .unwrap();
        let output = dvlint(
            &[
                "diff",
                "examples/ContosoCore_1_2_0_0",
                "--baseline",
                "examples/ContosoCore_1_1_0_0",
                "--policy",
                policy.to_str().unwrap(),
                "--format",
                "json",
            ],
            &root(),
        );
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let row = |json: &serde_json::Value| {
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["component"] == "account.cts_legacyaccountnumber")
            .unwrap()
            .clone()
    };
    let rules = |json: &serde_json::Value| {
        let mut rules: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect();
        rules.sort();
        rules.dedup();
        rules
    };
    let in_force = run("2999-12-31");
    assert_eq!(
        row(&in_force)["accepted"],
        serde_json::json!(["attribute-removed"])
    );
    assert!(row(&in_force)["rule"].is_null());
    assert!(rules(&in_force).contains(&"allow-unused".to_owned()));
    assert!(!rules(&in_force).contains(&"allow-expired".to_owned()));
    let expired = run("2020-01-01");
    assert_eq!(row(&expired)["rule"], "attribute-removed");
    assert!(row(&expired).get("accepted").is_none());
    assert!(rules(&expired).contains(&"allow-expired".to_owned()));
    // The policy's findings are no change's: they are not on the solution's row.
    let solution = &expired["changes"][0];
    assert_eq!(solution["kind"], "solution");
    assert!(solution["rule"].is_null(), "{solution}");
}

#[test]
fn the_readme_shows_the_example_as_it_is() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let human = stdout(&example(&[]));
    assert!(readme.contains(&human), "README lacks:\n{human}");
    let markdown = stdout(&example(&["--format", "markdown"]));
    let summary = markdown.lines().next().unwrap();
    assert!(readme.contains(summary), "README lacks:\n{summary}");
    let columns = markdown
        .split("#### Columns")
        .nth(1)
        .unwrap()
        .split("####")
        .next()
        .unwrap();
    assert!(
        readme.contains(columns.trim_end()),
        "README lacks:\n{columns}"
    );
}

#[test]
fn the_summary_line_names_the_bump_versioning_asks_for() {
    let run = |format: &str| {
        dvlint(
            &[
                "diff",
                "examples/ContosoCore_1_2_0_0",
                "--baseline",
                "examples/ContosoCore_1_1_0_0",
                "--policy",
                "examples/versioning.yaml",
                "--format",
                format,
            ],
            &root(),
        )
    };
    let human = stdout(&run("human"));
    assert!(
        human
            .lines()
            .next()
            .unwrap()
            .ends_with("; major version bump required (2.0.0.0 or higher)"),
        "{human}"
    );
    assert!(
        human.contains("version 1.1.0.0 → 1.2.0.0  error version-bump-insufficient"),
        "{human}"
    );
    let json: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    assert_eq!(
        json["bump"],
        serde_json::json!({"part": "major", "smallest": "2.0.0.0", "satisfied": false})
    );
    // Without `versioning`, no bump is asked for.
    let plain: serde_json::Value =
        serde_json::from_slice(&example(&["--format", "json"]).stdout).unwrap();
    assert!(plain.get("bump").is_none());
}
