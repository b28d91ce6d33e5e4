//! Path building (issue 4): every signature algorithm, corrupted signatures, and the
//! bypass suite, each bypass rejected and its honest twin accepted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{
    is_self_signed, parse_chain, verified_path, verified_path_under, verify_link, Error, Part,
    PathRules, RustCryptoVerifier, SignatureAlgorithm, SignatureVerifier, VerifyOutcome,
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
                // SHA-1 and RSA-1024 are refused by default (issue 15): those two
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
fn honest_chain_in_order() {
    let p = pki();
    let out = verified_path(&certs(&[&p.leaf, &p.inter, &p.root]), V);
    assert!(out.valid && out.ends_at_self_signed);
    assert_eq!(out.path, vec![0, 1, 2]);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    // Root not served: valid, ends below the root.
    let out = verified_path(&certs(&[&p.leaf, &p.inter]), V);
    assert!(out.valid && !out.ends_at_self_signed);
    assert_eq!(out.path, vec![0, 1]);
    // Leaf alone.
    let out = verified_path(&certs(&[&p.leaf]), V);
    assert!(out.valid);
    assert_eq!(out.path, vec![0]);
}

#[test]
fn empty_chain_is_invalid() {
    let out = verified_path(&[], V);
    assert!(!out.valid && out.path.is_empty());
}

// --- Bypass suite -------------------------------------------------------------------

/// An attacker's chain (their own CA) with the pinned intermediate appended.
#[test]
fn bypass_pinned_intermediate_appended_to_unrelated_chain() {
    let p = pki();
    let evil_root = Spec::ca("Evil Root", None);
    let evil_inter = Spec::ca("Evil Issuing CA", None);
    let evil_root_der = evil_root.self_signed(&key("evil-root"));
    let evil_inter_der = evil_inter.signed_by(&key("evil-inter"), &evil_root, &key("evil-root"));
    let evil_leaf = Spec::leaf("www.example.com", &["www.example.com"]).signed_by(
        &key("rogue"),
        &evil_inter,
        &key("evil-inter"),
    );
    let chain = certs(&[
        &evil_leaf,
        &evil_inter_der,
        &p.inter,
        &p.root,
        &evil_root_der,
    ]);
    let out = verified_path(&chain, V);
    assert!(out.valid, "the attacker's own chain verifies");
    assert_eq!(
        out.path,
        vec![0, 1, 4],
        "the pinned intermediate and root are not on the path"
    );
    assert!(!out.path.contains(&2) && !out.path.contains(&3));
    let off: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.code == "CERT_NOT_ON_PATH")
        .map(|f| f.cert_index)
        .collect();
    assert_eq!(off, vec![Some(2), Some(3)]);

    // Honest twin: the real leaf with the same appended certificates.
    let chain = certs(&[&p.leaf, &evil_inter_der, &p.inter, &p.root]);
    let out = verified_path(&chain, V);
    assert!(out.valid);
    assert_eq!(out.path, vec![0, 2, 3]);
}

/// A rogue intermediate: same subject and key identifier as the real one, another key.
#[test]
fn bypass_rogue_intermediate_with_same_name_and_key_id() {
    let p = pki();
    let real_ski = certs(&[&p.inter])[0]
        .facts()
        .subject_key_id
        .clone()
        .unwrap();
    let rogue_spec = Spec::ca("Example Issuing CA", Some(0)).key_id(&real_ski);
    let rogue = rogue_spec.signed_by(&key("rogue"), &p.root_spec, &key("root"));
    assert_eq!(certs(&[&rogue])[0].facts().subject_key_id, Some(real_ski));
    // The attacker's leaf, signed by the rogue key, naming the real intermediate.
    let evil_leaf = Spec::leaf("www.example.com", &["www.example.com"]).signed_by(
        &key("other"),
        &rogue_spec,
        &key("rogue"),
    );
    // Served with the real (pinned) intermediate: no link verifies.
    let out = verified_path(&certs(&[&evil_leaf, &p.inter, &p.root]), V);
    assert!(!out.valid);
    assert_eq!(out.path, vec![0]);
    let c = codes(&out.findings);
    assert!(
        c.contains(&"LINK_SIGNATURE_INVALID") && c.contains(&"NO_VERIFIED_ISSUER"),
        "{c:?}"
    );

    // Honest twin with the rogue served first: backtracking passes over it.
    let out = verified_path(&certs(&[&p.leaf, &rogue, &p.inter, &p.root]), V);
    assert!(out.valid);
    assert_eq!(out.path, vec![0, 2, 3]);
    let rogue_findings: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.code == "LINK_SIGNATURE_INVALID")
        .collect();
    assert_eq!(rogue_findings.len(), 1);
    assert_eq!(rogue_findings[0].severity, certpin::Severity::Warning);
    // The rogue's own link to the root verifies (the root did sign it), but it issues
    // nothing on the path.
    assert!(codes(&out.findings).contains(&"CERT_NOT_ON_PATH"));
}

