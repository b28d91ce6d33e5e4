//! Instants: RFC 3339 text as the policy format and the options accept it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use certpin::UnixTime;

// ---- RFC 3339 offsets ----

#[test]
fn rfc3339_offsets_are_two_digits() {
    assert_eq!(UnixTime::parse_rfc3339("2027-01-01T00:00:00+-1:00"), None);
    assert_eq!(UnixTime::parse_rfc3339("2027-01-01T00:00:00+1:000"), None);
    assert_eq!(UnixTime::parse_rfc3339("2027-01-01T00:00:00-+1:00"), None);
    assert_eq!(
        UnixTime::parse_rfc3339("2027-01-01T01:00:00+01:00"),
        UnixTime::parse_rfc3339("2027-01-01T00:00:00Z")
    );
}
