//! regal-inventory: turns a rollout strategy (`regal.yml`) into an Ansible
//! inventory with one group per rollout batch.
//!
//! The pipeline, one module per stage: [`tree`] (the YAML as written, with
//! positions) → [`strategy`] (validate it into a strategy) →
//! [`plan`] (pure batching) → [`inventory`] (the Ansible JSON model) → [`cli`]
//! (find the file, pick the mode, print, exit code).
//!
//! Around it: [`external`] (hosts of earlier inventory sources, for `hosts_from`),
//! [`overview`] (`plan`), [`resume`] (`plan --resume-from`), [`schema`] and
//! [`output`] (standard output for a large inventory), [`parallel`] (two
//! halves of a large step at once), [`verify`] (health checks of each batch).

// `regal_inventory::` names this crate inside it too, for the shared
// reference comparison of the tests and fuzz targets.
extern crate self as regal_inventory;

#[cfg(test)]
#[path = "../fuzz/reference.rs"]
mod reference;

pub mod cli;
pub mod config;
pub mod error;
pub mod external;
pub mod hostrange;
pub mod inventory;
pub mod order;
pub mod output;
pub mod overview;
pub mod parallel;
pub mod plan;
pub mod resume;
pub mod schema;
pub mod strategy;
pub mod tree;
pub mod verify;
pub mod yaml11;
