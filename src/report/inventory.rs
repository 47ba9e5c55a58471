//! `dvlint components`: the inventory of one package, as aligned text for people
//! (what gets pasted into a ticket) and as JSON for scripts.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::json::JsonLocation;
use super::paths::within_package;
use crate::inventory::{plural, Entry};
use crate::model::component::kind_info;
use crate::model::{Managed, PackageForm, Solution};
use crate::package::printable;

/// The name column grows to this many characters. A longer name pushes the rest
/// of its own row to the right instead of being cut: names are quoted exactly,
/// like ids, and one long name should not widen every row of its section.
const NAME_WIDTH: usize = 40;

/// How much longer than most of its column a cell may be and still set the
/// column's width.
const SLACK: usize = 8;

/// Space between columns.
const GAP: &str = "  ";

/// The terminal width a section is laid out for. Where a row would pass it, the
/// places of the section go on lines of their own: unpacked source names a
/// form's or a process's file after its GUID, and that path alone is nearly as
/// wide as a terminal.
const WIDTH: usize = 100;

#[derive(Serialize)]
struct Output<'a> {
    /// The version of this format, not of the solution.
    version: u32,
    solution: &'a str,
    solution_version: &'a str,
    components: Vec<JsonComponent<'a>>,
}

#[derive(Serialize)]
struct JsonComponent<'a> {
    kind: &'a str,
    id: &'a str,
    name: &'a str,
    reference: bool,
    location: JsonLocation<'a>,
}

/// The JSON document (format version 1), pretty-printed, with a trailing newline.
pub fn json(solution: &Solution, entries: &[Entry]) -> String {
    let places = positions(entries);
    let output = Output {
        version: 1,
        solution: &solution.manifest.unique_name.value,
        solution_version: &solution.manifest.version.value.raw,
        components: entries
            .iter()
            .zip(&places)
            .map(|(entry, &position)| JsonComponent {
                kind: &entry.kind,
                id: &entry.id,
                name: &entry.name,
                reference: entry.reference,
                location: JsonLocation::at(path_of(solution, entry), position),
            })
            .collect(),
    };
    // Serialising plain data with string keys cannot fail.
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}

/// The line of each entry's definition, by file and offset.
type Lines = std::collections::HashMap<(u32, u32), usize>;

/// A solution and the lines of its entries, for the rows of the listing.
struct Listing<'a> {
    solution: &'a Solution,
    lines: Lines,
}

/// The path of the file that defines `entry`, as messages show it.
fn path_of<'a>(solution: &'a Solution, entry: &Entry) -> &'a str {
    &solution.files[entry.span.file.0 as usize].display_path
}

/// The 1-based line and column of every entry, in the order given, as its
/// span holds them.
fn positions(entries: &[Entry]) -> Vec<(usize, usize)> {
    entries
        .iter()
        .map(|entry| (entry.span.line as usize, entry.span.column as usize))
        .collect()
}

