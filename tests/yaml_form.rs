//! The YAML source format of Dataverse Git integration, as a user runs dvlint on
//! it: the bundled YAML examples give what their XML twins give; the real YAML
//! trees of the corpus load; taking a column file, a table folder, an option, a
//! `solutioncomponents.yml` entry or a root's source out of a tree gives exactly
//! its finding, in the right `.yml` file and line; `--solution`, a solution's own
//! folder and `git:REF` pick the same solution.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const XML_OLD: &str = "examples/ContosoCore_1_1_0_0";
const XML_NEW: &str = "examples/ContosoCore_1_2_0_0";
const YAML_OLD: &str = "examples/yaml/ContosoCore_1_1_0_0";
const YAML_NEW: &str = "examples/yaml/ContosoCore_1_2_0_0";
const CORPUS: &str = "../shared/corpus/yaml";

fn dvlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dvlint"))
        .args(args)
        .output()
        .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// A finding as (rule, component, file relative to `root`, line).
type Found = (String, String, String, u64);

fn findings(candidate: &Path, baseline: &Path) -> BTreeSet<Found> {
    let output = dvlint(&[
        "check",
        candidate.to_str().unwrap(),
        "--baseline",
        baseline.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report = json(&output);
    let roots = [candidate, baseline].map(|p| format!("{}/", p.display()));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["location"]["path"].as_str().unwrap();
            let relative = roots
                .iter()
                .find_map(|r| path.strip_prefix(r.as_str()))
                .unwrap_or(path);
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["component"].as_str().unwrap_or("").to_owned(),
                relative.to_owned(),
                d["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn found(rule: &str, component: &str, file: &str, line: u64) -> Found {
    (rule.to_owned(), component.to_owned(), file.to_owned(), line)
}

/// What a report says, without where: the same findings in every form.
fn essence(report: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut all: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["component"].as_str().unwrap_or("").to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn the_yaml_examples_give_what_their_xml_twins_give() {
    let check = |new: &str, old: &str| {
        let output = dvlint(&[
            "check",
            new,
            "--baseline",
            old,
            "--policy",
            "examples/dvlint.yaml",
            "--format",
            "json",
        ]);
        assert_eq!(output.status.code(), Some(1));
        essence(&json(&output))
    };
    let xml = check(XML_NEW, XML_OLD);
    assert_eq!(xml.len(), 5);
    assert_eq!(check(YAML_NEW, YAML_OLD), xml);

    let components = |path: &str| {
        let mut listing = json(&dvlint(&["components", path, "--format", "json"]));
        let entries = listing["components"].as_array_mut().unwrap();
        for entry in entries.iter_mut() {
            entry.as_object_mut().unwrap().remove("location");
        }
        entries.clone()
    };
    for (xml, yaml) in [(XML_OLD, YAML_OLD), (XML_NEW, YAML_NEW)] {
        let listed = components(xml);
        assert!(listed.len() > 40, "{xml}: {}", listed.len());
        assert_eq!(components(yaml), listed, "{yaml}");
    }
}

/// The YAML examples are what `scripts/xml_to_yaml.py` (an independent
/// implementation of the mapping, in Python) writes from the XML ones.
#[test]
fn the_yaml_examples_are_the_scripts_output() {
    for (xml, yaml) in [(XML_OLD, YAML_OLD), (XML_NEW, YAML_NEW)] {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("out");
        let status = Command::new("python3")
            .args(["scripts/xml_to_yaml.py", xml, out.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
        let written = files_below(&out);
        assert_eq!(written, files_below(Path::new(yaml)), "{yaml}");
        for file in written {
            let read = |root: &Path| {
                fs::read_to_string(root.join(&file))
                    .unwrap()
                    .replace('\r', "")
            };
            assert_eq!(read(&out), read(Path::new(yaml)), "{yaml}/{file}");
        }
    }
}

fn files_below(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_yaml_tree_of_the_corpus_loads() {
    if !Path::new(CORPUS).is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{CORPUS} is missing in CI"
        );
        return;
    }
    let mut roots = 0;
    for source in fs::read_dir(CORPUS).unwrap() {
        for commit in fs::read_dir(source.unwrap().path()).unwrap() {
            let root = commit.unwrap().path();
            let output = dvlint(&["components", root.to_str().unwrap(), "--format", "json"]);
            assert_eq!(output.status.code(), Some(0), "{}", root.display());
            let listing = json(&output);
            assert!(listing["solution"].is_string());
            roots += 1;
        }
    }
    assert_eq!(roots, 6);
}

/// A copy of the newer YAML example with its version raised (so that the only
/// findings are those of the change made to it), and the change.
fn changed(change: impl FnOnce(&Path)) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("ContosoCore");
    copy_tree(Path::new(YAML_NEW), &root);
    let manifest = root.join("solutions/ContosoCore/solution.yml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace("Version: 1.2.0.0", "Version: 1.2.1.0"),
    )
    .unwrap();
    change(&root);
    (temp, root)
}

fn copy_tree(from: &Path, to: &Path) {
    for file in files_below(from) {
        let target = to.join(&file);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(from.join(&file), target).unwrap();
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

const FLOW: &str = "workflow/3f1c2a4e-9b7d-ef11-a72b-6045bd0f1c3a";
const FLOW_FILE: &str = "modernflows/3f1c2a4e-9b7d-ef11-a72b-6045bd0f1c3a/workflow.yml";

/// The flow gone from the solution: the baseline's flow removed, and its root
/// component left with no source.
fn flow_taken_out() -> BTreeSet<Found> {
    BTreeSet::from([
        found("component-removed", FLOW, FLOW_FILE, 1),
        found(
            "root-component-missing",
            FLOW,
            "solutions/ContosoCore/rootcomponents.yml",
            21,
        ),
    ])
}

#[test]
fn an_unchanged_tree_with_its_version_raised_has_no_finding() {
    let (_temp, root) = changed(|_| {});
    assert_eq!(findings(&root, Path::new(YAML_NEW)), BTreeSet::new());
}

#[test]
fn removing_a_column_file_is_attribute_removed_at_the_baselines_file() {
    let (_temp, root) = changed(|root| {
        fs::remove_file(root.join("entities/cts_project/attributes/cts_code.yml")).unwrap()
    });
    assert_eq!(
        findings(&root, Path::new(YAML_NEW)),
        BTreeSet::from([found(
            "attribute-removed",
            "cts_project.cts_code",
            "entities/cts_project/attributes/cts_code.yml",
            1
        )])
    );
}

#[test]
fn removing_a_table_folder_is_the_table_its_listed_path_and_its_root() {
    let (_temp, root) =
        changed(|root| fs::remove_dir_all(root.join("entities/cts_milestone")).unwrap());
    assert_eq!(
        findings(&root, Path::new(YAML_NEW)),
        BTreeSet::from([
            found(
                "entity-removed",
                "cts_milestone",
                "entities/cts_milestone/entity.yml",
                5
            ),
            found(
                "component-path-missing",
                "entities/cts_milestone",
                "solutions/ContosoCore/solutioncomponents.yml",
                5
            ),
            found(
                "root-component-missing",
                "cts_milestone",
                "solutions/ContosoCore/rootcomponents.yml",
                12
            ),
        ])
    );
}

#[test]
fn removing_an_option_is_option_removed_at_its_line() {
    let (_temp, root) = changed(|root| {
        let file = root.join("optionsets/cts_priority/optionset.yml");
        let text = fs::read_to_string(&file).unwrap();
        // The last option, "High": its seven lines.
        let at = text.find("    - '@value': 100000002").unwrap();
        let end = text[at..].find("'@languagecode': 1033").unwrap() + at;
        let end = end + text[end..].find('\n').unwrap() + 1;
        fs::write(&file, format!("{}{}", &text[..at], &text[end..])).unwrap();
    });
    let file = Path::new(YAML_NEW).join("optionsets/cts_priority/optionset.yml");
    let line = fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|l| l.contains("'@value': 100000002"))
        .unwrap() as u64
        + 1;
    assert_eq!(
        findings(&root, Path::new(YAML_NEW)),
        BTreeSet::from([found(
            "option-removed",
            "cts_priority:100000002",
            "optionsets/cts_priority/optionset.yml",
            line
        )])
    );
}

#[test]
fn removing_a_solutioncomponents_entry_takes_the_component_out() {
    let (_temp, root) = changed(|root| {
        edit(
            &root.join("solutions/ContosoCore/solutioncomponents.yml"),
            "  - '@path': /modernflows/3f1c2a4e-9b7d-ef11-a72b-6045bd0f1c3a\r\n",
            "",
        )
    });
    // The flow is a root component too: its root now has no source.
    assert_eq!(findings(&root, Path::new(YAML_NEW)), flow_taken_out());
}

#[test]
fn removing_a_roots_source_is_root_component_missing_at_its_entry() {
    let (_temp, root) = changed(|root| fs::remove_file(root.join(FLOW_FILE)).unwrap());
    // The folder keeps the flow's JSON: the listed path is there, the definition not.
    let all = findings(&root, Path::new(YAML_NEW));
    assert_eq!(all, flow_taken_out());
    // Without a baseline, the root alone.
    let output = dvlint(&["check", root.to_str().unwrap(), "--format", "json"]);
    let report = json(&output);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let rules: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["root-component-missing"]);
    // Its advice names the YAML file, not the XML element.
    let help = diagnostics[0]["help"].as_str().unwrap();
    assert!(
        help.contains("remove this entry of rootcomponents.yml") && !help.contains('<'),
        "{help}"
    );
}

#[test]
fn a_loaders_message_names_yaml_keys_not_xml_elements() {
    let (_temp, root) = changed(|root| {
        edit(
            &root.join("optionsets/cts_priority/optionset.yml"),
            "- '@value': 100000000",
            "- '@number': 100000000",
        )
    });
    let output = dvlint(&["check", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains(
            "optionsets/cts_priority/optionset.yml:18:8: an option without a `'@value'` key"
        ),
        "{message}"
    );
}

#[test]
fn the_documentations_path_shape_is_an_error_naming_its_line() {
    let (_temp, root) = changed(|root| {
        fs::write(
            root.join("solutions/ContosoCore/solutioncomponents.yml"),
            "SolutionComponents:\n  - Path: entities/cts_project\n",
        )
        .unwrap()
    });
    let output = dvlint(&["check", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("solutions/ContosoCore/solutioncomponents.yml:2:5:")
            && message.contains("- Path: …"),
        "{message}"
    );
}

/// A root holding two solutions that share its component folders.
fn two_solutions() -> (tempfile::TempDir, PathBuf) {
    let (temp, root) = changed(|_| {});
    let second = root.join("solutions/ContosoExtra");
    fs::create_dir_all(&second).unwrap();
    let manifest = fs::read_to_string(root.join("solutions/ContosoCore/solution.yml"))
        .unwrap()
        .replace("UniqueName: ContosoCore", "UniqueName: ContosoExtra");
    fs::write(second.join("solution.yml"), manifest).unwrap();
    fs::write(
        second.join("solutioncomponents.yml"),
        "SolutionComponents:\n  Component:\n  - '@path': /entities/cts_milestone\n",
    )
    .unwrap();
    (temp, root)
}

#[test]
fn several_solutions_in_one_root_are_picked_by_name_or_folder() {
    let (_temp, root) = two_solutions();
    let path = root.to_str().unwrap();
    let output = dvlint(&["components", path]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains(
            "holds 2 solutions (ContosoCore, ContosoExtra); pick one with --solution NAME"
        ),
        "{message}"
    );
    let tables = |output: &Output| {
        let listing = json(output);
        let mut ids: Vec<String> = listing["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "entity")
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        (listing["solution"].as_str().unwrap().to_owned(), ids)
    };
    let by_name = dvlint(&[
        "components",
        path,
        "--solution",
        "contosoextra",
        "--format",
        "json",
    ]);
    let extra = ("ContosoExtra".to_owned(), vec!["cts_milestone".to_owned()]);
    assert_eq!(tables(&by_name), extra);
    let folder = root.join("solutions/ContosoExtra");
    let by_folder = dvlint(&["components", folder.to_str().unwrap(), "--format", "json"]);
    assert_eq!(tables(&by_folder), extra);
    let core = dvlint(&[
        "components",
        path,
        "--solution",
        "ContosoCore",
        "--format",
        "json",
    ]);
    assert_eq!(tables(&core).1.len(), 4);

    let wrong = dvlint(&["components", path, "--solution", "Nope"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr)
        .contains("holds no solution `Nope` (it holds ContosoCore, ContosoExtra)"));
    let clash = dvlint(&[
        "components",
        folder.to_str().unwrap(),
        "--solution",
        "ContosoCore",
    ]);
    assert_eq!(clash.status.code(), Some(2));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn a_git_baseline_reads_the_same_yaml_tree_at_a_revision() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path();
    git(repo, &["init", "-q"]);
    let root = repo.join("src/ContosoCore");
    copy_tree(Path::new(YAML_NEW), &root);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "1.2.0.0"]);
    fs::remove_file(root.join("entities/cts_project/attributes/cts_code.yml")).unwrap();
    edit(
        &root.join("solutions/ContosoCore/solution.yml"),
        "Version: 1.2.0.0",
        "Version: 1.2.1.0",
    );
    for path in [root.clone(), root.join("solutions/ContosoCore")] {
        let output = dvlint(&[
            "check",
            path.to_str().unwrap(),
            "--baseline",
            "git:HEAD",
            "--format",
            "json",
        ]);
        let report = json(&output);
        let got: Vec<(String, String)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let at = d["location"]["path"].as_str().unwrap();
                (d["rule"].as_str().unwrap().to_owned(), at.to_owned())
            })
            .collect();
        assert_eq!(
            got,
            [(
                "attribute-removed".to_owned(),
                "git:HEAD:src/ContosoCore/entities/cts_project/attributes/cts_code.yml".to_owned()
            )],
            "{}",
            path.display()
        );
    }
}
