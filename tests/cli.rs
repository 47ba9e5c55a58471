//! The `dvlint` binary as a user runs it: exit codes, streams and messages.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use common::{dvlint, SOLUTION_XML};

use std::path::Path;
use std::process::Output;

use common::zip_members;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const CUSTOMIZATIONS_XML: &str = r#"<ImportExportXml>
  <Entities>
    <Entity>
      <Name LocalizedName="Project" OriginalName="Project">cts_Project</Name>
      <EntityInfo>
        <entity Name="cts_Project">
          <attributes>
            <attribute PhysicalName="cts_Code">
              <Type>nvarchar</Type>
              <LogicalName>cts_code</LogicalName>
              <IsCustomField>1</IsCustomField>
              <MaxLength>100</MaxLength>
            </attribute>
          </attributes>
        </entity>
      </EntityInfo>
    </Entity>
  </Entities>
  <optionsets />
  <EntityRelationships />
</ImportExportXml>"#;

/// The same release with one column added and its version left as it was.
fn changed_customizations() -> String {
    CUSTOMIZATIONS_XML.replace(
        "          </attributes>",
        "            <attribute PhysicalName=\"cts_Notes\">\n              <Type>ntext</Type>\n              <LogicalName>cts_notes</LogicalName>\n              <IsCustomField>1</IsCustomField>\n            </attribute>\n          </attributes>",
    )
}

/// `a`: a change of `a-released` under the same version.
fn changed_since_release(dir: &Path) {
    export(&dir.join("a"), SOLUTION_XML, &changed_customizations());
    export(&dir.join("a-released"), SOLUTION_XML, CUSTOMIZATIONS_XML);
}

/// An extracted export in a temp folder, with a manifest and customizations.
fn export(dir: &Path, solution: &str, customizations: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("solution.xml"), solution).unwrap();
    std::fs::write(dir.join("customizations.xml"), customizations).unwrap();
}

fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// Exit 2 with a one-line error naming `needle`, and nothing on stdout.
fn assert_clean_failure(output: &Output, needle: &str) {
    assert_exit(output, 2);
    let err = stderr(output);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "expected `{needle}` in:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(stdout(output).is_empty(), "{}", stdout(output));
}

#[test]
fn a_clean_package_exits_0() {
    let temp = tempfile::tempdir().unwrap();
    export(&temp.path().join("pkg"), SOLUTION_XML, CUSTOMIZATIONS_XML);
    let output = dvlint(&["check", "pkg"], temp.path());
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "no problems in ContosoCore 1.2.0.0\n");
}

#[test]
fn findings_at_the_fail_on_level_exit_1() {
    let temp = tempfile::tempdir().unwrap();
    export(&temp.path().join("new"), SOLUTION_XML, CUSTOMIZATIONS_XML);
    let shorter = CUSTOMIZATIONS_XML.replace("<MaxLength>100<", "<MaxLength>50<");
    export(&temp.path().join("newer"), SOLUTION_XML, &shorter);
    let higher = SOLUTION_XML.replace("1.2.0.0", "1.3.0.0");
    export(&temp.path().join("newer"), &higher, &shorter);

    // attribute-length-reduced is a warning: not a failure by default...
    let output = dvlint(&["check", "newer", "--baseline", "new"], temp.path());
    assert_exit(&output, 0);
    assert!(stdout(&output).contains("attribute-length-reduced"));
    assert!(stdout(&output).ends_with("1 warning in ContosoCore 1.3.0.0 (baseline 1.2.0.0)\n"));
    // ...but is with --fail-on warning.
    let output = dvlint(
        &[
            "check",
            "newer",
            "--baseline",
            "new",
            "--fail-on",
            "warning",
        ],
        temp.path(),
    );
    assert_exit(&output, 1);
    // A change under the same version is an error...
    export(
        &temp.path().join("same"),
        SOLUTION_XML,
        &changed_customizations(),
    );
    let output = dvlint(&["check", "same", "--baseline", "new"], temp.path());
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("version-not-incremented"));
    // ...but a solution nobody changed needs no new version.
    let output = dvlint(&["check", "new", "--baseline", "new"], temp.path());
    assert_exit(&output, 0);
}

