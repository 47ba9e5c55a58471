//! Realistic Dataverse solution packages, generated from a seed, for dvlint's
//! benchmarks and tests.
//!
//! A [`Solution`] is a plain model: tables with their columns and local choices,
//! global choices, relationships, and the bulk real exports carry (forms, views,
//! ribbons) so that the XML is as large and compresses as well as a real one.
//! [`Solution::next_version`] makes the release that follows with chosen changes
//! and says which findings dvlint must report for them. [`render`] turns a model
//! into files, in the exported-zip layout or the unpacked-source layout, and
//! [`write`] puts them on disk.

#![forbid(unsafe_code)]

pub mod render;
mod rng;
mod shape;
pub mod write;

pub use rng::Rng;
pub use shape::Shape;

/// How big a package to make. [`Shape::spec`] gives the specs the benchmarks use.
#[derive(Debug, Clone)]
pub struct Spec {
    pub seed: u64,
    /// Custom tables.
    pub tables: usize,
    /// Custom columns per table, on top of the system columns every table has.
    pub columns: usize,
    pub global_choices: usize,
    /// Options of each choice, global or local.
    pub options: usize,
    /// Main forms per table; each shows every column.
    pub forms: usize,
    /// Views (saved queries) per table.
    pub views: usize,
}

impl Default for Spec {
    fn default() -> Self {
        Self {
            seed: 1,
            tables: 20,
            columns: 30,
            global_choices: 10,
            options: 6,
            forms: 2,
            views: 6,
        }
    }
}

impl Spec {
    /// The table count that brings `customizations.xml` to about `mb` megabytes
    /// (10^6 bytes): what the file holds besides tables, plus a table's size,
    /// measured as the difference between 8 and 16 tables of this spec. (A probe
    /// without global choices would overrate a table: its choice columns would
    /// all be local, with their options inline.)
    pub fn tables_for_mb(&self, mb: f64) -> usize {
        let size = |tables: usize| {
            let probe = Spec {
                tables,
                ..self.clone()
            };
            render::export(&Solution::generate(&probe))
                .iter()
                .find(|(name, _)| name == "customizations.xml")
                .map_or(0, |(_, text)| text.len()) as f64
        };
        let (small, large) = (size(8), size(16));
        let per_table = ((large - small) / 8.0).max(1.0);
        let fixed = small - 8.0 * per_table;
        ((mb * 1e6 - fixed) / per_table).ceil().max(1.0) as usize
    }
}

/// The changes a next version makes. Each is applied to distinct, randomly chosen
/// components, so each gives exactly one finding.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Custom columns removed (never a lookup or a primary column).
    pub remove_columns: usize,
    /// Text columns whose type becomes whole number.
    pub change_types: usize,
    /// Options removed from global choices.
    pub remove_options: usize,
    /// Text columns whose maximum length halves.
    pub shorten_columns: usize,
}

/// A finding dvlint must report: rule id and component id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub rule: &'static str,
    pub component: String,
}

#[derive(Debug, Clone)]
pub struct Solution {
    pub unique_name: String,
    pub version: String,
    pub publisher: String,
    pub prefix: String,
    pub tables: Vec<Table>,
    pub choices: Vec<Choice>,
    pub relationships: Vec<Relationship>,
    /// The seed the bulk (form and view GUIDs) is drawn from, so that a next
    /// version keeps the same forms and views: each form's and view's own id is
    /// drawn from this seed with its table's schema name and its position only.
    pub bulk_seed: u64,
    pub forms: usize,
    pub views: usize,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub schema_name: String,
    pub display: String,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn logical_name(&self) -> String {
        self.schema_name.to_ascii_lowercase()
    }

    /// Removes column `index`, and with a money column its base-currency companion.
    pub fn remove_column(&mut self, index: usize) -> Column {
        let column = self.columns.remove(index);
        let of = column.logical_name();
        self.columns
            .retain(|other| !matches!(&other.kind, Kind::MoneyBase { of: o } if *o == of));
        column
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub schema_name: String,
    pub display: String,
    pub kind: Kind,
    /// 1 for the columns a solution defines, 0 for the system columns.
    pub custom: bool,
}

impl Column {
    pub fn logical_name(&self) -> String {
        self.schema_name.to_ascii_lowercase()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    PrimaryKey,
    /// The primary name column (nvarchar).
    PrimaryName {
        max_length: u32,
    },
    Text {
        max_length: u32,
    },
    Memo,
    Int,
    Decimal,
    Money,
    /// The base-currency companion of a money column (`<CalculationOf>`).
    MoneyBase {
        of: String,
    },
    Bool,
    DateTime,
    Lookup,
    /// A local choice with its own options.
    LocalChoice {
        options: Vec<Choice>,
    },
    /// A column using a global choice, by name.
    GlobalChoice {
        name: String,
    },
    State,
    Status,
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::PrimaryKey => "primarykey",
            Kind::PrimaryName { .. } | Kind::Text { .. } => "nvarchar",
            Kind::Memo => "ntext",
            Kind::Int => "int",
            Kind::Decimal => "decimal",
            Kind::Money | Kind::MoneyBase { .. } => "money",
            Kind::Bool => "bit",
            Kind::DateTime => "datetime",
            Kind::Lookup => "lookup",
            Kind::LocalChoice { .. } | Kind::GlobalChoice { .. } => "picklist",
            Kind::State => "state",
            Kind::Status => "status",
        }
    }
}

