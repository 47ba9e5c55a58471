//! One solution YAML file as a tree of nodes, each with its byte span.
//!
//! Every scalar keeps its text as written: `9.2`, `1.0`, `0051` and timestamps
//! are never numbers or dates, as pac reads them. A plain empty value, `~` and
//! `null` are null. What real solution files never hold is refused with the
//! line it is on: aliases, tags, keys that are not scalars, a key given twice,
//! several documents, nesting deeper than [`MAX_DEPTH`].

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::package::LoadError;
use crate::source::{FileId, Span, TextLines};

/// Deeper nesting than any solution file has (a form's YAML nests about 40
/// levels); bounds the work on hostile input before the parser's own limit.
pub const MAX_DEPTH: usize = 128;

/// Largest YAML file dvlint reads: a component file is kilobytes, a big form a
/// megabyte. The tree of a file costs several times its text.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// Most values (scalars, lists and mappings) one file may hold: a large form
/// has some tens of thousands. Each costs some 90 bytes of tree however short
/// its text (`[a,a,a…]` is two bytes a value), so this bounds a file's tree
/// where [`MAX_BYTES`] alone would let it reach gigabytes.
pub const MAX_NODES: usize = 500_000;

/// Mappings with more keys than this find a key given twice through a hash set
/// instead of comparing each key with those before it.
const HASHED_KEYS: usize = 16;

#[derive(Debug, Clone)]
pub struct Node {
    /// A scalar's text (inside its quotes), a mapping's first key, or where a
    /// list starts.
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Text(String),
    List(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub node: Node,
}

impl Node {
    /// An empty mapping at `span`: an element the YAML does not write.
    pub fn empty(span: Span) -> Self {
        Node {
            span,
            value: Value::Map(Vec::new()),
        }
    }

    /// The entries of a mapping; none for anything else.
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The entry `key` of a mapping, matched case-insensitively.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries()
            .iter()
            .find(|e| e.key.eq_ignore_ascii_case(key))
    }

    /// The node itself, or each item of a list: one element or several.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::List(items) => items,
            Value::Null => &[],
            _ => std::slice::from_ref(self),
        }
    }

    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// Reads `text`, the YAML file `file` shown as `path`: its one document's root.
pub fn parse(text: &str, file: FileId, path: &str) -> Result<Node, LoadError> {
    if text.len() > MAX_BYTES {
        return Err(LoadError::file(
            path,
            format!("larger than the {MAX_BYTES}-byte limit for a YAML file; refusing to read it"),
        ));
    }
    let mut reader = Reader {
        events: Parser::new_from_str(text),
        offsets: Offsets::new(text),
        lines: TextLines::new(text),
        file,
        path,
        text,
        depth: 0,
        nodes: 0,
    };
    reader.document()
}

struct Reader<'a> {
    events: Parser<'a, saphyr_parser::StrInput<'a>>,
    offsets: Offsets<'a>,
    /// Where each span starts, as a report shows it.
    lines: TextLines<'a>,
    file: FileId,
    path: &'a str,
    text: &'a str,
    depth: usize,
    /// Values read so far, bounded by [`MAX_NODES`].
    nodes: usize,
}

