//! A solution version that is not 2–4 dot-separated integers.

use super::{Context, Finding};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let version = &ctx.candidate.manifest.version;
    if version.value.is_valid() {
        return;
    }
    out.push(
        Finding::new(
            format!(
                "solution version `{}` is not 2 to 4 dot-separated numbers",
                version.value
            ),
            ctx.candidate.locate(version.span),
        )
        .help("use major.minor.build.revision, for example `1.2.0.0`"),
    );
}
