use super::raw::{self, Kind, Mark, Node};
use super::*;

const RULES: &[&str] = &[
    "package-version-too-new",
    "entity-removed",
    "attribute-removed",
    "attribute-length-reduced",
    "option-removed",
];

fn parse(text: &str) -> Result<Policy, PolicyError> {
    Policy::parse(Path::new("repo/dvlint.yaml"), text, RULES)
}

fn valid(text: &str) -> Policy {
    match parse(text) {
        Ok(policy) => policy,
        Err(error) => panic!("expected a valid policy, got: {error}"),
    }
}

/// Every problem as (line, column, message).
fn problems(text: &str) -> Vec<(usize, usize, String)> {
    match parse(text) {
        Err(PolicyError::Invalid { problems, .. }) => problems
            .into_iter()
            .map(|problem| (problem.line, problem.column, problem.message))
            .collect(),
        other => panic!("expected an invalid policy, got {other:?}"),
    }
}

fn problem(text: &str) -> (usize, usize, String) {
    let mut all = problems(text);
    assert_eq!(all.len(), 1, "expected one problem, got {all:?}");
    all.remove(0)
}

fn at(line: usize, column: usize) -> PolicyLocation {
    PolicyLocation {
        path: PathBuf::from("repo/dvlint.yaml"),
        line,
        column,
    }
}

const EXAMPLE: &str = r#"target:
  package-version: "9.1"       # newest SolutionPackageVersion every target imports
fail-on: warning               # error | warning | info
rules:                         # per-rule severity: error | warning | info | off
  attribute-length-reduced: warning
  entity-removed:
    severity: error
  option-removed: off
allow:                         # accepted findings; each needs a reason
  - rule: attribute-removed
    component: "account.cts_legacy*"   # glob over the component id
    reason: "replaced by cts_status2; data migrated in 2.3"
solutions:                     # what `dvlint check` with no PATH checks
  - path: src/solutions/ContosoCore
    baseline: releases/ContosoCore_1_2_0_0_managed.zip   # or a folder, or git:REF
"#;

#[test]
fn full_example_is_read_with_positions() {
    let policy = valid(EXAMPLE);
    assert_eq!(policy.path, Some(PathBuf::from("repo/dvlint.yaml")));
    assert_eq!(
        policy.target_package_version,
        Some(PolicyValue {
            value: "9.1".to_owned(),
            at: at(2, 20)
        })
    );
    assert_eq!(policy.fail_on, Some(Severity::Warning));
    let rules: Vec<_> = policy.rules.iter().collect();
    assert_eq!(rules.len(), 3);
    assert_eq!(
        policy.rules["attribute-length-reduced"],
        PolicyValue {
            value: Level::On(Severity::Warning),
            at: at(5, 29)
        }
    );
    assert_eq!(
        policy.rules["entity-removed"],
        PolicyValue {
            value: Level::On(Severity::Error),
            at: at(7, 15)
        }
    );
    assert_eq!(policy.level_of("option-removed"), Some(Level::Off));
    assert_eq!(policy.level_of("attribute-removed"), None);

    let [allow] = policy.allow.as_slice() else {
        panic!("expected one allow entry: {:?}", policy.allow);
    };
    assert_eq!(allow.rule, "attribute-removed");
    assert_eq!(allow.component, "account.cts_legacy*");
    assert_eq!(
        allow.reason,
        "replaced by cts_status2; data migrated in 2.3"
    );
    assert_eq!(allow.at, at(10, 5));
    assert!(allow.matches("attribute-removed", Some("account.cts_legacy_status")));

    assert_eq!(
        policy.solutions,
        vec![SolutionEntry {
            path: Path::new("repo").join("src/solutions/ContosoCore"),
            baseline: Some(
                Path::new("repo")
                    .join("releases/ContosoCore_1_2_0_0_managed.zip")
                    .to_string_lossy()
                    .into_owned()
            ),
            at: at(14, 5),
        }]
    );
}

#[test]
fn empty_and_null_policies_are_the_defaults() {
    for text in [
        "",
        "# nothing yet\n\n",
        "~\n",
        "---\n",
        "target:\nfail-on:\nrules:\nallow:\nsolutions:\n",
    ] {
        let policy = valid(text);
        assert_eq!(
            policy.path,
            Some(PathBuf::from("repo/dvlint.yaml")),
            "{text:?}"
        );
        assert!(policy.target_package_version.is_none(), "{text:?}");
        assert!(policy.fail_on.is_none(), "{text:?}");
        assert!(policy.rules.is_empty(), "{text:?}");
        assert!(policy.allow.is_empty(), "{text:?}");
        assert!(policy.solutions.is_empty(), "{text:?}");
    }
    let defaults = Policy::default();
    assert!(defaults.path.is_none());
    assert!(defaults.rules.is_empty() && defaults.allow.is_empty());
}

#[test]
fn unknown_top_level_key_is_reported_at_the_key() {
    assert_eq!(
            problem("rules: {}\nfail_on: error\n"),
            (
                2,
                1,
                "unknown key `fail_on`; expected one of `target`, `fail-on`, `rules`, `allow`, `solutions`, `environments`, `versioning`"
                    .to_owned()
            )
        );
}

