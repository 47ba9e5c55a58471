//! The dependency rules on every real package with `<MissingDependencies>`
//! (`../shared/corpus`), against what an independent script reads from the same
//! manifests (`scripts/corpus_dependencies.py`, written from the XML alone): an
//! environment holding every required solution at its version gives no
//! `dependency-missing` or `dependency-outdated`; removing one gives exactly one
//! `dependency-missing` for it; lowering one gives exactly one `dependency-outdated`;
//! the Web API's JSON and the policy's YAML list give the same findings. Skipped
//! where the corpus (or python3) is absent, outside CI.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
#![allow(clippy::print_stderr)] // tests: a skipped test says why

mod common;

use std::path::Path;
use std::process::Command;

use common::{check, essence, load};
use dvlint::engine::Outcome;
use dvlint::model::Solution;
use dvlint::policy::Policy;

const CORPUS: &str = "../shared/corpus";

#[derive(Debug, serde::Deserialize)]
struct Listing {
    packages: Vec<Package>,
}

#[derive(Debug, serde::Deserialize)]
struct Package {
    path: String,
    solution: String,
    dependencies: usize,
    required: Vec<Required>,
    active: Vec<Active>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct Required {
    name: String,
    version: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct Active {
    id: Option<String>,
    defined: bool,
}

/// CI always has the corpus and python3; elsewhere they may be missing.
fn present() -> bool {
    let present = Path::new(CORPUS).is_dir()
        && Command::new("python3")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    assert!(
        present || std::env::var_os("CI").is_none(),
        "{CORPUS} or python3 is missing in CI"
    );
    present
}

fn script() -> Listing {
    let output = Command::new("python3")
        .args(["scripts/corpus_dependencies.py", "--corpus", CORPUS])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// An environment's installed solutions, each `(name, version)`, managed.
type Installed = Vec<(String, String)>;

/// A policy with one environment `test` holding `installed`, as the policy's YAML
/// list or as the Web API's JSON file beside it, written in `dir`.
fn policy(dir: &Path, installed: &Installed, as_json: bool) -> Policy {
    let solutions = if as_json {
        // What the Web API returns, with the OData keys it adds.
        let rows: Vec<serde_json::Value> = installed
            .iter()
            .enumerate()
            .map(|(i, (name, version))| {
                serde_json::json!({
                    "@odata.etag": format!("W/\"{i}\""),
                    "uniquename": name,
                    "version": version,
                    "ismanaged": true,
                    "solutionid": format!("00000000-0000-0000-0000-{i:012}"),
                    "publisherid": { "uniquename": "microsoftdynamics", "publisherid": "p" }
                })
            })
            .collect();
        let document = serde_json::json!({
            "@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#solutions(uniquename,version,ismanaged,publisherid(uniquename))",
            "value": rows,
        });
        std::fs::write(
            dir.join("test-solutions.json"),
            serde_json::to_string_pretty(&document).unwrap(),
        )
        .unwrap();
        "test-solutions.json".to_owned()
    } else if installed.is_empty() {
        "[]".to_owned()
    } else {
        let rows: Vec<String> = installed
            .iter()
            .map(|(name, version)| {
                format!("\n      - {{ name: \"{name}\", version: \"{version}\", managed: true }}")
            })
            .collect();
        rows.concat()
    };
    let text = format!(
        "environments:\n  test:\n    version: \"9.2.24012.198\"\n    solutions: {solutions}\n"
    );
    let path = dir.join("dvlint.yaml");
    std::fs::write(&path, &text).unwrap();
    Policy::load(&path, &dvlint::rules::ids()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The components of one rule's findings, sorted.
fn components(outcome: &Outcome, rule: &str) -> Vec<String> {
    let mut found: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.component.clone().unwrap_or_else(|| d.message.clone()))
        .collect();
    found.sort();
    found
}

/// Checks `solution` against `installed`, written both ways; the two must agree.
fn against(solution: &Solution, dir: &Path, installed: &Installed, what: &str) -> Outcome {
    let listed = check(solution, None, &policy(dir, installed, false));
    let from_api = check(solution, None, &policy(dir, installed, true));
    assert_eq!(
        essence(&listed),
        essence(&from_api),
        "{what}: the YAML list and the Web API JSON disagree"
    );
    listed
}

/// A version lower than `version`: its last non-zero part one less, the parts
/// after it 0 (`9.0.0.0005` → `9.0.0.4`, `2.0` → `1.0`).
fn lowered(version: &str) -> String {
    let mut parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap()).collect();
    let last = parts.iter().rposition(|&p| p > 0).unwrap();
    parts[last] -= 1;
    for part in &mut parts[last + 1..] {
        *part = 0;
    }
    let parts: Vec<String> = parts.iter().map(u64::to_string).collect();
    parts.join(".")
}

#[test]
fn dependency_rules_agree_with_the_script_on_every_real_package() {
    if !present() {
        eprintln!("skipped: {CORPUS} or python3 is missing");
        return;
    }
    let listing = script();
    // The corpus's packages with MissingDependencies: 10 of them today.
    assert!(listing.packages.len() >= 10, "{listing:#?}");
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    for package in &listing.packages {
        let what = package.path.as_str();
        assert!(package.dependencies > 0, "{what}");
        let solution = load(Path::new(&package.path));
        assert_eq!(
            solution.manifest.unique_name.value, package.solution,
            "{what}"
        );
        let everything: Installed = package
            .required
            .iter()
            .map(|r| {
                let version = r.version.clone().unwrap_or_else(|| "1.0.0.0".to_owned());
                (r.name.clone(), version)
            })
            .collect();
        let expected: Vec<String> = {
            let mut ids: Vec<String> = package
                .required
                .iter()
                .map(|r| format!("solution/{}", r.name.to_ascii_lowercase()))
                .collect();
            ids.sort();
            ids
        };

        // Nothing installed: every required solution is missing, one finding each.
        let none = against(&solution, dir, &Vec::new(), what);
        assert_eq!(components(&none, "dependency-missing"), expected, "{what}");

        // Everything installed at the version the package was built against.
        let all = against(&solution, dir, &everything, what);
        for rule in ["dependency-missing", "dependency-outdated"] {
            assert_eq!(
                components(&all, rule),
                Vec::<String>::new(),
                "{what}: {rule}"
            );
        }
        // What the exporting environment had outside any solution, unless the
        // package carries it itself: the environment does not change that.
        let mut unmanaged: Vec<String> = package
            .active
            .iter()
            .filter(|a| !a.defined)
            .map(|a| {
                a.id.clone()
                    .unwrap_or_else(|| panic!("{what}: unmapped {a:?}"))
            })
            .collect();
        unmanaged.sort();
        unmanaged.dedup();
        assert_eq!(
            components(&all, "dependency-unmanaged"),
            unmanaged,
            "{what}"
        );
        assert_eq!(
            components(&none, "dependency-unmanaged"),
            unmanaged,
            "{what}"
        );
        for finding in all
            .diagnostics
            .iter()
            .filter(|d| d.rule.starts_with("dependency-"))
        {
            assert_ne!(finding.severity.to_string(), "error", "{what}: {finding:?}");
        }

        for (i, required) in package.required.iter().enumerate() {
            let id = format!("solution/{}", required.name.to_ascii_lowercase());
            // Removed: exactly one finding, for it.
            let mut without = everything.clone();
            without.remove(i);
            let outcome = against(&solution, dir, &without, what);
            assert_eq!(
                components(&outcome, "dependency-missing"),
                [id.as_str()],
                "{what} without {}",
                required.name
            );
            assert!(
                components(&outcome, "dependency-outdated").is_empty(),
                "{what}"
            );
            // Installed at a lower version: outdated, not missing.
            let Some(version) = &required.version else {
                continue;
            };
            let mut older = everything.clone();
            older[i].1 = lowered(version);
            let outcome = against(&solution, dir, &older, what);
            assert_eq!(
                components(&outcome, "dependency-outdated"),
                [id.as_str()],
                "{what} with {} at {}",
                required.name,
                older[i].1
            );
            assert!(
                components(&outcome, "dependency-missing").is_empty(),
                "{what}"
            );
            // The name is matched in any case, as Dataverse does.
            let mut shouted = everything.clone();
            shouted[i].0 = required.name.to_ascii_uppercase();
            let outcome = against(&solution, dir, &shouted, what);
            assert!(
                components(&outcome, "dependency-missing").is_empty(),
                "{what}"
            );
        }
    }
}

#[test]
fn lowered_versions_are_lower() {
    assert_eq!(lowered("9.0.0.0005"), "9.0.0.4");
    assert_eq!(lowered("2.0"), "1.0");
    assert_eq!(lowered("8.2.0.0"), "8.1.0.0");
    assert_eq!(lowered("1.0.20230421.1"), "1.0.20230421.0");
}

/// One real export checked against environments that have it installed.
#[test]
fn an_installed_release_gives_the_version_and_mode_findings() {
    let zip =
        Path::new(CORPUS).join("tc-ca-security-screening/SecurityScreening_unmanaged_1_0_0_6.zip");
    if !zip.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing in CI",
            zip.display()
        );
        return;
    }
    let solution = load(&zip);
    assert_eq!(solution.manifest.version.value.raw, "1.0.0.6");
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("dvlint.yaml");
    // SecurityScreening 1.0.0.6 is unmanaged, exported for 9.2.
    let installed = |version: &str, managed: bool| {
        format!(
            "      - {{ name: securityscreening, version: \"{version}\", managed: {managed} }}\n"
        )
    };
    let text = format!(
        "environments:\n  same:\n    version: \"9.2.24012.198\"\n    solutions:\n{}  newer:\n    version: \"9.2.24012.198\"\n    solutions:\n{}  managed:\n    version: \"9.2.24012.198\"\n    solutions:\n{}  older:\n    version: \"9.2.24012.198\"\n    solutions:\n{}  old-platform:\n    version: \"8.0.0.0\"\n",
        installed("1.0.0.6", false),
        installed("1.0.0.7", false),
        installed("1.0.0.5", true),
        installed("1.0.0.5", false),
    );
    std::fs::write(&path, &text).unwrap();
    let policy = Policy::load(&path, &dvlint::rules::ids()).unwrap();
    let outcome = check(&solution, None, &policy);
    let rules = [
        "version-not-incremented",
        "version-decreased",
        "managed-state-changed",
        "package-version-too-new",
    ];
    let mut found: Vec<(&str, &str)> = outcome
        .diagnostics
        .iter()
        .filter(|d| rules.contains(&d.rule))
        .map(|d| (d.environment.as_deref().unwrap_or("-"), d.rule))
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            ("managed", "managed-state-changed"),
            ("newer", "version-decreased"),
            ("old-platform", "package-version-too-new"),
            ("same", "version-not-incremented"),
        ],
        "{:#?}",
        outcome.diagnostics
    );
    let too_new = outcome
        .diagnostics
        .iter()
        .find(|d| d.rule == "package-version-too-new")
        .unwrap();
    assert!(
        too_new.message.contains("`9.2`") && too_new.message.contains("8.0.0.0"),
        "{}",
        too_new.message
    );
}
