//! What a command reads before it can do anything: the policy, the packages to
//! look at and the baselines they follow. `check` uses all of it; a command that
//! reads one package or a candidate and its baseline (`components`, `diff`) calls
//! the same functions, so that a path, a `git:REF` and a policy's `solutions`
//! mean the same thing everywhere.
//!
//! - [`load_policy`]: `--policy FILE`, or `dvlint.yaml` found from the current
//!   folder, or the defaults.
//! - [`targets`]: the command line's paths and `--baseline`, or the policy's
//!   `solutions`, as [`Target`]s.
//! - [`load_all`]: every target's candidate and baseline, loaded in parallel. One
//!   package is `load_all(&[Target { path, baseline: None }])`, or
//!   [`package::load`] itself.

use std::path::{Path, PathBuf};

use crate::app::RunError;
use crate::model::Solution;
use crate::package::{self, LoadError};
use crate::policy::Policy;
use crate::rules;

/// One candidate to look at and the baseline it follows.
pub(crate) struct Target {
    pub(crate) path: PathBuf,
    pub(crate) baseline: Option<Baseline>,
    /// `--solution NAME`: which solution of a YAML root.
    pub(crate) solution: Option<String>,
}

/// Where a baseline comes from.
#[derive(Debug, Clone)]
pub(crate) enum Baseline {
    /// A zip or folder.
    Path(PathBuf),
    /// `git:REF`: the candidate's own path at a git revision.
    Git(String),
}

impl Baseline {
    /// `git:REF`, or else a path.
    pub(crate) fn parse(text: &str) -> Result<Self, RunError> {
        match text.strip_prefix("git:") {
            Some("") => Err(RunError::Usage(
                "baseline `git:` names no revision; write `git:HEAD`, `git:origin/main` or a tag"
                    .to_owned(),
            )),
            Some(revision) => Ok(Baseline::Git(revision.to_owned())),
            None => Ok(Baseline::Path(PathBuf::from(text))),
        }
    }

    /// The baseline of `candidate`: a `git:REF` is read at `candidate`'s path.
    /// `solution` picks the same solution of a YAML root on both sides.
    pub(crate) fn load(
        &self,
        candidate: &Path,
        solution: Option<&str>,
    ) -> Result<Solution, LoadError> {
        match self {
            Baseline::Path(path) => package::load_solution(path, solution),
            Baseline::Git(revision) => {
                package::git::load_solution_at_revision(revision, candidate, solution)
            }
        }
    }
}

/// The policy at `explicit` (`--policy FILE`); without one, `dvlint.yaml` or
/// `.dvlint.yaml` found from the current folder up; without that, the defaults.
pub(crate) fn load_policy(explicit: Option<&Path>) -> Result<Policy, RunError> {
    let ids = rules::ids();
    if let Some(path) = explicit {
        return Ok(Policy::load(path, &ids)?);
    }
    let cwd = std::env::current_dir()
        .map_err(|e| RunError::Usage(format!("cannot read the current folder: {e}")))?;
    match Policy::discover(&cwd) {
        Some(path) => Ok(Policy::load(&relative_to(&path, &cwd), &ids)?),
        None => Ok(Policy::default()),
    }
}

/// A discovered policy as a path from the current folder (`dvlint.yaml`,
/// `../dvlint.yaml`): findings that point into it are then annotated on the
/// repository's file, as a path named on the command line would be.
fn relative_to(path: &Path, cwd: &Path) -> PathBuf {
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return path.to_path_buf();
    };
    match cwd.strip_prefix(folder) {
        Ok(below) => {
            let mut relative: PathBuf = below.components().map(|_| "..").collect();
            relative.push(name);
            relative
        }
        Err(_) => path.to_path_buf(),
    }
}

