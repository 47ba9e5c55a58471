//! `versioning:` of the policy: the part of the solution version a release must
//! raise when it removes components, and when it adds some, as cargo-semver-checks'
//! `required_update`. The rule `version-bump-insufficient` enforces it.

use std::fmt;
use std::str::FromStr;

use super::raw::Node;
use super::{either, shown, suggest, Check, PolicyLocation, PolicyValue};

const VERSIONING_KEYS: &[&str] = &["removal", "addition"];

/// One of the four parts of a solution version (`major.minor.build.revision`).
///
/// Ordered by significance: `Revision < Build < Minor < Major`, so the larger of two
/// requirements is their `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Revision,
    Build,
    Minor,
    Major,
}

impl Part {
    /// The names a policy may write, most significant first.
    pub const NAMES: [&'static str; 4] = ["major", "minor", "build", "revision"];

    /// The part's place in a version: 0 for `Major` to 3 for `Revision`.
    pub fn index(self) -> usize {
        match self {
            Part::Major => 0,
            Part::Minor => 1,
            Part::Build => 2,
            Part::Revision => 3,
        }
    }

    /// The part at `index` (0 `Major` to 3 `Revision`).
    pub fn at(index: usize) -> Option<Part> {
        match index {
            0 => Some(Part::Major),
            1 => Some(Part::Minor),
            2 => Some(Part::Build),
            3 => Some(Part::Revision),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self.index()]
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Part {
    type Err = ();

    /// The lower-case name, as the policy writes it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::NAMES
            .iter()
            .position(|name| *name == s)
            .and_then(Part::at)
            .ok_or(())
    }
}

/// `versioning:`: the part a release must raise, by what it does. Both keys are
/// optional; with neither, nothing is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioning {
    /// Where `versioning` is written.
    pub at: PolicyLocation,
    /// A release that removes a component must raise at least this part.
    pub removal: Option<PolicyValue<Part>>,
    /// A release that adds a component must raise at least this part.
    pub addition: Option<PolicyValue<Part>>,
}

impl Check<'_> {
    pub(super) fn versioning(&mut self, key: &Node, node: &Node) -> Option<Versioning> {
        let mut versioning = Versioning {
            at: self.location(key.at),
            removal: None,
            addition: None,
        };
        let mut broken = false;
        for (field, field_node, value) in self.mapping(node) {
            let slot = match field {
                "removal" => &mut versioning.removal,
                "addition" => &mut versioning.addition,
                other => {
                    let mut message = format!(
                        "unknown key `{}`; expected {}",
                        shown(other),
                        either(VERSIONING_KEYS)
                    );
                    if let Some(close) = suggest(other, VERSIONING_KEYS) {
                        message.push_str(&format!("; did you mean `{close}`?"));
                    }
                    self.problem(field_node.at, message);
                    broken = true;
                    continue;
                }
            };
            let needs = format!("`{field}` needs a version part: {}", either(&Part::NAMES));
            let Some((text, at)) = self.required_text(field_node, value, &needs) else {
                broken = true;
                continue;
            };
            match text.parse::<Part>() {
                Ok(part) => {
                    *slot = Some(PolicyValue {
                        value: part,
                        at: self.location(at),
                    })
                }
                Err(()) => {
                    let mut message = format!(
                        "invalid version part `{}`; expected {}",
                        shown(text),
                        either(&Part::NAMES)
                    );
                    if let Some(close) = suggest(text, &Part::NAMES) {
                        message.push_str(&format!("; did you mean `{close}`?"));
                    }
                    self.problem(at, message);
                    broken = true;
                }
            }
        }
        (!broken).then_some(versioning)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::policy::{Policy, PolicyError};

    fn parse(text: &str) -> Result<Policy, PolicyError> {
        Policy::parse(Path::new("repo/dvlint.yaml"), text, &["attribute-removed"])
    }

    fn at(line: usize, column: usize) -> PolicyLocation {
        PolicyLocation {
            path: PathBuf::from("repo/dvlint.yaml"),
            line,
            column,
        }
    }

    fn problems(text: &str) -> Vec<(usize, usize, String)> {
        match parse(text) {
            Err(PolicyError::Invalid { problems, .. }) => problems
                .into_iter()
                .map(|p| (p.line, p.column, p.message))
                .collect(),
            other => panic!("expected an invalid policy, got {other:?}"),
        }
    }

    #[test]
    fn both_parts_are_read_with_their_places() {
        let policy = parse("fail-on: error\nversioning:\n  removal: major\n  addition: minor\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            policy.versioning,
            Some(Versioning {
                at: at(2, 1),
                removal: Some(PolicyValue {
                    value: Part::Major,
                    at: at(3, 12)
                }),
                addition: Some(PolicyValue {
                    value: Part::Minor,
                    at: at(4, 13)
                }),
            })
        );
    }

    #[test]
    fn every_key_is_optional_and_every_part_is_accepted() {
        for (text, removal, addition) in [
            ("versioning: { removal: build }\n", Some(Part::Build), None),
            (
                "versioning: { addition: revision }\n",
                None,
                Some(Part::Revision),
            ),
            ("versioning: {}\n", None, None),
            ("versioning:\n", None, None),
        ] {
            let policy = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let versioning = policy.versioning.unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!(versioning.removal.map(|v| v.value), removal, "{text:?}");
            assert_eq!(versioning.addition.map(|v| v.value), addition, "{text:?}");
        }
        assert!(parse("fail-on: error\n").unwrap().versioning.is_none());
        assert!(Policy::default().versioning.is_none());
    }

    #[test]
    fn parts_are_ordered_by_significance_and_round_trip() {
        assert!(Part::Major > Part::Minor && Part::Minor > Part::Build);
        assert!(Part::Build > Part::Revision);
        assert_eq!(Part::Minor.max(Part::Major), Part::Major);
        for name in Part::NAMES {
            let part: Part = name.parse().unwrap();
            assert_eq!(part.to_string(), name);
            assert_eq!(Part::at(part.index()), Some(part));
        }
        assert_eq!("Major".parse::<Part>(), Err(()));
        assert_eq!(Part::at(4), None);
    }

    #[test]
    fn unknown_keys_and_parts_are_reported_at_their_place_with_a_suggestion() {
        let text = "\
versioning:
  removals: major
  addition: minro
  deletion: revision
";
        assert_eq!(
            problems(text),
            vec![
                (
                    2,
                    3,
                    "unknown key `removals`; expected `removal` or `addition`; did you mean `removal`?"
                        .to_owned()
                ),
                (
                    3,
                    13,
                    "invalid version part `minro`; expected `major`, `minor`, `build` or `revision`; did you mean `minor`?"
                        .to_owned()
                ),
                (
                    4,
                    3,
                    "unknown key `deletion`; expected `removal` or `addition`".to_owned()
                ),
            ]
        );
        assert_eq!(
            problems("versioning:\n  removal: patch\n"),
            vec![(
                2,
                12,
                "invalid version part `patch`; expected `major`, `minor`, `build` or `revision`"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn wrong_types_and_missing_values_are_reported() {
        assert_eq!(
            problems("versioning: major\n"),
            vec![(1, 13, "expected a mapping, found a string".to_owned())]
        );
        assert_eq!(
            problems("versioning:\n  removal: [major]\n  addition:\n"),
            vec![
                (2, 12, "expected a string, found a list".to_owned()),
                (
                    3,
                    3,
                    "`addition` needs a version part: `major`, `minor`, `build` or `revision`"
                        .to_owned()
                ),
            ]
        );
        assert_eq!(
            problems("versioning:\n  removal: major\n  removal: minor\n"),
            vec![(3, 3, "duplicate key `removal`".to_owned())]
        );
        assert_eq!(
            problems("versioning:\n  1: major\n"),
            vec![(
                2,
                3,
                "unknown key `1`; expected `removal` or `addition`".to_owned()
            )]
        );
    }

    #[test]
    fn a_versioning_error_is_an_invalid_policy_naming_the_file_and_line() {
        let error = parse("versioning:\n  removal: mayor\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid policy `repo/dvlint.yaml`\n  repo/dvlint.yaml:2:12: invalid version part \
             `mayor`; expected `major`, `minor`, `build` or `revision`; did you mean `major`?"
        );
    }
}
