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

use std::sync::Arc;

use globset::{GlobBuilder, GlobMatcher};

use crate::diagnostic::{Level, Severity};
use crate::source::{Location, SourceFile};

pub use date::{Date, DateError};
pub use environments::{EnvironmentEntry, InlineSolution, InstalledSource};
pub use versioning::{Part, Versioning};

/// The names a policy file may have, in order of preference.
pub const POLICY_FILE_NAMES: [&str; 2] = ["dvlint.yaml", ".dvlint.yaml"];

/// A policy file larger than this is refused unread. A real policy is a few
/// kilobytes; reading YAML costs about 100 bytes of memory per byte, and `allow`
/// globs about 150 bytes and 1.5 µs per character to compile, so that even a
/// policy made of globs reads in well under a second.
pub const MAX_POLICY_SIZE: u64 = 512 * 1024;

/// The longest `allow` glob, in characters: a component id is far shorter, and a
/// long glob compiles to a large matcher (over the regex size limit, globset panics).
pub const MAX_GLOB_CHARS: usize = 1024;

const TOP_LEVEL_KEYS: &[&str] = &[
    "target",
    "fail-on",
    "rules",
    "allow",
    "solutions",
    "environments",
    "versioning",
];
const TARGET_KEYS: &[&str] = &["package-version"];
const RULE_KEYS: &[&str] = &["severity"];
const ALLOW_KEYS: &[&str] = &["rule", "component", "reason", "expires"];
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
    /// `environments:`, in the order the file lists them.
    pub environments: Vec<EnvironmentEntry>,
    /// `versioning:`: the version part a release that removes or adds components must raise.
    pub versioning: Option<Versioning>,
    /// The policy's text, so that a finding can point at a line of it (an
    /// installed solution listed in `environments`).
    pub source: Option<Arc<SourceFile>>,
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
    /// `expires:`: from this day on the entry accepts nothing (`allow-expired`).
    pub expires: Option<PolicyValue<Date>>,
    pub at: PolicyLocation,
    matcher: GlobMatcher,
}

impl Allow {
    /// Whether this entry accepts a finding of `rule` about `component`. A finding with no
    /// component is never accepted: turn its rule `off` instead.
    pub fn matches(&self, rule: &str, component: Option<&str>) -> bool {
        self.rule == rule && component.is_some_and(|component| self.matcher.is_match(component))
    }

    /// Whether the entry has expired on `today`: its `expires` day has come.
    pub fn expired_on(&self, today: Date) -> bool {
        self.expires
            .as_ref()
            .is_some_and(|expires| today >= expires.value)
    }
}

impl fmt::Debug for Allow {
    // The compiled matcher's own Debug is a regex dump; the glob is `component`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Allow")
            .field("rule", &self.rule)
            .field("component", &self.component)
            .field("reason", &self.reason)
            .field("expires", &self.expires)
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
        "policy `{}` is too large: {size} bytes, the limit is {} KiB",
        .path.display(),
        MAX_POLICY_SIZE / 1024
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
        // Opening a named pipe waits for a writer forever: refuse anything but a
        // regular file before opening it.
        let metadata = fs::metadata(path).map_err(read_error)?;
        if !metadata.is_file() {
            return Err(read_error(std::io::Error::other(
                "not a regular file (a folder, pipe, socket or device)",
            )));
        }
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
            unlisted: None,
        };
        let mut policy = check.policy(root.as_ref().map_or(&[], |entries| entries.as_slice()));
        if check.problems.is_empty() {
            policy.source = Some(SourceFile::new(path.display().to_string(), text.to_owned()));
            Ok(policy)
        } else {
            Err(invalid(check.into_problems()))
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

    /// A place in this policy as a [`Location`] findings can carry; `None` for
    /// the built-in defaults.
    pub fn locate(&self, at: &PolicyLocation) -> Option<Location> {
        let file = self.source.as_ref()?;
        let line_start = file.line_start(at.line.saturating_sub(1));
        let line = &file.text().unwrap_or("")[line_start..];
        let start = line_start
            + line
                .char_indices()
                .nth(at.column.saturating_sub(1))
                .map_or(line.len(), |(offset, _)| offset);
        Some(Location::new(Arc::clone(file), start, start))
    }

    /// The configured level of a rule, if the policy sets one.
    pub fn level_of(&self, rule: &str) -> Option<Level> {
        self.rules.get(rule).map(|level| level.value)
    }
}

