//! What an upgrade from a baseline to a candidate deletes or changes. Computed
//! once per run and shared by the removal, change and `version-decreased` rules.
//!
//! Components marked `unmodified="1"` on either side are references, not content,
//! and never count. A removed table owns its columns, relationships, forms, views,
//! charts and bound processes: they are counted in its entry, not listed on their
//! own. A removed relationship owns its lookup column and column mapping.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Attribute, Component, Entity, OptionSet, OptionValue, Relationship, Solution};
use crate::rules::column_id;

#[derive(Debug)]
pub enum Change<'a> {
    Removed(Removed<'a>),
    TypeChanged {
        entity: &'a str,
        before: &'a Attribute,
        after: &'a Attribute,
    },
    LengthReduced {
        entity: &'a str,
        before: &'a Attribute,
        after: &'a Attribute,
    },
}

/// A component of the baseline that the candidate lacks.
#[derive(Debug)]
pub enum Removed<'a> {
    Table {
        entity: &'a Entity,
        columns: usize,
        relationships: usize,
        /// Its other components that go with it, counted by noun (`form`, `view`).
        parts: BTreeMap<&'static str, usize>,
    },
    Column {
        entity: &'a str,
        attribute: &'a Attribute,
    },
    Relationship {
        relationship: &'a Relationship,
        /// The lookup column (`table.column`) that goes with it, when the baseline
        /// has it and the candidate does not: reported here, not on its own.
        lookup: Option<String>,
        /// Whether its column mapping (`entitymap`) goes with it.
        mapping: bool,
    },
    OptionSet(&'a OptionSet),
    /// Any other component: a process, a role, a form of a table that stays, …
    Component(&'a Component),
    Option {
        /// `cts_priority` for a global choice, `cts_project.cts_stage` for a local one.
        owner: String,
        global: bool,
        option: &'a OptionValue,
    },
}

impl Removed<'_> {
    /// The component id (DESIGN.md §1).
    pub fn component(&self) -> String {
        match self {
            Removed::Table { entity, .. } => entity.logical_name.clone(),
            Removed::Column { entity, attribute } => column_id(entity, &attribute.logical_name),
            Removed::Relationship { relationship, .. } => relationship.name.to_ascii_lowercase(),
            Removed::OptionSet(o) => o.name.to_ascii_lowercase(),
            Removed::Component(c) => c.id(),
            Removed::Option { owner, option, .. } => format!("{owner}:{}", option.value),
        }
    }

    /// A short description for lists: "table `cts_project`".
    pub fn describe(&self) -> String {
        if let Removed::Component(c) = self {
            return format!("{} `{}`", c.noun(), c.name);
        }
        let kind = match self {
            Removed::Table { .. } => "table",
            Removed::Column { .. } => "column",
            Removed::Relationship { .. } => "relationship",
            Removed::OptionSet(_) => "global choice",
            Removed::Component(_) => "component",
            Removed::Option { .. } => "option",
        };
        format!("{kind} `{}`", self.component())
    }

    pub fn span(&self) -> crate::source::Span {
        match self {
            Removed::Table { entity, .. } => entity.span,
            Removed::Column { attribute, .. } => attribute.span,
            Removed::Relationship { relationship, .. } => relationship.span,
            Removed::OptionSet(o) => o.span,
            Removed::Component(c) => c.span,
            Removed::Option { option, .. } => option.span,
        }
    }
}

/// System tables (`account`, `contact`) have no publisher prefix. An upgrade never
/// deletes them, only the columns a solution added to them.
pub fn is_custom_table(logical_name: &str) -> bool {
    logical_name.contains('_')
}

/// The platform's file and image store: a file or image column has a system
/// relationship to one of these, created and deleted with the column.
const FILE_STORE_TABLES: [&str; 3] = ["fileattachment", "elasticfileattachment", "imagedescriptor"];

/// Whether a relationship belongs to a file or image column rather than to
/// anything a maker created: its removal is the column's, reported as such.
pub fn is_file_store_relationship(relationship: &Relationship) -> bool {
    relationship
        .entities
        .iter()
        .any(|e| FILE_STORE_TABLES.contains(&e.as_str()))
}

/// `(referenced, referencing)`: the one side and the many side of a 1:N
/// relationship, as a column mapping names them (source, target).
fn one_to_many_pair(relationship: &Relationship) -> Option<(&str, &str)> {
    let (referencing, _) = relationship.lookup.as_ref()?;
    let referenced = relationship
        .entities
        .iter()
        .find(|e| *e != referencing)
        .unwrap_or(referencing);
    Some((referenced.as_str(), referencing.as_str()))
}

