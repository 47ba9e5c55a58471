//! What a package holds, component by component: the data `dvlint components`
//! prints. Tables, columns, relationships and global choices are listed with the
//! ids of DESIGN.md §1; every other component with `<kind>/<key>`.

use crate::model::component::kind_info;
use crate::model::Solution;
use crate::source::Span;

/// One component of the inventory.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The Dataverse table that stores it: `entity`, `attribute`, `workflow`, …
    pub kind: String,
    pub id: String,
    pub name: String,
    /// The kind in words for this component: "cloud flow", "dashboard", "column".
    pub noun: &'static str,
    pub span: Span,
    /// Carried only as a reference (`unmodified="1"`).
    pub reference: bool,
    /// The table a form, view or chart belongs to: many are named alike
    /// ("Information", "Active Projects").
    pub table: Option<String>,
}

/// Kinds in the order they are listed: the four with rules of their own, then
/// the table of [`crate::model::component::KINDS`], then any other kind by name.
pub fn rank(kind: &str) -> (usize, &str) {
    const FIRST: [&str; 4] = ["entity", "attribute", "entityrelationship", "optionset"];
    if let Some(i) = FIRST.iter().position(|k| *k == kind) {
        return (i, "");
    }
    match crate::model::component::KINDS
        .iter()
        .position(|info| info.kind == kind)
    {
        Some(i) => (FIRST.len() + i, ""),
        None => (usize::MAX, kind),
    }
}

/// In words, plural, for a heading: "tables", "processes".
pub fn plural(kind: &str) -> String {
    match kind {
        "entity" => "tables".to_owned(),
        "attribute" => "columns".to_owned(),
        "entityrelationship" => "relationships".to_owned(),
        "optionset" => "global choices".to_owned(),
        other => kind_info(other).map_or_else(|| other.to_owned(), |info| info.plural.to_owned()),
    }
}

/// Every component of `solution`, in a deterministic order: by kind, then id.
pub fn inventory(solution: &Solution) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (name, entity) in &solution.entities {
        entries.push(Entry {
            kind: "entity".to_owned(),
            id: name.clone(),
            name: entity
                .display_name
                .clone()
                .unwrap_or_else(|| entity.schema_name.clone()),
            noun: "table",
            span: entity.span,
            reference: entity.unmodified,
            table: None,
        });
        for (column, attribute) in &entity.attributes {
            entries.push(Entry {
                kind: "attribute".to_owned(),
                id: crate::rules::column_id(name, column),
                name: attribute
                    .display_name
                    .as_deref()
                    .map_or_else(|| column.clone(), str::to_owned),
                noun: "column",
                span: attribute.span,
                reference: attribute.unmodified,
                table: None,
            });
        }
    }
    for (key, relationship) in &solution.relationships {
        entries.push(Entry {
            kind: "entityrelationship".to_owned(),
            id: key.clone(),
            name: relationship.name.clone(),
            noun: "relationship",
            span: relationship.span,
            reference: relationship.unmodified,
            table: None,
        });
    }
    for (key, option_set) in &solution.option_sets {
        entries.push(Entry {
            kind: "optionset".to_owned(),
            id: key.clone(),
            name: option_set
                .display_name
                .clone()
                .unwrap_or_else(|| option_set.name.clone()),
            noun: "global choice",
            span: option_set.span,
            reference: option_set.unmodified,
            table: None,
        });
    }
    for (id, component) in &solution.components {
        entries.push(Entry {
            kind: component.kind.clone(),
            id: id.clone(),
            name: component.name.clone(),
            noun: component.noun(),
            span: component.span,
            reference: component.reference,
            table: match component.kind.as_str() {
                "systemform" | "savedquery" | "savedqueryvisualization" => {
                    component.tables.first().cloned()
                }
                _ => None,
            },
        });
    }
    entries.sort_by(|a, b| {
        rank(&a.kind)
            .cmp(&rank(&b.kind))
            .then_with(|| a.id.cmp(&b.id))
    });
    entries
}
