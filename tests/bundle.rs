//! Signed policy bundles natively, with the pure-Rust verifiers: documents
//! signed by *ring* through rcgen (an independent signer), their `signed` part written
//! by hand already in RFC 8785 canonical form (members sorted, no whitespace), so the
//! signing input is the prefix plus that exact text.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use certpin::RustCryptoVerifier;
use certpin::{bundle_key_id, update_root, verify_bundle, BundleOptions, Error, UnixTime};
use common::{DAY, MS, NOW_MS};
use rcgen::{KeyPair, PublicKeyData, SigningKey, PKCS_ECDSA_P256_SHA256, PKCS_ED25519};

struct Key {
    pair: KeyPair,
    id: String,
    public: String,
}

fn key(ed25519: bool) -> Key {
    let alg = if ed25519 {
        &PKCS_ED25519
    } else {
        &PKCS_ECDSA_P256_SHA256
    };
    let pair = KeyPair::generate_for(alg).unwrap();
    let spki = pair.subject_public_key_info();
    Key {
        id: bundle_key_id(&spki),
        public: STANDARD.encode(&spki),
        pair,
    }
}

fn sig(key: &Key, prefix: &str, signed: &str) -> String {
    let message = format!("{prefix}{signed}");
    let sig = key.pair.sign(message.as_bytes()).unwrap();
    format!(
        r#"{{"keyId":"{}","sig":"{}"}}"#,
        key.id,
        STANDARD.encode(sig)
    )
}

