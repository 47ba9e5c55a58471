//! A file's bytes as the XML parser reads them: straight from the zip inflater,
//! the disk or git, through the compactor ([`super::compact`]), to the tokenizer
//! ([`super::markup`]), which reads them where they are held ([`Kept::window`]),
//! in one pass that never holds the whole file. On the way the digest of the
//! original bytes is taken, the kept bytes are checked for NUL, and lines and
//! columns are counted, lazily: only up to a place someone asks about, and
//! before bytes are let go.
//!
//! Only the bytes from the start of the token being parsed on are held (the
//! "pin"): a span's start is always in the current token, so its line and
//! column can be counted when the parser asks.
//!
//! Read for a parser ([`Kept::for_parser`]), the bytes pass through, checked,
//! and the compactor runs only inside a bulk element, from where the parser
//! met its start tag ([`Kept::blank`]): the parser reads every tag anyway, and
//! the kept text is the same as the compactor's alone (which a report reading
//! the file again runs).

use std::io::{self, BufRead, Read};

use super::compact::{self, Compactor};
use crate::source::{count_chars, Pos};

/// How much is inflated or read at a time.
pub const CHUNK: usize = 256 * 1024;

/// How much passes through at a time, for a parser: the bytes read ahead of
/// it go through the compactor again when it meets a bulk element (see
/// [`Kept::blank`]), so they are few.
const PIECE: usize = 4 * 1024;

/// Why reading a file failed; the parser sees only an I/O error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Failure {
    /// Not UTF-8, or UTF-16: a whole read names the problem precisely.
    #[error("the file is not UTF-8")]
    NotUtf8,
    /// A NUL character at this place, which XML does not allow.
    #[error("a NUL character")]
    Nul(Pos),
    /// The source failed; the message says how (`corrupt zip member: …`).
    #[error("{0}")]
    Io(String),
}

pub struct Kept<'a> {
    source: Source<'a>,
    /// Offset of the next byte the parser has not consumed.
    consumed: usize,
    /// Bytes from here on are held (none that are consumed, until a parser
    /// pins one).
    pin: usize,
    /// Lines and columns are counted up to here.
    counted: Pos,
    failure: Option<Failure>,
}

enum Source<'a> {
    /// A text in memory, already kept or never compacted (XML written from YAML).
    Text(&'a [u8]),
    Stream(Box<Stream<'a>>),
}

struct Stream<'a> {
    reader: Box<dyn Read + 'a>,
    compactor: Compactor,
    /// The parser says where bulk elements start: bytes pass through otherwise.
    for_parser: bool,
    /// The start of the file (a byte-order mark) is dealt with.
    started: bool,
    refuse_nul: bool,
    /// The first NUL in the kept bytes, which the parser has not reached: the
    /// bytes end there for it, and reading on fails. It is only an error once
    /// reached: bytes read ahead may be the content of a bulk element, which the
    /// compactor blanks once the parser meets its start tag.
    nul: Option<usize>,
    /// Bytes read: `input[start..filled]` are not used yet (a token cut by
    /// the end of a read, or what has not passed through yet).
    input: Vec<u8>,
    start: usize,
    filled: usize,
    /// The source is read to its end (`input` may still hold bytes).
    read_all: bool,
    /// Kept bytes, from offset `base` on.
    out: Vec<u8>,
    base: usize,
    /// Where the line breaks of `out` are, from `newline` on: found once per
    /// read, so that a place is found by walking this list and counting the
    /// characters of its line only.
    newlines: Vec<usize>,
    newline: usize,
    /// Every byte is read and used.
    eof: bool,
    crc: crc32fast::Hasher,
    /// The CRC-32 of the bytes, checked by the reader: not computed again.
    known_crc: Option<u32>,
    original_len: u64,
}

impl<'a> Kept<'a> {
    /// A text in memory, read as it is.
    pub fn text(text: &'a str) -> Self {
        Self::new(Source::Text(text.as_bytes()))
    }

