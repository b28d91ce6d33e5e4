//! Revocation: OCSP responses and CRLs made by `openssl ocsp` / `openssl ca`
//! (tests/revocation/make.sh), each verdict compared with OpenSSL's on the same
//! bytes (openssl-verdicts.txt, written by the same script) and each time compared with
//! the one `openssl ocsp -resp_text` / `openssl crl -text` printed (the *.txt files).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::RustCryptoVerifier;
use certpin::{
    check_crl, check_ocsp, check_policy, diagnose, must_staple, parse_chain, revocation_info,
    CheckOptions, DiagnoseOptions, Error, Part, Policy, Responder, RevocationOptions,
    RevocationOutcome, RevocationStatus, Status, UnixTime,
};
use std::path::PathBuf;

fn dir() -> PathBuf {
    common::tests_dir("revocation")
}
fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}
fn text(name: &str) -> String {
    String::from_utf8(read(name)).unwrap()
}
fn chain(leaf: &str) -> Vec<Part> {
    vec![Part::Text(text(&format!("{leaf}-chain.pem")))]
}
/// The `now` the fixtures were made for: an hour after they were made.
fn now() -> UnixTime {
    UnixTime::parse_rfc3339(text("now.txt").trim()).unwrap()
}
fn at(now: UnixTime) -> RevocationOptions {
    RevocationOptions {
        now,
        clock_skew_seconds: 0,
    }
}

/// OpenSSL's verdict line for `name` checked against `leaf` (openssl-verdicts.txt).
fn openssl_verdict(name: &str, leaf: &str) -> String {
    let key = format!("{name} {leaf}|");
    text("openssl-verdicts.txt")
        .lines()
        .find(|l| l.starts_with(&key))
        .unwrap_or_else(|| panic!("no OpenSSL verdict for {key}"))
        .to_string()
}

/// "Dec  1 20:08:50 2026 GMT" (OpenSSL's ASN1_TIME_print) as RFC 3339.
fn openssl_time(t: &str) -> String {
    let parts: Vec<&str> = t.split_whitespace().collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[0])
    .unwrap()
        + 1;
    format!(
        "{}-{month:02}-{:02}T{}Z",
        parts[3],
        parts[1].parse::<u32>().unwrap(),
        parts[2]
    )
}

/// The value after `label` in OpenSSL's text dump of `name`.
fn openssl_field(name: &str, label: &str) -> Option<String> {
    text(name)
        .lines()
        .find_map(|l| l.trim().strip_prefix(label).map(|v| v.trim().to_string()))
}

fn ocsp(leaf: &str, name: &str) -> Result<RevocationOutcome, Error> {
    check_ocsp(&chain(leaf), &read(name), &at(now()), &RustCryptoVerifier)
}

fn ocsp_refused(leaf: &str, name: &str, says: &str) {
    match ocsp(leaf, name) {
        Err(Error::OcspInvalid { reason }) => {
            assert!(
                reason.contains(says),
                "{name}: {reason:?} should say {says:?}"
            )
        }
        other => panic!("{name}: expected OCSP_INVALID, got {other:?}"),
    }
}

