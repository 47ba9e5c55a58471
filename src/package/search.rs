//! Where the solution is in a tree of files, for every tree a package comes in
//! (a folder on disk, a zip, a git revision): which layout a folder has, and the
//! one solution folder a named folder holds. One piece of code over
//! [`PackageFiles::list`], so that the disk, zip and git forms find the same
//! solution in the same tree; a new layout is added here once.

use super::{find_entry, LoadError, PackageFiles};

/// How deep below a named folder dvlint looks for the one solution it holds
/// (a `pac` project keeps it in `src/`; repositories nest it a level or two more).
pub(super) const DEPTH: usize = 3;

/// Which layout a package's files follow.
pub(super) enum Layout {
    /// `solution.xml` + `customizations.xml` at the root.
    Export {
        solution: String,
        customizations: String,
    },
    /// `Other/Solution.xml` and the split-out component folders.
    Unpacked { other: String, solution: String },
    /// The YAML source format of Git integration: `solutions/<U>/solution.yml`
    /// for each solution (its folder names, sorted) and component folders they
    /// share.
    Yaml {
        root: String,
        solutions: Vec<String>,
    },
}

/// `dir/name`, or `name` at the root.
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The entry of `dir` named `name`, as a path from the root (see [`find_entry`]).
fn entry_path(
    files: &dyn PackageFiles,
    dir: &str,
    entries: &[(String, bool)],
    name: &str,
    is_dir: bool,
) -> Result<Option<String>, LoadError> {
    Ok(find_entry(files, dir, entries, name, is_dir)?.map(|found| join(dir, &found)))
}

/// The layout of the folder `dir` of `files` ("" is the root), its paths from the
/// root; `None` when it holds no solution.
pub(super) fn layout_at(files: &dyn PackageFiles, dir: &str) -> Result<Option<Layout>, LoadError> {
    let entries = files.list(dir)?;
    if let (Some(solution), Some(customizations)) = (
        entry_path(files, dir, &entries, "solution.xml", false)?,
        entry_path(files, dir, &entries, "customizations.xml", false)?,
    ) {
        return Ok(Some(Layout::Export {
            solution,
            customizations,
        }));
    }
    if let Some(other) = entry_path(files, dir, &entries, "Other", true)? {
        let inside = files.list(&other)?;
        if let Some(solution) = entry_path(files, &other, &inside, "Solution.xml", false)? {
            return Ok(Some(Layout::Unpacked { other, solution }));
        }
    }
    let solutions = super::yaml::solutions_at(files, dir, &entries)?;
    if !solutions.is_empty() {
        return Ok(Some(Layout::Yaml {
            root: dir.to_owned(),
            solutions,
        }));
    }
    Ok(None)
}

