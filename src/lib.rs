//! certpin: certificate pinning for every JavaScript host.
//!
//! A pure core decides: it decodes chains (`input`), views certificates (`cert`,
//! `chain`), computes and parses pins (`pin`), verifies signatures (`verify`), builds the
//! signature-verified path from the leaf (`path`), checks hostnames (`hostname`) and
//! validity periods (`validity`), and explains broken chains (`diagnose`). `wasm` is the
//! only module that touches JavaScript. Nothing here does I/O or reads a clock: the host
//! supplies both.
//!
//! Pinning adds to a TLS stack's own validation; it does not replace validation of the
//! chain against trusted roots.
#![forbid(unsafe_code)]

mod cert;
mod chain;
mod check;
mod diagnose;
mod error;
mod export;
mod finding;
mod host;
mod hostname;
mod hpkp;
mod input;
mod interop;
mod lint;
mod memo;
mod name;
mod path;
mod pin;
mod policy;
mod report;
mod validity;
mod verdict;
mod verify;
mod wasm;

pub use cert::{signature_algorithm_name, Certificate, Facts, KeyFacts};
pub use chain::{compute_pins, ip_to_string, parse_chain, CertificateInfo};
pub use check::{
    check_pins, check_policy, CheckOptions, CHECK_FINDING_CODES, MAX_CLOCK_SKEW_SECONDS,
};
pub use diagnose::{
    codes as diagnose_codes, diagnose, DiagnoseOptions, LONG_PATH_THRESHOLD, MIN_RSA_STRENGTH,
};
pub use error::{ContextValue, Error, RefusedStatus, Result, ERROR_CODES};
pub use export::{export, import_android_nsc, EXPORT_FORMATS, HPKP_EXPORT_MAX_AGE, MAX_NSC_BYTES};
pub use finding::{Finding, Severity};
pub use host::{normalize_hostname, HostPattern, MAX_LABEL_LEN, MAX_NAME_LEN};
pub use hostname::{
    check_hostname, codes as hostname_codes, covered_names, dns_name_matches, reference_name,
    HostnameOutcome, ReferenceName, PUBLIC_SUFFIXES,
};
pub use hpkp::{from_hpkp_header, MAX_HPKP_HEADER_BYTES};
pub use input::{decode, Item, ItemKind, Part, MAX_CERTIFICATES, MAX_INPUT_BYTES, MAX_PEM_BLOCKS};
pub use interop::{
    codes as import_codes, import_android_nsc_lenient, import_okhttp, import_trustkit, Import,
    IMPORT_FINDING_CODES, MAX_OKHTTP_ADD_CALLS, MAX_OKHTTP_BYTES, MAX_TRUSTKIT_BYTES,
    MAX_TRUSTKIT_REPORT_URIS,
};
pub use lint::{is_public_suffix, lint, ENTRY_EXPIRY_WARNING_SECONDS, LINT_CODES};
pub use memo::{ChainMemo, MEMO_CHAINS, MEMO_MAX_INPUT_BYTES};
pub use name::{parse_rfc3339, rfc3339};
pub use path::{
    codes as path_codes, pin_path, served_path, verified_path, verified_path_with, PathOutcome,
    MAX_CANDIDATE_STEPS, MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS,
};
pub use pin::{hex, HashAlgorithm, Pin, PinFormat};
pub use policy::{
    DomainEntry, Mode, PinEntry, PinPosition, PinState, Policy, PolicyDocument, MAX_COMMENT_LEN,
    MAX_DOMAINS, MAX_PINS_PER_DOMAIN, MAX_POLICY_BYTES, MAX_REPORT_URI_LEN, MAX_SCHEMA_LEN,
    POLICY_VERSION,
};
pub use report::{pem, report_key, violation_report, ReportInput};
pub use validity::{
    check_validity, codes as validity_codes, expiring_soon, ValidityOutcome, EXPIRY_WARNING_SECONDS,
};
pub use verdict::{Matched, Status, Verdict};
pub use verify::{
    installed_verifier, is_self_signed, is_self_signed_with, reset_verifier, set_verifier,
    verifier_generation, verify_link, RustCryptoVerifier, SignatureAlgorithm, SignatureHash,
    SignatureVerifier, VerifyOutcome, MAX_RSA_BITS, MIN_RSA_BITS,
};
