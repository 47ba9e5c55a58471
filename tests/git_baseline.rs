//! `--baseline git:REF`: the candidate's own path at a revision, read through git,
//! run as a user runs it (the real binary, a real repository in a temp folder).

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_tree, zip_folder};

const FIXTURE: &str = "tests/fixtures/attribute-removed/column-dropped";

fn fixture(side: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURE)
        .join(side)
}

/// A git repository in a temp folder, with a configuration of its own: the
/// developer's `~/.gitconfig` and the system's cannot interfere.
struct Repo {
    temp: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    fn new() -> Self {
        let temp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(temp.path().join("home")).unwrap();
        let root = temp.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        let repo = Self { temp, root };
        repo.git(&["init", "-q"]);
        repo
    }

    /// The environment every command of a test runs with, dvlint's included (its
    /// git calls then see the same configuration).
    fn env(&self, command: &mut Command) {
        let home = self.temp.path().join("home");
        command
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            // Never find a repository above the temp folder.
            .env("GIT_CEILING_DIRECTORIES", self.temp.path())
            .env("GIT_AUTHOR_NAME", "dvlint")
            .env("GIT_AUTHOR_EMAIL", "dvlint@example.com")
            .env("GIT_COMMITTER_NAME", "dvlint")
            .env("GIT_COMMITTER_EMAIL", "dvlint@example.com")
            .env("NO_COLOR", "1");
    }

    fn git(&self, args: &[&str]) -> String {
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(&self.root)
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args);
        self.env(&mut command);
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn dvlint(&self, args: &[&str], cwd: &Path) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dvlint"));
        command.args(args).current_dir(cwd);
        self.env(&mut command);
        command.output().unwrap()
    }

    /// Every file under `.git` with its content: what a run must leave as it was.
    fn git_dir(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(&self.root.join(".git"), &mut files);
        files
    }

    /// Every path in the temp folder outside `.git`: no stray file may appear.
    fn tree(&self) -> Vec<PathBuf> {
        let mut files = BTreeMap::new();
        collect(self.temp.path(), &mut files);
        files
            .into_keys()
            .filter(|p| !p.starts_with(self.root.join(".git")))
            .collect()
    }
}

fn collect(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            collect(&path, out);
        } else {
            let content = std::fs::read(&path).unwrap_or_default();
            out.insert(path, content);
        }
    }
}

fn replace_dir(from: &Path, to: &Path) {
    std::fs::remove_dir_all(to).unwrap();
    copy_tree(from, to);
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(output)
    );
}

/// The `attribute-removed` finding's location path, from a JSON report.
fn removal_location(output: &Output) -> String {
    assert_exit(output, 1);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let finding = diagnostics
        .iter()
        .find(|d| d["rule"] == "attribute-removed")
        .unwrap_or_else(|| panic!("no attribute-removed finding in {report:#}"));
    finding["location"]["path"].as_str().unwrap().to_owned()
}

/// The fixture's baseline committed at `src/Contoso Core`, its candidate in the work tree.
fn unpacked_repo() -> Repo {
    let repo = Repo::new();
    copy_tree(&fixture("baseline"), &repo.root.join("src/Contoso Core"));
    std::fs::write(repo.root.join("README.md"), "a repository\n").unwrap();
    repo.commit_all("release 1");
    replace_dir(&fixture("candidate"), &repo.root.join("src/Contoso Core"));
    repo
}

#[test]
fn unpacked_folder_against_head_from_the_root_a_subfolder_and_an_absolute_path() {
    let repo = unpacked_repo();
    let status = repo.git(&["status", "--porcelain"]);
    let git_dir = repo.git_dir();
    let tree = repo.tree();
    let json = ["--baseline", "git:HEAD", "--format", "json"];

    let from_root = repo.dvlint(
        &[&["check", "src/Contoso Core"][..], &json].concat(),
        &repo.root,
    );
    let location = removal_location(&from_root);
    assert!(
        location.starts_with("git:HEAD:src/Contoso Core/"),
        "{location}"
    );

    let from_subfolder = repo.dvlint(
        &[&["check", "Contoso Core"][..], &json].concat(),
        &repo.root.join("src"),
    );
    assert_eq!(removal_location(&from_subfolder), location);

    let from_deeper = repo.dvlint(
        &[&["check", "../../../src/Contoso Core"][..], &json].concat(),
        &repo.root.join("src/Contoso Core/Entities"),
    );
    assert_eq!(removal_location(&from_deeper), location);

    let absolute = repo.root.join("src/Contoso Core");
    let from_elsewhere = repo.dvlint(
        &[&["check", absolute.to_str().unwrap()][..], &json].concat(),
        repo.temp.path(),
    );
    assert_eq!(removal_location(&from_elsewhere), location);

    // The parent of the one solution folder names it too.
    let parent = repo.dvlint(&[&["check", "src"][..], &json].concat(), &repo.root);
    assert_eq!(removal_location(&parent), location);

    // Nothing left behind: no file, no index change, no worktree, no lock.
    assert_eq!(repo.git_dir(), git_dir, "dvlint changed .git");
    assert_eq!(repo.tree(), tree, "dvlint left a file behind");
    assert_eq!(repo.git(&["status", "--porcelain"]), status);
    assert_eq!(repo.git(&["worktree", "list"]).lines().count(), 1);
}

