//! The raw layer: the YAML document as a tree of nodes that know their line and column.
//!
//! How a node's position is found, without reading the YAML text: yaml_serde attaches the mark
//! of the node being read to any error a visitor returns. So before reading a node the reader
//! *probes* it with `deserialize_enum`, which only peeks:
//! - a scalar reaches the probe's `visit_enum`, which reads its text (as written: `9.10` stays
//!   `9.10`) and then fails with a marked error; the scalar is consumed;
//! - an untagged list or mapping fails inside yaml_serde with a marked error, and nothing is
//!   consumed: the reader asks the same map or sequence access for the node again and reads it.
//!
//! The visitors are generic over the error type, so the mark is taken from the error's text,
//! which ends in ` at line L column C` (nothing at line 1 column 1). The test
//! `every_node_position_agrees_with_yaml_serde_locations` holds all of this to yaml_serde's own
//! `Error::location`, found independently for every node.
//!
//! Aliases: a probe that meets an alias of a list or mapping consumes the alias and reports the
//! anchored node's mark. A list or mapping met in document order starts after every mark seen
//! before it (keys, which may share a block mapping's mark, are never lists or mappings here),
//! so a mark that is not new means an alias: the anchored node was read before, and is reused
//! (shared, not copied). Aliases may add at most [`MAX_ALIAS_EXPANSION`] nodes to the document, which
//! stops "billion laughs" documents; an alias of a list or mapping inside itself is refused.
//! Tags (`!foo`) and keys that are not scalars are refused.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, Error as _, IgnoredAny};
use serde::de::{MapAccess, SeqAccess, Visitor};

use super::PolicyProblem;

/// How many nodes aliases may add to a document.
pub(super) const MAX_ALIAS_EXPANSION: usize = 100_000;

/// How deep lists and mappings may nest. A policy needs four levels; every node
/// costs yaml_serde work in proportion to its depth (it formats the node's path
/// into each error, probes included).
pub(super) const MAX_DEPTH: usize = 16;

/// How many `[` and `{` may be open at once. The YAML scanner does work in
/// proportion to the open flow collections for every token, so a document of
/// thousands of nested `[` takes minutes before any visitor runs; this is counted
/// on the text first, without telling quotes and comments apart.
pub(super) const MAX_OPEN_BRACKETS: usize = 128;

const PROBE: &str = "dvlint position probe";
const STOPPED: &str = "dvlint stopped reading the policy";

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Mark {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub(super) struct Node {
    pub at: Mark,
    pub kind: Kind,
}

/// A mapping's entries, in document order.
pub(super) type Entries = Rc<Vec<(Node, Node)>>;

/// A node or its parts, and their size in nodes with aliases expanded.
type Counted<T> = (T, usize);

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Null,
    /// Any scalar but null, as written (`true`, `42` and `9.10` too).
    Str(String),
    Seq(Rc<Vec<Node>>),
    Map(Entries),
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// The top-level mapping's entries; `None` for an empty document (or a lone null).
pub(super) fn read(text: &str) -> Result<Option<Entries>, PolicyProblem> {
    if let Some(problem) = too_many_brackets(text) {
        return Err(problem);
    }
    // Syntax first, so that the only failures a probe can meet are the ones it provokes.
    // Ignoring does not follow aliases.
    serde_yaml::from_str::<IgnoredAny>(text).map_err(|error| problem(&error))?;
    let mut reader = Reader::default();
    let root = serde_yaml::Deserializer::from_str(text).deserialize_any(Root(&mut reader));
    root.map_err(|error| reader.fatal.take().unwrap_or_else(|| problem(&error)))
}

/// The place where more than [`MAX_OPEN_BRACKETS`] `[` and `{` are open.
fn too_many_brackets(text: &str) -> Option<PolicyProblem> {
    let (mut open, mut line, mut column) = (0usize, 1, 1);
    for ch in text.chars() {
        match ch {
            '[' | '{' => {
                open += 1;
                if open > MAX_OPEN_BRACKETS {
                    return Some(PolicyProblem {
                        line,
                        column,
                        message: format!(
                            "more than {MAX_OPEN_BRACKETS} `[` and `{{` open at once; \
                             lists and mappings may nest {MAX_DEPTH} deep"
                        ),
                    });
                }
            }
            ']' | '}' => open = open.saturating_sub(1),
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
        column += 1;
    }
    None
}

fn problem(error: &serde_yaml::Error) -> PolicyProblem {
    let message = error.to_string();
    match error.location() {
        Some(location) => {
            let (line, column) = (location.line(), location.column());
            let suffix = format!(" at line {line} column {column}");
            PolicyProblem {
                line,
                column,
                message: message.replacen(&suffix, "", 1),
            }
        }
        None => PolicyProblem {
            line: 1,
            column: 1,
            message,
        },
    }
}

/// The mark yaml_serde put on an error a visitor returned.
pub(super) fn mark_of(error: &impl fmt::Display) -> Mark {
    let text = error.to_string();
    text.rsplit_once(" at line ")
        .and_then(|(_, tail)| tail.split_once(" column "))
        .and_then(|(line, column)| {
            Some(Mark {
                line: line.parse().ok()?,
                column: column.parse().ok()?,
            })
        })
        .unwrap_or(Mark { line: 1, column: 1 })
}

#[derive(Default)]
struct Reader {
    /// The latest mark seen: every node not reached through an alias starts after it.
    last: Option<Mark>,
    containers: HashMap<Mark, Slot>,
    /// Nodes added by aliases so far.
    expanded: usize,
    /// Lists and mappings open around the node being read.
    depth: usize,
    /// Why reading stopped, when the reader stopped it.
    fatal: Option<PolicyProblem>,
}

enum Slot {
    Reading,
    /// The node and its size in nodes, aliases expanded.
    Read(Counted<Node>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Key,
    Value,
}

/// Where nodes come from: a mapping's keys or values, or a sequence's items.
trait Nodes<'de> {
    type Error: de::Error;
    /// `None` when there are no more (keys, items).
    fn next<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Self::Error>;
}

struct Keys<'a, A>(&'a mut A);
struct Values<'a, A>(&'a mut A);
struct Items<'a, A>(&'a mut A);

