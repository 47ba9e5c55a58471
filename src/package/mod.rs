//! Loading a solution package — an exported `.zip`, an unpacked SolutionPackager
//! folder, or an extracted export — into one [`Solution`] model. Every form of one
//! solution gives the same model.

mod compact;
mod components;
mod customizations;
mod deployment;
mod folder;
pub mod git;
mod kept;
mod manifest;
mod markup;
mod origins;
mod search;
pub mod xml;
pub(crate) mod yaml;
mod zip;

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::Arc;

use crate::model::{PackageForm, Solution, Variant};
use crate::source::{FileId, Reopen, SourceFile, Span, Spanned};
use components::{Generic, Place};
use customizations::Components;
use kept::{Failure, Kept};
use search::Layout;
use xml::XmlCursor;

pub use folder::find_solution_folder;

/// The fuzz targets' check of the compactor (see [`compact`]).
#[doc(hidden)]
pub fn assert_compaction_keeps(bytes: &[u8]) {
    compact::assert_keeps(bytes);
}

/// Largest file dvlint inflates or reads (the default cap of DESIGN.md §5).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Largest inflated/compressed ratio accepted for a zip member above
/// [`RATIO_CHECK_FROM`]; real XML compresses 10–20×, zip bombs about 1000×.
pub const MAX_COMPRESSION_RATIO: u64 = 200;
pub const RATIO_CHECK_FROM: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A problem at a place in a file.
    #[error("{path}:{line}:{column}: {message}")]
    At {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A problem with a whole file or folder.
    #[error("{path}: {message}")]
    File { path: String, message: String },
}

