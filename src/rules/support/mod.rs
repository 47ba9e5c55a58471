//! What the rules share and are not rules themselves: the metadata of a rule's
//! page, how a candidate relates to its baseline, the upgrade diff (what it
//! removes and what it adds), and the version bump the policy requires of it.

pub mod added;
pub mod dependencies;
pub mod diff;
pub mod meta;
pub mod relation;
pub mod settings;
pub mod versioning;
