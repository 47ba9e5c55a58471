//! Every solution component other than tables, columns, relationships and global
//! choices, from every place a package defines one: the sections of
//! `customizations.xml`, a table's forms, views and charts, the files of unpacked
//! source (`Workflows/*.data.xml`, `Roles/*.xml`, …) and the lower-case component
//! folders newer exports and pac write in both forms
//! (`environmentvariabledefinitions/<name>/environmentvariabledefinition.xml`).
//!
//! Presence comes from the definition, never from a binary or a flow's JSON: the
//! corpus keeps only XML, and so may a repository.

use super::customizations::Components;
use super::deployment::Details;
use super::xml::{Element, XmlCursor};
use super::LoadError;
use crate::model::component::{assembly_major_minor, assembly_simple_name, guid_key};
use crate::model::{Component, ProcessCategory, Variant};
use crate::source::Spanned;

/// Where a key or a display name is read from.
#[derive(Debug, Clone, Copy)]
enum From {
    Attr(&'static str),
    Child(&'static str),
    /// The first `<LocalizedNames><LocalizedName description=…>`.
    LocalizedName,
}

/// How the key is made from what `Shape::key` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    /// A unique name, lower-cased.
    Name,
    /// A GUID: braces dropped, lower-cased.
    Guid,
    /// An assembly's full name: its simple name, lower-cased.
    AssemblyName,
    /// Two names joined: the key's and that of this child (an entity map's
    /// source and target; an image column's table and column).
    Pair(&'static str, &'static str),
}

/// How one kind is written in the platform's own (capitalised) format.
struct Shape {
    /// The element that defines one component.
    element: &'static str,
    kind: &'static str,
    key: From,
    rule: Key,
    /// Display names, in order of preference; the key as written otherwise.
    names: &'static [From],
}

const SHAPES: &[Shape] = &[
    Shape {
        element: "Workflow",
        kind: "workflow",
        key: From::Attr("WorkflowId"),
        rule: Key::Guid,
        names: &[From::Attr("Name"), From::LocalizedName],
    },
    Shape {
        element: "Role",
        kind: "role",
        key: From::Attr("id"),
        rule: Key::Guid,
        names: &[From::Attr("name")],
    },
    Shape {
        element: "FieldSecurityProfile",
        kind: "fieldsecurityprofile",
        key: From::Attr("fieldsecurityprofileid"),
        rule: Key::Guid,
        names: &[From::Attr("name")],
    },
    Shape {
        element: "WebResource",
        kind: "webresource",
        key: From::Child("Name"),
        rule: Key::Name,
        names: &[From::Child("DisplayName")],
    },
    Shape {
        element: "CanvasApp",
        kind: "canvasapp",
        key: From::Child("Name"),
        rule: Key::Name,
        names: &[From::Child("DisplayName")],
    },
    Shape {
        element: "AppModule",
        kind: "appmodule",
        key: From::Child("UniqueName"),
        rule: Key::Name,
        names: &[From::LocalizedName],
    },
    Shape {
        element: "AppModuleSiteMap",
        kind: "appmodulesitemap",
        key: From::Child("SiteMapUniqueName"),
        rule: Key::Name,
        names: &[From::Child("SiteMapName"), From::LocalizedName],
    },
    Shape {
        element: "CustomControl",
        kind: "customcontrol",
        key: From::Child("Name"),
        rule: Key::Name,
        names: &[],
    },
    Shape {
        element: "PluginAssembly",
        kind: "pluginassembly",
        key: From::Attr("FullName"),
        rule: Key::AssemblyName,
        names: &[],
    },
    Shape {
        element: "SdkMessageProcessingStep",
        kind: "sdkmessageprocessingstep",
        key: From::Attr("SdkMessageProcessingStepId"),
        rule: Key::Guid,
        names: &[From::Attr("Name")],
    },
    Shape {
        element: "Connector",
        kind: "connector",
        key: From::Child("name"),
        rule: Key::Name,
        names: &[From::Child("displayname")],
    },
    Shape {
        element: "Dashboard",
        kind: "systemform",
        key: From::Child("FormId"),
        rule: Key::Guid,
        names: &[From::LocalizedName],
    },
    Shape {
        element: "systemform",
        kind: "systemform",
        key: From::Child("formid"),
        rule: Key::Guid,
        names: &[From::LocalizedName],
    },
    Shape {
        element: "savedquery",
        kind: "savedquery",
        key: From::Child("savedqueryid"),
        rule: Key::Guid,
        names: &[From::LocalizedName],
    },
    Shape {
        element: "visualization",
        kind: "savedqueryvisualization",
        key: From::Child("savedqueryvisualizationid"),
        rule: Key::Guid,
        names: &[From::LocalizedName],
    },
    Shape {
        element: "EntityMap",
        kind: "entitymap",
        key: From::Child("EntitySource"),
        rule: Key::Pair("EntityTarget", "-"),
        names: &[],
    },
    Shape {
        element: "ConnectionRole",
        kind: "connectionrole",
        key: From::Child("connectionroleid"),
        rule: Key::Guid,
        names: &[From::Child("name")],
    },
    Shape {
        element: "emailtemplate",
        kind: "template",
        key: From::Child("templateid"),
        rule: Key::Guid,
        names: &[From::Child("title")],
    },
    Shape {
        element: "Report",
        kind: "report",
        key: From::Child("reportid"),
        rule: Key::Guid,
        names: &[From::Child("name")],
    },
    Shape {
        element: "AIModel",
        kind: "msdyn_aimodel",
        key: From::Child("msdyn_aimodelid"),
        rule: Key::Guid,
        names: &[From::Child("msdyn_name")],
    },
    Shape {
        element: "EntityImageConfig",
        kind: "entityimageconfig",
        key: From::Child("parententitylogicalname"),
        rule: Key::Name,
        names: &[],
    },
    Shape {
        element: "AttributeImageConfig",
        kind: "attributeimageconfig",
        key: From::Child("parententitylogicalname"),
        rule: Key::Pair("attributelogicalname", "."),
        names: &[],
    },
];

fn shape_of(element: &Element<'_>) -> Option<&'static Shape> {
    SHAPES
        .iter()
        .find(|s| element.name() == s.element.as_bytes())
}

/// Elements that only group components (sections of `customizations.xml`, a
/// table's `FormXml` and `SavedQueries`): walked through, down to the components.
const GROUPS: &[&str] = &[
    "Roles",
    "Workflows",
    "FieldSecurityProfiles",
    "WebResources",
    "CanvasApps",
    "AppModules",
    "AppModuleSiteMaps",
    "CustomControls",
    "SolutionPluginAssemblies",
    "SdkMessageProcessingSteps",
    "Connectors",
    "Dashboards",
    "EntityMaps",
    "ConnectionRoles",
    "EmailTemplates",
    "Reports",
    "AIModels",
    "EntityImageConfigs",
    "AttributeImageConfigs",
    "FormXml",
    "forms",
    "SavedQueries",
    "savedqueries",
    "Visualizations",
];

/// Whether `name` is a section or group that holds components dvlint reads.
pub fn is_group(name: &[u8]) -> bool {
    GROUPS.iter().any(|g| g.as_bytes() == name) || generic_plural(name).is_some()
}

/// A lower-case section `<xs>` whose children are `<x key=…>` components in the
/// generic format (`<connectionreferences><connectionreference …>`), or `None`.
fn generic_plural(name: &[u8]) -> Option<&str> {
    let name = std::str::from_utf8(name).ok()?;
    let lower = name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    // `optionsets` holds global choices, read with the tables.
    (lower && name != "optionsets")
        .then(|| singular(name))
        .flatten()
}

/// `customapis` → `customapi`, `customapiresponseproperties` → `customapiresponseproperty`.
fn singular(plural: &str) -> Option<&str> {
    plural.strip_suffix('s').filter(|s| !s.is_empty())
}

/// Whether `folder` is the plural pac writes for components of kind `kind`.
pub fn is_plural_of(folder: &str, kind: &str) -> bool {
    let folder = folder.to_ascii_lowercase();
    let kind = kind.to_ascii_lowercase();
    folder == format!("{kind}s")
        || kind
            .strip_suffix('y')
            .is_some_and(|stem| folder == format!("{stem}ies"))
}

/// Where a component file sits, for what its content does not say.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// The table folder (`Entities/<T>/…`): forms, views and charts belong to it.
    pub table: Option<String>,
    /// A generic component file: the kind its file name gives, and the keys of
    /// the components it is nested in (a custom API's parameters).
    pub generic: Option<Generic>,
    /// A file in a component folder, which may also hold files that define
    /// nothing (a code component's own manifest): a root dvlint does not know is
    /// skipped, not refused.
    pub optional: bool,
    /// The `environmentvariablevalues.json` beside an environment variable's
    /// definition file: the current value pac exported with it.
    pub values: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Generic {
    pub kind: String,
    pub parents: Vec<String>,
}

/// Reads the group or component `element` (a section of `customizations.xml`,
/// `FormXml`, a component element): every component in it.
pub fn read_group<'a>(
    cur: &mut XmlCursor<'a>,
    element: &Element<'a>,
    table: Option<&str>,
    out: &mut Components,
) -> Result<(), LoadError> {
    if let Some(shape) = shape_of(element) {
        out.components
            .push(read_component(cur, element, shape, table)?);
        return Ok(());
    }
    let known_group = GROUPS.iter().any(|g| g.as_bytes() == element.name());
    if let Some(kind) = generic_plural(element.name()).filter(|_| !known_group) {
        let kind = kind.to_owned();
        return each(cur, element, |cur, child| {
            if child.name() == kind.as_bytes() && read_generic(cur, child, &kind, &[], out)? {
                return Ok(());
            }
            cur.skip(child)
        });
    }
    each(cur, element, |cur, child| {
        if shape_of(child).is_some() || is_group(child.name()) {
            read_group(cur, child, table, out)
        } else {
            cur.skip(child)
        }
    })
}

/// Reads the root of a component file of unpacked source or of a component
/// folder. A root dvlint does not know is skipped: component folders also hold
/// files that define nothing (a code component's own manifest).
pub fn read_file_root<'a>(
    cur: &mut XmlCursor<'a>,
    root: &Element<'a>,
    place: &Place,
    out: &mut Components,
) -> Result<(), LoadError> {
    if let Some(generic) = &place.generic {
        if root.name().eq_ignore_ascii_case(generic.kind.as_bytes()) {
            read_generic(cur, root, &generic.kind, &generic.parents, out)?;
        }
        return Ok(());
    }
    if shape_of(root).is_some() || is_group(root.name()) {
        return read_group(cur, root, place.table.as_deref(), out);
    }
    Ok(())
}

