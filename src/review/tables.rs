//! Tables, columns, relationships, global choices and options.

use crate::model::{Attribute, Entity, OptionSet, Relationship, Solution};
use crate::rules::column_id;
use crate::source::Span;

use super::{arrow, ChangeKind, Row};

fn row(
    solution: &Solution,
    change: ChangeKind,
    kind: &str,
    component: String,
    name: String,
    span: Span,
) -> Row {
    Row {
        change,
        kind: kind.to_owned(),
        component,
        name,
        detail: String::new(),
        aspects: Vec::new(),
        location: solution.locate(span),
        findings: Vec::new(),
        accepted: Vec::new(),
    }
}

fn table_name(entity: &Entity) -> String {
    entity
        .display_name
        .clone()
        .unwrap_or_else(|| entity.schema_name.clone())
}

fn column_name(attribute: &Attribute) -> String {
    attribute
        .display_name
        .as_deref()
        .unwrap_or(&attribute.logical_name)
        .to_owned()
}

fn choice_name(option_set: &OptionSet) -> String {
    option_set
        .display_name
        .clone()
        .unwrap_or_else(|| option_set.name.clone())
}

/// `N columns`, or `1 column`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// What a maker sees of a column: `nvarchar(100), required`.
fn column_shape(attribute: &Attribute) -> String {
    let mut shape = attribute
        .kind
        .as_ref()
        .map(|k| k.value.clone())
        .unwrap_or_default();
    if let Some(length) = &attribute.max_length {
        shape.push_str(&format!("({})", length.value));
    }
    if let Some(level) = attribute
        .required_level
        .as_deref()
        .filter(|l| !l.eq_ignore_ascii_case("none"))
    {
        if !shape.is_empty() {
            shape.push_str(", ");
        }
        shape.push_str(level);
    }
    shape
}

/// Columns whose table is in one release only are counted in the table's row.
pub(super) fn tables(baseline: &Solution, candidate: &Solution, rows: &mut Vec<Row>) {
    for (name, before) in &baseline.entities {
        match candidate.entities.get(name) {
            None if !before.unmodified => {
                let mut row = row(
                    baseline,
                    ChangeKind::Removed,
                    "entity",
                    name.clone(),
                    table_name(before),
                    before.span,
                );
                let columns = before.attributes.values().filter(|a| !a.unmodified).count();
                if columns > 0 {
                    row.detail = format!("with its {}", count(columns, "column"));
                }
                rows.push(row);
            }
            None => {}
            Some(after) => {
                if !before.unmodified && !after.unmodified {
                    if let (Some(old), Some(new)) = (&before.display_name, &after.display_name) {
                        if old != new {
                            let mut row = row(
                                candidate,
                                ChangeKind::Changed,
                                "entity",
                                name.clone(),
                                new.clone(),
                                after.span,
                            );
                            row.aspects.push("name");
                            row.detail = format!("renamed from `{old}`");
                            rows.push(row);
                        }
                    }
                }
                columns(baseline, candidate, name, before, after, rows);
            }
        }
    }
    for (name, after) in &candidate.entities {
        if after.unmodified || baseline.entities.contains_key(name) {
            continue;
        }
        let mut row = row(
            candidate,
            ChangeKind::Added,
            "entity",
            name.clone(),
            table_name(after),
            after.span,
        );
        let columns = after.attributes.values().filter(|a| !a.unmodified).count();
        if columns > 0 {
            row.detail = count(columns, "column");
        }
        rows.push(row);
    }
}

fn columns(
    baseline: &Solution,
    candidate: &Solution,
    table: &str,
    before: &Entity,
    after: &Entity,
    rows: &mut Vec<Row>,
) {
    for (column, old) in &before.attributes {
        let id = column_id(table, column);
        match after.attributes.get(column) {
            None if !old.unmodified => {
                let mut row = row(
                    baseline,
                    ChangeKind::Removed,
                    "attribute",
                    id,
                    column_name(old),
                    old.span,
                );
                row.detail = column_shape(old);
                rows.push(row);
            }
            None => {}
            Some(new) if old.unmodified || new.unmodified => {}
            Some(new) => {
                let sides = Sides {
                    baseline,
                    candidate,
                };
                compare_columns(sides, id, old, new, rows)
            }
        }
    }
    for (column, new) in &after.attributes {
        if new.unmodified || before.attributes.contains_key(column) {
            continue;
        }
        let mut row = row(
            candidate,
            ChangeKind::Added,
            "attribute",
            column_id(table, column),
            column_name(new),
            new.span,
        );
        row.detail = column_shape(new);
        rows.push(row);
    }
}

/// `memo` is the old name of `ntext`: the platform treats them as one type.
fn normal_type(kind: &str) -> String {
    let kind = kind.trim().to_ascii_lowercase();
    if kind == "memo" {
        "ntext".to_owned()
    } else {
        kind
    }
}

