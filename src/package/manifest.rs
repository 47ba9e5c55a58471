//! `solution.xml` (zip) / `Other/Solution.xml` (unpacked): the package root and the
//! solution manifest.

use super::xml::{Element, XmlCursor};
use super::LoadError;
use crate::model::component::guid_key;
use crate::model::{
    DependencyNode, Managed, Manifest, MissingDependency, PackageInfo, ParentSolution, Publisher,
    RequiredSolution, RootComponent, SolutionVersion,
};
use crate::source::Spanned;

pub fn parse(cur: &mut XmlCursor<'_>) -> Result<(PackageInfo, Manifest), LoadError> {
    let root = cur.root()?;
    if !root.is("ImportExportXml") {
        return Err(cur.error_at(
            root.span,
            format!(
                "not a solution manifest: the root element is <{}>, expected <ImportExportXml>",
                root.name_str()
            ),
        ));
    }
    let package = PackageInfo {
        root_span: root.span,
        exported_by: cur.attr(&root, "version")?,
        package_version: cur.attr(&root, "SolutionPackageVersion")?,
        minimum_version: cur.attr(&root, "minimumversion")?,
    };
    let mut manifest = None;
    if !root.is_empty {
        while let Some(child) = cur.next_child()? {
            if child.is("SolutionManifest") && manifest.is_none() {
                manifest = Some(parse_manifest(cur, &child)?);
            } else {
                cur.skip(&child)?;
            }
        }
    }
    let manifest = manifest
        .ok_or_else(|| cur.error_at(root.span, "no <SolutionManifest> in <ImportExportXml>"))?;
    Ok((package, manifest))
}

#[derive(Default)]
struct ManifestParts {
    unique_name: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    managed: Option<Spanned<String>>,
    publisher: Option<Publisher>,
    parent: Option<ParentSolution>,
    root_components: Vec<RootComponent>,
    missing_dependencies: Vec<MissingDependency>,
}

fn parse_manifest(cur: &mut XmlCursor<'_>, element: &Element<'_>) -> Result<Manifest, LoadError> {
    let mut parts = ManifestParts::default();
    if !element.is_empty {
        while let Some(child) = cur.next_child()? {
            match child.name() {
                b"UniqueName" => parts.unique_name = Some(cur.text(&child)?),
                b"Version" => parts.version = Some(cur.text(&child)?),
                b"Managed" => parts.managed = Some(cur.text(&child)?),
                b"Publisher" => parts.publisher = Some(parse_publisher(cur, &child)?),
                b"ParentSolution" => parts.parent = Some(parse_parent(cur, &child)?),
                b"RootComponents" => parts.root_components = parse_root_components(cur, &child)?,
                b"MissingDependencies" => {
                    parts.missing_dependencies = parse_missing_dependencies(cur, &child)?
                }
                _ => cur.skip(&child)?,
            }
        }
    }
    let required =
        |what: &str| cur.error_at(element.span, format!("<SolutionManifest> has no {what}"));
    let unique_name = non_empty(parts.unique_name).ok_or_else(|| required("<UniqueName>"))?;
    let version = non_empty(parts.version).ok_or_else(|| required("<Version>"))?;
    let managed_text = parts.managed.ok_or_else(|| required("<Managed>"))?;
    let managed = Managed::from_xml(&managed_text.value).ok_or_else(|| {
        cur.error_at(
            managed_text.span,
            format!(
                "<Managed> is `{}`; expected 0 (unmanaged), 1 (managed) or 2 (both)",
                managed_text.value
            ),
        )
    })?;
    let publisher = parts.publisher.ok_or_else(|| required("<Publisher>"))?;
    Ok(Manifest {
        span: element.span,
        unique_name,
        version: Spanned::new(SolutionVersion::parse(&version.value), version.span),
        managed: Spanned::new(managed, managed_text.span),
        publisher,
        parent: parts.parent,
        root_components: parts.root_components,
        missing_dependencies: parts.missing_dependencies,
    })
}

fn non_empty(value: Option<Spanned<String>>) -> Option<Spanned<String>> {
    value.filter(|v| !v.value.is_empty())
}

fn parse_publisher(cur: &mut XmlCursor<'_>, element: &Element<'_>) -> Result<Publisher, LoadError> {
    let mut unique_name = None;
    let mut customization_prefix = None;
    let mut option_value_prefix = None;
    if !element.is_empty {
        while let Some(child) = cur.next_child()? {
            match child.name() {
                b"UniqueName" => unique_name = Some(cur.text(&child)?),
                b"CustomizationPrefix" => customization_prefix = non_empty(Some(cur.text(&child)?)),
                b"CustomizationOptionValuePrefix" => {
                    option_value_prefix = non_empty(Some(cur.text(&child)?))
                }
                _ => cur.skip(&child)?,
            }
        }
    }
    let unique_name = non_empty(unique_name)
        .ok_or_else(|| cur.error_at(element.span, "<Publisher> has no <UniqueName>"))?;
    Ok(Publisher {
        span: element.span,
        unique_name,
        customization_prefix,
        option_value_prefix,
    })
}

