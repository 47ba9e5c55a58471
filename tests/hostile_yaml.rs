//! Hostile input in the YAML source format (Dataverse Git integration): the real
//! `dvlint` binary on YAML trees built to hurt it. As in `tests/hostile.rs`, every
//! case is built at test time and must end cleanly — exit 0 or 1 with a correct
//! result, or exit 2 with one message naming the file and line — under the
//! time guard and the 256 MB memory bound of `common::bounded`, and never read
//! outside the tree. `cargo test --test hostile_yaml -- --nocapture` prints what
//! each run took.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
#![allow(clippy::print_stderr)] // tests: each run's time and memory is printed

mod common;

use std::fs;
use std::path::Path;

use common::bounded::{dvlint, memory_tempdir, serial};

const SOLUTION: &str = "ImportExportXml:
  '@version': 9.2.24012.198
  '@SolutionPackageVersion': 9.2
  '@languagecode': 1033
  '@generatedBy': CrmLive
  SolutionManifest:
    UniqueName: Hostile
    LocalizedNames:
      LocalizedName:
        '@description': Hostile
        '@languagecode': 1033
    Version: 1.0.0.0
    Managed: 0
    Publisher:
      UniqueName: contoso
";

const PUBLISHER: &str = "Publisher:
  UniqueName: contoso
  CustomizationPrefix: cts
  CustomizationOptionValuePrefix: 10000
";

const COMPONENTS: &str = "SolutionComponents:
  Component:
  - '@path': /entities/cts_thing
  - '@path': /publishers/contoso
";

const ROOTS: &str = "RootComponents:
  RootComponent:
  - '@type': 1
    '@schemaName': cts_thing
    '@behavior': 0
";

/// `{INFO}` is replaced by more keys of the table's `entity` mapping.
const ENTITY: &str = "Entity:
  Name:
    '@LocalizedName': Thing
    '@OriginalName': Thing
    '#text': cts_Thing
  EntityInfo:
    entity:
      '@Name': cts_Thing
      LocalizedNames:
        LocalizedName:
          '@description': Thing
          '@languagecode': 1033
      EntitySetName: cts_things
      IsCustomizable: 1
";

const COLUMN: &str = "attribute:
  '@PhysicalName': cts_Code
  Type: nvarchar
  Name: cts_code
  LogicalName: cts_code
  IsCustomField: 1
  MaxLength: 100
";

/// Writes a one-table YAML tree at `dir`, then `files` over it.
fn tree(dir: &Path, files: &[(&str, &[u8])]) {
    let base: [(&str, &[u8]); 6] = [
        ("solutions/Hostile/solution.yml", SOLUTION.as_bytes()),
        (
            "solutions/Hostile/solutioncomponents.yml",
            COMPONENTS.as_bytes(),
        ),
        ("solutions/Hostile/rootcomponents.yml", ROOTS.as_bytes()),
        ("publishers/contoso/publisher.yml", PUBLISHER.as_bytes()),
        ("entities/cts_thing/entity.yml", ENTITY.as_bytes()),
        (
            "entities/cts_thing/attributes/cts_code.yml",
            COLUMN.as_bytes(),
        ),
    ];
    for (path, text) in base.iter().chain(files) {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// `ENTITY` with `more` appended to its `entity` mapping (indented 6 spaces),
/// from line 15.
fn entity_with(more: &str) -> String {
    format!("{ENTITY}{more}")
}

#[test]
fn a_plain_tree_loads() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    tree(&temp.path().join("plain"), &[]);
    let run = dvlint("plain YAML tree", &["components", "plain"], temp.path());
    run.exit(0);
    assert!(
        run.stdout().contains("cts_thing.cts_code"),
        "{}",
        run.stdout()
    );
}

#[test]
fn aliases_tags_and_documents_are_refused_at_their_line() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    // Billion laughs: nine levels of ten aliases each would be 10^9 values.
    let mut laughs = String::from("      Laugh0: &l0 lol\n");
    for level in 1..10 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        laughs.push_str(&format!("      Laugh{level}: &l{level} [{refs}]\n"));
    }
    let cases: [(&str, String, &str); 5] = [
        (
            "billion laughs",
            entity_with(&laughs),
            "entity.yml:16:20: a YAML alias",
        ),
        (
            "a tag",
            entity_with("      EntitySetName2: !!python/object:os.system x\n"),
            "entity.yml:15:23: a YAML tag",
        ),
        (
            "a second document",
            format!("{ENTITY}---\n{ENTITY}"),
            "entity.yml:15:1: a second YAML document",
        ),
        (
            "a key given twice",
            entity_with("      EntitySetName: again\n"),
            "entity.yml:15:7: key `EntitySetName` is given twice in this mapping (first at line 13)",
        ),
        (
            "a key that cannot be an XML name",
            entity_with("      'a\"><b': 1\n"),
            "entity.yml:15:8: `a\"><b` is not a name the solution format uses",
        ),
    ];
    for (label, entity, needle) in cases {
        let dir = root.join(label.replace(' ', "-"));
        tree(
            &dir,
            &[("entities/cts_thing/entity.yml", entity.as_bytes())],
        );
        let name = dir.file_name().unwrap().to_str().unwrap();
        dvlint(label, &["check", name], root).fails_with(&[needle]);
    }
}

