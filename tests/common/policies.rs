//! The check tests' chains and policy builders: root → intermediate → leaf made by
//! rcgen with the fixed keys in tests/check/ (and a rogue and a forged chain), pins of
//! those keys, and policy JSON written from entries. Shared by tests/check.rs,
//! tests/lint.rs, tests/interop.rs and tests/policy.rs.

use super::{DAY, MS, NOW_MS};
use certpin::{check_policy, CheckOptions, Part, Policy, RustCryptoVerifier, Verdict};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, KeyPair,
    KeyUsagePurpose,
};

// openssl pkey -in tests/check/NAME.key -pubout -outform DER | openssl dgst -sha256 -binary | base64
pub const ROOT: &str = "sha256/pNdcQdgv6EXKJLIKJPpLtan3Jya/stuejqAPl7tx5H4=";
pub const INTERMEDIATE: &str = "sha256/m30B9iTFszXQzAqN0g+GuYEeIemeFhp7dsmdinMlk08=";
pub const LEAF: &str = "sha256/iUtCkCg0VjCN73k9Fwl+KTcaUpKHYGF8GTj0kbT867U=";
pub const ROGUE_LEAF: &str = "sha256/lGr/srwzhm5U6Ibgu8rvhLg+nYlKGI+ig1Cn1j2t/h4=";
pub const BACKUP: &str = "sha256/eBJA7flS+4LmwXqAMDlwA7y5n3l7PfPDcMMe2ncympQ=";

/// The check, lint and export tests' instant, 2027-01-01T00:00:00Z in ms (`date -u -d
/// 2027-01-01 +%s`), 214 days after the one NOW: the chains' expired leaf ended on
/// 2026-06-01 and the policies' `expires` dates (2027-01-15 expiring soon, 2026-01-01
/// expired, 2027-06-01 still ahead) are written for this instant.
pub const POLICY_NOW_MS: i64 = NOW_MS + 214 * DAY * MS;

pub fn key(name: &str) -> KeyPair {
    let pem =
        std::fs::read_to_string(super::tests_dir("check").join(format!("{name}.key"))).unwrap();
    KeyPair::from_pem(&pem).unwrap()
}

pub fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    p
}

pub fn leaf_params(names: &[&str], not_after: (i32, u8, u8)) -> CertificateParams {
    let mut p =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, names[0]);
    p.distinguished_name = dn;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    p.not_before = rcgen::date_time_ymd(2026, 1, 1);
    p.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    p
}

pub struct Chains {
    /// leaf (api.example.com, www.example.com) → intermediate → root, PEM each.
    pub good: Vec<String>,
    /// The same hierarchy with a leaf that expired on 2026-06-01.
    pub expired: Vec<String>,
    /// A leaf from an unrelated root, with the pinned intermediate appended.
    pub rogue: Vec<String>,
    /// A leaf naming the real intermediate as issuer but signed by another key, served
    /// with the real intermediate and root.
    pub forged: Vec<String>,
}

pub fn chains() -> Chains {
    let root = CertifiedIssuer::self_signed(ca_params("certpin test root"), key("root")).unwrap();
    let intermediate = CertifiedIssuer::signed_by(
        ca_params("certpin test intermediate"),
        key("intermediate"),
        &root,
    )
    .unwrap();
    let leaf_key = key("leaf");
    let leaf = leaf_params(
        &["api.example.com", "www.example.com", "revoked.example.com"],
        (2028, 1, 1),
    )
    .signed_by(&leaf_key, &intermediate)
    .unwrap();
    let old = leaf_params(&["api.example.com"], (2026, 6, 1))
        .signed_by(&leaf_key, &intermediate)
        .unwrap();
    let rogue_root =
        CertifiedIssuer::self_signed(ca_params("rogue root"), key("rogue-root")).unwrap();
    let rogue_leaf = leaf_params(&["api.example.com"], (2028, 1, 1))
        .signed_by(&key("rogue-leaf"), &rogue_root)
        .unwrap();
    // Same issuer name as the real intermediate, different key.
    let impostor =
        CertifiedIssuer::self_signed(ca_params("certpin test intermediate"), key("rogue-root"))
            .unwrap();
    let forged_leaf = leaf_params(&["api.example.com"], (2028, 1, 1))
        .signed_by(&key("rogue-leaf"), &impostor)
        .unwrap();
    Chains {
        forged: vec![forged_leaf.pem(), intermediate.pem(), root.pem()],
        good: vec![leaf.pem(), intermediate.pem(), root.pem()],
        expired: vec![old.pem(), intermediate.pem(), root.pem()],
        rogue: vec![rogue_leaf.pem(), intermediate.pem()],
    }
}

pub fn parts(pems: &[String]) -> Vec<Part> {
    pems.iter().map(|p| Part::Text(p.clone())).collect()
}

pub fn policy(domains: &str) -> Policy {
    Policy::from_json(&format!("{{\"version\":1,\"domains\":[{domains}]}}")).unwrap()
}

pub fn entry(host: &str, pins: &[&str], extra: &str) -> String {
    let pins: Vec<String> = pins
        .iter()
        .map(|p| {
            if p.starts_with('{') {
                p.to_string()
            } else {
                format!("\"{p}\"")
            }
        })
        .collect();
    format!(
        "{{\"host\":\"{host}\",\"pins\":[{}]{extra}}}",
        pins.join(",")
    )
}

pub fn pin_with(pin: &str, state: &str, position: &str) -> String {
    format!("{{\"pin\":\"{pin}\",\"state\":\"{state}\",\"position\":\"{position}\"}}")
}

pub fn check(p: &Policy, chain: &[String], host: &str, now: i64) -> Verdict {
    check_policy(
        p,
        &parts(chain),
        &CheckOptions::at(now).for_host(host),
        &RustCryptoVerifier,
    )
    .unwrap()
}
