//! `dvlint init`: a commented `dvlint.yaml` with every key at its default. The
//! template is built from the catalogue, so a new rule appears in it unasked; a
//! test parses it back to keep it a valid policy that changes nothing.

use std::io::Write;
use std::path::Path;

use crate::app::{RunError, EXIT_OK};
use crate::commands::output::write_atomically;
use crate::rules;

/// Writes the template to `path`; an existing file only with `force`.
pub(crate) fn run(path: &Path, force: bool, out: &mut dyn Write) -> Result<i32, RunError> {
    if path.exists() && !force {
        return Err(RunError::Usage(format!(
            "`{}` exists; pass --force to overwrite it",
            path.display()
        )));
    }
    write_atomically(path, &template())?;
    writeln!(out, "wrote {}", path.display())?;
    Ok(EXIT_OK)
}

/// The policy file `dvlint init` writes. It parses to the built-in defaults.
pub(crate) fn template() -> String {
    let catalogue = rules::catalogue();
    let width = catalogue.iter().map(|m| m.id.len()).max().unwrap_or(0) + 1;
    let mut rules_section = String::new();
    for meta in catalogue {
        rules_section.push_str(&format!(
            "  {:<width$} {:<8} # {}\n",
            format!("{}:", meta.id),
            meta.default_level.to_string(),
            meta.summary
        ));
    }
    format!(
        r#"# dvlint policy: what `dvlint check` enforces. Every key is optional; the values
# below are the defaults. Rule pages: `dvlint explain <rule>`.

# The newest SolutionPackageVersion every target environment imports. Without it,
# package-version-too-new stays quiet. Example: a test environment still on 9.1.
target: {{}}
#  package-version: "9.1"

# The lowest severity that fails the run (exit code 1): error | warning | info.
fail-on: error

# Per-rule severity: error | warning | info | off (or a map: {{ severity: warning }}).
rules:
{rules_section}
# Accepted findings: a rule, a glob over the component id, and why; optionally the
# day (YYYY-MM-DD, UTC) the entry stops applying (allow-expired reports it then).
# An entry that accepts nothing is reported by allow-unused.
# Component ids: table `cts_project`, column `cts_project.cts_budget`, relationship
# `cts_project_account`, global choice `cts_priority`, its option `cts_priority:3`,
# a local choice's option `cts_project.cts_stage:100000001`.
allow: []
#  - rule: attribute-removed
#    component: "cts_project.cts_legacy*"
#    reason: "replaced by cts_status2; data migrated in 2.3"
#    expires: 2026-06-30

# What `dvlint check` with no PATH checks; paths are relative to this file.
# A baseline is a zip, a folder, or git:REF (the same path at a git revision).
solutions: []
#  - path: src/solutions/ContosoCore
#    baseline: git:origin/main

# The version part (major | minor | build | revision) a release must raise when
# it removes components, and when it adds some; without it, version-bump-insufficient
# stays quiet. See `dvlint explain version-bump-insufficient`.
# versioning:
#   removal: major
#   addition: minor

# The environments a release is deployed to (`dvlint check --environment NAME`
# checks one): each one's Dataverse version, what is installed there (a list, or
# the Web API's JSON of `solutions`), and the pac deployment settings used for it.
# Paths are relative to this file.
environments: {{}}
#  test:
#    version: "9.2.24012.198"
#    solutions: envs/test-solutions.json
#    settings: deploy/test.json
#  prod:
#    version: "9.2.24012.198"
#    solutions:
#      - {{ name: msdynce_Service, version: "9.0.5.56", managed: true, publisher: microsoftdynamics }}
#    settings: deploy/prod/
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::level_of;
    use crate::policy::Policy;

    #[test]
    fn the_commented_environments_are_a_valid_example() {
        let text = template();
        let from = text.find("environments: {}").unwrap();
        let example: String = text[from..]
            .lines()
            .skip(1)
            .map(|line| line.strip_prefix('#').unwrap_or(line))
            .map(|line| format!("{line}\n"))
            .collect();
        let text = format!("environments:\n{example}");
        let policy = Policy::parse(std::path::Path::new("dvlint.yaml"), &text, &rules::ids())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        let names: Vec<&str> = policy
            .environments
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(names, ["test", "prod"]);
    }

    #[test]
    fn the_commented_versioning_is_a_valid_example() {
        let text = template();
        let from = text.find("# versioning:").unwrap();
        let example: String = text[from..]
            .lines()
            .take_while(|line| line.starts_with('#'))
            .map(|line| format!("{}\n", line.strip_prefix("# ").unwrap_or(line)))
            .collect();
        let policy = Policy::parse(std::path::Path::new("dvlint.yaml"), &example, &rules::ids())
            .unwrap_or_else(|e| panic!("{e}\n{example}"));
        let versioning = policy.versioning.unwrap();
        let part = |value: Option<crate::policy::PolicyValue<_>>| value.map(|v| v.value);
        assert_eq!(part(versioning.removal), Some(crate::policy::Part::Major));
        assert_eq!(part(versioning.addition), Some(crate::policy::Part::Minor));
        assert!(
            Policy::parse(std::path::Path::new("dvlint.yaml"), &text, &rules::ids())
                .unwrap()
                .versioning
                .is_none()
        );
    }

    #[test]
    fn the_commented_allow_entry_is_a_valid_example() {
        let text = template();
        let from = text.find("allow: []").unwrap();
        let example: String = text[from..]
            .lines()
            .skip(1)
            .map_while(|line| line.strip_prefix('#'))
            .map(|line| format!("{line}\n"))
            .collect();
        let text = format!("allow:\n{example}");
        let policy = Policy::parse(std::path::Path::new("dvlint.yaml"), &text, &rules::ids())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        let [entry] = policy.allow.as_slice() else {
            panic!("one entry in\n{text}");
        };
        assert_eq!(entry.rule, "attribute-removed");
        let expires = entry.expires.as_ref().map(|e| e.value.to_string());
        assert_eq!(expires.as_deref(), Some("2026-06-30"));
    }

    #[test]
    fn the_template_is_a_valid_policy_holding_the_defaults() {
        let text = template();
        let policy = Policy::parse(std::path::Path::new("dvlint.yaml"), &text, &rules::ids())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert!(policy.target_package_version.is_none());
        assert_eq!(policy.fail_on, Some(crate::diagnostic::Severity::Error));
        assert!(policy.allow.is_empty() && policy.solutions.is_empty());
        assert!(policy.environments.is_empty());
        for meta in rules::catalogue() {
            assert_eq!(
                policy.level_of(meta.id),
                Some(meta.default_level),
                "{}",
                meta.id
            );
            assert_eq!(level_of(&policy, meta.id), meta.default_level);
        }
    }
}
