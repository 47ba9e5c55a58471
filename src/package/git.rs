//! A baseline read from git (`--baseline git:REF`): the candidate's own path as it was
//! at a revision, read through the `git` binary in memory. Nothing is checked out,
//! written or locked: only `rev-parse`, `ls-tree` and `cat-file` run.
//!
//! The path at the revision may be a tree (unpacked source, an extracted export, or a
//! parent of exactly one of them) or a blob (a committed zip). Links stored in git
//! (mode 120000) and submodules are never followed: they count as absent.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;

use super::{
    detect_layout, load_selected, search, Again, Layout, LoadError, PackageFiles, Raw,
    MAX_FILE_BYTES,
};
use crate::model::{PackageForm, Solution};
use crate::source::Reopen;

/// Loads the solution at `path` (the candidate's path, as the user named it) as it was at
/// git revision `rev`. `shown` prefix in messages and locations: `git:REF:relative/path`.
pub fn load_at_revision(rev: &str, path: &Path) -> Result<Solution, LoadError> {
    load_solution_at_revision(rev, path, None)
}

/// [`load_at_revision`], picking one solution of a YAML root (see
/// [`super::load_solution`]): a YAML solution's own folder (`solutions/<name>`)
/// is read as its root at `rev`, with that solution picked.
pub fn load_solution_at_revision(
    rev: &str,
    path: &Path,
    solution: Option<&str>,
) -> Result<Solution, LoadError> {
    let (owned, named) = match super::yaml_solution_folder(path) {
        Some((root, name)) => (root, Some(name)),
        None => (path.to_path_buf(), None),
    };
    let path = owned.as_path();
    let solution = super::pick_one(&path.display().to_string(), solution, named.as_deref())?;
    let solution = solution.as_deref();
    if rev.is_empty() {
        return Err(git_error(
            "no revision after `git:` (write `git:HEAD`, `git:origin/main`, …)",
        ));
    }
    let located = locate(path)?;
    let git = Git::new(repository_root(&located.run_in, path)?);
    let relative = relative_path(&located.full, &git.root, path)?;
    let commit = git.verify_commit(rev)?;
    let prefix = format!("git:{rev}:");
    let shown = format!("{prefix}{relative}");
    let absent = |why: &str| {
        let shown_path = if relative.is_empty() { "." } else { &relative };
        git_error(format!("{shown_path} did not exist at `{rev}`{why}"))
    };

    let entry = git.entry_at(&commit, &relative)?;
    let entry = match entry {
        Lookup::Found(entry) => entry,
        Lookup::Absent => return Err(absent("")),
        Lookup::Link => return Err(absent(" (a symbolic link there is not followed)")),
        Lookup::Submodule => return Err(absent(" (a submodule there is not read)")),
    };
    match entry.kind {
        Kind::Blob => {
            check_size(&shown, entry.size)?;
            let mut reader = BlobReader::start(&git.root)?;
            let bytes = reader.read(&entry.oid, entry.size, &shown)?;
            drop(reader);
            let files = super::zip::ZipFiles::from_bytes(&shown, bytes)?;
            load_selected(Box::new(files), &shown, PackageForm::Zip, solution)
        }
        Kind::Tree => {
            let tree = git.list_tree(&entry.oid)?;
            let whole = TreeFiles::new(tree, &prefix, &relative, git.root.clone());
            let found = search::solution_folder(&whole)?;
            let files = whole.narrowed(&found);
            let form = match detect_layout(&files)? {
                Some(Layout::Export { .. }) => PackageForm::ExtractedExport,
                _ => PackageForm::Unpacked,
            };
            load_selected(Box::new(files), &shown, form, solution)
        }
    }
}

/// An error of git itself: `git: unknown revision `origin/mian``.
fn git_error(message: impl Into<String>) -> LoadError {
    LoadError::file("git", message)
}

