//! The environments a release is deployed to, as the policy's `environments:`
//! describes them: each one's Dataverse version, the solutions installed there
//! (listed in the policy, or the Web API's JSON saved by the pipeline), and the
//! pac deployment settings used for it. Read once per run, before any rule runs;
//! every file is validated whole, so that a typo is an error naming its line,
//! never a silently empty setting. [`template`] writes the settings file of a
//! solution (`dvlint settings`).

mod fields;
pub mod installed;
pub mod settings;
pub mod template;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::json::JsonError;
use crate::model::SolutionVersion;
use crate::policy::{EnvironmentEntry, InstalledSource, Policy, PolicyLocation};
use crate::source::{Location, SourceFile};

pub use installed::InstalledSolution;
pub use settings::{DeploymentSettings, ReferenceSetting, VariableSetting};

/// A file an environment names and larger than this is refused unread: the Web
/// API lists an environment's few hundred solutions in well under a megabyte.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// One environment, with its files read.
#[derive(Debug)]
pub struct Environment {
    pub name: String,
    /// Its Dataverse version (`9.2.24012.198`) and where the policy says so.
    pub version: SolutionVersion,
    pub version_at: Option<Location>,
    /// What is installed there; `None` when the policy does not say, so that
    /// nothing is concluded about dependencies.
    pub installed: Option<Vec<InstalledSolution>>,
    pub settings: Option<Settings>,
}

/// The deployment settings of an environment: one file for the solution, or a
/// folder holding `<UniqueName>.json` per solution.
#[derive(Debug)]
pub enum Settings {
    File(DeploymentSettings),
    Folder {
        path: PathBuf,
        /// By lower-case file stem (the solution's unique name).
        files: BTreeMap<String, DeploymentSettings>,
    },
}

/// The settings a solution is imported with in one environment.
#[derive(Debug, Clone, Copy)]
pub enum SettingsFor<'a> {
    /// The environment names no settings: nothing to check.
    NotConfigured,
    /// A settings folder without a file for this solution: it is imported
    /// without settings, so no variable gets a value and no reference a connection.
    Missing {
        folder: &'a Path,
    },
    Found(&'a DeploymentSettings),
}

impl Environment {
    /// The installed solution of this unique name (case-insensitive, as in Dataverse).
    pub fn installed(&self, unique_name: &str) -> Option<&InstalledSolution> {
        self.installed
            .as_ref()?
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(unique_name))
    }

    pub fn settings_for(&self, unique_name: &str) -> SettingsFor<'_> {
        match &self.settings {
            None => SettingsFor::NotConfigured,
            Some(Settings::File(settings)) => SettingsFor::Found(settings),
            Some(Settings::Folder { path, files }) => {
                match files.get(&unique_name.to_ascii_lowercase()) {
                    Some(settings) => SettingsFor::Found(settings),
                    None => SettingsFor::Missing { folder: path },
                }
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EnvironmentError {
    #[error("cannot read {what} `{}`{}: {source}", .path.display(), named_at(.at.as_ref()))]
    Read {
        what: &'static str,
        path: PathBuf,
        /// Where the policy names the file; `None` for one named on the command line.
        at: Option<PolicyLocation>,
        source: std::io::Error,
    },
    #[error(
        "{what} `{}` is too large: over {} MiB{}",
        .path.display(),
        MAX_FILE_SIZE / (1024 * 1024),
        named_at(.at.as_ref())
    )]
    TooLarge {
        what: &'static str,
        path: PathBuf,
        at: Option<PolicyLocation>,
    },
    #[error("invalid {what} `{}`{}", .path.display(), render_problems(.path, .problems))]
    Invalid {
        what: &'static str,
        path: PathBuf,
        problems: Vec<JsonError>,
    },
    #[error("{0}")]
    Unknown(String),
}

/// ` (named at dvlint.yaml:12:15)`, for a file the policy names.
fn named_at(at: Option<&PolicyLocation>) -> String {
    at.map(|at| format!(" (named at {at})")).unwrap_or_default()
}

fn render_problems(path: &Path, problems: &[JsonError]) -> String {
    problems
        .iter()
        .map(|problem| format!("\n  {}:{problem}", path.display()))
        .collect()
}