impl<'de, A: MapAccess<'de>> Nodes<'de> for Keys<'_, A> {
    type Error = A::Error;
    fn next<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }
}

impl<'de, A: MapAccess<'de>> Nodes<'de> for Values<'_, A> {
    type Error = A::Error;
    fn next<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
        self.0.next_value_seed(seed).map(Some)
    }
}

impl<'de, A: SeqAccess<'de>> Nodes<'de> for Items<'_, A> {
    type Error = A::Error;
    fn next<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
        self.0.next_element_seed(seed)
    }
}

impl Reader {
    /// Stops reading with `message`: the error unwinds through yaml_serde untouched.
    fn stop<E: de::Error>(&mut self, at: Mark, message: impl Into<String>) -> E {
        self.fatal.get_or_insert_with(|| PolicyProblem {
            line: at.line,
            column: at.column,
            message: message.into(),
        });
        E::custom(STOPPED)
    }

    fn see(&mut self, at: Mark) {
        self.last = self.last.max(Some(at));
    }

    /// The next node and its size, aliases expanded.
    fn node<'de, N: Nodes<'de>>(
        &mut self,
        nodes: &mut N,
        role: Role,
    ) -> Result<Option<Counted<Node>>, N::Error> {
        let mut probed = Probed::Nothing;
        let error = match nodes.next(Probe(&mut probed)) {
            Ok(None) => return Ok(None),
            Ok(Some(never)) => match never {},
            Err(error) => error,
        };
        let at = mark_of(&error);
        match probed {
            Probed::Scalar(text) => {
                self.see(at);
                let kind = text.map_or(Kind::Null, Kind::Str);
                Ok(Some((Node { at, kind }, 1)))
            }
            Probed::Tagged => {
                let at = match nodes.next(Locate) {
                    Ok(Some(never)) => match never {},
                    Ok(None) => at,
                    Err(error) => mark_of(&error),
                };
                Err(self.stop(at, "yaml tags are not supported"))
            }
            Probed::Nothing if role == Role::Key => {
                Err(self.stop(at, "expected a string key, found a list or mapping"))
            }
            Probed::Nothing if self.last.is_some_and(|last| at <= last) => self.alias(at).map(Some),
            Probed::Nothing => {
                self.see(at);
                if self.depth >= MAX_DEPTH {
                    let message = format!("lists and mappings nested more than {MAX_DEPTH} deep");
                    return Err(self.stop(at, message));
                }
                self.containers.insert(at, Slot::Reading);
                self.depth += 1;
                let read = nodes.next(Container { reader: self, at });
                self.depth -= 1;
                let Some((node, size)) = read? else {
                    return Err(self.stop(at, "expected a list or mapping"));
                };
                self.containers.insert(at, Slot::Read((node.clone(), size)));
                Ok(Some((node, size)))
            }
        }
    }

