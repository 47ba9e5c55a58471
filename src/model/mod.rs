//! The solution model: what dvlint knows of a package once it is loaded, with the
//! place every value a rule may blame was read from.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::source::{Location, SourceFile, Span, Spanned};

pub mod component;
pub mod deployment;
mod options;

pub use component::{Component, KindInfo, ProcessCategory, RootKey, Variant};
pub use deployment::{ConnectionReference, EnvironmentVariable, VariableType};
pub use options::Options;

/// One loaded solution package (zip, unpacked folder or extracted export).
#[derive(Debug)]
pub struct Solution {
    /// The path the user named, as they wrote it.
    pub origin: String,
    pub form: PackageForm,
    /// Every file a span may point into, indexed by [`crate::source::FileId`].
    pub files: Vec<Arc<SourceFile>>,
    pub package: PackageInfo,
    pub manifest: Manifest,
    /// Tables by logical (lower-case) name.
    pub entities: BTreeMap<String, Entity>,
    /// Global choices by lower-case name.
    pub option_sets: BTreeMap<String, OptionSet>,
    /// Relationships by lower-case schema name.
    pub relationships: BTreeMap<String, Relationship>,
    /// Every other component (processes, roles, web resources, forms, …) by id
    /// (`workflow/6d93…`): see [`component`].
    pub components: BTreeMap<String, Component>,
    /// The details of the environment variables the package defines (not those it
    /// only references), by lower-case schema name: the key of their component
    /// (`environmentvariabledefinition/<key>`).
    pub environment_variables: BTreeMap<String, EnvironmentVariable>,
    /// The details of the connection references it defines, by lower-case logical
    /// name (`connectionreference/<key>`).
    pub connection_references: BTreeMap<String, ConnectionReference>,
    /// The YAML form's `solutioncomponents.yml` paths that name no file or folder
    /// (pac packs without them, silently); none in the XML forms.
    pub missing_component_paths: Vec<Spanned<String>>,
}

impl Solution {
    pub fn locate(&self, span: Span) -> Location {
        Location {
            file: Arc::clone(&self.files[span.file.0 as usize]),
            start: span.start as usize,
            end: span.end as usize,
            line: span.line as usize,
            column: span.column as usize,
        }
    }

    /// Whether both were read from the same bytes, file for file (their lengths
    /// and CRC-32s agree): a solution nobody changed (a pre-commit hook checks
    /// every solution against `git:HEAD`).
    pub fn same_content(&self, other: &Solution) -> bool {
        self.form == other.form
            && self.files.len() == other.files.len()
            && self
                .files
                .iter()
                .zip(&other.files)
                .all(|(a, b)| a.digest == b.digest)
    }

    /// A short description for summaries: `ContosoCore 1.2.0.0`.
    pub fn title(&self) -> String {
        format!(
            "{} {}",
            self.manifest.unique_name.value, self.manifest.version.value.raw
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageForm {
    /// An exported `.zip` (or a zip of an unpacked folder).
    Zip,
    /// A SolutionPackager / `pac solution unpack` folder.
    Unpacked,
    /// A folder holding `solution.xml` and `customizations.xml` at its root.
    ExtractedExport,
    /// The YAML source format of Dataverse Git integration.
    Yaml,
}

/// Attributes of the `<ImportExportXml>` root of `solution.xml`.
#[derive(Debug, Clone)]
pub struct PackageInfo {
    /// The root element's start tag: where package-level findings point.
    pub root_span: Span,
    /// `version`: the build of the environment that exported the package.
    pub exported_by: Option<Spanned<String>>,
    /// `SolutionPackageVersion`: the package format, major.minor.
    pub package_version: Option<Spanned<String>>,
    /// `minimumversion`: CRM 2011 packages carry this instead of `SolutionPackageVersion`.
    pub minimum_version: Option<Spanned<String>>,
}

impl PackageInfo {
    /// The effective package format version: `SolutionPackageVersion`, or a CRM 2011
    /// package's `minimumversion` (5.0).
    pub fn effective_package_version(&self) -> Option<&Spanned<String>> {
        self.package_version
            .as_ref()
            .or(self.minimum_version.as_ref())
    }
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub span: Span,
    pub unique_name: Spanned<String>,
    pub version: Spanned<SolutionVersion>,
    pub managed: Spanned<Managed>,
    pub publisher: Publisher,
    /// `<ParentSolution>` of a patch.
    pub parent: Option<ParentSolution>,
    pub root_components: Vec<RootComponent>,
    pub missing_dependencies: Vec<MissingDependency>,
}

impl Manifest {
    /// The `behavior` of the table's root component, when the manifest lists it.
    pub fn table_behavior(&self, logical_name: &str) -> Option<u8> {
        self.root_components
            .iter()
            .find(|c| {
                c.kind == 1
                    && c.schema_name
                        .as_deref()
                        .is_some_and(|name| name.eq_ignore_ascii_case(logical_name))
            })
            .and_then(|c| c.behavior)
    }
}

#[derive(Debug, Clone)]
pub struct ParentSolution {
    pub span: Span,
    pub unique_name: Option<Spanned<String>>,
    pub version: Option<Spanned<SolutionVersion>>,
}

#[derive(Debug, Clone)]
pub struct Publisher {
    pub span: Span,
    pub unique_name: Spanned<String>,
    pub customization_prefix: Option<Spanned<String>>,
    pub option_value_prefix: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Managed {
    Unmanaged,
    Managed,
    /// `2` in unpacked source built with `SolutionPackageType=Both`.
    Both,
}

impl Managed {
    pub fn from_xml(text: &str) -> Option<Self> {
        match text.trim() {
            "0" | "false" => Some(Self::Unmanaged),
            "1" | "true" => Some(Self::Managed),
            "2" => Some(Self::Both),
            _ => None,
        }
    }

    /// Whether a package in this state can upgrade (or patch) one in `other`.
    pub fn compatible_with(self, other: Managed) -> bool {
        self == other || self == Managed::Both || other == Managed::Both
    }
}

impl fmt::Display for Managed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Managed::Unmanaged => "unmanaged",
            Managed::Managed => "managed",
            Managed::Both => "both (managed and unmanaged)",
        })
    }
}