#[test]
fn unknown_nested_keys_are_reported_at_the_key() {
    let text = "\
target:
  package_version: \"9.1\"
rules:
  entity-removed:
    level: error
allow:
  - rule: entity-removed
    component: x
    reason: y
    until: 2025-01-01
solutions:
  - path: a
    base: b
";
    assert_eq!(
        problems(text),
        vec![
            (
                2,
                3,
                "unknown key `package_version`; expected `package-version`".to_owned()
            ),
            (5, 5, "unknown key `level`; expected `severity`".to_owned()),
            // A block mapping starts at its first key.
            (5, 5, "rule `entity-removed` needs a severity".to_owned()),
            (
                10,
                5,
                "unknown key `until`; expected one of `rule`, `component`, `reason`, `expires`"
                    .to_owned()
            ),
            (
                13,
                5,
                "unknown key `base`; expected one of `path`, `baseline`".to_owned()
            ),
        ]
    );
}

#[test]
fn unknown_rules_suggest_a_close_name() {
    let text = "\
rules:
  entity-remove: error
  no-such-thing: error
allow:
  - rule: atribute-removed
    component: x
    reason: y
";
    assert_eq!(
        problems(text),
        vec![
            (
                2,
                3,
                "unknown rule `entity-remove`; did you mean `entity-removed`?".to_owned()
            ),
            (3, 3, "unknown rule `no-such-thing`".to_owned()),
            (
                5,
                11,
                "unknown rule `atribute-removed`; did you mean `attribute-removed`?".to_owned()
            ),
        ]
    );
}

#[test]
fn bad_severities_are_reported_at_the_value() {
    let text = "\
fail-on: off
rules:
  entity-removed: fatal
  option-removed:
    severity: Error
";
    assert_eq!(
        problems(text),
        vec![
            (
                1,
                10,
                "invalid severity `off`; expected `error`, `warning` or `info`".to_owned()
            ),
            (
                3,
                19,
                "invalid severity `fatal`; expected `error`, `warning`, `info` or `off`".to_owned()
            ),
            (
                5,
                15,
                "invalid severity `Error`; expected `error`, `warning`, `info` or `off`".to_owned()
            ),
        ]
    );
}

#[test]
fn bad_glob_is_reported_with_globsets_reason() {
    let text = "allow:\n  - rule: entity-removed\n    component: \"[abc\"\n    reason: r\n";
    assert_eq!(
        problem(text),
        (
            3,
            16,
            "invalid glob `[abc`: unclosed character class; missing ']'".to_owned()
        )
    );
}

#[test]
fn allow_entries_need_a_reason() {
    let missing = "allow:\n  - rule: entity-removed\n    component: x\n";
    assert_eq!(
        problem(missing),
        (2, 5, "allow entry needs a `reason`".to_owned())
    );
    for (value, line) in [("\"\"", 4), ("\"   \"", 4), ("", 4), ("~", 4)] {
        let text =
            format!("allow:\n  - rule: entity-removed\n    component: x\n    reason: {value}\n");
        assert_eq!(
            problem(&text),
            (line, 5, "allow entry needs a `reason`".to_owned()),
            "{value:?}"
        );
    }
    let flow = "allow: [{rule: entity-removed, component: x}]\n";
    assert_eq!(
        problem(flow),
        (1, 9, "allow entry needs a `reason`".to_owned())
    );
    assert_eq!(
        problems("allow:\n  - {}\n"),
        vec![
            (2, 5, "allow entry needs a `rule`".to_owned()),
            (2, 5, "allow entry needs a `component`".to_owned()),
            (2, 5, "allow entry needs a `reason`".to_owned()),
        ]
    );
}

#[test]
fn wrong_types_are_reported_at_the_value() {
    let text = "\
target: \"9.1\"
fail-on: [error]
rules: [entity-removed]
allow:
  - rule: entity-removed
    component: {id: x}
    reason:
      - one
  - just a string
  -
solutions: src/solutions
";
    assert_eq!(
        problems(text),
        vec![
            (1, 9, "expected a mapping, found a string".to_owned()),
            (2, 10, "expected a string, found a list".to_owned()),
            (3, 8, "expected a mapping, found a list".to_owned()),
            (6, 16, "expected a string, found a mapping".to_owned()),
            (8, 7, "expected a string, found a list".to_owned()),
            (9, 5, "expected a mapping, found a string".to_owned()),
            (10, 4, "expected a mapping, found null".to_owned()),
            (11, 12, "expected a list, found a string".to_owned()),
        ]
    );
    assert_eq!(
        problem("allow:\n  rule: entity-removed\n"),
        (2, 3, "expected a list, found a mapping".to_owned())
    );
    assert_eq!(
        problem("- fail-on: error\n"),
        (
            1,
            1,
            "expected a mapping at the top level, found a list".to_owned()
        )
    );
}

#[test]
fn all_problems_are_reported_at_once_in_file_order() {
    let text = "\
solutions:
  - baseline: git:main
rules:
  entity-removed: fatal
  entity-remove: error
fail_on: error
allow:
  - rule: entity-removed
    component: \"a[\"
target:
  package-version: nine
";
    assert_eq!(
            problems(text),
            vec![
                (2, 5, "solution entry needs a `path`".to_owned()),
                (
                    4,
                    19,
                    "invalid severity `fatal`; expected `error`, `warning`, `info` or `off`".to_owned()
                ),
                (5, 3, "unknown rule `entity-remove`; did you mean `entity-removed`?".to_owned()),
                (
                    6,
                    1,
                    "unknown key `fail_on`; expected one of `target`, `fail-on`, `rules`, `allow`, `solutions`, `environments`, `versioning`"
                        .to_owned()
                ),
                (8, 5, "allow entry needs a `reason`".to_owned()),
                (9, 16, "invalid glob `a[`: unclosed character class; missing ']'".to_owned()),
                (
                    11,
                    20,
                    "invalid package version `nine`; expected major.minor, like `9.1`".to_owned()
                ),
            ]
        );
}