#[test]
fn committed_history_against_an_earlier_revision() {
    // The pipeline case: a clean checkout, the candidate committed, the baseline a
    // commit (or tag) before it.
    let repo = unpacked_repo();
    repo.git(&["tag", "v1", "HEAD"]);
    repo.commit_all("release 2");
    for rev in ["HEAD~1", "v1"] {
        let output = repo.dvlint(
            &[
                "check",
                "src/Contoso Core",
                "--baseline",
                &format!("git:{rev}"),
                "--format",
                "json",
            ],
            &repo.root,
        );
        let location = removal_location(&output);
        assert!(
            location.starts_with(&format!("git:{rev}:src/Contoso Core/")),
            "{location}"
        );
    }
    // Against itself: no change, nothing to report.
    let same = repo.dvlint(
        &[
            "check",
            "src/Contoso Core",
            "--baseline",
            "git:HEAD",
            "--format",
            "json",
        ],
        &repo.root,
    );
    let report: serde_json::Value = serde_json::from_slice(&same.stdout).unwrap();
    assert!(
        !report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "attribute-removed"),
        "{report:#}"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn committed_zip_against_head() {
    let repo = Repo::new();
    let releases = repo.root.join("releases");
    std::fs::create_dir_all(&releases).unwrap();
    let zip = releases.join("Contoso Core_managed.zip");
    std::fs::write(&zip, zip_folder(&fixture("baseline"))).unwrap();
    repo.commit_all("release 1");
    std::fs::write(&zip, zip_folder(&fixture("candidate"))).unwrap();
    let status = repo.git(&["status", "--porcelain"]);
    let git_dir = repo.git_dir();

    let output = repo.dvlint(
        &[
            "check",
            "Contoso Core_managed.zip",
            "--baseline",
            "git:HEAD",
            "--format",
            "json",
        ],
        &releases,
    );
    let location = removal_location(&output);
    assert!(
        location.starts_with("git:HEAD:releases/Contoso Core_managed.zip!/"),
        "{location}"
    );
    assert_eq!(repo.git_dir(), git_dir, "dvlint changed .git");
    assert_eq!(repo.git(&["status", "--porcelain"]), status);
}

#[test]
fn a_policy_baseline_at_a_revision() {
    let repo = unpacked_repo();
    std::fs::write(
        repo.root.join("dvlint.yaml"),
        "solutions:\n  - path: src/Contoso Core\n    baseline: git:HEAD\n",
    )
    .unwrap();
    let output = repo.dvlint(&["check", "--format", "json"], &repo.root.join("src"));
    let location = removal_location(&output);
    assert!(
        location.starts_with("git:HEAD:src/Contoso Core/"),
        "{location}"
    );
}

#[test]
fn errors_exit_2_and_name_the_revision_or_the_path() {
    let repo = unpacked_repo();
    let git_dir = repo.git_dir();
    let check = |path: &str, baseline: &str, cwd: &Path| {
        let output = repo.dvlint(&["check", path, "--baseline", baseline], cwd);
        assert_exit(&output, 2);
        stderr(&output)
    };

    let unknown = check("src/Contoso Core", "git:origin/mian", &repo.root);
    assert!(
        unknown.contains("git: unknown revision `origin/mian`"),
        "{unknown}"
    );

    // A solution added since the revision.
    copy_tree(&fixture("candidate"), &repo.root.join("src/New"));
    let absent = check("src/New", "git:HEAD", &repo.root);
    assert!(
        absent.contains("src/New did not exist at `HEAD`"),
        "{absent}"
    );
    let absent = check("New", "git:HEAD", &repo.root.join("src"));
    assert!(
        absent.contains("src/New did not exist at `HEAD`"),
        "{absent}"
    );

    std::fs::remove_dir_all(repo.root.join("src/New")).unwrap();

    // Not in a repository.
    let outside = repo.temp.path().join("outside");
    copy_tree(&fixture("candidate"), &outside);
    let not_repo = check("outside", "git:HEAD", repo.temp.path());
    assert!(
        not_repo.contains("is not in a git repository"),
        "{not_repo}"
    );
    assert!(not_repo.contains("outside"), "{not_repo}");

    // git not installed: no `git` on PATH.
    let no_git = repo.temp.path().join("no-git");
    std::fs::create_dir_all(&no_git).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_dvlint"));
    command
        .args(["check", "src/Contoso Core", "--baseline", "git:HEAD"])
        .current_dir(&repo.root);
    repo.env(&mut command);
    let output = command.env("PATH", &no_git).output().unwrap();
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("git: not installed, or not on PATH"),
        "{}",
        stderr(&output)
    );

    assert_eq!(repo.git_dir(), git_dir, "dvlint changed .git");
}

