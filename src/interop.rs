//! Migration: pins from the configurations people already have, read into a checked
//! `Policy` plus the findings that say what the foreign configuration meant and certpin
//! did not carry over. Nothing is dropped silently: an element, key or pin that has no
//! certpin equivalent is a finding (`IMPORT_*` codes), and anything that would change
//! which chains are accepted in the unsafe direction (a pin that cannot be read, a
//! pattern certpin cannot express) is an error.
//!
//! - `android_nsc`: Android's `network_security_config.xml`, read leniently (`<base-config>`,
//!   `<trust-anchors>`, `<debug-overrides>`, `cleartextTrafficPermitted` become findings).
//!   The strict reader is `android_nsc::import_android_nsc`.
//! - `okhttp`: the `CertificatePinner.Builder().add(pattern, pins…)` calls of Kotlin or
//!   Java source (okhttp3 `CertificatePinner`).
//! - `trustkit`: a JSON form of TrustKit's configuration (`kTSKPinnedDomains`).
//!
//! Where the foreign system is more permissive than the imported policy (OkHttp's union
//! of overlapping patterns that certpin cannot express, Android's `overridePins`), the
//! policy is the stricter one and a finding says so: certpin may refuse a chain the app
//! accepted, never the other way round.

pub(crate) mod export;
pub(crate) mod hpkp;

pub(crate) mod android_nsc;
mod apple_ats;
mod curl;
mod okhttp;
mod tlsa;
mod trustkit;

use crate::finding::Finding;
use crate::policy::Policy;

pub use android_nsc::import_android_nsc_lenient;
pub use okhttp::import_okhttp;
pub use trustkit::import_trustkit;

/// A policy read from another system's configuration, and what did not carry over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub policy: Policy,
    /// In the order met in the source.
    pub findings: Vec<Finding>,
}
