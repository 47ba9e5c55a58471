//! `dvlint components` as a user runs it: the listing of the bundled example in
//! both formats, the same package as a zip, references and the finer kinds, and
//! the failures.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{dvlint, zip_folder, SOLUTION_XML};

const EXAMPLE: &str = "examples/ContosoCore_1_2_0_0";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit 0 and what was printed, with `temp` written as `[temp]` should a path
/// under it show up: snapshots must not depend on where the test ran.
fn listed(args: &[&str], cwd: &Path, temp: Option<&Path>) -> String {
    let output = dvlint(args, cwd);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    let text = stdout(&output);
    match temp {
        Some(temp) => text.replace(&temp.display().to_string(), "[temp]"),
        None => text,
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// Exit 2 with the loader's one-line message naming `needle`, nothing on stdout.
fn assert_load_failure(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stdout(output));
    let err = stderr(output);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "expected `{needle}` in:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(output.stdout.is_empty(), "{}", stdout(output));
}

#[test]
fn the_example_lists_every_component_in_both_formats() {
    let human = listed(&["components", EXAMPLE], &root(), None);
    insta::assert_snapshot!("example__human", human);
    let text = listed(&["components", EXAMPLE, "--format", "json"], &root(), None);
    insta::assert_snapshot!("example__json", text);
}

#[test]
fn the_human_listing_nests_columns_under_their_tables_and_fits_a_terminal() {
    let human = listed(&["components", EXAMPLE], &root(), None);
    let mut lines = human.lines();
    assert_eq!(
        lines.next(),
        Some("ContosoCore 1.2.0.0 (managed, publisher contoso): 55 components")
    );
    assert!(human.contains("\ntables (entity): 4, with 39 columns (attribute)\n"));
    assert!(human.contains("\nforms and dashboards (systemform): 2\n"));
    // A column sits, indented, under its table; never in a section of its own.
    let table = human.find("\n  Milestone ").unwrap();
    let column = human.find("\n    Due Date ").unwrap();
    let next_table = human.find("\n  Project ").unwrap();
    assert!(table < column && column < next_table, "{human}");
    assert!(!human.contains("columns (attribute):"), "{human}");
    // The section is too wide for one line a row: each place is under its id.
    let lines: Vec<&str> = human.lines().collect();
    let due = lines
        .iter()
        .position(|l| *l == "    Due Date               cts_milestone.cts_duedate")
        .unwrap();
    assert_eq!(
        lines[due + 1],
        "                           Entities/cts_Milestone/Entity.xml:43"
    );
    // The relationships fit, and are named by their ids alone.
    assert!(human.contains("\n  cts_project_account         Other/Relationships/Account.xml:3\n"));
    for line in human.lines() {
        assert!(line.chars().count() <= 100, "too wide: `{line}`");
        assert_eq!(line, line.trim_end(), "trailing space: `{line}`");
    }
}

#[test]
fn json_lists_every_component_in_inventory_order_with_check_style_locations() {
    let text = listed(&["components", EXAMPLE, "--format", "json"], &root(), None);
    let listing = json(&text);
    assert_eq!(listing["version"], 1);
    assert_eq!(listing["solution"], "ContosoCore");
    assert_eq!(listing["solution_version"], "1.2.0.0");
    let components = listing["components"].as_array().unwrap();
    let solution = common::load(&root().join(EXAMPLE));
    let expected = dvlint::inventory::inventory(&solution);
    assert_eq!(components.len(), expected.len());
    for (component, entry) in components.iter().zip(&expected) {
        assert_eq!(component["kind"], entry.kind.as_str());
        assert_eq!(component["id"], entry.id.as_str());
        assert_eq!(component["name"], entry.name.as_str());
        assert_eq!(component["reference"], entry.reference);
        let location = &component["location"];
        let path = location["path"].as_str().unwrap();
        assert!(path.starts_with("examples/ContosoCore_1_2_0_0/"), "{path}");
        assert!(location["line"].as_u64().unwrap() >= 1);
        assert!(location["column"].as_u64().unwrap() >= 1);
    }
    let budget = components
        .iter()
        .find(|c| c["id"] == "cts_project.cts_budget")
        .unwrap();
    assert_eq!(budget["kind"], "attribute");
    assert_eq!(budget["name"], "Budget");
    assert_eq!(
        budget["location"],
        serde_json::json!({
            "path": "examples/ContosoCore_1_2_0_0/Entities/cts_Project/Entity.xml",
            "line": 69,
            "column": 9
        })
    );
    let kinds: Vec<&str> = components
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "entity",
        "attribute",
        "entityrelationship",
        "optionset",
        "systemform",
    ] {
        assert!(kinds.contains(&kind), "no {kind}");
    }
}

