//! A small JSON reader that keeps where every value was written, for the files a
//! policy names (an environment's installed solutions, deployment settings): a
//! finding about a setting points at its line, and a wrong type is an error at
//! the value, not at the end of the file as serde would say.
//!
//! It accepts exactly RFC 8259 JSON (a leading byte-order mark aside), checked
//! against serde_json by a fuzz target, and bounds nesting depth and the number
//! of values so that hostile input ends in an error, not a stack overflow or
//! gigabytes of memory.

use std::fmt;

/// Deeper nesting than this is refused. The files read here are two levels deep.
pub const MAX_DEPTH: usize = 64;

/// More values and keys than this are refused. Each one costs 50 to 100 bytes of
/// memory, so that a file within the environment's size limit (16 MiB) can no
/// longer take gigabytes as `[0,0,0,…]`; a listing of 100 000 solutions has
/// about 1.2 million.
pub const MAX_NODES: usize = 2_000_000;

/// A value and the byte range it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub kind: JsonKind,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    /// As written: `9.0`, `1e3`.
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in file order; a repeated key is kept twice (callers report it).
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    /// Where the key's opening quote is.
    pub key_start: usize,
    pub value: Json,
}

impl JsonKind {
    /// "a string", "an object", for messages.
    pub fn name(&self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }
}

/// Malformed JSON: what is wrong, at a 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// The byte-order mark editors on Windows write; it is not part of the JSON.
const BOM: &str = "\u{feff}";

