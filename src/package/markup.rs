//! dvlint's own XML tokenizer: what the next token is, read where the bytes are
//! held ([`super::kept::Kept`]), with no copy and no event object. The cursor
//! ([`super::xml`]) asks for one token at a time and decides what it needs of it:
//! most of an export's elements are skipped unread, and a token costs one
//! `memchr` to its end.
//!
//! Tokens split where quick-xml (which dvlint used before) and the compactor
//! ([`super::compact`]) split them: a tag runs to the first `>` outside quoted
//! values; a comment to `-->`, a CDATA section to `]]>`, a processing
//! instruction to `?>`. What a token holds beyond that (a tag's attributes, a
//! reference's name) is checked by whoever reads it.

/// A token at the start of the bytes scanned; `len` counts all its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// `<name …>` or `<name …/>`; the name is `bytes[1..1 + name_len]`.
    Start {
        len: usize,
        name_len: usize,
        empty: bool,
    },
    /// `</name>`; the name is `bytes[2..name_end]`.
    End { len: usize, name_end: usize },
    /// Text, up to markup (or a reference, when references are read).
    Text { len: usize },
    /// `&name;` or `&#…;`.
    Reference { len: usize },
    /// `<![CDATA[…]]>`.
    CData { len: usize },
    /// A comment, a processing instruction or the XML declaration.
    Other { len: usize },
    /// `<!DOCTYPE`: refused where it starts.
    DocType,
    /// Nothing is left.
    Eof,
}

impl Token {
    /// How many bytes the token takes.
    #[inline]
    pub fn len(self) -> usize {
        match self {
            Token::Start { len, .. }
            | Token::End { len, .. }
            | Token::Text { len }
            | Token::Reference { len }
            | Token::CData { len }
            | Token::Other { len } => len,
            Token::DocType | Token::Eof => 0,
        }
    }
}

/// What scanning found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    Token(Token),
    /// The bytes end inside the token: more are needed to say.
    Cut,
    /// Not XML, `at` bytes from the start.
    Malformed {
        at: usize,
        why: &'static str,
    },
}

/// How text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    /// Skipped: it runs to the next `<`, and a text cut by the end of the bytes
    /// is taken as it is (the rest is another token).
    Skip,
    /// Read: it stops at a reference too, and is never cut.
    Read,
}

/// The token at the start of `bytes`; `end`: no byte follows them.
#[inline(always)]
pub fn scan(bytes: &[u8], end: bool, text: TextMode) -> Scanned {
    match bytes.first() {
        None if end => Scanned::Token(Token::Eof),
        None => Scanned::Cut,
        Some(b'<') => markup(bytes, end),
        Some(b'&') if text == TextMode::Read => reference(bytes, end),
        Some(_) => {
            let stop = match text {
                TextMode::Skip => find(b'<', bytes),
                TextMode::Read => find2(b'<', b'&', bytes),
            };
            match stop {
                Some(len) => Scanned::Token(Token::Text { len }),
                None if end || text == TextMode::Skip => {
                    Scanned::Token(Token::Text { len: bytes.len() })
                }
                None => Scanned::Cut,
            }
        }
    }
}

/// The markup at `bytes[0] == b'<'`.
#[inline(always)]
fn markup(bytes: &[u8], end: bool) -> Scanned {
    match bytes.get(1) {
        Some(b'/') => end_tag(bytes, end),
        Some(b'!') => bang(bytes, end),
        Some(b'?') => closed_by(
            bytes,
            2,
            b"?>",
            end,
            "a processing instruction is not closed",
        )
        .map_or_else(|cut| cut, |len| Scanned::Token(Token::Other { len })),
        Some(_) => start_tag(bytes, end),
        None if end => Scanned::Malformed {
            at: 0,
            why: "the file ends inside a tag",
        },
        None => Scanned::Cut,
    }
}

