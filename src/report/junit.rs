//! `--format junit`: JUnit XML for CI test views (Azure DevOps `PublishTestResults`):
//! a test suite per solution, a test case per rule that ran, a failure per finding.

use quick_xml::escape::escape;

use super::SolutionReport;
use crate::diagnostic::Diagnostic;

fn failure(diagnostic: &Diagnostic) -> String {
    let (line, column) = diagnostic.location.line_col();
    let mut body = format!("{}:{line}:{column}", diagnostic.location.path());
    if let Some(component) = &diagnostic.component {
        body.push_str(&format!("\ncomponent: {component}"));
    }
    if let Some(environment) = &diagnostic.environment {
        body.push_str(&format!("\nenvironment: {environment}"));
    }
    for label in &diagnostic.related {
        let (line, column) = label.location.line_col();
        body.push_str(&format!(
            "\n{}: {}:{line}:{column}",
            label.message,
            label.location.path()
        ));
    }
    if let Some(help) = &diagnostic.help {
        body.push_str(&format!("\nhelp: {help}"));
    }
    format!(
        "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
        escape(diagnostic.headline().as_ref()),
        diagnostic.severity,
        escape(body.as_str())
    )
}

pub fn render(reports: &[SolutionReport<'_>]) -> String {
    let total_tests: usize = reports.iter().map(|r| r.rules_run.len()).sum();
    let total_failures: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"dvlint\" tests=\"{total_tests}\" failures=\"{total_failures}\">\n"
    ));
    for report in reports {
        let solution = &report.candidate.manifest.unique_name.value;
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
            escape(report.candidate.title().as_str()),
            report.rules_run.len(),
            report.diagnostics.len()
        ));
        for rule in report.rules_run {
            let findings: Vec<&Diagnostic> = report
                .diagnostics
                .iter()
                .filter(|d| d.rule == *rule)
                .collect();
            let case = format!(
                "    <testcase name=\"{rule}\" classname=\"dvlint.{}\"",
                escape(solution.as_str())
            );
            if findings.is_empty() {
                out.push_str(&case);
                out.push_str(" />\n");
            } else {
                out.push_str(&case);
                out.push_str(">\n");
                for diagnostic in findings {
                    out.push_str(&failure(diagnostic));
                }
                out.push_str("    </testcase>\n");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
