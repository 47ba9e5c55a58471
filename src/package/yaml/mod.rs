//! The YAML source format of Dataverse Git integration: a root holding
//! `solutions/<UniqueName>/solution.yml` (with `solutioncomponents.yml`,
//! `rootcomponents.yml`, `missingdependencies.yml`), `publishers/<name>/publisher.yml`
//! and component folders shared by every solution of the root.
//!
//! Each YAML file is the mechanical mapping of an XML element (see [`write`]),
//! so the solution is read by writing the documents the XML loaders read
//! (`Solution.xml`, each table's `Entity.xml` with its column files appended as
//! pac does, each component file) and parsing them with the same code, every
//! span pointing back into the `.yml` files. Which component files belong to the
//! solution is what `solutioncomponents.yml` lists, as pac reads it.

pub(crate) mod tree;
mod write;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use super::components::Place;
use super::customizations;
use super::xml::XmlCursor;
use super::{find_entry, manifest, Builder, LoadError, PackageFiles};
use crate::model::{Manifest, PackageInfo};
use crate::source::{FileId, SourceFile, Spanned};
use tree::Node;
use write::Writer;

/// The folder of solutions in a YAML root.
pub(super) const SOLUTIONS: &str = "solutions";
/// The manifest of one solution, in `solutions/<UniqueName>/`.
pub(super) const SOLUTION_FILE: &str = "solution.yml";

/// The unique names of the solutions in the YAML root `dir` (the folder names of
/// `solutions/<U>/solution.yml`), sorted; none when `dir` is not a YAML root.
pub(super) fn solutions_at(
    files: &dyn PackageFiles,
    dir: &str,
    entries: &[(String, bool)],
) -> Result<Vec<String>, LoadError> {
    let Some(folder) = find_entry(files, dir, entries, SOLUTIONS, true)? else {
        return Ok(Vec::new());
    };
    let folder = join(dir, &folder);
    let mut found = Vec::new();
    let Ok(listed) = files.list(&folder) else {
        return Ok(Vec::new());
    };
    for (name, is_dir) in listed {
        if !is_dir {
            continue;
        }
        let inside = join(&folder, &name);
        let Ok(entries) = files.list(&inside) else {
            continue;
        };
        if find_entry(files, &inside, &entries, SOLUTION_FILE, false)?.is_some() {
            found.push(name);
        }
    }
    found.sort();
    Ok(found)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// What a YAML solution adds to the model beside what the XML loaders read.
pub(super) struct Loaded {
    pub package: PackageInfo,
    pub manifest: Manifest,
    /// `solutioncomponents.yml` entries naming no file or folder.
    pub missing_paths: Vec<Spanned<String>>,
}

/// Loads the solution `solution` (its folder name under `solutions/`) of the YAML
/// root `root` of `files` into `builder`.
pub(super) fn load(
    files: &mut dyn PackageFiles,
    builder: &mut Builder,
    root: &str,
    solution: &str,
) -> Result<Loaded, LoadError> {
    let mut reader = YamlReader {
        files,
        builder,
        root: root.to_owned(),
        listings: RefCell::default(),
    };
    reader.load(solution)
}

/// A folder's entries, as [`PackageFiles::list`] gives them.
type Listing = Rc<Vec<(String, bool)>>;

struct YamlReader<'f> {
    files: &'f mut dyn PackageFiles,
    builder: &'f mut Builder,
    root: String,
    /// The folders listed while checking `solutioncomponents.yml` paths: a
    /// table's columns listed one by one all start with `entities/<t>/attributes`.
    listings: RefCell<HashMap<String, Listing>>,
}

/// A YAML file read: where its text is in the model, and its tree.
struct Read {
    file: FileId,
    tree: Node,
}

impl Read {
    /// The file's one top-level key and its value, which must be `name`.
    fn top(&self, name: &str, files: &[Arc<SourceFile>]) -> Result<&tree::Entry, LoadError> {
        let entries = self.tree.entries();
        match entries {
            [only] if only.key.eq_ignore_ascii_case(name) => Ok(only),
            _ => {
                let file = &files[self.file.0 as usize];
                let at = entries.first().map_or(0, |e| e.key_span.start as usize);
                Err(LoadError::xml(
                    &file.display_path,
                    file.text().unwrap_or(""),
                    at,
                    format!("expected one top-level key, `{name}:`"),
                ))
            }
        }
    }
}