/// The "did you mean" for a misspelt name: the closest candidate, if it is close enough.
pub(crate) fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    // Long names are not typos of rule ids; don't spend quadratic time on them.
    if name.len() > 64 {
        return None;
    }
    let limit = |candidate: &str| (name.len().max(candidate.len()) / 3).max(1);
    candidates
        .iter()
        // The distance is at least the difference in length: skip what cannot be close
        // before paying for the comparison (a policy of 19 000 typos asks 30 rules each).
        .filter(|candidate| name.len().abs_diff(candidate.len()) <= limit(candidate))
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= limit(candidate))
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

/// A value quoted in a message, shortened when it is long.
pub(crate) fn shown(value: &str) -> String {
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
    /// Past [`MAX_LISTED_PROBLEMS`]: where the first problem not listed is, and
    /// how many there are.
    unlisted: Option<(Mark, usize)>,
}

/// Problems listed for one policy; the rest are counted. A generated policy wrong
/// throughout has one or two a line, and nobody reads the 38 000 lines of a
/// 512 KiB one.
const MAX_LISTED_PROBLEMS: usize = 200;

impl Check<'_> {
    fn problem(&mut self, at: Mark, message: impl Into<String>) {
        if self.listing_is_full() {
            let (_, count) = self.unlisted.get_or_insert((at, 0));
            *count += 1;
            return;
        }
        self.problems.push(PolicyProblem {
            line: at.line,
            column: at.column,
            message: message.into(),
        });
    }

    /// Whether a new problem is only counted: a costly message (a "did you mean")
    /// is then not worth making.
    fn listing_is_full(&self) -> bool {
        self.problems.len() >= MAX_LISTED_PROBLEMS
    }

    /// The problems in file order, then a count of those not listed.
    fn into_problems(self) -> Vec<PolicyProblem> {
        let mut problems = self.problems;
        problems.sort_by_key(|problem| (problem.line, problem.column));
        if let Some((at, count)) = self.unlisted {
            let noun = if count == 1 { "problem" } else { "problems" };
            problems.push(PolicyProblem {
                line: at.line,
                column: at.column,
                message: format!("{count} more {noun} not listed, the first of them here"),
            });
        }
        problems
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
                "environments" => policy.environments = self.environments(value),
                "versioning" => policy.versioning = self.versioning(key_node, value),
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
        let close = if self.listing_is_full() {
            None
        } else {
            suggest(name, self.known_rules)
        };
        let message = match close {
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
        let (mut expires, mut bad_expires) = (None, false);
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
                "expires" => {
                    expires = self.date(key_node, value);
                    bad_expires = expires.is_none();
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
        if bad_rule || bad_expires {
            return None;
        }
        Some(Allow {
            rule: rule.to_owned(),
            component: component.to_owned(),
            reason: reason.to_owned(),
            expires,
            at: self.location(node.at),
            matcher: matcher?,
        })
    }

    /// A `YYYY-MM-DD` date that exists, such as `expires: 2026-06-30` (quoted or not).
    fn date(&mut self, key: &Node, node: &Node) -> Option<PolicyValue<Date>> {
        let (text, at) =
            self.required_text(key, node, "`expires` needs a date, like `2026-06-30`")?;
        match text.parse() {
            Ok(date) => Some(PolicyValue {
                value: date,
                at: self.location(at),
            }),
            Err(error) => {
                self.problem(at, format!("invalid date `{}`: {error}", shown(text)));
                None
            }
        }
    }

    /// `*` matches any run of characters, `.`, `:` and `/` included; case is ignored.
    fn glob(&mut self, pattern: &str, at: Mark) -> Option<GlobMatcher> {
        if pattern.chars().count() > MAX_GLOB_CHARS {
            let message = format!(
                "glob `{}` is longer than {MAX_GLOB_CHARS} characters",
                shown(pattern)
            );
            self.problem(at, message);
            return None;
        }
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

mod date;
mod environments;
mod raw;
mod versioning;

#[cfg(test)]
mod tests;
