//! `--format github`: GitHub Actions workflow commands, one annotation per finding,
//! and a Markdown table for the job summary.

use super::paths::artifact;
use super::{SolutionReport, Summary};
use crate::diagnostic::{Diagnostic, Severity};

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escaping of a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property values.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn annotation(diagnostic: &Diagnostic) -> String {
    let place = artifact(&diagnostic.location);
    let mut properties = vec![format!("file={}", escape_property(&place.path))];
    if let Some((line, column)) = place.position {
        properties.push(format!("line={line}"));
        properties.push(format!("col={column}"));
    }
    properties.push(format!(
        "title={}",
        escape_property(&format!("dvlint ({})", diagnostic.rule))
    ));
    let mut message = diagnostic.headline().into_owned();
    if let Some(elsewhere) = &place.elsewhere {
        message.push_str(&format!(" (at {elsewhere})"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!(
        "::{} {}::{}\n",
        command(diagnostic.severity),
        properties.join(","),
        escape_data(&message)
    )
}

/// The annotations, then one plain summary line per solution (shown in the log).
pub fn render(reports: &[SolutionReport<'_>]) -> String {
    let mut out = String::new();
    for report in reports {
        for diagnostic in report.diagnostics {
            out.push_str(&annotation(diagnostic));
        }
    }
    for report in reports {
        out.push_str(&super::human::summary_line(report));
        out.push('\n');
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown section for `$GITHUB_STEP_SUMMARY`.
pub fn step_summary(reports: &[SolutionReport<'_>]) -> String {
    let all: Vec<&Diagnostic> = reports.iter().flat_map(|r| r.diagnostics).collect();
    let summary = Summary::of(all.iter().copied());
    let mut out = String::from("## dvlint\n\n");
    for report in reports {
        out.push_str(&format!("- {}\n", super::human::summary_line(report)));
    }
    if all.is_empty() {
        out.push('\n');
        return out;
    }
    out.push_str(&format!(
        "\n{} errors, {} warnings, {} notices\n\n",
        summary.errors, summary.warnings, summary.infos
    ));
    out.push_str("| severity | rule | component | where | finding |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    for d in all {
        let (line, _) = d.location.line_col();
        out.push_str(&format!(
            "| {} | `{}` | {} | `{}:{line}` | {} |\n",
            d.severity,
            d.rule,
            d.component
                .as_deref()
                .map_or_else(String::new, |c| format!("`{}`", cell(c))),
            cell(d.location.path()),
            cell(&d.headline())
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
