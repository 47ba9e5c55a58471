//! What a rule produces: plain data. Only `report/` turns it into text.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::source::Location;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const NAMES: [&'static str; 3] = ["error", "warning", "info"];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            "info" => Ok(Severity::Info),
            _ => Err(()),
        }
    }
}

/// A rule's configured level: a severity, or switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl FromStr for Level {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "off" => Ok(Level::Off),
            other => other.parse().map(Level::On),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::Off => f.write_str("off"),
            Level::On(severity) => severity.fmt(f),
        }
    }
}

/// A secondary place a finding refers to ("baseline version", "removed here").
#[derive(Debug, Clone)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// Unique name of the candidate solution.
    pub solution: String,
    /// The component id (see DESIGN.md), when the finding is about one component.
    pub component: Option<String>,
    /// Where the finding points; its label, if any, is `primary_label`.
    pub location: Location,
    pub primary_label: Option<String>,
    pub related: Vec<Label>,
    /// The target environment of the policy the finding concerns, if any.
    pub environment: Option<String>,
}

impl Diagnostic {
    /// The message as the text reports show it: prefixed with the environment it
    /// concerns (`` in `test`: … ``), if any.
    pub fn headline(&self) -> std::borrow::Cow<'_, str> {
        match &self.environment {
            Some(environment) => format!("in `{environment}`: {}", self.message).into(),
            None => self.message.as_str().into(),
        }
    }

    /// The order findings are reported in: by file, position, then rule, so that
    /// output is stable whatever order rules run in.
    pub fn sort_key(&self) -> (String, usize, &'static str, Option<String>, Option<String>) {
        (
            self.location.path().to_owned(),
            self.location.start,
            self.rule,
            self.component.clone(),
            self.environment.clone(),
        )
    }
}
