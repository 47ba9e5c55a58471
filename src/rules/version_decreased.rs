//! An upgrade to a lower version: it overwrites, and leaves the newer version's
//! additions behind.

use std::cmp::Ordering;

use super::{Change, Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.environment.is_some() {
        against_installed(ctx, out);
        return;
    }
    let Some(baseline) = ctx.upgraded_baseline() else {
        return;
    };
    let version = &ctx.candidate.manifest.version;
    let before = &baseline.manifest.version;
    if version.value.compare(&before.value) != Some(Ordering::Less) {
        return;
    }
    let left_behind: Vec<_> = ctx
        .changes()
        .iter()
        .filter_map(|c| match c {
            Change::Removed(r) => Some(r),
            _ => None,
        })
        .collect();
    let mut message = format!(
        "version `{}` is lower than the baseline's `{}`",
        version.value, before.value
    );
    match left_behind.len() {
        0 => {}
        1 => message.push_str("; 1 component of the newer version would stay behind"),
        n => message.push_str(&format!(
            "; {n} components of the newer version would stay behind"
        )),
    }
    let mut finding = Finding::new(message, ctx.candidate.locate(version.span))
        .label("candidate version")
        .related(baseline.locate(before.span), "baseline version")
        .help("raise the version above the baseline's; to take components away, ship a higher version without them");
    for removed in left_behind {
        finding = finding.related(
            baseline.locate(removed.span()),
            format!("{} stays behind", removed.describe()),
        );
    }
    out.push(finding);
}

/// The environment has a higher version installed.
fn against_installed(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((_, installed)) = ctx.installed() else {
        return;
    };
    let version = &ctx.candidate.manifest.version;
    if version.value.compare(&installed.version) != Some(Ordering::Less) {
        return;
    }
    let mut finding = Finding::new(
        format!(
            "version `{}` is lower than the `{}` installed",
            version.value, installed.version
        ),
        ctx.candidate.locate(version.span),
    )
    .label("candidate version")
    .help(format!(
        "importing it over {} is not a rollback: the components are overwritten with the older \
         definitions, and everything the newer version added stays behind; raise the version \
         above {}",
        installed.version, installed.version
    ));
    if let Some(location) = installed.location.clone() {
        finding = finding.related(location, format!("installed: {}", installed.version));
    }
    out.push(finding);
}
