//! Path building: the signature-verified path from the leaf through the served
//! certificates, the bypass suite (each bypass refused and its honest twin accepted), the
//! path rules (SHA-1, small RSA keys, unknown critical extensions, each refused unless
//! explicitly allowed), anchors, backtracking and the work budgets. Chains are made at
//! test time with rcgen from the fixed keys in tests/fixtures/path/keys; where rcgen
//! cannot write a shape (a v1 root), a TBS is rebuilt with tests/common/der.rs and signed
//! again with the same key, so every signature is real.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{
    verified_path, CheckOptions, HashAlgorithm, PathRules, RustCryptoVerifier, Status, UnixTime,
    MAX_VERIFICATION_COST,
};
use common::der::*;
use common::*;
use rcgen::{date_time_ymd, CustomExtension, IsCa, KeyPair, PublicKeyData, SerialNumber};

const V: &RustCryptoVerifier = &RustCryptoVerifier;

/// With CERTPIN_WRITE_FIXTURES=1, writes `chain` to tests/chain/`name` (for the OpenSSL
/// cross-check in tests/chain/README.md).
fn write_fixture(name: &str, chain: &[Vec<u8>]) {
    if std::env::var("CERTPIN_WRITE_FIXTURES").is_ok() {
        let dir = tests_dir("chain");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), to_pem(chain)).unwrap();
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
    let evil = evil_chain();
    let chain = certs(&[&evil.leaf, &evil.inter, &p.inter, &p.root, &evil.root]);
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
    let chain = certs(&[&p.leaf, &evil.inter, &p.inter, &p.root]);
    let out = verified_path(&chain, V);
    assert!(out.valid);
    assert_eq!(out.path, vec![0, 2, 3]);
}

/// A rogue intermediate: same subject and key identifier as the real one, another key.
#[test]
fn bypass_rogue_intermediate_with_same_name_and_key_id() {
    let p = pki();
    let RogueIntermediate {
        real_ski,
        der: rogue,
        leaf: evil_leaf,
    } = rogue_intermediate(&p);
    assert_eq!(certs(&[&rogue])[0].facts().subject_key_id, Some(real_ski));
    // The attacker's leaf, signed by the rogue key, naming the real intermediate.
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
    let (leaf, not_ca_der) = intermediate_without_ca_bit(&p);
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
    // Served as the top of the path (its issuer not served), it is the
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
    let inter_der = look_alike_intermediate();
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

// ---- SHA-1 ----

#[test]
fn sha1_on_the_path_is_refused_unless_allowed() {
    // tests/fixtures/path/rsa2048-sha1.pem: a leaf signed with sha1WithRSAEncryption
    // (generate.sh, openssl).
    let chain = pem_certs(&fixture("rsa2048-sha1.pem"));
    let ders: Vec<Vec<u8>> = chain.iter().map(|c| c.der().to_vec()).collect();
    let refs: Vec<&Vec<u8>> = ders.iter().collect();
    let pins = [chain[1].pin(HashAlgorithm::Sha256)];
    let now = (chain[0].facts().not_before.as_seconds() + 86_400) * MS;
    let v = check(&refs, &pins, &CheckOptions::at(now));
    assert_eq!(v.status, Status::InvalidChain, "{v:#?}");
    assert!(!v.ok);
    assert!(has(&v, "SHA1_SIGNATURE_REFUSED"));
    let mut relaxed = CheckOptions::at(now);
    relaxed.rules.allow_sha1 = true;
    let v = check(&refs, &pins, &relaxed);
    assert_eq!(v.status, Status::Matched, "{v:#?}");
}

// ---- unknown critical extensions ----

fn critical_unknown() -> CustomExtension {
    // 1.3.6.1.4.1.55555.1, content NULL: an extension nobody recognises.
    let mut ext = CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55555, 1], vec![5, 0]);
    ext.set_criticality(true);
    ext
}

