//! A `SolutionPackageVersion` that Dataverse did not write.

use super::{Context, Finding};
use crate::model::SolutionVersion;

/// The values real exports carry (format-reference §3.1).
const WRITTEN: [&str; 10] = [
    "6.0", "6.1", "7.0", "7.1", "8.0", "8.1", "8.2", "9.0", "9.1", "9.2",
];

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let package = &ctx.candidate.package;
    let Some(version) = &package.package_version else {
        return;
    };
    let location = ctx.candidate.locate(version.span);
    let parsed = SolutionVersion::parse(&version.value);
    let is_major_minor = version.value.split('.').count() == 2 && parsed.is_valid();
    let exporter = package
        .exported_by
        .as_ref()
        .map(|e| (e, SolutionVersion::parse(&e.value)));

    if let (true, Some((exported_by, exporter_version))) = (is_major_minor, &exporter) {
        if let (Some(spv), Some(env)) = (parsed.major_minor(), exporter_version.major_minor()) {
            if spv > env {
                out.push(
                    Finding::new(
                        format!(
                            "package version `{}` is newer than the environment that exported it (`{}`)",
                            version.value, exported_by.value
                        ),
                        location,
                    )
                    .label("edited by hand?")
                    .related(ctx.candidate.locate(exported_by.span), "the exporting environment")
                    .help("restore the value the export wrote, or export again from an environment at the version you need"),
                );
                return;
            }
            let known = WRITTEN.contains(&version.value.as_str());
            if known || spv == env {
                return;
            }
        }
    } else if is_major_minor && WRITTEN.contains(&version.value.as_str()) {
        return;
    }
    out.push(
        Finding::new(
            format!("package version `{}` is not one Dataverse writes", version.value),
            location,
        )
        .label("edited by hand?")
        .help("restore the value the export wrote, or export again from an environment at the version you need"),
    );
}
