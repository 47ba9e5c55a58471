//! pac's deployment settings: the file `pac solution create-settings` writes and
//! `pac solution import --settings-file` reads.
//!
//! ```json
//! {
//!   "EnvironmentVariables": [ { "SchemaName": "cts_ApiUrl", "Value": "https://…" } ],
//!   "ConnectionReferences": [
//!     { "LogicalName": "cts_Outlook", "ConnectionId": "4a1…", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_office365" }
//!   ]
//! }
//! ```
//! pac reads it with .NET's case-insensitive JSON binding, so keys match in any
//! case here too; a key pac would ignore (a typo such as `Values`) is an error,
//! because it would leave a value silently unset.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use super::fields::{shown, Fields};
use super::{read_file, EnvironmentError, FileKind, Settings};
use crate::json::{self, JsonError};
use crate::policy::PolicyLocation;
use crate::source::{Location, SourceFile};

/// A settings folder holding more files than this is refused: one per solution.
const MAX_FOLDER_FILES: usize = 1000;

/// One deployment settings file.
#[derive(Debug, Clone)]
pub struct DeploymentSettings {
    pub file: Arc<SourceFile>,
    pub variables: Vec<VariableSetting>,
    pub references: Vec<ReferenceSetting>,
}

/// `{ "SchemaName", "Value" }`.
#[derive(Debug, Clone)]
pub struct VariableSetting {
    pub schema_name: String,
    /// `None` for null; an empty string is kept as written.
    pub value: Option<String>,
    /// The entry's object, and its `Value` (or the entry, without one).
    pub entry: (usize, usize),
    pub value_at: (usize, usize),
}

/// `{ "LogicalName", "ConnectionId", "ConnectorId" }`.
#[derive(Debug, Clone)]
pub struct ReferenceSetting {
    pub logical_name: String,
    pub connection_id: Option<String>,
    pub connector_id: Option<String>,
    pub entry: (usize, usize),
    pub connector_at: (usize, usize),
}

impl VariableSetting {
    /// Its value, when it has one that is not blank.
    pub fn given(&self) -> Option<&str> {
        self.value.as_deref().filter(|v| !v.trim().is_empty())
    }
}

impl ReferenceSetting {
    pub fn connection(&self) -> Option<&str> {
        self.connection_id
            .as_deref()
            .filter(|v| !v.trim().is_empty())
    }
}

impl DeploymentSettings {
    pub fn locate(&self, (start, end): (usize, usize)) -> Location {
        Location::new(Arc::clone(&self.file), start, end)
    }

    pub fn variable(&self, schema_name: &str) -> Option<&VariableSetting> {
        self.variables
            .iter()
            .find(|v| v.schema_name.eq_ignore_ascii_case(schema_name))
    }

    pub fn reference(&self, logical_name: &str) -> Option<&ReferenceSetting> {
        self.references
            .iter()
            .find(|r| r.logical_name.eq_ignore_ascii_case(logical_name))
    }
}

pub const DOCUMENT_KEYS: [&str; 2] = ["EnvironmentVariables", "ConnectionReferences"];
pub const VARIABLE_KEYS: [&str; 2] = ["SchemaName", "Value"];
pub const REFERENCE_KEYS: [&str; 3] = ["LogicalName", "ConnectionId", "ConnectorId"];

