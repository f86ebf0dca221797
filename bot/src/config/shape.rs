//! The file's shape, checked against the JSON Schema before serde reads it:
//! every unknown key, wrong type and missing required key, each at its
//! position and in plain words. serde stops at the first of these; this
//! walk reports them all, and marks what to blank out so the rest of the file
//! can still be read and its values checked.

use std::ops::Range;

use serde_json::{Map, Value as Json};
use toml_edit::{Item, Key, TableLike, Value};

/// What the walk found: errors at byte offsets, the byte ranges that hold
/// them (to blank), and whether blanking cannot make the file readable.
#[derive(Default)]
pub struct Findings {
    pub errors: Vec<(usize, String)>,
    pub blank: Vec<Range<usize>>,
    pub unrecoverable: bool,
}

pub fn check(root: &dyn TableLike, schema: &Json) -> Findings {
    let mut walk = Walk { defs: schema.get("definitions").and_then(Json::as_object), found: Findings::default() };
    walk.table(root, schema, "", 0, Whole::None);
    walk.found
}

/// What to blank when a table lacks a required key: the table itself (header
/// and contents), the key = value pair holding an inline one, or nothing.
#[derive(Clone, Copy)]
enum Whole<'t> {
    Table(&'t toml_edit::Table),
    Pair(Option<(usize, usize)>),
    None,
}

struct Walk<'s> {
    defs: Option<&'s Map<String, Json>>,
    found: Findings,
}

