//! The other direction of [`super::settings`]: the deployment settings template
//! of a solution, as `pac solution create-settings` writes it, so that a team can
//! keep one file per environment without .NET. Built from the model alone, and
//! optionally merged with an existing file, whose values it keeps.
//!
//! Both lists are sorted by name, ignoring case: pac documents no order, and a
//! sorted file keeps its diffs to what changed.

use serde::Serialize;

use super::settings::DeploymentSettings;
use crate::model::Solution;

/// The document: `{ "EnvironmentVariables": [...], "ConnectionReferences": [...] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    pub environment_variables: Vec<VariableEntry>,
    pub connection_references: Vec<ReferenceEntry>,
}

/// `{ "SchemaName", "Value" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VariableEntry {
    pub schema_name: String,
    pub value: String,
}

/// `{ "LogicalName", "ConnectionId", "ConnectorId" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReferenceEntry {
    pub logical_name: String,
    pub connection_id: String,
    pub connector_id: String,
}

/// What a merge with an existing file changed, entry by entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// In the solution, not in the file: written with its default.
    Added { kind: EntryKind, name: String },
    /// In the file, not in the solution: left out. The name as the file writes it.
    Dropped { kind: EntryKind, name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Variable,
    Reference,
}

impl EntryKind {
    pub fn noun(self) -> &'static str {
        match self {
            EntryKind::Variable => "environment variable",
            EntryKind::Reference => "connection reference",
        }
    }
}

/// A template merged with an existing file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub template: Template,
    /// Variables first, then references; within each, added then dropped, by name.
    pub changes: Vec<Change>,
    /// Entries of the file still in the solution, whose values were kept.
    pub kept: usize,
}

impl Template {
    /// Every variable the solution defines, with its default as the value (`""`
    /// when it has none), and every connection reference, unbound, with its
    /// connector. Names as the package writes them.
    pub fn of(solution: &Solution) -> Template {
        let mut environment_variables: Vec<VariableEntry> = solution
            .environment_variables
            .values()
            .map(|v| VariableEntry {
                schema_name: v.schema_name.clone(),
                value: v
                    .default_value
                    .as_ref()
                    .map(|d| d.value.clone())
                    .unwrap_or_default(),
            })
            .collect();
        environment_variables.sort_by_key(|v| v.schema_name.to_ascii_lowercase());
        let mut connection_references: Vec<ReferenceEntry> = solution
            .connection_references
            .values()
            .map(|r| ReferenceEntry {
                logical_name: r.logical_name.clone(),
                connection_id: String::new(),
                connector_id: r
                    .connector_id
                    .as_ref()
                    .map(|c| c.value.clone())
                    .unwrap_or_default(),
            })
            .collect();
        connection_references.sort_by_key(|r| r.logical_name.to_ascii_lowercase());
        Template {
            environment_variables,
            connection_references,
        }
    }

    /// The template of `solution`, keeping what `from` gives for the entries
    /// still in it (a variable's `Value`, a reference's `ConnectionId`; the
    /// `ConnectorId` is always the package's). Names match without case, as pac
    /// matches them; the package's spelling is written.
    pub fn merged(solution: &Solution, from: &DeploymentSettings) -> Merged {
        let mut template = Template::of(solution);
        let mut changes = Vec::new();
        let mut kept = 0;
        for entry in &mut template.environment_variables {
            match from.variable(&entry.schema_name) {
                // A null value is no value: written as pac writes an empty one.
                Some(given) => {
                    entry.value = given.value.clone().unwrap_or_default();
                    kept += 1;
                }
                None => changes.push(Change::Added {
                    kind: EntryKind::Variable,
                    name: entry.schema_name.clone(),
                }),
            }
        }
        changes.extend(dropped(
            EntryKind::Variable,
            from.variables.iter().map(|v| v.schema_name.as_str()),
            |name| {
                solution
                    .environment_variables
                    .values()
                    .any(|v| v.schema_name.eq_ignore_ascii_case(name))
            },
        ));
        for entry in &mut template.connection_references {
            match from.reference(&entry.logical_name) {
                Some(given) => {
                    entry.connection_id = given.connection_id.clone().unwrap_or_default();
                    kept += 1;
                }
                None => changes.push(Change::Added {
                    kind: EntryKind::Reference,
                    name: entry.logical_name.clone(),
                }),
            }
        }
        changes.extend(dropped(
            EntryKind::Reference,
            from.references.iter().map(|r| r.logical_name.as_str()),
            |name| {
                solution
                    .connection_references
                    .values()
                    .any(|r| r.logical_name.eq_ignore_ascii_case(name))
            },
        ));
        Merged {
            template,
            changes,
            kept,
        }
    }

    /// Pretty JSON, two spaces a level, keys in pac's order, and a final line
    /// break. Only what JSON requires is escaped (`"`, `\`, control characters):
    /// a connector id's `/` and non-ASCII text are written as they are.
    pub fn render(&self) -> Result<String, serde_json::Error> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }
}

/// The names of `listed` that `kept` refuses, sorted without case (stably).
fn dropped<'a>(
    kind: EntryKind,
    listed: impl Iterator<Item = &'a str>,
    kept: impl Fn(&str) -> bool,
) -> Vec<Change> {
    let mut names: Vec<&str> = listed.filter(|name| !kept(name)).collect();
    names.sort_by_key(|name| name.to_ascii_lowercase());
    names
        .into_iter()
        .map(|name| Change::Dropped {
            kind,
            name: name.to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn entry(name: &str, value: &str) -> VariableEntry {
        VariableEntry {
            schema_name: name.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn renders_pacs_layout_and_escapes_only_what_json_requires() {
        let template = Template {
            environment_variables: vec![entry("cts_Quote", "say \"hi\"\\ to Zoë\n")],
            connection_references: vec![ReferenceEntry {
                logical_name: "cts_Outlook".to_owned(),
                connection_id: String::new(),
                connector_id: "/providers/Microsoft.PowerApps/apis/shared_office365".to_owned(),
            }],
        };
        assert_eq!(
            template.render().unwrap(),
            r#"{
  "EnvironmentVariables": [
    {
      "SchemaName": "cts_Quote",
      "Value": "say \"hi\"\\ to Zoë\n"
    }
  ],
  "ConnectionReferences": [
    {
      "LogicalName": "cts_Outlook",
      "ConnectionId": "",
      "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_office365"
    }
  ]
}
"#
        );
    }

    #[test]
    fn an_empty_template_keeps_both_lists() {
        let empty = Template {
            environment_variables: Vec::new(),
            connection_references: Vec::new(),
        };
        assert_eq!(
            empty.render().unwrap(),
            "{\n  \"EnvironmentVariables\": [],\n  \"ConnectionReferences\": []\n}\n"
        );
    }

    #[test]
    fn dropped_names_are_sorted_without_case_and_stably() {
        let changes = dropped(
            EntryKind::Reference,
            ["b", "A", "keep", "a"].into_iter(),
            |name| name == "keep",
        );
        let names: Vec<&str> = changes
            .iter()
            .map(|c| match c {
                Change::Dropped { name, .. } => name.as_str(),
                Change::Added { .. } => unreachable!(),
            })
            .collect();
        assert_eq!(names, ["A", "a", "b"]);
    }
}