#[test]
fn unknown_critical_extension_is_refused_unless_allowed() {
    let p = pki();
    let mut inter_spec = Spec::ca("Example Issuing CA", Some(0));
    inter_spec.params.custom_extensions = vec![critical_unknown()];
    let inter = inter_spec.signed_by(&key("inter"), &p.root_spec, &key("root"));
    let leaf = leaf_spec(&["www.example.com"]).signed_by(&key("leaf"), &inter_spec, &key("inter"));
    let pins = [pin_of(&leaf)];
    let opts = CheckOptions::at(NOW * MS).for_host("www.example.com");
    let v = check(&[&leaf, &inter, &p.root], &pins, &opts);
    assert_eq!(v.status, Status::InvalidChain, "{v:#?}");
    assert!(has(&v, "UNKNOWN_CRITICAL_EXTENSION"));
    let mut relaxed = opts.clone();
    relaxed.rules.allow_unknown_critical_extensions = true;
    assert_eq!(
        check(&[&leaf, &inter, &p.root], &pins, &relaxed).status,
        Status::Matched
    );

    // On the leaf itself.
    let mut spec = leaf_spec(&["www.example.com"]);
    spec.params.custom_extensions = vec![critical_unknown()];
    let leaf = spec.signed_by(&key("leaf"), &p.inter_spec, &key("inter"));
    let v = check(&[&leaf, &p.inter, &p.root], &[pin_of(&leaf)], &opts);
    assert_eq!(v.status, Status::InvalidChain);
    assert!(has(&v, "UNKNOWN_CRITICAL_EXTENSION"));
    // diagnose says so too.
    let findings = certpin::diagnose(
        &certs(&[&leaf, &p.inter, &p.root]),
        &certpin::DiagnoseOptions {
            hostname: None,
            now: UnixTime::from_seconds(NOW),
            expected_pins: None,
        },
        &RustCryptoVerifier,
    );
    assert!(findings
        .iter()
        .any(|f| f.code == "UNKNOWN_CRITICAL_EXTENSION"));

    // The same extension, not critical, is ignored.
    let mut spec = leaf_spec(&["www.example.com"]);
    let mut ext = critical_unknown();
    ext.set_criticality(false);
    spec.params.custom_extensions = vec![ext];
    let leaf = spec.signed_by(&key("leaf"), &p.inter_spec, &key("inter"));
    assert_eq!(
        check(&[&leaf, &p.inter, &p.root], &[pin_of(&leaf)], &opts).status,
        Status::Matched
    );
}

// ---- RSA under 2048 bits ----

#[test]
fn small_rsa_keys_on_the_path_are_refused_unless_allowed() {
    // tests/fixtures/path/rsa1024-sha256.pem: a leaf under a 1024-bit RSA root.
    let chain = pem_certs(&fixture("rsa1024-sha256.pem"));
    let ders: Vec<Vec<u8>> = chain.iter().map(|c| c.der().to_vec()).collect();
    let refs: Vec<&Vec<u8>> = ders.iter().collect();
    let pins = [chain[0].pin(HashAlgorithm::Sha256)];
    let now = (chain[0].facts().not_before.as_seconds() + 86_400) * MS;
    let v = check(&refs, &pins, &CheckOptions::at(now));
    assert_eq!(v.status, Status::InvalidChain, "{v:#?}");
    assert!(has(&v, "RSA_KEY_TOO_SMALL"));
    let mut relaxed = CheckOptions::at(now);
    relaxed.rules.min_rsa_bits = 1024;
    assert_eq!(check(&refs, &pins, &relaxed).status, Status::Matched);
}

// ---- a v1 root ----

/// A v1 self-signed root (no version field, no extensions) for `spec`'s name and key.
fn v1_root(spec: &Spec, root_key: &KeyPair) -> Vec<u8> {
    let v3 = spec.self_signed(root_key);
    rebuild(&v3, root_key, |mut f| {
        f.remove(0); // [0] version
        f.pop(); // [3] extensions
        f
    })
}

#[test]
fn a_v1_root_does_not_sink_the_chain() {
    let p = pki();
    let mut root_spec = Spec::ca("Example Root CA", None);
    root_spec.params.use_authority_key_identifier_extension = false;
    let root = v1_root(&root_spec, &key("root"));
    let parsed = certs(&[&root]);
    assert_eq!(parsed[0].facts().version, 1);
    assert!(!parsed[0].facts().is_ca);
    let mut inter_spec = Spec::ca("Example Issuing CA", Some(0));
    inter_spec.params.use_authority_key_identifier_extension = false;
    let inter = inter_spec.signed_by(&key("inter"), &root_spec, &key("root"));
    let leaf = leaf_spec(&["www.example.com"]).signed_by(&key("leaf"), &inter_spec, &key("inter"));
    write_fixture("v1-root.pem", &[leaf.clone(), inter.clone(), root.clone()]);
    let opts = CheckOptions::at(NOW * MS).for_host("www.example.com");
    for pinned in [&leaf, &inter, &root] {
        let v = check(&[&leaf, &inter, &root], &[pin_of(pinned)], &opts);
        assert_eq!(v.status, Status::Matched, "{v:#?}");
        assert_eq!(v.verified_path, vec![0, 1, 2]);
    }
    let _ = p;
}

