//! What an upgrade from a baseline to a candidate deletes or changes. Computed
//! once per run and shared by the removal, change and `version-decreased` rules.
//!
//! Components marked `unmodified="1"` on either side are references, not content,
//! and never count. A removed table owns its columns and relationships: they are
//! counted in its entry, not listed on their own.

use std::collections::BTreeSet;

use crate::model::{Attribute, Entity, OptionSet, OptionValue, Relationship, Solution};
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
    },
    OptionSet(&'a OptionSet),
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
            Removed::Option { owner, option, .. } => format!("{owner}:{}", option.value),
        }
    }

    /// A short description for lists: "table `cts_project`".
    pub fn describe(&self) -> String {
        let kind = match self {
            Removed::Table { .. } => "table",
            Removed::Column { .. } => "column",
            Removed::Relationship { .. } => "relationship",
            Removed::OptionSet(_) => "global choice",
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
            Removed::Option { option, .. } => option.span,
        }
    }
}

/// System tables (`account`, `contact`) have no publisher prefix. An upgrade never
/// deletes them, only the columns a solution added to them.
pub fn is_custom_table(logical_name: &str) -> bool {
    logical_name.contains('_')
}

/// Whether an upgrade that drops this column deletes it: custom columns only
/// (system columns such as `createdon` belong to the platform).
fn is_owned_column(attribute: &Attribute) -> bool {
    !attribute.unmodified && attribute.is_custom != Some(false)
}

fn same_type(before: &str, after: &str) -> bool {
    let normal = |t: &str| {
        let t = t.trim().to_ascii_lowercase();
        if t == "memo" {
            "ntext".to_owned()
        } else {
            t
        }
    };
    normal(before) == normal(after)
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
        if folded && !relationship.unmodified && !candidate.relationships.contains_key(key) {
            folded_lookups.extend(relationship.lookup.as_ref());
        }
        if !relationship.unmodified && !folded && !candidate.relationships.contains_key(key) {
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
        changes.push(Change::Removed(Removed::Relationship {
            relationship,
            lookup: lookup.map(|(table, column)| column_id(table, column)),
        }));
    }

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
        removed_options(
            &column_id(entity, &before.logical_name),
            false,
            old,
            new,
            changes,
        );
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
