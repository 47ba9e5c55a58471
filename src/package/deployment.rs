//! The details of environment variables and connection references that
//! deployment checks need, read while their components are (see
//! [`super::components`]): a variable's type, default and current value, a
//! reference's connector. Both forms hold them in the same elements — a section
//! of `customizations.xml`, or a definition file of a component folder — and the
//! current value of a variable may also sit beside its definition file, in
//! `environmentvariablevalues.json`.

use super::customizations::Components;
use super::xml::{Element, XmlCursor};
use super::LoadError;
use crate::model::{ConnectionReference, EnvironmentVariable, VariableType};
use crate::source::{FileId, Span, Spanned};

/// The file pac writes a variable's current value to, beside its definition.
pub const VALUES_FILE: &str = "environmentvariablevalues.json";

/// What the children of a component element said, for the kinds with details.
pub enum Details {
    Variable {
        kind: Option<Spanned<String>>,
        default_value: Option<Spanned<String>>,
        value: Option<Spanned<String>>,
    },
    Reference {
        connector_id: Option<Spanned<String>>,
    },
    /// Any other kind.
    None,
}

impl Details {
    pub fn for_kind(kind: &str) -> Self {
        match kind {
            "environmentvariabledefinition" => Details::Variable {
                kind: None,
                default_value: None,
                value: None,
            },
            "connectionreference" => Details::Reference { connector_id: None },
            _ => Details::None,
        }
    }

    /// Reads `child` of the component element when it is one of the details;
    /// `false` leaves it unread, for the caller. Only direct children count: a
    /// custom connector's `<customconnectorid><connectorid>` is its GUID, not the
    /// connector id, and is skipped with its parent.
    pub fn offer<'a>(
        &mut self,
        cur: &mut XmlCursor<'a>,
        child: &Element<'a>,
    ) -> Result<bool, LoadError> {
        let slot = match self {
            Details::Variable {
                kind,
                default_value,
                value,
            } => {
                if child.is("environmentvariablevalues") {
                    let nested = nested_value(cur, child)?;
                    if value.is_none() {
                        *value = nested;
                    }
                    return Ok(true);
                }
                if child.is("type") {
                    kind
                } else if child.is("defaultvalue") {
                    default_value
                } else {
                    return Ok(false);
                }
            }
            Details::Reference { connector_id } if child.is("connectorid") => connector_id,
            Details::Reference { .. } | Details::None => return Ok(false),
        };
        let text = cur.text(child)?;
        if slot.is_none() {
            *slot = Some(text);
        }
        Ok(true)
    }

    /// Adds what was read to `out`, keyed by the component's key. `name` is the
    /// display name the component was given, if any.
    pub fn finish(
        self,
        key: String,
        written: String,
        name: Option<String>,
        span: Span,
        out: &mut Components,
    ) {
        let non_empty = |text: Option<Spanned<String>>| text.filter(|t| !t.value.is_empty());
        match self {
            Details::Variable {
                kind,
                default_value,
                value,
            } => out.variables.push((
                key,
                EnvironmentVariable {
                    schema_name: written,
                    display_name: name,
                    kind: VariableType::from_code(kind.as_ref().map_or("", |k| &k.value)),
                    default_value: non_empty(default_value),
                    value: non_empty(value),
                    span,
                },
            )),
            Details::Reference { connector_id } => out.references.push((
                key,
                ConnectionReference {
                    logical_name: written,
                    display_name: name,
                    connector_id: non_empty(connector_id),
                    span,
                },
            )),
            Details::None => {}
        }
    }
}

/// `<environmentvariablevalues><environmentvariablevalue>…<value>`: the first
/// value that is not empty.
fn nested_value<'a>(
    cur: &mut XmlCursor<'a>,
    element: &Element<'a>,
) -> Result<Option<Spanned<String>>, LoadError> {
    let mut found = None;
    if element.is_empty {
        return Ok(found);
    }
    while let Some(entry) = cur.next_child()? {
        if !entry.is("environmentvariablevalue") || entry.is_empty {
            cur.skip(&entry)?;
            continue;
        }
        while let Some(child) = cur.next_child()? {
            if child.is("value") {
                let text = cur.text(&child)?;
                if found.is_none() && !text.value.is_empty() {
                    found = Some(text);
                }
            } else {
                cur.skip(&child)?;
            }
        }
    }
    Ok(found)
}

