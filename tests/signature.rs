//! Signature verification of each link: every algorithm of the checked-in fixtures
//! (tests/fixtures/path, made by tests/fixtures/path/generate.sh) and of rcgen, each
//! corrupted copy refused, and a verifier that supports nothing never validating.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{
    is_self_signed, verified_path, verified_path_under, verify_link, PathRules, RustCryptoVerifier,
    SignatureAlgorithm, SignatureVerifier, VerifyOutcome,
};
use common::*;

const V: &RustCryptoVerifier = &RustCryptoVerifier;

/// (fixture, algorithm name or the unsupported text's start). The fixtures and the
/// OpenSSL cross-check are made by tests/fixtures/path/generate.sh.
const ALGORITHMS: &[(&str, Result<&str, &str>)] = &[
    ("rsa2048-sha256", Ok("rsa-pkcs1-sha256")),
    ("rsa2048-sha384", Ok("rsa-pkcs1-sha384")),
    ("rsa2048-sha512", Ok("rsa-pkcs1-sha512")),
    ("rsa4096-sha256", Ok("rsa-pkcs1-sha256")),
    ("rsa2048-sha1", Ok("rsa-pkcs1-sha1")),
    ("rsa1024-sha256", Ok("rsa-pkcs1-sha256")),
    ("rsa-pss-sha256", Ok("rsa-pss-sha256 (salt 32 bytes)")),
    ("rsa-pss-sha384", Ok("rsa-pss-sha384 (salt 48 bytes)")),
    (
        "rsa-pss-sha512-salt20",
        Ok("rsa-pss-sha512 (salt 20 bytes)"),
    ),
    ("p256-sha256", Ok("ecdsa-sha256")),
    ("p256-sha384", Ok("ecdsa-sha384")),
    ("p384-sha384", Ok("ecdsa-sha384")),
    ("p384-sha256", Ok("ecdsa-sha256")),
    ("p256-sha512", Ok("ecdsa-sha512")),
    ("ed25519", Ok("ed25519")),
    ("p521-sha512", Err("ECDSA on curve P-521")),
];

#[test]
fn every_algorithm_verifies_and_corruption_fails() {
    for (name, want) in ALGORITHMS {
        let good = pem_certs(&fixture(&format!("{name}.pem")));
        let bad = pem_certs(&fixture(&format!("{name}-corrupt.pem")));
        assert_eq!(good.len(), 2, "{name}");
        let alg = SignatureAlgorithm::of_certificate(&good[0]).unwrap();
        let link = verify_link(&good[0], &good[1], V);
        let corrupt = verify_link(&bad[0], &bad[1], V);
        match want {
            Ok(alg_name) => {
                assert_eq!(alg.to_string(), *alg_name, "{name}");
                assert_eq!(link, VerifyOutcome::Valid, "{name}");
                assert_eq!(corrupt, VerifyOutcome::Invalid, "{name} corrupted");
                // SHA-1 and RSA-1024 are refused by default: those two
                // fixtures verify only under the explicit relaxations.
                let relaxed = PathRules {
                    allow_sha1: true,
                    min_rsa_bits: 1024,
                    ..PathRules::default()
                };
                if name.contains("sha1") || name.contains("rsa1024") {
                    let strict = verified_path(&good, V);
                    assert!(!strict.valid, "{name} is refused by default");
                    let code = if name.contains("sha1") {
                        "SHA1_SIGNATURE_REFUSED"
                    } else {
                        "RSA_KEY_TOO_SMALL"
                    };
                    assert!(codes(&strict.findings).contains(&code), "{name}");
                }
                let path = verified_path_under(&good, &relaxed, V);
                assert!(path.valid && path.ends_at_self_signed, "{name}: {path:?}");
                assert_eq!(path.path, vec![0, 1], "{name}");
                let path = verified_path_under(&bad, &relaxed, V);
                assert!(!path.valid, "{name} corrupted");
                assert_eq!(path.path, vec![0], "{name} corrupted");
                let codes = codes(&path.findings);
                assert!(
                    codes.contains(&"LINK_SIGNATURE_INVALID"),
                    "{name}: {codes:?}"
                );
                assert!(codes.contains(&"NO_VERIFIED_ISSUER"), "{name}: {codes:?}");
                assert!(is_self_signed(&good[1], V), "{name} root");
                assert!(!is_self_signed(&good[0], V), "{name} leaf");
            }
            Err(text) => {
                assert!(
                    matches!(&link, VerifyOutcome::Unsupported(t) if t.starts_with(text)),
                    "{name}: {link:?}"
                );
                let path = verified_path(&good, V);
                assert!(!path.valid);
                assert!(codes(&path.findings).contains(&"SIGNATURE_ALGORITHM_UNSUPPORTED"));
                let msg = &path.findings[0].message;
                assert!(msg.contains("P-521"), "{msg}");
            }
        }
    }
}

