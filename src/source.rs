//! Source files and byte spans, so every finding can point at the line it blames.

use std::sync::{Arc, OnceLock};

/// One text file of a package, held in memory for the lifetime of a run so that
/// diagnostics can quote it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path shown to the user: `pkg.zip!/customizations.xml` for a zip member.
    pub display_path: String,
    /// The file text, without a leading byte-order mark (editors hide it, so
    /// lines and columns are the same either way).
    pub text: String,
    /// Length and CRC-32 of the bytes the file was read from. `text` may have
    /// content blanked (see `package::compact`), so equal texts alone do not make
    /// equal files.
    pub digest: (u64, u32),
    /// A sparse line index, built on first use: a package with many findings in a
    /// 100 MB file must not rescan it for each one, nor hold a word per line.
    lines: OnceLock<LineIndex>,
}

/// Bytes per block of the sparse line index: finding a line scans at most one block.
const BLOCK: usize = 4 * 1024;

/// For each block of [`BLOCK`] bytes: how many newlines come before it, and where
/// the line holding its first byte starts.
#[derive(Debug)]
struct LineIndex {
    newlines_before: Vec<usize>,
    line_start_at: Vec<usize>,
    /// Characters from that line's start to the block's start: a column on a line
    /// of megabytes is then counted from its block, not from the line's start.
    chars_into_line: Vec<usize>,
    newlines: usize,
}

/// Characters in a byte range of UTF-8, whatever its ends: the bytes that start one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut newlines_before = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut line_start_at = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut chars_into_line = Vec::with_capacity(text.len() / BLOCK + 1);
        let (mut newlines, mut line_start, mut chars) = (0, 0, 0);
        for (k, block) in text.as_bytes().chunks(BLOCK).enumerate() {
            newlines_before.push(newlines);
            line_start_at.push(line_start);
            chars_into_line.push(chars);
            newlines += count_newlines(block);
            match block.iter().rposition(|&b| b == b'\n') {
                Some(last) => {
                    line_start = k * BLOCK + last + 1;
                    chars = count_chars(&block[last + 1..]);
                }
                None => chars += count_chars(block),
            }
        }
        Self {
            newlines_before,
            line_start_at,
            chars_into_line,
            newlines,
        }
    }
}

impl SourceFile {
    /// A file whose text is exactly its content.
    pub fn new(display_path: String, text: String) -> Arc<Self> {
        let digest = (text.len() as u64, crc32fast::hash(text.as_bytes()));
        Self::read(display_path, text, digest)
    }

    /// A file read from bytes with the given length and CRC-32.
    pub fn read(display_path: String, text: String, digest: (u64, u32)) -> Arc<Self> {
        Arc::new(Self {
            display_path,
            text,
            digest,
            lines: OnceLock::new(),
        })
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 0-based index of the line holding a byte offset, and where that line starts.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let lines = self.lines();
        let block = offset / BLOCK;
        let (Some(&before), Some(&start_at)) = (
            lines.newlines_before.get(block),
            lines.line_start_at.get(block),
        ) else {
            // Past the last block: the offset is the end of the text.
            return (lines.newlines, self.text.rfind('\n').map_or(0, |i| i + 1));
        };
        let bytes = &self.text.as_bytes()[block * BLOCK..offset];
        let start = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(start_at, |i| block * BLOCK + i + 1);
        (before + count_newlines(bytes), start)
    }

    /// Byte offset where the 0-based line `index` starts (the end of the text past the last).
    pub fn line_start(&self, index: usize) -> usize {
        if index == 0 {
            return 0;
        }
        let lines = self.lines();
        if index > lines.newlines {
            return self.text.len();
        }
        // The block holding the `index`-th newline: the last with fewer before it.
        let block = lines
            .newlines_before
            .partition_point(|&before| before < index)
            .saturating_sub(1);
        let mut seen = lines.newlines_before.get(block).copied().unwrap_or(0);
        let from = block * BLOCK;
        for (i, &b) in self.text.as_bytes()[from..].iter().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == index {
                    return from + i + 1;
                }
            }
        }
        self.text.len()
    }

    /// [`Self::line_col`] of many offsets, in one pass over the file: a listing
    /// of 40 000 components of one 100 MB file would otherwise scan up to a
    /// block of the index for each.
    pub fn line_cols(&self, offsets: &[usize]) -> Vec<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut found = vec![(1, 1); offsets.len()];
        let (mut newlines, mut line_start, mut at) = (0, 0, 0);
        for i in order {
            let offset = floor_char_boundary(&self.text, offsets[i].min(bytes.len()));
            for newline in memchr::memchr_iter(b'\n', &bytes[at..offset]) {
                newlines += 1;
                line_start = at + newline + 1;
            }
            at = offset;
            found[i] = (
                newlines + 1,
                self.text[line_start..offset].chars().count() + 1,
            );
        }
        found
    }

    /// 1-based line and column (in characters) of a byte offset into `text`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (index, _) = self.line_of(offset);
        (index + 1, self.column_of(offset) + 1)
    }

    /// Characters between the start of the line holding `offset` and `offset`:
    /// at most one block is counted, however long the line.
    pub fn column_of(&self, offset: usize) -> usize {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (_, start) = self.line_of(offset);
        let bytes = self.text.as_bytes();
        let block = offset / BLOCK;
        let block_start = block * BLOCK;
        match self.lines().chars_into_line.get(block) {
            Some(&before) if start < block_start => {
                before + count_chars(&bytes[block_start..offset])
            }
            _ => count_chars(&bytes[start..offset]),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset into `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Index of a file within one loaded [`crate::model::Solution`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file of a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
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
}

impl Location {
    pub fn line_col(&self) -> (usize, usize) {
        self.file.line_col(self.start)
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
    fn many_places_at_once_are_each_place_alone() {
        let text = "ab\nçé<x>\n\n<y/>\n";
        let file = SourceFile::new("x.xml".to_owned(), text.to_owned());
        let offsets: Vec<usize> = vec![9, 0, 3, 7, 7, 1000, 12, 4];
        let expected: Vec<_> = offsets.iter().map(|&o| file.line_col(o)).collect();
        assert_eq!(file.line_cols(&offsets), expected);
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
}
