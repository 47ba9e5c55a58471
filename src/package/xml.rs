//! A small pull cursor over quick-xml events. The model parsers walk the elements
//! they need and skip the rest (forms, views, ribbons, workflows) without ever
//! building a tree, keeping the byte span of every value they return.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use std::sync::Arc;

use super::origins::Origins;
use super::LoadError;
use crate::source::{FileId, SourceFile, Span, Spanned};

/// Deeper nesting than any real export has; bounds the work on hostile input.
pub const MAX_DEPTH: usize = 256;

pub struct XmlCursor<'a> {
    reader: Reader<&'a [u8]>,
    text: &'a str,
    file: FileId,
    path: &'a str,
    depth: usize,
    /// For XML written from YAML: where its bytes came from, and the YAML files.
    origin: Option<(&'a Origins, &'a [Arc<SourceFile>])>,
}

/// An element start tag the cursor stopped at.
pub struct Element<'a> {
    start: BytesStart<'a>,
    /// The start tag, `<` to `>` (in the YAML it came from, for the YAML form).
    pub span: Span,
    /// Where the start tag begins in the text being read.
    at: usize,
    /// `<x/>`: there is no content to read or skip.
    pub is_empty: bool,
    tag: &'a str,
}

impl<'a> Element<'a> {
    /// Local name (namespace prefix dropped).
    pub fn name(&self) -> &[u8] {
        self.start.local_name().into_inner()
    }

    pub fn is(&self, name: &str) -> bool {
        self.name().eq_ignore_ascii_case(name.as_bytes())
    }

    pub fn name_str(&self) -> String {
        String::from_utf8_lossy(self.name()).into_owned()
    }
}

