//! The policy file (`dvlint.yaml`): YAML read into a raw tree whose nodes keep their line and
//! column, then validated into a typed [`Policy`], reporting every problem at once.
//!
//! yaml_serde has no `Spanned` type and its `Value` carries no positions; the only positions it
//! gives out are on errors. The raw layer (`raw`) turns that into a position for every node in
//! a single pass, without looking at the YAML text itself: before reading a node it *probes* it
//! with a visitor that fails on purpose, and takes the mark yaml_serde attaches to the failure.
//! Validation then works on plain data and never touches serde.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use crate::diagnostic::{Level, Severity};

/// The names a policy file may have, in order of preference.
pub const POLICY_FILE_NAMES: [&str; 2] = ["dvlint.yaml", ".dvlint.yaml"];

/// A policy file larger than this is refused unread.
pub const MAX_POLICY_SIZE: u64 = 10 * 1024 * 1024;

const TOP_LEVEL_KEYS: &[&str] = &["target", "fail-on", "rules", "allow", "solutions"];
const TARGET_KEYS: &[&str] = &["package-version"];
const RULE_KEYS: &[&str] = &["severity"];
const ALLOW_KEYS: &[&str] = &["rule", "component", "reason"];
const SOLUTION_KEYS: &[&str] = &["path", "baseline"];

/// A validated policy. [`Policy::default`] is the built-in policy used when there is no file.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The file it came from; `None` for the defaults.
    pub path: Option<PathBuf>,
    /// `target.package-version`, as written (`"9.1"`).
    pub target_package_version: Option<PolicyValue<String>>,
    pub fail_on: Option<Severity>,
    /// Rule id -> configured level.
    pub rules: BTreeMap<String, PolicyValue<Level>>,
    pub allow: Vec<Allow>,
    pub solutions: Vec<SolutionEntry>,
}

/// A configured value and where it was set, so a finding can point back at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyValue<T> {
    pub value: T,
    pub at: PolicyLocation,
}

/// A place in a policy file; line and column are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLocation {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for PolicyLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// An accepted finding: `rule` on the components whose id matches the `component` glob.
#[derive(Clone)]
pub struct Allow {
    pub rule: String,
    pub component: String,
    pub reason: String,
    pub at: PolicyLocation,
    matcher: GlobMatcher,
}

impl Allow {
    /// Whether this entry accepts a finding of `rule` about `component`. A finding with no
    /// component is never accepted: turn its rule `off` instead.
    pub fn matches(&self, rule: &str, component: Option<&str>) -> bool {
        self.rule == rule && component.is_some_and(|component| self.matcher.is_match(component))
    }
}

impl fmt::Debug for Allow {
    // The compiled matcher's own Debug is a regex dump; the glob is `component`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Allow")
            .field("rule", &self.rule)
            .field("component", &self.component)
            .field("reason", &self.reason)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

/// A solution `dvlint check` checks when it is given no path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolutionEntry {
    /// Resolved against the folder that holds the policy file.
    pub path: PathBuf,
    /// A zip or folder, resolved like `path`; or `git:REF`, kept as written.
    pub baseline: Option<String>,
    pub at: PolicyLocation,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read policy `{}`: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "policy `{}` is too large: {size} bytes, the limit is {} MiB",
        .path.display(),
        MAX_POLICY_SIZE / (1024 * 1024)
    )]
    TooLarge { path: PathBuf, size: u64 },
    #[error("invalid policy `{}`{}", .path.display(), render_problems(.path, .problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<PolicyProblem>,
    },
}

/// One thing wrong with a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

fn render_problems(path: &Path, problems: &[PolicyProblem]) -> String {
    problems
        .iter()
        .map(|problem| format!("\n  {}:{problem}", path.display()))
        .collect()
}

