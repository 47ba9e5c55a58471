//! An `allow` entry whose `expires` day has come: it accepts nothing any more, and
//! says so, whether or not it would have matched a finding.

use super::{allow_entry, Finding, PolicyContext};

pub fn check(ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
    for (_, entry, mut location) in ctx.entries() {
        let Some(expires) = &entry.expires else {
            continue;
        };
        if !entry.expired_on(ctx.today) {
            continue;
        }
        // From the entry to the end of its `expires` line: the report shows the
        // rule, the glob, the reason and the date together.
        if let Some(date) = ctx.policy.locate(&expires.at) {
            let text = date.file.text().unwrap_or("");
            let line_end = text[date.start..]
                .find('\n')
                .map_or(text.len(), |newline| date.start + newline);
            location.end = text[..line_end]
                .trim_end_matches('\r')
                .len()
                .max(location.start);
        }
        out.push(
            Finding::new(
                format!(
                    "{} expired on {}: it accepts no finding any more",
                    allow_entry(entry),
                    expires.value,
                ),
                location,
            )
            .label("no longer applies")
            .help(
                "renew `expires` with the reason the finding is still accepted, \
                 or fix the finding and remove the entry",
            ),
        );
    }
}