#[test]
fn duplicate_keys_are_reported_and_the_first_counts() {
    let text =
        "fail-on: error\nrules:\n  entity-removed: off\n  entity-removed: error\nfail-on: info\n";
    assert_eq!(
        problems(text),
        vec![
            (4, 3, "duplicate key `entity-removed`".to_owned()),
            (5, 1, "duplicate key `fail-on`".to_owned()),
        ]
    );
}

#[test]
fn package_version_is_major_minor_kept_as_written() {
    let version = |text: &str| {
        valid(text)
            .target_package_version
            .map(|version| (version.value, version.at.line, version.at.column))
    };
    assert_eq!(
        version("target:\n  package-version: \"9.1\"\n"),
        Some(("9.1".to_owned(), 2, 20))
    );
    assert_eq!(
        version("target:\n  package-version: 9.1\n"),
        Some(("9.1".to_owned(), 2, 20))
    );
    // As a float, 9.10 would be 9.1.
    assert_eq!(
        version("target: {package-version: 9.10}\n"),
        Some(("9.10".to_owned(), 1, 27))
    );
    for bad in [
        "nine",
        "\"9.1.2\"",
        "9",
        "\"9.\"",
        "\".1\"",
        "\" 9.1\"",
        "9.1a",
    ] {
        let text = format!("target:\n  package-version: {bad}\n");
        let (line, column, message) = problem(&text);
        assert_eq!((line, column), (2, 20), "{bad}");
        assert!(
            message.starts_with("invalid package version `"),
            "{bad}: {message}"
        );
        assert!(
            message.ends_with("expected major.minor, like `9.1`"),
            "{bad}: {message}"
        );
    }
}

#[test]
fn scalars_are_strings_as_written() {
    let policy =
        valid("allow:\n  - rule: option-removed\n    component: cts_priority:3\n    reason: 42\n");
    assert_eq!(policy.allow[0].reason, "42");
    assert_eq!(policy.allow[0].component, "cts_priority:3");
}

#[test]
fn yaml_syntax_error_is_one_problem_with_its_position() {
    let text = "rules:\n  entity-removed: error\nallow:\n  - rule: [a, b\nfail-on: error\n";
    let (line, column, message) = problem(text);
    assert_eq!((line, column), (5, 8));
    assert!(
        message.starts_with("did not find expected ',' or ']'"),
        "{message}"
    );
    assert!(!message.contains("at line 5 column 8"), "{message}");

    let (line, column, message) = problem("rules:\n\tentity-removed: error\n");
    assert_eq!((line, column), (2, 1), "{message}");
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut text = String::from("lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let refs = vec![format!("*lol{}", level - 1); 9].join(", ");
        text.push_str(&format!("lol{level}: &lol{level} [{refs}]\n"));
    }
    text.push_str("allow: *lol9\n");
    let started = std::time::Instant::now();
    let (line, column, message) = problem(&text);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(
        message,
        "yaml aliases expand the policy to more than 100000 nodes"
    );
    // lol4 holds 66430 nodes: its first alias (in lol5) crosses the limit.
    assert_eq!((line, column), (5, 7));
}

