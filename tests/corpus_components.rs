//! Real packages with one component taken out, as a maker who deleted it would
//! ship them: an exported zip (tc-ca, flows and connection references in
//! customizations.xml), an unpacked folder (business-approvals-kit, flows in
//! `Workflows/`, connection references in `Other/Customizations.xml`, environment
//! variables in `environmentvariabledefinitions/`) and that folder zipped. Each
//! removal is exactly one `component-removed` with the component's id; a
//! definition taken out while its root component stays is `root-component-missing`.
//! Skipped where the corpus is absent.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::io::Read;
use std::path::Path;

use common::{check, copy_tree, load, zip_folder, zip_members};
use dvlint::model::Solution;
use dvlint::policy::Policy;

const KIT: &str = "../shared/corpus/business-approvals-kit/c6ab3169/src";
const TC_CA_ZIP: &str =
    "../shared/corpus/tc-ca-security-screening/SecurityScreening_unmanaged_1_0_0_6.zip";

const FLOW: &str = "workflow/c23760b5-657a-ed11-81ad-000d3af460f9";
const FLOW_FILE: &str =
    "Workflows/BACoreCopyProcess-C23760B5-657A-ED11-81AD-000D3AF460F9.json.data.xml";
const FLOW_ROOT: &str =
    "<RootComponent type=\"29\" id=\"{c23760b5-657a-ed11-81ad-000d3af460f9}\" behavior=\"0\" />";
const REFERENCE: &str = "connectionreference/cat_businessapprovalkitmicrosoftteams";
const VARIABLE: &str = "environmentvariabledefinition/cat_outofofficecheckdays";

fn present() -> bool {
    let present = Path::new(KIT).is_dir();
    assert!(
        present || std::env::var_os("CI").is_none(),
        "the corpus is missing in CI"
    );
    present
}

/// The findings of the rules this test is about, as (rule, component).
fn findings(candidate: &Solution, baseline: &Solution) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = check(candidate, Some(baseline), &Policy::default())
        .diagnostics
        .iter()
        // What an edit removes; not the version, nor the kit's needs from outside
        // any solution (`dependency-unmanaged`), which no edit here changes.
        .filter(|d| d.rule != "version-not-incremented" && d.rule != "dependency-unmanaged")
        .map(|d| (d.rule.to_owned(), d.component.clone().unwrap_or_default()))
        .collect();
    found.sort();
    found
}

fn one(rule: &str, id: &str) -> Vec<(String, String)> {
    vec![(rule.to_owned(), id.to_owned())]
}

/// Removes the element starting with `start` (through the next `end`) from `text`.
fn cut(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).unwrap_or_else(|| panic!("no `{start}`"));
    let to = from + text[from..].find(end).unwrap() + end.len();
    format!("{}{}", &text[..from], &text[to..])
}

/// A copy of the kit folder, edited by `edit`, loaded as a folder and zipped.
fn edited_kit(edit: impl Fn(&Path)) -> (Solution, Solution) {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(Path::new(KIT), temp.path());
    edit(temp.path());
    let folder = load(temp.path());
    let zip = dvlint::package::load_zip_bytes("kit.zip", zip_folder(temp.path())).unwrap();
    (folder, zip)
}

fn edit_file(path: &Path, edit: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, edit(&text)).unwrap();
}