#[test]
fn bypass_corrupted_link_signature() {
    let p = pki();
    let mut leaf = p.leaf.clone();
    *leaf.last_mut().unwrap() ^= 0x01;
    let out = verified_path(&certs(&[&leaf, &p.inter, &p.root]), V);
    assert!(!out.valid);
    assert_eq!(out.path, vec![0]);
    // Corrupted intermediate link: the pinned root is not reached.
    let mut inter = p.inter.clone();
    *inter.last_mut().unwrap() ^= 0x01;
    let out = verified_path(&certs(&[&p.leaf, &inter, &p.root]), V);
    assert!(
        !out.valid,
        "a served issuer that fails to verify makes the chain invalid"
    );
    assert_eq!(out.path, vec![0, 1]);
    assert_eq!(
        out.findings
            .iter()
            .find(|f| f.code == "NO_VERIFIED_ISSUER")
            .unwrap()
            .cert_index,
        Some(1)
    );
    // Twin.
    let out = verified_path(&certs(&[&p.leaf, &p.inter, &p.root]), V);
    assert!(out.valid);
}

#[test]
fn bypass_intermediate_without_ca_bit() {
    let p = pki();
    let mut not_ca = Spec::leaf("Example Issuing CA", &[]);
    not_ca.params.is_ca = rcgen::IsCa::ExplicitNoCa;
    let not_ca_der = not_ca.signed_by(&key("inter"), &p.root_spec, &key("root"));
    let leaf = Spec::leaf("www.example.com", &["www.example.com"]).signed_by(
        &key("leaf"),
        &not_ca,
        &key("inter"),
    );
    let out = verified_path(&certs(&[&leaf, &not_ca_der, &p.root]), V);
    assert!(!out.valid);
    assert!(codes(&out.findings).contains(&"ISSUER_NOT_CA"));
    assert_eq!(out.path, vec![0]);

    // A CA whose keyUsage lacks keyCertSign.
    let mut no_cert_sign = Spec::ca("Example Issuing CA", None);
    no_cert_sign.params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let ncs_der = no_cert_sign.signed_by(&key("inter"), &p.root_spec, &key("root"));
    let leaf2 = Spec::leaf("www.example.com", &["www.example.com"]).signed_by(
        &key("leaf"),
        &no_cert_sign,
        &key("inter"),
    );
    let out = verified_path(&certs(&[&leaf2, &ncs_der, &p.root]), V);
    assert!(!out.valid);
    assert!(codes(&out.findings).contains(&"ISSUER_NOT_CA"));
    // Issue 15 item 8: served as the top of the path (its issuer not served), it is the
    // anchor and its own key usage does not constrain the path.
    let out = verified_path(&certs(&[&leaf2, &ncs_der]), V);
    assert!(out.valid, "{out:?}");
    assert!(codes(&out.findings).contains(&"ANCHOR_CONSTRAINTS_NOT_APPLIED"));

    // Twin: the same with the CA bit.
    let out = verified_path(&certs(&[&p.leaf, &p.inter, &p.root]), V);
    assert!(out.valid);
}