/// The solution folder of `files`: its root, or the one solution folder at most
/// [`DEPTH`] levels below it (as a path from the root). The search skips hidden
/// folders, build output (`target`, `node_modules`) and links, which may lead
/// anywhere; folders it cannot list are passed over.
pub(super) fn solution_folder(files: &dyn PackageFiles) -> Result<String, LoadError> {
    if is_solution_folder(files, "") {
        return Ok(String::new());
    }
    let mut found = Vec::new();
    search(files, "", DEPTH, &mut found);
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(LoadError::file(
            files.display(""),
            "no solution here: expected Other/Solution.xml (unpacked source), solution.xml \
             and customizations.xml (an extracted export), or solutions/<name>/solution.yml \
             (Git integration's YAML), in this folder or one below it",
        )),
        _ => Err(LoadError::file(
            files.display(""),
            format!(
                "holds {} solutions ({}); name one of them",
                found.len(),
                found
                    .iter()
                    .map(|dir| files.display(dir))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn search(files: &dyn PackageFiles, dir: &str, depth: usize, found: &mut Vec<String>) {
    if depth == 0 {
        return;
    }
    let Ok(entries) = files.list(dir) else {
        return;
    };
    for (name, is_dir) in entries {
        let skipped = name.starts_with('.') || name == "target" || name == "node_modules";
        if !is_dir || skipped || files.is_link(dir, &name) {
            continue;
        }
        let path = join(dir, &name);
        if is_solution_folder(files, &path) {
            found.push(path);
        } else {
            search(files, &path, depth - 1, found);
        }
    }
}

/// Whether `dir` holds a solution. One whose layout is ambiguous (names that
/// differ only in case) does: loading it then says what is wrong.
fn is_solution_folder(files: &dyn PackageFiles, dir: &str) -> bool {
    match layout_at(files, dir) {
        Ok(layout) => layout.is_some(),
        Err(_) => files.list(dir).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

    use std::fs;
    use std::path::Path;

    use super::*;
    use crate::package::folder::FolderFiles;

    fn unpacked(dir: &Path) {
        fs::create_dir_all(dir.join("Other")).unwrap();
        fs::write(dir.join("Other/Solution.xml"), "<ImportExportXml/>").unwrap();
    }

    fn export(dir: &Path) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join("solution.xml"), "<ImportExportXml/>").unwrap();
        fs::write(dir.join("CUSTOMIZATIONS.XML"), "<ImportExportXml/>").unwrap();
    }

    fn found(root: &Path) -> Result<String, String> {
        solution_folder(&FolderFiles::new(root.to_path_buf())).map_err(|e| e.to_string())
    }

    #[test]
    fn the_root_or_the_one_folder_below_it_up_to_three_levels() {
        let temp = tempfile::tempdir().unwrap();
        unpacked(temp.path());
        assert_eq!(found(temp.path()), Ok(String::new()));

        let temp = tempfile::tempdir().unwrap();
        export(&temp.path().join("a/b/c"));
        assert_eq!(found(temp.path()), Ok("a/b/c".to_owned()));
        let temp = tempfile::tempdir().unwrap();
        export(&temp.path().join("a/b/c/d"));
        assert!(found(temp.path()).unwrap_err().contains("no solution here"));
    }

    #[test]
    fn hidden_folders_build_output_and_several_solutions() {
        let temp = tempfile::tempdir().unwrap();
        unpacked(&temp.path().join(".git/x"));
        unpacked(&temp.path().join("target/y"));
        unpacked(&temp.path().join("node_modules/z"));
        unpacked(&temp.path().join("src/Core"));
        assert_eq!(found(temp.path()), Ok("src/Core".to_owned()));
        export(&temp.path().join("src/Extra"));
        let message = found(temp.path()).unwrap_err();
        assert!(message.contains("holds 2 solutions"), "{message}");
        assert!(
            message.contains("src/Core, ") && message.ends_with("src/Extra); name one of them")
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_search_does_not_follow_links() {
        let elsewhere = tempfile::tempdir().unwrap();
        unpacked(&elsewhere.path().join("Solution"));
        let temp = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(
            elsewhere.path().join("Solution"),
            temp.path().join("linked"),
        )
        .unwrap();
        assert!(found(temp.path()).unwrap_err().contains("no solution here"));
        // Named itself, the link is the folder the user chose.
        assert_eq!(found(&temp.path().join("linked")), Ok(String::new()));
    }

    #[test]
    fn names_that_differ_only_in_case_are_refused_when_loaded() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("src/Core");
        export(&dir);
        fs::write(dir.join("Solution.xml"), "<ImportExportXml/>").unwrap();
        if fs::read_dir(&dir).unwrap().count() < 3 {
            return; // a file system that ignores case holds one file
        }
        // Found by the search, refused by the layout with both names.
        assert_eq!(found(temp.path()), Ok("src/Core".to_owned()));
        let files = FolderFiles::new(dir);
        let Err(error) = layout_at(&files, "") else {
            panic!("an ambiguous layout was accepted");
        };
        assert!(error.to_string().contains("differ only in case"), "{error}");
    }
}
