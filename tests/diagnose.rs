//! diagnose(): every finding code, each from a chain that shows it, with messages a
//! person can act on.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{
    diagnose, Certificate, DiagnoseOptions, Finding, HashAlgorithm, Pin, RustCryptoVerifier,
    Severity, UnixTime,
};
use common::finding_codes::*;
use common::*;
use std::collections::BTreeSet;

fn run(
    certs: &[Certificate],
    hostname: Option<&str>,
    now: i64,
    pins: Option<Vec<Pin>>,
) -> Vec<Finding> {
    diagnose(
        certs,
        &DiagnoseOptions {
            hostname: hostname.map(str::to_string),
            now: UnixTime::from_seconds(now),
            expected_pins: pins,
        },
        &RustCryptoVerifier,
    )
}

fn at(now: i64, certs: &[Certificate]) -> Vec<Finding> {
    run(certs, None, now, None)
}

fn bypass(name: &str) -> Vec<Certificate> {
    pem_certs(&fixture(&format!("bypass/{name}.pem")))
}

fn find<'a>(findings: &'a [Finding], code: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", findings))
}

#[test]
fn honest_chain_has_nothing_to_say() {
    let chain = bypass("honest");
    let findings = run(&chain, Some("www.example.com"), NOW, None);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn every_code_has_a_scenario() {
    let p = pki();
    let honest = bypass("honest");
    let inter_pin = honest[1].pin(HashAlgorithm::Sha256);
    let other_pin = Pin::of_spki(HashAlgorithm::Sha256, b"some other key");

    // A leaf issued a day after the rest, for the "clock slightly behind" hint.
    let fresh_leaf = Spec::leaf("www.example.com", &["www.example.com"])
        .validity((2026, 6, 2), (2027, 6, 2))
        .signed_by(&key("leaf"), &p.inter_spec, &key("inter"));
    let no_san =
        Spec::leaf("legacy.example.com", &[]).signed_by(&key("leaf"), &p.inter_spec, &key("inter"));
    // A critical extension nobody recognises, on the leaf.
    let mut odd = Spec::leaf("www.example.com", &["www.example.com"]);
    let mut ext =
        rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55555, 1], vec![5, 0]);
    ext.set_criticality(true);
    odd.params.custom_extensions = vec![ext];
    let odd = odd.signed_by(&key("leaf"), &p.inter_spec, &key("inter"));
    // A served top without keyCertSign: the anchor.
    let mut no_kcs = Spec::ca("Example Issuing CA", None);
    no_kcs.params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let no_kcs_der = no_kcs.signed_by(&key("inter"), &p.root_spec, &key("root"));
    let under_no_kcs = Spec::leaf("www.example.com", &["www.example.com"]).signed_by(
        &key("leaf"),
        &no_kcs,
        &key("inter"),
    );
    // An expired cross-signed intermediate served before a valid one of the same key.
    let old_inter = Spec::ca("Example Issuing CA", Some(0)).validity((2020, 1, 1), (2021, 1, 1));
    let old_inter_der = old_inter.signed_by(&key("inter"), &p.root_spec, &key("root"));
    let deep = deep_chain(5);
    let deep_refs: Vec<&Vec<u8>> = deep.iter().collect();

    // (expected code, findings of a scenario that must show it)
    let scenarios: Vec<(&str, Vec<Finding>)> = vec![
        ("NO_CHAIN", at(NOW, &[])),
        ("CHAIN_OUT_OF_ORDER", at(NOW, &bypass("shuffled"))),
        ("MISSING_INTERMEDIATE", at(NOW, &certs(&[&p.leaf]))),
        (
            "CHAIN_ENDS_BELOW_ROOT",
            at(NOW, &certs(&[&p.leaf, &p.inter])),
        ),
        (
            "DUPLICATE_CERTIFICATE",
            at(NOW, &certs(&[&p.leaf, &p.inter, &p.inter, &p.root])),
        ),
        (
            "PIN_MISMATCH",
            run(&honest, None, NOW, Some(vec![other_pin.clone()])),
        ),
        (
            "PIN_ON_UNVERIFIED_CERT",
            run(
                &bypass("appended-pinned-intermediate"),
                None,
                NOW,
                Some(vec![inter_pin.clone()]),
            ),
        ),
        (
            "PIN_MATCHED",
            run(
                &honest,
                None,
                NOW,
                Some(vec![other_pin.clone(), inter_pin.clone()]),
            ),
        ),
        (
            "WEAK_KEY",
            at(NOW, &pem_certs(&fixture("rsa1024-sha256.pem"))),
        ),
        (
            "SHA1_SIGNATURE",
            at(NOW, &pem_certs(&fixture("rsa2048-sha1.pem"))),
        ),
        ("LEAF_IS_CA", at(NOW, &certs(&[&p.inter, &p.root]))),
        (
            "NO_SUBJECT_ALT_NAME",
            at(NOW, &certs(&[&no_san, &p.inter, &p.root])),
        ),
        ("LONG_PATH", at(NOW, &certs(&deep_refs))),
        (
            "CERT_NOT_ON_PATH",
            at(NOW, &bypass("pinned-root-not-linked")),
        ),
        (
            "LINK_SIGNATURE_INVALID",
            at(NOW, &bypass("corrupted-leaf-signature")),
        ),
        (
            "NO_VERIFIED_ISSUER",
            at(NOW, &bypass("rogue-leaf-real-intermediate")),
        ),
        (
            "SIGNATURE_ALGORITHM_UNSUPPORTED",
            at(NOW, &pem_certs(&fixture("p521-sha512.pem"))),
        ),
        (
            "ISSUER_NOT_CA",
            at(NOW, &bypass("intermediate-without-ca-bit")),
        ),
        (
            "PATH_LEN_CONSTRAINT_EXCEEDED",
            at(NOW, &bypass("path-len-exceeded")),
        ),
        (
            "PATH_BUDGET_EXCEEDED",
            at(NOW, &bypass("sixteen-look-alikes")),
        ),
        (
            "SHA1_SIGNATURE_REFUSED",
            at(NOW, &pem_certs(&fixture("rsa2048-sha1.pem"))),
        ),
        (
            "RSA_KEY_TOO_SMALL",
            at(NOW, &pem_certs(&fixture("rsa1024-sha256.pem"))),
        ),
        (
            "UNKNOWN_CRITICAL_EXTENSION",
            at(NOW, &certs(&[&odd, &p.inter, &p.root])),
        ),
        (
            "ANCHOR_CONSTRAINTS_NOT_APPLIED",
            at(NOW, &certs(&[&under_no_kcs, &no_kcs_der])),
        ),
        (
            "CANDIDATE_OUT_OF_PERIOD",
            at(NOW, &certs(&[&p.leaf, &old_inter_der, &p.inter, &p.root])),
        ),
        ("PATH_TOO_LONG", {
            let ders = deep_chain(11);
            let refs: Vec<&Vec<u8>> = ders.iter().collect();
            at(NOW, &certs(&refs))
        }),
        ("CERT_EXPIRED", at(NOT_AFTER + DAY, &honest)),
        ("CERT_NOT_YET_VALID", at(NOT_BEFORE - DAY, &honest)),
        (
            "CLOCK_PROBABLY_WRONG",
            at(NOW + 23 * 3600, &certs(&[&fresh_leaf, &p.inter, &p.root])),
        ),
        ("CERT_EXPIRES_SOON", at(NOT_AFTER - 10 * DAY, &honest)),
        (
            "HOSTNAME_MISMATCH",
            run(&honest, Some("api.example.com"), NOW, None),
        ),
        ("HOSTNAME_INVALID", run(&honest, Some("a..b"), NOW, None)),
        (
            "HOSTNAME_COMMON_NAME_FALLBACK",
            run(
                &certs(&[&no_san, &p.inter, &p.root]),
                Some("legacy.example.com"),
                NOW,
                None,
            ),
        ),
    ];
    let mut seen = BTreeSet::new();
    for (code, findings) in &scenarios {
        let f = find(findings, code);
        assert!(!f.message.is_empty());
        seen.insert(*code);
        // Most severe first.
        assert!(
            findings.windows(2).all(|w| w[0].severity <= w[1].severity),
            "{code}"
        );
    }
    let all: BTreeSet<&str> = DIAGNOSE_CODES.iter().copied().collect();
    assert_eq!(seen, all, "every finding code has a scenario");
}

