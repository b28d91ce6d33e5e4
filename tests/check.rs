//! Checking a chain against a pin policy end to end: real chains (root → intermediate →
//! leaf, signatures made by rcgen with the fixed keys in tests/check/, built in
//! tests/common/policies.rs), every verdict status, pin states and positions, expiry at
//! the boundary, report mode, the one-shot `check_pins`; and what a `ChainMemo`
//! remembers (the `memo` module below).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{
    check_pins, check_policy, parse_chain, CheckOptions, Part, Pin, RustCryptoVerifier, Status,
    Verdict,
};
use common::policies::*;

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
        let v = check(&p, chain, host, POLICY_NOW_MS);
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
    let v = check(&p, &c.good, "api.example.com", POLICY_NOW_MS);
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
    let expired = check(&p, &c.good, "old.example.com", POLICY_NOW_MS);
    assert_eq!(codes(&expired), ["POLICY_EXPIRED"]);
    assert_eq!(expired.findings[0].severity, certpin::Severity::Warning);
    let none = check(&p, &c.good, "unpinned.example.net", POLICY_NOW_MS);
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
        check(&p, &c.good, "api.example.com", POLICY_NOW_MS - 1).status,
        Status::Mismatch
    );
    assert_eq!(
        check(&p, &c.good, "api.example.com", POLICY_NOW_MS).status,
        Status::PolicyExpired
    );
    assert_eq!(
        check(&p, &c.good, "api.example.com", POLICY_NOW_MS + 1).status,
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
        let v = check(&p, &c.good, "api.example.com", POLICY_NOW_MS);
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
    let v = check(&p, &c.good, "api.example.com", POLICY_NOW_MS);
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
    let v = check(&p, &c.expired, "other.example.org", POLICY_NOW_MS);
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
    let v = check(&p, &c.good, "api.example.com", POLICY_NOW_MS);
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
            ..CheckOptions::at(POLICY_NOW_MS).for_host("api.example.com")
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
            ..CheckOptions::at(POLICY_NOW_MS + 3_600_000).for_host("api.example.com")
        },
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(later.report_key, v.report_key);
    let other_port = check(&p, &c.good, "api.example.com", POLICY_NOW_MS);
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
        &CheckOptions::at(POLICY_NOW_MS),
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
        &CheckOptions::at(POLICY_NOW_MS).for_host("elsewhere.example.org"),
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(v.status, Status::HostnameMismatch);
    let v = check_pins(
        &[],
        &pins,
        &CheckOptions::at(POLICY_NOW_MS),
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!((v.status, v.ok), (Status::NoChain, false));
    let unverified = CheckOptions {
        verify_signatures: false,
        ..CheckOptions::at(POLICY_NOW_MS)
    };
    let v = check_pins(&parts(&c.good), &pins, &unverified, &RustCryptoVerifier).unwrap();
    assert_eq!(
        (v.status, v.verified_path.clone()),
        (Status::Matched, vec![0, 1, 2])
    );
    let e = check_pins(
        &parts(&c.good),
        &[],
        &CheckOptions::at(POLICY_NOW_MS),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let e = check_policy(
        &policy(&entry("a.com", &[ROOT], "")),
        &parts(&c.good),
        &CheckOptions::at(POLICY_NOW_MS),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let skew = CheckOptions {
        clock_skew_seconds: -1,
        ..CheckOptions::at(POLICY_NOW_MS)
    };
    assert_eq!(
        check_pins(&parts(&c.good), &pins, &skew, &RustCryptoVerifier)
            .unwrap_err()
            .code(),
        "INVALID_ARGUMENT"
    );
}

/// The CVE-2016-2402 class: a pinned certificate appended to an unrelated chain must not
/// match: only the signature-verified path from the leaf counts, never the served list.
#[test]
fn appended_pinned_certificate_never_matches() {
    let c = chains();
    let p = policy(&entry("api.example.com", &[INTERMEDIATE, ROOT], ""));
    // Unrelated issuer: the intermediate is off the path (mismatch, or invalid-chain if
    // path building refuses the chain outright).
    let v = check(&p, &c.rogue, "api.example.com", POLICY_NOW_MS);
    assert!(!v.ok, "{v:#?}");
    assert!(
        matches!(v.status, Status::Mismatch | Status::InvalidChain),
        "{v:#?}"
    );
    assert!(v.matched.is_none());
    assert!(!v.verified_path.contains(&1));
    // The leaf names the pinned intermediate as issuer but its signature does not verify.
    let v = check(&p, &c.forged, "api.example.com", POLICY_NOW_MS);
    assert!(!v.ok, "{v:#?}");
    assert_eq!(v.status, Status::InvalidChain);
    assert!(v.matched.is_none());
    // The same chains pass only when the caller opts out of signature checks.
    let unverified = CheckOptions {
        verify_signatures: false,
        ..CheckOptions::at(POLICY_NOW_MS).for_host("api.example.com")
    };
    let v = check_policy(&p, &parts(&c.forged), &unverified, &RustCryptoVerifier).unwrap();
    assert_eq!(v.status, Status::Matched);
}

/// Writes the chains the JS test (tests/js/policy.test.cjs) reads; run by hand:
/// `cargo test --test check write_js_fixtures -- --ignored`. The PEMs are checked in.
#[test]
#[ignore = "writes tests/check/*.pem; run by hand when the chains change"]
fn write_js_fixtures() {
    let c = chains();
    let dir = common::tests_dir("check").display().to_string();
    std::fs::write(format!("{dir}/good-chain.pem"), c.good.concat()).unwrap();
    std::fs::write(format!("{dir}/expired-chain.pem"), c.expired.concat()).unwrap();
    std::fs::write(format!("{dir}/forged-chain.pem"), c.forged.concat()).unwrap();
}

#[test]
fn checked_in_js_fixtures_still_hold_the_fixed_keys() {
    let dir = common::tests_dir("check").display().to_string();
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
/// What a `PinPolicy` remembers: `ChainMemo::check` must give exactly the verdict
/// `check_policy` gives, for every chain, on the first and on every repeated check; only
/// byte-identical input may reuse a remembered chain; installing another verifier forgets
/// remembered paths; the memo stays bounded. And `pin_path` (which skips proving a final
/// self-signature) must build the same path as `verified_path`.
mod memo {
    use super::common::*;
    use certpin::{
        check_policy, parse_chain, pin_path, verified_path, ChainMemo, CheckOptions, HashAlgorithm,
        Part, Policy, RustCryptoVerifier, SignatureAlgorithm, SignatureVerifier, Status, UnixTime,
        VerifyOutcome, MEMO_CHAINS, MEMO_MAX_INPUT_BYTES,
    };

    const HOST: &str = "www.example.com";

    /// A policy pinning the honest chain's intermediate for HOST, and its root for a
    /// second host, so every bypass chain is checked against a pin it might smuggle in.
    fn policy() -> Policy {
        let p = pki();
        let inter =
            parse_chain(&[Part::Bytes(p.inter.clone())]).unwrap()[0].pin(HashAlgorithm::Sha256);
        let root =
            parse_chain(&[Part::Bytes(p.root.clone())]).unwrap()[0].pin(HashAlgorithm::Sha256);
        Policy::from_json(&format!(
            r#"{{"version":1,"domains":[
            {{"host":"{HOST}","pins":["{inter}"]}},
            {{"host":"example.com","pins":[{{"pin":"{root}","position":"ca"}}]}}]}}"#
        ))
        .unwrap()
    }

    fn options(hostname: &str, verify: bool) -> CheckOptions {
        let mut o = CheckOptions::at(NOW * 1000).for_host(hostname);
        o.verify_signatures = verify;
        o
    }

    fn bytes_parts(ders: &[Vec<u8>]) -> Vec<Part> {
        ders.iter().cloned().map(Part::Bytes).collect()
    }

    /// Every chain of the bypass suite, as DER parts and as one PEM text.
    fn inputs() -> Vec<(String, Vec<Part>)> {
        let mut out = vec![];
        for (name, ders) in bypass_chains() {
            out.push((format!("{name} (DER)"), bytes_parts(&ders)));
            out.push((format!("{name} (PEM)"), vec![Part::Text(to_pem(&ders))]));
        }
        out.push(("deep chain".into(), bytes_parts(&deep_chain(12))));
        out.push(("loop look-alikes".into(), bytes_parts(&loop_look_alikes())));
        out
    }

    #[test]
    fn memo_verdicts_equal_check_policy_first_and_repeated() {
        let policy = policy();
        let mut memo = ChainMemo::new();
        for round in 0..3 {
            for (name, input) in inputs() {
                for host in [HOST, "example.com", "other.example.org"] {
                    for verify in [true, false] {
                        let o = options(host, verify);
                        let expected = check_policy(&policy, &input, &o, &RustCryptoVerifier);
                        let got = memo.check(&policy, &input, &o);
                        assert_eq!(
                            got, expected,
                            "{name}, host {host}, verify {verify}, round {round}"
                        );
                    }
                }
            }
        }
    }

    /// A chain whose certificates have periods of their own (root 2025-01-01 to
    /// 2026-09-01, intermediate 2026-01-01 to 2030-01-01, leaf 2026-03-01 to 2027-01-01),
    /// and a policy whose HOST entry expires on 2026-06-01 (pinning the intermediate) and
    /// whose example.com entry pins the root as the anchor (its period is then not
    /// checked).
    fn staggered() -> (Vec<Part>, Policy) {
        let root_spec = Spec::ca("Staggered Root", None).validity((2025, 1, 1), (2026, 9, 1));
        let inter_spec =
            Spec::ca("Staggered Issuing CA", Some(0)).validity((2026, 1, 1), (2030, 1, 1));
        let root = root_spec.self_signed(&key("root"));
        let inter = inter_spec.signed_by(&key("inter"), &root_spec, &key("root"));
        let leaf = Spec::leaf("www.example.com", &["www.example.com", "example.com"])
            .validity((2026, 3, 1), (2027, 1, 1))
            .signed_by(&key("leaf"), &inter_spec, &key("inter"));
        let inter_pin = pin_of(&inter);
        let root_pin = pin_of(&root);
        let policy = Policy::from_json(&format!(
            r#"{{"version":1,"domains":[
            {{"host":"{HOST}","pins":["{inter_pin}"],"expires":"2026-06-01T00:00:00Z"}},
            {{"host":"example.com","pins":[{{"pin":"{root_pin}","position":"ca"}}]}}]}}"#
        ))
        .unwrap();
        (bytes_parts(&[leaf, inter, root]), policy)
    }

    #[test]
    fn a_remembered_verdict_is_given_again_only_where_a_check_decides_it_again() {
        // The memo gives its last verdict again when nothing but `now` changed and no
        // period or entry expiry lies between: checks at every such boundary (each
        // certificate's notBefore and notAfter widened by the clock skew, the entry's
        // expires), a millisecond and a second either side, in rising and in falling
        // order, each twice, must give what check_policy gives.
        let (input, policy) = staggered();
        let certs = parse_chain(&input).unwrap();
        let expires = UnixTime::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
        for skew in [0, 3600] {
            let mut edges = vec![expires.as_millis()];
            for c in &certs {
                let f = c.facts();
                edges.push(f.not_before.as_millis() - skew * 1000);
                edges.push(f.not_after.as_millis() + skew * 1000 + 999);
            }
            let mut instants: Vec<i64> = edges
                .iter()
                .flat_map(|e| [-1000, -1, 0, 1, 1000].map(|d| e + d))
                .collect();
            instants.sort_unstable();
            instants.dedup();
            for rising in [true, false] {
                if !rising {
                    instants.reverse();
                }
                for host in [HOST, "example.com"] {
                    for verify in [true, false] {
                        let mut memo = ChainMemo::new();
                        for &ms in &instants {
                            let mut o = CheckOptions::at(ms).for_host(host);
                            o.verify_signatures = verify;
                            o.clock_skew_seconds = skew;
                            let expected = check_policy(&policy, &input, &o, &RustCryptoVerifier);
                            for _ in 0..2 {
                                assert_eq!(
                                    memo.check(&policy, &input, &o),
                                    expected,
                                    "{host} at {ms} ms, skew {skew}, verify {verify}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_remembered_verdict_is_not_given_for_other_options_or_another_policy() {
        let other = policy();
        let (input, policy) = staggered();
        let at = UnixTime::parse_rfc3339("2026-04-01T00:00:00Z")
            .unwrap()
            .as_millis();
        let mut memo = ChainMemo::new();
        let base = CheckOptions::at(at).for_host(HOST);
        let mut variants = vec![base.clone()];
        let mut o = base.clone();
        o.port = Some(8443);
        variants.push(o);
        let mut o = base.clone();
        o.verify_signatures = false;
        variants.push(o);
        let mut o = base.clone();
        o.allow_common_name = true;
        variants.push(o);
        let mut o = base.clone();
        o.rules.allow_sha1 = true;
        variants.push(o);
        let mut o = base.clone();
        o.clock_skew_seconds = 60;
        variants.push(o);
        variants.push(base.clone().for_host("WWW.example.com."));
        variants.push(base.clone().for_host("example.com"));
        for o in &variants {
            for p in [&policy, &other, &policy] {
                let expected = check_policy(p, &input, o, &RustCryptoVerifier);
                assert_eq!(memo.check(p, &input, o), expected, "{o:?}");
            }
        }
    }

    #[test]
    fn only_byte_identical_input_reuses_a_remembered_chain() {
        let policy = policy();
        let p = pki();
        let honest = vec![p.leaf.clone(), p.inter.clone(), p.root.clone()];
        let mut memo = ChainMemo::new();
        let o = options(HOST, true);
        let first = memo.check(&policy, &bytes_parts(&honest), &o).unwrap();
        assert_eq!(first.status, Status::Matched);
        // The same chain with the leaf's last signature byte flipped: same lengths, same
        // names, same keys, so a key of lengths, names or pins would reuse the verified path.
        let mut tampered = honest.clone();
        let last = tampered[0].len() - 1;
        tampered[0][last] ^= 0x01;
        let verdict = memo.check(&policy, &bytes_parts(&tampered), &o).unwrap();
        assert_eq!(
            verdict.status,
            Status::InvalidChain,
            "{:?}",
            verdict.findings
        );
        assert!(!verdict.ok);
        assert_eq!(
            verdict,
            check_policy(&policy, &bytes_parts(&tampered), &o, &RustCryptoVerifier).unwrap()
        );
        // And the honest chain is still matched (both are remembered).
        assert_eq!(memo.len(), 2);
        assert_eq!(
            memo.check(&policy, &bytes_parts(&honest), &o).unwrap(),
            first
        );
    }

    struct Reject;
    impl SignatureVerifier for Reject {
        fn verify(&self, _: SignatureAlgorithm, _: &[u8], _: &[u8], _: &[u8]) -> VerifyOutcome {
            VerifyOutcome::Invalid
        }
    }

    #[test]
    fn another_verifier_forgets_remembered_paths() {
        let policy = policy();
        let p = pki();
        let input = bytes_parts(&[p.leaf.clone(), p.inter.clone(), p.root.clone()]);
        let o = options(HOST, true);
        let mut memo = ChainMemo::new();
        assert_eq!(
            memo.check(&policy, &input, &o).unwrap().status,
            Status::Matched
        );
        memo.set_verifier(Box::new(Reject));
        let rejected = memo.check(&policy, &input, &o).unwrap();
        memo.set_verifier(Box::new(RustCryptoVerifier));
        assert_eq!(rejected.status, Status::InvalidChain);
        assert_eq!(
            memo.check(&policy, &input, &o).unwrap().status,
            Status::Matched
        );
    }

    #[test]
    fn the_memo_is_bounded() {
        let policy = policy();
        let o = options(HOST, false);
        let mut memo = ChainMemo::new();
        // Distinct inputs: the honest leaf alone, PEM-encoded with a different amount of
        // explanatory text before the block each time.
        let leaf_pem = to_pem(&[pki().leaf]);
        for i in 0..MEMO_CHAINS + 5 {
            let input = vec![Part::Text(format!("{}\n{leaf_pem}", "x".repeat(i)))];
            memo.check(&policy, &input, &o).unwrap();
            assert!(memo.len() <= MEMO_CHAINS);
        }
        assert_eq!(memo.len(), MEMO_CHAINS);
        // Inputs over MEMO_MAX_INPUT_BYTES are checked, not remembered.
        let mut memo = ChainMemo::new();
        let big = vec![Part::Text(format!(
            "{}\n{leaf_pem}",
            "x".repeat(MEMO_MAX_INPUT_BYTES)
        ))];
        let verdict = memo.check(&policy, &big, &o).unwrap();
        assert_eq!(
            verdict,
            check_policy(&policy, &big, &o, &RustCryptoVerifier).unwrap()
        );
        assert!(memo.is_empty());
        // Errors are not remembered either.
        let broken = vec![Part::Bytes(vec![0x30, 0x03, 0x02, 0x01, 0x00])];
        assert!(memo.check(&policy, &broken, &o).is_err());
        assert!(memo.is_empty());
    }

    #[test]
    fn pin_path_builds_the_verified_path() {
        let mut checked = 0;
        for (name, input) in inputs() {
            let certs = parse_chain(&input).unwrap();
            let full = verified_path(&certs, &RustCryptoVerifier);
            let pins = pin_path(&certs, &RustCryptoVerifier);
            assert_eq!(pins.path, full.path, "{name}");
            assert_eq!(pins.valid, full.valid, "{name}");
            assert_eq!(pins.findings, full.findings, "{name}");
            assert!(pins.signature_checks <= full.signature_checks, "{name}");
            assert!(!pins.ends_at_self_signed, "{name}");
            checked += 1;
        }
        // The honest chain ends at its served root: one self-signature check saved.
        let p = pki();
        let certs = parse_chain(&bytes_parts(&[p.leaf, p.inter, p.root])).unwrap();
        let full = verified_path(&certs, &RustCryptoVerifier);
        assert!(full.ends_at_self_signed);
        assert_eq!(full.signature_checks, 3);
        assert_eq!(pin_path(&certs, &RustCryptoVerifier).signature_checks, 2);
        assert!(checked >= 20);
    }

    /// RFC 5280 section 4.2: an extension appears at most once. (Checked while parsing;
    /// the check compares DER OID bytes since the performance work.)
    #[test]
    fn a_repeated_extension_is_refused_and_distinct_ones_are_not() {
        use rcgen::CustomExtension;
        let with = |oids: &[&[u64]]| {
            let mut spec = Spec::leaf("www.example.com", &["www.example.com"]);
            for oid in oids {
                spec.params
                    .custom_extensions
                    .push(CustomExtension::from_oid_content(oid, vec![0x05, 0x00]));
            }
            spec.self_signed(&key("leaf"))
        };
        let twice = with(&[&[1, 3, 6, 1, 4, 1, 55555, 1], &[1, 3, 6, 1, 4, 1, 55555, 1]]);
        match parse_chain(&[Part::Bytes(twice)]) {
            Err(certpin::Error::CertMalformed { reason, .. }) => {
                assert!(
                    reason.contains("1.3.6.1.4.1.55555.1 appears twice"),
                    "{reason}"
                )
            }
            other => panic!("expected CertMalformed, got {other:?}"),
        }
        let distinct = with(&[&[1, 3, 6, 1, 4, 1, 55555, 1], &[1, 3, 6, 1, 4, 1, 55555, 2]]);
        assert!(parse_chain(&[Part::Bytes(distinct)]).is_ok());
    }

    /// Both ways of checking report the same error first when the hostname and the chain
    /// are both wrong.
    #[test]
    fn errors_come_in_the_same_order_with_and_without_the_memo() {
        let policy = policy();
        let broken = vec![Part::Bytes(vec![0x30, 0x03, 0x02, 0x01, 0x00])];
        let no_host = CheckOptions::at(NOW * 1000);
        let bad_host = options("exa mple.com", true);
        let good = options(HOST, true);
        let mut memo = ChainMemo::new();
        for o in [&no_host, &bad_host, &good] {
            let expected = check_policy(&policy, &broken, o, &RustCryptoVerifier).unwrap_err();
            assert_eq!(memo.check(&policy, &broken, o).unwrap_err(), expected);
        }
        assert!(matches!(
            memo.check(&policy, &broken, &no_host),
            Err(certpin::Error::InvalidArgument { .. })
        ));
    }
}
