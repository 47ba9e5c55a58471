//! A small pull cursor over quick-xml events. The model parsers walk the elements
//! they need and skip the rest (forms, views, ribbons, workflows) without ever
//! building a tree, keeping the byte span of every value they return, with its
//! line and column counted as the bytes go by.
//!
//! The cursor reads a stream ([`Kept`]): the file is parsed while it inflates,
//! and never held whole. One event buffer is reused; an element's start tag is
//! copied into the element (inline when short, as most are), so that the
//! parsers may read its attributes whenever they like without an allocation
//! per element.

use std::marker::PhantomData;
use std::sync::Arc;

use quick_xml::events::attributes::Attributes;
use quick_xml::events::Event;
use quick_xml::name::QName;
use quick_xml::Reader;

use super::kept::{Failure, Kept};
use super::origins::Origins;
use super::LoadError;
use crate::source::{FileId, Pos, SourceFile, Span, Spanned};

/// Deeper nesting than any real export has; bounds the work on hostile input.
pub const MAX_DEPTH: usize = 256;

/// Start tags up to this long are held in the element itself.
const INLINE_TAG: usize = 72;

pub struct XmlCursor<'a> {
    reader: Reader<Kept<'a>>,
    /// The event being read.
    buf: Vec<u8>,
    file: FileId,
    path: &'a str,
    depth: usize,
    /// The text of an element being read, kept between reads for its capacity.
    text: String,
    /// For XML written from YAML: where its bytes came from, and the YAML files.
    origin: Option<(&'a Origins, &'a [Arc<SourceFile>])>,
}

/// A start tag's bytes, from `<` (excluded) to `>` or `/>` (excluded).
enum Tag {
    Inline([u8; INLINE_TAG], u8),
    Long(Vec<u8>),
}

impl Tag {
    fn new(bytes: &[u8]) -> Self {
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE_TAG => {
                let mut inline = [0; INLINE_TAG];
                inline[..bytes.len()].copy_from_slice(bytes);
                Tag::Inline(inline, len)
            }
            _ => Tag::Long(bytes.to_vec()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Tag::Inline(bytes, len) => &bytes[..usize::from(*len)],
            Tag::Long(bytes) => bytes,
        }
    }
}

/// An element start tag the cursor stopped at.
pub struct Element<'a> {
    tag: Tag,
    name_len: usize,
    /// The start tag, `<` to `>` (in the YAML it came from, for the YAML form).
    pub span: Span,
    /// Where the start tag begins in the text being read.
    at: Pos,
    /// `<x/>`: there is no content to read or skip.
    pub is_empty: bool,
    _text: PhantomData<&'a str>,
}

impl<'a> Element<'a> {
    /// Local name (namespace prefix dropped).
    pub fn name(&self) -> &[u8] {
        QName(self.tag.bytes().get(..self.name_len).unwrap_or_default())
            .local_name()
            .into_inner()
    }

    pub fn is(&self, name: &str) -> bool {
        self.name().eq_ignore_ascii_case(name.as_bytes())
    }

    pub fn name_str(&self) -> String {
        String::from_utf8_lossy(self.name()).into_owned()
    }
}

/// What an event was, once the buffer it borrows is let go.
enum Got {
    /// A start tag (in the buffer), its name's length, and whether it is empty.
    Start(usize, bool),
    End,
    Eof,
    DocType,
    /// Text, in the buffer.
    Text,
    /// A declaration, a comment, a processing instruction.
    Prolog,
    Other,
}

impl<'a> XmlCursor<'a> {
    /// A cursor over a text in memory, read as it is.
    pub fn new(text: &'a str, file: FileId, path: &'a str) -> Self {
        Self::stream(Kept::text(text), file, path)
    }

