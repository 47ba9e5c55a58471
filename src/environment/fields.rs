//! Reading typed fields out of a spanned JSON tree, collecting every problem with
//! its line and column rather than stopping at the first.

use crate::json::{Json, JsonError, JsonKind, Member};
pub(super) use crate::policy::shown;
use crate::source::SourceFile;

/// Problems listed per file; the rest are counted. A file wrong throughout (a
/// generated one) has one problem per entry, and each one's column is counted
/// from the start of its line: on a one-line file, listing 100 000 took a minute.
pub(super) const MAX_PROBLEMS: usize = 100;

pub(super) struct Fields<'a> {
    pub file: &'a SourceFile,
    problems: Vec<JsonError>,
    /// Past [`MAX_PROBLEMS`]: where the first problem not listed is, and how many.
    unlisted: Option<(usize, usize)>,
}

/// A string field's value and where it is written.
pub(super) struct Text<'j> {
    pub value: &'j str,
    pub start: usize,
}

impl<'a> Fields<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        Self {
            file,
            problems: Vec::new(),
            unlisted: None,
        }
    }

    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The problems in file order, and a count of those not listed.
    pub fn into_sorted_problems(mut self) -> Vec<JsonError> {
        self.problems.sort_by_key(|p| (p.line, p.column));
        if let Some((offset, count)) = self.unlisted {
            let (line, column) = self.file.line_col(offset);
            let noun = if count == 1 { "problem" } else { "problems" };
            self.problems.push(JsonError {
                line,
                column,
                message: format!("{count} more {noun} not listed, the first of them here"),
            });
        }
        self.problems
    }

    pub fn problem(&mut self, offset: usize, message: impl Into<String>) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.unlisted.get_or_insert((offset, 0)).1 += 1;
            return;
        }
        let (line, column) = self.file.line_col(offset);
        self.problems.push(JsonError {
            line,
            column,
            message: message.into(),
        });
    }

    pub fn object<'j>(&mut self, json: &'j Json, what: &str) -> Option<&'j [Member]> {
        match &json.kind {
            JsonKind::Object(members) => Some(members),
            other => {
                self.problem(
                    json.start,
                    format!("{what} must be an object, not {}", other.name()),
                );
                None
            }
        }
    }

    /// The items of an array; null counts as empty.
    pub fn array<'j>(&mut self, json: &'j Json, what: &str) -> &'j [Json] {
        match &json.kind {
            JsonKind::Array(items) => items,
            JsonKind::Null => &[],
            other => {
                self.problem(
                    json.start,
                    format!("{what} must be an array, not {}", other.name()),
                );
                &[]
            }
        }
    }

    /// A string, or `None` for null (and for a wrong type, which is reported).
    pub fn text<'j>(&mut self, json: &'j Json, what: &str) -> Option<Text<'j>> {
        match &json.kind {
            JsonKind::String(value) => Some(Text {
                value,
                start: json.start,
            }),
            JsonKind::Null => None,
            other => {
                self.problem(
                    json.start,
                    format!("{what} must be a string, not {}", other.name()),
                );
                None
            }
        }
    }

    /// A string that must be there and not blank.
    pub fn required_text<'j>(
        &mut self,
        json: Option<&'j Json>,
        at: usize,
        what: &str,
    ) -> Option<Text<'j>> {
        let Some(json) = json else {
            self.problem(at, format!("missing {what}"));
            return None;
        };
        match self.text(json, what) {
            Some(text) if !text.value.trim().is_empty() => Some(text),
            Some(_) => {
                self.problem(json.start, format!("{what} must not be empty"));
                None
            }
            None if matches!(json.kind, JsonKind::Null) => {
                self.problem(json.start, format!("{what} must not be null"));
                None
            }
            None => None,
        }
    }

    /// The members of an object matched against `known` keys. `case_insensitive`
    /// as .NET's JSON readers are (pac reads settings that way). Unknown keys are
    /// problems when `strict`, with the closest known key; a repeated key always is.
    pub fn members<'j, const N: usize>(
        &mut self,
        members: &'j [Member],
        known: &[&'static str; N],
        case_insensitive: bool,
        strict: bool,
    ) -> [Option<&'j Json>; N] {
        let mut found: [Option<&'j Json>; N] = [None; N];
        for member in members {
            let slot = known.iter().position(|k| {
                if case_insensitive {
                    k.eq_ignore_ascii_case(&member.key)
                } else {
                    *k == member.key
                }
            });
            match slot {
                Some(i) if found[i].is_some() => {
                    self.problem(
                        member.key_start,
                        format!("duplicate key `{}`", shown(&member.key)),
                    );
                }
                Some(i) => found[i] = Some(&member.value),
                None if strict => {
                    let mut message = format!("unknown key `{}`", shown(&member.key));
                    match crate::policy::suggest(&member.key, known) {
                        Some(close) => message.push_str(&format!("; did you mean `{close}`?")),
                        None => {
                            let expected: Vec<String> =
                                known.iter().map(|k| format!("`{k}`")).collect();
                            message.push_str(&format!("; expected {}", expected.join(", ")));
                        }
                    }
                    self.problem(member.key_start, message);
                }
                None => {}
            }
        }
        found
    }
}