/// Whether the candidate still has `component`. A plug-in assembly is matched by
/// its simple name whatever its version: two versions side by side are keyed
/// `name` and `name@major.minor` (see the `component-removed` page).
fn still_there(candidate: &Solution, component: &Component, id: &str) -> bool {
    if candidate.components.contains_key(id) {
        return true;
    }
    if component.kind != "pluginassembly" {
        return false;
    }
    let name = component.key.split('@').next().unwrap_or(&component.key);
    let exact = format!("pluginassembly/{name}");
    let versioned = format!("{exact}@");
    candidate
        .components
        .range(exact.clone()..)
        .take_while(|(key, _)| key.starts_with(&exact))
        .any(|(key, _)| *key == exact || key.starts_with(&versioned))
}

/// `process` → `processes`, `view` → `views`, `plug-in assembly` → `plug-in assemblies`.
pub fn plural(noun: &str) -> String {
    if let Some(stem) = noun.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    if noun.ends_with('s') || noun.ends_with("sh") || noun.ends_with("ch") {
        return format!("{noun}es");
    }
    format!("{noun}s")
}

/// Whether an upgrade that drops this column deletes it: custom columns only
/// (system columns such as `createdon` belong to the platform).
fn is_owned_column(attribute: &Attribute) -> bool {
    !attribute.unmodified && attribute.is_custom != Some(false)
}

/// Compared for every column of a pair: without allocating.
fn same_type(before: &str, after: &str) -> bool {
    fn normal(t: &str) -> &str {
        let t = t.trim();
        if t.eq_ignore_ascii_case("memo") {
            "ntext"
        } else {
            t
        }
    }
    normal(before).eq_ignore_ascii_case(normal(after))
}