#[test]
fn aliases_are_followed() {
    let text = "\
allow:
  - &accepted {rule: entity-removed, component: \"cts_*\", reason: &why \"migrated in 2.3\"}
  - *accepted
  - rule: option-removed
    component: cts_priority:3
    reason: *why
rules: &levels
  entity-removed: warning
";
    let policy = valid(text);
    assert_eq!(policy.allow.len(), 3);
    assert_eq!(policy.allow[1].rule, "entity-removed");
    assert_eq!(
        policy.allow[1].at,
        at(2, 5),
        "an alias points at its anchor"
    );
    assert_eq!(policy.allow[2].reason, "migrated in 2.3");
    assert_eq!(
        policy.level_of("entity-removed"),
        Some(Level::On(Severity::Warning))
    );
}

#[test]
fn recursive_alias_tag_and_deep_nesting_are_refused() {
    assert_eq!(
        problem("allow: &self\n  - *self\n"),
        (
            1,
            8,
            "yaml alias of a list or mapping inside itself".to_owned()
        )
    );
    assert_eq!(
        problem("rules: !custom\n  entity-removed: error\n"),
        (1, 8, "yaml tags are not supported".to_owned())
    );
    assert_eq!(
        problem("rules:\n  entity-removed: !sev error\n"),
        (2, 19, "yaml tags are not supported".to_owned())
    );
    assert_eq!(
        problem("rules:\n  !id entity-removed: error\n"),
        (2, 3, "yaml tags are not supported".to_owned())
    );
    assert_eq!(
        problem("rules:\n  ? [a]\n  : error\n"),
        (
            2,
            5,
            "expected a string key, found a list or mapping".to_owned()
        )
    );
    // yaml_serde's own limit (128 levels) is past dvlint's (16), and before either
    // the YAML scanner would spend minutes on thousands of open `[`.
    let deep = format!("rules: {}{}\n", "[".repeat(500), "]".repeat(500));
    assert_eq!(
        problem(&deep),
        (
            1,
            136,
            "more than 128 `[` and `{` open at once; lists and mappings may nest 16 deep"
                .to_owned()
        )
    );
    let deep = format!("rules: {}{}\n", "[".repeat(17), "]".repeat(17));
    assert_eq!(
        problem(&deep),
        (
            1,
            24,
            "lists and mappings nested more than 16 deep".to_owned()
        )
    );
    let deep = format!("allow: {}{}\n", "[".repeat(16), "]".repeat(16));
    assert_eq!(problem(&deep).2, "expected a mapping, found a list");
    let (_, _, message) = problem("fail-on: error\n---\nfail-on: info\n");
    assert!(message.contains("more than one document"), "{message}");
}

#[test]
fn oversized_policy_is_refused() {
    let text = "#".repeat(usize::try_from(MAX_POLICY_SIZE).unwrap() + 1);
    match parse(&text) {
        Err(PolicyError::TooLarge { size, .. }) => assert_eq!(size, MAX_POLICY_SIZE + 1),
        other => panic!("expected TooLarge, got {other:?}"),
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dvlint.yaml");
    let file = fs::File::create(&path).unwrap();
    file.set_len(MAX_POLICY_SIZE + 1).unwrap();
    let error = Policy::load(&path, RULES).unwrap_err();
    assert!(
        matches!(error, PolicyError::TooLarge { size, .. } if size == MAX_POLICY_SIZE + 1),
        "{error:?}"
    );
    assert!(error
        .to_string()
        .ends_with("is too large: 524289 bytes, the limit is 512 KiB"));

    // Exactly at the limit is read (and here, being comments only, is the defaults).
    file.set_len(0).unwrap();
    fs::write(&path, "#".repeat(usize::try_from(MAX_POLICY_SIZE).unwrap())).unwrap();
    assert!(Policy::load(&path, RULES).is_ok());
}

#[test]
fn load_reports_unreadable_and_non_utf8_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("dvlint.yaml");
    let error = Policy::load(&missing, RULES).unwrap_err();
    assert!(matches!(error, PolicyError::Read { .. }), "{error:?}");
    let expected = format!("cannot read policy `{}`: ", missing.display());
    assert!(error.to_string().starts_with(&expected), "{error}");

    fs::write(
        &missing,
        b"fail-on: error\nrules:\n  \xc3\xa9t\xff: error\n",
    )
    .unwrap();
    match Policy::load(&missing, RULES) {
        Err(PolicyError::Invalid { problems, .. }) => assert_eq!(
            problems,
            vec![PolicyProblem {
                line: 3,
                column: 5,
                message: "the policy is not valid utf-8".to_owned()
            }]
        ),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn load_reads_the_file_and_resolves_solutions_against_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("config");
    fs::create_dir(&folder).unwrap();
    let path = folder.join("dvlint.yaml");
    let absolute = dir.path().join("elsewhere").join("Core");
    let text = format!(
            "solutions:\n  - path: src/Core\n    baseline: releases/Core_1_0.zip\n  - path: ../Other\n    baseline: git:v1.2.0\n  - path: {}\n",
            absolute.display()
        );
    fs::write(&path, text).unwrap();
    let policy = Policy::load(&path, RULES).unwrap();
    assert_eq!(policy.path.as_deref(), Some(path.as_path()));
    let found: Vec<(PathBuf, Option<String>)> = policy
        .solutions
        .iter()
        .map(|entry| (entry.path.clone(), entry.baseline.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                folder.join("src/Core"),
                Some(
                    folder
                        .join("releases/Core_1_0.zip")
                        .to_string_lossy()
                        .into_owned()
                )
            ),
            (folder.join("../Other"), Some("git:v1.2.0".to_owned())),
            (absolute, None),
        ]
    );
    assert_eq!(policy.solutions[1].at.line, 4);
    assert_eq!(policy.solutions[1].at.path, path);
}

#[test]
fn a_policy_next_to_the_working_folder_resolves_to_bare_relative_paths() {
    let policy = Policy::parse(
        Path::new("dvlint.yaml"),
        "solutions:\n  - path: src/Core\n",
        RULES,
    )
    .unwrap();
    assert_eq!(policy.solutions[0].path, PathBuf::from("src/Core"));
}

#[test]
fn invalid_policy_displays_one_line_per_problem() {
    let error = parse("fail-on: fatal\nrules:\n  entity-remove: error\n").unwrap_err();
    assert_eq!(
            error.to_string(),
            "invalid policy `repo/dvlint.yaml`\n  \
             repo/dvlint.yaml:1:10: invalid severity `fatal`; expected `error`, `warning` or `info`\n  \
             repo/dvlint.yaml:3:3: unknown rule `entity-remove`; did you mean `entity-removed`?"
        );
    assert_eq!(at(3, 7).to_string(), "repo/dvlint.yaml:3:7");
}

#[test]
fn long_values_are_shortened_in_messages() {
    let long = "x".repeat(500);
    let (_, _, message) = problem(&format!("fail-on: {long}\n"));
    assert_eq!(
        message,
        format!(
            "invalid severity `{}…`; expected `error`, `warning` or `info`",
            "x".repeat(60)
        )
    );
}

#[test]
fn allow_matches_component_globs_across_dots_ignoring_case() {
    let text = "\
allow:
  - {rule: attribute-removed, component: \"cts_project.*\", reason: r}
  - {rule: option-removed, component: \"*:100000001\", reason: r}
  - {rule: entity-removed, component: \"CTS_Legacy*\", reason: r}
  - {rule: option-removed, component: \"cts_priority:[12]\", reason: r}
";
    let policy = valid(text);
    let allowed = |rule: &str, component: Option<&str>| {
        policy
            .allow
            .iter()
            .any(|allow| allow.matches(rule, component))
    };
    assert!(allowed("attribute-removed", Some("cts_project.cts_budget")));
    assert!(allowed("attribute-removed", Some("CTS_Project.CTS_Budget")));
    assert!(!allowed(
        "attribute-removed",
        Some("cts_projects.cts_budget")
    ));
    assert!(allowed(
        "option-removed",
        Some("cts_project.cts_stage:100000001")
    ));
    assert!(!allowed(
        "option-removed",
        Some("cts_project.cts_stage:100000002")
    ));
    assert!(allowed("entity-removed", Some("cts_legacyproject")));
    assert!(allowed("option-removed", Some("cts_priority:2")));
    // `*` crosses every character, `/` too (web resource names hold paths).
    assert!(allowed(
        "entity-removed",
        Some("cts_legacy/scripts/form.js")
    ));
    assert!(!allowed("option-removed", Some("cts_priority:3")));
    // Another rule, or no component at all, is never accepted.
    assert!(!allowed("entity-removed", Some("cts_project.cts_budget")));
    assert!(!allowed("attribute-removed", None));
    assert!(!allowed("entity-removed", None));
}

#[test]
fn allow_entries_may_expire_on_a_date() {
    let text = "\
allow:
  - rule: entity-removed
    component: a
    reason: r
    expires: 2026-06-30
  - {rule: entity-removed, component: b, reason: r, expires: \"2026-07-01\"}
  - {rule: entity-removed, component: c, reason: r}
";
    let policy = valid(text);
    let expires: Vec<_> = policy.allow.iter().map(|a| a.expires.clone()).collect();
    let date = |text: &str| text.parse::<Date>().unwrap();
    assert_eq!(
        expires,
        [
            Some(PolicyValue {
                value: date("2026-06-30"),
                at: at(5, 14),
            }),
            Some(PolicyValue {
                value: date("2026-07-01"),
                at: at(6, 62),
            }),
            None,
        ]
    );
    // The day itself is expired; the day before is not.
    let first = &policy.allow[0];
    assert!(!first.expired_on(date("2026-06-29")));
    assert!(first.expired_on(date("2026-06-30")));
    assert!(first.expired_on(date("2026-07-01")));
    assert!(!policy.allow[2].expired_on(date("9999-12-31")));
}

#[test]
fn expiry_dates_must_be_real_and_written_in_full() {
    let text = "\
allow:
  - rule: entity-removed
    component: a
    reason: r
    expires: 2026-02-30
  - {rule: entity-removed, component: b, reason: r, expires: 2026-6-30}
  - {rule: entity-removed, component: c, reason: r, expires: tomorrow}
  - {rule: entity-removed, component: d, reason: r, expires: 2026-13-01}
  - {rule: entity-removed, component: e, reason: r, expires: 20260630}
  - {rule: entity-removed, component: f, reason: r, expires: }
  - {rule: entity-removed, component: g, reason: r, expires: [2026-06-30]}
";
    let full = "expected a date as YYYY-MM-DD, like `2026-06-30`";
    assert_eq!(
        problems(text),
        vec![
            (
                5,
                14,
                "invalid date `2026-02-30`: February 2026 has 28 days".to_owned()
            ),
            (6, 62, format!("invalid date `2026-6-30`: {full}")),
            (7, 62, format!("invalid date `tomorrow`: {full}")),
            (
                8,
                62,
                "invalid date `2026-13-01`: there is no month 13".to_owned()
            ),
            (9, 62, format!("invalid date `20260630`: {full}")),
            (
                10,
                53,
                "`expires` needs a date, like `2026-06-30`".to_owned()
            ),
            (11, 62, "expected a string, found a list".to_owned()),
        ]
    );
}

#[test]
fn discover_walks_up_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path();
    let repo = outside.join("repo");
    let deep = repo.join("src").join("solutions");
    fs::create_dir_all(&deep).unwrap();
    fs::create_dir(repo.join(".git")).unwrap();
    // Above the repository root: never found from inside.
    fs::write(outside.join("dvlint.yaml"), "").unwrap();
    assert_eq!(Policy::discover(&deep), None);
    assert_eq!(Policy::discover(outside), Some(outside.join("dvlint.yaml")));

    fs::write(repo.join(".dvlint.yaml"), "").unwrap();
    assert_eq!(Policy::discover(&deep), Some(repo.join(".dvlint.yaml")));
    fs::write(repo.join("dvlint.yaml"), "").unwrap();
    assert_eq!(Policy::discover(&deep), Some(repo.join("dvlint.yaml")));
    fs::write(deep.join(".dvlint.yaml"), "").unwrap();
    assert_eq!(Policy::discover(&deep), Some(deep.join(".dvlint.yaml")));
    // A folder named like a policy is not one.
    let nested = deep.join("dvlint.yaml").join("inner");
    fs::create_dir_all(&nested).unwrap();
    assert_eq!(Policy::discover(&nested), Some(deep.join(".dvlint.yaml")));
}

#[test]
fn discover_stops_at_a_git_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let worktree = dir.path().join("worktree");
    fs::create_dir(&worktree).unwrap();
    fs::write(worktree.join(".git"), "gitdir: ../main/.git/worktrees/w\n").unwrap();
    fs::write(dir.path().join("dvlint.yaml"), "").unwrap();
    assert_eq!(Policy::discover(&worktree), None);
}

/// Steps from the top-level mapping down to a node.
#[derive(Debug, Clone, Copy)]
enum Step {
    Key(usize),
    Value(usize),
    Item(usize),
}

fn nodes(node: &Node, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Mark)>) {
    out.push((path.clone(), node.at));
    match &node.kind {
        Kind::Map(entries) => entries_nodes(entries, path, out),
        Kind::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Item(index));
                nodes(item, path, out);
                path.pop();
            }
        }
        Kind::Null | Kind::Str(_) => {}
    }
}

