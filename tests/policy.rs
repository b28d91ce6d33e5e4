//! Pin policies end to end: real chains (root → intermediate → leaf, signatures made by
//! rcgen with the fixed keys in tests/fixtures/policy/), every verdict status, pin
//! states and positions, expiry at the boundary, report mode, lint codes, HPKP import,
//! every export format and the NSC round trip.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use certpin::RustCryptoVerifier;
use certpin::{
    check_pins, check_policy, export, from_hpkp_header, import_android_nsc, lint, parse_chain,
    CheckOptions, Error, Part, Pin, Policy, Status, Verdict,
};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, KeyPair,
    KeyUsagePurpose,
};

/// Every code `lint` can return.
const LINT_CODES: &[&str] = &[
    "FEW_ACTIVE_PINS",
    "NO_PIN_MATCHES_CHAIN",
    "NO_BACKUP_PIN",
    "DUPLICATE_PIN",
    "ENTRY_EXPIRED",
    "ENTRY_EXPIRING_SOON",
    "PUBLIC_SUFFIX_PATTERN",
    "SHADOWED_ENTRY",
    "LEAF_ONLY_PINS",
    "REPORT_WITHOUT_URI",
    "CANDIDATE_PAST_EXPIRY",
];

/// The finding codes a check adds (besides those of path building, hostname and validity
/// checks).
const CHECK_FINDING_CODES: &[&str] = &[
    "NO_CHAIN",
    "NOT_PINNED",
    "POLICY_EXPIRED",
    "INVALID_CHAIN",
    "HOSTNAME_MISMATCH",
    "CERT_EXPIRED",
    "PIN_REVOKED",
    "PIN_MISMATCH",
    "CANDIDATE_PIN_MATCHED",
    "CANDIDATE_PIN_UNMATCHED",
    "REPORT_ONLY",
    "PEM_BLOCK_SKIPPED",
    "CT_INSUFFICIENT",
    "CT_LOG_LIST_MISSING",
];

// openssl pkey -in tests/fixtures/policy/NAME.key -pubout -outform DER | openssl dgst -sha256 -binary | base64
const ROOT: &str = "sha256/pNdcQdgv6EXKJLIKJPpLtan3Jya/stuejqAPl7tx5H4=";
const INTERMEDIATE: &str = "sha256/m30B9iTFszXQzAqN0g+GuYEeIemeFhp7dsmdinMlk08=";
const LEAF: &str = "sha256/iUtCkCg0VjCN73k9Fwl+KTcaUpKHYGF8GTj0kbT867U=";
const ROGUE_LEAF: &str = "sha256/lGr/srwzhm5U6Ibgu8rvhLg+nYlKGI+ig1Cn1j2t/h4=";
const BACKUP: &str = "sha256/eBJA7flS+4LmwXqAMDlwA7y5n3l7PfPDcMMe2ncympQ=";

/// 2027-01-01T00:00:00Z in ms (`date -u -d 2027-01-01 +%s`).
const NOW: i64 = 1_798_761_600_000;

