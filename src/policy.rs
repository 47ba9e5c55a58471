// TEMPORARY STUB (replaced by the real loader)
use crate::diagnostic::{Level, Severity};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
#[derive(Debug, Default)]
pub struct Policy {
    pub path: Option<PathBuf>,
    pub target_package_version: Option<PolicyValue<String>>,
    pub fail_on: Option<Severity>,
    pub rules: BTreeMap<String, PolicyValue<Level>>,
    pub allow: Vec<Allow>,
    pub solutions: Vec<SolutionEntry>,
}
#[derive(Debug)]
pub struct PolicyValue<T> {
    pub value: T,
    pub at: PolicyLocation,
}
#[derive(Debug)]
pub struct PolicyLocation {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}
impl std::fmt::Display for PolicyLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}
#[derive(Debug)]
pub struct Allow {
    pub rule: String,
}
impl Allow {
    pub fn matches(&self, rule: &str, component: Option<&str>) -> bool {
        self.rule == rule && component.is_some()
    }
}
#[derive(Debug)]
pub struct SolutionEntry {
    pub path: PathBuf,
    pub baseline: Option<String>,
}
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("bad")]
    Invalid,
}
impl Policy {
    pub fn load(_path: &Path, _known: &[&str]) -> Result<Policy, PolicyError> {
        Ok(Policy::default())
    }
    pub fn discover(_start: &Path) -> Option<PathBuf> {
        None
    }
    pub fn level_of(&self, rule: &str) -> Option<Level> {
        self.rules.get(rule).map(|v| v.value)
    }
}
