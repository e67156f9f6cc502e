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
    let mut failed = Vec::new();
    for path in paths {
        let data = std::fs::read(&path).unwrap();
        let start = Instant::now();
        // Each input on its own, so that a failure names its file and the
        // others still run.
        if let Err(panic) = std::panic::catch_unwind(|| whole_path::whole_path(&data)) {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            failed.push(format!("{}: {why}", path.display()));
            continue;
        }
        let took = start.elapsed();
        if took >= SLOW {
            failed.push(format!("{} took {took:?}", path.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "kept fuzz inputs that fail:\n{}",
        failed.join("\n")
    );
}