/// Calls `each` for every child element of `parent`.
fn each<'a>(
    cur: &mut XmlCursor<'a>,
    parent: &Element<'_>,
    mut each: impl FnMut(&mut XmlCursor<'a>, &Element<'a>) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    if parent.is_empty {
        return Ok(());
    }
    while let Some(child) = cur.next_child()? {
        each(cur, &child)?;
    }
    Ok(())
}

/// The direct children of a component element that a shape may ask for.
#[derive(Default)]
struct Fields {
    texts: Vec<(&'static str, Spanned<String>)>,
    localized_name: Option<String>,
}

impl Fields {
    fn text(&self, name: &str) -> Option<&Spanned<String>> {
        self.texts
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, t)| t)
    }
}

/// Children read besides a shape's key and names.
const EXTRA: &[&str] = &["CanBeDeleted", "Category", "PrimaryEntity"];

fn wanted(shape: &Shape) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = EXTRA.to_vec();
    for from in std::iter::once(&shape.key).chain(shape.names) {
        if let From::Child(name) = from {
            names.push(name);
        }
    }
    if let Key::Pair(second, _) = shape.rule {
        names.push(second);
    }
    names
}

fn read_fields<'a>(
    cur: &mut XmlCursor<'a>,
    element: &Element<'a>,
    wanted: &[&'static str],
) -> Result<Fields, LoadError> {
    let mut fields = Fields::default();
    each(cur, element, |cur, child| {
        if let Some(name) = wanted
            .iter()
            .find(|w| child.name() == w.as_bytes() && fields.text(w).is_none())
        {
            let text = cur.text(child)?;
            fields.texts.push((name, text));
            return Ok(());
        }
        if child.is("LocalizedNames") && fields.localized_name.is_none() {
            fields.localized_name =
                super::customizations::first_description(cur, child, "LocalizedName")?;
            return Ok(());
        }
        cur.skip(child)
    })?;
    Ok(fields)
}

