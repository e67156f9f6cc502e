//! Inputs the fuzzer (fuzz/fuzz_targets/strategy.rs) stopped on, kept so that
//! what it found stays fixed. Each file under tests/fuzz_regressions/ goes the
//! whole way the fuzz target goes: bytes → strategy → plan → inventory JSON,
//! and must neither panic nor take long.

use regal_inventory::external::ExternalHosts;
use regal_inventory::inventory::{self, Inventory};
use regal_inventory::plan::Plan;
use regal_inventory::strategy::{self, HostsFrom};
use std::path::Path;
use std::time::{Duration, Instant};

/// Generous for a debug build; the inputs take milliseconds in release.
const SLOW: Duration = Duration::from_secs(20);

/// The fuzz target's fixed "earlier inventory source" for `hosts_from`.
const EARLIER_SOURCE: &str = r#"{
  "groups": {"web": ["web1", "web2", "web3"], "db": ["db1", "db2"], "canary": ["web1"]},
  "hostvars": {"web1": {"zone": "a"}, "web2": {"zone": "b"}, "web3": {"zone": "a"},
               "db1": {"zone": "a", "ansible_host": "10.0.0.1"}, "db2": {}}
}"#;

/// What the fuzz target does with one input.
fn fuzz_target(data: &[u8]) {
    run(data, HostsFrom::Unavailable);
    if data.windows(10).any(|w| w == b"hosts_from") {
        let external = ExternalHosts::from_json(EARLIER_SOURCE).unwrap();
        run(data, HostsFrom::External(&external));
        run(data, HostsFrom::Unchecked);
    }
}

fn run(data: &[u8], hosts_from: HostsFrom) {
    match strategy::parse_bytes_with(data, hosts_from) {
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
                let _ = problem.at(Path::new("regal.yml")).to_string();
            }
        }
    }
}

#[test]
fn every_kept_fuzz_input_runs_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let data = std::fs::read(&path).unwrap();
        let start = Instant::now();
        fuzz_target(&data);
        let took = start.elapsed();
        assert!(took < SLOW, "{} took {took:?}", path.display());
    }
}
