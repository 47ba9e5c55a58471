//! Entry points for the fuzz targets in `fuzz/` and for the test that replays
//! their regression corpora (`tests/fuzz_regressions.rs`). Each runs one input
//! through a whole path of dvlint, as the command line would, and panics only on
//! a bug: an error is the right answer to bad input.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use crate::engine::{self, Outcome};
use crate::model::Solution;
use crate::package;
use crate::policy::Policy;
use crate::report::{self, SolutionReport};

mod environment;
mod yaml;

pub use environment::{json_reader, settings_file, solutions_file};
pub use yaml::yaml_file;

/// Arbitrary bytes as an exported zip.
pub fn zip_package(data: &[u8]) {
    if let Ok(solution) = package::load_zip_bytes("fuzz.zip", data.to_vec()) {
        exercise(&solution);
    }
}

/// Where [`xml_file`] puts its input, chosen by the first byte: every kind of
/// file dvlint parses, in both layouts.
const KINDS: &[&str] = &[
    "customizations.xml",
    "solution.xml",
    "Other/Solution.xml",
    "Entities/cts_Thing/Entity.xml",
    "OptionSets/cts_choice.xml",
    "Other/Relationships/cts_Thing.xml",
    "Other/Customizations.xml",
];

const MANIFEST: &str = r#"<ImportExportXml version="9.2.0.0" SolutionPackageVersion="9.2" languagecode="1033"><SolutionManifest><UniqueName>Fuzz</UniqueName><Version>1.0.0.0</Version><Managed>1</Managed><Publisher><UniqueName>fuzz</UniqueName><CustomizationPrefix>cts</CustomizationPrefix></Publisher><RootComponents /></SolutionManifest></ImportExportXml>"#;
const EMPTY: &str = "<ImportExportXml><Entities /></ImportExportXml>";

/// Arbitrary bytes as one file of a package whose other files are valid. Also
/// checks that reading the file compacted (bulk blanked) gives what reading it
/// whole gives, wherever reading it whole succeeds.
pub fn xml_file(data: &[u8]) {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let path = KINDS[usize::from(selector) % KINDS.len()];
    check_file_in_package(path, content, !path.contains('/'));
}

/// `content` as the file `path` of an otherwise valid package, an export or
/// unpacked source, loaded, checked and rendered; and compacted as it is read.
fn check_file_in_package(path: &str, content: &[u8], export: bool) {
    let mut members: Vec<(&str, &[u8])> = if export {
        vec![
            ("solution.xml", MANIFEST.as_bytes()),
            ("customizations.xml", EMPTY.as_bytes()),
        ]
    } else {
        vec![
            ("Other/Solution.xml", MANIFEST.as_bytes()),
            ("Other/Customizations.xml", EMPTY.as_bytes()),
        ]
    };
    members.retain(|(name, _)| *name != path);
    members.push((path, content));
    let Some(zipped) = stored_zip(&members) else {
        return;
    };
    if let Ok(solution) = package::load_zip_bytes("fuzz.zip", zipped) {
        exercise(&solution);
    }
    package::assert_compaction_keeps(content);
}

/// Where [`component_file`] puts its input, chosen by the first byte: every kind
/// of component definition file of unpacked source, and the lower-case component
/// folders of both forms.
const COMPONENT_FILES: &[&str] = &[
    "Workflows/Flow-6D9315A8-4E94-EF11-8A69-7C1E524A2AE3.json.data.xml",
    "WebResources/cts_/js/main.js.data.xml",
    "Roles/Project Manager.xml",
    "CanvasApps/cts_timesheet_5d1f2.meta.xml",
    "AppModules/cts_App/AppModule.xml",
    "AppModuleSiteMaps/cts_App/AppModuleSiteMap.xml",
    "Controls/cts_Panel/ControlManifest.xml.data.xml",
    "PluginAssemblies/Cts-0F7E7CA0-8279-4BA8-8C45-482A09B36B72/Cts.dll.data.xml",
    "SdkMessageProcessingSteps/{2453917b-a5ac-ea11-a812-000d3af46fff}.xml",
    "Dashboards/{77d97034-84b4-ed11-83fe-0022482a97de}.xml",
    "Connectors/cts_connector.xml",
    "Entities/cts_Thing/FormXml/main/{ee79f890-fbd3-407a-8a68-74760952ecd6}.xml",
    "Entities/cts_Thing/SavedQueries/{3ba2f0fe-d015-ec11-b6e6-000d3af4bff0}.xml",
    "Entities/cts_Thing/Visualizations/{39B07AE9-585D-EA11-A811-000D3AF464F8}.xml",
    "Other/FieldSecurityProfiles.xml",
    "environmentvariabledefinitions/cts_Url/environmentvariabledefinition.xml",
    "customapis/cts_Api/customapi.xml",
    "customapis/cts_Api/customapirequestparameters/Id/customapirequestparameter.xml",
    "appactions/cts_Action/appaction.xml",
];

