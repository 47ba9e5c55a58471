//! The YAML source format on real trees, against an independent reading of the
//! files: `scripts/corpus_yaml.py` (PyYAML, written from the format note, the
//! README and the rule pages, without reading dvlint's code) must agree exactly
//! with dvlint on
//! - every root of `../shared/corpus/yaml/` and the bundled `examples/yaml/`:
//!   the components `dvlint components` lists (kind, id, name, reference, file,
//!   line), and what `dvlint check` finds without a baseline (the listed paths
//!   with no file, the roots with no source);
//! - every real history pair, in order, reversed and skipping one, each root
//!   against itself, and edited copies of real roots (a column file, a table
//!   folder, a `solutioncomponents.yml` entry, a root's source, options, a
//!   global choice, a relationship, a column's type and length, backslash and
//!   upper-case paths, forms of a table not listed): the findings of
//!   `dvlint check --baseline`, as (rule, component, side, file, line);
//! - the documentation's `- Path:` shape of `solutioncomponents.yml`: exit code
//!   2 from both, naming its line.
//!
//! Without python3 and PyYAML (or the corpus) it is skipped, except in CI.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const CORPUS: &str = "../shared/corpus";
const SCRIPT: &str = "scripts/corpus_yaml.py";

/// Whether the script can run: python3 with PyYAML, and the corpus. Outside CI
/// a missing one skips the test; in CI it fails it.
fn ready() -> bool {
    let python = Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    let corpus = Path::new(CORPUS).join("yaml").is_dir();
    if std::env::var_os("CI").is_some() {
        assert!(python, "python3 with PyYAML is needed in CI");
        assert!(corpus, "{CORPUS} is missing in CI");
    }
    python && corpus
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program).args(args).output().unwrap()
}

fn dvlint(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_dvlint"), args)
}

fn script(args: &[&str]) -> Output {
    let mut all = vec![SCRIPT];
    all.extend_from_slice(args);
    run("python3", &all)
}

fn json(output: &Output, what: &str) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: {e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// A finding: rule, component, side (`baseline` or `candidate`), file relative
/// to that side's root, line.
type Finding = (String, String, String, String, u64);

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_owned()
}

fn their_findings(report: &Value) -> BTreeSet<Finding> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                text(&f["rule"]),
                text(&f["component"]),
                text(&f["side"]),
                text(&f["file"]),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// `dvlint check candidate [--baseline baseline]`, each place made relative to
