//! Source files and spans, so every finding can point at the line it blames.
//!
//! A span carries the line and column of its start, counted while the file was
//! read: reports need no second look at a file, and the model keeps no file text
//! (DESIGN.md §6, Limits). Only a snippet quoted in `--format human` reads a
//! file again ([`SourceFile::excerpts`]).

mod excerpt;
mod lines;

use std::fmt;
use std::io::{self, BufRead};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

pub use excerpt::Excerpt;
pub use lines::{count_chars, floor_char_boundary, line_col, Pos, TextLines};
use lines::{count_newlines, LineIndex, BLOCK};

/// How to read a file of a package again, for a snippet: the same bytes, kept
/// as when they were first read (see `package::compact`), so that every offset
/// a span holds is where it was.
pub trait Reopen: Send + Sync + fmt::Debug {
    /// Calls `each` with the file's kept text, as a stream.
    fn read(&self, each: &mut dyn FnMut(&mut dyn BufRead) -> io::Result<()>) -> io::Result<()>;
}

/// One file of a package, or a policy or environment file.
pub struct SourceFile {
    /// The path shown to the user: `pkg.zip!/customizations.xml` for a zip member.
    pub display_path: String,
    /// Length and CRC-32 of all the bytes the file was read from: two files are
    /// the same when these are.
    pub digest: (u64, u32),
    content: Content,
}

enum Content {
    /// A small file read whole (a policy, an environment file, a YAML file),
    /// without a leading byte-order mark (editors hide it, so lines and columns
    /// are the same either way), with a sparse line index built on first use.
    Text {
        text: String,
        lines: OnceLock<LineIndex>,
    },
    /// A file read as a stream; its text is not kept.
    Reopen(Arc<dyn Reopen>),
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("display_path", &self.display_path)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

impl SourceFile {
    /// A file whose text is exactly its content.
    pub fn new(display_path: String, text: String) -> Arc<Self> {
        let digest = (text.len() as u64, crc32fast::hash(text.as_bytes()));
        Self::read(display_path, text, digest)
    }

    /// A file read whole, from bytes with the given length and CRC-32.
    pub fn read(display_path: String, text: String, digest: (u64, u32)) -> Arc<Self> {
        Arc::new(Self {
            display_path,
            digest,
            content: Content::Text {
                text,
                lines: OnceLock::new(),
            },
        })
    }

    /// A file read as a stream, which `reopen` reads again.
    pub fn reopened(
        display_path: String,
        digest: (u64, u32),
        reopen: Arc<dyn Reopen>,
    ) -> Arc<Self> {
        Arc::new(Self {
            display_path,
            digest,
            content: Content::Reopen(reopen),
        })
    }

    /// The text of a file read whole; `None` for one read as a stream.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Content::Text { text, .. } => Some(text),
            Content::Reopen(_) => None,
        }
    }

    /// The text, read again if it is not kept: for tests and rare messages,
    /// never for a big file on the way to a report.
    pub fn read_text(&self) -> io::Result<String> {
        match &self.content {
            Content::Text { text, .. } => Ok(text.clone()),
            Content::Reopen(reopen) => {
                let mut bytes = Vec::new();
                reopen.read(&mut |reader| reader.read_to_end(&mut bytes).map(drop))?;
                String::from_utf8(bytes).map_err(io::Error::other)
            }
        }
    }

    /// Calls `each` with the bytes around each of `starts` (see [`Excerpt`]),
    /// in the order given, reading a streamed file once up to the last of them.
    pub fn excerpts(
        &self,
        starts: &[usize],
        each: &mut dyn FnMut(usize, Excerpt<'_>),
    ) -> io::Result<()> {
        match &self.content {
            Content::Text { text, .. } => {
                excerpt::from_text(text.as_bytes(), starts, each);
                Ok(())
            }
            Content::Reopen(reopen) => {
                reopen.read(&mut |reader| excerpt::from_stream(reader, starts, &mut *each))
            }
        }
    }

    /// The text held in memory ("" for a file read as a stream).
    fn kept(&self) -> &str {
        self.text().unwrap_or("")
    }

    fn lines(&self) -> Option<&LineIndex> {
        match &self.content {
            Content::Text { text, lines } => Some(lines.get_or_init(|| LineIndex::new(text))),
            Content::Reopen(_) => None,
        }
    }

    /// 0-based index of the line holding a byte offset, and where that line starts.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let text = self.kept();
        let offset = offset.min(text.len());
        let Some(lines) = self.lines() else {
            return (0, 0);
        };
        let block = offset / BLOCK;
        let (Some(&before), Some(&start_at)) = (
            lines.newlines_before.get(block),
            lines.line_start_at.get(block),
        ) else {
            // Past the last block: the offset is the end of the text.
            return (lines.newlines, text.rfind('\n').map_or(0, |i| i + 1));
        };
        let bytes = &text.as_bytes()[block * BLOCK..offset];
        let start = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(start_at, |i| block * BLOCK + i + 1);
        (before + count_newlines(bytes), start)
    }

    /// Byte offset where the 0-based line `index` starts (the end of the text past the last).
    pub fn line_start(&self, index: usize) -> usize {
        let text = self.kept();
        if index == 0 {
            return 0;
        }
        let Some(lines) = self.lines() else {
            return 0;
        };
        if index > lines.newlines {
            return text.len();
        }
        // The block holding the `index`-th newline: the last with fewer before it.
        let block = lines
            .newlines_before
            .partition_point(|&before| before < index)
            .saturating_sub(1);
        let mut seen = lines.newlines_before.get(block).copied().unwrap_or(0);
        let from = block * BLOCK;
        for (i, &b) in text.as_bytes()[from..].iter().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == index {
                    return from + i + 1;
                }
            }
        }
        text.len()
    }

    /// 1-based line and column (in characters) of a byte offset into the text
    /// held in memory.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = self.kept();
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let (index, _) = self.line_of(offset);
        (index + 1, self.column_of(offset) + 1)
    }

    /// Characters between the start of the line holding `offset` and `offset`:
    /// at most one block is counted, however long the line.
    pub fn column_of(&self, offset: usize) -> usize {
        let text = self.kept();
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let (_, start) = self.line_of(offset);
        let bytes = text.as_bytes();
        let block = offset / BLOCK;
        let block_start = block * BLOCK;
        match self.lines().and_then(|l| l.chars_into_line.get(block)) {
            Some(&before) if start < block_start => {
                before + count_chars(&bytes[block_start..offset])
            }
            _ => count_chars(&bytes[start..offset]),
        }
    }
}