fn check_size(shown: &str, size: u64) -> Result<(), LoadError> {
    if size > MAX_FILE_BYTES {
        return Err(LoadError::file(
            shown,
            format!("{size} bytes, over the {MAX_FILE_BYTES}-byte limit; refusing to read it"),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Where the path is in its repository

/// The candidate's path made absolute with every existing part resolved.
struct Located {
    /// The path, canonical as far as it exists now, the rest applied lexically.
    full: PathBuf,
    /// An existing folder to run git in: the path, or the folder nearest to it.
    run_in: PathBuf,
}

fn locate(path: &Path) -> Result<Located, LoadError> {
    let shown = path.display().to_string();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| LoadError::file(&shown, format!("cannot read the current folder: {e}")))?
            .join(path)
    };
    let components: Vec<Component<'_>> = absolute.components().collect();
    // The longest prefix that exists now; the candidate may be gone while the
    // baseline is at a revision where it existed.
    for keep in (1..=components.len()).rev() {
        let prefix: PathBuf = components[..keep].iter().collect();
        let Ok(real) = std::fs::canonicalize(&prefix) else {
            continue;
        };
        let is_dir = real.is_dir();
        let mut full = real.clone();
        for part in &components[keep..] {
            match part {
                Component::ParentDir => {
                    full.pop();
                }
                Component::Normal(name) => full.push(name),
                _ => {}
            }
        }
        let run_in = if is_dir {
            real
        } else {
            real.parent()
                .map_or_else(|| real.clone(), Path::to_path_buf)
        };
        return Ok(Located { full, run_in });
    }
    Err(LoadError::file(shown, "cannot resolve this path"))
}

/// `git rev-parse --show-toplevel` run where the path is, canonicalised.
fn repository_root(run_in: &Path, path: &Path) -> Result<PathBuf, LoadError> {
    let output = run(Command::new("git")
        .arg("-C")
        .arg(run_in)
        .args(["rev-parse", "--show-toplevel"]))?;
    if !output.status.success() {
        let reason = first_line(&output.stderr);
        let message = if reason.contains("not a git repository") || reason.is_empty() {
            format!(
                "{} is not in a git repository; a `git:REF` baseline reads the path at a revision",
                path.display()
            )
        } else {
            format!("cannot find the repository of {}: {reason}", path.display())
        };
        return Err(git_error(message));
    }
    let top = String::from_utf8_lossy(&output.stdout);
    let top = top.trim_end_matches(['\n', '\r']);
    std::fs::canonicalize(top).map_err(|e| {
        git_error(format!(
            "cannot open the repository root `{top}` that git reports: {e}"
        ))
    })
}

/// The path relative to the repository root, with `/` separators ("" for the root).
fn relative_path(full: &Path, root: &Path, path: &Path) -> Result<String, LoadError> {
    let rest = full.strip_prefix(root).map_err(|_| {
        git_error(format!(
            "{} is outside the git repository at {}",
            path.display(),
            root.display()
        ))
    })?;
    let mut parts = Vec::new();
    for part in rest.components() {
        let Component::Normal(name) = part else {
            continue;
        };
        let name = name.to_str().ok_or_else(|| {
            LoadError::file(
                path.display().to_string(),
                "the path is not valid UTF-8; git baselines need a UTF-8 path",
            )
        })?;
        parts.push(name);
    }
    Ok(parts.join("/"))
}

// ---------------------------------------------------------------------------------
// Running git

/// Runs a git command to completion, mapping a missing git to a clear error.
fn run(command: &mut Command) -> Result<std::process::Output, LoadError> {
    command
        .stdin(Stdio::null())
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0");
    command.output().map_err(spawn_error)
}

fn spawn_error(e: std::io::Error) -> LoadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        git_error("not installed, or not on PATH: a `git:REF` baseline runs git")
    } else {
        git_error(format!("cannot run git: {e}"))
    }
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().trim_start_matches("fatal: ").to_owned()
}

struct Git {
    root: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blob,
    Tree,
}

#[derive(Debug, Clone)]
struct TreeEntry {
    kind: Kind,
    oid: String,
    /// Bytes, for blobs.
    size: u64,
}