#[test]
fn json_output_follows_the_contract() {
    let temp = tempfile::tempdir().unwrap();
    export(&temp.path().join("new"), SOLUTION_XML, CUSTOMIZATIONS_XML);
    export(
        &temp.path().join("same"),
        SOLUTION_XML,
        &changed_customizations(),
    );
    let output = dvlint(
        &["check", "same", "--baseline", "new", "--format", "json"],
        temp.path(),
    );
    assert_exit(&output, 1);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["tool"]["name"], "dvlint");
    assert_eq!(json["summary"]["errors"], 1);
    let finding = &json["diagnostics"][0];
    assert_eq!(finding["rule"], "version-not-incremented");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["solution"], "ContosoCore");
    assert_eq!(finding["component"], serde_json::Value::Null);
    assert_eq!(finding["location"]["path"], "same/solution.xml");
    assert_eq!(finding["location"]["line"], 4);
    assert_eq!(finding["location"]["column"], 14);
    assert_eq!(finding["related"][0]["message"], "baseline version");
}

#[test]
fn policy_in_the_current_folder_applies_and_fail_on_comes_from_it() {
    let temp = tempfile::tempdir().unwrap();
    export(&temp.path().join("new"), SOLUTION_XML, CUSTOMIZATIONS_XML);
    export(
        &temp.path().join("same"),
        SOLUTION_XML,
        &changed_customizations(),
    );
    std::fs::write(
        temp.path().join("dvlint.yaml"),
        "rules:\n  version-not-incremented: info\nfail-on: info\n",
    )
    .unwrap();
    let output = dvlint(&["check", "same", "--baseline", "new"], temp.path());
    assert_exit(&output, 1);
    assert!(stdout(&output).ends_with("1 info in ContosoCore 1.2.0.0 (baseline 1.2.0.0)\n"));
    // The command line wins over the policy.
    let output = dvlint(
        &["check", "same", "--baseline", "new", "--fail-on", "error"],
        temp.path(),
    );
    assert_exit(&output, 0);
}

#[test]
fn solutions_listed_in_the_policy_are_checked_without_paths() {
    let temp = tempfile::tempdir().unwrap();
    changed_since_release(temp.path());
    export(
        &temp.path().join("b"),
        &SOLUTION_XML.replace("ContosoCore", "ContosoSales"),
        CUSTOMIZATIONS_XML,
    );
    std::fs::write(
        temp.path().join("dvlint.yaml"),
        "solutions:\n  - path: a\n    baseline: a-released\n  - path: b\n",
    )
    .unwrap();
    let output = dvlint(&["check"], temp.path());
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(
        text.contains("1 error in ContosoCore 1.2.0.0 (baseline 1.2.0.0)\n"),
        "{text}"
    );
    assert!(
        text.contains("no problems in ContosoSales 1.2.0.0\n"),
        "{text}"
    );
}

#[test]
fn an_invalid_policy_is_exit_2_with_its_line() {
    let temp = tempfile::tempdir().unwrap();
    export(&temp.path().join("pkg"), SOLUTION_XML, CUSTOMIZATIONS_XML);
    std::fs::write(
        temp.path().join("dvlint.yaml"),
        "rules:\n  entity-remove: warning\n",
    )
    .unwrap();
    let output = dvlint(&["check", "pkg"], temp.path());
    assert_clean_failure(&output, "dvlint.yaml:2:3");
    assert!(stderr(&output).contains("did you mean `entity-removed`?"));
    // An explicit --policy that does not exist.
    let output = dvlint(&["check", "pkg", "--policy", "nope.yaml"], temp.path());
    assert_clean_failure(&output, "nope.yaml");
}