/// Index of a file within one loaded [`crate::model::Solution`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file of a solution, and where it starts as a report
/// shows it. Offsets are `u32`: files are at most 2 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
    /// 1-based line and column (in characters) of `start`.
    pub line: u32,
    pub column: u32,
}

/// An offset as a span holds it (files are at most 2 GiB).
pub fn offset32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl Span {
    /// `start..end` of `file`, which starts at `at` (its line and column).
    pub fn new(file: FileId, start: usize, end: usize, at: Pos) -> Self {
        Self {
            file,
            start: offset32(start),
            end: offset32(end),
            line: at.line,
            column: at.column,
        }
    }

    /// `start..end` of a text held in memory, its place counted in it.
    pub fn in_text(file: FileId, text: &str, start: usize, end: usize) -> Self {
        let (line, column) = line_col(text, start);
        Self {
            file,
            start: offset32(start),
            end: offset32(end),
            line: offset32(line),
            column: offset32(column),
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value together with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// A resolved place in a file: what diagnostics carry, independent of any solution.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (in characters) of `start`.
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// A place in a file held in memory, its line and column counted there.
    pub fn new(file: Arc<SourceFile>, start: usize, end: usize) -> Self {
        let (line, column) = file.line_col(start);
        Self {
            file,
            start,
            end,
            line,
            column,
        }
    }

    pub fn line_col(&self) -> (usize, usize) {
        (self.line, self.column)
    }

    pub fn path(&self) -> &str {
        &self.file.display_path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_index_agrees_with_a_scan() {
        let text = "<a>\n  <b>é</b>\n\n<c/>";
        let file = SourceFile::new("x.xml".to_owned(), text.to_owned());
        for offset in 0..=text.len() + 2 {
            assert_eq!(file.line_col(offset), line_col(text, offset), "{offset}");
        }
        assert_eq!(file.line_of(5), (1, 4));
    }

    #[test]
    fn the_sparse_index_agrees_with_a_scan_across_blocks() {
        // Lines of varied length, one longer than a block, and a multi-byte
        // character straddling a block boundary.
        let mut text = String::new();
        for i in 0..40_000 {
            text.push_str(&"x".repeat(i % 97));
            text.push(if i % 13 == 0 { 'é' } else { 'y' });
            text.push('\n');
        }
        text.push_str(&"z".repeat(BLOCK * 2 + 5));
        text.push_str("\nend");
        let file = SourceFile::new("big.xml".to_owned(), text.clone());
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        for offset in (0..=text.len())
            .step_by(7919)
            .chain([text.len(), BLOCK, BLOCK - 1])
        {
            let index = starts.partition_point(|&s| s <= offset) - 1;
            assert_eq!(
                file.line_of(offset),
                (index, starts[index]),
                "offset {offset}"
            );
            assert_eq!(
                file.line_col(offset),
                line_col(&text, offset),
                "offset {offset}"
            );
        }
        for index in (0..starts.len())
            .step_by(101)
            .chain([starts.len() - 1, starts.len()])
        {
            let expected = starts.get(index).copied().unwrap_or(text.len());
            assert_eq!(file.line_start(index), expected, "line {index}");
        }
    }

    #[test]
    fn columns_on_a_line_longer_than_a_block_are_exact() {
        let mut text = "ab\n".to_owned();
        for i in 0..BLOCK * 2 {
            text.push(if i % 7 == 0 { 'é' } else { 'x' });
        }
        text.push('\n');
        text.push_str(&"y".repeat(10));
        let file = SourceFile::new("long.json".to_owned(), text.clone());
        for offset in
            (0..=text.len())
                .step_by(4999)
                .chain([text.len(), BLOCK, BLOCK + 1, 2 * BLOCK + 3])
        {
            assert_eq!(
                file.line_col(offset),
                line_col(&text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\nçé<x>\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // `<` comes after two 2-byte characters.
        assert_eq!(line_col(text, 7), (2, 3));
        assert_eq!(line_col(text, 1000), (3, 1));
    }

    #[test]
    fn a_location_in_a_text_knows_its_line_and_column() {
        let file = SourceFile::new("x.json".to_owned(), "{\n  \"é\": 1}".to_owned());
        let location = Location::new(file, 9, 10);
        assert_eq!(location.line_col(), (2, 7));
    }
}
