//! What the commands do, apart from argument parsing and process exit.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, Cli, Command, FailOn, Format};
use crate::diagnostic::Severity;
use crate::engine;
use crate::model::Solution;
use crate::package::{self, LoadError};
use crate::policy::{Policy, PolicyError};
use crate::report::{self, SolutionReport};
use crate::rules;

/// Process exit codes (DESIGN.md §1).
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

/// Why a run could not be done (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<i32, RunError> {
    match cli.command {
        Command::Check(args) => check(args, out),
        Command::Rules => {
            out.write_all(rules_table().as_bytes())?;
            Ok(EXIT_OK)
        }
        Command::Init { path, force } => init(&path, force, out),
        Command::Explain { rule } => {
            let meta = rules::meta_of(&rule).ok_or_else(|| {
                RunError::Usage(format!(
                    "unknown rule `{rule}`{}; `dvlint rules` lists them",
                    crate::policy::suggest(&rule, &rules::ids())
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default()
                ))
            })?;
            out.write_all(meta.body().as_bytes())?;
            Ok(EXIT_OK)
        }
    }
}

fn rules_table() -> String {
    let catalogue = rules::catalogue();
    let width = catalogue.iter().map(|m| m.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for meta in catalogue {
        let baseline = if meta.requires_baseline {
            "baseline"
        } else {
            ""
        };
        text.push_str(&format!(
            "{:<width$}  {:<7}  {:<8}  {}\n",
            meta.id,
            meta.default_level.to_string(),
            baseline,
            meta.summary
        ));
    }
    text
}

fn render(format: Format, reports: &[SolutionReport<'_>], color: bool) -> String {
    match format {
        Format::Human => report::human::render(reports, report::human::Style { color, width: 100 }),
        Format::Json => report::json::render(reports),
        Format::Sarif => report::sarif::render(reports),
        Format::Github => report::github::render(reports),
        Format::Junit => report::junit::render(reports),
    }
}

/// Writes a whole file or nothing: a temporary file beside it, then a rename. The
/// temporary file is created new, so that a link planted under its name (in a
/// shared folder, where the name can be guessed) is never followed.
fn write_atomically(path: &Path, text: &str) -> Result<(), RunError> {
    let failed =
        |e: std::io::Error| RunError::Usage(format!("cannot write `{}`: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| RunError::Usage(format!("`{}` is not a file name", path.display())))?;
    let mut created = None;
    for attempt in 0..100 {
        let temporary = path.with_file_name(format!(
            ".{}.dvlint-{}-{attempt}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => {
                created = Some((temporary, file));
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(failed(e)),
        }
    }
    let (temporary, mut file) = created.ok_or_else(|| {
        failed(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "no free name for a temporary file beside it",
        ))
    })?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .and_then(|()| std::fs::rename(&temporary, path));
    drop(file);
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        failed(e)
    })
}

fn append(path: &Path, text: &str) -> Result<(), RunError> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| RunError::Usage(format!("cannot write `{}`: {e}", path.display())))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

fn init(path: &Path, force: bool, out: &mut dyn Write) -> Result<i32, RunError> {
    if path.exists() && !force {
        return Err(RunError::Usage(format!(
            "`{}` exists; pass --force to overwrite it",
            path.display()
        )));
    }
    write_atomically(path, &crate::init::template())?;
    writeln!(out, "wrote {}", path.display())?;
    Ok(EXIT_OK)
}

/// One candidate to check and the baseline it follows.
struct Target {
    path: PathBuf,
    baseline: Option<Baseline>,
}

/// Where a baseline comes from.
#[derive(Debug, Clone)]
enum Baseline {
    /// A zip or folder.
    Path(PathBuf),
    /// `git:REF`: the candidate's own path at a git revision.
    Git(String),
}

impl Baseline {
    fn parse(text: &str) -> Result<Self, RunError> {
        match text.strip_prefix("git:") {
            Some("") => Err(RunError::Usage(
                "baseline `git:` names no revision; write `git:HEAD`, `git:origin/main` or a tag"
                    .to_owned(),
            )),
            Some(revision) => Ok(Baseline::Git(revision.to_owned())),
            None => Ok(Baseline::Path(PathBuf::from(text))),
        }
    }

    fn load(&self, candidate: &Path) -> Result<Solution, LoadError> {
        match self {
            Baseline::Path(path) => package::load(path),
            Baseline::Git(revision) => package::git::load_at_revision(revision, candidate),
        }
    }
}

fn load_policy(args: &CheckArgs) -> Result<Policy, RunError> {
    let ids = rules::ids();
    if let Some(path) = &args.policy {
        return Ok(Policy::load(path, &ids)?);
    }
    let cwd = std::env::current_dir()
        .map_err(|e| RunError::Usage(format!("cannot read the current folder: {e}")))?;
    match Policy::discover(&cwd) {
        Some(path) => Ok(Policy::load(&path, &ids)?),
        None => Ok(Policy::default()),
    }
}

fn targets(args: &CheckArgs, policy: &Policy) -> Result<Vec<Target>, RunError> {
    let baseline = args
        .baseline
        .as_ref()
        .map(|b| Baseline::parse(&b.to_string_lossy()))
        .transpose()?;
    if args.paths.is_empty() {
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
                })
            })
            .collect();
    }
    if matches!(baseline, Some(Baseline::Path(_))) && args.paths.len() > 1 {
        return Err(RunError::Usage(
            "--baseline PATH applies to one PATH; use --baseline git:REF, or list several \
             solutions with their baselines under `solutions` in dvlint.yaml"
                .to_owned(),
        ));
    }
    Ok(args
        .paths
        .iter()
        .map(|path| Target {
            path: path.clone(),
            baseline: baseline.clone(),
        })
        .collect())
}