    /// A cursor over a stream of kept bytes.
    pub fn stream(kept: Kept<'a>, file: FileId, path: &'a str) -> Self {
        let mut reader = Reader::from_reader(kept);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Self {
            reader,
            buf: Vec::new(),
            file,
            path,
            depth: 0,
            text: String::new(),
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

    /// Why the stream failed, if it did: not UTF-8, a NUL, an I/O error.
    pub fn failure(&self) -> Option<&Failure> {
        self.reader.get_ref().failure()
    }

    /// Reads the rest of the stream (see [`Kept::finish`]): the length and
    /// CRC-32 of all the bytes read.
    pub fn finish(self) -> Result<(u64, u32), Failure> {
        self.reader.into_inner().finish()
    }

    /// The span of the bytes `start..end` of the text being read, in the file
    /// they came from.
    #[inline]
    fn span(&mut self, start: usize, end: usize) -> Span {
        match self.origin {
            Some((origins, files)) => origins
                .map(start, end, files)
                .unwrap_or_else(|| Span::new(self.file, start, end, Pos::START)),
            None => {
                let at = self.reader.get_mut().locate(start);
                Span::new(self.file, start, end, at)
            }
        }
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    /// The path of the file a span the cursor gave points into.
    fn path_of(&self, span: Span) -> &str {
        match self.origin {
            Some((_, files)) => files
                .get(span.file.0 as usize)
                .map_or(self.path, |f| f.display_path.as_str()),
            None => self.path,
        }
    }

    /// Where a span the cursor gave is, for messages that name a second place:
    /// `line 12`, or `path line 12` when it is in another file than `here`.
    pub fn line_of(&self, span: Span, here: Span) -> String {
        if span.file == here.file {
            format!("line {}", span.line)
        } else {
            format!("{} line {}", self.path_of(span), span.line)
        }
    }

    /// An error at a span the cursor gave. Read from YAML, the message names
    /// keys as the YAML writes them (`Name:`, `'@Name'`), not XML elements.
    pub fn error_at(&self, span: Span, message: impl Into<String>) -> LoadError {
        let message = message.into();
        let message = match self.origin {
            Some(_) => in_yaml_words(&message),
            None => message,
        };
        LoadError::At {
            path: self.path_of(span).to_owned(),
            line: span.line as usize,
            column: span.column as usize,
            message,
        }
    }

    /// An error at a byte offset of the text being read.
    fn error_here(&mut self, offset: usize, message: impl Into<String>) -> LoadError {
        let span = self.span(offset, offset);
        self.error_at(span, message)
    }

    /// An error the reader met: the stream's own failure first.
    fn read_error(&mut self, at: usize, error: &quick_xml::Error) -> LoadError {
        match self.failure().cloned() {
            Some(Failure::Nul(pos)) => LoadError::At {
                path: self.path.to_owned(),
                line: pos.line as usize,
                column: pos.column as usize,
                message: NUL_MESSAGE.to_owned(),
            },
            Some(failure) => LoadError::file(self.path, failure.to_string()),
            None => {
                let error_at = usize::try_from(self.reader.error_position()).unwrap_or(at);
                self.error_here(error_at, format!("malformed XML: {error}"))
            }
        }
    }

    /// Reads the next event, refusing DTDs.
    // Once per event of `skip` and `next_child`, most of the work: inlined there.
    #[inline(always)]
    fn read(&mut self) -> Result<(usize, Got), LoadError> {
        let at = self.start_event();
        // Matched where it is: moving quick-xml's large result costs a stall.
        let got = match &self.reader.read_event_into(&mut self.buf) {
            Ok(Event::Start(start)) => Ok(Got::Start(start.name().as_ref().len(), false)),
            Ok(Event::Empty(start)) => Ok(Got::Start(start.name().as_ref().len(), true)),
            Ok(Event::End(_)) => Ok(Got::End),
            Ok(Event::Eof) => Ok(Got::Eof),
            Ok(Event::DocType(_)) => Ok(Got::DocType),
            Ok(Event::Text(_)) => Ok(Got::Text),
            Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_)) => Ok(Got::Prolog),
            Ok(_) => Ok(Got::Other),
            Err(error) => Err(error.clone()),
        };
        if let Ok(Got::Start(name_len, false)) = got {
            self.opened(name_len);
        }
        match got {
            Ok(Got::DocType) => Err(self.error_here(
                at,
                "document type declarations (DTDs and entities) are not allowed in a solution file",
            )),
            Ok(got) => Ok((at, got)),
            Err(error) => Err(self.read_error(at, &error)),
        }
    }

    /// Where the next event starts, held until the one after it is read.
    fn start_event(&mut self) -> usize {
        let at = self.position();
        self.reader.get_mut().pin(at);
        self.buf.clear();
        at
    }

    /// A start tag (not an empty one) is in the buffer: the reader blanks the
    /// content of a bulk element (see `compact`).
    fn opened(&mut self, name_len: usize) {
        let name = self.buf.get(..name_len).unwrap_or_default();
        self.reader.get_mut().blank(name);
    }

    /// The element whose start tag (`name_len` the length of its name) is in
    /// the buffer, from `from`.
    fn element(&mut self, from: usize, name_len: usize, is_empty: bool) -> Element<'a> {
        let to = self.position();
        // The buffer holds `/` of an empty element's `/>`; the tag does not.
        let content = if is_empty {
            self.buf.strip_suffix(b"/").unwrap_or(&self.buf)
        } else {
            &self.buf
        };
        let tag = Tag::new(content);
        let span = self.span(from, to);
        let at = match self.origin {
            Some(_) => Pos {
                offset: from,
                line: 0,
                column: 0,
            },
            None => Pos {
                offset: from,
                line: span.line,
                column: span.column,
            },
        };
        Element {
            tag,
            name_len,
            span,
            at,
            is_empty,
            _text: PhantomData,
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
            let (at, got) = self.read()?;
            match got {
                Got::Start(name_len, false) => {
                    self.enter(at)?;
                    return Ok(self.element(at, name_len, false));
                }
                Got::Start(name_len, true) => return Ok(self.element(at, name_len, true)),
                Got::Text if self.buf.iter().all(u8::is_ascii_whitespace) => {}
                Got::Prolog => {}
                Got::Eof => return Err(self.error_here(at, "no root element: the file is empty")),
                _ => return Err(self.error_here(at, "text before the root element")),
            }
        }
    }

