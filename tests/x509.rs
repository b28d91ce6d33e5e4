//! The certificate view: fields that feed a decision are refused when malformed, naming
//! the field, and distinguished names compare as RFC 5280 section 7.1 says. Certificates
//! rcgen cannot write are rebuilt from rcgen ones with tests/common/der.rs and signed
//! again with the same key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{parse_chain, verified_path, Error, Part, RustCryptoVerifier};
use common::der::*;
use common::*;
use rcgen::{CustomExtension, DistinguishedName, DnType, DnValue, IsCa};

// ---- malformed fields that feed a decision ----

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

// ---- RFC 5280 section 7.1 name comparison ----

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
