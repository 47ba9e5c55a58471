//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dvlint::engine::{self, Outcome};
use dvlint::model::Solution;
use dvlint::policy::{Date, Policy};

pub mod bounded;
pub mod deployment;

/// Zips a folder in memory, keeping its relative paths: the zip loader then reads
/// exactly what the folder loader reads.
pub fn zip_folder(root: &Path) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut files = Vec::new();
    collect_files(root, root, &mut files);
    files.sort();
    for (name, path) in files {
        writer.start_file(name, options).unwrap();
        writer.write_all(&std::fs::read(path).unwrap()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A zip from (member name, content) pairs.
pub fn zip_members(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(root, &path, out);
        } else {
            let name = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((name, path));
        }
    }
}

pub fn load(path: &Path) -> Solution {
    dvlint::package::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn load_as_zip(path: &Path, name: &str) -> Solution {
    dvlint::package::load_zip_bytes(name, zip_folder(path))
        .unwrap_or_else(|e| panic!("{} zipped: {e}", path.display()))
}

pub fn policy_in(dir: &Path) -> Policy {
    let path = dir.join("dvlint.yaml");
    if path.exists() {
        Policy::load(&path, &dvlint::rules::ids()).unwrap_or_else(|e| panic!("{e}"))
    } else {
        Policy::default()
    }
}

/// The day the tests check on: fixtures expire on 2020-01-01 or on 2999-12-31,
/// never near it.
pub fn today() -> Date {
    "2026-06-30".parse().unwrap()
}

/// Runs the catalogue as `dvlint check` does: against every environment the
/// policy lists, with no other solutions, then judges the policy's `allow`
/// entries over that one candidate.
pub fn check(candidate: &Solution, baseline: Option<&Solution>, policy: &Policy) -> Outcome {
    check_among(candidate, baseline, policy, &[])
}

/// [`check`], with other solutions of the policy deployed alongside.
pub fn check_among(
    candidate: &Solution,
    baseline: Option<&Solution>,
    policy: &Policy,
    others: &[Solution],
) -> Outcome {
    let environments = dvlint::environment::load(policy, &[])
        .unwrap_or_else(|e| panic!("environments of the policy: {e}"));
    let others: Vec<&Solution> = others.iter().collect();
    let scope = engine::Scope {
        environments: &environments,
        others: &others,
        today: Some(today()),
    };
    let mut outcomes = [engine::check_in(candidate, baseline, policy, scope)];
    engine::judge_run(policy, &mut outcomes, today());
    let [outcome] = outcomes;
    outcome
}

/// The parts of a finding that do not depend on where the package came from.
pub fn essence(outcome: &Outcome) -> Vec<(String, String, Option<String>, String)> {
    let mut found: Vec<_> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.to_owned(),
                d.severity.to_string(),
                d.component.clone(),
                d.message.clone(),
            )
        })
        .collect();
    found.sort();
    found
}

pub const REMOVAL_RULES: [&str; 5] = [
    "entity-removed",
    "attribute-removed",
    "relationship-removed",
    "optionset-removed",
    "option-removed",
];

/// Copies a folder tree (a package to edit in a temp dir).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A minimal managed manifest (`solution.xml`): ContosoCore 1.2.0.0, publisher Contoso.
pub const SOLUTION_XML: &str = r#"<ImportExportXml version="9.2.24012.198" SolutionPackageVersion="9.2" languagecode="1033" generatedBy="CrmLive">
  <SolutionManifest>
    <UniqueName>ContosoCore</UniqueName>
    <Version>1.2.0.0</Version>
    <Managed>1</Managed>
    <Publisher>
      <UniqueName>Contoso</UniqueName>
      <CustomizationPrefix>cts</CustomizationPrefix>
      <CustomizationOptionValuePrefix>10000</CustomizationOptionValuePrefix>
    </Publisher>
    <RootComponents />
    <MissingDependencies />
  </SolutionManifest>
</ImportExportXml>"#;

/// Runs the dvlint binary as a user would, in `cwd`, without colour.
pub fn dvlint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dvlint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the dvlint binary runs")
}
