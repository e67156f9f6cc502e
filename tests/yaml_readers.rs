//! The YAML tree builders against each other and serde_yaml on every strategy
//! file the tests hold (see fuzz/reference.rs).

#[path = "../fuzz/reference.rs"]
mod reference;

use regal_inventory::strategy::block_yaml;
use std::path::Path;

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

#[test]
fn both_readers_agree_on_every_strategy_file_of_the_tests() {
    let mut read = Vec::new();
    for dir in [
        "inventory_examples",
        "tests/bad_strategies",
        "tests/fuzz_regressions",
    ] {
        for path in files(dir) {
            let Ok(source) = String::from_utf8(std::fs::read(&path).unwrap()) else {
                continue;
            };
            assert!(reference::agrees(&source), "{}", path.display());
            if block_yaml::read(&source).is_some() {
                read.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    eprintln!("{} read: {read:?}", read.len());
}
