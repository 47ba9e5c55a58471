//! `environments:` of the policy: the environments a release is deployed to, each
//! with its Dataverse version, what is installed there, and the deployment
//! settings used for it. Only what the policy itself says is checked here; the
//! files it names are read by [`crate::environment`] when a command needs them.

use std::path::PathBuf;

use super::raw::{Kind, Node};
use super::{shown, Check, PolicyLocation, PolicyValue, Reported};
use crate::model::SolutionVersion;

const ENVIRONMENT_KEYS: &[&str] = &["version", "solutions", "settings"];
const INSTALLED_KEYS: &[&str] = &["name", "version", "managed", "publisher"];

/// One named environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentEntry {
    pub name: String,
    /// Where the name is written.
    pub at: PolicyLocation,
    /// Its Dataverse version, as written (`9.2.24012.198`); always valid.
    pub version: PolicyValue<String>,
    pub solutions: Option<InstalledSource>,
    /// A pac deployment settings file, or a folder of `<UniqueName>.json`;
    /// resolved against the policy's folder.
    pub settings: Option<PolicyValue<PathBuf>>,
}

/// Where an environment's installed solutions are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstalledSource {
    /// The Web API's `solutions` JSON, resolved against the policy's folder.
    File(PolicyValue<PathBuf>),
    /// Written in the policy.
    Inline(Vec<InlineSolution>),
}

/// `{ name, version, managed, publisher }` in a policy's `solutions:` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSolution {
    pub name: String,
    pub version: String,
    pub managed: bool,
    pub publisher: Option<String>,
    pub at: PolicyLocation,
}

/// What the message for a bad name promises: letters, digits, `-` and `_`. The
/// name is printed in every report and given to `--environment`, so neither a
/// blank, a path separator nor a control character (a terminal escape) belongs in it.
fn is_environment_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// A valid Dataverse or solution version: 2 to 4 dot-separated integers.
fn is_version(text: &str) -> bool {
    SolutionVersion::parse(text).is_valid()
}

