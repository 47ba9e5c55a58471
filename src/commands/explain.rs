//! `dvlint explain <rule>`: a rule's documentation page, or the nearest id when
//! the name is wrong.

use std::io::Write;

use crate::app::{RunError, EXIT_OK};
use crate::policy;
use crate::rules;

pub(crate) fn run(rule: &str, out: &mut dyn Write) -> Result<i32, RunError> {
    let meta = rules::meta_of(rule).ok_or_else(|| {
        RunError::Usage(format!(
            "unknown rule `{rule}`{}; `dvlint rules` lists them",
            policy::suggest(rule, &rules::ids())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default()
        ))
    })?;
    out.write_all(meta.body().as_bytes())?;
    Ok(EXIT_OK)
}