fn root(keys: &[&Key], signers: &[&Key], version: u64, threshold: usize) -> String {
    let list: Vec<String> = keys
        .iter()
        .map(|k| format!(r#"{{"keyId":"{}","publicKey":"{}"}}"#, k.id, k.public))
        .collect();
    let signed = format!(
        r#"{{"expires":"2030-01-01T00:00:00Z","keys":[{}],"threshold":{threshold},"type":"certpin-root","version":{version}}}"#,
        list.join(",")
    );
    let sigs: Vec<String> = signers
        .iter()
        .map(|k| sig(k, "certpin-root-v1\n", &signed))
        .collect();
    format!(r#"{{"signed":{signed},"signatures":[{}]}}"#, sigs.join(","))
}

const POLICY: &str = r#"{"domains":[{"host":"api.example.com","pins":["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA="]}],"version":1}"#;

fn bundle_signed(version: u64) -> String {
    format!(
        r#"{{"expires":"2027-06-01T00:00:00Z","issuedAt":"2026-06-01T00:00:00Z","policy":{POLICY},"type":"certpin-policy","version":{version}}}"#
    )
}

fn bundle(signers: &[&Key], signed: &str) -> String {
    let sigs: Vec<String> = signers
        .iter()
        .map(|k| sig(k, "certpin-policy-v1\n", signed))
        .collect();
    format!(r#"{{"signed":{signed},"signatures":[{}]}}"#, sigs.join(","))
}

/// 2026-07-01T00:00:00Z in ms: a month after the bundles' `issuedAt` (NOW), before their
/// `expires` (NOW plus a year).
const AT_MS: i64 = NOW_MS + 30 * DAY * MS;
const AT: BundleOptions = BundleOptions {
    now: UnixTime::from_millis(AT_MS),
    min_version: 0,
};

#[test]
fn ring_signatures_verify_with_the_pure_rust_verifiers() {
    for ed25519 in [true, false] {
        let k = key(ed25519);
        let r = root(&[&k], &[&k], 1, 1);
        let b = bundle(&[&k], &bundle_signed(3));
        let verified = verify_bundle(&b, &r, AT, &RustCryptoVerifier).unwrap();
        assert_eq!(verified.version, 3);
        assert_eq!(verified.signed_by, vec![k.id.clone()]);
        assert_eq!(verified.policy_json, POLICY);
        // One changed character of `signed` (the version digit): refused.
        let tampered = b.replacen(r#""version":3"#, r#""version":4"#, 1);
        assert_eq!(
            verify_bundle(&tampered, &r, AT, &RustCryptoVerifier)
                .unwrap_err()
                .code(),
            "BUNDLE_BAD_SIGNATURE"
        );
    }
}

#[test]
fn thresholds_rollback_expiry_and_rotation() {
    let (a, b, c) = (key(true), key(false), key(true));
    let r = root(&[&a, &b, &c], &[&a, &b], 1, 2);
    let signed = bundle_signed(5);
    assert!(verify_bundle(&bundle(&[&a, &c], &signed), &r, AT, &RustCryptoVerifier).is_ok());
    let twice = bundle(&[&b, &b], &signed);
    assert!(matches!(
        verify_bundle(&twice, &r, AT, &RustCryptoVerifier),
        Err(Error::BundleThreshold {
            valid: 1,
            threshold: 2
        })
    ));
    let ok = bundle(&[&a, &b], &signed);
    let code = |e: Error| e.code();
    assert_eq!(
        verify_bundle(
            &ok,
            &r,
            BundleOptions {
                min_version: 6,
                ..AT
            },
            &RustCryptoVerifier
        )
        .map_err(code)
        .unwrap_err(),
        "BUNDLE_ROLLBACK"
    );
    let late = BundleOptions {
        now: UnixTime::from_millis(NOW_MS + 365 * DAY * MS), // 2027-06-01T00:00:00Z, the bundles' `expires`
        ..AT
    };
    assert_eq!(
        verify_bundle(&ok, &r, late, &RustCryptoVerifier)
            .map_err(code)
            .unwrap_err(),
        "BUNDLE_EXPIRED"
    );
    let early = BundleOptions {
        now: UnixTime::from_millis(NOW_MS - 301_000), // the bundles' `issuedAt` (NOW) minus 301 s
        ..AT
    };
    assert_eq!(
        verify_bundle(&ok, &r, early, &RustCryptoVerifier)
            .map_err(code)
            .unwrap_err(),
        "BUNDLE_ISSUED_IN_FUTURE"
    );
    // Rotation 1 -> 2 -> 3 with the pure-Rust verifiers; new-keys-only refused.
    let (k1, k2, k3) = (key(true), key(false), key(true));
    let r1 = root(&[&k1], &[&k1], 1, 1);
    let r2 = root(&[&k2], &[&k1, &k2], 2, 1);
    let r3 = root(&[&k3], &[&k2, &k3], 3, 1);
    let last = update_root(
        &r1,
        &[r2.clone(), r3.clone()],
        UnixTime::from_millis(AT_MS),
        &RustCryptoVerifier,
    )
    .unwrap();
    assert!(verify_bundle(
        &bundle(&[&k3], &bundle_signed(1)),
        &last,
        AT,
        &RustCryptoVerifier
    )
    .is_ok());
    let only_new = root(&[&k2], &[&k2], 2, 1);
    assert_eq!(
        update_root(
            &r1,
            &[only_new],
            UnixTime::from_millis(AT_MS),
            &RustCryptoVerifier
        )
        .map_err(code)
        .unwrap_err(),
        "ROOT_THRESHOLD"
    );
    assert_eq!(
        update_root(
            &r1,
            &[r3],
            UnixTime::from_millis(AT_MS),
            &RustCryptoVerifier
        )
        .map_err(code)
        .unwrap_err(),
        "ROOT_VERSION"
    );
}

/// Every truncation and many byte changes of a valid bundle and root: never a panic, and
/// never a pass unless the text still means the same signed document.
#[test]
fn mutations_never_panic_and_never_pass_changed_content() {
    let k = key(false);
    let r = root(&[&k], &[&k], 1, 1);
    let signed = bundle_signed(2);
    let b = bundle(&[&k], &signed);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize
    };
    for cut in 0..b.len() {
        assert!(verify_bundle(&b[..cut], &r, AT, &RustCryptoVerifier).is_err());
    }
    for cut in 0..r.len() {
        assert!(verify_bundle(&b, &r[..cut], AT, &RustCryptoVerifier).is_err());
    }
    for _ in 0..1000 {
        let mut bytes = b.clone().into_bytes();
        let at = next() % bytes.len();
        bytes[at] = (next() % 256) as u8;
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if let Ok(v) = verify_bundle(&text, &r, AT, &RustCryptoVerifier) {
            // Only a change outside `signed`'s meaning may pass (e.g. whitespace, or
            // base64 of the same signature is impossible: the changed byte was in it).
            assert_eq!(v.version, 2);
            assert_eq!(v.policy_json, POLICY, "{text}");
        }
    }
}

/// Review: one P-256 key written twice in a root, as its uncompressed SPKI and as its
/// compressed SPKI (SEC 1 section 2.3.3; both decode to the same point), has two key ids.
/// A root with threshold 2 over those two entries must not let that one key meet the
/// threshold alone, neither for the root itself nor for a bundle.
#[test]
fn one_key_under_two_encodings_is_not_two_keys() {
    let k = key(false);
    let spki = k.pair.subject_public_key_info();
    // rcgen writes the uncompressed SPKI: 26 bytes of header, then 04 || X || Y.
    assert_eq!(spki.len(), 91);
    assert_eq!(spki[26], 0x04);
    let (x, y) = (&spki[27..59], &spki[59..91]);
    let mut compressed = hex_bytes("3039301306072a8648ce3d020106082a8648ce3d030107032200");
    compressed.push(if y[31] & 1 == 1 { 0x03 } else { 0x02 });
    compressed.extend_from_slice(x);
    let twin = Key {
        id: bundle_key_id(&compressed),
        public: STANDARD.encode(&compressed),
        pair: KeyPair::try_from(k.pair.serialize_der()).unwrap(),
    };
    assert_ne!(twin.id, k.id);
    let r = root(&[&k, &twin], &[&k, &twin], 1, 2);
    let b = bundle(&[&k, &twin], &bundle_signed(1));
    let outcome = verify_bundle(&b, &r, AT, &RustCryptoVerifier);
    assert!(
        outcome.is_err(),
        "one key met a threshold of 2: {outcome:?}"
    );
}

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Review: an Ed25519 root key of small order (the identity point) is refused when the
/// root is read: its signatures can be forged (R = identity, S = 0), and `node:crypto`
/// accepts them (tests/js/api/bundles.test.mjs shows it).
#[test]
fn a_small_order_ed25519_key_is_not_a_root_key() {
    let k = key(true);
    let mut spki = hex_bytes("302a300506032b6570032100");
    let mut raw = [0u8; 32];
    raw[0] = 1;
    spki.extend_from_slice(&raw);
    let weak = Key {
        id: bundle_key_id(&spki),
        public: STANDARD.encode(&spki),
        pair: KeyPair::generate_for(&PKCS_ED25519).unwrap(),
    };
    let r = root(&[&k, &weak], &[&k], 1, 1);
    let e = verify_bundle(
        &bundle(&[&k], &bundle_signed(1)),
        &r,
        AT,
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "ROOT_KEY_UNSUPPORTED", "{e}");
    assert!(e.to_string().contains("small order"), "{e}");
}
