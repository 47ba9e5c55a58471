//! The solution itself and every component other than tables, columns,
//! relationships and choices.

use crate::model::{Component, Solution, VariableType};

use super::{arrow, ChangeKind, Row};

/// The solution's row: its version, managed state, publisher or name changed.
pub(super) fn solution_row(baseline: &Solution, candidate: &Solution) -> Option<Row> {
    let (old, new) = (&baseline.manifest, &candidate.manifest);
    let mut aspects = Vec::new();
    let mut details = Vec::new();
    if !old
        .unique_name
        .value
        .eq_ignore_ascii_case(&new.unique_name.value)
    {
        aspects.push("uniquename");
        details.push(format!(
            "solution {}",
            arrow(&old.unique_name.value, &new.unique_name.value)
        ));
    }
    let (from, to) = (&old.version.value, &new.version.value);
    let version_changed = match from.compare(to) {
        Some(order) => order.is_ne(),
        None => from.raw != to.raw,
    };
    if version_changed {
        aspects.push("version");
        details.push(format!("version {from} → {to}"));
    }
    if old.managed.value != new.managed.value {
        aspects.push("managed");
        details.push(format!("{} → {}", old.managed.value, new.managed.value));
    }
    let (a, b) = (&old.publisher, &new.publisher);
    if !a
        .unique_name
        .value
        .eq_ignore_ascii_case(&b.unique_name.value)
    {
        aspects.push("publisher");
        details.push(format!(
            "publisher {}",
            arrow(&a.unique_name.value, &b.unique_name.value)
        ));
    }
    if let (Some(x), Some(y)) = (&a.customization_prefix, &b.customization_prefix) {
        if !x.value.eq_ignore_ascii_case(&y.value) {
            aspects.push("prefix");
            details.push(format!("prefix {}", arrow(&x.value, &y.value)));
        }
    }
    if aspects.is_empty() {
        return None;
    }
    // Where the change shows: the version when it moved, else the manifest.
    let span = if version_changed {
        new.version.span
    } else {
        new.span
    };
    Some(Row {
        change: ChangeKind::Changed,
        kind: "solution".to_owned(),
        component: format!("solution/{}", new.unique_name.value.to_ascii_lowercase()),
        name: new.unique_name.value.clone(),
        detail: details.join("; "),
        aspects,
        location: candidate.locate(span),
        findings: Vec::new(),
        accepted: Vec::new(),
    })
}

/// What a component is, for its row: `cloud flow`, `form of cts_project`.
fn shape(component: &Component) -> String {
    match component.tables.as_slice() {
        [] => component.noun().to_owned(),
        [table] => format!("{} of `{table}`", component.noun()),
        tables => {
            let tables: Vec<String> = tables.iter().map(|t| format!("`{t}`")).collect();
            format!("{} of {}", component.noun(), tables.join(", "))
        }
    }
}

pub(super) fn components(baseline: &Solution, candidate: &Solution, rows: &mut Vec<Row>) {
    let row = |solution: &Solution, change, id: &str, component: &Component| Row {
        change,
        kind: component.kind.clone(),
        component: id.to_owned(),
        name: component.name.clone(),
        detail: shape(component),
        aspects: Vec::new(),
        location: solution.locate(component.span),
        findings: Vec::new(),
        accepted: Vec::new(),
    };
    for (id, before) in &baseline.components {
        match candidate.components.get(id) {
            None if !before.reference => rows.push(row(baseline, ChangeKind::Removed, id, before)),
            None => {}
            Some(after) if before.reference || after.reference => {}
            Some(after) => {
                let mut aspects = Vec::new();
                let mut details = Vec::new();
                if before.name != after.name {
                    aspects.push("name");
                    details.push(format!("renamed from `{}`", before.name));
                }
                deployment(baseline, candidate, after, &mut aspects, &mut details);
                if !aspects.is_empty() {
                    let mut changed = row(candidate, ChangeKind::Changed, id, after);
                    changed.aspects = aspects;
                    changed.detail = format!("{}: {}", shape(after), details.join("; "));
                    rows.push(changed);
                }
            }
        }
    }
    for (id, after) in &candidate.components {
        if !after.reference && !baseline.components.contains_key(id) {
            rows.push(row(candidate, ChangeKind::Added, id, after));
        }
    }
}

/// What differs in an environment variable's or a connection reference's
/// definition: what a deployment must supply changes with it.
fn deployment(
    baseline: &Solution,
    candidate: &Solution,
    component: &Component,
    aspects: &mut Vec<&'static str>,
    details: &mut Vec<String>,
) {
    let key = component.key.as_str();
    match component.kind.as_str() {
        "environmentvariabledefinition" => {
            let (Some(old), Some(new)) = (
                baseline.environment_variables.get(key),
                candidate.environment_variables.get(key),
            ) else {
                return;
            };
            let known =
                |t: &VariableType| !matches!(t, VariableType::Unknown(code) if code.is_empty());
            if known(&old.kind) && known(&new.kind) && old.kind != new.kind {
                aspects.push("variabletype");
                details.push(format!("type {}", arrow(old.kind.noun(), new.kind.noun())));
            }
            let (a, b) = (
                old.default_value.as_ref().map(|v| v.value.as_str()),
                new.default_value.as_ref().map(|v| v.value.as_str()),
            );
            if a != b {
                aspects.push("default");
                details.push(match (a, b) {
                    (Some(a), Some(b)) => format!("default value {}", arrow(a, b)),
                    (None, Some(b)) => format!("default value `{b}` added"),
                    (Some(a), None) => format!("default value `{a}` removed"),
                    (None, None) => String::new(),
                });
            }
        }
        "connectionreference" => {
            let (Some(old), Some(new)) = (
                baseline.connection_references.get(key),
                candidate.connection_references.get(key),
            ) else {
                return;
            };
            if let (Some(a), Some(b)) = (&old.connector_id, &new.connector_id) {
                if !a.value.eq_ignore_ascii_case(&b.value) {
                    aspects.push("connector");
                    details.push(format!("connector {}", arrow(&a.value, &b.value)));
                }
            }
        }
        _ => {}
    }
}