// ---- the top of the path is the anchor ----

#[test]
fn a_pinned_root_is_an_anchor() {
    let p = pki();
    let opts = CheckOptions::at(NOW * MS).for_host("www.example.com");
    // Expired root (2020-2021), valid intermediate and leaf.
    let old_root = Spec::ca("Example Root CA", None).validity((2020, 1, 1), (2021, 1, 1));
    let root = old_root.self_signed(&key("root"));
    let inter = p
        .inter_spec
        .signed_by(&key("inter"), &old_root, &key("root"));
    let v = check(&[&p.leaf, &inter, &root], &[pin_of(&root)], &opts);
    assert_eq!(v.status, Status::Matched, "{v:#?}");
    // Not pinned, the expired root still counts.
    let v = check(&[&p.leaf, &inter, &root], &[pin_of(&p.leaf)], &opts);
    assert_eq!(v.status, Status::CertExpired, "{v:#?}");
    // An expired intermediate below a pinned root is never excused.
    let old_inter = Spec::ca("Example Issuing CA", Some(0)).validity((2020, 1, 1), (2021, 1, 1));
    let inter = old_inter.signed_by(&key("inter"), &p.root_spec, &key("root"));
    let leaf = leaf_spec(&["www.example.com"]).signed_by(&key("leaf"), &old_inter, &key("inter"));
    let v = check(&[&leaf, &inter, &p.root], &[pin_of(&p.root)], &opts);
    assert_eq!(v.status, Status::CertExpired, "{v:#?}");

    // A root without keyCertSign.
    let mut no_kcs = Spec::ca("Example Root CA", None);
    no_kcs.params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let root = no_kcs.self_signed(&key("root"));
    let inter = p.inter_spec.signed_by(&key("inter"), &no_kcs, &key("root"));
    let v = check(&[&p.leaf, &inter, &root], &[pin_of(&root)], &opts);
    assert_eq!(v.status, Status::Matched, "{v:#?}");
    assert!(has(&v, "ANCHOR_CONSTRAINTS_NOT_APPLIED"));

    // A root whose own pathLen (0) the intermediate below it exceeds... (0 allows one
    // intermediate below it: use a two-intermediate path).
    let tight = Spec::ca("Example Root CA", Some(0));
    let root = tight.self_signed(&key("root"));
    let upper = Spec::ca("Example Upper CA", None);
    let upper_der = upper.signed_by(&key("inter2"), &tight, &key("root"));
    let inter = p
        .inter_spec
        .signed_by(&key("inter"), &upper, &key("inter2"));
    let v = check(
        &[&p.leaf, &inter, &upper_der, &root],
        &[pin_of(&root)],
        &opts,
    );
    assert_eq!(v.status, Status::Matched, "{v:#?}");
    // The same pathLen on an intermediate that is not the top still fails.
    let tight_mid = Spec::ca("Example Upper CA", Some(0));
    let mid = tight_mid.signed_by(&key("inter2"), &p.root_spec, &key("root"));
    let low = Spec::ca("Example Low CA", None);
    let low_der = low.signed_by(&key("other"), &tight_mid, &key("inter2"));
    let mid_inter = Spec::ca("Example Issuing CA", None);
    let mid_inter_der = mid_inter.signed_by(&key("inter"), &low, &key("other"));
    let leaf = leaf_spec(&["www.example.com"]).signed_by(&key("leaf"), &mid_inter, &key("inter"));
    let v = check(
        &[&leaf, &mid_inter_der, &low_der, &mid, &p.root],
        &[pin_of(&p.root)],
        &opts,
    );
    assert_eq!(v.status, Status::InvalidChain, "{v:#?}");
    // A non-CA certificate in the middle of the path is never an anchor.
    let mut not_ca = Spec::leaf("Example Issuing CA", &[]);
    not_ca.params.is_ca = IsCa::ExplicitNoCa;
    let not_ca_der = not_ca.signed_by(&key("inter"), &p.root_spec, &key("root"));
    let leaf = leaf_spec(&["www.example.com"]).signed_by(&key("leaf"), &not_ca, &key("inter"));
    let v = check(&[&leaf, &not_ca_der, &p.root], &[pin_of(&p.root)], &opts);
    assert_eq!(v.status, Status::InvalidChain, "{v:#?}");
}

