//! YAML nodes written back as the XML they map (pac's own reading of the
//! format: Json.NET's XML convention): `'@name'` keys are attributes, `'#text'`
//! is the element's text, any other key is a child element, a list is the
//! element repeated, one mapping is one element, null is an empty element.
//! Every token is marked with the YAML it came from ([`Origins`]).

use std::sync::Arc;

use super::tree::{Entry, Node, Value};
use crate::package::origins::Origins;
use crate::package::LoadError;
use crate::source::{FileId, SourceFile, Span};

/// The XML written from YAML files may be this many times their size: the
/// mapping adds an end tag to each element and repeats a list's key for each of
/// its items, so real files grow by less than half, while a long key over a list
/// of a million one-letter items would grow a thousandfold.
const GROWTH: usize = 8;
/// ...plus this much, for the few elements the loader adds itself.
const SLACK: usize = 64 * 1024;

pub struct Writer<'a> {
    xml: String,
    /// The most [`Self::xml`] may grow to.
    budget: usize,
    origins: Origins,
    /// The marks of the elements being written, innermost last.
    open: Vec<usize>,
    files: &'a [Arc<SourceFile>],
}

impl<'a> Writer<'a> {
    /// `files`: the files spans point into, for messages; `sources`: those
    /// written from, whose size bounds what is written.
    pub fn new(files: &'a [Arc<SourceFile>], sources: &[FileId]) -> Self {
        let size: usize = sources
            .iter()
            .filter_map(|id| files.get(id.0 as usize))
            .map(|file| file.text().map_or(0, str::len))
            .sum();
        Self {
            xml: String::new(),
            budget: size.saturating_mul(GROWTH).saturating_add(SLACK),
            origins: Origins::default(),
            open: Vec::new(),
            files,
        }
    }

    pub fn finish(self) -> (String, Origins) {
        (self.xml, self.origins)
    }

    fn error(&self, span: Span, message: impl Into<String>) -> LoadError {
        match self.files.get(span.file.0 as usize) {
            Some(file) => LoadError::At {
                path: file.display_path.clone(),
                line: span.line as usize,
                column: span.column as usize,
                message: message.into(),
            },
            None => LoadError::file("YAML", message),
        }
    }

    /// Writes `node` as the element `name`, whose key is at `key`: the element
    /// once, or once for each item of a list.
    pub fn element(&mut self, name: &str, key: Span, node: &Node) -> Result<(), LoadError> {
        if let Value::List(items) = &node.value {
            for item in items {
                // An item's key is its list's: point at the item when it is a mapping.
                let at = if matches!(item.value, Value::Map(_)) {
                    item.span
                } else {
                    key
                };
                self.element(name, at, item)?;
            }
            return Ok(());
        }
        let empty = match &node.value {
            Value::Null => true,
            Value::Text(_) => false,
            Value::Map(entries) => entries.iter().all(|e| e.key.starts_with('@')),
            Value::List(_) => false,
        };
        self.start(name, key, node)?;
        if empty {
            self.xml.truncate(self.xml.len() - 1);
            self.xml.push_str("/>");
            self.close_mark();
            return Ok(());
        }
        self.content(node, &|_| false)?;
        self.end(name);
        Ok(())
    }

    /// Writes the start tag `<name …>` of `node` (its `'@…'` keys), and opens it.
    pub fn start(&mut self, name: &str, key: Span, node: &Node) -> Result<(), LoadError> {
        check_name(name).map_err(|why| self.error(key, why))?;
        self.within_budget(key)?;
        let mark = self
            .origins
            .push(self.xml.len(), key, self.open.last().copied());
        self.open.push(mark);
        self.xml.push('<');
        self.xml.push_str(name);
        for entry in node.entries() {
            let Some(attribute) = entry.key.strip_prefix('@') else {
                continue;
            };
            check_name(attribute).map_err(|why| self.error(entry.key_span, why))?;
            let value = match &entry.node.value {
                Value::Text(text) => text.as_str(),
                Value::Null => "",
                _ => {
                    return Err(self.error(
                        entry.key_span,
                        format!(
                        "attribute `{}` has a list or mapping as its value; it must be one value",
                        entry.key
                    ),
                    ))
                }
            };
            self.xml.push(' ');
            self.xml.push_str(attribute);
            self.xml.push_str("=\"");
            let at = self.xml.len();
            let value_mark = self.origins.push(at, entry.node.span, Some(mark));
            escape_into(&mut self.xml, value, true);
            self.origins.close(value_mark, self.xml.len());
            self.xml.push('"');
        }
        self.xml.push('>');
        Ok(())
    }

    /// Writes what is inside `node`: its text, or its `'#text'` and its child
    /// elements but those `skip` names.
    pub fn content(&mut self, node: &Node, skip: &dyn Fn(&str) -> bool) -> Result<(), LoadError> {
        match &node.value {
            Value::Text(text) => self.text(text, node.span)?,
            Value::Map(entries) => {
                for entry in entries {
                    if !skip(&entry.key) {
                        self.content_entry(entry)?;
                    }
                }
            }
            Value::Null | Value::List(_) => {}
        }
        Ok(())
    }

    /// Writes one entry of a mapping: a child element, or the element's text;
    /// an attribute was written with the start tag.
    pub fn content_entry(&mut self, entry: &Entry) -> Result<(), LoadError> {
        let key = entry.key.as_str();
        if key.starts_with('@') {
            return Ok(());
        }
        let Some(special) = key.strip_prefix('#') else {
            return self.element(key, entry.key_span, &entry.node);
        };
        match special {
            "text" | "cdata-section" | "whitespace" | "significant-whitespace" => {
                match &entry.node.value {
                    Value::Text(text) => self.text(text, entry.node.span)?,
                    Value::Null => {}
                    _ => {
                        return Err(self.error(
                            entry.key_span,
                            format!("`{key}` has a list or mapping as its value; it must be text"),
                        ))
                    }
                }
                Ok(())
            }
            "comment" => Ok(()),
            _ => Err(self.error(
                entry.key_span,
                format!(
                    "`{key}` is not a key of the solution format (only `#text` starts with `#`)"
                ),
            )),
        }
    }