/// The component folders whose files define components by their root element,
/// as the capitalised folders of unpacked source do, with how many levels of
/// subfolders hold them (a cloud flow's `modernflows/<id>/workflow.yml`, a
/// canvas app's `canvasapps/<name>/canvasapp.yml` or flat `<name>.meta.yml`).
/// Every other folder is one folder per component named `<kind>.yml`, read as
/// the lower-case folders of unpacked source are.
const SHAPED: &[(&str, usize)] = &[
    ("workflows", 1),
    ("modernflows", 1),
    ("webresources", 8),
    ("roles", 1),
    ("canvasapps", 1),
    ("appmodules", 1),
    ("appmodulesitemaps", 1),
    ("controls", 1),
    ("customcontrols", 1),
    ("pluginassemblies", 1),
    ("sdkmessageprocessingsteps", 1),
    ("dashboards", 1),
    ("connectors", 1),
    ("optionsets", 1),
    ("entityrelationships", 1),
    ("fieldsecurityprofiles", 1),
    ("emailtemplates", 1),
    ("templates", 1),
    ("reports", 1),
];

/// Folders of a YAML root that hold no components.
const NOT_COMPONENTS: &[&str] = &[SOLUTIONS, "publishers"];

/// How deep a table's parts nest: `formxml/main/<id>/systemform.yml`.
const TABLE_PART_DEPTH: usize = 3;

/// The paths `solutioncomponents.yml` lists, lower case, without the leading `/`.
struct Listed {
    paths: HashSet<String>,
}

impl Listed {
    /// Whether a listed path is `path` or a folder holding it. A table's folder
    /// (`entities/<t>`) holds its definition and columns only: its forms, views
    /// and other parts belong when a path at or below their own folder is listed,
    /// as pac reads them.
    fn covers(&self, path: &str) -> bool {
        let lower = path.to_ascii_lowercase();
        let segments: Vec<&str> = lower.split('/').collect();
        let table_part = segments.len() > 3
            && segments[0] == "entities"
            && !segments[2].eq_ignore_ascii_case("attributes");
        (1..=segments.len()).any(|n| {
            if table_part && n < 3 {
                return false;
            }
            let prefix = segments[..n].join("/");
            self.paths.contains(&prefix)
                || (n == segments.len()
                    && strip_yml(&prefix).is_some_and(|stem| self.paths.contains(stem)))
        })
    }
}

fn strip_yml(name: &str) -> Option<&str> {
    super::strip_suffix_ignore_case(name, ".meta.yml")
        .or_else(|| super::strip_suffix_ignore_case(name, ".yml"))
}