/// A header, then a section per kind in inventory order; each table is followed
/// by its columns, indented, so that hundreds of columns read as part of their
/// tables instead of one long section.
pub fn human(solution: &Solution, entries: &[Entry]) -> String {
    let mut out = header(solution, entries);
    let lines: Lines = entries
        .iter()
        .zip(positions(entries))
        .map(|(entry, (line, _))| ((entry.span.file.0, entry.span.start), line))
        .collect();
    let listing = Listing { solution, lines };
    let columns = columns_by_table(entries);
    // A set: a hostile package may hold 100 000 tables, each with columns.
    let tables: std::collections::BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.kind == "entity")
        .map(|e| e.id.as_str())
        .collect();
    for group in entries.chunk_by(|a, b| a.kind == b.kind) {
        let kind = group[0].kind.as_str();
        let (heading, rows) = match kind {
            "entity" => {
                let mut rows = Vec::new();
                let mut nested = 0;
                for table in group {
                    rows.push(Row::new(&listing, table, 0));
                    for column in columns.get(table.id.as_str()).into_iter().flatten() {
                        rows.push(Row::new(&listing, column, 1));
                        nested += 1;
                    }
                }
                let mut heading = heading(kind, group.len());
                if nested > 0 {
                    heading.push_str(&format!(
                        ", with {}",
                        counted(nested, "column (attribute)", "columns (attribute)")
                    ));
                }
                (heading, rows)
            }
            // Listed under their tables; only a column whose table is not in the
            // package (the loader never makes one) would be left for here.
            "attribute" => {
                let orphans: Vec<&Entry> = group
                    .iter()
                    .filter(|c| !tables.contains(&table_of(c)))
                    .collect();
                if orphans.is_empty() {
                    continue;
                }
                let rows = orphans.iter().map(|c| Row::new(&listing, c, 0)).collect();
                (heading(kind, orphans.len()), rows)
            }
            _ => (
                heading(kind, group.len()),
                group.iter().map(|e| Row::new(&listing, e, 0)).collect(),
            ),
        };
        out.push('\n');
        out.push_str(&heading);
        out.push('\n');
        out.push_str(&table(&rows));
    }
    out
}

/// `ContosoCore 1.2.0.0 (managed, publisher contoso): 52 components`, and where
/// the package was read from, which the places below are written against.
fn header(solution: &Solution, entries: &[Entry]) -> String {
    let manifest = &solution.manifest;
    let managed = match manifest.managed.value {
        Managed::Managed => "managed",
        Managed::Unmanaged => "unmanaged",
        Managed::Both => "managed and unmanaged",
    };
    let mut line = format!(
        "{} ({managed}, publisher {}): {}",
        solution.title(),
        manifest.publisher.unique_name.value,
        counted(entries.len(), "component", "components")
    );
    let references = entries.iter().filter(|e| e.reference).count();
    if references > 0 {
        line.push_str(&format!(
            ", {} only as {}",
            references,
            if references == 1 {
                "a reference"
            } else {
                "references"
            }
        ));
    }
    let form = match solution.form {
        PackageForm::Zip => "zip",
        PackageForm::Unpacked => "unpacked source; places are relative to it",
        PackageForm::ExtractedExport => "extracted export; places are relative to it",
        PackageForm::Yaml => "YAML source (Git integration); places are relative to it",
    };
    format!("{line}\nread from {} ({form})\n", solution.origin)
}

/// `processes (workflow): 3`; a kind dvlint has no words for is named once.
fn heading(kind: &str, count: usize) -> String {
    let words = plural(kind);
    if words == kind {
        format!("{kind}: {count}")
    } else {
        format!("{words} ({kind}): {count}")
    }
}

fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The table of a column id, `cts_project` for `cts_project.cts_budget`: logical
/// names hold no dot.
fn table_of(column: &Entry) -> &str {
    column
        .id
        .split_once('.')
        .map_or(column.id.as_str(), |(table, _)| table)
}

/// Columns by the table they belong to, in inventory order.
fn columns_by_table(entries: &[Entry]) -> BTreeMap<&str, Vec<&Entry>> {
    let mut columns: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for column in entries.iter().filter(|e| e.kind == "attribute") {
        columns.entry(table_of(column)).or_default().push(column);
    }
    columns
}

/// One line of a section.
struct Row<'a> {
    depth: usize,
    /// Name and id with control characters escaped: a line break in a display
    /// name must not break the table.
    name: Cow<'a, str>,
    id: Cow<'a, str>,
    /// What the kind does not say: the finer noun (`cloud flow`, `dashboard`)
    /// and `(reference)`.
    note: String,
    /// `Entities/Account/Entity.xml:16`, `pkg.zip!/customizations.xml:812`.
    place: String,
}

