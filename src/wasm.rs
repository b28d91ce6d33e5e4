//! The wasm boundary: the only module that touches `wasm_bindgen` and `js_sys`. It
//! converts JS values into core types (`conversions`, read through the one options
//! reader in `options`) and answers back, turns a core `Error` into a JS `Error` named
//! `CertpinError` (`error`), holds the host's signature verifier (`verifier`), and reads
//! the clock (`Date.now()`) when the caller gave none. It decides nothing: each export
//! hands typed values to the core and converts what the core returns.

mod conversions;
mod error;
mod options;
mod verifier;

// The exports, one file per concept; `pin_policy` is the `PinPolicy` class.
mod bundle;
mod chain;
mod ct;
mod debug;
mod formats;
mod pin_policy;
mod pins;
mod revocation;
