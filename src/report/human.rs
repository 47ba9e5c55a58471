//! `--format human`: miette's graphical report for each finding, then a summary
//! line per solution. The only place that knows miette's renderer.

use std::fmt::{self, Display};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{SolutionReport, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Location;

/// At most this many related places get a snippet of their own; the rest are counted.
const MAX_RELATED_SNIPPETS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

pub fn render(reports: &[SolutionReport<'_>], style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Lines break at spaces only: a component id (`workflow/6d93…-…`) or a path
    // cut at its `/` or `-` could not be copied into an `allow` entry.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_context_lines(1)
        .with_links(false)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    for report in reports {
        for diagnostic in report.diagnostics {
            let finding = Finding::new(diagnostic);
            // Writing into a String cannot fail. Related places are rendered as
            // reports of their own: miette's nested form adds a bare "Advice:" line.
            let _ = handler.render_report(&mut out, &finding);
            for related in &finding.related {
                let _ = handler.render_report(&mut out, related);
            }
            out.push('\n');
        }
    }
    for report in reports {
        out.push_str(&summary_line(report));
        out.push('\n');
    }
    out
}

/// `2 errors, 1 warning in ContosoCore 1.2.0.0 (baseline 1.1.0.0)`.
pub fn summary_line(report: &SolutionReport<'_>) -> String {
    let summary = Summary::of(report.diagnostics);
    let mut counts = Vec::new();
    for (count, noun) in [
        (summary.errors, "error"),
        (summary.warnings, "warning"),
        (summary.infos, "info"),
    ] {
        if count > 0 {
            counts.push(format!(
                "{count} {noun}{}",
                if count == 1 { "" } else { "s" }
            ));
        }
    }
    let counts = if counts.is_empty() {
        "no problems".to_owned()
    } else {
        counts.join(", ")
    };
    let mut line = format!("{counts} in {}", report.candidate.title());
    if let Some(baseline) = report.baseline {
        line.push_str(&format!(
            " (baseline {})",
            if baseline.manifest.unique_name.value == report.candidate.manifest.unique_name.value {
                baseline.manifest.version.value.raw.clone()
            } else {
                baseline.title()
            }
        ));
    }
    if report.allowed > 0 {
        line.push_str(&format!("; {} accepted by the policy", report.allowed));
    }
    line
}

/// A few lines of a file around a span: miette reads only what it shows, so a
/// finding in a 100 MB customizations.xml does not rescan the whole file.
#[derive(Debug)]
struct Window {
    name: String,
    text: String,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 0-based line number of the window's first line.
    first_line: usize,
    /// Characters of the first line left out before `text` (a clipped long line).
    column_offset: usize,
}

/// A window holding more than this is cut down to the span's own line, and of a
/// long line to the text around the span: a one-line file of megabytes would be
/// copied whole for every finding in it, and miette cannot pad past 65 535 columns.
const MAX_WINDOW_BYTES: usize = 16 * 1024;

/// Bytes of a clipped line shown on each side of the span, and of the span itself.
const CLIP_CONTEXT_BYTES: usize = 120;
const CLIP_SPAN_BYTES: usize = 240;

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl Window {
    fn around(location: &Location, extra_lines: usize) -> Self {
        let file = &location.file;
        let text = &file.text;
        let start = location.start.min(text.len());
        let end = location.end.clamp(start, text.len());
        let first_line = file.line_of(start).0.saturating_sub(extra_lines);
        let from = file.line_start(first_line);
        // Lines end after their newline: miette miscounts a last line without one.
        let to = file.line_start(file.line_of(end).0 + extra_lines + 1);
        if to - from <= MAX_WINDOW_BYTES {
            return Window {
                name: location.path().to_owned(),
                text: text[from..to].to_owned(),
                offset: from,
                first_line,
                column_offset: 0,
            };
        }
        // Too much to show: the span's line alone, around the span.
        let (line, line_start) = file.line_of(start);
        let line_end = file.line_start(line + 1);
        let from = floor_boundary(
            text,
            start.saturating_sub(CLIP_CONTEXT_BYTES).max(line_start),
        );
        let shown_end = end.min(start + CLIP_SPAN_BYTES);
        let to = ceil_boundary(text, (shown_end + CLIP_CONTEXT_BYTES).min(line_end));
        let mut clipped = text[from..to].trim_end_matches(['\r', '\n']).to_owned();
        clipped.push('\n');
        Window {
            name: location.path().to_owned(),
            text: clipped,
            offset: from,
            first_line: line,
            column_offset: file.column_of(from),
        }
    }

    /// `location`'s span as far as the window shows it.
    fn span_of(&self, location: &Location) -> SourceSpan {
        let last = self.offset + self.text.len();
        let start = location.start.clamp(self.offset, last);
        let end = location.end.clamp(start, last);
        SourceSpan::new(start.into(), end - start)
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = SourceSpan::new(span.offset().saturating_sub(self.offset).into(), span.len());
        let inner =
            self.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.offset).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line,
            if inner.line() == 0 {
                inner.column() + self.column_offset
            } else {
                inner.column()
            },
            inner.line_count(),
        )))
    }
}