/// A choice (option set): global ones stand alone, local ones live in a column.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: String,
    pub display: String,
    pub options: Vec<(i64, String)>,
}

/// A one-to-many relationship whose lookup column lives in the referencing table.
#[derive(Debug, Clone)]
pub struct Relationship {
    pub name: String,
    pub referencing: String,
    pub referenced: String,
    pub lookup: String,
}

const WORDS: &[&str] = &[
    "Account",
    "Asset",
    "Budget",
    "Case",
    "Claim",
    "Contract",
    "Delivery",
    "Device",
    "Donation",
    "Estimate",
    "Event",
    "Invoice",
    "Issue",
    "Job",
    "Lead",
    "Location",
    "Meter",
    "Milestone",
    "Order",
    "Part",
    "Payment",
    "Permit",
    "Plan",
    "Policy",
    "Program",
    "Project",
    "Quote",
    "Region",
    "Request",
    "Resource",
    "Review",
    "Risk",
    "Route",
    "Schedule",
    "Service",
    "Site",
    "Stage",
    "Survey",
    "Task",
    "Team",
    "Ticket",
    "Vehicle",
    "Visit",
    "Warranty",
    "Work",
    "Zone",
];

const QUALIFIERS: &[&str] = &[
    "Actual",
    "Approved",
    "Billing",
    "Customer",
    "Due",
    "External",
    "Final",
    "Internal",
    "Last",
    "Next",
    "Planned",
    "Primary",
    "Requested",
    "Secondary",
    "Start",
    "Target",
    "Total",
];

fn words(rng: &mut Rng, count: usize) -> Vec<&'static str> {
    (0..count).map(|_| *rng.pick(WORDS)).collect()
}

impl Solution {
    /// A first release, version 1.0.0.0.
    pub fn generate(spec: &Spec) -> Self {
        let mut rng = Rng::new(spec.seed);
        let prefix = "gen".to_owned();
        let choices: Vec<Choice> = (0..spec.global_choices)
            .map(|i| {
                let display = format!("{} {}", rng.pick(QUALIFIERS), rng.pick(WORDS));
                Choice {
                    name: format!("{prefix}_{}{i}", display.replace(' ', "").to_lowercase()),
                    options: options(&mut rng, spec.options),
                    display,
                }
            })
            .collect();
        let mut tables = Vec::new();
        let mut relationships = Vec::new();
        for t in 0..spec.tables {
            let noun = words(&mut rng, 2).concat();
            let schema_name = format!("{prefix}_{noun}{t}");
            let mut table = Table {
                display: noun.clone(),
                columns: system_columns(&schema_name, &noun),
                schema_name,
            };
            for c in 0..spec.columns {
                let label = format!("{} {}", rng.pick(QUALIFIERS), rng.pick(WORDS));
                let schema = format!("{prefix}_{}{c}", label.replace(' ', ""));
                let kind = match rng.below(12) {
                    0..=3 => Kind::Text {
                        max_length: [100, 200, 500, 850][rng.below(4)],
                    },
                    4 => Kind::Memo,
                    5 => Kind::Int,
                    6 => Kind::Decimal,
                    7 => Kind::Money,
                    8 => Kind::Bool,
                    9 => Kind::DateTime,
                    10 if !choices.is_empty() => Kind::GlobalChoice {
                        name: rng.pick(&choices).name.clone(),
                    },
                    _ => Kind::LocalChoice {
                        options: vec![Choice {
                            name: format!(
                                "{}_{}",
                                table.schema_name.to_lowercase(),
                                schema.to_lowercase()
                            ),
                            display: label.clone(),
                            options: options(&mut rng, spec.options),
                        }],
                    },
                };
                let money = kind == Kind::Money;
                table.columns.push(Column {
                    schema_name: schema.clone(),
                    display: label.clone(),
                    kind,
                    custom: true,
                });
                if money {
                    table.columns.push(Column {
                        schema_name: format!("{schema}_Base"),
                        display: format!("{label} (Base)"),
                        kind: Kind::MoneyBase {
                            of: schema.to_lowercase(),
                        },
                        custom: true,
                    });
                }
            }
            // Every table after the first looks up an earlier one: relationships
            // and lookup columns, as real data models have.
            if t > 0 {
                let parent: &Table = &tables[rng.below(t)];
                let lookup = format!("{prefix}_{}Id", parent.display);
                relationships.push(Relationship {
                    name: format!(
                        "{prefix}_{}_{}",
                        table.display.to_lowercase(),
                        parent.schema_name.to_lowercase()
                    ) + &format!("_{t}"),
                    referencing: table.schema_name.clone(),
                    referenced: parent.schema_name.clone(),
                    lookup: lookup.clone(),
                });
                table.columns.push(Column {
                    display: parent.display.clone(),
                    schema_name: lookup,
                    kind: Kind::Lookup,
                    custom: true,
                });
            }
            tables.push(table);
        }
        Solution {
            unique_name: "GeneratedEnterprise".to_owned(),
            version: "1.0.0.0".to_owned(),
            publisher: "generated".to_owned(),
            prefix,
            tables,
            choices,
            relationships,
            bulk_seed: spec.seed.wrapping_mul(31).wrapping_add(7),
            forms: spec.forms,
            views: spec.views,
        }
    }