/// `<name …>`: it runs to the first `>` outside quotes.
#[inline(always)]
fn start_tag(bytes: &[u8], end: bool) -> Scanned {
    // Most tags are a name alone (`<Type>`): read to its end, the tag may end
    // there. A name ends where the compactor ends it, at whitespace or `/`.
    let name_end = 1 + bytes[1..]
        .iter()
        .position(|&b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/' | b'"' | b'\''))
        .unwrap_or(bytes.len() - 1);
    let close = match bytes.get(name_end) {
        Some(b'>') => Some(name_end - 1),
        _ => tag_end(&bytes[1..]),
    };
    let Some(close) = close else {
        return unclosed(end, "the file ends inside a tag");
    };
    let len = close + 2;
    let content = &bytes[1..len - 1];
    let (content, empty) = match content.strip_suffix(b"/") {
        Some(content) => (content, true),
        None => (content, false),
    };
    let name_len = match bytes.get(name_end) {
        // A quote in a name (not XML) does not end it, for the compactor.
        Some(b'"' | b'\'') => name_len(&bytes[1..len - 1]),
        _ => name_end - 1,
    };
    let name_len = name_len.min(content.len());
    if name_len == 0 {
        return Scanned::Malformed {
            at: 0,
            why: "a tag without a name",
        };
    }
    Scanned::Token(Token::Start {
        len,
        name_len,
        empty,
    })
}

/// `</name>`: it runs to the first `>`; whitespace may follow the name.
#[inline]
fn end_tag(bytes: &[u8], end: bool) -> Scanned {
    let Some(close) = find(b'>', &bytes[2..]) else {
        return unclosed(end, "the file ends inside an end tag");
    };
    let len = close + 3;
    let name = &bytes[2..len - 1];
    let name_end = 2 + name
        .iter()
        .rposition(|&b| !is_whitespace(b))
        .map_or(0, |last| last + 1);
    Scanned::Token(Token::End { len, name_end })
}

/// `<!`: a comment, a CDATA section or a DOCTYPE.
#[inline(never)]
fn bang(bytes: &[u8], end: bool) -> Scanned {
    const COMMENT: &[u8] = b"<!--";
    const CDATA: &[u8] = b"<![CDATA[";
    const DOCTYPE: &[u8] = b"<!DOCTYPE";
    if bytes.starts_with(COMMENT) {
        return closed_by(bytes, COMMENT.len(), b"-->", end, "a comment is not closed")
            .map_or_else(|cut| cut, |len| Scanned::Token(Token::Other { len }));
    }
    if bytes.starts_with(CDATA) {
        return closed_by(
            bytes,
            CDATA.len(),
            b"]]>",
            end,
            "a CDATA section is not closed",
        )
        .map_or_else(|cut| cut, |len| Scanned::Token(Token::CData { len }));
    }
    if bytes.len() >= DOCTYPE.len() && bytes[..DOCTYPE.len()].eq_ignore_ascii_case(DOCTYPE) {
        return Scanned::Token(Token::DocType);
    }
    let could_be = |prefix: &[u8]| {
        let n = bytes.len().min(prefix.len());
        bytes[..n].eq_ignore_ascii_case(&prefix[..n])
    };
    if !end && (could_be(COMMENT) || could_be(CDATA) || could_be(DOCTYPE)) {
        return Scanned::Cut;
    }
    Scanned::Malformed {
        at: 0,
        why: "`<!` starts no comment, CDATA section or DOCTYPE",
    }
}

/// `&name;`: a reference runs to `;`, before any other markup.
#[inline(never)]
fn reference(bytes: &[u8], end: bool) -> Scanned {
    match memchr::memchr3(b';', b'<', b'&', &bytes[1..]) {
        Some(at) if bytes[1 + at] == b';' => Scanned::Token(Token::Reference { len: at + 2 }),
        Some(_) => Scanned::Malformed {
            at: 0,
            why: "`&` starts no reference (write `&amp;`)",
        },
        None => unclosed(end, "`&` starts no reference (write `&amp;`)"),
    }
}

/// The length of the markup from `bytes[0]` to `close` (included), searched
/// from `from`; or why it has none yet.
fn closed_by(
    bytes: &[u8],
    from: usize,
    close: &[u8],
    end: bool,
    why: &'static str,
) -> Result<usize, Scanned> {
    match bytes
        .get(from..)
        .and_then(|rest| memchr::memmem::find(rest, close))
    {
        Some(at) => Ok(from + at + close.len()),
        None => Err(unclosed(end, why)),
    }
}

fn unclosed(end: bool, why: &'static str) -> Scanned {
    if end {
        Scanned::Malformed { at: 0, why }
    } else {
        Scanned::Cut
    }
}

/// How far a byte is looked for one by one before `memchr` is called: most
/// tokens are shorter, and a call costs more than they do.
const NEAR: usize = 24;

/// The first [`NEAR`] bytes (a slice, which the compiler loops over better
/// than a `take`).
#[inline(always)]
fn near(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(NEAR)]
}

