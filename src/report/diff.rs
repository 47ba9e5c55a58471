//! `dvlint diff`: the changes of a release as aligned text, as versioned JSON,
//! and as Markdown tables for a pull-request comment.

use std::fmt::Write as _;

use serde::Serialize;

use super::json::{self, JsonDiagnostic, JsonLocation};
use super::markdown::{cell, code};
use super::Summary;
use crate::diagnostic::Diagnostic;
use crate::package::printable;
use crate::review::{heading, Review, Row};

/// A section longer than this is collapsed in Markdown (`<details>`), so that a
/// release that adds a table with 80 columns does not bury the removal above it.
const COLLAPSE_AFTER: usize = 10;

/// `ContosoCore 1.1.0.0 → 1.2.0.0: 1 removed, 3 added, 2 changed; 1 error`.
pub fn summary_line(review: &Review<'_>) -> String {
    let counts = review.counts();
    let mut line = format!(
        "{} {} → {}: ",
        review.candidate.manifest.unique_name.value,
        review.baseline.manifest.version.value,
        review.candidate.manifest.version.value
    );
    if review.rows.is_empty() {
        line.push_str("no change");
    } else {
        let _ = write!(
            line,
            "{} removed, {} added, {} changed",
            counts.removed, counts.added, counts.changed
        );
    }
    line.push_str("; ");
    line.push_str(&findings_count(&review.findings));
    if review.accepted > 0 {
        let _ = write!(line, ", {} accepted", review.accepted);
    }
    if let Some(bump) = &review.bump {
        let _ = write!(
            line,
            "; {} version bump required ({} or higher{})",
            bump.part.name(),
            bump.smallest,
            if bump.satisfied { ", done" } else { "" }
        );
    }
    line
}

/// `2 errors, 1 warning` or `no findings`.
fn findings_count(findings: &[Diagnostic]) -> String {
    let summary = Summary::of(findings);
    let mut parts = Vec::new();
    for (n, word) in [
        (summary.errors, "error"),
        (summary.warnings, "warning"),
        (summary.infos, "info"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}{}", if n == 1 { "" } else { "s" }));
        }
    }
    if parts.is_empty() {
        "no findings".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The rows of one kind, in order: the review keeps rows grouped by kind.
fn sections<'r>(review: &'r Review<'_>) -> Vec<(&'r str, Vec<&'r Row>)> {
    let mut sections: Vec<(&str, Vec<&Row>)> = Vec::new();
    for row in &review.rows {
        match sections.last_mut() {
            Some((kind, rows)) if *kind == row.kind => rows.push(row),
            _ => sections.push((&row.kind, vec![row])),
        }
    }
    sections
}

