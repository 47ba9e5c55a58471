//! Solution components other than tables, columns, relationships and global
//! choices: processes, security roles, web resources, apps, plug-ins, forms,
//! views and the many newer kinds. One struct serves them all; what differs
//! between kinds is data ([`KINDS`]), not code.

use crate::source::Span;

/// One component a package carries.
#[derive(Debug, Clone)]
pub struct Component {
    /// The logical name of the Dataverse table that stores it: `workflow`, `role`.
    pub kind: String,
    /// Its key within the kind, lower case: the unique name where the platform has
    /// one, otherwise the GUID without braces.
    pub key: String,
    /// For people: the display name, or the key as written.
    pub name: String,
    /// The element that defines it.
    pub span: Span,
    /// Carried only as a reference: `unmodified="1"`, or an empty container that
    /// exists only to hold a component of its own (a masking rule's column rule).
    pub reference: bool,
    /// The tables it belongs to (lower case): a form's, view's or chart's table, a
    /// process's primary table, both tables of a column mapping. It goes when one
    /// of them goes.
    pub tables: Vec<String>,
    /// What the kind alone does not say: a process's category, a form's type.
    pub variant: Option<Variant>,
    /// `<CanBeDeleted>0`: nobody can delete it, so an upgrade does not either (the
    /// views and forms the platform creates with every table).
    pub deletable: bool,
}

impl Component {
    /// `workflow/6d9315a8-4e94-ef11-8a69-7c1e524a2ae3`.
    pub fn id(&self) -> String {
        component_id(&self.kind, &self.key)
    }

    /// The kind in words, as a finding names it: "cloud flow", "dashboard".
    pub fn noun(&self) -> &'static str {
        self.variant
            .as_ref()
            .and_then(Variant::noun)
            .or_else(|| kind_info(&self.kind).map(|info| info.noun))
            .unwrap_or("component")
    }

    /// What an upgrade that deletes it takes along, for the finding.
    pub fn loss(&self) -> &'static str {
        self.variant
            .as_ref()
            .and_then(Variant::loss)
            .or_else(|| kind_info(&self.kind).map(|info| info.loss))
            .unwrap_or("an upgrade deletes it")
    }
}

/// `<kind>/<key>`.
pub fn component_id(kind: &str, key: &str) -> String {
    format!("{kind}/{key}")
}

/// A finer kind, where the words or the loss differ within one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Variant {
    /// A `workflow` row's `Category`.
    Process(ProcessCategory),
    /// A dashboard is a `systemform` of type 0.
    Dashboard,
    /// A plug-in assembly's `Version`, major.minor: the platform holds two
    /// assemblies of one name only when these differ.
    Assembly(String),
}

impl Variant {
    fn noun(&self) -> Option<&'static str> {
        match self {
            Variant::Process(category) => Some(category.noun()),
            Variant::Dashboard => Some("dashboard"),
            Variant::Assembly(_) => None,
        }
    }

    fn loss(&self) -> Option<&'static str> {
        match self {
            Variant::Process(category) => Some(category.loss()),
            Variant::Dashboard => Some("users lose it, with the charts and lists it shows"),
            Variant::Assembly(_) => None,
        }
    }
}

/// `workflow.category`: what kind of process a `workflow` row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessCategory {
    Workflow,
    Dialog,
    BusinessRule,
    Action,
    BusinessProcessFlow,
    CloudFlow,
    DesktopFlow,
    /// A category number dvlint does not know.
    Other,
}

impl ProcessCategory {
    pub fn from_code(code: &str) -> Self {
        match code.trim() {
            "0" => Self::Workflow,
            "1" => Self::Dialog,
            "2" => Self::BusinessRule,
            "3" => Self::Action,
            "4" => Self::BusinessProcessFlow,
            "5" => Self::CloudFlow,
            "6" => Self::DesktopFlow,
            _ => Self::Other,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Self::Workflow => "classic workflow",
            Self::Dialog => "dialog",
            Self::BusinessRule => "business rule",
            Self::Action => "action",
            Self::BusinessProcessFlow => "business process flow",
            Self::CloudFlow => "cloud flow",
            Self::DesktopFlow => "desktop flow",
            Self::Other => "process",
        }
    }

    fn loss(self) -> &'static str {
        match self {
            Self::Workflow => "it stops running, and its system jobs go with it",
            Self::Dialog => "it can no longer be started",
            Self::BusinessRule => "its logic stops on forms and on the server",
            Self::Action => "calls to its message fail",
            Self::BusinessProcessFlow => {
                "rows lose their place in it, and its process table goes with it"
            }
            Self::CloudFlow | Self::DesktopFlow => {
                "it stops running, and its run history goes with it"
            }
            Self::Other => "an upgrade deletes it",
        }
    }
}

/// How a `<RootComponent>` of a kind names its component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKey {
    /// `schemaName`, the unique name.
    SchemaName,
    /// `id`, the GUID.
    Id,
    /// `schemaName` holds an assembly's full name (`Name, Version=…, Culture=…,
    /// PublicKeyToken=…`); the key is its simple name.
    AssemblyName,
}