    /// The bytes of `reader`, kept; `size_hint` (the file's size, 0 if unknown)
    /// sizes the first read.
    pub fn stream(reader: Box<dyn Read + 'a>, size_hint: u64) -> Self {
        Self::stream_in(reader, size_hint, CHUNK)
    }

    /// [`Self::stream`], reading `chunk` bytes at a time (tests cut tokens everywhere).
    pub fn stream_in(reader: Box<dyn Read + 'a>, size_hint: u64, chunk: usize) -> Self {
        // A small file needs no 256 KiB buffer (a package of 100 000 small files
        // would spend its time zeroing them); one byte more than the file lets the
        // first read see its end.
        let size = usize::try_from(size_hint).unwrap_or(usize::MAX);
        let initial = if size > 0 {
            chunk.min(size.saturating_add(1))
        } else {
            chunk
        };
        Self::new(Source::Stream(Box::new(Stream {
            reader,
            compactor: Compactor::new(),
            for_parser: false,
            started: false,
            refuse_nul: false,
            nul: None,
            newlines: Vec::new(),
            newline: 0,
            input: vec![0; initial.max(1)],
            start: 0,
            filled: 0,
            read_all: false,
            out: Vec::with_capacity(initial.max(1)),
            base: 0,
            eof: false,
            crc: crc32fast::Hasher::new(),
            known_crc: None,
            original_len: 0,
        })))
    }

    fn new(source: Source<'a>) -> Self {
        Self {
            source,
            consumed: 0,
            pin: usize::MAX,
            counted: Pos::START,
            failure: None,
        }
    }

    /// Read for a parser: it reports every bulk element's start tag
    /// ([`Self::blank`]), and refuses a NUL character in the kept text (XML
    /// has none, and a UTF-16 file without a byte-order mark is valid UTF-8
    /// full of them).
    pub fn for_parser(mut self) -> Self {
        if let Source::Stream(stream) = &mut self.source {
            stream.for_parser = true;
            stream.refuse_nul = true;
        }
        self
    }

    /// The parser read the start tag of an element named `name` (not an empty
    /// one), up to the byte before the next it will read: if it is a bulk
    /// element, its content is blanked from there.
    pub fn blank(&mut self, name: &[u8]) {
        let Source::Stream(stream) = &mut self.source else {
            return;
        };
        let Some(bulk) = compact::bulk(name) else {
            return;
        };
        if !stream.for_parser || stream.compactor.is_blanking() {
            return;
        }
        // What was read ahead goes through the compactor: it passed through
        // from the input, where it still is, just before what is unused.
        let at = (self.consumed - stream.base).min(stream.out.len());
        let ahead = stream.out.len() - at;
        stream.start -= ahead.min(stream.start);
        stream.out.truncate(at);
        let cut = stream.base + at;
        let kept = stream.newlines.partition_point(|&newline| newline < cut);
        stream.newlines.truncate(kept.max(stream.newline));
        if stream.nul.is_some_and(|nul| nul >= cut) {
            stream.nul = None;
        }
        stream.eof = false;
        stream.compactor.start_blank(bulk);
    }

    /// The bytes' CRC-32, if the reader checks them against it at their end
    /// (a zip member's): [`Self::finish`] gives it, without hashing them.
    pub fn with_crc(mut self, crc: Option<u32>) -> Self {
        if let Source::Stream(stream) = &mut self.source {
            stream.known_crc = crc;
        }
        self
    }

    /// Holds the bytes from `offset` on until the next pin.
    pub fn pin(&mut self, offset: usize) {
        self.pin = offset;
    }

    /// The offset of the next byte not consumed.
    #[inline]
    pub fn offset(&self) -> usize {
        self.consumed
    }

