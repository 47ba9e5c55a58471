//! Real exports from public repositories (`../shared/corpus`, beside the project):
//! every one loads, and none gives a false finding against itself or a copy whose
//! version went up. Skipped where the corpus is absent.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::{check, copy_tree, essence, load, zip_members};
use dvlint::model::Solution;
use dvlint::policy::Policy;

const CORPUS: &str = "../shared/corpus";

/// Every package in the corpus: zips, unpacked folders and extracted exports.
fn packages() -> Vec<PathBuf> {
    let mut found = Vec::new();
    walk(Path::new(CORPUS), &mut found);
    found.sort();
    found
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let unpacked = path.join("Other/Solution.xml").is_file();
            let extracted =
                path.join("solution.xml").is_file() && path.join("customizations.xml").is_file();
            if unpacked || extracted {
                found.push(path);
            } else {
                walk(&path, found);
            }
        } else if path.extension().is_some_and(|e| e == "zip") {
            found.push(path);
        }
    }
}

/// CI always has the corpus beside the project; elsewhere it may be missing.
fn corpus_present() -> bool {
    let present = Path::new(CORPUS).is_dir();
    assert!(
        present || std::env::var_os("CI").is_none(),
        "{CORPUS} is missing in CI"
    );
    present
}

/// Findings a package must never produce against itself or its next revision.
const NEVER: [&str; 12] = [
    "component-removed",
    "root-component-missing",
    "entity-removed",
    "attribute-removed",
    "relationship-removed",
    "optionset-removed",
    "option-removed",
    "attribute-type-changed",
    "attribute-length-reduced",
    "package-version-edited",
    "baseline-mismatch",
    "version-decreased",
];

fn assert_none_of(outcome: &dvlint::engine::Outcome, rules: &[&str], what: &str) {
    let wrong: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| rules.contains(&d.rule))
        .map(|d| format!("{}: {}", d.rule, d.message))
        .collect();
    assert!(wrong.is_empty(), "{what}: {wrong:#?}");
}

/// `1.0.0.6` -> `1.0.0.7`, `2.0.0` -> `2.0.1`, `0.0.0051` -> `0.0.0052`.
fn bump(version: &str) -> String {
    let mut parts: Vec<String> = version.split('.').map(str::to_owned).collect();
    let last = parts.last_mut().unwrap();
    let next = last.parse::<u64>().unwrap() + 1;
    *last = format!("{next:0width$}", width = last.len());
    parts.join(".")
}

fn bump_manifest(xml: &str) -> String {
    let start = xml.find("<Version>").unwrap() + "<Version>".len();
    let end = start + xml[start..].find("</Version>").unwrap();
    format!("{}{}{}", &xml[..start], bump(&xml[start..end]), &xml[end..])
}

/// The same package with its revision raised, loaded from memory or a temp copy.
fn bumped_copy(path: &Path) -> (Solution, Option<tempfile::TempDir>) {
    if path.is_file() {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut members: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            let name = file.name().to_owned();
            if name.eq_ignore_ascii_case("solution.xml") {
                let text = String::from_utf8(bytes).unwrap();
                bytes = bump_manifest(&text).into_bytes();
            }
            members.push((name, bytes));
        }
        let borrowed: Vec<(&str, &[u8])> = members
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let shown = format!("{}+1", path.display());
        let solution = dvlint::package::load_zip_bytes(&shown, zip_members(&borrowed)).unwrap();
        (solution, None)
    } else {
        let temp = tempfile::tempdir().unwrap();
        copy_tree(path, temp.path());
        let manifest = if temp.path().join("Other/Solution.xml").is_file() {
            temp.path().join("Other/Solution.xml")
        } else {
            temp.path().join("solution.xml")
        };
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, bump_manifest(&text)).unwrap();
        (load(temp.path()), Some(temp))
    }
}

#[test]
fn every_real_package_loads_and_matches_itself() {
    if !corpus_present() {
        return;
    }
    let packages = packages();
    assert!(
        packages.len() >= 25,
        "found only {} packages",
        packages.len()
    );
    let policy = Policy::default();
    for path in packages {
        let what = path.display().to_string();
        let solution = load(&path);
        let alone = check(&solution, None, &policy);
        assert_none_of(&alone, &NEVER, &what);
        let itself = check(&solution, Some(&solution), &policy);
        assert_none_of(&itself, &NEVER, &format!("{what} against itself"));

        let (next, _temp) = bumped_copy(&path);
        let upgrade = check(&next, Some(&solution), &policy);
        assert_none_of(&upgrade, &NEVER, &format!("{what} +1 against {what}"));
        assert_none_of(&upgrade, &["version-not-incremented"], &what);
    }
}

#[test]
fn the_unpacked_folder_and_the_zip_of_one_release_give_the_same_model() {
    if !corpus_present() {
        return;
    }
    let folder = load(Path::new(
        "../shared/corpus/tc-ca-security-screening/1.0.0.6",
    ));
    let zip = load(Path::new(
        "../shared/corpus/tc-ca-security-screening/SecurityScreening_unmanaged_1_0_0_6.zip",
    ));
    assert_eq!(folder.title(), zip.title());
    assert_eq!(summary(&folder), summary(&zip));
    assert_eq!(folder.entities.len(), 8);
    assert_eq!(
        folder
            .entities
            .values()
            .map(|e| e.attributes.len())
            .sum::<usize>(),
        191
    );
    assert_eq!(folder.relationships.len(), 54);
    // Each against the other: the same release, so only its unchanged version is reported.
    let policy = Policy::default();
    for outcome in [
        check(&folder, Some(&zip), &policy),
        check(&zip, Some(&folder), &policy),
    ] {
        let rules: Vec<_> = outcome.diagnostics.iter().map(|d| d.rule).collect();
        assert_eq!(rules, ["version-not-incremented"]);
    }
}

