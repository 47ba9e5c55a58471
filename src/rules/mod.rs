//! The rule catalogue. Each rule is a function over a [`Context`] (one candidate)
//! or a [`PolicyContext`] (the whole run, under the policy) that pushes
//! [`Finding`]s; its metadata and documentation live in `rules/<rule-id>.md`.
//! The registry below is the one explicit list of rules.

mod support;

pub use support::{added, dependencies, diff, meta, relation, settings, versioning};

use std::cell::OnceCell;
use std::sync::OnceLock;

pub use added::Added;
pub use diff::{Change, Removed};
pub use relation::Relation;

use crate::environment::{Environment, InstalledSolution};
use crate::model::Solution;
use crate::policy::{Allow, Date, Policy, PolicyValue};
use crate::source::Location;
use meta::RuleMeta;

/// What a rule reports; the engine adds the rule id, severity and solution.
#[derive(Debug, Clone)]
pub struct Finding {
    pub message: String,
    pub help: Option<String>,
    pub component: Option<String>,
    pub location: Location,
    pub primary_label: Option<String>,
    pub related: Vec<crate::diagnostic::Label>,
}

impl Finding {
    pub fn new(message: impl Into<String>, location: Location) -> Self {
        Self {
            message: message.into(),
            help: None,
            component: None,
            location,
            primary_label: None,
            related: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn component(mut self, component: impl Into<String>) -> Self {
        self.component = Some(component.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.primary_label = Some(label.into());
        self
    }

    pub fn related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(crate::diagnostic::Label {
            location,
            message: message.into(),
        });
        self
    }
}

/// Everything a rule may look at.
pub struct Context<'a> {
    pub candidate: &'a Solution,
    pub baseline: Option<&'a Solution>,
    pub relation: Relation,
    /// `target.package-version` of the policy.
    pub target_package_version: Option<&'a PolicyValue<String>>,
    /// The target environment this pass checks against, for the rules that run
    /// once per environment; `None` in the pass that needs none.
    pub environment: Option<&'a Environment>,
    /// The other solutions of this run (the policy's `solutions`): what one of
    /// them provides, another may depend on.
    pub others: &'a [&'a Solution],
    /// The policy of the run, for the rules it configures (`versioning`); `None`
    /// outside the engine.
    pub policy: Option<&'a Policy>,
    changes: OnceCell<Vec<Change<'a>>>,
}

impl<'a> Context<'a> {
    pub fn new(
        candidate: &'a Solution,
        baseline: Option<&'a Solution>,
        target_package_version: Option<&'a PolicyValue<String>>,
    ) -> Self {
        Self {
            candidate,
            baseline,
            relation: relation::classify(candidate, baseline),
            target_package_version,
            environment: None,
            others: &[],
            policy: None,
            changes: OnceCell::new(),
        }
    }

    /// `text` about the candidate's manifest in the words of its form: the YAML
    /// source names keys (`ParentSolution:`) and `.yml` files where the XML
    /// names elements (`<ParentSolution>`) and `solution.xml`.
    pub fn in_candidate_words(&self, text: &str) -> String {
        if self.candidate.form == crate::model::PackageForm::Yaml {
            crate::package::xml::in_yaml_words(text)
                .replace("solution.xml", "solution.yml")
                .replace("`RootComponent:`", "entry of rootcomponents.yml")
        } else {
            text.to_owned()
        }
    }

    /// The same context, checking against `environment` (or none).
    pub fn in_environment(mut self, environment: Option<&'a Environment>) -> Self {
        self.environment = environment;
        self
    }

    pub fn with_others(mut self, others: &'a [&'a Solution]) -> Self {
        self.others = others;
        self
    }

    /// The same context, under the run's policy.
    pub fn with_policy(mut self, policy: &'a Policy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The solution of the candidate's unique name installed in the environment
    /// this pass checks against.
    pub fn installed(&self) -> Option<(&'a Environment, &'a InstalledSolution)> {
        let environment = self.environment?;
        let installed = environment.installed(&self.candidate.manifest.unique_name.value)?;
        Some((environment, installed))
    }

    /// The baseline, when the candidate upgrades it (same unique name).
    pub fn upgraded_baseline(&self) -> Option<&'a Solution> {
        self.baseline.filter(|_| self.relation == Relation::Upgrade)
    }

    /// The baseline, when the candidate is a patch of it: its `<ParentSolution>` names
    /// the baseline (or, without one, its `<Parent>_Patch_<hex>` name does). Against
    /// any other baseline only `patch-parent-mismatch` has something to say.
    pub fn patch_parent(&self) -> Option<&'a Solution> {
        let baseline = self.baseline.filter(|_| self.relation == Relation::Patch)?;
        let manifest = &self.candidate.manifest;
        let parent_name = match &manifest.parent {
            Some(parent) => parent.unique_name.as_ref()?.value.as_str(),
            None => relation::patched_name(&manifest.unique_name.value)?,
        };
        parent_name
            .eq_ignore_ascii_case(&baseline.manifest.unique_name.value)
            .then_some(baseline)
    }

    /// What an upgrade from the baseline to the candidate removes or changes:
    /// empty unless this is an upgrade.
    pub fn changes(&self) -> &[Change<'a>] {
        self.changes.get_or_init(|| match self.upgraded_baseline() {
            Some(baseline) => diff::diff(baseline, self.candidate),
            None => Vec::new(),
        })
    }

    /// Whether importing the candidate deletes what it lacks: an upgrade whose
    /// version did not go down (installing an older version removes nothing;
    /// `version-decreased` reports that case).
    pub fn upgrade_deletes(&self) -> bool {
        let Some(baseline) = self.upgraded_baseline() else {
            return false;
        };
        let candidate = &self.candidate.manifest.version.value;
        candidate.compare(&baseline.manifest.version.value) != Some(std::cmp::Ordering::Less)
    }

    /// The removals of the upgrade, when the import would carry them out.
    pub fn removals(&self) -> impl Iterator<Item = &Removed<'a>> {
        let applies = self.upgrade_deletes();
        self.changes().iter().filter_map(move |c| match c {
            Change::Removed(r) if applies => Some(r),
            _ => None,
        })
    }
}