/// What to load: `paths` from the command line, each following `baseline`
/// (`--baseline`); with no paths, the policy's `solutions`, each with its own
/// baseline unless `baseline` overrides it.
pub(crate) fn targets(
    paths: &[PathBuf],
    baseline: Option<&Path>,
    solution: Option<&str>,
    policy: &Policy,
) -> Result<Vec<Target>, RunError> {
    if solution.is_some() && paths.is_empty() {
        return Err(RunError::Usage(
            "--solution picks a solution of the PATH named on the command line; in dvlint.yaml, \
             name the solution's folder (`path: src/solutions/solutions/NAME`)"
                .to_owned(),
        ));
    }
    let baseline = baseline
        .map(|b| Baseline::parse(&b.to_string_lossy()))
        .transpose()?;
    if paths.is_empty() {
        if policy.solutions.is_empty() {
            return Err(RunError::Usage(
                "nothing to check: name a solution package, or list `solutions` in dvlint.yaml"
                    .to_owned(),
            ));
        }
        // `--baseline git:REF` means each solution's own path at REF, so it can stand
        // for all of them (a pre-commit hook: `git:HEAD`); a zip or folder is one release.
        if let Some(Baseline::Path(_)) = &baseline {
            if policy.solutions.len() > 1 {
                return Err(RunError::Usage(
                    "--baseline PATH applies to one solution, and the policy lists several; \
                     give each its `baseline` in dvlint.yaml, or use --baseline git:REF"
                        .to_owned(),
                ));
            }
        }
        return policy
            .solutions
            .iter()
            .map(|entry| {
                let own = entry.baseline.as_deref().map(Baseline::parse).transpose()?;
                Ok(Target {
                    path: entry.path.clone(),
                    // The command line wins over the policy, as --fail-on does.
                    baseline: baseline.clone().or(own),
                    solution: None,
                })
            })
            .collect();
    }
    if matches!(baseline, Some(Baseline::Path(_))) && paths.len() > 1 {
        return Err(RunError::Usage(
            "--baseline PATH applies to one PATH; use --baseline git:REF, or list several \
             solutions with their baselines under `solutions` in dvlint.yaml"
                .to_owned(),
        ));
    }
    Ok(paths
        .iter()
        .map(|path| Target {
            path: path.clone(),
            baseline: baseline.clone(),
            solution: solution.map(str::to_owned),
        })
        .collect())
}

/// Frees what a command loaded on a thread of its own, which nobody waits for:
/// the hundreds of thousands of allocations of a big pair's models take tens of
/// milliseconds to free one by one, while the process ending frees them at
/// once. (A test calling a command in process has them freed all the same.)
pub(crate) fn let_go<T: Send + 'static>(loaded: T) {
    // Should no thread start, the closure, and what it holds, is dropped here.
    let _ = std::thread::Builder::new()
        .name("free".to_owned())
        .spawn(move || drop(loaded));
}

/// A target's candidate and, if it has one, its baseline.
pub(crate) type Loaded = (Solution, Option<Solution>);

/// Loads every candidate and baseline on a pool of one thread per core: a big
/// release pair loads both sides at once, and fifty small solutions keep every
/// core busy without starting a hundred threads. The first failure in target
/// order is the one reported, as a sequential run would.
pub(crate) fn load_all(targets: &[Target]) -> Result<Vec<Loaded>, RunError> {
    let jobs: Vec<(usize, Option<&Baseline>)> = targets
        .iter()
        .enumerate()
        .flat_map(|(i, target)| {
            std::iter::once((i, None)).chain(target.baseline.as_ref().map(|b| (i, Some(b))))
        })
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .min(jobs.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let run = |(i, baseline): (usize, Option<&Baseline>)| {
        let (path, solution) = (&targets[i].path, targets[i].solution.as_deref());
        match baseline {
            None => package::load_solution(path, solution),
            Some(baseline) => baseline.load(path, solution),
        }
    };
    let results: Vec<Option<Result<Solution, LoadError>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let job = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&spec) = jobs.get(job) else { break };
                        done.push((job, run(spec)));
                    }
                    done
                })
            })
            .collect();
        let mut results: Vec<Option<Result<Solution, LoadError>>> =
            (0..jobs.len()).map(|_| None).collect();
        for handle in handles {
            let done = handle.join().map_err(|_| {
                RunError::Usage("internal error: a loader thread stopped unexpectedly".to_owned())
            })?;
            for (job, result) in done {
                results[job] = Some(result);
            }
        }
        Ok::<_, RunError>(results)
    })?;
    let mut loaded = Vec::with_capacity(targets.len());
    let mut taken = results.into_iter();
    for target in targets {
        let mut next_result = || {
            taken.next().flatten().ok_or_else(|| {
                RunError::Usage("internal error: a package was not loaded".to_owned())
            })
        };
        let candidate = next_result()??;
        let baseline = match target.baseline {
            Some(_) => Some(next_result()??),
            None => None,
        };
        loaded.push((candidate, baseline));
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_discovered_policy_is_named_from_the_current_folder() {
        let at = |p: &str, cwd: &str| relative_to(Path::new(p), Path::new(cwd));
        assert_eq!(at("/repo/dvlint.yaml", "/repo"), Path::new("dvlint.yaml"));
        assert_eq!(
            at("/repo/.dvlint.yaml", "/repo/src/a"),
            Path::new("../../.dvlint.yaml")
        );
        assert_eq!(
            at("/elsewhere/dvlint.yaml", "/repo"),
            Path::new("/elsewhere/dvlint.yaml")
        );
    }
}
