//! What an upgrade from a baseline to a candidate adds: the mirror of
//! [`diff`](super::diff)'s [`Removed`](super::diff::Removed), read the other way.
//!
//! The same conventions hold. Components marked `unmodified="1"` on either side
//! are references, not content, and are never additions. A new table owns its
//! columns, its relationships and the forms, views, charts and processes bound to
//! it: they are counted in its entry, not listed on their own. A new relationship
//! owns its lookup column and its column mapping. System tables (no publisher
//! prefix) are never added, only the custom columns a solution puts on them.

use super::diff::{diff, Change, Removed};
use crate::model::Solution;
use crate::source::Span;

/// A component of the candidate that the baseline lacks, described as its
/// removal would be: the same ids, words and folding ([`Removed`]). Every
/// reference points into the candidate.
#[derive(Debug)]
pub struct Added<'a>(pub Removed<'a>);

impl Added<'_> {
    /// The component id (DESIGN.md §1), as findings name it: `cts_project`,
    /// `cts_project.cts_code`, `cts_project_account`, `cts_priority`,
    /// `workflow/6d93…`, `cts_priority:100000003`.
    pub fn component(&self) -> String {
        self.0.component()
    }

    /// A short description for lists: "table `cts_invoice`", "cloud flow `Notify`".
    pub fn describe(&self) -> String {
        self.0.describe()
    }

    /// Where the candidate defines it.
    pub fn span(&self) -> Span {
        self.0.span()
    }
}