/// its side's root.
fn our_findings(candidate: &str, baseline: Option<&str>) -> BTreeSet<Finding> {
    let mut args = vec!["check", candidate, "--format", "json"];
    if let Some(baseline) = baseline {
        args.extend(["--baseline", baseline]);
    }
    let output = dvlint(&args);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "dvlint {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sides = [
        ("candidate", candidate),
        ("baseline", baseline.unwrap_or("")),
    ];
    json(&output, candidate)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = text(&d["location"]["path"]);
            let (side, file) = sides
                .iter()
                .filter(|(_, root)| !root.is_empty())
                .find_map(|(side, root)| {
                    path.strip_prefix(&format!("{root}/"))
                        .map(|file| (*side, file.to_owned()))
                })
                .unwrap_or_else(|| panic!("{path} is in neither root"));
            (
                text(&d["rule"]),
                text(&d["component"]),
                side.to_owned(),
                file,
                d["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A listed component: kind, id, name, reference, file, line.
type Listed = (String, String, String, bool, String, u64);

fn their_components(inventory: &Value) -> BTreeSet<Listed> {
    inventory["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                text(&c["kind"]),
                text(&c["id"]),
                text(&c["name"]),
                c["reference"].as_bool().unwrap(),
                text(&c["file"]),
                c["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn our_components(root: &str) -> BTreeSet<Listed> {
    let output = dvlint(&["components", root, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "components {root}");
    json(&output, root)["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let path = text(&c["location"]["path"]);
            let file = path
                .strip_prefix(&format!("{root}/"))
                .unwrap_or_else(|| panic!("{path} is not in {root}"));
            (
                text(&c["kind"]),
                text(&c["id"]),
                text(&c["name"]),
                c["reference"].as_bool().unwrap(),
                file.to_owned(),
                c["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn agree<T: Ord + std::fmt::Debug>(what: &str, theirs: &BTreeSet<T>, ours: &BTreeSet<T>) {
    let missing: Vec<&T> = theirs.difference(ours).collect();
    let extra: Vec<&T> = ours.difference(theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: dvlint lacks {missing:#?}\nand adds {extra:#?}"
    );
}

/// One root: what it lists, and what it holds that needs no baseline to find.
fn check_root(root: &str) -> (usize, usize) {
    let output = script(&[root]);
    assert!(output.status.success(), "{SCRIPT} {root}");
    let inventory = json(&output, root);
    let components = their_components(&inventory);
    agree(
        &format!("components of {root}"),
        &components,
        &our_components(root),
    );
    let findings = their_findings(&inventory);
    agree(
        &format!("{root} alone"),
        &findings,
        &our_findings(root, None),
    );
    (components.len(), findings.len())
}

#[test]
fn real_trees_and_edits_give_what_an_independent_reading_of_the_files_gives() {
    if !ready() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let listing = script(&[
        "--corpus",
        CORPUS,
        "--emit-cases",
        temp.path().to_str().unwrap(),
    ]);
    assert!(
        listing.status.success(),
        "{}",
        String::from_utf8_lossy(&listing.stderr)
    );
    let cases: Vec<Value> = serde_json::from_value(json(&listing, "--emit-cases")).unwrap();
    assert!(cases.len() >= 35, "only {} cases", cases.len());

    let mut roots = BTreeSet::new();
    let mut with_findings = 0;
    let mut errors = 0;
    for case in &cases {
        let label = text(&case["label"]);
        if let Some(expected) = case["error"].as_str() {
            // Both refuse the tree, naming the file and line.
            let root = text(&case["root"]);
            for (who, output) in [
                ("dvlint", dvlint(&["check", &root])),
                ("script", script(&[&root])),
            ] {
                let message = String::from_utf8_lossy(&output.stderr);
                assert_eq!(output.status.code(), Some(2), "{label}: {who}: {message}");
                assert!(
                    message.contains(&format!("{expected}:")),
                    "{label}: {who} does not name {expected}: {message}"
                );
            }
            errors += 1;
            continue;
        }
        let (baseline, candidate) = (text(&case["baseline"]), text(&case["candidate"]));
        let output = script(&[&baseline, &candidate]);
        assert!(
            output.status.success(),
            "{label}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut theirs = their_findings(&json(&output, &label));
        let mut ours = our_findings(&candidate, Some(&baseline));
        if baseline == candidate {
            // One root on both sides: a place cannot tell them apart.
            let one_side = |all: BTreeSet<Finding>| -> BTreeSet<Finding> {
                all.into_iter()
                    .map(|(r, c, _, f, l)| (r, c, "candidate".to_owned(), f, l))
                    .collect()
            };
            theirs = one_side(theirs);
            ours = one_side(ours);
        }
        agree(&label, &theirs, &ours);
        with_findings += usize::from(!ours.is_empty());
        roots.insert(baseline);
        roots.insert(candidate);
    }
    // The test must see findings and the error, not only agreement on nothing.
    assert!(
        with_findings >= 20,
        "only {with_findings} cases with findings"
    );
    assert_eq!(errors, 1);

    let mut components = 0;
    for root in &roots {
        components += check_root(root).0;
    }
    assert!(components >= 200, "only {components} components listed");
}

/// The six corpus roots, with what each holds (counted by hand in
/// `scripts/corpus_yaml.md`).
#[test]
fn every_corpus_root_lists_what_its_files_define() {
    if !ready() {
        return;
    }
    let expected = [
        ("dverse/26f296f", 13, 0),
        ("dverse/3556aa8", 7, 0),
        ("dverse/b121d71", 8, 0),
        ("ppat/1a74dce", 0, 0),
        ("ppat/6393f33", 3, 4),
        ("ppat/e1cc8c6", 3, 0),
    ];
    for (root, components, findings) in expected {
        let path = format!("{CORPUS}/yaml/{root}");
        assert_eq!(check_root(&path), (components, findings), "{root}");
    }
}

/// The script's own check against counts and findings read by hand.
#[test]
fn the_scripts_self_test_passes() {
    if !ready() {
        return;
    }
    let output = script(&["--self-test", "--corpus", CORPUS]);
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
