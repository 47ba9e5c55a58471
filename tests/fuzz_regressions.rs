//! Replays the fuzz targets' regression corpora (`fuzz/regressions/<target>/`):
//! every input that once crashed, hung or exhausted memory, plus a few seeds, run
//! through the same entry points the fuzz targets call. Fuzzing itself runs with
//! cargo-fuzz (see the README's Security section), not here.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{}: no inputs", dir.display());
    for input in inputs {
        let bytes = std::fs::read(&input).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{} panicked", input.display());
    }
}

#[test]
fn zip_package_regressions() {
    replay("zip_package", dvlint::fuzzing::zip_package);
}

#[test]
fn xml_file_regressions() {
    replay("xml_file", dvlint::fuzzing::xml_file);
}

#[test]
fn component_file_regressions() {
    replay("component_file", dvlint::fuzzing::component_file);
}

#[test]
fn yaml_file_regressions() {
    replay("yaml_file", dvlint::fuzzing::yaml_file);
}

#[test]
fn policy_regressions() {
    replay("policy", dvlint::fuzzing::policy);
}

#[test]
fn json_reader_regressions() {
    replay("json_reader", dvlint::fuzzing::json_reader);
}

#[test]
fn solutions_file_regressions() {
    replay("solutions_file", dvlint::fuzzing::solutions_file);
}

#[test]
fn settings_file_regressions() {
    replay("settings_file", dvlint::fuzzing::settings_file);
}
