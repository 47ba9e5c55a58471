//! Every form a package comes in gives the same model and the same findings
//! (issue 12): a generated release pair, each side written by dvlint-gen as an
//! exported zip, an extracted export, unpacked source, the YAML source of
//! Dataverse Git integration, and that YAML tree and the zip read from git
//! (`git:REF`), loads to one model, and every candidate form checked against
//! every baseline form finds exactly the changes the generator made.
//!
//! The YAML writer itself is checked against `scripts/xml_to_yaml.py`, the
//! independent Python mapping: both write the same bytes.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use dvlint::model::Solution as Loaded;
use dvlint::policy::Policy;
use dvlint_gen::render::{self, File};
use dvlint_gen::{write, Changes, Solution, Spec};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn cases(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/forms.txt"
        )))),
        ..ProptestConfig::default()
    }
}

/// As in `tests/properties.rs`: 1–4 tables of 1–5 custom columns, up to 2
/// global choices, at most one form and one view a table.
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

// ---------------------------------------------------------------------------
// The model, without where each value was read.

/// What the rules read of a loaded solution: the package's attributes, the
/// manifest (version, publisher, roots, missing dependencies), every table and
/// column (type, length, requirement, options…), global choice, relationship
/// and other component, as `Debug` prints them, one line a part, with every
/// span taken out. Only the origin, the form and the files are left out: they
/// are what differs between forms.
fn model(solution: &Loaded) -> Vec<String> {
    let mut lines = vec![
        format!("{:?}", solution.package),
        format!("{:?}", solution.manifest),
        format!("{:?}", solution.missing_component_paths),
    ];
    for (name, entity) in &solution.entities {
        let mut bare = entity.clone();
        bare.attributes.clear();
        lines.push(format!("{name}: {bare:?}"));
        for (column, attribute) in &entity.attributes {
            lines.push(format!("{name}.{column}: {attribute:?}"));
        }
    }
    let parts = [
        each(&solution.option_sets),
        each(&solution.relationships),
        each(&solution.components),
        each(&solution.environment_variables),
        each(&solution.connection_references),
    ];
    lines.extend(parts.into_iter().flatten());
    lines.iter().map(|line| without_spans(line)).collect()
}

fn each<T: std::fmt::Debug>(map: &std::collections::BTreeMap<String, T>) -> Vec<String> {
    map.iter()
        .map(|(key, value)| format!("{key}: {value:?}"))
        .collect()
}