#[test]
fn bypass_path_len_constraint() {
    let root = Spec::ca("PL Root", None);
    let root_der = root.self_signed(&key("root"));
    let build = |inter1_len: u8| {
        let inter1 = Spec::ca("PL Inter 1", Some(inter1_len));
        let inter2 = Spec::ca("PL Inter 2", None);
        let i1 = inter1.signed_by(&key("inter"), &root, &key("root"));
        let i2 = inter2.signed_by(&key("inter2"), &inter1, &key("inter"));
        let leaf = Spec::leaf("pl.example", &["pl.example"]).signed_by(
            &key("leaf"),
            &inter2,
            &key("inter2"),
        );
        (leaf, i2, i1)
    };
    let (leaf, i2, i1) = build(0);
    let out = verified_path(&certs(&[&leaf, &i2, &i1, &root_der]), V);
    assert!(!out.valid, "{out:?}");
    assert!(codes(&out.findings).contains(&"PATH_LEN_CONSTRAINT_EXCEEDED"));
    assert_eq!(out.path, vec![0, 1]);
    // Twin: pathLen 1 allows inter 2 below inter 1.
    let (leaf, i2, i1) = build(1);
    let out = verified_path(&certs(&[&leaf, &i2, &i1, &root_der]), V);
    assert!(out.valid);
    assert_eq!(out.path, vec![0, 1, 2, 3]);
}

#[test]
fn bypass_pinned_root_served_but_not_linked() {
    let p = pki();
    let other_root = Spec::ca("Other Root", None);
    let inter = Spec::ca("Example Issuing CA", Some(0));
    let inter_der = inter.signed_by(&key("inter"), &other_root, &key("other"));
    let out = verified_path(&certs(&[&p.leaf, &inter_der, &p.root]), V);
    assert!(out.valid, "the root simply was not served");
    assert_eq!(out.path, vec![0, 1]);
    assert!(!out.ends_at_self_signed);
    assert_eq!(
        out.findings
            .iter()
            .find(|f| f.code == "CERT_NOT_ON_PATH")
            .unwrap()
            .cert_index,
        Some(2)
    );
    // Twin: the intermediate issued by the served root.
    let out = verified_path(&certs(&[&p.leaf, &p.inter, &p.root]), V);
    assert_eq!(out.path, vec![0, 1, 2]);
}

#[test]
fn shuffled_chain_is_accepted_in_verified_order() {
    let p = pki();
    let out = verified_path(&certs(&[&p.leaf, &p.root, &p.inter]), V);
    assert!(out.valid);
    assert_eq!(out.path, vec![0, 2, 1]);
    assert!(out.findings.is_empty());
}

#[test]
fn twenty_certificates_are_refused_before_path_building() {
    let p = pki();
    let parts: Vec<Part> = (0..20).map(|_| Part::Bytes(p.inter.clone())).collect();
    match parse_chain(&parts) {
        Err(e @ Error::TooManyCertificates { limit: 16, .. }) => {
            assert_eq!(e.code(), "TOO_MANY_CERTIFICATES");
        }
        other => panic!("{other:?}"),
    }
}

/// 16 self-issued look-alikes whose links to each other never verify: the work budget
/// stops the search.
#[test]
fn sixteen_look_alikes_exhaust_the_budget() {
    let ders = loop_look_alikes();
    let refs: Vec<&Vec<u8>> = ders.iter().collect();
    let out = verified_path(&certs(&refs), V);
    assert!(!out.valid);
    assert!(
        codes(&out.findings).contains(&"PATH_BUDGET_EXCEEDED"),
        "{:?}",
        codes(&out.findings)
    );
    assert!(out.signature_checks <= certpin::MAX_SIGNATURE_CHECKS);
}

/// A verifier that accepts everything, to stress the step bound without signatures.
struct AcceptAll;
impl SignatureVerifier for AcceptAll {
    fn verify(&self, _: SignatureAlgorithm, _: &[u8], _: &[u8], _: &[u8]) -> VerifyOutcome {
        VerifyOutcome::Valid
    }
}