/// The current value in an `environmentvariablevalues.json`:
/// `{"environmentvariablevalues":{"environmentvariablevalue":{…,"value":"…"}}}`,
/// where `environmentvariablevalue` may also be a list; the first entry whose
/// value is not empty counts. Its text is trimmed, as an element's is, so that
/// every form of one package gives the same value.
pub fn json_value(
    text: &str,
    file: FileId,
    path: &str,
) -> Result<Option<Spanned<String>>, LoadError> {
    let document: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        // serde_json counts columns in bytes; dvlint in characters.
        let line_start = line_offset(text, e.line());
        let offset = line_start + e.column().saturating_sub(1);
        // The message without serde_json's own position, which is in bytes.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        LoadError::xml(path, text, offset, format!("malformed JSON: {message}"))
    })?;
    let shape = |message: &str| LoadError::xml(path, text, 0, message);
    let serde_json::Value::Object(top) = &document else {
        return Err(shape(
            "not a JSON object: expected {\"environmentvariablevalues\": …}",
        ));
    };
    let entries = match top.get("environmentvariablevalues") {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::Object(values)) => values.get("environmentvariablevalue"),
        Some(_) => return Err(shape("`environmentvariablevalues` is not an object")),
    };
    let entries: Vec<&serde_json::Value> = match entries {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    };
    for entry in entries {
        let serde_json::Value::Object(entry) = entry else {
            return Err(shape(
                "`environmentvariablevalue` is neither an object nor a list of objects",
            ));
        };
        match entry.get("value") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(value)) => {
                let value = value.trim();
                if !value.is_empty() {
                    let (start, end) = locate_value(text, value).unwrap_or((0, 0));
                    let span = Span::in_text(file, text, start, end);
                    return Ok(Some(Spanned::new(value.to_owned(), span)));
                }
            }
            Some(_) => {
                return Err(shape(
                    "an `environmentvariablevalue` whose `value` is not text",
                ))
            }
        }
    }
    Ok(None)
}

/// Byte offset where the 1-based `line` of `text` starts.
fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    memchr::memchr_iter(b'\n', text.as_bytes())
        .nth(line - 2)
        .map_or(text.len(), |newline| newline + 1)
}