fn severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// One finding, shaped as miette wants it.
#[derive(Debug)]
struct Finding<'a> {
    diagnostic: &'a Diagnostic,
    source: Window,
    related: Vec<Related>,
}

/// A related place in another file, or beyond the main snippet.
#[derive(Debug)]
struct Related {
    message: String,
    source: Option<Window>,
    span: SourceSpan,
}

impl<'a> Finding<'a> {
    fn new(diagnostic: &'a Diagnostic) -> Self {
        let mut related: Vec<Related> = diagnostic
            .related
            .iter()
            .take(MAX_RELATED_SNIPPETS)
            .map(|label| {
                let source = Window::around(&label.location, 1);
                Related {
                    message: label.message.clone(),
                    span: source.span_of(&label.location),
                    source: Some(source),
                }
            })
            .collect();
        let hidden = diagnostic
            .related
            .len()
            .saturating_sub(MAX_RELATED_SNIPPETS);
        if hidden > 0 {
            related.push(Related {
                message: format!("and {hidden} more (see --format json for all)"),
                source: None,
                span: SourceSpan::new(0.into(), 0),
            });
        }
        Finding {
            diagnostic,
            source: Window::around(&diagnostic.location, 1),
            related,
        }
    }
}

impl Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.headline())
    }
}

impl std::error::Error for Finding<'_> {}

impl miette::Diagnostic for Finding<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn Display + 'b>> {
        Some(Box::new(self.diagnostic.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(severity(self.diagnostic.severity))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = self.diagnostic.primary_label.clone();
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(
                label,
                self.source.span_of(&self.diagnostic.location),
            ),
        )))
    }
}

impl Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Related {}

impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None, self.span,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn a_finding_far_along_a_long_line_is_clipped_not_copied() {
        let mut text = "[".to_owned();
        for i in 0..20_000 {
            text.push_str(&format!("{{\"n\": {i}}},"));
        }
        text.push_str("{\"bad\": 1}]\n");
        let start = text.find("{\"bad").unwrap_or(0);
        let file = SourceFile::new("long.json".to_owned(), text.clone());
        let location = Location {
            file,
            start,
            end: start + 10,
        };
        let window = Window::around(&location, 1);
        assert!(window.text.len() < 1024, "{}", window.text.len());
        assert!(window.text.contains("{\"bad\": 1}"));
        let column = text[..start].chars().count();
        assert_eq!(
            window.column_offset + window.text.find("{\"bad").unwrap_or(0),
            column
        );
        let span = window.span_of(&location);
        assert_eq!(span.offset(), start);
        assert_eq!(span.len(), 10);
    }
}
