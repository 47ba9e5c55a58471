//! Where a finding is, as a file a code host can annotate: a real path in the
//! repository, and a line only when the line is in that file.

use crate::source::Location;

/// A finding's place for annotations (GitHub, SARIF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Forward slashes, relative as the user wrote it, without a leading `./`.
    pub path: String,
    /// Line and column, when `path` is the file they count in.
    pub position: Option<(usize, usize)>,
    /// Where the finding really is, when the annotation cannot carry its line:
    /// `pkg.zip!/customizations.xml:812`.
    pub elsewhere: Option<String>,
}

/// `pkg.zip!/customizations.xml` annotates `pkg.zip` (a line inside a member means
/// nothing there); `git:REF:src/x.xml` annotates today's `src/x.xml`, also without a
/// line: the line counts in the file as it was at REF.
pub fn artifact(location: &Location) -> Artifact {
    let shown = location.path().replace('\\', "/");
    let (path, in_archive) = match shown.split_once("!/") {
        Some((archive, _member)) => (archive.to_owned(), true),
        None => (shown.clone(), false),
    };
    let at_revision = strip_git_revision(&path);
    let path = at_revision
        .unwrap_or(&path)
        .trim_start_matches("./")
        .to_owned();
    let (line, column) = location.line_col();
    if in_archive || at_revision.is_some() {
        Artifact {
            path,
            position: None,
            elsewhere: Some(format!("{shown}:{line}")),
        }
    } else {
        Artifact {
            path,
            position: Some((line, column)),
            elsewhere: None,
        }
    }
}

/// A file of a package as a listing shows it, shorter than the path the package
/// was named by but still findable: a zip member keeps the archive's file name
/// (`pkg.zip!/customizations.xml`, for `releases/pkg.zip`); a file of a folder is
/// written relative to the folder named (`Entities/Account/Entity.xml`). A path
/// outside `origin` (never, for a loaded package) is written whole.
pub fn within_package(path: &str, origin: &str) -> String {
    let path = path.replace('\\', "/");
    let origin = origin.replace('\\', "/");
    if let Some(member) = path
        .strip_prefix(origin.as_str())
        .and_then(|rest| rest.strip_prefix("!/"))
    {
        let archive = origin.rsplit('/').next().unwrap_or(&origin);
        return format!("{archive}!/{member}");
    }
    match path.strip_prefix(origin.as_str()) {
        // `origin` ends a path component there, not in the middle of a name.
        Some(rest) if rest.starts_with('/') || origin.ends_with('/') => {
            rest.trim_start_matches('/').to_owned()
        }
        _ => path,
    }
}

/// `src/x.xml` for `git:HEAD~1:src/x.xml`.
fn strip_git_revision(path: &str) -> Option<&str> {
    // A revision name never holds `:` (git forbids it in ref names), so the first one
    // after the revision ends it.
    let (_, after) = path.strip_prefix("git:")?.split_once(':')?;
    Some(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn at(path: &str) -> Artifact {
        let file = SourceFile::new(path.to_owned(), "a\nbc\n".to_owned());
        artifact(&Location::new(file, 3, 4))
    }

    #[test]
    fn zip_members_annotate_the_archive_without_a_line() {
        let a = at("releases/Core.zip!/customizations.xml");
        assert_eq!(a.path, "releases/Core.zip");
        assert_eq!(a.position, None);
        assert_eq!(
            a.elsewhere.as_deref(),
            Some("releases/Core.zip!/customizations.xml:2")
        );
    }

    #[test]
    fn files_keep_their_line_and_column() {
        let a = at("./src/Other/Solution.xml");
        assert_eq!(a.path, "src/Other/Solution.xml");
        assert_eq!(a.position, Some((2, 2)));
    }

    #[test]
    fn listings_shorten_paths_to_the_package() {
        let zip = "releases/Core.zip";
        assert_eq!(
            within_package("releases/Core.zip!/customizations.xml", zip),
            "Core.zip!/customizations.xml"
        );
        assert_eq!(
            within_package("Core.zip!/customizations.xml", "Core.zip"),
            "Core.zip!/customizations.xml"
        );
        assert_eq!(
            within_package("src/Core/Entities/A/Entity.xml", "src/Core"),
            "Entities/A/Entity.xml"
        );
        assert_eq!(
            within_package("src/Core/Other/Solution.xml", "src/Core/"),
            "Other/Solution.xml"
        );
        assert_eq!(
            within_package("./Other/Solution.xml", "."),
            "Other/Solution.xml"
        );
        assert_eq!(
            within_package(r"src\Core\Other/Solution.xml", r"src\Core"),
            "Other/Solution.xml"
        );
        // A sibling whose name merely starts like the origin is not inside it.
        assert_eq!(
            within_package("src/Core2/Other/Solution.xml", "src/Core"),
            "src/Core2/Other/Solution.xml"
        );
    }

    #[test]
    fn git_revisions_are_dropped_from_the_path() {
        let a = at("git:HEAD~1:src/Other/Solution.xml");
        assert_eq!(a.path, "src/Other/Solution.xml");
        assert_eq!(a.position, None);
        assert_eq!(
            a.elsewhere.as_deref(),
            Some("git:HEAD~1:src/Other/Solution.xml:2")
        );
        assert_eq!(at("git:origin/main:a.zip!/solution.xml").path, "a.zip");
    }
}
