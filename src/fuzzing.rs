//! Entry points for the fuzz targets in `fuzz/` and for the test that replays
//! their regression corpora (`tests/fuzz_regressions.rs`). Each runs one input
//! through a whole path of dvlint, as the command line would, and panics only on
//! a bug: an error is the right answer to bad input.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use crate::engine;
use crate::model::Solution;
use crate::package;
use crate::policy::Policy;
use crate::report::{self, SolutionReport};

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
    let export = !path.contains('/');
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

/// Arbitrary bytes as a `dvlint.yaml`.
pub fn policy(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Policy::parse(Path::new("dvlint.yaml"), text, &crate::rules::ids());
    }
}

/// Checks a loaded solution against itself and against an empty release of the
/// same name, and renders every output format, as `dvlint check` would.
fn exercise(solution: &Solution) {
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
            let reports = [SolutionReport {
                candidate,
                baseline: Some(baseline),
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
        }
    }
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