/// Reads a settings file from its text.
pub fn parse(file: &Arc<SourceFile>) -> Result<DeploymentSettings, Vec<JsonError>> {
    let root = json::parse(file.text().unwrap_or("")).map_err(|e| vec![e])?;
    let mut fields = Fields::new(file);
    let (mut variables, mut references) = (Vec::new(), Vec::new());
    if let Some(members) = fields.object(&root, "the document") {
        let [vars, refs] = fields.members(members, &DOCUMENT_KEYS, true, true);
        let mut seen = HashMap::new();
        for entry in vars.map_or(&[][..], |v| fields.array(v, "`EnvironmentVariables`")) {
            let Some(members) = fields.object(entry, "an environment variable") else {
                continue;
            };
            let [name, value] = fields.members(members, &VARIABLE_KEYS, true, true);
            let name = fields.required_text(name, entry.start, "`SchemaName`");
            let value_text = value.and_then(|v| fields.text(v, "`Value`"));
            let Some(name) = name else { continue };
            if seen.insert(name.value.to_ascii_lowercase(), ()).is_some() {
                let message = format!("variable `{}` is listed twice", shown(name.value));
                fields.problem(entry.start, message);
                continue;
            }
            variables.push(VariableSetting {
                schema_name: name.value.to_owned(),
                value: value_text.as_ref().map(|t| t.value.to_owned()),
                entry: (entry.start, entry.end),
                value_at: value.map_or((entry.start, entry.start), |v| (v.start, v.end)),
            });
        }
        let mut seen = HashMap::new();
        for entry in refs.map_or(&[][..], |r| fields.array(r, "`ConnectionReferences`")) {
            let Some(members) = fields.object(entry, "a connection reference") else {
                continue;
            };
            let [name, connection, connector] =
                fields.members(members, &REFERENCE_KEYS, true, true);
            let name = fields.required_text(name, entry.start, "`LogicalName`");
            let connection = connection.and_then(|c| fields.text(c, "`ConnectionId`"));
            let connector_text = connector.and_then(|c| fields.text(c, "`ConnectorId`"));
            let Some(name) = name else { continue };
            if seen.insert(name.value.to_ascii_lowercase(), ()).is_some() {
                let message = format!(
                    "connection reference `{}` is listed twice",
                    shown(name.value)
                );
                fields.problem(entry.start, message);
                continue;
            }
            references.push(ReferenceSetting {
                logical_name: name.value.to_owned(),
                connection_id: connection.map(|t| t.value.to_owned()),
                connector_id: connector_text.as_ref().map(|t| t.value.to_owned()),
                entry: (entry.start, entry.end),
                connector_at: connector.map_or((entry.start, entry.start), |c| (c.start, c.end)),
            });
        }
    }
    if !fields.has_problems() {
        Ok(DeploymentSettings {
            file: Arc::clone(file),
            variables,
            references,
        })
    } else {
        Err(fields.into_sorted_problems())
    }
}

/// Reads one settings file from disk, named by the policy at `at`.
pub fn read(path: &Path, at: &PolicyLocation) -> Result<DeploymentSettings, EnvironmentError> {
    read_named(path, Some(at))
}

/// Reads one settings file named on the command line (`dvlint settings --from`):
/// the same size limit and messages as [`read`], without a place in a policy.
pub fn read_path(path: &Path) -> Result<DeploymentSettings, EnvironmentError> {
    read_named(path, None)
}

fn read_named(
    path: &Path,
    at: Option<&PolicyLocation>,
) -> Result<DeploymentSettings, EnvironmentError> {
    let file = read_file(path, FileKind::Settings, at)?;
    parse(&file).map_err(|problems| EnvironmentError::Invalid {
        what: FileKind::Settings.what(),
        path: path.to_path_buf(),
        problems,
    })
}

