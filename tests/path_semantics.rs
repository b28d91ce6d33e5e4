//! Path and input semantics (issue 15): each item with a chain that shows it, the old
//! wrong answer refused and the explicit relaxation (where there is one) shown to be the
//! only way back. Chains are made at test time with rcgen from the fixed keys in
//! tests/fixtures/path/keys; where rcgen cannot write a shape (a v1 certificate, an
//! explicit v1 version, an empty extensions SEQUENCE), a TBS is rebuilt from an rcgen
//! one with the DER helpers below and signed again with the same key (ring, via rcgen's
//! `SigningKey`), so every signature is real.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::RustCryptoVerifier;
use certpin::{
    check_pins, parse_chain, parse_rfc3339, verified_path, CheckOptions, Error, HashAlgorithm,
    Part, PathRules, Pin, Status, Verdict, MAX_VERIFICATION_COST,
};
use common::*;
use rcgen::{
    date_time_ymd, CustomExtension, DistinguishedName, DnType, DnValue, IsCa, KeyPair,
    PublicKeyData, SerialNumber, SigningKey,
};

const MS: i64 = 1000;

fn pin_of(der: &[u8]) -> Pin {
    certs(&[&der.to_vec()])[0].pin(HashAlgorithm::Sha256)
}

fn check(chain: &[&Vec<u8>], pins: &[Pin], options: &CheckOptions) -> Verdict {
    let parts: Vec<Part> = chain.iter().map(|d| Part::Bytes((*d).clone())).collect();
    check_pins(&parts, pins, options, &RustCryptoVerifier).unwrap()
}

fn has(v: &Verdict, code: &str) -> bool {
    v.findings.iter().any(|f| f.code == code)
}

/// With CERTPIN_WRITE_FIXTURES=1, writes `chain` to tests/fixtures/path/issue15/`name`
/// (for the OpenSSL cross-check in tests/fixtures/path/README.md).
fn write_fixture(name: &str, chain: &[Vec<u8>]) {
    if std::env::var("CERTPIN_WRITE_FIXTURES").is_ok() {
        let dir = fixture_dir().join("issue15");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), to_pem(chain)).unwrap();
    }
}

// ---- DER helpers: split and rebuild certificates ----

fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        let mut out = vec![0x80 | bytes.len() as u8];
        out.extend(bytes);
        out
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// (tag, whole TLV, content).
type Element = (u8, Vec<u8>, Vec<u8>);

/// Each element inside `content`.
fn elements(mut content: &[u8]) -> Vec<Element> {
    let mut out = vec![];
    while !content.is_empty() {
        let tag = content[0];
        let (len, header) = if content[1] < 0x80 {
            (content[1] as usize, 2)
        } else {
            let n = (content[1] & 0x7f) as usize;
            let len = content[2..2 + n]
                .iter()
                .fold(0usize, |a, b| (a << 8) | *b as usize);
            (len, 2 + n)
        };
        out.push((
            tag,
            content[..header + len].to_vec(),
            content[header..header + len].to_vec(),
        ));
        content = &content[header + len..];
    }
    out
}

/// The TBS fields of a certificate, and its signature AlgorithmIdentifier.
fn tbs_fields(cert: &[u8]) -> (Vec<Element>, Vec<u8>) {
    let outer = elements(cert);
    let parts = elements(&outer[0].2);
    (elements(&parts[0].2), parts[1].1.clone())
}

/// A certificate from TBS fields, signed by `key` with the algorithm identifier `alg`.
fn assemble(fields: &[Vec<u8>], alg: &[u8], key: &KeyPair) -> Vec<u8> {
    let tbs = tlv(0x30, &fields.concat());
    let signature = key.sign(&tbs).unwrap();
    let mut bits = vec![0u8];
    bits.extend(signature);
    tlv(0x30, &[tbs, alg.to_vec(), tlv(0x03, &bits)].concat())
}

/// `cert` with its TBS rebuilt by `edit` and signed again by `key`.
fn rebuild(cert: &[u8], key: &KeyPair, edit: impl Fn(Vec<Vec<u8>>) -> Vec<Vec<u8>>) -> Vec<u8> {
    let (fields, alg) = tbs_fields(cert);
    let fields = edit(fields.into_iter().map(|f| f.1).collect());
    assemble(&fields, &alg, key)
}

fn leaf_spec(names: &[&str]) -> Spec {
    Spec::leaf("www.example.com", names)
}

// ---- 1. SHA-1 ----