#[test]
fn messages_say_what_to_do() {
    let p = pki();
    let honest = bypass("honest");

    let f = at(NOW, &bypass("shuffled"));
    let order = find(&f, "CHAIN_OUT_OF_ORDER");
    assert!(order.message.contains("[0, 2, 1]"), "{}", order.message);
    assert_eq!(order.severity, Severity::Warning);

    let other = Pin::of_spki(HashAlgorithm::Sha256, b"x");
    let f = run(&honest, None, NOW, Some(vec![other.clone()]));
    let m = &find(&f, "PIN_MISMATCH").message;
    for (i, c) in honest.iter().enumerate() {
        assert!(
            m.contains(&format!(
                "{}: {}",
                c.pin(HashAlgorithm::Sha256),
                c.facts().subject
            )),
            "cert {i}: {m}"
        );
    }
    assert!(m.contains(&other.to_string()));

    let f = run(&honest, Some("api.example.com"), NOW, None);
    let m = &find(&f, "HOSTNAME_MISMATCH").message;
    assert!(m.contains("www.example.com, example.com"), "{m}");

    // Every certificate shifted: expired together, the clock is suspect.
    let f = at(NOT_AFTER + 400 * DAY, &honest);
    assert_eq!(f.iter().filter(|x| x.code == "CERT_EXPIRED").count(), 3);
    assert!(find(&f, "CLOCK_PROBABLY_WRONG").message.contains("clock"));

    // A pin on an appended certificate never matches.
    let inter_pin = certs(&[&p.inter])[0].pin(HashAlgorithm::Sha256);
    let f = run(
        &bypass("appended-pinned-intermediate"),
        None,
        NOW,
        Some(vec![inter_pin]),
    );
    assert_eq!(find(&f, "PIN_ON_UNVERIFIED_CERT").cert_index, Some(2));
    assert!(f.iter().any(|x| x.code == "PIN_MISMATCH"));
    assert!(!f.iter().any(|x| x.code == "PIN_MATCHED"));

    // A SHA-1 self-signed root is not flagged, the SHA-1 leaf is.
    let f = at(NOW, &pem_certs(&fixture("rsa2048-sha1.pem")));
    let sha1: Vec<_> = f
        .iter()
        .filter(|x| x.code == "SHA1_SIGNATURE")
        .map(|x| x.cert_index)
        .collect();
    assert_eq!(sha1, vec![Some(0)]);
}