fn value_of(
    cur: &XmlCursor<'_>,
    element: &Element<'_>,
    fields: &Fields,
    from: From,
) -> Result<Option<Spanned<String>>, LoadError> {
    let value = match from {
        From::Attr(name) => cur.attr(element, name)?,
        From::Child(name) => fields.text(name).cloned(),
        From::LocalizedName => fields
            .localized_name
            .clone()
            .map(|name| Spanned::new(name, element.span)),
    };
    Ok(value.filter(|v| !v.value.is_empty()))
}

fn describe(from: From) -> String {
    match from {
        From::Attr(name) => format!("`{name}` attribute"),
        From::Child(name) => format!("<{name}> element"),
        From::LocalizedName => "localized name".to_owned(),
    }
}

fn read_component<'a>(
    cur: &mut XmlCursor<'a>,
    element: &Element<'a>,
    shape: &Shape,
    table: Option<&str>,
) -> Result<Component, LoadError> {
    let unmodified = cur.unmodified(element)?;
    let fields = read_fields(cur, element, &wanted(shape))?;
    let key = value_of(cur, element, &fields, shape.key)?.ok_or_else(|| {
        cur.error_at(
            element.span,
            format!(
                "<{}> has no {}: which {} it defines is unknown",
                shape.element,
                describe(shape.key),
                shape.kind
            ),
        )
    })?;
    let key = super::customizations::visible(cur, key, "component key")?;
    let mut name = None;
    for from in shape.names {
        if let Some(found) = value_of(cur, element, &fields, *from)? {
            name = Some(found.value);
            break;
        }
    }
    let mut variant = None;
    let mut tables: Vec<String> = table.map(str::to_owned).into_iter().collect();
    let key_text = match shape.rule {
        Key::Name => key.value.to_ascii_lowercase(),
        Key::Guid => guid_key(&key.value),
        Key::AssemblyName => {
            let simple = assembly_simple_name(&key.value).to_owned();
            name.get_or_insert_with(|| simple.clone());
            variant = assembly_major_minor(&key.value).map(Variant::Assembly);
            simple.to_ascii_lowercase()
        }
        Key::Pair(second, separator) => {
            let first = key.value.to_ascii_lowercase();
            let second = fields
                .text(second)
                .map(|t| t.value.to_ascii_lowercase())
                .unwrap_or_default();
            if shape.kind == "entitymap" {
                // A mapping goes with either of the tables it maps.
                name.get_or_insert_with(|| format!("{first} → {second}"));
                tables = vec![first.clone(), second.clone()];
            } else {
                name.get_or_insert_with(|| format!("{first}{separator}{second}"));
                tables = vec![first.clone()];
            }
            format!("{first}{separator}{second}")
        }
    };
    match shape.element {
        // An image setting belongs to its table.
        "EntityImageConfig" => tables = vec![key_text.clone()],
        "Workflow" => {
            let category = fields.text("Category").map_or(ProcessCategory::Other, |c| {
                ProcessCategory::from_code(&c.value)
            });
            variant = Some(Variant::Process(category));
            let primary = fields
                .text("PrimaryEntity")
                .map(|p| p.value.to_ascii_lowercase())
                .filter(|p| !p.is_empty() && p != "none");
            if tables.is_empty() {
                tables.extend(primary);
            }
        }
        "Dashboard" => variant = Some(Variant::Dashboard),
        _ => {}
    }
    let deletable = fields.text("CanBeDeleted").is_none_or(|c| c.value != "0");
    Ok(Component {
        kind: shape.kind.to_owned(),
        name: name.unwrap_or_else(|| key.value.clone()),
        key: key_text,
        span: element.span,
        reference: unmodified,
        tables,
        variant,
        deletable,
    })
}

