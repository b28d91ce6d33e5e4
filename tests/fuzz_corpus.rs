//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and the minimised inputs of
//! past findings (`tests/fuzz_regressions/<target>/`) through the same code the cargo-fuzz
//! targets run (`tests/fuzz_cases/mod.rs`), on stable Rust: none may panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod fuzz_cases;

use std::path::Path;

/// A target's body: it takes the raw input and must not panic.
type Target = fn(&[u8]);

/// Every target, by its name under `fuzz/fuzz_targets/`.
const TARGETS: [(&str, Target); 6] = [
    ("chain", fuzz_cases::chain),
    ("pin", fuzz_cases::pin),
    ("policy", fuzz_cases::policy),
    ("import", fuzz_cases::import),
    ("check", fuzz_cases::check),
    ("revocation", fuzz_cases::revocation),
];

/// Runs every file in `dir` through `run`; returns how many there were.
fn replay(dir: &Path, run: Target) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut count = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_file() {
            run(&std::fs::read(&path).unwrap());
            count += 1;
        }
    }
    count
}

#[test]
fn corpus_replays_without_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (target, run) in TARGETS {
        let seen = replay(&root.join("fuzz/corpus").join(target), run);
        assert!(seen > 0, "fuzz/corpus/{target} is empty or missing");
    }
}

#[test]
fn regressions_replay_without_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (target, run) in TARGETS {
        replay(&root.join("tests/fuzz_regressions").join(target), run);
    }
}

#[test]
fn empty_input_is_fine_for_every_target() {
    for (_, run) in TARGETS {
        run(&[]);
    }
}
