//! Generated release pairs (dvlint-gen): the findings are exactly the changes the
//! generator made, whether the packages are read as zips or as unpacked folders.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use dvlint::policy::Policy;
use dvlint_gen::{render, write, Changes, Expected, Solution, Spec};

fn found(
    candidate: &dvlint::model::Solution,
    baseline: &dvlint::model::Solution,
) -> Vec<(String, String)> {
    let outcome = common::check(candidate, Some(baseline), &Policy::default());
    let mut found: Vec<_> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.rule.to_string(), d.component.clone().unwrap_or_default()))
        .collect();
    found.sort();
    found
}

fn expected(expected: &[Expected]) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = expected
        .iter()
        .map(|e| (e.rule.to_owned(), e.component.clone()))
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn the_findings_are_exactly_the_generated_changes() {
    for seed in [1, 2, 3] {
        let spec = Spec {
            seed,
            tables: 12,
            ..Spec::default()
        };
        let base = Solution::generate(&spec);
        let changes = Changes {
            remove_columns: 4,
            change_types: 2,
            remove_options: 3,
            shorten_columns: 2,
        };
        let (cand, changed) = base.next_version(&changes, seed + 100);
        let want = expected(&changed);
        assert_eq!(want.len(), 11);

        let zipped = |s: &Solution, name: &str| {
            let bytes = write::zip_bytes(&render::export(s)).unwrap();
            dvlint::package::load_zip_bytes(name, bytes).unwrap()
        };
        let (cand_zip, base_zip) = (zipped(&cand, "cand.zip"), zipped(&base, "base.zip"));
        assert_eq!(found(&cand_zip, &base_zip), want, "zips, seed {seed}");

        let dir = tempfile::tempdir().unwrap();
        write::folder(&dir.path().join("cand"), &render::unpacked(&cand)).unwrap();
        write::folder(&dir.path().join("base"), &render::unpacked(&base)).unwrap();
        let cand_dir = common::load(&dir.path().join("cand"));
        let base_dir = common::load(&dir.path().join("base"));
        assert_eq!(found(&cand_dir, &base_dir), want, "folders, seed {seed}");

        // Each form gives the same model: a zip checked against a folder agrees too.
        assert_eq!(
            found(&cand_zip, &base_dir),
            want,
            "zip against folder, seed {seed}"
        );
    }
}

#[test]
fn a_generated_release_against_itself_is_quiet() {
    let base = Solution::generate(&Spec::default());
    let bytes = write::zip_bytes(&render::export(&base)).unwrap();
    let one = dvlint::package::load_zip_bytes("a.zip", bytes.clone()).unwrap();
    let two = dvlint::package::load_zip_bytes("b.zip", bytes).unwrap();
    assert_eq!(found(&one, &two), Vec::<(String, String)>::new());
}
