//! Tables, columns, choices and relationships: `customizations.xml` in a zip, and
//! `Entities/*/Entity.xml`, `OptionSets/*.xml`, `Other/Relationships/*.xml` in
//! unpacked source. The same element parsers serve both forms.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use super::components::{self, Place};
use super::xml::{Element, XmlCursor};
use super::LoadError;
use crate::model::{
    Attribute, Component, ConnectionReference, Entity, EnvironmentVariable, OptionSet, OptionValue,
    Relationship,
};
use crate::source::Spanned;

/// What one file contributed, in document order.
#[derive(Default)]
pub struct Components {
    pub entities: Vec<Entity>,
    pub option_sets: Vec<OptionSet>,
    pub relationships: Vec<Relationship>,
    /// Every other component: processes, roles, forms, views, …
    pub components: Vec<Component>,
    /// The details of the environment variables and connection references among
    /// `components` that are not references, with their component's key.
    pub variables: Vec<(String, EnvironmentVariable)>,
    pub references: Vec<(String, ConnectionReference)>,
}

/// Parses any file that holds components, whatever its root: `<ImportExportXml>`
/// (customizations.xml), `<Entity>`, `<optionset>`, `<EntityRelationships>`, or
/// the definition of another component (`<Workflow>`, `<forms>`, …). `place`
/// says what the file's path tells about it.
pub fn parse_file(cur: &mut XmlCursor<'_>, place: &Place) -> Result<Components, LoadError> {
    let root = cur.root()?;
    let mut found = Components::default();
    match root.name() {
        _ if place.generic.is_some() => components::read_file_root(cur, &root, place, &mut found)?,
        b"ImportExportXml" => parse_sections(cur, &root, &mut found)?,
        b"Entity" => {
            let entity = parse_entity(cur, &root, &mut found)?;
            found.entities.push(entity);
        }
        b"optionset" => found.option_sets.push(parse_option_set(cur, &root)?),
        b"EntityRelationships" => parse_relationships(cur, &root, &mut found)?,
        b"EntityRelationship" => found.relationships.push(parse_relationship(cur, &root)?),
        name if components::is_group(name) || place.optional => {
            components::read_file_root(cur, &root, place, &mut found)?
        }
        _ => {
            return Err(cur.error_at(
                root.span,
                format!(
                    "unexpected root element <{}>: not a solution customizations file",
                    root.name_str()
                ),
            ))
        }
    }
    Ok(found)
}

fn parse_sections(
    cur: &mut XmlCursor<'_>,
    root: &Element<'_>,
    found: &mut Components,
) -> Result<(), LoadError> {
    if root.is_empty {
        return Ok(());
    }
    while let Some(section) = cur.next_child()? {
        match section.name() {
            b"Entities" => each_child(cur, &section, "Entity", |cur, el| {
                let entity = parse_entity(cur, el, found)?;
                found.entities.push(entity);
                Ok(())
            })?,
            b"optionsets" => each_child(cur, &section, "optionset", |cur, el| {
                found.option_sets.push(parse_option_set(cur, el)?);
                Ok(())
            })?,
            b"EntityRelationships" => parse_relationships(cur, &section, found)?,
            // Email templates: only this top-level `<Templates>` holds them (a
            // ribbon has a `<Templates>` of its own).
            b"Templates" => components::read_group(cur, &section, None, found)?,
            b"SiteMap" => {
                found
                    .components
                    .push(components::legacy_site_map(cur, &section)?);
                cur.skip(&section)?
            }
            name if components::is_group(name) => {
                components::read_group(cur, &section, None, found)?
            }
            // Languages, organization settings and sections dvlint does not read.
            _ => cur.skip(&section)?,
        }
    }
    Ok(())
}

/// Calls `each` for every child of `parent` named `name`, skipping the others.
fn each_child<'a>(
    cur: &mut XmlCursor<'a>,
    parent: &Element<'_>,
    name: &str,
    mut each: impl FnMut(&mut XmlCursor<'a>, &Element<'a>) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    if parent.is_empty {
        return Ok(());
    }
    while let Some(child) = cur.next_child_among(|child| child == name.as_bytes())? {
        each(cur, &child)?;
    }
    Ok(())
}

fn parse_relationships(
    cur: &mut XmlCursor<'_>,
    parent: &Element<'_>,
    found: &mut Components,
) -> Result<(), LoadError> {
    each_child(cur, parent, "EntityRelationship", |cur, el| {
        // `Other/Relationships.xml` is an index of empty `<EntityRelationship Name=…/>`
        // elements: the definitions are in `Other/Relationships/*.xml`.
        if el.is_empty {
            return Ok(());
        }
        found.relationships.push(parse_relationship(cur, el)?);
        Ok(())
    })
}

