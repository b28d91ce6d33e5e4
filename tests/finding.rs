//! Finding codes are public API and are never renamed: the codes each operation reports
//! (tests/common/finding_codes.rs) are each a code of the one `FindingCode` list (whose
//! snapshot of every code is in src/finding.rs), spelled as JS sees it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::FindingCode;
use common::finding_codes::*;
use std::collections::BTreeSet;

#[test]
fn finding_codes_are_stable() {
    // Each is a code of the one list, spelled as JS sees it (the snapshot of every code
    // is in src/finding.rs).
    for code in CHECK_FINDING_CODES.iter().chain(LINT_CODES) {
        assert!(
            certpin::FindingCode::ALL
                .iter()
                .any(|c| c.as_str() == *code),
            "{code}"
        );
    }
}

#[test]
fn finding_codes_are_unique_screaming_snake_and_distinct_from_error_codes() {
    let all = DIAGNOSE_CODES.to_vec();
    // Each is a code of the one list (whose snapshot is in src/finding.rs).
    for code in &all {
        assert!(
            FindingCode::ALL.iter().any(|c| c.as_str() == *code),
            "{code}"
        );
    }
    let unique: BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len());
    for code in &all {
        assert!(
            code.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{code}"
        );
        // A finding and an error share a code only where an enforcing adapter refuses a
        // connection for exactly that finding (certpin/node throws PIN_MISMATCH for a
        // PIN_MISMATCH verdict, and so on); any other overlap would confuse the two.
        if certpin::ERROR_CODES.contains(code) {
            assert!(
                matches!(
                    *code,
                    "PIN_MISMATCH" | "HOSTNAME_MISMATCH" | "CERT_EXPIRED" | "NO_CHAIN"
                ),
                "{code} is both a finding code and an unrelated error code"
            );
        }
    }
    // Snapshot: finding codes are public API and are never renamed.
    assert_eq!(
        all.join(","),
        "NO_CHAIN,CHAIN_OUT_OF_ORDER,MISSING_INTERMEDIATE,CHAIN_ENDS_BELOW_ROOT,\
DUPLICATE_CERTIFICATE,PIN_MISMATCH,PIN_ON_UNVERIFIED_CERT,PIN_MATCHED,WEAK_KEY,\
SHA1_SIGNATURE,LEAF_IS_CA,NO_SUBJECT_ALT_NAME,LONG_PATH,CERT_NOT_ON_PATH,\
LINK_SIGNATURE_INVALID,SIGNATURE_ALGORITHM_UNSUPPORTED,ISSUER_NOT_CA,\
PATH_LEN_CONSTRAINT_EXCEEDED,NO_VERIFIED_ISSUER,PATH_TOO_LONG,PATH_BUDGET_EXCEEDED,\
SHA1_SIGNATURE_REFUSED,RSA_KEY_TOO_SMALL,UNKNOWN_CRITICAL_EXTENSION,\
ANCHOR_CONSTRAINTS_NOT_APPLIED,CANDIDATE_OUT_OF_PERIOD,HOSTNAME_MISMATCH,HOSTNAME_INVALID,HOSTNAME_COMMON_NAME_FALLBACK,CERT_EXPIRED,\
CERT_NOT_YET_VALID,CLOCK_PROBABLY_WRONG,CERT_EXPIRES_SOON"
    );
}

#[test]
fn import_finding_codes_snapshot() {
    // Each is a code of the one list, spelled as JS sees it (the snapshot of every code
    // is in src/finding.rs), and every IMPORT_ code is one of them.
    for code in IMPORT_FINDING_CODES {
        assert!(
            certpin::FindingCode::ALL
                .iter()
                .any(|c| c.as_str() == *code),
            "{code}"
        );
    }
    for code in certpin::FindingCode::ALL {
        if code.as_str().starts_with("IMPORT_") {
            assert!(IMPORT_FINDING_CODES.contains(&code.as_str()), "{code}");
        }
    }
}
