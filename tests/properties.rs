//! Property tests (proptest) over generated solutions (dvlint-gen) and over
//! solution versions: what dvlint finds depends on what a package holds, never on
//! its form, the order of its elements or its whitespace; an unchanged solution
//! has no diff finding; removing one component is exactly one finding; and
//! versions are totally ordered, part by part.
//!
//! Each property runs a fixed number of cases on small solutions (a few tables of
//! a few columns). A failure is shrunk and its seed is saved in
//! `proptest-regressions/properties.txt`, which is committed: every run tries
//! those cases first.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::cmp::Ordering;
use std::path::Path;

use dvlint::model::{Solution as Loaded, SolutionVersion};
use dvlint::policy::Policy;
use dvlint::rules::meta::Category;
use dvlint_gen::render::{self, File, Whitespace};
use dvlint_gen::{write, Changes, Choice, Kind, Solution, Spec};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;

/// `cases` cases a run, failures saved where every run reads them. (proptest's
/// default looks for the `src/` of the file under test, which a test in `tests/`
/// has not, and falls back to a file beside it with a warning.)
fn cases(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/properties.txt"
        )))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Generated solutions, rendered and loaded.

/// A small solution: 1–4 tables of 1–5 custom columns (plus the system columns
/// every table has), up to 2 global choices of 1–4 options, at most one form and
/// one view a table (the bulk no rule reads, but the loader must skip).
fn small_spec() -> impl Strategy<Value = Spec> {
    (
        any::<u64>(),
        1usize..=4,
        1usize..=5,
        0usize..=2,
        1usize..=4,
        0usize..=1,
        0usize..=1,
    )
        .prop_map(
            |(seed, tables, columns, global_choices, options, forms, views)| Spec {
                seed,
                tables,
                columns,
                global_choices,
                options,
                forms,
                views,
            },
        )
}

/// At least one column removed (every table has a custom column to remove), so
/// that a pair always has a finding to compare.
fn some_changes() -> impl Strategy<Value = Changes> {
    (1usize..=2, 0usize..=1, 0usize..=2, 0usize..=1).prop_map(
        |(remove_columns, change_types, remove_options, shorten_columns)| Changes {
            remove_columns,
            change_types,
            remove_options,
            shorten_columns,
        },
    )
}

/// A generated release and the next version, with the changes dvlint must find.
fn release_pair() -> impl Strategy<Value = (Solution, Solution)> {
    (small_spec(), some_changes(), any::<u64>()).prop_map(|(spec, changes, seed)| {
        let base = Solution::generate(&spec);
        let (cand, _) = base.next_version(&changes, seed);
        (base, cand)
    })
}

/// The two layouts a package comes in: an export (`solution.xml` and one
/// `customizations.xml`) or unpacked source (`Other/`, `Entities/`, `OptionSets/`).
#[derive(Debug, Clone, Copy)]
enum Layout {
    Export,
    Unpacked,
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![Just(Layout::Export), Just(Layout::Unpacked)]
}

fn render(solution: &Solution, layout: Layout) -> Vec<File> {
    match layout {
        Layout::Export => render::export(solution),
        Layout::Unpacked => render::unpacked(solution),
    }
}

/// Files read from a zip held in memory (either layout zips).
fn from_zip(files: &[File], name: &str) -> Loaded {
    let bytes = write::zip_bytes(files).unwrap();
    dvlint::package::load_zip_bytes(name, bytes).unwrap()
}

/// Files written to a folder and read from there.
fn from_folder(files: &[File], dir: &Path) -> Loaded {
    write::folder(dir, files).unwrap();
    common::load(dir)
}

/// (rule, severity, component, message) of every finding, sorted: what a
/// finding says, not where it points.
type Essence = Vec<(String, String, Option<String>, String)>;

fn findings(candidate: &Loaded, baseline: &Loaded) -> Essence {
    common::essence(&common::check(
        candidate,
        Some(baseline),
        &Policy::default(),
    ))
}

fn category(rule: &str) -> Category {
    dvlint::rules::meta_of(rule).unwrap().category
}

/// Whitespace layouts for [`render::reformat`].
fn whitespace() -> impl Strategy<Value = Whitespace> {
    prop_oneof![
        (0usize..=4, any::<bool>()).prop_map(|(width, tabs)| Whitespace::Indent { width, tabs }),
        Just(Whitespace::Crlf),
        Just(Whitespace::Minified),
        (1usize..=3).prop_map(Whitespace::BlankLines),
        any::<u64>().prop_map(Whitespace::Mixed),
    ]
}

