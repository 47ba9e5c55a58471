//! What a deployment has to supply for a solution: the environment variables it
//! defines, with the values the package itself carries, and the connection
//! references its flows and apps run through. A target environment without a
//! value or a connection for one of them is where an import succeeds and the
//! solution still does not work.

use crate::source::{Span, Spanned};

/// An environment variable the solution defines (`environmentvariabledefinition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentVariable {
    /// As written: `cat_ApprovalKitOrgUrl`.
    pub schema_name: String,
    /// `<displayname default=…>`.
    pub display_name: Option<String>,
    /// From `<type>`.
    pub kind: VariableType,
    /// `<defaultvalue>`; an empty one is `None`.
    pub default_value: Option<Spanned<String>>,
    /// The current value the package itself carries: the definition's nested
    /// `<environmentvariablevalues>` (older exports), else the
    /// `environmentvariablevalues.json` beside its definition file. Empty is `None`.
    pub value: Option<Spanned<String>>,
    /// The definition element.
    pub span: Span,
}

impl EnvironmentVariable {
    /// The value an environment gets from the package alone: the current value it
    /// carries, else the default.
    pub fn effective_value(&self) -> Option<&Spanned<String>> {
        self.value.as_ref().or(self.default_value.as_ref())
    }
}

/// `environmentvariabledefinition.type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableType {
    String,
    Number,
    Boolean,
    Json,
    DataSource,
    Secret,
    /// A code dvlint does not know, as written (empty when there is no `<type>`).
    Unknown(String),
}

impl VariableType {
    pub fn from_code(code: &str) -> Self {
        match code.trim() {
            "100000000" => Self::String,
            "100000001" => Self::Number,
            "100000002" => Self::Boolean,
            "100000003" => Self::Json,
            "100000004" => Self::DataSource,
            "100000005" => Self::Secret,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// The code as the package writes it.
    pub fn code(&self) -> &str {
        match self {
            Self::String => "100000000",
            Self::Number => "100000001",
            Self::Boolean => "100000002",
            Self::Json => "100000003",
            Self::DataSource => "100000004",
            Self::Secret => "100000005",
            Self::Unknown(code) => code,
        }
    }

    /// In words, as the maker portal names the types: "text", "yes/no".
    pub fn noun(&self) -> &'static str {
        match self {
            Self::String => "text",
            Self::Number => "number",
            Self::Boolean => "yes/no",
            Self::Json => "JSON",
            Self::DataSource => "data source",
            Self::Secret => "secret",
            Self::Unknown(_) => "unknown type",
        }
    }
}

/// A connection reference the solution defines (`connectionreference`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionReference {
    /// As written: `cat_BusinessApprovalKitO365Outlook`.
    pub logical_name: String,
    /// `<connectionreferencedisplayname>`.
    pub display_name: Option<String>,
    /// The direct child `<connectorid>`:
    /// `/providers/Microsoft.PowerApps/apis/shared_office365`. (A custom
    /// connector's `<customconnectorid><connectorid>` is its GUID, not this.)
    pub connector_id: Option<Spanned<String>>,
    /// The definition element.
    pub span: Span,
}

impl ConnectionReference {
    /// The connector's short name, the last part of its id: `shared_office365`.
    pub fn connector_name(&self) -> Option<&str> {
        let id = &self.connector_id.as_ref()?.value;
        id.rsplit('/').next().filter(|name| !name.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_code_round_trips_and_has_words() {
        for code in 100000000..=100000005 {
            let kind = VariableType::from_code(&code.to_string());
            assert!(!matches!(kind, VariableType::Unknown(_)), "{code}");
            assert_eq!(kind.code(), code.to_string());
        }
        assert_eq!(VariableType::from_code(" 100000002 ").noun(), "yes/no");
        let odd = VariableType::from_code("100000009");
        assert_eq!(odd, VariableType::Unknown("100000009".to_owned()));
        assert_eq!(odd.code(), "100000009");
        assert_eq!(VariableType::from_code("").code(), "");
    }
}