// ---- backtracking past an expired cross-sign (the 2021 DST Root X3 case) ----

/// The Let's Encrypt chain of 2021, with this project's keys: ISRG Root X1 self-signed
/// (valid) and cross-signed by DST Root CA X3 (the cross-sign expired), R3 under ISRG
/// Root X1, a leaf under R3. Served cross-sign first, as servers did.
fn dst_root_x3() -> (Vec<Vec<u8>>, i64) {
    let dst = Spec::ca("DST Root CA X3", None).validity((2000, 9, 30), (2021, 9, 30));
    let dst_der = dst.self_signed(&key("evil-root"));
    let x1 = Spec::ca("ISRG Root X1", None).validity((2015, 6, 4), (2035, 6, 4));
    let x1_self = x1.self_signed(&key("root"));
    let x1_cross_spec = Spec::ca("ISRG Root X1", None).validity((2021, 1, 20), (2024, 9, 30));
    let x1_cross = x1_cross_spec.signed_by(&key("root"), &dst, &key("evil-root"));
    let r3 = Spec::ca("R3", Some(0)).validity((2020, 9, 4), (2030, 9, 15));
    let r3_der = r3.signed_by(&key("inter"), &x1, &key("root"));
    let leaf = leaf_spec(&["www.example.com"])
        .validity((2025, 1, 1), (2025, 12, 31))
        .signed_by(&key("leaf"), &r3, &key("inter"));
    // 2025-06-01T00:00:00Z (date -u -d 2025-06-01 +%s), a year before NOW: inside the
    // leaf's validity (2025), after the cross-sign's DST Root CA X3 expired (2021).
    (
        vec![leaf, r3_der, x1_cross, dst_der, x1_self],
        NOW - 365 * DAY,
    )
}

#[test]
fn backtracking_finds_the_valid_path_past_an_expired_cross_sign() {
    let (chain, now) = dst_root_x3();
    write_fixture("dst-root-x3.pem", &chain);
    let refs: Vec<&Vec<u8>> = chain.iter().collect();
    let opts = CheckOptions::at(now * MS).for_host("www.example.com");
    let v = check(&refs, &[pin_of(&chain[0])], &opts);
    assert_eq!(v.status, Status::Matched, "{v:#?}");
    assert_eq!(v.verified_path, vec![0, 1, 4]);
    // A pinned R3 is the anchor: the path ends at it.
    let v = check(&refs, &[pin_of(&chain[1])], &opts);
    assert_eq!(v.status, Status::Matched, "{v:#?}");
    assert_eq!(v.verified_path, vec![0, 1]);
    // The pinned ISRG Root X1 key: either certificate of it is the anchor.
    let v = check(&refs, &[pin_of(&chain[4])], &opts);
    assert_eq!(v.status, Status::Matched, "{v:#?}");
    // Without the self-signed X1 the only path goes through the expired cross-sign.
    // (Pinning the leaf: a pinned R3 would be the anchor and end the path below it.)
    let v = check(&refs[..4], &[pin_of(&chain[0])], &opts);
    assert_eq!(v.status, Status::CertExpired, "{v:#?}");
    // diagnose finds the same path.
    let findings = certpin::diagnose(
        &certs(&refs),
        &certpin::DiagnoseOptions {
            hostname: None,
            now: UnixTime::from_seconds(now),
            expected_pins: None,
        },
        &RustCryptoVerifier,
    );
    assert!(
        !findings.iter().any(|f| f.code == "CERT_EXPIRED"),
        "{findings:#?}"
    );
    assert!(findings.iter().any(|f| f.code == "CANDIDATE_OUT_OF_PERIOD"));
}

// ---- the path budget is weighted by cost ----