impl YamlReader<'_> {
    fn read(&mut self, path: &str) -> Result<Read, LoadError> {
        let shown = self.files.display(path);
        let bytes = self.files.read(path)?;
        let digest = (bytes.len() as u64, crc32fast::hash(&bytes));
        let text = super::decode_utf8(&shown, bytes)?;
        let file = self.builder.push_file(shown, text, digest);
        let source = &self.builder.files[file.0 as usize];
        let tree = tree::parse(source.text().unwrap_or(""), file, &source.display_path)?;
        Ok(Read { file, tree })
    }

    /// The file or folder `name` of `dir`, as a path from the root.
    fn entry(&self, dir: &str, name: &str, is_dir: bool) -> Result<Option<String>, LoadError> {
        let Ok(entries) = self.files.list(dir) else {
            return Ok(None);
        };
        Ok(find_entry(self.files, dir, &entries, name, is_dir)?.map(|found| join(dir, &found)))
    }

    fn load(&mut self, solution: &str) -> Result<Loaded, LoadError> {
        let root = self.root.clone();
        let solutions = self
            .entry(&root, SOLUTIONS, true)?
            .ok_or_else(|| LoadError::file(self.files.display(&root), "no solutions/ folder"))?;
        let folder = self.entry(&solutions, solution, true)?.ok_or_else(|| {
            LoadError::file(
                self.files.display(&solutions),
                format!("no solution `{solution}`"),
            )
        })?;
        let manifest_path = self
            .entry(&folder, SOLUTION_FILE, false)?
            .ok_or_else(|| LoadError::file(self.files.display(&folder), "no solution.yml"))?;
        let (package, manifest) = self.manifest(&folder, &manifest_path)?;
        let (listed, missing_paths) = self.listed(&folder)?;
        self.components(&listed)?;
        Ok(Loaded {
            package,
            manifest,
            missing_paths,
        })
    }

    /// `Solution.xml` as the XML form has it: `solution.yml`, with the publisher's
    /// `publisher.yml` in place of its reference, and the roots and missing
    /// dependencies of their own files.
    fn manifest(&mut self, folder: &str, path: &str) -> Result<(PackageInfo, Manifest), LoadError> {
        let solution = self.read(path)?;
        let publisher = self.publisher(&solution)?;
        let mut parts = Vec::new();
        for name in ["rootcomponents.yml", "missingdependencies.yml"] {
            if let Some(found) = self.entry(folder, name, false)? {
                parts.push(self.read(&found)?);
            }
        }
        let files = &self.builder.files;
        let top = solution.top("ImportExportXml", files)?;
        let separate = |name: &str| {
            (name.eq_ignore_ascii_case("Publisher") && publisher.is_some())
                || parts.iter().any(|part| {
                    part.tree
                        .entries()
                        .first()
                        .is_some_and(|e| e.key.eq_ignore_ascii_case(name))
                })
        };
        let mut sources = vec![solution.file];
        sources.extend(publisher.iter().chain(&parts).map(|read| read.file));
        let mut writer = Writer::new(files, &sources);
        writer.start("ImportExportXml", top.key_span, &top.node)?;
        for entry in top.node.entries() {
            if entry.key.starts_with('@') {
                continue;
            }
            if !entry.key.eq_ignore_ascii_case("SolutionManifest") {
                writer.element(&entry.key, entry.key_span, &entry.node)?;
                continue;
            }
            writer.start("SolutionManifest", entry.key_span, &entry.node)?;
            writer.content(&entry.node, &separate)?;
            if let Some(publisher) = &publisher {
                let top = publisher.top("Publisher", files)?;
                writer.element("Publisher", top.key_span, &top.node)?;
            }
            for part in &parts {
                for entry in part.tree.entries() {
                    writer.element(&entry.key, entry.key_span, &entry.node)?;
                }
            }
            writer.end("SolutionManifest");
        }
        writer.end("ImportExportXml");
        let (xml, origins) = writer.finish();
        let shown = &files[solution.file.0 as usize].display_path;
        let mut cur = XmlCursor::written(&xml, &origins, files, shown);
        manifest::parse(&mut cur)
    }

    /// The publisher's file that `solution.yml` names, when there is one.
    fn publisher(&mut self, solution: &Read) -> Result<Option<Read>, LoadError> {
        let name = solution
            .tree
            .get("ImportExportXml")
            .and_then(|e| e.node.get("SolutionManifest"))
            .and_then(|e| e.node.get("Publisher"))
            .and_then(|e| e.node.get("UniqueName"))
            .and_then(|e| e.node.text().map(str::to_owned));
        let Some(name) = name else {
            return Ok(None);
        };
        let root = self.root.clone();
        let Some(publishers) = self.entry(&root, "publishers", true)? else {
            return Ok(None);
        };
        let Some(folder) = self.entry(&publishers, &name, true)? else {
            return Ok(None);
        };
        match self.entry(&folder, "publisher.yml", false)? {
            Some(path) => Ok(Some(self.read(&path)?)),
            None => Ok(None),
        }
    }

    /// The paths `solutioncomponents.yml` lists, and those naming nothing.
    fn listed(&mut self, folder: &str) -> Result<(Listed, Vec<Spanned<String>>), LoadError> {
        let mut listed = Listed {
            paths: HashSet::new(),
        };
        let mut missing = Vec::new();
        let Some(path) = self.entry(folder, "solutioncomponents.yml", false)? else {
            return Ok((listed, missing));
        };
        let read = self.read(&path)?;
        let file = Arc::clone(&self.builder.files[read.file.0 as usize]);
        let error = |at: usize, message: &str| {
            LoadError::xml(&file.display_path, file.text().unwrap_or(""), at, message)
        };
        let components = read.top("SolutionComponents", &self.builder.files)?;
        if let tree::Value::List(items) = &components.node.value {
            let at = items
                .first()
                .map_or(components.key_span.start as usize, |i| {
                    i.span.start as usize
                });
            return Err(error(
                at,
                "`SolutionComponents:` is a list here (the documentation's `- Path: …` \
                 example); Dataverse writes and pac reads `Component:` entries with \
                 `'@path'`: `SolutionComponents: {Component: [{'@path': /entities/account}]}`",
            ));
        }
        for entry in components.node.entries() {
            if !entry.key.eq_ignore_ascii_case("Component") {
                return Err(error(
                    entry.key_span.start as usize,
                    &format!(
                        "`{}` is not a key of solutioncomponents.yml; expected `Component:`",
                        entry.key
                    ),
                ));
            }
            for item in entry.node.items() {
                let Some(path) = item.get("@path") else {
                    return Err(error(
                        item.span.start as usize,
                        "a component without `'@path'` (`- '@path': /entities/account`)",
                    ));
                };
                let Some(text) = path.node.text() else {
                    return Err(error(
                        path.key_span.start as usize,
                        "`'@path'` must be a path",
                    ));
                };
                let normal = normalize(text);
                if !self.exists(&normal)? {
                    missing.push(Spanned::new(text.to_owned(), path.node.span));
                }
                listed.paths.insert(normal.to_ascii_lowercase());
            }
        }
        Ok((listed, missing))
    }

    /// The entries of `dir`, listed once; `None` when it cannot be listed.
    fn listing(&self, dir: &str) -> Option<Listing> {
        if let Some(listed) = self.listings.borrow().get(dir) {
            return Some(Rc::clone(listed));
        }
        let listed = Rc::new(self.files.list(dir).ok()?);
        self.listings
            .borrow_mut()
            .insert(dir.to_owned(), Rc::clone(&listed));
        Some(listed)
    }

    /// Whether the root holds a file or folder at `path` (or `path.yml`).
    fn exists(&self, path: &str) -> Result<bool, LoadError> {
        if path.is_empty()
            || path
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return Ok(false);
        }
        let mut dir = self.root.clone();
        let segments: Vec<&str> = path.split('/').collect();
        for (i, segment) in segments.iter().enumerate() {
            let Some(entries) = self.listing(&dir) else {
                return Ok(false);
            };
            let last = i + 1 == segments.len();
            if let Some(found) = find_entry(self.files, &dir, &entries, segment, true)? {
                dir = join(&dir, &found);
                continue;
            }
            if last {
                for name in [
                    segment.to_string(),
                    format!("{segment}.yml"),
                    format!("{segment}.meta.yml"),
                ] {
                    if find_entry(self.files, &dir, &entries, &name, false)?.is_some() {
                        return Ok(true);
                    }
                }
            }
            return Ok(false);
        }
        Ok(true)
    }

    /// Reads every component file of the root that `listed` covers.
    fn components(&mut self, listed: &Listed) -> Result<(), LoadError> {
        let root = self.root.clone();
        let mut folders: Vec<(String, bool)> = self.files.list(&root)?;
        folders.retain(|(name, is_dir)| *is_dir && !name.starts_with('.'));
        folders.sort();
        let relative = |path: &str| path[root.len()..].trim_start_matches('/').to_owned();
        for (name, _) in folders {
            let lower = name.to_ascii_lowercase();
            let dir = join(&root, &name);
            if NOT_COMPONENTS.contains(&lower.as_str()) {
                continue;
            }
            if lower == "entities" {
                self.tables(&dir, listed, &relative)?;
                continue;
            }
            let mut found: Vec<(String, Place)> = Vec::new();
            if let Some((_, depth)) = SHAPED.iter().find(|(folder, _)| *folder == lower) {
                for path in super::xml_files_below(self.files, &dir, *depth, ".yml")? {
                    found.push((path, optional()));
                }
            } else {
                super::generic_folder(self.files, &dir, &[], 0, ".yml", &mut found)?;
            }
            for (path, place) in found {
                if listed.covers(&relative(&path)) {
                    self.component_file(&path, &place)?;
                }
            }
        }
        Ok(())
    }

    /// Each table folder of `entities/`: its definition with its columns, then its
    /// forms, views and other parts, those `listed` covers. A table whose folder
    /// and columns are not listed, but some of its parts are, travels as a table
    /// whose only forms or views do in XML: its `<Entity>` with its name and
    /// without `<EntityInfo>` (present, without metadata or columns).
    fn tables(
        &mut self,
        entities: &str,
        listed: &Listed,
        relative: &dyn Fn(&str) -> String,
    ) -> Result<(), LoadError> {
        for table in super::subfolders(self.files, entities)? {
            let dir = join(entities, &table);
            let mut entries = self.files.list(&dir)?;
            entries.sort();
            let definition = find_entry(self.files, &dir, &entries, "entity.yml", false)?
                .map(|name| join(&dir, &name));
            let columns = match find_entry(self.files, &dir, &entries, "attributes", true)? {
                Some(folder) => {
                    super::xml_files_below(self.files, &join(&dir, &folder), 0, ".yml")?
                        .into_iter()
                        .filter(|path| listed.covers(&relative(path)))
                        .collect()
                }
                None => Vec::new(),
            };
            let listed_definition = definition
                .as_deref()
                .is_some_and(|path| listed.covers(&relative(path)));
            let mut parts = Vec::new();
            for (name, is_dir) in entries {
                if !is_dir || name.eq_ignore_ascii_case("attributes") {
                    continue;
                }
                let part = join(&dir, &name);
                for path in super::xml_files_below(self.files, &part, TABLE_PART_DEPTH, ".yml")? {
                    if listed.covers(&relative(&path)) {
                        parts.push(path);
                    }
                }
            }
            if let Some(definition) = definition {
                if listed_definition || !columns.is_empty() {
                    self.table(&definition, &columns, true)?;
                } else if !parts.is_empty() {
                    self.table(&definition, &[], false)?;
                }
            }
            let place = Place {
                table: Some(table.to_ascii_lowercase()),
                optional: true,
                ..Place::default()
            };
            for path in parts {
                self.component_file(&path, &place)?;
            }
        }
        Ok(())
    }

    /// A table's `Entity.xml` as pac builds it: `entity.yml`, with an
    /// `<attributes>` element of its column files inside `<entity>`; without
    /// `metadata`, the table alone, with no `<EntityInfo>`.
    fn table(
        &mut self,
        definition: &str,
        columns: &[String],
        metadata: bool,
    ) -> Result<(), LoadError> {
        let entity = self.read(definition)?;
        let mut column_files = Vec::with_capacity(columns.len());
        for path in columns {
            column_files.push(self.read(path)?);
        }
        let files = &self.builder.files;
        let top = entity.top("Entity", files)?;
        let mut sources = vec![entity.file];
        sources.extend(column_files.iter().map(|read| read.file));
        let mut writer = Writer::new(files, &sources);
        writer.start("Entity", top.key_span, &top.node)?;
        let mut wrote_columns = false;
        for entry in top.node.entries() {
            if entry.key.starts_with('@') {
                continue;
            }
            if !entry.key.eq_ignore_ascii_case("EntityInfo") {
                writer.content_entry(entry)?;
                continue;
            }
            if !metadata {
                continue;
            }
            writer.start(&entry.key, entry.key_span, &entry.node)?;
            for inner in entry.node.entries() {
                if inner.key.starts_with('@') {
                    continue;
                }
                if !inner.key.eq_ignore_ascii_case("entity") || wrote_columns {
                    writer.content_entry(inner)?;
                    continue;
                }
                writer.start(&inner.key, inner.key_span, &inner.node)?;
                writer.content(&inner.node, &|_| false)?;
                writer.start("attributes", inner.key_span, &Node::empty(inner.key_span))?;
                for column in &column_files {
                    let top = column.top("attribute", files)?;
                    writer.element("attribute", top.key_span, &top.node)?;
                }
                writer.end("attributes");
                writer.end(&inner.key);
                wrote_columns = true;
            }
            writer.end(&entry.key);
        }
        writer.end("Entity");
        let (xml, origins) = writer.finish();
        let shown = &files[entity.file.0 as usize].display_path;
        let found = {
            let mut cur = XmlCursor::written(&xml, &origins, files, shown);
            customizations::parse_file(&mut cur, &Place::default())?
        };
        self.builder.merge(found)
    }

    /// Any other component file, as the XML file it maps.
    fn component_file(&mut self, path: &str, place: &Place) -> Result<(), LoadError> {
        let read = self.read(path)?;
        let files = &self.builder.files;
        let mut writer = Writer::new(files, &[read.file]);
        for entry in read.tree.entries() {
            writer.content_entry(entry)?;
        }
        let (xml, origins) = writer.finish();
        if xml.is_empty() {
            return Ok(());
        }
        let shown = &files[read.file.0 as usize].display_path;
        let found = {
            let mut cur = XmlCursor::written(&xml, &origins, files, shown);
            customizations::parse_file(&mut cur, place)?
        };
        self.builder.merge_file(self.files, found, place)
    }
}