impl Policy {
    /// Loads and validates a policy file. `known_rules` are the valid rule ids.
    pub fn load(path: &Path, known_rules: &[&str]) -> Result<Policy, PolicyError> {
        let read_error = |source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        };
        let too_large = |size| PolicyError::TooLarge {
            path: path.to_path_buf(),
            size,
        };
        let file = fs::File::open(path).map_err(read_error)?;
        let size = file.metadata().map_err(read_error)?.len();
        if size > MAX_POLICY_SIZE {
            return Err(too_large(size));
        }
        // The metadata can lie (a pipe, a file still growing): never read past the limit.
        let mut bytes = Vec::new();
        file.take(MAX_POLICY_SIZE + 1)
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
        let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if read > MAX_POLICY_SIZE {
            return Err(too_large(read));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Self::parse(path, &text, known_rules),
            Err(error) => {
                let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
                let valid = String::from_utf8_lossy(valid);
                let line_start = valid.rfind('\n').map_or(0, |newline| newline + 1);
                Err(PolicyError::Invalid {
                    path: path.to_path_buf(),
                    problems: vec![PolicyProblem {
                        line: valid.matches('\n').count() + 1,
                        column: valid[line_start..].chars().count() + 1,
                        message: "the policy is not valid utf-8".to_owned(),
                    }],
                })
            }
        }
    }

    /// Same as [`Policy::load`], from text already read: `path` is used in messages and to
    /// resolve `solutions`.
    pub fn parse(path: &Path, text: &str, known_rules: &[&str]) -> Result<Policy, PolicyError> {
        let size = u64::try_from(text.len()).unwrap_or(u64::MAX);
        if size > MAX_POLICY_SIZE {
            return Err(PolicyError::TooLarge {
                path: path.to_path_buf(),
                size,
            });
        }
        let invalid = |problems| PolicyError::Invalid {
            path: path.to_path_buf(),
            problems,
        };
        let root = raw::read(text).map_err(|problem| invalid(vec![problem]))?;
        let mut check = Check {
            path,
            dir: path.parent().unwrap_or(Path::new("")),
            known_rules,
            problems: Vec::new(),
        };
        let policy = check.policy(root.as_ref().map_or(&[], |entries| entries.as_slice()));
        if check.problems.is_empty() {
            Ok(policy)
        } else {
            let mut problems = check.problems;
            problems.sort_by_key(|problem| (problem.line, problem.column));
            Err(invalid(problems))
        }
    }

    /// `dvlint.yaml` or `.dvlint.yaml` in `start` or a parent folder, stopping after the folder
    /// that holds `.git` (the repository root) or at the filesystem root. When both names exist
    /// in one folder, `dvlint.yaml` wins.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        for dir in start.ancestors() {
            let found = POLICY_FILE_NAMES
                .iter()
                .map(|name| dir.join(name))
                .find(|candidate| candidate.is_file());
            if found.is_some() {
                return found;
            }
            // `.git` is a folder in a clone, a file in a worktree or submodule.
            if dir.join(".git").exists() {
                return None;
            }
        }
        None
    }

    /// The configured level of a rule, if the policy sets one.
    pub fn level_of(&self, rule: &str) -> Option<Level> {
        self.rules.get(rule).map(|level| level.value)
    }
}

/// The "did you mean" for a misspelt name: the closest candidate, if it is close enough.
fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    // Long names are not typos of rule ids; don't spend quadratic time on them.
    if name.len() > 64 {
        return None;
    }
    candidates
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (name.len().max(candidate.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `` `a`, `b`, `c` ``, for messages.
fn quoted(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    quoted.join(", ")
}

/// `` `a`, `b` or `c` ``, for messages.
fn either(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or `{last}`", quoted(rest)),
        _ => quoted(names),
    }
}

/// A YAML value quoted in a message, shortened when it is long.
fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 60;
    if value.chars().count() > MAX_CHARS {
        let head: String = value.chars().take(MAX_CHARS).collect();
        format!("{head}…")
    } else {
        value.to_owned()
    }
}

fn is_major_minor(version: &str) -> bool {
    let number = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    version
        .split_once('.')
        .is_some_and(|(major, minor)| number(major) && number(minor))
}

use raw::{Kind, Mark, Node};

/// A problem was already recorded for this value.
struct Reported;

/// The validation pass: raw tree in, typed policy and problems out.
struct Check<'a> {
    path: &'a Path,
    dir: &'a Path,
    known_rules: &'a [&'a str],
    problems: Vec<PolicyProblem>,
}

