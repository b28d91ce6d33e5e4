//! certpin: certificate pinning for every JavaScript host.
//!
//! A pure core decides: it decodes chains (`input`), views certificates (`cert`,
//! `chain`), computes and parses pins (`pin`). `wasm` is the only module that touches
//! JavaScript. Nothing here does I/O or reads a clock: the host supplies both.
//!
//! Pinning adds to a TLS stack's own validation; it does not replace validation of the
//! chain against trusted roots.
#![forbid(unsafe_code)]

mod cert;
mod chain;
mod error;
mod finding;
mod hostname;
mod input;
mod name;
mod path;
mod pin;
mod validity;
mod wasm;

pub use cert::{signature_algorithm_name, Certificate, Facts, KeyFacts};
pub use chain::{compute_pins, ip_to_string, parse_chain, CertificateInfo};
pub use error::{ContextValue, Error, RefusedStatus, Result, ERROR_CODES};
pub use finding::{Finding, Severity};
pub use hostname::{check_hostname, HostnameOutcome};
pub use input::{decode, Item, ItemKind, Part, MAX_CERTIFICATES, MAX_INPUT_BYTES, MAX_PEM_BLOCKS};
pub use name::{parse_rfc3339, rfc3339};
pub use path::{served_path, verified_path, PathOutcome};
pub use pin::{hex, HashAlgorithm, Pin, PinFormat};
pub use validity::{check_validity, ValidityOutcome};
