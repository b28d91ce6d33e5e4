#![no_main]

// The body is shared with the stable replay test, tests/fuzz_corpus.rs.
#[allow(dead_code)]
#[path = "../../tests/fuzz_cases/mod.rs"]
mod fuzz_cases;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_cases::revocation(data));