#[test]
fn sha1_on_the_path_is_refused_unless_allowed() {
    // tests/fixtures/path/rsa2048-sha1.pem: a leaf signed with sha1WithRSAEncryption
    // (generate.sh, openssl).
    let chain = pem_certs(&fixture("rsa2048-sha1.pem"));
    let ders: Vec<Vec<u8>> = chain.iter().map(|c| c.der().to_vec()).collect();
    let refs: Vec<&Vec<u8>> = ders.iter().collect();
    let pins = [chain[1].pin(HashAlgorithm::Sha256)];
    let now = (chain[0].facts().not_before + 86_400) * MS;
    let v = check(&refs, &pins, &CheckOptions::at(now));
    assert_eq!(v.status, Status::InvalidChain, "{v:#?}");
    assert!(!v.ok);
    assert!(has(&v, "SHA1_SIGNATURE_REFUSED"));
    let mut relaxed = CheckOptions::at(now);
    relaxed.rules.allow_sha1 = true;
    let v = check(&refs, &pins, &relaxed);
    assert_eq!(v.status, Status::Matched, "{v:#?}");
}

// ---- 2. unknown critical extensions ----

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
            now: NOW,
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

// ---- 3. RSA under 2048 bits ----

#[test]
fn small_rsa_keys_on_the_path_are_refused_unless_allowed() {
    // tests/fixtures/path/rsa1024-sha256.pem: a leaf under a 1024-bit RSA root.
    let chain = pem_certs(&fixture("rsa1024-sha256.pem"));
    let ders: Vec<Vec<u8>> = chain.iter().map(|c| c.der().to_vec()).collect();
    let refs: Vec<&Vec<u8>> = ders.iter().collect();
    let pins = [chain[0].pin(HashAlgorithm::Sha256)];
    let now = (chain[0].facts().not_before + 86_400) * MS;
    let v = check(&refs, &pins, &CheckOptions::at(now));
    assert_eq!(v.status, Status::InvalidChain, "{v:#?}");
    assert!(has(&v, "RSA_KEY_TOO_SMALL"));
    let mut relaxed = CheckOptions::at(now);
    relaxed.rules.min_rsa_bits = 1024;
    assert_eq!(check(&refs, &pins, &relaxed).status, Status::Matched);
}

// ---- 4. no Common Name fallback ----

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

// ---- 5. malformed fields that feed a decision ----

fn malformed_field(der: Vec<u8>) -> String {
    match parse_chain(&[Part::Bytes(der)]) {
        Err(Error::CertMalformed { reason, .. }) => reason,
        other => panic!("expected CERT_MALFORMED, got {other:?}"),
    }
}

fn raw_san(content: &[u8]) -> Vec<u8> {
    let p = pki();
    let mut spec = leaf_spec(&[]);
    spec.params.custom_extensions = vec![CustomExtension::from_oid_content(
        &[2, 5, 29, 17],
        content.to_vec(),
    )];
    spec.signed_by(&key("leaf"), &p.inter_spec, &key("inter"))
}

#[test]
fn malformed_fields_are_refused_naming_the_field() {
    // SAN: SEQUENCE { [2] "a.example" } then a stray byte inside the extension value.
    let mut name = vec![0x82, 9];
    name.extend_from_slice(b"a.example");
    let good = tlv(0x30, &name);
    assert!(parse_chain(&[Part::Bytes(raw_san(&good))]).is_ok());
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(malformed_field(raw_san(&trailing)).contains("subjectAltName"));
    // A non-ASCII dNSName.
    let utf8 = tlv(0x30, &tlv(0x82, "café.example".as_bytes()));
    assert!(malformed_field(raw_san(&utf8)).contains("subjectAltName dNSName"));
    // A 5-octet iPAddress.
    let ip = tlv(0x30, &tlv(0x87, &[192, 0, 2, 1, 0]));
    assert!(malformed_field(raw_san(&ip)).contains("subjectAltName iPAddress"));

    // basicConstraints with pathLenConstraint 256.
    let p = pki();
    let mut spec = Spec::leaf("Big CA", &[]);
    spec.params.is_ca = IsCa::NoCa;
    spec.params.custom_extensions = vec![{
        let mut e = CustomExtension::from_oid_content(
            &[2, 5, 29, 19],
            tlv(
                0x30,
                &[tlv(0x01, &[0xff]), tlv(0x02, &[0x01, 0x00])].concat(),
            ),
        );
        e.set_criticality(true);
        e
    }];
    let ca = spec.signed_by(&key("inter"), &p.root_spec, &key("root"));
    assert!(malformed_field(ca).contains("pathLenConstraint"));

    // A non-minimal serial number (a needless leading zero; rcgen would trim it).
    let der = rebuild(&p.leaf, &key("inter"), |mut f| {
        f[1] = tlv(0x02, &[0x00, 0x01]);
        f
    });
    assert!(malformed_field(der).contains("serialNumber"));

    // An empty extensions SEQUENCE, and an explicitly encoded v1 version.
    let leaf = p.leaf.clone();
    let empty_exts = rebuild(&leaf, &key("inter"), |mut f| {
        let last = f.len() - 1;
        f[last] = tlv(0xa3, &tlv(0x30, &[]));
        f
    });
    assert!(malformed_field(empty_exts).contains("extensions"));
    let explicit_v1 = rebuild(&leaf, &key("inter"), |mut f| {
        f.pop(); // extensions
        f[0] = tlv(0xa0, &tlv(0x02, &[0]));
        f
    });
    assert!(malformed_field(explicit_v1).contains("version"));
}

