//! Proptest strategies that damage real payloads: replace any node of a JSON
//! document with a hostile value, or flip bytes of its text. Shared by the
//! adapters' fuzz tests (`#[path]`-included; not a crate of its own).

use proptest::prelude::*;
use serde_json::{Value, json};

/// Values a broken or malicious sender might put anywhere.
fn hostile() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(i64::MIN)),
        Just(json!(u64::MAX)),
        Just(json!(1e308)),
        Just(json!("")),
        Just(json!("/checkin")),
        Just(json!("\u{202e}@everyone")),
        Just(json!([])),
        Just(json!({})),
        Just(json!([{"type": 1, "name": "x"}])),
        ".{0,40}".prop_map(Value::String),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// Every node's JSON pointer, the root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(fields) => {
            for (key, child) in fields {
                pointers(child, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// `original` with up to four nodes replaced (or removed from their object).
pub fn mutated(original: Value) -> impl Strategy<Value = Value> {
    prop::collection::vec((any::<prop::sample::Index>(), hostile(), any::<bool>()), 1..4).prop_map(move |edits| {
        let mut value = original.clone();
        for (index, replacement, remove) in edits {
            let mut all = Vec::new();
            pointers(&value, String::new(), &mut all);
            let at = &all[index.index(all.len())];
            let (parent, key) = at.rsplit_once('/').unwrap_or(("", ""));
            if remove && let Some(Value::Object(fields)) = value.pointer_mut(parent) {
                fields.remove(&key.replace("~1", "/").replace("~0", "~"));
            } else if let Some(node) = value.pointer_mut(at) {
                *node = replacement;
            }
        }
        value
    })
}

/// The text of `original` with a few bytes overwritten.
pub fn flipped_bytes(original: &Value) -> impl Strategy<Value = Vec<u8>> {
    let text = original.to_string().into_bytes();
    prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6).prop_map(move |flips| {
        let mut bytes = text.clone();
        for (index, byte) in flips {
            let at = index.index(bytes.len());
            bytes[at] = byte;
        }
        bytes
    })
}
