//! `--format markdown`: a report for pull-request comments (GitHub, Azure DevOps):
//! per solution, a summary line and a GitHub-flavoured Markdown table of its
//! findings.
//!
//! [`cell`] and [`code`] make any text safe in a table cell; other Markdown
//! reports (`dvlint diff`) use them too.

use std::cmp::Reverse;

use super::{SolutionReport, Summary};
use crate::diagnostic::Diagnostic;

/// A table with more rows than this is folded into `<details>`, so that a long
/// report does not bury the rest of a pull-request conversation.
const FOLD_AFTER: usize = 10;

/// `text` as the content of a table cell: what it says stays in the one cell and
/// reads as written.
///
/// Messages quote ids and values in backticks, so a backtick code span is kept as
/// code (its content shown literally: `` `a<b` `` stays `a<b`, with only a `|`
/// escaped, which tables require even in code). Everywhere else:
/// - `|` becomes `\|` and each line break `<br>`, so the row cannot end early;
/// - `<`, `>` and `&` become entities, so no HTML tag or entity is interpreted;
/// - the characters of inline Markdown (`\`, `*`, `_`, `[`, `]`, `~`, `$`, an
///   unmatched backtick) are backslash-escaped, so a display name such as
///   `[x](url)` or `*x*` is not turned into a link or emphasis.
///
/// Code spans are found as CommonMark finds them: a run of backticks up to the
/// next run of the same length. A line break inside one becomes a space, as
/// CommonMark itself reads it.
pub(crate) fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        escape_into(&mut out, &rest[..open]);
        let after = &rest[open..];
        let run = backtick_run(after);
        match closing_run(&after[run..], run) {
            Some(end) => {
                out.push_str(&after[..run]);
                for c in after[run..run + end].chars() {
                    match c {
                        '|' => out.push_str("\\|"),
                        '\r' | '\n' => out.push(' '),
                        c => out.push(c),
                    }
                }
                out.push_str(&after[run + end..run + end + run]);
                rest = &after[run + end + run..];
            }
            None => {
                // No closing run: the backticks are plain text.
                escape_into(&mut out, &after[..run]);
                rest = &after[run..];
            }
        }
    }
    escape_into(&mut out, rest);
    out
}

/// `text` (an id, a rule, a path) as an inline-code table cell: `` `text` `` with
/// `|` escaped. A text that code cannot hold as written — one with a backtick or
/// a line break — is written as escaped plain text instead, every character
/// shown as it is; an empty one is an empty cell.
pub(crate) fn code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    if text.contains(['`', '\r', '\n']) {
        let mut out = String::new();
        escape_into(&mut out, text);
        return out;
    }
    format!("`{}`", text.replace('|', "\\|"))
}

