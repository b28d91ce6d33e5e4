//! Certificate Transparency with an independent signer: rcgen builds the
//! certificates, *ring* (through rcgen's `SigningKey`) signs the SCTs over the RFC 6962
//! section 3.2 structure built here by hand, and certpin verifies them with its pure-Rust
//! verifier. The precertificate TBS is rcgen's own serialisation of the same parameters
//! without the SCT extension (rcgen writes custom extensions last), never certpin's cut.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use base64::Engine as _;
use certpin::RustCryptoVerifier;
use certpin::{verify_scts, Certificate, CtPolicy, LogList, UnixTime};
use common::{key, Spec, DAY, MS, NOW_MS};
use rcgen::{CustomExtension, Issuer, KeyPair, PublicKeyData, SerialNumber, SigningKey};
use sha2::{Digest, Sha256};

/// 2026-02-01T00:00:00Z in ms, 120 days before NOW: 12 days after the test log list's
/// `log_list_timestamp` (2026-01-20), so the list is fresh, and a month after the SCTs'
/// timestamp (`SCT_TIME_MS`).
const CT_NOW_MS: i64 = NOW_MS - 120 * DAY * MS;
/// 2026-01-02T00:00:00Z in ms, 150 days before NOW: when the test logs signed the SCTs.
const SCT_TIME_MS: u64 = (NOW_MS - 150 * DAY * MS) as u64;
const SCT_OID: &[u64] = &[1, 3, 6, 1, 4, 1, 11129, 2, 4, 2];

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn tbs_of(der: &[u8]) -> Vec<u8> {
    Certificate::from_der(der.to_vec(), 0)
        .unwrap()
        .tbs_der()
        .to_vec()
}

struct Log<'a> {
    key: &'a KeyPair,
    sig_alg: u8,
}

/// The leaf's parameters (fixed serial and validity: 90 days) and the CA.
fn leaf_spec() -> Spec {
    let mut spec =
        Spec::leaf("ct.example.com", &["ct.example.com"]).validity((2026, 1, 1), (2026, 4, 1));
    spec.params.serial_number = Some(SerialNumber::from(vec![0x12, 0x34, 0x56]));
    spec
}

/// A leaf whose embedded SCTs are signed by `logs` at `timestamp`; `flip` flips one bit
/// of the first SCT's signature after signing.
fn leaf_with_scts(logs: &[Log], timestamp: u64, flip: bool) -> (Vec<u8>, Vec<u8>) {
    let ca_key = key("inter");
    let ca = Spec::ca("CT Rust test CA", None);
    let ca_der = ca.self_signed(&ca_key);
    let leaf_key = key("leaf");
    let issuer = Issuer::from_params(&ca.params, &ca_key);
    let precert = leaf_spec()
        .params
        .signed_by(&leaf_key, &issuer)
        .unwrap()
        .der()
        .to_vec();
    let precert_tbs = tbs_of(&precert);
    let issuer_key_hash = Sha256::digest(ca_key.subject_public_key_info());
    let mut items = Vec::new();
    for (i, log) in logs.iter().enumerate() {
        // RFC 6962 3.2 digitally-signed input for a precert entry.
        let mut signed = vec![0u8, 0];
        signed.extend(timestamp.to_be_bytes());
        signed.extend([0, 1]);
        signed.extend(issuer_key_hash);
        signed.extend(&(precert_tbs.len() as u32).to_be_bytes()[1..]);
        signed.extend(&precert_tbs);
        signed.extend([0, 0]);
        let mut signature = log.key.sign(&signed).unwrap();
        if flip && i == 0 {
            let at = signature.len() - 3;
            signature[at] ^= 0x10;
        }
        let log_id = Sha256::digest(log.key.subject_public_key_info());
        let mut sct = vec![0u8];
        sct.extend(log_id);
        sct.extend(timestamp.to_be_bytes());
        sct.extend([0, 0, 4, log.sig_alg]);
        sct.extend((signature.len() as u16).to_be_bytes());
        sct.extend(signature);
        items.extend((sct.len() as u16).to_be_bytes());
        items.extend(sct);
    }
    let mut list = (items.len() as u16).to_be_bytes().to_vec();
    list.extend(items);
    // extnValue is an OCTET STRING holding the DER OCTET STRING of the TLS list; rcgen
    // adds the outer one.
    let mut inner = vec![0x04, 0x82];
    inner.extend((list.len() as u16).to_be_bytes());
    inner.extend(list);
    let mut spec = leaf_spec();
    spec.params
        .custom_extensions
        .push(CustomExtension::from_oid_content(SCT_OID, inner));
    let leaf = spec
        .params
        .signed_by(&leaf_key, &issuer)
        .unwrap()
        .der()
        .to_vec();
    (leaf, ca_der)
}

