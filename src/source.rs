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
    /// Byte offsets where lines start, built on first use: a package with many
    /// findings in a 100 MB file must not rescan it for each one.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(display_path: String, text: String) -> Arc<Self> {
        Arc::new(Self {
            display_path,
            text,
            line_starts: OnceLock::new(),
        })
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(
                    self.text
                        .bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect()
        })
    }

    /// 0-based index of the line holding a byte offset, and where that line starts.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let index = starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        (index, starts.get(index).copied().unwrap_or(0))
    }

    /// Byte offset where the 0-based line `index` starts (the end of the text past the last).
    pub fn line_start(&self, index: usize) -> usize {
        self.line_starts()
            .get(index)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// 1-based line and column (in characters) of a byte offset into `text`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (index, start) = self.line_of(offset);
        (index + 1, self.text[start..offset].chars().count() + 1)
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
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\nçé<x>\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // `<` comes after two 2-byte characters.
        assert_eq!(line_col(text, 7), (2, 3));
        assert_eq!(line_col(text, 1000), (3, 1));
    }
}