impl<'s> Walk<'s> {
    /// Follows `$ref` and a single `allOf` to the schema that says the type.
    fn resolve(&self, mut schema: &'s Json) -> &'s Json {
        for _ in 0..8 {
            if let Some(name) = schema.get("$ref").and_then(Json::as_str) {
                match name.strip_prefix("#/definitions/").and_then(|n| self.defs?.get(n)) {
                    Some(def) => schema = def,
                    None => return schema,
                }
            } else if let Some([only]) = schema.get("allOf").and_then(Json::as_array).map(Vec::as_slice) {
                schema = only;
            } else {
                return schema;
            }
        }
        schema
    }

    fn error(&mut self, at: usize, message: String) {
        self.found.errors.push((at, message));
    }

    fn table(&mut self, table: &dyn TableLike, schema: &'s Json, path: &str, header_at: usize, whole: Whole<'_>) {
        let schema = self.resolve(schema);
        let properties = schema.get("properties").and_then(Json::as_object);
        let closed = schema.get("additionalProperties") == Some(&Json::Bool(false));
        for (name, item) in table.iter() {
            let Some((key, _)) = table.get_key_value(name) else { continue };
            let key_at = key.span().map_or(header_at, |s| s.start);
            let kv = key_value_range(key, item);
            match properties.and_then(|p| p.get(name)) {
                Some(property) => self.item(item, property, &join(path, name), kv),
                None if closed => {
                    let keys: Vec<&str> = properties.into_iter().flat_map(|p| p.keys().map(String::as_str)).collect();
                    let guess = closest(name, &keys).map(|k| format!("did you mean `{k}`? ")).unwrap_or_default();
                    self.error(
                        key_at,
                        format!(
                            "unknown field `{name}` in {}: {guess}expected one of {}",
                            label(path),
                            keys.join(", ")
                        ),
                    );
                    self.blank_item(item, kv);
                }
                None => {}
            }
        }
        let mut missing = false;
        for required in schema.get("required").and_then(Json::as_array).into_iter().flatten() {
            if let Some(name) = required.as_str().filter(|name| !table.contains_key(name)) {
                self.error(header_at, format!("{} is missing `{name}`, which is required", label(path)));
                missing = true;
            }
        }
        if missing {
            match whole {
                Whole::Table(table) => self.blank_table(table),
                Whole::Pair(Some((start, end))) => self.found.blank.push(start..end),
                Whole::Pair(None) | Whole::None => self.found.unrecoverable = true,
            }
        }
    }

    fn item(&mut self, item: &Item, schema: &'s Json, path: &str, kv: Option<Range<usize>>) {
        let schema = self.resolve(schema);
        let expected = schema.get("type").and_then(Json::as_str).unwrap_or("");
        match (expected, item) {
            (_, Item::Value(value)) => self.value(value, schema, path, kv),
            ("object", Item::Table(table)) => {
                let at = table.span().map_or(0, |s| s.start);
                self.table(table, schema, path, at, Whole::Table(table));
            }
            ("array", Item::ArrayOfTables(tables)) => {
                let items = schema.get("items").unwrap_or(&Json::Null);
                for table in tables.iter() {
                    let at = table.span().map_or(0, |s| s.start);
                    self.table(table, items, path, at, Whole::Table(table));
                }
            }
            (_, Item::None) => {}
            _ => {
                let at = item.span().map_or(0, |s| s.start);
                self.error(
                    at,
                    format!("{} expected {}, got {}", named(path), expected_words(self, schema), item_words(item)),
                );
                self.blank_item(item, kv);
            }
        }
    }

    fn value(&mut self, value: &Value, schema: &'s Json, path: &str, kv: Option<Range<usize>>) {
        let expected = schema.get("type").and_then(Json::as_str).unwrap_or("");
        let fits = match (expected, value) {
            ("string", Value::String(_)) | ("integer", Value::Integer(_)) | ("boolean", Value::Boolean(_)) => true,
            ("object", Value::InlineTable(table)) => {
                let at = table.span().map_or(0, |s| s.start);
                self.table(table, schema, path, at, Whole::Pair(kv.as_ref().map(|r| (r.start, r.end))));
                true
            }
            ("array", Value::Array(array)) => {
                let items = schema.get("items").unwrap_or(&Json::Null);
                let element_path = format!("{path}[]");
                for element in array.iter() {
                    let element_schema = self.resolve(items);
                    self.value(element, element_schema, &element_path, kv.clone());
                }
                true
            }
            ("", _) => true,
            _ => false,
        };
        if !fits {
            let at = value.span().map_or(0, |s| s.start);
            self.error(
                at,
                format!("{} expected {}, got {}", named(path), expected_words(self, schema), value_words(value)),
            );
            match kv {
                Some(range) => self.found.blank.push(range),
                None => self.found.unrecoverable = true,
            }
        }
    }

    /// Marks an item for blanking: a key = value pair whole, a table's header and contents.
    fn blank_item(&mut self, item: &Item, kv: Option<Range<usize>>) {
        match item {
            Item::Value(_) => match kv {
                Some(range) => self.found.blank.push(range),
                None => self.found.unrecoverable = true,
            },
            Item::Table(table) => self.blank_table(table),
            Item::ArrayOfTables(tables) => tables.iter().for_each(|t| self.blank_table(t)),
            Item::None => {}
        }
    }

    fn blank_table(&mut self, table: &toml_edit::Table) {
        match table.span() {
            Some(span) => self.found.blank.push(span),
            None if table.is_implicit() || table.is_dotted() => {}
            None => self.found.unrecoverable = true,
        }
        for (name, item) in table.iter() {
            let kv = table.get_key_value(name).and_then(|(key, item)| key_value_range(key, item));
            self.blank_item(item, kv);
        }
    }
}

/// From a key to the end of its value (`points = 3`), when both have spans.
fn key_value_range(key: &Key, item: &Item) -> Option<Range<usize>> {
    match item {
        Item::Value(value) => Some(key.span()?.start..value.span()?.end),
        _ => None,
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

/// How a value is named in a message: `` `community.name` ``, or an item of a list.
fn named(path: &str) -> String {
    match path.strip_suffix("[]") {
        Some(list) => format!("an item of `{list}`"),
        None => format!("`{path}`"),
    }
}

/// How a table is named in a message: the top level, `[bot]`, `[[community]]`,
/// an item of a list.
fn label(path: &str) -> String {
    if path.ends_with("[]") {
        return named(path);
    }
    match path {
        "" => "the top level".to_string(),
        "community" => "[[community]]".to_string(),
        "community.schedule" | "community.badge" | "community.season" => format!("[[{path}]]"),
        _ => format!("[{path}]"),
    }
}

fn expected_words(walk: &Walk<'_>, schema: &Json) -> String {
    match schema.get("type").and_then(Json::as_str) {
        Some("string") => "text in quotes".to_string(),
        Some("integer") => "a whole number".to_string(),
        Some("boolean") => "true or false".to_string(),
        Some("object") => "a table".to_string(),
        Some("array") => {
            let items = walk.resolve(schema.get("items").unwrap_or(&Json::Null));
            match items.get("type").and_then(Json::as_str) {
                Some("string") => "a list of texts in quotes, like [\"a\", \"b\"]".to_string(),
                Some("integer") => "a list of whole numbers, like [1, 2]".to_string(),
                Some("object") => "a list of tables".to_string(),
                _ => "a list".to_string(),
            }
        }
        _ => "something else".to_string(),
    }
}

fn value_words(value: &Value) -> String {
    match value {
        Value::String(s) => format!("text {:?}", s.value()),
        Value::Integer(n) => format!("the number {}", n.value()),
        Value::Float(f) => format!("the decimal number {}", f.value()),
        Value::Boolean(b) => b.value().to_string(),
        Value::Datetime(d) => format!("the date {}", d.value()),
        Value::Array(_) => "a list".to_string(),
        Value::InlineTable(_) => "a table".to_string(),
    }
}

fn item_words(item: &Item) -> String {
    match item {
        Item::Value(value) => value_words(value),
        Item::Table(_) => "a table".to_string(),
        Item::ArrayOfTables(_) => "a list of tables".to_string(),
        Item::None => "nothing".to_string(),
    }
}

/// The known key nearest to a misspelt one, if it is close (at most 2 edits).
fn closest<'k>(name: &str, keys: &[&'k str]) -> Option<&'k str> {
    keys.iter().map(|k| (edit_distance(name, k), *k)).filter(|(d, _)| *d <= 2).min_by_key(|(d, _)| *d).map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}