fn key(name: &str) -> KeyPair {
    let pem = std::fs::read_to_string(format!(
        "{}/tests/fixtures/policy/{name}.key",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    KeyPair::from_pem(&pem).unwrap()
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    p
}

fn leaf_params(names: &[&str], not_after: (i32, u8, u8)) -> CertificateParams {
    let mut p =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, names[0]);
    p.distinguished_name = dn;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    p.not_before = rcgen::date_time_ymd(2026, 1, 1);
    p.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    p
}

struct Chains {
    /// leaf (api.example.com, www.example.com) → intermediate → root, PEM each.
    good: Vec<String>,
    /// The same hierarchy with a leaf that expired on 2026-06-01.
    expired: Vec<String>,
    /// A leaf from an unrelated root, with the pinned intermediate appended.
    rogue: Vec<String>,
    /// A leaf naming the real intermediate as issuer but signed by another key, served
    /// with the real intermediate and root.
    forged: Vec<String>,
}

fn chains() -> Chains {
    let root = CertifiedIssuer::self_signed(ca_params("certpin test root"), key("root")).unwrap();
    let intermediate = CertifiedIssuer::signed_by(
        ca_params("certpin test intermediate"),
        key("intermediate"),
        &root,
    )
    .unwrap();
    let leaf_key = key("leaf");
    let leaf = leaf_params(
        &["api.example.com", "www.example.com", "revoked.example.com"],
        (2028, 1, 1),
    )
    .signed_by(&leaf_key, &intermediate)
    .unwrap();
    let old = leaf_params(&["api.example.com"], (2026, 6, 1))
        .signed_by(&leaf_key, &intermediate)
        .unwrap();
    let rogue_root =
        CertifiedIssuer::self_signed(ca_params("rogue root"), key("rogue-root")).unwrap();
    let rogue_leaf = leaf_params(&["api.example.com"], (2028, 1, 1))
        .signed_by(&key("rogue-leaf"), &rogue_root)
        .unwrap();
    // Same issuer name as the real intermediate, different key.
    let impostor =
        CertifiedIssuer::self_signed(ca_params("certpin test intermediate"), key("rogue-root"))
            .unwrap();
    let forged_leaf = leaf_params(&["api.example.com"], (2028, 1, 1))
        .signed_by(&key("rogue-leaf"), &impostor)
        .unwrap();
    Chains {
        forged: vec![forged_leaf.pem(), intermediate.pem(), root.pem()],
        good: vec![leaf.pem(), intermediate.pem(), root.pem()],
        expired: vec![old.pem(), intermediate.pem(), root.pem()],
        rogue: vec![rogue_leaf.pem(), intermediate.pem()],
    }
}

fn parts(pems: &[String]) -> Vec<Part> {
    pems.iter().map(|p| Part::Text(p.clone())).collect()
}

fn policy(domains: &str) -> Policy {
    Policy::from_json(&format!("{{\"version\":1,\"domains\":[{domains}]}}")).unwrap()
}

fn entry(host: &str, pins: &[&str], extra: &str) -> String {
    let pins: Vec<String> = pins
        .iter()
        .map(|p| {
            if p.starts_with('{') {
                p.to_string()
            } else {
                format!("\"{p}\"")
            }
        })
        .collect();
    format!(
        "{{\"host\":\"{host}\",\"pins\":[{}]{extra}}}",
        pins.join(",")
    )
}

fn pin_with(pin: &str, state: &str, position: &str) -> String {
    format!("{{\"pin\":\"{pin}\",\"state\":\"{state}\",\"position\":\"{position}\"}}")
}

fn check(p: &Policy, chain: &[String], host: &str, now: i64) -> Verdict {
    check_policy(
        p,
        &parts(chain),
        &CheckOptions::at(now).for_host(host),
        &RustCryptoVerifier,
    )
    .unwrap()
}

fn codes(v: &Verdict) -> Vec<&'static str> {
    v.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn fixture_pins_match_an_independent_oracle() {
    // rcgen's own SPKI encoding of each key, hashed here, must equal the openssl values.
    use rcgen::PublicKeyData;
    for (name, want) in [
        ("root", ROOT),
        ("intermediate", INTERMEDIATE),
        ("leaf", LEAF),
        ("rogue-leaf", ROGUE_LEAF),
        ("backup", BACKUP),
    ] {
        let spki = key(name).subject_public_key_info();
        assert_eq!(
            Pin::of_spki(certpin::HashAlgorithm::Sha256, &spki).to_string(),
            want,
            "{name}"
        );
    }
    let c = chains();
    let certs = parse_chain(&parts(&c.good)).unwrap();
    let pins: Vec<String> = certs
        .iter()
        .map(|c| c.pin(certpin::HashAlgorithm::Sha256).to_string())
        .collect();
    assert_eq!(pins, [LEAF, INTERMEDIATE, ROOT]);
}

#[test]
fn every_status() {
    let c = chains();
    let p = policy(
        &[
            entry("api.example.com", &[INTERMEDIATE, BACKUP], ""),
            entry("www.example.com", &[BACKUP, ROGUE_LEAF], ""),
            entry(
                "old.example.com",
                &[LEAF, BACKUP],
                ",\"expires\":\"2027-01-01T00:00:00Z\"",
            ),
            entry("other.example.org", &[LEAF, BACKUP], ""),
            entry(
                "revoked.example.com",
                &[LEAF, &pin_with(INTERMEDIATE, "revoked", "any")],
                "",
            ),
        ]
        .join(","),
    );
    // (chain, host, status, ok, enforced)
    let table: Vec<(&[String], &str, Status, bool, bool)> = vec![
        (&c.good, "api.example.com", Status::Matched, true, true),
        (&c.good, "API.Example.com.", Status::Matched, true, true),
        (&c.good, "www.example.com", Status::Mismatch, false, true),
        (
            &c.good,
            "unpinned.example.net",
            Status::NotPinned,
            true,
            false,
        ),
        (
            &c.good,
            "old.example.com",
            Status::PolicyExpired,
            true,
            false,
        ),
        (
            &c.good,
            "other.example.org",
            Status::HostnameMismatch,
            false,
            true,
        ),
        (
            &c.expired,
            "api.example.com",
            Status::CertExpired,
            false,
            true,
        ),
        (&c.good, "revoked.example.com", Status::Revoked, false, true),
        (&[], "api.example.com", Status::NoChain, false, true),
    ];
    for (chain, host, status, ok, enforced) in table {
        let v = check(&p, chain, host, NOW);
        assert_eq!(
            (v.status, v.ok, v.enforced),
            (status, ok, enforced),
            "{host}: {:#?}",
            v.findings
        );
        assert_eq!(v.served_pins.len(), chain.len());
        // Each failed check has its finding, once.
        let own = match status {
            Status::NoChain => Some("NO_CHAIN"),
            Status::InvalidChain => Some("INVALID_CHAIN"),
            Status::HostnameMismatch => Some("HOSTNAME_MISMATCH"),
            Status::CertExpired => Some("CERT_EXPIRED"),
            Status::CertRevoked => Some("CERT_REVOKED"),
            Status::Revoked => Some("PIN_REVOKED"),
            Status::CtInsufficient => Some("CT_INSUFFICIENT"),
            Status::Mismatch => Some("PIN_MISMATCH"),
            Status::NotPinned => Some("NOT_PINNED"),
            Status::PolicyExpired => Some("POLICY_EXPIRED"),
            Status::Matched => None,
        };
        if let Some(code) = own {
            assert_eq!(
                codes(&v).iter().filter(|c| **c == code).count(),
                1,
                "{host}: {:#?}",
                v.findings
            );
        }
        assert_eq!(v.report.is_some(), status.is_failure(), "{host}");
        assert_eq!(v.report_key.is_some(), v.report.is_some(), "{host}");
    }
    let v = check(&p, &c.good, "api.example.com", NOW);
    assert_eq!(v.domain.as_deref(), Some("api.example.com"));
    let m = v.matched.clone().unwrap();
    assert_eq!(
        (m.pin.as_str(), m.cert_index, m.depth),
        (INTERMEDIATE, 1, 1)
    );
    assert_eq!(v.verified_path, [0, 1, 2]);
    assert_eq!(v.served_pins, [LEAF, INTERMEDIATE, ROOT]);
    assert!(
        v.message.contains(INTERMEDIATE) && v.message.contains("depth 1"),
        "{}",
        v.message
    );
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["status"], "matched");
    assert_eq!(json["matched"]["certIndex"], 1);
    assert_eq!(json["report"], serde_json::Value::Null);
    let expired = check(&p, &c.good, "old.example.com", NOW);
    assert_eq!(codes(&expired), ["POLICY_EXPIRED"]);
    assert_eq!(expired.findings[0].severity, certpin::Severity::Warning);
    let none = check(&p, &c.good, "unpinned.example.net", NOW);
    assert_eq!(none.domain, None);
    assert_eq!(none.served_pins, [LEAF, INTERMEDIATE, ROOT]);
}