// ---- 6. RFC 3339 offsets ----

#[test]
fn rfc3339_offsets_are_two_digits() {
    assert_eq!(parse_rfc3339("2027-01-01T00:00:00+-1:00"), None);
    assert_eq!(parse_rfc3339("2027-01-01T00:00:00+1:000"), None);
    assert_eq!(parse_rfc3339("2027-01-01T00:00:00-+1:00"), None);
    assert_eq!(
        parse_rfc3339("2027-01-01T01:00:00+01:00"),
        parse_rfc3339("2027-01-01T00:00:00Z")
    );
}

// ---- 7. a v1 root ----

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

// ---- 8. the top of the path is the anchor ----

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

// ---- 9. backtracking past an expired cross-sign (the 2021 DST Root X3 case) ----

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
    // 2025-06-01T00:00:00Z (date -u -d 2025-06-01 +%s).
    (
        vec![leaf, r3_der, x1_cross, dst_der, x1_self],
        1_748_736_000,
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
            now,
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

// ---- 10. RFC 5280 section 7.1 name comparison ----

#[test]
fn names_compare_case_and_space_insensitively() {
    let p = pki();
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        DnValue::PrintableString("Example Issuing CA".try_into().unwrap()),
    );
    let mut inter_spec = Spec::ca("unused", Some(0));
    inter_spec.params.distinguished_name = dn;
    let inter = inter_spec.signed_by(&key("inter"), &p.root_spec, &key("root"));
    // The leaf names its issuer as a UTF8String, in other case, with extra spaces.
    let mut as_named = Spec::ca("unused", Some(0));
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        DnValue::Utf8String("  example   ISSUING ca ".into()),
    );
    as_named.params.distinguished_name = dn;
    let leaf = leaf_spec(&["www.example.com"]).signed_by(&key("leaf"), &as_named, &key("inter"));
    let chain = certs(&[&leaf, &inter, &p.root]);
    assert_ne!(chain[0].issuer_der(), chain[1].subject_der());
    let out = verified_path(&chain, &RustCryptoVerifier);
    assert!(out.valid, "{out:?}");
    assert_eq!(out.path, vec![0, 1, 2]);
    // A different name is not linked.
    let mut other = Spec::ca("unused", Some(0));
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        DnValue::Utf8String("Example Issuing CB".into()),
    );
    other.params.distinguished_name = dn;
    let leaf = leaf_spec(&["www.example.com"]).signed_by(&key("leaf"), &other, &key("inter"));
    let out = verified_path(&certs(&[&leaf, &inter, &p.root]), &RustCryptoVerifier);
    assert_eq!(out.path, vec![0]);
    assert!(out.valid, "the issuer is not served: {out:?}");
}

// ---- 12. the path budget is weighted by cost ----

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

// ---- 11. PEM that real files contain ----

#[test]
fn a_keycert_file_is_checked_with_a_warning_that_never_quotes_the_key() {
    let p = pki();
    let secret = fixture("keys/leaf.pem");
    let body: String = secret
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    // A server's keycert.pem: the key first, then the chain; a comment with a BEGIN
    // marker that does not start a line; RFC 1421 headers inside the leaf's block.
    let chain = to_pem(&[p.leaf.clone(), p.inter.clone()]);
    let with_headers = chain.replacen(
        "-----BEGIN CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nSubject: CN=www.example.com\n\n",
        1,
    );
    let input = format!("# keycert.pem #-----BEGIN CERTIFICATE-----\n{secret}{with_headers}");
    let v = check_pins(
        &[Part::Text(input)],
        &[pin_of(&p.inter)],
        &CheckOptions::at(NOW * MS).for_host("www.example.com"),
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(v.status, Status::Matched, "{v:#?}");
    let skipped: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.code == "PEM_BLOCK_SKIPPED")
        .collect();
    assert_eq!(skipped.len(), 1, "{v:#?}");
    for f in &v.findings {
        for line in body.lines() {
            assert!(!f.message.contains(line), "{}", f.message);
        }
    }
    assert!(!v.message.contains(body.lines().next().unwrap()));
    // A broken certificate block beside good ones still sinks the input.
    let broken =
        format!("{chain}-----BEGIN CERTIFICATE-----\nMAMC!QU=\n-----END CERTIFICATE-----\n");
    let e = check_pins(
        &[Part::Text(broken)],
        &[pin_of(&p.inter)],
        &CheckOptions::at(NOW * MS),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "PEM_MALFORMED");
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
