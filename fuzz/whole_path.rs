//! The whole path of one run: bytes → strategy → plan → inventory JSON, plus
//! `--host` for one name. Any panic here would be a crash of the inventory
//! Ansible runs, so none is allowed; a rejected strategy is fine. The two YAML
//! tree builders and serde_yaml must agree (reference.rs).
//!
//! A strategy with `hosts_from` also goes the inventory plugin's way, with the
//! hosts of a small fixed "earlier source", and `check`'s way (hosts unknown).
//! The validator's fast paths for host lists (host entries read from their
//! spans, vars rendered without a map) must give what its reference path
//! gives: the same inventory, or the same problems.
//! Shared by the fuzz target and tests/fuzz_regressions.rs.

use regal_inventory::external::ExternalHosts;
use regal_inventory::inventory::{self, Inventory};
use regal_inventory::plan::Plan;
use regal_inventory::strategy::{self, HostsFrom};
use regal_inventory::tree::Texts;
use std::sync::OnceLock;

const EARLIER_SOURCE: &str = r#"{
  "groups": {"web": ["web1", "web2", "web3"], "db": ["db1", "db2"], "canary": ["web1"]},
  "hostvars": {"web1": {"zone": "a"}, "web2": {"zone": "b"}, "web3": {"zone": "a"},
               "db1": {"zone": "a", "ansible_host": "10.0.0.1"}, "db2": {}}
}"#;

/// Everything the binary could do with `data` as its strategy file.
pub fn whole_path(data: &[u8]) {
    if let Ok(source) = std::str::from_utf8(data) {
        assert!(
            super::reference::agrees(source),
            "the YAML tree builders and serde_yaml read this differently"
        );
    }
    run(data, HostsFrom::Unavailable);
    if data.windows(10).any(|w| w == b"hosts_from") {
        static EXTERNAL: OnceLock<ExternalHosts> = OnceLock::new();
        let external = EXTERNAL.get_or_init(|| ExternalHosts::from_json(EARLIER_SOURCE).unwrap());
        run(data, HostsFrom::External(external));
        run(data, HostsFrom::Unchecked);
    }
}

fn run(data: &[u8], hosts_from: HostsFrom) {
    if let Ok(source) = std::str::from_utf8(data) {
        // The reference copies the names that the fast path keeps in `texts`.
        let texts = Texts::default();
        let fast = outcome(strategy::parse_with(source, &texts, hosts_from));
        let reference = outcome(strategy::parse_by_reference(source, hosts_from));
        assert!(
            fast == reference,
            "the validator's fast paths and its reference differ: {fast:?} {reference:?}"
        );
    }
    let texts = Texts::default();
    match strategy::parse_bytes_with(data, &texts, hosts_from) {
        Ok(strategy) => {
            let plan = Plan::new(&strategy);
            let inventory = Inventory::new(&plan);
            let json = serde_json::to_vec(&inventory).expect("inventory serializes");
            let mut written = Vec::new();
            inventory
                .write_json(&mut written)
                .expect("inventory is written");
            assert!(written == json, "--list's writer and serde differ");
            assert!(!json.is_empty());
            if let Some(host) = plan.hosts().next() {
                let _ = inventory::host_vars(&plan, &host.name);
            }
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a rejected strategy names a problem");
            for problem in &problems {
                let _ = problem.at(std::path::Path::new("regal.yml")).to_string();
            }
        }
    }
}

/// The inventory JSON of a strategy read, or its problems as printed.
fn outcome(
    read: Result<strategy::Strategy, Vec<regal_inventory::error::Problem>>,
) -> Result<String, Vec<String>> {
    match read {
        Ok(strategy) => {
            let plan = Plan::new(&strategy);
            let mut written = Vec::new();
            (Inventory::new(&plan).write_json(&mut written)).expect("inventory is written");
            Ok(String::from_utf8(written).expect("JSON is UTF-8"))
        }
        Err(problems) => Err(problems
            .iter()
            .map(|p| p.at(std::path::Path::new("regal.yml")).to_string())
            .collect()),
    }
}