#[test]
fn rcgen_algorithms_verify() {
    // rcgen (ring) signs with P-256, P-384, Ed25519 and RSA PKCS#1 SHA-256/384/512.
    let cases: &[(&str, &'static rcgen::SignatureAlgorithm)] = &[
        ("root", &rcgen::PKCS_ECDSA_P256_SHA256),
        ("p384", &rcgen::PKCS_ECDSA_P384_SHA384),
        ("ed25519", &rcgen::PKCS_ED25519),
        ("rsa2048", &rcgen::PKCS_RSA_SHA256),
        ("rsa2048", &rcgen::PKCS_RSA_SHA384),
        ("rsa4096", &rcgen::PKCS_RSA_SHA512),
    ];
    for (key_name, alg) in cases {
        let pem = fixture(&format!("keys/{key_name}.pem"));
        let ca_key = rcgen::KeyPair::from_pem_and_sign_algo(&pem, alg).unwrap();
        let ca = Spec::ca("Algorithm CA", None);
        let root = ca.self_signed(&ca_key);
        let leaf = Spec::leaf("a.example", &["a.example"]).signed_by(&key("leaf"), &ca, &ca_key);
        let mut corrupt = leaf.clone();
        *corrupt.last_mut().unwrap() ^= 1;
        let chain = certs(&[&leaf, &root]);
        assert_eq!(
            verify_link(&chain[0], &chain[1], V),
            VerifyOutcome::Valid,
            "{key_name} {alg:?}"
        );
        let bad = certs(&[&corrupt, &root]);
        assert_eq!(
            verify_link(&bad[0], &bad[1], V),
            VerifyOutcome::Invalid,
            "{key_name} {alg:?}"
        );
    }
}

#[test]
fn unsupported_verifier_never_validates() {
    struct Nothing;
    impl SignatureVerifier for Nothing {
        fn verify(&self, a: SignatureAlgorithm, _: &[u8], _: &[u8], _: &[u8]) -> VerifyOutcome {
            VerifyOutcome::Unsupported(a.name())
        }
    }
    let p = pki();
    let out = verified_path(&certs(&[&p.leaf, &p.inter, &p.root]), &Nothing);
    assert!(!out.valid);
    assert!(codes(&out.findings).contains(&"SIGNATURE_ALGORITHM_UNSUPPORTED"));
}

#[test]
fn the_given_verifier_is_used() {
    let p = pki();
    let chain = certs(&[&p.leaf, &p.inter, &p.root]);
    assert!(certpin::verified_path(&chain, &RustCryptoVerifier).valid);
    assert!(certpin::is_self_signed(&chain[2], &RustCryptoVerifier));
    // Every name match now "verifies": a self-issued leaf would be self-signed.
    assert!(certpin::verified_path(&chain, &AcceptAll).valid);
    assert!(!certpin::is_self_signed(&chain[0], &RustCryptoVerifier));
}