#[test]
fn usage_errors_are_exit_2() {
    let temp = tempfile::tempdir().unwrap();
    assert_exit(&dvlint(&["check", "--format", "xml", "x"], temp.path()), 2);
    assert_exit(&dvlint(&["frobnicate"], temp.path()), 2);
    assert_clean_failure(&dvlint(&["check"], temp.path()), "nothing to check");
    assert_clean_failure(
        &dvlint(&["check", "a", "b", "--baseline", "c"], temp.path()),
        "--baseline PATH applies to one PATH",
    );
    assert_clean_failure(
        &dvlint(&["explain", "entity-remove"], temp.path()),
        "did you mean `entity-removed`?",
    );
}

#[test]
fn rules_and_explain_print_the_catalogue() {
    let temp = tempfile::tempdir().unwrap();
    let output = dvlint(&["rules"], temp.path());
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), dvlint::rules::REGISTRY.len());
    let row = |id: &str| {
        text.lines()
            .find(|line| line.split_whitespace().next() == Some(id))
            .map(|line| line.split_whitespace().take(3).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(
        row("package-not-managed")[..2],
        ["package-not-managed", "off"],
        "{text}"
    );
    assert_eq!(
        row("dependency-missing"),
        ["dependency-missing", "error", "environment"]
    );
    assert_eq!(
        row("entity-removed"),
        ["entity-removed", "error", "baseline"]
    );
    let output = dvlint(&["explain", "attribute-removed"], temp.path());
    assert_exit(&output, 0);
    assert!(stdout(&output).starts_with("# attribute-removed\n"));
    assert!(!stdout(&output).contains("default-severity:"));
}

#[test]
fn missing_paths_and_empty_folders_are_exit_2() {
    let temp = tempfile::tempdir().unwrap();
    assert_clean_failure(&dvlint(&["check", "absent.zip"], temp.path()), "absent.zip");
    std::fs::create_dir(temp.path().join("empty")).unwrap();
    assert_clean_failure(
        &dvlint(&["check", "empty"], temp.path()),
        "empty: no solution here",
    );
}

#[test]
fn a_folder_holding_one_solution_below_it_is_found() {
    let temp = tempfile::tempdir().unwrap();
    export(
        &temp.path().join("project/src"),
        SOLUTION_XML,
        CUSTOMIZATIONS_XML,
    );
    let output = dvlint(&["check", "project"], temp.path());
    assert_exit(&output, 0);
    export(
        &temp.path().join("project/second"),
        SOLUTION_XML,
        CUSTOMIZATIONS_XML,
    );
    assert_clean_failure(
        &dvlint(&["check", "project"], temp.path()),
        "holds 2 solutions",
    );
}

#[test]
fn broken_zips_are_exit_2_naming_the_file() {
    let temp = tempfile::tempdir().unwrap();
    let good = zip_members(&[
        ("solution.xml", SOLUTION_XML.as_bytes()),
        ("customizations.xml", CUSTOMIZATIONS_XML.as_bytes()),
        ("[Content_Types].xml", b"<Types/>"),
    ]);
    std::fs::write(temp.path().join("good.zip"), &good).unwrap();
    assert_exit(&dvlint(&["check", "good.zip"], temp.path()), 0);

    std::fs::write(temp.path().join("truncated.zip"), &good[..good.len() / 2]).unwrap();
    assert_clean_failure(
        &dvlint(&["check", "truncated.zip"], temp.path()),
        "truncated.zip: not a readable zip archive",
    );
    std::fs::write(temp.path().join("text.zip"), "not a zip at all").unwrap();
    assert_clean_failure(
        &dvlint(&["check", "text.zip"], temp.path()),
        "text.zip: not a readable zip archive",
    );
    let no_manifest = zip_members(&[("customizations.xml", CUSTOMIZATIONS_XML.as_bytes())]);
    std::fs::write(temp.path().join("nomanifest.zip"), no_manifest).unwrap();
    assert_clean_failure(
        &dvlint(&["check", "nomanifest.zip"], temp.path()),
        "nomanifest.zip: not a solution package",
    );
    // Flip bytes inside the compressed data: the CRC or inflater catches it.
    let mut corrupt = good.clone();
    for byte in corrupt.iter_mut().skip(60).take(40) {
        *byte ^= 0x5A;
    }
    std::fs::write(temp.path().join("corrupt.zip"), corrupt).unwrap();
    let output = dvlint(&["check", "corrupt.zip"], temp.path());
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("corrupt.zip"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_inflates() {
    let temp = tempfile::tempdir().unwrap();
    // 64 MiB of one byte deflates about 1000:1.
    let filler = vec![b' '; 64 * 1024 * 1024];
    let bomb = zip_members(&[
        ("solution.xml", SOLUTION_XML.as_bytes()),
        ("customizations.xml", &filler),
    ]);
    assert!(bomb.len() < 1024 * 1024);
    std::fs::write(temp.path().join("bomb.zip"), bomb).unwrap();
    assert_clean_failure(
        &dvlint(&["check", "bomb.zip"], temp.path()),
        "bomb.zip!/customizations.xml: compression ratio",
    );
}

#[test]
fn malformed_xml_is_exit_2_with_file_and_line() {
    let temp = tempfile::tempdir().unwrap();
    let broken = CUSTOMIZATIONS_XML.replace("</LogicalName>", "</LogicalNam>");
    export(&temp.path().join("pkg"), SOLUTION_XML, &broken);
    assert_clean_failure(
        &dvlint(&["check", "pkg"], temp.path()),
        "pkg/customizations.xml:10:",
    );
}

#[test]
fn dtds_and_entities_are_refused_not_expanded() {
    let temp = tempfile::tempdir().unwrap();
    let laughs = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>\n{}",
        SOLUTION_XML.replace("ContosoCore", "&lol2;")
    );
    export(&temp.path().join("pkg"), &laughs, CUSTOMIZATIONS_XML);
    assert_clean_failure(
        &dvlint(&["check", "pkg"], temp.path()),
        "pkg/solution.xml:2:1: document type declarations",
    );
}

#[test]
fn absurd_nesting_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let deep = format!(
        "<ImportExportXml><Entities>{}{}</Entities></ImportExportXml>",
        "<x>".repeat(100_000),
        "</x>".repeat(100_000)
    );
    export(&temp.path().join("pkg"), SOLUTION_XML, &deep);
    assert_clean_failure(&dvlint(&["check", "pkg"], temp.path()), "nested more than");
}

#[test]
fn non_utf8_and_missing_manifest_parts_are_exit_2() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("latin1");
    export(&dir, SOLUTION_XML, CUSTOMIZATIONS_XML);
    let mut bytes = SOLUTION_XML.as_bytes().to_vec();
    bytes.splice(40..40, [0xE9u8]);
    std::fs::write(dir.join("solution.xml"), bytes).unwrap();
    assert_clean_failure(
        &dvlint(&["check", "latin1"], temp.path()),
        "latin1/solution.xml:1:41: invalid UTF-8",
    );
    let no_version = SOLUTION_XML.replace("<Version>1.2.0.0</Version>", "");
    export(&temp.path().join("nover"), &no_version, CUSTOMIZATIONS_XML);
    assert_clean_failure(
        &dvlint(&["check", "nover"], temp.path()),
        "<SolutionManifest> has no <Version>",
    );
}