/// A table; its forms, views and charts go to `found`.
fn parse_entity(
    cur: &mut XmlCursor<'_>,
    element: &Element<'_>,
    found: &mut Components,
) -> Result<Entity, LoadError> {
    let mut name: Option<Spanned<String>> = None;
    let mut info: Option<EntityInfo> = None;
    let mut display_name = None;
    let first_part = found.components.len();
    if !element.is_empty {
        while let Some(child) = cur.next_child()? {
            match child.name() {
                b"Name" if name.is_none() => {
                    display_name = cur.attr(&child, "LocalizedName")?.map(|n| n.value);
                    name = Some(name_text(cur, &child, "table name")?)
                }
                b"EntityInfo" => info = parse_entity_info(cur, &child)?.or(info),
                b"FormXml" | b"SavedQueries" | b"Visualizations" => {
                    components::read_group(cur, &child, None, found)?
                }
                _ => cur.skip(&child)?,
            }
        }
    }
    let has_metadata = info.is_some();
    let (info_name, unmodified, attributes) = match info {
        Some(info) => {
            display_name = display_name.filter(|n| !n.is_empty()).or(info.display_name);
            (Some(info.name), info.unmodified, info.attributes)
        }
        None => (None, false, BTreeMap::new()),
    };
    let name = name
        .filter(|n| !n.value.is_empty())
        .or(info_name)
        .ok_or_else(|| cur.error_at(element.span, "<Entity> has no <Name>"))?;
    let logical_name = name.value.to_ascii_lowercase();
    for part in &mut found.components[first_part..] {
        part.tables = vec![logical_name.clone()];
    }
    Ok(Entity {
        logical_name,
        display_name: display_name.filter(|n| !n.is_empty()),
        schema_name: name.value,
        span: name.span,
        has_metadata,
        unmodified,
        attributes,
    })
}

/// What `<EntityInfo><entity Name=…>` says of a table.
struct EntityInfo {
    name: Spanned<String>,
    unmodified: bool,
    /// The first `<LocalizedNames><LocalizedName description=…>`.
    display_name: Option<String>,
    attributes: BTreeMap<String, Attribute>,
}

/// `<EntityInfo><entity Name=…>`: the name, `unmodified`, and the columns.
fn parse_entity_info(
    cur: &mut XmlCursor<'_>,
    element: &Element<'_>,
) -> Result<Option<EntityInfo>, LoadError> {
    let mut result = None;
    each_child(cur, element, "entity", |cur, entity| {
        let name = cur
            .attr(entity, "Name")?
            .ok_or_else(|| cur.error_at(entity.span, "<entity> has no `Name` attribute"))?;
        let name = visible(cur, name, "table name")?;
        let unmodified = cur.unmodified(entity)?;
        // Read in document order, then sorted once: a map filled entry by entry
        // costs a search per column and leaves its nodes a third empty; one built
        // from sorted entries is dense, and the columns are most of a model.
        let mut attributes: Vec<(String, Attribute)> = Vec::new();
        let mut display_name = None;
        if !entity.is_empty {
            while let Some(part) = cur.next_child()? {
                match part.name() {
                    b"attributes" => each_child(cur, &part, "attribute", |cur, el| {
                        let attribute = parse_attribute(cur, el)?;
                        attributes.push((attribute.logical_name.to_string(), attribute));
                        Ok(())
                    })?,
                    b"LocalizedNames" if display_name.is_none() => {
                        display_name = first_description(cur, &part, "LocalizedName")?
                    }
                    _ => cur.skip(&part)?,
                }
            }
        }
        if let Some((first, second)) = sort_columns(&mut attributes) {
            let (first, second) = (&attributes[first].1, &attributes[second].1);
            // Which definition an import keeps is not knowable, like a table
            // defined twice.
            return Err(cur.error_at(
                second.span,
                format!(
                    "column `{}` is defined twice in table `{}` (first at {})",
                    second.logical_name,
                    name.value.to_ascii_lowercase(),
                    cur.line_of(first.span, second.span)
                ),
            ));
        }
        result = Some(EntityInfo {
            name,
            unmodified,
            display_name,
            attributes: attributes.into_iter().collect(),
        });
        Ok(())
    })?;
    Ok(result)
}

