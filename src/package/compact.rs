//! Reading a solution file while blanking what no rule reads.
//!
//! Most of a big `customizations.xml` is forms, views, ribbons, workflows, site
//! maps and web resources. The parser reads none of it, so the content of those
//! elements is dropped as the file streams in (from the zip inflater or the
//! disk), before the parser sees it, and replaced by as many line breaks as it
//! held, then as many spaces as its last line had characters. What remains is well-formed XML
//! whose every line and column is where it was in the original file: positions
//! that the parser and the diagnostics compute from the kept text are the real
//! ones. The start and end tags of a blanked element are kept.
//!
//! Markup inside comments, CDATA sections and processing instructions is never
//! mistaken for a tag. The blanked content is still checked to be UTF-8 (the
//! caller falls back to a full read for a precise message when it is not); its
//! XML is not checked, as no rule looks inside it.

use std::io::Read;

/// Elements whose content no rule reads, and that the parsers skip wherever they
/// appear. None of them is a name the parsers read in any context. The elements
/// that define components (`<systemform>`, `<savedquery>`, `<Role>`, …) are kept;
/// their bulk is not: a form's layout, a view's query and columns, a chart's
/// data and presentation, a role's privileges, a site map's areas, a ribbon.
const BULK: &[&[u8]] = &[
    b"form",
    b"fetchxml",
    b"layoutxml",
    b"layoutjson",
    b"datadescription",
    b"presentationdescription",
    b"RibbonDiffXml",
    b"RolePrivileges",
    b"SiteMap",
    b"AttributeMaps",
    b"AIConfigurations",
];

/// A file read through [`read`].
#[derive(Debug)]
pub struct Text {
    /// The kept text, byte-order mark removed.
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file is not UTF-8 (or is UTF-16): re-read it whole for a precise message.
    #[error("the file is not UTF-8")]
    NotUtf8,
}

/// Reads `reader` to its end, kept (see [`super::kept::Kept`], which the
/// loaders stream through instead: they never hold the whole text).
pub fn read(reader: &mut dyn Read, size_hint: u64) -> Result<Text, Error> {
    read_in(reader, size_hint, super::kept::CHUNK)
}

/// [`read`], scanning `chunk` bytes at a time (tests cut tokens everywhere).
fn read_in(reader: &mut dyn Read, size_hint: u64, chunk: usize) -> Result<Text, Error> {
    let mut kept = super::kept::Kept::stream_in(Box::new(reader), size_hint, chunk);
    let mut bytes = Vec::new();
    let read = kept.read_to_end(&mut bytes);
    let failed = |kept: &super::kept::Kept<'_>, e: std::io::Error| match kept.failure() {
        Some(super::kept::Failure::NotUtf8) => Error::NotUtf8,
        _ => Error::Io(e),
    };
    if let Err(e) = read {
        return Err(failed(&kept, e));
    }
    kept.finish().map_err(|f| match f {
        super::kept::Failure::NotUtf8 => Error::NotUtf8,
        other => Error::Io(std::io::Error::other(other.to_string())),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| Error::NotUtf8)?;
    Ok(Text { text })
}

/// [`read`] over bytes already in memory.
pub fn from_bytes(bytes: &[u8]) -> Result<Text, Error> {
    read(&mut &bytes[..], bytes.len() as u64)
}

/// Where the scanner is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Inside {
    Markup,
    /// `<!-- … -->`
    Comment,
    /// `<![CDATA[ … ]]>`
    CData,
    /// `<? … ?>`
    Instruction,
}

/// The bulk element whose content is being dropped.
#[derive(Debug)]
struct Blank {
    name: &'static [u8],
    /// Open elements of the same name, itself included.
    depth: usize,
    newlines: usize,
    /// Characters since the last dropped line break.
    tail: usize,
}

/// The bytes of a file are not UTF-8 (or are UTF-16).
#[derive(Debug)]
pub struct NotUtf8;