/// The attributes a generic component is keyed by, in order of preference.
fn generic_key_attributes(kind: &str) -> [String; 5] {
    [
        "uniquename".to_owned(),
        "schemaname".to_owned(),
        format!("{kind}logicalname"),
        "name".to_owned(),
        format!("{kind}id"),
    ]
}

/// A component in the lower-case format (`<customapi uniquename=…>`), added to
/// `out` with the details of its kind, if it has any; `false` when the element
/// carries no key dvlint recognises: it is then left unread, for the caller to
/// skip.
fn read_generic<'a>(
    cur: &mut XmlCursor<'a>,
    element: &Element<'a>,
    kind: &str,
    parents: &[String],
    out: &mut Components,
) -> Result<bool, LoadError> {
    let mut key = None;
    for attribute in generic_key_attributes(kind) {
        if let Some(value) = cur
            .attr(element, &attribute)?
            .filter(|v| !v.value.is_empty())
        {
            key = Some(value);
            break;
        }
    }
    let Some(key) = key else {
        return Ok(false);
    };
    let key = super::customizations::visible(cur, key, "component key")?;
    let unmodified = cur.unmodified(element)?;
    let mut name: Option<String> = None;
    let mut children = 0;
    let display_child = format!("{kind}displayname");
    let mut details = Details::for_kind(kind);
    each(cur, element, |cur, child| {
        children += 1;
        if details.offer(cur, child)? {
            return Ok(());
        }
        if child.is("displayname") || (name.is_none() && child.is("buttonlabeltext")) {
            let default = cur.attr(child, "default")?.map(|d| d.value);
            let text = cur.text(child)?.value;
            if let Some(found) = default.or(Some(text)).filter(|n| !n.is_empty()) {
                name = Some(found);
            }
            return Ok(());
        }
        if name.is_none() && (child.is(&display_child) || child.is("name")) {
            name = Some(cur.text(child)?.value).filter(|n| !n.is_empty());
            return Ok(());
        }
        cur.skip(child)
    })?;
    let looks_like_guid = key.value.trim().trim_matches(['{', '}']).len() == 36
        && key.value.bytes().filter(|&b| b == b'-').count() == 4;
    let own = if looks_like_guid {
        guid_key(&key.value)
    } else {
        key.value.to_ascii_lowercase()
    };
    let mut full = parents.to_vec();
    full.push(own);
    // An element with nothing in it only holds a nested component that another
    // solution owns (`<maskingrule name="Email_HideName"></maskingrule>`).
    let reference = unmodified || children == 0;
    let component = Component {
        kind: kind.to_ascii_lowercase(),
        key: full.join("."),
        name: name.clone().unwrap_or_else(|| key.value.clone()),
        span: element.span,
        reference,
        tables: Vec::new(),
        variant: None,
        deletable: true,
    };
    // A reference names a component another solution defines: its details are
    // that solution's.
    if !reference {
        details.finish(component.key.clone(), key.value, name, element.span, out);
    }
    out.components.push(component);
    Ok(true)
}