    fn alias<E: de::Error>(&mut self, at: Mark) -> Result<Counted<Node>, E> {
        let Some(Slot::Read((node, size))) = self.containers.get(&at) else {
            return Err(self.stop(at, "yaml alias of a list or mapping inside itself"));
        };
        let (node, size) = (node.clone(), *size);
        self.expanded = self.expanded.saturating_add(size);
        if self.expanded > MAX_ALIAS_EXPANSION {
            let message =
                format!("yaml aliases expand the policy to more than {MAX_ALIAS_EXPANSION} nodes");
            return Err(self.stop(at, message));
        }
        Ok((node, size))
    }

    fn entries<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Counted<Vec<(Node, Node)>>, A::Error> {
        let (mut entries, mut size) = (Vec::new(), 1usize);
        while let Some((key, key_size)) = self.node(&mut Keys(&mut *map), Role::Key)? {
            let Some((value, value_size)) = self.node(&mut Values(&mut *map), Role::Value)? else {
                return Err(self.stop(key.at, "expected a value"));
            };
            size = size.saturating_add(key_size).saturating_add(value_size);
            entries.push((key, value));
        }
        Ok((entries, size))
    }

    fn items<'de, A: SeqAccess<'de>>(
        &mut self,
        seq: &mut A,
    ) -> Result<Counted<Vec<Node>>, A::Error> {
        let (mut items, mut size) = (Vec::new(), 1usize);
        while let Some((item, item_size)) = self.node(&mut Items(&mut *seq), Role::Value)? {
            size = size.saturating_add(item_size);
            items.push(item);
        }
        Ok((items, size))
    }
}

enum Probed {
    /// The visitor was not called: a list or mapping.
    Nothing,
    /// A scalar, consumed; `None` for null.
    Scalar(Option<String>),
    Tagged,
}

/// Fails on purpose to learn the next node's mark; see the module docs.
struct Probe<'a>(&'a mut Probed);

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = Infallible;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Infallible, D::Error> {
        deserializer.deserialize_enum("", &[], self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = Infallible;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a yaml node")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Infallible, A::Error> {
        // A tagged node reaches here too, but fails in `variant_seed` without a mark.
        *self.0 = Probed::Tagged;
        let (text, _) = data.variant_seed(Scalar)?;
        *self.0 = Probed::Scalar(text);
        Err(A::Error::custom(PROBE))
    }
}

/// A scalar's text as written, or `None` for null.
struct Scalar;

impl<'de> DeserializeSeed<'de> for Scalar {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Scalar {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        <String as de::Deserialize>::deserialize(deserializer).map(Some)
    }
}

/// Fails on a tagged node, which yaml_serde then marks.
struct Locate;

impl<'de> DeserializeSeed<'de> for Locate {
    type Value = Infallible;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Infallible, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Locate {
    type Value = Infallible;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a tagged node")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, _: A) -> Result<Infallible, A::Error> {
        Err(A::Error::custom(PROBE))
    }
}

/// Reads a list or mapping whose mark the probe found.
struct Container<'r> {
    reader: &'r mut Reader,
    at: Mark,
}

impl<'de> DeserializeSeed<'de> for Container<'_> {
    type Value = Counted<Node>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Container<'_> {
    type Value = Counted<Node>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list or mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (entries, size) = self.reader.entries(&mut map)?;
        let kind = Kind::Map(Rc::new(entries));
        Ok((Node { at: self.at, kind }, size))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let (items, size) = self.reader.items(&mut seq)?;
        let kind = Kind::Seq(Rc::new(items));
        Ok((Node { at: self.at, kind }, size))
    }
}

/// The document itself: read without a probe, so its errors come out with their mark.
struct Root<'r>(&'r mut Reader);

impl Root<'_> {
    fn not_a_mapping<E: de::Error>(found: &str) -> Result<Option<Entries>, E> {
        Err(E::custom(format_args!(
            "expected a mapping at the top level, found {found}"
        )))
    }
}

impl<'de> Visitor<'de> for Root<'_> {
    type Value = Option<Entries>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (entries, _) = self.0.entries(&mut map)?;
        Ok(Some(Rc::new(entries)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Self::not_a_mapping("a list")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Self::not_a_mapping("a string")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Self::not_a_mapping("a string")
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Self::not_a_mapping("a string")
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Self::not_a_mapping("a string")
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Self::Value, E> {
        Self::not_a_mapping("a string")
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Self::Value, E> {
        Self::not_a_mapping("a string")
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Self::not_a_mapping("a string")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(A::Error::custom("yaml tags are not supported"))
    }
}