/// What dvlint knows of a kind.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    pub kind: &'static str,
    /// In words: "security role".
    pub noun: &'static str,
    pub plural: &'static str,
    /// The `RootComponent type` numbers that name a component of this kind.
    pub root_types: &'static [u32],
    pub root_key: RootKey,
    /// What an upgrade that deletes it takes along.
    pub loss: &'static str,
}

/// Every kind dvlint reads a definition of, in the order `dvlint components` lists
/// them. Kinds found in generic component folders but not listed here are named
/// by their table name.
pub static KINDS: &[KindInfo] = &[
    KindInfo {
        kind: "workflow",
        noun: "process",
        plural: "processes",
        root_types: &[29],
        root_key: RootKey::Id,
        loss: "an upgrade deletes it",
    },
    KindInfo {
        kind: "role",
        noun: "security role",
        plural: "security roles",
        root_types: &[20],
        root_key: RootKey::Id,
        loss: "users and teams that held it lose its privileges",
    },
    KindInfo {
        kind: "fieldsecurityprofile",
        noun: "column security profile",
        plural: "column security profiles",
        root_types: &[70],
        root_key: RootKey::Id,
        loss: "users and teams in it lose their access to its secured columns",
    },
    KindInfo {
        kind: "environmentvariabledefinition",
        noun: "environment variable",
        plural: "environment variables",
        root_types: &[380],
        root_key: RootKey::SchemaName,
        loss: "its value in every environment goes with it",
    },
    KindInfo {
        kind: "connectionreference",
        noun: "connection reference",
        plural: "connection references",
        root_types: &[],
        root_key: RootKey::SchemaName,
        loss: "the flows and apps that use it stop working",
    },
    KindInfo {
        kind: "connector",
        noun: "custom connector",
        plural: "custom connectors",
        root_types: &[371, 372],
        root_key: RootKey::SchemaName,
        loss: "the connections, flows and apps that use it stop working",
    },
    KindInfo {
        kind: "webresource",
        noun: "web resource",
        plural: "web resources",
        root_types: &[61],
        root_key: RootKey::SchemaName,
        loss: "forms, commands and apps that load it break",
    },
    KindInfo {
        kind: "appmodule",
        noun: "model-driven app",
        plural: "model-driven apps",
        root_types: &[80],
        root_key: RootKey::SchemaName,
        loss: "its users lose the app, with its settings and role assignments",
    },
    KindInfo {
        kind: "appmodulesitemap",
        noun: "site map",
        plural: "site maps",
        root_types: &[62],
        root_key: RootKey::SchemaName,
        loss: "the app that shows it loses its navigation",
    },
    KindInfo {
        kind: "sitemap",
        noun: "site map",
        plural: "organization site maps",
        // Type 62 names app site maps too; root-component-missing looks for both.
        root_types: &[],
        root_key: RootKey::SchemaName,
        loss: "the organization's navigation loses this solution's changes",
    },
    KindInfo {
        kind: "appaction",
        noun: "command",
        plural: "commands",
        root_types: &[],
        root_key: RootKey::SchemaName,
        loss: "its button goes from the app's command bar",
    },
    KindInfo {
        kind: "canvasapp",
        noun: "canvas app",
        plural: "canvas apps",
        root_types: &[300],
        root_key: RootKey::SchemaName,
        loss: "its users lose it, with its versions and its sharing",
    },
    KindInfo {
        kind: "customcontrol",
        noun: "code component",
        plural: "code components",
        root_types: &[66],
        root_key: RootKey::SchemaName,
        loss: "forms, views and apps that use it lose the control",
    },
    KindInfo {
        kind: "pluginassembly",
        noun: "plug-in assembly",
        plural: "plug-in assemblies",
        root_types: &[91],
        root_key: RootKey::AssemblyName,
        loss: "its plug-in types go with it, and every step that runs them",
    },
    KindInfo {
        kind: "sdkmessageprocessingstep",
        noun: "plug-in step",
        plural: "plug-in steps",
        root_types: &[92],
        root_key: RootKey::Id,
        loss: "the code it runs on its message stops running",
    },
    KindInfo {
        kind: "customapi",
        noun: "custom API",
        plural: "custom APIs",
        root_types: &[],
        root_key: RootKey::SchemaName,
        loss: "calls to its message fail",
    },
    KindInfo {
        kind: "customapirequestparameter",
        noun: "custom API request parameter",
        plural: "custom API request parameters",
        root_types: &[],
        root_key: RootKey::SchemaName,
        loss: "callers that pass it fail",
    },
    KindInfo {
        kind: "customapiresponseproperty",
        noun: "custom API response property",
        plural: "custom API response properties",
        root_types: &[],
        root_key: RootKey::SchemaName,
        loss: "callers that read it get nothing",
    },
    KindInfo {
        kind: "systemform",
        noun: "form",
        plural: "forms and dashboards",
        root_types: &[60],
        root_key: RootKey::Id,
        loss: "users who open it get another form",
    },
    KindInfo {
        kind: "savedquery",
        noun: "view",
        plural: "views",
        root_types: &[26],
        root_key: RootKey::Id,
        loss: "users, apps and subgrids that show it lose it",
    },
    KindInfo {
        kind: "savedqueryvisualization",
        noun: "chart",
        plural: "charts",
        root_types: &[59],
        root_key: RootKey::Id,
        loss: "users and dashboards that show it lose it",
    },
    KindInfo {
        kind: "entitymap",
        noun: "column mapping",
        plural: "column mappings",
        // Type 46, but a mapping has no id in a package to match a root with.
        root_types: &[],
        root_key: RootKey::Id,
        loss: "rows created from a related row no longer get its values",
    },
    KindInfo {
        kind: "template",
        noun: "email template",
        plural: "email templates",
        root_types: &[36],
        root_key: RootKey::Id,
        loss: "emails and flows that use it lose it",
    },
    KindInfo {
        kind: "report",
        noun: "report",
        plural: "reports",
        root_types: &[31],
        root_key: RootKey::Id,
        loss: "its users lose it, with its schedules and snapshots",
    },
    KindInfo {
        kind: "msdyn_aimodel",
        noun: "AI model",
        plural: "AI models",
        root_types: &[401],
        root_key: RootKey::Id,
        loss: "the flows and apps that use it lose its predictions",
    },
    KindInfo {
        kind: "entityimageconfig",
        noun: "table image setting",
        plural: "table image settings",
        root_types: &[],
        root_key: RootKey::SchemaName,
        loss: "the table's primary image setting goes with it",
    },
    KindInfo {
        kind: "attributeimageconfig",
        noun: "image column setting",
        plural: "image column settings",
        root_types: &[],
        root_key: RootKey::SchemaName,
        loss: "the column's image settings go with it",
    },
    KindInfo {
        kind: "connectionrole",
        noun: "connection role",
        plural: "connection roles",
        root_types: &[63],
        root_key: RootKey::Id,
        loss: "connections that use it lose their role",
    },
];

