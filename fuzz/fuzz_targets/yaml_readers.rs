//! cargo-fuzz target for the fast YAML reader alone: wherever it reads a text,
//! serde_yaml must read the same. Far more executions per second than the
//! whole-path target, which checks this too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        assert!(
            regal_inventory::strategy::block_yaml::agrees_with_serde_yaml(source),
            "the fast YAML reader and serde_yaml read this differently"
        );
    }
});
