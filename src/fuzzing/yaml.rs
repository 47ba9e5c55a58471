//! The YAML source format under fuzzing: arbitrary bytes as each kind of file
//! of a Git-integration tree, inside an otherwise valid tree; and the YAML
//! reader's own promises on whatever it accepts.

use crate::package;
use crate::package::yaml::tree::{self, Node, Value};
use crate::source::FileId;

/// A one-table YAML tree, every file valid: `(path, text)`.
const TREE: &[(&str, &str)] = &[
    (
        "solutions/Fuzz/solution.yml",
        "ImportExportXml:\n  '@version': 9.2.24012.198\n  '@SolutionPackageVersion': 9.2\n  '@languagecode': 1033\n  '@generatedBy': CrmLive\n  SolutionManifest:\n    UniqueName: Fuzz\n    Version: 1.0.0.0\n    Managed: 0\n    Publisher:\n      UniqueName: fuzz\n",
    ),
    (
        "solutions/Fuzz/solutioncomponents.yml",
        "SolutionComponents:\n  Component:\n  - '@path': /entities/cts_thing\n  - '@path': /optionsets/cts_choice\n  - '@path': /entityrelationships/cts_thing_account\n  - '@path': /modernflows/6d9315a8-4e94-ef11-8a69-7c1e524a2ae3\n  - '@path': /environmentvariabledefinitions/cts_Url\n  - '@path': /connectionreferences/cts_ref\n  - '@path': /canvasapps/cts_app_5d1f2\n  - '@path': /entities/cts_thing/formxml/main/ee79f890-fbd3-407a-8a68-74760952ecd6\n  - '@path': /entities/cts_thing/savedqueries/3ba2f0fe-d015-ec11-b6e6-000d3af4bff0\n  - '@path': /publishers/fuzz\n",
    ),
    (
        "solutions/Fuzz/rootcomponents.yml",
        "RootComponents:\n  RootComponent:\n  - '@type': 1\n    '@schemaName': cts_thing\n    '@behavior': 0\n  - '@type': 29\n    '@id': '{6d9315a8-4e94-ef11-8a69-7c1e524a2ae3}'\n    '@behavior': 0\n",
    ),
    (
        "solutions/Fuzz/missingdependencies.yml",
        "MissingDependencies:\n",
    ),
    (
        "publishers/fuzz/publisher.yml",
        "Publisher:\n  UniqueName: fuzz\n  CustomizationPrefix: cts\n  CustomizationOptionValuePrefix: 10000\n",
    ),
    (
        "entities/cts_thing/entity.yml",
        "Entity:\n  Name:\n    '@LocalizedName': Thing\n    '#text': cts_Thing\n  EntityInfo:\n    entity:\n      '@Name': cts_Thing\n      EntitySetName: cts_things\n",
    ),
    (
        "entities/cts_thing/attributes/cts_code.yml",
        "attribute:\n  '@PhysicalName': cts_Code\n  Type: nvarchar\n  LogicalName: cts_code\n  IsCustomField: 1\n  MaxLength: 100\n",
    ),
    (
        "entities/cts_thing/formxml/main/ee79f890-fbd3-407a-8a68-74760952ecd6/systemform.yml",
        "systemform:\n  formid: '{ee79f890-fbd3-407a-8a68-74760952ecd6}'\n  FormPresentation: 1\n  LocalizedNames:\n    LocalizedName:\n      '@description': Main\n      '@languagecode': 1033\n",
    ),
    (
        "entities/cts_thing/savedqueries/3ba2f0fe-d015-ec11-b6e6-000d3af4bff0/savedquery.yml",
        "savedquery:\n  savedqueryid: '{3ba2f0fe-d015-ec11-b6e6-000d3af4bff0}'\n  querytype: 0\n  LocalizedNames:\n    LocalizedName:\n      '@description': Active Things\n      '@languagecode': 1033\n",
    ),
    (
        "optionsets/cts_choice/optionset.yml",
        "optionset:\n  '@Name': cts_choice\n  OptionSetType: picklist\n  IsGlobal: 1\n  options:\n    option:\n    - '@value': 1\n    - '@value': 2\n",
    ),
    (
        "entityrelationships/cts_thing_account/entityrelationship.yml",
        "EntityRelationship:\n  '@Name': cts_thing_account\n  EntityRelationshipType: OneToMany\n  ReferencingEntityName: cts_thing\n  ReferencedEntityName: Account\n",
    ),
    (
        "modernflows/6d9315a8-4e94-ef11-8a69-7c1e524a2ae3/workflow.yml",
        "Workflow:\n  '@WorkflowId': '{6d9315a8-4e94-ef11-8a69-7c1e524a2ae3}'\n  '@Name': Flow\n  Category: 5\n",
    ),
    (
        "environmentvariabledefinitions/cts_Url/environmentvariabledefinition.yml",
        "environmentvariabledefinition:\n  '@schemaname': cts_Url\n  type: 100000000\n",
    ),
    (
        "connectionreferences/cts_ref/connectionreference.yml",
        "connectionreference:\n  '@connectionreferencelogicalname': cts_ref\n  connectorid: /providers/Microsoft.PowerApps/apis/shared_office365\n",
    ),
    (
        "canvasapps/cts_app_5d1f2/canvasapp.yml",
        "CanvasApp:\n  Name: cts_app_5d1f2\n  DisplayName: App\n",
    ),
];

