//! Lines and columns: counted once as bytes go by ([`Pos`], [`TextLines`]), or
//! looked up in a sparse index of a text held in memory ([`LineIndex`]).

/// Bytes per block of the sparse line index: finding a line scans at most one block.
pub(super) const BLOCK: usize = 4 * 1024;

/// How many bytes of `bytes` `matches`: summed in byte lanes, 255 bytes at a
/// time, which the compiler turns into wide vector code (a `usize` count per
/// byte would widen every byte to 64 bits). Every byte of a package is counted.
fn count_bytes(bytes: &[u8], matches: impl Fn(u8) -> bool + Copy) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            chunk
                .iter()
                .fold(0u8, |sum, &b| sum.wrapping_add(u8::from(matches(b))))
        })
        .map(usize::from)
        .sum()
}

/// Characters in a byte range of UTF-8, whatever its ends: the bytes that start one.
pub fn count_chars(bytes: &[u8]) -> usize {
    count_bytes(bytes, |b| (b & 0xC0) != 0x80)
}

pub fn count_newlines(bytes: &[u8]) -> usize {
    count_bytes(bytes, |b| b == b'\n')
}

/// A place in a file: its byte offset, and the 1-based line and column (in
/// characters) a report shows for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub offset: usize,
    pub line: u32,
    pub column: u32,
}

/// Counts that saturate: a file is at most 2 GiB, so they never do.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Pos {
    pub const START: Pos = Pos {
        offset: 0,
        line: 1,
        column: 1,
    };

    /// The place just after `bytes`, which start here.
    #[inline]
    pub fn advance(self, bytes: &[u8]) -> Pos {
        let offset = self.offset + bytes.len();
        // A parser asks for places a few bytes apart: counted in one loop, they
        // cost less than setting up the wide counts below.
        if bytes.len() <= 64 {
            let (mut line, mut column) = (self.line, self.column);
            for &b in bytes {
                if b == b'\n' {
                    line = line.saturating_add(1);
                    column = 1;
                } else if (b & 0xC0) != 0x80 {
                    column = column.saturating_add(1);
                }
            }
            return Pos {
                offset,
                line,
                column,
            };
        }
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => Pos {
                offset,
                line: self.line.saturating_add(small(count_newlines(bytes))),
                column: small(count_chars(&bytes[last + 1..])).saturating_add(1),
            },
            None => Pos {
                offset,
                line: self.line,
                column: self.column.saturating_add(small(count_chars(bytes))),
            },
        }
    }
}

/// The line and column of offsets of a text in memory, asked for mostly in
/// increasing order (a parser's spans): each step costs the bytes between two
/// places, and a step back the line it lands on.
pub struct TextLines<'a> {
    text: &'a [u8],
    at: Pos,
}

impl<'a> TextLines<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            at: Pos::START,
        }
    }

    /// Where `offset` is (clamped to the text, and back to a character's start).
    pub fn at(&mut self, offset: usize) -> Pos {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && offset < self.text.len() && (self.text[offset] & 0xC0) == 0x80 {
            offset -= 1;
        }
        let here = self.at.offset;
        if offset >= here {
            self.at = self.at.advance(&self.text[here..offset]);
            return self.at;
        }
        let between = &self.text[offset..here];
        let newlines = count_newlines(between);
        let column = if newlines == 0 {
            self.at.column - small(count_chars(between))
        } else {
            let line_start = memchr::memrchr(b'\n', &self.text[..offset]).map_or(0, |i| i + 1);
            small(count_chars(&self.text[line_start..offset])) + 1
        };
        self.at = Pos {
            offset,
            line: self.at.line - small(newlines),
            column,
        };
        self.at
    }
}

/// For each block of [`BLOCK`] bytes: how many newlines come before it, and where
/// the line holding its first byte starts.
#[derive(Debug)]
pub(super) struct LineIndex {
    pub newlines_before: Vec<usize>,
    pub line_start_at: Vec<usize>,
    /// Characters from that line's start to the block's start: a column on a line
    /// of megabytes is then counted from its block, not from the line's start.
    pub chars_into_line: Vec<usize>,
    pub newlines: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
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

pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_counted_forward_and_back_agree_with_a_scan() {
        let text = "ab\nçé<x>\n\n<y/>\néé\n";
        let mut lines = TextLines::new(text);
        let offsets = [0, 3, 7, 5, 12, 1, 20, 9, 3, 14, 16, 2, 100];
        for offset in offsets {
            let at = lines.at(offset);
            let expected = line_col(text, offset);
            assert_eq!((at.line as usize, at.column as usize), expected, "{offset}");
        }
    }

    /// Counted a few bytes at a time (one loop) or many (wide counts), a place
    /// is where a scan puts it.
    #[test]
    fn places_advanced_by_short_and_long_steps_agree_with_a_scan() {
        let text = "ab\nçé<x>\n\n<y/>\néé\n".repeat(20) + "tail ü";
        for step in [1, 3, 63, 64, 65, 200, 1000] {
            let mut pos = Pos::START;
            let mut at = 0;
            while at < text.len() {
                let next = (at + step).min(text.len());
                pos = pos.advance(&text.as_bytes()[at..next]);
                at = next;
                if text.is_char_boundary(at) {
                    assert_eq!(pos.offset, at);
                    assert_eq!(
                        (pos.line as usize, pos.column as usize),
                        line_col(&text, at),
                        "steps of {step}, at {at}"
                    );
                }
            }
        }
    }
}
