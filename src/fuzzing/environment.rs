//! Fuzz entry points for the files an environment names: the JSON reader itself,
//! checked against serde_json, and the installed-solutions and deployment
//! settings readers on top of it.

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use crate::engine::{self, Scope};
use crate::environment::{installed, settings, Environment, Settings};
use crate::json::{self, Json, JsonError, JsonKind, MAX_DEPTH};
use crate::model::{Solution, SolutionVersion};
use crate::policy::Policy;
use crate::source::SourceFile;

/// A value both readers agree on: objects as sorted maps where a repeated key's
/// last value wins (serde_json keeps that one), numbers as serde_json reads them.
#[derive(Debug, PartialEq)]
enum Canonical {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Canonical>),
    Object(BTreeMap<String, Canonical>),
}

fn ours(json: &Json, text: &str) -> Canonical {
    match &json.kind {
        JsonKind::Null => Canonical::Null,
        JsonKind::Bool(b) => Canonical::Bool(*b),
        JsonKind::Number(written) => {
            assert_eq!(written, &text[json.start..json.end], "a number as written");
            let number = serde_json::Number::from_str(written)
                .unwrap_or_else(|e| panic!("dvlint read `{written}` as a number: {e}"));
            Canonical::Number(number)
        }
        JsonKind::String(s) => Canonical::String(s.clone()),
        JsonKind::Array(items) => Canonical::Array(items.iter().map(|i| ours(i, text)).collect()),
        JsonKind::Object(members) => Canonical::Object(
            members
                .iter()
                .map(|m| (m.key.clone(), ours(&m.value, text)))
                .collect(),
        ),
    }
}

fn theirs(value: &serde_json::Value) -> Canonical {
    match value {
        serde_json::Value::Null => Canonical::Null,
        serde_json::Value::Bool(b) => Canonical::Bool(*b),
        serde_json::Value::Number(n) => Canonical::Number(n.clone()),
        serde_json::Value::String(s) => Canonical::String(s.clone()),
        serde_json::Value::Array(items) => Canonical::Array(items.iter().map(theirs).collect()),
        serde_json::Value::Object(map) => {
            Canonical::Object(map.iter().map(|(k, v)| (k.clone(), theirs(v))).collect())
        }
    }
}

/// How deep arrays and objects nest: `[]` is 1.
fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Every value's span lies in the text, within its parent's, on character
/// boundaries, and starts and ends with what its kind is written with.
fn assert_spans(json: &Json, text: &str, within: (usize, usize)) {
    let (start, end) = (json.start, json.end);
    assert!(
        within.0 <= start && start < end && end <= within.1,
        "{json:?} in {within:?}"
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{json:?}"
    );
    let written = &text[start..end];
    let (first, last) = match &json.kind {
        JsonKind::Null => ("null", "null"),
        JsonKind::Bool(true) => ("true", "true"),
        JsonKind::Bool(false) => ("false", "false"),
        JsonKind::Number(_) => ("", ""),
        JsonKind::String(_) => ("\"", "\""),
        JsonKind::Array(_) => ("[", "]"),
        JsonKind::Object(_) => ("{", "}"),
    };
    assert!(
        written.starts_with(first) && written.ends_with(last),
        "{written:?}"
    );
    match &json.kind {
        JsonKind::Array(items) => {
            let mut after = start;
            for item in items {
                assert!(item.start > after, "items in order");
                assert_spans(item, text, (start + 1, end - 1));
                after = item.end;
            }
        }
        JsonKind::Object(members) => {
            let mut after = start;
            for member in members {
                let key = member.key_start;
                assert!(key > after && key < member.value.start, "{member:?}");
                assert!(text[key..].starts_with('"'), "{member:?}");
                assert_spans(&member.value, text, (start + 1, end - 1));
                after = member.value.end;
            }
        }
        _ => {}
    }
}

/// An error's line and column are a place in the text (or just past its end).
fn assert_place(text: &str, line: usize, column: usize, what: &dyn std::fmt::Debug) {
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(line >= 1 && line <= lines.len(), "{what:?}: line {line}");
    let width = lines[line - 1].chars().count();
    assert!(
        column >= 1 && column <= width + 1,
        "{what:?}: column {column}"
    );
}

/// Arbitrary bytes as JSON: dvlint's reader accepts exactly what serde_json
/// accepts and reads the same values, except that it skips a leading byte-order
/// mark and refuses nesting deeper than [`MAX_DEPTH`] (and more values than
/// [`json::MAX_NODES`], which no fuzzed input reaches).
pub fn json_reader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        // What is not UTF-8 is not JSON, for serde_json too.
        assert!(serde_json::from_slice::<serde_json::Value>(data).is_err());
        return;
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let expected = serde_json::from_str::<serde_json::Value>(body);
    match (json::parse(text), expected) {
        (Ok(read), Ok(value)) => {
            assert_spans(&read, text, (0, text.len()));
            assert_eq!(ours(&read, text), theirs(&value), "{text:?}");
        }
        (Err(error), Ok(value)) => {
            assert!(
                error.message.contains("nested deeper") && depth(&value) > MAX_DEPTH,
                "dvlint refuses what serde_json reads: {error}"
            );
        }
        (Ok(read), Err(error)) => {
            panic!("dvlint reads what serde_json refuses ({error}): {read:?}")
        }
        (Err(error), Err(_)) => assert_place(text, error.line, error.column, &error),
    }
}