/// The index of the first `needle` in `bytes` (see [`NEAR`]).
#[inline(always)]
fn find(needle: u8, bytes: &[u8]) -> Option<usize> {
    match near(bytes).iter().position(|&b| b == needle) {
        None if bytes.len() > NEAR => memchr::memchr(needle, bytes),
        found => found,
    }
}

/// The index of the first `one` or `other` in `bytes` (see [`NEAR`]).
#[inline(always)]
fn find2(one: u8, other: u8, bytes: &[u8]) -> Option<usize> {
    match near(bytes).iter().position(|&b| b == one || b == other) {
        None if bytes.len() > NEAR => memchr::memchr2(one, other, bytes),
        found => found,
    }
}

/// Index of the `>` that ends a tag, skipping quoted attribute values.
#[inline]
pub fn tag_end(bytes: &[u8]) -> Option<usize> {
    let mut quote = None;
    for i in memchr::memchr3_iter(b'>', b'"', b'\'', bytes) {
        match (quote, bytes[i]) {
            (None, b'>') => return Some(i),
            (None, q) => quote = Some(q),
            (Some(q), b) if q == b => quote = None,
            _ => {}
        }
    }
    None
}

/// The length of the element `bytes` starts with, if it is a leaf whose start
/// tag (`start_len` bytes, a name of `name_len`) is followed by text (or
/// nothing) and its end tag, all in `bytes`; `None` if it is not, or may not be.
#[inline(always)]
pub fn leaf_len(bytes: &[u8], start_len: usize, name_len: usize) -> Option<usize> {
    let text = bytes.get(start_len..)?;
    let text_len = find(b'<', text)?;
    let end = &text[text_len..];
    let name = bytes.get(1..1 + name_len)?;
    let closes = end.get(1) == Some(&b'/')
        && end.get(2..2 + name_len) == Some(name)
        && end.get(2 + name_len) == Some(&b'>');
    closes.then_some(start_len + text_len + name_len + 3)
}

/// An attribute of a start tag: where its key and its value (inside the
/// quotes, as written) are in the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub key: std::ops::Range<usize>,
    pub value: std::ops::Range<usize>,
}

/// The attributes of a start tag, `tag` being its bytes between `<` and `>`
/// (or `/>`), from the end of its name on: `key = "value"` or `key='value'`,
/// whitespace around `=` allowed. A malformed one ends the list with an error
/// (its offset in the tag, and why).
pub struct Attributes<'t> {
    tag: &'t [u8],
    at: usize,
}

impl<'t> Attributes<'t> {
    pub fn new(tag: &'t [u8], name_len: usize) -> Self {
        Self { tag, at: name_len }
    }

    fn fail(
        &mut self,
        at: usize,
        why: &'static str,
    ) -> Option<Result<Attribute, (usize, &'static str)>> {
        self.at = self.tag.len();
        Some(Err((at, why)))
    }
}

impl Iterator for Attributes<'_> {
    type Item = Result<Attribute, (usize, &'static str)>;

    fn next(&mut self) -> Option<Self::Item> {
        let tag = self.tag;
        let mut at = self.at + whitespace_len(tag.get(self.at..)?);
        if at >= tag.len() {
            self.at = at;
            return None;
        }
        let key_start = at;
        at += tag[at..]
            .iter()
            .position(|&b| is_whitespace(b) || b == b'=')
            .unwrap_or(tag.len() - at);
        let key = key_start..at;
        if key.is_empty() || matches!(tag[key_start], b'"' | b'\'') {
            return self.fail(key_start, "an attribute without a name");
        }
        at += whitespace_len(&tag[at..]);
        if tag.get(at) != Some(&b'=') {
            return self.fail(key_start, "an attribute without `=` and a value");
        }
        at += 1;
        at += whitespace_len(&tag[at..]);
        let quote = match tag.get(at) {
            Some(&quote @ (b'"' | b'\'')) => quote,
            _ => return self.fail(key_start, "an attribute value not in quotes"),
        };
        let value_start = at + 1;
        let Some(value_len) = memchr::memchr(quote, &tag[value_start..]) else {
            return self.fail(key_start, "an attribute value without its closing quote");
        };
        self.at = value_start + value_len + 1;
        Some(Ok(Attribute {
            key,
            value: value_start..value_start + value_len,
        }))
    }
}

