//! Inputs the fuzzer (fuzz/fuzz_targets/strategy.rs) stopped on, kept so that
//! what it found stays fixed. Each file under tests/fuzz_regressions/ goes the
//! whole way the fuzz target goes: bytes → strategy → plan → inventory JSON,
//! and must neither panic nor take long.

#[path = "../fuzz/reference.rs"]
mod reference;
#[path = "../fuzz/whole_path.rs"]
mod whole_path;

use std::path::Path;
use std::time::{Duration, Instant};

/// Generous for a debug build; the inputs take milliseconds in release.
const SLOW: Duration = Duration::from_secs(20);

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
        whole_path::whole_path(&data);
        let took = start.elapsed();
        assert!(took < SLOW, "{} took {took:?}", path.display());
    }
}
