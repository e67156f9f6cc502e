//! Inputs the fuzzer (fuzz/fuzz_targets/strategy.rs) stopped on, kept so that
//! what it found stays fixed. Each file under tests/fuzz_regressions/ goes the
//! whole way the fuzz target goes: bytes → strategy → plan → inventory JSON,
//! and must neither panic nor take long.

use regal_inventory::inventory::{self, Inventory};
use regal_inventory::plan::Plan;
use regal_inventory::strategy;
use std::path::Path;
use std::time::{Duration, Instant};

/// Generous for a debug build; the inputs take milliseconds in release.
const SLOW: Duration = Duration::from_secs(20);

/// What the fuzz target does with one input.
fn run(data: &[u8]) {
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
        run(&data);
        let took = start.elapsed();
        assert!(took < SLOW, "{} took {took:?}", path.display());
    }
}