#[test]
fn deep_nesting_is_refused_at_its_depth() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let deep = 200_000;
    let cases = [
        (
            "200 000-deep flow lists",
            entity_with(&format!(
                "      Deep: {}{}\n",
                "[".repeat(deep),
                "]".repeat(deep)
            )),
        ),
        (
            "200 000-deep flow mappings",
            entity_with(&format!(
                "      Deep: {}1{}\n",
                "{a: ".repeat(deep),
                "}".repeat(deep)
            )),
        ),
        (
            "200 000 unclosed flow lists",
            entity_with(&format!("      Deep: {}\n", "[".repeat(deep))),
        ),
    ];
    for (label, entity) in cases {
        let dir = root.join(label.replace(' ', "-"));
        tree(
            &dir,
            &[("entities/cts_thing/entity.yml", entity.as_bytes())],
        );
        let name = dir.file_name().unwrap().to_str().unwrap();
        dvlint(label, &["check", name], root)
            .fails_with(&["entity.yml:15:", "nested more than 128 deep"]);
    }
    // Block mappings 2 000 deep (indentation makes each level longer).
    let mut block = String::new();
    for level in 0..2000 {
        block.push_str(&" ".repeat(6 + 2 * level));
        block.push_str("a:\n");
    }
    let dir = root.join("block");
    tree(
        &dir,
        &[(
            "entities/cts_thing/entity.yml",
            entity_with(&block).as_bytes(),
        )],
    );
    dvlint("2 000-deep block mappings", &["check", "block"], root)
        .fails_with(&["entity.yml:", "nested more than 128 deep"]);
}

#[test]
fn size_and_count_limits_are_errors_naming_the_file() {
    let _serial = serial();
    let temp = memory_tempdir();
    let root = temp.path();
    // A file over the 16 MiB limit.
    let big = entity_with(&format!("      Big: {}\n", "x".repeat(17 * 1024 * 1024)));
    tree(
        &root.join("big"),
        &[("entities/cts_thing/entity.yml", big.as_bytes())],
    );
    dvlint("17 MiB entity.yml", &["check", "big"], root)
        .fails_with(&["entity.yml", "16777216-byte limit"]);
    // A million one-letter values: 2 MB of text, a tree of 90 MB unbounded.
    let items = vec!["a"; 1_100_000].join(",");
    let many = entity_with(&format!("      Many: [{items}]\n"));
    tree(
        &root.join("many"),
        &[("entities/cts_thing/entity.yml", many.as_bytes())],
    );
    dvlint("1 100 000 values", &["check", "many"], root)
        .fails_with(&["entity.yml:15:", "more than 500000 values"]);
    // A 1 000-letter key (YAML's longest plain key is 1 024) over a list of
    // 100 000 items would be 200 MB of XML.
    let key = "K".repeat(1000);
    let items = vec!["a"; 100_000].join(",");
    let amplified = entity_with(&format!("      {key}: [{items}]\n"));
    tree(
        &root.join("amplified"),
        &[("entities/cts_thing/entity.yml", amplified.as_bytes())],
    );
    dvlint("a long key over a long list", &["check", "amplified"], root)
        .fails_with(&["entity.yml:15:7:", "maps to more than"]);
    // 8 MiB of non-ASCII values (the parser counts characters, spans are bytes): read, exit 0.
    let wide = "é".repeat(2 * 1024 * 1024);
    let huge = entity_with(&format!(
        "      Description: '{wide}'\n      '{}': {wide}\n",
        "ü".repeat(1000)
    ));
    tree(
        &root.join("huge"),
        &[("entities/cts_thing/entity.yml", huge.as_bytes())],
    );
    dvlint("8 MiB of non-ASCII values", &["check", "huge"], root).exit(0);
}

#[test]
fn long_mappings_and_long_component_lists_take_linear_time() {
    let _serial = serial();
    let temp = memory_tempdir();
    let root = temp.path();
    // 200 000 distinct keys in one mapping: a key given twice is looked up, not scanned for.
    let keys: String = (0..200_000).map(|i| format!("      K{i}: {i}\n")).collect();
    tree(
        &root.join("keys"),
        &[(
            "entities/cts_thing/entity.yml",
            entity_with(&keys).as_bytes(),
        )],
    );
    dvlint("200 000 keys in one mapping", &["check", "keys"], root).exit(0);
    // 50 000 listed paths naming nothing: one finding each.
    let mut listed = String::from(COMPONENTS);
    for i in 0..50_000 {
        listed.push_str(&format!("  - '@path': /entities/cts_missing{i}\n"));
    }
    tree(
        &root.join("listed"),
        &[(
            "solutions/Hostile/solutioncomponents.yml",
            listed.as_bytes(),
        )],
    );
    let run = dvlint(
        "50 000 listed paths with no file",
        &["check", "listed", "--format", "json"],
        root,
    );
    run.exit(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let missing = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "component-path-missing")
        .count();
    assert_eq!(missing, 50_000);
    // 20 000 column files, all listed by their table's folder.
    let files: Vec<(String, String)> = (0..20_000)
        .map(|i| {
            (
                format!("entities/cts_thing/attributes/cts_c{i}.yml"),
                COLUMN
                    .replace("cts_Code", &format!("cts_C{i}"))
                    .replace("cts_code", &format!("cts_c{i}")),
            )
        })
        .collect();
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    tree(&root.join("columns"), &files);
    let run = dvlint(
        "20 000 column files",
        &["components", "columns", "--format", "json"],
        root,
    );
    run.exit(0);
    assert!(run.stdout().contains("cts_thing.cts_c19999"));
}

