//! The JSON Schema (draft-07) of the config file, generated from the raw
//! types: what `hearth config-schema` prints and `config/hearth.schema.json`
//! holds, so editors (taplo, Even Better TOML) check and complete keys. The
//! loader walks the same schema to report every unknown key and wrong type.

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::raw::RawConfig;

/// The schema as a JSON value.
pub fn json_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = SchemaSettings::draft07().into_generator().into_root_schema_for::<RawConfig>();
        let mut value = schema.to_value();
        drop_null(&mut value);
        value
    })
}

/// The schema as the committed file holds it: pretty JSON and a final newline.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// TOML has no null: an absent key is how a value is left out, so the
/// `null` that `Option` fields get is taken out again.
fn drop_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_string(), only);
                }
            }
            if let Some(Value::Array(options)) = map.get_mut("anyOf") {
                options.retain(|o| o.get("type").is_none_or(|t| t != "null"));
                if options.len() == 1 {
                    let only = options.remove(0);
                    map.remove("anyOf");
                    map.insert("allOf".to_string(), Value::Array(vec![only]));
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}