impl Check<'_> {
    fn problem(&mut self, at: Mark, message: impl Into<String>) {
        self.problems.push(PolicyProblem {
            line: at.line,
            column: at.column,
            message: message.into(),
        });
    }

    fn location(&self, at: Mark) -> PolicyLocation {
        PolicyLocation {
            path: self.path.to_path_buf(),
            line: at.line,
            column: at.column,
        }
    }

    fn policy(&mut self, root: &[(Node, Node)]) -> Policy {
        let mut policy = Policy {
            path: Some(self.path.to_path_buf()),
            ..Policy::default()
        };
        for (key, key_node, value) in self.keys(root) {
            match key {
                "target" => policy.target_package_version = self.target(value),
                "fail-on" => policy.fail_on = self.fail_on(value),
                "rules" => policy.rules = self.rules(value),
                "allow" => policy.allow = self.allow(value),
                "solutions" => policy.solutions = self.solutions(value),
                other => self.unknown_key(key_node, other, TOP_LEVEL_KEYS),
            }
        }
        policy
    }

    fn target(&mut self, node: &Node) -> Option<PolicyValue<String>> {
        let mut version = None;
        for (key, key_node, value) in self.mapping(node) {
            match key {
                "package-version" => {
                    let Ok(Some(text)) = self.text(value) else {
                        continue;
                    };
                    if is_major_minor(text) {
                        version = Some(PolicyValue {
                            value: text.to_owned(),
                            at: self.location(value.at),
                        });
                    } else {
                        self.problem(
                            value.at,
                            format!(
                                "invalid package version `{}`; expected major.minor, like `9.1`",
                                shown(text)
                            ),
                        );
                    }
                }
                other => self.unknown_key(key_node, other, TARGET_KEYS),
            }
        }
        version
    }

    fn fail_on(&mut self, node: &Node) -> Option<Severity> {
        let text = self.text(node).ok()??;
        let severity = text.parse().ok();
        if severity.is_none() {
            let expected = either(&Severity::NAMES);
            let message = format!("invalid severity `{}`; expected {expected}", shown(text));
            self.problem(node.at, message);
        }
        severity
    }

    fn rules(&mut self, node: &Node) -> BTreeMap<String, PolicyValue<Level>> {
        let mut rules = BTreeMap::new();
        for (name, key_node, value) in self.mapping(node) {
            let known = self.known_rule(key_node.at, name);
            if let Some(level) = self.level(name, key_node, value) {
                if known {
                    rules.insert(name.to_owned(), level);
                }
            }
        }
        rules
    }

    /// A rule's setting: `rule: warning` or `rule: { severity: warning }`.
    fn level(&mut self, rule: &str, key: &Node, node: &Node) -> Option<PolicyValue<Level>> {
        let needs_severity = format!("rule `{}` needs a severity", shown(rule));
        let mut severity = None;
        if let Kind::Map(_) = node.kind {
            let mut found = false;
            for (field, field_node, value) in self.mapping(node) {
                match field {
                    "severity" => {
                        found = true;
                        severity = self.required_text(field_node, value, &needs_severity);
                    }
                    other => self.unknown_key(field_node, other, RULE_KEYS),
                }
            }
            if !found {
                self.problem(node.at, needs_severity);
            }
        } else {
            severity = self.required_text(key, node, &needs_severity);
        }
        let (text, at) = severity?;
        let level = text.parse().ok();
        if level.is_none() {
            let mut names = Severity::NAMES.to_vec();
            names.push("off");
            let message = format!(
                "invalid severity `{}`; expected {}",
                shown(text),
                either(&names)
            );
            self.problem(at, message);
        }
        Some(PolicyValue {
            value: level?,
            at: self.location(at),
        })
    }

    fn known_rule(&mut self, at: Mark, name: &str) -> bool {
        if self.known_rules.contains(&name) {
            return true;
        }
        let message = match suggest(name, self.known_rules) {
            Some(close) => format!("unknown rule `{}`; did you mean `{close}`?", shown(name)),
            None => format!("unknown rule `{}`", shown(name)),
        };
        self.problem(at, message);
        false
    }

    fn allow(&mut self, node: &Node) -> Vec<Allow> {
        let mut allow = Vec::new();
        for entry in self.sequence(node) {
            if let Some(entry) = self.allow_entry(entry) {
                allow.push(entry);
            }
        }
        allow
    }

    fn allow_entry(&mut self, node: &Node) -> Option<Allow> {
        let fields = self.entry(node)?;
        let (mut rule, mut component, mut reason) = (None, None, None);
        let (mut bad_rule, mut matcher) = (false, None);
        for &(key, key_node, value) in &fields {
            match key {
                "rule" => {
                    rule = self.required_text(key_node, value, "allow entry needs a `rule`");
                    if let Some((name, at)) = rule {
                        bad_rule = !self.known_rule(at, name);
                    }
                }
                "component" => {
                    let message = "allow entry needs a `component`";
                    component = self.required_text(key_node, value, message);
                    if let Some((pattern, at)) = component {
                        matcher = self.glob(pattern, at);
                    }
                }
                "reason" => {
                    reason = self.required_text(key_node, value, "allow entry needs a `reason`");
                }
                other => self.unknown_key(key_node, other, ALLOW_KEYS),
            }
        }
        for field in ["rule", "component", "reason"] {
            if !fields.iter().any(|(key, _, _)| *key == field) {
                self.problem(node.at, format!("allow entry needs a `{field}`"));
            }
        }
        let ((rule, _), (component, _), (reason, _)) = (rule?, component?, reason?);
        if bad_rule {
            return None;
        }
        Some(Allow {
            rule: rule.to_owned(),
            component: component.to_owned(),
            reason: reason.to_owned(),
            at: self.location(node.at),
            matcher: matcher?,
        })
    }

    /// `*` matches any run of characters, `.`, `:` and `/` included; case is ignored.
    fn glob(&mut self, pattern: &str, at: Mark) -> Option<GlobMatcher> {
        let built = GlobBuilder::new(pattern)
            .case_insensitive(true)
            .literal_separator(false)
            .build();
        match built {
            Ok(glob) => Some(glob.compile_matcher()),
            Err(error) => {
                let message = format!("invalid glob `{}`: {}", shown(pattern), error.kind());
                self.problem(at, message);
                None
            }
        }
    }

    fn solutions(&mut self, node: &Node) -> Vec<SolutionEntry> {
        let mut solutions = Vec::new();
        for entry in self.sequence(node) {
            if let Some(entry) = self.solution_entry(entry) {
                solutions.push(entry);
            }
        }
        solutions
    }

    fn solution_entry(&mut self, node: &Node) -> Option<SolutionEntry> {
        let fields = self.entry(node)?;
        let needs_path = "solution entry needs a `path`";
        let (mut path, mut baseline, mut path_given) = (None, None, false);
        let mut bad_baseline = false;
        for (key, key_node, value) in fields {
            match key {
                "path" => {
                    path_given = true;
                    path = self.required_text(key_node, value, needs_path);
                }
                "baseline" => match self.text(value) {
                    Ok(Some(text)) if text.trim().is_empty() => {
                        self.problem(value.at, "`baseline` must not be empty");
                        bad_baseline = true;
                    }
                    Ok(text) => baseline = text,
                    Err(Reported) => bad_baseline = true,
                },
                other => self.unknown_key(key_node, other, SOLUTION_KEYS),
            }
        }
        if !path_given {
            self.problem(node.at, needs_path);
        }
        let (path, _) = path?;
        if bad_baseline {
            return None;
        }
        let baseline = baseline.map(|baseline| {
            if baseline.starts_with("git:") {
                baseline.to_owned()
            } else {
                // `baseline` is a string: a policy folder that is not UTF-8 is converted lossily.
                self.dir.join(baseline).to_string_lossy().into_owned()
            }
        });
        Some(SolutionEntry {
            path: self.dir.join(path),
            baseline,
            at: self.location(node.at),
        })
    }

    /// The fields of a list entry that must be a mapping.
    fn entry<'n>(&mut self, node: &'n Node) -> Option<Vec<(&'n str, &'n Node, &'n Node)>> {
        match &node.kind {
            Kind::Map(entries) => Some(self.keys(entries)),
            other => {
                self.problem(
                    node.at,
                    format!("expected a mapping, found {}", other.name()),
                );
                None
            }
        }
    }

    /// The fields of a mapping; null counts as an empty mapping.
    fn mapping<'n>(&mut self, node: &'n Node) -> Vec<(&'n str, &'n Node, &'n Node)> {
        match &node.kind {
            Kind::Map(entries) => self.keys(entries),
            Kind::Null => Vec::new(),
            other => {
                self.problem(
                    node.at,
                    format!("expected a mapping, found {}", other.name()),
                );
                Vec::new()
            }
        }
    }

    /// The items of a list; null counts as an empty list.
    fn sequence<'n>(&mut self, node: &'n Node) -> &'n [Node] {
        match &node.kind {
            Kind::Seq(items) => items.as_slice(),
            Kind::Null => &[],
            other => {
                self.problem(node.at, format!("expected a list, found {}", other.name()));
                &[]
            }
        }
    }

    /// Mapping entries keyed by their text; reports keys that are not strings and repeated keys
    /// (the first one counts).
    fn keys<'n>(&mut self, entries: &'n [(Node, Node)]) -> Vec<(&'n str, &'n Node, &'n Node)> {
        let mut keys: Vec<(&'n str, &'n Node, &'n Node)> = Vec::with_capacity(entries.len());
        let mut seen = HashSet::with_capacity(entries.len());
        for (key, value) in entries {
            let Kind::Str(name) = &key.kind else {
                self.problem(
                    key.at,
                    format!("expected a string key, found {}", key.kind.name()),
                );
                continue;
            };
            if !seen.insert(name.as_str()) {
                self.problem(key.at, format!("duplicate key `{}`", shown(name)));
                continue;
            }
            keys.push((name, key, value));
        }
        keys
    }

    fn unknown_key(&mut self, key: &Node, name: &str, expected: &[&str]) {
        let expected = match expected {
            [only] => format!("`{only}`"),
            _ => format!("one of {}", quoted(expected)),
        };
        let message = format!("unknown key `{}`; expected {expected}", shown(name));
        self.problem(key.at, message);
    }

    /// A string value; `Ok(None)` for null.
    fn text<'n>(&mut self, node: &'n Node) -> Result<Option<&'n str>, Reported> {
        match &node.kind {
            Kind::Str(text) => Ok(Some(text)),
            Kind::Null => Ok(None),
            other => {
                self.problem(
                    node.at,
                    format!("expected a string, found {}", other.name()),
                );
                Err(Reported)
            }
        }
    }

    /// A string that must be there and not blank; a null or blank value is reported at its key.
    fn required_text<'n>(
        &mut self,
        key: &Node,
        value: &'n Node,
        missing: &str,
    ) -> Option<(&'n str, Mark)> {
        match self.text(value) {
            Ok(Some(text)) if !text.trim().is_empty() => Some((text, value.at)),
            Ok(_) => {
                self.problem(key.at, missing);
                None
            }
            Err(Reported) => None,
        }
    }
}