    /// The held bytes not consumed yet: what a tokenizer reads in place. Empty
    /// until [`Self::grow`] reads some.
    #[inline]
    pub fn window(&self) -> &[u8] {
        match &self.source {
            Source::Text(bytes) => bytes.get(self.consumed..).unwrap_or_default(),
            Source::Stream(stream) => stream
                .out
                .get(self.consumed - stream.base..stream.usable_end() - stream.base)
                .unwrap_or_default(),
        }
    }

    /// Reads more into [`Self::window`], letting go of what is consumed and not
    /// pinned: at least doubles it, so that a token longer than a read (a huge
    /// value) is scanned again only as often as its length doubles. Returns
    /// false when nothing is left to read.
    pub fn grow(&mut self) -> io::Result<bool> {
        let stream = match &mut self.source {
            Source::Text(_) => return Ok(false),
            Source::Stream(stream) => stream,
        };
        self.counted = stream.let_go(self.counted, self.pin.min(self.consumed));
        let usable = |stream: &Stream<'_>| stream.usable_end().saturating_sub(self.consumed);
        let had = usable(stream);
        let wanted = had.saturating_mul(2).max(had + 1);
        while usable(stream) < wanted && !stream.eof && stream.nul.is_none() {
            let ahead = (stream.base + stream.out.len()).saturating_sub(self.consumed);
            if let Err(failure) = stream.more(ahead) {
                return Err(fail(&mut self.failure, failure));
            }
        }
        if usable(stream) > had {
            return Ok(true);
        }
        match stream.nul_reached(self.counted) {
            Some(failure) => Err(fail(&mut self.failure, failure)),
            None => Ok(false),
        }
    }

    /// Why the last read failed, if it did.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// The held bytes and the offset of the first.
    fn held(&self) -> (&[u8], usize) {
        match &self.source {
            Source::Text(bytes) => (bytes, 0),
            Source::Stream(stream) => (&stream.out, stream.base),
        }
    }

    /// The held bytes `from..to` (clamped to what is held).
    pub fn bytes(&self, from: usize, to: usize) -> &[u8] {
        let (bytes, base) = self.held();
        let end = base + bytes.len();
        let to = to.clamp(base, end);
        &bytes[from.clamp(base, to) - base..to - base]
    }

    /// The line and column of `offset`, which must not be before the pin nor
    /// before a place asked for earlier (it is then the last place counted).
    #[inline]
    pub fn locate(&mut self, offset: usize) -> Pos {
        match &mut self.source {
            Source::Text(bytes) => {
                let offset = offset.min(bytes.len());
                if offset > self.counted.offset {
                    let from = self.counted.offset;
                    self.counted = self.counted.advance(&bytes[from..offset]);
                }
            }
            Source::Stream(stream) => self.counted = stream.advance(self.counted, offset),
        }
        self.counted
    }

    /// Reads what the parser left (after its root element) to the end: the
    /// digest covers every byte, and every byte is checked. Returns the length
    /// and CRC-32 of the bytes read.
    pub fn finish(mut self) -> Result<(u64, u32), Failure> {
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        loop {
            self.pin = self.consumed;
            let available = match self.fill_buf() {
                Ok(bytes) => bytes.len(),
                Err(e) => return Err(self.failure.take().unwrap_or(Failure::Io(e.to_string()))),
            };
            if available == 0 {
                break;
            }
            self.consume(available);
        }
        Ok(match self.source {
            Source::Text(bytes) => (bytes.len() as u64, crc32fast::hash(bytes)),
            Source::Stream(stream) => (
                stream.original_len,
                stream.known_crc.unwrap_or_else(|| stream.crc.finalize()),
            ),
        })
    }
}

/// Keeps why reading failed in `slot` (a [`Kept`]'s, for [`Kept::failure`]).
fn fail(slot: &mut Option<Failure>, failure: Failure) -> io::Error {
    let error = io::Error::other(failure.to_string());
    *slot = Some(failure);
    error
}

