//! Hostname verification of the leaf (RFC 6125 / RFC 9525) on rcgen certificates, and
//! no Common Name fallback unless it is explicitly allowed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{check_hostname, check_hostname_with, Certificate, CheckOptions, Status};
use common::*;

fn leaf(cn: &str, names: &[&str]) -> Certificate {
    let ca = Spec::ca("Name CA", None);
    let der = Spec::leaf(cn, names).signed_by(&key("leaf"), &ca, &key("inter"));
    certs(&[&der]).remove(0)
}

#[test]
fn names_are_matched_by_the_rules() {
    let cert = leaf(
        "ignored.example.net",
        &[
            "www.example.com",
            "*.api.example.com",
            "xn--caf-dma.example.com",
            "192.0.2.7",
            "2001:db8::1",
        ],
    );
    assert!(cert.facts().has_san);
    // (hostname, matches)
    let cases: &[(&str, bool)] = &[
        ("www.example.com", true),
        ("WWW.Example.COM", true),
        ("www.example.com.", true),
        ("example.com", false),
        ("v1.api.example.com", true),
        ("V1.API.example.com.", true),
        ("api.example.com", false),
        ("a.v1.api.example.com", false),
        ("café.example.com", true),
        ("CAFÉ.example.com", true),
        ("xn--caf-dma.example.com", true),
        ("cafe.example.com", false),
        ("192.0.2.7", true),
        ("192.0.2.8", false),
        ("[2001:db8::1]", true),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", true),
        ("2001:db8::2", false),
        // An IPv4-mapped IPv6 address is the IPv4 address (one canonical form):
        // a connection to it reaches the same host. Other spellings of the address too.
        ("::ffff:192.0.2.7", true),
        ("192.0.519", true),
        ("3221225991", true),
        ("0xc0.0.2.7", true),
        ("ignored.example.net", false),
    ];
    for (hostname, want) in cases {
        let out = check_hostname(&cert, hostname);
        assert_eq!(out.matched, *want, "{hostname}: {:?}", out.findings);
        if *want {
            assert!(out.findings.is_empty(), "{hostname}");
        } else {
            let f = out
                .findings
                .iter()
                .find(|f| f.code == "HOSTNAME_MISMATCH")
                .unwrap();
            assert!(
                f.message.contains("www.example.com, *.api.example.com"),
                "{}",
                f.message
            );
            assert!(f.message.contains("192.0.2.7") && f.message.contains("2001:db8::1"));
            assert_eq!(f.cert_index, Some(0));
        }
    }
}

#[test]
fn wildcards_never_cover_public_suffixes_or_partial_labels() {
    let cert = leaf("x", &["*.co.uk", "*.com", "f*.example.org"]);
    for hostname in [
        "example.co.uk",
        "example.com",
        "foo.example.org",
        "f.example.org",
    ] {
        assert!(!check_hostname(&cert, hostname).matched, "{hostname}");
    }
}

#[test]
fn common_name_only_without_any_san() {
    let cert = leaf("legacy.example.com", &[]);
    assert!(!cert.facts().has_san);
    // By default the CN is never used, even without any SAN.
    let out = check_hostname(&cert, "legacy.example.com");
    assert!(!out.matched);
    assert_eq!(
        codes(&out.findings),
        vec!["HOSTNAME_COMMON_NAME_FALLBACK", "HOSTNAME_MISMATCH"]
    );
    // Only the explicit relaxation (allowCommonNameFallback) uses it.
    let out = check_hostname_with(&cert, "legacy.example.com", true);
    assert!(out.matched);
    assert_eq!(codes(&out.findings), vec!["HOSTNAME_COMMON_NAME_FALLBACK"]);
    let out = check_hostname_with(&cert, "other.example.com", true);
    assert!(!out.matched);
    assert_eq!(
        codes(&out.findings),
        vec!["HOSTNAME_COMMON_NAME_FALLBACK", "HOSTNAME_MISMATCH"]
    );
    assert!(out.findings[1]
        .message
        .contains("(subject CN only) legacy.example.com"));
    // With a SAN, the CN is never used.
    let cert = leaf("cn.example.com", &["www.example.com"]);
    assert!(!check_hostname(&cert, "cn.example.com").matched);
}

#[test]
fn invalid_hostnames_are_findings() {
    let cert = leaf("x", &["www.example.com"]);
    for hostname in ["", " ", ".example.com", "a..b", "*.example.com", "[not-ip]"] {
        let out = check_hostname(&cert, hostname);
        assert!(!out.matched);
        assert_eq!(
            codes(&out.findings),
            vec!["HOSTNAME_INVALID"],
            "{hostname:?}"
        );
    }
}

// ---- no Common Name fallback ----

#[test]
fn a_leaf_without_san_never_matches_by_common_name_by_default() {
    let p = pki();
    let leaf =
        Spec::leaf("legacy.example.com", &[]).signed_by(&key("leaf"), &p.inter_spec, &key("inter"));
    let pins = [pin_of(&leaf)];
    let opts = CheckOptions::at(NOW * MS).for_host("legacy.example.com");
    let v = check(&[&leaf, &p.inter, &p.root], &pins, &opts);
    assert_eq!(v.status, Status::HostnameMismatch, "{v:#?}");
    assert!(!v.ok);
    let mut relaxed = opts.clone();
    relaxed.allow_common_name = true;
    let v = check(&[&leaf, &p.inter, &p.root], &pins, &relaxed);
    assert_eq!(v.status, Status::Matched);
    assert!(has(&v, "HOSTNAME_COMMON_NAME_FALLBACK"));
}
