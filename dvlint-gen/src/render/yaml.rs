//! The YAML source format of Dataverse Git integration, written from the
//! unpacked files the generator renders, each XML element mapped by
//! [`super::xml_to_yaml`] and laid out as Git integration (and
//! `scripts/xml_to_yaml.py`, which this follows file for file) lays it out:
//!
//! ```text
//! solutions/<U>/{solution,solutioncomponents,rootcomponents,missingdependencies}.yml
//! publishers/<p>/publisher.yml
//! entities/<t>/entity.yml, entities/<t>/attributes/<column>.yml,
//! entities/<t>/formxml/main/<id>/systemform.yml, entities/<t>/savedqueries/<id>/savedquery.yml
//! optionsets/<name>/optionset.yml, entityrelationships/<name>/entityrelationship.yml
//! ```
//!
//! Converting the rendered XML, rather than rendering YAML from the model a
//! second time, keeps one description of every element: the YAML maps exactly
//! the XML the other layouts hold.

use std::collections::BTreeMap;

use super::xml_to_yaml::{document, parse, to_node, Element, Node, Value};
use super::File;
use crate::Solution;

/// The files of a YAML root holding `solution`, sorted by path.
pub fn yaml(solution: &Solution) -> Vec<File> {
    from_unpacked(&super::unpacked(solution))
}

/// What a file of unpacked source becomes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Part<'a> {
    Manifest,
    /// `Entities/<folder>/Entity.xml`.
    Table(&'a str),
    /// `Entities/<folder>/FormXml/<kind>/<file>`.
    Forms(&'a str, &'a str),
    /// `Entities/<folder>/SavedQueries/<file>`.
    Views(&'a str),
    GlobalChoice,
    /// `Other/Relationships/<table>.xml`.
    Relationships,
    /// What the YAML format has no file for: `Customizations.xml` (languages and
    /// empty sections), the relationship index, and ribbons, which Git
    /// integration keeps as XML and `xml_to_yaml.py` leaves out.
    LeftOut,
    /// Nothing the generator renders today: a new kind of file needs a mapping.
    Unknown,
}

pub(crate) fn part(path: &str) -> Part<'_> {
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        ["Other", "Solution.xml"] => Part::Manifest,
        ["Other", "Customizations.xml" | "Relationships.xml"] => Part::LeftOut,
        ["Other", "Relationships", _] => Part::Relationships,
        ["OptionSets", _] => Part::GlobalChoice,
        ["Entities", table, "Entity.xml"] => Part::Table(table),
        ["Entities", _, "RibbonDiff.xml"] => Part::LeftOut,
        ["Entities", table, "FormXml", kind, _] => Part::Forms(table, kind),
        ["Entities", table, "SavedQueries", _] => Part::Views(table),
        _ => Part::Unknown,
    }
}

/// A YAML root from unpacked source (`files` sorted by path, as
/// [`super::unpacked`] returns them).
pub(crate) fn from_unpacked(files: &[File]) -> Vec<File> {
    let mut out = Tree::default();
    // Table folders are named by schema name; the YAML's by logical name.
    let mut logical: BTreeMap<&str, String> = BTreeMap::new();
    let mut seen_relationships = std::collections::BTreeSet::new();
    // Unpacked files sort by path; a table's definition comes before its forms
    // (`Entity.xml` < `FormXml/`) and views.
    for (path, text) in files {
        match part(path) {
            Part::Manifest => out.manifest(&parse(text)),
            Part::Table(folder) => {
                let name = out.table(parse(text));
                logical.insert(folder, name);
            }
            Part::Forms(folder, kind) => {
                let table = table_of(&logical, folder);
                for form in all(&parse(text), "systemform") {
                    let id = id_of(form, "formid");
                    let dir = format!("entities/{table}/formxml/{}/{id}", kind.to_lowercase());
                    out.component(&dir, "systemform", form);
                }
            }
            Part::Views(folder) => {
                let table = table_of(&logical, folder);
                for view in all(&parse(text), "savedquery") {
                    let id = id_of(view, "savedqueryid");
                    out.component(
                        &format!("entities/{table}/savedqueries/{id}"),
                        "savedquery",
                        view,
                    );
                }
            }
            Part::GlobalChoice => {
                let choice = parse(text);
                let name = choice.attribute("Name").unwrap_or_default().to_owned();
                out.component(&format!("optionsets/{name}"), "optionset", &choice);
            }
            Part::Relationships => {
                let index = parse(text);
                for relationship in index
                    .children
                    .iter()
                    .filter(|c| c.name == "EntityRelationship")
                {
                    let name = relationship
                        .attribute("Name")
                        .unwrap_or_default()
                        .to_owned();
                    // A relationship is in the file of each of its tables.
                    if seen_relationships.insert(name.to_lowercase()) {
                        let dir = format!("entityrelationships/{name}");
                        out.component(&dir, "EntityRelationship", relationship);
                    }
                }
            }
            Part::LeftOut | Part::Unknown => {}
        }
    }
    out.finish()
}