/// The raw layer: the YAML document as a tree of nodes that know their line and column.
///
/// How a node's position is found, without reading the YAML text: yaml_serde attaches the mark
/// of the node being read to any error a visitor returns. So before reading a node the reader
/// *probes* it with `deserialize_enum`, which only peeks:
/// - a scalar reaches the probe's `visit_enum`, which reads its text (as written: `9.10` stays
///   `9.10`) and then fails with a marked error; the scalar is consumed;
/// - an untagged list or mapping fails inside yaml_serde with a marked error, and nothing is
///   consumed: the reader asks the same map or sequence access for the node again and reads it.
///
/// The visitors are generic over the error type, so the mark is taken from the error's text,
/// which ends in ` at line L column C` (nothing at line 1 column 1). The test
/// `every_node_position_agrees_with_yaml_serde_locations` holds all of this to yaml_serde's own
/// `Error::location`, found independently for every node.
///
/// Aliases: a probe that meets an alias of a list or mapping consumes the alias and reports the
/// anchored node's mark. A list or mapping met in document order starts after every mark seen
/// before it (keys, which may share a block mapping's mark, are never lists or mappings here),
/// so a mark that is not new means an alias: the anchored node was read before, and is reused
/// (shared, not copied). Aliases may add at most [`MAX_ALIAS_EXPANSION`] nodes to the document, which
/// stops "billion laughs" documents; an alias of a list or mapping inside itself is refused.
/// Tags (`!foo`) and keys that are not scalars are refused.
mod raw {
    use std::collections::HashMap;
    use std::convert::Infallible;
    use std::fmt;
    use std::rc::Rc;