/// Where the string of a `"value": "…"` member that decodes to `wanted` (once
/// trimmed) is written, inside its quotes. serde_json keeps no positions, so
/// the text is searched; any member it could confuse decodes to another value.
fn locate_value(text: &str, wanted: &str) -> Option<(usize, usize)> {
    const KEY: &str = "\"value\"";
    let mut from = 0;
    while let Some(found) = text[from..].find(KEY) {
        let after_key = from + found + KEY.len();
        from = after_key;
        let rest = text[after_key..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        if !rest.starts_with('"') {
            continue;
        }
        let open = text.len() - rest.len();
        let Some(close) = string_end(&text[open + 1..]).map(|i| open + 1 + i) else {
            continue;
        };
        let decoded: Option<String> = serde_json::from_str(&text[open..=close]).ok();
        if decoded.as_deref().map(str::trim) == Some(wanted) {
            return Some((open + 1, close));
        }
    }
    None
}

/// Index of the `"` that ends a JSON string whose content starts `text`.
fn string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, byte) in text.bytes().enumerate() {
        match (escaped, byte) {
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'"') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::components::{Generic, Place};
    use crate::package::customizations::parse_file;

    /// The sections as exports write them (modelled on tc-ca's and the
    /// business-approvals-kit's `Customizations.xml`), with an older export's
    /// nested current value and the references a solution only carries.
    const CUSTOMIZATIONS: &str = r#"<ImportExportXml>
  <connectionreferences>
    <connectionreference connectionreferencelogicalname="cts_SharedOffice365_5c1e2">
      <connectionreferencedisplayname>Contoso | Outlook</connectionreferencedisplayname>
      <connectorid>/providers/Microsoft.PowerApps/apis/shared_office365</connectorid>
      <iscustomizable>1</iscustomizable>
    </connectionreference>
    <connectionreference connectionreferencelogicalname="cts_Graph">
      <connectionreferencedisplayname>Contoso | Graph</connectionreferencedisplayname>
      <customconnectorid>
        <connectorid>a6fa6a98-5844-49fa-aa1e-ac7ffcc1b1b8</connectorid>
      </customconnectorid>
      <connectorid>/providers/Microsoft.PowerApps/apis/shared_cts-5fgraph-5f21dec655d73f3a8c</connectorid>
    </connectionreference>
    <connectionreference connectionreferencelogicalname="cts_NoConnector">
      <customconnectorid><connectorid>b6fa6a98-5844-49fa-aa1e-ac7ffcc1b1b8</connectorid></customconnectorid>
    </connectionreference>
    <connectionreference connectionreferencelogicalname="other_Teams" unmodified="1">
      <connectorid>/providers/Microsoft.PowerApps/apis/shared_teams</connectorid>
    </connectionreference>
  </connectionreferences>
  <environmentvariabledefinitions>
    <environmentvariabledefinition schemaname="cts_PortalUrl">
      <defaultvalue>https://contoso.example</defaultvalue>
      <displayname default="Portal URL"><label description="Portal URL" languagecode="1033" /></displayname>
      <type>100000000</type>
      <environmentvariablevalues>
        <environmentvariablevalue>
          <schemaname>cts_PortalUrl</schemaname>
          <value></value>
        </environmentvariablevalue>
        <environmentvariablevalue>
          <value> https://test.contoso.example </value>
        </environmentvariablevalue>
      </environmentvariablevalues>
    </environmentvariabledefinition>
    <environmentvariabledefinition schemaname="cts_Retries">
      <defaultvalue />
      <type>100000001</type>
    </environmentvariabledefinition>
    <environmentvariabledefinition schemaname="cts_Odd"><type>7</type></environmentvariabledefinition>
    <environmentvariabledefinition schemaname="other_Flag" unmodified="1"><type>100000002</type></environmentvariabledefinition>
  </environmentvariabledefinitions>
</ImportExportXml>"#;

    fn parse(text: &str, place: &Place) -> Components {
        let mut cur = XmlCursor::new(text, FileId(0), "customizations.xml");
        parse_file(&mut cur, place).unwrap()
    }

    fn at(text: &str, value: &Option<Spanned<String>>) -> String {
        let span = value.as_ref().unwrap().span;
        text[span.range()].to_owned()
    }

    #[test]
    fn customizations_sections_give_the_details_of_what_the_solution_defines() {
        let found = parse(CUSTOMIZATIONS, &Place::default());
        let keys: Vec<&str> = found.references.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["cts_sharedoffice365_5c1e2", "cts_graph", "cts_noconnector"]
        );
        let (_, outlook) = &found.references[0];
        assert_eq!(outlook.logical_name, "cts_SharedOffice365_5c1e2");
        assert_eq!(outlook.display_name.as_deref(), Some("Contoso | Outlook"));
        assert_eq!(outlook.connector_name(), Some("shared_office365"));
        let connector = &outlook.connector_id;
        assert_eq!(
            at(CUSTOMIZATIONS, connector),
            "/providers/Microsoft.PowerApps/apis/shared_office365"
        );
        assert!(CUSTOMIZATIONS[outlook.span.start as usize..].starts_with("<connectionreference "));
        // The custom connector's GUID, nested, is not the connector id.
        let (_, graph) = &found.references[1];
        assert_eq!(
            graph.connector_name(),
            Some("shared_cts-5fgraph-5f21dec655d73f3a8c")
        );
        assert_eq!(found.references[2].1.connector_id, None);

        let keys: Vec<&str> = found.variables.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["cts_portalurl", "cts_retries", "cts_odd"]);
        let (_, url) = &found.variables[0];
        assert_eq!(url.schema_name, "cts_PortalUrl");
        assert_eq!(url.display_name.as_deref(), Some("Portal URL"));
        assert_eq!(url.kind, VariableType::String);
        assert_eq!(
            at(CUSTOMIZATIONS, &url.default_value),
            "https://contoso.example"
        );
        // The first value that is not empty, trimmed, pointing at its text.
        assert_eq!(
            url.value.as_ref().unwrap().value,
            "https://test.contoso.example"
        );
        assert_eq!(
            at(CUSTOMIZATIONS, &url.value),
            "https://test.contoso.example"
        );
        let (_, retries) = &found.variables[1];
        assert_eq!(
            (&retries.kind, &retries.default_value),
            (&VariableType::Number, &None)
        );
        assert_eq!(retries.display_name, None);
        assert_eq!(
            found.variables[2].1.kind,
            VariableType::Unknown("7".to_owned())
        );
        // The components are all there, references included.
        assert_eq!(found.components.len(), 8);
    }

    #[test]
    fn a_definition_file_gives_the_details_too() {
        let text = "<environmentvariabledefinition schemaname=\"cts_Enabled\">\n  <defaultvalue>no</defaultvalue>\n  <displayname default=\"Enabled\" />\n  <type>100000002</type>\n</environmentvariabledefinition>";
        let place = Place {
            generic: Some(Generic {
                kind: "environmentvariabledefinition".to_owned(),
                parents: Vec::new(),
            }),
            optional: true,
            ..Place::default()
        };
        let found = parse(text, &place);
        let [(key, variable)] = found.variables.as_slice() else {
            panic!("{:?}", found.variables);
        };
        assert_eq!(key, "cts_enabled");
        assert_eq!(variable.kind.noun(), "yes/no");
        assert_eq!(at(text, &variable.default_value), "no");
        assert_eq!(variable.value, None);
    }

    fn value(text: &str) -> Result<Option<Spanned<String>>, LoadError> {
        json_value(text, FileId(0), "environmentvariablevalues.json")
    }

    #[test]
    fn the_values_file_gives_the_current_value_with_its_place() {
        let text = r#"{"environmentvariablevalues":{"environmentvariablevalue":{"@environmentvariablevalueid":"8caecfd4-aebb-ee11-a569-000d3aaa0ed0","iscustomizable":"1","schemaname":"cts_PortalUrl","value":"https://test.contoso.example"}}}"#;
        let found = value(text).unwrap();
        assert_eq!(at(text, &found), "https://test.contoso.example");
        // A list: the first entry with a value, escapes decoded; a member named
        // `value` elsewhere does not mislead the span.
        let text = "{\"environmentvariablevalues\": {\"environmentvariablevalue\": [\n  {\"schemaname\": \"value\", \"value\": \"\"},\n  {\"note\": \"\\\"value\\\": \\\"x\\\"\", \"value\" : \" {\\\"a\\\": 1} \"}\n]}}";
        let found = value(text).unwrap();
        assert_eq!(found.as_ref().unwrap().value, "{\"a\": 1}");
        assert_eq!(at(text, &found), " {\\\"a\\\": 1} ");
        for empty in [
            "{}",
            r#"{"environmentvariablevalues":null}"#,
            r#"{"environmentvariablevalues":{}}"#,
            r#"{"environmentvariablevalues":{"environmentvariablevalue":[]}}"#,
            r#"{"environmentvariablevalues":{"environmentvariablevalue":{"value":null}}}"#,
            r#"{"environmentvariablevalues":{"environmentvariablevalue":{"value":"  "}}}"#,
        ] {
            assert_eq!(value(empty).unwrap(), None, "{empty}");
        }
    }

    #[test]
    fn a_malformed_values_file_names_its_line_and_column() {
        let text = "{\"environmentvariablevalues\": {\n  \"environmentvariablevalue\": {\"välue\": \"x\",}\n}}";
        let error = value(text).err().unwrap().to_string();
        // The `}` after the comma: character 45 of its line (serde_json's byte
        // count, 46, would be off by the `ä`).
        assert!(
            error == "environmentvariablevalues.json:2:45: malformed JSON: trailing comma",
            "{error}"
        );
        // Hostile nesting is refused, not followed.
        let deep = format!(
            "{{\"environmentvariablevalues\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let error = value(&deep).err().unwrap().to_string();
        assert!(error.contains("recursion limit exceeded"), "{error}");
        for (text, says) in [
            ("[1]", "not a JSON object"),
            (r#"{"environmentvariablevalues":"x"}"#, "is not an object"),
            (
                r#"{"environmentvariablevalues":{"environmentvariablevalue":["x"]}}"#,
                "neither an object nor a list",
            ),
            (
                r#"{"environmentvariablevalues":{"environmentvariablevalue":{"value":1}}}"#,
                "is not text",
            ),
        ] {
            let error = value(text).err().unwrap().to_string();
            assert!(
                error.starts_with("environmentvariablevalues.json:1:1: ") && error.contains(says),
                "{text}: {error}"
            );
        }
    }
}