/// Sorts a table's columns by name, and finds the first name defined twice: the
/// places (after sorting) of the two definitions whose second comes first in
/// the document, as a reader stopping at the first repeat would report them.
///
/// Real exports list columns sorted by name already: checked, not sorted. Else
/// the places are sorted, and the columns (a few hundred bytes each) moved once.
fn sort_columns<T>(columns: &mut [(String, T)]) -> Option<(usize, usize)> {
    let first_repeat = |order: &mut dyn Iterator<Item = (usize, usize)>| {
        order
            .filter(|&(a, b)| columns[a].0 == columns[b].0)
            .min_by_key(|&(_, b)| b)
    };
    if columns.is_sorted_by(|(a, _), (b, _)| a <= b) {
        return first_repeat(&mut (1..columns.len()).map(|i| (i - 1, i)));
    }
    let mut order: Vec<usize> = (0..columns.len()).collect();
    // Stable: a name's definitions stay in document order.
    order.sort_by(|&a, &b| columns[a].0.cmp(&columns[b].0));
    // Where the repeat's two definitions go once sorted (before the order is used up).
    let place = |i| order.iter().position(|&o| o == i).unwrap_or(i);
    let places = first_repeat(&mut order.windows(2).map(|w| (w[0], w[1])))
        .map(|(first, second)| (place(first), place(second)));
    apply_order(columns, &mut order);
    places
}

/// Moves `items[order[i]]` to place `i`, following each cycle with swaps (as
/// `slice::sort_by_cached_key` does).
fn apply_order<T>(items: &mut [T], order: &mut [usize]) {
    for i in 0..items.len() {
        let mut from = order[i];
        // Where the item that was at `from` went, when it was swapped away.
        while from < i {
            from = order[from];
        }
        order[i] = from;
        items.swap(i, from);
    }
}

fn parse_attribute(cur: &mut XmlCursor<'_>, element: &Element<'_>) -> Result<Attribute, LoadError> {
    let physical = cur
        .attr(element, "PhysicalName")?
        .map(|name| visible(cur, name, "column name"))
        .transpose()?;
    let unmodified = cur.unmodified(element)?;
    let mut logical = None;
    let mut kind = None;
    let mut max_length = None;
    let mut required_level = None;
    let mut is_custom = None;
    let mut local_options = None;
    let mut global_option_set = None;
    let mut is_primary_name = false;
    let mut calculation_of = None;
    let mut display_name = None;
    if !element.is_empty {
        // Most of a column's 30-odd children are not read: they are skipped
        // unmade. The names here are the arms of the match below.
        let read = |name: &[u8]| {
            matches!(
                name,
                b"LogicalName"
                    | b"Name"
                    | b"Type"
                    | b"MaxLength"
                    | b"RequiredLevel"
                    | b"IsCustomField"
                    | b"OptionSetName"
                    | b"optionset"
                    | b"DisplayMask"
                    | b"displaynames"
                    | b"CalculationOf"
            )
        };
        while let Some(child) = cur.next_child_among(read)? {
            match child.name() {
                b"LogicalName" => logical = Some(name_text(cur, &child, "column name")?),
                b"Name" if logical.is_none() => {
                    logical = Some(name_text(cur, &child, "column name")?)
                }
                b"Type" => kind = Some(cur.text(&child)?),
                b"MaxLength" => {
                    let text =
                        cur.text_with(&child, |t| t.parse::<u64>().map_err(|_| t.to_owned()))?;
                    let value = text.value.map_err(|written| {
                        cur.error_at(
                            text.span,
                            format!("<MaxLength> is `{written}`, not a number"),
                        )
                    })?;
                    max_length = Some(Spanned::new(value, text.span));
                }
                b"RequiredLevel" => {
                    required_level = cur
                        .text_with(&child, |l| (!l.is_empty()).then(|| Box::<str>::from(l)))?
                        .value
                }
                b"IsCustomField" => is_custom = Some(cur.text_with(&child, |t| t == "1")?.value),
                b"OptionSetName" => {
                    global_option_set = Some(cur.text(&child)?).filter(|n| !n.value.is_empty())
                }
                b"optionset" => local_options = Some(Box::new(parse_option_set(cur, &child)?)),
                b"DisplayMask" => {
                    is_primary_name = cur
                        .text_with(&child, |mask| mask.split('|').any(|m| m == "PrimaryName"))?
                        .value
                }
                b"displaynames" if display_name.is_none() => {
                    display_name = first_description(cur, &child, "displayname")?
                }
                b"CalculationOf" => {
                    calculation_of = cur
                        .text_with(&child, |c| {
                            (!c.is_empty()).then(|| Box::<str>::from(c.to_ascii_lowercase()))
                        })?
                        .value
                }
                _ => cur.skip(&child)?,
            }
        }
    }
    let logical_name = logical
        .map(|l| l.value)
        .filter(|l| !l.is_empty())
        .or_else(|| physical.as_ref().map(|p| p.value.clone()))
        .ok_or_else(|| {
            cur.error_at(
                element.span,
                "<attribute> has neither a `PhysicalName` attribute nor a <LogicalName>",
            )
        })?
        .to_ascii_lowercase();
    Ok(Attribute {
        schema_name: physical
            .map_or_else(|| logical_name.clone(), |p| p.value)
            .into_boxed_str(),
        logical_name: logical_name.into_boxed_str(),
        display_name: display_name.map(String::into_boxed_str),
        span: element.span,
        kind: kind.filter(|k| !k.value.is_empty()),
        max_length,
        required_level,
        is_custom,
        unmodified,
        local_options,
        global_option_set,
        is_primary_name,
        calculation_of,
    })
}