#[test]
fn expiry_is_exclusive_at_the_instant() {
    let c = chains();
    let p = policy(&entry(
        "api.example.com",
        &[BACKUP, ROGUE_LEAF],
        ",\"expires\":\"2027-01-01\"",
    ));
    assert_eq!(
        check(&p, &c.good, "api.example.com", NOW - 1).status,
        Status::Mismatch
    );
    assert_eq!(
        check(&p, &c.good, "api.example.com", NOW).status,
        Status::PolicyExpired
    );
    assert_eq!(
        check(&p, &c.good, "api.example.com", NOW + 1).status,
        Status::PolicyExpired
    );
}

#[test]
fn positions_and_states() {
    let c = chains();
    // (pins, status, matched depth)
    let table: Vec<(Vec<String>, Status, Option<usize>)> = vec![
        (vec![LEAF.into()], Status::Matched, Some(0)),
        (
            vec![pin_with(LEAF, "active", "leaf")],
            Status::Matched,
            Some(0),
        ),
        (vec![pin_with(LEAF, "active", "ca")], Status::Mismatch, None),
        (
            vec![pin_with(INTERMEDIATE, "active", "leaf")],
            Status::Mismatch,
            None,
        ),
        (
            vec![pin_with(INTERMEDIATE, "active", "ca")],
            Status::Matched,
            Some(1),
        ),
        (
            vec![pin_with(ROOT, "active", "ca")],
            Status::Matched,
            Some(2),
        ),
        (
            vec![pin_with(ROOT, "active", "any")],
            Status::Matched,
            Some(2),
        ),
        // A candidate never makes a check pass...
        (
            vec![BACKUP.into(), pin_with(LEAF, "candidate", "any")],
            Status::Mismatch,
            None,
        ),
        // ...nor fail.
        (
            vec![LEAF.into(), pin_with(BACKUP, "candidate", "any")],
            Status::Matched,
            Some(0),
        ),
        // Revoked wins over a match, wherever it is on the chain.
        (
            vec![LEAF.into(), pin_with(ROOT, "revoked", "leaf")],
            Status::Revoked,
            Some(0),
        ),
        (
            vec![LEAF.into(), pin_with(BACKUP, "revoked", "any")],
            Status::Matched,
            Some(0),
        ),
    ];
    for (pins, status, depth) in table {
        let pins: Vec<&str> = pins.iter().map(String::as_str).collect();
        let p = policy(&entry("api.example.com", &pins, ""));
        let v = check(&p, &c.good, "api.example.com", NOW);
        assert_eq!(v.status, status, "{pins:?}: {:#?}", v.findings);
        assert_eq!(v.matched.map(|m| m.depth), depth, "{pins:?}");
    }
    let p = policy(&entry(
        "api.example.com",
        &[
            LEAF,
            &pin_with(INTERMEDIATE, "candidate", "ca"),
            &pin_with(BACKUP, "candidate", "any"),
        ],
        "",
    ));
    let v = check(&p, &c.good, "api.example.com", NOW);
    assert_eq!(
        codes(&v),
        ["CANDIDATE_PIN_MATCHED", "CANDIDATE_PIN_UNMATCHED"]
    );
    assert_eq!(v.findings[0].cert_index, Some(1));
}