pub fn diff<'a>(baseline: &'a Solution, candidate: &'a Solution) -> Vec<Change<'a>> {
    let removed_tables: BTreeSet<&str> = baseline
        .entities
        .iter()
        .filter(|(name, entity)| {
            entity.has_metadata
                && !entity.unmodified
                && is_custom_table(name)
                && baseline.manifest.table_behavior(name) != Some(2)
                && !candidate.entities.contains_key(*name)
        })
        .map(|(name, _)| name.as_str())
        .collect();
    let column_gone = |table: &str, column: &str| {
        baseline
            .entities
            .get(table)
            .and_then(|e| e.attributes.get(column))
            .is_some_and(is_owned_column)
            && candidate
                .entities
                .get(table)
                .is_none_or(|e| !e.attributes.contains_key(column))
    };

    let mut changes = Vec::new();
    // Relationships first: a removed relationship takes its lookup column with it.
    let mut removed_relationships = Vec::new();
    // Lookups of relationships that go with a removed table: a lookup column on a
    // table that stays goes with them, reported in the table's finding.
    let mut folded_lookups = Vec::new();
    for (key, relationship) in &baseline.relationships {
        let folded = relationship
            .entities
            .iter()
            .any(|e| removed_tables.contains(e.as_str()));
        let gone = !relationship.unmodified && !candidate.relationships.contains_key(key);
        if folded && gone {
            folded_lookups.extend(relationship.lookup.as_ref());
        }
        // A file or image column's relationship is the column's: the column is
        // reported (its files go with it), not a relationship nobody created.
        if gone && !folded && !is_file_store_relationship(relationship) {
            let lookup = relationship
                .lookup
                .as_ref()
                .filter(|(table, column)| column_gone(table, column));
            removed_relationships.push((relationship, lookup));
        }
    }
    // A lookup exists as long as its relationship does.
    let mut lookups_accounted: BTreeSet<(&str, &str)> = candidate
        .relationships
        .values()
        .filter_map(|r| r.lookup.as_ref())
        .map(|(table, column)| (table.as_str(), column.as_str()))
        .collect();
    lookups_accounted.extend(
        removed_relationships
            .iter()
            .filter_map(|(_, lookup)| *lookup)
            .chain(folded_lookups)
            .map(|(table, column)| (table.as_str(), column.as_str())),
    );

    // Every other component: those of a removed table are counted in its entry,
    // the column mapping of a removed relationship in the relationship's.
    let kept_pairs: BTreeSet<(&str, &str)> = candidate
        .relationships
        .values()
        .filter_map(one_to_many_pair)
        .collect();
    let removed_pairs: BTreeSet<(&str, &str)> = removed_relationships
        .iter()
        .filter_map(|(r, _)| one_to_many_pair(r))
        .filter(|pair| !kept_pairs.contains(pair))
        .collect();
    let mut parts: BTreeMap<&str, BTreeMap<&'static str, usize>> = BTreeMap::new();
    let mut mapped_pairs: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut removed_components = Vec::new();
    for (id, component) in &baseline.components {
        if component.reference || still_there(candidate, component, id) {
            continue;
        }
        if let Some(table) = component
            .tables
            .iter()
            .find(|t| removed_tables.contains(t.as_str()))
        {
            *parts
                .entry(table.as_str())
                .or_default()
                .entry(component.noun())
                .or_default() += 1;
            continue;
        }
        // The table stays, and so does what nobody can delete (its system views).
        if !component.deletable {
            continue;
        }
        if let [source, target] = component.tables.as_slice() {
            let pair = (source.as_str(), target.as_str());
            if component.kind == "entitymap" && removed_pairs.contains(&pair) {
                mapped_pairs.insert(pair);
                continue;
            }
        }
        removed_components.push(component);
    }

    for (name, entity) in &baseline.entities {
        if removed_tables.contains(name.as_str()) {
            let relationships = baseline
                .relationships
                .iter()
                .filter(|(key, r)| {
                    !r.unmodified
                        && !candidate.relationships.contains_key(*key)
                        && r.entities.iter().any(|e| e == name)
                })
                .count();
            changes.push(Change::Removed(Removed::Table {
                entity,
                columns: entity
                    .attributes
                    .values()
                    .filter(|a| is_owned_column(a))
                    .count(),
                relationships,
                parts: parts.remove(name.as_str()).unwrap_or_default(),
            }));
            continue;
        }
        let after = candidate.entities.get(name);
        for (column, attribute) in &entity.attributes {
            if attribute.unmodified {
                continue;
            }
            match after.and_then(|e| e.attributes.get(column)) {
                None if is_owned_column(attribute) => {
                    // The primary name column goes only with its table.
                    let table_kept = after.is_some() && attribute.is_primary_name;
                    let with_relationship =
                        lookups_accounted.contains(&(name.as_str(), column.as_str()));
                    // A money column's `_base` companion goes with the money column.
                    let companion = attribute
                        .calculation_of
                        .as_deref()
                        .is_some_and(|of| column_gone(name, of));
                    if !table_kept && !with_relationship && !companion {
                        changes.push(Change::Removed(Removed::Column {
                            entity: name,
                            attribute,
                        }));
                    }
                }
                None => {}
                Some(now) if now.unmodified => {}
                Some(now) => compare_column(name, attribute, now, &mut changes),
            }
        }
    }

    for (relationship, lookup) in removed_relationships {
        let mapping = one_to_many_pair(relationship).is_some_and(|p| mapped_pairs.contains(&p));
        changes.push(Change::Removed(Removed::Relationship {
            relationship,
            lookup: lookup.map(|(table, column)| column_id(table, column)),
            mapping,
        }));
    }
    changes.extend(
        removed_components
            .into_iter()
            .map(|c| Change::Removed(Removed::Component(c))),
    );

    for (key, option_set) in &baseline.option_sets {
        if option_set.unmodified {
            continue;
        }
        match candidate.option_sets.get(key) {
            None => changes.push(Change::Removed(Removed::OptionSet(option_set))),
            Some(now) if now.unmodified => {}
            Some(now) => removed_options(
                &option_set.name.to_ascii_lowercase(),
                true,
                option_set,
                now,
                &mut changes,
            ),
        }
    }
    changes
}

fn compare_column<'a>(
    entity: &'a str,
    before: &'a Attribute,
    after: &'a Attribute,
    changes: &mut Vec<Change<'a>>,
) {
    if let (Some(old), Some(new)) = (&before.kind, &after.kind) {
        if !same_type(&old.value, &new.value) {
            changes.push(Change::TypeChanged {
                entity,
                before,
                after,
            });
            // A column of another type has other options and lengths.
            return;
        }
    }
    if let (Some(old), Some(new)) = (&before.max_length, &after.max_length) {
        if new.value < old.value {
            changes.push(Change::LengthReduced {
                entity,
                before,
                after,
            });
        }
    }
    if let (Some(old), Some(new)) = (&before.local_options, &after.local_options) {
        // The column's id is written only for a removed option.
        if old
            .options
            .keys()
            .any(|value| !new.options.contains_key(value))
        {
            removed_options(
                &column_id(entity, &before.logical_name),
                false,
                old,
                new,
                changes,
            );
        }
    }
}

fn removed_options<'a>(
    owner: &str,
    global: bool,
    before: &'a OptionSet,
    after: &'a OptionSet,
    changes: &mut Vec<Change<'a>>,
) {
    for (value, option) in &before.options {
        if !after.options.contains_key(value) {
            changes.push(Change::Removed(Removed::Option {
                owner: owner.to_owned(),
                global,
                option,
            }));
        }
    }
}
