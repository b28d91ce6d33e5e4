//! The policy document: what a bad policy is refused for (with the JSON path), the
//! `$schema` and `comment` fields, and `Policy::lookup` (`PinPolicy.prototype.lookup`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::useless_format
)]

mod common;
use certpin::{Error, Policy};
use common::policies::*;

#[test]
fn bad_policies_are_policy_invalid_with_a_path() {
    let table: Vec<(String, &str)> = vec![
        ("{not json".into(), "$"),
        (
            format!("{{\"version\":1,\"domains\":[{{\"host\":\"a.com\",\"pin\":[\"{LEAF}\"]}}]}}"),
            "domains[0].pin",
        ),
        (
            format!(
                "{{\"version\":1,\"domains\":[{}]}}",
                entry(
                    "a.com",
                    &["sha256/iUtCkCg0VjCN73k9Fwl+KTcaUpKHYGF8GTj0kbT8"],
                    ""
                )
            ),
            "domains[0].pins[0]",
        ),
        (
            format!(
                "{{\"version\":1,\"domains\":[{}]}}",
                entry("*.*.example.com", &[LEAF], "")
            ),
            "domains[0].host",
        ),
        (
            format!(
                "{{\"version\":1,\"domains\":[{}]}}",
                entry("*example.com", &[LEAF], "")
            ),
            "domains[0].host",
        ),
        (String::new(), "$"),
        (" ".repeat(certpin::MAX_POLICY_BYTES + 1), "$"),
    ];
    for (text, path) in table {
        match Policy::from_json(&text) {
            Err(Error::PolicyInvalid { path: got, .. }) => assert_eq!(got, path),
            other => panic!("{}: {other:?}", text.chars().take(80).collect::<String>()),
        }
    }
}
// OkHttp's docs' pins (publicobject.com's chain at the time).
const OK_1: &str = "sha256/afwiKY3RxoMmLkuRW1l7QsPZTJPwDS2pdDROQjXw8ig=";
const OK_2: &str = "sha256/klO23nT2ehFDXCfx3eHTDRESMz3asj1muO+4aIdjiuY=";
const OK_3: &str = "sha256/grX4Ta9HpZx6tSHkmCrvpApTQGo67CYDnvprLg5yRME=";

#[test]
fn schema_and_comments_are_accepted_kept_and_bounded() {
    let text = format!(
        r#"{{"$schema":"https://unpkg.com/certpin/policy.schema.json","version":1,"comment":"pins for the API",
            "domains":[{{"host":"api.example.com","comment":"owned by team A",
              "pins":["{OK_1}",{{"pin":"{OK_2}","comment":"backup key: vault/api-backup"}}]}},
              {{"host":"b.example.com","pins":["{OK_3}"]}}]}}"#
    );
    let policy = Policy::from_json(&text).unwrap();
    let json = policy.to_json();
    assert!(json.starts_with(r#"{"$schema":"https://unpkg.com/certpin/policy.schema.json","version":1,"comment":"pins for the API""#), "{json}");
    assert!(json.contains(r#""comment":"owned by team A""#), "{json}");
    assert!(json.contains(r#"{"pin":"sha256/klO23nT2ehFDXCfx3eHTDRESMz3asj1muO+4aIdjiuY=","state":"active","position":"any","comment":"backup key: vault/api-backup"}"#), "{json}");
    assert_eq!(Policy::from_json(&json).unwrap(), policy);
    // The comments change nothing a check sees.
    let bare = Policy::from_json(&format!(
        r#"{{"version":1,"domains":[{{"host":"api.example.com","pins":["{OK_1}","{OK_2}"]}},{{"host":"b.example.com","pins":["{OK_3}"]}}]}}"#
    ))
    .unwrap();
    assert_eq!(policy.domains(), bare.domains());
    let long = "x".repeat(certpin::MAX_COMMENT_LEN + 1);
    let table = [
        (
            format!(r#"{{"$schema":1,"version":1,"domains":[]}}"#),
            "$schema",
            "must be a string",
        ),
        (
            format!(r#"{{"version":1,"comment":["a"],"domains":[]}}"#),
            "comment",
            "must be a string",
        ),
        (
            format!(r#"{{"version":1,"comment":"{long}","domains":[]}}"#),
            "comment",
            "over the limit",
        ),
        (
            format!(
                r#"{{"version":1,"domains":[{{"host":"a.com","comment":null,"pins":["{OK_1}"]}}]}}"#
            ),
            "domains[0].comment",
            "must be a string",
        ),
        (
            format!(
                r#"{{"version":1,"domains":[{{"host":"a.com","pins":[{{"pin":"{OK_1}","comment":7}}]}}]}}"#
            ),
            "domains[0].pins[0].comment",
            "must be a string",
        ),
        (
            format!(
                r#"{{"version":1,"domains":[{{"host":"a.com","pins":[{{"pin":"{OK_1}","note":"x"}}]}}]}}"#
            ),
            "domains[0].pins[0].note",
            "unknown field",
        ),
        (
            format!(r#"{{"version":1,"Comment":"x","domains":[]}}"#),
            "Comment",
            "did you mean \"comment\"",
        ),
        (
            format!(r#"{{"$id":"x","version":1,"domains":[]}}"#),
            "$id",
            "unknown field",
        ),
    ];
    for (text, path, words) in table {
        let e = Policy::from_json(&text).unwrap_err();
        let Error::PolicyInvalid { path: got, reason } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(got, path, "{text}");
        assert!(reason.contains(words), "{reason} should say {words}");
    }
}
/// The entry that applies to a name, found by the same rule as `check`, for every
/// spelling of a name or an IP address.
mod lookup {
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
}
