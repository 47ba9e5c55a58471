//! An unmanaged package (off by default; turn on where only managed ones ship).

use super::{Context, Finding};
use crate::model::Managed;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let manifest = &ctx.candidate.manifest;
    if manifest.managed.value != Managed::Unmanaged {
        return;
    }
    out.push(
        Finding::new(
            format!("solution `{}` is unmanaged", manifest.unique_name.value),
            ctx.candidate.locate(manifest.managed.span),
        )
        .help("export the solution as managed for test and production environments"),
    );
}
