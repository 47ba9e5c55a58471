//! Where the pieces of an XML document built from YAML files came from.
//!
//! The YAML form is read by writing each document the XML loaders expect (a
//! table's `Entity.xml`, the solution's `Solution.xml`) from its YAML files, the
//! mapping pac itself applies, and parsing that with the same cursor. Every token
//! written (a start tag, an attribute value, a text) is a [`Mark`] that ties its
//! bytes in the written XML to the YAML node it came from, so that every span the
//! cursor gives the model points into a `.yml` file, and the written XML is
//! dropped once parsed.

use std::sync::Arc;

use crate::source::{floor_char_boundary, offset32, Pos, SourceFile, Span};

/// One written token and the YAML it came from.
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    /// Byte range in the written XML.
    pub xml: (usize, usize),
    /// The YAML it stands for: a key, a scalar's text.
    pub span: Span,
    /// The mark of the element the token is inside (`usize::MAX` at the top).
    pub parent: usize,
}

/// The marks of one written document, in the order their tokens start.
#[derive(Debug, Default)]
pub struct Origins {
    marks: Vec<Mark>,
}

const NONE: usize = usize::MAX;

impl Origins {
    /// Adds a mark; returns its index, to close it ([`Self::close`]) or to be a parent.
    pub fn push(&mut self, xml_start: usize, span: Span, parent: Option<usize>) -> usize {
        self.marks.push(Mark {
            xml: (xml_start, xml_start),
            span,
            parent: parent.unwrap_or(NONE),
        });
        self.marks.len() - 1
    }

    /// Sets where the token of mark `index` ends in the written XML.
    pub fn close(&mut self, index: usize, xml_end: usize) {
        if let Some(mark) = self.marks.get_mut(index) {
            mark.xml.1 = xml_end;
        }
    }

    /// The YAML span of the written bytes `start..end`: through the innermost token
    /// holding both ends, proportionally inside it (a value written with escapes is
    /// longer than its YAML text, so the offset is clamped to the YAML token).
    /// `files` holds the YAML texts, where a place inside a token is counted.
    pub fn map(&self, start: usize, end: usize, files: &[Arc<SourceFile>]) -> Option<Span> {
        let first = self.marks.partition_point(|m| m.xml.0 <= start);
        let mut index = first
            .checked_sub(1)
            .or((!self.marks.is_empty()).then_some(0))?;
        let found = index;
        loop {
            let mark = &self.marks[index];
            if mark.xml.0 <= start && end <= mark.xml.1 {
                return Some(Self::within(mark, start, end, files));
            }
            if mark.parent == NONE {
                break;
            }
            index = mark.parent;
        }
        // No token holds the whole range: its start's token, to that token's end.
        let mark = &self.marks[found];
        Some(Self::within(mark, start.max(mark.xml.0), mark.xml.1, files))
    }

    fn within(mark: &Mark, start: usize, end: usize, files: &[Arc<SourceFile>]) -> Span {
        let (token_start, token_end) = (mark.span.start as usize, mark.span.end as usize);
        let length = token_end - token_start;
        let offset = |at: usize| token_start + at.saturating_sub(mark.xml.0).min(length);
        let from = offset(start);
        let to = if end >= mark.xml.1 {
            token_end
        } else {
            offset(end)
        };
        let token = Pos {
            offset: token_start,
            line: mark.span.line,
            column: mark.span.column,
        };
        // Inside the token: counted from its start in the YAML text.
        let at = match files.get(mark.span.file.0 as usize).and_then(|f| f.text()) {
            Some(text) if from > token_start && from <= text.len() => {
                let from = floor_char_boundary(text, from).max(token_start);
                token.advance(&text.as_bytes()[token_start..from])
            }
            _ => token,
        };
        Span {
            file: mark.span.file,
            start: offset32(from),
            end: offset32(to.max(from)),
            line: at.line,
            column: at.column,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

    use super::*;
    use crate::source::FileId;

    /// The YAML texts of the test: files 1 and 2 (file 0 is not read).
    fn files() -> Vec<Arc<SourceFile>> {
        ["", "k\n  key: ab cd ef", "line one\n\n  é value text here"]
            .iter()
            .map(|text| SourceFile::new("x.yml".to_owned(), (*text).to_owned()))
            .collect()
    }

    fn span(file: u32, start: usize, end: usize) -> Span {
        let files = files();
        let text = files[file as usize].text().unwrap_or("");
        Span::in_text(FileId(file), text, start.min(text.len()), end)
    }

    #[test]
    fn a_range_maps_through_the_innermost_token_holding_it() {
        // <a x="vv">text</a>: the tag stands for key 0..1 of file 1, the value for
        // 10..12, the text for 20..24 of file 2.
        let mut origins = Origins::default();
        let tag = origins.push(0, span(1, 0, 1), None);
        let value = origins.push(6, span(1, 10, 12), Some(tag));
        origins.close(value, 8);
        origins.close(tag, 10);
        let text = origins.push(10, span(2, 20, 24), None);
        origins.close(text, 14);
        let files = files();
        assert_eq!(origins.map(0, 10, &files), Some(span(1, 0, 1)));
        assert_eq!(origins.map(6, 8, &files), Some(span(1, 10, 12)));
        assert_eq!(origins.map(10, 14, &files), Some(span(2, 20, 24)));
        assert_eq!(origins.map(11, 12, &files), Some(span(2, 21, 22)));
        // The end tag is in no token: the text's, to its end.
        assert_eq!(origins.map(14, 18, &files), Some(span(2, 24, 24)));
        assert_eq!(Origins::default().map(0, 1, &files), None);
    }
}