/// What a rule that judges the whole run may look at: the policy, and what the
/// package rules did under it. [`crate::engine::judge_policy`] builds it.
pub struct PolicyContext<'a> {
    pub policy: &'a Policy,
    /// The day `expires` dates are judged against.
    pub today: Date,
    /// How many findings each `allow` entry accepted over the run, indexed like
    /// `policy.allow`.
    pub accepted: &'a [usize],
    /// The rules that ran for at least one solution of the run.
    pub rules_run: &'a [&'static str],
}

impl PolicyContext<'_> {
    /// The entries of the policy with their index, and where each one is written.
    pub fn entries(&self) -> impl Iterator<Item = (usize, &Allow, Location)> {
        self.policy
            .allow
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| Some((i, entry, self.policy.locate(&entry.at)?)))
    }
}

pub type CheckFn = fn(&Context<'_>, &mut Vec<Finding>);
pub type PolicyCheckFn = fn(&PolicyContext<'_>, &mut Vec<Finding>);

/// What a rule looks at: one candidate at a time, or the run as a whole.
#[derive(Clone, Copy)]
pub enum Check {
    Package(CheckFn),
    Policy(PolicyCheckFn),
}

/// One registered rule: its id, its documentation and its check.
pub struct RuleDef {
    pub id: &'static str,
    /// The Rust module, which must be the id in snake case.
    pub module: &'static str,
    pub doc: &'static str,
    pub check: Check,
}

macro_rules! registry {
    ($($id:literal => $module:ident $(as $kind:ident)?),* $(,)?) => {
        $(mod $module;)*
        /// Every rule, in catalogue order.
        pub static REGISTRY: &[RuleDef] = &[$(RuleDef {
            id: $id,
            module: stringify!($module),
            doc: include_str!(concat!("../../rules/", $id, ".md")),
            check: check_of!($module $(as $kind)?),
        }),*];
    };
}

/// A package rule's check, or with `as policy` a check of the run.
macro_rules! check_of {
    ($module:ident) => {
        Check::Package($module::check)
    };
    ($module:ident as policy) => {
        Check::Policy($module::check)
    };
}

registry! {
    "package-version-too-new" => package_version_too_new,
    "package-version-edited" => package_version_edited,
    "version-invalid" => version_invalid,
    "root-component-missing" => root_component_missing,
    "component-path-missing" => component_path_missing,
    "version-not-incremented" => version_not_incremented,
    "version-decreased" => version_decreased,
    "version-bump-insufficient" => version_bump_insufficient,
    "managed-state-changed" => managed_state_changed,
    "package-not-managed" => package_not_managed,
    "patch-publisher-mismatch" => patch_publisher_mismatch,
    "patch-version-invalid" => patch_version_invalid,
    "patch-parent-mismatch" => patch_parent_mismatch,
    "patch-managed-mismatch" => patch_managed_mismatch,
    "patch-parent-not-installed" => patch_parent_not_installed,
    "baseline-mismatch" => baseline_mismatch,
    "entity-removed" => entity_removed,
    "attribute-removed" => attribute_removed,
    "relationship-removed" => relationship_removed,
    "optionset-removed" => optionset_removed,
    "component-removed" => component_removed,
    "option-removed" => option_removed,
    "attribute-type-changed" => attribute_type_changed,
    "attribute-length-reduced" => attribute_length_reduced,
    "dependency-missing" => dependency_missing,
    "dependency-outdated" => dependency_outdated,
    "dependency-unmanaged" => dependency_unmanaged,
    "environment-variable-unset" => environment_variable_unset,
    "connection-reference-unset" => connection_reference_unset,
    "settings-invalid-value" => settings_invalid_value,
    "settings-unknown-entry" => settings_unknown_entry,
    // The policy's own entries, judged over the whole run.
    "allow-expired" => allow_expired as policy,
    "allow-unused" => allow_unused as policy,
}

/// The metadata of every rule, parsed once from the embedded documents.
///
/// The documents are compiled in and a test parses every one of them, so a
/// failure here is a build defect, not a user error.
pub fn catalogue() -> &'static [RuleMeta] {
    static CATALOGUE: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        REGISTRY
            .iter()
            .map(|rule| {
                meta::parse(rule.id, rule.doc)
                    .unwrap_or_else(|e| panic!("invalid rule document compiled in: {e}"))
            })
            .collect()
    })
}

pub fn meta_of(id: &str) -> Option<&'static RuleMeta> {
    catalogue().iter().find(|m| m.id == id)
}

pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|r| r.id).collect()
}

/// ``allow entry for `attribute-removed` on `account.cts_legacy*` ``, for messages.
pub fn allow_entry(entry: &Allow) -> String {
    format!(
        "allow entry for `{}` on `{}`",
        entry.rule,
        crate::policy::shown(&entry.component)
    )
}

/// `cts_project.cts_budget`: the component id of a column.
pub fn column_id(entity: &str, attribute: &str) -> String {
    format!("{entity}.{attribute}")
}