#[test]
fn ocsp_accepted_cases_agree_with_openssl() {
    // (response, leaf, status, responder, reason)
    let cases = [
        (
            "ocsp-good-issuer-sha1.der",
            "good",
            RevocationStatus::Good,
            Responder::Issuer,
            None,
        ),
        (
            "ocsp-good-issuer-sha256.der",
            "good",
            RevocationStatus::Good,
            Responder::Issuer,
            None,
        ),
        (
            "ocsp-revoked.der",
            "revoked",
            RevocationStatus::Revoked,
            Responder::Issuer,
            Some("keyCompromise"),
        ),
        (
            "ocsp-unknown.der",
            "unknown",
            RevocationStatus::Unknown,
            Responder::Issuer,
            None,
        ),
        (
            "ocsp-muststaple-good.der",
            "muststaple",
            RevocationStatus::Good,
            Responder::Issuer,
            None,
        ),
        (
            "ocsp-good-delegated.der",
            "good",
            RevocationStatus::Good,
            Responder::Delegated,
            None,
        ),
        (
            "ocsp-good-delegated-keyid.der",
            "good",
            RevocationStatus::Good,
            Responder::Delegated,
            None,
        ),
    ];
    for (name, leaf, status, responder, reason) in cases {
        let verdict = openssl_verdict(name, leaf);
        let fields: Vec<&str> = verdict.split('|').collect();
        assert_eq!(
            fields[1], "Response verify OK",
            "{name}: OpenSSL: {verdict}"
        );
        let openssl_status = match status {
            RevocationStatus::Good => "good",
            RevocationStatus::Revoked => "revoked",
            RevocationStatus::Unknown => "unknown",
        };
        assert_eq!(fields[2], openssl_status, "{name}: OpenSSL: {verdict}");
        let got = ocsp(leaf, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (
                got.status,
                got.responder,
                got.cert_index,
                got.reason.as_deref()
            ),
            (status, responder, 0, reason),
            "{name}"
        );
        let txt = name.replace(".der", ".txt");
        assert_eq!(
            got.this_update,
            openssl_time(&openssl_field(&txt, "This Update:").unwrap()),
            "{name}"
        );
        assert_eq!(
            got.next_update,
            openssl_field(&txt, "Next Update:").map(|t| openssl_time(&t)),
            "{name}"
        );
        assert_eq!(
            got.revoked_at,
            openssl_field(&txt, "Revocation Time:").map(|t| openssl_time(&t)),
            "{name}"
        );
        if let Some(r) = reason {
            assert!(fields[4].contains(r), "{name}: OpenSSL: {verdict}");
        }
    }
}

#[test]
fn ocsp_refused_cases_agree_with_openssl() {
    // (response, leaf, what OpenSSL said, what certpin's message says)
    let cases = [
        (
            "ocsp-other-serial.der",
            "good",
            "No Status found",
            "name no certificate of the verified path",
        ),
        (
            "ocsp-good-delegated-no-certs.der",
            "good",
            "Response Verify Failure",
            "neither the issuer",
        ),
        (
            "ocsp-delegated-no-eku.der",
            "good",
            "Response Verify Failure",
            "id-kp-OCSPSigning",
        ),
        (
            "ocsp-signed-by-root.der",
            "good",
            "Response Verify Failure",
            "was not issued by the certificate's issuer",
        ),
        (
            "ocsp-responder-by-root.der",
            "good",
            "Response Verify Failure",
            "was not issued by the certificate's issuer",
        ),
        (
            "ocsp-tampered.der",
            "good",
            "Response Verify Failure",
            "does not verify with the issuer's key",
        ),
        (
            "ocsp-expired.der",
            "good",
            "Status times invalid",
            "expired",
        ),
        (
            "ocsp-trylater.der",
            "good",
            "Responder Error: trylater (3)",
            "tryLater (3)",
        ),
        (
            "ocsp-unauthorized.der",
            "good",
            "Responder Error: unauthorized (6)",
            "unauthorized (6)",
        ),
    ];
    for (name, leaf, openssl_says, says) in cases {
        let verdict = openssl_verdict(name, leaf);
        assert!(verdict.contains(openssl_says), "{name}: OpenSSL: {verdict}");
        ocsp_refused(leaf, name, says);
    }
    // A response for another certificate, checked with the chain it is for, is fine.
    assert_eq!(
        ocsp("other", "ocsp-other-serial.der").unwrap().status,
        RevocationStatus::Good
    );
    // The revoked leaf's response does not speak for the good leaf.
    ocsp_refused("good", "ocsp-revoked.der", "name no certificate");
}

#[test]
fn ocsp_for_the_intermediate_speaks_for_certificate_1_only() {
    let verdict = openssl_verdict("ocsp-intermediate-by-root.der", "intermediate");
    assert!(
        verdict.contains("Response verify OK|good"),
        "OpenSSL: {verdict}"
    );
    let got = ocsp("good", "ocsp-intermediate-by-root.der").unwrap();
    assert_eq!(
        (got.status, got.cert_index, got.responder),
        (RevocationStatus::Good, 1, Responder::Issuer)
    );
    // As a staple it does not cover the leaf.
    let v = verdict_of(
        "check",
        "good",
        "good.example.com",
        Some("ocsp-intermediate-by-root.der"),
    );
    assert_eq!((v.ok, v.status), (false, Status::CertRevoked));
    assert!(codes(&v).contains(&"OCSP_STAPLE_INVALID"));
}

