//! `dvlint components` against an independent reading of the real packages:
//! `scripts/corpus_inventory.py` (Python's ElementTree, written from the id scheme
//! alone) must list exactly the components, ids, names and references dvlint does.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const CORPUS: &str = "../shared/corpus";

type Listing = BTreeMap<String, (String, String, bool)>;

fn python_inventory() -> Option<BTreeMap<String, (String, Listing)>> {
    let output = Command::new("python3")
        .args(["scripts/corpus_inventory.py", "--corpus", CORPUS])
        .output();
    let output = match output {
        Ok(output) => output,
        Err(_) if std::env::var_os("CI").is_none() => return None,
        Err(e) => panic!("python3 is needed in CI: {e}"),
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut packages = BTreeMap::new();
    for package in json["packages"].as_array().unwrap() {
        let mut listing = Listing::new();
        for c in package["components"].as_array().unwrap() {
            listing.insert(
                c["id"].as_str().unwrap().to_owned(),
                (
                    c["kind"].as_str().unwrap().to_owned(),
                    c["name"].as_str().unwrap().to_owned(),
                    c["reference"].as_bool().unwrap(),
                ),
            );
        }
        packages.insert(
            package["path"].as_str().unwrap().to_owned(),
            (package["solution"].as_str().unwrap().to_owned(), listing),
        );
    }
    Some(packages)
}

#[test]
fn every_real_package_lists_what_an_independent_reader_finds() {
    if !Path::new(CORPUS).is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{CORPUS} is missing in CI"
        );
        return;
    }
    let Some(expected) = python_inventory() else {
        return;
    };
    assert!(expected.len() >= 25, "only {} packages", expected.len());
    let mut problems = Vec::new();
    for (path, (solution, listing)) in &expected {
        let loaded = common::load(Path::new(path));
        assert_eq!(&loaded.manifest.unique_name.value, solution, "{path}");
        let ours: Listing = dvlint::inventory::inventory(&loaded)
            .into_iter()
            .map(|e| (e.id, (e.kind, e.name, e.reference)))
            .collect();
        for (id, theirs) in listing {
            match ours.get(id) {
                None => problems.push(format!("{path}: dvlint misses {id} {theirs:?}")),
                Some(mine) if mine != theirs => {
                    problems.push(format!("{path}: {id}: dvlint {mine:?}, script {theirs:?}"))
                }
                Some(_) => {}
            }
        }
        for (id, mine) in &ours {
            if !listing.contains_key(id) {
                problems.push(format!("{path}: only dvlint lists {id} {mine:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems[..problems.len().min(80)].join("\n")
    );
}