fn entries_nodes(entries: &[(Node, Node)], path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Mark)>) {
    for (index, (key, value)) in entries.iter().enumerate() {
        path.push(Step::Key(index));
        nodes(key, path, out);
        path.pop();
        path.push(Step::Value(index));
        nodes(value, path, out);
        path.pop();
    }
}

/// Walks to a node and fails there, so that yaml_serde reports its position through
/// `Error::location`: one parse per node, independent of the probing reader.
struct Walk<'p>(&'p [Step]);

impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("nothing: this visitor fails where it stops")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::{Error, IgnoredAny};
        let Some((step, rest)) = self.0.split_first() else {
            return Err(A::Error::custom("here"));
        };
        for index in 0.. {
            let more = match step {
                Step::Key(key) if *key == index => map.next_key_seed(Walk(rest))?.is_some(),
                _ => map.next_key::<IgnoredAny>()?.is_some(),
            };
            if !more {
                break;
            }
            match step {
                Step::Value(value) if *value == index => map.next_value_seed(Walk(rest))?,
                _ => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        Err(A::Error::custom("step not found"))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::{Error, IgnoredAny};
        let Some((step, rest)) = self.0.split_first() else {
            return Err(A::Error::custom("here"));
        };
        for index in 0.. {
            let more = match step {
                Step::Item(item) if *item == index => seq.next_element_seed(Walk(rest))?.is_some(),
                _ => seq.next_element::<IgnoredAny>()?.is_some(),
            };
            if !more {
                break;
            }
        }
        Err(A::Error::custom("step not found"))
    }
}