#[test]
fn ocsp_times_honour_the_clock_and_the_skew() {
    let good = read("ocsp-good-issuer-sha1.der");
    let this_update = UnixTime::parse_rfc3339(&openssl_time(
        &openssl_field("ocsp-good-issuer-sha1.txt", "This Update:").unwrap(),
    ))
    .unwrap();
    let next_update = UnixTime::parse_rfc3339(&openssl_time(
        &openssl_field("ocsp-good-issuer-sha1.txt", "Next Update:").unwrap(),
    ))
    .unwrap();
    let check = |now: UnixTime, skew: i64| {
        check_ocsp(
            &chain("good"),
            &good,
            &RevocationOptions {
                now,
                clock_skew_seconds: skew,
            },
            &RustCryptoVerifier,
        )
    };
    assert!(check(this_update, 0).is_ok(), "at thisUpdate");
    assert!(check(next_update, 0).is_ok(), "at nextUpdate");
    let early = check(this_update.minus_seconds(1), 0).unwrap_err();
    assert!(early.to_string().contains("not yet valid"), "{early}");
    assert!(
        check(this_update.minus_seconds(60), 60).is_ok(),
        "within the skew"
    );
    let late = check(next_update.plus_seconds(1), 0).unwrap_err();
    assert!(late.to_string().contains("expired"), "{late}");
    assert!(check(next_update.plus_seconds(60), 60).is_ok());
    // The expired response is fine with a skew that covers its age (made an hour before
    // `now`, valid for one minute).
    let expired = check_ocsp(
        &chain("good"),
        &read("ocsp-expired.der"),
        &RevocationOptions {
            now: now(),
            clock_skew_seconds: 3600,
        },
        &RustCryptoVerifier,
    );
    assert_eq!(expired.unwrap().status, RevocationStatus::Good);
    let too_much = check_ocsp(
        &chain("good"),
        &good,
        &RevocationOptions {
            now: now(),
            clock_skew_seconds: 86_401,
        },
        &RustCryptoVerifier,
    );
    assert_eq!(too_much.unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn ocsp_needs_a_verified_issuer() {
    // The leaf alone: no issuer to check the response against.
    let leaf = vec![Part::Text(text("good.pem"))];
    let e = check_ocsp(
        &leaf,
        &read("ocsp-good-issuer-sha1.der"),
        &at(now()),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "OCSP_INVALID");
    // The leaf with an issuer that did not sign it.
    let wrong = vec![Part::Text(text("good.pem")), Part::Text(text("root.pem"))];
    let e = check_ocsp(
        &wrong,
        &read("ocsp-good-issuer-sha1.der"),
        &at(now()),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "OCSP_INVALID");
}

#[test]
fn malformed_ocsp_never_passes() {
    let good = read("ocsp-good-issuer-sha1.der");
    let c = chain("good");
    assert_eq!(
        check_ocsp(&c, &[], &at(now()), &RustCryptoVerifier)
            .unwrap_err()
            .code(),
        "OCSP_INVALID"
    );
    assert_eq!(
        check_ocsp(&c, &vec![0u8; 70_000], &at(now()), &RustCryptoVerifier)
            .unwrap_err()
            .code(),
        "OCSP_INVALID"
    );
    // Every truncation and every single-byte change is refused or verifies as the
    // original (a change in the certs the response carries that still parses).
    for len in 0..good.len() {
        assert!(
            check_ocsp(&c, &good[..len], &at(now()), &RustCryptoVerifier).is_err(),
            "truncated at {len}"
        );
    }
    let mut accepted_changes = 0;
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        if let Ok(outcome) = check_ocsp(&c, &bad, &at(now()), &RustCryptoVerifier) {
            assert_eq!(outcome.status, RevocationStatus::Good);
            accepted_changes += 1;
        }
    }
    // Only bytes outside tbsResponseData and the signature (the embedded issuer
    // certificate, which is not used: the path's issuer is) may change.
    assert!(
        accepted_changes < good.len() / 2,
        "{accepted_changes} of {}",
        good.len()
    );
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(check_ocsp(&c, &trailing, &at(now()), &RustCryptoVerifier).is_err());
}

fn crl(leaf: &str, name: &str) -> Result<RevocationOutcome, Error> {
    check_crl(&chain(leaf), &read(name), &at(now()), &RustCryptoVerifier)
}

#[test]
fn crls_agree_with_openssl() {
    assert!(openssl_verdict("crl-intermediate.der", "good").ends_with("good.pem: OK "));
    let good = crl("good", "crl-intermediate.der").unwrap();
    assert_eq!(
        (good.status, good.cert_index, good.responder),
        (RevocationStatus::Good, 0, Responder::Issuer)
    );
    assert_eq!(
        good.this_update,
        openssl_time(&openssl_field("crl-intermediate.txt", "Last Update:").unwrap())
    );
    assert_eq!(
        good.next_update,
        openssl_field("crl-intermediate.txt", "Next Update:").map(|t| openssl_time(&t))
    );

    assert!(openssl_verdict("crl-intermediate.der", "revoked").contains("certificate revoked"));
    let revoked = crl("revoked", "crl-intermediate.der").unwrap();
    assert_eq!(revoked.status, RevocationStatus::Revoked);
    assert_eq!(revoked.reason.as_deref(), Some("keyCompromise"));
    assert!(text("crl-intermediate.txt").contains("Key Compromise"));
    assert_eq!(
        revoked.revoked_at,
        openssl_field("crl-intermediate.txt", "Revocation Date:").map(|t| openssl_time(&t))
    );

    assert!(openssl_verdict("crl-expired.der", "good").contains("CRL has expired"));
    let e = crl("good", "crl-expired.der").unwrap_err();
    assert!(
        matches!(&e, Error::CrlInvalid { reason } if reason.contains("expired")),
        "{e}"
    );

    assert!(openssl_verdict("crl-tampered.der", "good").contains("CRL signature failure"));
    let e = crl("good", "crl-tampered.der").unwrap_err();
    assert!(
        matches!(&e, Error::CrlInvalid { reason } if reason.contains("does not verify")),
        "{e}"
    );

    // The root's CRL speaks for the intermediate (certificate 1 of the path).
    assert!(openssl_verdict("crl-root.der", "intermediate").ends_with("intermediate.pem: OK "));
    let root = crl("good", "crl-root.der").unwrap();
    assert_eq!((root.status, root.cert_index), (RevocationStatus::Good, 1));
    // Without the root in the chain nothing on the path was issued by it.
    let short = vec![
        Part::Text(text("good.pem")),
        Part::Text(text("intermediate.pem")),
    ];
    let e = check_crl(
        &short,
        &read("crl-root.der"),
        &at(now()),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "CRL_INVALID");
    // A CRL of CA certificates only cannot say the leaf is not revoked.
    let verdict = openssl_verdict("crl-ca-only.der", "good");
    assert!(!verdict.ends_with("good.pem: OK "), "OpenSSL: {verdict}");
    let e = crl("good", "crl-ca-only.der").unwrap_err();
    assert!(
        matches!(&e, Error::CrlInvalid { reason } if reason.contains("does not cover")),
        "{e}"
    );
    // Before its thisUpdate.
    let e = check_crl(
        &chain("good"),
        &read("crl-intermediate.der"),
        &at(UnixTime::from_millis(0)),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not yet valid"), "{e}");
}

#[test]
fn malformed_crls_never_pass() {
    let good = read("crl-intermediate.der");
    let c = chain("revoked");
    for len in 0..good.len() {
        assert!(
            check_crl(&c, &good[..len], &at(now()), &RustCryptoVerifier).is_err(),
            "truncated at {len}"
        );
    }
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        if let Ok(outcome) = check_crl(&c, &bad, &at(now()), &RustCryptoVerifier) {
            panic!("byte {i} changed and the CRL still verified: {outcome:?}");
        }
    }
}

fn policy(revocation: &str) -> Policy {
    Policy::from_json(&format!(
        r#"{{"version":1,"domains":[{{"host":"**.example.com","pins":["{}"]{}}}]}}"#,
        certpin::compute_pins(
            &[Part::Text(text("root.pem"))],
            certpin::HashAlgorithm::Sha256
        )
        .unwrap()[0],
        if revocation.is_empty() {
            String::new()
        } else {
            format!(r#","revocation":"{revocation}""#)
        }
    ))
    .unwrap()
}

fn verdict_of(mode: &str, leaf: &str, host: &str, staple: Option<&str>) -> certpin::Verdict {
    let options = CheckOptions {
        ocsp_response: staple.map(read),
        ..CheckOptions::at_time(now()).for_host(host)
    };
    check_policy(&policy(mode), &chain(leaf), &options, &RustCryptoVerifier).unwrap()
}

fn codes(v: &certpin::Verdict) -> Vec<&'static str> {
    v.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn policies_check_the_staple() {
    let v = verdict_of(
        "check",
        "good",
        "good.example.com",
        Some("ocsp-good-issuer-sha1.der"),
    );
    assert_eq!(
        (v.ok, v.status),
        (true, Status::Matched),
        "{:?}",
        v.findings
    );
    assert!(codes(&v).contains(&"OCSP_GOOD"));

    let v = verdict_of(
        "check",
        "revoked",
        "revoked.example.com",
        Some("ocsp-revoked.der"),
    );
    assert_eq!((v.ok, v.status), (false, Status::CertRevoked));
    assert!(codes(&v).contains(&"CERT_REVOKED"));
    assert!(v.message.contains("revoked"), "{}", v.message);

    // No staple in check mode: soft fail, said.
    let v = verdict_of("check", "good", "good.example.com", None);
    assert_eq!((v.ok, v.status), (true, Status::Matched));
    assert!(codes(&v).contains(&"REVOCATION_UNCHECKED"));

    // An invalid staple fails closed.
    let v = verdict_of(
        "check",
        "good",
        "good.example.com",
        Some("ocsp-tampered.der"),
    );
    assert_eq!((v.ok, v.status), (false, Status::CertRevoked));
    assert!(codes(&v).contains(&"OCSP_STAPLE_INVALID"));
    // A staple for another certificate.
    let v = verdict_of(
        "check",
        "good",
        "good.example.com",
        Some("ocsp-revoked.der"),
    );
    assert_eq!((v.ok, v.status), (false, Status::CertRevoked));

    // Unknown: a warning in check mode, a failure when a staple is required.
    let v = verdict_of(
        "check",
        "unknown",
        "unknown.example.com",
        Some("ocsp-unknown.der"),
    );
    assert_eq!((v.ok, v.status), (true, Status::Matched));
    assert!(codes(&v).contains(&"OCSP_STATUS_UNKNOWN"));
    let v = verdict_of(
        "require-staple",
        "unknown",
        "unknown.example.com",
        Some("ocsp-unknown.der"),
    );
    assert_eq!((v.ok, v.status), (false, Status::CertRevoked));
    assert!(codes(&v).contains(&"OCSP_STATUS_UNKNOWN"));
    // Report mode lets a revoked staple through, and says so.
    let report = Policy::from_json(
        &policy("check")
            .to_json()
            .replace(r#""mode":"enforce""#, r#""mode":"report""#),
    )
    .unwrap();
    let v = check_policy(
        &report,
        &chain("revoked"),
        &CheckOptions {
            ocsp_response: Some(read("ocsp-revoked.der")),
            ..CheckOptions::at_time(now()).for_host("revoked.example.com")
        },
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(
        (v.ok, v.enforced, v.status),
        (true, false, Status::CertRevoked)
    );
    assert!(v.report.is_some());

    // require-staple.
    let v = verdict_of("require-staple", "good", "good.example.com", None);
    assert_eq!((v.ok, v.status), (false, Status::CertRevoked));
    assert!(codes(&v).contains(&"OCSP_STAPLE_MISSING"));
    let v = verdict_of(
        "require-staple",
        "good",
        "good.example.com",
        Some("ocsp-good-delegated.der"),
    );
    assert_eq!((v.ok, v.status), (true, Status::Matched));

    // off (the default): the staple is not looked at...
    let v = verdict_of(
        "",
        "revoked",
        "revoked.example.com",
        Some("ocsp-revoked.der"),
    );
    assert_eq!((v.ok, v.status), (true, Status::Matched));
    assert!(codes(&v).contains(&"OCSP_STAPLE_IGNORED"));
    let v = verdict_of("off", "good", "good.example.com", None);
    assert_eq!((v.ok, v.status), (true, Status::Matched));
    // ...unless the leaf is must-staple.
    let v = verdict_of("off", "muststaple", "staple.example.com", None);
    assert_eq!((v.ok, v.status), (false, Status::CertRevoked));
    assert!(codes(&v).contains(&"OCSP_STAPLE_MISSING"));
    let v = verdict_of(
        "off",
        "muststaple",
        "staple.example.com",
        Some("ocsp-muststaple-good.der"),
    );
    assert_eq!(
        (v.ok, v.status),
        (true, Status::Matched),
        "{:?}",
        v.findings
    );

    // Precedence: an expired certificate comes before revocation, revocation before a
    // pin mismatch.
    let mut options = CheckOptions {
        ocsp_response: Some(read("ocsp-revoked.der")),
        ..CheckOptions::at_time(now()).for_host("revoked.example.com")
    };
    let other_pin = Policy::from_json(&format!(
        r#"{{"version":1,"domains":[{{"host":"revoked.example.com","revocation":"check","pins":["sha256/{}"]}}]}}"#,
        "A".repeat(43) + "="
    ))
    .unwrap();
    let v = check_policy(&other_pin, &chain("revoked"), &options, &RustCryptoVerifier).unwrap();
    assert_eq!(v.status, Status::CertRevoked);
    // After the fixtures' certificates expired (validity ends 2046-01-01).
    options.now = UnixTime::parse_rfc3339("2047-01-01T00:00:00Z").unwrap();
    let v = check_policy(&other_pin, &chain("revoked"), &options, &RustCryptoVerifier).unwrap();
    assert_eq!(v.status, Status::CertExpired);
}

#[test]
fn the_policy_document_round_trips_revocation() {
    for mode in ["check", "require-staple"] {
        let json = policy(mode).to_json();
        assert!(
            json.contains(&format!(r#""revocation":"{mode}""#)),
            "{json}"
        );
        assert_eq!(Policy::from_json(&json).unwrap(), policy(mode));
    }
    assert!(!policy("off").to_json().contains("revocation"));
    assert_eq!(policy("off"), policy(""));
    let e = Policy::from_json(
        r#"{"version":1,"domains":[{"host":"a.com","pins":[],"revocation":"strict"}]}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::PolicyInvalid { path, .. } if path == "domains[0].revocation"),
        "{e:?}"
    );
}

#[test]
fn diagnose_names_the_revocation_information() {
    let certs = parse_chain(&chain("good")).unwrap();
    let info = revocation_info(&certs[0]);
    assert_eq!(info.ocsp_urls, ["http://127.0.0.1:9/ocsp"]);
    assert_eq!(info.crl_urls, ["http://127.0.0.1:9/ca.crl"]);
    assert!(!info.must_staple);
    let staple = parse_chain(&chain("muststaple")).unwrap();
    assert!(must_staple(&staple[0]));
    assert!(!must_staple(&certs[0]));
    let options = DiagnoseOptions {
        hostname: None,
        now: now(),
        expected_pins: None,
    };
    let find = |leaf: &str, code: &str| {
        let certs = parse_chain(&chain(leaf)).unwrap();
        diagnose(&certs, &options, &RustCryptoVerifier)
            .into_iter()
            .filter(|f| f.code == code && f.cert_index == Some(0))
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    assert!(find("good", "OCSP_RESPONDER")[0].contains("http://127.0.0.1:9/ocsp"));
    assert!(find("good", "CRL_DISTRIBUTION_POINT")[0].contains("http://127.0.0.1:9/ca.crl"));
    assert!(find("good", "NO_OCSP").is_empty());
    assert!(find("crlonly", "NO_OCSP")[0].contains("no OCSP (CRL-only CA)"));
    assert_eq!(find("muststaple", "MUST_STAPLE").len(), 1);
    assert!(find("good", "MUST_STAPLE").is_empty());
}

/// Review: a CRL partitioned by distribution point (issuingDistributionPoint with a
/// fullName, as CAs that shard their CRLs write) covers only the certificates whose CRL
/// distribution point names it (RFC 5280 section 6.3.3 (b)(2)(i)). A shard that does not
/// list the leaf must not say it is good. Made at test time with `openssl ca -gencrl`
/// (the intermediate's key); OpenSSL's verdict on the same bytes, checked here too:
/// `openssl verify -crl_check` says "different CRL scope" for the other shard and OK for
/// the leaf's own (good.pem's CDP is http://127.0.0.1:9/ca.crl).
#[test]
fn a_crl_shard_for_another_distribution_point_does_not_cover_the_leaf() {
    let work = std::env::temp_dir().join(format!("certpin-idp-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let shard = |url: &str| -> Vec<u8> {
        std::fs::write(work.join("index.txt"), "").unwrap();
        let cnf = format!(
            "[ ca ]\ndefault_ca = d\n[ d ]\ndatabase = {}\ndefault_md = sha256\n\
             [ idp ]\nissuingDistributionPoint = critical, @dp\n[ dp ]\nfullname = URI:{url}\n",
            work.join("index.txt").display()
        );
        std::fs::write(work.join("ca.cnf"), cnf).unwrap();
        let out = work.join("c.der");
        let pem = work.join("c.pem");
        let status = std::process::Command::new("openssl")
            .args(["ca", "-batch", "-config"])
            .arg(work.join("ca.cnf"))
            .arg("-cert")
            .arg(dir().join("intermediate.pem"))
            .arg("-keyfile")
            .arg(dir().join("intermediate.key"))
            .args(["-gencrl", "-crldays", "7", "-crlexts", "idp", "-out"])
            .arg(&pem)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let status = std::process::Command::new("openssl")
            .args(["crl", "-outform", "DER", "-in"])
            .arg(&pem)
            .arg("-out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read(&out).unwrap()
    };
    let other = shard("http://127.0.0.1:9/shard-2.crl");
    let own = shard("http://127.0.0.1:9/ca.crl");
    // openssl dates the CRLs by the real clock (to the second), so the check reads the
    // clock after they are made: read before, a second boundary in between made the CRL
    // "not yet valid".
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let now = UnixTime::from_millis(now);
    std::fs::remove_dir_all(&work).ok();
    let e = check_crl(&chain("good"), &other, &at(now), &RustCryptoVerifier);
    assert!(
        matches!(&e, Err(Error::CrlInvalid { reason }) if reason.contains("does not cover")),
        "{e:?}"
    );
    let ok = check_crl(&chain("good"), &own, &at(now), &RustCryptoVerifier).unwrap();
    assert_eq!((ok.status, ok.cert_index), (RevocationStatus::Good, 0));
}

/// Review: a leaf whose TLS feature extension (RFC 7633) cannot be read strictly (here
/// status_request written as the non-minimal INTEGER 02 02 00 05, which a lenient BER
/// reader takes for 5) must not read as "not must-staple": certpin cannot tell that it
/// is not, so it needs a staple (fail closed). The leaf is made at test time with
/// `openssl x509 -req` from the fixtures' intermediate.
#[test]
fn an_unreadable_tls_feature_extension_is_treated_as_must_staple() {
    let work = std::env::temp_dir().join(format!("certpin-tlsf-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join("ext.cnf"),
        "subjectAltName = DNS:odd.example.com\n1.3.6.1.5.5.7.1.24 = DER:300402020005\n",
    )
    .unwrap();
    let csr = std::process::Command::new("openssl")
        .args(["req", "-new", "-subj", "/CN=odd.example.com", "-key"])
        .arg(dir().join("good.key"))
        .arg("-out")
        .arg(work.join("odd.csr"))
        .status()
        .unwrap();
    assert!(csr.success());
    let signed = std::process::Command::new("openssl")
        .args(["x509", "-req", "-days", "30", "-set_serial", "4242", "-in"])
        .arg(work.join("odd.csr"))
        .arg("-CA")
        .arg(dir().join("intermediate.pem"))
        .arg("-CAkey")
        .arg(dir().join("intermediate.key"))
        .arg("-extfile")
        .arg(work.join("ext.cnf"))
        .arg("-out")
        .arg(work.join("odd.pem"))
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(signed.success());
    let leaf = std::fs::read_to_string(work.join("odd.pem")).unwrap();
    std::fs::remove_dir_all(&work).ok();
    let chain = vec![
        Part::Text(leaf),
        Part::Text(text("intermediate.pem")),
        Part::Text(text("root.pem")),
    ];
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let options = CheckOptions::at(now).for_host("odd.example.com");
    let v = check_policy(&policy(""), &chain, &options, &RustCryptoVerifier).unwrap();
    assert_eq!(
        (v.ok, v.status),
        (false, Status::CertRevoked),
        "{:?}",
        v.findings
    );
    assert!(codes(&v).contains(&"OCSP_STAPLE_MISSING"));
}