/// An SPKI with an RSA-8192 modulus (any odd 8192-bit number: verifying costs the same)
/// and exponent 2^33 - 1, the most expensive key certpin accepts.
pub struct HeavyKey(Vec<u8>);

impl HeavyKey {
    fn new(seed: u8) -> HeavyKey {
        HeavyKey::sized(seed, 1024, &[0x01, 0xff, 0xff, 0xff, 0xff])
    }
    /// A modulus of `bytes` bytes (top bits set, odd) and the exponent `e` (DER content).
    fn sized(seed: u8, bytes: usize, e: &[u8]) -> HeavyKey {
        let mut n = vec![0u8; bytes + 1];
        n[1] = 0xc0;
        for (i, b) in n.iter_mut().enumerate().skip(2) {
            *b = (i as u8).wrapping_mul(31).wrapping_add(seed);
        }
        n[bytes] |= 1;
        HeavyKey(tlv(0x30, &[tlv(0x02, &n), tlv(0x02, e)].concat()))
    }
}

impl PublicKeyData for HeavyKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

/// `leaf` re-encoded as signed with `alg` (an AlgorithmIdentifier, DER), with `signature`
/// as its signature value: well formed, never valid.
fn with_fake_signature(leaf: &[u8], alg: &[u8], signature: &[u8]) -> Vec<u8> {
    let (fields, _) = tbs_fields(leaf);
    let mut fields: Vec<Vec<u8>> = fields.into_iter().map(|f| f.1).collect();
    fields[2] = alg.to_vec();
    let tbs = tlv(0x30, &fields.concat());
    let mut bits = vec![0u8];
    bits.extend_from_slice(signature);
    tlv(0x30, &[tbs, alg.to_vec(), tlv(0x03, &bits)].concat())
}

/// sha256WithRSAEncryption, NULL parameters.
const RSA_SHA256: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
/// ecdsa-with-SHA256.
const ECDSA_SHA256: &[u8] = &[
    0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
];
/// ecdsa-with-SHA384.
const ECDSA_SHA384: &[u8] = &[
    0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
];

/// The worst inputs for path building's cost: a leaf with a well-formed signature that
/// never verifies, and 15 look-alike CAs named as its issuer, each a candidate whose
/// check runs in full: `rsa`, RSA-8192 keys with exponent 2^33 - 1 (the most expensive
/// RSA key certpin accepts; the leaf's signature is 1024 bytes, so the modular
/// exponentiation runs); `rsa4096` (e = 65537, 512-byte signature); `p384` and `p256`
/// keys under an ECDSA signature (r = s = 1). Written to
/// bench/fixtures/budget-worst-<kind>.pem when CERTPIN_WRITE_FIXTURES=1 (bench/run.mjs
/// times them).
pub fn look_alikes(kind: &str) -> Vec<Vec<u8>> {
    let p = pki();
    let inter_spec = Spec::ca("Example Issuing CA", None).no_key_ids();
    let leaf = Spec::leaf("www.example.com", &["www.example.com"])
        .no_key_ids()
        .signed_by(&key("leaf"), &inter_spec, &key("inter"));
    let r_s_1 = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];
    let leaf = match kind {
        "rsa" => with_fake_signature(&leaf, RSA_SHA256, &[0x01; 1024]),
        "rsa4096" => with_fake_signature(&leaf, RSA_SHA256, &[0x01; 512]),
        "p384" => with_fake_signature(&leaf, ECDSA_SHA384, &r_s_1),
        _ => with_fake_signature(&leaf, ECDSA_SHA256, &r_s_1),
    };
    let mut out = vec![leaf];
    let issuer = rcgen::Issuer::from_params(&p.root_spec.params, key("root"));
    for i in 0..15u8 {
        let mut spec = Spec::ca("Example Issuing CA", None).no_key_ids();
        spec.params.serial_number = Some(SerialNumber::from_slice(&[1, i]));
        let der = match kind {
            "rsa" => spec.params.signed_by(&HeavyKey::new(i), &issuer),
            "rsa4096" => spec
                .params
                .signed_by(&HeavyKey::sized(i, 512, &[1, 0, 1]), &issuer),
            "p384" => spec.params.signed_by(&key("p384"), &issuer),
            _ => spec.params.signed_by(&key("other"), &issuer),
        };
        out.push(der.unwrap().der().to_vec());
    }
    out
}

