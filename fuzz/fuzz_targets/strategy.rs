//! The whole path of one run: bytes → strategy → plan → inventory JSON, plus
//! `--host` for one name. Any panic here would be a crash of the inventory
//! Ansible runs, so none is allowed; a rejected strategy is fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regal_inventory::inventory::{self, Inventory};
use regal_inventory::plan::Plan;
use regal_inventory::strategy;

fuzz_target!(|data: &[u8]| {
    match strategy::parse_bytes(data) {
        Ok(strategy) => {
            let plan = Plan::new(&strategy);
            let json = serde_json::to_vec(&Inventory::new(&plan)).expect("inventory serializes");
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
});