#[test]
fn a_flow_connection_reference_or_variable_taken_out_of_an_unpacked_kit_is_one_removal() {
    if !present() {
        return;
    }
    let baseline = load(Path::new(KIT));
    let baseline_zip =
        dvlint::package::load_zip_bytes("kit-baseline.zip", zip_folder(Path::new(KIT))).unwrap();

    // The flow: its definition and its root component.
    let (folder, zip) = edited_kit(|root| {
        std::fs::remove_file(root.join(FLOW_FILE)).unwrap();
        edit_file(&root.join("Other/Solution.xml"), |t| {
            t.replace(FLOW_ROOT, "")
        });
    });
    assert_eq!(findings(&folder, &baseline), one("component-removed", FLOW));
    assert_eq!(
        findings(&zip, &baseline_zip),
        one("component-removed", FLOW)
    );

    // The connection reference (it has no root component in real exports).
    let (folder, zip) = edited_kit(|root| {
        edit_file(&root.join("Other/Customizations.xml"), |t| {
            cut(
                t,
                "<connectionreference connectionreferencelogicalname=\"cat_BusinessApprovalKitMicrosoftTeams\">",
                "</connectionreference>",
            )
        });
    });
    assert_eq!(
        findings(&folder, &baseline),
        one("component-removed", REFERENCE)
    );
    assert_eq!(
        findings(&zip, &baseline_zip),
        one("component-removed", REFERENCE)
    );

    // The environment variable: its whole folder.
    let (folder, zip) = edited_kit(|root| {
        std::fs::remove_dir_all(
            root.join("environmentvariabledefinitions/cat_OutOfOfficeCheckDays"),
        )
        .unwrap();
    });
    assert_eq!(
        findings(&folder, &baseline),
        one("component-removed", VARIABLE)
    );
    assert_eq!(
        findings(&zip, &baseline_zip),
        one("component-removed", VARIABLE)
    );

    // The flow's definition alone: its root component names nothing now.
    let (folder, zip) = edited_kit(|root| std::fs::remove_file(root.join(FLOW_FILE)).unwrap());
    let expected = vec![
        ("component-removed".to_owned(), FLOW.to_owned()),
        ("root-component-missing".to_owned(), FLOW.to_owned()),
    ];
    assert_eq!(findings(&folder, &baseline), expected);
    assert_eq!(findings(&zip, &baseline_zip), expected);
    // ...which needs no baseline.
    let alone: Vec<_> = check(&folder, None, &Policy::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == "root-component-missing")
        .collect();
    assert_eq!(alone.len(), 1);
    assert!(
        alone[0].location.path().ends_with("Other/Solution.xml"),
        "{}",
        alone[0].location.path()
    );
}

/// The tc-ca export with `edit` applied to its members.
fn edited_export(edit: impl Fn(&str, String) -> String) -> Solution {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(TC_CA_ZIP).unwrap()).unwrap();
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        let name = file.name().to_owned();
        let text = edit(&name, text);
        members.push((name, text.into_bytes()));
    }
    let borrowed: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    dvlint::package::load_zip_bytes("edited.zip", zip_members(&borrowed)).unwrap()
}

#[test]
fn a_flow_or_connection_reference_taken_out_of_a_real_export_is_one_removal() {
    if !present() {
        return;
    }
    let baseline = load(Path::new(TC_CA_ZIP));
    let flow = "workflow/963886ee-e6ca-eb11-bacc-000d3a09c7a4";
    let flow_element = "<Workflow WorkflowId=\"{963886ee-e6ca-eb11-bacc-000d3a09c7a4}\"";
    let flow_root =
        "<RootComponent type=\"29\" id=\"{963886ee-e6ca-eb11-bacc-000d3a09c7a4}\" behavior=\"0\" />";

    let candidate = edited_export(|name, text| match name {
        "customizations.xml" => cut(&text, flow_element, "</Workflow>"),
        "solution.xml" => text.replace(flow_root, ""),
        _ => text,
    });
    assert_eq!(
        findings(&candidate, &baseline),
        one("component-removed", flow)
    );

    let reference = "connectionreference/ss_sharedexcelonlinebusiness_52ac5";
    let candidate = edited_export(|name, text| {
        match name {
        "customizations.xml" => cut(
            &text,
            "<connectionreference connectionreferencelogicalname=\"ss_sharedexcelonlinebusiness_52ac5\">",
            "</connectionreference>",
        ),
        _ => text,
    }
    });
    assert_eq!(
        findings(&candidate, &baseline),
        one("component-removed", reference)
    );

    // The flow's definition alone.
    let candidate = edited_export(|name, text| match name {
        "customizations.xml" => cut(&text, flow_element, "</Workflow>"),
        _ => text,
    });
    assert_eq!(
        findings(&candidate, &baseline),
        vec![
            ("component-removed".to_owned(), flow.to_owned()),
            ("root-component-missing".to_owned(), flow.to_owned()),
        ]
    );
}
