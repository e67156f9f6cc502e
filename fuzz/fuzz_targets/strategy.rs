//! cargo-fuzz target over the whole path of one run (see fuzz/whole_path.rs).
#![no_main]

#[path = "../reference.rs"]
mod reference;
#[path = "../whole_path.rs"]
mod whole_path;

libfuzzer_sys::fuzz_target!(|data: &[u8]| whole_path::whole_path(data));