impl<'a> XmlCursor<'a> {
    pub fn new(text: &'a str, file: FileId, path: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Self {
            reader,
            text,
            file,
            path,
            depth: 0,
            origin: None,
        }
    }

    /// A cursor over XML written from YAML files (see [`Origins`]): its spans and
    /// errors point into `files`, where `origins` says each token came from.
    pub fn written(
        text: &'a str,
        origins: &'a Origins,
        files: &'a [Arc<SourceFile>],
        path: &'a str,
    ) -> Self {
        let mut cursor = Self::new(text, FileId(u32::MAX), path);
        cursor.origin = Some((origins, files));
        cursor
    }

    /// The span of the bytes `start..end` of the text being read, in the file
    /// they came from.
    fn span(&self, start: usize, end: usize) -> Span {
        let own = Span {
            file: self.file,
            start,
            end,
        };
        match self.origin {
            Some((origins, _)) => origins.map(start, end).unwrap_or(own),
            None => own,
        }
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    /// The file a span the cursor gave points into, and its text.
    fn file_of(&self, span: Span) -> (&str, &str) {
        match self.origin {
            Some((_, files)) => files
                .get(span.file.0 as usize)
                .map_or((self.path, ""), |f| {
                    (f.display_path.as_str(), f.text.as_str())
                }),
            None => (self.path, self.text),
        }
    }

    /// Where a span the cursor gave is, for messages that name a second place:
    /// `line 12`, or `path line 12` when it is in another file than `here`.
    pub fn line_of(&self, span: Span, here: Span) -> String {
        let (path, text) = self.file_of(span);
        let line = crate::source::line_col(text, span.start).0;
        if span.file == here.file {
            format!("line {line}")
        } else {
            format!("{path} line {line}")
        }
    }

    /// An error at a span the cursor gave. Read from YAML, the message names
    /// keys as the YAML writes them (`Name:`, `'@Name'`), not XML elements.
    pub fn error_at(&self, span: Span, message: impl Into<String>) -> LoadError {
        let (path, text) = self.file_of(span);
        let message = message.into();
        let message = match self.origin {
            Some(_) => in_yaml_words(&message),
            None => message,
        };
        LoadError::xml(path, text, span.start, message)
    }

    /// An error at a byte offset of the text being read.
    fn error_here(&self, offset: usize, message: impl Into<String>) -> LoadError {
        match self.origin {
            Some(_) => self.error_at(self.span(offset, offset), message),
            None => LoadError::xml(self.path, self.text, offset, message),
        }
    }

    fn read(&mut self) -> Result<(usize, Event<'a>), LoadError> {
        let before = self.position();
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(self.error_here(
                before,
                "document type declarations (DTDs and entities) are not allowed in a solution file",
            )),
            Ok(event) => Ok((before, event)),
            Err(error) => {
                let at = usize::try_from(self.reader.error_position()).unwrap_or(before);
                Err(self.error_here(at, format!("malformed XML: {error}")))
            }
        }
    }

    fn element(&self, start: BytesStart<'a>, from: usize, is_empty: bool) -> Element<'a> {
        let to = self.position();
        Element {
            start,
            span: self.span(from, to),
            at: from,
            is_empty,
            tag: self.text.get(from..to).unwrap_or(""),
        }
    }

    fn enter(&mut self, at: usize) -> Result<(), LoadError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(
                at,
                format!("elements nested more than {MAX_DEPTH} deep; refusing to read further"),
            ));
        }
        Ok(())
    }

    /// Reads up to the document element, refusing DTDs on the way.
    pub fn root(&mut self) -> Result<Element<'a>, LoadError> {
        loop {
            let (at, event) = self.read()?;
            match event {
                Event::Start(start) => {
                    self.enter(at)?;
                    return Ok(self.element(start, at, false));
                }
                Event::Empty(start) => return Ok(self.element(start, at, true)),
                Event::Text(text) if text.iter().all(u8::is_ascii_whitespace) => {}
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.error_here(at, "no root element: the file is empty")),
                _ => return Err(self.error_here(at, "text before the root element")),
            }
        }
    }

    /// The next child element of the element being read, or `None` once its end
    /// tag is consumed. A returned non-empty element must be read to its end, by
    /// [`Self::next_child`] until `None`, [`Self::skip`] or [`Self::text`].
    pub fn next_child(&mut self) -> Result<Option<Element<'a>>, LoadError> {
        loop {
            let (at, event) = self.read()?;
            match event {
                Event::Start(start) => {
                    self.enter(at)?;
                    return Ok(Some(self.element(start, at, false)));
                }
                Event::Empty(start) => return Ok(Some(self.element(start, at, true))),
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(None);
                }
                Event::Eof => {
                    return Err(self.error_here(at, "unexpected end of file inside an element"))
                }
                _ => {}
            }
        }
    }

    /// Skips the content of `element`, up to and including its end tag.
    pub fn skip(&mut self, element: &Element<'a>) -> Result<(), LoadError> {
        if element.is_empty {
            return Ok(());
        }
        let target = self.depth - 1;
        while self.depth > target {
            let (at, event) = self.read()?;
            match event {
                Event::Start(_) => self.enter(at)?,
                Event::End(_) => self.depth -= 1,
                Event::Eof => {
                    return Err(self.error_here(at, "unexpected end of file inside an element"))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The text content of `element` (trimmed), consuming its end tag. Child
    /// elements are skipped. The span covers the text, or the start tag when
    /// the element is empty.
    pub fn text(&mut self, element: &Element<'a>) -> Result<Spanned<String>, LoadError> {
        let mut value = String::new();
        let mut span: Option<(usize, usize)> = None;
        if !element.is_empty {
            let target = self.depth - 1;
            while self.depth > target {
                let (at, event) = self.read()?;
                let end = self.position();
                let direct = self.depth == target + 1;
                match event {
                    Event::Text(text) if direct => {
                        let decoded = text
                            .decode()
                            .map_err(|e| self.error_here(at, format!("invalid text: {e}")))?;
                        value.push_str(&decoded);
                        span = Some(span.map_or((at, end), |(s, _)| (s, end)));
                    }
                    Event::CData(data) if direct => {
                        value.push_str(&String::from_utf8_lossy(&data));
                        span = Some(span.map_or((at, end), |(s, _)| (s, end)));
                    }
                    Event::GeneralRef(reference) if direct => {
                        value.push(self.resolve_reference(at, &reference)?);
                        span = Some(span.map_or((at, end), |(s, _)| (s, end)));
                    }
                    Event::Start(_) => self.enter(at)?,
                    Event::End(_) => self.depth -= 1,
                    Event::Eof => {
                        return Err(self.error_here(at, "unexpected end of file inside an element"))
                    }
                    _ => {}
                }
            }
        }
        let trimmed = value.trim();
        let (start, end) = match span {
            Some((start, end)) => {
                // Point at the value itself, not the whitespace around it.
                let raw = self.text.get(start..end).unwrap_or("");
                let lead = raw.len() - raw.trim_start().len();
                let trail = raw.len() - raw.trim_end().len();
                if lead + trail < raw.len() {
                    (start + lead, end - trail)
                } else {
                    (start, end)
                }
            }
            None => (element.at, element.at + element.tag.len()),
        };
        let value = if trimmed.len() == value.len() {
            value
        } else {
            trimmed.to_owned()
        };
        Ok(Spanned::new(value, self.span(start, end)))
    }

    fn resolve_reference(
        &self,
        at: usize,
        reference: &quick_xml::events::BytesRef<'_>,
    ) -> Result<char, LoadError> {
        if let Some(ch) = reference
            .resolve_char_ref()
            .map_err(|e| self.error_here(at, format!("bad character reference: {e}")))?
        {
            return Ok(ch);
        }
        let name = reference
            .decode()
            .map_err(|e| self.error_here(at, format!("bad entity reference: {e}")))?;
        match quick_xml::escape::resolve_predefined_entity(&name) {
            Some(text) => Ok(text.chars().next().unwrap_or('\u{fffd}')),
            None => Err(self.error_here(at, format!("undeclared entity `&{name};`"))),
        }
    }

    /// The value of attribute `name` (case-insensitive local name), with the span
    /// of the value inside the start tag.
    pub fn attr(
        &self,
        element: &Element<'a>,
        name: &str,
    ) -> Result<Option<Spanned<String>>, LoadError> {
        // quick-xml's duplicate check compares each attribute with every earlier one,
        // quadratic in a hostile tag of 200 000 attributes; only the attribute asked
        // for is checked here, in one pass.
        let mut found: Option<Spanned<String>> = None;
        for attribute in element.start.attributes().with_checks(false) {
            let attribute = attribute
                .map_err(|e| self.error_at(element.span, format!("malformed attribute: {e}")))?;
            if !attribute
                .key
                .local_name()
                .as_ref()
                .eq_ignore_ascii_case(name.as_bytes())
                || attribute.key.prefix().is_some()
            {
                continue;
            }
            if found.is_some() {
                return Err(self.error_at(
                    element.span,
                    format!("malformed attribute: `{name}` is given twice"),
                ));
            }
            let value = attribute.unescape_value().map_err(|e| {
                self.error_at(
                    element.span,
                    format!("bad value of attribute `{name}`: {e}"),
                )
            })?;
            let (start, end) = attribute_value_range(element.tag, name)
                .map_or((element.at, element.at + element.tag.len()), |(s, e)| {
                    (element.at + s, element.at + e)
                });
            found = Some(Spanned::new(value.trim().to_owned(), self.span(start, end)));
        }
        Ok(found)
    }

    /// Whether the element carries `unmodified="1"`.
    pub fn unmodified(&self, element: &Element<'a>) -> Result<bool, LoadError> {
        Ok(self
            .attr(element, "unmodified")?
            .is_some_and(|v| v.value == "1" || v.value.eq_ignore_ascii_case("true")))
    }
}

/// Byte range of an attribute's value (inside the quotes) within a start tag.
fn attribute_value_range(tag: &str, name: &str) -> Option<(usize, usize)> {
    let bytes = tag.as_bytes();
    let lower = tag.to_ascii_lowercase();
    let needle = name.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(&needle) {
        let start = from + found;
        from = start + needle.len();
        let preceded_by_space = start > 0 && bytes[start - 1].is_ascii_whitespace();
        let rest = tag[from..].trim_start();
        if !preceded_by_space || !rest.starts_with('=') {
            continue;
        }
        let after_eq = rest[1..].trim_start();
        let quote = after_eq.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let value_start = tag.len() - after_eq.len() + 1;
        let value_len = tag[value_start..].find(quote)?;
        return Some((value_start, value_start + value_len));
    }
    None
}

/// A loader's message about XML as the YAML that maps to it says it: an
/// element `<Name>` is the key `` `Name:` ``, and an attribute `` `Name` attribute``
/// is the key `` `'@Name'` ``.
pub fn in_yaml_words(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    let mut rest = message;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('>') {
            out.push('`');
            out.push_str(&after[..name_len]);
            out.push_str(":`");
            rest = &after[name_len + 1..];
        } else {
            out.push('<');
            rest = after;
        }
    }
    out.push_str(rest);
    let mut words = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("` attribute") {
        let (before, after) = rest.split_at(at);
        match before.rfind('`') {
            Some(tick) => {
                words.push_str(&before[..tick]);
                words.push_str("`'@");
                words.push_str(&before[tick + 1..]);
                words.push_str("'` key");
            }
            None => words.push_str(&rest[..at + "` attribute".len()]),
        }
        rest = &after["` attribute".len()..];
    }
    words.push_str(rest);
    words.replace(":` element", ":` key")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(text: &str) -> XmlCursor<'_> {
        XmlCursor::new(text, FileId(0), "test.xml")
    }

    #[test]
    fn walks_children_and_reads_text_with_spans() {
        let text = "<a x=\"1\">\n  <b> hello &amp; bye </b>\n  <c><d/></c>\n  <e/>\n</a>";
        let mut cur = cursor(text);
        let root = cur.root().unwrap();
        assert!(root.is("a"));
        assert_eq!(cur.attr(&root, "x").unwrap().unwrap().value, "1");
        let b = cur.next_child().unwrap().unwrap();
        let value = cur.text(&b).unwrap();
        assert_eq!(value.value, "hello & bye");
        assert_eq!(&text[value.span.start..value.span.end], "hello &amp; bye");
        let c = cur.next_child().unwrap().unwrap();
        cur.skip(&c).unwrap();
        let e = cur.next_child().unwrap().unwrap();
        assert!(e.is_empty);
        assert!(cur.next_child().unwrap().is_none());
    }

    #[test]
    fn attribute_span_points_at_the_value() {
        let text = r#"<r version="9.1.0.1" SolutionPackageVersion="9.2"/>"#;
        let mut cur = cursor(text);
        let root = cur.root().unwrap();
        let spv = cur.attr(&root, "SolutionPackageVersion").unwrap().unwrap();
        assert_eq!(&text[spv.span.start..spv.span.end], "9.2");
        let version = cur.attr(&root, "version").unwrap().unwrap();
        assert_eq!(&text[version.span.start..version.span.end], "9.1.0.1");
    }

    #[test]
    fn refuses_dtd() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>";
        let err = cursor(text).root().err().unwrap();
        assert!(err.to_string().contains("test.xml:2:1"), "{err}");
        assert!(err.to_string().contains("not allowed"), "{err}");
    }

    #[test]
    fn refuses_undeclared_entities() {
        let text = "<a><b>&lol;</b></a>";
        let mut cur = cursor(text);
        cur.root().unwrap();
        let b = cur.next_child().unwrap().unwrap();
        let err = cur.text(&b).err().unwrap();
        assert!(
            err.to_string().contains("undeclared entity `&lol;`"),
            "{err}"
        );
    }

    #[test]
    fn bounds_nesting_depth() {
        let text = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 5),
            "</a>".repeat(MAX_DEPTH + 5)
        );
        let mut cur = cursor(&text);
        let root = cur.root().unwrap();
        let err = cur.skip(&root).err().unwrap();
        assert!(err.to_string().contains("nested more than"), "{err}");
    }

    #[test]
    fn reports_mismatched_tags_with_line() {
        let text = "<a>\n<b></c>\n</a>";
        let mut cur = cursor(text);
        let root = cur.root().unwrap();
        let err = cur.skip(&root).err().unwrap();
        assert!(err.to_string().starts_with("test.xml:2:"), "{err}");
    }

    #[test]
    fn messages_about_yaml_name_its_keys() {
        assert_eq!(
            in_yaml_words("<Entity> has no <Name>"),
            "`Entity:` has no `Name:`"
        );
        assert_eq!(
            in_yaml_words("<entity> has no `Name` attribute"),
            "`entity:` has no `'@Name'` key"
        );
        assert_eq!(
            in_yaml_words("<attribute> has neither a `PhysicalName` attribute nor a <LogicalName>"),
            "`attribute:` has neither a `'@PhysicalName'` key nor a `LogicalName:`"
        );
        assert_eq!(in_yaml_words("a < b and <c d>"), "a < b and <c d>");
        assert_eq!(in_yaml_words("no tags"), "no tags");
    }
}