#[test]
fn a_bom_and_declaration_are_accepted() {
    let temp = tempfile::tempdir().unwrap();
    let with_bom = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{SOLUTION_XML}");
    export(&temp.path().join("pkg"), &with_bom, CUSTOMIZATIONS_XML);
    assert_exit(&dvlint(&["check", "pkg"], temp.path()), 0);
}

#[test]
fn dvlint_never_writes_into_the_package() {
    let temp = tempfile::tempdir().unwrap();
    export(&temp.path().join("new"), SOLUTION_XML, CUSTOMIZATIONS_XML);
    let before = listing(temp.path());
    dvlint(&["check", "new", "--baseline", "new"], temp.path());
    dvlint(&["check", "new", "--format", "json"], temp.path());
    assert_eq!(before, listing(temp.path()));
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            found.extend(listing(&path));
        } else {
            found.push((path.display().to_string(), entry.metadata().unwrap().len()));
        }
    }
    found.sort();
    found
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_package_is_refused_and_never_printed() {
    let temp = tempfile::tempdir().unwrap();
    let secret = temp.path().join("secret.xml");
    std::fs::write(&secret, "<Entity><Name>top-secret-value</Name></Entity>").unwrap();
    let pkg = temp.path().join("pkg");
    std::fs::create_dir_all(pkg.join("Other")).unwrap();
    std::fs::create_dir_all(pkg.join("Entities/cts_Project")).unwrap();
    std::fs::write(pkg.join("Other/Solution.xml"), SOLUTION_XML).unwrap();
    std::os::unix::fs::symlink(&secret, pkg.join("Entities/cts_Project/Entity.xml")).unwrap();
    let output = dvlint(&["check", "pkg"], temp.path());
    assert_clean_failure(&output, "leads outside the solution folder");
    assert!(!stderr(&output).contains("top-secret-value"));
}