#[test]
fn expensive_look_alikes_exhaust_a_cost_weighted_budget() {
    for (name, unit_cost) in [
        ("rsa", MAX_VERIFICATION_COST),
        ("rsa4096", 4),
        ("p384", 8),
        ("p256", 2),
    ] {
        let chain = look_alikes(name);
        if std::env::var("CERTPIN_WRITE_FIXTURES").is_ok() {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("bench/fixtures/budget-worst-{name}.pem"));
            std::fs::write(path, to_pem(&chain)).unwrap();
        }
        let parsed = certs(&chain.iter().collect::<Vec<_>>());
        // RSA-8192 with e = 2^33 - 1: (128 words)^2 * 66 steps / (32^2 * 19) = 56 units,
        // capped at the whole budget; P-384: 8 (measured: about 7 RSA-2048 checks in the
        // pure-Rust verifier).
        assert_eq!(
            certpin::link_cost(&parsed[0], &parsed[1]),
            unit_cost,
            "{name}"
        );
        let out = verified_path(&parsed, &RustCryptoVerifier);
        assert!(!out.valid);
        // The checks run are what the budget allows, no more (15 candidates of P-256
        // fit in it: all are checked and the chain is simply invalid).
        let allowed = (MAX_VERIFICATION_COST / unit_cost).min(15);
        assert_eq!(out.signature_checks as u64, allowed, "{name}");
        assert_eq!(
            codes(&out.findings).contains(&"PATH_BUDGET_EXCEEDED"),
            allowed < 15,
            "{name}: {out:?}"
        );
        assert!(out.cost <= MAX_VERIFICATION_COST);
    }
    // An honest chain costs a few units.
    let p = pki();
    let honest = certs(&[&p.leaf, &p.inter, &p.root]);
    assert!(certpin::link_cost(&honest[0], &honest[1]) <= 3);
    let _ = date_time_ymd(2025, 1, 1);
    let _ = PathRules::default();
}

/// Counts the signature checks that reach the verifier.
struct Counting(std::cell::Cell<usize>);

impl certpin::SignatureVerifier for Counting {
    fn verify(
        &self,
        algorithm: certpin::SignatureAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> certpin::VerifyOutcome {
        self.0.set(self.0.get() + 1);
        certpin::RustCryptoVerifier.verify(algorithm, spki, message, signature)
    }
}

#[test]
fn parse_chain_and_verify_links_stay_within_the_budget() {
    // 16 self-issued certificates with heavy keys and 1024-byte RSA signatures.
    let issuer_spec = Spec::ca("Heavy Root", None).no_key_ids();
    let issuer = rcgen::Issuer::from_params(&issuer_spec.params, key("root"));
    let chain: Vec<Vec<u8>> = (0..16u8)
        .map(|i| {
            let mut spec = Spec::ca("Heavy Root", None).no_key_ids();
            spec.params.serial_number = Some(SerialNumber::from_slice(&[2, i]));
            let der = spec.params.signed_by(&HeavyKey::new(i), &issuer).unwrap();
            with_fake_signature(der.der(), RSA_SHA256, &[0x01; 1024])
        })
        .collect();
    let parsed = certs(&chain.iter().collect::<Vec<_>>());
    let counting = Counting(std::cell::Cell::new(0));
    let flags = certpin::self_signed_flags(&parsed, &counting);
    assert_eq!(flags, vec![false; 16]);
    assert_eq!(counting.0.get(), 1);
    let counting = Counting(std::cell::Cell::new(0));
    let links = certpin::link_checks(&parsed, &counting);
    assert_eq!(links.len(), 16 * 16);
    assert_eq!(counting.0.get(), 1);
    assert_eq!(links.iter().filter(|l| l.2.is_some()).count(), 1);
    // An honest chain is checked in full.
    let p = pki();
    let honest = certs(&[&p.leaf, &p.inter, &p.root]);
    assert_eq!(
        certpin::self_signed_flags(&honest, &certpin::RustCryptoVerifier),
        vec![false, false, true]
    );
    assert!(certpin::link_checks(&honest, &certpin::RustCryptoVerifier)
        .iter()
        .all(|l| l.2 == Some(certpin::VerifyOutcome::Valid)));
}