/// Parses a whole document. Offsets are into `text` as given (a BOM counts).
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let skip = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: skip,
        nodes: 0,
    };
    parser.whitespace();
    let value = parser.value(0)?;
    parser.whitespace();
    if parser.at < parser.bytes.len() {
        return Err(parser.error_at(parser.at, "unexpected text after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// Values and keys read so far.
    nodes: usize,
}

impl Parser<'_> {
    fn error_at(&self, offset: usize, message: impl Into<String>) -> JsonError {
        let (line, column) = crate::source::line_col(self.text, offset);
        JsonError {
            line,
            column,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn unexpected(&self) -> JsonError {
        match self.text[self.at..].chars().next() {
            None => self.error_at(self.at, "unexpected end of file"),
            Some(c) => self.error_at(self.at, format!("unexpected character `{c}`")),
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), JsonError> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            let found = self.unexpected();
            Err(JsonError {
                message: format!("expected {what}; {}", found.message),
                ..found
            })
        }
    }

    /// Counts one more value or key against [`MAX_NODES`].
    fn node(&mut self) -> Result<(), JsonError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.error_at(
                self.at,
                format!(
                    "more than {MAX_NODES} values and keys; a file dvlint reads holds far fewer"
                ),
            ));
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.node()?;
        let start = self.at;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => JsonKind::Number(self.number()?),
            Some(b't') => self.word("true", JsonKind::Bool(true))?,
            Some(b'f') => self.word("false", JsonKind::Bool(false))?,
            Some(b'n') => self.word("null", JsonKind::Null)?,
            _ => {
                let found = self.unexpected();
                return Err(JsonError {
                    message: format!("expected a value; {}", found.message),
                    ..found
                });
            }
        };
        Ok(Json {
            kind,
            start,
            end: self.at,
        })
    }

    fn nested(&self, depth: usize) -> Result<usize, JsonError> {
        if depth >= MAX_DEPTH {
            return Err(self.error_at(self.at, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(depth + 1)
    }

    fn object(&mut self, depth: usize) -> Result<JsonKind, JsonError> {
        let depth = self.nested(depth)?;
        self.at += 1;
        let mut members = Vec::new();
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(JsonKind::Object(members));
        }
        loop {
            self.whitespace();
            let key_start = self.at;
            if self.peek() != Some(b'"') {
                let found = self.unexpected();
                return Err(JsonError {
                    message: format!("expected a key in quotes; {}", found.message),
                    ..found
                });
            }
            self.node()?;
            let key = self.string()?;
            self.whitespace();
            self.expect(b':', "`:`")?;
            self.whitespace();
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_start,
                value,
            });
            self.whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(JsonKind::Object(members));
                }
                _ => {
                    let found = self.unexpected();
                    return Err(JsonError {
                        message: format!("expected `,` or `}}`; {}", found.message),
                        ..found
                    });
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonKind, JsonError> {
        let depth = self.nested(depth)?;
        self.at += 1;
        let mut items = Vec::new();
        self.whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(JsonKind::Array(items));
        }
        loop {
            self.whitespace();
            items.push(self.value(depth)?);
            self.whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(JsonKind::Array(items));
                }
                _ => {
                    let found = self.unexpected();
                    return Err(JsonError {
                        message: format!("expected `,` or `]`; {}", found.message),
                        ..found
                    });
                }
            }
        }
    }

    fn word(&mut self, word: &str, kind: JsonKind) -> Result<JsonKind, JsonError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(kind)
        } else {
            Err(self.unexpected())
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - from
    }

    fn number(&mut self) -> Result<String, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        match self.digits() {
            0 => return Err(self.error_at(self.at, "expected a digit")),
            n if n > 1 && self.bytes[int_start] == b'0' => {
                return Err(self.error_at(int_start, "a number may not start with `0`"));
            }
            _ => {}
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error_at(self.at, "expected a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error_at(self.at, "expected a digit in the exponent"));
            }
        }
        let written = &self.text[start..self.at];
        // RFC 8259 lets a reader limit the range; serde_json refuses what is past
        // a double's (`1e400`), as .NET's readers do, and so does this one.
        if written.parse::<f64>().is_ok_and(f64::is_infinite) {
            return Err(self.error_at(start, format!("number `{written}` out of range")));
        }
        Ok(written.to_owned())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.error_at(self.at, "expected four hex digits after `\\u`"))?;
        // Four ASCII hex digits always parse.
        let value = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .unwrap_or(0);
        self.at += 4;
        Ok(value)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        let open = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character whole.
            let run = self.bytes[self.at..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .map_or(self.bytes.len(), |i| self.at + i);
            out.push_str(&self.text[self.at..run]);
            self.at = run;
            match self.peek() {
                None => return Err(self.error_at(open, "string not closed")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = self.peek();
                    self.at += 1;
                    match escaped {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => {
                            return Err(self.error_at(self.at - 2, "invalid escape in a string"));
                        }
                    }
                }
                Some(_) => {
                    return Err(self.error_at(self.at, "control character in a string"));
                }
            }
        }
    }

    /// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`; a lone surrogate is an error,
    /// as in serde_json.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let at = self.at - 2;
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.at..].starts_with(b"\\u") {
                    return Err(self.error_at(at, "lone surrogate in a `\\u` escape"));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error_at(at, "lone surrogate in a `\\u` escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.error_at(at, "lone surrogate in a `\\u` escape"));
            }
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.error_at(at, "invalid `\\u` escape"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn values_keep_their_place() {
        let text = "{\n  \"a\": [1, -2.5e3, \"x\\u00e9\\ud83d\\ude00\"],\n  \"b\": null\n}";
        let json = parse(text).unwrap();
        let JsonKind::Object(members) = &json.kind else {
            panic!("{json:?}")
        };
        assert_eq!(members[0].key, "a");
        assert_eq!(
            &text[members[0].key_start..members[0].key_start + 3],
            "\"a\""
        );
        let JsonKind::Array(items) = &members[0].value.kind else {
            panic!()
        };
        assert_eq!(items[1].kind, JsonKind::Number("-2.5e3".into()));
        assert_eq!(items[2].kind, JsonKind::String("xé😀".into()));
        assert_eq!(
            &text[items[2].start..items[2].end],
            "\"x\\u00e9\\ud83d\\ude00\""
        );
        assert_eq!(members[1].value.kind, JsonKind::Null);
    }

    #[test]
    fn errors_name_line_and_column() {
        let error = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!((error.line, error.column), (3, 7), "{error}");
        assert!(error.message.contains("expected `:`"), "{error}");
        let error = parse("[1, 2").unwrap_err();
        assert!(error.message.contains("end of file"), "{error}");
        let error = parse("[1, 666E66666]").unwrap_err();
        assert_eq!(error.to_string(), "1:5: number `666E66666` out of range");
        // Below a double's smallest, a number is 0, not out of range.
        assert!(parse("[1e-400, 1.7976931348623157e308]").is_ok());
        for bad in [
            "",
            "01",
            "[1,]",
            "{\"a\":1,}",
            "\"\\x\"",
            "\"\t\"",
            "tru",
            "1 2",
            "\"\\ud800\"",
            "1e400",
            "[-1E+309]",
            &format!("1{}", "0".repeat(309)),
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_bom_is_skipped_and_depth_is_bounded() {
        assert_eq!(parse("\u{feff}[]").unwrap().start, 3);
        let deep = "[".repeat(MAX_DEPTH + 1);
        let error = parse(&deep).unwrap_err();
        assert!(error.message.contains("nested deeper"), "{error}");
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn values_and_keys_are_counted() {
        // The array and its items.
        let items = |n: usize| format!("[{}]", vec!["0"; n].join(","));
        assert!(parse(&items(MAX_NODES - 1)).is_ok());
        let error = parse(&items(MAX_NODES)).unwrap_err();
        assert!(
            error.message.starts_with("more than 2000000 values"),
            "{error}"
        );
        assert_eq!(error.column, 2 * MAX_NODES, "{error}");
        // An object's members count twice: their key and their value.
        let members = |n: usize| format!("{{{}}}", vec!["\"\":0"; n].join(","));
        assert!(parse(&members(MAX_NODES / 2 - 1)).is_ok());
        assert!(parse(&members(MAX_NODES / 2)).is_err());
    }
}