#[test]
fn several_failures_status_is_the_first_and_findings_list_all() {
    let c = chains();
    let p = policy(&entry("other.example.org", &[BACKUP, ROGUE_LEAF], ""));
    let v = check(&p, &c.expired, "other.example.org", NOW);
    assert_eq!(v.status, Status::HostnameMismatch);
    let found = codes(&v);
    for code in ["HOSTNAME_MISMATCH", "CERT_EXPIRED", "PIN_MISMATCH"] {
        assert!(found.contains(&code), "{found:?}");
    }
    assert!(v.message.contains("does not cover the hostname"));
    assert!(v.message.contains("validity period"));
}

#[test]
fn failing_message_names_every_served_and_expected_pin() {
    let c = chains();
    let p = policy(&entry(
        "api.example.com",
        &[BACKUP, &pin_with(ROGUE_LEAF, "candidate", "leaf")],
        "",
    ));
    let v = check(&p, &c.good, "api.example.com", NOW);
    assert!(!v.ok);
    assert!(v
        .message
        .starts_with("Certificate pinning failure!\n  Peer certificate chain:\n"));
    for pin in [LEAF, INTERMEDIATE, ROOT, BACKUP, ROGUE_LEAF] {
        assert!(v.message.contains(pin), "{pin} missing from\n{}", v.message);
    }
    assert!(
        v.message.contains(&format!("{LEAF}: CN=api.example.com")),
        "{}",
        v.message
    );
    assert!(v
        .message
        .contains("Pinned certificates for api.example.com:"));
    assert!(v
        .message
        .contains(&format!("{ROGUE_LEAF} (candidate, leaf)")));
    assert!(v.message.contains("Reason: no active pin matches"));
}