fn reformatted(files: Vec<File>, style: Whitespace) -> Vec<File> {
    files
        .into_iter()
        .map(|(name, text)| {
            let text = render::reformat(&text, style);
            (name, text)
        })
        .collect()
}

#[test]
fn the_diff_rules_are_the_removal_and_change_categories() {
    let mut diff: Vec<_> = dvlint::rules::ids()
        .into_iter()
        .filter(|id| matches!(category(id), Category::Removal | Category::Change))
        .collect();
    diff.sort_unstable();
    assert_eq!(
        diff,
        [
            "attribute-length-reduced",
            "attribute-removed",
            "attribute-type-changed",
            "component-removed",
            "entity-removed",
            "option-removed",
            "optionset-removed",
            "relationship-removed",
        ]
    );
}

proptest! {
    #![proptest_config(cases(48))]

    /// A solution checked against itself, read in either layout on either side,
    /// has no diff finding (removal or change). Only version rules may speak: the
    /// version was not raised.
    #[test]
    fn a_solution_against_itself_has_no_diff_finding(
        spec in small_spec(),
        sides in (layout(), layout()),
    ) {
        let solution = Solution::generate(&spec);
        let candidate = from_zip(&render(&solution, sides.0), "cand.zip");
        let baseline = from_zip(&render(&solution, sides.1), "base.zip");
        let found = findings(&candidate, &baseline);
        for (rule, ..) in &found {
            prop_assert_eq!(category(rule), Category::Version, "{:?}", found);
        }
    }
}

proptest! {
    #![proptest_config(cases(24))]

    /// Every form of a release pair gives the same findings: an exported zip, an
    /// extracted export (folder), an unpacked folder and a zip of one; and they
    /// are the changes the generator made.
    /// (`tests/forms.rs` adds the YAML form and `git:REF`, and compares models.)
    #[test]
    fn zip_and_folder_forms_give_the_same_findings(
        spec in small_spec(),
        changes in some_changes(),
        seed in any::<u64>(),
    ) {
        let base = Solution::generate(&spec);
        let (cand, expected) = base.next_version(&changes, seed);
        let dir = tempfile::tempdir().unwrap();
        let forms = |solution: &Solution, name: &str| {
            let export = render::export(solution);
            let unpacked = render::unpacked(solution);
            [
                ("export zip", from_zip(&export, &format!("{name}.zip"))),
                ("extracted export", from_folder(&export, &dir.path().join(format!("{name}-x")))),
                ("unpacked folder", from_folder(&unpacked, &dir.path().join(name))),
                ("unpacked zip", from_zip(&unpacked, &format!("{name}-src.zip"))),
            ]
        };
        let cands = forms(&cand, "cand");
        let bases = forms(&base, "base");
        let reference = findings(&cands[0].1, &bases[0].1);
        for ((cand_form, cand), (base_form, base)) in cands.iter().zip(&bases) {
            prop_assert_eq!(
                &findings(cand, base),
                &reference,
                "{} against {} differs from export zips", cand_form, base_form
            );
        }
        // The forms agree with each other too, not only with the reference.
        prop_assert_eq!(&findings(&cands[0].1, &bases[2].1), &reference);
        prop_assert_eq!(&findings(&cands[2].1, &bases[1].1), &reference);
        let mut want: Vec<_> = expected.iter().map(|e| (e.rule.to_owned(), Some(e.component.clone()))).collect();
        want.sort();
        let mut got: Vec<_> = reference.iter().map(|f| (f.0.clone(), f.2.clone())).collect();
        got.sort();
        prop_assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(cases(48))]

    /// Tables, columns, options (of global and local choices), relationships and
    /// global choices listed in another order, on either side: the same findings.
    #[test]
    fn reordering_elements_changes_no_finding(
        (base, cand) in release_pair(),
        orders in (any::<u64>(), any::<u64>()),
        sides in (layout(), layout()),
    ) {
        let reference = findings(
            &from_zip(&render(&cand, sides.0), "cand.zip"),
            &from_zip(&render(&base, sides.1), "base.zip"),
        );
        let shuffled = findings(
            &from_zip(&render(&cand.shuffled(orders.0), sides.0), "cand.zip"),
            &from_zip(&render(&base.shuffled(orders.1), sides.1), "base.zip"),
        );
        prop_assert_eq!(shuffled, reference);
    }

    /// Re-indented, CRLF, minified, with blank lines, or a mix, on either side:
    /// the same findings. Only whitespace between elements changes (see
    /// `render::reformat`), never an element's text.
    #[test]
    fn reformatting_whitespace_changes_no_finding(
        (base, cand) in release_pair(),
        styles in (whitespace(), whitespace()),
        sides in (layout(), layout()),
    ) {
        let (cand_files, base_files) = (render(&cand, sides.0), render(&base, sides.1));
        let reference = findings(
            &from_zip(&cand_files, "cand.zip"),
            &from_zip(&base_files, "base.zip"),
        );
        let reformatted = findings(
            &from_zip(&reformatted(cand_files, styles.0), "cand.zip"),
            &from_zip(&reformatted(base_files, styles.1), "base.zip"),
        );
        prop_assert_eq!(reformatted, reference);
    }
}

