//! The bytes around places of a file, for the snippets of a human report: a
//! streamed file is read once, up to the last place asked for, and only a
//! sliding window of it is held.

use std::io::{self, BufRead};

/// Bytes kept on each side of a place: more than a snippet shows (16 KiB), so
/// that the lines a snippet needs are in its excerpt, or too far away to show.
pub const RADIUS: usize = 16 * 1024 + 512;

/// The bytes of a file around one place (`RADIUS` on each side, as far as the
/// file goes). Its ends may cut a character.
pub struct Excerpt<'a> {
    /// Offset of `bytes` in the file.
    pub offset: usize,
    pub bytes: &'a [u8],
    /// Whether `bytes` run to the end of the file.
    pub to_end: bool,
}

pub(super) fn from_text(text: &[u8], starts: &[usize], each: &mut dyn FnMut(usize, Excerpt<'_>)) {
    for (i, &start) in starts.iter().enumerate() {
        let from = start.saturating_sub(RADIUS).min(text.len());
        let to = start.saturating_add(RADIUS).min(text.len());
        each(
            i,
            Excerpt {
                offset: from,
                bytes: &text[from..to],
                to_end: to == text.len(),
            },
        );
    }
}

pub(super) fn from_stream(
    reader: &mut dyn BufRead,
    starts: &[usize],
    each: &mut dyn FnMut(usize, Excerpt<'_>),
) -> io::Result<()> {
    let mut order: Vec<usize> = (0..starts.len()).collect();
    order.sort_by_key(|&i| starts[i]);
    let mut next = 0;
    // The bytes from `base` on that an excerpt still to give may need.
    let mut window: Vec<u8> = Vec::new();
    let mut base = 0;
    while next < order.len() {
        let chunk = reader.fill_buf()?;
        let eof = chunk.is_empty();
        let read = chunk.len();
        window.extend_from_slice(chunk);
        reader.consume(read);
        let end = base + window.len();
        while let Some(&i) = order.get(next) {
            let start = starts[i];
            // Strictly past the excerpt's end: it then does not reach the file's.
            if !eof && start.saturating_add(RADIUS) >= end {
                break;
            }
            let to = start.saturating_add(RADIUS).min(end);
            let from = start.saturating_sub(RADIUS).clamp(base, to);
            each(
                i,
                Excerpt {
                    offset: from,
                    bytes: &window[from - base..to - base],
                    to_end: eof && to == end,
                },
            );
            next += 1;
        }
        if eof {
            break;
        }
        let keep = order
            .get(next)
            .map_or(end, |&i| starts[i].saturating_sub(RADIUS))
            .clamp(base, end);
        window.drain(..keep - base);
        base = keep;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out `size` bytes at a time.
    struct Chunks<'a> {
        data: &'a [u8],
        size: usize,
    }

    impl std::io::Read for Chunks<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.size.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn collect(
        excerpts: &mut Vec<(usize, usize, Vec<u8>, bool)>,
    ) -> impl FnMut(usize, Excerpt<'_>) + '_ {
        |i, e| excerpts.push((i, e.offset, e.bytes.to_vec(), e.to_end))
    }

    #[test]
    fn a_stream_gives_the_excerpts_a_text_gives() {
        let text: Vec<u8> = (0..200_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let starts = [150_000, 5, 0, 199_999, 300_000, 70_000, 70_001, 183_000];
        let mut whole = Vec::new();
        from_text(&text, &starts, &mut collect(&mut whole));
        whole.sort();
        for size in [1000, 4096, 65_536] {
            let mut streamed = Vec::new();
            let reader = Chunks { data: &text, size };
            let mut reader = std::io::BufReader::with_capacity(size, reader);
            from_stream(&mut reader, &starts, &mut collect(&mut streamed)).unwrap();
            streamed.sort();
            assert_eq!(streamed, whole, "chunks of {size}");
        }
    }
}