    use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, Error as _, IgnoredAny};
    use serde::de::{MapAccess, SeqAccess, Visitor};

    use super::PolicyProblem;

    /// How many nodes aliases may add to a document.
    pub(super) const MAX_ALIAS_EXPANSION: usize = 100_000;

    const PROBE: &str = "dvlint position probe";
    const STOPPED: &str = "dvlint stopped reading the policy";

    /// A 1-based line and column.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub(super) struct Mark {
        pub line: usize,
        pub column: usize,
    }

    #[derive(Debug, Clone)]
    pub(super) struct Node {
        pub at: Mark,
        pub kind: Kind,
    }

    /// A mapping's entries, in document order.
    pub(super) type Entries = Rc<Vec<(Node, Node)>>;

    /// A node or its parts, and their size in nodes with aliases expanded.
    type Counted<T> = (T, usize);

    #[derive(Debug, Clone)]
    pub(super) enum Kind {
        Null,
        /// Any scalar but null, as written (`true`, `42` and `9.10` too).
        Str(String),
        Seq(Rc<Vec<Node>>),
        Map(Entries),
    }

    impl Kind {
        pub fn name(&self) -> &'static str {
            match self {
                Kind::Null => "null",
                Kind::Str(_) => "a string",
                Kind::Seq(_) => "a list",
                Kind::Map(_) => "a mapping",
            }
        }
    }

    /// The top-level mapping's entries; `None` for an empty document (or a lone null).
    pub(super) fn read(text: &str) -> Result<Option<Entries>, PolicyProblem> {
        // Syntax first, so that the only failures a probe can meet are the ones it provokes.
        // Ignoring does not follow aliases.
        serde_yaml::from_str::<IgnoredAny>(text).map_err(|error| problem(&error))?;
        let mut reader = Reader::default();
        let root = serde_yaml::Deserializer::from_str(text).deserialize_any(Root(&mut reader));
        root.map_err(|error| reader.fatal.take().unwrap_or_else(|| problem(&error)))
    }

    fn problem(error: &serde_yaml::Error) -> PolicyProblem {
        let message = error.to_string();
        match error.location() {
            Some(location) => {
                let (line, column) = (location.line(), location.column());
                let suffix = format!(" at line {line} column {column}");
                PolicyProblem {
                    line,
                    column,
                    message: message.replacen(&suffix, "", 1),
                }
            }
            None => PolicyProblem {
                line: 1,
                column: 1,
                message,
            },
        }
    }

    /// The mark yaml_serde put on an error a visitor returned.
    pub(super) fn mark_of(error: &impl fmt::Display) -> Mark {
        let text = error.to_string();
        text.rsplit_once(" at line ")
            .and_then(|(_, tail)| tail.split_once(" column "))
            .and_then(|(line, column)| {
                Some(Mark {
                    line: line.parse().ok()?,
                    column: column.parse().ok()?,
                })
            })
            .unwrap_or(Mark { line: 1, column: 1 })
    }

    #[derive(Default)]
    struct Reader {
        /// The latest mark seen: every node not reached through an alias starts after it.
        last: Option<Mark>,
        containers: HashMap<Mark, Slot>,
        /// Nodes added by aliases so far.
        expanded: usize,
        /// Why reading stopped, when the reader stopped it.
        fatal: Option<PolicyProblem>,
    }

    enum Slot {
        Reading,
        /// The node and its size in nodes, aliases expanded.
        Read(Counted<Node>),
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Role {
        Key,
        Value,
    }

    /// Where nodes come from: a mapping's keys or values, or a sequence's items.
    trait Nodes<'de> {
        type Error: de::Error;
        /// `None` when there are no more (keys, items).
        fn next<S: DeserializeSeed<'de>>(
            &mut self,
            seed: S,
        ) -> Result<Option<S::Value>, Self::Error>;
    }

    struct Keys<'a, A>(&'a mut A);
    struct Values<'a, A>(&'a mut A);
    struct Items<'a, A>(&'a mut A);

    impl<'de, A: MapAccess<'de>> Nodes<'de> for Keys<'_, A> {
        type Error = A::Error;
        fn next<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
            self.0.next_key_seed(seed)
        }
    }

    impl<'de, A: MapAccess<'de>> Nodes<'de> for Values<'_, A> {
        type Error = A::Error;
        fn next<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
            self.0.next_value_seed(seed).map(Some)
        }
    }

    impl<'de, A: SeqAccess<'de>> Nodes<'de> for Items<'_, A> {
        type Error = A::Error;
        fn next<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
            self.0.next_element_seed(seed)
        }
    }

    impl Reader {
        /// Stops reading with `message`: the error unwinds through yaml_serde untouched.
        fn stop<E: de::Error>(&mut self, at: Mark, message: impl Into<String>) -> E {
            self.fatal.get_or_insert_with(|| PolicyProblem {
                line: at.line,
                column: at.column,
                message: message.into(),
            });
            E::custom(STOPPED)
        }

        fn see(&mut self, at: Mark) {
            self.last = self.last.max(Some(at));
        }

        /// The next node and its size, aliases expanded.
        fn node<'de, N: Nodes<'de>>(
            &mut self,
            nodes: &mut N,
            role: Role,
        ) -> Result<Option<Counted<Node>>, N::Error> {
            let mut probed = Probed::Nothing;
            let error = match nodes.next(Probe(&mut probed)) {
                Ok(None) => return Ok(None),
                Ok(Some(never)) => match never {},
                Err(error) => error,
            };
            let at = mark_of(&error);
            match probed {
                Probed::Scalar(text) => {
                    self.see(at);
                    let kind = text.map_or(Kind::Null, Kind::Str);
                    Ok(Some((Node { at, kind }, 1)))
                }
                Probed::Tagged => {
                    let at = match nodes.next(Locate) {
                        Ok(Some(never)) => match never {},
                        Ok(None) => at,
                        Err(error) => mark_of(&error),
                    };
                    Err(self.stop(at, "yaml tags are not supported"))
                }
                Probed::Nothing if role == Role::Key => {
                    Err(self.stop(at, "expected a string key, found a list or mapping"))
                }
                Probed::Nothing if self.last.is_some_and(|last| at <= last) => {
                    self.alias(at).map(Some)
                }
                Probed::Nothing => {
                    self.see(at);
                    self.containers.insert(at, Slot::Reading);
                    let Some((node, size)) = nodes.next(Container { reader: self, at })? else {
                        return Err(self.stop(at, "expected a list or mapping"));
                    };
                    self.containers.insert(at, Slot::Read((node.clone(), size)));
                    Ok(Some((node, size)))
                }
            }
        }

        fn alias<E: de::Error>(&mut self, at: Mark) -> Result<Counted<Node>, E> {
            let Some(Slot::Read((node, size))) = self.containers.get(&at) else {
                return Err(self.stop(at, "yaml alias of a list or mapping inside itself"));
            };
            let (node, size) = (node.clone(), *size);
            self.expanded = self.expanded.saturating_add(size);
            if self.expanded > MAX_ALIAS_EXPANSION {
                let message = format!(
                    "yaml aliases expand the policy to more than {MAX_ALIAS_EXPANSION} nodes"
                );
                return Err(self.stop(at, message));
            }
            Ok((node, size))
        }

        fn entries<'de, A: MapAccess<'de>>(
            &mut self,
            map: &mut A,
        ) -> Result<Counted<Vec<(Node, Node)>>, A::Error> {
            let (mut entries, mut size) = (Vec::new(), 1usize);
            while let Some((key, key_size)) = self.node(&mut Keys(&mut *map), Role::Key)? {
                let Some((value, value_size)) = self.node(&mut Values(&mut *map), Role::Value)?
                else {
                    return Err(self.stop(key.at, "expected a value"));
                };
                size = size.saturating_add(key_size).saturating_add(value_size);
                entries.push((key, value));
            }
            Ok((entries, size))
        }

        fn items<'de, A: SeqAccess<'de>>(
            &mut self,
            seq: &mut A,
        ) -> Result<Counted<Vec<Node>>, A::Error> {
            let (mut items, mut size) = (Vec::new(), 1usize);
            while let Some((item, item_size)) = self.node(&mut Items(&mut *seq), Role::Value)? {
                size = size.saturating_add(item_size);
                items.push(item);
            }
            Ok((items, size))
        }
    }

    enum Probed {
        /// The visitor was not called: a list or mapping.
        Nothing,
        /// A scalar, consumed; `None` for null.
        Scalar(Option<String>),
        Tagged,
    }

    /// Fails on purpose to learn the next node's mark; see the module docs.
    struct Probe<'a>(&'a mut Probed);

    impl<'de> DeserializeSeed<'de> for Probe<'_> {
        type Value = Infallible;
        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Infallible, D::Error> {
            deserializer.deserialize_enum("", &[], self)
        }
    }

    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = Infallible;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a yaml node")
        }
        fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Infallible, A::Error> {
            // A tagged node reaches here too, but fails in `variant_seed` without a mark.
            *self.0 = Probed::Tagged;
            let (text, _) = data.variant_seed(Scalar)?;
            *self.0 = Probed::Scalar(text);
            Err(A::Error::custom(PROBE))
        }
    }

    /// A scalar's text as written, or `None` for null.
    struct Scalar;

    impl<'de> DeserializeSeed<'de> for Scalar {
        type Value = Option<String>;
        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_option(self)
        }
    }

    impl<'de> Visitor<'de> for Scalar {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a scalar")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            <String as de::Deserialize>::deserialize(deserializer).map(Some)
        }
    }

    /// Fails on a tagged node, which yaml_serde then marks.
    struct Locate;

    impl<'de> DeserializeSeed<'de> for Locate {
        type Value = Infallible;
        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Infallible, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Locate {
        type Value = Infallible;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a tagged node")
        }
        fn visit_enum<A: EnumAccess<'de>>(self, _: A) -> Result<Infallible, A::Error> {
            Err(A::Error::custom(PROBE))
        }
    }

    /// Reads a list or mapping whose mark the probe found.
    struct Container<'r> {
        reader: &'r mut Reader,
        at: Mark,
    }

    impl<'de> DeserializeSeed<'de> for Container<'_> {
        type Value = Counted<Node>;
        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Container<'_> {
        type Value = Counted<Node>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list or mapping")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (entries, size) = self.reader.entries(&mut map)?;
            let kind = Kind::Map(Rc::new(entries));
            Ok((Node { at: self.at, kind }, size))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let (items, size) = self.reader.items(&mut seq)?;
            let kind = Kind::Seq(Rc::new(items));
            Ok((Node { at: self.at, kind }, size))
        }
    }

    /// The document itself: read without a probe, so its errors come out with their mark.
    struct Root<'r>(&'r mut Reader);

    impl Root<'_> {
        fn not_a_mapping<E: de::Error>(found: &str) -> Result<Option<Entries>, E> {
            Err(E::custom(format_args!(
                "expected a mapping at the top level, found {found}"
            )))
        }
    }

    impl<'de> Visitor<'de> for Root<'_> {
        type Value = Option<Entries>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a mapping")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (entries, _) = self.0.entries(&mut map)?;
            Ok(Some(Rc::new(entries)))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Self::not_a_mapping("a list")
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Self::not_a_mapping("a string")
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Self::not_a_mapping("a string")
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Self::not_a_mapping("a string")
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Self::not_a_mapping("a string")
        }
        fn visit_i128<E: de::Error>(self, _: i128) -> Result<Self::Value, E> {
            Self::not_a_mapping("a string")
        }
        fn visit_u128<E: de::Error>(self, _: u128) -> Result<Self::Value, E> {
            Self::not_a_mapping("a string")
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Self::not_a_mapping("a string")
        }
        fn visit_enum<A: EnumAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(A::Error::custom("yaml tags are not supported"))
        }
    }
}