/// `error attribute-removed`, one per finding the row carries.
/// and `accepted attribute-removed` for one the policy accepted.
fn row_findings(row: &Row, separator: &str) -> String {
    row.findings
        .iter()
        .map(|d| format!("{} {}", d.severity, d.rule))
        .chain(row.accepted.iter().map(|rule| format!("accepted {rule}")))
        .collect::<Vec<_>>()
        .join(separator)
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// Aligned sections for a terminal or a log.
pub fn human(reviews: &[Review<'_>]) -> String {
    let mut out = String::new();
    for (i, review) in reviews.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&summary_line(review));
        out.push('\n');
        for (kind, rows) in sections(review) {
            let _ = write!(out, "\n{}\n", heading(kind));
            let cells: Vec<[String; 5]> = rows
                .iter()
                .map(|row| {
                    [
                        row.change.as_str().to_owned(),
                        printable(&row.component).into_owned(),
                        printable(&row.name).into_owned(),
                        printable(&row.detail).into_owned(),
                        row_findings(row, ", "),
                    ]
                })
                .collect();
            let mut widths = [0usize; 4];
            for cells in &cells {
                for (w, c) in widths.iter_mut().zip(cells) {
                    *w = (*w).max(width(c));
                }
            }
            // A name or detail that says nothing leaves no gap behind it.
            for cells in &cells {
                let mut line = String::from("  ");
                for (column, text) in cells.iter().enumerate() {
                    if column < 4 {
                        line.push_str(text);
                        let pad = widths[column] - width(text);
                        line.extend(std::iter::repeat_n(' ', pad + 2));
                    } else {
                        line.push_str(text);
                    }
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        if !review.other_findings.is_empty() {
            out.push_str("\nFindings of the check that no change carries\n");
            for d in &review.other_findings {
                let (line, column) = d.location.line_col();
                let _ = writeln!(
                    out,
                    "  {} {}: {} ({}:{line}:{column})",
                    d.severity,
                    d.rule,
                    printable(&d.headline()),
                    printable(d.location.path())
                );
            }
        }
    }
    out
}

#[derive(Serialize)]
struct JsonReview<'a> {
    version: u32,
    solution: &'a str,
    from: &'a str,
    to: &'a str,
    changes: Vec<JsonChange<'a>>,
    /// Every finding of the check, in `dvlint check --format json`'s shape.
    findings: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    bump: Option<JsonBump<'a>>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    change: &'static str,
    kind: &'a str,
    component: &'a str,
    name: &'a str,
    detail: &'a str,
    /// The most severe finding the change causes, if any.
    rule: Option<&'static str>,
    severity: Option<crate::diagnostic::Severity>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    aspects: &'a [&'static str],
    /// The rules whose finding about the change an `allow` entry accepted.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    accepted: &'a [&'static str],
    location: JsonLocation<'a>,
}

#[derive(Serialize)]
struct JsonSummary {
    removed: usize,
    added: usize,
    changed: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct JsonBump<'a> {
    part: &'a str,
    smallest: &'a str,
    satisfied: bool,
}

fn json_review<'a>(review: &'a Review<'_>) -> JsonReview<'a> {
    let counts = review.counts();
    let findings = Summary::of(&review.findings);
    JsonReview {
        version: 1,
        solution: &review.candidate.manifest.unique_name.value,
        from: &review.baseline.manifest.version.value.raw,
        to: &review.candidate.manifest.version.value.raw,
        changes: review
            .rows
            .iter()
            .map(|row| {
                let worst = row.findings.first();
                JsonChange {
                    change: row.change.as_str(),
                    kind: &row.kind,
                    component: &row.component,
                    name: &row.name,
                    detail: &row.detail,
                    rule: worst.map(|d| d.rule),
                    severity: worst.map(|d| d.severity),
                    aspects: &row.aspects,
                    accepted: &row.accepted,
                    location: json::location(&row.location),
                }
            })
            .collect(),
        findings: review.findings.iter().map(json::diagnostic).collect(),
        summary: JsonSummary {
            removed: counts.removed,
            added: counts.added,
            changed: counts.changed,
            errors: findings.errors,
            warnings: findings.warnings,
            infos: findings.infos,
        },
        bump: review.bump.as_ref().map(|b| JsonBump {
            part: b.part.name(),
            smallest: &b.smallest,
            satisfied: b.satisfied,
        }),
    }
}

/// Version 1 of the diff format: one object per solution; an array of them
/// when the run compared several.
pub fn json(reviews: &[Review<'_>]) -> String {
    let objects: Vec<JsonReview<'_>> = reviews.iter().map(json_review).collect();
    // Serialising plain data with string keys cannot fail.
    let mut text = match objects.as_slice() {
        [one] => serde_json::to_string_pretty(one),
        all => serde_json::to_string_pretty(all),
    }
    .unwrap_or_default();
    text.push('\n');
    text
}

/// Markdown for a pull-request comment: the summary line, then a table per
/// kind, risky rows first, long tables collapsed.
pub fn markdown(reviews: &[Review<'_>]) -> String {
    let mut out = String::new();
    for review in reviews {
        let _ = writeln!(out, "{}\n", cell(&summary_line(review)));
        for (kind, rows) in sections(review) {
            let title = format!("{} ({})", heading(kind), rows.len());
            let mut table = String::from(
                "| Change | Component | Name | Detail | Finding |\n| --- | --- | --- | --- | --- |\n",
            );
            for row in rows {
                let findings = row
                    .findings
                    .iter()
                    .map(|d| format!("**{}** {}", d.severity, code(d.rule)))
                    .chain(
                        row.accepted
                            .iter()
                            .map(|rule| format!("accepted {}", code(rule))),
                    )
                    .collect::<Vec<_>>()
                    .join("<br>");
                let _ = writeln!(
                    table,
                    "| {} | {} | {} | {} | {} |",
                    row.change.as_str(),
                    code(&row.component),
                    cell(&row.name),
                    cell(&row.detail),
                    findings
                );
            }
            details(&mut out, &title, &table);
        }
        if !review.other_findings.is_empty() {
            let mut table = String::from(
                "| Severity | Rule | Component | Finding | Where |\n| --- | --- | --- | --- | --- |\n",
            );
            for d in &review.other_findings {
                let (line, _) = d.location.line_col();
                let _ = writeln!(
                    table,
                    "| **{}** | {} | {} | {} | {} |",
                    d.severity,
                    code(d.rule),
                    d.component.as_deref().map(code).unwrap_or_default(),
                    cell(&d.headline()),
                    code(&format!("{}:{line}", d.location.path()))
                );
            }
            let title = format!("Other findings ({})", review.other_findings.len());
            details(&mut out, &title, &table);
        }
    }
    out
}

/// A titled table, in `<details>` when it is long. GitHub and Azure DevOps need
/// the blank lines around a table inside HTML to render it as one.
fn details(out: &mut String, title: &str, table: &str) {
    let rows = table.lines().count().saturating_sub(2);
    if rows > COLLAPSE_AFTER {
        let _ = write!(
            out,
            "<details><summary>{}</summary>\n\n{table}\n</details>\n\n",
            cell(title)
        );
    } else {
        let _ = write!(out, "#### {}\n\n{table}\n", cell(title));
    }
}