enum Lookup {
    Found(TreeEntry),
    Absent,
    Link,
    Submodule,
}

/// One record of `git ls-tree -l -z`: `<mode> <type> <oid> <size>\t<path>`.
struct Record {
    mode: String,
    kind: String,
    oid: String,
    size: u64,
    path: String,
}

fn parse_records(output: &[u8]) -> Vec<Record> {
    output
        .split(|b| *b == 0)
        .filter(|r| !r.is_empty())
        .filter_map(|record| {
            let tab = record.iter().position(|b| *b == b'\t')?;
            let meta = std::str::from_utf8(&record[..tab]).ok()?;
            let path = String::from_utf8_lossy(&record[tab + 1..]).into_owned();
            let mut fields = meta.split_ascii_whitespace();
            let mode = fields.next()?.to_owned();
            let kind = fields.next()?.to_owned();
            let oid = fields.next()?.to_owned();
            let size = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            Some(Record {
                mode,
                kind,
                oid,
                size,
                path,
            })
        })
        .collect()
}

impl Git {
    fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn command(&self) -> Command {
        let mut command = Command::new("git");
        command.arg("-C").arg(&self.root);
        command
    }

    fn run_ok(&self, args: &[&OsStr], what: &str) -> Result<Vec<u8>, LoadError> {
        let output = run(self.command().args(args))?;
        if !output.status.success() {
            return Err(git_error(format!(
                "{what} failed: {}",
                first_line(&output.stderr)
            )));
        }
        Ok(output.stdout)
    }

    /// The commit `rev` names, as an object id.
    fn verify_commit(&self, rev: &str) -> Result<String, LoadError> {
        let unknown = || git_error(format!("unknown revision `{rev}`"));
        // A leading `-` would be read as an option; no revision starts with one.
        if rev.starts_with('-') || rev.contains('\0') {
            return Err(unknown());
        }
        let spec = format!("{rev}^{{commit}}");
        let output = run(self
            .command()
            .args(["rev-parse", "--verify", "--quiet"])
            .arg(&spec))?;
        let oid = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if !output.status.success() || oid.is_empty() {
            return Err(unknown());
        }
        Ok(oid)
    }

    /// The entries directly in tree `tree` (`<commit>^{tree}` for the root).
    fn list_one(&self, tree: &str) -> Result<Vec<Record>, LoadError> {
        let out = self.run_ok(
            &[
                "ls-tree".as_ref(),
                "-l".as_ref(),
                "-z".as_ref(),
                tree.as_ref(),
            ],
            "git ls-tree",
        )?;
        Ok(parse_records(&out))
    }

    /// Walks from the commit's root tree to `relative`, one level at a time, so that
    /// no path is ever parsed by git (no pathspec magic, no `:` or glob surprises).
    fn entry_at(&self, commit: &str, relative: &str) -> Result<Lookup, LoadError> {
        let mut current = TreeEntry {
            kind: Kind::Tree,
            oid: format!("{commit}^{{tree}}"),
            size: 0,
        };
        if relative.is_empty() {
            return Ok(Lookup::Found(current));
        }
        for name in relative.split('/') {
            if current.kind != Kind::Tree {
                return Ok(Lookup::Absent);
            }
            let records = self.list_one(&current.oid)?;
            // Exact name first; on a case-insensitive file system the user may have
            // typed another case, so accept one unambiguous case-insensitive match.
            let record = records.iter().find(|r| r.path == name).or_else(|| {
                let mut same = records.iter().filter(|r| r.path.eq_ignore_ascii_case(name));
                match (same.next(), same.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                }
            });
            let Some(record) = record else {
                return Ok(Lookup::Absent);
            };
            current = match (record.mode.as_str(), record.kind.as_str()) {
                ("120000", _) => return Ok(Lookup::Link),
                (_, "commit") => return Ok(Lookup::Submodule),
                (_, "tree") => TreeEntry {
                    kind: Kind::Tree,
                    oid: record.oid.clone(),
                    size: 0,
                },
                (_, "blob") => TreeEntry {
                    kind: Kind::Blob,
                    oid: record.oid.clone(),
                    size: record.size,
                },
                _ => return Ok(Lookup::Absent),
            };
        }
        Ok(Lookup::Found(current))
    }

