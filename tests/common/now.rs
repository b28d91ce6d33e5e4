//! The tests' one fixed "now" (also compiled into the fuzz targets, through
//! tests/fuzz_cases/mod.rs, so it holds constants only).

/// 2026-06-01T00:00:00Z in seconds (`date -u -d 2026-06-01 +%s`): inside every generated
/// certificate's validity. A test that needs another instant names it as an offset from
/// this one and says why.
pub const NOW: i64 = 1_780_272_000;
/// Milliseconds per second, for the options that take milliseconds.
pub const MS: i64 = 1000;
/// NOW in milliseconds.
pub const NOW_MS: i64 = NOW * MS;
/// Seconds per day.
pub const DAY: i64 = 86_400;