/// The bulk name `name` is, if it is one.
pub fn bulk(name: &[u8]) -> Option<&'static [u8]> {
    BULK.iter().copied().find(|&bulk| bulk == name)
}

/// Decides, run by run, which bytes are kept; fed with the file's bytes in
/// order, it appends what is kept to a buffer of its caller's.
///
/// Fed a whole file, it finds every bulk element itself. A parser that reads
/// every tag anyway finds them cheaper: it starts one ([`Self::start_blank`])
/// right after its start tag, and the compactor, fed from there, stops where
/// that element's content ends.
pub struct Compactor {
    inside: Inside,
    blank: Option<Blank>,
    started: bool,
    /// Started by [`Self::start_blank`]: return once the blank ends.
    one_blank: bool,
}

impl Compactor {
    pub fn new() -> Self {
        Self {
            inside: Inside::Markup,
            blank: None,
            started: false,
            one_blank: false,
        }
    }

    /// Blanks the content of the bulk element `name` whose start tag ends where
    /// the data fed next starts; [`Self::process`] returns at its end tag.
    pub fn start_blank(&mut self, name: &'static [u8]) {
        self.started = true;
        self.one_blank = true;
        self.inside = Inside::Markup;
        self.blank = Some(Blank {
            name,
            depth: 1,
            newlines: 0,
            tail: 0,
        });
    }

    pub fn is_blanking(&self) -> bool {
        self.blank.is_some()
    }