/// `<RootComponent type=… schemaName=…|id=… behavior=…>`: a component the solution
/// holds as a whole (its subcomponents come with it).
#[derive(Debug, Clone)]
pub struct RootComponent {
    /// The `type` number (1 table, 29 process, 61 web resource, …).
    pub kind: u32,
    pub schema_name: Option<String>,
    /// `id` without braces, lower case.
    pub id: Option<String>,
    pub behavior: Option<u8>,
    /// The element.
    pub span: Span,
}

/// One `<MissingDependency>` of the manifest: a component the package needs
/// (`<Required>`) that the exporting environment had outside this solution, and
/// the component of this solution that needs it (`<Dependent>`).
#[derive(Debug, Clone)]
pub struct MissingDependency {
    pub span: Span,
    pub required: DependencyNode,
    pub dependent: Option<DependencyNode>,
}

impl MissingDependency {
    /// What needs the required component, in words: its `<Dependent>`, or the
    /// solution itself when the export names none.
    pub fn needed_by(&self) -> String {
        self.dependent
            .as_ref()
            .map_or_else(|| "the solution".to_owned(), DependencyNode::describe)
    }
}

/// A `<Required>` or `<Dependent>` element. Old exports name components by
/// `schemaName` (and `key=` numbers); new ones add `id.<key>=` alternate keys and
/// `type` names instead of numbers (`type="connectionreference"`).
#[derive(Debug, Clone)]
pub struct DependencyNode {
    pub span: Span,
    /// `type` as written: a component type number (`1`, `372`) or a name.
    pub kind: String,
    pub schema_name: Option<String>,
    pub display_name: Option<String>,
    /// The GUID, lower case without braces.
    pub id: Option<String>,
    /// The first `id.<attribute>=` alternate key: (`name`, `Date_Slash`).
    pub alternate_key: Option<(String, String)>,
    pub parent_schema_name: Option<String>,
    pub parent_display_name: Option<String>,
    /// `solution="msdynce_Service (9.0.5.56)"` of a `<Required>`.
    pub solution: Option<RequiredSolution>,
    /// `<package>msdyn_FlowApprovals (2.0.4.8)</package>`: the package that installs it.
    pub package: Option<String>,
}

impl DependencyNode {
    /// The component's id in dvlint's scheme (DESIGN.md §1, §6): `cts_project`,
    /// `cts_project.cts_budget`, `connectionreference/cts_outlook`; `None` when
    /// the element names it by nothing dvlint can key on.
    pub fn component_id(&self) -> Option<String> {
        let lower = |s: &Option<String>| s.as_deref().map(str::to_ascii_lowercase);
        let schema = lower(&self.schema_name);
        let alternate = self
            .alternate_key
            .as_ref()
            .map(|(_, v)| v.to_ascii_lowercase());
        let Ok(code) = self.kind.trim().parse::<u32>() else {
            // A type written by name: the Dataverse table's logical name, as in dvlint's kinds.
            let kind = self.kind.trim().to_ascii_lowercase();
            if kind.is_empty() {
                return None;
            }
            let key = alternate.or(schema).or_else(|| self.id.clone())?;
            return Some(component::component_id(&kind, &key));
        };
        match code {
            1 => schema,
            2 => {
                let parent = lower(&self.parent_schema_name)?;
                Some(format!("{parent}.{}", schema?))
            }
            3 | 10 | 9 => schema,
            62 => Some(component::component_id("appmodulesitemap", &schema?)),
            _ => {
                let info = component::kind_of_root_type(code)?;
                let key = match info.root_key {
                    RootKey::SchemaName => alternate.or(schema)?,
                    RootKey::Id => self.id.clone()?,
                    RootKey::AssemblyName => {
                        component::assembly_simple_name(self.schema_name.as_deref()?)
                            .to_ascii_lowercase()
                    }
                };
                Some(component::component_id(info.kind, &key))
            }
        }
    }