    /// The next release, 1.1.0.0 after 1.0.0.0, with `changes` applied, and the
    /// findings dvlint must report for it.
    pub fn next_version(&self, changes: &Changes, seed: u64) -> (Solution, Vec<Expected>) {
        let mut rng = Rng::new(seed);
        let mut next = self.clone();
        next.version = raise(&self.version);
        let mut expected = Vec::new();
        let mut touched = std::collections::BTreeSet::new();

        let mut candidates = |rng: &mut Rng,
                              next: &Solution,
                              wanted: usize,
                              fits: &dyn Fn(&Column) -> bool|
         -> Vec<(usize, usize)> {
            let all: Vec<(usize, usize)> = next
                .tables
                .iter()
                .enumerate()
                .flat_map(|(t, table)| {
                    table
                        .columns
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.custom && fits(c))
                        .map(move |(c, _)| (t, c))
                })
                .filter(|key| !touched.contains(key))
                .collect();
            let mut chosen = Vec::new();
            let mut pool = all;
            while chosen.len() < wanted && !pool.is_empty() {
                let key = pool.swap_remove(rng.below(pool.len()));
                touched.insert(key);
                chosen.push(key);
            }
            chosen
        };

        let text = |c: &Column| matches!(c.kind, Kind::Text { .. });
        let change = candidates(&mut rng, &next, changes.change_types, &text);
        let shorten = candidates(&mut rng, &next, changes.shorten_columns, &text);
        let removable = |c: &Column| {
            !matches!(
                c.kind,
                Kind::Lookup | Kind::PrimaryName { .. } | Kind::MoneyBase { .. }
            )
        };
        let remove = candidates(&mut rng, &next, changes.remove_columns, &removable);

        for &(t, c) in &change {
            let table = &mut next.tables[t];
            let component = format!(
                "{}.{}",
                table.logical_name(),
                table.columns[c].logical_name()
            );
            table.columns[c].kind = Kind::Int;
            expected.push(Expected {
                rule: "attribute-type-changed",
                component,
            });
        }
        for &(t, c) in &shorten {
            let table = &mut next.tables[t];
            let component = format!(
                "{}.{}",
                table.logical_name(),
                table.columns[c].logical_name()
            );
            if let Kind::Text { max_length } = &mut table.columns[c].kind {
                *max_length /= 2;
            }
            expected.push(Expected {
                rule: "attribute-length-reduced",
                component,
            });
        }
        // Remove from the highest index down so earlier indexes stay valid.
        let mut remove = remove;
        remove.sort_by(|a, b| b.cmp(a));
        for (t, c) in remove {
            let table = &mut next.tables[t];
            let column = table.remove_column(c);
            expected.push(Expected {
                rule: "attribute-removed",
                component: format!("{}.{}", table.logical_name(), column.logical_name()),
            });
        }

        let mut options: Vec<(usize, usize)> = next
            .choices
            .iter()
            .enumerate()
            .flat_map(|(i, choice)| (0..choice.options.len()).map(move |o| (i, o)))
            .collect();
        let mut removed_options = Vec::new();
        while removed_options.len() < changes.remove_options && !options.is_empty() {
            removed_options.push(options.swap_remove(rng.below(options.len())));
        }
        removed_options.sort_by(|a, b| b.cmp(a));
        for (i, o) in removed_options {
            let choice = &mut next.choices[i];
            let (value, _) = choice.options.remove(o);
            expected.push(Expected {
                rule: "option-removed",
                component: format!("{}:{value}", choice.name.to_lowercase()),
            });
        }
        expected.sort();
        (next, expected)
    }
}

