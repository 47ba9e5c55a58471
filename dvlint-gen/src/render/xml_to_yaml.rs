//! The mapping from an XML element to the YAML of Dataverse Git integration
//! (Json.NET's XML convention, which pac reads back): an attribute is a
//! `'@name'` key, a child element a key, text beside attributes or children
//! `'#text'`, a repeated element a sequence, one element a mapping, an empty
//! element null, and `xsi:nil` `{'@xsi:nil': true, '@xmlns:xsi': …}`.
//!
//! It is written to agree byte for byte with `scripts/xml_to_yaml.py`, the
//! independent Python mapping dvlint's YAML examples come from, on everything
//! the generator renders: the same key order, indentation, CRLF line ends, and
//! scalars plain where YAML reads them as the same text (`9.2`, `1033`, `-1`),
//! quoted otherwise. No value is ever changed: a leaf's text is kept as it is.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

const XSI_URI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// An XML element, as far as the mapping needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    pub name: String,
    /// Attributes in document order, namespace declarations left out (as
    /// ElementTree, and Json.NET's reading of the YAML, do not carry them).
    pub attributes: Vec<(String, String)>,
    /// The element's own text, unescaped.
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// Takes out every child named `name`.
    pub fn remove(&mut self, name: &str) -> Vec<Element> {
        let (taken, kept) = std::mem::take(&mut self.children)
            .into_iter()
            .partition(|c| c.name == name);
        self.children = kept;
        taken
    }

    /// This element and every element below it named `name`, in document order.
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        if self.name == name {
            out.push(self);
        }
        for child in &self.children {
            child.descendants(name, out);
        }
    }
}

/// The root element of `xml`, as the generator renders it.
///
/// # Panics
/// When `xml` is not well-formed: the generator's renderers write it, so that is
/// a bug in them, which every test that renders a solution would show.
pub fn parse(xml: &str) -> Element {
    match try_parse(xml) {
        Ok(root) => root,
        Err(why) => panic!("the generator rendered malformed XML: {why}"),
    }
}

fn try_parse(xml: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(xml.trim_start_matches('\u{feff}'));
    // The document itself holds the root, as an element holds its children.
    let mut open = vec![Element::default()];
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(start) => open.push(element(&reader, &start)?),
            Event::Empty(start) => {
                let empty = element(&reader, &start)?;
                last(&mut open)?.children.push(empty);
            }
            Event::End(_) => {
                let done = open.pop().ok_or("an end tag without a start")?;
                last(&mut open)?.children.push(done);
            }
            Event::Text(text) => {
                let text = text.decode().map_err(|e| e.to_string())?;
                last(&mut open)?.text.push_str(&text);
            }
            Event::CData(data) => {
                let text = data.decode().map_err(|e| e.to_string())?;
                last(&mut open)?.text.push_str(&text);
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.decode().map_err(|e| e.to_string())?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("undeclared entity &{name};"))?
                            .to_owned()
                    }
                };
                last(&mut open)?.text.push_str(&resolved);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    let mut document = open.pop().ok_or("no document")?;
    match (open.is_empty(), document.children.len()) {
        (true, 1) => document.children.pop().ok_or_else(|| "no root".to_owned()),
        _ => Err("not one root element".to_owned()),
    }
}

fn last(open: &mut [Element]) -> Result<&mut Element, String> {
    open.last_mut()
        .ok_or_else(|| "text outside the root".to_owned())
}

fn element(reader: &Reader<&[u8]>, start: &BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attribute
            .decode_and_unescape_value(reader.decoder())
            .map_err(|e| e.to_string())?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        text: String::new(),
        children: Vec::new(),
    })
}

/// The YAML value of an element.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Text(String),
    /// Keys in the order they are written; a repeated element's key is where
    /// its first occurrence was.
    Map(Vec<(String, Value)>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    One(Node),
    /// An element repeated: a YAML sequence, whatever its length.
    Many(Vec<Node>),
}

impl Node {
    /// The entry `key` of a mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Node::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Takes the entry `key` out of a mapping.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        match self {
            Node::Map(entries) => {
                let at = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.remove(at).1)
            }
            _ => None,
        }
    }
}

/// The mapping of `element`.
pub fn to_node(element: &Element) -> Node {
    let mut entries: Vec<(String, Value)> = element
        .attributes
        .iter()
        .map(|(k, v)| (format!("@{k}"), Value::One(Node::Text(v.clone()))))
        .collect();
    if element.attribute("xsi:nil").is_some() {
        entries.push((
            "@xmlns:xsi".to_owned(),
            Value::One(Node::Text(XSI_URI.to_owned())),
        ));
    }
    // Beside child elements, whitespace is the file's indentation; a leaf's
    // text is its value, kept as it is.
    let text = if element.children.is_empty() {
        element.text.as_str()
    } else {
        element.text.trim()
    };
    if entries.is_empty() && element.children.is_empty() {
        return if text.is_empty() {
            Node::Null
        } else {
            Node::Text(text.to_owned())
        };
    }
    if !text.is_empty() {
        entries.push(("#text".to_owned(), Value::One(Node::Text(text.to_owned()))));
    }
    for child in &element.children {
        let node = to_node(child);
        match entries.iter_mut().find(|(k, _)| *k == child.name) {
            Some((_, Value::Many(items))) => items.push(node),
            Some((_, value @ Value::One(_))) => {
                let Value::One(first) = std::mem::replace(value, Value::Many(Vec::new())) else {
                    unreachable!("matched as one value");
                };
                *value = Value::Many(vec![first, node]);
            }
            None => entries.push((child.name.clone(), Value::One(node))),
        }
    }
    Node::Map(entries)
}