#[test]
fn paths_out_of_the_tree_are_never_read() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let secret = root.join("secret.yml");
    fs::write(&secret, "attribute:\n  '@PhysicalName': TOPSECRET\n").unwrap();
    let outside = root.join("outside");
    fs::create_dir_all(outside.join("attributes")).unwrap();
    fs::write(
        outside.join("entity.yml"),
        ENTITY.replace("cts_Thing", "TOPSECRET"),
    )
    .unwrap();
    let mut listed = String::from(COMPONENTS);
    for path in [
        "../secret.yml",
        "/../secret",
        "entities/../../secret",
        secret.to_str().unwrap(),
        "C:\\Windows\\win.ini",
        "\\\\server\\share\\x",
        "entities/./cts_thing/../../../secret",
    ] {
        listed.push_str(&format!("  - '@path': '{}'\n", path.replace('\'', "''")));
    }
    let dir = root.join("tree");
    tree(
        &dir,
        &[(
            "solutions/Hostile/solutioncomponents.yml",
            listed.as_bytes(),
        )],
    );
    let run = dvlint("listed paths out of the tree", &["check", "tree"], root);
    run.exit(1).never_shows("TOPSECRET");
    assert_eq!(run.stderr().matches("component-path-missing").count(), 0);
    assert_eq!(run.stdout().matches("component-path-missing").count(), 7);

    // A table folder that is a link out of the tree: refused, never read.
    #[cfg(unix)]
    {
        let linked = root.join("linked");
        tree(&linked, &[]);
        std::os::unix::fs::symlink(&outside, linked.join("entities/cts_outside")).unwrap();
        let mut listed = String::from(COMPONENTS);
        listed.push_str("  - '@path': /entities/cts_outside\n");
        fs::write(
            linked.join("solutions/Hostile/solutioncomponents.yml"),
            listed,
        )
        .unwrap();
        dvlint(
            "a table folder linked out of the tree",
            &["check", "linked"],
            root,
        )
        .fails_with(&["cts_outside"])
        .never_shows("TOPSECRET");
    }
}

#[test]
fn malformed_manifests_are_errors_at_their_line() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let cases: [(&str, &str, &[u8], &str); 6] = [
        (
            "the documentation's list shape",
            "solutions/Hostile/solutioncomponents.yml",
            b"SolutionComponents:\n- Path: entities/cts_thing\n",
            "solutioncomponents.yml:2:3: `SolutionComponents:` is a list here",
        ),
        (
            "a component without a path",
            "solutions/Hostile/solutioncomponents.yml",
            b"SolutionComponents:\n  Component:\n  - '@name': x\n",
            "solutioncomponents.yml:3:6: a component without `'@path'`",
        ),
        (
            "a path that is a mapping",
            "solutions/Hostile/solutioncomponents.yml",
            b"SolutionComponents:\n  Component:\n  - '@path': {a: 1}\n",
            "solutioncomponents.yml:3:6: `'@path'` must be a path",
        ),
        (
            "an attribute whose value is a list",
            "solutions/Hostile/solution.yml",
            b"ImportExportXml:\n  '@version': [1, 2]\n",
            "solution.yml:2:4: attribute `@version` has a list or mapping",
        ),
        (
            "text that is not UTF-8",
            "entities/cts_thing/attributes/cts_code.yml",
            b"attribute:\n  '@PhysicalName': cts_\xff\xfeCode\n",
            "cts_code.yml:2:",
        ),
        (
            "malformed YAML",
            "publishers/contoso/publisher.yml",
            b"Publisher:\n  UniqueName: [contoso\n  CustomizationPrefix: cts\n",
            "publisher.yml:",
        ),
    ];
    for (label, path, text, needle) in cases {
        let dir = root.join(label.replace(' ', "-"));
        tree(&dir, &[(path, text)]);
        let name = dir.file_name().unwrap().to_str().unwrap();
        dvlint(label, &["check", name], root).fails_with(&[needle]);
    }
}

#[test]
fn a_named_pipe_in_the_tree_is_refused_without_blocking() {
    #[cfg(unix)]
    {
        let _serial = serial();
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("pipe");
        tree(&dir, &[]);
        let column = dir.join("entities/cts_thing/attributes/cts_code.yml");
        fs::remove_file(&column).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&column)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("[hostile] mkfifo is not available; skipped");
            return;
        }
        dvlint(
            "a named pipe as a column file",
            &["check", "pipe"],
            temp.path(),
        )
        .fails_with(&["cts_code.yml"]);
    }
}
