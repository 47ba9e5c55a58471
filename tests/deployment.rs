//! Environment variables and connection references in every form dvlint reads:
//! unpacked source (definitions in component folders, current values in
//! `environmentvariablevalues.json`), that folder zipped, an extracted export
//! (everything in `customizations.xml`, current values nested in the
//! definitions, as older exports write them), its zip, and the folder at a git
//! revision. All give the same model, every value points at its text, the
//! independent script reads the same, and a malformed values file stops the run.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::Path;
use std::process::Command;

use common::deployment::{model_json, script};
use common::{dvlint, load, zip_folder, zip_members, SOLUTION_XML};
use dvlint::model::{Solution, VariableType};
use serde_json::json;

/// The connection references, as tc-ca and the business-approvals-kit write
/// them: a custom connector's reference nests its GUID in `<customconnectorid>`;
/// another solution's reference is carried `unmodified`.
const REFERENCES: &str = r#"  <connectionreferences>
    <connectionreference connectionreferencelogicalname="cts_SharedOffice365_5c1e2">
      <connectionreferencedisplayname>ContosoCore | Outlook</connectionreferencedisplayname>
      <connectorid>/providers/Microsoft.PowerApps/apis/shared_office365</connectorid>
      <iscustomizable>1</iscustomizable>
      <statecode>0</statecode>
      <statuscode>1</statuscode>
    </connectionreference>
    <connectionreference connectionreferencelogicalname="cts_ContosoApi">
      <connectionreferencedisplayname>ContosoCore | Contoso API</connectionreferencedisplayname>
      <connectorid>/providers/Microsoft.PowerApps/apis/shared_cts-5fcontoso-20api-5f1a2b3c4d5e6f7a8b</connectorid>
      <customconnectorid>
        <connectorid>0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0</connectorid>
      </customconnectorid>
      <iscustomizable>1</iscustomizable>
    </connectionreference>
    <connectionreference connectionreferencelogicalname="fab_SharedTeams" unmodified="1">
      <connectorid>/providers/Microsoft.PowerApps/apis/shared_teams</connectorid>
    </connectionreference>
  </connectionreferences>
"#;

/// (schema name, definition body, the JSON values file pac writes beside it).
const VARIABLES: &[(&str, &str, Option<&str>)] = &[
    (
        "cts_PortalUrl",
        r#"  <displayname default="Portal URL">
    <label description="Portal URL" languagecode="1033" />
  </displayname>
  <introducedversion>1.2.0.0</introducedversion>
  <iscustomizable>1</iscustomizable>
  <isrequired>1</isrequired>
  <secretstore>0</secretstore>
  <type>100000000</type>
"#,
        Some(
            r#"{"environmentvariablevalues":{"environmentvariablevalue":{"@environmentvariablevalueid":"8caecfd4-aebb-ee11-a569-000d3aaa0ed0","iscustomizable":"1","schemaname":"cts_PortalUrl","statecode":"0","statuscode":"1","value":"https://projects.contoso.example"}}}"#,
        ),
    ),
    (
        "cts_Retries",
        r#"  <defaultvalue>3</defaultvalue>
  <displayname default="Retries" />
  <type>100000001</type>
"#,
        Some(
            "{\n  \"environmentvariablevalues\": {\n    \"environmentvariablevalue\": [\n      { \"schemaname\": \"cts_Retries_old\", \"value\": \"\" },\n      { \"schemaname\": \"cts_Retries\", \"value\": \"5\" }\n    ]\n  }\n}\n",
        ),
    ),
    (
        "cts_Routing",
        r#"  <defaultvalue>{"queue": "&lt;none&gt;"}</defaultvalue>
  <displayname default="Routing" />
  <type>100000003</type>
"#,
        None,
    ),
    (
        "cts_ApiKey",
        r#"  <displayname default="API key" />
  <secretstore>1</secretstore>
  <type>100000005</type>
"#,
        None,
    ),
];

/// `<environmentvariablevalues>` as an older export nests it in a definition.
fn nested(json: &str) -> String {
    let document: serde_json::Value = serde_json::from_str(json).unwrap();
    let entries = &document["environmentvariablevalues"]["environmentvariablevalue"];
    let entries = entries
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![entries.clone()]);
    let values: String = entries
        .iter()
        .map(|e| {
            format!(
                "      <environmentvariablevalue>\n        <schemaname>{}</schemaname>\n        <value>{}</value>\n      </environmentvariablevalue>\n",
                e["schemaname"].as_str().unwrap(),
                e["value"].as_str().unwrap()
            )
        })
        .collect();
    format!("    <environmentvariablevalues>\n{values}    </environmentvariablevalues>\n")
}

fn definition(name: &str, body: &str) -> String {
    format!("<environmentvariabledefinition schemaname=\"{name}\">\n{body}</environmentvariabledefinition>\n")
}