#[test]
fn components_at_a_revision_are_read_as_from_the_folder() {
    // The example's 1.1.0.0 (a flow, a role, an environment variable, a web
    // resource…) committed; the work tree then drops the flow and the variable.
    let repo = Repo::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ContosoCore_1_1_0_0");
    let solution = repo.root.join("solutions/ContosoCore");
    copy_tree(&example, &solution);
    repo.commit_all("1.1.0.0");
    let flow =
        "Workflows/ContosoNotifyprojectowner-3F1C2A4E-9B7D-EF11-A72B-6045BD0F1C3A.json.data.xml";
    std::fs::remove_file(solution.join(flow)).unwrap();
    std::fs::remove_dir_all(solution.join("environmentvariabledefinitions")).unwrap();
    let manifest = solution.join("Other/Solution.xml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("<Version>1.1.0.0</Version>", "<Version>1.1.1.0</Version>")
        .replace(
            "<RootComponent type=\"29\" id=\"{3f1c2a4e-9b7d-ef11-a72b-6045bd0f1c3a}\" behavior=\"0\" />",
            "",
        );
    std::fs::write(&manifest, text).unwrap();
    let output = repo.dvlint(
        &[
            "check",
            "solutions/ContosoCore",
            "--baseline",
            "git:HEAD",
            "--format",
            "json",
        ],
        &repo.root,
    );
    assert_exit(&output, 0);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(&str, &str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["component"].as_str().unwrap(),
                d["location"]["path"].as_str().unwrap(),
            )
        })
        .collect();
    let flow_at_head = format!("git:HEAD:solutions/ContosoCore/{flow}");
    assert_eq!(
        found,
        [
            (
                "component-removed",
                "workflow/3f1c2a4e-9b7d-ef11-a72b-6045bd0f1c3a",
                flow_at_head.as_str()
            ),
            (
                "component-removed",
                "environmentvariabledefinition/cts_projectmailbox",
                "git:HEAD:solutions/ContosoCore/environmentvariabledefinitions/cts_ProjectMailbox/environmentvariabledefinition.xml"
            ),
        ]
    );
    // The inventory of the committed release, through git, is the folder's.
    let listed = |path: &str| {
        let output = repo.dvlint(&["components", path, "--format", "json"], &repo.root);
        assert_exit(&output, 0);
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let now = listed("solutions/ContosoCore");
    assert!(!now.iter().any(|id| id.starts_with("workflow/")), "{now:?}");
    assert_eq!(
        listed(example.to_str().unwrap()).len(),
        now.len() + 2,
        "the flow and the variable"
    );
}

#[test]
fn diff_against_a_revision_lists_what_diff_against_the_folder_does() {
    let repo = unpacked_repo();
    let changes = |baseline: &str| {
        let output = repo.dvlint(
            &[
                "diff",
                "src/Contoso Core",
                "--baseline",
                baseline,
                "--format",
                "json",
            ],
            &repo.root,
        );
        assert_ne!(
            output.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["change"].as_str().unwrap().to_owned(),
                    c["component"].as_str().unwrap().to_owned(),
                    c["rule"].as_str().map(str::to_owned),
                )
            })
            .collect::<Vec<_>>()
    };
    let at_head = changes("git:HEAD");
    assert!(!at_head.is_empty());
    assert_eq!(at_head, changes(fixture("baseline").to_str().unwrap()));
    // Committed, the working tree is its own baseline: nothing changed.
    repo.commit_all("release 2");
    assert_eq!(changes("git:HEAD"), []);
}
