//! A small pull cursor over XML. The model parsers walk the elements they need
//! and skip the rest (forms, views, ribbons, workflows) without ever building a
//! tree, keeping the byte span of every value they return, with its line and
//! column counted as the bytes go by.
//!
//! The cursor reads a stream ([`Kept`]): the file is parsed while it inflates,
//! and never held whole. Tokens are read where the stream holds them
//! ([`markup`]), without events or copies; an element's start tag is copied into
//! the element (inline when short, as most are), so that the parsers may read
//! its attributes whenever they like without an allocation per element.

use std::io::BufRead;
use std::marker::PhantomData;
use std::sync::Arc;

use quick_xml::name::QName;

use super::compact;
use super::kept::{Failure, Kept};
use super::markup::{self, Scanned, TextMode, Token};
use super::origins::Origins;
use super::LoadError;
use crate::source::{FileId, Pos, SourceFile, Span, Spanned};

/// Deeper nesting than any real export has; bounds the work on hostile input.
pub const MAX_DEPTH: usize = 256;

/// Start tags up to this long are held in the element itself.
const INLINE_TAG: usize = 72;

pub struct XmlCursor<'a> {
    kept: Kept<'a>,
    /// The names of the open elements, one after the other, and where each
    /// starts: an end tag must close the last. How many there are is the depth.
    open_names: Vec<u8>,
    open_starts: Vec<usize>,
    file: FileId,
    path: &'a str,
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

impl<'a> XmlCursor<'a> {
    /// A cursor over a text in memory, read as it is.
    pub fn new(text: &'a str, file: FileId, path: &'a str) -> Self {
        Self::stream(Kept::text(text), file, path)
    }

