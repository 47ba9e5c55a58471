//! A deployment setting the import cannot apply: a value that does not fit its
//! variable's type, or a connector other than the reference's.

use super::settings::applied;
use super::{Context, Finding};
use crate::model::{EnvironmentVariable, VariableType};
use crate::policy::shown;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(applied) = applied(ctx) else {
        return;
    };
    let Some(settings) = applied.settings() else {
        return;
    };
    for entry in &settings.variables {
        let Some((key, variable)) = find(&ctx.candidate.environment_variables, &entry.schema_name)
        else {
            continue;
        };
        let Some(value) = entry.given() else {
            continue;
        };
        let Some(expected) = problem(variable, value) else {
            continue;
        };
        out.push(
            Finding::new(
                format!(
                    "`{}` is a {} variable, but the settings give `{}`: {expected}",
                    variable.schema_name,
                    variable.kind.noun(),
                    shown(value)
                ),
                settings.locate(entry.value_at),
            )
            .component(format!("environmentvariabledefinition/{key}"))
            .label("this value")
            .related(ctx.candidate.locate(variable.span), "the variable's definition")
            .help("give a value of the variable's type; the import refuses the settings otherwise"),
        );
    }
    for entry in &settings.references {
        let Some((key, reference)) = find(&ctx.candidate.connection_references, &entry.logical_name)
        else {
            continue;
        };
        let (Some(given), Some(connector)) = (entry.connector_id.as_deref(), &reference.connector_id)
        else {
            continue;
        };
        if given.trim().is_empty() || same_connector(given, &connector.value) {
            continue;
        }
        out.push(
            Finding::new(
                format!(
                    "the settings name connector `{}` for `{}`, whose connector is `{}`",
                    shown(given),
                    reference.logical_name,
                    connector.value
                ),
                settings.locate(entry.connector_at),
            )
            .component(format!("connectionreference/{key}"))
            .label("this connector")
            .related(ctx.candidate.locate(connector.span), "the reference's connector")
            .help(format!(
                "write `{}` as its `ConnectorId`, and give a connection of that connector",
                connector.value
            )),
        );
    }
}

/// The entry of `map` (keyed by lower-case name) that `name` names.
fn find<'m, T>(map: &'m std::collections::BTreeMap<String, T>, name: &str) -> Option<(&'m str, &'m T)> {
    map.get_key_value(&name.to_ascii_lowercase())
        .map(|(key, value)| (key.as_str(), value))
}

/// Connector ids compare without case: `/providers/Microsoft.PowerApps/apis/shared_office365`.
fn same_connector(a: &str, b: &str) -> bool {
    a.trim().trim_end_matches('/').eq_ignore_ascii_case(b.trim().trim_end_matches('/'))
}

/// What the value should be, when it does not fit the variable's type.
fn problem(variable: &EnvironmentVariable, value: &str) -> Option<&'static str> {
    let fits = match variable.kind {
        VariableType::Number => is_number(value),
        VariableType::Boolean => value.eq_ignore_ascii_case("yes") || value.eq_ignore_ascii_case("no"),
        VariableType::Json => serde_json::from_str::<serde::de::IgnoredAny>(value).is_ok(),
        VariableType::Secret => is_key_vault_reference(value),
        VariableType::String | VariableType::DataSource | VariableType::Unknown(_) => true,
    };
    if fits {
        return None;
    }
    Some(match variable.kind {
        VariableType::Number => "expected a number, like `42` or `-1.5`",
        VariableType::Boolean => "expected `yes` or `no`",
        VariableType::Json => "expected valid JSON",
        _ => "expected a Key Vault secret reference, \
              `/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.KeyVault/vaults/{vault}/secrets/{secret}`",
    })
}

/// A decimal number as Dataverse stores one: an optional sign, digits, an
/// optional fraction.
fn is_number(value: &str) -> bool {
    let digits = value.trim().strip_prefix(['-', '+']).unwrap_or(value.trim());
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// `/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.KeyVault/vaults/{vault}/secrets/{secret}`.
fn is_key_vault_reference(value: &str) -> bool {
    let parts: Vec<&str> = value.trim().split('/').collect();
    let literal = |i: usize, text: &str| parts.get(i).is_some_and(|p| p.eq_ignore_ascii_case(text));
    let named = |i: usize| parts.get(i).is_some_and(|p| !p.is_empty());
    parts.len() == 11
        && parts[0].is_empty()
        && literal(1, "subscriptions")
        && named(2)
        && literal(3, "resourceGroups")
        && named(4)
        && literal(5, "providers")
        && literal(6, "Microsoft.KeyVault")
        && literal(7, "vaults")
        && named(8)
        && literal(9, "secrets")
        && named(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_key_vault_references() {
        for ok in ["0", "42", "-1.5", "+3", "0.25"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "ten", "1e3", "1.", ".5", "1,5", "--1"] {
            assert!(!is_number(bad), "{bad}");
        }
        assert!(is_key_vault_reference(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/api-key"
        ));
        assert!(!is_key_vault_reference("my-secret"));
        assert!(!is_key_vault_reference(
            "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/keys/k"
        ));
    }
}
