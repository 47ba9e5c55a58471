//! `--format markdown`, read back by a real Markdown renderer (pulldown-cmark, with
//! GitHub's tables): a table per solution with findings, a row per finding, and
//! every finding in its own cells whatever its text holds.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::PathBuf;

use dvlint::report::{markdown, SolutionReport};
use pulldown_cmark::{Options, Parser};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The HTML GitHub would show, near enough: tables, strikethrough and math on.
fn html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options));
    html
}

/// The body rows of each table, as the cells' HTML.
fn tables(html: &str) -> Vec<Vec<Vec<String>>> {
    html.split("<table>")
        .skip(1)
        .map(|table| {
            let table = table.split("</table>").next().unwrap();
            let body = table.split("<tbody>").nth(1).unwrap_or("");
            body.split("<tr>")
                .skip(1)
                .map(|row| {
                    row.split("<td>")
                        .skip(1)
                        .map(|cell| cell.split("</td>").next().unwrap().to_owned())
                        .collect()
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_example_is_one_table_with_a_row_per_finding() {
    let output = common::dvlint(
        &[
            "check",
            "examples/ContosoCore_1_2_0_0",
            "--baseline",
            "examples/ContosoCore_1_1_0_0",
            "--policy",
            "examples/dvlint.yaml",
            "--format",
            "markdown",
        ],
        &root(),
    );
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let html = html(&text);
    assert_eq!(html.matches("<table>").count(), 1, "{html}");
    // The header and one row per finding.
    assert_eq!(html.matches("<tr>").count(), 1 + 5, "{html}");
    let rows = &tables(&html)[0];
    assert!(rows.iter().all(|row| row.len() == 5), "{rows:?}");
    let severities: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(
        severities,
        ["error", "error", "error", "warning", "warning"]
    );
    assert_eq!(
        rows[0][1..],
        [
            "<code>attribute-removed</code>",
            "<code>cts_project.cts_legacycode</code>",
            "column <code>cts_legacycode</code> was removed from table <code>cts_project</code>",
            "<code>examples/ContosoCore_1_1_0_0/Entities/cts_Project/Entity.xml:178</code>",
        ]
    );
    assert!(html.starts_with(
        "<p>ContosoCore 1.2.0.0 against 1.1.0.0: 3 errors, 2 warnings, 1 accepted</p>"
    ));
}

#[test]
fn the_readme_shows_the_example_as_it_is() {
    let output = common::dvlint(
        &[
            "check",
            "examples/ContosoCore_1_2_0_0",
            "--baseline",
            "examples/ContosoCore_1_1_0_0",
            "--policy",
            "examples/dvlint.yaml",
            "--format",
            "markdown",
        ],
        &root(),
    );
    let text = String::from_utf8(output.stdout).unwrap();
    // The README indents it as a block of a list item.
    let indented: String = text
        .lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_owned()
            } else {
                format!("  {line}\n")
            }
        })
        .collect();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("  ```markdown\n{indented}  ```\n")),
        "README.md does not show:\n{indented}"
    );
}

#[test]
fn every_finding_stays_in_its_row_and_long_tables_fold() {
    let examples = root().join("examples");
    let candidate = common::load(&examples.join("ContosoCore_1_2_0_0"));
    let baseline = common::load(&examples.join("ContosoCore_1_1_0_0"));
    let outcome = common::check(&candidate, Some(&baseline), &common::policy_in(&examples));
    let mut diagnostics = outcome.diagnostics.clone();
    let mut hostile = diagnostics[0].clone();
    hostile.message = "a | b\nc <b>bold</b> & `x|y` [l](u)".to_owned();
    hostile.component = Some("odd|id`".to_owned());
    hostile.environment = Some("te|st".to_owned());
    diagnostics.push(hostile);
    // Enough rows to fold the table.
    for _ in 0..6 {
        diagnostics.push(diagnostics[1].clone());
    }
    let clean = common::load(&examples.join("ContosoCore_1_1_0_0"));
    let reports = [
        SolutionReport {
            candidate: &candidate,
            baseline: Some(&baseline),
            diagnostics: &diagnostics,
            allowed: outcome.allowed,
            rules_run: &outcome.rules_run,
        },
        SolutionReport {
            candidate: &clean,
            baseline: None,
            diagnostics: &[],
            allowed: 0,
            rules_run: &outcome.rules_run,
        },
        SolutionReport {
            candidate: &candidate,
            baseline: Some(&baseline),
            diagnostics: &outcome.diagnostics,
            allowed: 0,
            rules_run: &outcome.rules_run,
        },
    ];
    let text = markdown::render(&reports);
    let html = html(&text);
    let tables = tables(&html);
    // One table per solution with findings, one row per finding.
    assert_eq!(tables.len(), 2, "{html}");
    assert_eq!(html.matches("<tr>").count(), 12 + 1 + 5 + 1, "{html}");
    assert_eq!(tables[0].len(), 12);
    assert_eq!(tables[1].len(), 5);
    assert!(
        tables.iter().flatten().all(|row| row.len() == 5),
        "{tables:?}"
    );
    // The table of 12 is folded, and still a table inside the fold.
    assert!(
        html.contains("<details><summary>12 findings</summary>\n<table>"),
        "{html}"
    );
    assert_eq!(html.matches("<details>").count(), 1);
    assert!(
        html.contains("<p>ContosoCore 1.1.0.0: no findings</p>"),
        "{html}"
    );

    let row = tables[0]
        .iter()
        .find(|row| row[3].contains("bold"))
        .unwrap();
    assert_eq!(
        row[3],
        "in <code>te|st</code>: a | b<br>c &lt;b&gt;bold&lt;/b&gt; &amp; <code>x|y</code> [l](u)"
    );
    assert_eq!(row[2], "odd|id`");
    // Only the line breaks the report wrote are HTML.
    assert_eq!(html.matches("<b>").count(), 0);
    assert_eq!(html.matches("<br>").count(), 1);
}

#[test]
fn a_solution_without_a_baseline_has_no_against() {
    let examples = root().join("examples");
    let candidate = common::load(&examples.join("ContosoCore_1_2_0_0"));
    let text = markdown::render(&[SolutionReport {
        candidate: &candidate,
        baseline: None,
        diagnostics: &[],
        allowed: 2,
        rules_run: &[],
    }]);
    assert_eq!(text, "ContosoCore 1.2.0.0: no findings, 2 accepted\n");
}