// ---------------------------------------------------------------------------
// Removing one component.

/// One component to remove from a generated solution, chosen so that an upgrade
/// without it is exactly one finding. Left out, with the reason:
/// - system columns (primary key, `createdon`, `ownerid`…: `IsCustomField` 0):
///   the platform's, never reported;
/// - the primary name column: it goes only with its table, never reported alone;
/// - a lookup column on its own: a lookup exists as long as its relationship, so
///   dropping it with the relationship kept is no finding. [`Target::Relationship`]
///   removes it with its relationship.
///
/// A table is removed with every relationship it takes part in and the lookup
/// columns other tables had for them: one `entity-removed` finding.
#[derive(Debug, Clone)]
enum Target {
    /// A table, with its relationships and the lookups other tables had to it.
    Table(usize),
    /// A custom column (a money column with its `_Base` companion; a `_Base`
    /// companion alone is its own finding, as its money column stays).
    Column(usize, usize),
    /// A relationship, with its lookup column.
    Relationship(usize),
    /// An option of a global choice.
    GlobalOption(usize, usize),
    /// An option of a column's local choice: (table, column, option).
    LocalOption(usize, usize, usize),
}

fn targets(solution: &Solution) -> Vec<Target> {
    let mut targets = Vec::new();
    for (t, table) in solution.tables.iter().enumerate() {
        targets.push(Target::Table(t));
        for (c, column) in table.columns.iter().enumerate() {
            let removable =
                column.custom && !matches!(column.kind, Kind::PrimaryName { .. } | Kind::Lookup);
            if removable {
                targets.push(Target::Column(t, c));
            }
            if let Kind::LocalChoice { options } = &column.kind {
                for o in 0..options.iter().map(|choice| choice.options.len()).sum() {
                    targets.push(Target::LocalOption(t, c, o));
                }
            }
        }
    }
    for r in 0..solution.relationships.len() {
        targets.push(Target::Relationship(r));
    }
    for (i, choice) in solution.choices.iter().enumerate() {
        for o in 0..choice.options.len() {
            targets.push(Target::GlobalOption(i, o));
        }
    }
    targets
}

/// The next version (raised, so that no version rule fires) without `target`,
/// and the one finding dvlint must report: (rule, component).
fn without(solution: &Solution, target: &Target) -> (Solution, (String, String)) {
    let mut next = solution.clone();
    next.version = "1.1.0.0".to_owned();
    let finding = |rule: &str, component: String| (rule.to_owned(), component);
    let expected = match *target {
        Target::Table(t) => {
            let table = next.tables.remove(t);
            let (gone, kept): (Vec<_>, Vec<_>) = next.relationships.drain(..).partition(|r| {
                r.referencing == table.schema_name || r.referenced == table.schema_name
            });
            next.relationships = kept;
            for relationship in gone {
                for other in &mut next.tables {
                    if other.schema_name == relationship.referencing {
                        other.columns.retain(|c| {
                            !(c.kind == Kind::Lookup && c.schema_name == relationship.lookup)
                        });
                    }
                }
            }
            finding("entity-removed", table.logical_name())
        }
        Target::Column(t, c) => {
            let table = &mut next.tables[t];
            let column = table.remove_column(c);
            finding(
                "attribute-removed",
                format!("{}.{}", table.logical_name(), column.logical_name()),
            )
        }
        Target::Relationship(r) => {
            let relationship = next.relationships.remove(r);
            let table = next
                .tables
                .iter_mut()
                .find(|t| t.schema_name == relationship.referencing)
                .unwrap();
            table
                .columns
                .retain(|c| !(c.kind == Kind::Lookup && c.schema_name == relationship.lookup));
            finding("relationship-removed", relationship.name.to_lowercase())
        }
        Target::GlobalOption(i, o) => {
            let choice = &mut next.choices[i];
            let (value, _) = choice.options.remove(o);
            finding(
                "option-removed",
                format!("{}:{value}", choice.name.to_lowercase()),
            )
        }
        Target::LocalOption(t, c, o) => {
            let table = &mut next.tables[t];
            let owner = format!(
                "{}.{}",
                table.logical_name(),
                table.columns[c].logical_name()
            );
            let Kind::LocalChoice { options } = &mut table.columns[c].kind else {
                unreachable!("a local option target is a local choice column");
            };
            let value = remove_nth_option(options, o);
            finding("option-removed", format!("{owner}:{value}"))
        }
    };
    (next, expected)
}

