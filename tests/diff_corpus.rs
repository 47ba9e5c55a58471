//! `dvlint diff` on real releases against an independent diff of the files:
//! `scripts/corpus_diff.py` (Python's ElementTree and zipfile, written from the
//! README's rules for what a diff lists, without reading dvlint's code) must list
//! exactly the rows dvlint lists — change, kind, component and the aspects that
//! changed — on every real history pair of the corpus, the same releases in two
//! forms, and synthetic edits of real packages (a column's type, length and
//! requirement, renames, options, a removed table, references, variables'
//! defaults, references' connectors, the version, managed state and publisher).
//! Every package also lists nothing against itself.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const CORPUS: &str = "../shared/corpus";

type Row = (String, String, String, Vec<String>);

fn script(args: &[&str]) -> Option<Vec<u8>> {
    let output = match Command::new("python3")
        .arg("scripts/corpus_diff.py")
        .args(args)
        .output()
    {
        Ok(output) => output,
        Err(_) if std::env::var_os("CI").is_none() => return None,
        Err(e) => panic!("python3 is needed in CI: {e}"),
    };
    assert!(
        output.status.success(),
        "corpus_diff.py {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output.stdout)
}

fn their_rows(baseline: &str, candidate: &str) -> Vec<Row> {
    let json: Value = serde_json::from_slice(&script(&[baseline, candidate]).unwrap()).unwrap();
    let mut rows: Vec<Row> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |key: &str| c[key].as_str().unwrap().to_owned();
            let mut aspects: Vec<String> = c["aspects"]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            aspects.sort();
            (text("change"), text("kind"), text("component"), aspects)
        })
        .collect();
    rows.sort();
    rows
}

fn our_rows(baseline: &str, candidate: &str) -> Vec<Row> {
    let (baseline, candidate) = (
        common::load(Path::new(baseline)),
        common::load(Path::new(candidate)),
    );
    let mut rows: Vec<Row> = dvlint::review::changes(&baseline, &candidate)
        .into_iter()
        .map(|row| {
            let mut aspects: Vec<String> = row.aspects.iter().map(|a| (*a).to_owned()).collect();
            aspects.sort();
            (
                row.change.as_str().to_owned(),
                row.kind,
                row.component,
                aspects,
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn real_pairs_and_edits_list_what_an_independent_diff_of_the_files_lists() {
    if !Path::new(CORPUS).is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{CORPUS} is missing in CI"
        );
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let Some(listing) = script(&[
        "--corpus",
        CORPUS,
        "--emit-cases",
        temp.path().to_str().unwrap(),
    ]) else {
        return;
    };
    let cases: Vec<Value> = serde_json::from_slice(&listing).unwrap();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut packages = BTreeSet::new();
    let mut changed_pairs = 0;
    for case in &cases {
        let label = case["label"].as_str().unwrap();
        let (baseline, candidate) = (
            case["baseline"].as_str().unwrap(),
            case["candidate"].as_str().unwrap(),
        );
        let theirs = their_rows(baseline, candidate);
        let ours = our_rows(baseline, candidate);
        let missing: Vec<&Row> = theirs.iter().filter(|r| !ours.contains(r)).collect();
        let extra: Vec<&Row> = ours.iter().filter(|r| !theirs.contains(r)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{label}: dvlint lacks {missing:#?}\nand adds {extra:#?}"
        );
        changed_pairs += usize::from(!ours.is_empty());
        packages.insert(baseline.to_owned());
        packages.insert(candidate.to_owned());
    }
    // The test must see changes, not only agreement on nothing.
    assert!(
        changed_pairs >= 25,
        "only {changed_pairs} pairs with changes"
    );
    for package in &packages {
        assert_eq!(our_rows(package, package), [], "{package} against itself");
    }
}
