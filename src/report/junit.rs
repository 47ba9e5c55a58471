//! `--format junit`: JUnit XML for CI test views (Azure DevOps `PublishTestResults`,
//! GitLab, Jenkins): a test suite per solution, a failing test case per finding and
//! a passing one per rule that ran clean.
//!
//! One failure per case, because Azure DevOps' Tests tab shows only the first
//! failure of a case (microsoft/azure-pipelines-tasks#15130, #13945) and strict
//! JUnit readers refuse several.

use std::collections::{BTreeMap, BTreeSet};

use super::paths::artifact;
use super::SolutionReport;
use crate::diagnostic::Diagnostic;

/// `value` escaped for XML text, or for an attribute value.
///
/// In attributes, line breaks and tabs become character references: a parser
/// normalises the raw characters to spaces there. Characters XML 1.0 cannot hold
/// even as references (most C0 controls, U+FFFE, U+FFFF) are written as `\u{…}`,
/// so that a hostile name never makes the report malformed.
fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A raw CR is read back as LF (end-of-line handling), in text too.
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' if in_attribute => out.push_str(&format!("&#{};", u32::from(c))),
            '\n' | '\t' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&c.escape_unicode().to_string());
            }
            c => out.push(c),
        }
    }
    out
}

/// A case's name before it is made unique: the rule and the component, or the
/// rule and the place when the finding is about no one component; and the
/// environment, as one component is often reported once per environment.
fn base_name(diagnostic: &Diagnostic) -> String {
    let mut name = match &diagnostic.component {
        Some(component) => format!("{}: {component}", diagnostic.rule),
        None => format!("{}: {}", diagnostic.rule, place(diagnostic)),
    };
    if let Some(environment) = &diagnostic.environment {
        name.push_str(&format!(" (in {environment})"));
    }
    name
}

/// `path:line`, as the name and the body show it.
fn place(diagnostic: &Diagnostic) -> String {
    let (line, _) = diagnostic.location.line_col();
    format!("{}:{line}", diagnostic.location.path())
}

/// The names of one suite's failing cases, in order, unique in the suite (test
/// views merge or drop cases of one name). A name two findings share gets each
/// one's place; one that still repeats (a component blamed twice at one line)
/// is numbered in report order. `taken` holds the passing cases' names.
fn case_names(findings: &[&Diagnostic], mut taken: BTreeSet<String>) -> Vec<String> {
    let bases: Vec<String> = findings.iter().map(|d| base_name(d)).collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for base in &bases {
        *counts.entry(base.as_str()).or_default() += 1;
    }
    findings
        .iter()
        .zip(&bases)
        .map(|(diagnostic, base)| {
            let shared = counts.get(base.as_str()).copied().unwrap_or(0) > 1;
            // A finding without a component already has its place in its name.
            let name = if shared && diagnostic.component.is_some() {
                format!("{base} at {}", place(diagnostic))
            } else {
                base.clone()
            };
            let mut unique = name.clone();
            let mut n = 2;
            while !taken.insert(unique.clone()) {
                unique = format!("{name} #{n}");
                n += 1;
            }
            unique
        })
        .collect()
}

/// The failure's body: where, what, and how to fix, one fact a line.
fn details(diagnostic: &Diagnostic) -> String {
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
    body
}

fn failing_case(diagnostic: &Diagnostic, name: &str, classname: &str) -> String {
    // `file` and `line` as a code host can open them: a zip member or a file at a
    // git revision names today's file without a line (the body has the full place).
    let place = artifact(&diagnostic.location);
    let mut case = format!(
        "    <testcase name=\"{}\" classname=\"{classname}\" file=\"{}\"",
        escape(name, true),
        escape(&place.path, true)
    );
    if let Some((line, _)) = place.position {
        case.push_str(&format!(" line=\"{line}\""));
    }
    case.push_str(&format!(
        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
        escape(&diagnostic.headline(), true),
        diagnostic.severity,
        escape(&details(diagnostic), false)
    ));
    case
}

/// A case of a suite: a rule that ran clean, or one finding.
enum Case<'a> {
    Clean(&'static str),
    Finding(&'a Diagnostic),
}

/// The cases of a suite in the order the rules ran, a rule's findings in report
/// order where it has any; a finding of a rule not listed as run comes last, so
/// that no finding is ever left out.
fn cases<'a>(report: &SolutionReport<'a>) -> Vec<Case<'a>> {
    let diagnostics: &'a [Diagnostic] = report.diagnostics;
    let mut cases = Vec::new();
    for rule in report.rules_run {
        let before = cases.len();
        cases.extend(
            diagnostics
                .iter()
                .filter(|d| d.rule == *rule)
                .map(Case::Finding),
        );
        if cases.len() == before {
            cases.push(Case::Clean(rule));
        }
    }
    cases.extend(
        diagnostics
            .iter()
            .filter(|d| !report.rules_run.contains(&d.rule))
            .map(Case::Finding),
    );
    cases
}

/// One suite, with its counts of tests and failures.
fn suite(report: &SolutionReport<'_>) -> (String, usize, usize) {
    let classname = escape(
        &format!("dvlint.{}", report.candidate.manifest.unique_name.value),
        true,
    );
    let cases = cases(report);
    let findings: Vec<&Diagnostic> = cases
        .iter()
        .filter_map(|case| match case {
            Case::Finding(diagnostic) => Some(*diagnostic),
            Case::Clean(_) => None,
        })
        .collect();
    let clean: BTreeSet<String> = cases
        .iter()
        .filter_map(|case| match case {
            Case::Clean(rule) => Some((*rule).to_owned()),
            Case::Finding(_) => None,
        })
        .collect();
    let mut names = case_names(&findings, clean).into_iter();
    let mut xml = String::new();
    for case in &cases {
        match case {
            Case::Clean(rule) => xml.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{classname}\" />\n",
                escape(rule, true)
            )),
            Case::Finding(diagnostic) => {
                // `case_names` gives one name per finding, in this order.
                let name = names.next().unwrap_or_default();
                xml.push_str(&failing_case(diagnostic, &name, &classname));
            }
        }
    }
    let (tests, failures) = (cases.len(), findings.len());
    let suite = format!(
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n{xml}  </testsuite>\n",
        escape(&report.candidate.title(), true)
    );
    (suite, tests, failures)
}

pub fn render(reports: &[SolutionReport<'_>]) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for report in reports {
        let (xml, suite_tests, suite_failures) = suite(report);
        suites.push_str(&xml);
        tests += suite_tests;
        failures += suite_failures;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"dvlint\" tests=\"{tests}\" failures=\"{failures}\">\n\
         {suites}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_xml_cannot_hold_is_escaped() {
        assert_eq!(
            escape("a<b>&\"c'\r\n\t\u{1}\u{FFFF}é", true),
            "a&lt;b&gt;&amp;&quot;c&apos;&#13;&#10;&#9;\\u{1}\\u{ffff}é"
        );
        assert_eq!(escape("x\ny\tz\r", false), "x\ny\tz&#13;");
    }
}