/// What a file is, for messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FileKind {
    Solutions,
    Settings,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what())
    }
}

impl FileKind {
    fn what(self) -> &'static str {
        match self {
            FileKind::Solutions => "solutions file",
            FileKind::Settings => "deployment settings",
        }
    }
}

/// Reads a whole file named by the policy (`at`) or on the command line (`None`),
/// refusing one over [`MAX_FILE_SIZE`] unread (and never reading past it, whatever
/// its metadata says), and anything but a regular file: opening a named pipe waits
/// for a writer forever.
fn read_file(
    path: &Path,
    kind: FileKind,
    at: Option<&PolicyLocation>,
) -> Result<Arc<SourceFile>, EnvironmentError> {
    let read_error = |source| EnvironmentError::Read {
        what: kind.what(),
        path: path.to_path_buf(),
        at: at.cloned(),
        source,
    };
    let too_large = || EnvironmentError::TooLarge {
        what: kind.what(),
        path: path.to_path_buf(),
        at: at.cloned(),
    };
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if !metadata.is_file() {
        return Err(read_error(std::io::Error::other(
            "not a regular file (a folder, pipe, socket or device)",
        )));
    }
    if metadata.len() > MAX_FILE_SIZE {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    // The metadata can lie: a file still growing.
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = String::from_utf8_lossy(&error.as_bytes()[..error.utf8_error().valid_up_to()]);
        let valid = valid.strip_prefix(BOM).unwrap_or(&valid);
        let (line, column) = crate::source::line_col(valid, valid.len());
        EnvironmentError::Invalid {
            what: kind.what(),
            path: path.to_path_buf(),
            problems: vec![JsonError {
                line,
                column,
                message: "the file is not valid utf-8".to_owned(),
            }],
        }
    })?;
    // Editors hide a byte-order mark: without it, the columns of the first line
    // are the ones they show, as in the package's files.
    let mut text = text;
    if text.starts_with(BOM) {
        text.drain(..BOM.len());
    }
    Ok(SourceFile::new(path.display().to_string(), text))
}

const BOM: &str = "\u{feff}";

/// The environments to check against: those named by `--environment`, or every
/// one the policy lists. A name the policy does not list is an error.
pub fn load(policy: &Policy, selected: &[String]) -> Result<Vec<Environment>, EnvironmentError> {
    for name in selected {
        if !policy.environments.iter().any(|e| e.name == *name) {
            let names: Vec<&str> = policy
                .environments
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            let mut message = format!("unknown environment `{name}`");
            if let Some(close) = crate::policy::suggest(name, &names) {
                message.push_str(&format!("; did you mean `{close}`?"));
            } else if names.is_empty() {
                message.push_str("; the policy lists no `environments`");
            } else {
                let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                message.push_str(&format!("; the policy lists {}", listed.join(", ")));
            }
            return Err(EnvironmentError::Unknown(message));
        }
    }
    policy
        .environments
        .iter()
        .filter(|entry| selected.is_empty() || selected.contains(&entry.name))
        .map(|entry| load_one(policy, entry))
        .collect()
}

fn load_one(policy: &Policy, entry: &EnvironmentEntry) -> Result<Environment, EnvironmentError> {
    let installed = match &entry.solutions {
        None => None,
        Some(InstalledSource::Inline(list)) => Some(
            list.iter()
                .map(|s| InstalledSolution {
                    name: s.name.clone(),
                    version: SolutionVersion::parse(&s.version),
                    managed: s.managed,
                    publisher: s.publisher.clone(),
                    location: policy.locate(&s.at),
                })
                .collect(),
        ),
        Some(InstalledSource::File(path)) => {
            let file = read_file(&path.value, FileKind::Solutions, Some(&path.at))?;
            Some(
                installed::parse(&file).map_err(|problems| EnvironmentError::Invalid {
                    what: FileKind::Solutions.what(),
                    path: path.value.clone(),
                    problems,
                })?,
            )
        }
    };
    let settings = match &entry.settings {
        None => None,
        Some(path) => Some(settings::load(&path.value, &path.at)?),
    };
    Ok(Environment {
        name: entry.name.clone(),
        version: SolutionVersion::parse(&entry.version.value),
        version_at: policy.locate(&entry.version.at),
        installed,
        settings,
    })
}