/// Removes the `n`th option counted across the column's choices; its value.
fn remove_nth_option(choices: &mut [Choice], mut n: usize) -> i64 {
    for choice in choices {
        if n < choice.options.len() {
            return choice.options.remove(n).0;
        }
        n -= choice.options.len();
    }
    unreachable!("the option index is within the column's options")
}

fn rule_and_component(found: &Essence) -> Vec<(String, String)> {
    found
        .iter()
        .map(|(rule, _, component, _)| (rule.clone(), component.clone().unwrap_or_default()))
        .collect()
}

proptest! {
    #![proptest_config(cases(128))]

    /// Dropping one table, column, relationship or option from a release (and
    /// raising its version) is exactly one finding, naming that component.
    #[test]
    fn removing_one_component_is_exactly_one_finding(
        spec in small_spec(),
        pick in any::<Index>(),
        sides in (layout(), layout()),
    ) {
        let base = Solution::generate(&spec);
        let targets = targets(&base);
        let target = pick.get(&targets);
        let (cand, expected) = without(&base, target);
        let found = findings(
            &from_zip(&render(&cand, sides.0), "cand.zip"),
            &from_zip(&render(&base, sides.1), "base.zip"),
        );
        prop_assert_eq!(rule_and_component(&found), vec![expected], "removed {:?}", target);
    }
}

// ---------------------------------------------------------------------------
// Solution versions.

/// A version as numbers (2–4 parts) and as text: each part possibly zero-padded
/// (`0005`) within the 18 digits a part may have, the whole possibly surrounded
/// by whitespace. Parts are often small, so that ties and equal prefixes are
/// common, and sometimes as large as 18 digits allow.
fn version() -> impl Strategy<Value = (Vec<u64>, String)> {
    let part = prop_oneof![
        6 => 0u64..3,
        2 => 0u64..100_000,
        1 => 0u64..=999_999_999_999_999_999,
    ];
    (
        prop::collection::vec((part, 0usize..=18), 2..=4),
        prop_oneof!["", " ", "\t", "\n"],
    )
        .prop_map(|(parts, space)| {
            let text = parts
                .iter()
                .map(|(value, pad)| {
                    let digits = value.to_string();
                    let zeros = (*pad).min(18 - digits.len());
                    format!("{}{digits}", "0".repeat(zeros))
                })
                .collect::<Vec<_>>()
                .join(".");
            let numbers = parts.into_iter().map(|(value, _)| value).collect();
            (numbers, format!("{space}{text}{space}"))
        })
}

/// Numeric, part-by-part order; a missing part counts as 0.
fn numeric_order(a: &[u64], b: &[u64]) -> Ordering {
    let padded = |v: &[u64]| {
        let mut v = v.to_vec();
        v.resize(4, 0);
        v
    };
    padded(a).cmp(&padded(b))
}