/// An event and the byte range it covers.
type Read<'a> = (Event<'a>, usize, usize);

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<Read<'a>, LoadError> {
        match self.events.next_event() {
            Some(Ok((event, span))) => {
                let start = self.offsets.byte(span.start.index());
                let end = self.offsets.byte(span.end.index()).max(start);
                Ok((event, start, end))
            }
            Some(Err(error)) => Err(self.scan_error(&error)),
            None => Err(self.error(self.text.len(), "unexpected end of the YAML stream")),
        }
    }

    fn scan_error(&self, error: &ScanError) -> LoadError {
        let marker = error.marker();
        LoadError::At {
            path: self.path.to_owned(),
            line: marker.line(),
            column: marker.col() + 1,
            // The parser's own bound on flow collections (`[[[…`) speaks first.
            message: if error.info().contains("recursion limit") {
                format!("lists and mappings nested more than {MAX_DEPTH} deep; refusing to read further")
            } else {
                format!("malformed YAML: {}", error.info())
            },
        }
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> LoadError {
        LoadError::xml(self.path, self.text, offset, message)
    }

    fn span(&mut self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end, self.lines.at(start))
    }

    fn document(&mut self) -> Result<Node, LoadError> {
        loop {
            let (event, at, _) = self.next()?;
            match event {
                Event::StreamStart => {}
                Event::DocumentStart(_) => break,
                Event::StreamEnd => return Err(self.error(at, "the file is empty")),
                _ => return Err(self.error(at, "expected a YAML document")),
            }
        }
        let (event, at, end) = self.next()?;
        if matches!(event, Event::DocumentEnd) {
            return Err(self.error(at, "the file is empty"));
        }
        let root = self.node(event, at, end)?;
        loop {
            let (event, at, _) = self.next()?;
            match event {
                Event::DocumentEnd => {}
                Event::StreamEnd => return Ok(root),
                _ => {
                    return Err(self.error(
                        at,
                        "a second YAML document: a solution file holds one (no `---` between two)",
                    ))
                }
            }
        }
    }

    fn node(&mut self, event: Event<'a>, at: usize, end: usize) -> Result<Node, LoadError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.error(
                at,
                format!("more than {MAX_NODES} values in one file; refusing to read further"),
            ));
        }
        match event {
            Event::Scalar(value, style, _, tag) => {
                if tag.is_some() {
                    return Err(self.tagged(at));
                }
                Ok(self.scalar(value, style, at, end))
            }
            Event::SequenceStart(_, tag) => {
                if tag.is_some() {
                    return Err(self.tagged(at));
                }
                self.enter(at)?;
                // Placed now, while the reader is there.
                let span = self.span(at, at);
                let mut items = Vec::new();
                loop {
                    let (event, item_at, item_end) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, item_at, item_end)?);
                }
                self.depth -= 1;
                Ok(Node {
                    span,
                    value: Value::List(items),
                })
            }
            Event::MappingStart(_, tag) => {
                if tag.is_some() {
                    return Err(self.tagged(at));
                }
                self.enter(at)?;
                let start = self.span(at, at);
                let mut entries: Vec<Entry> = Vec::new();
                let mut keys: HashMap<String, usize> = HashMap::new();
                loop {
                    let (event, key_at, key_end) = self.next()?;
                    let key = match event {
                        Event::MappingEnd => break,
                        Event::Scalar(value, style, _, None) => {
                            self.scalar(value, style, key_at, key_end)
                        }
                        Event::Alias(_) => return Err(self.alias(key_at)),
                        Event::Scalar(..) => return Err(self.tagged(key_at)),
                        _ => return Err(self.error(
                            key_at,
                            "a key that is a list or mapping; solution files have names as keys",
                        )),
                    };
                    let name = match key.value {
                        Value::Text(text) => text,
                        _ => String::new(),
                    };
                    if let Some(first) = self.given_before(&entries, &mut keys, &name) {
                        let line = crate::source::line_col(self.text, first).0;
                        return Err(self.error(
                            key.span.start as usize,
                            format!("key `{name}` is given twice in this mapping (first at line {line})"),
                        ));
                    }
                    let (event, value_at, value_end) = self.next()?;
                    let node = self.node(event, value_at, value_end)?;
                    entries.push(Entry {
                        key: name,
                        key_span: key.span,
                        node,
                    });
                }
                self.depth -= 1;
                // A mapping is where its first key is: a list item's line.
                let span = entries.first().map_or(start, |e| e.key_span);
                Ok(Node {
                    span,
                    value: Value::Map(entries),
                })
            }
            Event::Alias(_) => Err(self.alias(at)),
            _ => Err(self.error(at, "expected a value")),
        }
    }

    fn scalar(&mut self, value: Cow<'a, str>, style: ScalarStyle, at: usize, end: usize) -> Node {
        let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
        // The span of a quoted scalar is its text, inside the quotes.
        let (start, stop) = if quoted && end >= at + 2 {
            (at + 1, end - 1)
        } else {
            (at, end)
        };
        let null =
            style == ScalarStyle::Plain && matches!(&*value, "" | "~" | "null" | "Null" | "NULL");
        Node {
            span: self.span(start, stop),
            value: if null {
                Value::Null
            } else {
                Value::Text(value.into_owned())
            },
        }
    }

    /// Where `name` is already a key of `entries`, if it is: a scan of a short
    /// mapping, a lookup in `keys` (filled once the mapping grows) of a long one.
    fn given_before(
        &self,
        entries: &[Entry],
        keys: &mut HashMap<String, usize>,
        name: &str,
    ) -> Option<usize> {
        if entries.len() < HASHED_KEYS {
            return entries
                .iter()
                .find(|e| e.key == name)
                .map(|e| e.key_span.start as usize);
        }
        if keys.is_empty() {
            keys.extend(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.key_span.start as usize)),
            );
        }
        let last = entries
            .last()
            .map(|e| (e.key.clone(), e.key_span.start as usize));
        if let Some((key, at)) = last {
            keys.entry(key).or_insert(at);
        }
        keys.get(name).copied()
    }

    fn enter(&mut self, at: usize) -> Result<(), LoadError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                at,
                format!("lists and mappings nested more than {MAX_DEPTH} deep; refusing to read further"),
            ));
        }
        Ok(())
    }

    fn alias(&self, at: usize) -> LoadError {
        self.error(
            at,
            "a YAML alias (`*name`); solution files do not use anchors and aliases, \
             and dvlint does not expand them",
        )
    }

    fn tagged(&self, at: usize) -> LoadError {
        self.error(at, "a YAML tag (`!name`); solution files do not use tags")
    }
}

