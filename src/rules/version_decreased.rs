//! An upgrade to a lower version: it overwrites, and leaves the newer version's
//! additions behind.

use std::cmp::Ordering;

use super::{Change, Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
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
