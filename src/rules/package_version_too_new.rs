//! `SolutionPackageVersion` newer than what every target environment imports.

use super::{Context, Finding};
use crate::model::SolutionVersion;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(target) = ctx.target_package_version else {
        return;
    };
    let package = &ctx.candidate.package;
    let Some(version) = package.effective_package_version() else {
        return;
    };
    let (Some(found), Some(limit)) = (
        SolutionVersion::parse(&version.value).parts,
        SolutionVersion::parse(&target.value).parts,
    ) else {
        return;
    };
    if found <= limit {
        return;
    }
    let what = if package.package_version.is_some() {
        "package version"
    } else {
        "minimum version"
    };
    out.push(
        Finding::new(
            format!(
                "{what} `{}` is newer than the target `{}`",
                version.value, target.value
            ),
            ctx.candidate.locate(version.span),
        )
        .label("exported for this version")
        .help(format!(
            "export the solution from an environment at version {} (or for it), or raise \
             `target.package-version` (set at {}) if every target is newer",
            target.value, target.at
        )),
    );
}
