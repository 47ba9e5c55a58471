//! `--format json`, version 1 (DESIGN.md §1). These types are the frozen output
//! contract, kept apart from the internal ones.

use serde::Serialize;

use super::{SolutionReport, Summary};
use crate::diagnostic::Diagnostic;
use crate::source::Location;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: crate::diagnostic::Severity,
    message: &'a str,
    help: Option<&'a str>,
    solution: &'a str,
    component: Option<&'a str>,
    /// Only on findings about a target environment (additive: version stays 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
    location: JsonLocation<'a>,
    related: Vec<JsonRelated<'a>>,
}

/// Also the `location` of `dvlint components --format json`, so both write a
/// place the same way.
#[derive(Serialize)]
pub(super) struct JsonLocation<'a> {
    path: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

impl<'a> JsonLocation<'a> {
    /// A place whose line and column are known already.
    pub(super) fn at(path: &'a str, (line, column): (usize, usize)) -> Self {
        Self { path, line, column }
    }
}

pub(super) fn location(location: &Location) -> JsonLocation<'_> {
    let (line, column) = location.line_col();
    JsonLocation {
        path: location.path(),
        line,
        column,
    }
}

pub(super) fn diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity,
        message: &d.message,
        help: d.help.as_deref(),
        solution: &d.solution,
        component: d.component.as_deref(),
        environment: d.environment.as_deref(),
        location: location(&d.location),
        related: d
            .related
            .iter()
            .map(|label| {
                let at = location(&label.location);
                JsonRelated {
                    path: at.path,
                    line: at.line,
                    column: at.column,
                    message: &label.message,
                }
            })
            .collect(),
    }
}

/// The whole JSON document, pretty-printed, with a trailing newline.
pub fn render(reports: &[SolutionReport<'_>]) -> String {
    let all: Vec<&Diagnostic> = reports.iter().flat_map(|r| r.diagnostics).collect();
    let output = Output {
        version: 1,
        tool: Tool {
            name: "dvlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        diagnostics: all.iter().map(|d| diagnostic(d)).collect(),
        summary: Summary::of(all.iter().copied()),
    };
    // Serialising plain data with string keys cannot fail.
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
