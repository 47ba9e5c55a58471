//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, built from the typed
//! model of `serde-sarif`. Rules come from the catalogue's metadata.

use std::collections::BTreeMap;

use serde_sarif::sarif::{
    ArtifactLocation, Location as SarifLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::paths::artifact;
use super::SolutionReport;
use crate::diagnostic::{Diagnostic, Level, Severity};
use crate::rules::{self, meta::RuleMeta};
use crate::source::Location;

/// Where the project and its rule pages live.
pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

fn rule_uri(id: &str) -> String {
    format!("{INFORMATION_URI}/blob/main/rules/{id}.md")
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn text(text: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(text.into())
        .build()
}

/// The text of a `## Section` of a rule's page, up to the next section.
fn section(body: &str, heading: &str) -> Option<String> {
    let start = body.find(&format!("## {heading}\n"))? + heading.len() + 4;
    let end = body[start..]
        .find("\n## ")
        .map_or(body.len(), |i| start + i);
    Some(body[start..end].trim().to_owned())
}

fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let body = meta.body();
    let full = section(body, "What it checks").unwrap_or_else(|| meta.summary.clone());
    let help_markdown = body.to_owned();
    let help = MultiformatMessageString::builder()
        .text(section(body, "How to fix").unwrap_or_else(|| meta.summary.clone()))
        .markdown(help_markdown)
        .build();
    let configuration = match meta.default_level {
        Level::Off => ReportingConfiguration::builder()
            .enabled(false)
            .level(serde_json::json!("none"))
            .build(),
        Level::On(severity) => ReportingConfiguration::builder()
            .level(serde_json::to_value(level(severity)).unwrap_or_default())
            .build(),
    };
    ReportingDescriptor::builder()
        .id(meta.id)
        .name(pascal_case(meta.id))
        .short_description(text(meta.summary.clone()))
        .full_description(text(full))
        .help(help)
        .help_uri(rule_uri(meta.id))
        .default_configuration(configuration)
        .build()
}

/// `EntityRemoved` for `entity-removed`: SARIF names are identifiers.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn location(location: &Location, message: Option<&str>) -> SarifLocation {
    let place = artifact(location);
    // Code scanning wants a line; inside an archive the best is the archive's first.
    let (line, column) = place.position.unwrap_or((1, 1));
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(place.path).build())
        .region(
            Region::builder()
                .start_line(i64::try_from(line).unwrap_or(i64::MAX))
                .start_column(i64::try_from(column).unwrap_or(i64::MAX))
                .build(),
        )
        .build();
    match message {
        Some(message) => SarifLocation::builder()
            .physical_location(physical)
            .message(Message::builder().text(message.to_owned()).build())
            .build(),
        None => SarifLocation::builder().physical_location(physical).build(),
    }
}

/// FNV-1a, 64 bits: stable across runs and platforms, unlike std's hasher.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn result(diagnostic: &Diagnostic, index: usize) -> SarifResult {
    let mut message = diagnostic.headline().into_owned();
    if let Some(elsewhere) = artifact(&diagnostic.location).elsewhere {
        message.push_str(&format!(" (at {elsewhere})"));
    }
    // Stable when lines move: what the finding is about, not where it is.
    let identity = diagnostic
        .component
        .as_deref()
        .unwrap_or(&diagnostic.message);
    // One finding in two environments is two results; without one, the parts
    // are those of every earlier release, so existing alerts keep their identity.
    let mut parts = vec![diagnostic.rule, diagnostic.solution.as_str(), identity];
    parts.extend(diagnostic.environment.as_deref());
    let fingerprints = BTreeMap::from([("dvlint/v1".to_owned(), fingerprint(&parts))]);
    let mut properties = BTreeMap::new();
    properties.insert(
        "solution".to_owned(),
        serde_json::json!(diagnostic.solution),
    );
    if let Some(component) = &diagnostic.component {
        properties.insert("component".to_owned(), serde_json::json!(component));
    }
    if let Some(environment) = &diagnostic.environment {
        properties.insert("environment".to_owned(), serde_json::json!(environment));
    }
    let related: Vec<SarifLocation> = diagnostic
        .related
        .iter()
        .map(|label| location(&label.location, Some(&label.message)))
        .collect();
    let builder = SarifResult::builder()
        .rule_id(diagnostic.rule)
        .rule_index(i64::try_from(index).unwrap_or(-1))
        .level(level(diagnostic.severity))
        .message(Message::builder().text(message).build())
        .locations(vec![location(&diagnostic.location, None)])
        .partial_fingerprints(fingerprints)
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        );
    if related.is_empty() {
        builder.build()
    } else {
        builder.related_locations(related).build()
    }
}

pub fn render(reports: &[SolutionReport<'_>]) -> String {
    let catalogue = rules::catalogue();
    let descriptors: Vec<ReportingDescriptor> = catalogue.iter().map(descriptor).collect();
    let results: Vec<SarifResult> = reports
        .iter()
        .flat_map(|r| r.diagnostics)
        .map(|d| {
            let index = catalogue.iter().position(|m| m.id == d.rule).unwrap_or(0);
            result(d, index)
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("dvlint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(descriptors)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_fingerprints_are_stable() {
        assert_eq!(pascal_case("entity-removed"), "EntityRemoved");
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
    }

    #[test]
    fn sections_are_cut_from_rule_pages() {
        let body = "# x\n\n## What it checks\nThis.\n\n## Why it matters\nThat.\n";
        assert_eq!(section(body, "What it checks").as_deref(), Some("This."));
        assert_eq!(section(body, "Why it matters").as_deref(), Some("That."));
    }
}
