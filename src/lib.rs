#![doc = include_str!("../README.md")]
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
mod limits;
mod names;
mod pin;
mod plan;
mod policy;
mod revocation;
mod signature;
mod sort;
mod time;
mod wasm;
mod x509;

// ---- Input and certificates ----
pub use chain::{
    compute_pins, parse_chain, parse_chain_noted, CertificateInfo, CertificateSummary,
};
pub use input::Part;
pub use x509::cert::{Certificate, Facts};
pub use x509::spki::KeyFacts;

// ---- Pins ----
pub use pin::{HashAlgorithm, Pin, PinFormat};

// ---- Signatures and paths (the verifier is passed in) ----
pub use chain::path::{
    link_checks, link_cost, pin_path, self_signed_flags, verified_path, verified_path_under,
    PathOutcome, PathRules,
};
pub use signature::algorithm::{SignatureAlgorithm, SignatureHash};
pub use signature::verify::{
    is_self_signed, verify_link, RustCryptoVerifier, SignatureVerifier, VerifyOutcome,
};

// ---- Host names ----
pub use names::host::{normalize_hostname, HostPattern};
pub use names::hostname::{check_hostname, check_hostname_with, HostnameOutcome};

// ---- Policies ----
pub use policy::lint::lint;
pub use policy::{
    DomainEntry, Mode, PinEntry, PinPosition, PinState, Policy, PolicyDocument, POLICY_VERSION,
};
pub use time::UnixTime;

// ---- Checks and their verdicts ----
pub use check::memo::ChainMemo;
pub use check::verdict::{Matched, Status, Verdict};
pub use check::{check_pins, check_policy, CheckOptions};

// ---- Findings and errors ----
pub use error::{ContextValue, Error, RefusedStatus, Result, UpdaterFailure, ERROR_CODES};
pub use finding::{Finding, FindingCode, Severity};

// ---- Troubleshooting ----
pub use diagnose::{diagnose, DiagnoseOptions};

// ---- Other systems' configurations ----
pub use interop::android_nsc::import_android_nsc;
pub use interop::export::{export, EXPORT_FORMATS};
pub use interop::hpkp::from_hpkp_header;
pub use interop::{import_android_nsc_lenient, import_okhttp, import_trustkit, Import};

// ---- Certificate Transparency ----
pub use ct::{
    ct_drift, verify_scts, CtPolicy, CtVerdict, DriftCertificate, DriftHost, DriftReport, LogList,
    LogState, SctResult, SctSummary,
};

// ---- Revocation ----
pub use revocation::{
    check_crl, check_ocsp, must_staple, revocation_info, Responder, RevocationInfo, RevocationMode,
    RevocationOptions, RevocationOutcome, RevocationStatus,
};

// ---- Signed policy bundles ----
pub use bundle::{
    key_id_of as bundle_key_id, update_root, verify_bundle, BundleOptions, VerifiedBundle,
};

// ---- Rotation plans ----
pub use plan::{plan, HostPlan, PinnedKey, Plan, PlanOptions, Step};

// ---- Bounds (every one is in `limits`) ----
pub use limits::{
    MAX_COMMENT_LEN, MAX_NSC_BYTES, MAX_OKHTTP_ADD_CALLS, MAX_OKHTTP_BYTES, MAX_PATH_LENGTH,
    MAX_POLICY_BYTES, MAX_SIGNATURE_CHECKS, MAX_VERIFICATION_COST, MEMO_CHAINS,
    MEMO_MAX_INPUT_BYTES,
};
