//! Migration: pins from the configurations people already have, read into a checked
//! `Policy` plus the findings that say what the foreign configuration meant and certpin
//! did not carry over. Nothing is dropped silently: an element, key or pin that has no
//! certpin equivalent is a finding (`IMPORT_*` codes), and anything that would change
//! which chains are accepted in the unsafe direction (a pin that cannot be read, a
//! pattern certpin cannot express) is an error.
//!
//! - `android_nsc`: Android's `network_security_config.xml`, read leniently (`<base-config>`,
//!   `<trust-anchors>`, `<debug-overrides>`, `cleartextTrafficPermitted` become findings).
//!   The strict reader stays `crate::interop::export::import_android_nsc`.
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

mod android_nsc;
mod okhttp;
mod trustkit;

use crate::finding::Finding;
use crate::policy::Policy;

pub use android_nsc::import_android_nsc_lenient;
pub use okhttp::{import_okhttp, MAX_OKHTTP_ADD_CALLS, MAX_OKHTTP_BYTES};
pub use trustkit::{import_trustkit, MAX_TRUSTKIT_BYTES, MAX_TRUSTKIT_REPORT_URIS};

/// A policy read from another system's configuration, and what did not carry over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub policy: Policy,
    /// In the order met in the source.
    pub findings: Vec<Finding>,
}

/// Finding codes the importers produce.
pub mod codes {
    /// An element, attribute or key with no certpin equivalent, not imported.
    pub const UNSUPPORTED: &str = "IMPORT_UNSUPPORTED";
    /// Trust anchors (`<trust-anchors>`, `kTSKAdditionalTrustAnchors`): certpin does not
    /// choose which CAs are trusted; the TLS stack does.
    pub const TRUST_ANCHORS: &str = "IMPORT_TRUST_ANCHORS";
    /// The foreign config skipped pinning for some chains (Android `overridePins="true"`,
    /// TrustKit `kTSKIgnorePinningForUserDefinedTrustAnchors`); certpin enforces the pins
    /// for every chain.
    pub const PIN_OVERRIDE: &str = "IMPORT_PIN_OVERRIDE";
    /// `cleartextTrafficPermitted`: certpin pins TLS connections only.
    pub const CLEARTEXT: &str = "IMPORT_CLEARTEXT";
    /// `<debug-overrides>`: applies to debuggable Android builds only; not imported.
    pub const DEBUG_OVERRIDES: &str = "IMPORT_DEBUG_OVERRIDES";
    /// Names the foreign config lists without pins: not pinned in the policy either.
    pub const NOT_PINNED: &str = "IMPORT_NOT_PINNED";
    /// A SHA-1 pin (OkHttp `sha1/`): certpin pins SHA-256 or longer; not imported.
    pub const SHA1_PIN: &str = "IMPORT_SHA1_PIN";
    /// OkHttp accepts the pins of every matching pattern: a narrower entry got the pins
    /// of the broader patterns that cover all its names.
    pub const PINS_MERGED: &str = "IMPORT_PINS_MERGED";
    /// OkHttp patterns that share some names but neither covers the other: for the shared
    /// names certpin uses the narrower entry's pins only (stricter than OkHttp).
    pub const PATTERN_OVERLAP: &str = "IMPORT_PATTERN_OVERLAP";
    /// TrustKit refuses a domain with fewer than two pins (no backup pin).
    pub const TOO_FEW_PINS: &str = "IMPORT_TOO_FEW_PINS";
    /// TrustKit refuses includeSubdomains on a public suffix.
    pub const PUBLIC_SUFFIX: &str = "IMPORT_PUBLIC_SUFFIX";
    /// Report URIs certpin cannot carry (a second URI, TrustKit's default report URI).
    pub const REPORT_URI: &str = "IMPORT_REPORT_URI";
    /// TrustKit `kTSKExcludeSubdomainFromParentPolicy`: certpin cannot unpin a name below
    /// a pinned parent; the name keeps the parent's pins.
    pub const SUBDOMAIN_NOT_EXCLUDED: &str = "IMPORT_SUBDOMAIN_NOT_EXCLUDED";
}

/// Every finding code the importers produce (snapshot-tested).
pub const IMPORT_FINDING_CODES: &[&str] = &[
    codes::UNSUPPORTED,
    codes::TRUST_ANCHORS,
    codes::PIN_OVERRIDE,
    codes::CLEARTEXT,
    codes::DEBUG_OVERRIDES,
    codes::NOT_PINNED,
    codes::SHA1_PIN,
    codes::PINS_MERGED,
    codes::PATTERN_OVERLAP,
    codes::TOO_FEW_PINS,
    codes::PUBLIC_SUFFIX,
    codes::REPORT_URI,
    codes::SUBDOMAIN_NOT_EXCLUDED,
];