impl Solution {
    /// The same solution with every list in another order, drawn from `seed`:
    /// tables, their columns, relationships, global choices, and the options of
    /// every choice, global or local. What a package holds does not depend on the
    /// order its files list it in, so dvlint must find the same in both.
    pub fn shuffled(&self, seed: u64) -> Solution {
        let mut rng = Rng::new(seed);
        let mut next = self.clone();
        rng.shuffle(&mut next.tables);
        for table in &mut next.tables {
            rng.shuffle(&mut table.columns);
            for column in &mut table.columns {
                if let Kind::LocalChoice { options } = &mut column.kind {
                    for choice in options {
                        rng.shuffle(&mut choice.options);
                    }
                }
            }
        }
        rng.shuffle(&mut next.relationships);
        rng.shuffle(&mut next.choices);
        for choice in &mut next.choices {
            rng.shuffle(&mut choice.options);
        }
        next
    }
}

/// `1.0.0.0` -> `1.1.0.0`.
fn raise(version: &str) -> String {
    let mut parts: Vec<u64> = version.split('.').filter_map(|p| p.parse().ok()).collect();
    parts.resize(4, 0);
    parts[1] += 1;
    parts[2] = 0;
    parts[3] = 0;
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn options(rng: &mut Rng, count: usize) -> Vec<(i64, String)> {
    (0..count)
        .map(|i| {
            (
                100_000_000 + i as i64,
                format!("{} {}", rng.pick(QUALIFIERS), rng.pick(WORDS)),
            )
        })
        .collect()
}

/// The columns Dataverse gives every table.
fn system_columns(schema_name: &str, display: &str) -> Vec<Column> {
    let system = |schema: &str, label: &str, kind: Kind| Column {
        schema_name: schema.to_owned(),
        display: label.to_owned(),
        kind,
        custom: false,
    };
    let base = schema_name.to_owned();
    vec![
        system(&format!("{base}Id"), display, Kind::PrimaryKey),
        Column {
            schema_name: format!("{}_Name", base.split('_').next().unwrap_or("gen")),
            display: "Name".to_owned(),
            kind: Kind::PrimaryName { max_length: 200 },
            custom: true,
        },
        system("CreatedOn", "Created On", Kind::DateTime),
        system("ModifiedOn", "Modified On", Kind::DateTime),
        system("CreatedBy", "Created By", Kind::Lookup),
        system("OwnerId", "Owner", Kind::Lookup),
        system("statecode", "Status", Kind::State),
        system("statuscode", "Status Reason", Kind::Status),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_package() {
        let spec = Spec::default();
        let a = render::export(&Solution::generate(&spec));
        let b = render::export(&Solution::generate(&spec));
        assert_eq!(a, b);
    }

    #[test]
    fn each_change_is_one_expected_finding() {
        let base = Solution::generate(&Spec::default());
        let changes = Changes {
            remove_columns: 3,
            change_types: 2,
            remove_options: 2,
            shorten_columns: 1,
        };
        let (next, expected) = base.next_version(&changes, 9);
        assert_eq!(next.version, "1.1.0.0");
        assert_eq!(expected.len(), 8);
        let count = |s: &Solution| s.tables.iter().map(|t| t.columns.len()).sum::<usize>();
        assert_eq!(count(&base) - 3, count(&next));
    }

    #[test]
    fn shuffling_keeps_every_component() {
        let base = Solution::generate(&Spec {
            tables: 6,
            columns: 8,
            ..Spec::default()
        });
        let shuffled = base.shuffled(5);
        let names =
            |s: &Solution| {
                let mut names: Vec<String> =
                    s.tables
                        .iter()
                        .flat_map(|t| {
                            t.columns
                                .iter()
                                .map(move |c| format!("{}.{}", t.schema_name, c.schema_name))
                        })
                        .chain(s.relationships.iter().map(|r| r.name.clone()))
                        .chain(s.choices.iter().flat_map(|c| {
                            c.options.iter().map(move |o| format!("{}:{}", c.name, o.0))
                        }))
                        .collect();
                names.sort();
                names
            };
        assert_eq!(names(&base), names(&shuffled));
        let order = |s: &Solution| {
            s.tables
                .iter()
                .map(|t| t.schema_name.clone())
                .collect::<Vec<_>>()
        };
        assert_ne!(order(&base), order(&shuffled), "6 tables keep their order");
    }
}