impl LoadError {
    pub fn xml(path: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = crate::source::line_col(text, offset);
        LoadError::At {
            path: path.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError::File {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A file name as messages show it: control characters (a line break, a terminal
/// escape) in a hostile zip member or file name are written as escapes, so that
/// they cannot forge output lines or annotations.
pub(crate) fn printable(name: &str) -> std::borrow::Cow<'_, str> {
    if name.chars().any(char::is_control) {
        name.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        name.into()
    }
}

/// The files of a package, whatever holds them.
trait PackageFiles {
    /// Names of the entries directly in `dir` ("" for the root), with whether each
    /// is a folder. Names are as stored; callers match them case-insensitively.
    fn list(&self, dir: &str) -> Result<Vec<(String, bool)>, LoadError>;
    fn read(&mut self, path: &str) -> Result<Vec<u8>, LoadError>;
    fn display(&self, path: &str) -> String;

    /// Whether the entry `name` of `dir` is a symbolic link: the search for a
    /// solution folder does not follow them. Only a folder on disk has any.
    fn is_link(&self, _dir: &str, _name: &str) -> bool {
        false
    }

    /// A stream of the file's bytes, and its size (0 if unknown): what the
    /// parser reads as the file inflates. A read error's message is the whole
    /// complaint (`corrupt zip member: …`).
    fn open(&mut self, path: &str) -> Result<(Box<dyn Read + '_>, u64), LoadError>;

    /// The CRC-32 of the file's bytes, when the stream [`Self::open`] gives
    /// checks them against it at their end (a zip member's): the file's digest
    /// is then that, without hashing the bytes a second time.
    fn checked_crc(&mut self, _path: &str) -> Option<u32> {
        None
    }

    /// How to read the file again, for a snippet of a report.
    fn reopen(&self, path: &str) -> Arc<dyn Reopen>;
}

/// The bytes of a package file, as read the first time.
trait Raw: Send + Sync + fmt::Debug {
    /// Calls `each` with a stream of the bytes, and their size (0 if unknown).
    fn raw(&self, each: &mut dyn FnMut(&mut dyn Read, u64) -> io::Result<()>) -> io::Result<()>;
}

/// A package file read again, kept as the first time: the same offsets.
#[derive(Debug)]
struct Again<T>(T);

impl<T: Raw> Reopen for Again<T> {
    fn read(&self, each: &mut dyn FnMut(&mut dyn BufRead) -> io::Result<()>) -> io::Result<()> {
        self.0.raw(&mut |reader, size| {
            let mut kept = Kept::stream(Box::new(reader), size);
            each(&mut kept)
        })
    }
}

/// The entry of `dir` named `name` (a folder or a file), matched case-insensitively
/// as Windows and Dataverse match names. Two entries that differ only in case are
/// refused: which one an import reads is not knowable.
fn find_entry(
    files: &dyn PackageFiles,
    dir: &str,
    entries: &[(String, bool)],
    name: &str,
    is_dir: bool,
) -> Result<Option<String>, LoadError> {
    let mut found = entries
        .iter()
        .filter(|(n, d)| *d == is_dir && n.eq_ignore_ascii_case(name))
        .map(|(n, _)| n);
    match (found.next(), found.next()) {
        (Some(first), Some(second)) => Err(LoadError::file(
            files.display(dir),
            format!(
                "holds both `{}` and `{}`, which differ only in case; \
                 refusing an ambiguous package",
                printable(first),
                printable(second)
            ),
        )),
        (first, _) => Ok(first.cloned()),
    }
}

/// The layout of the package's root.
fn detect_layout(files: &dyn PackageFiles) -> Result<Option<Layout>, LoadError> {
    search::layout_at(files, "")
}

/// Loads the package at `path`: a zip file, or a folder (see DESIGN.md §1).
pub fn load(path: &Path) -> Result<Solution, LoadError> {
    load_solution(path, None)
}

/// Loads the package at `path`; `solution` picks one solution of a YAML root
/// that holds several (naming its folder, `solutions/<name>`, does the same).
pub fn load_solution(path: &Path, solution: Option<&str>) -> Result<Solution, LoadError> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path)
        .map_err(|e| LoadError::file(&shown, format!("cannot open: {e}")))?;
    if metadata.is_file() {
        let files = zip::ZipFiles::open(path)?;
        return load_selected(Box::new(files), &shown, PackageForm::Zip, solution);
    }
    let (folder, named) = match yaml_solution_folder(path) {
        Some((root, name)) => (root, Some(name)),
        None => (path.to_path_buf(), None),
    };
    let solution = pick_one(&shown, solution, named.as_deref())?;
    let files = folder::FolderFiles::new(find_solution_folder(&folder)?);
    let form = match detect_layout(&files)? {
        Some(Layout::Export { .. }) => PackageForm::ExtractedExport,
        _ => PackageForm::Unpacked,
    };
    load_selected(Box::new(files), &shown, form, solution.as_deref())
}

/// `--solution` and a solution folder named as the path must agree.
fn pick_one(
    shown: &str,
    option: Option<&str>,
    named: Option<&str>,
) -> Result<Option<String>, LoadError> {
    match (option, named) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => Err(LoadError::file(
            shown,
            format!(
                "is the folder of solution `{}`, and --solution names `{}`",
                printable(b),
                printable(a)
            ),
        )),
        (a, b) => Ok(a.or(b).map(str::to_owned)),
    }
}

/// A YAML solution's own folder, `<root>/solutions/<name>` holding `solution.yml`:
/// its root and its name.
fn yaml_solution_folder(path: &Path) -> Option<(std::path::PathBuf, String)> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let parent = path.parent()?;
    let in_solutions = parent
        .file_name()
        .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(yaml::SOLUTIONS));
    let has_manifest = std::fs::read_dir(path).ok()?.flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .eq_ignore_ascii_case(yaml::SOLUTION_FILE)
    });
    let root = parent.parent()?;
    (in_solutions && has_manifest).then(|| {
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        (root.to_path_buf(), name)
    })
}