    /// What kind of component it is, in words: `table`, `column`, `cloud flow`…
    pub fn noun(&self) -> String {
        let Ok(code) = self.kind.trim().parse::<u32>() else {
            return component::kind_info(&self.kind.trim().to_ascii_lowercase())
                .map_or_else(|| self.kind.trim().to_owned(), |info| info.noun.to_owned());
        };
        match code {
            1 => "table".to_owned(),
            2 => "column".to_owned(),
            3 | 10 => "relationship".to_owned(),
            9 => "global choice".to_owned(),
            62 => "site map".to_owned(),
            _ => component::kind_of_root_type(code).map_or_else(
                || format!("component of type {code}"),
                |info| info.noun.to_owned(),
            ),
        }
    }

    /// How a message names it: ``table Approval (`msdyn_flow_approval`)``.
    pub fn describe(&self) -> String {
        let key = self
            .component_id()
            .or_else(|| self.schema_name.clone())
            .or_else(|| self.id.clone());
        let noun = self.noun();
        match (&self.display_name, key) {
            (Some(display), Some(key)) if !names_the_same(display, &key) => {
                format!("{noun} {display} (`{key}`)")
            }
            (_, Some(key)) => format!("{noun} `{key}`"),
            (Some(display), None) => format!("{noun} {display}"),
            (None, None) => noun,
        }
    }
}

/// Whether a display name only repeats the key (`cts_x` for `connectionreference/cts_x`).
fn names_the_same(display: &str, key: &str) -> bool {
    let last = key.rsplit(['/', '.']).next().unwrap_or(key);
    display.eq_ignore_ascii_case(key) || display.eq_ignore_ascii_case(last)
}

/// The solution a required component comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredSolution {
    pub unique_name: String,
    /// The version the exporting environment had; `None` when not written.
    pub version: Option<SolutionVersion>,
    pub span: Span,
}

impl RequiredSolution {
    /// `solution="Active"`: the exporting environment's unmanaged layer, which no
    /// solution installs.
    pub fn is_active_layer(&self) -> bool {
        self.unique_name.eq_ignore_ascii_case("Active")
    }

    /// `System`: the platform itself, present in every environment.
    pub fn is_system(&self) -> bool {
        self.unique_name.eq_ignore_ascii_case("System")
    }

    /// Reads `Name (1.2.3.4)` or a bare `Name`.
    pub fn parse(text: &str, span: Span) -> Option<Self> {
        let text = text.trim();
        let (name, version) = match text.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
            Some((name, version)) => (name.trim(), Some(SolutionVersion::parse(version))),
            None => (text, None),
        };
        (!name.is_empty()).then(|| Self {
            unique_name: name.to_owned(),
            version: version.filter(SolutionVersion::is_valid),
            span,
        })
    }
}

/// A solution version as written (`1.0.0.6`, `2.0`, `0.0.0051`), compared part by
/// part as integers, a missing part counting as 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolutionVersion {
    pub raw: String,
    /// `None` when the text is not 2–4 dot-separated integers.
    pub parts: Option<[u64; 4]>,
}

impl SolutionVersion {
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim().to_owned();
        let pieces: Vec<&str> = raw.split('.').collect();
        let valid = (2..=4).contains(&pieces.len())
            && pieces
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 18 && p.bytes().all(|b| b.is_ascii_digit()));
        let parts = valid.then(|| {
            let mut parts = [0u64; 4];
            for (slot, piece) in parts.iter_mut().zip(&pieces) {
                // At most 18 digits: always fits in a u64.
                *slot = piece.parse().unwrap_or(0);
            }
            parts
        });
        Self { raw, parts }
    }

    pub fn is_valid(&self) -> bool {
        self.parts.is_some()
    }

    /// Numeric comparison; `None` when either side is invalid.
    pub fn compare(&self, other: &SolutionVersion) -> Option<Ordering> {
        Some(self.parts?.cmp(&other.parts?))
    }

    pub fn major_minor(&self) -> Option<(u64, u64)> {
        self.parts.map(|p| (p[0], p[1]))
    }
}