/// Plain text, escaped as [`cell`] escapes what is outside code spans (backticks
/// included).
fn escape_into(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// The length of the run of backticks `text` starts with.
fn backtick_run(text: &str) -> usize {
    text.bytes().take_while(|b| *b == b'`').count()
}

/// Where in `text` the first run of exactly `len` backticks starts.
fn closing_run(text: &str, len: usize) -> Option<usize> {
    let mut at = 0;
    while let Some(found) = text[at..].find('`') {
        let start = at + found;
        let run = backtick_run(&text[start..]);
        if run == len {
            return Some(start);
        }
        at = start + run;
    }
    None
}

/// `ContosoCore 1.2.0.0 against 1.1.0.0: 3 errors, 2 warnings, 1 accepted`.
fn summary_line(report: &SolutionReport<'_>) -> String {
    let mut line = report.candidate.title();
    if let Some(baseline) = report.baseline {
        let same =
            baseline.manifest.unique_name.value == report.candidate.manifest.unique_name.value;
        line.push_str(" against ");
        line.push_str(&if same {
            baseline.manifest.version.value.raw.clone()
        } else {
            baseline.title()
        });
    }
    let summary = Summary::of(report.diagnostics);
    let mut counts: Vec<String> = [
        (summary.errors, "error"),
        (summary.warnings, "warning"),
        (summary.infos, "info"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, noun)| format!("{count} {noun}{}", if count == 1 { "" } else { "s" }))
    .collect();
    if counts.is_empty() {
        counts.push("no findings".to_owned());
    }
    if report.allowed > 0 {
        counts.push(format!("{} accepted", report.allowed));
    }
    line.push_str(": ");
    line.push_str(&counts.join(", "));
    let mut out = String::new();
    escape_into(&mut out, &line);
    // A paragraph starting with `#`, `-`, `+` or `=` would be a heading or a list.
    if out.starts_with(['#', '-', '+', '=']) {
        out.insert(0, '\\');
    }
    out
}

fn row(diagnostic: &Diagnostic) -> String {
    let (line, _) = diagnostic.location.line_col();
    format!(
        "| {} | {} | {} | {} | {} |\n",
        diagnostic.severity,
        code(diagnostic.rule),
        diagnostic
            .component
            .as_deref()
            .map_or_else(String::new, code),
        cell(&diagnostic.headline()),
        code(&format!("{}:{line}", diagnostic.location.path())),
    )
}

fn table(diagnostics: &[Diagnostic]) -> String {
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().collect();
    // Errors first; within a severity, the order of every other report.
    ordered.sort_by_cached_key(|d| (Reverse(d.severity), d.sort_key()));
    let mut table = String::from(
        "| Severity | Rule | Component | Finding | Where |\n| --- | --- | --- | --- | --- |\n",
    );
    for diagnostic in ordered {
        table.push_str(&row(diagnostic));
    }
    if diagnostics.len() > FOLD_AFTER {
        // GitHub reads a table inside HTML only with blank lines around it.
        table = format!(
            "<details><summary>{} findings</summary>\n\n{table}\n</details>\n",
            diagnostics.len()
        );
    }
    table
}

/// The report: per solution, its summary line, then the table of its findings
/// (if any), each block separated by a blank line.
pub fn render(reports: &[SolutionReport<'_>]) -> String {
    let blocks: Vec<String> = reports
        .iter()
        .map(|report| {
            let mut block = summary_line(report);
            block.push('\n');
            if !report.diagnostics.is_empty() {
                block.push('\n');
                block.push_str(&table(report.diagnostics));
            }
            block
        })
        .collect();
    blocks.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

    /// What a reader sees of `cell` as the first of two cells of a table's one row,
    /// rendered by a real GitHub-flavoured Markdown parser: its text, code shown
    /// as `{code}` and `<br>` as a line break. Panics on anything else (emphasis,
    /// a link, HTML), and when the row does not have exactly its two cells.
    fn shown(cell: &str) -> String {
        let table = format!("| a | b |\n| --- | --- |\n| {cell} | end |\n");
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH;
        let mut cells: Vec<String> = Vec::new();
        let (mut rows, mut in_body) = (0, false);
        for event in Parser::new_ext(&table, options) {
            match event {
                Event::End(TagEnd::TableHead) => in_body = true,
                Event::Start(Tag::TableRow) => rows += 1,
                Event::Start(Tag::TableCell) if in_body => cells.push(String::new()),
                Event::Text(text) if in_body => push(&mut cells, &text),
                Event::Code(code) if in_body => push(&mut cells, &format!("{{{code}}}")),
                Event::InlineHtml(CowStr::Borrowed("<br>")) => push(&mut cells, "\n"),
                Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableCell)
                | Event::End(TagEnd::Table | TagEnd::TableRow | TagEnd::TableCell)
                | Event::Text(_) => {}
                other => panic!("{cell:?} renders {other:?}"),
            }
        }
        assert_eq!(rows, 1, "{table}");
        assert_eq!(cells.len(), 2, "{table}");
        assert_eq!(cells[1], "end", "{table}");
        cells.swap_remove(0)
    }

    fn push(cells: &mut [String], text: &str) {
        if let Some(last) = cells.last_mut() {
            last.push_str(text);
        }
    }

    #[test]
    fn a_cell_shows_its_text_as_written_and_stays_one_cell() {
        let plain = "a | b\nc <b>bold</b> &amp; & *x* _y_ [l](u) ~s~ $m$ \\ | \\|";
        assert_eq!(shown(&cell(plain)), plain);
        for (text, seen) in [
            ("value `a<b|c&amp;` here", "value {a<b|c&amp;} here"),
            ("``a`b`` x", "{a`b} x"),
            ("lone ` tick, `` two", "lone ` tick, `` two"),
            ("`a\nb` x\r\ny\rz", "{a b} x\ny\nz"),
            ("`a\\|b` `c\\`", "{a\\|b} {c\\}"),
            ("`a` `b", "{a} `b"),
            ("<!-- x --> <script>", "<!-- x --> <script>"),
        ] {
            assert_eq!(shown(&cell(text)), seen, "{text:?}");
        }
    }

    #[test]
    fn code_cells_fall_back_to_plain_text() {
        for (text, seen) in [
            ("cts_project.cts_budget", "{cts_project.cts_budget}"),
            ("a|b", "{a|b}"),
            ("p\\|q", "{p\\|q}"),
            ("<b>&amp;", "{<b>&amp;}"),
            ("a`b", "a`b"),
            ("a\nb *c*", "a\nb *c*"),
        ] {
            assert_eq!(shown(&code(text)), seen, "{text:?}");
        }
        assert_eq!(code(""), "");
    }
}
