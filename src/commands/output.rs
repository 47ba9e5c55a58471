//! Writing files a command produces (`--output` reports, `dvlint init`'s policy,
//! the GitHub step summary). A report is written whole or not at all, so a CI
//! step never reads half a SARIF file left by a failed run.

use std::io::Write;
use std::path::Path;

use crate::app::RunError;

/// Writes a whole file or nothing: a temporary file beside it, then a rename. The
/// temporary file is created new, so that a link planted under its name (in a
/// shared folder, where the name can be guessed) is never followed.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), RunError> {
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

/// Adds `text` at the end of `path`, creating it if need be: the GitHub step
/// summary, which other commands of the same step may already have written to.
pub(crate) fn append(path: &Path, text: &str) -> Result<(), RunError> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| RunError::Usage(format!("cannot write `{}`: {e}", path.display())))?;
    file.write_all(text.as_bytes())?;
    Ok(())
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
