//! Where the pieces of an XML document built from YAML files came from.
//!
//! The YAML form is read by writing each document the XML loaders expect (a
//! table's `Entity.xml`, the solution's `Solution.xml`) from its YAML files, the
//! mapping pac itself applies, and parsing that with the same cursor. Every token
//! written (a start tag, an attribute value, a text) is a [`Mark`] that ties its
//! bytes in the written XML to the YAML node it came from, so that every span the
//! cursor gives the model points into a `.yml` file, and the written XML is
//! dropped once parsed.

use crate::source::Span;

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
    pub fn map(&self, start: usize, end: usize) -> Option<Span> {
        let first = self.marks.partition_point(|m| m.xml.0 <= start);
        let mut index = first
            .checked_sub(1)
            .or((!self.marks.is_empty()).then_some(0))?;
        let found = index;
        loop {
            let mark = &self.marks[index];
            if mark.xml.0 <= start && end <= mark.xml.1 {
                return Some(Self::within(mark, start, end));
            }
            if mark.parent == NONE {
                break;
            }
            index = mark.parent;
        }
        // No token holds the whole range: its start's token, to that token's end.
        let mark = &self.marks[found];
        Some(Self::within(mark, start.max(mark.xml.0), mark.xml.1))
    }

    fn within(mark: &Mark, start: usize, end: usize) -> Span {
        let length = mark.span.end - mark.span.start;
        let offset = |at: usize| mark.span.start + at.saturating_sub(mark.xml.0).min(length);
        let from = offset(start);
        let to = if end >= mark.xml.1 {
            mark.span.end
        } else {
            offset(end)
        };
        Span {
            file: mark.span.file,
            start: from,
            end: to.max(from),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

    use super::*;
    use crate::source::FileId;

    fn span(file: u32, start: usize, end: usize) -> Span {
        Span {
            file: FileId(file),
            start,
            end,
        }
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
        assert_eq!(origins.map(0, 10), Some(span(1, 0, 1)));
        assert_eq!(origins.map(6, 8), Some(span(1, 10, 12)));
        assert_eq!(origins.map(10, 14), Some(span(2, 20, 24)));
        assert_eq!(origins.map(11, 12), Some(span(2, 21, 22)));
        // The end tag is in no token: the text's, to its end.
        assert_eq!(origins.map(14, 18), Some(span(2, 24, 24)));
        assert_eq!(Origins::default().map(0, 1), None);
    }
}
