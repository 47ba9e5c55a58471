//! A patch whose parent solution the target environment does not have, or has at
//! another major.minor version: a patch installs only over its parent.

use super::dependencies::provider;
use super::{relation, Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(environment) = ctx.environment else {
        return;
    };
    if environment.installed.is_none() {
        return;
    }
    let manifest = &ctx.candidate.manifest;
    let (parent, at) = match &manifest.parent {
        Some(parent) => match &parent.unique_name {
            Some(name) => (name.value.as_str(), name.span),
            None => return,
        },
        None => match relation::patched_name(&manifest.unique_name.value) {
            Some(name) => (name, manifest.unique_name.span),
            None => return,
        },
    };
    let version = &manifest.version.value;
    let Some(provider) = provider(ctx, parent) else {
        out.push(
            Finding::new(
                format!("the patch's parent solution `{parent}` is not installed"),
                ctx.candidate.locate(at),
            )
            .component(format!("solution/{}", parent.to_ascii_lowercase()))
            .label("the parent")
            .help(format!(
                "install `{parent}` first (a patch holds only what changed, and Dataverse \
                 refuses it without its parent), or add it to the environment's `solutions` \
                 if it is there"
            )),
        );
        return;
    };
    let (Some(ours), Some(theirs)) = (version.major_minor(), provider.version.major_minor()) else {
        return;
    };
    if ours == theirs {
        return;
    }
    let mut finding = Finding::new(
        format!(
            "the patch {version} is for `{parent}` {}.{}, but {} is {}",
            ours.0, ours.1, provider.version, provider.how
        ),
        ctx.candidate.locate(manifest.version.span),
    )
    .component(format!("solution/{}", parent.to_ascii_lowercase()))
    .label("patch version")
    .help(format!(
        "a patch shares its parent's major.minor version: install `{parent}` {}.{} first, or \
         clone a patch from the parent the environment has",
        ours.0, ours.1
    ));
    if let Some(location) = provider.location {
        finding = finding.related(location, format!("`{parent}` {} here", provider.version));
    }
    out.push(finding);
}