    /// Every blob and tree below `tree`, by path relative to it. Links and
    /// submodules are left out: they are never followed.
    fn list_tree(&self, tree: &str) -> Result<BTreeMap<String, TreeEntry>, LoadError> {
        let out = self.run_ok(
            &[
                "ls-tree".as_ref(),
                "-r".as_ref(),
                "-t".as_ref(),
                "-l".as_ref(),
                "-z".as_ref(),
                tree.as_ref(),
            ],
            "git ls-tree",
        )?;
        let mut entries = BTreeMap::new();
        for record in parse_records(&out) {
            let kind = match (record.mode.as_str(), record.kind.as_str()) {
                ("120000", _) => continue,
                (_, "tree") => Kind::Tree,
                (_, "blob") => Kind::Blob,
                _ => continue,
            };
            entries.insert(
                record.path,
                TreeEntry {
                    kind,
                    oid: record.oid,
                    size: record.size,
                },
            );
        }
        Ok(entries)
    }
}

// ---------------------------------------------------------------------------------
// A tree listing

/// Child names of every folder ("" is the root) with whether each is a folder.
type Children = BTreeMap<String, Vec<(String, bool)>>;

fn children_of(tree: &BTreeMap<String, TreeEntry>) -> Children {
    let mut children: Children = BTreeMap::new();
    children.entry(String::new()).or_default();
    for (path, entry) in tree {
        let (parent, name) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
        children
            .entry(parent.to_owned())
            .or_default()
            .push((name.to_owned(), entry.kind == Kind::Tree));
        if entry.kind == Kind::Tree {
            children.entry(path.clone()).or_default();
        }
    }
    for names in children.values_mut() {
        names.sort();
    }
    children
}

/// `git:REF:dir` + `name`, for messages.
fn below(shown: &str, name: &str) -> String {
    if shown.ends_with(':') {
        format!("{shown}{name}")
    } else {
        format!("{shown}/{name}")
    }
}

// ---------------------------------------------------------------------------------
// The files of a solution folder in a git tree

struct TreeFiles {
    /// Entries below the solution folder, by path relative to it.
    entries: BTreeMap<String, TreeEntry>,
    children: Children,
    /// `git:REF:path/of/the/solution/folder` (no trailing `/`), or `git:REF:` alone.
    shown_root: String,
    root: PathBuf,
    reader: Option<BlobReader>,
}

impl TreeFiles {
    /// The tree at `relative` (`git:REF:relative`), before its solution folder is found.
    fn new(tree: BTreeMap<String, TreeEntry>, prefix: &str, relative: &str, root: PathBuf) -> Self {
        let children = children_of(&tree);
        Self {
            entries: tree,
            children,
            shown_root: format!("{prefix}{relative}"),
            root,
            reader: None,
        }
    }

    /// The same tree seen from its folder `folder` ("" is itself).
    fn narrowed(self, folder: &str) -> Self {
        if folder.is_empty() {
            return self;
        }
        let prefix = format!("{folder}/");
        let entries: BTreeMap<String, TreeEntry> = self
            .entries
            .into_iter()
            .filter_map(|(path, entry)| {
                path.strip_prefix(&prefix)
                    .map(|rest| (rest.to_owned(), entry))
            })
            .collect();
        Self {
            children: children_of(&entries),
            entries,
            shown_root: below(&self.shown_root, folder),
            root: self.root,
            reader: self.reader,
        }
    }
}

impl PackageFiles for TreeFiles {
    fn list(&self, dir: &str) -> Result<Vec<(String, bool)>, LoadError> {
        self.children
            .get(dir)
            .cloned()
            .ok_or_else(|| LoadError::file(self.display(dir), "no such folder at the revision"))
    }

