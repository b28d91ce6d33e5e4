//! Finding codes are public API: each list is snapshotted here, and no code is renamed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use certpin::{diagnose_codes, hostname_codes, path_codes, validity_codes, IMPORT_FINDING_CODES};
use std::collections::BTreeSet;

#[test]
fn finding_codes_are_stable() {
    // Snapshot: finding codes are public API and are never renamed.
    assert_eq!(
        certpin::CHECK_FINDING_CODES.join(","),
        "NO_CHAIN,NOT_PINNED,POLICY_EXPIRED,INVALID_CHAIN,HOSTNAME_MISMATCH,CERT_EXPIRED,\
PIN_REVOKED,PIN_MISMATCH,CANDIDATE_PIN_MATCHED,CANDIDATE_PIN_UNMATCHED,REPORT_ONLY,\
PEM_BLOCK_SKIPPED,CT_INSUFFICIENT,CT_LOG_LIST_MISSING"
    );
    assert_eq!(
        certpin::LINT_CODES.join(","),
        "FEW_ACTIVE_PINS,NO_PIN_MATCHES_CHAIN,NO_BACKUP_PIN,DUPLICATE_PIN,ENTRY_EXPIRED,\
ENTRY_EXPIRING_SOON,PUBLIC_SUFFIX_PATTERN,SHADOWED_ENTRY,LEAF_ONLY_PINS,REPORT_WITHOUT_URI,\
CANDIDATE_PAST_EXPIRY"
    );
}

#[test]
fn finding_codes_are_unique_screaming_snake_and_distinct_from_error_codes() {
    let all = [
        diagnose_codes::ALL,
        path_codes::ALL,
        hostname_codes::ALL,
        validity_codes::ALL,
    ]
    .concat();
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

// ---------------------------------------------------------------- shared

#[test]
fn import_finding_codes_snapshot() {
    assert_eq!(
        IMPORT_FINDING_CODES.join(","),
        "IMPORT_UNSUPPORTED,IMPORT_TRUST_ANCHORS,IMPORT_PIN_OVERRIDE,IMPORT_CLEARTEXT,\
IMPORT_DEBUG_OVERRIDES,IMPORT_NOT_PINNED,IMPORT_SHA1_PIN,IMPORT_PINS_MERGED,\
IMPORT_PATTERN_OVERLAP,IMPORT_TOO_FEW_PINS,IMPORT_PUBLIC_SUFFIX,IMPORT_REPORT_URI,\
IMPORT_SUBDOMAIN_NOT_EXCLUDED"
    );
}