/// Byte offsets of the parser's character indices. The parser's positions only
/// move forward, give or take a token, so a cursor that walks on from the last
/// position (and back from it when asked) costs each character once.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    char_index: usize,
    byte: usize,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            ascii: text.is_ascii(),
            char_index: 0,
            byte: 0,
        }
    }

    fn byte(&mut self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.text.len());
        }
        while self.char_index < index && self.byte < self.text.len() {
            let width = self.text[self.byte..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.byte += width;
            self.char_index += 1;
        }
        while self.char_index > index && self.byte > 0 {
            self.byte -= 1;
            while self.byte > 0 && !self.text.is_char_boundary(self.byte) {
                self.byte -= 1;
            }
            self.char_index -= 1;
        }
        self.byte
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

    use super::*;

    fn read(text: &str) -> Result<Node, String> {
        parse(text, FileId(0), "x.yml").map_err(|e| e.to_string())
    }

    fn at<'t>(text: &'t str, node: &Node) -> &'t str {
        &text[node.span.range()]
    }

    #[test]
    fn scalars_keep_their_text_and_spans() {
        let text = "A:\n  '@v': 9.2\n  B: '0051'\n  C: \n  D: 2026-10-01T13:16:43.0000000Z\n  é: \"x\"\n  F: ~\n";
        let root = read(text).unwrap();
        let a = &root.get("a").unwrap().node;
        let v = &a.get("@v").unwrap().node;
        assert_eq!(v.text(), Some("9.2"));
        assert_eq!(at(text, v), "9.2");
        let b = &a.get("B").unwrap().node;
        assert_eq!((b.text(), at(text, b)), (Some("0051"), "0051"));
        assert!(matches!(a.get("C").unwrap().node.value, Value::Null));
        assert_eq!(
            a.get("D").unwrap().node.text(),
            Some("2026-10-01T13:16:43.0000000Z")
        );
        let e = a.get("é").unwrap();
        assert_eq!(&text[e.key_span.range()], "é");
        assert_eq!(at(text, &e.node), "x");
        assert!(matches!(a.get("F").unwrap().node.value, Value::Null));
    }

    #[test]
    fn one_element_or_several() {
        let root = read("A:\n  B:\n  - x: 1\n  - x: 2\n  C:\n    x: 3\n").unwrap();
        let a = &root.get("A").unwrap().node;
        assert_eq!(a.get("B").unwrap().node.items().len(), 2);
        assert_eq!(a.get("C").unwrap().node.items().len(), 1);
    }

    #[test]
    fn refuses_what_solution_files_never_hold() {
        let cases = [
            ("a: &x {b: 1}\nc: *x\n", "x.yml:2:4: a YAML alias"),
            ("a: !foo 1\n", "x.yml:1:4: a YAML tag"),
            (
                "a: 1\nb: 2\na: 3\n",
                "x.yml:3:1: key `a` is given twice in this mapping (first at line 1)",
            ),
            ("a: 1\n---\nb: 2\n", "a second YAML document"),
            ("", "the file is empty"),
            ("? [a]\n: 1\n", "a key that is a list or mapping"),
            ("a: [1, 2\n", "x.yml:"),
        ];
        for (text, expected) in cases {
            let error = read(text).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(read(&deep).unwrap_err().contains("nested more than"));
    }

    #[test]
    fn a_key_given_twice_in_a_long_mapping_is_found_at_its_first_place() {
        for (first, again) in [(3, 10), (3, 400), (250, 399), (398, 399)] {
            let text: String = (0..400).map(|i| format!("k{i}: {i}\n")).collect();
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            lines.insert(again, format!("k{first}: again"));
            let text = lines.join("\n") + "\n";
            let error = read(&text).unwrap_err();
            assert!(
                error.contains(&format!(
                    "x.yml:{}:1: key `k{first}` is given twice in this mapping (first at line {})",
                    again + 1,
                    first + 1
                )),
                "{first}, {again}: {error}"
            );
        }
        let distinct: String = (0..5000).map(|i| format!("k{i}: {i}\n")).collect();
        assert_eq!(read(&distinct).unwrap().entries().len(), 5000);
    }

    #[test]
    fn a_file_of_more_values_than_the_limit_is_refused() {
        let items = vec!["a"; MAX_NODES].join(",");
        let error = read(&format!("[{items}]")).unwrap_err();
        assert!(error.contains("more than 500000 values"), "{error}");
        let items = vec!["a"; MAX_NODES - 1].join(",");
        assert!(read(&format!("[{items}]")).is_ok());
    }
}