/// `text` with every `Span { file: FileId(…), start: …, end: … }` as `Span`.
fn without_spans(text: &str) -> String {
    const SPAN: &str = "Span { file: FileId(";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(SPAN) {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let end = rest[at..].find('}').unwrap();
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The first line where two models differ, for a readable failure.
fn first_difference(a: &[String], b: &[String]) -> Option<String> {
    let at = a.iter().zip(b).position(|(x, y)| x != y);
    match at {
        Some(i) => Some(format!("\n  {}\n  {}", a[i], b[i])),
        None if a.len() != b.len() => Some(format!("{} lines against {}", a.len(), b.len())),
        None => None,
    }
}

#[test]
fn a_model_without_spans_keeps_every_value() {
    let text = "Spanned { value: \"9.2\", span: Span { file: FileId(3), start: 10, end: 13 } }";
    assert_eq!(
        without_spans(text),
        "Spanned { value: \"9.2\", span: Span }"
    );
}

// ---------------------------------------------------------------------------
// The forms.

/// A git repository in a temp folder, with a configuration of its own (as in
/// `tests/git_baseline.rs`): the developer's and the system's cannot interfere.
struct Repo {
    temp: PathBuf,
    root: PathBuf,
}

impl Repo {
    fn new(temp: &Path) -> Self {
        let root = temp.join("repo");
        std::fs::create_dir_all(temp.join("home")).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        let repo = Self {
            temp: temp.to_path_buf(),
            root,
        };
        repo.git(&["init", "-q"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let home = self.temp.join("home");
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CEILING_DIRECTORIES", &self.temp)
            .env("GIT_AUTHOR_NAME", "dvlint")
            .env("GIT_AUTHOR_EMAIL", "dvlint@example.com")
            .env("GIT_COMMITTER_NAME", "dvlint")
            .env("GIT_COMMITTER_EMAIL", "dvlint@example.com")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Puts `yaml` at `Gen/` and the export's zip at `Gen.zip` in the work
    /// tree, and commits them.
    fn commit(&self, yaml: &[File], export: &[File], message: &str) {
        write::folder(&self.root.join("Gen"), yaml).unwrap();
        write::zip(&self.root.join("Gen.zip"), export).unwrap();
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }
}

fn at_revision(rev: &str, path: &Path) -> Loaded {
    dvlint::package::git::load_at_revision(rev, path)
        .unwrap_or_else(|e| panic!("git:{rev} {}: {e}", path.display()))
}

fn from_folder(files: &[File], dir: &Path) -> Loaded {
    write::folder(dir, files).unwrap();
    common::load(dir)
}

/// One side of the pair in every form, named.
type Forms = Vec<(&'static str, Loaded)>;

/// `solution` as an export zip (the reference, first), an extracted export,
/// unpacked source and a YAML root, each in `dir/<name>-…`.
fn on_disk(solution: &Solution, name: &str, dir: &Path) -> Forms {
    let export = render::export(solution);
    let zip = write::zip_bytes(&export).unwrap();
    let at = |form: &str| dir.join(format!("{name}-{form}"));
    vec![
        (
            "export zip",
            dvlint::package::load_zip_bytes(&format!("{name}.zip"), zip).unwrap(),
        ),
        ("extracted export", from_folder(&export, &at("export"))),
        (
            "unpacked folder",
            from_folder(&render::unpacked(solution), &at("unpacked")),
        ),
        (
            "YAML folder",
            from_folder(&render::yaml(solution), &at("yaml")),
        ),
    ]
}

/// Both sides in every form: those on disk, and each side's YAML tree and zip
/// committed in git, read as `git:HEAD~1` (the baseline) and `git:HEAD` (the
/// candidate); the candidate also as the repository's work tree, where a user
/// runs `dvlint check Gen --baseline git:HEAD`.
fn every_form(base: &Solution, cand: &Solution, dir: &Path) -> (Forms, Forms) {
    let mut bases = on_disk(base, "base", dir);
    let mut cands = on_disk(cand, "cand", dir);
    let repo = Repo::new(&dir.join("git"));
    repo.commit(&render::yaml(base), &render::export(base), "base");
    repo.commit(&render::yaml(cand), &render::export(cand), "cand");
    let (tree, zip) = (repo.root.join("Gen"), repo.root.join("Gen.zip"));
    bases.push(("git:HEAD~1 YAML tree", at_revision("HEAD~1", &tree)));
    bases.push(("git:HEAD~1 zip", at_revision("HEAD~1", &zip)));
    cands.push(("YAML work tree", common::load(&tree)));
    cands.push(("git:HEAD YAML tree", at_revision("HEAD", &tree)));
    cands.push(("git:HEAD zip", at_revision("HEAD", &zip)));
    (bases, cands)
}

/// (rule, severity, component, message) of every finding, sorted.
fn findings(
    candidate: &Loaded,
    baseline: &Loaded,
) -> Vec<(String, String, Option<String>, String)> {
    common::essence(&common::check(
        candidate,
        Some(baseline),
        &Policy::default(),
    ))
}

proptest! {
    #![proptest_config(cases(12))]

    /// Every form of each side (export zip, extracted export, unpacked folder,
    /// YAML folder, and the YAML tree and the zip read from git) loads to the
    /// model the export zip does; every candidate form checked against every
    /// baseline form finds what the export zips find, and that is what the
    /// generator changed.
    #[test]
    fn every_form_gives_the_same_model_and_the_same_findings(
        spec in small_spec(),
        changes in some_changes(),
        seed in any::<u64>(),
    ) {
        let base = Solution::generate(&spec);
        let (cand, expected) = base.next_version(&changes, seed);
        let dir = tempfile::tempdir().unwrap();
        let (bases, cands) = every_form(&base, &cand, dir.path());

        for (side, forms) in [("baseline", &bases), ("candidate", &cands)] {
            let reference = model(&forms[0].1);
            prop_assert!(reference.len() > 10, "{:?}", reference);
            for (form, loaded) in &forms[1..] {
                let differs = first_difference(&model(loaded), &reference);
                prop_assert!(differs.is_none(), "{} {} differs from the export zip: {}", side, form, differs.unwrap_or_default());
            }
        }

        let reference = findings(&cands[0].1, &bases[0].1);
        for (cand_form, candidate) in &cands {
            for (base_form, baseline) in &bases {
                prop_assert_eq!(
                    &findings(candidate, baseline),
                    &reference,
                    "{} against {} differs from export zips", cand_form, base_form
                );
            }
        }
        let mut want: Vec<_> = expected.iter().map(|e| (e.rule.to_owned(), Some(e.component.clone()))).collect();
        want.sort();
        let mut got: Vec<_> = reference.iter().map(|f| (f.0.clone(), f.2.clone())).collect();
        got.sort();
        prop_assert_eq!(got, want);
    }
}

// ---------------------------------------------------------------------------
// The YAML writer against the independent Python one.

/// Every file below `root`, by path from it, with its bytes.
fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                let name = relative.to_string_lossy().replace('\\', "/");
                found.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// `render::yaml` writes, byte for byte, what `scripts/xml_to_yaml.py` writes
/// from `render::unpacked`: two implementations of the mapping agree.
#[test]
fn the_yaml_writer_writes_what_the_python_mapping_writes() {
    let Ok(status) = Command::new("python3").arg("--version").output() else {
        assert!(std::env::var_os("CI").is_none(), "python3 is needed in CI");
        return;
    };
    assert!(status.status.success());
    let base = Solution::generate(&Spec {
        tables: 5,
        columns: 12,
        global_choices: 3,
        forms: 2,
        views: 3,
        ..Spec::default()
    });
    let changes = Changes {
        remove_columns: 2,
        change_types: 1,
        remove_options: 1,
        shorten_columns: 1,
    };
    let (cand, _) = base.next_version(&changes, 7);
    let temp = tempfile::tempdir().unwrap();
    for (name, solution) in [("base", &base), ("cand", &cand)] {
        let unpacked = temp.path().join(name);
        write::folder(&unpacked, &render::unpacked(solution)).unwrap();
        let python = temp.path().join(format!("{name}-python"));
        let status = Command::new("python3")
            .arg("scripts/xml_to_yaml.py")
            .args([&unpacked, &python])
            .status()
            .unwrap();
        assert!(status.success());
        let rust = temp.path().join(format!("{name}-rust"));
        write::folder(&rust, &render::yaml(solution)).unwrap();
        let (python, rust) = (tree(&python), tree(&rust));
        let paths = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&rust), paths(&python), "{name}");
        for ((path, ours), (_, theirs)) in rust.iter().zip(&python) {
            assert!(
                ours == theirs,
                "{name}/{path}:\n{}\n---\n{}",
                String::from_utf8_lossy(ours),
                String::from_utf8_lossy(theirs)
            );
        }
    }
}