fn parse_option_set(
    cur: &mut XmlCursor<'_>,
    element: &Element<'_>,
) -> Result<OptionSet, LoadError> {
    let name = cur
        .attr(element, "Name")?
        .map(|name| visible(cur, name, "choice name"))
        .transpose()?
        .map(|n| n.value)
        .unwrap_or_default();
    let unmodified = cur.unmodified(element)?;
    let mut display_name = cur
        .attr(element, "localizedName")?
        .map(|n| n.value)
        .filter(|n| !n.is_empty());
    let mut kind = None;
    let mut options = BTreeMap::new();
    if !element.is_empty {
        while let Some(child) = cur.next_child()? {
            match child.name() {
                b"OptionSetType" => kind = Some(cur.text(&child)?.value),
                b"displaynames" if display_name.is_none() => {
                    display_name = first_description(cur, &child, "displayname")?
                }
                b"options" | b"states" | b"statuses" => {
                    parse_options(cur, &child, &name, &mut options)?
                }
                _ => cur.skip(&child)?,
            }
        }
    }
    Ok(OptionSet {
        name,
        display_name,
        span: element.span,
        kind,
        unmodified,
        options: options.into_values().collect(),
    })
}

fn parse_options(
    cur: &mut XmlCursor<'_>,
    list: &Element<'_>,
    choice: &str,
    options: &mut BTreeMap<i64, OptionValue>,
) -> Result<(), LoadError> {
    if list.is_empty {
        return Ok(());
    }
    while let Some(option) = cur.next_child()? {
        if !matches!(option.name(), b"option" | b"state" | b"status") {
            cur.skip(&option)?;
            continue;
        }
        let value_attr = cur
            .attr(&option, "value")?
            .ok_or_else(|| cur.error_at(option.span, "an option without a `value` attribute"))?;
        let value = value_attr.value.parse::<i64>().map_err(|_| {
            cur.error_at(
                value_attr.span,
                format!("option value `{}` is not a whole number", value_attr.value),
            )
        })?;
        let label = first_label(cur, &option)?;
        match options.entry(value) {
            Entry::Vacant(slot) => {
                slot.insert(OptionValue {
                    value,
                    span: option.span,
                    label,
                });
            }
            Entry::Occupied(first) => {
                let choice = match choice {
                    "" => "a choice".to_owned(),
                    name => format!("choice `{name}`"),
                };
                return Err(cur.error_at(
                    option.span,
                    format!(
                        "option value {value} is defined twice in {choice} (first at {})",
                        cur.line_of(first.get().span, option.span)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The text of `element`, a name ([`visible`]).
fn name_text<'a>(
    cur: &mut XmlCursor<'a>,
    element: &Element<'a>,
    what: &str,
) -> Result<Spanned<String>, LoadError> {
    let text = cur.text(element)?;
    visible(cur, text, what)
}

/// A name with an invisible character in it — a byte-order mark inside the file,
/// a zero-width space pasted in — is another name that looks the same in every
/// message (a table "removed" and "added" at once): refused.
pub(super) fn visible(
    cur: &XmlCursor<'_>,
    name: Spanned<String>,
    what: &str,
) -> Result<Spanned<String>, LoadError> {
    let invisible = |c: &char| {
        c.is_control()
            || matches!(
                c,
                '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
            )
    };
    match name.value.chars().find(invisible) {
        None => Ok(name),
        Some(c) => Err(cur.error_at(
            name.span,
            format!(
                "{what} `{}` holds U+{:04X}, an invisible character{}",
                name.value.escape_debug(),
                u32::from(c),
                if c == '\u{FEFF}' {
                    " (a byte-order mark inside the file)"
                } else {
                    ""
                }
            ),
        )),
    }
}

/// The first non-empty `description` of the `name` children of `list`
/// (`<displaynames><displayname description=…>`).
pub(super) fn first_description(
    cur: &mut XmlCursor<'_>,
    list: &Element<'_>,
    name: &str,
) -> Result<Option<String>, LoadError> {
    let mut found = None;
    each_child(cur, list, name, |cur, el| {
        if found.is_none() {
            found = cur
                .attr(el, "description")?
                .map(|d| d.value)
                .filter(|d| !d.is_empty());
        }
        cur.skip(el)
    })?;
    Ok(found)
}

/// The first `<label description=…>` under an option, for messages.
fn first_label(cur: &mut XmlCursor<'_>, option: &Element<'_>) -> Result<Option<String>, LoadError> {
    let mut label = None;
    each_child(cur, option, "labels", |cur, labels| {
        each_child(cur, labels, "label", |cur, el| {
            if label.is_none() {
                label = cur.attr(el, "description")?.map(|d| d.value);
            }
            cur.skip(el)
        })
    })?;
    Ok(label)
}

fn parse_relationship(
    cur: &mut XmlCursor<'_>,
    element: &Element<'_>,
) -> Result<Relationship, LoadError> {
    let name = cur.attr(element, "Name")?.ok_or_else(|| {
        cur.error_at(element.span, "<EntityRelationship> has no `Name` attribute")
    })?;
    let name = visible(cur, name, "relationship name")?;
    let unmodified = cur.unmodified(element)?;
    let mut kind = None;
    let mut entities = Vec::new();
    let mut referencing = None;
    let mut lookup_column = None;
    if !element.is_empty {
        while let Some(child) = cur.next_child()? {
            match child.name() {
                b"EntityRelationshipType" => kind = Some(cur.text(&child)?.value),
                b"ReferencingAttributeName" => {
                    lookup_column = Some(cur.text(&child)?.value.to_ascii_lowercase())
                }
                b"ReferencingEntityName"
                | b"ReferencedEntityName"
                | b"FirstEntityName"
                | b"SecondEntityName" => {
                    let entity = cur.text(&child)?.value.to_ascii_lowercase();
                    if child.is("ReferencingEntityName") {
                        referencing = Some(entity.clone());
                    }
                    if !entity.is_empty() && !entities.contains(&entity) {
                        entities.push(entity);
                    }
                }
                _ => cur.skip(&child)?,
            }
        }
    }
    Ok(Relationship {
        name: name.value,
        span: element.span,
        kind,
        entities,
        lookup: referencing
            .zip(lookup_column)
            .filter(|(table, column)| !table.is_empty() && !column.is_empty()),
        unmodified,
    })
}

#[cfg(test)]
mod tests {
    use super::sort_columns;
    use proptest::prelude::*;

    /// What a reader filling a map in document order would do: sort stably, and
    /// stop at the first name seen before, naming the place it was first seen.
    /// Columns as (name, place in the document).
    type Columns = Vec<(String, usize)>;

    fn by_a_map(names: &[String]) -> (Columns, Option<(usize, usize)>) {
        let mut sorted: Vec<(String, usize)> = names.iter().cloned().zip(0..).collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut seen = std::collections::HashMap::new();
        let repeat = names.iter().enumerate().find_map(|(i, name)| {
            let first = *seen.entry(name).or_insert(i);
            (first != i).then_some((first, i))
        });
        (sorted, repeat)
    }

    proptest! {
        // Names from a few letters repeat often; sorted inputs take the quick path.
        #[test]
        fn columns_sort_as_a_map_would_and_the_first_repeat_is_found(
            names in proptest::collection::vec("[a-e]{1,2}", 0..40),
            presorted in any::<bool>(),
        ) {
            let mut names = names;
            if presorted {
                names.sort();
            }
            let (expected, repeat) = by_a_map(&names);
            let mut columns: Columns = names.iter().cloned().zip(0..).collect();
            let places = sort_columns(&mut columns);
            prop_assert_eq!(&columns, &expected);
            // The places are after sorting; each names its definition's document place.
            let found = places.map(|(first, second)| (columns[first].1, columns[second].1));
            prop_assert_eq!(found, repeat);
        }
    }
}
