//! regal-inventory: turns a rollout strategy (`regal.yml`) into an Ansible
//! inventory with one group per rollout batch.
//!
//! The pipeline, one module per stage: [`strategy`] (read + check the YAML) →
//! [`plan`] (pure batching) → [`inventory`] (the Ansible JSON model) → [`cli`]
//! (find the file, pick the mode, print, exit code).
//!
//! Around it: [`external`] (hosts of earlier inventory sources, for `hosts_from`),
//! [`overview`] (`plan`), [`resume`] (`plan --resume-from`), [`schema`] and
//! [`output`] (standard output for a large inventory), [`parallel`] (two
//! halves of a large step at once), [`verify`] (health checks of each batch).

pub mod cli;
pub mod config;
pub mod error;
pub mod external;
pub mod hostrange;
pub mod inventory;
pub mod locate;
pub mod order;
pub mod output;
pub mod overview;
pub mod parallel;
pub mod plan;
pub mod resume;
pub mod schema;
pub mod strategy;
pub mod verify;
pub mod yaml11;
