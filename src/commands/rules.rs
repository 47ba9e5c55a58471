//! `dvlint rules`: the catalogue as a table, one rule a line.

use std::io::Write;

use crate::app::{RunError, EXIT_OK};
use crate::rules;

pub(crate) fn run(out: &mut dyn Write) -> Result<i32, RunError> {
    out.write_all(table().as_bytes())?;
    Ok(EXIT_OK)
}

/// Id, default severity, whether it needs a baseline, summary; in columns.
fn table() -> String {
    let catalogue = rules::catalogue();
    let width = catalogue.iter().map(|m| m.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for meta in catalogue {
        let baseline = if meta.requires_baseline {
            "baseline"
        } else {
            ""
        };
        text.push_str(&format!(
            "{:<width$}  {:<7}  {:<8}  {}\n",
            meta.id,
            meta.default_level.to_string(),
            baseline,
            meta.summary
        ));
    }
    text
}