/// The top-level `<SiteMap>` of packages from before model-driven apps: the
/// organization's one site map, customized by the solution.
pub fn legacy_site_map(cur: &XmlCursor<'_>, element: &Element<'_>) -> Result<Component, LoadError> {
    Ok(Component {
        kind: "sitemap".to_owned(),
        key: "sitemap".to_owned(),
        name: "SiteMap".to_owned(),
        span: element.span,
        reference: cur.unmodified(element)?,
        tables: Vec::new(),
        variant: None,
        deletable: false,
    })
}

#[cfg(test)]
mod tests {
    use crate::package::customizations::parse_file;
    use crate::package::xml::XmlCursor;
    use crate::source::FileId;

    use super::Place;

    /// Every section shape dvlint reads, as exports write them (shapes from real
    /// exports and, for the kinds no public export shows, the SDK's
    /// CustomizationsSolution.xsd).
    const CUSTOMIZATIONS: &str = r#"<ImportExportXml>
  <Roles><Role id="{5D2E8B14-7C3A-EF11-A72B-6045BD0F1C3A}" name="Manager"><RolePrivileges><RolePrivilege name="prvReadAccount" level="Global" /></RolePrivileges></Role></Roles>
  <Workflows><Workflow WorkflowId="{3f1c2a4e-9b7d-ef11-a72b-6045bd0f1c3a}" Name="Rule"><Category>2</Category><PrimaryEntity>cts_Project</PrimaryEntity></Workflow></Workflows>
  <FieldSecurityProfiles><FieldSecurityProfile name="Finance" fieldsecurityprofileid="{0a1b2c3d-0000-0000-0000-000000000001}"><FieldPermissions /></FieldSecurityProfile></FieldSecurityProfiles>
  <Templates><EmailTemplates><emailtemplate><templateid>{0a1b2c3d-0000-0000-0000-000000000002}</templateid><title>Welcome</title></emailtemplate></EmailTemplates></Templates>
  <EntityMaps><EntityMap><EntitySource>account</EntitySource><EntityTarget>cts_project</EntityTarget><AttributeMaps><AttributeMap /></AttributeMaps></EntityMap></EntityMaps>
  <CustomControls><CustomControl><Name>cts_Panel</Name></CustomControl></CustomControls>
  <Dashboards><Dashboard><LocalizedNames><LocalizedName description="Overview" languagecode="1033" /></LocalizedNames><FormId>{0a1b2c3d-0000-0000-0000-000000000003}</FormId><FormXml><forms type="dashboard"><form /></forms></FormXml></Dashboard></Dashboards>
  <WebResources><WebResource><Name>cts_/js/a.js</Name><DisplayName>A</DisplayName><CanBeDeleted>1</CanBeDeleted></WebResource></WebResources>
  <SolutionPluginAssemblies><PluginAssembly FullName="Cts.Plugins, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef" PluginAssemblyId="0a1b2c3d-0000-0000-0000-000000000004" /></SolutionPluginAssemblies>
  <SdkMessageProcessingSteps><SdkMessageProcessingStep Name="Cts.Plugins.Sync: Update of contact" SdkMessageProcessingStepId="{0a1b2c3d-0000-0000-0000-000000000005}" /></SdkMessageProcessingSteps>
  <AppModuleSiteMaps><AppModuleSiteMap><SiteMapUniqueName>cts_App</SiteMapUniqueName><SiteMap><Area Id="a" /></SiteMap></AppModuleSiteMap></AppModuleSiteMaps>
  <AppModules><AppModule><UniqueName>cts_App</UniqueName><LocalizedNames><LocalizedName description="Contoso" languagecode="1033" /></LocalizedNames></AppModule></AppModules>
  <CanvasApps><CanvasApp><Name>cts_timesheet_5d1f2</Name><DisplayName>Timesheet</DisplayName></CanvasApp></CanvasApps>
  <Connectors><Connector><name>cts_api</name><displayname>Contoso API</displayname></Connector></Connectors>
  <Reports><Report><name>Projects</name><reportid>{0a1b2c3d-0000-0000-0000-000000000006}</reportid></Report></Reports>
  <ConnectionRoles><ConnectionRoles><ConnectionRole><connectionroleid>{0a1b2c3d-0000-0000-0000-000000000007}</connectionroleid><name>Sponsor</name></ConnectionRole></ConnectionRoles></ConnectionRoles>
  <AIModels><AIModel><msdyn_aimodelid>{0a1b2c3d-0000-0000-0000-000000000008}</msdyn_aimodelid><msdyn_name>Invoices</msdyn_name><AIConfigurations><AIConfiguration /></AIConfigurations></AIModel></AIModels>
  <EntityImageConfigs><EntityImageConfig><parententitylogicalname>cts_project</parententitylogicalname><primaryimageattribute>cts_image</primaryimageattribute></EntityImageConfig></EntityImageConfigs>
  <AttributeImageConfigs><AttributeImageConfig><attributelogicalname>cts_image</attributelogicalname><parententitylogicalname>cts_project</parententitylogicalname></AttributeImageConfig></AttributeImageConfigs>
  <connectionreferences><connectionreference connectionreferencelogicalname="cts_Outlook"><connectionreferencedisplayname>Outlook</connectionreferencedisplayname></connectionreference></connectionreferences>
  <environmentvariabledefinitions><environmentvariabledefinition schemaname="cts_Url"><displayname default="URL" /></environmentvariabledefinition></environmentvariabledefinitions>
  <SiteMap><Area Id="x" /></SiteMap>
  <Languages><Language>1033</Language></Languages>
</ImportExportXml>"#;

