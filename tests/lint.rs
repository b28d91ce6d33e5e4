//! `lint`: every lint code from a policy and chain that shows it, and a healthy policy
//! with nothing to say. The chain is the check tests' (tests/common/policies.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{lint, parse_chain, RustCryptoVerifier, UnixTime};
use common::finding_codes::*;
use common::policies::*;

#[test]
fn every_lint_code() {
    let c = chains();
    let certs = parse_chain(&parts(&c.good)).unwrap();
    let p = policy(
        &[
            // 0: one active pin, leaf-only, expires soon, duplicate
            entry(
                "api.example.com",
                &[
                    &pin_with(LEAF, "active", "leaf"),
                    &pin_with(LEAF, "active", "leaf"),
                ],
                ",\"expires\":\"2027-01-15\"",
            ),
            // 1: public suffix
            entry("**.co.uk", &[LEAF, BACKUP], ""),
            // 2: report mode without URI, expired with a candidate
            entry(
                "old.example.org",
                &[LEAF, BACKUP, &pin_with(ROOT, "candidate", "any")],
                ",\"mode\":\"report\",\"expires\":\"2026-01-01\"",
            ),
            // 3: shadowed by 0 for api.example.com
            entry("**.example.com", &[LEAF, INTERMEDIATE], ""),
            // 4: covers a name of the chain's leaf, matches nothing in it
            entry("www.example.com", &[BACKUP, ROGUE_LEAF], ""),
        ]
        .join(","),
    );
    let found = lint(
        &p,
        UnixTime::from_millis(POLICY_NOW_MS),
        Some(&certs),
        &RustCryptoVerifier,
    );
    let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    for code in LINT_CODES {
        assert!(codes.contains(code), "{code} missing: {found:#?}");
    }
    let shadow = found.iter().find(|f| f.code == "SHADOWED_ENTRY").unwrap();
    assert!(shadow.message.contains("domains[0] (api.example.com)"));
    assert!(shadow.message.contains("domains[3] (**.example.com)"));
    // A healthy policy: a chain pin plus an offline backup, CA-level.
    let good = policy(&entry(
        "api.example.com",
        &[INTERMEDIATE, BACKUP],
        ",\"expires\":\"2028-01-01\"",
    ));
    assert_eq!(
        lint(
            &good,
            UnixTime::from_millis(POLICY_NOW_MS),
            Some(&certs),
            &RustCryptoVerifier
        ),
        vec![]
    );
    // The HPKP rule catches a "backup" that is in the chain.
    let fake_backup = policy(&entry("api.example.com", &[INTERMEDIATE, ROOT], ""));
    let codes: Vec<&str> = lint(
        &fake_backup,
        UnixTime::from_millis(POLICY_NOW_MS),
        Some(&certs),
        &RustCryptoVerifier,
    )
    .iter()
    .map(|f| f.code.as_str())
    .collect();
    assert_eq!(codes, ["NO_BACKUP_PIN"]);
    let codes: Vec<&str> = lint(
        &policy(&entry("**.com", &[LEAF, BACKUP], "")),
        UnixTime::from_millis(POLICY_NOW_MS),
        None,
        &RustCryptoVerifier,
    )
    .iter()
    .map(|f| f.code.as_str())
    .collect();
    assert_eq!(codes, ["PUBLIC_SUFFIX_PATTERN"]);
}
