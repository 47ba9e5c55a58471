//! dvlint: a linter for Microsoft Dataverse solution packages.
//!
//! The pipeline: [`package`] loads a package into a spanned [`model::Solution`];
//! [`policy`] reads `dvlint.yaml`; [`engine`] runs the [`rules`] catalogue into
//! [`diagnostic::Diagnostic`]s; [`report`] formats them.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
mod commands;
pub mod diagnostic;
pub mod engine;
pub mod environment;
#[doc(hidden)]
pub mod fuzzing;
pub mod inventory;
pub mod json;
pub mod model;
pub mod package;
pub mod policy;
pub mod report;
pub mod review;
pub mod rules;
pub mod source;