    #[test]
    fn every_section_shape_gives_its_component() {
        let mut cur = XmlCursor::new(CUSTOMIZATIONS, FileId(0), "customizations.xml");
        let found = parse_file(&mut cur, &Place::default()).unwrap();
        let listed: Vec<(String, String, Vec<String>)> = found
            .components
            .iter()
            .map(|c| (c.id(), c.name.clone(), c.tables.clone()))
            .collect();
        let none = Vec::<String>::new;
        let expected = vec![
            (
                "role/5d2e8b14-7c3a-ef11-a72b-6045bd0f1c3a",
                "Manager",
                none(),
            ),
            (
                "workflow/3f1c2a4e-9b7d-ef11-a72b-6045bd0f1c3a",
                "Rule",
                vec!["cts_project".to_owned()],
            ),
            (
                "fieldsecurityprofile/0a1b2c3d-0000-0000-0000-000000000001",
                "Finance",
                none(),
            ),
            (
                "template/0a1b2c3d-0000-0000-0000-000000000002",
                "Welcome",
                none(),
            ),
            (
                "entitymap/account-cts_project",
                "account → cts_project",
                vec!["account".to_owned(), "cts_project".to_owned()],
            ),
            ("customcontrol/cts_panel", "cts_Panel", none()),
            (
                "systemform/0a1b2c3d-0000-0000-0000-000000000003",
                "Overview",
                none(),
            ),
            ("webresource/cts_/js/a.js", "A", none()),
            ("pluginassembly/cts.plugins", "Cts.Plugins", none()),
            (
                "sdkmessageprocessingstep/0a1b2c3d-0000-0000-0000-000000000005",
                "Cts.Plugins.Sync: Update of contact",
                none(),
            ),
            ("appmodulesitemap/cts_app", "cts_App", none()),
            ("appmodule/cts_app", "Contoso", none()),
            ("canvasapp/cts_timesheet_5d1f2", "Timesheet", none()),
            ("connector/cts_api", "Contoso API", none()),
            (
                "report/0a1b2c3d-0000-0000-0000-000000000006",
                "Projects",
                none(),
            ),
            (
                "connectionrole/0a1b2c3d-0000-0000-0000-000000000007",
                "Sponsor",
                none(),
            ),
            (
                "msdyn_aimodel/0a1b2c3d-0000-0000-0000-000000000008",
                "Invoices",
                none(),
            ),
            (
                "entityimageconfig/cts_project",
                "cts_project",
                vec!["cts_project".to_owned()],
            ),
            (
                "attributeimageconfig/cts_project.cts_image",
                "cts_project.cts_image",
                vec!["cts_project".to_owned()],
            ),
            ("connectionreference/cts_outlook", "Outlook", none()),
            ("environmentvariabledefinition/cts_url", "URL", none()),
            ("sitemap/sitemap", "SiteMap", none()),
        ];
        let expected: Vec<(String, String, Vec<String>)> = expected
            .into_iter()
            .map(|(id, name, tables)| (id.to_owned(), name.to_owned(), tables))
            .collect();
        assert_eq!(listed, expected);
    }