/// What a reader's problems must be: places in the text, a bounded list.
fn assert_problems(text: &str, problems: &[JsonError]) {
    assert!(!problems.is_empty());
    assert!(problems.len() <= 101, "{} problems listed", problems.len());
    for problem in problems {
        assert_place(text, problem.line, problem.column, problem);
    }
}

/// A package needing two solutions and a table from the `Active` layer, so that
/// the dependency, version and managed-state rules all have something to say.
const NEEDS: &str = r#"<ImportExportXml version="9.2.0.0" SolutionPackageVersion="9.2" languagecode="1033"><SolutionManifest><UniqueName>Fuzz</UniqueName><Version>1.0.0.0</Version><Managed>1</Managed><Publisher><UniqueName>fuzz</UniqueName><CustomizationPrefix>cts</CustomizationPrefix></Publisher><RootComponents /><MissingDependencies><MissingDependency><Required type="1" schemaName="incident" solution="msdynce_Service (9.0.5.56)" /><Dependent type="60" id="{ff49442f-8c60-4877-bdae-8fe51e6f4636}" /></MissingDependency><MissingDependency><Required type="66" schemaName="cat_PowerCAT.Icon" solution="CreatorKitCore (1.0.20230421.1)" /><Dependent type="60" id="{ff49442f-8c60-4877-bdae-8fe51e6f4636}" /></MissingDependency><MissingDependency><Required type="1" schemaName="cts_other" solution="Active" /><Dependent type="10" schemaName="cts_rel" /></MissingDependency></MissingDependencies></SolutionManifest></ImportExportXml>"#;

fn needing() -> Option<&'static Solution> {
    static SOLUTION: OnceLock<Option<Solution>> = OnceLock::new();
    SOLUTION
        .get_or_init(|| {
            let members = [
                ("solution.xml", NEEDS.as_bytes()),
                ("customizations.xml", super::EMPTY.as_bytes()),
            ];
            let zipped = super::stored_zip(&members)?;
            crate::package::load_zip_bytes("needs.zip", zipped).ok()
        })
        .as_ref()
}

/// Checks [`needing`] in `environment` and renders every report format.
fn check_in(environment: Environment) {
    let Some(candidate) = needing() else {
        return;
    };
    let environments = [environment];
    let scope = Scope {
        environments: &environments,
        others: &[],
        today: None,
    };
    let outcome = engine::check_in(candidate, None, &Policy::default(), scope);
    super::render(candidate, None, &outcome);
}

fn environment(installed: Option<Vec<installed::InstalledSolution>>) -> Environment {
    Environment {
        name: "fuzz".to_owned(),
        version: SolutionVersion::parse("9.1.0.16819"),
        version_at: None,
        installed,
        settings: None,
    }
}

/// Arbitrary bytes as the Web API's list of installed solutions: read, it is
/// consistent (names unique and trimmed, versions valid, every place in the
/// text), and the rules run against it; refused, its problems are places.
pub fn solutions_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("fuzz-solutions.json".to_owned(), text.to_owned());
    match installed::parse(&file) {
        Ok(solutions) => {
            let mut names = HashSet::new();
            for solution in &solutions {
                assert!(!solution.name.is_empty() && solution.name.trim() == solution.name);
                assert!(
                    names.insert(solution.name.to_ascii_lowercase()),
                    "{solution:?}"
                );
                assert!(solution.version.is_valid(), "{solution:?}");
                let location = solution.location.as_ref().expect("a place in the file");
                assert!(Arc::ptr_eq(&location.file, &file));
                assert!(text[location.start..].starts_with('{'), "{solution:?}");
            }
            check_in(environment(Some(solutions)));
        }
        Err(problems) => assert_problems(text, &problems),
    }
}

/// Arbitrary bytes as a deployment settings file: read, every entry's name is
/// unique and not blank, and every span is in the text on character boundaries;
/// refused, its problems are places.
pub fn settings_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("fuzz-settings.json".to_owned(), text.to_owned());
    match settings::parse(&file) {
        Ok(read) => {
            let span = |(start, end): (usize, usize)| {
                assert!(start <= end && end <= text.len(), "{start}..{end}");
                assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                (start, end)
            };
            let inside = |inner: (usize, usize), outer: (usize, usize)| {
                assert!(
                    outer.0 <= inner.0 && inner.1 <= outer.1,
                    "{inner:?} in {outer:?}"
                );
            };
            let mut names = HashSet::new();
            for variable in &read.variables {
                assert!(!variable.schema_name.trim().is_empty());
                assert!(names.insert(variable.schema_name.to_ascii_lowercase()));
                inside(span(variable.value_at), span(variable.entry));
                assert!(text[variable.entry.0..].starts_with('{'));
            }
            let mut names = HashSet::new();
            for reference in &read.references {
                assert!(!reference.logical_name.trim().is_empty());
                assert!(names.insert(reference.logical_name.to_ascii_lowercase()));
                inside(span(reference.connector_at), span(reference.entry));
                assert!(text[reference.entry.0..].starts_with('{'));
            }
            let mut environment = environment(Some(Vec::new()));
            environment.settings = Some(Settings::File(read));
            check_in(environment);
        }
        Err(problems) => assert_problems(text, &problems),
    }
}