    fn read(&mut self, path: &str) -> Result<Vec<u8>, LoadError> {
        let shown = self.display(path);
        let (mut blob, size) = self.open(path)?;
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        blob.read_to_end(&mut bytes)
            .map_err(|e| LoadError::file(shown, e.to_string()))?;
        Ok(bytes)
    }

    fn open(&mut self, path: &str) -> Result<(Box<dyn Read + '_>, u64), LoadError> {
        let shown = self.display(path);
        let entry = match self.entries.get(path) {
            Some(entry) if entry.kind == Kind::Blob => entry.clone(),
            _ => return Err(LoadError::file(shown, "no such file at the revision")),
        };
        check_size(&shown, entry.size)?;
        let reader = match &mut self.reader {
            Some(reader) => reader,
            slot => slot.insert(BlobReader::start(&self.root)?),
        };
        Ok((
            Box::new(reader.blob(&entry.oid, entry.size, &shown)?),
            entry.size,
        ))
    }

    fn reopen(&self, path: &str) -> Arc<dyn Reopen> {
        let entry = self.entries.get(path);
        Arc::new(Again(Blob {
            root: self.root.clone(),
            oid: entry.map(|e| e.oid.clone()).unwrap_or_default(),
            size: entry.map_or(0, |e| e.size),
        }))
    }

    fn display(&self, path: &str) -> String {
        if path.is_empty() {
            self.shown_root.clone()
        } else {
            below(&self.shown_root, path)
        }
    }
}

// ---------------------------------------------------------------------------------
// Reading blobs: one long-lived `git cat-file --batch`

struct BlobReader {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Option<BufReader<ChildStdout>>,
}

impl BlobReader {
    fn start(root: &Path) -> Result<Self, LoadError> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["cat-file", "--batch"])
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(spawn_error)?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().map(BufReader::new);
        Ok(Self {
            child,
            stdin,
            stdout,
        })
    }

    /// Reads blob `oid`, whose size the tree listing gave as `size` (already checked
    /// against the cap); `shown` names it in errors.
    fn read(&mut self, oid: &str, size: u64, shown: &str) -> Result<Vec<u8>, LoadError> {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        self.blob(oid, size, shown)?
            .read_to_end(&mut bytes)
            .map_err(|e| LoadError::file(shown, e.to_string()))?;
        Ok(bytes)
    }

    /// Asks for blob `oid` (see [`Self::read`]): a stream of its bytes.
    fn blob(&mut self, oid: &str, size: u64, shown: &str) -> Result<BlobStream<'_>, LoadError> {
        let declared = self.ask(oid, size, shown)?;
        let Some(stdout) = &mut self.stdout else {
            return Err(LoadError::file(shown, "git cat-file is no longer running"));
        };
        Ok(BlobStream {
            stdout,
            left: declared,
            ended: false,
        })
    }

    /// Asks for blob `oid`; returns its size once the answer's header agrees
    /// with the listing.
    fn ask(&mut self, oid: &str, size: u64, shown: &str) -> Result<u64, LoadError> {
        let broken = |e: std::io::Error| {
            LoadError::file(shown, format!("cannot read from git cat-file: {e}"))
        };
        let (Some(stdin), Some(stdout)) = (&mut self.stdin, &mut self.stdout) else {
            return Err(LoadError::file(shown, "git cat-file is no longer running"));
        };
        stdin
            .write_all(format!("{oid}\n").as_bytes())
            .and_then(|()| stdin.flush())
            .map_err(broken)?;
        let mut header = Vec::new();
        stdout.read_until(b'\n', &mut header).map_err(broken)?;
        let header = String::from_utf8_lossy(&header);
        let mut fields = header.split_ascii_whitespace();
        let (kind, declared) = match (fields.next(), fields.next(), fields.next()) {
            (Some(_), Some(kind), Some(declared)) => (kind, declared.parse::<u64>().ok()),
            _ => {
                self.stop();
                return Err(LoadError::file(
                    shown,
                    format!("git cat-file answered `{}`", header.trim()),
                ));
            }
        };
        let declared = declared.unwrap_or(u64::MAX);
        if kind != "blob" || declared != size || declared > MAX_FILE_BYTES {
            // The answer would be out of step with the listing: stop rather than
            // read an unexpected amount.
            self.stop();
            return Err(LoadError::file(
                shown,
                format!(
                    "git cat-file answered `{}`, expected a {size}-byte blob",
                    header.trim()
                ),
            ));
        }
        Ok(declared)
    }

    /// Closes both pipes (git exits on either) and reaps the process.
    fn stop(&mut self) {
        self.stdin = None;
        self.stdout = None;
        let _ = self.child.wait();
    }
}

