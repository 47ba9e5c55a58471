//! Unpacked source and extracted exports: a folder on disk. dvlint only reads.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{compact, LoadError, PackageFiles, MAX_FILE_BYTES};

/// How deep below a named folder dvlint looks for the one solution it holds
/// (a `pac` project keeps it in `src/`; repositories nest it a level or two more).
const SEARCH_DEPTH: usize = 3;

pub struct FolderFiles {
    root: PathBuf,
    /// The root with every link resolved: what a file must stay inside.
    real_root: Option<PathBuf>,
}

impl FolderFiles {
    pub fn new(root: PathBuf) -> Self {
        let real_root = fs::canonicalize(&root).ok();
        Self { root, real_root }
    }

    /// Refuses a path that a symbolic link leads out of the solution folder.
    fn check_inside(&self, full: &Path, shown: &str) -> Result<(), LoadError> {
        let (Some(root), Ok(real)) = (&self.real_root, fs::canonicalize(full)) else {
            return Ok(());
        };
        if real.starts_with(root) {
            Ok(())
        } else {
            Err(LoadError::file(
                shown,
                "is a link that leads outside the solution folder; refusing to read it",
            ))
        }
    }

    fn path_of(&self, path: &str) -> PathBuf {
        if path.is_empty() {
            self.root.clone()
        } else {
            self.root.join(path)
        }
    }
}

fn is_solution_folder(dir: &Path) -> bool {
    let has = |name: &str| entry_named(dir, name).is_some_and(|p| p.is_file());
    if has("solution.xml") && has("customizations.xml") {
        return true;
    }
    entry_named(dir, "Other")
        .filter(|p| p.is_dir())
        .and_then(|other| entry_named(&other, "Solution.xml"))
        .is_some_and(|p| p.is_file())
}

/// The entry of `dir` named `name`, matched case-insensitively.
fn entry_named(dir: &Path, name: &str) -> Option<PathBuf> {
    let exact = dir.join(name);
    if exact.exists() {
        return Some(exact);
    }
    fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().eq_ignore_ascii_case(name))
        .map(|e| e.path())
}

/// The solution folder `path` names: itself, or the one solution folder below it.
pub fn find_solution_folder(path: &Path) -> Result<PathBuf, LoadError> {
    let shown = path.display().to_string();
    if is_solution_folder(path) {
        return Ok(path.to_path_buf());
    }
    let mut found = Vec::new();
    search(path, SEARCH_DEPTH, &mut found);
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(LoadError::file(
            shown,
            "no solution here: expected Other/Solution.xml (unpacked source), or solution.xml \
             and customizations.xml (an extracted export), in this folder or one below it",
        )),
        _ => Err(LoadError::file(
            shown,
            format!(
                "holds {} solutions ({}); name one of them",
                found.len(),
                found
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn search(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    if depth == 0 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        // Never follow links while searching: they may lead anywhere.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if !kind.is_dir() {
            continue;
        }
        let path = entry.path();
        if is_solution_folder(&path) {
            found.push(path);
        } else {
            search(&path, depth - 1, found);
        }
    }
}

impl PackageFiles for FolderFiles {
    fn list(&self, dir: &str) -> Result<Vec<(String, bool)>, LoadError> {
        let path = self.path_of(dir);
        let entries = fs::read_dir(&path).map_err(|e| {
            LoadError::file(
                path.display().to_string(),
                format!("cannot list folder: {e}"),
            )
        })?;
        let mut listed = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| {
                LoadError::file(
                    path.display().to_string(),
                    format!("cannot list folder: {e}"),
                )
            })?;
            let is_dir = fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
            listed.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
        }
        listed.sort();
        Ok(listed)
    }

    fn read(&mut self, path: &str) -> Result<Vec<u8>, LoadError> {
        let full = self.path_of(path);
        let shown = full.display().to_string();
        self.check_inside(&full, &shown)?;
        let file = fs::File::open(&full)
            .map_err(|e| LoadError::file(&shown, format!("cannot read: {e}")))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| LoadError::file(&shown, format!("cannot read: {e}")))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(LoadError::file(
                &shown,
                format!("larger than the {MAX_FILE_BYTES}-byte limit; refusing to read it"),
            ));
        }
        Ok(bytes)
    }

    fn display(&self, path: &str) -> String {
        self.path_of(path).display().to_string()
    }

    fn read_text(&mut self, path: &str) -> Result<compact::Text, LoadError> {
        let full = self.path_of(path);
        let shown = full.display().to_string();
        self.check_inside(&full, &shown)?;
        let file = fs::File::open(&full)
            .map_err(|e| LoadError::file(&shown, format!("cannot read: {e}")))?;
        let hint = file
            .metadata()
            .map_or(0, |m| usize::try_from(m.len()).unwrap_or(0));
        let text = compact::read(&mut file.take(MAX_FILE_BYTES + 1), hint)
            .map_err(|e| LoadError::file(&shown, format!("cannot read: {e}")))?;
        if text.original_len > MAX_FILE_BYTES {
            return Err(LoadError::file(
                &shown,
                format!("larger than the {MAX_FILE_BYTES}-byte limit; refusing to read it"),
            ));
        }
        Ok(text)
    }
}
