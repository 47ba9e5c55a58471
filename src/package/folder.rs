//! Unpacked source and extracted exports: a folder on disk. dvlint only reads.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{printable, search, Again, LoadError, PackageFiles, Raw, MAX_FILE_BYTES};
use crate::source::Reopen;

pub struct FolderFiles {
    root: PathBuf,
    /// The root with every link resolved: what a file must stay inside.
    real_root: Option<PathBuf>,
    /// Folders with every link resolved, as they are met: resolving every file's
    /// path anew took a dozen system calls a file.
    real_dirs: HashMap<PathBuf, Option<PathBuf>>,
}

impl FolderFiles {
    pub fn new(root: PathBuf) -> Self {
        let real_root = fs::canonicalize(&root).ok();
        Self {
            root,
            real_root,
            real_dirs: HashMap::new(),
        }
    }

    /// Where `full` really is: its folder resolved, and itself too when it is a link.
    fn real_path(&mut self, full: &Path, is_link: bool) -> Option<PathBuf> {
        let (Some(dir), Some(name), false) = (full.parent(), full.file_name(), is_link) else {
            return fs::canonicalize(full).ok();
        };
        let real_dir = self
            .real_dirs
            .entry(dir.to_path_buf())
            .or_insert_with(|| fs::canonicalize(dir).ok());
        real_dir.as_ref().map(|real_dir| real_dir.join(name))
    }

    /// Opens a file to read, refusing a path that a symbolic link leads out of
    /// the solution folder, and anything but a regular file: a named pipe or a
    /// device would block the read or never end.
    fn open_file(&mut self, full: &Path, shown: &str) -> Result<fs::File, LoadError> {
        let cannot = |e: std::io::Error| LoadError::file(shown, format!("cannot read: {e}"));
        let mut metadata = fs::symlink_metadata(full).map_err(cannot)?;
        let is_link = metadata.file_type().is_symlink();
        let real = self.real_path(full, is_link);
        if let (Some(root), Some(real)) = (&self.real_root, real) {
            if !real.starts_with(root) {
                return Err(LoadError::file(
                    shown,
                    "is a link that leads outside the solution folder; refusing to read it",
                ));
            }
        }
        if is_link {
            metadata = fs::metadata(full).map_err(cannot)?;
        }
        if !metadata.is_file() {
            return Err(LoadError::file(
                shown,
                "not a regular file (a folder, pipe, socket or device); refusing to read it",
            ));
        }
        fs::File::open(full).map_err(cannot)
    }

    fn path_of(&self, path: &str) -> PathBuf {
        if path.is_empty() {
            self.root.clone()
        } else {
            self.root.join(path)
        }
    }
}

/// The solution folder `path` names: itself, or the one solution folder below it
/// (see [`search::solution_folder`]).
pub fn find_solution_folder(path: &Path) -> Result<PathBuf, LoadError> {
    let found = search::solution_folder(&FolderFiles::new(path.to_path_buf()))?;
    Ok(if found.is_empty() {
        path.to_path_buf()
    } else {
        path.join(found)
    })
}

impl PackageFiles for FolderFiles {
    fn list(&self, dir: &str) -> Result<Vec<(String, bool)>, LoadError> {
        let path = self.path_of(dir);
        let entries = fs::read_dir(&path).map_err(|e| {
            LoadError::file(
                printable(&path.display().to_string()),
                format!("cannot list folder: {e}"),
            )
        })?;
        let mut listed = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| {
                LoadError::file(
                    printable(&path.display().to_string()),
                    format!("cannot list folder: {e}"),
                )
            })?;
            // The kind comes with the listing; only a link needs a look at its target.
            let is_dir = match entry.file_type() {
                Ok(kind) if !kind.is_symlink() => kind.is_dir(),
                _ => fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()),
            };
            listed.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
        }
        listed.sort();
        Ok(listed)
    }

    fn read(&mut self, path: &str) -> Result<Vec<u8>, LoadError> {
        let full = self.path_of(path);
        let shown = self.display(path);
        let file = self.open_file(&full, &shown)?;
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
        printable(&self.path_of(path).display().to_string()).into_owned()
    }

    fn is_link(&self, dir: &str, name: &str) -> bool {
        fs::symlink_metadata(self.path_of(dir).join(name)).is_ok_and(|m| m.file_type().is_symlink())
    }

    fn open(&mut self, path: &str) -> Result<(Box<dyn Read + '_>, u64), LoadError> {
        let full = self.path_of(path);
        let shown = self.display(path);
        let file = self.open_file(&full, &shown)?;
        let size = file.metadata().map_or(0, |m| m.len());
        Ok((Box::new(Capped { file, read: 0 }), size))
    }

    fn reopen(&self, path: &str) -> Arc<dyn Reopen> {
        Arc::new(Again(DiskFile(self.path_of(path))))
    }
}

/// A file read up to the size limit, its errors said as the loader says them.
struct Capped {
    file: fs::File,
    read: u64,
}

impl Read for Capped {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self
            .file
            .read(out)
            .map_err(|e| io::Error::other(format!("cannot read: {e}")))?;
        self.read += n as u64;
        if self.read > MAX_FILE_BYTES {
            return Err(io::Error::other(format!(
                "larger than the {MAX_FILE_BYTES}-byte limit; refusing to read it"
            )));
        }
        Ok(n)
    }
}

/// A file of a folder, read again for a snippet.
#[derive(Debug)]
struct DiskFile(PathBuf);

impl Raw for DiskFile {
    fn raw(&self, each: &mut dyn FnMut(&mut dyn Read, u64) -> io::Result<()>) -> io::Result<()> {
        let file = fs::File::open(&self.0)?;
        let size = file.metadata().map_or(0, |m| m.len());
        each(&mut file.take(MAX_FILE_BYTES), size)
    }
}