#[test]
fn every_node_position_agrees_with_yaml_serde_locations() {
    let documents = [
            EXAMPLE,
            "{fail-on: error, rules: {entity-removed: warning, option-removed: {severity: info}}, allow: [{rule: a, component: 'x*', reason: \"r\"}, [], {}]}",
            "target:\nrules:\n  a:\n  b: ~\n  c: \"\"\nallow:\n  -\n  - \n  - rule:\n    reason:\nsolutions: []\n",
            "allow:\n  - &e {rule: x, component: y, reason: &r z}\n  - *e\n  - {rule: x, component: *r, reason: *r}\n  - &l [a, *r, {k: *r}]\n  - *l\nrules: &m\n  x: *r\nextra: *m\nmore: [*l, *e, *m]\n",
            "allow:\n  - reason: \"héllo wörld ✓\"\n    component: ünï*\n    rule: é\n  - {rule: 日本語, reason: 'ü'}\n",
            "allow:\n  - reason: |\n      multi\n      line\n    rule: >-\n      folded\n      text\n    component: 'it''s'\n  - reason: plain\n      continued\n",
            "solutions:\n- path: a\n  baseline: b\n- - x\n  - - y\n    - []\n- path: c\n-\n- {}\n",
            "---\n# leading comment\n\n\nfail-on:   warning   # trailing\nrules:\n    # indented comment\n    entity-removed:    error\n",
            "a: &a\n  - &b\n    - c\n  - *b\n  - &d\n    k: &v\n      - x\nb: *a\nc: [*b, *d, *v]\n",
            "? complex key\n: value\n? |\n  block key\n: [1, 2]\n\"quoted key\": {}\n'single': !!str text\n",
            "x: [a, [b, [c, {d: [e]}]], {f: {g: {}}}]\ny: {z: [], w: {}}\n",
            "k:\r\n  - a\r\n  - b: c\r\n",
        ];
    for text in documents {
        let root = raw::read(text)
            .unwrap_or_else(|problem| panic!("{text:?}: {problem}"))
            .unwrap_or_else(|| panic!("{text:?}: empty"));
        let mut found = Vec::new();
        entries_nodes(&root, &mut Vec::new(), &mut found);
        assert!(found.len() > 3, "{text:?}");
        for (path, mark) in found {
            let error = serde::Deserializer::deserialize_any(
                serde_yaml::Deserializer::from_str(text),
                Walk(&path),
            )
            .unwrap_err();
            let location = error.location().unwrap_or_else(|| panic!("{error}"));
            assert_eq!(
                (mark.line, mark.column),
                (location.line(), location.column()),
                "{text:?} at {path:?}: {error}"
            );
            assert_eq!(raw::mark_of(&error), mark, "{text:?} at {path:?}: {error}");
        }
    }
}

// ---------------------------------------------------------------------------
// environments:
// ---------------------------------------------------------------------------

