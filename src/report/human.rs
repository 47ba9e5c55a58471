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
        Window {
            name: location.path().to_owned(),
            text: text[from..to].to_owned(),
            offset: from,
            first_line,
        }
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
            inner.column(),
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

fn span(location: &Location) -> SourceSpan {
    SourceSpan::new(
        location.start.into(),
        location.end.saturating_sub(location.start),
    )
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
            .map(|label| Related {
                message: label.message.clone(),
                source: Some(Window::around(&label.location, 1)),
                span: span(&label.location),
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
            LabeledSpan::new_primary_with_span(label, span(&self.diagnostic.location)),
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