impl Drop for BlobReader {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The bytes of one blob `git cat-file --batch` is writing. Dropped before its
/// end, it reads the rest, so that the next answer is read from its start.
struct BlobStream<'r> {
    stdout: &'r mut BufReader<ChildStdout>,
    left: u64,
    /// The newline after the blob is read.
    ended: bool,
}

impl Read for BlobStream<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let broken = |e: io::Error| io::Error::other(format!("cannot read from git cat-file: {e}"));
        if self.left == 0 {
            if !self.ended {
                self.ended = true;
                self.stdout.read_exact(&mut [0u8; 1]).map_err(broken)?;
            }
            return Ok(0);
        }
        let most = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(out.len());
        let n = self.stdout.read(&mut out[..most]).map_err(broken)?;
        if n == 0 {
            return Err(broken(io::ErrorKind::UnexpectedEof.into()));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

impl Drop for BlobStream<'_> {
    fn drop(&mut self) {
        let _ = io::copy(self, &mut io::sink());
    }
}

/// A blob read again for a snippet, by a `git cat-file` of its own.
#[derive(Debug)]
struct Blob {
    root: PathBuf,
    oid: String,
    size: u64,
}

impl Raw for Blob {
    fn raw(&self, each: &mut dyn FnMut(&mut dyn Read, u64) -> io::Result<()>) -> io::Result<()> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["cat-file", "blob", &self.oid])
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let read = match child.stdout.take() {
            Some(stdout) => each(&mut stdout.take(self.size), self.size),
            None => Err(io::Error::other("git cat-file has no output")),
        };
        let _ = child.kill();
        let _ = child.wait();
        read
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::path::Path;

    const FIXTURE: &str = "tests/fixtures/attribute-removed/column-dropped";

    /// git with a configuration that belongs to the test alone.
    fn git(dir: &Path, args: &[&str]) -> String {
        let home = dir.parent().unwrap().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "-c",
                "user.name=dvlint",
                "-c",
                "user.email=dvlint@example.com",
            ])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    /// A repository whose one commit holds the fixture's baseline at
    /// `src/Contoso Core` (a space, on purpose), with the candidate in the work tree.
    fn repository() -> (tempfile::TempDir, PathBuf) {
        let temp = tempfile::tempdir().unwrap();
        let repo = temp.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        let solution = repo.join("src/Contoso Core");
        copy_dir(&Path::new(FIXTURE).join("baseline"), &solution);
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "-q", "-m", "baseline"]);
        std::fs::remove_dir_all(&solution).unwrap();
        copy_dir(&Path::new(FIXTURE).join("candidate"), &solution);
        (temp, repo)
    }

    fn message(result: Result<Solution, LoadError>) -> String {
        match result {
            Ok(solution) => panic!("expected an error, loaded {}", solution.origin),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn reads_a_tree_at_a_revision_with_git_locations() {
        let (_temp, repo) = repository();
        let at_head = load_at_revision("HEAD", &repo.join("src/Contoso Core")).unwrap();
        let baseline = crate::package::load(&Path::new(FIXTURE).join("baseline")).unwrap();
        assert_eq!(at_head.origin, "git:HEAD:src/Contoso Core");
        assert_eq!(at_head.form, PackageForm::Unpacked);
        assert_eq!(
            at_head.entities.keys().collect::<Vec<_>>(),
            baseline.entities.keys().collect::<Vec<_>>()
        );
        let columns = |s: &Solution| {
            s.entities
                .values()
                .map(|e| e.attributes.len())
                .collect::<Vec<_>>()
        };
        assert_eq!(columns(&at_head), columns(&baseline));
        assert_eq!(
            at_head.files[0].display_path,
            "git:HEAD:src/Contoso Core/Other/Solution.xml"
        );
        // The parent of the one solution folder, and the repository root, find it too.
        let from_parent = load_at_revision("HEAD", &repo.join("src")).unwrap();
        assert_eq!(
            from_parent.files[0].display_path,
            "git:HEAD:src/Contoso Core/Other/Solution.xml"
        );
        let from_root = load_at_revision("HEAD", &repo).unwrap();
        assert_eq!(from_root.origin, "git:HEAD:");
        // Nothing was left behind.
        let status = git(&repo, &["status", "--porcelain"]);
        assert!(!status.contains(".git"), "{status}");
    }

    #[test]
    fn relative_paths_with_dot_dot_and_gone_folders_resolve_in_the_repository() {
        let (_temp, repo) = repository();
        // A path that no longer exists in the work tree still names it at the revision.
        let gone = repo.join("src/Contoso Core");
        std::fs::rename(&gone, repo.join("moved")).unwrap();
        let solution = load_at_revision("HEAD", &repo.join("src/x/../Contoso Core")).unwrap();
        assert_eq!(solution.origin, "git:HEAD:src/Contoso Core");
        let solution = load_at_revision("HEAD", &gone).unwrap();
        assert_eq!(solution.origin, "git:HEAD:src/Contoso Core");
    }

    #[test]
    fn reads_a_committed_zip() {
        let (_temp, repo) = repository();
        std::fs::create_dir_all(repo.join("releases")).unwrap();
        let zip = repo.join("releases/Contoso Core.zip");
        std::fs::write(&zip, zip_of(&Path::new(FIXTURE).join("baseline"))).unwrap();
        git(&repo, &["add", "releases"]);
        git(&repo, &["commit", "-q", "-m", "zip"]);
        std::fs::write(&zip, b"changed since").unwrap();
        let solution = load_at_revision("HEAD", &zip).unwrap();
        assert_eq!(solution.form, PackageForm::Zip);
        assert_eq!(
            solution.files[0].display_path,
            "git:HEAD:releases/Contoso Core.zip!/Other/Solution.xml"
        );
    }

    fn zip_of(dir: &Path) -> Vec<u8> {
        fn add(w: &mut ::zip::ZipWriter<std::io::Cursor<Vec<u8>>>, root: &Path, dir: &Path) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    add(w, root, &path);
                } else {
                    let name = path.strip_prefix(root).unwrap().to_string_lossy();
                    w.start_file(
                        name.replace('\\', "/"),
                        ::zip::write::SimpleFileOptions::default(),
                    )
                    .unwrap();
                    w.write_all(&std::fs::read(&path).unwrap()).unwrap();
                }
            }
        }
        let mut writer = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        add(&mut writer, dir, dir);
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn errors_name_the_revision_and_the_path() {
        let (temp, repo) = repository();
        let solution = repo.join("src/Contoso Core");
        assert_eq!(
            message(load_at_revision("origin/mian", &solution)),
            "git: unknown revision `origin/mian`"
        );
        assert_eq!(
            message(load_at_revision("--output=x", &solution)),
            "git: unknown revision `--output=x`"
        );
        assert_eq!(
            message(load_at_revision("HEAD", &repo.join("src/Missing"))),
            "git: src/Missing did not exist at `HEAD`"
        );
        assert_eq!(
            message(load_at_revision(
                "HEAD",
                &repo.join("src/Contoso Core/Other/x/y")
            )),
            "git: src/Contoso Core/Other/x/y did not exist at `HEAD`"
        );
        let outside = temp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let error = message(load_at_revision("HEAD", &outside));
        assert!(
            error.starts_with("git: ") && error.contains("outside is not in a git repository"),
            "{error}"
        );
        let empty = temp.path().join("empty");
        copy_dir(&Path::new(FIXTURE).join("baseline"), &empty.join("a"));
        git(&empty, &["init", "-q"]);
        let error = message(load_at_revision("HEAD", &empty.join("a")));
        assert_eq!(error, "git: unknown revision `HEAD`");
    }

    const EXPORT_SOLUTION: &str = "<ImportExportXml version=\"9.2.24012.198\" SolutionPackageVersion=\"9.2\"><SolutionManifest><UniqueName>Other</UniqueName><Version>1.0.0.0</Version><Managed>1</Managed><Publisher><UniqueName>Contoso</UniqueName><CustomizationPrefix>cts</CustomizationPrefix></Publisher></SolutionManifest></ImportExportXml>";
    const EXPORT_CUSTOMIZATIONS: &str = "<ImportExportXml><Entities /></ImportExportXml>";

    #[test]
    fn extracted_exports_and_several_solutions() {
        let (_temp, repo) = repository();
        let export = repo.join("src/export");
        std::fs::create_dir_all(&export).unwrap();
        std::fs::write(export.join("solution.xml"), EXPORT_SOLUTION).unwrap();
        std::fs::write(export.join("customizations.xml"), EXPORT_CUSTOMIZATIONS).unwrap();
        git(&repo, &["add", "src/export"]);
        git(&repo, &["commit", "-q", "-m", "export"]);
        let solution = load_at_revision("HEAD", &export).unwrap();
        assert_eq!(solution.form, PackageForm::ExtractedExport);
        assert_eq!(
            solution.files[0].display_path,
            "git:HEAD:src/export/solution.xml"
        );
        // At HEAD, src holds two solutions; at HEAD~1 only one.
        let error = message(load_at_revision("HEAD", &repo.join("src")));
        assert_eq!(
            error,
            "git:HEAD:src: holds 2 solutions (git:HEAD:src/Contoso Core, git:HEAD:src/export); \
             name one of them"
        );
        let solution = load_at_revision("HEAD~1", &repo.join("src")).unwrap();
        assert_eq!(solution.origin, "git:HEAD~1:src");
        assert_eq!(
            message(load_at_revision("HEAD~1", &export)),
            "git: src/export did not exist at `HEAD~1`"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_in_git_are_not_followed() {
        let (_temp, repo) = repository();
        std::os::unix::fs::symlink("src/Contoso Core", repo.join("link")).unwrap();
        git(&repo, &["add", "link"]);
        git(&repo, &["commit", "-q", "-m", "link"]);
        // Gone from the work tree: the path names the link at the revision.
        std::fs::remove_file(repo.join("link")).unwrap();
        assert_eq!(
            message(load_at_revision("HEAD", &repo.join("link"))),
            "git: link did not exist at `HEAD` (a symbolic link there is not followed)"
        );
        let solution = repo.join("src/Contoso Core");
        let inner = solution.join("Other/Solution.xml");
        std::fs::remove_file(&inner).unwrap();
        std::os::unix::fs::symlink("../../../elsewhere.xml", &inner).unwrap();
        std::fs::copy(
            Path::new(FIXTURE).join("baseline/Other/Solution.xml"),
            repo.join("elsewhere.xml"),
        )
        .unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "linked manifest"]);
        let error = message(load_at_revision("HEAD", &solution));
        assert!(error.contains("no solution here"), "{error}");
    }

    #[test]
    fn size_cap_is_checked_before_reading() {
        let error = check_size("git:HEAD:big.zip", MAX_FILE_BYTES + 1).unwrap_err();
        assert!(error.to_string().contains("limit"), "{error}");
    }
}