fn table_of<'a>(logical: &'a BTreeMap<&str, String>, folder: &'a str) -> &'a str {
    logical.get(folder).map_or(folder, String::as_str)
}

fn all<'a>(root: &'a Element, name: &str) -> Vec<&'a Element> {
    let mut found = Vec::new();
    root.descendants(name, &mut found);
    found
}

/// A form's or view's folder name: its id, lower case, without braces.
fn id_of(element: &Element, id: &str) -> String {
    let text = element.child_text(id).unwrap_or_default();
    text.trim_matches(['{', '}']).to_lowercase()
}

/// The files written so far, and the component paths `solutioncomponents.yml`
/// will list.
#[derive(Default)]
struct Tree {
    files: Vec<File>,
    listed: Vec<String>,
    unique_name: String,
}

impl Tree {
    fn write(&mut self, path: String, root: &str, node: Node) {
        self.files.push((path, document(root, node)));
    }

    /// A component in a folder of its own, listed by that folder.
    fn component(&mut self, dir: &str, root: &str, element: &Element) {
        self.write(
            format!("{dir}/{root_file}.yml", root_file = root.to_lowercase()),
            root,
            to_node(element),
        );
        self.listed.push(format!("/{dir}"));
    }

    /// `Solution.xml` as four files of `solutions/<U>/` and the publisher's own
    /// file, which `solution.yml` names by its unique name.
    fn manifest(&mut self, solution: &Element) {
        let manifest = solution.child("SolutionManifest");
        self.unique_name = manifest
            .and_then(|m| m.child_text("UniqueName"))
            .unwrap_or_default()
            .to_owned();
        let publisher = manifest.and_then(|m| m.child("Publisher"));
        let publisher_name = publisher
            .and_then(|p| p.child_text("UniqueName"))
            .unwrap_or_default()
            .to_owned();
        let mut top = to_node(solution);
        let mut taken = (None, None);
        if let Some(Value::One(inner)) = top.get_mut("SolutionManifest") {
            taken = (
                inner.take("RootComponents"),
                inner.take("MissingDependencies"),
            );
            if let Some(reference) = inner.get_mut("Publisher") {
                *reference = Value::One(Node::Map(vec![(
                    "UniqueName".to_owned(),
                    Value::One(Node::Text(publisher_name.clone())),
                )]));
            }
        }
        let dir = format!("solutions/{}", self.unique_name);
        self.write(format!("{dir}/solution.yml"), "ImportExportXml", top);
        if let Some(publisher) = publisher {
            let path = format!("publishers/{publisher_name}/publisher.yml");
            self.write(path, "Publisher", to_node(publisher));
            self.listed.push(format!("/publishers/{publisher_name}"));
        }
        // An empty list is written as an empty mapping: pac refuses a null one.
        let or_empty = |value: Option<Value>| match value {
            Some(Value::One(node @ Node::Map(_))) => node,
            _ => Node::Map(Vec::new()),
        };
        self.write(
            format!("{dir}/rootcomponents.yml"),
            "RootComponents",
            or_empty(taken.0),
        );
        let missing = or_empty(taken.1);
        self.write(
            format!("{dir}/missingdependencies.yml"),
            "MissingDependencies",
            missing,
        );
    }