/// Unpacked source: references in `Other/Customizations.xml`, variables in
/// `environmentvariabledefinitions/`.
fn write_unpacked(root: &Path) {
    let folder = |path: &str| {
        let dir = root.join(path);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    };
    let other = folder("Other");
    std::fs::write(other.join("Solution.xml"), SOLUTION_XML).unwrap();
    let customizations = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ImportExportXml xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" OrganizationVersion=\"9.2.24012.198\" OrganizationSchemaType=\"Standard\">\n  <Entities />\n  <Roles />\n  <Workflows />\n{REFERENCES}  <Languages>\n    <Language>1033</Language>\n  </Languages>\n</ImportExportXml>\n"
    );
    std::fs::write(other.join("Customizations.xml"), customizations).unwrap();
    for (name, body, values) in VARIABLES {
        let dir = folder(&format!("environmentvariabledefinitions/{name}"));
        std::fs::write(
            dir.join("environmentvariabledefinition.xml"),
            definition(name, body),
        )
        .unwrap();
        if let Some(values) = values {
            std::fs::write(dir.join("environmentvariablevalues.json"), values).unwrap();
        }
    }
}

/// An extracted export of the same solution: everything in `customizations.xml`.
fn export_members() -> Vec<(&'static str, Vec<u8>)> {
    let mut variables = String::new();
    for (name, body, values) in VARIABLES {
        let body: String = body.lines().map(|l| format!("    {l}\n")).collect();
        let values = values.map(nested).unwrap_or_default();
        variables.push_str(&format!(
            "    <environmentvariabledefinition schemaname=\"{name}\">\n{body}{values}    </environmentvariabledefinition>\n"
        ));
    }
    let customizations = format!(
        "<ImportExportXml xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" OrganizationVersion=\"9.2.24012.198\" OrganizationSchemaType=\"Standard\">\n  <Entities />\n  <Roles />\n  <Workflows />\n{REFERENCES}  <environmentvariabledefinitions>\n{variables}  </environmentvariabledefinitions>\n  <Languages>\n    <Language>1033</Language>\n  </Languages>\n</ImportExportXml>"
    );
    vec![
        ("[Content_Types].xml", b"<?xml version=\"1.0\" encoding=\"utf-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/octet-stream\" /></Types>".to_vec()),
        ("customizations.xml", customizations.into_bytes()),
        ("solution.xml", SOLUTION_XML.as_bytes().to_vec()),
    ]
}

