//! The finding codes each operation can report, as the tests expect them (a code added
//! to certpin must be added here, to the list of the operation that reports it). Shared by
//! tests/finding.rs (the snapshots) and the tests of each operation.

/// Every code `lint` can return.
pub const LINT_CODES: &[&str] = &[
    "FEW_ACTIVE_PINS",
    "NO_PIN_MATCHES_CHAIN",
    "NO_BACKUP_PIN",
    "DUPLICATE_PIN",
    "ENTRY_EXPIRED",
    "ENTRY_EXPIRING_SOON",
    "PUBLIC_SUFFIX_PATTERN",
    "SHADOWED_ENTRY",
    "LEAF_ONLY_PINS",
    "REPORT_WITHOUT_URI",
    "CANDIDATE_PAST_EXPIRY",
];

/// The finding codes a check adds (besides those of path building, hostname and validity
/// checks).
pub const CHECK_FINDING_CODES: &[&str] = &[
    "NO_CHAIN",
    "NOT_PINNED",
    "POLICY_EXPIRED",
    "INVALID_CHAIN",
    "HOSTNAME_MISMATCH",
    "CERT_EXPIRED",
    "PIN_REVOKED",
    "PIN_MISMATCH",
    "CANDIDATE_PIN_MATCHED",
    "CANDIDATE_PIN_UNMATCHED",
    "REPORT_ONLY",
    "PEM_BLOCK_SKIPPED",
    "CT_INSUFFICIENT",
    "CT_LOG_LIST_MISSING",
];

/// The codes `diagnose` reports: its own, then those of path building, hostname and
/// validity checks.
pub const DIAGNOSE_CODES: &[&str] = &[
    "NO_CHAIN",
    "CHAIN_OUT_OF_ORDER",
    "MISSING_INTERMEDIATE",
    "CHAIN_ENDS_BELOW_ROOT",
    "DUPLICATE_CERTIFICATE",
    "PIN_MISMATCH",
    "PIN_ON_UNVERIFIED_CERT",
    "PIN_MATCHED",
    "WEAK_KEY",
    "SHA1_SIGNATURE",
    "LEAF_IS_CA",
    "NO_SUBJECT_ALT_NAME",
    "LONG_PATH",
    "CERT_NOT_ON_PATH",
    "LINK_SIGNATURE_INVALID",
    "SIGNATURE_ALGORITHM_UNSUPPORTED",
    "ISSUER_NOT_CA",
    "PATH_LEN_CONSTRAINT_EXCEEDED",
    "NO_VERIFIED_ISSUER",
    "PATH_TOO_LONG",
    "PATH_BUDGET_EXCEEDED",
    "SHA1_SIGNATURE_REFUSED",
    "RSA_KEY_TOO_SMALL",
    "UNKNOWN_CRITICAL_EXTENSION",
    "ANCHOR_CONSTRAINTS_NOT_APPLIED",
    "CANDIDATE_OUT_OF_PERIOD",
    "HOSTNAME_MISMATCH",
    "HOSTNAME_INVALID",
    "HOSTNAME_COMMON_NAME_FALLBACK",
    "CERT_EXPIRED",
    "CERT_NOT_YET_VALID",
    "CLOCK_PROBABLY_WRONG",
    "CERT_EXPIRES_SOON",
];

/// Every finding code an import can add.
pub const IMPORT_FINDING_CODES: &[&str] = &[
    "IMPORT_UNSUPPORTED",
    "IMPORT_TRUST_ANCHORS",
    "IMPORT_PIN_OVERRIDE",
    "IMPORT_CLEARTEXT",
    "IMPORT_DEBUG_OVERRIDES",
    "IMPORT_NOT_PINNED",
    "IMPORT_SHA1_PIN",
    "IMPORT_PINS_MERGED",
    "IMPORT_PATTERN_OVERLAP",
    "IMPORT_TOO_FEW_PINS",
    "IMPORT_PUBLIC_SUFFIX",
    "IMPORT_REPORT_URI",
    "IMPORT_SUBDOMAIN_NOT_EXCLUDED",
];