/// Arbitrary bytes as one component definition file (the first byte picks which)
/// of an otherwise valid unpacked package (odd selectors) or exported zip (even
/// ones; the lower-case folders are read in both forms).
pub fn component_file(data: &[u8]) {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let path = COMPONENT_FILES[usize::from(selector / 2) % COMPONENT_FILES.len()];
    check_file_in_package(path, content, selector % 2 == 0);
}

/// Arbitrary bytes as a `dvlint.yaml`.
pub fn policy(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Policy::parse(Path::new("dvlint.yaml"), text, &crate::rules::ids());
    }
}

/// Checks a loaded solution against itself and against an empty release of the
/// same name, and renders every output format, as `dvlint check` would.
fn exercise(solution: &Solution) {
    let _ = crate::inventory::inventory(solution);
    // Loaded once: every input is checked against the same empty release.
    static EMPTY_RELEASE: OnceLock<Option<Solution>> = OnceLock::new();
    let empty = EMPTY_RELEASE.get_or_init(|| {
        let members = [
            ("solution.xml", MANIFEST.as_bytes()),
            ("customizations.xml", EMPTY.as_bytes()),
        ];
        let zipped = stored_zip(&members)?;
        package::load_zip_bytes("empty.zip", zipped).ok()
    });
    let policy = Policy::default();
    let mut baselines = vec![solution];
    baselines.extend(empty.as_ref());
    for baseline in baselines {
        // Each way round: removals blame the baseline, changes the candidate.
        for (candidate, baseline) in [(solution, baseline), (baseline, solution)] {
            let outcome = engine::check(candidate, Some(baseline), &policy);
            render(candidate, Some(baseline), &outcome);
            review(baseline, candidate, outcome);
        }
    }
}

/// Renders one candidate's findings in every output format.
fn render(candidate: &Solution, baseline: Option<&Solution>, outcome: &Outcome) {
    let reports = [SolutionReport {
        candidate,
        baseline,
        diagnostics: &outcome.diagnostics,
        allowed: outcome.allowed,
        rules_run: &outcome.rules_run,
    }];
    let style = report::human::Style {
        color: false,
        width: 80,
    };
    let _ = report::human::render(&reports, style);
    let _ = report::json::render(&reports);
    let _ = report::sarif::render(&reports);
    let _ = report::github::render(&reports);
    let _ = report::junit::render(&reports);
    let _ = report::markdown::render(&reports);
}

/// `dvlint diff` of the pair, in every format it prints: hostile names and
/// labels reach its tables and aligned columns.
fn review(baseline: &Solution, candidate: &Solution, outcome: Outcome) {
    let accepted = outcome.accepted_findings;
    let reviews = [crate::review::review(
        baseline,
        candidate,
        outcome.diagnostics,
        &accepted,
        None,
    )];
    let _ = report::diff::human(&reviews);
    let _ = report::diff::json(&reviews);
    let _ = report::diff::markdown(&reviews);
}

/// A zip of `members`, stored uncompressed (fast to build for every input).
fn stored_zip(members: &[(&str, &[u8])]) -> Option<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in members {
        writer.start_file(*name, stored).ok()?;
        writer.write_all(bytes).ok()?;
    }
    writer.finish().ok().map(std::io::Cursor::into_inner)
}