/// What the candidate has that the baseline lacks: what an upgrade the other way
/// round, from the candidate to the baseline, would remove. Reading the diff in
/// reverse keeps one set of rules for what belongs to what (a table's columns
/// and forms, a relationship's lookup, a money column's `_base`), so an addition
/// is counted exactly as its removal would be. A solution compared with itself
/// adds nothing.
pub fn added<'a>(baseline: &'a Solution, candidate: &'a Solution) -> Vec<Added<'a>> {
    diff(candidate, baseline)
        .into_iter()
        .filter_map(|change| match change {
            Change::Removed(removed) => Some(Added(removed)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

    use super::*;

    const SOLUTION_XML: &str = r#"<ImportExportXml version="9.2.24012.198" SolutionPackageVersion="9.2" languagecode="1033" generatedBy="CrmLive">
  <SolutionManifest>
    <UniqueName>ContosoCore</UniqueName>
    <Version>1.1.0.0</Version>
    <Managed>1</Managed>
    <Publisher>
      <UniqueName>contoso</UniqueName>
      <CustomizationPrefix>cts</CustomizationPrefix>
    </Publisher>
    <RootComponents />
    <MissingDependencies />
  </SolutionManifest>
</ImportExportXml>"#;

    fn column(name: &str, kind: &str, extra: &str) -> String {
        format!(
            "<attribute PhysicalName=\"{name}\"><Type>{kind}</Type><LogicalName>{name}</LogicalName>\
             <IsCustomField>1</IsCustomField>{extra}</attribute>"
        )
    }

    fn options(values: &[i64]) -> String {
        let options: String = values
            .iter()
            .map(|v| format!("<option value=\"{v}\"><labels><label description=\"o{v}\" languagecode=\"1033\" /></labels></option>"))
            .collect();
        format!("<options>{options}</options>")
    }

    fn table(name: &str, unmodified: bool, columns: &[String], rest: &str) -> String {
        let flag = if unmodified { " unmodified=\"1\"" } else { "" };
        format!(
            "<Entity><Name>{name}</Name><EntityInfo><entity Name=\"{name}\"{flag}><attributes>{}</attributes></entity></EntityInfo>{rest}</Entity>",
            columns.concat()
        )
    }

    fn relationship(name: &str, many: &str, one: &str, lookup: &str) -> String {
        format!(
            "<EntityRelationship Name=\"{name}\"><EntityRelationshipType>OneToMany</EntityRelationshipType>\
             <ReferencingEntityName>{many}</ReferencingEntityName><ReferencedEntityName>{one}</ReferencedEntityName>\
             <ReferencingAttributeName>{lookup}</ReferencingAttributeName></EntityRelationship>"
        )
    }

    fn option_set(name: &str, unmodified: bool, values: &[i64]) -> String {
        let flag = if unmodified { " unmodified=\"1\"" } else { "" };
        format!(
            "<optionset Name=\"{name}\"{flag}><OptionSetType>picklist</OptionSetType>{}</optionset>",
            options(values)
        )
    }

    fn workflow(id: &str, name: &str, unmodified: bool) -> String {
        let flag = if unmodified { " unmodified=\"1\"" } else { "" };
        format!("<Workflow WorkflowId=\"{{{id}}}\" Name=\"{name}\"{flag}><Category>5</Category></Workflow>")
    }

    /// An extracted export of these parts, loaded.
    fn solution(
        dir: &std::path::Path,
        entities: &[String],
        relationships: &[String],
        option_sets: &[String],
        rest: &str,
    ) -> Solution {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("solution.xml"), SOLUTION_XML).unwrap();
        let customizations = format!(
            "<ImportExportXml><Entities>{}</Entities><optionsets>{}</optionsets>\
             <EntityRelationships>{}</EntityRelationships>{rest}</ImportExportXml>",
            entities.concat(),
            option_sets.concat(),
            relationships.concat()
        );
        std::fs::write(dir.join("customizations.xml"), customizations).unwrap();
        crate::package::load(dir).unwrap_or_else(|e| panic!("{e}"))
    }

    const FLOW_KEPT: &str = "6d9315a8-4e94-ef11-8a69-7c1e524a2ae3";
    const FLOW_NEW: &str = "0bc0b71b-0bfd-ee11-a1fe-000d3a16bed5";
    const FLOW_REFERENCE: &str = "3f1c2a4e-9b7d-ef11-a72b-6045bd0f1c3a";

    fn baseline(dir: &std::path::Path) -> Solution {
        let project = table(
            "cts_project",
            false,
            &[
                column(
                    "cts_name",
                    "nvarchar",
                    "<DisplayMask>PrimaryName|ValidForForm</DisplayMask>",
                ),
                column("cts_code", "nvarchar", ""),
                column(
                    "cts_stage",
                    "picklist",
                    &format!(
                        "<optionset Name=\"cts_stage\">{}</optionset>",
                        options(&[1, 2])
                    ),
                ),
                column(
                    "cts_kind",
                    "picklist",
                    &format!("<optionset Name=\"cts_kind\">{}</optionset>", options(&[1])),
                ),
            ],
            "",
        );
        let account = table(
            "Account",
            true,
            &["<attribute PhysicalName=\"Name\" unmodified=\"1\"><Type>nvarchar</Type><LogicalName>name</LogicalName><IsCustomField>0</IsCustomField></attribute>".to_owned()],
            "",
        );
        solution(
            dir,
            &[project, account],
            &[],
            &[
                option_set("cts_priority", false, &[1, 2]),
                option_set("cts_color", true, &[1]),
            ],
            &format!(
                "<Workflows>{}</Workflows>",
                workflow(FLOW_KEPT, "Kept", false)
            ),
        )
    }

    fn candidate(dir: &std::path::Path) -> Solution {
        let project = table(
            "cts_project",
            false,
            &[
                column(
                    "cts_name",
                    "nvarchar",
                    "<DisplayMask>PrimaryName|ValidForForm</DisplayMask>",
                ),
                column("cts_code", "nvarchar", ""),
                column(
                    "cts_stage",
                    "picklist",
                    &format!(
                        "<optionset Name=\"cts_stage\">{}</optionset>",
                        options(&[1, 2, 3])
                    ),
                ),
                // Retyped: its options are another column's, not additions.
                column(
                    "cts_kind",
                    "multiselectpicklist",
                    &format!(
                        "<optionset Name=\"cts_kind\">{}</optionset>",
                        options(&[1, 2])
                    ),
                ),
                column("cts_budget", "money", ""),
                column(
                    "cts_budget_base",
                    "money",
                    "<CalculationOf>cts_budget</CalculationOf>",
                ),
                column("cts_accountid", "lookup", ""),
            ],
            "",
        );
        let invoice = table(
            "cts_invoice",
            false,
            &[
                column("cts_name", "nvarchar", "<DisplayMask>PrimaryName</DisplayMask>"),
                column("cts_amount", "money", ""),
                column("cts_projectid", "lookup", ""),
            ],
            "<FormXml><forms type=\"main\"><systemform><formid>{0a1b2c3d-0000-0000-0000-000000000003}</formid></systemform></forms></FormXml>",
        );
        let account = table(
            "Account",
            true,
            &[
                "<attribute PhysicalName=\"Name\" unmodified=\"1\"><Type>nvarchar</Type><LogicalName>name</LogicalName><IsCustomField>0</IsCustomField></attribute>".to_owned(),
                column("cts_tier", "picklist", ""),
            ],
            "",
        );
        // Only a reference: an unmanaged export's way of naming a table it needs.
        let reference = table("cts_reference", true, &[], "");
        solution(
            dir,
            &[project, invoice, account, reference],
            &[
                relationship("cts_account_cts_project", "cts_project", "account", "cts_accountid"),
                relationship("cts_cts_project_cts_invoice", "cts_invoice", "cts_project", "cts_projectid"),
                "<EntityRelationship Name=\"cts_old_ref\" unmodified=\"1\"><EntityRelationshipType>OneToMany</EntityRelationshipType></EntityRelationship>".to_owned(),
            ],
            &[
                option_set("cts_priority", false, &[1, 2, 3]),
                option_set("cts_color", false, &[1, 2]),
                option_set("cts_size", false, &[1]),
            ],
            &format!(
                "<Workflows>{}{}{}</Workflows>\
                 <EntityMaps><EntityMap><EntitySource>account</EntitySource><EntityTarget>cts_project</EntityTarget></EntityMap></EntityMaps>",
                workflow(FLOW_KEPT, "Kept, renamed", false),
                workflow(FLOW_NEW, "New flow", false),
                workflow(FLOW_REFERENCE, "Someone else's", true),
            ),
        )
    }

    #[test]
    fn every_kind_of_addition_is_found_once_with_its_id() {
        let temp = tempfile::tempdir().unwrap();
        let (before, after) = (
            baseline(&temp.path().join("a")),
            candidate(&temp.path().join("b")),
        );
        let added = added(&before, &after);
        let listed: Vec<(String, String)> = added
            .iter()
            .map(|a| (a.component(), a.describe()))
            .collect();
        let flow = format!("workflow/{FLOW_NEW}");
        let expected = [
            ("account.cts_tier", "column `account.cts_tier`"),
            ("cts_invoice", "table `cts_invoice`"),
            ("cts_project.cts_budget", "column `cts_project.cts_budget`"),
            (
                "cts_project.cts_stage:3",
                "option `cts_project.cts_stage:3`",
            ),
            (
                "cts_account_cts_project",
                "relationship `cts_account_cts_project`",
            ),
            (flow.as_str(), "cloud flow `New flow`"),
            ("cts_priority:3", "option `cts_priority:3`"),
            ("cts_size", "global choice `cts_size`"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(id, text)| ((*id).to_owned(), (*text).to_owned()))
            .collect();
        assert_eq!(listed, expected);

        let Some(Added(Removed::Table {
            columns,
            relationships,
            parts,
            ..
        })) = added
            .iter()
            .find(|a| matches!(a, Added(Removed::Table { .. })))
        else {
            panic!("no table in {added:?}")
        };
        assert_eq!((*columns, *relationships), (3, 1));
        assert_eq!(parts.iter().collect::<Vec<_>>(), [(&"form", &1)]);
        let Some(Added(Removed::Option { global, .. })) =
            added.iter().find(|a| a.component() == "cts_priority:3")
        else {
            panic!()
        };
        assert!(*global);

        // Every span is in the candidate, at what it names.
        for addition in &added {
            let location = after.locate(addition.span());
            let whole = location.file.read_text().unwrap();
            let text = &whole[location.start..];
            let key = addition.component();
            let last = key.rsplit(['.', ':', '/']).next().unwrap();
            assert!(
                text[..text.len().min(300)]
                    .to_ascii_lowercase()
                    .contains(last),
                "{key}: {}",
                &text[..text.len().min(80)]
            );
        }
    }

    #[test]
    fn a_solution_adds_nothing_to_itself_and_removals_are_not_additions() {
        let temp = tempfile::tempdir().unwrap();
        let (before, after) = (
            baseline(&temp.path().join("a")),
            candidate(&temp.path().join("b")),
        );
        assert!(added(&before, &before).is_empty());
        assert!(added(&after, &after).is_empty());
        // Read backwards, the candidate's additions are what the baseline lacks;
        // what the baseline has and the candidate lacks is not among them.
        let backwards: Vec<String> = added(&after, &before)
            .iter()
            .map(Added::component)
            .collect();
        assert!(backwards.is_empty(), "{backwards:?}");
    }
}
