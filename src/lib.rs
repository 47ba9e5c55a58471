//! dvlint: a linter for Microsoft Dataverse solution packages.
#![forbid(unsafe_code)]

pub mod diagnostic;
pub mod model;
pub mod package;
pub mod source;
