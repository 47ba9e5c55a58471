//! The environment variables and connection references of every real package
//! against an independent reading: `scripts/corpus_deployment.py` (Python's
//! ElementTree and json, written from the formats alone) must find exactly the
//! names, types, defaults, current values and connectors dvlint's model holds,
//! for every form in the corpus, and for its unpacked folders zipped.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::deployment::{model_json, script};
use common::{load, load_as_zip};
use serde_json::Value;

const CORPUS: &str = "../shared/corpus";

#[test]
fn every_real_package_holds_what_an_independent_reader_finds() {
    if !Path::new(CORPUS).is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{CORPUS} is missing in CI"
        );
        return;
    }
    let Some(expected) = script(&["--corpus", CORPUS]) else {
        return;
    };
    assert!(expected.len() >= 25, "only {} packages", expected.len());
    let mut counts = BTreeMap::new();
    for (path, theirs) in &expected {
        let package = Path::new(path);
        let loaded = load(package);
        assert_eq!(model_json(&loaded), *theirs, "{path}");
        // The same files in a zip: how newer exports carry component folders.
        if package.is_dir() {
            let zipped = load_as_zip(package, "zipped.zip");
            assert_eq!(model_json(&zipped), *theirs, "{path} zipped");
        }
        let length = |key: &str| theirs[key].as_array().map_or(0, Vec::len);
        let short = path.trim_start_matches(CORPUS).trim_start_matches('/');
        counts.insert(
            short.to_owned(),
            (
                length("environment_variables"),
                length("connection_references"),
            ),
        );
    }
    // What the corpus is known to hold, so that an empty reading on both sides
    // cannot pass.
    let kit = &expected
        .iter()
        .find(|(path, _)| path.contains("business-approvals-kit/c6ab3169"))
        .unwrap()
        .1;
    let kinds: Vec<(&str, &Value)> = kit["environment_variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["type"].as_str().unwrap(), &v["default_value"]))
        .collect();
    assert_eq!(
        kinds,
        [
            ("100000000", &Value::Null),
            ("100000002", &Value::from("no")),
            ("100000001", &Value::from("0")),
        ]
    );
    for (package, (variables, references)) in [
        ("business-approvals-kit/8ef497a9/src", (1, 3)),
        ("business-approvals-kit/c6ab3169/src", (3, 6)),
        ("tc-ca-security-screening/1.0.0.6", (0, 3)),
        (
            "tc-ca-security-screening/SecurityScreening_unmanaged_1_0_0_6.zip",
            (0, 3),
        ),
    ] {
        assert_eq!(
            counts.get(package),
            Some(&(variables, references)),
            "{package}"
        );
    }
    let others: usize = counts
        .iter()
        .filter(|(path, _)| !path.contains("business-approvals-kit") && !path.contains("tc-ca"))
        .map(|(_, (v, r))| v + r)
        .sum();
    assert_eq!(others, 0, "{counts:?}");
}
