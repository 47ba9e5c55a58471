//! dvlint's environment variables and connection references, and those of the
//! independent reader `scripts/corpus_deployment.py`, in one JSON shape to compare.

use std::process::Command;

use dvlint::model::Solution;
use serde_json::{json, Value};

/// What the model holds, in the script's shape: each list in key order.
pub fn model_json(solution: &Solution) -> Value {
    let text = |value: Option<&dvlint::source::Spanned<String>>| value.map(|v| v.value.clone());
    let variables: Vec<Value> = solution
        .environment_variables
        .values()
        .map(|v| {
            json!({
                "schema_name": v.schema_name,
                "display_name": v.display_name,
                "type": v.kind.code(),
                "default_value": text(v.default_value.as_ref()),
                "value": text(v.value.as_ref()),
            })
        })
        .collect();
    let references: Vec<Value> = solution
        .connection_references
        .values()
        .map(|r| {
            json!({
                "logical_name": r.logical_name,
                "display_name": r.display_name,
                "connector_id": text(r.connector_id.as_ref()),
            })
        })
        .collect();
    json!({
        "solution": solution.manifest.unique_name.value,
        "environment_variables": variables,
        "connection_references": references,
    })
}

/// The script's packages (`path`, then the rest as [`model_json`] writes it),
/// or `None` where python3 is missing outside CI.
pub fn script(args: &[&str]) -> Option<Vec<(String, Value)>> {
    let output = Command::new("python3")
        .arg("scripts/corpus_deployment.py")
        .args(args)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(_) if std::env::var_os("CI").is_none() => return None,
        Err(e) => panic!("python3 is needed in CI: {e}"),
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = json["packages"].as_array_mut().unwrap();
    Some(
        packages
            .iter_mut()
            .map(|package| {
                let object = package.as_object_mut().unwrap();
                let path = object.remove("path").unwrap();
                (path.as_str().unwrap().to_owned(), package.take())
            })
            .collect(),
    )
}
