//! The rule catalogue holds together: one rule, one name, three places.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::path::Path;

use dvlint::rules::{self, REGISTRY};

const SECTIONS: [&str; 5] = [
    "## What it checks",
    "## Why it matters",
    "## Example",
    "## How to fix",
    "## Configuration",
];

#[test]
fn every_rule_document_parses_and_names_its_rule() {
    for rule in REGISTRY {
        let meta = rules::meta::parse(rule.id, rule.doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(meta.id, rule.id);
        assert!(!meta.summary.is_empty(), "{}: empty summary", rule.id);
        assert_eq!(
            meta.summary,
            meta.summary.trim_end_matches('.'),
            "{}: summaries have no trailing period",
            rule.id
        );
    }
    assert_eq!(rules::catalogue().len(), REGISTRY.len());
}

#[test]
fn every_document_is_registered_and_every_rule_documented() {
    let documented: BTreeSet<String> = std::fs::read_dir("rules")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| name.trim_end_matches(".md").to_owned())
        .collect();
    let registered: BTreeSet<String> = REGISTRY.iter().map(|r| r.id.to_owned()).collect();
    assert_eq!(documented, registered);
}

#[test]
fn rule_ids_are_kebab_case_and_modules_match() {
    let mut seen = BTreeSet::new();
    for rule in REGISTRY {
        assert!(seen.insert(rule.id), "{} registered twice", rule.id);
        assert!(
            rule.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            rule.id
        );
        assert_eq!(rule.module, rule.id.replace('-', "_"));
        let source = format!("src/rules/{}.rs", rule.module);
        assert!(Path::new(&source).is_file(), "{source} is missing");
    }
}

#[test]
fn every_document_has_the_required_sections_in_order() {
    for rule in REGISTRY {
        let meta = rules::meta_of(rule.id).unwrap();
        let body = meta.body();
        assert!(
            body.starts_with(&format!("# {}\n", rule.id)),
            "{}: the body starts with `# {}`",
            rule.id,
            rule.id
        );
        let mut from = 0;
        for section in SECTIONS {
            let at = body[from..]
                .find(&format!("{section}\n"))
                .unwrap_or_else(|| panic!("{}: `{section}` missing or out of order", rule.id));
            from += at + section.len();
        }
    }
}

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    for rule in REGISTRY {
        let dir = Path::new("tests/fixtures").join(rule.id);
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{} has no fixtures", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            cases.iter().any(|c| c.starts_with("ok-")),
            "{}: no ok-* case",
            rule.id
        );
        assert!(
            cases.iter().any(|c| !c.starts_with("ok-")),
            "{}: no failing case",
            rule.id
        );
    }
}

#[test]
fn the_readme_lists_every_rule_with_its_default() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for meta in rules::catalogue() {
        let baseline = if meta.requires_environment {
            "environment"
        } else if meta.requires_baseline {
            "yes"
        } else {
            "no"
        };
        let row = format!("| `{}` | {} | {} |", meta.id, meta.default_level, baseline);
        assert!(readme.contains(&row), "README.md lacks the row `{row}`");
    }
}