impl<'a> Row<'a> {
    fn new(listing: &Listing<'_>, entry: &'a Entry, depth: usize) -> Self {
        let solution = listing.solution;
        let finer = kind_info(&entry.kind).is_some_and(|info| info.noun != entry.noun);
        let mut notes = Vec::new();
        if finer {
            notes.push(entry.noun.to_owned());
        }
        if let Some(table) = &entry.table {
            notes.push(format!("of {}", printable(table)));
        }
        if entry.reference {
            notes.push("(reference)".to_owned());
        }
        let note = notes.join(" ");
        let path = path_of(solution, entry);
        let line = listing
            .lines
            .get(&(entry.span.file.0, entry.span.start))
            .copied()
            .unwrap_or(1);
        Row {
            depth,
            name: printable(&entry.name),
            id: printable(&entry.id),
            note,
            place: format!("{}:{line}", within_package(path, &solution.origin)),
        }
    }

    fn indent(&self) -> usize {
        2 + 2 * self.depth
    }
}

/// The rows in columns: name, id, note (when a row of the section has one) and
/// place. Nested rows are indented further and their ids still line up. A
/// section whose names all repeat their ids (relationships are named by their
/// schema name) leaves the name column out rather than print every id twice.
///
/// Widths fit every cell but outliers (see [`fitted`]), so that a few long names
/// or ids push only their own rows to the right instead of widening every row.
/// When a row would pass [`WIDTH`], every row of the section puts its place on a
/// line of its own, under its id (or, where a place is too long for that, a step
/// in from the row's start): a section wraps as a whole, so that its places read
/// down one column either way.
fn table(rows: &[Row<'_>]) -> String {
    let names = rows.iter().any(|r| !r.name.eq_ignore_ascii_case(&r.id));
    let first = fitted(rows.iter().map(|r| {
        let name = if names { r.name.chars().count() } else { 0 };
        r.indent() + name.min(NAME_WIDTH)
    }));
    let id_width = fitted(rows.iter().map(|r| r.id.chars().count()));
    let note_width = rows
        .iter()
        .map(|r| r.note.chars().count())
        .max()
        .unwrap_or(0);
    let starts: Vec<String> = rows
        .iter()
        .map(|row| {
            let mut line = " ".repeat(row.indent());
            if names {
                let name_width = first.saturating_sub(row.indent());
                line.push_str(&format!("{:<name_width$}{GAP}", row.name));
            } else {
                line.push_str(&" ".repeat(first.saturating_sub(row.indent())));
            }
            line.push_str(&format!("{:<id_width$}", row.id));
            if note_width > 0 {
                line.push_str(&format!("{GAP}{:<note_width$}", row.note));
            }
            line
        })
        .collect();
    let too_wide = |at: usize, row: &Row<'_>| at + row.place.chars().count() > WIDTH;
    let wrap = rows
        .iter()
        .zip(&starts)
        .any(|(row, start)| too_wide(start.chars().count() + GAP.len(), row));
    // Under the id, so that names read down the left; under the row's own start
    // where a place is too long for that.
    let under_id = first + if names { GAP.len() } else { 0 };
    let deep = rows.iter().any(|row| too_wide(under_id, row));
    let mut out = String::new();
    for (row, start) in rows.iter().zip(starts) {
        if wrap {
            out.push_str(start.trim_end());
            out.push('\n');
            let at = if deep {
                row.indent() + 2 * GAP.len()
            } else {
                under_id
            };
            out.push_str(&" ".repeat(at));
        } else {
            out.push_str(&start);
            out.push_str(GAP);
        }
        out.push_str(&row.place);
        out.push('\n');
    }
    out
}

/// The width of a column: its longest cell, unless that is an outlier. Cells
/// more than [`SLACK`] characters longer than all but the longest twentieth of
/// them are outliers (none below twenty rows), and overflow their own row.
fn fitted(widths: impl Iterator<Item = usize>) -> usize {
    let mut widths: Vec<usize> = widths.collect();
    widths.sort_unstable();
    let typical = widths
        .len()
        .checked_sub(1 + widths.len() / 20)
        .and_then(|i| widths.get(i))
        .copied()
        .unwrap_or(0);
    widths
        .iter()
        .copied()
        .filter(|&w| w <= typical + SLACK)
        .max()
        .unwrap_or(0)
}