    #[test]
    fn a_generic_element_without_a_key_is_skipped_alone() {
        let text = r#"<ImportExportXml><connectionreferences><connectionreference connectionreferencelogicalname="cts_a"><x/></connectionreference><connectionreference><x/></connectionreference><connectionreference connectionreferencelogicalname="cts_b"/></connectionreferences><Roles><Role id="{5d2e8b14-7c3a-ef11-a72b-6045bd0f1c3a}" name="R"/></Roles></ImportExportXml>"#;
        let mut cur = XmlCursor::new(text, FileId(0), "customizations.xml");
        let found = parse_file(&mut cur, &Place::default()).unwrap();
        let ids: Vec<String> = found.components.iter().map(|c| c.id()).collect();
        assert_eq!(
            ids,
            [
                "connectionreference/cts_a",
                "connectionreference/cts_b",
                "role/5d2e8b14-7c3a-ef11-a72b-6045bd0f1c3a"
            ]
        );
    }

    #[test]
    fn a_definition_without_its_key_names_its_line() {
        let text = "<ImportExportXml>\n  <Workflows>\n    <Workflow Name=\"x\" />\n  </Workflows>\n</ImportExportXml>";
        let mut cur = XmlCursor::new(text, FileId(0), "customizations.xml");
        let error = parse_file(&mut cur, &Place::default()).err().unwrap();
        assert!(
            error
                .to_string()
                .starts_with("customizations.xml:3:5: <Workflow> has no `WorkflowId` attribute"),
            "{error}"
        );
    }
}
