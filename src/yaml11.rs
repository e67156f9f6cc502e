//! STUB in the `reader` branch only, until the real module arrives from `main`:
//! YAML 1.1 resolution of a plain scalar as ansible-core reads it.

/// The value ansible-core gives the plain scalar `text` (stub: YAML 1.2 core).
pub fn resolve_plain(text: &str) -> serde_json::Value {
    use serde_json::Value;
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => text
            .parse::<i64>()
            .ok()
            .map(Value::from)
            .or_else(|| text.parse::<u64>().ok().map(Value::from))
            .unwrap_or_else(|| Value::String(text.to_string())),
    }
}