/// How many bytes of whitespace `bytes` starts with: an indentation, most
/// often, read eight spaces at a time.
#[inline(always)]
pub fn whitespace_len(bytes: &[u8]) -> usize {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    let mut at = 0;
    loop {
        let chunk = bytes
            .get(at..at + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok());
        if chunk.is_some_and(|chunk| u64::from_ne_bytes(chunk) == SPACES) {
            at += 8;
            continue;
        }
        match bytes.get(at) {
            Some(&b) if is_whitespace(b) => at += 1,
            _ => return at,
        }
    }
}

/// The length of the name a tag's bytes (after `<`, or `</`) start with: it
/// ends at whitespace or `/`, for the compactor and the tokenizer alike.
pub fn name_len(tag: &[u8]) -> usize {
    tag.iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'/')
        .unwrap_or(tag.len())
}

/// XML's whitespace.
#[inline]
pub fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(bytes: &str) -> Token {
        match scan(bytes.as_bytes(), true, TextMode::Read) {
            Scanned::Token(token) => token,
            other => panic!("{bytes}: {other:?}"),
        }
    }

    #[test]
    fn tokens_end_where_xml_ends_them() {
        assert_eq!(
            token("<a x='>' y=\"/>\">t"),
            Token::Start {
                len: 16,
                name_len: 1,
                empty: false
            }
        );
        assert_eq!(
            token("<ab\n/>"),
            Token::Start {
                len: 6,
                name_len: 2,
                empty: true
            }
        );
        assert_eq!(
            token("</ab  >x"),
            Token::End {
                len: 7,
                name_end: 4
            }
        );
        assert_eq!(token("a &amp; b<"), Token::Text { len: 2 });
        assert_eq!(token("&amp; b"), Token::Reference { len: 5 });
        assert_eq!(token("<!-- <a> -- -->x"), Token::Other { len: 15 });
        assert_eq!(token("<![CDATA[<a>]]>x"), Token::CData { len: 15 });
        assert_eq!(token("<?xml version='1.0'?>"), Token::Other { len: 21 });
        assert_eq!(token("<!doctype a>"), Token::DocType);
        assert_eq!(token(""), Token::Eof);
    }

    #[test]
    fn a_token_cut_by_the_end_of_the_bytes_asks_for_more() {
        for cut in [
            "<",
            "<a x='>",
            "</a",
            "<!-",
            "<![CDA",
            "<!-- x --",
            "<?x",
            "&am",
            "text",
        ] {
            assert_eq!(
                scan(cut.as_bytes(), false, TextMode::Read),
                Scanned::Cut,
                "{cut}"
            );
            assert!(
                matches!(
                    scan(cut.as_bytes(), true, TextMode::Read),
                    Scanned::Malformed { .. } | Scanned::Token(Token::Text { .. })
                ),
                "{cut}"
            );
        }
        // Skipped text needs no end.
        assert_eq!(
            scan(b"text", false, TextMode::Skip),
            Scanned::Token(Token::Text { len: 4 })
        );
        assert_eq!(scan(b"", false, TextMode::Skip), Scanned::Cut);
    }

    #[test]
    fn whitespace_is_measured_whatever_its_length() {
        for text in [
            "",
            "x",
            " x",
            "\n              <a>",
            "\t\r\n        \n   ",
            "                 ",
        ] {
            let expected = text.bytes().take_while(|&b| is_whitespace(b)).count();
            assert_eq!(whitespace_len(text.as_bytes()), expected, "{text:?}");
        }
    }

    #[test]
    fn a_leaf_is_measured_whole_or_not_at_all() {
        let leaf = |text: &str| leaf_len(text.as_bytes(), text.find('>').unwrap() + 1, 2);
        assert_eq!(leaf("<ab>0</ab>x"), Some(10));
        assert_eq!(leaf("<ab x='1'></ab>"), Some(15));
        assert_eq!(leaf("<ab>0</abc>"), None);
        assert_eq!(leaf("<ab>0</ab "), None);
        assert_eq!(leaf("<ab><c/></ab>"), None);
        assert_eq!(leaf("<ab>0</a"), None);
        assert_eq!(leaf("<ab>0"), None);
    }

    #[test]
    fn attributes_are_read_as_written() {
        let tag = "a x=\"1\"  y = 'two' z:w=\"\"";
        let found: Vec<_> = Attributes::new(tag.as_bytes(), 1)
            .map(|a| a.map(|a| (&tag[a.key], &tag[a.value])))
            .collect();
        assert_eq!(found, [Ok(("x", "1")), Ok(("y", "two")), Ok(("z:w", ""))]);
        for bad in ["a x", "a x=1", "a x=\"1", "a =\"1\"", "a \"x\"=\"1\""] {
            let last = Attributes::new(bad.as_bytes(), 1).last();
            assert!(matches!(last, Some(Err(_))), "{bad}: {last:?}");
        }
        assert_eq!(Attributes::new(b"a  ", 1).count(), 0);
    }

    /// The tokens of `text`, read whole: each one's kind and its bytes.
    fn tokens(text: &str) -> Result<Vec<(&'static str, &str)>, &'static str> {
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            let token = match scan(&text.as_bytes()[at..], true, TextMode::Read) {
                Scanned::Token(Token::Eof) => return Ok(out),
                Scanned::Token(token) => token,
                Scanned::Cut => return Err("cut at the end"),
                Scanned::Malformed { why, .. } => return Err(why),
            };
            let kind = match token {
                Token::Start { empty: false, .. } => "start",
                Token::Start { empty: true, .. } => "empty",
                Token::End { .. } => "end",
                Token::Text { .. } => "text",
                Token::Reference { .. } => "reference",
                Token::CData { .. } => "cdata",
                Token::Other { .. } => "other",
                Token::DocType => return Err("doctype"),
                Token::Eof => unreachable!(),
            };
            out.push((kind, &text[at..at + token.len()]));
            at += token.len();
        }
    }

    /// The events quick-xml (a parser dvlint used before) reads in `text`, as
    /// [`tokens`] names them; `None` where it finds the text malformed.
    fn quick_xml_events(text: &str) -> Option<Vec<(&'static str, &str)>> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(text);
        reader.config_mut().check_end_names = false;
        let mut out = Vec::new();
        loop {
            let from = usize::try_from(reader.buffer_position()).ok()?;
            let kind = match reader.read_event().ok()? {
                Event::Eof => return Some(out),
                Event::Start(_) => "start",
                Event::Empty(_) => "empty",
                Event::End(_) => "end",
                Event::Text(_) => "text",
                Event::GeneralRef(_) => "reference",
                Event::CData(_) => "cdata",
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => "other",
                Event::DocType(_) => return None,
            };
            let to = usize::try_from(reader.buffer_position()).ok()?;
            out.push((kind, &text[from..to]));
        }
    }

    /// On every real file (the corpus, the fixtures, the examples), tokens
    /// start and end where quick-xml's events do, and are of the same kinds.
    #[test]
    fn tokens_are_quick_xml_events_on_every_real_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["../shared/corpus", "tests/fixtures", "examples"] {
            super::super::compact::xml_files(&root.join(dir), &mut files);
        }
        assert!(files.len() > 100, "found only {} files", files.len());
        let mut tokens_seen = 0;
        for (name, bytes) in &files {
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let expected = quick_xml_events(text).unwrap_or_else(|| panic!("{name}: not XML"));
            let got = tokens(text).unwrap_or_else(|why| panic!("{name}: {why}"));
            assert_eq!(got.len(), expected.len(), "{name}");
            for (got, expected) in got.iter().zip(&expected) {
                assert_eq!(got, expected, "{name}");
            }
            tokens_seen += got.len();
        }
        assert!(tokens_seen > 1_000_000, "{tokens_seen} tokens");
    }

    proptest::proptest! {
        /// Text made of XML's pieces, well formed or not: wherever quick-xml
        /// reads it, the tokens are its events.
        #[test]
        fn tokens_are_quick_xml_events_wherever_it_reads_them(
            pieces in proptest::collection::vec(proptest::sample::select(&[
                "<a>", "</a>", "<b x='1' y=\"2\">", "</b >", "<c/>", "<d\n/>", "text", " ",
                "\n  ", "&amp;", "&#x41;", "<!-- c -->", "<![CDATA[ <x> ]]>", "<?pi x?>",
                "<e q='>'>", "é", ">", "]]>", "\"", "'",
            ][..]), 0..24)
        ) {
            let text = pieces.concat();
            if let Some(expected) = quick_xml_events(&text) {
                proptest::prop_assert_eq!(tokens(&text), Ok(expected), "{:?}", text);
            }
        }
    }

    #[test]
    fn what_is_not_xml_is_refused() {
        for bad in ["<>", "< a>", "<!x>", "&a<b>", "&a&b;", "</"] {
            assert!(
                matches!(
                    scan(bad.as_bytes(), true, TextMode::Read),
                    Scanned::Malformed { .. }
                ),
                "{bad}"
            );
        }
    }
}
