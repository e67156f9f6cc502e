//! cargo-fuzz target for the YAML tree alone: the fast reader, the event
//! parser and serde_yaml must agree (see fuzz/reference.rs). Far more
//! executions per second than the whole-path target, which checks this too.
#![no_main]

#[path = "../reference.rs"]
mod reference;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        assert!(
            reference::agrees(source),
            "the YAML tree builders and serde_yaml read this differently"
        );
    }
});
