//! The solutions installed in an environment, as the Dataverse Web API lists them:
//! `GET [org]/api/data/v9.2/solutions?$select=uniquename,version,ismanaged
//! &$expand=publisherid($select=uniquename)`, an OData document whose `value`
//! array holds one object per solution. The Web API adds keys of its own
//! (`solutionid`, `@odata.etag`); only the selected ones are read.

use std::collections::HashMap;
use std::sync::Arc;

use super::fields::{shown, Fields};
use crate::json::{self, JsonError, JsonKind};
use crate::model::SolutionVersion;
use crate::source::{Location, SourceFile};

/// One installed solution.
#[derive(Debug, Clone)]
pub struct InstalledSolution {
    pub name: String,
    pub version: SolutionVersion,
    pub managed: bool,
    /// The publisher's unique name, when the listing has it.
    pub publisher: Option<String>,
    /// Where it is listed (the JSON object, or the policy's list entry).
    pub location: Option<Location>,
}

const DOCUMENT_KEYS: [&str; 2] = ["value", "@odata.nextLink"];
const ROW_KEYS: [&str; 4] = ["uniquename", "version", "ismanaged", "publisherid"];
const PUBLISHER_KEYS: [&str; 1] = ["uniquename"];

/// Reads the Web API's JSON. Every problem is reported, with its line and column.
pub fn parse(file: &Arc<SourceFile>) -> Result<Vec<InstalledSolution>, Vec<JsonError>> {
    let root = json::parse(file.text().unwrap_or("")).map_err(|e| vec![e])?;
    let mut fields = Fields::new(file);
    let mut solutions = Vec::new();
    if let Some(members) = fields.object(&root, "the document") {
        let [value, next_link] = fields.members(members, &DOCUMENT_KEYS, false, false);
        if let Some(next) = next_link {
            fields.problem(
                next.start,
                "the file holds one page of the listing (`@odata.nextLink`); save every page, \
                 or request them all with `Prefer: odata.maxpagesize=5000`",
            );
        }
        match value {
            None => fields.problem(
                root.start,
                "missing `value`: expected the Web API's response to \
                 `GET …/api/data/v9.2/solutions?$select=uniquename,version,ismanaged`",
            ),
            Some(value) => {
                let mut seen: HashMap<String, usize> = HashMap::new();
                for row in fields.array(value, "`value`") {
                    let Some(solution) = solution(&mut fields, file, row) else {
                        continue;
                    };
                    let key = solution.name.to_ascii_lowercase();
                    if seen.insert(key, row.start).is_some() {
                        fields.problem(
                            row.start,
                            format!("solution `{}` is listed twice", shown(&solution.name)),
                        );
                        continue;
                    }
                    solutions.push(solution);
                }
            }
        }
    }
    if !fields.has_problems() {
        Ok(solutions)
    } else {
        Err(fields.into_sorted_problems())
    }
}

fn solution(
    fields: &mut Fields<'_>,
    file: &Arc<SourceFile>,
    row: &json::Json,
) -> Option<InstalledSolution> {
    let members = fields.object(row, "a solution")?;
    let [name, version, managed, publisher] = fields.members(members, &ROW_KEYS, false, false);
    let name = fields.required_text(name, row.start, "`uniquename`");
    let version = fields
        .required_text(version, row.start, "`version`")
        .and_then(|text| {
            let parsed = SolutionVersion::parse(text.value);
            if !parsed.is_valid() {
                fields.problem(
                    text.start,
                    format!("invalid solution version `{}`", shown(text.value)),
                );
                return None;
            }
            Some(parsed)
        });
    let managed = match managed.map(|m| (&m.kind, m.start)) {
        Some((JsonKind::Bool(value), _)) => Some(*value),
        Some((other, start)) => {
            fields.problem(
                start,
                format!("`ismanaged` must be true or false, not {}", other.name()),
            );
            None
        }
        None => {
            fields.problem(row.start, "missing `ismanaged`");
            None
        }
    };
    let publisher = match publisher {
        None => None,
        Some(json) if matches!(json.kind, JsonKind::Null) => None,
        Some(json) => {
            let members = fields.object(json, "`publisherid`")?;
            let [unique] = fields.members(members, &PUBLISHER_KEYS, false, false);
            unique
                .and_then(|u| fields.text(u, "`publisherid.uniquename`"))
                .map(|t| t.value.to_owned())
        }
    };
    Some(InstalledSolution {
        name: name?.value.trim().to_owned(),
        version: version?,
        managed: managed?,
        publisher,
        location: Some(Location::new(Arc::clone(file), row.start, row.start)),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn file(text: &str) -> Arc<SourceFile> {
        SourceFile::new("test-solutions.json".into(), text.into())
    }

    #[test]
    fn reads_the_web_api_listing() {
        let text = r#"{
  "@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#solutions(uniquename,version,ismanaged,publisherid(uniquename))",
  "value": [
    { "@odata.etag": "W/\"1\"", "uniquename": "msdynce_Service", "version": "9.0.5.56", "ismanaged": true, "solutionid": "x",
      "publisherid": { "uniquename": "microsoftdynamics", "publisherid": "y" } },
    { "uniquename": "Active", "version": "1.0", "ismanaged": false }
  ]
}"#;
        let solutions = parse(&file(text)).unwrap();
        assert_eq!(solutions.len(), 2);
        assert_eq!(solutions[0].name, "msdynce_Service");
        assert_eq!(solutions[0].version.raw, "9.0.5.56");
        assert!(solutions[0].managed);
        assert_eq!(solutions[0].publisher.as_deref(), Some("microsoftdynamics"));
        assert_eq!(solutions[1].publisher, None);
        assert_eq!(solutions[1].location.as_ref().unwrap().line_col(), (6, 5));
    }

    #[test]
    fn every_problem_is_reported_at_its_place() {
        let text = r#"{"value": [
  {"uniquename": "A", "version": "one", "ismanaged": "yes"},
  {"version": "1.0", "ismanaged": true},
  {"uniquename": "a", "version": "1.0", "ismanaged": true},
  {"uniquename": "A", "version": "1.0", "ismanaged": true}
]}"#;
        let problems = parse(&file(text)).unwrap_err();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "2:34: invalid solution version `one`",
                "2:54: `ismanaged` must be true or false, not a string",
                "3:3: missing `uniquename`",
                "5:3: solution `A` is listed twice",
            ],
            "{shown:#?}"
        );
        // A file wrong throughout: the first problems, and a count of the rest.
        let rows = vec!["[]"; super::super::fields::MAX_PROBLEMS + 50].join(",");
        let problems = parse(&file(&format!("{{\"value\": [{rows}]}}"))).unwrap_err();
        assert_eq!(problems.len(), super::super::fields::MAX_PROBLEMS + 1);
        assert_eq!(
            problems[0].to_string(),
            "1:12: a solution must be an object, not an array"
        );
        let last = problems.last().unwrap().to_string();
        assert_eq!(
            last,
            "1:312: 50 more problems not listed, the first of them here"
        );
        let paged = parse(&file(r#"{"value": [], "@odata.nextLink": "x"}"#)).unwrap_err();
        assert!(paged[0].message.contains("one page"), "{paged:?}");
        assert!(parse(&file("[]")).is_err());
        assert!(parse(&file(r#"{"values": []}"#)).unwrap_err()[0]
            .message
            .contains("missing `value`"));
    }
}
