//! Running the real `dvlint` binary under the bounds every hostile-input test
//! keeps: no panic, a clean exit code, a time guard against hangs and a peak
//! resident set measured with GNU time (`/usr/bin/time -f %M`; without it the
//! memory bound is skipped, with a note).

#![allow(clippy::print_stderr)] // each run's time and memory is printed

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Bounds on every run of the binary, in the debug test profile too. The time is
/// a guard against hangs and runaway work, about ten times what the slowest case
/// takes in a debug build on a quiet 2-core machine (3.2 s: 64 zip members of
/// 8 MiB), not a speed target: those are `scripts/bench.sh`'s. With both cores
/// busy, cases take up to twice as long.
pub const MAX_SECONDS: Duration = Duration::from_secs(30);
/// The guard for the few runs that read megabytes on purpose (100 000 entries
/// of an environment's JSON files): 7.3 s in a debug build on a quiet machine,
/// 11.5 s with both cores busy, 0.4 s in release.
pub const MAX_SECONDS_READING_MEGABYTES: Duration = Duration::from_secs(75);
pub const MAX_RSS_KB: u64 = 256 * 1024;
pub const GNU_TIME: &str = "/usr/bin/time";

/// One test at a time, so that the time bound measures dvlint and not its neighbours.
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
// ---------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------

pub struct Run {
    pub label: String,
    pub output: Output,
    pub elapsed: Duration,
    /// Peak resident set, when GNU time is there to measure it.
    pub rss_kb: Option<u64>,
    pub max_time: Duration,
}

pub fn gnu_time() -> bool {
    Path::new(GNU_TIME).is_file()
        && Command::new(GNU_TIME)
            .args(["-f", "%M", "true"])
            .output()
            .is_ok_and(|o| o.status.success())
}

/// Runs `dvlint args` in `cwd` and checks the bounds every run must keep: no panic,
/// a clean exit code, under [`MAX_SECONDS`] and [`MAX_RSS_KB`].
pub fn dvlint(label: &str, args: &[&str], cwd: &Path) -> Run {
    dvlint_within(label, args, cwd, MAX_SECONDS)
}

/// [`dvlint`] with another time bound, for a run that reads megabytes on purpose:
/// a guard of ten times what the release build takes, not a race.
pub fn dvlint_within(label: &str, args: &[&str], cwd: &Path, max_time: Duration) -> Run {
    let measured = gnu_time();
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut command = if measured {
        let mut command = Command::new(GNU_TIME);
        command
            .args(["-f", "%M", "-o"])
            .arg(rss_file.path())
            .arg(env!("CARGO_BIN_EXE_dvlint"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_dvlint"))
    };
    command
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    let started = Instant::now();
    let output = command.output().expect("the dvlint binary runs");
    let elapsed = started.elapsed();
    let rss_kb = measured.then(|| {
        let text = std::fs::read_to_string(rss_file.path()).unwrap();
        // GNU time writes "Command exited with non-zero status N" before the value.
        text.lines().last().unwrap().trim().parse::<u64>().unwrap()
    });
    let run = Run {
        label: label.to_owned(),
        output,
        elapsed,
        rss_kb,
        max_time,
    };
    run.report();
    run.assert_bounded();
    run
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn report(&self) {
        let memory = match self.rss_kb {
            Some(kb) => format!("{:.1} MB", kb as f64 / 1024.0),
            None => "memory not measured: no GNU time at /usr/bin/time".to_owned(),
        };
        let first_line = self.stderr().lines().next().unwrap_or("").to_owned();
        let shown: String = first_line.chars().take(160).collect();
        eprintln!(
            "[hostile] {}: exit {:?}, {:.3} s, {memory}; {shown}",
            self.label,
            self.code(),
            self.elapsed.as_secs_f64()
        );
    }

    pub fn assert_bounded(&self) {
        let context = format!(
            "{}\nstdout:\n{}\nstderr:\n{}",
            self.label,
            self.stdout().chars().take(2000).collect::<String>(),
            self.stderr().chars().take(2000).collect::<String>()
        );
        assert!(!self.stderr().contains("panicked"), "{context}");
        assert!(
            matches!(self.code(), Some(0..=2)),
            "exit {:?}: {context}",
            self.code()
        );
        assert!(
            self.elapsed < self.max_time,
            "took {:?}: {context}",
            self.elapsed
        );
        if let Some(kb) = self.rss_kb {
            assert!(kb < MAX_RSS_KB, "peak RSS {kb} kB: {context}");
        }
    }

    pub fn exit(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            Some(code),
            "{}\nstdout:\n{}\nstderr:\n{}",
            self.label,
            self.stdout().chars().take(2000).collect::<String>(),
            self.stderr().chars().take(2000).collect::<String>()
        );
        self
    }

    /// Exit 2 with one `error:` naming `needles` (each in the message), nothing on stdout.
    pub fn fails_with(&self, needles: &[&str]) -> &Self {
        self.exit(2);
        let err = self.stderr();
        assert!(err.starts_with("error: "), "{}: {err}", self.label);
        for needle in needles {
            assert!(
                err.contains(needle),
                "{}: expected `{needle}` in:\n{err}",
                self.label
            );
        }
        assert!(
            self.stdout().is_empty(),
            "{}: {}",
            self.label,
            self.stdout()
        );
        self
    }

    pub fn never_shows(&self, secret: &str) -> &Self {
        assert!(
            !self.stdout().contains(secret),
            "{}: {}",
            self.label,
            self.stdout()
        );
        assert!(
            !self.stderr().contains(secret),
            "{}: {}",
            self.label,
            self.stderr()
        );
        self
    }
}

/// A temporary folder in memory where there is one: creating 130 000 files on a
/// busy disk can take a minute; in memory, seconds.
pub fn memory_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).or_else(|_| tempfile::tempdir())
    } else {
        tempfile::tempdir()
    }
    .unwrap()
}
