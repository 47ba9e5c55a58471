//! The deployment settings a candidate is imported with in the environment a
//! pass checks against, and how the settings rules name them.

use crate::environment::{DeploymentSettings, SettingsFor};
use crate::rules::Context;

/// The settings for the candidate in this pass's environment, or what stands in
/// for them: `None` when the environment names no settings (nothing to check).
pub enum Applied<'a> {
    /// A settings folder without a file for this solution: imported without one.
    Missing(String),
    Found(&'a DeploymentSettings),
}

pub fn applied<'a>(ctx: &Context<'a>) -> Option<Applied<'a>> {
    let environment = ctx.environment?;
    match environment.settings_for(&ctx.candidate.manifest.unique_name.value) {
        SettingsFor::NotConfigured => None,
        SettingsFor::Missing { folder } => Some(Applied::Missing(format!(
            "`{}` has no `{}.json`",
            folder.display(),
            ctx.candidate.manifest.unique_name.value
        ))),
        SettingsFor::Found(settings) => Some(Applied::Found(settings)),
    }
}

impl Applied<'_> {
    /// `` `deploy/test.json` ``, for messages.
    pub fn describe(&self) -> String {
        match self {
            Applied::Missing(why) => why.clone(),
            Applied::Found(settings) => format!("`{}`", settings.file.display_path),
        }
    }

    pub fn settings(&self) -> Option<&DeploymentSettings> {
        match self {
            Applied::Missing(_) => None,
            Applied::Found(settings) => Some(settings),
        }
    }
}