/// Loads a zip held in memory; `shown` is the name used in messages.
pub fn load_zip_bytes(shown: &str, bytes: Vec<u8>) -> Result<Solution, LoadError> {
    let files = zip::ZipFiles::from_bytes(shown, bytes)?;
    load_selected(Box::new(files), shown, PackageForm::Zip, None)
}

/// Loads the package `files` hold; `solution` picks one of several solutions
/// of a YAML root by its unique name.
fn load_selected(
    mut files: Box<dyn PackageFiles>,
    origin: &str,
    form: PackageForm,
    solution: Option<&str>,
) -> Result<Solution, LoadError> {
    let layout = detect_layout(files.as_ref())?.ok_or_else(|| {
        LoadError::file(
            origin,
            "not a solution package: no solution.xml and customizations.xml at its root, \
             no Other/Solution.xml, and no solutions/<name>/solution.yml",
        )
    })?;
    let mut builder = Builder::default();
    let (solution_path, mut component_files) = match layout {
        Layout::Export {
            solution,
            customizations,
        } => (solution, vec![(customizations, Place::default())]),
        Layout::Unpacked { other, solution } => {
            (solution, unpacked_component_files(files.as_ref(), &other)?)
        }
        Layout::Yaml { root, solutions } => {
            let name = pick_solution(files.as_ref(), &root, &solutions, solution)?;
            let loaded = yaml::load(files.as_mut(), &mut builder, &root, &name)?;
            return Ok(builder.solution(
                origin,
                PackageForm::Yaml,
                loaded.package,
                loaded.manifest,
                loaded.missing_paths,
            ));
        }
    };
    if let Some(name) = solution {
        return Err(LoadError::file(
            origin,
            format!(
                "--solution `{}` picks one solution of a YAML root; this package holds one solution",
                printable(name)
            ),
        ));
    }
    // Newer exports and pac write newer kinds in lower-case folders, in both forms.
    generic_component_files(files.as_ref(), &mut component_files)?;
    let (package, manifest) = builder.parse_xml(files.as_mut(), &solution_path, manifest::parse)?;
    for (path, place) in component_files {
        let found = builder.parse_xml(files.as_mut(), &path, |cur| {
            customizations::parse_file(cur, &place)
        })?;
        builder.merge_file(files.as_mut(), found, &place)?;
    }
    Ok(builder.solution(origin, form, package, manifest, Vec::new()))
}