impl Stream<'_> {
    /// The place of `offset` (clamped to what is held), counted from `from`,
    /// the last place counted.
    #[inline]
    fn advance(&mut self, from: Pos, offset: usize) -> Pos {
        let offset = offset.min(self.base + self.out.len());
        if offset <= from.offset {
            return from;
        }
        let mut last = None;
        let start = self.newline;
        while let Some(&newline) = self.newlines.get(self.newline) {
            if newline >= offset {
                break;
            }
            last = Some(newline);
            self.newline += 1;
        }
        let line_start = last.map_or(from.offset, |newline| newline + 1);
        let tail = &self.out[line_start - self.base..offset - self.base];
        let chars = if tail.is_ascii() {
            tail.len()
        } else {
            count_chars(tail)
        };
        let chars = u32::try_from(chars).unwrap_or(u32::MAX);
        let crossed = u32::try_from(self.newline - start).unwrap_or(u32::MAX);
        Pos {
            offset,
            line: from.line.saturating_add(crossed),
            column: match last {
                Some(_) => chars.saturating_add(1),
                None => from.column.saturating_add(chars),
            },
        }
    }

    /// Lets go of the bytes before `keep` (what is consumed and not pinned),
    /// once counted from `counted`; returns the place counted to.
    fn let_go(&mut self, counted: Pos, keep: usize) -> Pos {
        let keep = keep.max(self.base);
        let counted = self.advance(counted, keep);
        self.drop_before(keep);
        counted
    }

    /// The parser reached the NUL the bytes end at, if they do: the failure,
    /// at its place (lines are counted from `counted`).
    fn nul_reached(&mut self, counted: Pos) -> Option<Failure> {
        let nul = self.nul?;
        Some(Failure::Nul(self.advance(counted, nul)))
    }

    /// Where the bytes a parser may read end: at a NUL not reached yet.
    #[inline]
    fn usable_end(&self) -> usize {
        self.nul.unwrap_or(self.base + self.out.len())
    }

    /// Drops the kept bytes before `keep` (and the line breaks among them).
    fn drop_before(&mut self, keep: usize) {
        self.out.drain(..keep - self.base);
        self.base = keep;
        if self.newline > 0 && self.newline * 2 >= self.newlines.len() {
            self.newlines.drain(..self.newline);
            self.newline = 0;
        }
    }

    /// Reads and compacts the next piece of the source; `ahead` kept bytes
    /// are not consumed yet (see [`Self::read`]).
    fn more(&mut self, ahead: usize) -> Result<(), Failure> {
        let before = self.out.len();
        loop {
            let used = if self.for_parser {
                self.pass()?
            } else {
                self.compactor
                    .process(
                        &self.input[self.start..self.filled],
                        self.read_all,
                        &mut self.out,
                    )
                    .map_err(|_| Failure::NotUtf8)?
            };
            self.start += used;
            if self.read_all && self.start == self.filled {
                self.compactor.finish(&mut self.out);
                self.eof = true;
                break;
            }
            if self.out.len() > before {
                break;
            }
            // Nothing kept (a blank went on): go on, or read more to decide.
            if used == 0 {
                self.read(ahead)?;
            }
        }
        let base = self.base + before;
        self.newlines
            .extend(memchr::memchr_iter(b'\n', &self.out[before..]).map(|i| base + i));
        if self.refuse_nul && self.nul.is_none() {
            self.nul = memchr::memchr(0, &self.out[before..]).map(|at| self.base + before + at);
        }
        Ok(())
    }
}

