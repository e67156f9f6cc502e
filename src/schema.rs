//! `regal-inventory schema`: the JSON Schema of regal.yml, generated from the
//! serde types that read it ([`crate::strategy::file`]), so the two cannot drift.

use crate::strategy::file::StrategyFile;

/// The schema, as JSON.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(StrategyFile))
        .expect("a generated schema is plain JSON")
}