/// `<ParentSolution>`: no real exported patch is public, so accept any children in
/// any order, and a `UniqueName` attribute as well as a child element.
fn parse_parent(
    cur: &mut XmlCursor<'_>,
    element: &Element<'_>,
) -> Result<ParentSolution, LoadError> {
    let mut unique_name = cur.attr(element, "UniqueName")?;
    let mut version = None;
    if !element.is_empty {
        while let Some(child) = cur.next_child()? {
            match child.name() {
                b"UniqueName" => unique_name = Some(cur.text(&child)?),
                b"Version" => {
                    let text = cur.text(&child)?;
                    version = Some(Spanned::new(SolutionVersion::parse(&text.value), text.span));
                }
                _ => cur.skip(&child)?,
            }
        }
    }
    Ok(ParentSolution {
        span: element.span,
        unique_name: non_empty(unique_name),
        version,
    })
}

fn parse_root_components(
    cur: &mut XmlCursor<'_>,
    element: &Element<'_>,
) -> Result<Vec<RootComponent>, LoadError> {
    let mut components = Vec::new();
    if element.is_empty {
        return Ok(components);
    }
    while let Some(child) = cur.next_child()? {
        if child.is("RootComponent") {
            // `type` is a number in every manifest seen; a root without one names
            // nothing dvlint can look for.
            let kind = cur.attr(&child, "type")?.and_then(|t| t.value.parse().ok());
            let schema_name = cur
                .attr(&child, "schemaName")?
                .map(|n| n.value)
                .filter(|n| !n.is_empty());
            let id = cur
                .attr(&child, "id")?
                .map(|id| guid_key(&id.value))
                .filter(|id| !id.is_empty());
            let behavior = cur
                .attr(&child, "behavior")?
                .and_then(|b| b.value.parse().ok());
            if let Some(kind) = kind.filter(|_| schema_name.is_some() || id.is_some()) {
                components.push(RootComponent {
                    kind,
                    schema_name,
                    id,
                    behavior,
                    span: child.span,
                });
            }
        }
        cur.skip(&child)?;
    }
    Ok(components)
}

fn parse_missing_dependencies(
    cur: &mut XmlCursor<'_>,
    element: &Element<'_>,
) -> Result<Vec<MissingDependency>, LoadError> {
    let mut dependencies = Vec::new();
    if element.is_empty {
        return Ok(dependencies);
    }
    while let Some(child) = cur.next_child()? {
        if !child.is("MissingDependency") || child.is_empty {
            cur.skip(&child)?;
            continue;
        }
        let (mut required, mut dependent) = (None, None);
        while let Some(part) = cur.next_child()? {
            if part.is("Required") {
                required = Some(dependency_node(cur, &part, true)?);
            } else if part.is("Dependent") {
                dependent = Some(dependency_node(cur, &part, false)?);
            } else {
                cur.skip(&part)?;
            }
        }
        // A dependency without its `<Required>` names nothing to look for.
        if let Some(required) = required {
            dependencies.push(MissingDependency {
                span: child.span,
                required,
                dependent,
            });
        }
    }
    Ok(dependencies)
}

/// The alternate keys (`id.<attribute>=`) new exports name components by, in the
/// order they are preferred. Keys of a parent (`id.parentappmoduleid.uniquename`)
/// are not the component's own.
const ALTERNATE_KEYS: [&str; 5] = [
    "uniquename",
    "name",
    "connectionreferencelogicalname",
    "schemaname",
    "logicalname",
];

fn dependency_node(
    cur: &mut XmlCursor<'_>,
    element: &Element<'_>,
    required: bool,
) -> Result<DependencyNode, LoadError> {
    let text = |value: Option<Spanned<String>>| value.map(|v| v.value).filter(|v| !v.is_empty());
    let mut alternate_key = None;
    for key in ALTERNATE_KEYS {
        if let Some(value) = text(cur.attr(element, &format!("id.{key}"))?) {
            alternate_key = Some((key.to_owned(), value));
            break;
        }
    }
    let solution = match cur.attr(element, "solution")? {
        Some(solution) if required => RequiredSolution::parse(&solution.value, solution.span),
        _ => None,
    };
    let mut node = DependencyNode {
        span: element.span,
        kind: text(cur.attr(element, "type")?).unwrap_or_default(),
        schema_name: text(cur.attr(element, "schemaName")?),
        display_name: text(cur.attr(element, "displayName")?),
        id: text(cur.attr(element, "id")?)
            .map(|id| guid_key(&id))
            .filter(|id| !id.is_empty()),
        alternate_key,
        parent_schema_name: text(cur.attr(element, "parentSchemaName")?),
        parent_display_name: text(cur.attr(element, "parentDisplayName")?),
        solution,
        package: None,
    };
    if !element.is_empty {
        while let Some(child) = cur.next_child()? {
            if child.is("package") {
                node.package = Some(cur.text(&child)?.value).filter(|p| !p.trim().is_empty());
            } else {
                cur.skip(&child)?;
            }
        }
    }
    Ok(node)
}