const ENVIRONMENTS: &str = "\
environments:
  test:
    version: \"9.1.0.16819\"
    solutions: envs/test-solutions.json
    settings: deploy/test.json
  prod:
    version: 9.2.24012.198
    solutions:
      - { name: msdynce_Service, version: \"9.0.5.56\", managed: true, publisher: microsoftdynamics }
      - name: ContosoCore
        version: 1.10
        managed: false
  dev:
    version: \"9.2\"
    solutions: []
    settings: deploy
";

#[test]
fn environments_are_read_in_order_with_their_places() {
    let policy = valid(ENVIRONMENTS);
    let names: Vec<&str> = policy
        .environments
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["test", "prod", "dev"]);
    let [test, prod, dev] = policy.environments.as_slice() else {
        panic!("{:?}", policy.environments)
    };
    assert_eq!(test.at, at(2, 3));
    assert_eq!(
        test.version,
        PolicyValue {
            value: "9.1.0.16819".to_owned(),
            at: at(3, 14)
        }
    );
    // Files are resolved against the policy's folder, and read only when a command needs them.
    assert_eq!(
        test.solutions,
        Some(InstalledSource::File(PolicyValue {
            value: Path::new("repo").join("envs/test-solutions.json"),
            at: at(4, 16)
        }))
    );
    assert_eq!(
        test.settings,
        Some(PolicyValue {
            value: Path::new("repo").join("deploy/test.json"),
            at: at(5, 15)
        })
    );
    // An unquoted version is kept as written, like `target.package-version`.
    assert_eq!(prod.version.value, "9.2.24012.198");
    assert_eq!(prod.settings, None);
    assert_eq!(
        prod.solutions,
        Some(InstalledSource::Inline(vec![
            InlineSolution {
                name: "msdynce_Service".to_owned(),
                version: "9.0.5.56".to_owned(),
                managed: true,
                publisher: Some("microsoftdynamics".to_owned()),
                at: at(9, 9),
            },
            InlineSolution {
                name: "ContosoCore".to_owned(),
                // As a float, 1.10 would be 1.1.
                version: "1.10".to_owned(),
                managed: false,
                publisher: None,
                at: at(10, 9),
            },
        ]))
    );
    assert_eq!(dev.version.value, "9.2");
    assert_eq!(dev.solutions, Some(InstalledSource::Inline(Vec::new())));
    assert_eq!(
        dev.settings.as_ref().map(|s| s.value.clone()),
        Some(Path::new("repo").join("deploy"))
    );
    // A place in the policy is a location findings can point at.
    let location = policy.locate(&prod.version.at).unwrap();
    assert_eq!(
        &location.file.text().unwrap()[location.start..location.start + 13],
        "9.2.24012.198"
    );
}

#[test]
fn an_environment_needs_only_its_version() {
    let policy = valid("environments:\n  test: { version: \"9.2.24012.198\" }\n");
    let [test] = policy.environments.as_slice() else {
        panic!("{:?}", policy.environments)
    };
    assert_eq!(
        (test.solutions.clone(), test.settings.clone()),
        (None, None)
    );
    for text in ["environments:\n", "environments: {}\n", "environments: ~\n"] {
        assert!(valid(text).environments.is_empty(), "{text:?}");
    }
}

