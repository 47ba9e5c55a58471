//! What the rules share and are not rules themselves: the metadata of a rule's
//! page, how a candidate relates to its baseline, and the upgrade diff.

pub mod dependencies;
pub mod diff;
pub mod meta;
pub mod relation;
pub mod settings;