    /// At the end of the file. An unterminated bulk element: keep its line
    /// structure; the parser reports the missing end tag at the end of the file,
    /// where it really is.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.end_blank(out);
    }

    /// Keeps or drops a run of bytes that starts and ends on character boundaries.
    fn flush(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), NotUtf8> {
        if bytes.is_empty() {
            return Ok(());
        }
        std::str::from_utf8(bytes).map_err(|_| NotUtf8)?;
        match &mut self.blank {
            None => out.extend_from_slice(bytes),
            Some(blank) => match memchr::memrchr(b'\n', bytes) {
                Some(last) => {
                    blank.newlines += memchr::memchr_iter(b'\n', bytes).count();
                    blank.tail = chars(&bytes[last + 1..]);
                }
                None => blank.tail += chars(bytes),
            },
        }
        Ok(())
    }

    fn end_blank(&mut self, out: &mut Vec<u8>) {
        if let Some(blank) = self.blank.take() {
            out.resize(out.len() + blank.newlines, b'\n');
            out.resize(out.len() + blank.tail, b' ');
        }
    }

    /// Processes as much of `data` as can be decided, appending what is kept to
    /// `out`; returns how much was used. The rest (an incomplete token) comes
    /// again with more data after it. Bytes are kept or dropped in runs, flushed
    /// where blanking starts or ends.
    pub fn process(&mut self, data: &[u8], eof: bool, out: &mut Vec<u8>) -> Result<usize, NotUtf8> {
        let mut pos = 0;
        if !self.started {
            if data.len() < 3 && !eof {
                return Ok(0);
            }
            self.started = true;
            if data.starts_with(&[0xFF, 0xFE]) || data.starts_with(&[0xFE, 0xFF]) {
                return Err(NotUtf8);
            }
            if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
                pos = 3;
            }
        }
        let mut run = pos;
        let used = loop {
            let terminator: &[u8] = match self.inside {
                Inside::Markup => match memchr::memchr(b'<', &data[pos..]) {
                    None if eof => break data.len(),
                    None => break boundary(data, data.len()).max(pos),
                    Some(i) => match self.markup(data, pos + i, eof, &mut run, out)? {
                        // The blank started for a parser ended: the rest is its.
                        Some(_) if self.one_blank && self.blank.is_none() => break run,
                        Some(next) => {
                            pos = next;
                            continue;
                        }
                        None => break pos + i,
                    },
                },
                Inside::Comment => b"-->",
                Inside::CData => b"]]>",
                Inside::Instruction => b"?>",
            };
            match memchr::memmem::find(&data[pos..], terminator) {
                Some(i) => {
                    pos += i + terminator.len();
                    self.inside = Inside::Markup;
                }
                None if eof => break data.len(),
                // Keep what could be the start of a split terminator.
                None => {
                    let cut = data.len().saturating_sub(terminator.len() - 1);
                    break boundary(data, cut).max(pos);
                }
            }
        };
        self.flush(&data[run..used], out)?;
        Ok(used)
    }

    /// Handles the markup at `data[at] == b'<'`; returns where to go on, or `None`
    /// when more data is needed to decide. `run` is where the unflushed run starts.
    fn markup(
        &mut self,
        data: &[u8],
        at: usize,
        eof: bool,
        run: &mut usize,
        out: &mut Vec<u8>,
    ) -> Result<Option<usize>, NotUtf8> {
        let rest = &data[at..];
        let need_more = !eof;
        for (opening, inside) in [
            (&b"<!--"[..], Inside::Comment),
            (b"<![CDATA[", Inside::CData),
            (b"<?", Inside::Instruction),
        ] {
            if rest.starts_with(opening) {
                self.inside = inside;
                return Ok(Some(at + opening.len()));
            }
            if need_more && opening.starts_with(rest) {
                return Ok(None);
            }
        }
        // A tag runs to the first `>` outside quotes, as the tokenizer (and
        // quick-xml) reads it (a quoted value may even hold `<` there): the text
        // dvlint keeps must split into the same tags the parser would see in the
        // whole file.
        let Some(close) = super::markup::tag_end(&rest[1..]) else {
            return Ok(if need_more { None } else { Some(data.len()) });
        };
        let end = at + 1 + close + 1;
        let closing = rest.get(1) == Some(&b'/');
        let name_from = at + 1 + usize::from(closing);
        let name_len = super::markup::name_len(&data[name_from..end - 1]);
        let name = &data[name_from..name_from + name_len];
        let watched = match &self.blank {
            Some(blank) => (blank.name == name).then_some(blank.name),
            None => BULK.iter().copied().find(|&bulk| bulk == name),
        };
        let Some(watched) = watched else {
            return Ok(Some(end));
        };
        if closing {
            let blank_ends = self.blank.as_mut().is_some_and(|blank| {
                blank.depth -= 1;
                blank.depth == 0
            });
            if blank_ends {
                self.flush(&data[*run..at], out)?;
                self.end_blank(out);
                *run = at;
            }
            return Ok(Some(end));
        }
        if data[end - 2] != b'/' {
            match &mut self.blank {
                Some(blank) => blank.depth += 1,
                None => {
                    // Keep everything up to and including the start tag.
                    self.flush(&data[*run..end], out)?;
                    *run = end;
                    self.blank = Some(Blank {
                        name: watched,
                        depth: 1,
                        newlines: 0,
                        tail: 0,
                    });
                }
            }
        }
        Ok(Some(end))
    }
}

/// The largest index `<= end` at which `data` can be cut without splitting a
/// character, so that every piece emitted is checked as UTF-8 on its own.
pub fn boundary(data: &[u8], end: usize) -> usize {
    let end = end.min(data.len());
    // The start of the character that holds byte `end - 1`.
    let lead = (end.saturating_sub(4)..end)
        .rev()
        .find(|&i| data[i] & 0xC0 != 0x80);
    let Some(lead) = lead else {
        return end;
    };
    let width = match data[lead] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        b if b >= 0xC0 => 2,
        _ => 1,
    };
    if lead + width > end {
        lead
    } else {
        end
    }
}

fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// `{:?}` of what a file parses to, with every byte span written as the
/// line:column range it covers in `text`, so that texts of different lengths
/// compare by position.
pub(crate) fn describe(text: &str) -> String {
    let mut cursor = crate::package::xml::XmlCursor::new(text, crate::source::FileId(0), "x");
    let debug = parsed(&mut cursor);
    let file = crate::source::SourceFile::new("x".to_owned(), text.to_owned());
    // Rewrite `start: N, end: M` outside quoted strings (values may hold anything).
    let mut out = String::with_capacity(debug.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = debug.as_str();
    while let Some(c) = rest.chars().next() {
        if !in_string {
            if let Some((start, end, after)) = span_fields(rest) {
                out.push_str(&format!(
                    "{:?}-{:?}",
                    file.line_col(start),
                    file.line_col(end)
                ));
                rest = after;
                continue;
            }
        }
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => in_string = !in_string,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `start: N, end: M` at the start of `text`: the numbers and what follows.
fn span_fields(text: &str) -> Option<(usize, usize, &str)> {
    let number = |text: &str| -> Option<(usize, usize)> {
        let digits = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        Some((text[..digits].parse().ok()?, digits))
    };
    let text = text.strip_prefix("start: ")?;
    let (start, digits) = number(text)?;
    let text = text[digits..].strip_prefix(", end: ")?;
    let (end, digits) = number(text)?;
    Some((start, end, &text[digits..]))
}

/// Panics if `bytes`, read compacted, parses to anything other than what it
/// parses to read whole, wherever reading it whole succeeds. The fuzz targets'
/// oracle for this module.
pub(crate) fn assert_keeps(bytes: &[u8]) {
    let Ok(whole) = std::str::from_utf8(bytes) else {
        return;
    };
    let whole = whole.strip_prefix('\u{feff}').unwrap_or(whole);
    let expected = describe(whole);
    // Blanked content is not checked as XML: a file that fails whole may pass.
    if expected.starts_with("error") {
        return;
    }
    let kept = match from_bytes(bytes) {
        Ok(kept) => kept.text,
        Err(e) => panic!("the whole file parses, but reading it compacted failed: {e}"),
    };
    assert_eq!(describe(&kept), expected, "compacted: {kept:?}");
    // Streamed for a parser, which finds the bulk itself (the loaders' way):
    // the same spans, to the byte. A NUL, refused there, is a text's own.
    if !kept.contains('\0') {
        use crate::package::kept::Kept;
        use crate::package::xml::XmlCursor;
        use crate::source::FileId;
        let stream = Kept::stream_in(Box::new(bytes), 0, 61).for_parser();
        assert_eq!(
            parsed(&mut XmlCursor::stream(stream, FileId(0), "x")),
            parsed(&mut XmlCursor::new(&kept, FileId(0), "x")),
            "streamed for a parser: {kept:?}"
        );
    }
}

/// `{:?}` of what a file parses to, with every span as it is: offsets, lines
/// and columns. A component file's root is read as unpacked source reads one.
pub(crate) fn parsed(cursor: &mut crate::package::xml::XmlCursor<'_>) -> String {
    let place = crate::package::components::Place {
        optional: true,
        ..Default::default()
    };
    match crate::package::customizations::parse_file(cursor, &place) {
        Ok(found) => format!(
            "{:?} {:?} {:?} {:?} {:?} {:?}",
            found.entities,
            found.option_sets,
            found.relationships,
            found.components,
            found.variables,
            found.references
        ),
        Err(error) => format!("error: {error}"),
    }
}

/// Every XML file under `dir`, and every XML member of its zips (tests read
/// the corpus, the fixtures and the examples so).
#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
pub(crate) fn xml_files(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.display().to_string();
        if path.is_dir() {
            xml_files(&path, out);
        } else if name.to_lowercase().ends_with(".xml") {
            out.push((name, std::fs::read(&path).unwrap()));
        } else if name.ends_with(".zip") {
            let Ok(mut archive) = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()) else {
                continue;
            };
            for i in 0..archive.len() {
                let mut member = archive.by_index(i).unwrap();
                if member.name().to_lowercase().ends_with(".xml") {
                    let mut bytes = Vec::new();
                    std::io::Read::read_to_end(&mut member, &mut bytes).unwrap();
                    out.push((format!("{name}!/{}", member.name()), bytes));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::line_col;

    /// Reads `text` scanning `chunk` bytes at a time, from a reader that returns
    /// at most 7 bytes per call, so that tokens are cut at every position.
    fn compact_in_chunks(text: &str, chunk: usize) -> String {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = 7.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        read_in(&mut Trickle(text.as_bytes()), 0, chunk)
            .unwrap()
            .text
    }

    const ENTITY: &str = "<Entity>\n  <Name>cts_a</Name>\n  <RibbonDiffXml>\n    <forms>\n      <form id=\"{1}\" label=\"a > b\">é<!-- </RibbonDiffXml> --><![CDATA[</RibbonDiffXml>]]></form>\n      <RibbonDiffXml><x/></RibbonDiffXml>\n    </forms>\n  </RibbonDiffXml>\n  <EntityInfo><attribute PhysicalName=\"x\"/></EntityInfo><RibbonDiffXml>dropped é</RibbonDiffXml><after/>\n  <SavedQueries />\n</Entity>\n";

    #[test]
    fn bulk_content_is_blanked_and_every_other_position_is_kept() {
        let kept = compact_in_chunks(ENTITY, 1 << 20);
        assert!(!kept.contains("forms"), "{kept}");
        assert!(!kept.contains("dropped"), "{kept}");
        assert!(kept.contains("<RibbonDiffXml>\n"));
        assert!(kept.contains("<SavedQueries />"));
        assert_eq!(kept.lines().count(), ENTITY.lines().count());
        for marker in [
            "<Name>",
            "</RibbonDiffXml>",
            "<EntityInfo>",
            "<attribute",
            "<after/>",
            "</Entity>",
        ] {
            let original = ENTITY.rfind(marker).unwrap();
            let now = kept.rfind(marker).unwrap();
            assert_eq!(line_col(&kept, now), line_col(ENTITY, original), "{marker}");
        }
    }

    #[test]
    fn any_chunking_gives_the_same_text() {
        let whole = compact_in_chunks(ENTITY, 1 << 20);
        for chunk in 1..40 {
            assert_eq!(compact_in_chunks(ENTITY, chunk), whole, "chunks of {chunk}");
        }
    }

    #[test]
    fn the_details_deployment_checks_read_are_never_blanked() {
        // A variable's type, default and current value and a reference's connector
        // are what a deployment must supply: never bulk, wherever they appear.
        for kept in [
            "type",
            "defaultvalue",
            "environmentvariablevalues",
            "environmentvariablevalue",
            "value",
            "connectorid",
            "customconnectorid",
        ] {
            assert!(!BULK.contains(&kept.as_bytes()), "{kept}");
        }
        let text = "<ImportExportXml>\n  <connectionreferences><connectionreference connectionreferencelogicalname=\"cts_a\"><connectorid>/providers/Microsoft.PowerApps/apis/shared_teams</connectorid></connectionreference></connectionreferences>\n  <environmentvariabledefinitions><environmentvariabledefinition schemaname=\"cts_b\"><defaultvalue>0</defaultvalue><type>100000001</type><environmentvariablevalues><environmentvariablevalue><value>3</value></environmentvariablevalue></environmentvariablevalues></environmentvariabledefinition></environmentvariabledefinitions>\n</ImportExportXml>";
        assert_eq!(compact_in_chunks(text, 5), text);
        assert_keeps(text.as_bytes());
    }

    #[test]
    fn a_tag_ends_where_quick_xml_ends_it() {
        // A quote left open swallows markup up to the next quote, as the parser
        // reads it: `<RibbonDiffXml>` inside is not a tag, and nothing is blanked.
        let text = "<a>\n<b c=\"x\n<RibbonDiffXml>\n</RibbonDiffXml>\" d='>'/>\n<e/></a>";
        assert_eq!(compact_in_chunks(text, 5), text);
        assert_keeps(text.as_bytes());
    }

    #[test]
    fn markup_in_comments_and_cdata_is_not_a_tag() {
        let text = "<a><!-- <RibbonDiffXml> --><![CDATA[<RibbonDiffXml>]]><?pi <RibbonDiffXml> ?><b>kept</b></a>";
        assert_eq!(compact_in_chunks(text, 3), text);
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_utf16_is_refused() {
        let text = compact_in_chunks("\u{feff}<a/>", 1);
        assert_eq!(text, "<a/>");
        assert!(matches!(
            from_bytes(&[0xFF, 0xFE, b'<', 0]),
            Err(Error::NotUtf8)
        ));
    }

    #[test]
    fn invalid_utf8_is_refused_inside_blanked_content_too() {
        let mut bytes = b"<a><RibbonDiffXml>".to_vec();
        bytes.push(0xC3);
        bytes.extend_from_slice(b"</RibbonDiffXml></a>");
        assert!(matches!(from_bytes(&bytes), Err(Error::NotUtf8)));
    }

    #[test]
    fn the_digest_covers_blanked_content() {
        let read = |bytes: &'static [u8]| {
            let mut kept = super::super::kept::Kept::stream(Box::new(bytes), 0);
            let mut text = String::new();
            kept.read_to_string(&mut text).unwrap();
            (text, kept.finish().unwrap())
        };
        let (a, a_digest) = read(b"<a><RibbonDiffXml>one</RibbonDiffXml></a>");
        let (b, b_digest) = read(b"<a><RibbonDiffXml>two</RibbonDiffXml></a>");
        assert_eq!(a, b);
        assert_ne!(a_digest, b_digest);
    }

    /// Read for a parser, which starts the blanks, a file gives the same kept
    /// text as the compactor alone (a report reads it so again): the same spans,
    /// to the byte, whatever the reads' sizes.
    #[test]
    fn blanks_the_parser_starts_keep_what_the_compactor_keeps() {
        use crate::package::kept::Kept;
        use crate::package::xml::XmlCursor;
        use crate::source::FileId;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        xml_files(&root.join("../shared/corpus"), &mut files);
        xml_files(&root.join("tests/fixtures"), &mut files);
        xml_files(&root.join("examples"), &mut files);
        files.push(("entity".to_owned(), ENTITY.as_bytes().to_vec()));
        for (name, bytes) in &files {
            let Ok(kept) = from_bytes(bytes) else {
                continue;
            };
            let expected = parsed(&mut XmlCursor::new(&kept.text, FileId(0), "x"));
            for chunk in [7, 1 << 12, 1 << 18] {
                let kept = Kept::stream_in(Box::new(&bytes[..]), 0, chunk).for_parser();
                let mut cursor = XmlCursor::stream(kept, FileId(0), "x");
                assert_eq!(parsed(&mut cursor), expected, "{name}, reads of {chunk}");
            }
        }
    }

    /// Every real and fixture file parses to the same components, at the same
    /// lines and columns, whole or compacted; its kept lines are its own lines.
    #[test]
    fn real_files_parse_the_same_compacted() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        xml_files(&root.join("../shared/corpus"), &mut files);
        xml_files(&root.join("tests/fixtures"), &mut files);
        xml_files(&root.join("examples"), &mut files);
        assert!(files.len() > 100, "found only {} files", files.len());
        let mut blanked = 0;
        for (name, bytes) in files {
            let Ok(whole) = std::str::from_utf8(&bytes) else {
                continue;
            };
            let whole = whole.strip_prefix('\u{feff}').unwrap_or(whole);
            let kept = from_bytes(&bytes).unwrap().text;
            assert_eq!(kept.lines().count(), whole.lines().count(), "{name}");
            for (k, w) in kept.lines().zip(whole.lines()) {
                assert!(k == w || k.trim().is_empty(), "{name}: `{k}` for `{w}`");
            }
            assert_eq!(describe(&kept), describe(whole), "{name}");
            blanked += whole.len() - kept.len();
        }
        assert!(blanked > 1_000_000, "only {blanked} bytes blanked");
    }
}
