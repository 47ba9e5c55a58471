//! `dvlint rules`: the catalogue as a table, one rule a line.

use std::io::Write;

use crate::app::{RunError, EXIT_OK};
use crate::rules;

pub(crate) fn run(out: &mut dyn Write) -> Result<i32, RunError> {
    out.write_all(table().as_bytes())?;
    Ok(EXIT_OK)
}

/// Id, default severity, whether it needs a baseline or an environment, summary;
/// in columns.
fn table() -> String {
    let catalogue = rules::catalogue();
    let width = catalogue.iter().map(|m| m.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for meta in catalogue {
        let needs = if meta.requires_environment {
            "environment"
        } else if meta.requires_baseline {
            "baseline"
        } else {
            ""
        };
        text.push_str(&format!(
            "{:<width$}  {:<7}  {:<11}  {}\n",
            meta.id,
            meta.default_level.to_string(),
            needs,
            meta.summary
        ));
    }
    text
}