fn log_list(logs: &[(&str, &KeyPair)]) -> LogList {
    let operators: Vec<String> = logs
        .iter()
        .map(|(operator, key)| {
            let spki = key.subject_public_key_info();
            format!(
                r#"{{"name":"{operator}","email":[],"logs":[{{"description":"{operator} log","log_id":"{}","key":"{}","url":"https://ct.invalid/","mmd":86400,"state":{{"usable":{{"timestamp":"2020-01-01T00:00:00Z"}}}}}}]}}"#,
                b64(&Sha256::digest(&spki)),
                b64(&spki)
            )
        })
        .collect();
    LogList::from_json(&format!(
        r#"{{"version":"1","log_list_timestamp":"2026-01-20T00:00:00Z","operators":[{}]}}"#,
        operators.join(",")
    ))
    .unwrap()
}

fn certs(ders: &[&[u8]]) -> Vec<Certificate> {
    ders.iter()
        .enumerate()
        .map(|(i, d)| Certificate::from_der(d.to_vec(), i).unwrap())
        .collect()
}

#[test]
fn ring_signed_scts_verify_with_rustcrypto() {
    let p256 = KeyPair::generate().unwrap();
    let rsa = key("rsa2048");
    let logs = [
        Log {
            key: &p256,
            sig_alg: 3,
        },
        Log {
            key: &rsa,
            sig_alg: 1,
        },
    ];
    let list = log_list(&[("Operator A", &p256), ("Operator B", &rsa)]);
    let (leaf, ca) = leaf_with_scts(&logs, SCT_TIME_MS, false);
    let v = verify_scts(
        &certs(&[&leaf, &ca]),
        &list,
        UnixTime::from_millis(CT_NOW_MS),
        CtPolicy::Chrome,
        &RustCryptoVerifier,
    );
    assert_eq!(
        v.scts.iter().map(|s| s.valid).collect::<Vec<_>>(),
        [true, true],
        "{:#?}",
        v.findings
    );
    assert!(v.compliant);
    assert_eq!((v.required_logs, v.distinct_logs, v.operators), (2, 2, 2));
    assert_eq!(v.scts[0].timestamp, "2026-01-02T00:00:00.000Z");

    // One flipped signature bit: that SCT fails, the policy with it.
    let (bad, ca) = leaf_with_scts(&logs, SCT_TIME_MS, true);
    let v = verify_scts(
        &certs(&[&bad, &ca]),
        &list,
        UnixTime::from_millis(CT_NOW_MS),
        CtPolicy::Chrome,
        &RustCryptoVerifier,
    );
    assert_eq!(
        v.scts
            .iter()
            .map(|s| (s.valid, s.reason.as_deref()))
            .collect::<Vec<_>>(),
        [(false, Some("bad signature")), (true, None)]
    );
    assert!(!v.compliant);

    // Under Apple's policy the same leaf is compliant; without the issuer nothing is.
    let v = verify_scts(
        &certs(&[&leaf, &ca]),
        &list,
        UnixTime::from_millis(CT_NOW_MS),
        CtPolicy::Apple,
        &RustCryptoVerifier,
    );
    assert!(v.compliant, "{:#?}", v.findings);
    let v = verify_scts(
        &certs(&[&leaf]),
        &list,
        UnixTime::from_millis(CT_NOW_MS),
        CtPolicy::Chrome,
        &RustCryptoVerifier,
    );
    assert!(!v.compliant && v.scts.iter().all(|s| !s.valid));
}