impl Check<'_> {
    pub(super) fn environments(&mut self, node: &Node) -> Vec<EnvironmentEntry> {
        let mut environments = Vec::new();
        for (name, key_node, value) in self.mapping(node) {
            if !is_environment_name(name) {
                self.problem(
                    key_node.at,
                    format!(
                        "invalid environment name `{}`; use letters, digits, `-` or `_`",
                        shown(name)
                    ),
                );
                continue;
            }
            if let Some(entry) = self.environment(name, key_node, value) {
                environments.push(entry);
            }
        }
        environments
    }

    fn environment(&mut self, name: &str, key: &Node, node: &Node) -> Option<EnvironmentEntry> {
        let fields = self.entry(node)?;
        let (mut version, mut solutions, mut settings) = (None, None, None);
        let mut broken = false;
        for (field, field_node, value) in fields {
            match field {
                "version" => {
                    let message = format!("environment `{}` needs a `version`", shown(name));
                    let Some((text, at)) = self.required_text(field_node, value, &message) else {
                        broken = true;
                        continue;
                    };
                    if is_version(text) {
                        version = Some(PolicyValue {
                            value: text.trim().to_owned(),
                            at: self.location(at),
                        });
                    } else {
                        self.problem(
                            at,
                            format!(
                                "invalid Dataverse version `{}`; expected numbers like `9.2.24012.198`",
                                shown(text)
                            ),
                        );
                        broken = true;
                    }
                }
                "solutions" => match &value.kind {
                    Kind::Seq(items) => {
                        let mut inline = Vec::with_capacity(items.len());
                        for item in items.iter() {
                            match self.inline_solution(item) {
                                Some(solution) => inline.push(solution),
                                None => broken = true,
                            }
                        }
                        broken |= self.no_repeated_names(&inline);
                        solutions = Some(InstalledSource::Inline(inline));
                    }
                    _ => match self.path_value(value, "solutions") {
                        Some(path) => solutions = Some(InstalledSource::File(path)),
                        None => broken = true,
                    },
                },
                "settings" => match self.path_value(value, "settings") {
                    Some(path) => settings = Some(path),
                    None => broken = true,
                },
                other => self.unknown_key(field_node, other, ENVIRONMENT_KEYS),
            }
        }
        if version.is_none() && !broken {
            self.problem(
                node.at,
                format!(
                    "environment `{}` needs a `version` (its Dataverse version, like `9.2.24012.198`)",
                    shown(name)
                ),
            );
        }
        if broken {
            return None;
        }
        Some(EnvironmentEntry {
            name: name.to_owned(),
            at: self.location(key.at),
            version: version?,
            solutions,
            settings,
        })
    }

    /// A file or folder named by the policy, resolved against the policy's folder.
    fn path_value(&mut self, node: &Node, key: &str) -> Option<PolicyValue<PathBuf>> {
        match self.text(node) {
            Ok(Some(text)) if !text.trim().is_empty() => Some(PolicyValue {
                value: self.dir.join(text),
                at: self.location(node.at),
            }),
            Ok(_) => {
                self.problem(node.at, format!("`{key}` must not be empty"));
                None
            }
            Err(Reported) => None,
        }
    }

    fn inline_solution(&mut self, node: &Node) -> Option<InlineSolution> {
        let fields = self.entry(node)?;
        let (mut name, mut version, mut managed, mut publisher) = (None, None, None, None);
        let mut broken = false;
        for &(field, field_node, value) in &fields {
            match field {
                "name" => {
                    name =
                        self.required_text(field_node, value, "installed solution needs a `name`");
                    broken |= name.is_none();
                }
                "version" => {
                    let found = self.required_text(
                        field_node,
                        value,
                        "installed solution needs a `version`",
                    );
                    match found {
                        Some((text, _)) if is_version(text) => version = found,
                        Some((text, at)) => {
                            self.problem(
                                at,
                                format!(
                                    "invalid solution version `{}`; expected numbers like `1.2.0.0`",
                                    shown(text)
                                ),
                            );
                            broken = true;
                        }
                        None => broken = true,
                    }
                }
                "managed" => match self.text(value) {
                    Ok(Some("true")) => managed = Some(true),
                    Ok(Some("false")) => managed = Some(false),
                    Ok(other) => {
                        let text = other.unwrap_or("null");
                        self.problem(
                            value.at,
                            format!("`managed` must be `true` or `false`, not `{}`", shown(text)),
                        );
                        broken = true;
                    }
                    Err(Reported) => broken = true,
                },
                "publisher" => match self.text(value) {
                    Ok(text) => publisher = text.map(str::to_owned),
                    Err(Reported) => broken = true,
                },
                other => self.unknown_key(field_node, other, INSTALLED_KEYS),
            }
        }
        for field in ["name", "version", "managed"] {
            if !fields.iter().any(|(key, _, _)| *key == field) {
                self.problem(node.at, format!("installed solution needs a `{field}`"));
                broken = true;
            }
        }
        if broken {
            return None;
        }
        Some(InlineSolution {
            name: name?.0.trim().to_owned(),
            version: version?.0.trim().to_owned(),
            managed: managed?,
            publisher,
            at: self.location(node.at),
        })
    }

    /// Reports a solution listed twice (names are case-insensitive, as in Dataverse).
    fn no_repeated_names(&mut self, solutions: &[InlineSolution]) -> bool {
        let mut seen = std::collections::HashSet::new();
        let mut repeated = false;
        for solution in solutions {
            if !seen.insert(solution.name.to_ascii_lowercase()) {
                self.problems.push(super::PolicyProblem {
                    line: solution.at.line,
                    column: solution.at.column,
                    message: format!("solution `{}` is listed twice", shown(&solution.name)),
                });
                repeated = true;
            }
        }
        repeated
    }
}