#[test]
fn environment_keys_are_strict() {
    let text = "\
environments:
  test:
    version: \"9.2\"
    setting: deploy/test.json
    solutions:
      - { name: A, version: \"1.0\", managed: true, managd: true }
";
    assert_eq!(
        problems(text),
        vec![
            (
                4,
                5,
                "unknown key `setting`; expected one of `version`, `solutions`, `settings`"
                    .to_owned()
            ),
            (
                6,
                51,
                "unknown key `managd`; expected one of `name`, `version`, `managed`, `publisher`"
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn an_environment_without_a_valid_version_is_reported() {
    assert_eq!(
        problem("environments:\n  test:\n    solutions: []\n"),
        (
            3,
            5,
            "environment `test` needs a `version` (its Dataverse version, like `9.2.24012.198`)"
                .to_owned()
        )
    );
    assert_eq!(
        problem("environments:\n  test:\n    version:\n"),
        (3, 5, "environment `test` needs a `version`".to_owned())
    );
    assert_eq!(
        problem("environments:\n  test: { version: \"  \" }\n"),
        (2, 11, "environment `test` needs a `version`".to_owned())
    );
    for bad in [
        "nine",
        "9.x",
        "\"9\"",
        "9.2.1.0.5",
        "\"9..2\"",
        "v9.2",
        "\"-9.2\"",
    ] {
        let text = format!("environments:\n  test:\n    version: {bad}\n");
        let (line, column, message) = problem(&text);
        assert_eq!((line, column), (3, 14), "{bad}");
        let shown = bad.trim_matches('"');
        assert_eq!(
            message,
            format!("invalid Dataverse version `{shown}`; expected numbers like `9.2.24012.198`"),
            "{bad}"
        );
    }
}

#[test]
fn blanks_around_a_version_are_trimmed() {
    let policy = valid(
        "environments:\n  test:\n    version: \" 9.2 \"\n    solutions:\n      - { name: \" A \", version: \"1.0 \", managed: true }\n",
    );
    let test = &policy.environments[0];
    assert_eq!(test.version.value, "9.2");
    let Some(InstalledSource::Inline(list)) = &test.solutions else {
        panic!("{test:?}")
    };
    assert_eq!(
        (list[0].name.as_str(), list[0].version.as_str()),
        ("A", "1.0")
    );
}

#[test]
fn inline_solutions_need_a_name_a_valid_version_and_a_managed_state() {
    let text = "\
environments:
  test:
    version: \"9.2\"
    solutions:
      - { version: \"1.0\", managed: true }
      - { name: A, managed: true }
      - { name: B, version: \"1.0\" }
      - { name: C, version: \"1.0\", managed: yes }
      - { name: D, version: one, managed: false }
      - { name: E, version: \"1.0\", managed: ~ }
      - { name: '', version: \"1.0\", managed: true }
      - name: F
        version: \"1.x\"
        managed: True
";
    assert_eq!(
        problems(text),
        vec![
            (5, 9, "installed solution needs a `name`".to_owned()),
            (6, 9, "installed solution needs a `version`".to_owned()),
            (7, 9, "installed solution needs a `managed`".to_owned()),
            (
                8,
                45,
                "`managed` must be `true` or `false`, not `yes`".to_owned()
            ),
            (
                9,
                29,
                "invalid solution version `one`; expected numbers like `1.2.0.0`".to_owned()
            ),
            (
                10,
                45,
                "`managed` must be `true` or `false`, not `null`".to_owned()
            ),
            (11, 11, "installed solution needs a `name`".to_owned()),
            (
                13,
                18,
                "invalid solution version `1.x`; expected numbers like `1.2.0.0`".to_owned()
            ),
            (
                14,
                18,
                "`managed` must be `true` or `false`, not `True`".to_owned()
            ),
        ]
    );
}

#[test]
fn a_solution_listed_twice_is_reported_at_the_second() {
    let text = "\
environments:
  test:
    version: \"9.2\"
    solutions:
      - { name: ContosoCore, version: \"1.0\", managed: true }
      - { name: Other, version: \"1.0\", managed: true }
      - { name: contosocore, version: \"2.0\", managed: false }
  prod:
    version: \"9.2\"
    solutions:
      - { name: ContosoCore, version: \"1.0\", managed: true }
";
    // Each environment has its own list: the same name in two of them is fine.
    assert_eq!(
        problems(text),
        vec![(7, 9, "solution `contosocore` is listed twice".to_owned())]
    );
}

#[test]
fn files_must_be_named() {
    let text = "\
environments:
  test:
    version: \"9.2\"
    settings: \"\"
  prod:
    version: \"9.2\"
    solutions: \" \"
    settings:
";
    assert_eq!(
        problems(text),
        vec![
            (4, 15, "`settings` must not be empty".to_owned()),
            (7, 16, "`solutions` must not be empty".to_owned()),
            (8, 14, "`settings` must not be empty".to_owned()),
        ]
    );
}

#[test]
fn wrong_types_in_environments_are_reported_at_the_value() {
    let text = "\
environments:
  test:
    version: [9, 2]
  prod:
    version: { major: 9 }
    solutions: { file: x.json }
    settings: [a.json]
  dev: 9.2
  qa:
    version: \"9.2\"
    solutions:
      - { name: [A], version: \"1.0\", managed: true }
      - { name: B, version: 1.0, managed: [true], publisher: { name: p } }
      - just a name
";
    assert_eq!(
        problems(text),
        vec![
            (3, 14, "expected a string, found a list".to_owned()),
            (5, 14, "expected a string, found a mapping".to_owned()),
            (6, 16, "expected a string, found a mapping".to_owned()),
            (7, 15, "expected a string, found a list".to_owned()),
            (8, 8, "expected a mapping, found a string".to_owned()),
            (12, 17, "expected a string, found a list".to_owned()),
            (13, 43, "expected a string, found a list".to_owned()),
            (13, 62, "expected a string, found a mapping".to_owned()),
            (14, 9, "expected a mapping, found a string".to_owned()),
        ]
    );
    assert_eq!(
        problem("environments: [test]\n"),
        (1, 15, "expected a mapping, found a list".to_owned())
    );
    // Scalars are strings as written (as `reason: 42` is): a number is a name.
    let policy = valid(
        "environments:\n  test:\n    version: \"9.2\"\n    solutions:\n      - { name: 42, version: 1.0, managed: \"true\" }\n",
    );
    let Some(InstalledSource::Inline(list)) = &policy.environments[0].solutions else {
        panic!("{:?}", policy.environments)
    };
    assert_eq!(
        (list[0].name.as_str(), list[0].version.as_str()),
        ("42", "1.0")
    );
}

#[test]
fn environment_names_are_words() {
    let text = "\
environments:
  \"my env\": { version: \"9.2\" }
  \"\": { version: \"9.2\" }
  \"prod\\t\": { version: \"9.2\" }
  test-eu_2: { version: \"9.2\" }
  \"eu/prod\": { version: \"9.2\" }
  \"prod\\e[31m\": { version: \"9.2\" }
  prüfung: { version: \"9.2\" }
";
    assert_eq!(
        problems(text),
        vec![
            (
                2,
                3,
                "invalid environment name `my env`; use letters, digits, `-` or `_`".to_owned()
            ),
            (
                3,
                3,
                "invalid environment name ``; use letters, digits, `-` or `_`".to_owned()
            ),
            (
                4,
                3,
                "invalid environment name `prod\t`; use letters, digits, `-` or `_`".to_owned()
            ),
            (
                6,
                3,
                "invalid environment name `eu/prod`; use letters, digits, `-` or `_`".to_owned()
            ),
            (
                7,
                3,
                "invalid environment name `prod\u{1b}[31m`; use letters, digits, `-` or `_`"
                    .to_owned()
            ),
        ]
    );
    assert_eq!(
        problem("environments:\n  test: { version: \"9.2\" }\n  test: { version: \"9.1\" }\n"),
        (3, 3, "duplicate key `test`".to_owned())
    );
}

#[test]
fn past_200_problems_the_rest_are_counted_from_the_first_not_listed() {
    let mut text = String::from("rules:\n");
    for i in 0..250 {
        text.push_str(&format!("  entity-remove{i}: error\n"));
    }
    let all = problems(&text);
    assert_eq!(all.len(), 201);
    assert_eq!(
        all[0],
        (
            2,
            3,
            "unknown rule `entity-remove0`; did you mean `entity-removed`?".to_owned()
        )
    );
    assert_eq!(all[199].0, 201);
    assert_eq!(
        all[200],
        (
            202,
            3,
            "50 more problems not listed, the first of them here".to_owned()
        )
    );
    // One over the limit is one problem, in the singular.
    let mut text = String::from("rules:\n");
    for i in 0..201 {
        text.push_str(&format!("  entity-remove{i}: error\n"));
    }
    assert_eq!(
        problems(&text).last().unwrap().2,
        "1 more problem not listed, the first of them here"
    );
}
