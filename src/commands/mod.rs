//! One file per subcommand, as [`crate::app::run`] dispatches them, so that a
//! command reads top to bottom in one place. What several commands need lives
//! beside them: [`input`] (the policy, the packages and their baselines) and
//! [`output`] (report files).

pub(crate) mod check;
pub(crate) mod components;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod init;
pub(crate) mod input;
pub(crate) mod output;
pub(crate) mod rules;
pub(crate) mod settings;