/// A YAML file holding `node` under the one key `root`, with CRLF line ends.
pub fn document(root: &str, node: Node) -> String {
    let mut lines = Vec::new();
    emit(&[(root.to_owned(), Value::One(node))], 0, &mut lines);
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    text
}

fn emit(entries: &[(String, Value)], indent: usize, out: &mut Vec<String>) {
    let pad = "  ".repeat(indent);
    for (key, value) in entries {
        let key = key_text(key);
        match value {
            Value::Many(items) => {
                out.push(format!("{pad}{key}:"));
                for item in items {
                    match item {
                        Node::Map(inner) if !inner.is_empty() => {
                            let mut lines = Vec::new();
                            emit(inner, indent + 1, &mut lines);
                            // The item's first key goes on the dash's line, at
                            // the indentation of the keys after it.
                            let mut lines = lines.into_iter();
                            let first = lines.next().unwrap_or_default();
                            out.push(format!("{pad}- {}", first.trim_start()));
                            out.extend(lines);
                        }
                        Node::Map(_) | Node::Null => out.push(format!("{pad}- ")),
                        Node::Text(text) => out.push(format!("{pad}- {}", scalar(text))),
                    }
                }
            }
            Value::One(Node::Map(inner)) if inner.is_empty() => {
                out.push(format!("{pad}{key}: {{}}"));
            }
            Value::One(Node::Map(inner)) => {
                out.push(format!("{pad}{key}:"));
                emit(inner, indent + 1, out);
            }
            // An empty value, written as Dataverse writes it: with a space.
            Value::One(Node::Null) => out.push(format!("{pad}{key}: ")),
            Value::One(Node::Text(text)) => out.push(format!("{pad}{key}: {}", scalar(text))),
        }
    }
}

fn key_text(key: &str) -> String {
    if key.starts_with(['@', '#']) {
        scalar(key)
    } else {
        key.to_owned()
    }
}

/// `text` as a YAML scalar that reads back as exactly `text`: plain when
/// nothing in it means something to YAML, single-quoted when something does,
/// double-quoted with escapes when it holds a line break, a tab or a character
/// YAML cannot carry as it is.
pub fn scalar(text: &str) -> String {
    if text.chars().any(needs_escape) {
        return double_quoted(text);
    }
    if plain(text) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
        )
}

/// Whether `text`, written plain as a value in block context, reads as itself.
fn plain(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    // What YAML would read as null rather than as text.
    if matches!(text, "~" | "null" | "Null" | "NULL") {
        return false;
    }
    let starts_a_number = text
        .strip_prefix('-')
        .unwrap_or(text)
        .starts_with(|c: char| c.is_ascii_digit());
    // A plain scalar cannot start with an indicator (`{`, `&`, `- `, …): only
    // these characters, or a minus sign before a digit.
    let first_ok =
        first.is_ascii_alphanumeric() || "_./()+=$^~;\\".contains(first) || starts_a_number;
    first_ok
        && text.trim() == text
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
}

fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(xml: &str) -> String {
        let root = parse(xml);
        document(&root.name.clone(), to_node(&root)).replace("\r\n", "\n")
    }

    #[test]
    fn maps_each_shape_of_element() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n<R xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" v=\"9.2\">\n  \
            <One a=\"1\">text &amp; more</One>\n  <Many>x</Many>\n  <Empty />\n  <Leaf></Leaf>\n  \
            <Many><Inner k=\"{a}\" /></Many>\n  <Nil xsi:nil=\"true\" />\n  <Wrap><Only /></Wrap>\n</R>";
        assert_eq!(
            yaml(xml),
            "R:\n  '@v': 9.2\n  One:\n    '@a': 1\n    '#text': text & more\n  Many:\n  - x\n  \
             - Inner:\n      '@k': '{a}'\n  Empty: \n  Leaf: \n  Nil:\n    '@xsi:nil': true\n    \
             '@xmlns:xsi': http://www.w3.org/2001/XMLSchema-instance\n  Wrap:\n    Only: \n"
        );
    }

    #[test]
    fn a_leaf_keeps_its_text_as_it_is() {
        assert_eq!(yaml("<R><A> padded </A></R>"), "R:\n  A: ' padded '\n");
        assert_eq!(yaml("<R><A>a\tb</A></R>"), "R:\n  A: \"a\\tb\"\n");
    }

    #[test]
    fn scalars_are_plain_only_where_yaml_reads_them_as_written() {
        for plain in [
            "9.2",
            "1033",
            "-1",
            "1.0.0.0",
            "gen_x",
            "PrimaryName|ValidForForm",
            "$LocLabels:gen.x.Alt",
            "100%",
            "Final Account",
            "It's",
        ] {
            assert_eq!(scalar(plain), plain);
        }
        for (text, quoted) in [
            ("", "''"),
            (" x", "' x'"),
            ("x ", "'x '"),
            ("{4273EDBD-AC1D}", "'{4273EDBD-AC1D}'"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            ("a:", "'a:'"),
            ("-x", "'-x'"),
            ("@x", "'@x'"),
            ("#text", "'#text'"),
            ("'q'", "'''q'''"),
            ("~", "'~'"),
            ("null", "'null'"),
            ("*x", "'*x'"),
            ("a\nb", "\"a\\nb\""),
            ("a\"\u{7f}", "\"a\\\"\\u007f\""),
        ] {
            assert_eq!(scalar(text), quoted, "{text:?}");
        }
    }

    #[test]
    fn a_repeated_element_keeps_the_place_of_its_first() {
        let root = parse("<R><A>1</A><B>2</B><A>3</A></R>");
        let Node::Map(entries) = to_node(&root) else {
            panic!("a mapping");
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["A", "B"]);
    }
}
