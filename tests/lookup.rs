//! `Policy::lookup` (`PinPolicy.prototype.lookup`): the entry that applies to a name,
//! found by the same rule as `check`, for every spelling of a name or an IP address.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use certpin::Policy;

const PIN_A: &str = "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const PIN_B: &str = "sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=";

fn policy() -> Policy {
    Policy::from_json(&format!(
        r#"{{"version":1,"domains":[
          {{"host":"127.0.0.1","pins":["{PIN_A}","{PIN_B}"]}},
          {{"host":"2001:db8::1","pins":["{PIN_A}","{PIN_B}"],"mode":"report"}},
          {{"host":"**.example.com","pins":["{PIN_A}","{PIN_B}"]}},
          {{"host":"api.example.com","pins":["{PIN_A}",{{"pin":"{PIN_B}","state":"candidate"}}],"expires":"2030-01-01"}}
        ]}}"#
    ))
    .unwrap()
}

#[test]
fn every_spelling_of_a_pinned_address_finds_its_entry() {
    let policy = policy();
    for name in [
        "127.0.0.1",
        "127.1",
        "127.0.1",
        "2130706433",
        "0x7f.0.0.1",
        "0x7f000001",
        "0177.0.0.1",
        "127.0.0.1.",
        "::ffff:127.0.0.1",
        "[::ffff:127.0.0.1]",
        "::ffff:7f00:1",
    ] {
        let entry = policy.lookup(name).unwrap().expect(name);
        assert_eq!(entry.host, "127.0.0.1", "{name}");
    }
    for name in ["[2001:db8::1]", "2001:DB8:0:0:0:0:0:1"] {
        let entry = policy.lookup(name).unwrap().expect(name);
        assert_eq!((entry.host.as_str(), entry.mode), ("2001:db8::1", "report"));
    }
}

#[test]
fn the_most_specific_entry_applies_as_in_check() {
    let policy = policy();
    let exact = policy.lookup("API.Example.COM.").unwrap().unwrap();
    assert_eq!(exact.host, "api.example.com");
    assert_eq!(exact.expires.as_deref(), Some("2030-01-01T00:00:00Z"));
    assert!(!exact.include_subdomains);
    assert_eq!(exact.pins.len(), 2);
    assert_eq!(
        policy.lookup("www.example.com").unwrap().unwrap().host,
        "**.example.com"
    );
    assert_eq!(
        policy.lookup("example.com").unwrap().unwrap().host,
        "**.example.com"
    );
}

#[test]
fn unpinned_names_are_none_and_bad_names_are_errors() {
    let policy = policy();
    for name in [
        "127.0.0.2",
        "::1",
        "::127.0.0.1",
        "example.org",
        "localhost",
    ] {
        assert!(policy.lookup(name).unwrap().is_none(), "{name}");
    }
    for name in [
        "",
        "1.2.3.256",
        "example.123",
        "[127.0.0.1]",
        "a..b",
        "*.example.com",
    ] {
        let error = policy.lookup(name).unwrap_err();
        assert_eq!(error.code(), "INVALID_ARGUMENT", "{name}");
    }
}