/// What dvlint knows of `kind`, if it is one of [`KINDS`].
pub fn kind_info(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|info| info.kind == kind)
}

/// The kind a `RootComponent type` number names, when dvlint reads its definitions.
pub fn kind_of_root_type(root_type: u32) -> Option<&'static KindInfo> {
    KINDS
        .iter()
        .find(|info| info.root_types.contains(&root_type))
}

/// A GUID as a key: braces and whitespace dropped, lower case.
pub fn guid_key(text: &str) -> String {
    text.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim()
        .to_ascii_lowercase()
}

/// `1.0` for `Contoso.Plugins, Version=1.0.3.7, Culture=neutral, …`.
pub fn assembly_major_minor(full_name: &str) -> Option<String> {
    let version = full_name
        .split(',')
        .find_map(|part| part.trim().strip_prefix("Version="))?;
    let mut parts = version.trim().split('.');
    Some(format!("{}.{}", parts.next()?, parts.next().unwrap_or("0")))
}

/// `CreateBusinessApprovalWF` for
/// `CreateBusinessApprovalWF, Version=1.0.0.0, Culture=neutral, PublicKeyToken=…`.
pub fn assembly_simple_name(full_name: &str) -> &str {
    full_name.split(',').next().unwrap_or(full_name).trim()
}

/// A path that the YAML form's `solutioncomponents.yml` lists, as a path from
/// the YAML root: no leading or trailing `/`, `\` read as `/`.
pub fn listed_path(path: &str) -> String {
    path.trim().replace('\\', "/").trim_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_listed_once_and_root_types_are_unambiguous() {
        let mut seen = std::collections::BTreeSet::new();
        let mut types = std::collections::BTreeSet::new();
        for info in KINDS {
            assert!(seen.insert(info.kind), "{} listed twice", info.kind);
            assert_eq!(info.kind, info.kind.to_ascii_lowercase());
            for root_type in info.root_types {
                assert!(types.insert(*root_type), "type {root_type} twice");
            }
        }
    }

    #[test]
    fn keys_are_normalised() {
        assert_eq!(
            guid_key(" {6D9315A8-4E94-EF11-8A69-7C1E524A2AE3} "),
            "6d9315a8-4e94-ef11-8a69-7c1e524a2ae3"
        );
        assert_eq!(
            assembly_simple_name("Contoso.Plugins, Version=1.0.0.0, Culture=neutral"),
            "Contoso.Plugins"
        );
        assert_eq!(
            assembly_major_minor("Contoso.Plugins, Version=2.1.0.3, Culture=neutral").as_deref(),
            Some("2.1")
        );
        assert_eq!(assembly_major_minor("Contoso.Plugins"), None);
    }
}