    fn text(&mut self, text: &str, span: Span) -> Result<(), LoadError> {
        self.within_budget(span)?;
        let mark = self
            .origins
            .push(self.xml.len(), span, self.open.last().copied());
        escape_into(&mut self.xml, text, false);
        self.origins.close(mark, self.xml.len());
        Ok(())
    }

    /// Refuses to write on once the XML outgrows its budget: keys repeated over
    /// a list would otherwise turn megabytes of YAML into gigabytes.
    fn within_budget(&self, at: Span) -> Result<(), LoadError> {
        if self.xml.len() <= self.budget {
            return Ok(());
        }
        Err(self.error(
            at,
            format!(
                "this YAML maps to more than {} bytes of XML ({GROWTH} times its size); \
                 a key repeated over a long list? refusing to read further",
                self.budget
            ),
        ))
    }

    /// Writes the end tag of the innermost element open, `name`.
    pub fn end(&mut self, name: &str) {
        self.xml.push_str("</");
        self.xml.push_str(name);
        self.xml.push('>');
        self.close_mark();
    }

    fn close_mark(&mut self) {
        if let Some(mark) = self.open.pop() {
            self.origins.close(mark, self.xml.len());
        }
    }
}

/// Whether `name` can be written as an XML name as it is: never anything that
/// would end a tag, quote or escape, so that no key can change the document's
/// structure.
fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || (!c.is_ascii() && !c.is_control()));
    let rest_ok = chars.all(|c| {
        c.is_alphanumeric()
            || matches!(c, '_' | '-' | '.' | ':')
            || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
    });
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a name the solution format uses (letters, digits, `_`, `-`, `.` and `:`)",
            crate::package::printable(name)
        ))
    }
}

fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

    use super::super::tree;
    use super::*;
    use crate::package::xml::XmlCursor;

    fn written(yaml: &str) -> Result<(String, Origins, Vec<Arc<SourceFile>>), String> {
        let files = vec![SourceFile::new("a.yml".to_owned(), yaml.to_owned())];
        let root = tree::parse(yaml, FileId(0), "a.yml").map_err(|e| e.to_string())?;
        let mut writer = Writer::new(&files, &[FileId(0)]);
        for entry in root.entries() {
            writer
                .element(&entry.key, entry.key_span, &entry.node)
                .map_err(|e| e.to_string())?;
        }
        let (xml, origins) = writer.finish();
        Ok((xml, origins, files))
    }

    #[test]
    fn writes_the_xml_the_yaml_maps_with_spans_into_the_yaml() {
        let yaml = "R:\n  '@v': 9.2 & <x>\n  A:\n  - '#text': one\n    '@k': \"q\\\"\"\n  - two\n  N:\n  E: {}\n";
        let (xml, origins, files) = written(yaml).unwrap();
        assert_eq!(
            xml,
            "<R v=\"9.2 &amp; &lt;x&gt;\"><A k=\"q&quot;\">one</A><A>two</A><N/><E/></R>"
        );
        let mut cur = XmlCursor::written(&xml, &origins, &files, "a.yml");
        let root = cur.root().unwrap();
        let v = cur.attr(&root, "v").unwrap().unwrap();
        assert_eq!(v.value, "9.2 & <x>");
        assert_eq!(&yaml[v.span.range()], "9.2 & <x>");
        assert_eq!(&yaml[root.span.range()], "R");
        let a = cur.next_child().unwrap().unwrap();
        let k = cur.attr(&a, "k").unwrap().unwrap();
        assert_eq!((k.value.as_str(), &yaml[k.span.range()]), ("q\"", "q\\\""));
        let one = cur.text(&a).unwrap();
        assert_eq!(
            (one.value.as_str(), &yaml[one.span.range()]),
            ("one", "one")
        );
        let a2 = cur.next_child().unwrap().unwrap();
        let two = cur.text(&a2).unwrap();
        assert_eq!(&yaml[two.span.range()], "two");
        let n = cur.next_child().unwrap().unwrap();
        assert!(n.is_empty);
        let err = cur.error_at(n.span, "boom").to_string();
        assert_eq!(err, "a.yml:7:3: boom");
    }

    #[test]
    fn a_key_cannot_change_the_documents_structure() {
        for yaml in [
            "R:\n  'a b': 1\n",
            "R:\n  '@x\"y': 1\n",
            "R:\n  '<x>': 1\n",
            "R:\n  '@a': [1]\n",
            "R:\n  '#foo': 1\n",
        ] {
            let error = written(yaml).unwrap_err();
            assert!(error.starts_with("a.yml:2:"), "{yaml:?}: {error}");
        }
    }

    #[test]
    fn a_key_repeated_over_a_long_list_is_refused_not_written() {
        let key = "K".repeat(1000);
        let items = vec!["a"; 10_000].join(",");
        let error = written(&format!("R:\n  {key}: [{items}]\n")).unwrap_err();
        assert!(error.starts_with("a.yml:2:"), "{error}");
        assert!(error.contains("this YAML maps to more than"), "{error}");
        // The same list under a short key is written.
        let (xml, ..) = written(&format!("R:\n  K: [{items}]\n")).unwrap();
        assert_eq!(xml.matches("<K>a</K>").count(), 10_000);
    }
}