type Loaded = (Solution, Option<Solution>);

/// Loads every candidate and baseline on a pool of one thread per core: a big
/// release pair loads both sides at once, and fifty small solutions keep every
/// core busy without starting a hundred threads. The first failure in target
/// order is the one reported, as a sequential run would.
fn load_all(targets: &[Target]) -> Result<Vec<Loaded>, RunError> {
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
        let path = &targets[i].path;
        match baseline {
            None => package::load(path),
            Some(baseline) => baseline.load(path),
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

fn check(args: CheckArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let policy = load_policy(&args)?;
    let targets = targets(&args, &policy)?;
    let loaded = load_all(&targets)?;
    let outcomes: Vec<engine::Outcome> = loaded
        .iter()
        .map(|(candidate, baseline)| engine::check(candidate, baseline.as_ref(), &policy))
        .collect();
    let reports: Vec<SolutionReport<'_>> = loaded
        .iter()
        .zip(&outcomes)
        .map(|((candidate, baseline), outcome)| SolutionReport {
            candidate,
            baseline: baseline.as_ref(),
            diagnostics: &outcome.diagnostics,
            allowed: outcome.allowed,
            rules_run: &outcome.rules_run,
        })
        .collect();
    for output in &args.output {
        write_atomically(&output.path, &render(output.format, &reports, false))?;
    }
    let uses_github =
        args.format == Format::Github || args.output.iter().any(|o| o.format == Format::Github);
    if uses_github {
        if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
            append(Path::new(&summary), &report::github::step_summary(&reports))?;
        }
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    out.write_all(render(args.format, &reports, color).as_bytes())?;
    out.flush()?;

    let fail_on = match args.fail_on {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        None => policy.fail_on.unwrap_or(Severity::Error),
    };
    let failed = outcomes
        .iter()
        .flat_map(|o| &o.diagnostics)
        .any(|d| d.severity >= fail_on);
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_output_file_never_follows_a_link_planted_under_its_temporary_name() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "untouched").unwrap();
        let planted = dir
            .path()
            .join(format!(".report.json.dvlint-{}-0.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let report = dir.path().join("report.json");
        write_atomically(&report, "{}").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "{}");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let planted = planted.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            names,
            [planted, "report.json".to_owned(), "victim.txt".to_owned()]
        );
    }

    #[test]
    fn a_failed_output_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a folder: the rename fails.
        let target = dir.path().join("taken");
        std::fs::create_dir(target.join("")).unwrap();
        std::fs::write(target.join("inside"), "x").unwrap();
        assert!(write_atomically(&target, "{}").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