impl fmt::Display for SolutionVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// A table. Present when its `<Entity>` is, even without `<EntityInfo>`.
#[derive(Debug, Clone)]
pub struct Entity {
    /// Schema name as written (`ss_PositionType`).
    pub schema_name: String,
    pub logical_name: String,
    /// `<Name LocalizedName=…>`, or the table's first localized name: for people.
    pub display_name: Option<String>,
    /// The `<Name>` element (or `<entity Name=…>` when there is no `<Name>`).
    pub span: Span,
    /// Whether the table's metadata (`<EntityInfo>`) travels with the package.
    pub has_metadata: bool,
    /// `unmodified="1"` on `<entity>`: carried only as a reference.
    pub unmodified: bool,
    /// Columns by logical name.
    pub attributes: BTreeMap<String, Attribute>,
}

#[derive(Debug, Clone)]
pub struct Attribute {
    // Text fields are `Box<str>`, not `String`: a column-heavy export holds tens of
    // thousands of columns a package, and each field's capacity word is memory the
    // issue's 0.6x budget counts.
    /// `PhysicalName` as written.
    pub schema_name: Box<str>,
    /// Lower case.
    pub logical_name: Box<str>,
    /// The first `<displaynames><displayname description=…>`: for people.
    pub display_name: Option<Box<str>>,
    /// The `<attribute>` start tag.
    pub span: Span,
    pub kind: Option<Spanned<String>>,
    pub max_length: Option<Spanned<u64>>,
    /// `<RequiredLevel>` as written (`none`, `recommended`, `required`, `systemrequired`).
    pub required_level: Option<Box<str>>,
    /// `<IsCustomField>`; `None` when absent.
    pub is_custom: Option<bool>,
    pub unmodified: bool,
    /// A local choice defined inside the column (boxed: most columns have none).
    pub local_options: Option<Box<OptionSet>>,
    /// `<OptionSetName>`: the global choice this column uses.
    pub global_option_set: Option<Spanned<String>>,
    /// `PrimaryName` in `<DisplayMask>`: the column lives and dies with its table.
    pub is_primary_name: bool,
    /// `<CalculationOf>` (lower case): a platform companion such as a money column's
    /// `_base` column, which goes with the column it is computed from.
    pub calculation_of: Option<Box<str>>,
}

/// A choice: global (under `optionsets`) or local to a column.
#[derive(Debug, Clone)]
pub struct OptionSet {
    pub name: String,
    /// `localizedName`, or the first `<displaynames><displayname>`: for people.
    pub display_name: Option<String>,
    /// The `<optionset>` start tag.
    pub span: Span,
    pub kind: Option<String>,
    pub unmodified: bool,
    /// Options (and states/statuses) by value.
    pub options: Options,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OptionValue {
    pub value: i64,
    pub span: Span,
    /// The first label, for messages.
    pub label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Relationship {
    /// Schema name as written.
    pub name: String,
    pub span: Span,
    pub kind: Option<String>,
    /// Lower-case logical names of the tables it joins (both sides of a 1:N, or
    /// the first and second tables of an N:N).
    pub entities: Vec<String>,
    /// The lookup column of a one-to-many relationship: (table, column), lower case.
    pub lookup: Option<(String, String)>,
    pub unmodified: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> SolutionVersion {
        SolutionVersion::parse(text)
    }

    #[test]
    fn real_version_shapes_parse() {
        for text in [
            "1.0.0.6",
            "2.0",
            "0.0.7",
            "0.0.0051",
            "8.1.0000.0359",
            "1.23091.1",
        ] {
            assert!(v(text).is_valid(), "{text}");
        }
        assert_eq!(v("0.0.0051").parts, Some([0, 0, 51, 0]));
        assert_eq!(v(" 1.2 ").raw, "1.2");
    }

    #[test]
    fn invalid_versions_are_recognised() {
        for text in [
            "",
            "1",
            "1.2.3.4.5",
            "1.0.beta",
            "1..2",
            "-1.0",
            "1.0.",
            "v1.0",
            "1.2.3.99999999999999999999",
        ] {
            assert!(!v(text).is_valid(), "{text}");
        }
    }

    #[test]
    fn versions_compare_numerically_part_by_part() {
        assert_eq!(v("1.61").compare(&v("1.7")), Some(Ordering::Greater));
        assert_eq!(v("1.0").compare(&v("1.0.0.0")), Some(Ordering::Equal));
        assert_eq!(
            v("0.0.0051").compare(&v("0.0.0005")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            v("2.0.0").compare(&v("1.99.99.99")),
            Some(Ordering::Greater)
        );
        assert_eq!(v("1.0.x").compare(&v("1.0")), None);
    }

    #[test]
    fn managed_both_matches_either_state() {
        assert!(Managed::Both.compatible_with(Managed::Managed));
        assert!(Managed::Unmanaged.compatible_with(Managed::Both));
        assert!(!Managed::Managed.compatible_with(Managed::Unmanaged));
        assert_eq!(Managed::from_xml("2"), Some(Managed::Both));
        assert_eq!(Managed::from_xml("3"), None);
    }
}
