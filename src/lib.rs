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

mod bundle;
mod chain;
mod check;
mod ct;
mod diagnose;
mod error;
mod finding;
mod input;
mod interop;
mod names;
mod pin;
mod plan;
mod policy;
mod revocation;
mod signature;
mod wasm;
mod x509;

pub use bundle::{
    key_id_of as bundle_key_id, signing_input as bundle_signing_input, update_root, verify_bundle,
    BundleOptions, VerifiedBundle, BUNDLE_SIGNING_PREFIX, ISSUED_AT_SKEW_SECONDS, MAX_BUNDLE_BYTES,
    ROOT_SIGNING_PREFIX,
};
pub use chain::path::{
    link_checks, link_cost, pin_path, pin_path_towards, pin_path_with, self_signed_flags,
    served_path, verified_path, verified_path_towards, verified_path_under, Goal, PathOutcome,
    PathRules, DEFAULT_MIN_RSA_BITS, MAX_CANDIDATE_STEPS, MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS,
    MAX_VERIFICATION_COST,
};
pub use chain::validity::{check_validity, expiring_soon, ValidityOutcome, EXPIRY_WARNING_SECONDS};
pub use chain::{compute_pins, ip_to_string, parse_chain, parse_chain_noted, CertificateInfo};
pub use check::memo::{ChainMemo, MEMO_CHAINS, MEMO_MAX_INPUT_BYTES};
pub use check::report::{pem, report_key, violation_report, ReportInput};
pub use check::verdict::{Matched, Status, Verdict};
pub use check::{check_pins, check_policy, CheckOptions, MAX_CLOCK_SKEW_SECONDS};
pub use ct::{
    ct_drift, embedded as embedded_scts, parse_sct_list, verify_scts, CtPolicy, CtVerdict,
    DriftCertificate, DriftHost, DriftReport, Embedded as EmbeddedScts, LogList, LogState, Sct,
    SctResult, SctSummary, LOG_LIST_MAX_AGE_MS, MAX_LOGS, MAX_LOG_LIST_BYTES, MAX_OPERATORS,
    MAX_SCTS_PER_CERTIFICATE, MIMIC_LOG_IDS,
};
pub use diagnose::{diagnose, DiagnoseOptions, LONG_PATH_THRESHOLD, MIN_RSA_STRENGTH};
pub use error::{ContextValue, Error, RefusedStatus, Result, UpdaterFailure, ERROR_CODES};
pub use finding::{Finding, FindingCode, Severity};
pub use input::{
    decode, decode_noted, Item, ItemKind, Part, MAX_CERTIFICATES, MAX_INPUT_BYTES, MAX_PEM_BLOCKS,
};
pub use interop::android_nsc::{import_android_nsc, MAX_NSC_BYTES};
pub use interop::export::{export, EXPORT_FORMATS};
pub use interop::hpkp::{from_hpkp_header, HPKP_EXPORT_MAX_AGE, MAX_HPKP_HEADER_BYTES};
pub use interop::{
    import_android_nsc_lenient, import_okhttp, import_trustkit, Import, MAX_OKHTTP_ADD_CALLS,
    MAX_OKHTTP_BYTES, MAX_TRUSTKIT_BYTES, MAX_TRUSTKIT_REPORT_URIS,
};
pub use names::host::{
    normalize_hostname, CanonicalHost, HostPattern, MAX_LABEL_LEN, MAX_NAME_LEN,
};
pub use names::hostname::{
    check_hostname, check_hostname_with, covered_names, dns_name_matches, reference_name,
    HostnameOutcome, ReferenceName,
};
pub use names::suffix::{is_public_suffix, PUBLIC_SUFFIXES};
pub use pin::{hex, HashAlgorithm, Pin, PinFormat};
pub use plan::{
    plan, HostPlan, PinnedKey, Plan, PlanOptions, Step, DEFAULT_UPDATE_LAG_DAYS, MAX_PLAN_HOSTS,
    MAX_UPDATE_LAG_DAYS,
};
pub use policy::lint::{lint, ENTRY_EXPIRY_WARNING_SECONDS};
pub use policy::{
    DomainEntry, Mode, PinEntry, PinPosition, PinState, Policy, PolicyDocument, MAX_COMMENT_LEN,
    MAX_DOMAINS, MAX_PINS_PER_DOMAIN, MAX_POLICY_BYTES, MAX_REPORT_URI_LEN, MAX_SCHEMA_LEN,
    POLICY_VERSION,
};
pub use revocation::{
    bound_crl, bound_ocsp, check_crl, check_ocsp, must_staple, revocation_info, Responder,
    RevocationInfo, RevocationMode, RevocationOptions, RevocationOutcome, RevocationStatus,
    MAX_CRL_BYTES, MAX_CRL_ENTRIES, MAX_OCSP_RESPONSE_BYTES,
};
pub use signature::verify::{
    is_self_signed, verify_link, RustCryptoVerifier, SignatureAlgorithm, SignatureHash,
    SignatureVerifier, VerifyOutcome, MAX_RSA_BITS, MIN_RSA_BITS,
};
pub use x509::cert::{
    signature_algorithm_name, Certificate, Facts, KeyFacts, RECOGNISED_EXTENSIONS,
};
pub use x509::name::{parse_rfc3339, rfc3339};