impl Stream<'_> {
    /// Reads more of the source after the unused input. The buffer is filled
    /// before it is scanned, so that a token longer than one read (a huge
    /// attribute value) is rescanned only when the buffer doubles.
    ///
    /// The input of the `ahead` kept bytes the parser has not consumed is kept
    /// too: they passed through, and go through the compactor again if the
    /// parser starts a blank before them ([`Kept::blank`]).
    fn read(&mut self, ahead: usize) -> Result<(), Failure> {
        let used = self.start.saturating_sub(ahead);
        if used > 0 {
            self.input.copy_within(used..self.filled, 0);
            self.filled -= used;
            self.start -= used;
        }
        if self.filled == self.input.len() {
            let doubled = self.input.len() * 2;
            self.input.resize(doubled, 0);
        }
        while self.filled < self.input.len() {
            match self.reader.read(&mut self.input[self.filled..]) {
                Ok(0) => {
                    self.read_all = true;
                    break;
                }
                Ok(n) => {
                    if self.known_crc.is_none() {
                        self.crc.update(&self.input[self.filled..self.filled + n]);
                    }
                    self.original_len += n as u64;
                    self.filled += n;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Failure::Io(e.to_string())),
            }
        }
        Ok(())
    }

    /// Passes a piece of the unused input on, checked, but for a bulk
    /// element's content, which the compactor blanks; returns how much of the
    /// input is used.
    fn pass(&mut self) -> Result<usize, Failure> {
        let end_of_input = self.read_all;
        let data = &self.input[self.start..self.filled];
        let mut used = 0;
        if !self.started {
            if data.starts_with(&[0xFF, 0xFE]) || data.starts_with(&[0xFE, 0xFF]) {
                return Err(Failure::NotUtf8);
            }
            if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
                used = 3;
            } else if data.len() < 3 && !end_of_input {
                // A byte-order mark cut by the end of a read: wait for more.
                return Ok(0);
            }
            self.started = true;
        }
        if self.compactor.is_blanking() {
            used += self
                .compactor
                .process(&data[used..], end_of_input, &mut self.out)
                .map_err(|_| Failure::NotUtf8)?;
            if self.compactor.is_blanking() {
                return Ok(used);
            }
        }
        let rest = &data[used..];
        let whole = if end_of_input && rest.len() <= PIECE {
            rest.len()
        } else {
            compact::boundary(rest, rest.len().min(PIECE))
        };
        std::str::from_utf8(&rest[..whole]).map_err(|_| Failure::NotUtf8)?;
        self.out.extend_from_slice(&rest[..whole]);
        Ok(used + whole)
    }
}

impl Read for Kept<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Kept<'_> {
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        // Most calls: bytes are held, unconsumed.
        if self.unconsumed().is_some() {
            return Ok(self.unconsumed().unwrap_or_default());
        }
        self.refill()
    }

    fn consume(&mut self, amount: usize) {
        self.consumed += amount;
    }
}