/// The folder name of the solution to load of a YAML root's `solutions`: the
/// one named (case-insensitively), or the only one.
fn pick_solution(
    files: &dyn PackageFiles,
    root: &str,
    solutions: &[String],
    named: Option<&str>,
) -> Result<String, LoadError> {
    let list = || {
        solutions
            .iter()
            .map(|s| printable(s).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match named {
        Some(name) => solutions
            .iter()
            .find(|s| s.eq_ignore_ascii_case(name))
            .cloned()
            .ok_or_else(|| {
                LoadError::file(
                    files.display(root),
                    format!(
                        "holds no solution `{}` (it holds {})",
                        printable(name),
                        list()
                    ),
                )
            }),
        None if solutions.len() == 1 => Ok(solutions[0].clone()),
        None => Err(LoadError::file(
            files.display(root),
            format!(
                "holds {} solutions ({}); pick one with --solution NAME, or name its folder \
                 (solutions/{})",
                solutions.len(),
                list(),
                printable(&solutions[0])
            ),
        )),
    }
}

/// A component file and what its path says about it.
type ComponentFile = (String, Place);

/// The files of unpacked source that hold components, in a stable order.
fn unpacked_component_files(
    files: &dyn PackageFiles,
    other: &str,
) -> Result<Vec<ComponentFile>, LoadError> {
    let mut paths = Vec::new();
    let strict = |path: String| (path, Place::default());
    let other_entries = files.list(other)?;
    if let Some(name) = find_entry(files, other, &other_entries, "Customizations.xml", false)? {
        paths.push(strict(format!("{other}/{name}")));
    }
    let root = files.list("")?;
    if let Some(entities) = find_entry(files, "", &root, "Entities", true)? {
        for table in subfolders(files, &entities)? {
            let dir = format!("{entities}/{table}");
            let entries = files.list(&dir)?;
            if let Some(file) = find_entry(files, &dir, &entries, "Entity.xml", false)? {
                paths.push(strict(format!("{dir}/{file}")));
            }
            // Forms, views and charts: the table's own, named by its folder.
            let place = Place {
                table: Some(table.to_ascii_lowercase()),
                optional: true,
                ..Place::default()
            };
            for (part, depth) in [("FormXml", 1), ("SavedQueries", 0), ("Visualizations", 0)] {
                if let Some(found) = find_entry(files, &dir, &entries, part, true)? {
                    for path in xml_files_below(files, &format!("{dir}/{found}"), depth, ".xml")? {
                        paths.push((path, place.clone()));
                    }
                }
            }
        }
    }
    if let Some(option_sets) = find_entry(files, "", &root, "OptionSets", true)? {
        paths.extend(xml_files(files, &option_sets)?.into_iter().map(strict));
    }
    if let Some(relationships) = find_entry(files, other, &other_entries, "Relationships", true)? {
        paths.extend(
            xml_files(files, &format!("{other}/{relationships}"))?
                .into_iter()
                .map(strict),
        );
    }
    let optional = |path: String| {
        (
            path,
            Place {
                optional: true,
                ..Place::default()
            },
        )
    };
    // `Other/FieldSecurityProfiles.xml` and the like: what else SolutionPackager
    // splits out of customizations.xml.
    for (name, is_dir) in &other_entries {
        let lower = name.to_ascii_lowercase();
        let known = ["solution.xml", "customizations.xml", "relationships.xml"];
        if !is_dir && lower.ends_with(".xml") && !known.contains(&lower.as_str()) {
            paths.push(optional(format!("{other}/{name}")));
        }
    }
    // Folders of component definitions: (folder, how many levels of subfolders
    // hold them, the suffix their names end with, whether they sit only in
    // subfolders: one folder per app or assembly). A flow's JSON, a workflow's
    // XAML, a web resource's content, an app's .msapp and a code component's own
    // manifest sit beside them and are never read.
    const FOLDERS: &[(&str, usize, &str, bool)] = &[
        ("Workflows", 0, ".data.xml", false),
        ("WebResources", 8, ".data.xml", false),
        ("Roles", 0, ".xml", false),
        ("CanvasApps", 0, ".meta.xml", false),
        ("AppModules", 1, ".xml", true),
        ("AppModuleSiteMaps", 1, ".xml", true),
        ("Controls", 1, ".data.xml", true),
        ("PluginAssemblies", 1, ".data.xml", true),
        ("SdkMessageProcessingSteps", 0, ".xml", false),
        ("Dashboards", 0, ".xml", false),
        ("Connectors", 0, ".xml", false),
    ];
    for (folder, depth, suffix, in_subfolders) in FOLDERS {
        if let Some(found) = find_entry(files, "", &root, folder, true)? {
            let top = format!("{found}/");
            for path in xml_files_below(files, &found, *depth, suffix)? {
                let direct = !path[top.len()..].contains('/');
                if !(*in_subfolders && direct) {
                    paths.push(optional(path));
                }
            }
        }
    }
    Ok(paths)
}

/// The lower-case component folders at the root (`environmentvariabledefinitions/`,
/// `customapis/`, `maskingrules/`, `appactions/`, `botcomponents/`, …): one folder
/// per component, named by its key, holding `<kind>.xml` and, nested the same way,
/// the components it owns (a custom API's `customapirequestparameters/`).
fn generic_component_files(
    files: &dyn PackageFiles,
    out: &mut Vec<ComponentFile>,
) -> Result<(), LoadError> {
    let mut folders: Vec<String> = files
        .list("")?
        .into_iter()
        .filter(|(name, is_dir)| {
            *is_dir
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .map(|(name, _)| name)
        .collect();
    folders.sort();
    for folder in folders {
        generic_folder(files, &folder, &[], 0, ".xml", out)?;
    }
    Ok(())
}

/// How deep component folders nest (a masking rule's column rules are one level).
const GENERIC_DEPTH: usize = 3;

fn generic_folder(
    files: &dyn PackageFiles,
    dir: &str,
    parents: &[String],
    depth: usize,
    suffix: &str,
    out: &mut Vec<ComponentFile>,
) -> Result<(), LoadError> {
    let plural = dir.rsplit('/').next().unwrap_or(dir);
    for key in subfolders(files, dir)? {
        let folder = format!("{dir}/{key}");
        let mut entries = files.list(&folder)?;
        entries.sort();
        let values = if components::is_plural_of(plural, "environmentvariabledefinition") {
            find_entry(files, &folder, &entries, deployment::VALUES_FILE, false)?
        } else {
            None
        };
        let mut nested = Vec::new();
        for (name, is_dir) in entries {
            if is_dir {
                nested.push(name);
                continue;
            }
            let Some(stem) = strip_suffix_ignore_case(&name, suffix) else {
                continue;
            };
            if components::is_plural_of(plural, stem) {
                let kind = stem.to_ascii_lowercase();
                let values = values
                    .as_ref()
                    .filter(|_| kind == "environmentvariabledefinition")
                    .map(|name| format!("{folder}/{name}"));
                let place = Place {
                    generic: Some(Generic {
                        kind,
                        parents: parents.to_vec(),
                    }),
                    optional: true,
                    values,
                    ..Place::default()
                };
                out.push((format!("{folder}/{name}"), place));
            }
        }
        if depth + 1 < GENERIC_DEPTH {
            let mut inner = parents.to_vec();
            inner.push(key.to_ascii_lowercase());
            for name in nested {
                generic_folder(
                    files,
                    &format!("{folder}/{name}"),
                    &inner,
                    depth + 1,
                    suffix,
                    out,
                )?;
            }
        }
    }
    Ok(())
}

/// The names of the folders in `dir`, sorted.
fn subfolders(files: &dyn PackageFiles, dir: &str) -> Result<Vec<String>, LoadError> {
    let mut names: Vec<String> = files
        .list(dir)?
        .into_iter()
        .filter(|(_, is_dir)| *is_dir)
        .map(|(name, _)| name)
        .collect();
    names.sort();
    Ok(names)
}

fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    (name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(suffix)).then(|| &name[..cut])
}

fn xml_files(files: &dyn PackageFiles, dir: &str) -> Result<Vec<String>, LoadError> {
    xml_files_below(files, dir, 0, ".xml")
}

/// Files of `dir` and of its subfolders down to `depth` levels whose names end
/// with `suffix` (case-insensitively), sorted.
fn xml_files_below(
    files: &dyn PackageFiles,
    dir: &str,
    depth: usize,
    suffix: &str,
) -> Result<Vec<String>, LoadError> {
    let mut found = Vec::new();
    for (name, is_dir) in files.list(dir)? {
        let path = format!("{dir}/{name}");
        if is_dir {
            if depth > 0 {
                found.extend(xml_files_below(files, &path, depth - 1, suffix)?);
            }
        } else if strip_suffix_ignore_case(&name, suffix).is_some() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

#[derive(Default)]
struct Builder {
    files: Vec<Arc<SourceFile>>,
    entities: BTreeMap<String, crate::model::Entity>,
    option_sets: BTreeMap<String, crate::model::OptionSet>,
    relationships: BTreeMap<String, crate::model::Relationship>,
    components: BTreeMap<String, crate::model::Component>,
    environment_variables: BTreeMap<String, crate::model::EnvironmentVariable>,
    connection_references: BTreeMap<String, crate::model::ConnectionReference>,
}

impl Builder {
    fn solution(
        self,
        origin: &str,
        form: PackageForm,
        package: crate::model::PackageInfo,
        manifest: crate::model::Manifest,
        missing_component_paths: Vec<Spanned<String>>,
    ) -> Solution {
        Solution {
            origin: origin.to_owned(),
            form,
            files: self.files,
            package,
            manifest,
            entities: self.entities,
            option_sets: self.option_sets,
            relationships: self.relationships,
            components: self.components,
            environment_variables: self.environment_variables,
            connection_references: self.connection_references,
            missing_component_paths,
        }
    }

    /// Parses the XML file at `path` with `parse` as it streams from `files`,
    /// then reads it to its end (the digest covers every byte), and adds it to
    /// the model's files without its text: a report reads it again if it quotes it.
    fn parse_xml<T>(
        &mut self,
        files: &mut dyn PackageFiles,
        path: &str,
        parse: impl FnOnce(&mut XmlCursor<'_>) -> Result<T, LoadError>,
    ) -> Result<T, LoadError> {
        let shown = files.display(path);
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let outcome = {
            let crc = files.checked_crc(path);
            let (reader, size) = files.open(path)?;
            let kept = Kept::stream(reader, size).for_parser().with_crc(crc);
            let mut cur = XmlCursor::stream(kept, id, &shown);
            let parsed = parse(&mut cur);
            // The stream's failure explains a parse error it caused.
            match (parsed, cur.failure().cloned()) {
                (_, Some(failure)) => Err(Err(failure)),
                (Err(error), None) => Err(Ok(error)),
                (Ok(value), None) => cur.finish().map(|digest| (value, digest)).map_err(Err),
            }
        };
        match outcome {
            Ok((value, digest)) => {
                self.files
                    .push(SourceFile::reopened(shown, digest, files.reopen(path)));
                Ok(value)
            }
            Err(Ok(error)) => Err(error),
            Err(Err(Failure::NotUtf8)) => {
                // A whole read names the problem precisely: its line and column
                // in the file as written, or UTF-16.
                let bytes = files.read(path)?;
                decode_utf8(&shown, bytes)?;
                Err(LoadError::file(shown, Failure::NotUtf8.to_string()))
            }
            Err(Err(Failure::Nul(at))) => Err(LoadError::At {
                path: shown,
                line: at.line as usize,
                column: at.column as usize,
                message: xml::NUL_MESSAGE.to_owned(),
            }),
            Err(Err(Failure::Io(message))) => Err(LoadError::file(shown, message)),
        }
    }

    fn push_file(&mut self, shown: String, text: String, digest: (u64, u32)) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::read(shown, text, digest));
        id
    }

    /// The current value in an `environmentvariablevalues.json`. The file is
    /// read whole: it is not XML, so the compactor must not blank what looks like
    /// markup in a value.
    fn read_values(
        &mut self,
        files: &mut dyn PackageFiles,
        path: &str,
    ) -> Result<Option<Spanned<String>>, LoadError> {
        let shown = files.display(path);
        let bytes = files.read(path)?;
        let digest = (bytes.len() as u64, crc32fast::hash(&bytes));
        let text = decode_utf8(&shown, bytes)?;
        let id = self.push_file(shown, text, digest);
        let source = &self.files[id.0 as usize];
        deployment::json_value(source.text().unwrap_or(""), id, &source.display_path)
    }

    /// Adds what one component file defines; an environment variable's definition
    /// takes its current value from the `environmentvariablevalues.json` beside it.
    fn merge_file(
        &mut self,
        files: &mut dyn PackageFiles,
        mut found: Components,
        place: &Place,
    ) -> Result<(), LoadError> {
        if let Some(values) = &place.values {
            // Read even when the definition is only a reference: a malformed file
            // is refused in every case.
            let value = self.read_values(files, values)?;
            if let Some((_, variable)) = found.variables.last_mut() {
                variable.value = variable.value.take().or(value);
            }
        }
        self.merge(found)
    }

    /// `what` defined at `again` when `first` defined it already: which one an
    /// import keeps is not knowable.
    fn defined_twice(files: &[Arc<SourceFile>], what: &str, first: Span, again: Span) -> LoadError {
        let first_file = &files[first.file.0 as usize];
        let again_file = &files[again.file.0 as usize];
        LoadError::At {
            path: again_file.display_path.clone(),
            line: again.line as usize,
            column: again.column as usize,
            message: format!(
                "{what} is defined twice (first at {}:{})",
                first_file.display_path, first.line
            ),
        }
    }

    fn merge(&mut self, found: Components) -> Result<(), LoadError> {
        for entity in found.entities {
            match self.entities.entry(entity.logical_name.clone()) {
                Entry::Vacant(slot) => {
                    slot.insert(entity);
                }
                Entry::Occupied(existing) => {
                    let what = format!("table `{}`", entity.logical_name);
                    return Err(Self::defined_twice(
                        &self.files,
                        &what,
                        existing.get().span,
                        entity.span,
                    ));
                }
            }
        }
        // A global choice or relationship may legitimately be listed twice in
        // unpacked source (one file per table it touches): the first one counts.
        for option_set in found.option_sets {
            self.option_sets
                .entry(option_set.name.to_ascii_lowercase())
                .or_insert(option_set);
        }
        for relationship in found.relationships {
            self.relationships
                .entry(relationship.name.to_ascii_lowercase())
                .or_insert(relationship);
        }
        // A second definition of one component is refused below, except the
        // `_managed.xml` twin of unpacked "both" source: the first one counts.
        for (key, variable) in found.variables {
            self.environment_variables.entry(key).or_insert(variable);
        }
        for (key, reference) in found.references {
            self.connection_references.entry(key).or_insert(reference);
        }
        for component in found.components {
            let id = component.id();
            let Some(existing) = self.components.get(&id) else {
                self.components.insert(id, component);
                continue;
            };
            let first = &self.files[existing.span.file.0 as usize];
            let again = &self.files[component.span.file.0 as usize];
            // Unpacked "both" source writes forms, apps and site maps twice
            // (`X.xml`, then `X_managed.xml`): one component. Any other second
            // definition is ambiguous, like a table defined twice.
            let unmanaged = |path: &str| path.replace("_managed.xml", ".xml");
            let twins = first.display_path != again.display_path
                && unmanaged(&first.display_path) == unmanaged(&again.display_path);
            if twins {
                continue;
            }
            let mut first_span = existing.span;
            let mut component = component;
            // Two versions of one assembly side by side (another major or minor
            // version registers as another assembly): the second is told apart
            // by its version, `pluginassembly/contoso.plugins@2.0`.
            if let (Some(Variant::Assembly(mine)), Some(Variant::Assembly(theirs))) =
                (&component.variant, &existing.variant)
            {
                if mine != theirs {
                    component.key = format!("{}@{mine}", component.key);
                    let second = component.id();
                    match self.components.get(&second) {
                        None => {
                            self.components.insert(second, component);
                            continue;
                        }
                        Some(taken) => first_span = taken.span,
                    }
                }
            }
            let what = format!("{} `{}`", component.noun(), component.id());
            return Err(Self::defined_twice(
                &self.files,
                &what,
                first_span,
                component.span,
            ));
        }
        Ok(())
    }
}

/// Solution files are UTF-8, with or without a byte-order mark.
fn decode_utf8(shown: &str, mut bytes: Vec<u8>) -> Result<String, LoadError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(LoadError::file(
            shown,
            "the file is UTF-16; solution files are UTF-8",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let (line, column) = crate::source::line_col(&prefix, valid);
        LoadError::At {
            path: shown.to_owned(),
            line,
            column,
            message: "invalid UTF-8; solution files are UTF-8".to_owned(),
        }
    })
}
