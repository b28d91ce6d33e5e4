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
mod diagnose;
mod error;
mod finding;
mod hostname;
mod input;
mod name;
mod path;
mod pin;
mod validity;
mod verify;
mod wasm;

pub use cert::{signature_algorithm_name, Certificate, Facts, KeyFacts};
pub use chain::{compute_pins, ip_to_string, parse_chain, CertificateInfo};
pub use diagnose::{
    codes as diagnose_codes, diagnose, DiagnoseOptions, LONG_PATH_THRESHOLD, MIN_RSA_STRENGTH,
};
pub use error::{ContextValue, Error, RefusedStatus, Result, ERROR_CODES};
pub use finding::{Finding, Severity};
pub use hostname::{
    check_hostname, codes as hostname_codes, covered_names, dns_name_matches, reference_name,
    HostnameOutcome, ReferenceName, PUBLIC_SUFFIXES,
};
pub use input::{decode, Item, ItemKind, Part, MAX_CERTIFICATES, MAX_INPUT_BYTES, MAX_PEM_BLOCKS};
pub use name::{parse_rfc3339, rfc3339};
pub use path::{
    codes as path_codes, served_path, verified_path, verified_path_with, PathOutcome,
    MAX_CANDIDATE_STEPS, MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS,
};
pub use pin::{hex, HashAlgorithm, Pin, PinFormat};
pub use validity::{
    check_validity, codes as validity_codes, expiring_soon, ValidityOutcome, EXPIRY_WARNING_SECONDS,
};
pub use verify::{
    installed_verifier, is_self_signed, is_self_signed_with, reset_verifier, set_verifier,
    verify_link, RustCryptoVerifier, SignatureAlgorithm, SignatureHash, SignatureVerifier,
    VerifyOutcome, MAX_RSA_BITS, MIN_RSA_BITS,
};