#[test]
fn every_kind_of_policy_error_is_reported_at_once_with_its_place() {
    let temp = tempfile::tempdir().unwrap();
    export(&temp.path().join("pkg"), SOLUTION_XML, CUSTOMIZATIONS_XML);
    std::fs::write(
        temp.path().join("strict.yaml"),
        "fail_on: error\nrules:\n  entity-removed: fatal\nallow:\n  - rule: attribute-removed\n    component: \"a[\"\n",
    )
    .unwrap();
    let output = dvlint(&["check", "pkg", "--policy", "strict.yaml"], temp.path());
    assert_clean_failure(&output, "invalid policy `strict.yaml`");
    let err = stderr(&output);
    for expected in [
        "strict.yaml:1:1: unknown key `fail_on`",
        "strict.yaml:3:19: invalid severity `fatal`",
        "strict.yaml:5:5: allow entry needs a `reason`",
        "strict.yaml:6:16: invalid glob `a[`",
    ] {
        assert!(err.contains(expected), "expected `{expected}` in:\n{err}");
    }
}

#[test]
fn a_command_line_baseline_serves_the_policy_solutions() {
    let temp = tempfile::tempdir().unwrap();
    changed_since_release(temp.path());
    let older = SOLUTION_XML.replace("1.2.0.0", "1.1.0.0");
    export(&temp.path().join("a-1.1"), &older, CUSTOMIZATIONS_XML);
    std::fs::write(temp.path().join("dvlint.yaml"), "solutions:\n  - path: a\n").unwrap();
    let output = dvlint(&["check", "--baseline", "a-released"], temp.path());
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("version-not-incremented"));
    // The command line wins over a policy baseline.
    std::fs::write(
        temp.path().join("dvlint.yaml"),
        "solutions:\n  - path: a\n    baseline: a-released\n",
    )
    .unwrap();
    assert_exit(&dvlint(&["check", "--baseline", "a-1.1"], temp.path()), 0);
    // One release cannot be the baseline of several solutions.
    std::fs::write(
        temp.path().join("dvlint.yaml"),
        "solutions:\n  - path: a\n  - path: a-1.1\n",
    )
    .unwrap();
    assert_clean_failure(
        &dvlint(&["check", "--baseline", "a"], temp.path()),
        "--baseline PATH applies to one solution",
    );
}