    /// A cursor over a stream of kept bytes.
    pub fn stream(kept: Kept<'a>, file: FileId, path: &'a str) -> Self {
        Self {
            kept,
            open_names: Vec::new(),
            open_starts: Vec::new(),
            file,
            path,
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
        self.kept.failure()
    }

    /// Reads the rest of the stream (see [`Kept::finish`]): the length and
    /// CRC-32 of all the bytes read.
    pub fn finish(self) -> Result<(u64, u32), Failure> {
        self.kept.finish()
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
                let at = self.kept.locate(start);
                Span::new(self.file, start, end, at)
            }
        }
    }

    fn position(&self) -> usize {
        self.kept.offset()
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

    /// Reading the stream failed: its failure says why.
    fn stream_error(&mut self, at: usize, error: &std::io::Error) -> LoadError {
        match self.failure().cloned() {
            Some(Failure::Nul(pos)) => LoadError::At {
                path: self.path.to_owned(),
                line: pos.line as usize,
                column: pos.column as usize,
                message: NUL_MESSAGE.to_owned(),
            },
            Some(failure) => LoadError::file(self.path, failure.to_string()),
            None => self.error_here(at, format!("cannot read: {error}")),
        }
    }

    /// The next token, from the returned offset (held until the next token is
    /// asked for), not consumed yet: its bytes start [`Kept::window`].
    #[inline(always)]
    fn token(&mut self, text: TextMode) -> Result<(usize, Token), LoadError> {
        if text == TextMode::Skip {
            // The indentation before a tag, which nobody reads, is passed over
            // here rather than made a token.
            let blank = markup::whitespace_len(self.kept.window());
            self.kept.consume(blank);
        }
        let at = self.position();
        self.kept.pin(at);
        // Nothing is left to read after the window.
        let mut end = false;
        loop {
            match markup::scan(self.kept.window(), end, text) {
                Scanned::Token(Token::DocType) => {
                    return Err(self.error_here(
                        at,
                        "document type declarations (DTDs and entities) are not allowed in a solution file",
                    ))
                }
                Scanned::Token(token) => return Ok((at, token)),
                Scanned::Cut => match self.kept.grow() {
                    Ok(grown) => end = !grown,
                    Err(error) => return Err(self.stream_error(at, &error)),
                },
                Scanned::Malformed { at: offset, why } => {
                    return Err(self.error_here(at + offset, format!("malformed XML: {why}")))
                }
            }
        }
    }

    /// Reads the next token, consumed; for a start tag (not an empty one), its
    /// name is open and the reader blanks its content if it is a bulk element
    /// (see `compact`).
    #[inline(always)]
    fn read(&mut self, text: TextMode) -> Result<(usize, Token), LoadError> {
        let (at, token) = self.token(text)?;
        self.take(at, token)?;
        Ok((at, token))
    }

    /// Consumes the token at `at` that [`Self::token`] gave, following the open
    /// names (see [`Self::read`]): a start tag opens one, no deeper than
    /// [`MAX_DEPTH`], and an end tag must close the last.
    #[inline(always)]
    fn take(&mut self, at: usize, token: Token) -> Result<(), LoadError> {
        match token {
            Token::Start {
                name_len,
                empty: false,
                ..
            } => {
                if self.depth() >= MAX_DEPTH {
                    return Err(self.error_here(
                        at,
                        format!(
                            "elements nested more than {MAX_DEPTH} deep; refusing to read further"
                        ),
                    ));
                }
                let name = &self.kept.window()[1..1 + name_len];
                self.open_starts.push(self.open_names.len());
                self.open_names.extend_from_slice(name);
                self.kept.consume(token.len());
                let name = &self.open_names[self.open_names.len() - name_len..];
                self.kept.blank(name);
            }
            Token::End { name_end, .. } => {
                let closes = match self.open_starts.last() {
                    Some(&start) => self.open_names[start..] == self.kept.window()[2..name_end],
                    None => false,
                };
                if !closes {
                    return Err(self.mismatched(at, name_end));
                }
                if let Some(start) = self.open_starts.pop() {
                    self.open_names.truncate(start);
                }
                self.kept.consume(token.len());
            }
            _ => self.kept.consume(token.len()),
        }
        Ok(())
    }

    /// The end tag at `at` (its name ending at `name_end` of the window) does
    /// not close the element open.
    #[cold]
    fn mismatched(&mut self, at: usize, name_end: usize) -> LoadError {
        let found = String::from_utf8_lossy(&self.kept.window()[2..name_end]).into_owned();
        let message = match self.open_starts.last() {
            Some(&start) => format!(
                "malformed XML: `</{found}>` closes no element here, `</{}>` was expected",
                String::from_utf8_lossy(&self.open_names[start..])
            ),
            None => format!("malformed XML: `</{found}>` closes no element"),
        };
        self.error_here(at, message)
    }

    /// The element whose start tag, `len` bytes with a name of `name_len`, was
    /// read from `from` (and is held there still).
    fn element(&mut self, from: usize, len: usize, name_len: usize, empty: bool) -> Element<'a> {
        let to = from + len;
        // The tag holds what is between `<` and `>` (or `/>`).
        let tag = Tag::new(self.kept.bytes(from + 1, to - 1 - usize::from(empty)));
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
            is_empty: empty,
            _text: PhantomData,
        }
    }

    /// How many elements are open.
    #[inline]
    fn depth(&self) -> usize {
        self.open_starts.len()
    }

    /// Reads up to the document element, refusing DTDs on the way.
    pub fn root(&mut self) -> Result<Element<'a>, LoadError> {
        loop {
            let (at, token) = self.read(TextMode::Read)?;
            match token {
                Token::Start {
                    len,
                    name_len,
                    empty,
                } => return Ok(self.element(at, len, name_len, empty)),
                Token::Text { len }
                    if self
                        .kept
                        .bytes(at, at + len)
                        .iter()
                        .all(|&b| markup::is_whitespace(b)) => {}
                Token::Other { .. } => {}
                Token::Eof => return Err(self.error_here(at, "no root element: the file is empty")),
                _ => return Err(self.error_here(at, "text before the root element")),
            }
        }
    }

    /// The next child element of the element being read, or `None` once its end
    /// tag is consumed. A returned non-empty element must be read to its end, by
    /// [`Self::next_child`] until `None`, [`Self::skip`] or [`Self::text`].
    pub fn next_child(&mut self) -> Result<Option<Element<'a>>, LoadError> {
        // The loop of `next_child_among` with every child wanted, written out:
        // made to call it, the compiler inlines less, and the columns pair
        // takes 4 % longer.
        loop {
            let (at, token) = self.read(TextMode::Skip)?;
            match token {
                Token::Start {
                    len,
                    name_len,
                    empty,
                } => return Ok(Some(self.element(at, len, name_len, empty))),
                Token::End { .. } => return Ok(None),
                Token::Eof => {
                    return Err(self.error_here(at, "unexpected end of file inside an element"))
                }
                _ => {}
            }
        }
    }

    /// [`Self::next_child`] for a caller that reads only the children whose
    /// local name `wanted` accepts: the others are skipped where they start, and
    /// no element is made of them (no tag copied, no line counted), which is
    /// most of the work of a child.
    #[inline]
    pub fn next_child_among(
        &mut self,
        wanted: impl Fn(&[u8]) -> bool,
    ) -> Result<Option<Element<'a>>, LoadError> {
        loop {
            let (at, token) = self.token(TextMode::Skip)?;
            if let Token::Start {
                len,
                name_len,
                empty,
            } = token
            {
                let window = self.kept.window();
                let name = &window[1..1 + name_len];
                if !wanted(QName(name).local_name().into_inner()) {
                    // A leaf (`<IsSecured>0</IsSecured>`, most unread children)
                    // is passed over whole; a bulk one must be blanked as read.
                    let leaf = match empty {
                        true => Some(len),
                        false if self.depth() < MAX_DEPTH && compact::bulk(name).is_none() => {
                            markup::leaf_len(window, len, name_len)
                        }
                        false => None,
                    };
                    match leaf {
                        Some(leaf) => self.kept.consume(leaf),
                        None => {
                            self.take(at, token)?;
                            self.skip_open()?;
                        }
                    }
                    continue;
                }
            }
            self.take(at, token)?;
            match token {
                Token::Start {
                    len,
                    name_len,
                    empty,
                } => return Ok(Some(self.element(at, len, name_len, empty))),
                Token::End { .. } => return Ok(None),
                Token::Eof => {
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
        self.skip_open()
    }

    /// Skips the content of the element last entered, and its end tag.
    fn skip_open(&mut self) -> Result<(), LoadError> {
        let target = self.depth() - 1;
        while self.depth() > target {
            let (at, token) = self.read(TextMode::Skip)?;
            if token == Token::Eof {
                return Err(self.error_here(at, "unexpected end of file inside an element"));
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
            let target = self.depth() - 1;
            while self.depth() > target {
                let direct = self.depth() == target + 1;
                let (at, token) = self.token(TextMode::Read)?;
                let piece = match token {
                    Token::Text { len } if direct => {
                        let Ok(text) =
                            std::str::from_utf8(self.kept.window().get(..len).unwrap_or_default())
                        else {
                            return Err(self.error_here(at, "invalid text: not UTF-8"));
                        };
                        value.push_str(text);
                        Some(Piece::of(at, text))
                    }
                    Token::CData { len } if direct => {
                        let data = self.kept.window().get(9..len - 3).unwrap_or_default();
                        value.push_str(&String::from_utf8_lossy(data));
                        Some(Piece::Markup(at))
                    }
                    Token::Reference { len } if direct => {
                        let name = String::from_utf8_lossy(
                            self.kept.window().get(1..len - 1).unwrap_or_default(),
                        )
                        .into_owned();
                        match resolve_reference(&name) {
                            Ok(ch) => value.push(ch),
                            Err(message) => return Err(self.error_here(at, message)),
                        }
                        Some(Piece::Markup(at))
                    }
                    _ => None,
                };
                self.take(at, token)?;
                if token == Token::Eof {
                    return Err(self.error_here(at, "unexpected end of file inside an element"));
                }
                if let Some(piece) = piece {
                    let end = self.position();
                    pieces.add(piece, end, &mut self.kept);
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
        // Every attribute is read, the one asked for checked as given once: a
        // hostile tag of 200 000 attributes costs one pass.
        let mut found: Option<Spanned<String>> = None;
        for attribute in markup::Attributes::new(tag.as_bytes(), element.name_len) {
            let attribute = attribute.map_err(|(at, why)| {
                let span = self.span_in_tag(element, at, at);
                self.error_at(span, format!("malformed attribute: {why}"))
            })?;
            let key = &tag[attribute.key];
            // The local name, without a namespace prefix (which is another attribute).
            if key.contains(':') || !key.eq_ignore_ascii_case(name) {
                continue;
            }
            if found.is_some() {
                return Err(self.error_at(
                    element.span,
                    format!("malformed attribute: `{name}` is given twice"),
                ));
            }
            let raw = &tag[attribute.value.clone()];
            let value = match raw.contains('&') {
                false => std::borrow::Cow::Borrowed(raw),
                true => quick_xml::escape::unescape(raw).map_err(|e| {
                    self.error_at(
                        element.span,
                        format!("bad value of attribute `{name}`: {e}"),
                    )
                })?,
            };
            let span = self.span_in_tag(element, attribute.value.start, attribute.value.end);
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

/// A piece of an element's direct text.
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
}

impl Piece {
    /// Text from `at` that decodes to `decoded`: the same bytes as written, as
    /// references are tokens of their own.
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

/// The character a reference `&name;` stands for, `name` given.
fn resolve_reference(name: &str) -> Result<char, String> {
    let reference = quick_xml::events::BytesRef::new(name);
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