#[cfg(test)]
mod tests {
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
                "unknown key `fail_on`; expected one of `target`, `fail-on`, `rules`, `allow`, `solutions`"
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
    expires: 2025-01-01
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
                    "unknown key `expires`; expected one of `rule`, `component`, `reason`"
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
                    "invalid severity `fatal`; expected `error`, `warning`, `info` or `off`"
                        .to_owned()
                ),
                (
                    5,
                    15,
                    "invalid severity `Error`; expected `error`, `warning`, `info` or `off`"
                        .to_owned()
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
            let text = format!(
                "allow:\n  - rule: entity-removed\n    component: x\n    reason: {value}\n"
            );
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
                    "unknown key `fail_on`; expected one of `target`, `fail-on`, `rules`, `allow`, `solutions`"
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
        let text = "fail-on: error\nrules:\n  entity-removed: off\n  entity-removed: error\nfail-on: info\n";
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
        let policy = valid(
            "allow:\n  - rule: option-removed\n    component: cts_priority:3\n    reason: 42\n",
        );
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
        let deep = format!("rules: {}{}\n", "[".repeat(500), "]".repeat(500));
        let (line, _, message) = problem(&deep);
        assert_eq!((line, message.as_str()), (1, "recursion limit exceeded"));
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
            .ends_with("is too large: 10485761 bytes, the limit is 10 MiB"));

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

    fn entries_nodes(
        entries: &[(Node, Node)],
        path: &mut Vec<Step>,
        out: &mut Vec<(Vec<Step>, Mark)>,
    ) {
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
                    Step::Item(item) if *item == index => {
                        seq.next_element_seed(Walk(rest))?.is_some()
                    }
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
}