/// A settings file, or a folder of `<UniqueName>.json` (every one is read).
pub(super) fn load(path: &Path, at: &PolicyLocation) -> Result<Settings, EnvironmentError> {
    if !path.is_dir() {
        return read(path, at).map(Settings::File);
    }
    let read_error = |source| EnvironmentError::Read {
        what: "deployment settings folder",
        path: path.to_path_buf(),
        at: Some(at.clone()),
        source,
    };
    let mut names = Vec::new();
    // The folder as a whole is held to one file's limit: settings files are a few
    // kilobytes, and a thousand files at the limit each would be 16 GiB to read.
    let mut total: u64 = 0;
    for entry in std::fs::read_dir(path).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let file = entry.path();
        let is_json = file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if !is_json {
            continue;
        }
        // Followed through links, as the read is; a pipe or a folder is not a file.
        let Ok(metadata) = std::fs::metadata(&file) else {
            continue;
        };
        if metadata.is_file() {
            total = total.saturating_add(metadata.len());
            names.push(file);
        }
        if total > super::MAX_FILE_SIZE {
            return Err(EnvironmentError::Unknown(format!(
                "deployment settings folder `{}` holds more than {} MiB of `.json` files (named at {at})",
                path.display(),
                super::MAX_FILE_SIZE / (1024 * 1024)
            )));
        }
        if names.len() > MAX_FOLDER_FILES {
            return Err(EnvironmentError::Unknown(format!(
                "deployment settings folder `{}` holds more than {MAX_FOLDER_FILES} files (named at {at})",
                path.display()
            )));
        }
    }
    names.sort();
    let mut files = BTreeMap::new();
    for file in names {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let settings = read(&file, at)?;
        if files.insert(stem, settings).is_some() {
            return Err(EnvironmentError::Unknown(format!(
                "deployment settings folder `{}` holds two files for one solution, differing only in case: `{}`",
                path.display(),
                file.display()
            )));
        }
    }
    Ok(Settings::Folder {
        path: path.to_path_buf(),
        files,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parsed(text: &str) -> Result<DeploymentSettings, Vec<String>> {
        let file = SourceFile::new("test.json".into(), text.into());
        parse(&file).map_err(|problems| problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn reads_what_pac_writes() {
        let settings = parsed(
            "\u{feff}{\n  \"EnvironmentVariables\": [\n    {\n      \"SchemaName\": \"cts_ApiUrl\",\n      \"Value\": \"\"\n    }\n  ],\n  \"ConnectionReferences\": [\n    {\n      \"LogicalName\": \"cts_Outlook\",\n      \"ConnectionId\": \"\",\n      \"ConnectorId\": \"/providers/Microsoft.PowerApps/apis/shared_office365\"\n    }\n  ]\n}\n",
        )
        .unwrap();
        assert_eq!(settings.variables[0].schema_name, "cts_ApiUrl");
        assert_eq!(settings.variables[0].given(), None);
        assert_eq!(settings.references[0].connection(), None);
        let at = settings.locate(settings.variables[0].value_at);
        assert_eq!(at.line_col(), (5, 16));
        assert_eq!(
            settings
                .reference("CTS_OUTLOOK")
                .unwrap()
                .connector_id
                .as_deref(),
            Some("/providers/Microsoft.PowerApps/apis/shared_office365")
        );
    }

    #[test]
    fn a_file_named_on_the_command_line_is_read_with_the_same_limits_and_messages() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.json");
        let message = read_path(&missing).unwrap_err().to_string();
        assert!(
            message.starts_with(&format!(
                "cannot read deployment settings `{}`: ",
                missing.display()
            )),
            "{message}"
        );
        assert!(!message.contains("named at"), "{message}");
        let large = dir.path().join("large.json");
        let file = std::fs::File::create(&large).unwrap();
        file.set_len(super::super::MAX_FILE_SIZE + 1).unwrap();
        let message = read_path(&large).unwrap_err().to_string();
        assert_eq!(
            message,
            format!(
                "deployment settings `{}` is too large: over 16 MiB",
                large.display()
            )
        );
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\"EnvironmentVariables\": 1}").unwrap();
        let message = read_path(&bad).unwrap_err().to_string();
        assert!(
            message.ends_with(&format!(
                "{}:1:26: `EnvironmentVariables` must be an array, not a number",
                bad.display()
            )),
            "{message}"
        );
    }

    #[test]
    fn keys_match_in_any_case_and_typos_are_errors() {
        let ok =
            parsed(r#"{"environmentvariables": [{"schemaname": "a", "value": "1"}]}"#).unwrap();
        assert_eq!(ok.variables[0].given(), Some("1"));
        let problems = parsed(
            r#"{"EnvironmentVariables": [{"SchemaName": "a", "Values": "1"}, {"SchemaName": "A"}, {"Value": 2}],
"ConnectionReference": []}"#,
        )
        .unwrap_err();
        assert_eq!(
            problems,
            [
                "1:47: unknown key `Values`; did you mean `Value`?",
                "1:63: variable `A` is listed twice",
                "1:84: missing `SchemaName`",
                "1:94: `Value` must be a string, not a number",
                "2:1: unknown key `ConnectionReference`; did you mean `ConnectionReferences`?",
            ]
        );
    }
}