#[test]
fn a_zip_lists_the_same_components_at_its_members() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir(temp.path().join("releases")).unwrap();
    let zip = "releases/ContosoCore_1_2_0_0.zip";
    std::fs::write(temp.path().join(zip), zip_folder(&root().join(EXAMPLE))).unwrap();

    let text = listed(
        &["components", zip, "--format", "json"],
        temp.path(),
        Some(temp.path()),
    );
    let from_zip = json(&text);
    let from_folder = json(&listed(
        &["components", EXAMPLE, "--format", "json"],
        &root(),
        None,
    ));
    let zipped = from_zip["components"].as_array().unwrap();
    let unpacked = from_folder["components"].as_array().unwrap();
    assert_eq!(zipped.len(), unpacked.len());
    for (z, u) in zipped.iter().zip(unpacked) {
        for field in ["kind", "id", "name", "reference"] {
            assert_eq!(z[field], u[field], "{field} of {}", u["id"]);
        }
        assert_eq!(z["location"]["line"], u["location"]["line"], "{}", u["id"]);
        let member = u["location"]["path"]
            .as_str()
            .unwrap()
            .strip_prefix("examples/ContosoCore_1_2_0_0/")
            .unwrap();
        // Written as `check` writes a place in a zip: the archive as named, `!/`, the member.
        assert_eq!(
            z["location"]["path"].as_str().unwrap(),
            format!("{zip}!/{member}")
        );
    }
    // People get the archive's file name, not the folder it is in.
    let human = listed(&["components", zip], temp.path(), Some(temp.path()));
    assert!(
        human.contains(" ContosoCore_1_2_0_0.zip!/Entities/cts_Project/Entity.xml:69\n"),
        "{human}"
    );
    assert!(
        !human.contains("releases/ContosoCore_1_2_0_0.zip!/"),
        "{human}"
    );
    insta::assert_snapshot!("zip__human", human);
}

/// An extracted export with what the example lacks: references (`unmodified="1"`),
/// processes of two categories and a dashboard.
const CUSTOMIZATIONS_XML: &str = r#"<ImportExportXml>
  <Entities>
    <Entity>
      <Name LocalizedName="Account" OriginalName="Account">Account</Name>
      <EntityInfo>
        <entity Name="Account" unmodified="1">
          <attributes>
            <attribute PhysicalName="cts_Tier">
              <Type>picklist</Type>
              <LogicalName>cts_tier</LogicalName>
              <IsCustomField>1</IsCustomField>
              <displaynames>
                <displayname description="Customer Tier" languagecode="1033" />
              </displaynames>
            </attribute>
            <attribute PhysicalName="Name" unmodified="1">
              <Type>nvarchar</Type>
              <LogicalName>name</LogicalName>
              <IsCustomField>0</IsCustomField>
            </attribute>
          </attributes>
        </entity>
      </EntityInfo>
    </Entity>
  </Entities>
  <Workflows>
    <Workflow WorkflowId="{6D9315A8-4E94-EF11-8A69-7C1E524A2AE3}" Name="Notify the account owner">
      <Category>5</Category>
      <PrimaryEntity>account</PrimaryEntity>
    </Workflow>
    <Workflow WorkflowId="{0BC0B71B-0BFD-EE11-A1FE-000D3A16BED5}" Name="Require a tier" unmodified="1">
      <Category>2</Category>
      <PrimaryEntity>account</PrimaryEntity>
    </Workflow>
  </Workflows>
  <Dashboards>
    <Dashboard>
      <FormId>{12598831-2DB9-4D12-BB4E-5E0B9A0A259A}</FormId>
      <LocalizedNames>
        <LocalizedName description="Account overview" languagecode="1033" />
      </LocalizedNames>
    </Dashboard>
  </Dashboards>