impl Kept<'_> {
    /// A stream's held bytes not consumed yet, if there are any.
    #[inline]
    fn unconsumed(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Stream(stream) => stream
                .out
                .get(self.consumed - stream.base..stream.usable_end() - stream.base)
                .filter(|held| !held.is_empty()),
            Source::Text(_) => None,
        }
    }

    /// [`BufRead::fill_buf`] once the held bytes are all consumed.
    #[inline(never)]
    fn refill(&mut self) -> io::Result<&[u8]> {
        let stream = match &mut self.source {
            Source::Text(bytes) => return Ok(&bytes[self.consumed.min(bytes.len())..]),
            Source::Stream(stream) => stream,
        };
        while self.consumed >= stream.usable_end() {
            if let Some(failure) = stream.nul_reached(self.counted) {
                return Err(fail(&mut self.failure, failure));
            }
            if stream.eof {
                break;
            }
            self.counted = stream.let_go(self.counted, self.pin.min(self.consumed));
            if let Err(failure) = stream.more(0) {
                return Err(fail(&mut self.failure, failure));
            }
        }
        let end = stream.usable_end() - stream.base;
        let at = (self.consumed - stream.base).min(end);
        Ok(&stream.out[at..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::line_col;

    /// A reader that returns at most 7 bytes per call.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = 7.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn places_asked_for_while_reading_are_where_the_text_has_them() {
        let text = "<a>\n  <b>é</b>\n<RibbonDiffXml>x\ny</RibbonDiffXml>\n\n<c/>é\n";
        let kept = super::super::compact::from_bytes(text.as_bytes())
            .unwrap()
            .text;
        for chunk in [1, 3, 16, 1 << 16] {
            let mut reader = Kept::stream_in(Box::new(Trickle(text.as_bytes())), 0, chunk);
            let mut offset = 0;
            loop {
                reader.pin(offset);
                // Places are asked for where characters start.
                if kept.is_char_boundary(offset) {
                    let pos = reader.locate(offset);
                    assert_eq!(pos.offset, offset);
                    assert_eq!(
                        (pos.line as usize, pos.column as usize),
                        line_col(&kept, offset),
                        "offset {offset}, chunks of {chunk}"
                    );
                }
                let available = reader.fill_buf().unwrap().len();
                if available == 0 {
                    break;
                }
                reader.consume(1);
                offset += 1;
            }
            assert_eq!(offset, kept.len());
            let digest = reader.finish().unwrap();
            assert_eq!(
                digest,
                (text.len() as u64, crc32fast::hash(text.as_bytes()))
            );
        }
    }

    /// Read to its end without a parser pinning anything, a stream holds one
    /// read's worth of bytes, not the file.
    #[test]
    fn a_stream_read_through_holds_little() {
        let text = "<a>\n  <b>x</b>\n</a>\n".repeat(100_000);
        let mut kept = Kept::stream_in(Box::new(text.as_bytes()), 0, 4096);
        let mut held = 0;
        loop {
            let n = kept.fill_buf().unwrap().len();
            if n == 0 {
                break;
            }
            kept.consume(n);
            held = held.max(kept.held().0.len());
        }
        assert!(held < 64 * 1024, "{held} bytes held");
    }

    /// Bytes read ahead of the parser are checked for NUL only once it reaches
    /// them: the content of a bulk element it then meets is blanked unread.
    #[test]
    fn a_nul_in_content_blanked_after_it_was_read_ahead_is_no_error() {
        use crate::package::xml::XmlCursor;
        use crate::source::FileId;
        let text = "<a>\n<b>x</b>\n<RibbonDiffXml><x>\0</x></RibbonDiffXml>\n<c>y</c>\n</a>";
        for chunk in [1, 7, 4096] {
            let kept = Kept::stream_in(Box::new(text.as_bytes()), 0, chunk).for_parser();
            let mut cursor = XmlCursor::stream(kept, FileId(0), "x.xml");
            let root = cursor.root().unwrap();
            let mut names = Vec::new();
            while let Some(child) = cursor.next_child().unwrap() {
                names.push(child.name_str());
                cursor.skip(&child).unwrap();
            }
            assert_eq!(names, ["b", "RibbonDiffXml", "c"], "reads of {chunk}");
            assert!(root.is("a"));
            cursor.finish().unwrap();
        }
        // Where the parser reads it, it is refused at its place.
        let text = "<a>\n<b>x\0</b>\n<RibbonDiffXml/>\n</a>";
        let kept = Kept::stream_in(Box::new(text.as_bytes()), 0, 4096).for_parser();
        let mut cursor = XmlCursor::stream(kept, FileId(0), "x.xml");
        cursor.root().unwrap();
        let b = cursor.next_child().unwrap().unwrap();
        let error = cursor.text(&b).unwrap_err().to_string();
        assert!(
            error.starts_with("x.xml:2:5:") && error.contains("NUL"),
            "{error}"
        );
    }

    #[test]
    fn a_nul_is_refused_at_its_place() {
        let text = b"<a>\n  <b>x\0</b></a>";
        let mut reader = Kept::stream(Box::new(&text[..]), 0).for_parser();
        let mut all = Vec::new();
        assert!(reader.read_to_end(&mut all).is_err());
        match reader.failure() {
            Some(Failure::Nul(pos)) => assert_eq!((pos.line, pos.column), (2, 7)),
            other => panic!("{other:?}"),
        }
    }
}
