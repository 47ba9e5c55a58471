//! `SolutionPackageVersion` newer than what every target environment imports.

use super::{Context, Finding};
use crate::environment::Environment;
use crate::model::SolutionVersion;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if let Some(environment) = ctx.environment {
        against_environment(ctx, environment, out);
        return;
    }
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

/// The environment's Dataverse version imports packages up to its major.minor.
fn against_environment(ctx: &Context<'_>, environment: &Environment, out: &mut Vec<Finding>) {
    let package = &ctx.candidate.package;
    let Some(version) = package.effective_package_version() else {
        return;
    };
    let (Some(found), Some((major, minor))) = (
        SolutionVersion::parse(&version.value).parts,
        environment.version.major_minor(),
    ) else {
        return;
    };
    if found[..2] <= [major, minor][..] {
        return;
    }
    let what = if package.package_version.is_some() {
        "package version"
    } else {
        "minimum version"
    };
    let mut finding = Finding::new(
        format!(
            "{what} `{}` is newer than the environment's Dataverse {}",
            version.value, environment.version
        ),
        ctx.candidate.locate(version.span),
    )
    .label("exported for this version")
    .help(format!(
        "Dataverse {major}.{minor} refuses packages exported for a newer version: export the \
         solution for {major}.{minor} (or from an environment at that version), or update the \
         environment first"
    ));
    if let Some(location) = environment.version_at.clone() {
        finding = finding.related(location, "the environment's version");
    }
    out.push(finding);
}