fn compare_columns(
    sides: Sides<'_>,
    id: String,
    old: &Attribute,
    new: &Attribute,
    rows: &mut Vec<Row>,
) {
    let mut aspects = Vec::new();
    let mut details = Vec::new();
    if let (Some(a), Some(b)) = (&old.display_name, &new.display_name) {
        if a != b {
            aspects.push("name");
            details.push(format!("renamed from `{a}`"));
        }
    }
    // Options are compared only within one type: a type dvlint cannot see on one
    // side may be another.
    let same_type = match (&old.kind, &new.kind) {
        (Some(a), Some(b)) => {
            let same = normal_type(&a.value) == normal_type(&b.value);
            if !same {
                aspects.push("type");
                details.push(format!("type {}", arrow(&a.value, &b.value)));
            }
            same
        }
        (None, None) => true,
        _ => false,
    };
    if let (Some(a), Some(b)) = (&old.max_length, &new.max_length) {
        if a.value != b.value {
            aspects.push("length");
            let word = if b.value < a.value {
                "shortened"
            } else {
                "lengthened"
            };
            details.push(format!("max length {} → {} ({word})", a.value, b.value));
        }
    }
    if let (Some(a), Some(b)) = (&old.required_level, &new.required_level) {
        if !a.eq_ignore_ascii_case(b) {
            aspects.push("required");
            details.push(format!("requirement {}", arrow(a, b)));
        }
    }
    if !aspects.is_empty() {
        let mut row = row(
            sides.candidate,
            ChangeKind::Changed,
            "attribute",
            id.clone(),
            column_name(new),
            new.span,
        );
        row.aspects = aspects;
        row.detail = details.join("; ");
        rows.push(row);
    }
    // A column of another type has other options: its type change says it all.
    if same_type {
        if let (Some(a), Some(b)) = (&old.local_options, &new.local_options) {
            options(sides, &id, a, b, rows);
        }
    }
}

/// Both releases: a span is located in the solution it was read from, the
/// baseline for a removal and the candidate for the rest.
#[derive(Clone, Copy)]
struct Sides<'a> {
    baseline: &'a Solution,
    candidate: &'a Solution,
}

fn options(
    sides: Sides<'_>,
    owner: &str,
    before: &OptionSet,
    after: &OptionSet,
    rows: &mut Vec<Row>,
) {
    let label = |o: &crate::model::OptionValue| o.label.clone().unwrap_or_default();
    for (value, old) in &before.options {
        let id = format!("{owner}:{value}");
        match after.options.get(value) {
            None => {
                let mut row = row(
                    sides.baseline,
                    ChangeKind::Removed,
                    "option",
                    id,
                    label(old),
                    old.span,
                );
                row.detail = format!("value {value}");
                rows.push(row);
            }
            Some(new) => {
                if let (Some(a), Some(b)) = (&old.label, &new.label) {
                    if a != b {
                        let mut row = row(
                            sides.candidate,
                            ChangeKind::Changed,
                            "option",
                            id,
                            b.clone(),
                            new.span,
                        );
                        row.aspects.push("label");
                        row.detail = format!("value {value}: label {}", arrow(a, b));
                        rows.push(row);
                    }
                }
            }
        }
    }
    for (value, new) in &after.options {
        if before.options.contains_key(value) {
            continue;
        }
        let mut row = row(
            sides.candidate,
            ChangeKind::Added,
            "option",
            format!("{owner}:{value}"),
            label(new),
            new.span,
        );
        row.detail = format!("value {value}");
        rows.push(row);
    }
}

pub(super) fn relationships(baseline: &Solution, candidate: &Solution, rows: &mut Vec<Row>) {
    let between = |r: &Relationship| match r.entities.as_slice() {
        [] => String::new(),
        [one] => format!("on `{one}`"),
        [first, rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|e| format!("`{e}`")).collect();
            format!("between `{first}` and {}", rest.join(", "))
        }
    };
    for (key, before) in &baseline.relationships {
        if before.unmodified || candidate.relationships.contains_key(key) {
            continue;
        }
        let mut row = row(
            baseline,
            ChangeKind::Removed,
            "entityrelationship",
            key.clone(),
            before.name.clone(),
            before.span,
        );
        row.detail = between(before);
        rows.push(row);
    }
    for (key, after) in &candidate.relationships {
        if after.unmodified || baseline.relationships.contains_key(key) {
            continue;
        }
        let mut row = row(
            candidate,
            ChangeKind::Added,
            "entityrelationship",
            key.clone(),
            after.name.clone(),
            after.span,
        );
        row.detail = between(after);
        rows.push(row);
    }
}

pub(super) fn option_sets(baseline: &Solution, candidate: &Solution, rows: &mut Vec<Row>) {
    for (key, before) in &baseline.option_sets {
        match candidate.option_sets.get(key) {
            None if !before.unmodified => {
                let mut row = row(
                    baseline,
                    ChangeKind::Removed,
                    "optionset",
                    key.clone(),
                    choice_name(before),
                    before.span,
                );
                row.detail = format!("with its {}", count(before.options.len(), "option"));
                rows.push(row);
            }
            None => {}
            Some(after) if before.unmodified || after.unmodified => {}
            Some(after) => {
                if let (Some(a), Some(b)) = (&before.display_name, &after.display_name) {
                    if a != b {
                        let mut row = row(
                            candidate,
                            ChangeKind::Changed,
                            "optionset",
                            key.clone(),
                            b.clone(),
                            after.span,
                        );
                        row.aspects.push("name");
                        row.detail = format!("renamed from `{a}`");
                        rows.push(row);
                    }
                }
                let sides = Sides {
                    baseline,
                    candidate,
                };
                options(sides, key, before, after, rows);
            }
        }
    }
    for (key, after) in &candidate.option_sets {
        if after.unmodified || baseline.option_sets.contains_key(key) {
            continue;
        }
        let mut row = row(
            candidate,
            ChangeKind::Added,
            "optionset",
            key.clone(),
            choice_name(after),
            after.span,
        );
        row.detail = count(after.options.len(), "option");
        rows.push(row);
    }
}