type Columns = Vec<(String, Option<String>, Option<u64>, Vec<i64>)>;
type ModelSummary = (Vec<(String, Columns)>, Vec<String>, Vec<(String, Vec<i64>)>);

fn summary(solution: &Solution) -> ModelSummary {
    let entities = solution
        .entities
        .iter()
        .map(|(name, entity)| {
            let columns = entity
                .attributes
                .iter()
                .map(|(column, a)| {
                    (
                        column.clone(),
                        a.kind.as_ref().map(|k| k.value.clone()),
                        a.max_length.as_ref().map(|m| m.value),
                        a.local_options
                            .as_ref()
                            .map(|o| o.options.keys().copied().collect())
                            .unwrap_or_default(),
                    )
                })
                .collect();
            (name.clone(), columns)
        })
        .collect();
    let relationships = solution.relationships.keys().cloned().collect();
    let option_sets = solution
        .option_sets
        .iter()
        .map(|(name, set)| (name.clone(), set.options.keys().copied().collect()))
        .collect();
    (entities, relationships, option_sets)
}

#[test]
fn real_release_histories_hold_no_risky_change() {
    if !corpus_present() {
        return;
    }
    let policy = Policy::default();
    // A pure version bump, 1.0.0.0 -> 1.1.0.0, managed and unmanaged twins.
    let artifacts = Path::new(
        "../shared/corpus/xrm-ci-framework/0a3c67fd/MSDYNV9/Xrm.Framework.CI/Xrm.Framework.CI.Common.IntegrationTests/Artifacts",
    );
    for suffix in ["", "_managed"] {
        let old = load(&artifacts.join(format!("Success_1_0_0_0{suffix}.zip")));
        let new = load(&artifacts.join(format!("Success_1_1_0_0{suffix}.zip")));
        assert!(essence(&check(&new, Some(&old), &policy)).is_empty());
    }
    // Two commits of a kit kept at 0.0.0.0 in source: only additions and a longer column.
    let old = load(Path::new(
        "../shared/corpus/business-approvals-kit/8ef497a9/src",
    ));
    let new = load(Path::new(
        "../shared/corpus/business-approvals-kit/c6ab3169/src",
    ));
    let found = essence(&check(&new, Some(&old), &policy));
    // Only the version, the one component the newer commit really dropped, and two
    // components it needs from outside any solution:
    // the dashboard, whose file and whose `<RootComponent type="60">` are both gone.
    let rules: Vec<(&str, Option<&str>)> = found
        .iter()
        .map(|(rule, _, component, _)| (rule.as_str(), component.as_deref()))
        .collect();
    assert_eq!(
        rules,
        [
            (
                "component-removed",
                Some("systemform/77d97034-84b4-ed11-83fe-0022482a97de")
            ),
            // Both are real: the newer commit's flows need a custom connector and a
            // connection reference that the exporting environment had outside any
            // solution (`solution="Active"`), and the kit defines neither.
            (
                "dependency-unmanaged",
                Some("connectionreference/contoso_sharedcommondataserviceforapps_b6a8a")
            ),
            (
                "dependency-unmanaged",
                Some("connector/cat_5fmicrosoft-20graph-20mailboxsetting")
            ),
            ("version-not-incremented", None)
        ],
        "{found:#?}"
    );
    // The reverse drops the three tables the newer commit added, and more.
    let reverse = check(&old, Some(&new), &policy);
    assert!(reverse
        .diagnostics
        .iter()
        .any(|d| d.rule == "entity-removed"));
    // Every other component the newer commit added, as `scripts/corpus_inventory.py`
    // lists them (the forms and views of the three new tables go with the tables).
    let mut removed: Vec<&str> = reverse
        .diagnostics
        .iter()
        .filter(|d| d.rule == "component-removed")
        .filter_map(|d| d.component.as_deref())
        .collect();
    removed.sort_unstable();
    assert_eq!(
        removed,
        [
            "connectionreference/cat_businessapprovalkitmicrosoftgraphmailboxsetting",
            "connectionreference/cat_businessapprovalkitmicrosoftteams",
            "connectionreference/cat_businessapprovalkito365outlook",
            "environmentvariabledefinition/cat_enableoffice365mailboxsettings",
            "environmentvariabledefinition/cat_outofofficecheckdays",
            "pluginassembly/createbusinessapprovalwf",
            "webresource/cat_businessapproval_nodereminder",
            "webresource/cat_businessapproval_reminderinstance",
            "webresource/cat_businessapproval_runtimenodereminder",
            "workflow/0bc0b71b-0bfd-ee11-a1fe-000d3a16bed5",
            "workflow/a68e0a7e-37ec-ee11-904d-000d3a8edea8",
        ]
    );
}