fn optional() -> Place {
    Place {
        optional: true,
        ..Place::default()
    }
}

/// A `solutioncomponents.yml` path as a path from the YAML root.
fn normalize(path: &str) -> String {
    crate::model::component::listed_path(path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

    use std::fs;
    use std::path::Path;

    /// A YAML root with one table (a custom column, a form) whose
    /// `solutioncomponents.yml` lists `paths`.
    fn root(dir: &Path, paths: &[&str]) {
        let write = |path: &str, text: &str| {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write(
            "solutions/S/solution.yml",
            "ImportExportXml:\n  '@version': 9.2.1.1\n  '@SolutionPackageVersion': 9.2\n  \
             SolutionManifest:\n    UniqueName: S\n    Version: 1.0.0.0\n    Managed: 0\n    \
             Publisher:\n      UniqueName: p\n      CustomizationPrefix: x\n",
        );
        let listed: String = paths
            .iter()
            .map(|p| format!("  - '@path': {p}\n"))
            .collect();
        write(
            "solutions/S/solutioncomponents.yml",
            &format!("SolutionComponents:\n  Component:\n{listed}"),
        );
        write(
            "entities/x_t/entity.yml",
            "Entity:\n  Name: x_T\n  EntityInfo:\n    entity:\n      '@Name': x_T\n",
        );
        write(
            "entities/x_t/attributes/x_c.yml",
            "attribute:\n  '@PhysicalName': x_C\n  Type: nvarchar\n  LogicalName: x_c\n  \
             IsCustomField: 1\n",
        );
        write(
            "entities/x_t/formxml/main/f/systemform.yml",
            "systemform:\n  formid: '{0a0a0a0a-0000-0000-0000-000000000001}'\n",
        );
    }

    fn load(paths: &[&str]) -> crate::model::Solution {
        let dir = tempfile::tempdir().unwrap();
        root(dir.path(), paths);
        crate::package::load(dir.path()).unwrap()
    }

    #[test]
    fn a_tables_folder_brings_its_metadata_and_columns_not_its_forms() {
        let solution = load(&["/entities/x_t"]);
        let table = &solution.entities["x_t"];
        assert!(table.has_metadata);
        assert_eq!(table.attributes.keys().collect::<Vec<_>>(), ["x_c"]);
        assert!(solution.components.is_empty());
    }

    /// Forms or views listed without their table's folder travel with the
    /// table's `<Entity>` and no `<EntityInfo>`, as a table whose only forms
    /// travel in XML: the table is present (not removed, its root has a source),
    /// its columns are not.
    #[test]
    fn a_form_listed_without_its_tables_folder_brings_the_table_without_metadata() {
        let solution = load(&["/entities/x_t/formxml/main"]);
        let table = &solution.entities["x_t"];
        assert!(!table.has_metadata);
        assert!(table.attributes.is_empty());
        assert_eq!(solution.components.len(), 1);
    }
}