/// The folder committed to a fresh repository, read at `HEAD`.
fn at_head(unpacked: &Path, temp: &Path) -> Option<Solution> {
    let repo = temp.join("repo");
    common::copy_tree(unpacked, &repo.join("src"));
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["-c", "commit.gpgsign=false", "-c", "user.name=dvlint"])
            .args(["-c", "user.email=dvlint@example.com"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CEILING_DIRECTORIES", temp)
            .output()
    };
    match git(&["init", "-q"]) {
        Ok(output) => assert!(output.status.success()),
        Err(_) if std::env::var_os("CI").is_none() => return None,
        Err(e) => panic!("git is needed in CI: {e}"),
    }
    for args in [&["add", "-A"][..], &["commit", "-q", "-m", "solution"]] {
        let output = git(args).unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    Some(dvlint::package::git::load_at_revision("HEAD", &repo.join("src")).unwrap())
}

/// Every spanned value is the text its span covers (the fixtures' values need
/// no unescaping, apart from the JSON default, which is checked as written).
fn assert_spans_point_at_values(solution: &Solution, form: &str) {
    let covered = |span| {
        let location = solution.locate(span);
        // The model keeps no text: the file is read again, kept as the loader kept it.
        let text = location.file.read_text().unwrap();
        assert_eq!(
            location.line_col(),
            dvlint::source::line_col(&text, location.start),
            "{form}: {span:?}"
        );
        text[location.start..location.end].to_owned()
    };
    for variable in solution.environment_variables.values() {
        let definition = covered(variable.span);
        assert!(
            definition.starts_with("<environmentvariabledefinition ")
                && definition.contains(&variable.schema_name),
            "{form}: {definition}"
        );
        for value in [&variable.default_value, &variable.value]
            .into_iter()
            .flatten()
        {
            let text = covered(value.span);
            let unescaped = text.replace("&lt;", "<").replace("&gt;", ">");
            assert_eq!(unescaped, value.value, "{form}: {}", variable.schema_name);
        }
    }
    for reference in solution.connection_references.values() {
        assert!(covered(reference.span).contains(&reference.logical_name));
        let connector = reference.connector_id.as_ref().unwrap();
        assert_eq!(covered(connector.span), connector.value, "{form}");
    }
}

#[test]
fn every_form_gives_the_same_variables_and_references() {
    let temp = tempfile::tempdir().unwrap();
    let unpacked = temp.path().join("ContosoCore");
    write_unpacked(&unpacked);
    let export = temp.path().join("export");
    std::fs::create_dir_all(&export).unwrap();
    let members = export_members();
    for (name, content) in &members {
        std::fs::write(export.join(name), content).unwrap();
    }
    let borrowed: Vec<(&str, &[u8])> = members.iter().map(|(n, c)| (*n, c.as_slice())).collect();
    let export_zip = temp.path().join("ContosoCore_1_2_0_0.zip");
    std::fs::write(&export_zip, zip_members(&borrowed)).unwrap();
    let unpacked_zip = temp.path().join("ContosoCore_source.zip");
    std::fs::write(&unpacked_zip, zip_folder(&unpacked)).unwrap();

    let mut forms = vec![
        ("unpacked", load(&unpacked)),
        ("unpacked, zipped", load(&unpacked_zip)),
        ("extracted export", load(&export)),
        ("exported zip", load(&export_zip)),
    ];
    forms.extend(at_head(&unpacked, temp.path()).map(|s| ("git:HEAD", s)));

    let expected = json!({
        "solution": "ContosoCore",
        "environment_variables": [
            {"schema_name": "cts_ApiKey", "display_name": "API key", "type": "100000005",
             "default_value": null, "value": null},
            {"schema_name": "cts_PortalUrl", "display_name": "Portal URL", "type": "100000000",
             "default_value": null, "value": "https://projects.contoso.example"},
            {"schema_name": "cts_Retries", "display_name": "Retries", "type": "100000001",
             "default_value": "3", "value": "5"},
            {"schema_name": "cts_Routing", "display_name": "Routing", "type": "100000003",
             "default_value": "{\"queue\": \"<none>\"}", "value": null},
        ],
        "connection_references": [
            {"logical_name": "cts_ContosoApi", "display_name": "ContosoCore | Contoso API",
             "connector_id": "/providers/Microsoft.PowerApps/apis/shared_cts-5fcontoso-20api-5f1a2b3c4d5e6f7a8b"},
            {"logical_name": "cts_SharedOffice365_5c1e2", "display_name": "ContosoCore | Outlook",
             "connector_id": "/providers/Microsoft.PowerApps/apis/shared_office365"},
        ],
    });
    for (form, solution) in &forms {
        assert_eq!(model_json(solution), expected, "{form}");
        assert_spans_point_at_values(solution, form);
        // Every entry is a component of its own id, and the only-referenced
        // connection reference is a component without details.
        for key in solution.environment_variables.keys() {
            let id = format!("environmentvariabledefinition/{key}");
            assert!(!solution.components[&id].reference, "{form}: {id}");
        }
        let teams = &solution.components["connectionreference/fab_sharedteams"];
        assert!(teams.reference, "{form}");
        assert!(!solution
            .connection_references
            .contains_key("fab_sharedteams"));
        assert_eq!(
            solution.environment_variables["cts_retries"].kind,
            VariableType::Number
        );
    }
    // The JSON values file is a file of the package, and findings may point into it.
    let (_, folder) = &forms[0];
    let value = folder.environment_variables["cts_retries"]
        .value
        .as_ref()
        .unwrap();
    let location = folder.locate(value.span);
    assert!(location
        .file
        .display_path
        .ends_with("cts_Retries/environmentvariablevalues.json"));
    assert_eq!(location.line_col(), (5, 48));

    // The independent reader agrees on every form it reads.
    let paths = [&unpacked, &unpacked_zip, &export, &export_zip].map(|p| p.display().to_string());
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    if let Some(theirs) = script(&args) {
        assert_eq!(theirs.len(), 4);
        for (path, package) in theirs {
            assert_eq!(package, expected, "the script on {path}");
        }
    }
}

#[test]
fn a_malformed_values_file_stops_the_run_at_its_line_and_column() {
    let temp = tempfile::tempdir().unwrap();
    let unpacked = temp.path().join("ContosoCore");
    write_unpacked(&unpacked);
    let file =
        unpacked.join("environmentvariabledefinitions/cts_Retries/environmentvariablevalues.json");
    std::fs::write(&file, "{\n  \"environmentvariablevalues\": {\n    \"environmentvariablevalue\": { \"value\": \"5\" \n  }\n").unwrap();
    let output = dvlint(&["components", "ContosoCore"], temp.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "cts_Retries/environmentvariablevalues.json:5:1: malformed JSON: EOF while parsing an object"
        ),
        "{stderr}"
    );
    // The same file in a zip names the member.
    std::fs::write(temp.path().join("source.zip"), zip_folder(&unpacked)).unwrap();
    let output = dvlint(&["check", "source.zip"], temp.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("source.zip!/environmentvariabledefinitions/cts_Retries/environmentvariablevalues.json:"),
        "{stderr}"
    );
}