#[test]
fn long_paths_are_bounded() {
    let ok = deep_chain(9);
    let refs: Vec<&Vec<u8>> = ok.iter().collect();
    let out = verified_path(&certs(&refs), V);
    assert!(out.valid, "{:?}", out.findings);
    assert_eq!(out.path.len(), 10);
    // One more intermediate, with its issuer served too: over the bound.
    let too_long = deep_chain(11);
    let refs: Vec<&Vec<u8>> = too_long.iter().collect();
    let out = verified_path(&certs(&refs), V);
    assert!(!out.valid);
    assert_eq!(
        codes(&out.findings)
            .iter()
            .filter(|c| **c == "PATH_TOO_LONG")
            .count(),
        1
    );
    assert_eq!(out.path.len(), certpin::MAX_PATH_LENGTH);
}

#[test]
fn many_copies_are_bounded_without_signature_work() {
    // 16 copies of one self-issued CA, with a verifier that accepts everything: the
    // first copy counts as self-signed and ends the path (no combinatorial search).
    let ders = loop_look_alikes();
    let refs: Vec<&Vec<u8>> = ders.iter().collect();
    let out = verified_path(&certs(&refs), &AcceptAll);
    // The first copy is "self-signed" for a verifier that accepts everything.
    assert!(out.valid);
    assert_eq!(out.path, vec![0, 1]);
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

/// Writes the bypass chains as PEM fixtures for tests/js (run by hand with
/// `cargo test --test path -- --ignored write_bypass_fixtures`; ECDSA signatures are
/// randomised, so the files change on every run and are checked in once).
#[test]
#[ignore]
fn write_bypass_fixtures() {
    let dir = fixture_dir().join("bypass");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, ders) in bypass_chains() {
        std::fs::write(dir.join(format!("{name}.pem")), to_pem(&ders)).unwrap();
    }
}

/// The checked-in bypass fixtures give the verdicts the bypass suite expects.
#[test]
fn bypass_fixtures_as_checked_in() {
    // (fixture, valid, path)
    let cases: &[(&str, bool, &[usize])] = &[
        ("honest", true, &[0, 1, 2]),
        ("shuffled", true, &[0, 2, 1]),
        ("appended-pinned-intermediate", true, &[0, 1, 4]),
        ("rogue-leaf-real-intermediate", false, &[0]),
        ("rogue-intermediate-first", true, &[0, 2, 3]),
        ("corrupted-leaf-signature", false, &[0]),
        ("intermediate-without-ca-bit", false, &[0]),
        ("path-len-exceeded", false, &[0, 1]),
        ("pinned-root-not-linked", true, &[0, 1]),
        ("sixteen-look-alikes", false, &[0, 1]),
    ];
    for (name, valid, path) in cases {
        let chain = pem_certs(&fixture(&format!("bypass/{name}.pem")));
        let out = verified_path(&chain, V);
        assert_eq!(
            (out.valid, out.path.as_slice()),
            (*valid, *path),
            "{name}: {:?}",
            out.findings
        );
    }
}

/// Look-alikes that link to each other in every order but dead-end on a
/// pathLenConstraint: few signature checks (cached per pair), many candidates; the
/// candidate-step bound ends the search.
#[test]
fn permutations_exhaust_the_step_budget() {
    let a = Spec::ca("Loop A", Some(5)).no_key_ids();
    let b = Spec::ca("Loop B", Some(5)).no_key_ids();
    let mut ders = vec![Spec::leaf("perm.example", &["perm.example"])
        .no_key_ids()
        .signed_by(&key("leaf"), &a, &key("inter"))];
    for _ in 0..4 {
        ders.push(a.signed_by(&key("inter"), &b, &key("inter2")));
        ders.push(b.signed_by(&key("inter2"), &a, &key("inter")));
    }
    let refs: Vec<&Vec<u8>> = ders.iter().collect();
    let out = verified_path(&certs(&refs), &AcceptAll);
    assert!(!out.valid);
    assert!(
        codes(&out.findings).contains(&"PATH_BUDGET_EXCEEDED"),
        "{:?}",
        codes(&out.findings)
    );
    assert!(
        out.signature_checks < certpin::MAX_SIGNATURE_CHECKS,
        "{}",
        out.signature_checks
    );
    // With real signatures the same chain verifies along one order: the pathLen
    // rejections are reported, and the search is still bounded.
    let out = verified_path(&certs(&refs), V);
    assert!(out.signature_checks <= certpin::MAX_SIGNATURE_CHECKS);
}