    /// The next child element of the element being read, or `None` once its end
    /// tag is consumed. A returned non-empty element must be read to its end, by
    /// [`Self::next_child`] until `None`, [`Self::skip`] or [`Self::text`].
    pub fn next_child(&mut self) -> Result<Option<Element<'a>>, LoadError> {
        loop {
            let (at, got) = self.read()?;
            match got {
                Got::Start(name_len, false) => {
                    self.enter(at)?;
                    return Ok(Some(self.element(at, name_len, false)));
                }
                Got::Start(name_len, true) => return Ok(Some(self.element(at, name_len, true))),
                Got::End => {
                    self.depth -= 1;
                    return Ok(None);
                }
                Got::Eof => {
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
            let (at, got) = self.read()?;
            match got {
                Got::Start(_, false) => self.enter(at)?,
                Got::End => self.depth -= 1,
                Got::Eof => {
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
        self.text_with(element, str::to_owned)
    }

    /// [`Self::text`], handed to `read` instead of copied: a text that is only
    /// looked at (`1`, a mask, a number) costs no allocation.
    pub fn text_with<T>(
        &mut self,
        element: &Element<'a>,
        read: impl FnOnce(&str) -> T,
    ) -> Result<Spanned<T>, LoadError> {
        let mut value = std::mem::take(&mut self.text);
        value.clear();
        let mut pieces = Pieces::default();
        if !element.is_empty {
            let target = self.depth - 1;
            while self.depth > target {
                let direct = self.depth == target + 1;
                let at = self.start_event();
                // Matched where it is: moving quick-xml's large result costs a stall.
                let got = match &self.reader.read_event_into(&mut self.buf) {
                    Ok(Event::Text(text)) if direct => match text.decode() {
                        Ok(decoded) => {
                            value.push_str(&decoded);
                            Ok(Piece::of(at, &decoded))
                        }
                        Err(e) => Err(Problem::Text(e.to_string())),
                    },
                    Ok(Event::CData(data)) if direct => {
                        value.push_str(&String::from_utf8_lossy(data));
                        Ok(Piece::Markup(at))
                    }
                    Ok(Event::GeneralRef(reference)) if direct => {
                        match resolve_reference(reference) {
                            Ok(ch) => {
                                value.push(ch);
                                Ok(Piece::Markup(at))
                            }
                            Err(message) => Err(Problem::Reference(message)),
                        }
                    }
                    Ok(Event::Start(start)) => Ok(Piece::Enter(start.name().as_ref().len())),
                    Ok(Event::End(_)) => Ok(Piece::Leave),
                    Ok(Event::Eof) => Ok(Piece::Eof),
                    Ok(Event::DocType(_)) => Err(Problem::DocType),
                    Ok(_) => Ok(Piece::None),
                    Err(error) => Err(Problem::Xml(error.clone())),
                };
                match got {
                    Ok(Piece::Enter(name_len)) => {
                        self.opened(name_len);
                        self.enter(at)?;
                    }
                    Ok(Piece::Leave) => self.depth -= 1,
                    Ok(Piece::Eof) => {
                        return Err(self.error_here(at, "unexpected end of file inside an element"))
                    }
                    Ok(Piece::None) => {}
                    Ok(piece) => {
                        let end = self.position();
                        pieces.add(piece, end, self.reader.get_mut());
                    }
                    Err(Problem::Text(e)) => {
                        return Err(self.error_here(at, format!("invalid text: {e}")))
                    }
                    Err(Problem::Reference(message)) => return Err(self.error_here(at, message)),
                    Err(Problem::DocType) => {
                        return Err(self.error_here(
                            at,
                            "document type declarations (DTDs and entities) are not allowed in a solution file",
                        ))
                    }
                    Err(Problem::Xml(error)) => return Err(self.read_error(at, &error)),
                }
            }
        }
        let span = match pieces.range() {
            Some((start, end, pos)) => match self.origin {
                Some((origins, files)) => origins
                    .map(start, end, files)
                    .unwrap_or_else(|| Span::new(self.file, start, end, pos)),
                None => Span::new(self.file, start, end, pos),
            },
            None => element.span,
        };
        let read = read(value.trim());
        self.text = value;
        Ok(Spanned::new(read, span))
    }

    /// The value of attribute `name` (case-insensitive local name), with the span
    /// of the value inside the start tag.
    pub fn attr(
        &self,
        element: &Element<'a>,
        name: &str,
    ) -> Result<Option<Spanned<String>>, LoadError> {
        let Ok(tag) = std::str::from_utf8(element.tag.bytes()) else {
            return Err(self.error_at(element.span, "malformed attribute: not UTF-8"));
        };
        // quick-xml's duplicate check compares each attribute with every earlier one,
        // quadratic in a hostile tag of 200 000 attributes; only the attribute asked
        // for is checked here, in one pass.
        let mut found: Option<Spanned<String>> = None;
        for attribute in Attributes::new(tag, element.name_len).with_checks(false) {
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
            let range = match &attribute.value {
                std::borrow::Cow::Borrowed(raw) => within(tag.as_bytes(), raw),
                std::borrow::Cow::Owned(_) => None,
            };
            let span = match range.or_else(|| attribute_value_range(tag, name)) {
                Some((start, end)) => self.span_in_tag(element, start, end),
                None => element.span,
            };
            found = Some(Spanned::new(value.trim().to_owned(), span));
        }
        Ok(found)
    }

    /// The span of bytes `start..end` of an element's tag (after its `<`).
    fn span_in_tag(&self, element: &Element<'a>, start: usize, end: usize) -> Span {
        // Offsets in the text being read: the tag starts one byte after `<`.
        let (from, to) = (element.at.offset + 1 + start, element.at.offset + 1 + end);
        match self.origin {
            Some((origins, files)) => origins.map(from, to, files).unwrap_or(element.span),
            None => {
                let at = element
                    .at
                    .advance(b"<")
                    .advance(&element.tag.bytes()[..start]);
                Span::new(self.file, from, to, at)
            }
        }
    }

    /// Whether the element carries `unmodified="1"`.
    pub fn unmodified(&self, element: &Element<'a>) -> Result<bool, LoadError> {
        Ok(self
            .attr(element, "unmodified")?
            .is_some_and(|v| v.value == "1" || v.value.eq_ignore_ascii_case("true")))
    }
}

/// The message of a NUL character in a solution file.
pub const NUL_MESSAGE: &str = "a NUL character, which XML does not allow (UTF-16 without a \
     byte-order mark?); solution files are UTF-8";

/// A problem met inside an element's text, once the event is let go.
enum Problem {
    Text(String),
    Reference(String),
    DocType,
    Xml(quick_xml::Error),
}

/// An event inside an element whose text is read.
enum Piece {
    /// Text from `at`, of `len` bytes as written, `lead` and `trail` of them
    /// whitespace (`lead == len`: all of them).
    Text {
        at: usize,
        len: usize,
        lead: usize,
        trail: usize,
    },
    /// A CDATA section or a reference, from `at`: not whitespace at either end.
    Markup(usize),
    /// A start tag, its name this long.
    Enter(usize),
    Leave,
    Eof,
    None,
}

impl Piece {
    /// Text from `at` that decodes to `decoded`: the same bytes as written, as
    /// references are events of their own.
    fn of(at: usize, decoded: &str) -> Self {
        let len = decoded.len();
        let lead = len - decoded.trim_start().len();
        let trail = len - decoded.trim_end().len();
        Piece::Text {
            at,
            len,
            lead,
            trail,
        }
    }
}

/// The direct text of an element, piece by piece: where it starts and ends
/// once trimmed, and the line and column of its start, found while its first
/// piece is at hand.
#[derive(Default)]
struct Pieces {
    /// The first piece's start, and its place.
    first: Option<(usize, Pos)>,
    /// Where the text starts once trimmed, and its place.
    trimmed_start: Option<(usize, Pos)>,
    /// Where the last piece ends, and where the text ends once trimmed.
    end: usize,
    trimmed_end: usize,
}

impl Pieces {
    fn add(&mut self, piece: Piece, end: usize, kept: &mut Kept<'_>) {
        let (at, start, stop) = match piece {
            Piece::Text {
                at,
                len,
                lead,
                trail,
            } => {
                if lead == len {
                    // All whitespace: the text goes on after it, if anywhere.
                    (at, at + len, at)
                } else {
                    (at, at + lead, end - trail)
                }
            }
            Piece::Markup(at) => (at, at, end),
            _ => return,
        };
        if self.first.is_none() {
            self.first = Some((at, kept.locate(at)));
            self.trimmed_start = Some((start, kept.locate(start)));
        }
        self.end = end;
        self.trimmed_end = stop;
    }

    /// The text's start and end, trimmed unless it is all whitespace, and the
    /// place of its start.
    fn range(&self) -> Option<(usize, usize, Pos)> {
        let (first, first_pos) = self.first?;
        match self.trimmed_start {
            Some((start, pos)) if start < self.trimmed_end => Some((start, self.trimmed_end, pos)),
            _ => Some((first, self.end, first_pos)),
        }
    }
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<char, String> {
    if let Some(ch) = reference
        .resolve_char_ref()
        .map_err(|e| format!("bad character reference: {e}"))?
    {
        return Ok(ch);
    }
    let name = reference
        .decode()
        .map_err(|e| format!("bad entity reference: {e}"))?;
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(text) => Ok(text.chars().next().unwrap_or('\u{fffd}')),
        None => Err(format!("undeclared entity `&{name};`")),
    }
}

/// Where `part`, a slice of `whole` (an attribute's value as quick-xml gives
/// it, borrowed from the tag), lies in it.
fn within(whole: &[u8], part: &[u8]) -> Option<(usize, usize)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some((start, end))
}

/// Byte range of an attribute's value (inside the quotes) within a start tag:
/// found by searching the tag, when quick-xml's value is not a slice of it.
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
        assert_eq!(&text[value.span.range()], "hello &amp; bye");
        let c = cur.next_child().unwrap().unwrap();
        cur.skip(&c).unwrap();
        let e = cur.next_child().unwrap().unwrap();
        assert!(e.is_empty);
        assert!(cur.next_child().unwrap().is_none());
    }

    /// Every span's line and column are where its start is in the text.
    fn assert_placed(text: &str, span: Span) {
        let (line, column) = crate::source::line_col(text, span.start as usize);
        assert_eq!(
            (span.line as usize, span.column as usize),
            (line, column),
            "{span:?}"
        );
    }

    #[test]
    fn spans_know_their_line_and_column() {
        let text = "<?xml version=\"1.0\"?>\n<a x=\"é\"\n   y=\"2\">\n  <b>\n  été &amp; là\n  </b>\n  <c>  <![CDATA[ z ]]> </c>\n  <d>   </d><e/>\n</a>";
        let mut cur = cursor(text);
        let root = cur.root().unwrap();
        assert_placed(text, root.span);
        let y = cur.attr(&root, "y").unwrap().unwrap();
        assert_eq!(&text[y.span.range()], "2");
        assert_placed(text, y.span);
        let mut texts = Vec::new();
        while let Some(child) = cur.next_child().unwrap() {
            assert_placed(text, child.span);
            let value = cur.text(&child).unwrap();
            assert_placed(text, value.span);
            texts.push((value.value, text[value.span.range()].to_owned()));
        }
        assert_eq!(
            texts,
            [
                ("été & là".to_owned(), "été &amp; là".to_owned()),
                ("z".to_owned(), "<![CDATA[ z ]]>".to_owned()),
                (String::new(), "   ".to_owned()),
                (String::new(), "<e/>".to_owned()),
            ]
        );
    }

    #[test]
    fn attribute_span_points_at_the_value() {
        let text = r#"<r version="9.1.0.1" SolutionPackageVersion="9.2"/>"#;
        let mut cur = cursor(text);
        let root = cur.root().unwrap();
        let spv = cur.attr(&root, "SolutionPackageVersion").unwrap().unwrap();
        assert_eq!(&text[spv.span.range()], "9.2");
        let version = cur.attr(&root, "version").unwrap().unwrap();
        assert_eq!(&text[version.span.range()], "9.1.0.1");
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