/// Texts that are not 2–4 dot-separated integers of at most 18 digits.
fn invalid_version() -> impl Strategy<Value = String> {
    let piece = "[0-9]{1,6}";
    prop_oneof![
        piece.prop_map(|p| p.to_string()), // one part
        prop::collection::vec(piece, 5..=7).prop_map(|p| p.join(".")), // too many
        (piece, piece).prop_map(|(a, b)| format!("{a}..{b}")), // an empty part
        (piece, piece).prop_map(|(a, b)| format!("{a}.{b}.")), // a trailing dot
        (piece, "[0-9]{19,24}").prop_map(|(a, b)| format!("{a}.{b}")), // 19+ digits
        (piece, piece, "[-+a-z_ ]").prop_map(|(a, b, c)| format!("{a}.{c}{b}")), // not a digit
        Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(cases(512))]

    /// A valid version parses to its numbers, padded to four parts.
    #[test]
    fn versions_parse_to_their_numbers((numbers, text) in version()) {
        let parsed = SolutionVersion::parse(&text);
        let mut padded = numbers.clone();
        padded.resize(4, 0);
        prop_assert_eq!(parsed.parts.map(|p| p.to_vec()), Some(padded));
        prop_assert_eq!(parsed.raw, text.trim());
    }

    /// Invalid texts are rejected, and compare with nothing.
    #[test]
    fn invalid_versions_are_rejected(
        text in invalid_version(),
        (_, valid) in version(),
    ) {
        let invalid = SolutionVersion::parse(&text);
        let valid = SolutionVersion::parse(&valid);
        prop_assert!(!invalid.is_valid(), "{:?} parsed as {:?}", text, invalid.parts);
        prop_assert_eq!(invalid.compare(&valid), None);
        prop_assert_eq!(valid.compare(&invalid), None);
        prop_assert_eq!(invalid.compare(&invalid), None);
    }

    /// `compare` is the numeric order of the parts; so it is total, reflexive,
    /// antisymmetric and transitive over valid versions.
    #[test]
    fn versions_are_totally_ordered_part_by_part(
        a in version(),
        b in version(),
        c in version(),
    ) {
        let [x, y, z] = [&a, &b, &c].map(|(_, text)| SolutionVersion::parse(text));
        for ((numbers, _), v) in [(&a, &x), (&b, &y), (&c, &z)] {
            prop_assert_eq!(v.compare(v), Some(Ordering::Equal));
            for ((others, _), w) in [(&a, &x), (&b, &y), (&c, &z)] {
                let order = v.compare(w);
                prop_assert_eq!(order, Some(numeric_order(numbers, others)), "{} vs {}", v, w);
                prop_assert_eq!(order, w.compare(v).map(Ordering::reverse), "{} vs {}", v, w);
            }
        }
        for (p, q, r) in [(&x, &y, &z), (&x, &z, &y), (&y, &x, &z), (&y, &z, &x), (&z, &x, &y), (&z, &y, &x)] {
            let (pq, qr, pr) = (p.compare(q).unwrap(), q.compare(r).unwrap(), p.compare(r).unwrap());
            if pq != Ordering::Greater && qr != Ordering::Greater {
                prop_assert_ne!(pr, Ordering::Greater, "{} <= {} <= {}", p, q, r);
            }
            if pq == Ordering::Equal && qr == Ordering::Equal {
                prop_assert_eq!(pr, Ordering::Equal, "{} = {} = {}", p, q, r);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// `dvlint diff`.

proptest! {
    #![proptest_config(cases(48))]

    /// A solution against itself, in either layout on either side, lists no change.
    #[test]
    fn a_solution_against_itself_lists_no_change(
        spec in small_spec(),
        sides in (layout(), layout()),
    ) {
        let solution = Solution::generate(&spec);
        let candidate = from_zip(&render(&solution, sides.0), "cand.zip");
        let baseline = from_zip(&render(&solution, sides.1), "base.zip");
        let rows = dvlint::review::changes(&baseline, &candidate);
        prop_assert!(rows.is_empty(), "{:?}", rows);
    }

    /// A removed component is a `removed` row carrying the finding it causes,
    /// and every finding about a component is carried by a row.
    #[test]
    fn a_removal_is_a_removed_row_with_its_finding(
        spec in small_spec(),
        pick in any::<Index>(),
        sides in (layout(), layout()),
    ) {
        let base = Solution::generate(&spec);
        let targets = targets(&base);
        let target = pick.get(&targets);
        let (cand, (rule, component)) = without(&base, target);
        let candidate = from_zip(&render(&cand, sides.0), "cand.zip");
        let baseline = from_zip(&render(&base, sides.1), "base.zip");
        let outcome = common::check(&candidate, Some(&baseline), &Policy::default());
        let review = dvlint::review::review(&baseline, &candidate, outcome.diagnostics, &outcome.accepted_findings, None);
        let row = review.rows.iter().find(|r| r.component == component);
        prop_assert!(row.is_some(), "no row for {} in {:?}", component, review.rows);
        let row = row.unwrap();
        prop_assert_eq!(row.change.as_str(), "removed");
        prop_assert_eq!(row.findings.first().map(|d| d.rule), Some(rule.as_str()));
        for finding in &review.other_findings {
            prop_assert!(finding.component.is_none(), "{:?}", finding);
        }
    }
}