    /// `Entity.xml` as `entity.yml` without its `<attributes>`, and one file a
    /// column; the table's logical name, which names its folder.
    fn table(&mut self, mut entity: Element) -> String {
        let mut columns = Vec::new();
        let info = entity.children.iter_mut().find(|c| c.name == "EntityInfo");
        let inner = info.and_then(|i| i.children.iter_mut().find(|c| c.name == "entity"));
        let name = match inner {
            Some(inner) => {
                for attributes in inner.remove("attributes") {
                    let named = attributes
                        .children
                        .into_iter()
                        .filter(|c| c.name == "attribute");
                    columns.extend(named);
                }
                inner.attribute("Name").unwrap_or_default().to_owned()
            }
            None => entity.child_text("Name").unwrap_or_default().to_owned(),
        };
        let logical = name.to_lowercase();
        for column in columns {
            let column_name = column
                .child_text("LogicalName")
                .or_else(|| column.attribute("PhysicalName"))
                .unwrap_or_default()
                .to_lowercase();
            let path = format!("entities/{logical}/attributes/{column_name}.yml");
            self.write(path, "attribute", to_node(&column));
        }
        self.write(
            format!("entities/{logical}/entity.yml"),
            "Entity",
            to_node(&entity),
        );
        self.listed.push(format!("/entities/{logical}"));
        logical
    }

    fn finish(mut self) -> Vec<File> {
        self.listed.sort();
        let components = self
            .listed
            .iter()
            .map(|path| {
                Node::Map(vec![(
                    "@path".to_owned(),
                    Value::One(Node::Text(path.clone())),
                )])
            })
            .collect();
        let node = Node::Map(vec![("Component".to_owned(), Value::Many(components))]);
        let path = format!("solutions/{}/solutioncomponents.yml", self.unique_name);
        self.write(path, "SolutionComponents", node);
        self.files.sort();
        self.files
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{render, Spec};

    fn solution() -> Solution {
        Solution::generate(&Spec {
            tables: 3,
            columns: 6,
            global_choices: 2,
            forms: 1,
            views: 2,
            ..Spec::default()
        })
    }

    #[test]
    fn every_unpacked_file_has_a_place() {
        let big = Solution::generate(&Spec::default());
        for (path, _) in render::unpacked(&big) {
            assert_ne!(part(&path), Part::Unknown, "{path}");
        }
    }

    #[test]
    fn lays_out_the_git_integration_tree() {
        let solution = solution();
        let files = yaml(&solution);
        assert_eq!(files, yaml(&solution), "deterministic");
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let u = &solution.unique_name;
        for manifest in [
            "solution",
            "solutioncomponents",
            "rootcomponents",
            "missingdependencies",
        ] {
            assert!(paths.contains(&format!("solutions/{u}/{manifest}.yml").as_str()));
        }
        assert!(paths.contains(&"publishers/generated/publisher.yml"));
        let text = |path: &str| &files.iter().find(|(p, _)| p == path).expect(path).1;
        for table in &solution.tables {
            let t = table.logical_name();
            let entity = text(&format!("entities/{t}/entity.yml"));
            assert!(entity.starts_with("Entity:\r\n  Name:\r\n"), "{entity}");
            assert!(
                !entity.contains("attributes"),
                "columns are files of their own"
            );
            for column in &table.columns {
                let c = column.logical_name();
                let file = text(&format!("entities/{t}/attributes/{c}.yml"));
                assert!(
                    file.contains(&format!("\r\n  LogicalName: {c}\r\n")),
                    "{file}"
                );
            }
            let forms = paths
                .iter()
                .filter(|p| p.starts_with(&format!("entities/{t}/formxml/main/")));
            assert_eq!(forms.count(), 1);
            let views = paths
                .iter()
                .filter(|p| p.starts_with(&format!("entities/{t}/savedqueries/")));
            assert_eq!(views.count(), 2);
        }
        for choice in &solution.choices {
            assert!(paths.contains(&format!("optionsets/{}/optionset.yml", choice.name).as_str()));
        }
        let listed = text(&format!("solutions/{u}/solutioncomponents.yml"));
        assert!(listed.starts_with("SolutionComponents:\r\n  Component:\r\n  - '@path': /"));
        // Every listed path is a folder of the tree.
        for line in listed.lines().skip(2) {
            let path = line.trim_start_matches("  - '@path': /");
            assert!(
                paths.iter().any(|p| p.starts_with(&format!("{path}/"))),
                "{path}"
            );
        }
        let manifest = text(&format!("solutions/{u}/solution.yml"));
        assert!(manifest.contains("\r\n    Version: 1.0.0.0\r\n"));
        assert!(manifest.contains("\r\n    Publisher:\r\n      UniqueName: generated\r\n"));
        assert!(!manifest.contains("RootComponent"));
        let roots = text(&format!("solutions/{u}/rootcomponents.yml"));
        assert!(roots.contains("  - '@type': 1\r\n    '@schemaName': "));
        assert_eq!(
            text(&format!("solutions/{u}/missingdependencies.yml")),
            "MissingDependencies: {}\r\n"
        );
    }
}
