//! Turning diagnostics, and the inventory of `dvlint components`, into output.
//! Nothing else in dvlint formats what it prints.

pub mod diff;
pub mod github;
pub mod human;
pub mod inventory;
pub mod json;
pub mod junit;
pub mod markdown;
mod paths;
pub mod sarif;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Solution;

/// One checked candidate, as the reporters see it.
pub struct SolutionReport<'a> {
    pub candidate: &'a Solution,
    pub baseline: Option<&'a Solution>,
    pub diagnostics: &'a [Diagnostic],
    pub allowed: usize,
    /// The rules that ran on this candidate.
    pub rules_run: &'a [&'static str],
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut summary = Summary::default();
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}