</ImportExportXml>"#;

fn export(dir: &Path, customizations: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("solution.xml"), SOLUTION_XML).unwrap();
    std::fs::write(dir.join("customizations.xml"), customizations).unwrap();
}

#[test]
fn references_and_finer_kinds_are_marked() {
    let temp = tempfile::tempdir().unwrap();
    export(&temp.path().join("export"), CUSTOMIZATIONS_XML);
    let human = listed(&["components", "export"], temp.path(), Some(temp.path()));
    insta::assert_snapshot!("references_and_kinds__human", human);
    assert!(
        human.starts_with(
            "ContosoCore 1.2.0.0 (managed, publisher Contoso): 6 components, 3 only as references\n\
             read from export (extracted export; places are relative to it)\n"
        ),
        "{human}"
    );
    let row = |id: &str| {
        human
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("no row for {id} in\n{human}"))
            .to_owned()
    };
    assert!(row("workflow/6d9315a8").contains("cloud flow"));
    assert!(!row("workflow/6d9315a8").contains("(reference)"));
    assert!(row("workflow/0bc0b71b").contains("business rule (reference)"));
    assert!(row("systemform/12598831").contains("dashboard"));
    let table = human.lines().find(|l| l.starts_with("  Account ")).unwrap();
    assert!(table.contains("(reference)"), "{table}");
    assert!(row("account.name").contains("(reference)"));
    assert!(!row("account.cts_tier").contains("(reference)"));
    assert!(row("account.cts_tier").contains("customizations.xml:"));

    let listing = json(&listed(
        &["components", "export", "--format", "json"],
        temp.path(),
        Some(temp.path()),
    ));
    let references: Vec<(&str, bool)> = listing["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["reference"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        references,
        [
            ("account", true),
            ("account.cts_tier", false),
            ("account.name", true),
            ("workflow/0bc0b71b-0bfd-ee11-a1fe-000d3a16bed5", true),
            ("workflow/6d9315a8-4e94-ef11-8a69-7c1e524a2ae3", false),
            ("systemform/12598831-2db9-4d12-bb4e-5e0b9a0a259a", false),
        ]
    );
}

#[test]
fn a_missing_or_malformed_package_is_exit_2_with_the_loaders_message() {
    let temp = tempfile::tempdir().unwrap();
    assert_load_failure(
        &dvlint(&["components", "absent.zip"], temp.path()),
        "absent.zip: cannot open",
    );
    std::fs::create_dir(temp.path().join("empty")).unwrap();
    assert_load_failure(
        &dvlint(&["components", "empty"], temp.path()),
        "empty: no solution here",
    );
    let broken = CUSTOMIZATIONS_XML.replace("</LogicalName>", "</LogicalNam>");
    export(&temp.path().join("broken"), &broken);
    assert_load_failure(
        &dvlint(&["components", "broken"], temp.path()),
        "broken/customizations.xml:10:",
    );
    std::fs::write(temp.path().join("text.zip"), "not a zip at all").unwrap();
    assert_load_failure(
        &dvlint(&["components", "text.zip", "--format", "json"], temp.path()),
        "text.zip: not a readable zip archive",
    );
}

#[test]
fn usage_errors_are_clap_errors_and_help_names_the_command() {
    let temp = tempfile::tempdir().unwrap();
    let output = dvlint(&["components", EXAMPLE, "--format", "sarif"], &root());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid value 'sarif' for '--format <FORMAT>'"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    let output = dvlint(&["components"], temp.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("<PATH>"), "{}", stderr(&output));

    let help = dvlint(&["--help"], temp.path());
    assert_eq!(help.status.code(), Some(0));
    assert!(
        stdout(&help).contains("components  List every component of one package"),
        "{}",
        stdout(&help)
    );
    let help = dvlint(&["components", "--help"], temp.path());
    assert_eq!(help.status.code(), Some(0));
    let text = stdout(&help);
    assert!(
        text.contains("Usage: dvlint components [OPTIONS] <PATH>"),
        "{text}"
    );
    assert!(text.contains("unmodified=\"1\""), "{text}");
}