#[test]
fn report_mode_never_blocks_but_reports() {
    let c = chains();
    let p = policy(&entry(
        "**.example.com",
        &[BACKUP, ROGUE_LEAF],
        ",\"mode\":\"report\",\"reportUri\":\"https://r.example.com/pkp\",\"expires\":\"2028-01-01\"",
    ));
    let v = check_policy(
        &p,
        &parts(&c.good),
        &CheckOptions {
            port: Some(8443),
            ..CheckOptions::at(NOW).for_host("api.example.com")
        },
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(
        (v.ok, v.enforced, v.status),
        (true, false, Status::Mismatch)
    );
    assert!(codes(&v).contains(&"REPORT_ONLY"));
    assert!(v.message.contains("report mode"));
    let r = v.report.clone().unwrap();
    assert_eq!(r["date-time"], "2027-01-01T00:00:00Z");
    assert_eq!(r["hostname"], "api.example.com");
    assert_eq!(r["port"], 8443);
    assert_eq!(r["effective-expiration-date"], "2028-01-01T00:00:00Z");
    assert_eq!(r["include-subdomains"], true);
    assert_eq!(r["noted-hostname"], "example.com");
    assert_eq!(r["served-certificate-chain"].as_array().unwrap().len(), 3);
    assert_eq!(
        r["validated-certificate-chain"].as_array().unwrap().len(),
        3
    );
    assert_eq!(
        r["served-certificate-chain"][0].as_str().unwrap(),
        c.good[0].replace("\r\n", "\n")
    );
    assert_eq!(
        r["known-pins"],
        serde_json::json!([
            format!("pin-sha256=\"{}\"", &BACKUP[7..]),
            format!("pin-sha256=\"{}\"", &ROGUE_LEAF[7..])
        ])
    );
    // The key ignores the dates, not the content.
    let later = check_policy(
        &p,
        &parts(&c.good),
        &CheckOptions {
            port: Some(8443),
            ..CheckOptions::at(NOW + 3_600_000).for_host("api.example.com")
        },
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(later.report_key, v.report_key);
    let other_port = check(&p, &c.good, "api.example.com", NOW);
    assert_ne!(other_port.report_key, v.report_key);
    assert_eq!(v.report_key.as_ref().unwrap().len(), 64);
}

#[test]
fn check_pins_one_shot() {
    let c = chains();
    let pins = [Pin::parse(ROOT).unwrap()];
    let v = check_pins(
        &parts(&c.good),
        &pins,
        &CheckOptions::at(NOW),
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(
        (v.status, v.ok, v.hostname.clone()),
        (Status::Matched, true, None)
    );
    assert_eq!(v.domain, None);
    // Without a hostname, no hostname check; with one, it is checked.
    let v = check_pins(
        &parts(&c.good),
        &pins,
        &CheckOptions::at(NOW).for_host("elsewhere.example.org"),
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(v.status, Status::HostnameMismatch);
    let v = check_pins(&[], &pins, &CheckOptions::at(NOW), &RustCryptoVerifier).unwrap();
    assert_eq!((v.status, v.ok), (Status::NoChain, false));
    let unverified = CheckOptions {
        verify_signatures: false,
        ..CheckOptions::at(NOW)
    };
    let v = check_pins(&parts(&c.good), &pins, &unverified, &RustCryptoVerifier).unwrap();
    assert_eq!(
        (v.status, v.verified_path.clone()),
        (Status::Matched, vec![0, 1, 2])
    );
    let e = check_pins(
        &parts(&c.good),
        &[],
        &CheckOptions::at(NOW),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let e = check_policy(
        &policy(&entry("a.com", &[ROOT], "")),
        &parts(&c.good),
        &CheckOptions::at(NOW),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let skew = CheckOptions {
        clock_skew_seconds: -1,
        ..CheckOptions::at(NOW)
    };
    assert_eq!(
        check_pins(&parts(&c.good), &pins, &skew, &RustCryptoVerifier)
            .unwrap_err()
            .code(),
        "INVALID_ARGUMENT"
    );
}

/// The CVE-2016-2402 class: a pinned certificate appended to an unrelated chain must not
/// match. Needs the signature-verified path of issue 4 (the seam in src/path.rs still
/// returns the served chain, so this would pass a forged chain today).
#[test]
fn appended_pinned_certificate_never_matches() {
    let c = chains();
    let p = policy(&entry("api.example.com", &[INTERMEDIATE, ROOT], ""));
    // Unrelated issuer: the intermediate is off the path (mismatch, or invalid-chain if
    // path building refuses the chain outright).
    let v = check(&p, &c.rogue, "api.example.com", NOW);
    assert!(!v.ok, "{v:#?}");
    assert!(
        matches!(v.status, Status::Mismatch | Status::InvalidChain),
        "{v:#?}"
    );
    assert!(v.matched.is_none());
    assert!(!v.verified_path.contains(&1));
    // The leaf names the pinned intermediate as issuer but its signature does not verify.
    let v = check(&p, &c.forged, "api.example.com", NOW);
    assert!(!v.ok, "{v:#?}");
    assert_eq!(v.status, Status::InvalidChain);
    assert!(v.matched.is_none());
    // The same chains pass only when the caller opts out of signature checks.
    let unverified = CheckOptions {
        verify_signatures: false,
        ..CheckOptions::at(NOW).for_host("api.example.com")
    };
    let v = check_policy(&p, &parts(&c.forged), &unverified, &RustCryptoVerifier).unwrap();
    assert_eq!(v.status, Status::Matched);
}

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

#[test]
fn every_lint_code() {
    let c = chains();
    let certs = parse_chain(&parts(&c.good)).unwrap();
    let p = policy(
        &[
            // 0: one active pin, leaf-only, expires soon, duplicate
            entry(
                "api.example.com",
                &[
                    &pin_with(LEAF, "active", "leaf"),
                    &pin_with(LEAF, "active", "leaf"),
                ],
                ",\"expires\":\"2027-01-15\"",
            ),
            // 1: public suffix
            entry("**.co.uk", &[LEAF, BACKUP], ""),
            // 2: report mode without URI, expired with a candidate
            entry(
                "old.example.org",
                &[LEAF, BACKUP, &pin_with(ROOT, "candidate", "any")],
                ",\"mode\":\"report\",\"expires\":\"2026-01-01\"",
            ),
            // 3: shadowed by 0 for api.example.com
            entry("**.example.com", &[LEAF, INTERMEDIATE], ""),
            // 4: covers a name of the chain's leaf, matches nothing in it
            entry("www.example.com", &[BACKUP, ROGUE_LEAF], ""),
        ]
        .join(","),
    );
    let found = lint(&p, NOW, Some(&certs), &RustCryptoVerifier);
    let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    for code in LINT_CODES {
        assert!(codes.contains(code), "{code} missing: {found:#?}");
    }
    let shadow = found.iter().find(|f| f.code == "SHADOWED_ENTRY").unwrap();
    assert!(shadow.message.contains("domains[0] (api.example.com)"));
    assert!(shadow.message.contains("domains[3] (**.example.com)"));
    // A healthy policy: a chain pin plus an offline backup, CA-level.
    let good = policy(&entry(
        "api.example.com",
        &[INTERMEDIATE, BACKUP],
        ",\"expires\":\"2028-01-01\"",
    ));
    assert_eq!(lint(&good, NOW, Some(&certs), &RustCryptoVerifier), vec![]);
    // The HPKP rule catches a "backup" that is in the chain.
    let fake_backup = policy(&entry("api.example.com", &[INTERMEDIATE, ROOT], ""));
    let codes: Vec<&str> = lint(&fake_backup, NOW, Some(&certs), &RustCryptoVerifier)
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(codes, ["NO_BACKUP_PIN"]);
    let codes: Vec<&str> = lint(
        &policy(&entry("**.com", &[LEAF, BACKUP], "")),
        NOW,
        None,
        &RustCryptoVerifier,
    )
    .iter()
    .map(|f| f.code.as_str())
    .collect();
    assert_eq!(codes, ["PUBLIC_SUFFIX_PATTERN"]);
}

fn export_policy() -> Policy {
    policy(
        &[
            entry(
                "api.example.com",
                &[INTERMEDIATE, BACKUP],
                ",\"expires\":\"2027-06-01\",\"reportUri\":\"https://r.example.com/pkp\"",
            ),
            entry(
                "example.org",
                &[ROOT, BACKUP],
                ",\"includeSubdomains\":true",
            ),
        ]
        .join(","),
    )
}

fn single(pins: &[&str], extra: &str) -> Policy {
    policy(&entry("api.example.com", pins, extra))
}

fn golden(format: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/policy/exports/{format}.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Goldens, each checked by hand against the format's documentation:
/// - okhttp: square.github.io/okhttp CertificatePinner ("CertificatePinner.Builder()
///   .add(pattern, vararg pins).build()", patterns `*.`/`**.`, pins `sha256/<base64>`);
/// - android-nsc: developer.android.com/privacy-and-security/security-config
///   ("<domain-config><domain includeSubdomains=…>…</domain><pin-set expiration=
///   "yyyy-MM-dd"><pin digest="SHA-256">…</pin></pin-set></domain-config>");
/// - trustkit: datatheorem/TrustKit TrustKit.h keys (kTSKPinnedDomains,
///   kTSKPublicKeyHashes, kTSKIncludeSubdomains, kTSKEnforcePinning,
///   kTSKExpirationDate "yyyy-MM-dd", kTSKReportUris);
/// - apple-ats: developer.apple.com NSPinnedDomains / NSPinnedCAIdentities
///   (SPKI-SHA256-BASE64 dictionaries), as Apple's NSPinnedDomains_ca.plist sample;
/// - hpkp: RFC 7469 section 2.1 (pin-sha256="…"; max-age=…; includeSubDomains;
///   report-uri="…");
/// - curl: the curl man page, --pinnedpubkey "sha256//<base64>;sha256//<base64>";
/// - tlsa: RFC 6698 section 2.3 presentation format, `_443._tcp.<host>. IN TLSA 3 1 1
///   <hex>` (the hex is the pin's digest: `echo <base64> | base64 -d | xxd -p`).
#[test]
fn export_goldens() {
    let two = export_policy();
    for f in ["okhttp", "android-nsc", "trustkit", "tlsa"] {
        assert_eq!(export(&two, f).unwrap(), golden(f), "{f}");
    }
    let one = single(
        &[INTERMEDIATE, BACKUP],
        ",\"includeSubdomains\":true,\"reportUri\":\"https://r.example.com/pkp\"",
    );
    for f in ["hpkp", "hpkp-report-only", "curl"] {
        assert_eq!(export(&one, f).unwrap(), golden(f), "{f}");
    }
    let ats = single(
        &[
            &pin_with(INTERMEDIATE, "active", "ca"),
            &pin_with(BACKUP, "active", "ca"),
            &pin_with(ROOT, "revoked", "any"),
        ],
        "",
    );
    assert_eq!(export(&ats, "apple-ats").unwrap(), golden("apple-ats"));
}

#[test]
fn exports_refuse_what_they_cannot_express() {
    let sha512 = "sha512/".to_string() + &"A".repeat(86) + "==";
    // (policy, format, words in the reason)
    let table: Vec<(Policy, &str, &str)> = vec![
        (export_policy(), "hpkp", "exactly one entry"),
        (export_policy(), "curl", "exactly one entry"),
        (export_policy(), "apple-ats", "position"),
        (single(&[LEAF, &sha512], ""), "okhttp", "SHA-256 pins only"),
        (
            single(&[LEAF, &sha512], ""),
            "android-nsc",
            "SHA-256 pins only",
        ),
        (
            single(&[LEAF, BACKUP], ",\"mode\":\"report\""),
            "okhttp",
            "report mode",
        ),
        (
            single(&[LEAF, BACKUP], ",\"mode\":\"report\""),
            "hpkp",
            "report mode",
        ),
        (
            single(&[LEAF, &pin_with(BACKUP, "revoked", "any")], ""),
            "hpkp",
            "revoked",
        ),
        (
            single(&[LEAF, &pin_with(BACKUP, "candidate", "any")], ""),
            "curl",
            "candidate",
        ),
        (single(&[LEAF], ""), "trustkit", "fewer than two"),
        (
            policy(&entry("*.example.com", &[LEAF, BACKUP], "")),
            "android-nsc",
            "*.name",
        ),
        (
            policy(&entry(
                "**.example.com",
                &[&pin_with(LEAF, "active", "leaf")],
                "",
            )),
            "apple-ats",
            "wildcard",
        ),
        (
            policy(
                &[
                    entry("api.example.com", &[LEAF], ""),
                    entry("**.example.com", &[ROOT], ""),
                ]
                .join(","),
            ),
            "okhttp",
            "overlap",
        ),
    ];
    for (p, format, words) in table {
        let e = export(&p, format).unwrap_err();
        assert_eq!(e.code(), "FORMAT_UNSUPPORTED", "{format}: {e}");
        assert!(e.to_string().contains(words), "{format}: {e}");
    }
    assert_eq!(
        export(&export_policy(), "pem").unwrap_err().code(),
        "INVALID_ARGUMENT"
    );
    // Candidates and revoked pins become comments where the format has them.
    let p = single(&[LEAF, BACKUP, &pin_with(ROOT, "candidate", "ca")], "");
    let kotlin = export(&p, "okhttp").unwrap();
    assert!(
        kotlin.contains(&format!("// candidate pin {ROOT} is not written")),
        "{kotlin}"
    );
    assert!(!kotlin.contains(&format!("\"{ROOT}\"")));
    let tlsa = export(
        &single(
            &[
                &pin_with(LEAF, "active", "leaf"),
                &pin_with(ROOT, "active", "ca"),
            ],
            "",
        ),
        "tlsa",
    )
    .unwrap();
    assert!(tlsa.contains("IN TLSA 3 1 1 894b42"), "{tlsa}");
    assert!(tlsa.contains("IN TLSA 2 1 1 a4d75c"), "{tlsa}");
    assert!(!tlsa.contains("IN TLSA 2 1 1 894b42"), "{tlsa}");
}

#[test]
fn android_nsc_round_trip() {
    let p = policy(
        &[
            entry(
                "api.example.com",
                &[INTERMEDIATE, BACKUP],
                ",\"expires\":\"2027-06-01\"",
            ),
            entry(
                "example.org",
                &[ROOT, BACKUP],
                ",\"includeSubdomains\":true",
            ),
            entry("**.example.net", &[LEAF, BACKUP], ""),
        ]
        .join(","),
    );
    let xml = export(&p, "android-nsc").unwrap();
    let back = import_android_nsc(&xml).unwrap();
    let mut want = p.to_document();
    // **.example.net is written as example.net with includeSubdomains (same names).
    want.domains[2].host = "example.net".into();
    want.domains[2].include_subdomains = true;
    assert_eq!(back.to_document(), want);
    // Android's nesting: a child domain-config inherits the parent's pin-set.
    let nested = format!(
        "<network-security-config><domain-config><domain>a.example.com</domain>\
         <pin-set><pin digest=\"SHA-256\">{}</pin></pin-set>\
         <domain-config><domain includeSubdomains='true'>b.a.example.com</domain></domain-config>\
         </domain-config></network-security-config>",
        &LEAF[7..]
    );
    let p = import_android_nsc(&nested).unwrap();
    assert_eq!(p.domains().len(), 2);
    assert_eq!(p.domains()[0].pins, p.domains()[1].pins);
    let bad = [
        ("<network-security-config><base-config/></network-security-config>", "<base-config>"),
        ("<network-security-config><domain-config><domain>a.com</domain><trust-anchors/></domain-config></network-security-config>", "trust-anchors"),
        ("<network-security-config><domain-config cleartextTrafficPermitted=\"true\"><domain>a.com</domain></domain-config></network-security-config>", "cleartextTrafficPermitted"),
        ("<network-security-config><domain-config><domain>a.com</domain></domain-config></network-security-config>", "no <pin-set>"),
        ("<network-security-config><domain-config><domain>a.com</domain><pin-set><pin digest=\"SHA-1\">x</pin></pin-set></domain-config></network-security-config>", "SHA-256"),
        ("<network-security-config><domain-config><domain>a.com</domain><pin-set><pin digest=\"SHA-256\">AAAA</pin></pin-set></domain-config></network-security-config>", "bytes"),
        ("<network-security-config><domain-config>", "not closed"),
        ("<!DOCTYPE x><network-security-config/>", "DTD"),
        ("<other/>", "root element"),
        ("<network-security-config></network-security-config>", "pin nothing"),
    ];
    for (xml, words) in bad {
        let e = import_android_nsc(xml).unwrap_err();
        assert_eq!(e.code(), "NSC_INVALID", "{xml}");
        assert!(e.to_string().contains(words), "{xml}: {e}");
    }
}

#[test]
fn hpkp_header_round_trip_and_errors() {
    let one = single(
        &[INTERMEDIATE, BACKUP],
        ",\"includeSubdomains\":true,\"reportUri\":\"https://r.example.com/pkp\"",
    );
    let header = export(&one, "hpkp").unwrap();
    let back = from_hpkp_header(&header, "api.example.com", false, None).unwrap();
    assert_eq!(back, one);
    let ro = export(&one, "hpkp-report-only").unwrap();
    let back = from_hpkp_header(&ro, "api.example.com", false, Some(NOW)).unwrap();
    assert_eq!(back.domains()[0].mode, certpin::Mode::Report);
    assert_eq!(back.domains()[0].expires, Some(NOW / 1000 + 5_184_000));
    let pins = format!(
        "pin-sha256=\"{}\"; pin-sha256=\"{}\"",
        &LEAF[7..],
        &BACKUP[7..]
    );
    // (header, report-only, directive) for each invalid header of issue 3
    let table = [
        (pins.clone(), false, "max-age"),
        (
            format!(
                "pin-sha256={}; pin-sha256=\"{}\"; max-age=60",
                &LEAF[7..],
                &BACKUP[7..]
            ),
            false,
            "pin-sha256",
        ),
        (format!("{pins}; max-age=60; Max-Age=70"), false, "Max-Age"),
    ];
    for (header, report_only, directive) in table {
        match from_hpkp_header(&header, "api.example.com", report_only, None) {
            Err(Error::HpkpHeaderInvalid { directive: d, .. }) => {
                assert_eq!(d, directive, "{header}")
            }
            other => panic!("{header}: {other:?}"),
        }
    }
    // Report-Only without max-age, and an unknown directive: accepted.
    assert!(from_hpkp_header(&pins, "api.example.com", true, None).is_ok());
    assert!(from_hpkp_header(
        &format!("{pins}; max-age=60; preload"),
        "api.example.com",
        false,
        None
    )
    .is_ok());
}

#[test]
fn finding_codes_are_stable() {
    // Each is a code of the one list, spelled as JS sees it (the snapshot of every code
    // is in src/finding.rs).
    for code in CHECK_FINDING_CODES.iter().chain(LINT_CODES) {
        assert!(
            certpin::FindingCode::ALL
                .iter()
                .any(|c| c.as_str() == *code),
            "{code}"
        );
    }
}

/// Writes the chains the JS test (tests/js/policy.test.cjs) reads; run by hand:
/// `cargo test --test policy write_js_fixtures -- --ignored`. The PEMs are checked in.
#[test]
#[ignore = "writes tests/fixtures/policy/*.pem; run by hand when the chains change"]
fn write_js_fixtures() {
    let c = chains();
    let dir = format!("{}/tests/fixtures/policy", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(format!("{dir}/good-chain.pem"), c.good.concat()).unwrap();
    std::fs::write(format!("{dir}/expired-chain.pem"), c.expired.concat()).unwrap();
    std::fs::write(format!("{dir}/forged-chain.pem"), c.forged.concat()).unwrap();
}

#[test]
fn checked_in_js_fixtures_still_hold_the_fixed_keys() {
    let dir = format!("{}/tests/fixtures/policy", env!("CARGO_MANIFEST_DIR"));
    for (name, want) in [
        ("good-chain.pem", vec![LEAF, INTERMEDIATE, ROOT]),
        ("expired-chain.pem", vec![LEAF, INTERMEDIATE, ROOT]),
        ("forged-chain.pem", vec![ROGUE_LEAF, INTERMEDIATE, ROOT]),
    ] {
        let pem = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let pins: Vec<String> = parse_chain(&[Part::Text(pem)])
            .unwrap()
            .iter()
            .map(|c| c.pin(certpin::HashAlgorithm::Sha256).to_string())
            .collect();
        assert_eq!(pins, want, "{name}");
    }
}

/// `ct` and `revocation` ask for checks no exported format performs: never dropped
/// silently (a comment where the format has comments, FORMAT_UNSUPPORTED in hpkp and curl).
#[test]
fn exports_never_drop_ct_or_revocation() {
    let a = format!("sha256/{}", "A".repeat(43) + "=");
    let b = format!("sha256/{}", "B".repeat(42) + "A=");
    for (extra, said) in [
        (r#","ct":"enforce""#, r#""ct": "enforce""#),
        (
            r#","revocation":"require-staple""#,
            r#""revocation": "require-staple""#,
        ),
    ] {
        let p = policy(&entry("api.example.com", &[&a, &b], extra));
        for format in ["okhttp", "android-nsc", "trustkit", "tlsa"] {
            let text = export(&p, format).unwrap();
            assert!(text.contains(said), "{format} does not say {said}:\n{text}");
        }
        for format in ["hpkp", "curl"] {
            let error = export(&p, format).unwrap_err();
            assert_eq!(error.code(), "FORMAT_UNSUPPORTED", "{format}");
            assert!(error.to_string().contains(said), "{format}: {error}");
        }
    }
}