/// Arbitrary bytes as one file of a YAML tree (the first byte picks which) whose
/// other files are valid, zipped and loaded, checked and rendered; and, read
/// alone, everything the YAML reader accepts keeps its promises.
pub fn yaml_file(data: &[u8]) {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    if let Ok(text) = std::str::from_utf8(content) {
        check_tree(text);
    }
    let path = TREE[usize::from(selector) % TREE.len()].0;
    let mut members: Vec<(&str, &[u8])> = TREE
        .iter()
        .filter(|(name, _)| *name != path)
        .map(|(name, text)| (*name, text.as_bytes()))
        .collect();
    members.push((path, content));
    let Some(zipped) = super::stored_zip(&members) else {
        return;
    };
    if let Ok(solution) = package::load_zip_bytes("fuzz.zip", zipped) {
        super::exercise(&solution);
    }
}

/// What [`tree::parse`] accepts: within its bounds, and every span a piece of
/// the text on character boundaries, a scalar's span its text as written.
fn check_tree(text: &str) {
    let Ok(root) = tree::parse(text, FileId(0), "fuzz.yml") else {
        return;
    };
    let mut nodes = 0;
    check_node(text, &root, 1, &mut nodes);
    assert!(nodes <= tree::MAX_NODES, "{nodes} nodes");
}

/// A span's line and column are where its start is in the text.
fn assert_placed(text: &str, span: crate::source::Span) {
    let (line, column) = crate::source::line_col(text, span.start as usize);
    assert_eq!(
        (span.line as usize, span.column as usize),
        (line, column),
        "{span:?}"
    );
}

/// A span lies in `text`, on character boundaries, at its line and column.
fn assert_span(text: &str, span: crate::source::Span) {
    let range = span.range();
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{span:?}"
    );
    assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
    assert_placed(text, span);
}

fn check_node(text: &str, node: &Node, depth: usize, nodes: &mut usize) {
    *nodes += 1;
    assert!(depth <= tree::MAX_DEPTH + 1, "depth {depth}");
    assert_span(text, node.span);
    match &node.value {
        Value::Null => {}
        // A plain scalar's value is the text it spans; a quoted one may unescape.
        Value::Text(_) => {}
        Value::List(items) => {
            for item in items {
                check_node(text, item, depth + 1, nodes);
            }
        }
        Value::Map(entries) => {
            let mut keys = std::collections::HashSet::new();
            for entry in entries {
                assert!(keys.insert(&entry.key), "key {:?} twice", entry.key);
                assert_span(text, entry.key_span);
                check_node(text, &entry.node, depth + 1, nodes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

    use super::*;

    /// The tree the inputs go into loads whole: each input replaces a file that
    /// gives a component, so a fuzzed file is read where a real one would be.
    #[test]
    fn the_tree_around_an_input_loads_every_file() {
        let members: Vec<(&str, &[u8])> = TREE
            .iter()
            .map(|(name, text)| (*name, text.as_bytes()))
            .collect();
        let zipped = crate::fuzzing::stored_zip(&members).unwrap();
        let solution = package::load_zip_bytes("fuzz.zip", zipped).unwrap();
        let mut ids: Vec<String> = crate::inventory::inventory(&solution)
            .iter()
            .map(|c| format!("{} {}", c.kind, c.id))
            .collect();
        ids.sort();
        assert_eq!(
            ids,
            [
                "attribute cts_thing.cts_code",
                "canvasapp canvasapp/cts_app_5d1f2",
                "connectionreference connectionreference/cts_ref",
                "entity cts_thing",
                "entityrelationship cts_thing_account",
                "environmentvariabledefinition environmentvariabledefinition/cts_url",
                "optionset cts_choice",
                "savedquery savedquery/3ba2f0fe-d015-ec11-b6e6-000d3af4bff0",
                "systemform systemform/ee79f890-fbd3-407a-8a68-74760952ecd6",
                "workflow workflow/6d9315a8-4e94-ef11-8a69-7c1e524a2ae3",
            ]
        );
        for (path, _) in TREE {
            let mut data = vec![TREE.iter().position(|(p, _)| p == path).unwrap() as u8];
            data.extend_from_slice(b"not: [valid");
            yaml_file(&data);
        }
    }
}
