//! What a `PinPolicy` remembers (issue 9): `ChainMemo::check` must give exactly the
//! verdict `check_policy` gives, for every chain, on the first and on every repeated
//! check; only byte-identical input may reuse a remembered chain; installing another
//! verifier forgets remembered paths; the memo stays bounded. And `pin_path` (which
//! skips proving a final self-signature) must build the same path as `verified_path`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::RustCryptoVerifier;
use certpin::{
    check_policy, parse_chain, pin_path, verified_path, ChainMemo, CheckOptions, HashAlgorithm,
    Part, Policy, SignatureAlgorithm, SignatureVerifier, Status, VerifyOutcome, MEMO_CHAINS,
    MEMO_MAX_INPUT_BYTES,
};
use common::*;

const HOST: &str = "www.example.com";

/// A policy pinning the honest chain's intermediate for HOST, and its root for a
/// second host, so every bypass chain is checked against a pin it might smuggle in.
fn policy() -> Policy {
    let p = pki();
    let inter = parse_chain(&[Part::Bytes(p.inter.clone())]).unwrap()[0].pin(HashAlgorithm::Sha256);
    let root = parse_chain(&[Part::Bytes(p.root.clone())]).unwrap()[0].pin(HashAlgorithm::Sha256);
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
