//! Golden `--list` output of every file in inventory_examples/ (snapshots in
//! tests/snapshots/; review changes with `cargo insta review`).

use std::path::Path;
use std::process::Command;

#[test]
fn every_example_inventory_matches_its_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory_examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "examples missing: {files:?}");
    for file in files {
        let output = Command::new(env!("CARGO_BIN_EXE_regal-inventory"))
            .args(["--list", "--config"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stderr.is_empty());
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let name = file.file_stem().unwrap().to_str().unwrap().to_string();
        insta::assert_snapshot!(name, serde_json::to_string_pretty(&json).unwrap());
    }
}
