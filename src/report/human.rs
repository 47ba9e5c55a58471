//! `--format human`: miette's graphical report for each finding, then a summary
//! line per solution. The only place that knows miette's renderer.

use std::fmt::{self, Display};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use std::collections::HashMap;
use std::sync::Arc;

use super::{SolutionReport, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{count_chars, Excerpt, Location, SourceFile};

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
    let mut windows = Windows::of(reports);
    for report in reports {
        for diagnostic in report.diagnostics {
            let finding = Finding::new(diagnostic, &mut windows);
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
/// finding in a 100 MB customizations.xml does not copy the whole file.
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

/// Whether `at` may start a piece of `bytes` (not inside a character).
fn is_boundary(bytes: &[u8], at: usize) -> bool {
    at == 0 || at >= bytes.len() || (bytes[at] & 0xC0) != 0x80
}

fn floor_boundary(bytes: &[u8], mut at: usize) -> usize {
    at = at.min(bytes.len());
    while !is_boundary(bytes, at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(bytes: &[u8], mut at: usize) -> usize {
    at = at.min(bytes.len());
    while !is_boundary(bytes, at) {
        at += 1;
    }
    at
}

/// The windows of a report, read once per file: each file holding a place to
/// show is read (again, for a file read as a stream) up to the last of them.
#[derive(Default)]
struct Windows {
    found: HashMap<(usize, usize, usize), Window>,
}

impl Windows {
    fn of(reports: &[SolutionReport<'_>]) -> Self {
        let mut by_file: HashMap<usize, (Arc<SourceFile>, Vec<&Location>)> = HashMap::new();
        for diagnostic in reports.iter().flat_map(|r| r.diagnostics) {
            let related = diagnostic.related.iter().take(MAX_RELATED_SNIPPETS);
            for location in
                std::iter::once(&diagnostic.location).chain(related.map(|l| &l.location))
            {
                let key = Arc::as_ptr(&location.file) as usize;
                by_file
                    .entry(key)
                    .or_insert_with(|| (Arc::clone(&location.file), Vec::new()))
                    .1
                    .push(location);
            }
        }
        let mut windows = Self::default();
        for (key, (file, mut locations)) in by_file {
            locations.sort_by_key(|l| (l.start, l.end));
            locations.dedup_by_key(|l| (l.start, l.end));
            let starts: Vec<usize> = locations.iter().map(|l| l.start).collect();
            // A file that cannot be read again (gone, changed) shows no snippet.
            let _ = file.excerpts(&starts, &mut |i, excerpt| {
                let location = locations[i];
                windows.found.insert(
                    (key, location.start, location.end),
                    Window::around(location, &excerpt),
                );
            });
        }
        windows
    }

    fn take(&mut self, location: &Location) -> Option<Window> {
        let key = (
            Arc::as_ptr(&location.file) as usize,
            location.start,
            location.end,
        );
        // A place shown twice: the first finding takes it, the next reads a copy.
        self.found.get(&key).map(|w| Window {
            name: w.name.clone(),
            text: w.text.clone(),
            ..*w
        })
    }
}

impl Window {
    /// The lines around `location` (one more on each side), from the bytes
    /// around its start: its line and column came with it.
    fn around(location: &Location, excerpt: &Excerpt<'_>) -> Self {
        let bytes = excerpt.bytes;
        let base = excerpt.offset;
        let end_of_bytes = base + bytes.len();
        let start = location.start.clamp(base, end_of_bytes);
        let end = if excerpt.to_end {
            location.end.clamp(start, end_of_bytes)
        } else {
            location.end.max(start)
        };
        let local = |at: usize| at - base;
        let line = location.line.saturating_sub(1);
        let first_line = line.saturating_sub(1);
        // Where a line starts, found by a newline in the excerpt; `None` when it
        // is before the excerpt (the excerpt is then more than a window).
        let line_start_before = |at: usize, lines_back: usize| -> Option<usize> {
            let mut to = local(at);
            for _ in 0..lines_back {
                match memchr::memrchr(b'\n', &bytes[..to]) {
                    Some(newline) => to = newline,
                    None => return (base == 0).then_some(0),
                }
            }
            Some(base + to + 1)
        };
        // Where the line `lines_on` lines after the one holding `at` starts.
        let line_start_after = |at: usize, lines_on: usize| -> Option<usize> {
            let mut from = local(at.min(end_of_bytes));
            for _ in 0..lines_on {
                match memchr::memchr(b'\n', &bytes[from..]) {
                    Some(newline) => from += newline + 1,
                    None => return excerpt.to_end.then_some(end_of_bytes),
                }
            }
            Some(base + from)
        };
        // The span's line and the one before it, to the end of the line after its end.
        let from = if line == 0 {
            (base == 0).then_some(0)
        } else {
            line_start_before(start, 2)
        };
        let to = if end <= end_of_bytes {
            line_start_after(end, 2)
        } else {
            None
        };
        if let (Some(from), Some(to)) = (from, to) {
            if to - from <= MAX_WINDOW_BYTES {
                return Window {
                    name: location.path().to_owned(),
                    text: String::from_utf8_lossy(&bytes[local(from)..local(to)]).into_owned(),
                    offset: from,
                    first_line,
                    column_offset: 0,
                };
            }
        }
        // Too much to show: the span's line alone, around the span.
        let line_start = line_start_before(start, 1).unwrap_or(0);
        let line_end = line_start_after(start, 1).unwrap_or(usize::MAX);
        let from = floor_boundary(
            bytes,
            local(
                start
                    .saturating_sub(CLIP_CONTEXT_BYTES)
                    .max(line_start)
                    .max(base),
            ),
        );
        let shown_end = end.min(start + CLIP_SPAN_BYTES);
        let to = ceil_boundary(
            bytes,
            local(
                (shown_end + CLIP_CONTEXT_BYTES)
                    .min(line_end)
                    .min(end_of_bytes),
            ),
        );
        let mut clipped = String::from_utf8_lossy(&bytes[from..to])
            .trim_end_matches(['\r', '\n'])
            .to_owned();
        clipped.push('\n');
        let skipped = count_chars(&bytes[from..local(start)]);
        Window {
            name: location.path().to_owned(),
            text: clipped,
            offset: base + from,
            first_line: line,
            column_offset: location.column.saturating_sub(1).saturating_sub(skipped),
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
    source: Option<Window>,
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
    fn new(diagnostic: &'a Diagnostic, windows: &mut Windows) -> Self {
        let mut related: Vec<Related> = diagnostic
            .related
            .iter()
            .take(MAX_RELATED_SNIPPETS)
            .map(|label| {
                let source = windows.take(&label.location);
                Related {
                    message: label.message.clone(),
                    span: source
                        .as_ref()
                        .map_or(SourceSpan::new(0.into(), 0), |s| s.span_of(&label.location)),
                    source,
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
            source: windows.take(&diagnostic.location),
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
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = self.diagnostic.primary_label.clone();
        let source = self.source.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(label, source.span_of(&self.diagnostic.location)),
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

    #[test]
    fn a_finding_far_along_a_long_line_is_clipped_not_copied() {
        let mut text = "[".to_owned();
        for i in 0..20_000 {
            text.push_str(&format!("{{\"n\": {i}}},"));
        }
        text.push_str("{\"bad\": 1}]\n");
        let start = text.find("{\"bad").unwrap_or(0);
        let file = SourceFile::new("long.json".to_owned(), text.clone());
        let location = Location::new(file, start, start + 10);
        let mut window = None;
        location
            .file
            .excerpts(&[start], &mut |_, excerpt| {
                window = Some(Window::around(&location, &excerpt));
            })
            .unwrap();
        let window = window.unwrap();
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
