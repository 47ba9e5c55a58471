//! Rule metadata, read from the front matter of `rules/<rule-id>.md`: the single
//! source of a rule's id, summary, category, default severity and baseline need.

use serde::Deserialize;

use crate::diagnostic::Level;
use crate::policy::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The package format (`SolutionPackageVersion`, managed state).
    Package,
    /// The solution version.
    Version,
    /// Patches and update solutions.
    Patch,
    /// Components an upgrade would delete.
    Removal,
    /// Components an upgrade would change in a way that fails or loses data.
    Change,
    /// What a target environment must have: installed solutions, deployment settings.
    Environment,
    /// The policy file itself: its `allow` entries.
    Policy,
}

/// A policy section a rule needs to have anything to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicySection {
    /// `versioning:`
    Versioning,
}

impl PolicySection {
    /// Whether `policy` has this section.
    pub fn is_set(self, policy: &Policy) -> bool {
        match self {
            PolicySection::Versioning => policy.versioning.is_some(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrontMatter {
    pub id: String,
    pub summary: String,
    pub category: Category,
    pub default_severity: String,
    pub requires_baseline: bool,
    /// Runs only against a target environment of the policy, once per environment.
    #[serde(default)]
    pub requires_environment: bool,
    /// Runs on its own and also once per environment (against what is installed there).
    #[serde(default)]
    pub per_environment: bool,
    /// Runs only when the policy has this section.
    #[serde(default)]
    pub requires_policy: Option<PolicySection>,
}

#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub id: &'static str,
    pub summary: String,
    pub category: Category,
    pub default_level: Level,
    pub requires_baseline: bool,
    pub requires_environment: bool,
    pub per_environment: bool,
    pub requires_policy: Option<PolicySection>,
    /// The whole Markdown document, front matter included.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation without its front matter: what `dvlint explain` prints.
    pub fn body(&self) -> &'static str {
        split_front_matter(self.doc).map_or(self.doc, |(_, body)| body.trim_start())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MetaError {
    #[error("rules/{0}.md has no front matter (a block between `---` lines)")]
    NoFrontMatter(&'static str),
    #[error("rules/{0}.md: front matter: {1}")]
    Yaml(&'static str, String),
    #[error("rules/{0}.md declares id `{1}`")]
    IdMismatch(&'static str, String),
    #[error("rules/{0}.md: bad default-severity `{1}`")]
    BadSeverity(&'static str, String),
}

fn split_front_matter(doc: &str) -> Option<(&str, &str)> {
    let rest = doc.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some((&rest[..end], &rest[end + 5..]))
}

/// Parses a rule's Markdown document. `id` is the name the registry uses.
pub fn parse(id: &'static str, doc: &'static str) -> Result<RuleMeta, MetaError> {
    let (front, _) = split_front_matter(doc).ok_or(MetaError::NoFrontMatter(id))?;
    let front: FrontMatter =
        serde_yaml::from_str(front).map_err(|e| MetaError::Yaml(id, e.to_string()))?;
    if front.id != id {
        return Err(MetaError::IdMismatch(id, front.id));
    }
    let default_level = front
        .default_severity
        .parse()
        .map_err(|()| MetaError::BadSeverity(id, front.default_severity.clone()))?;
    Ok(RuleMeta {
        id,
        summary: front.summary,
        category: front.category,
        default_level,
        requires_baseline: front.requires_baseline,
        requires_environment: front.requires_environment,
        per_environment: front.per_environment || front.requires_environment,
        requires_policy: front.requires_policy,
        doc,
    })
}
